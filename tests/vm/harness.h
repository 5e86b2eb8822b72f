/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tiny harness for the test programs that run inside the test VM.
 *
 * ok() reports one case as "PASS name" or "FAIL name: reason", and
 * done_testing() prints the closing "N passed, N failed" line and returns
 * the exit status for main(). scripts/boot.sh collects these lines from the
 * console log. Name each case for what it proves.
 */
#ifndef VM_HARNESS_H
#define VM_HARNESS_H

#include <stdarg.h>
#include <stdio.h>

static int harness_passed, harness_failed;

/*
 * ok - report one case
 * @name: what the case proves, one word (no spaces)
 * @cond: non-zero when the case passed
 * @why: printf format for the reason, printed only on failure
 *
 * Return: @cond, so that a caller can stop on a failed precondition.
 */
static inline __attribute__((format(printf, 3, 4)))
int ok(const char *name, int cond, const char *why, ...)
{
	va_list ap;

	if (cond) {
		printf("PASS %s\n", name);
		harness_passed++;
	} else {
		printf("FAIL %s: ", name);
		va_start(ap, why);
		vprintf(why, ap);
		va_end(ap);
		printf("\n");
		harness_failed++;
	}
	fflush(stdout);
	return cond;
}

/* Print the closing line; return the exit status for main(). */
static inline int done_testing(void)
{
	printf("%d passed, %d failed\n", harness_passed, harness_failed);
	fflush(stdout);
	return harness_failed ? 1 : 0;
}

#endif /* VM_HARNESS_H */
