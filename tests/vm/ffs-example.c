// SPDX-License-Identifier: GPL-2.0
/*
 * Regression: upstream's FunctionFS example gadget, tools/usb/ffs-test,
 * still works on dummy_hcd with the series applied (the boot passes
 * dummy_hcd.sg=1, so f_fs moves ffs-test's 8 KiB reads and writes as
 * scatter-gather requests that the UDC core maps: the ordinary path next to
 * the DMA-BUF one).
 *
 * The gadget: a configfs gadget with one FunctionFS instance served by an
 * unmodified /bin/ffs-test (built from tools/usb/ffs-test.c), bound to
 * dummy_udc.0. ffs-test sends zeros on its IN endpoint and checks that what
 * it receives on its OUT endpoint is zeros ("bad OUT byte" and the end of
 * its endpoint thread otherwise).
 *
 * The host: usbfs bulk transfers from this program (usbtest's bulk tests
 * would do the same, but usbtest is not in the test kernel). Cases:
 * 64 OUT transfers of 8 KiB and some odd lengths, 64 IN transfers of 8 KiB
 * all zeros, and ffs-test reporting no error and keeping its endpoint
 * threads. A last case sends one non-zero byte and expects ffs-test to
 * report it: that shows the data check in the gadget does run.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/usbdevice_fs.h>

#include "harness.h"

#define GADGET	"/sys/kernel/config/usb_gadget/ffs_example"
#define FFS_DIR	"/dev/ffs-example"
#define LOG	"/tmp/ffs-test.log"
#define VENDOR	0x1d6b		/* Linux Foundation */
#define PRODUCT	0x0105		/* FunctionFS gadget */
#define EP_IN	0x81		/* ffs-test's descriptors */
#define EP_OUT	0x02
#define CHUNK	8192		/* ffs-test's ep1/ep2 buffer size */
#define ROUNDS	64

