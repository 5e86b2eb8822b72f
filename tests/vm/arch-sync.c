// SPDX-License-Identifier: GPL-2.0
/*
 * arch-sync: count the cache maintenance the device access brackets do.
 *
 * On an architecture whose devices are not DMA-coherent (arm64 and 32-bit
 * ARM in qemu's virt machine: no device there says dma-coherent), the DMA
 * API cleans and invalidates the CPU caches in arch_sync_dma_for_device()
 * and arch_sync_dma_for_cpu(). This program puts kprobes on both (with the
 * size and the direction of each call) and on the entry and return of
 * dma_buf_begin_access() and dma_buf_end_access(), in a trace instance of
 * its own, and attributes every cache maintenance call to the bracket it
 * ran in (the one on the same CPU between its entry and its return; the
 * brackets run their callbacks with preemption or interrupts off in the
 * importers that matter here, and a call outside any bracket is counted
 * apart).
 *
 * Part 1, the test importer (<debugfs>/dma_buf_test_importer): for udmabuf
 * and every DMA-BUF heap, in each direction, attach a BUF_SIZE buffer,
 * move TRANSFERS transfers of XFER_LEN bytes through the kept mapping, and
 * check that every begin cleaned (for_device, in the mapping's direction)
 * exactly the bytes of the transfer (the brackets are ranged: not the rest
 * of the mapping), that every end invalidated (for_cpu) as much unless the
 * device only read, and that the same transfers without the brackets do no
 * cache maintenance at all.
 * vgem (no callbacks) is attached too, to print the coherency gate's
 * answer for it.
 *
 * Part 2, the real importers: run /tests/ffs-demo (FunctionFS over
 * dummy_hcd) and /tests/iio-dmabuf (IIO) with the probes on and report the
 * cache maintenance per bracket; every bracket of theirs must have done
 * some, for_device on begin and for_cpu on every end that is not
 * DMA_TO_DEVICE.
 *
 * Where arch_sync_dma_for_device() is not in /proc/kallsyms (x86_64:
 * coherent, so the DMA API has no cache maintenance to do), it exits with
 * the kselftest skip code, 4.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dma-heap.h>
#include <linux/udmabuf.h>
#include <drm/drm.h>
#include <drm/drm_mode.h>

#include "harness.h"
#include "kallsyms.h"

#define TRACING		"/sys/kernel/tracing"
#define INST		TRACING "/instances/archsync"
#define IMPORTER	"/sys/kernel/debug/dma_buf_test_importer"

/*
 * 256 KiB: the largest contiguous segment (the CMA heap's) that SWIOTLB
 * can bounce, so that the same run works under swiotlb=force.
 */
#define BUF_SIZE	(256u << 10)
#define XFER_LEN	(16u << 10)
#define TRANSFERS	16

/* The test importer's interface (drivers/dma-buf/dma-buf-test-importer.c). */
#define DMA_BUF_TI_BASE			'b'
#define DMA_BUF_TI_TO_DEVICE		1
#define DMA_BUF_TI_FROM_DEVICE		2
#define DMA_BUF_TI_BIDIRECTIONAL	0
#define DMA_BUF_TI_OP_WRITE		1
#define DMA_BUF_TI_OP_READ		2
#define DMA_BUF_TI_NO_BRACKETS		1

struct dma_buf_ti_attach {
	int32_t fd;
	uint32_t dir;
	uint32_t handle;
	uint32_t coherent;
	uint32_t nents;
	uint32_t needs_sync;
	uint64_t size;
};

struct dma_buf_ti_transfer {
	uint32_t handle;
	uint32_t op;
	uint32_t flags;
	uint32_t seed;
	uint64_t offset;
	uint64_t length;
	uint64_t mismatches;
	uint64_t first_mismatch;
};

#define DMA_BUF_TI_IOCTL_ATTACH \
	_IOWR(DMA_BUF_TI_BASE, 0x40, struct dma_buf_ti_attach)
#define DMA_BUF_TI_IOCTL_DETACH		_IOW(DMA_BUF_TI_BASE, 0x41, uint32_t)
#define DMA_BUF_TI_IOCTL_TRANSFER \
	_IOWR(DMA_BUF_TI_BASE, 0x42, struct dma_buf_ti_transfer)

