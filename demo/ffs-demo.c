// SPDX-License-Identifier: GPL-2.0
/*
 * The DMA-BUF transfer demo: stream data through FunctionFS over dummy_hcd
 * with DMA-BUFs, in both directions, and verify every byte.
 *
 * It runs inside the test VM (scripts/demo.sh boots it) and reuses the
 * gadget, host and buffer code of the series' FunctionFS selftest,
 * tools/testing/selftests/drivers/usb/functionfs/dmabuf.c, which it
 * includes: only main() is its own. For udmabuf and the system heap, in
 * each direction, it keeps one buffer attached and moves ROUNDS transfers
 * through it:
 *
 *   IN   the CPU fills the buffer (DMA_BUF_IOCTL_SYNC around it), the
 *        gadget sends it, the host checks what it received;
 *   OUT  the host sends, the gadget receives into the buffer, the CPU
 *        checks it (DMA_BUF_IOCTL_SYNC around it);
 *
 * each round with a new pattern, so stale data cannot pass. It counts the
 * dma_buf_begin_access/dma_buf_end_access trace events, and reports one
 * "ok"/"not ok" line per stream and a "# DEMO" line with its figures.
 *
 * Then the contrast: what the series fixes. FunctionFS always brackets its
 * transfers now, so the same kind of stream runs through the kept mapping
 * of the test importer (CONFIG_DMABUF_TEST_IMPORTER), whose device moves
 * the data through the DMA addresses as hardware would, once with the
 * brackets and once without them (what FunctionFS and IIO did before):
 * the CPU writes and the device reads, the device writes and the CPU
 * reads (both with DMA_BUF_IOCTL_SYNC), and one device writes and another
 * reads with no CPU access (a relay, as IIO capture to USB). Booted with
 * swiotlb=force, every byte the device missed shows as wrong; a "# DEMO
 * contrast" line gives both counts. Only the run with the brackets must
 * be right.
 */
#define main ffs_selftest_main
#include "dmabuf.c"
#undef main

#include <time.h>

#include "../bench/test-importer.h"

#define DEMO_ROUNDS	64

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void stream(struct gadget *g, enum exporter e, bool in, size_t len,
		   uint8_t *host)
{
	unsigned int begins, ends, r;
	size_t stale = 0;
	double t0, secs;
	struct buf b;
	int ret, ep = in ? g->ep_in : g->ep_out;

	ret = buf_alloc(&b, e, len);
	if (ret) {
		ksft_test_result_skip("%s %s: cannot allocate: %s\n",
				      exporter_name[e], in ? "IN" : "OUT",
				      strerror(-ret));
		return;
	}

	trace_reset();
	ret = ioctl(ep, FUNCTIONFS_DMABUF_ATTACH, &b.fd) ? -errno : 0;
	t0 = now();
	for (r = 0; r < DEMO_ROUNDS && !ret; r++) {
		uint32_t seed = 0x5eed0000 + (e << 8) + (in << 7) + r;

		if (in)
			ret = round_in(g, &b, len, true, seed, host, &stale);
		else
			ret = round_out(g, &b, len, true, seed, host, &stale);
	}
	secs = now() - t0;
	trace_count(&begins, &ends);
	ioctl(ep, FUNCTIONFS_DMABUF_DETACH, &b.fd);
	buf_free(&b);

	ksft_print_msg("DEMO %s %s %zu x %u: %.1f MiB moved and verified, %zu bytes wrong, %u begin / %u end for %u transfers, %.1f s, %.2f MiB/s\n",
		       exporter_name[e], in ? "IN" : "OUT", len, r,
		       (double)len * r / (1 << 20), stale, begins, ends, r,
		       secs, secs > 0 ? (double)len * r / (1 << 20) / secs : 0);
	ksft_test_result(!ret && !stale && r == DEMO_ROUNDS &&
			 begins == r && ends == r,
			 "demo %s %s: %s\n", exporter_name[e], in ? "IN" : "OUT",
			 ret ? strerror(-ret) : stale ? "wrong data" :
			 "every byte right, one begin and one end per transfer");
}

static int ti_attach(int ti, struct buf *b, __u32 dir, __u32 *handle)
{
	struct dma_buf_ti_attach at = { .fd = b->fd, .dir = dir };

	if (ioctl(ti, DMA_BUF_TI_IOCTL_ATTACH, &at))
		return -errno;
	*handle = at.handle;
	return 0;
}

/* The device reads (DMA_BUF_TI_OP_READ: the bytes that differ) or writes. */
static int ti_transfer(int ti, __u32 handle, __u32 op, bool brackets,
		       uint32_t seed, size_t len, size_t *wrong)
{
	struct dma_buf_ti_transfer xfer = {
		.handle = handle, .op = op, .seed = seed, .length = len,
		.flags = brackets ? 0 : DMA_BUF_TI_NO_BRACKETS,
	};

	if (ioctl(ti, DMA_BUF_TI_IOCTL_TRANSFER, &xfer))
		return -errno;
	*wrong += xfer.mismatches;
	return 0;
}

