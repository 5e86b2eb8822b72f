/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface of the series' test importer (CONFIG_DMABUF_TEST_IMPORTER,
 * <debugfs>/dma_buf_test_importer), from
 * drivers/dma-buf/dma-buf-test-importer.c: it is for testing only, not a
 * UAPI header, so its users copy it. This copy serves the benchmark
 * (bench/dmabuf-bench.c) and the demo (demo/ffs-demo.c); the conformance
 * selftest keeps its own, to stay self-contained in the kernel tree.
 */
#ifndef DMABUF_ACCESS_TEST_IMPORTER_H
#define DMABUF_ACCESS_TEST_IMPORTER_H

#include <stdint.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#define DMA_BUF_TI_PATH			"/sys/kernel/debug/dma_buf_test_importer"

#define DMA_BUF_TI_BIDIRECTIONAL	0
#define DMA_BUF_TI_TO_DEVICE		1
#define DMA_BUF_TI_FROM_DEVICE		2

#define DMA_BUF_TI_OP_WRITE		1
#define DMA_BUF_TI_OP_READ		2
#define DMA_BUF_TI_NO_BRACKETS		1
#define DMA_BUF_TI_IMPORTER_SYNC	2

#define DMA_BUF_TI_BENCH_MAP		1
#define DMA_BUF_TI_BENCH_BRACKETS	2
#define DMA_BUF_TI_BENCH_NO_SYNC	3
#define DMA_BUF_TI_BENCH_IMPORTER_SYNC	4
#define DMA_BUF_TI_BENCH_REQUIRE_COHERENT 5
#define DMA_BUF_TI_BENCH_MEMCPY		6
#define DMA_BUF_TI_BENCH_BRACKETS_ONLY	7

struct dma_buf_ti_attach {
	__s32 fd;
	__u32 dir;
	__u32 handle;
	__u32 coherent;
	__u32 nents;
	__u32 needs_sync;
	__u64 size;
};

struct dma_buf_ti_transfer {
	__u32 handle;
	__u32 op;
	__u32 flags;
	__u32 seed;
	__u64 offset;
	__u64 length;
	__u64 mismatches;
	__u64 first_mismatch;
};

struct dma_buf_ti_bench {
	__s32 fd;
	__u32 dir;
	__u32 mode;
	__u32 iterations;
	__u64 length;
	__u64 total_ns;
};

#define DMA_BUF_TI_IOCTL_ATTACH		_IOWR('b', 0x40, struct dma_buf_ti_attach)
#define DMA_BUF_TI_IOCTL_DETACH		_IOW('b', 0x41, __u32)
#define DMA_BUF_TI_IOCTL_TRANSFER	_IOWR('b', 0x42, struct dma_buf_ti_transfer)
#define DMA_BUF_TI_IOCTL_BENCH		_IOWR('b', 0x43, struct dma_buf_ti_bench)

/* The byte at @offset of the pattern of @seed: dma_buf_ti_pattern(). */
static inline uint8_t dma_buf_ti_pattern(uint32_t seed, uint64_t offset)
{
	uint32_t x = (uint32_t)offset ^ ((uint32_t)(offset >> 32) * 0x85ebca6bU) ^
		     (seed * 0x9e3779b9U);

	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	return x;
}

#endif