static int write_file(const char *path, const char *val)
{
	int fd, ret = 0;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int read_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

static int setup_gadget(void)
{
	static const char * const dirs[] = {
		GADGET, GADGET "/strings/0x409", GADGET "/configs/c.1",
		GADGET "/functions/ffs.example",
	};
	char val[16];
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (mkdir(dirs[i], 0755) && errno != EEXIST)
			return -errno;
	snprintf(val, sizeof(val), "0x%04x", VENDOR);
	ret = write_file(GADGET "/idVendor", val);
	snprintf(val, sizeof(val), "0x%04x", PRODUCT);
	ret = ret ?: write_file(GADGET "/idProduct", val);
	ret = ret ?: write_file(GADGET "/strings/0x409/serialnumber", "ffs-test");
	if (ret)
		return ret;
	if (symlink(GADGET "/functions/ffs.example",
		    GADGET "/configs/c.1/ffs.example") && errno != EEXIST)
		return -errno;
	if (mkdir(FFS_DIR, 0755) && errno != EEXIST)
		return -errno;
	if (mount("example", FFS_DIR, "functionfs", 0, NULL))
		return -errno;
	return 0;
}

static void teardown_gadget(void)
{
	write_file(GADGET "/UDC", "\n");
	umount(FFS_DIR);
	unlink(GADGET "/configs/c.1/ffs.example");
	rmdir(GADGET "/functions/ffs.example");
	rmdir(GADGET "/configs/c.1");
	rmdir(GADGET "/strings/0x409");
	rmdir(GADGET);
}

/* Poll for @path to appear, up to @secs seconds. */
static int wait_for(const char *path, int secs)
{
	int i;

	for (i = 0; i < secs * 10; i++) {
		if (!access(path, F_OK))
			return 0;
		usleep(100000);
	}
	return -ETIMEDOUT;
}

/* Open the usbfs node of the gadget, up to @secs seconds after binding. */
static int open_host(int secs)
{
	char path[512], val[32];
	int i, fd = -ENODEV;

	for (i = 0; i < secs * 10 && fd < 0; i++, usleep(100000)) {
		unsigned int busnum, devnum;
		struct dirent *de;
		DIR *dir;

		dir = opendir("/sys/bus/usb/devices");
		if (!dir)
			return -errno;
		while ((de = readdir(dir))) {
			snprintf(path, sizeof(path),
				 "/sys/bus/usb/devices/%s/idProduct", de->d_name);
			if (read_file(path, val, sizeof(val)) < 0 ||
			    strtoul(val, NULL, 16) != PRODUCT)
				continue;
			snprintf(path, sizeof(path),
				 "/sys/bus/usb/devices/%s/busnum", de->d_name);
			if (read_file(path, val, sizeof(val)) < 0)
				continue;
			busnum = strtoul(val, NULL, 10);
			snprintf(path, sizeof(path),
				 "/sys/bus/usb/devices/%s/devnum", de->d_name);
			if (read_file(path, val, sizeof(val)) < 0)
				continue;
			devnum = strtoul(val, NULL, 10);
			snprintf(path, sizeof(path), "/dev/bus/usb/%03u/%03u",
				 busnum, devnum);
			fd = open(path, O_RDWR);
			if (fd < 0)
				fd = -errno;
			break;
		}
		closedir(dir);
	}
	if (fd >= 0) {
		int intf = 0;

		if (ioctl(fd, USBDEVFS_CLAIMINTERFACE, &intf)) {
			close(fd);
			return -errno;
		}
	}
	return fd;
}

static int bulk(int fd, unsigned int ep, void *data, unsigned int len)
{
	struct usbdevfs_bulktransfer b = {
		.ep = ep, .len = len, .timeout = 5000, .data = data,
	};
	int n = ioctl(fd, USBDEVFS_BULK, &b);

	return n < 0 ? -errno : n;
}

/* Whether ffs-test's log contains @what. */
static int log_has(const char *what)
{
	char buf[65536];

	if (read_file(LOG, buf, sizeof(buf)) < 0)
		return 0;
	return strstr(buf, what) != NULL;
}

static void dump_log(void)
{
	char buf[4096];

	if (read_file(LOG, buf, sizeof(buf)) > 0)
		printf("# ffs-test log:\n%s\n", buf);
}

int main(void)
{
	static const unsigned int odd[] = { 1, 511, 512, 1023, 4097, CHUNK };
	static unsigned char buf[CHUNK];
	unsigned int i, bad;
	int usb, ret, n;
	pid_t ffs;

	ret = setup_gadget();
	if (!ok("gadget-setup", !ret, "%s", strerror(-ret))) {
		teardown_gadget();
		return done_testing();
	}

	ffs = fork();
	if (!ffs) {
		int log = open(LOG, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (log < 0 || chdir(FFS_DIR))
			_exit(127);
		dup2(log, 1);
		dup2(log, 2);
		execl("/bin/ffs-test", "ffs-test", NULL);
		_exit(127);
	}

	ret = wait_for(FFS_DIR "/ep2", 10);
	ret = ret ?: write_file(GADGET "/UDC", "dummy_udc.0");
	usb = ret ?: open_host(10);
	if (!ok("host-opens-ffs-test", usb >= 0, "%s", strerror(-usb))) {
		dump_log();
		goto out;
	}

	/* OUT: zeros in ffs-test's chunk size, then odd lengths. */
	memset(buf, 0, sizeof(buf));
	for (i = 0, bad = 0; i < ROUNDS && !bad; i++) {
		n = bulk(usb, EP_OUT, buf, CHUNK);
		if (n != CHUNK)
			bad = 1;
	}
	ok("out-8k-x64", !bad, "round %u: %d (%s)", i, n,
	   n < 0 ? strerror(-n) : "short");
	for (i = 0, bad = 0; i < sizeof(odd) / sizeof(odd[0]) && !bad; i++) {
		n = bulk(usb, EP_OUT, buf, odd[i]);
		if (n != (int)odd[i])
			bad = 1;
	}
	ok("out-odd-lengths", !bad, "length %u: %d", odd[i - 1], n);

	/* IN: ffs-test keeps writing 8 KiB of zeros. */
	for (i = 0, bad = 0; i < ROUNDS && !bad; i++) {
		memset(buf, 0xa5, sizeof(buf));
		n = bulk(usb, EP_IN, buf, CHUNK);
		if (n != CHUNK)
			bad = 1;
		else
			for (int j = 0; j < CHUNK; j++)
				if (buf[j])
					bad = 2;
	}
	ok("in-8k-x64-zeros", !bad, "round %u: %s", i,
	   bad == 2 ? "non-zero data" : n < 0 ? strerror(-n) : "short");

	ok("ffs-test-no-error",
	   !log_has("crit:") && !log_has("err: ") && !log_has("warn:") &&
	   !log_has(": ends"),
	   "ffs-test reported a problem");

	/* Control: one non-zero byte must be caught by ffs-test. */
	buf[0] = 1;
	n = bulk(usb, EP_OUT, buf, 1);
	for (i = 0; i < 20 && !log_has("bad OUT byte"); i++)
		usleep(100000);
	ok("ffs-test-checks-data", log_has("bad OUT byte"),
	   "a non-zero byte went unnoticed (bulk %d)", n);
	close(usb);
	if (harness_failed)
		dump_log();
out:
	kill(ffs, SIGTERM);
	waitpid(ffs, NULL, 0);
	teardown_gadget();
	return done_testing();
}
