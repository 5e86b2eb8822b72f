// SPDX-License-Identifier: GPL-2.0
/*
 * Reliability of the IIO DMA-BUF interface on the emulated DMA devices
 * (CONFIG_IIO_DUMMY_DMA): a seeded random ioctl sequence, concurrency
 * stress with buffer enable/disable and buffer file closes, and fault
 * injection, on the debug kernel of the test VM.
 *
 * It includes the series' IIO selftest
 * (tools/testing/selftests/drivers/iio/dmabuf.c) for the device and buffer
 * code, and shares the checks of ffs-reliability.c (common.h): every fence
 * signalled, as many ends as successful begins, every DMA-BUF released.
 *
 *   random  RANDOM_OPS operations (seed: reliability_seed=N, default 1):
 *           attach, detach and enqueue on both devices with good and bad
 *           fds, lengths and flags (cyclic included), enable and disable,
 *           closing a DMA-BUF or a buffer file with blocks queued; the
 *           errno of each call is checked against what its arguments and
 *           the attachments allow.
 *   stress  STRESS_SECONDS of threads enqueueing on both devices and
 *           churning attachments, while the main thread disables and
 *           enables the buffers and closes and reopens their files.
 *   faults  fail-nth on every allocation of attach and enqueue, for each
 *           exporter, and fail_function on dma_buf_begin_access() (where
 *           the kernel has the brackets).
 *
 * "# RELIABILITY iio ..." lines give the figures.
 */
#define main iio_selftest_main
#include "dmabuf.c"
#undef main

#define RELIABILITY_NAME "iio"
#include "common.h"

#define RANDOM_OPS	1500
#define STRESS_SECONDS	20
#define NBUFS		6
#define FAULT_MAX_NTH	400

static int nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -errno : fcntl(fd, F_SETFL, fl | O_NONBLOCK) ? -errno : 0;
}

/* (Re)open the buffer file of @d, non-blocking. */
static int buffer_open(struct iio *d)
{
	int ret = iio_get_buffer(d);

	return ret ?: nonblocking(d->buf);
}

/*
 * The end of a part: enable both buffers, which submits the blocks that
 * were enqueued while they were disabled, let them run, then disable
 * them, which aborts whatever is still queued or running.
 */
static void wind_down(struct iio **d)
{
	unsigned int o;

	int ret;

	for (o = 0; o < 2; o++) {
		ret = iio_enable(d[o], true);
		if (ret)
			ksft_print_msg("wind down: enable %s: %s\n",
				       o ? "out" : "in", strerror(-ret));
	}
	sleep_ms(200);
	for (o = 0; o < 2; o++) {
		ret = iio_enable(d[o], false);
		if (ret)
			ksft_print_msg("wind down: disable %s: %s\n",
				       o ? "out" : "in", strerror(-ret));
	}
}

/* Reopen the buffer file of @d: EBUSY while a racing ioctl still holds it. */
static int buffer_reopen(struct iio *d)
{
	double end = now_s() + 2;
	int ret;

	do {
		ret = buffer_open(d);
		if (ret != -EBUSY)
			break;
		sleep_ms(5);
	} while (now_s() < end);
	return ret;
}

/* The DMA-BUF main() keeps attached to both buffers, so that they use DMA-BUFs. */
static int keep_fd = -1;

/*
 * Closing a DMA-BUF does not detach it: the buffer file keeps its
 * attachments until they are detached or the file is closed. Close and
 * reopen both buffer files, so that the leak check sees every DMA-BUF
 * the part closed released, and attach the kept DMA-BUF again.
 */
static void release_attachments(struct iio **d)
{
	unsigned int o;

	for (o = 0; o < 2; o++) {
		close(d[o]->buf);
		d[o]->buf = -1;
		if (buffer_reopen(d[o]) || iio_attach(d[o], keep_fd))
			ksft_print_msg("cannot reopen the %s buffer\n",
				       o ? "out" : "in");
	}
}

/* --- random --- */

struct random_state {
	struct iio *d[2];
	bool enabled[2];
	struct rbuf b[NBUFS];
	int closed, null_fd;
	struct op_stats stats;
};

enum op { OP_ATTACH, OP_DETACH, OP_ENQUEUE, OP_ENABLE, OP_CLOSE_BUF,
	  OP_REOPEN_BUFFER, OP_POLL, NR_OPS };