static const char *const dir_name[] = { "BIDI", "TO_DEVICE", "FROM_DEVICE" };

static int write_file(const char *path, const char *s, bool append)
{
	int fd = open(path, O_WRONLY | (append ? O_APPEND : O_TRUNC));
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

/* --- the probes --- */

/*
 * The size and direction are the second and third arguments: $argN where
 * the architecture has the function argument API (arm64, x86), the
 * registers otherwise (32-bit ARM, without LPAE: phys_addr_t in r0).
 */
static const char *const probes_regs[] = {
	"p:archsync/for_device arch_sync_dma_for_device size=%r1:u32 dir=%r2:s32",
	"p:archsync/for_cpu arch_sync_dma_for_cpu size=%r1:u32 dir=%r2:s32",
};

static const char *const probes[] = {
	"p:archsync/for_device arch_sync_dma_for_device size=$arg2:u64 dir=$arg3:s32",
	"p:archsync/for_cpu arch_sync_dma_for_cpu size=$arg2:u64 dir=$arg3:s32",
	"p:archsync/begin dma_buf_begin_access",
	"r:archsync/begin_ret dma_buf_begin_access",
	"p:archsync/end dma_buf_end_access",
	"r:archsync/end_ret dma_buf_end_access",
};

static void probes_remove(void)
{
	write_file(INST "/events/archsync/enable", "0", false);
	rmdir(INST);
	write_file(TRACING "/kprobe_events", "-:archsync/for_device\n", true);
	write_file(TRACING "/kprobe_events", "-:archsync/for_cpu\n", true);
	write_file(TRACING "/kprobe_events", "-:archsync/begin\n", true);
	write_file(TRACING "/kprobe_events", "-:archsync/begin_ret\n", true);
	write_file(TRACING "/kprobe_events", "-:archsync/end\n", true);
	write_file(TRACING "/kprobe_events", "-:archsync/end_ret\n", true);
}

/* 0, -ENOENT when the arch has no cache maintenance to probe, or -errno. */
static int probes_install(void)
{
	char line[256];
	unsigned int i;
	int ret;

	if (!kernel_has_symbol("arch_sync_dma_for_device"))
		return -ENOENT;
	probes_remove();
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		snprintf(line, sizeof(line), "%s\n", probes[i]);
		ret = write_file(TRACING "/kprobe_events", line, true);
		if (ret && i < 2) {
			snprintf(line, sizeof(line), "%s\n", probes_regs[i]);
			ret = write_file(TRACING "/kprobe_events", line, true);
		}
		if (ret) {
			printf("# cannot add probe '%s': %s\n", probes[i],
			       strerror(-ret));
			probes_remove();
			return ret;
		}
	}
	if (mkdir(INST, 0755) && errno != EEXIST)
		return -errno;
	write_file(INST "/buffer_size_kb", "16384", false);
	return write_file(INST "/events/archsync/enable", "1", false);
}

/* --- attribution --- */

enum ctx { OUTSIDE, IN_BEGIN, IN_END };

struct counts {
	unsigned long begins, ends;
	/* calls and bytes of each function, by the bracket they ran in */
	unsigned long dev_calls[3], cpu_calls[3];
	unsigned long long dev_bytes[3], cpu_bytes[3];
	/* calls whose direction differs from the expected one */
	unsigned long wrong_dir;
	/* brackets without any cache maintenance of the kind they need */
	unsigned long begins_without, ends_without;
	unsigned long long min_begin_bytes, max_begin_bytes;
	unsigned long long min_end_bytes, max_end_bytes;
	unsigned long lost;
};

#define MAX_CPUS 64

/*
 * Read the instance's trace and attribute each call. @want_dir is the
 * mapping's direction, or -1 when it is not known (part 2).
 */
