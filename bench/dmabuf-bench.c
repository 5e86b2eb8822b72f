// SPDX-License-Identifier: GPL-2.0
/*
 * The cost of a transfer through a DMA-BUF importer's mapping, in each of
 * the ways the cover letter compares, measured in the kernel by the test
 * importer of CONFIG_DMABUF_TEST_IMPORTER (its DMA_BUF_TI_IOCTL_BENCH):
 *
 *   a  map and unmap the attachment around every transfer (an importer
 *      that does not keep its mapping);
 *   b  refuse a device that DMA_ATTR_REQUIRE_COHERENT refuses (probed at
 *      attach), and keep the mapping with no sync where it is accepted;
 *   c  keep the mapping, bracket every transfer with dma_buf_begin_access()
 *      and dma_buf_end_access(): the exporter's callbacks (this series);
 *   d  keep the mapping, the importer syncs the transfer's bytes through
 *      the DMA addresses of its table (dma_buf_sync_range_for_*()), with no
 *      exporter involvement;
 *   n  keep the mapping with no cache maintenance (upstream FunctionFS and
 *      IIO today: wrong where the device needs syncs);
 *   m  no DMA-BUF at all: a memcpy() of the transfer's bytes, what one
 *      bounce copy costs;
 *   e  the brackets alone, as in c but with no data moved: their own cost.
 *
 * Each transfer is the test device writing the first "xfer" bytes of a
 * buffer of "size" bytes through the DMA addresses of the mapping, a page at
 * a time (memset, no per-byte work). For udmabuf, the system heap and the
 * CMA heap it prints the time per transfer in ns of each way, then c/n
 * (what the brackets cost over no sync), e/m (the brackets' own cost
 * against a copy of the bytes they cover), a/c (what keeping the mapping
 * saves) and d/c. Then the targets, each with its ratio and whether it is
 * met: where the device is coherent, the brackets' cost does not grow
 * with the buffer (e at 16 MiB / e at 4 KiB <= 1.5) and is at most 1% of
 * a map and unmap at 16 MiB; where mappings are bounced, it follows the
 * bytes (e/m <= 1.2 at every size, and a 4 KiB transfer in a 16 MiB
 * buffer costs about a 4 KiB copy). Each figure is the best of ROUNDS
 * runs, the ways interleaved. A way that is refused, or a size whose
 * mapping fails (under swiotlb=force, a segment longer than 256 KiB cannot
 * be bounced), is reported as such.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/dma-heap.h>
#include <linux/memfd.h>
#include <linux/types.h>
#include <linux/udmabuf.h>

#include "kallsyms.h"
#include "test-importer.h"

#define IMPORTER	DMA_BUF_TI_PATH
#define ROUNDS		3
#define MIN_RUN_NS	50000000.0
#define MAX_ITERATIONS	1000000UL

static int alloc_udmabuf(size_t size)
{
	struct udmabuf_create create = { .flags = UDMABUF_FLAGS_CLOEXEC };
	int dev, memfd, fd = -1;

	dev = open("/dev/udmabuf", O_RDWR);
	if (dev < 0)
		return -errno;
	memfd = memfd_create("dmabuf-bench", MFD_ALLOW_SEALING);
	if (memfd >= 0 && !ftruncate(memfd, size) &&
	    !fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
		create.memfd = memfd;
		create.size = size;
		fd = ioctl(dev, UDMABUF_CREATE, &create);
	}
	if (fd < 0)
		fd = -errno;
	if (memfd >= 0)
		close(memfd);
	close(dev);
	return fd;
}

static int alloc_heap(const char *name, size_t size)
{
	struct dma_heap_allocation_data data = {
		.len = size,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	char path[64];
	int heap, ret;

	snprintf(path, sizeof(path), "/dev/dma_heap/%s", name);
	heap = open(path, O_RDONLY | O_CLOEXEC);
	if (heap < 0)
		return -errno;
	ret = ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &data);
	ret = ret < 0 ? -errno : (int)data.fd;
	close(heap);
	return ret;
}

/* The time of @iterations transfers in ns, or -errno. */
static double bench(int importer, int fd, size_t xfer, unsigned int mode,
		    unsigned int iterations)
{
	struct dma_buf_ti_bench arg = {
		.fd = fd,
		.dir = DMA_BUF_TI_FROM_DEVICE,
		.mode = mode,
		.iterations = iterations,
		.length = xfer,
	};

	if (ioctl(importer, DMA_BUF_TI_IOCTL_BENCH, &arg))
		return -errno;
	return arg.total_ns;
}

