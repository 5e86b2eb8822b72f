// SPDX-License-Identifier: GPL-2.0
/*
 * FunctionFS throughput over dummy_hcd: DMA-BUF transfers against
 * read()/write() on the same endpoints, side by side in one run.
 *
 * It reuses the gadget, host and buffer code of the series' FunctionFS
 * selftest (tools/testing/selftests/drivers/usb/functionfs/dmabuf.c), which
 * it includes. For each transfer size from 64 KiB to 16 MiB and each
 * direction, it moves 64 MiB each way, BENCH_ROUNDS times, the two ways
 * interleaved:
 *
 *   dmabuf  one udmabuf buffer kept attached, FUNCTIONFS_DMABUF_TRANSFER,
 *           the fence waited for with poll(); no CPU access to the data
 *           (zero copy), each transfer bracketed by the kernel;
 *   rw      write() on the IN endpoint / read() on the OUT endpoint from a
 *           second thread, as a gadget without DMA-BUF would do.
 *
 * The host side is the same for both (usbfs bulk transfers of 256 KiB).
 * It prints MiB/s and the CPU time the whole machine spent per GiB moved
 * (gadget, host and dummy_hcd together: the host's CPU time of qemu where
 * the guest can ask for it, else the guest's busy time from /proc/stat, see
 * bench.h), the median of the rounds, and the spread of the CPU figures
 * ((max - min) / median). The data of one transfer of each size is checked
 * before the timed ones.
 */
#define main ffs_selftest_main
#include "dmabuf.c"
#undef main

#include <pthread.h>
#include "bench.h"

#define TOTAL		(64 << 20)

struct rw_job {
	int ep;
	bool in;
	uint8_t *buf;
	size_t len;
	unsigned int count;
	int ret;
};

static void *rw_gadget(void *arg)
{
	struct rw_job *j = arg;
	unsigned int i;

	for (i = 0; i < j->count && !j->ret; i++) {
		ssize_t n = j->in ? write(j->ep, j->buf, j->len) :
				    read(j->ep, j->buf, j->len);

		if (n < 0)
			j->ret = -errno;
		else if ((size_t)n != j->len)
			j->ret = -EMSGSIZE;
	}
	return NULL;
}

/* Move @count transfers of @len with read()/write(); 0 or -errno. */
static int run_rw(struct gadget *g, bool in, size_t len, unsigned int count,
		  uint8_t *gbuf, uint8_t *host)
{
	struct rw_job j = {
		.ep = in ? g->ep_in : g->ep_out, .in = in, .buf = gbuf,
		.len = len, .count = count,
	};
	pthread_t t;
	unsigned int i;
	int ret = 0;

	if (pthread_create(&t, NULL, rw_gadget, &j))
		return -EAGAIN;
	for (i = 0; i < count && !ret; i++) {
		ret = host_bulk(g, in ? g->host_in : g->host_out, host, len);
		ret = ret == (int)len ? 0 : ret < 0 ? ret : -EMSGSIZE;
	}
	pthread_join(t, NULL);
	return ret ?: j.ret;
}

/* Move @count transfers of @len through @b; 0 or -errno. */
static int run_dmabuf(struct gadget *g, bool in, struct buf *b, size_t len,
		      unsigned int count, uint8_t *host)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < count && !ret; i++) {
		ret = ffs_transfer(in ? g->ep_in : g->ep_out, b, len);
		if (ret)
			break;
		ret = host_bulk(g, in ? g->host_in : g->host_out, host, len);
		ret = ret == (int)len ? 0 : ret < 0 ? ret : -EMSGSIZE;
		ret = ret ?: wait_fences(b, in ? POLLOUT : POLLIN);
	}
	return ret;
}

