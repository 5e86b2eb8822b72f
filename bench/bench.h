/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the throughput benchmarks share: a monotonic clock, and the busy CPU
 * time of the whole guest (gadget, host, devices and workers together).
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Busy CPU time of the machine so far, from /proc/stat, in seconds. */
static double cpu_busy(void)
{
	unsigned long long v[8] = { 0 };
	char line[512];
	double busy = 0;
	FILE *f;
	int i;

	f = fopen("/proc/stat", "r");
	if (!f)
		return 0;
	if (fgets(line, sizeof(line), f) &&
	    sscanf(line, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) >= 7)
		for (i = 0; i < 8; i++)
			if (i != 3 && i != 4)	/* idle, iowait */
				busy += v[i];
	fclose(f);
	return busy / sysconf(_SC_CLK_TCK);
}

#endif /* BENCH_H */
