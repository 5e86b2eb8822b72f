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
 *           DMA-BUF), no CPU access to the data.
 *
 * It prints MiB/s and the CPU time of the whole guest per GiB. The
 * emulated device computes its pattern byte by byte, which costs far more
 * than the copy read() adds: the figures show what the copy adds on top of
 * that, not what a real device would reach.
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

/*
 * TOTAL bytes in @len blocks through two buffers, one filled while the
 * other is waited for, as read() has two blocks; 0 or -errno.
 */
static int run_dmabuf(struct iio *in, struct buf *b, size_t len)
{
	unsigned int i, n = TOTAL / len;
	int ret;

	ret = iio_enable(in, true);
	ret = ret ?: iio_enqueue(in, b[0].fd, len, 0);
	for (i = 1; i < n && !ret; i++) {
		ret = iio_enqueue(in, b[i % 2].fd, len, 0);
		ret = ret ?: wait_fences(&b[(i - 1) % 2], POLLIN);
	}
	ret = ret ?: wait_fences(&b[(n - 1) % 2], POLLIN);
	iio_enable(in, false);
	return ret;
}

int main(void)
{
	static const size_t sizes[] = {
		64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20,
	};
	double rd_t[5], rd_c[5], db_t[5], db_c[5];
	char cmdline[4096];
	struct iio in;
	uint8_t *data;
	unsigned int s;
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

	ksft_print_msg("IIOTHROUGHPUT %9s %12s %12s %14s %14s\n", "size",
		       "read MiB/s", "dmabuf MiB/s", "read CPU s/GiB",
		       "dmabuf CPU s/GiB");
	/* All read() runs first: attaching a DMA-BUF turns read() off. */
	for (s = 0; s < ARRAY_SIZE(sizes) && !ret; s++) {
		double t = now(), c = cpu_busy();

		if (sizes[s] > max_len(UDMABUF))
			continue;
		ret = run_read(&in, sizes[s], data);
		rd_t[s] = now() - t;
		rd_c[s] = cpu_busy() - c;
	}
	for (s = 0; s < ARRAY_SIZE(sizes) && !ret; s++) {
		size_t len = sizes[s], stale = 0;
		double t, c;
		struct buf b[2];

		if (len > max_len(UDMABUF))
			continue;
		ret = buf_alloc(&b[0], UDMABUF, len);
		if (ret)
			break;
		ret = buf_alloc(&b[1], UDMABUF, len);
		if (ret) {
			buf_free(&b[0]);
			break;
		}
		ret = iio_attach(&in, b[0].fd);
		ret = ret ?: iio_attach(&in, b[1].fd);
		/* One checked block in each first. */
		ret = ret ?: iio_enable(&in, true);
		ret = ret ?: round_in(&in, &b[0], len, true, s, &stale);
		ret = ret ?: round_in(&in, &b[1], len, true, s + 1, &stale);
		iio_enable(&in, false);
		if (!ret && stale)
			ret = -EIO;

		t = now();
		c = cpu_busy();
		ret = ret ?: run_dmabuf(&in, b, len);
		db_t[s] = now() - t;
		db_c[s] = cpu_busy() - c;

		iio_detach(&in, b[0].fd);
		iio_detach(&in, b[1].fd);
		buf_free(&b[0]);
		buf_free(&b[1]);
	}
	for (s = 0; s < ARRAY_SIZE(sizes) && !ret; s++) {
		if (sizes[s] > max_len(UDMABUF))
			continue;
		ksft_print_msg("IIOTHROUGHPUT %9zu %12.1f %12.1f %14.2f %14.2f\n",
			       sizes[s], TOTAL / (double)(1 << 20) / rd_t[s],
			       TOTAL / (double)(1 << 20) / db_t[s],
			       rd_c[s] / ((double)TOTAL / (1 << 30)),
			       db_c[s] / ((double)TOTAL / (1 << 30)));
	}
	ksft_test_result(!ret, "iio throughput: %s\n",
			 ret ? strerror(-ret) : "every size measured");
	iio_put_buffer(&in);
	close(in.dev);
	free(data);
	ksft_finished();
}