static int count_trace(struct counts *c, int want_dir)
{
	enum ctx ctx[MAX_CPUS] = { OUTSIDE };
	unsigned long long cur[MAX_CPUS] = { 0 };
	char line[512], path[128];
	FILE *f;
	int cpu;

	memset(c, 0, sizeof(*c));
	c->min_begin_bytes = c->min_end_bytes = ~0ULL;
	f = fopen(INST "/trace", "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *p, *ev;
		unsigned long long size = 0;
		int dir = -1;

		if (line[0] == '#')
			continue;
		p = strchr(line, '[');
		if (!p)
			continue;
		cpu = atoi(p + 1);
		if (cpu < 0 || cpu >= MAX_CPUS)
			continue;
		ev = strstr(p, ": ");
		if (!ev)
			continue;
		ev += 2;
		p = strstr(ev, "size=");
		if (p)
			size = strtoull(p + 5, NULL, 0);
		p = strstr(ev, "dir=");
		if (p)
			dir = atoi(p + 4);

		if (!strncmp(ev, "begin_ret:", 10) || !strncmp(ev, "end_ret:", 8)) {
			bool begin = ev[0] == 'b';

			if (begin) {
				c->begins++;
				if (!cur[cpu])
					c->begins_without++;
				if (cur[cpu] < c->min_begin_bytes)
					c->min_begin_bytes = cur[cpu];
				if (cur[cpu] > c->max_begin_bytes)
					c->max_begin_bytes = cur[cpu];
			} else {
				c->ends++;
				if (!cur[cpu] && want_dir != DMA_BUF_TI_TO_DEVICE)
					c->ends_without++;
				if (cur[cpu] < c->min_end_bytes)
					c->min_end_bytes = cur[cpu];
				if (cur[cpu] > c->max_end_bytes)
					c->max_end_bytes = cur[cpu];
			}
			ctx[cpu] = OUTSIDE;
			cur[cpu] = 0;
		} else if (!strncmp(ev, "begin:", 6)) {
			ctx[cpu] = IN_BEGIN;
			cur[cpu] = 0;
		} else if (!strncmp(ev, "end:", 4)) {
			ctx[cpu] = IN_END;
			cur[cpu] = 0;
		} else if (!strncmp(ev, "for_device:", 11)) {
			c->dev_calls[ctx[cpu]]++;
			c->dev_bytes[ctx[cpu]] += size;
			if (ctx[cpu] == IN_BEGIN)
				cur[cpu] += size;
			if (ctx[cpu] != OUTSIDE && want_dir >= 0 && dir != want_dir)
				c->wrong_dir++;
		} else if (!strncmp(ev, "for_cpu:", 8)) {
			c->cpu_calls[ctx[cpu]]++;
			c->cpu_bytes[ctx[cpu]] += size;
			/* arm64 and arm: for_cpu does nothing for TO_DEVICE */
			if (ctx[cpu] == IN_END && dir != DMA_BUF_TI_TO_DEVICE)
				cur[cpu] += size;
			if (ctx[cpu] != OUTSIDE && want_dir >= 0 && dir != want_dir)
				c->wrong_dir++;
		}
	}
	fclose(f);
	if (!c->begins)
		c->min_begin_bytes = 0;
	if (!c->ends)
		c->min_end_bytes = 0;

	/* Events the ring buffer dropped would make the counts wrong. */
	for (cpu = 0; cpu < MAX_CPUS; cpu++) {
		char stats[1024], *o;
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), INST "/per_cpu/cpu%d/stats", cpu);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			break;
		n = read(fd, stats, sizeof(stats) - 1);
		close(fd);
		if (n <= 0)
			continue;
		stats[n] = 0;
		o = strstr(stats, "overrun: ");
		if (o)
			c->lost += strtoul(o + 9, NULL, 10);
	}
	return 0;
}

static void trace_clear(void)
{
	close(open(INST "/trace", O_WRONLY | O_TRUNC));
}

/* --- part 1: the test importer --- */

static int create_udmabuf(size_t size)
{
	struct udmabuf_create create = { .flags = UDMABUF_FLAGS_CLOEXEC };
	int devfd, memfd, fd;

	devfd = open("/dev/udmabuf", O_RDWR);
	if (devfd < 0)
		return -errno;
	memfd = memfd_create("arch-sync", MFD_ALLOW_SEALING);
	if (memfd < 0 || ftruncate(memfd, size) < 0 ||
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK) < 0) {
		fd = -errno;
		goto out;
	}
	create.memfd = memfd;
	create.size = size;
	fd = ioctl(devfd, UDMABUF_CREATE, &create);
	if (fd < 0)
		fd = -errno;
out:
	if (memfd >= 0)
		close(memfd);
	close(devfd);
	return fd;
}

