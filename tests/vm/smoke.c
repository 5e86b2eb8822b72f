// SPDX-License-Identifier: GPL-2.0
/*
 * Smoke test of the test VM: proves that everything the real tests rely on
 * is there before they run. udmabuf and the system heap hand out DMA-BUFs
 * that map and keep their contents, the CMA heap exists when the kernel was
 * booted with cma=, vgem is the DRM device, dummy_hcd's UDC and the
 * configfs gadget directory exist, and debugfs/tracefs expose the dma-buf
 * files the tests read.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>
#include <drm/drm.h>

#include "harness.h"

#define BUF_SIZE (64 * 1024)
/*
 * The CMA heap of the default area: "default_cma_region" on 7.3 (which
 * keeps "reserved" as a legacy name), only "reserved" on 6.12.
 */
#define CMA_HEAP "/dev/dma_heap/default_cma_region"
#define CMA_HEAP_LEGACY "/dev/dma_heap/reserved"

static char cmdline[4096];

static void read_cmdline(void)
{
	FILE *f = fopen("/proc/cmdline", "r");

	if (f) {
		if (!fgets(cmdline, sizeof(cmdline), f))
			cmdline[0] = '\0';
		fclose(f);
	}
}

/* True when the kernel command line has a word starting with @prefix. */
static int cmdline_has(const char *prefix)
{
	const char *p = cmdline;
	size_t n = strlen(prefix);

	while ((p = strstr(p, prefix))) {
		if (p == cmdline || p[-1] == ' ')
			return 1;
		p += n;
	}
	return 0;
}

static int path_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Map @fd, write a pattern with DMA_BUF_IOCTL_SYNC around it, read it back. */
static int dmabuf_keeps_contents(int fd, const char **why)
{
	struct dma_buf_sync sync = { 0 };
	unsigned char *p;
	int i, good = 1;

	p = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		*why = "mmap failed";
		return 0;
	}
	sync.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW;
	if (ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync)) {
		*why = "DMA_BUF_IOCTL_SYNC start failed";
		good = 0;
		goto out;
	}
	for (i = 0; i < BUF_SIZE; i++)
		p[i] = (unsigned char)(i * 7 + 1);
	for (i = 0; i < BUF_SIZE && good; i++)
		good = p[i] == (unsigned char)(i * 7 + 1);
	if (!good)
		*why = "pattern read back differs";
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
	if (ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync) && good) {
		*why = "DMA_BUF_IOCTL_SYNC end failed";
		good = 0;
	}
out:
	munmap(p, BUF_SIZE);
	return good;
}

static void test_udmabuf(void)
{
	struct udmabuf_create create = { 0 };
	const char *why = "";
	int dev, memfd, buf;

	dev = open("/dev/udmabuf", O_RDWR);
	if (!ok("udmabuf_device_opens", dev >= 0, "/dev/udmabuf: %s",
		strerror(errno)))
		return;
	memfd = memfd_create("smoke", MFD_ALLOW_SEALING);
	if (memfd < 0 || ftruncate(memfd, BUF_SIZE) ||
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
		ok("udmabuf_creates_from_memfd", 0, "memfd setup: %s",
		   strerror(errno));
		goto out;
	}
	create.memfd = memfd;
	create.size = BUF_SIZE;
	buf = ioctl(dev, UDMABUF_CREATE, &create);
	if (ok("udmabuf_creates_from_memfd", buf >= 0, "UDMABUF_CREATE: %s",
	       strerror(errno))) {
		ok("udmabuf_keeps_contents", dmabuf_keeps_contents(buf, &why),
		   "%s", why);
		close(buf);
	}
	close(memfd);
out:
	close(dev);
}

/* Allocate BUF_SIZE from the heap at @path and check the buffer. */
static void test_heap(const char *label, const char *path)
{
	struct dma_heap_allocation_data data = {
		.len = BUF_SIZE,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	char name[64];
	const char *why = "";
	int heap;

	heap = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(name, sizeof(name), "%s_heap_opens", label);
	if (!ok(name, heap >= 0, "%s: %s", path, strerror(errno)))
		return;
	snprintf(name, sizeof(name), "%s_heap_allocates", label);
	if (ok(name, ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &data) == 0,
	       "DMA_HEAP_IOCTL_ALLOC: %s", strerror(errno))) {
		snprintf(name, sizeof(name), "%s_heap_keeps_contents", label);
		ok(name, dmabuf_keeps_contents(data.fd, &why), "%s", why);
		close(data.fd);
	}
	close(heap);
}

static void test_cma_heap(void)
{
	if (!cmdline_has("cma=")) {
		printf("# no cma= on the command line: CMA heap not checked\n");
		return;
	}
	/* The legacy name only where it is the one there is. */
	if (access(CMA_HEAP, F_OK) && !access(CMA_HEAP_LEGACY, F_OK))
		test_heap("cma", CMA_HEAP_LEGACY);
	else
		test_heap("cma", CMA_HEAP);
}

static void test_vgem(void)
{
	struct drm_version v = { 0 };
	char name[32] = "";
	int fd;

	fd = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
	if (!ok("vgem_device_opens", fd >= 0, "/dev/dri/card0: %s",
		strerror(errno)))
		return;
	v.name = name;
	v.name_len = sizeof(name) - 1;
	ok("vgem_is_card0", ioctl(fd, DRM_IOCTL_VERSION, &v) == 0 &&
	   strcmp(name, "vgem") == 0, "DRM driver is '%s' (%s)", name,
	   strerror(errno));
	close(fd);
}

int main(void)
{
	read_cmdline();
	printf("# cmdline: %s", cmdline);

	test_udmabuf();
	test_heap("system", "/dev/dma_heap/system");
	test_cma_heap();
	test_vgem();
	ok("dummy_udc_registered", path_exists("/sys/class/udc/dummy_udc.0"),
	   "no /sys/class/udc/dummy_udc.0");
	ok("configfs_usb_gadget_present",
	   path_exists("/sys/kernel/config/usb_gadget"),
	   "no /sys/kernel/config/usb_gadget (configfs not mounted?)");
	ok("debugfs_dma_buf_bufinfo_present",
	   path_exists("/sys/kernel/debug/dma_buf/bufinfo"),
	   "no /sys/kernel/debug/dma_buf/bufinfo (debugfs not mounted?)");
	ok("tracefs_dma_buf_events_present",
	   path_exists("/sys/kernel/tracing/events/dma_buf"),
	   "no /sys/kernel/tracing/events/dma_buf (tracefs not mounted?)");
	ok("fail_function_present", path_exists("/sys/kernel/debug/fail_function"),
	   "no /sys/kernel/debug/fail_function");
	if (cmdline_has("swiotlb=force"))
		ok("swiotlb_pool_present", path_exists("/sys/kernel/debug/swiotlb"),
		   "no /sys/kernel/debug/swiotlb");
	return done_testing();
}