/* The bytes of @b the CPU sees wrong, DMA_BUF_IOCTL_SYNC around it. */
static size_t ti_cpu_check(struct buf *b, uint32_t seed, size_t len)
{
	size_t i, wrong = 0;

	cpu_sync(b, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	for (i = 0; i < len; i++)
		wrong += b->map[i] != dma_buf_ti_pattern(seed, i);
	cpu_sync(b, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
	return wrong;
}

static void ti_cpu_fill(struct buf *b, uint32_t seed, size_t len)
{
	size_t i;

	cpu_sync(b, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE);
	for (i = 0; i < len; i++)
		b->map[i] = dma_buf_ti_pattern(seed, i);
	cpu_sync(b, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE);
}

enum ti_kind { TI_CPU_TO_DEVICE, TI_DEVICE_TO_CPU, TI_RELAY, NR_TI_KINDS };

static const char *const ti_kind_name[] = {
	[TI_CPU_TO_DEVICE] = "CPU -> device",
	[TI_DEVICE_TO_CPU] = "device -> CPU",
	[TI_RELAY] = "device -> device",
};

/*
 * DEMO_ROUNDS transfers of @len bytes of one kind through kept mappings of
 * one buffer, with or without the brackets: the bytes wrong, or -errno.
 */
static long long ti_stream(int ti, enum exporter e, enum ti_kind kind,
			   bool brackets, size_t len)
{
	__u32 to = 0, from = 0;
	size_t wrong = 0;
	unsigned int r;
	struct buf b;
	int ret;

	ret = buf_alloc(&b, e, len);
	if (ret)
		return ret;
	if (kind != TI_DEVICE_TO_CPU)
		ret = ti_attach(ti, &b, DMA_BUF_TI_TO_DEVICE, &to);
	if (!ret && kind != TI_CPU_TO_DEVICE)
		ret = ti_attach(ti, &b, DMA_BUF_TI_FROM_DEVICE, &from);
	for (r = 0; r < DEMO_ROUNDS && !ret; r++) {
		uint32_t seed = 0xc0de0000 + (e << 12) + (kind << 8) + r;

		if (kind == TI_CPU_TO_DEVICE)
			ti_cpu_fill(&b, seed, len);
		else
			ret = ti_transfer(ti, from, DMA_BUF_TI_OP_WRITE, brackets, seed,
					  len, &wrong);
		if (ret)
			break;
		if (kind == TI_DEVICE_TO_CPU)
			wrong += ti_cpu_check(&b, seed, len);
		else
			ret = ti_transfer(ti, to, DMA_BUF_TI_OP_READ, brackets, seed,
					  len, &wrong);
	}
	if (to)
		ioctl(ti, DMA_BUF_TI_IOCTL_DETACH, &to);
	if (from)
		ioctl(ti, DMA_BUF_TI_IOCTL_DETACH, &from);
	buf_free(&b);
	return ret ? ret : (long long)wrong;
}

static void contrast(struct gadget *g, enum exporter e)
{
	/* What one bounced segment allows, as in the streams above. */
	size_t len = max_len(g, e) < 256 << 10 ? max_len(g, e) : 256 << 10;
	long long with, without;
	unsigned int k;
	int ti;

	ti = open(DMA_BUF_TI_PATH, O_RDWR);
	for (k = 0; k < NR_TI_KINDS; k++) {
		if (ti < 0) {
			ksft_test_result_skip("contrast %s %s: no %s\n",
					      exporter_name[e], ti_kind_name[k],
					      DMA_BUF_TI_PATH);
			continue;
		}
		with = ti_stream(ti, e, k, true, len);
		without = ti_stream(ti, e, k, false, len);
		ksft_print_msg("DEMO contrast %s %s, %u x %zu B: with the brackets %lld bytes wrong, without them %lld\n",
			       exporter_name[e], ti_kind_name[k], DEMO_ROUNDS,
			       len, with, without);
		ksft_test_result(with == 0,
				 "contrast %s %s: with the brackets %s\n",
				 exporter_name[e], ti_kind_name[k],
				 with < 0 ? strerror(-with) :
				 with ? "wrong data" : "every byte right");
	}
	if (ti >= 0)
		close(ti);
}

int main(void)
{
	struct gadget g = { .ep0 = -1, .ep_in = -1, .ep_out = -1, .usb = -1 };
	static const enum exporter exporters[] = { UDMABUF, SYSTEM_HEAP };
	char cmdline[4096];
	uint8_t *host;
	unsigned int i;
	int ret;

	ksft_print_header();
	if (read_file("/proc/cmdline", cmdline, sizeof(cmdline)) > 0)
		g.swiotlb = strstr(cmdline, "swiotlb=force");
	ksft_set_plan((2 + NR_TI_KINDS) * ARRAY_SIZE(exporters));

	host = malloc(1 << 20);
	if (!host)
		ksft_exit_fail_msg("malloc\n");
	ret = setup_gadget(&g);
	ret = ret ?: wait_enabled(&g);
	ret = ret ?: open_host(&g);
	if (ret) {
		teardown_gadget(&g);
		ksft_exit_fail_msg("FunctionFS gadget on dummy_hcd: %s\n",
				   strerror(-ret));
	}
	ksft_print_msg("DEMO boot: swiotlb=force %s\n", g.swiotlb ? "yes" : "no");

	for (i = 0; i < ARRAY_SIZE(exporters); i++) {
		/* Under swiotlb=force, what one bounced segment allows. */
		size_t len = max_len(&g, exporters[i]);

		if (len > 1 << 20)
			len = 1 << 20;
		stream(&g, exporters[i], true, len, host);
		stream(&g, exporters[i], false, len, host);
	}
	for (i = 0; i < ARRAY_SIZE(exporters); i++)
		contrast(&g, exporters[i]);

	teardown_gadget(&g);
	free(host);
	ksft_finished();
}