_Static_assert(NR_OPS <= MAX_OPS, "op_stats is too small");
static const char * const op_name[] = {
	"attach", "detach", "enqueue", "enable", "close-dmabuf",
	"reopen-buffer", "poll",
};

static void random_op(struct random_state *s, unsigned int i)
{
	unsigned int o = rnd(2), bi = rnd(NBUFS), r = rnd(100);
	struct iio *d = s->d[o];
	struct rbuf *b = &s->b[bi];
	enum op op = r < 25 ? OP_ATTACH : r < 40 ? OP_DETACH :
		     r < 85 ? OP_ENQUEUE : r < 92 ? OP_ENABLE :
		     OP_CLOSE_BUF + rnd(NR_OPS - OP_CLOSE_BUF);
	int fd, ret, err, expect[4], n = 0;
	enum fd_kind k;
	char what[112];

	switch (op) {
	case OP_ATTACH:
		fd = random_fd(b, s->closed, s->null_fd, &k);
		err = -iio_attach(d, fd);
		if (fd_errno(k)) {
			expect[n++] = fd_errno(k);
		} else if (b->attached[o]) {
			expect[n++] = EBUSY;
		} else {
			expect[n++] = 0;
			/* Enabled in read()/write() mode. */
			expect[n++] = EBUSY;
		}
		if (!err && k == FD_GOOD)
			b->attached[o] = true;
		snprintf(what, sizeof(what), "%s buf%u fd kind %d",
			 o ? "out" : "in", bi, k);
		break;
	case OP_DETACH:
		fd = random_fd(b, s->closed, s->null_fd, &k);
		err = -iio_detach(d, fd);
		expect[n++] = fd_errno(k) ?: b->attached[o] ? 0 : EPERM;
		if (!err && k == FD_GOOD)
			b->attached[o] = false;
		snprintf(what, sizeof(what), "%s buf%u fd kind %d",
			 o ? "out" : "in", bi, k);
		break;
	case OP_ENQUEUE: {
		unsigned int l = rnd(20);
		uint64_t len = l == 0 ? 0 : l == 1 ? b->size + 1 + rnd(4096) :
			       1 + rnd(b->size);
		uint32_t flags = rnd(20) == 0 ? 1u << rnd(32) :
				 o && rnd(8) == 0 ? IIO_BUFFER_DMABUF_CYCLIC : 0;

		fd = random_fd(b, s->closed, s->null_fd, &k);
		err = -iio_enqueue(d, fd, len, flags);
		if (flags & ~IIO_BUFFER_DMABUF_CYCLIC ||
		    (flags && !o)) {
			expect[n++] = EINVAL;
		} else if (fd_errno(k)) {
			expect[n++] = fd_errno(k);
		} else if (!len || len > b->size) {
			expect[n++] = EINVAL;
		} else if (!b->attached[o]) {
			expect[n++] = EPERM;
		} else {
			/*
			 * Queued, or refused: a conflicting fence (EBUSY), the
			 * block of this attachment is queued already (EPERM)
			 * or running (EBUSY), read()/write() mode (EBUSY).
			 */
			expect[n++] = 0;
			expect[n++] = EBUSY;
			expect[n++] = EPERM;
		}
		snprintf(what, sizeof(what), "%s buf%u fd kind %d len %llu flags %#x",
			 o ? "out" : "in", bi, k, (unsigned long long)len, flags);
		break;
	}
	case OP_ENABLE:
		s->enabled[o] = !s->enabled[o];
		err = -iio_enable(d, s->enabled[o]);
		expect[n++] = 0;
		snprintf(what, sizeof(what), "%s %d", o ? "out" : "in",
			 s->enabled[o]);
		break;
	case OP_CLOSE_BUF:
		close(b->fd);
		err = random_buf_new(b) ? ENOMEM : 0;
		expect[n++] = 0;
		snprintf(what, sizeof(what), "buf%u", bi);
		break;
	case OP_REOPEN_BUFFER:
		/* Release detaches everything; blocks queued keep running. */
		close(d->buf);
		d->buf = -1;
		err = -buffer_reopen(d);
		for (bi = 0; bi < NBUFS; bi++)
			s->b[bi].attached[o] = false;
		expect[n++] = 0;
		snprintf(what, sizeof(what), "%s", o ? "out" : "in");
		break;
	default: {
		/*
		 * Not DMA_BUF_IOCTL_SYNC: it waits for the fences without a
		 * timeout, and a cyclic block, or one queued on a disabled
		 * buffer, keeps its fence until the buffer is disabled.
		 */
		struct pollfd pfd = { .fd = b->fd, .events = POLLIN | POLLOUT };

		ret = poll(&pfd, 1, 0);
		err = ret < 0 ? errno : 0;
		expect[n++] = 0;
		snprintf(what, sizeof(what), "buf%u", bi);
		break;
	}
	}
	op_expect(&s->stats, i, op, err, expect, n, what);
}