/*
 * The number of transfers that take at least MIN_RUN_NS in @mode, so that
 * a coarse clock (qemu TCG may leave the guest on jiffies) does not
 * matter, or -errno.
 */
static long calibrate(int importer, int fd, size_t xfer, unsigned int mode)
{
	unsigned long iterations = 1;

	for (;;) {
		double ns = bench(importer, fd, xfer, mode, iterations);

		if (ns < 0)
			return ns;
		if (ns >= MIN_RUN_NS || iterations >= MAX_ITERATIONS)
			return iterations;
		iterations = ns < MIN_RUN_NS / 64 ? iterations * 64 :
			     iterations * 2 * MIN_RUN_NS / (ns + 1) + 1;
		if (iterations > MAX_ITERATIONS)
			iterations = MAX_ITERATIONS;
	}
}

/* The ways, in the order of the table. */
static const struct way {
	const char *name;
	unsigned int mode;
} ways[] = {
	{ "a map/unmap", DMA_BUF_TI_BENCH_MAP },
	{ "b req-coh", DMA_BUF_TI_BENCH_REQUIRE_COHERENT },
	{ "c brackets", DMA_BUF_TI_BENCH_BRACKETS },
	{ "d imp-sync", DMA_BUF_TI_BENCH_IMPORTER_SYNC },
	{ "n no sync", DMA_BUF_TI_BENCH_NO_SYNC },
	{ "m memcpy", DMA_BUF_TI_BENCH_MEMCPY },
	{ "e brk alone", DMA_BUF_TI_BENCH_BRACKETS_ONLY },
};

#define NWAYS	(sizeof(ways) / sizeof(ways[0]))
#define WAY_A	0
#define WAY_B	1
#define WAY_C	2
#define WAY_D	3
#define WAY_N	4
#define WAY_M	5
#define WAY_E	6

/* Buffer size and the bytes each transfer moves. */
static const struct { size_t size, xfer; } cases[] = {
	{ 4096, 4096 },
	{ 65536, 65536 },
	{ 1 << 20, 1 << 20 },
	{ 16 << 20, 16 << 20 },
	{ 16 << 20, 4096 },
};

#define NCASES		(sizeof(cases) / sizeof(cases[0]))
#define CASE_4K		0
#define CASE_16M	3
#define CASE_4K_IN_16M	4

/* Per exporter and case: the best time of each way, 0 where it failed. */
static double results[3][NCASES][NWAYS];

static void target(const char *exporter, const char *what, double num,
		   double den, double limit)
{
	if (num <= 0 || den <= 0) {
		printf("# BENCH target %-8s %-46s      n/a (a way failed)\n",
		       exporter, what);
		return;
	}
	printf("# BENCH target %-8s %-46s %8.3f <= %-5g %s\n", exporter, what,
	       num / den, limit, num / den <= limit ? "met" : "MISSED");
}

static void targets(const char *const exporters[], int swiotlb)
{
	unsigned int e, c;

	/* arch_sync_dma_for_device(): the DMA API does cache maintenance (arm64, arm). */
	if (!swiotlb && kernel_has_symbol("arch_sync_dma_for_device")) {
		printf("# BENCH targets: none here: the devices are not coherent and qemu models no caches\n");
		return;
	}
	for (e = 0; e < 3; e++) {
		double (*r)[NWAYS] = results[e];

		if (!swiotlb) {
			target(exporters[e], "e(16M) / e(4K): the brackets are O(1)",
			       r[CASE_16M][WAY_E], r[CASE_4K][WAY_E], 1.5);
			target(exporters[e], "e(16M) / a(16M): <= 1% of map+unmap",
			       r[CASE_16M][WAY_E], r[CASE_16M][WAY_A], 0.01);
			continue;
		}
		for (c = 0; c < NCASES; c++) {
			char what[96];

			snprintf(what, sizeof(what), "e/m, %zu KiB in %zu KiB: follows the bytes",
				 cases[c].xfer >> 10, cases[c].size >> 10);
			target(exporters[e], what, r[c][WAY_E], r[c][WAY_M], 1.2);
		}
		target(exporters[e], "e(4K in 16M) / e(4K in 4K): not the buffer",
		       r[CASE_4K_IN_16M][WAY_E], r[CASE_4K][WAY_E], 1.5);
	}
}

