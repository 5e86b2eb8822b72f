// SPDX-License-Identifier: GPL-2.0
/*
 * IIO throughput with the emulated DMA device of CONFIG_IIO_DUMMY_DMA:
 * DMA-BUF blocks against the read() path of the same buffer, side by side.
 *
 * It reuses the code of the series' IIO DMA-BUF selftest
 * (tools/testing/selftests/drivers/iio/dmabuf.c), which it includes. For
 * block sizes from 64 KiB to 16 MiB, the input device fills 128 MiB worth
 * of blocks:
 *
 *   read    the buffer's read() path (two blocks of the given size in the
 *           IIO DMA buffer, copied to userspace);
 *   dmabuf  two udmabuf buffers kept attached, one filled while the other
 *           is waited for (IIO_BUFFER_DMABUF_ENQUEUE, poll() on the
 *           DMA-BUF), no CPU access to the data: the depth of read()'s
 *           two blocks;
 *   dmabuf4 the same with four buffers, three queued while one is waited
 *           for: a depth that read() cannot have (the IIO DMA buffer's
 *           read() path has two blocks), which an application of the
 *           DMA-BUF interface chooses.
 *
 * It prints MiB/s and the CPU time of the whole machine per GiB (see
 * bench.h), the median of BENCH_ROUNDS runs of each, and the spread of
 * the CPU figures. The emulated device writes its pattern a 64-bit word at a time
 * (one multiplication per word), cheaper than the copy that read() adds.
 */
#define main iio_selftest_main
#include "dmabuf.c"
#undef main

#include "bench.h"

#define TOTAL		(128 << 20)

/* read() TOTAL bytes in @len chunks from the input buffer; 0 or -errno. */
static int run_read(struct iio *in, size_t len, uint8_t *data)
{
	size_t got = 0;
	int ret;

	ret = iio_attr_write(in, "buffer0/length", 2 * len);
	ret = ret ?: iio_enable(in, true);
	while (!ret && got < TOTAL) {
		struct pollfd pfd = { .fd = in->buf, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, TIMEOUT_MS) <= 0) {
			ret = -ETIMEDOUT;
			break;
		}
		n = read(in->buf, data, len);
		if (n < 0)
			ret = -errno;
		else
			got += n;
	}
	iio_enable(in, false);
	return ret;
}

/* The most DMA-BUFs the dmabuf runs keep queued. */
#define NBUF		4

/*
 * TOTAL bytes in @len blocks through @nbuf buffers: all but one queued
 * while the oldest is waited for (with two, one filled while the other is
 * waited for, as read() has two blocks); 0 or -errno.
 */
static int run_dmabuf(struct iio *in, struct buf *b, unsigned int nbuf,
		      size_t len)
{
	unsigned int i, n = TOTAL / len;
	int ret;

	ret = iio_enable(in, true);
	for (i = 0; i < nbuf - 1 && !ret; i++)
		ret = iio_enqueue(in, b[i].fd, len, 0);
	for (i = nbuf - 1; i < n && !ret; i++) {
		ret = iio_enqueue(in, b[i % nbuf].fd, len, 0);
		ret = ret ?: wait_fences(&b[(i + 1) % nbuf], POLLIN);
	}
	for (i = n; i < n + nbuf - 1 && !ret; i++)
		ret = wait_fences(&b[(i + 1) % nbuf], POLLIN);
	iio_enable(in, false);
	return ret;
}

