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
 * - trace buffer checks: a count is only trusted if nothing was lost;
 * - what every part ends with (part_end()) and the random part's errno
 *   checks (op_expect()).
 *
 * The including program defines RELIABILITY_NAME, the importer's name in
 * the "# RELIABILITY" lines.
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

/* Wait until no fence of @fd is pending; true if they all signalled. */
static bool fences_done(int fd, unsigned int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	return poll(&pfd, 1, timeout_ms) == 1;
}

/* One part of a run, and the checks every part ends with. */
struct part {
	const char *name;
	int bufs_before;
	unsigned long ops, errors, injected, unsignalled;
};

static void part_begin(struct part *p, const char *name)
{
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->bufs_before = dmabufs_alive();
	trace_grow();
	trace_reset();
}

/*
 * Everything the part used is closed: the counts and the leak check, a
 * "# RELIABILITY" line with the figures (and @extra), one result.
 */
static void part_end(struct part *p, const char *extra)
{
	unsigned int begins, ends;
	unsigned long lost;
	int bufs;

	bufs = dmabufs_settle(p->bufs_before, 5000);
	trace_count(&begins, &ends);
	lost = trace_lost();
	if (bufs != p->bufs_before)
		dmabufs_dump();
	ksft_print_msg("RELIABILITY %s %s: %lu operations, %lu errors returned, %lu failures injected, %u begin / %u end, %lu fences unsignalled, %d DMA-BUFs left (%d before), %lu trace events lost%s\n",
		       RELIABILITY_NAME, p->name, p->ops, p->errors, p->injected,
		       begins, ends, p->unsignalled, bufs, p->bufs_before, lost,
		       extra);
	ksft_test_result(!p->unsignalled && begins == ends && !lost &&
			 bufs == p->bufs_before,
			 "%s: every fence signalled, %u begin / %u end, %d of %d DMA-BUFs left\n",
			 p->name, begins, ends, bufs, p->bufs_before);
}

/* What the random part's calls returned, per operation. */
#define MAX_OPS		8
struct op_stats {
	const char * const *name;
	unsigned long count[MAX_OPS], errno_seen[MAX_OPS][64];
	unsigned long unexpected;
};

/* Count call @i of operation @op, and check @err against @allowed. */
static void op_expect(struct op_stats *s, unsigned int i, unsigned int op,
		      int err, const int *allowed, unsigned int nallowed,
		      const char *what)
{
	unsigned int a;

	s->count[op]++;
	s->errno_seen[op][err < 64 ? err : 63]++;
	for (a = 0; a < nallowed; a++)
		if (allowed[a] == err)
			return;
	s->unexpected++;
	ksft_print_msg("random op %u: %s %s: %s, expected %s%s\n", i,
		       s->name[op], what, err ? strerror(err) : "success",
		       allowed[0] ? strerror(allowed[0]) : "success",
		       nallowed > 1 ? " (or another listed errno)" : "");
}

/* The number of calls that returned an error. */
static unsigned long op_errors(const struct op_stats *s)
{
	unsigned long n = 0;
	unsigned int op, err;

	for (op = 0; op < MAX_OPS; op++)
		for (err = 1; err < 64; err++)
			n += s->errno_seen[op][err];
	return n;
}

/*
 * The random part's buffers and the fds it passes: a buffer's own, one
 * closed, one that is not a DMA-BUF, or -1.
 */
enum fd_kind { FD_GOOD, FD_CLOSED, FD_NOT_DMABUF, FD_NEGATIVE, NR_FD_KINDS };

struct rbuf {
	int fd;
	size_t size;
	bool attached[2];	/* to the importer's two files */
};

static const size_t random_sizes[] = { 4096, 12288, 65536, 256 << 10 };

/* A new buffer of a random exporter and size, not attached. */
static int random_buf_new(struct rbuf *b)
{
	struct buf tmp;

	b->size = random_sizes[rnd(ARRAY_SIZE(random_sizes))];
	/* The CMA area may be busy: fall back to the system heap. */
	if (buf_alloc(&tmp, rnd(NR_EXPORTERS), b->size) &&
	    buf_alloc(&tmp, SYSTEM_HEAP, b->size))
		return -ENOMEM;
	munmap(tmp.map, tmp.size);
	b->fd = tmp.fd;
	b->attached[0] = b->attached[1] = false;
	return 0;
}

/* Mostly @b's fd, else a bad one; *@k tells which. */
static int random_fd(struct rbuf *b, int closed, int null_fd, enum fd_kind *k)
{
	*k = rnd(10) < 7 ? FD_GOOD : 1 + rnd(NR_FD_KINDS - 1);
	switch (*k) {
	case FD_GOOD: return b->fd;
	case FD_CLOSED: return closed;
	case FD_NOT_DMABUF: return null_fd;
	default: return -1;
	}
}

/* The errno a bad fd gives, or 0 if the fd is good. */
static int fd_errno(enum fd_kind k)
{
	return k == FD_GOOD ? 0 : k == FD_NOT_DMABUF ? EINVAL : EBADF;
}

static unsigned int online_cpus(void)
{
	return sysconf(_SC_NPROCESSORS_ONLN);
}

#endif