static void test_random(struct iio *in, struct iio *out)
{
	struct random_state s = {
		.d = { in, out },
		.enabled = { true, true },
		.stats.name = op_name,
	};
	uint64_t seed = cmdline_seed(1);
	unsigned int i;
	char extra[256];
	struct part p;
	double t0;

	ksft_print_msg("random: seed %llu (replay: reliability_seed=%llu on the kernel command line), %u operations\n",
		       (unsigned long long)seed, (unsigned long long)seed,
		       RANDOM_OPS);
	rng_seed(seed);
	part_begin(&p, "random");

	s.closed = dup2(in->dev, 998);
	close(s.closed);
	s.null_fd = open("/dev/null", O_RDWR);
	for (i = 0; i < NBUFS; i++)
		if (random_buf_new(&s.b[i]))
			ksft_exit_fail_msg("random: cannot allocate buffers\n");

	t0 = now_s();
	for (i = 0; i < RANDOM_OPS; i++)
		random_op(&s, i);
	p.ops = RANDOM_OPS;

	/*
	 * Blocks enqueued while a buffer is disabled wait for it to be
	 * enabled: enable both, which submits them, then disable, which
	 * aborts what is still running (cyclic blocks too). Every fence must
	 * be signalled after that.
	 */
	wind_down(s.d);
	for (i = 0; i < NBUFS; i++)
		if (!fences_done(s.b[i].fd, 20000))
			p.unsignalled++;
	for (i = 0; i < NBUFS; i++)
		close(s.b[i].fd);
	close(s.null_fd);
	release_attachments(s.d);
	p.errors = op_errors(&s.stats);

	snprintf(extra, sizeof(extra),
		 ", %lu attach / %lu detach / %lu enqueue (%lu EBUSY, %lu EPERM), %lu enable/disable, %lu unexpected errnos, %.1f s",
		 s.stats.count[OP_ATTACH], s.stats.count[OP_DETACH],
		 s.stats.count[OP_ENQUEUE],
		 s.stats.errno_seen[OP_ENQUEUE][EBUSY], s.stats.errno_seen[OP_ENQUEUE][EPERM],
		 s.stats.count[OP_ENABLE], s.stats.unexpected, now_s() - t0);
	part_end(&p, extra);
	ksft_test_result(!s.stats.unexpected,
			 "random: every call returned an errno its arguments allow (%lu unexpected)\n",
			 s.stats.unexpected);
}

/* --- stress --- */

struct stress {
	struct iio *d[2];
	volatile int buf[2];	/* the buffer files; -1 while reopened */
	volatile bool stop;
	pthread_mutex_t lock;
	unsigned long enqueued, done, errors, churns, unsignalled;
};

struct worker {
	struct stress *st;
	pthread_t thread;
	unsigned int o;
	uint64_t seed;
	unsigned long enqueued, done, errors, churns, unsignalled;
};

static void worker_fold(struct worker *w)
{
	pthread_mutex_lock(&w->st->lock);
	w->st->enqueued += w->enqueued;
	w->st->done += w->done;
	w->st->errors += w->errors;
	w->st->churns += w->churns;
	w->st->unsignalled += w->unsignalled;
	pthread_mutex_unlock(&w->st->lock);
}

static int st_ioctl(struct stress *st, unsigned int o, unsigned long cmd,
		    void *arg)
{
	int fd = st->buf[o];

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	return ioctl(fd, cmd, arg);
}