static int create_heap_buf(const char *heap, size_t size)
{
	struct dma_heap_allocation_data data = {
		.len = size,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	char path[300];
	int heapfd, ret;

	snprintf(path, sizeof(path), "/dev/dma_heap/%s", heap);
	heapfd = open(path, O_RDONLY | O_CLOEXEC);
	if (heapfd < 0)
		return -errno;
	ret = ioctl(heapfd, DMA_HEAP_IOCTL_ALLOC, &data);
	ret = ret < 0 ? -errno : (int)data.fd;
	close(heapfd);
	return ret;
}

static int create_vgem_buf(size_t size)
{
	struct drm_mode_create_dumb create = {
		.width = 1024, .height = size / 4096, .bpp = 32,
	};
	struct drm_prime_handle prime = { .flags = DRM_CLOEXEC | DRM_RDWR };
	char name[16], path[300];
	struct dirent *de;
	DIR *dir;
	int fd = -1;

	dir = opendir("/dev/dri");
	if (!dir)
		return -ENODEV;
	while ((de = readdir(dir))) {
		struct drm_version version = {
			.name = name, .name_len = sizeof(name) - 1,
		};

		if (strncmp(de->d_name, "card", 4))
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%s", de->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(name, 0, sizeof(name));
		if (!ioctl(fd, DRM_IOCTL_VERSION, &version) &&
		    !strcmp(name, "vgem"))
			break;
		close(fd);
		fd = -1;
	}
	closedir(dir);
	if (fd < 0)
		return -ENODEV;
	if (ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create)) {
		close(fd);
		return -errno;
	}
	prime.handle = create.handle;
	if (ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &prime)) {
		close(fd);
		return -errno;
	}
	/* the DMA-BUF keeps the object alive */
	close(fd);
	return prime.fd;
}

