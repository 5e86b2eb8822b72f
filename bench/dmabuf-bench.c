// SPDX-License-Identifier: GPL-2.0
/*
 * The cost of a transfer through a DMA-BUF importer's mapping, three ways,
 * measured in the kernel by the test importer of CONFIG_DMABUF_TEST_IMPORTER
 * (its DMA_BUF_TI_IOCTL_BENCH):
 *
 *   a  map and unmap the attachment around every transfer (an importer
 *      that does not keep its mapping);
 *   b  keep the mapping, bracket every transfer with dma_buf_begin_access()
 *      and dma_buf_end_access() (this series);
 *   c  keep the mapping with no cache maintenance (upstream FunctionFS and
 *      IIO today: wrong where the device needs syncs).
 *
 * Each transfer is the test device writing the whole buffer through the
 * DMA addresses of the mapping, a page at a time (memset, no per-byte
 * work). For udmabuf, the system heap and the CMA heap, 4 KiB to 16 MiB, it
 * prints the time per transfer in ns and the ratios b/c (what the brackets
 * cost over no sync) and a/b (what keeping the mapping saves). Each figure
 * is the best of ROUNDS runs, the three ways interleaved. A size whose
 * mapping fails (under swiotlb=force, a segment longer than 256 KiB cannot
 * be bounced) is reported as such.
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

#define IMPORTER	"/sys/kernel/debug/dma_buf_test_importer"
#define ROUNDS		3
#define MIN_RUN_NS	50000000.0
#define MAX_ITERATIONS	1000000UL

/* From drivers/dma-buf/dma-buf-test-importer.c (not a UAPI header). */
#define DMA_BUF_TI_FROM_DEVICE		2
#define DMA_BUF_TI_BENCH_MAP		1
#define DMA_BUF_TI_BENCH_BRACKETS	2
#define DMA_BUF_TI_BENCH_NO_SYNC	3

struct dma_buf_ti_bench {
	__s32 fd;
	__u32 dir;
	__u32 mode;
	__u32 iterations;
	__u64 length;
	__u64 total_ns;
};

#define DMA_BUF_TI_IOCTL_BENCH	_IOWR('b', 0x43, struct dma_buf_ti_bench)

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
static double bench(int importer, int fd, size_t size, unsigned int mode,
		    unsigned int iterations)
{
	struct dma_buf_ti_bench arg = {
		.fd = fd,
		.dir = DMA_BUF_TI_FROM_DEVICE,
		.mode = mode,
		.iterations = iterations,
		.length = size,
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
static long calibrate(int importer, int fd, size_t size, unsigned int mode)
{
	unsigned long iterations = 1;

	for (;;) {
		double ns = bench(importer, fd, size, mode, iterations);

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

int main(void)
{
	static const char * const exporters[] = { "udmabuf", "system", "cma" };
	static const size_t sizes[] = { 4096, 65536, 1 << 20, 16 << 20 };
	char cmdline[4096] = "";
	unsigned int e, s, m, r;
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
	printf("# BENCH %-8s %9s %12s %12s %12s %7s %7s\n", "exporter", "size",
	       "a map/unmap", "b brackets", "c no sync", "b/c", "a/b");
	for (e = 0; e < 3; e++) {
		for (s = 0; s < 4; s++) {
			size_t size = sizes[s];
			long iterations[3];
			double best[3] = { 0, 0, 0 };
			int fd, err = 0;

			fd = e == 0 ? alloc_udmabuf(size) :
			     alloc_heap(e == 1 ? "system" : "default_cma_region",
					size);
			if (fd < 0) {
				printf("# BENCH %-8s %9zu  n/a: cannot allocate (%s)\n",
				       exporters[e], size, strerror(-fd));
				continue;
			}
			for (m = 0; m < 3 && !err; m++) {
				iterations[m] = calibrate(importer, fd, size,
							  DMA_BUF_TI_BENCH_MAP + m);
				if (iterations[m] < 0)
					err = -iterations[m];
			}
			for (r = 0; r < ROUNDS && !err; r++)
				for (m = 0; m < 3 && !err; m++) {
					double ns = bench(importer, fd, size,
							  DMA_BUF_TI_BENCH_MAP + m,
							  iterations[m]);

					if (ns < 0) {
						err = -ns;
						break;
					}
					ns /= iterations[m];
					if (!r || ns < best[m])
						best[m] = ns;
				}
			close(fd);
			if (err) {
				printf("# BENCH %-8s %9zu  n/a: mapping fails (%s)\n",
				       exporters[e], size, strerror(err));
				continue;
			}
			printf("# BENCH %-8s %9zu %12.0f %12.0f %12.0f %7.2f %7.2f\n",
			       exporters[e], size, best[0], best[1], best[2],
			       best[1] / best[2], best[0] / best[1]);
		}
	}
	close(importer);
	return 0;
}