/* Enqueue blocks of two buffers, re-attaching what a reopen dropped. */
static void *enqueue_thread(void *arg)
{
	struct worker *w = arg;
	struct stress *st = w->st;
	struct buf b[2];
	int i;

	for (i = 0; i < 2; i++)
		if (buf_alloc(&b[i], i ? UDMABUF : SYSTEM_HEAP, 65536 + 4096 * i))
			return NULL;
	while (!st->stop) {
		struct buf *x = &b[rnd_r(&w->seed, 2)];
		struct iio_dmabuf req = {
			.fd = x->fd,
			.bytes_used = 1 + rnd_r(&w->seed, x->size),
			.flags = w->o && !rnd_r(&w->seed, 16) ?
				 IIO_BUFFER_DMABUF_CYCLIC : 0,
		};

		w->enqueued++;
		if (st_ioctl(st, w->o, IIO_BUFFER_DMABUF_ENQUEUE_IOCTL, &req)) {
			w->errors++;
			if (errno == EPERM)
				st_ioctl(st, w->o, IIO_BUFFER_DMABUF_ATTACH_IOCTL,
					 &x->fd);
			sleep_ms(1);
			continue;
		}
		w->done += fences_done(x->fd, 200);
	}
	for (i = 0; i < 2; i++) {
		w->unsignalled += !fences_done(b[i].fd, 20000);
		st_ioctl(st, w->o, IIO_BUFFER_DMABUF_DETACH_IOCTL, &b[i].fd);
		buf_free(&b[i]);
	}
	worker_fold(w);
	return NULL;
}

/* New buffers attached, a block enqueued, then detached or just closed. */
static void *churn_thread(void *arg)
{
	struct worker *w = arg;
	struct stress *st = w->st;

	while (!st->stop) {
		unsigned int o = rnd_r(&w->seed, 2);
		struct buf b;

		if (buf_alloc(&b, rnd_r(&w->seed, NR_EXPORTERS),
			      4096 << rnd_r(&w->seed, 6)))
			continue;
		w->churns++;
		if (!st_ioctl(st, o, IIO_BUFFER_DMABUF_ATTACH_IOCTL, &b.fd)) {
			struct iio_dmabuf req = {
				.fd = b.fd,
				.bytes_used = b.size,
			};

			w->enqueued++;
			if (st_ioctl(st, o, IIO_BUFFER_DMABUF_ENQUEUE_IOCTL, &req))
				w->errors++;
			if (rnd_r(&w->seed, 2))
				st_ioctl(st, o, IIO_BUFFER_DMABUF_DETACH_IOCTL,
					 &b.fd);
		} else {
			w->errors++;
		}
		buf_free(&b);
	}
	worker_fold(w);
	return NULL;
}