int main(void)
{
	static const size_t sizes[] = {
		64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20,
	};
	double rd_t[5][BENCH_ROUNDS], rd_c[5][BENCH_ROUNDS];
	double db_t[5][BENCH_ROUNDS], db_c[5][BENCH_ROUNDS];
	double d4_t[5][BENCH_ROUNDS], d4_c[5][BENCH_ROUNDS];
	const double gib = (double)TOTAL / (1 << 30);
	char cmdline[4096];
	unsigned int s, r;
	struct iio in;
	uint8_t *data;
	int ret;

	ksft_print_header();
	if (read_file("/proc/cmdline", cmdline, sizeof(cmdline)) > 0)
		swiotlb = strstr(cmdline, "swiotlb=force");
	ret = iio_open(&in, "iio_dummy_dma_in", false);
	if (ret)
		ksft_exit_skip("no emulated IIO DMA devices: %s\n",
			       strerror(-ret));
	ksft_set_plan(1);
	ret = iio_get_buffer(&in);
	data = malloc(16 << 20);
	if (ret || !data)
		ksft_exit_fail_msg("input buffer: %s\n", strerror(-ret));

	cpu_busy();
	ksft_print_msg("IIOTHROUGHPUT %ld CPUs, CPU time from %s\n",
		       sysconf(_SC_NPROCESSORS_ONLN), cpu_source());
	ksft_print_msg("IIOTHROUGHPUT %9s %12s %12s %14s %14s %7s %7s %13s %13s\n",
		       "size", "read MiB/s", "dmabuf MiB/s", "read CPU s/GiB",
		       "dmabuf CPU s/GiB", "rd +-", "db +-", "dmabuf4 MiB/s",
		       "dmabuf4 CPU");
	/* All read() runs first: attaching a DMA-BUF turns read() off. */
	for (s = 0; s < ARRAY_SIZE(sizes) && !ret; s++) {
		if (sizes[s] > max_len(UDMABUF))
			continue;
		for (r = 0; r < BENCH_ROUNDS && !ret; r++) {
			double t = now(), c = cpu_busy();

			ret = run_read(&in, sizes[s], data);
			rd_t[s][r] = TOTAL / (double)(1 << 20) / (now() - t);
			rd_c[s][r] = (cpu_busy() - c) / gib;
		}
	}
	for (s = 0; s < ARRAY_SIZE(sizes) && !ret; s++) {
		size_t len = sizes[s], stale = 0;
		struct buf b[NBUF];
		unsigned int i, nb;

		if (len > max_len(UDMABUF))
			continue;
		for (nb = 0; nb < NBUF && !ret; nb++) {
			ret = buf_alloc(&b[nb], UDMABUF, len);
			if (ret)
				break;
			ret = iio_attach(&in, b[nb].fd);
			if (ret) {
				buf_free(&b[nb]);
				break;
			}
		}
		/* One checked block in each first. */
		ret = ret ?: iio_enable(&in, true);
		for (i = 0; i < nb && !ret; i++)
			ret = round_in(&in, &b[i], len, true, s + i, &stale);
		iio_enable(&in, false);
		if (!ret && stale)
			ret = -EIO;

		for (r = 0; r < BENCH_ROUNDS && !ret; r++) {
			double t = now(), c = cpu_busy();

			ret = run_dmabuf(&in, b, 2, len);
			db_t[s][r] = TOTAL / (double)(1 << 20) / (now() - t);
			db_c[s][r] = (cpu_busy() - c) / gib;
			t = now();
			c = cpu_busy();
			ret = ret ?: run_dmabuf(&in, b, NBUF, len);
			d4_t[s][r] = TOTAL / (double)(1 << 20) / (now() - t);
			d4_c[s][r] = (cpu_busy() - c) / gib;
		}

		for (i = 0; i < nb; i++) {
			iio_detach(&in, b[i].fd);
			buf_free(&b[i]);
		}
	}
	for (s = 0; s < ARRAY_SIZE(sizes) && !ret; s++) {
		double sp_rd, sp_db, unused, rd, db, d4, rdc, dbc, d4c;

		if (sizes[s] > max_len(UDMABUF))
			continue;
		rd = median(rd_t[s], BENCH_ROUNDS, &unused);
		db = median(db_t[s], BENCH_ROUNDS, &unused);
		d4 = median(d4_t[s], BENCH_ROUNDS, &unused);
		rdc = median(rd_c[s], BENCH_ROUNDS, &sp_rd);
		dbc = median(db_c[s], BENCH_ROUNDS, &sp_db);
		d4c = median(d4_c[s], BENCH_ROUNDS, &unused);
		ksft_print_msg("IIOTHROUGHPUT %9zu %12.1f %12.1f %14.2f %14.2f %6.0f%% %6.0f%% %13.1f %13.2f\n",
			       sizes[s], rd, db, rdc, dbc, 100 * sp_rd,
			       100 * sp_db, d4, d4c);
	}
	ksft_test_result(!ret, "iio throughput: %s\n",
			 ret ? strerror(-ret) : "every size measured");
	iio_put_buffer(&in);
	close(in.dev);
	free(data);
	ksft_finished();
}