static void run_exporter(int ti, const char *name, int buf, unsigned int dir)
{
	struct dma_buf_ti_attach at = { .fd = buf, .dir = dir };
	struct dma_buf_ti_transfer tr = { 0 };
	char cname[128];
	struct counts c;
	unsigned int i;
	int ret = 0;

	snprintf(cname, sizeof(cname), "%s-%s", name, dir_name[dir]);
	if (ioctl(ti, DMA_BUF_TI_IOCTL_ATTACH, &at)) {
		ok(cname, 0, "attach: %s", strerror(errno));
		return;
	}
	printf("# %s: attached, %u DMA segments, %s, the query says %s\n",
	       cname, at.nents, at.needs_sync ? "needs syncs" : "coherent",
	       at.coherent ? "coherent" : "NOT coherent");

	/* Where arch_sync_dma_for_device() exists, the virt machine's
	 * devices are not coherent: the DMA API must do maintenance. */
	snprintf(cname, sizeof(cname), "%s-%s-needs-sync", name, dir_name[dir]);
	ok(cname, at.needs_sync, "dma_need_sync() is false for the test importer");

	tr.handle = at.handle;
	tr.op = dir == DMA_BUF_TI_TO_DEVICE ? DMA_BUF_TI_OP_READ :
					      DMA_BUF_TI_OP_WRITE;
	tr.length = XFER_LEN;

	/* With the brackets. */
	trace_clear();
	for (i = 0; i < TRANSFERS && !ret; i++) {
		tr.seed = i;
		tr.offset = (uint64_t)i * XFER_LEN % BUF_SIZE;
		/* out fields must be zero on the way in */
		tr.mismatches = tr.first_mismatch = 0;
		ret = ioctl(ti, DMA_BUF_TI_IOCTL_TRANSFER, &tr) ? -errno : 0;
	}
	snprintf(cname, sizeof(cname), "%s-%s-transfers", name, dir_name[dir]);
	if (!ok(cname, !ret, "transfer %u: %s", i - 1, strerror(-ret)))
		goto detach;
	count_trace(&c, dir);
	/* exporter dir nents | begins ends | per begin | per end | outside */
	printf("# ARCH-SYNC %-20s %-11s %4u seg | %3lu begin %3lu end | begin: %5.1f for_device %8llu-%-8llu B | end: %5.1f for_cpu %8llu-%-8llu B | outside: %lu + %lu\n",
	       name, dir_name[dir], at.nents, c.begins, c.ends,
	       c.begins ? (double)c.dev_calls[IN_BEGIN] / c.begins : 0,
	       c.min_begin_bytes, c.max_begin_bytes,
	       c.ends ? (double)c.cpu_calls[IN_END] / c.ends : 0,
	       c.min_end_bytes, c.max_end_bytes,
	       c.dev_calls[OUTSIDE], c.cpu_calls[OUTSIDE]);

	snprintf(cname, sizeof(cname), "%s-%s-brackets-counted", name,
		 dir_name[dir]);
	ok(cname, c.begins == TRANSFERS && c.ends == TRANSFERS && !c.lost,
	   "%lu begins, %lu ends for %u transfers, %lu events lost", c.begins,
	   c.ends, TRANSFERS, c.lost);
	snprintf(cname, sizeof(cname), "%s-%s-begin-cleans", name,
		 dir_name[dir]);
	ok(cname, !c.begins_without && c.min_begin_bytes == XFER_LEN &&
		  c.max_begin_bytes == XFER_LEN && !c.dev_calls[IN_END],
	   "%lu begins without for_device, %llu-%llu bytes per begin (transfer %u, mapping %u), %lu for_device calls in ends",
	   c.begins_without, c.min_begin_bytes, c.max_begin_bytes, XFER_LEN,
	   BUF_SIZE, c.dev_calls[IN_END]);
	snprintf(cname, sizeof(cname), "%s-%s-end-invalidates", name,
		 dir_name[dir]);
	if (dir == DMA_BUF_TI_TO_DEVICE)
		ok(cname, !c.max_end_bytes,
		   "the device only read, yet an end invalidated %llu bytes",
		   c.max_end_bytes);
	else
		ok(cname, !c.ends_without && c.min_end_bytes == XFER_LEN &&
			  c.max_end_bytes == XFER_LEN && !c.cpu_calls[IN_BEGIN],
		   "%lu ends without for_cpu, %llu-%llu bytes per end (transfer %u), %lu for_cpu calls in begins",
		   c.ends_without, c.min_end_bytes, c.max_end_bytes, XFER_LEN,
		   c.cpu_calls[IN_BEGIN]);
	snprintf(cname, sizeof(cname), "%s-%s-direction", name, dir_name[dir]);
	ok(cname, !c.wrong_dir, "%lu calls in another direction than %s",
	   c.wrong_dir, dir_name[dir]);

	/* Without: the counts above come from the brackets. */
	trace_clear();
	tr.flags = DMA_BUF_TI_NO_BRACKETS;
	for (i = 0; i < TRANSFERS && !ret; i++) {
		tr.mismatches = tr.first_mismatch = 0;
		ret = ioctl(ti, DMA_BUF_TI_IOCTL_TRANSFER, &tr) ? -errno : 0;
	}
	count_trace(&c, dir);
	snprintf(cname, sizeof(cname), "%s-%s-none-without-brackets", name,
		 dir_name[dir]);
	ok(cname, !ret && !c.begins && !c.dev_calls[OUTSIDE] &&
		  !c.cpu_calls[OUTSIDE],
	   "%s; %lu begins, %lu for_device, %lu for_cpu calls",
	   strerror(-ret), c.begins, c.dev_calls[OUTSIDE], c.cpu_calls[OUTSIDE]);
detach:
	ioctl(ti, DMA_BUF_TI_IOCTL_DETACH, &at.handle);
}

