/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kernel_has_symbol(): whether the running kernel's /proc/kallsyms lists a
 * built-in symbol, for the VM tests and benchmarks that ask what the kernel
 * does (arch_sync_dma_for_device(): the DMA API does cache maintenance).
 */
#ifndef DMABUF_ACCESS_KALLSYMS_H
#define DMABUF_ACCESS_KALLSYMS_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static inline bool kernel_has_symbol(const char *name)
{
	char line[256], want[128];
	bool found = false;
	FILE *f;

	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return false;
	/* "ADDRESS TYPE NAME\n": a module's symbols end in " [MODULE]". */
	snprintf(want, sizeof(want), " %s\n", name);
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, want) != NULL;
	fclose(f);
	return found;
}

#endif /* DMABUF_ACCESS_KALLSYMS_H */
