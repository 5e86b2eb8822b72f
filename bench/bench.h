/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the throughput benchmarks share: a monotonic clock, and the CPU time
 * of the whole guest (gadget, host, devices and workers together).
 */
#ifndef BENCH_H
#define BENCH_H

#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The host CPU time of this guest's qemu so far, in seconds, asked on
 * ttyS1 (scripts/boot.sh --host-cpu, answered by scripts/host-cpu.py);
 * -1 when nobody answers within a second.
 */
static double host_cpu(void)
{
	static int fd = -2;
	char reply[32];
	size_t got = 0;

	if (fd == -2) {
		struct termios t;

		fd = open("/dev/ttyS1", O_RDWR | O_NOCTTY);
		if (fd >= 0 && !tcgetattr(fd, &t)) {
			cfmakeraw(&t);
			tcsetattr(fd, TCSANOW, &t);
			tcflush(fd, TCIOFLUSH);
		}
	}
	if (fd < 0 || write(fd, "?\n", 2) != 2)
		goto none;
	while (got < sizeof(reply) - 1) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, 1000) <= 0)
			goto none;
		n = read(fd, reply + got, sizeof(reply) - 1 - got);
		if (n <= 0)
			goto none;
		got += n;
		if (reply[got - 1] == '\n') {
			reply[got] = 0;
			return strtoull(reply, NULL, 10) / 1e9;
		}
	}
none:
	/* Asked once: a guest booted without the channel does not wait. */
	if (fd >= 0)
		close(fd);
	fd = -1;
	return -1;
}

/* Busy CPU time of the guest so far, from /proc/stat, in seconds. */
static double guest_cpu(void)
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

/*
 * The CPU time of the whole machine so far, in seconds (gadget, host,
 * devices and workers together): the host's CPU time of qemu where the
 * guest was booted with scripts/boot.sh --host-cpu, to the nanosecond;
 * else the guest's /proc/stat, which counts in ticks. cpu_source() says
 * which, once cpu_busy() has been called.
 */
static int cpu_from_host = -1;

static double cpu_busy(void)
{
	double t;

	if (cpu_from_host == 0)
		return guest_cpu();
	t = host_cpu();
	if (t >= 0) {
		cpu_from_host = 1;
		return t;
	}
	/*
	 * The host stopped answering after it had: no figure rather than a
	 * difference between its seconds and the guest's.
	 */
	if (cpu_from_host == 1)
		return NAN;
	cpu_from_host = 0;
	return guest_cpu();
}

static const char *cpu_source(void)
{
	return cpu_from_host > 0 ? "the host (qemu's threads, in ns)" :
				   "the guest's /proc/stat (in ticks)";
}

/* Each figure is the median of BENCH_ROUNDS runs. */
#define BENCH_ROUNDS	3

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of @n values (sorted in place), and their spread. */
static double median(double *v, unsigned int n, double *spread)
{
	double m;

	qsort(v, n, sizeof(*v), cmp_double);
	m = v[n / 2];
	*spread = m > 0 ? (v[n - 1] - v[0]) / m : 0;
	return m;
}

#endif /* BENCH_H */