int main(void)
{
	struct gadget g = { .ep0 = -1, .ep_in = -1, .ep_out = -1, .usb = -1 };
	static const size_t sizes[] = {
		64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20,
	};
	uint8_t *host, *gbuf;
	char cmdline[4096];
	unsigned int s, d;
	int ret;

	ksft_print_header();
	if (read_file("/proc/cmdline", cmdline, sizeof(cmdline)) > 0)
		g.swiotlb = strstr(cmdline, "swiotlb=force");
	ksft_set_plan(1);

	host = malloc(16 << 20);
	gbuf = malloc(16 << 20);
	if (!host || !gbuf)
		ksft_exit_fail_msg("malloc\n");
	ret = setup_gadget(&g);
	ret = ret ?: wait_enabled(&g);
	ret = ret ?: open_host(&g);
	if (ret) {
		teardown_gadget(&g);
		ksft_exit_fail_msg("FunctionFS gadget on dummy_hcd: %s\n",
				   strerror(-ret));
	}

	ksft_print_msg("THROUGHPUT swiotlb=force: %s\n",
		       g.swiotlb ? "yes" : "no");
	cpu_busy();
	ksft_print_msg("THROUGHPUT %ld CPUs, CPU time from %s\n",
		       sysconf(_SC_NPROCESSORS_ONLN), cpu_source());
	if (g.swiotlb)
		ksft_print_msg("THROUGHPUT (up to 256 KiB: f_fs read()/write() cannot map longer segments under swiotlb=force)\n");
	ksft_print_msg("THROUGHPUT %-3s %9s %12s %12s %14s %14s %7s %7s\n", "dir",
		       "size", "rw MiB/s", "dmabuf MiB/s", "rw CPU s/GiB",
		       "dmabuf CPU s/GiB", "rw +-", "db +-");
	for (s = 0; s < ARRAY_SIZE(sizes) && !ret; s++) {
		size_t len = sizes[s];
		unsigned int count = TOTAL / len;

		/*
		 * Under swiotlb=force one mapped segment cannot exceed 256 KiB,
		 * and f_fs builds the scatterlist of read()/write() from
		 * vmalloc() pages merged without regard to the device's
		 * maximum mapping size (ffs_build_sg_list()): above 256 KiB
		 * read()/write() fails to map there.
		 */
		if (len > max_len(&g, UDMABUF) ||
		    (g.swiotlb && len > 256 << 10))
			continue;
		for (d = 0; d < 2 && !ret; d++) {
			bool in = !d;
			double rw_mbs[BENCH_ROUNDS], rw_cpu[BENCH_ROUNDS];
			double db_mbs[BENCH_ROUNDS], db_cpu[BENCH_ROUNDS];
			double t, c, gib, sp_rw, sp_db, unused;
			double rw, db, rwc, dbc;
			size_t stale = 0;
			unsigned int r;
			struct buf b;
			int ep = in ? g.ep_in : g.ep_out;

			ret = buf_alloc(&b, UDMABUF, len);
			if (ret)
				break;
			ret = ioctl(ep, FUNCTIONFS_DMABUF_ATTACH, &b.fd) ?
			      -errno : 0;
			/* One checked transfer first. */
			if (!ret)
				ret = in ? round_in(&g, &b, len, true, s, host,
						    &stale) :
					   round_out(&g, &b, len, true, s, host,
						     &stale);
			if (!ret && stale)
				ret = -EIO;

			gib = (double)len * count / (1 << 30);
			for (r = 0; r < BENCH_ROUNDS && !ret; r++) {
				t = now();
				c = cpu_busy();
				ret = run_rw(&g, in, len, count, gbuf, host);
				rw_mbs[r] = gib * 1024 / (now() - t);
				rw_cpu[r] = (cpu_busy() - c) / gib;

				t = now();
				c = cpu_busy();
				ret = ret ?: run_dmabuf(&g, in, &b, len, count,
							host);
				db_mbs[r] = gib * 1024 / (now() - t);
				db_cpu[r] = (cpu_busy() - c) / gib;
			}

			ioctl(ep, FUNCTIONFS_DMABUF_DETACH, &b.fd);
			buf_free(&b);
			if (ret)
				break;
			rw = median(rw_mbs, BENCH_ROUNDS, &unused);
			db = median(db_mbs, BENCH_ROUNDS, &unused);
			rwc = median(rw_cpu, BENCH_ROUNDS, &sp_rw);
			dbc = median(db_cpu, BENCH_ROUNDS, &sp_db);
			ksft_print_msg("THROUGHPUT %-3s %9zu %12.1f %12.1f %14.2f %14.2f %6.0f%% %6.0f%%\n",
				       in ? "IN" : "OUT", len, rw, db, rwc, dbc,
				       100 * sp_rw, 100 * sp_db);
		}
	}
	ksft_test_result(!ret, "throughput: %s\n",
			 ret ? strerror(-ret) : "every size measured");

	teardown_gadget(&g);
	free(host);
	free(gbuf);
	ksft_finished();
}