static void test_stress(struct iio *in, struct iio *out)
{
	struct stress st = { .d = { in, out },
			     .lock = PTHREAD_MUTEX_INITIALIZER };
	unsigned int i, o, toggles = 0, reopens = 0, failed = 0;
	struct worker w[4] = { 0 };
	struct buf keep;
	char extra[256];
	struct part p;
	double end;

	part_begin(&p, "stress");
	/* A DMA-BUF attached at every enable: DMA-BUF mode, not read(). */
	if (buf_alloc(&keep, SYSTEM_HEAP, 4096))
		ksft_exit_fail_msg("stress: cannot allocate\n");
	for (o = 0; o < 2; o++) {
		iio_enable(st.d[o], false);
		iio_attach(st.d[o], keep.fd);
		iio_enable(st.d[o], true);
		st.buf[o] = st.d[o]->buf;
	}
	for (i = 0; i < ARRAY_SIZE(w); i++) {
		w[i].st = &st;
		w[i].o = i & 1;
		w[i].seed = 0x57e55 + i;
		if (pthread_create(&w[i].thread, NULL,
				   i < 2 ? enqueue_thread : churn_thread, &w[i]))
			ksft_exit_fail_msg("stress: cannot start threads\n");
	}

	end = now_s() + STRESS_SECONDS;
	while (now_s() < end) {
		o = rnd(2);
		if (rnd(6) == 0) {
			/* Close the buffer file under the other threads. */
			int fd = st.buf[o];

			st.buf[o] = -1;
			close(fd);
			st.d[o]->buf = -1;
			failed += !!buffer_reopen(st.d[o]);
			/* EBUSY if enabled in read()/write() mode. */
			iio_attach(st.d[o], keep.fd);
			st.buf[o] = st.d[o]->buf;
			reopens++;
		} else {
			failed += !!iio_enable(st.d[o], false);
			sleep_ms(rnd(100));
			failed += !!iio_enable(st.d[o], true);
			toggles++;
		}
		sleep_ms(100 + rnd(400));
	}

	/* Stop, then run or abort every block before the threads finish. */
	st.stop = true;
	sleep_ms(400);
	wind_down(st.d);
	for (i = 0; i < ARRAY_SIZE(w); i++)
		pthread_join(w[i].thread, NULL);
	for (o = 0; o < 2; o++)
		iio_detach(st.d[o], keep.fd);
	buf_free(&keep);
	release_attachments(st.d);

	p.ops = st.enqueued + st.churns + toggles * 2 + reopens;
	p.errors = st.errors;
	p.unsignalled = st.unsignalled;
	snprintf(extra, sizeof(extra),
		 ", %lu blocks enqueued / %lu completed, %lu buffers churned, %u disable+enable, %u buffer file reopens (%u failed), %u CPUs, %d s",
		 st.enqueued, st.done, st.churns, toggles, reopens, failed,
		 online_cpus(), STRESS_SECONDS);
	part_end(&p, extra);
	ksft_test_result(!failed && st.done > 0,
			 "stress: %lu blocks completed across %u disable+enable and %u reopens\n",
			 st.done, toggles, reopens);
}

/* --- faults --- */

/*
 * The input device and @b still work after what @what did: one block,
 * data checked. Says why not.
 */
static int usable(struct iio *in, struct buf *b, uint32_t seed,
		  const char *what)
{
	size_t stale = 0;
	int ret;

	ret = round_in(in, b, b->size, true, seed, &stale);
	ret = ret ?: stale ? -EIO : 0;
	if (ret)
		ksft_print_msg("faults: a block after %s (%u): %s, %zu wrong bytes\n",
			       what, seed, strerror(-ret), stale);
	return ret;
}