static void print_ns(double ns, int err)
{
	if (err == EOPNOTSUPP)
		printf(" %11s", "refused");
	else if (err)
		printf(" %11s", "fails");
	else
		printf(" %11.0f", ns);
}

static void print_ratio(double num, double den, int ok)
{
	if (ok && den > 0)
		printf(" %7.2f", num / den);
	else
		printf(" %7s", "-");
}

int main(void)
{
	static const char * const exporters[] = { "udmabuf", "system", "cma" };
	char cmdline[4096] = "";
	unsigned int e, c, w, r;
	int importer;
	FILE *f;

	f = fopen("/proc/cmdline", "r");
	if (f) {
		if (!fgets(cmdline, sizeof(cmdline), f))
			cmdline[0] = 0;
		fclose(f);
	}
	importer = open(IMPORTER, O_RDWR);
	if (importer < 0) {
		printf("SKIP dmabuf-bench: no %s (CONFIG_DMABUF_TEST_IMPORTER)\n",
		       IMPORTER);
		return 0;
	}

	printf("# BENCH swiotlb=force: %s\n",
	       strstr(cmdline, "swiotlb=force") ? "yes" : "no");
	f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  "r");
	if (f) {
		char cs[64] = "?";

		if (fgets(cs, sizeof(cs), f))
			cs[strcspn(cs, "\n")] = 0;
		printf("# BENCH clocksource %s, every run at least %.0f ms\n",
		       cs, MIN_RUN_NS / 1e6);
		fclose(f);
	}
	printf("# BENCH %-8s %9s %9s", "exporter", "size", "xfer");
	for (w = 0; w < NWAYS; w++)
		printf(" %11s", ways[w].name);
	printf(" %7s %7s %7s %7s\n", "c/n", "e/m", "a/c", "d/c");
	for (e = 0; e < 3; e++) {
		for (c = 0; c < NCASES; c++) {
			size_t size = cases[c].size, xfer = cases[c].xfer;
			long iterations[NWAYS];
			double best[NWAYS] = { 0 };
			int err[NWAYS] = { 0 };
			int fd;

			fd = e == 0 ? alloc_udmabuf(size) :
			     alloc_heap(e == 1 ? "system" : "default_cma_region",
					size);
			if (fd < 0) {
				printf("# BENCH %-8s %9zu %9zu  n/a: cannot allocate (%s)\n",
				       exporters[e], size, xfer, strerror(-fd));
				continue;
			}
			for (w = 0; w < NWAYS; w++) {
				iterations[w] = calibrate(importer, fd, xfer,
							  ways[w].mode);
				if (iterations[w] < 0)
					err[w] = -iterations[w];
			}
			for (r = 0; r < ROUNDS; r++)
				for (w = 0; w < NWAYS; w++) {
					double ns;

					if (err[w])
						continue;
					ns = bench(importer, fd, xfer,
						   ways[w].mode, iterations[w]);
					if (ns < 0) {
						err[w] = -ns;
						continue;
					}
					ns /= iterations[w];
					if (!r || ns < best[w])
						best[w] = ns;
				}
			close(fd);
			printf("# BENCH %-8s %9zu %9zu", exporters[e], size, xfer);
			for (w = 0; w < NWAYS; w++)
				print_ns(best[w], err[w]);
			print_ratio(best[WAY_C], best[WAY_N],
				    !err[WAY_C] && !err[WAY_N]);
			print_ratio(best[WAY_E], best[WAY_M],
				    !err[WAY_E] && !err[WAY_M]);
			print_ratio(best[WAY_A], best[WAY_C],
				    !err[WAY_A] && !err[WAY_C]);
			print_ratio(best[WAY_D], best[WAY_C],
				    !err[WAY_D] && !err[WAY_C]);
			printf("\n");
			for (w = 0; w < NWAYS; w++)
				results[e][c][w] = err[w] ? 0 : best[w];
		}
	}
	targets(exporters, strstr(cmdline, "swiotlb=force") != NULL);
	close(importer);
	return 0;
}
