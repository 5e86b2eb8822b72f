/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the reliability tests (ffs-reliability.c, iio-reliability.c),
 * which include a selftest of the series first (for write_file(),
 * read_file(), the buffers and the trace counts).
 *
 * - a seeded random generator whose seed is printed and can be set with
 *   reliability_seed=N on the kernel command line, to replay a run;
 * - the leak check: the number of DMA-BUFs alive, from debugfs;
 * - fault injection: fail-nth (failslab, fail_page_alloc) for the calling
 *   thread, and fail_function on dma_buf_begin_access();
 * - trace buffer checks: a count is only trusted if nothing was lost.
 */
#ifndef RELIABILITY_COMMON_H
#define RELIABILITY_COMMON_H

#include <pthread.h>
#include <time.h>

#define BUFINFO		"/sys/kernel/debug/dma_buf/bufinfo"
#define FAULT_DIR	"/sys/kernel/debug"

static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
	rng_state = seed ? seed : 1;
}

/* xorshift64*: small, and the same sequence on every machine. */
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned int rnd(unsigned int n)
{
	return n ? rng() % n : 0;
}

/* Per-thread generator for the stress threads. */
static unsigned int rnd_r(uint64_t *s, unsigned int n)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return n ? (*s * 0x2545f4914f6cdd1dULL) % n : 0;
}

/* The seed: reliability_seed=N on the kernel command line, or @def. */
static uint64_t cmdline_seed(uint64_t def)
{
	char cmdline[4096], *p;

	if (read_file("/proc/cmdline", cmdline, sizeof(cmdline)) > 0) {
		p = strstr(cmdline, "reliability_seed=");
		if (p)
			return strtoull(p + strlen("reliability_seed="), NULL, 0);
	}
	return def;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * The number of DMA-BUFs alive, from the "Total N objects" line of
 * bufinfo, or -1. Buffers are released when their last reference goes,
 * which can lag the close() that dropped it (fput runs as task work, and
 * a transfer that completes holds a reference until its fence is done),
 * so the leak check waits for the count to come back, up to @wait_ms.
 */
static int dmabufs_alive(void)
{
	char line[256];
	int n = -1;
	FILE *f;

	f = fopen(BUFINFO, "r");
	if (!f)
		return -1;
	/* Not the "Total N devices attached" line of each buffer. */
	while (fgets(line, sizeof(line), f))
		if (strstr(line, " objects, ") &&
		    sscanf(line, "Total %d objects", &n) == 1)
			break;
	fclose(f);
	return n;
}

static int dmabufs_settle(int expect, unsigned int wait_ms)
{
	double end = now_s() + wait_ms / 1000.0;
	int n;

	for (;;) {
		n = dmabufs_alive();
		if (n == expect || now_s() > end)
			return n;
		sleep_ms(20);
	}
}

/* What is left, for the log of a failed leak check. */
static void dmabufs_dump(void)
{
	char line[256];
	FILE *f;

	f = fopen(BUFINFO, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		printf("#   %s", line);
	fclose(f);
}

/*
 * Make fail-nth reach every allocation: by default failslab and
 * fail_page_alloc skip those that may sleep. verbose=0: an injected
 * failure is not a splat, and the test reports what it injected.
 */
static int faults_setup(void)
{
	int ret;

	ret = write_file(FAULT_DIR "/failslab/ignore-gfp-wait", "N");
	ret = ret ?: write_file(FAULT_DIR "/failslab/verbose", "0");
	ret = ret ?: write_file(FAULT_DIR "/fail_page_alloc/ignore-gfp-wait", "N");
	ret = ret ?: write_file(FAULT_DIR "/fail_page_alloc/ignore-gfp-highmem", "N");
	ret = ret ?: write_file(FAULT_DIR "/fail_page_alloc/min-order", "0");
	ret = ret ?: write_file(FAULT_DIR "/fail_page_alloc/verbose", "0");
	ret = ret ?: write_file(FAULT_DIR "/fail_function/verbose", "0");
	return ret;
}

/*
 * fail-nth of the calling thread, opened once: opening it again between
 * arming and reading would itself allocate, and be the point that fails.
 */
static __thread int fail_nth_fd = -1;

/* Fail the @nth fault injection point this thread reaches. */
static int fail_nth_arm(unsigned int nth)
{
	char val[16];
	int len;

	if (fail_nth_fd < 0)
		fail_nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (fail_nth_fd < 0)
		return -errno;
	len = snprintf(val, sizeof(val), "%u", nth);
	return pwrite(fail_nth_fd, val, len, 0) == len ? 0 : -errno;
}

/*
 * Disarm, and tell whether a failure was injected: fail-nth reads back 0
 * once it fired, or what was left of the count if fewer points were
 * reached.
 */
static bool fail_nth_fired(void)
{
	char val[16] = "";
	bool fired;

	if (pread(fail_nth_fd, val, sizeof(val) - 1, 0) <= 0)
		return false;
	fired = strtoul(val, NULL, 10) == 0;
	pwrite(fail_nth_fd, "0", 1, 0);
	return fired;
}

/*
 * fail_function: make the next @times calls of dma_buf_begin_access()
 * return @err without running it, as an exporter callback failing would.
 */
static int fail_begin_access(unsigned int times, int err)
{
	char val[24];
	int ret;

	ret = write_file(FAULT_DIR "/fail_function/inject", "dma_buf_begin_access");
	if (ret && ret != -EEXIST && ret != -EBUSY)
		return ret;
	/* Written as the 64-bit pattern, like 'printf %#x -12' does. */
	snprintf(val, sizeof(val), "%#llx", (unsigned long long)(long long)err);
	ret = write_file(FAULT_DIR "/fail_function/dma_buf_begin_access/retval", val);
	ret = ret ?: write_file(FAULT_DIR "/fail_function/probability", "100");
	ret = ret ?: write_file(FAULT_DIR "/fail_function/interval", "1");
	snprintf(val, sizeof(val), "%u", times);
	return ret ?: write_file(FAULT_DIR "/fail_function/times", val);
}

static void fail_begin_access_off(void)
{
	write_file(FAULT_DIR "/fail_function/inject", "!dma_buf_begin_access");
}

/* Larger trace buffers for the stress runs, and a check that none was lost. */
static void trace_grow(void)
{
	write_file(TRACING "/buffer_size_kb", "8192");
}

static unsigned long trace_lost(void)
{
	char path[96], line[128];
	unsigned long lost = 0, n;
	unsigned int cpu;
	FILE *f;

	for (cpu = 0; cpu < 8; cpu++) {
		snprintf(path, sizeof(path), TRACING "/per_cpu/cpu%u/stats", cpu);
		f = fopen(path, "r");
		if (!f)
			break;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "overrun: %lu", &n) == 1 ||
			    sscanf(line, "dropped events: %lu", &n) == 1)
				lost += n;
		fclose(f);
	}
	return lost;
}

static unsigned int online_cpus(void)
{
	return sysconf(_SC_NPROCESSORS_ONLN);
}

#endif
