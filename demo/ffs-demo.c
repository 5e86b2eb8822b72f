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
 */
#define main ffs_selftest_main
#include "dmabuf.c"
#undef main

#include <time.h>

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
	ksft_set_plan(2 * ARRAY_SIZE(exporters));

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

	teardown_gadget(&g);
	free(host);
	ksft_finished();
}