static void part_importer(void)
{
	unsigned int dir;
	struct dirent *de;
	DIR *heaps;
	int ti, buf;

	ti = open(IMPORTER, O_RDWR);
	if (!ok("test-importer-present", ti >= 0, "%s: %s", IMPORTER,
		strerror(errno)))
		return;

	printf("# ARCH-SYNC test importer: %u transfers of %u bytes each through a kept mapping of a %u-byte buffer; bytes are per bracket (min-max)\n",
	       TRANSFERS, XFER_LEN, BUF_SIZE);
	for (dir = 0; dir < 3; dir++) {
		buf = create_udmabuf(BUF_SIZE);
		if (ok("udmabuf-alloc", buf >= 0, "%s", strerror(-buf))) {
			run_exporter(ti, "udmabuf", buf, dir);
			close(buf);
		}
	}
	heaps = opendir("/dev/dma_heap");
	while (heaps && (de = readdir(heaps))) {
		if (de->d_name[0] == '.')
			continue;
		for (dir = 0; dir < 3; dir++) {
			char cname[300];

			buf = create_heap_buf(de->d_name, BUF_SIZE);
			snprintf(cname, sizeof(cname), "%s-alloc", de->d_name);
			if (!ok(cname, buf >= 0, "%s", strerror(-buf)))
				continue;
			run_exporter(ti, de->d_name, buf, dir);
			close(buf);
		}
	}
	if (heaps)
		closedir(heaps);

	/* vgem: no callbacks, so the gate's answer decides the attach. */
	buf = create_vgem_buf(BUF_SIZE);
	if (buf >= 0) {
		struct dma_buf_ti_attach at = {
			.fd = buf, .dir = DMA_BUF_TI_BIDIRECTIONAL,
		};
		int ret = ioctl(ti, DMA_BUF_TI_IOCTL_ATTACH, &at) ? -errno : 0;

		if (ret)
			printf("# vgem: attach refused: %s (no callbacks; the device needs syncs)\n",
			       strerror(-ret));
		else
			printf("# vgem: attached, %s, the query says %s\n",
			       at.needs_sync ? "needs syncs" : "coherent",
			       at.coherent ? "coherent" : "NOT coherent");
		if (!ret)
			ioctl(ti, DMA_BUF_TI_IOCTL_DETACH, &at.handle);
		close(buf);
	}
	close(ti);
}

/* --- part 2: the real importers --- */

/* Run PROG with the probes on; its output goes to ours, each line "#   ". */
static void run_importer(const char *name, const char *prog)
{
	char cname[128], line[1024];
	struct counts c;
	int pipefd[2], status = -1;
	FILE *out;
	pid_t pid;

	if (access(prog, X_OK)) {
		printf("# %s: %s not in this initramfs\n", name, prog);
		return;
	}
	trace_clear();
	if (pipe(pipefd))
		return;
	pid = fork();
	if (!pid) {
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		close(pipefd[1]);
		execl(prog, prog, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	out = fdopen(pipefd[0], "r");
	while (out && fgets(line, sizeof(line), out))
		printf("#   %s", line);
	if (out)
		fclose(out);
	waitpid(pid, &status, 0);
	snprintf(cname, sizeof(cname), "%s-runs", name);
	ok(cname, WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "%s exited with status %d", prog, status);

	count_trace(&c, -1);
	printf("# ARCH-SYNC %s: %lu begins, %lu ends; per begin %.1f for_device calls, %.0f bytes on average (%llu-%llu); per end %.1f for_cpu calls, %.0f bytes on average (%llu-%llu); outside brackets %lu for_device (%llu bytes), %lu for_cpu (%llu bytes)\n",
	       name, c.begins, c.ends,
	       c.begins ? (double)c.dev_calls[IN_BEGIN] / c.begins : 0,
	       c.begins ? (double)c.dev_bytes[IN_BEGIN] / c.begins : 0,
	       c.min_begin_bytes, c.max_begin_bytes,
	       c.ends ? (double)c.cpu_calls[IN_END] / c.ends : 0,
	       c.ends ? (double)c.cpu_bytes[IN_END] / c.ends : 0,
	       c.min_end_bytes, c.max_end_bytes,
	       c.dev_calls[OUTSIDE], c.dev_bytes[OUTSIDE],
	       c.cpu_calls[OUTSIDE], c.cpu_bytes[OUTSIDE]);
	snprintf(cname, sizeof(cname), "%s-brackets-clean", name);
	ok(cname, c.begins > 0 && !c.begins_without && !c.lost,
	   "%lu begins, %lu of them without for_device, %lu events lost",
	   c.begins, c.begins_without, c.lost);
	snprintf(cname, sizeof(cname), "%s-brackets-balanced", name);
	ok(cname, c.begins == c.ends, "%lu begins, %lu ends", c.begins,
	   c.ends);
}

int main(void)
{
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = probes_install();
	if (ret == -ENOENT) {
		printf("# no arch_sync_dma_for_device() to probe: this architecture's DMA is coherent, no cache maintenance to count\n");
		return 4;
	}
	if (!ok("probes", !ret, "cannot set up the kprobes: %s", strerror(-ret)))
		return done_testing();

	part_importer();
	run_importer("ffs-demo", "/tests/ffs-demo");
	run_importer("iio-dmabuf", "/tests/iio-dmabuf");

	probes_remove();
	return done_testing();
}