static void test_faults(struct iio *in, struct iio *out)
{
	unsigned long absorbed = 0, broken = 0, wrong = 0, nth_max = 0;
	unsigned int e, n;
	char extra[256];
	struct part p;
	int ret;

	part_begin(&p, "faults");
	if (faults_setup()) {
		ksft_test_result_skip("faults: no fault injection in debugfs\n");
		ksft_test_result_skip("faults: no fault injection in debugfs\n");
		return;
	}

	for (e = 0; e < NR_EXPORTERS; e++) {
		struct buf b;

		if (buf_alloc(&b, e, 65536))
			continue;
		for (n = 1; n < FAULT_MAX_NTH; n++) {
			int fd = b.fd;

			fail_nth_arm(n);
			ret = ioctl(in->buf, IIO_BUFFER_DMABUF_ATTACH_IOCTL, &fd);
			ret = ret ? errno : 0;
			if (!fail_nth_fired()) {
				if (!ret)
					iio_detach(in, b.fd);
				break;
			}
			p.ops++;
			p.injected++;
			if (ret) {
				p.errors++;
			} else {
				absorbed++;
				iio_detach(in, b.fd);
			}
			if (iio_attach(in, b.fd)) {
				broken++;
				ksft_print_msg("faults: %s attach after failing allocation %u: %s\n",
					       exporter_name[e], n, strerror(errno));
				continue;
			}
			if (usable(in, &b, n, "a failed attach"))
				broken++;
			iio_detach(in, b.fd);
		}
		nth_max = n > nth_max ? n : nth_max;

		iio_attach(in, b.fd);
		iio_attr_write(in, "pattern_seed", 7);
		for (n = 1; n < FAULT_MAX_NTH; n++) {
			struct iio_dmabuf req = {
				.fd = b.fd,
				.bytes_used = b.size,
			};

			fail_nth_arm(n);
			ret = ioctl(in->buf, IIO_BUFFER_DMABUF_ENQUEUE_IOCTL, &req);
			ret = ret ? errno : 0;
			if (!fail_nth_fired()) {
				if (!ret)
					wait_fences(&b, POLLIN);
				break;
			}
			p.ops++;
			p.injected++;
			if (ret) {
				p.errors++;
			} else {
				absorbed++;
			}
			/* A failed or completed block leaves no fence pending. */
			if (!fences_done(b.fd, TIMEOUT_MS))
				wrong++;
			if (usable(in, &b, 1000 + n, "a failed enqueue"))
				broken++;
		}
		nth_max = n > nth_max ? n : nth_max;

		/* begin_access fails; not on a kernel without the brackets. */
		for (n = 0; n < 2 && have_access_events(); n++) {
			struct iio *d = n ? out : in;

			if (n)
				iio_attach(out, b.fd);
			if (fail_begin_access(1, -EIO)) {
				broken++;
				break;
			}
			ret = -iio_enqueue(d, b.fd, b.size, 0);
			fail_begin_access_off();
			p.ops++;
			p.injected++;
			if (ret != EIO || !fences_done(b.fd, 0)) {
				wrong++;
				ksft_print_msg("faults: %s %s block with begin_access failing: %s, expected %s\n",
					       exporter_name[e], n ? "output" : "input",
					       ret ? strerror(ret) : "success",
					       strerror(EIO));
			} else {
				p.errors++;
			}
			if (n)
				iio_detach(out, b.fd);
			if (usable(in, &b, 2000 + n, "a failed begin_access"))
				broken++;
		}
		iio_detach(in, b.fd);
		buf_free(&b);
	}

	snprintf(extra, sizeof(extra),
		 ", %lu absorbed (the call succeeded), %lu times the device or buffer did not work after, %lu wrong results, up to %lu allocations per call",
		 absorbed, broken, wrong, nth_max - 1);
	part_end(&p, extra);
	ksft_test_result(p.injected && !broken && !wrong,
			 "faults: %lu failures injected, each an errno (%lu) or absorbed (%lu), all usable after\n",
			 p.injected, p.errors, absorbed);
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	struct iio in, out;
	struct buf keep = { .fd = -1 };
	char cmdline[4096];
	int ret;

	ksft_print_header();
	if (read_file("/proc/cmdline", cmdline, sizeof(cmdline)) > 0) {
		char *p = strstr(cmdline, "reliability_parts=");

		swiotlb = strstr(cmdline, "swiotlb=force");
		if (p && !only)
			only = strndup(p + 18, strcspn(p + 18, " \n"));
	}

	ret = iio_open(&in, "iio_dummy_dma_in", false);
	ret = ret ?: iio_open(&out, "iio_dummy_dma_out", true);
	if (ret)
		ksft_exit_skip("no emulated IIO DMA devices (CONFIG_IIO_DUMMY_DMA): %s\n",
			       strerror(-ret));
	ksft_set_plan(6);
	ksft_print_msg("%u CPUs online, swiotlb=force: %s\n", online_cpus(),
		       swiotlb ? "yes" : "no");

	/* DMA-BUF mode: a buffer attached to each device at enable. */
	ret = buffer_open(&in);
	ret = ret ?: buffer_open(&out);
	ret = ret ?: buf_alloc(&keep, SYSTEM_HEAP, 4096);
	keep_fd = keep.fd;
	ret = ret ?: iio_attach(&in, keep.fd);
	ret = ret ?: iio_attach(&out, keep.fd);
	ret = ret ?: iio_enable(&in, true);
	ret = ret ?: iio_enable(&out, true);
	if (ret)
		ksft_exit_fail_msg("cannot enable the buffers: %s\n",
				   strerror(-ret));

	if (!only || strstr(only, "faults"))
		test_faults(&in, &out);
	else
		ksft_test_result_skip("faults\n"), ksft_test_result_skip("faults\n");
	if (!only || strstr(only, "random"))
		test_random(&in, &out);
	else
		ksft_test_result_skip("random\n"), ksft_test_result_skip("random\n");
	if (!only || strstr(only, "stress"))
		test_stress(&in, &out);
	else
		ksft_test_result_skip("stress\n"), ksft_test_result_skip("stress\n");

	iio_put_buffer(&in);
	iio_put_buffer(&out);
	buf_free(&keep);
	close(in.dev);
	close(out.dev);
	ksft_finished();
}
