// SPDX-License-Identifier: GPL-2.0
/*
 * Reliability of the FunctionFS DMA-BUF interface on dummy_hcd: a seeded
 * random ioctl sequence, concurrency stress with teardown, and fault
 * injection, on the debug kernel of the test VM.
 *
 * It includes the series' FunctionFS selftest
 * (tools/testing/selftests/drivers/usb/functionfs/dmabuf.c) for the gadget,
 * host and buffer code; scripts/build-initramfs.sh builds it. Each part
 * ends with the same checks: every fence of every buffer signalled, as many
 * dma_buf_end_access as successful dma_buf_begin_access trace events (with
 * no trace event lost), and every DMA-BUF released once its files are
 * closed (debugfs bufinfo back to its count before the part). The boot run
 * adds kmemleak, the DMA API debug error count and the splat check
 * (KASAN, lockdep, the CONFIG_DMABUF_DEBUG balance warnings).
 *
 *   random  RANDOM_OPS operations drawn from a generator seeded with
 *           reliability_seed=N (kernel command line, default 1, printed):
 *           attach, detach and transfer with good and bad fds, lengths
 *           and flags, CPU syncs, closing a buffer or an endpoint file with
 *           transfers queued. A model of what is attached gives the errno
 *           each call must return.
 *   stress  STRESS_SECONDS of threads transferring on both endpoints,
 *           others attaching, detaching and closing buffers and endpoint
 *           files, while the main thread unbinds and rebinds the gadget and
 *           the host side reconnects.
 *   faults  fail-nth (failslab and fail_page_alloc) on every allocation of
 *           the attach and transfer ioctls in turn, for each exporter, and
 *           fail_function on dma_buf_begin_access() (where the kernel has
 *           the brackets): each injected failure must give an errno (or
 *           be absorbed, and the call succeed), and the buffer and
 *           endpoint must work right after it.
 *
 * "# RELIABILITY ffs ..." lines give the figures.
 */
#define main ffs_selftest_main
#include "dmabuf.c"
#undef main

#define RELIABILITY_NAME "ffs"
#include "common.h"

#define RANDOM_OPS	1500
#define STRESS_SECONDS	20
#define NBUFS		6
#define FAULT_MAX_NTH	400

/* --- the host side, running in its own thread --- */

struct host {
	struct gadget *g;
	pthread_t thread;
	volatile bool stop;
	volatile bool reconnect;	/* the gadget may go away and come back */
	unsigned long in_bytes, out_bytes, reconnects;
	uint64_t seed;
};

/*
 * Drain the IN endpoint and feed the OUT endpoint with short timeouts, so
 * that every queued transfer eventually completes. Lengths that are not a
 * multiple of the packet size end an OUT transfer with a short packet.
 */
static void *host_thread(void *arg)
{
	struct host *h = arg;
	struct gadget *g = h->g;
	static uint8_t data[65536];

	while (!h->stop) {
		struct usbdevfs_bulktransfer bulk = {
			.timeout = 20,
			.data = data,
		};
		int n;

		if (g->usb < 0) {
			if (!h->reconnect || open_host(g)) {
				if (g->usb >= 0)
					close(g->usb);
				g->usb = -1;
				sleep_ms(50);
				continue;
			}
			h->reconnects++;
		}
		bulk.ep = g->host_in;
		bulk.len = sizeof(data);
		n = ioctl(g->usb, USBDEVFS_BULK, &bulk);
		if (n > 0)
			h->in_bytes += n;
		else if (n < 0 && errno != ETIMEDOUT && h->reconnect)
			goto lost;

		bulk.ep = g->host_out;
		bulk.len = 1 + rnd_r(&h->seed, sizeof(data) - 1);
		if (bulk.len % 1024 == 0)
			bulk.len--;
		n = ioctl(g->usb, USBDEVFS_BULK, &bulk);
		if (n > 0)
			h->out_bytes += n;
		else if (n < 0 && errno != ETIMEDOUT && h->reconnect)
			goto lost;
		continue;
lost:
		/* Unbound: the device went away; look for it again. */
		close(g->usb);
		g->usb = -1;
	}
	return NULL;
}

static int host_start(struct host *h, struct gadget *g, bool reconnect)
{
	memset(h, 0, sizeof(*h));
	h->g = g;
	h->reconnect = reconnect;
	h->seed = 0x6057 ^ rng();
	return -pthread_create(&h->thread, NULL, host_thread, h);
}

static void host_stop(struct host *h)
{
	h->stop = true;
	pthread_join(h->thread, NULL);
}

/* Read ep0 events, so that their queue never fills. */
struct ep0_reader {
	struct gadget *g;
	pthread_t thread;
	volatile bool stop;
	unsigned long enables, disables;
};

static void *ep0_thread(void *arg)
{
	struct ep0_reader *r = arg;
	struct pollfd pfd = { .fd = r->g->ep0, .events = POLLIN };
	struct usb_functionfs_event ev;

	while (!r->stop) {
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		if (read(r->g->ep0, &ev, sizeof(ev)) != sizeof(ev))
			continue;
		if (ev.type == FUNCTIONFS_ENABLE)
			r->enables++;
		else if (ev.type == FUNCTIONFS_DISABLE)
			r->disables++;
	}
	return NULL;
}

/* --- checks at the end of a part --- */

/* --- random --- */

struct random_state {
	struct gadget *g;
	int ep[2];		/* non-blocking IN and OUT endpoint files */
	struct rbuf b[NBUFS];
	int closed, null_fd;
	struct op_stats stats;
};

enum op { OP_ATTACH, OP_DETACH, OP_TRANSFER, OP_SYNC, OP_CLOSE_BUF,
	  OP_REOPEN_EP, OP_POLL, NR_OPS };
_Static_assert(NR_OPS <= MAX_OPS, "op_stats is too small");
static const char * const op_name[] = {
	"attach", "detach", "transfer", "sync", "close-buffer",
	"reopen-endpoint", "poll",
};

static void random_op(struct random_state *s, unsigned int i)
{
	unsigned int e = rnd(2), bi = rnd(NBUFS);
	struct rbuf *b = &s->b[bi];
	enum op op = rnd(100) < 25 ? OP_ATTACH :
		     rnd(100) < 20 ? OP_DETACH :
		     rnd(100) < 75 ? OP_TRANSFER : 3 + rnd(NR_OPS - 3);
	enum fd_kind k;
	char what[96];
	int fd, ret, err, expect[3], n = 0;

	switch (op) {
	case OP_ATTACH:
		fd = random_fd(b, s->closed, s->null_fd, &k);
		ret = ioctl(s->ep[e], FUNCTIONFS_DMABUF_ATTACH, &fd);
		err = ret ? errno : 0;
		expect[n++] = fd_errno(k) ?: b->attached[e] ? EBUSY : 0;
		/*
		 * Non-blocking, attach only tries the reservation lock, which
		 * the release of an earlier attachment may hold (EBUSY).
		 */
		if (!expect[0])
			expect[n++] = EBUSY;
		if (!err && k == FD_GOOD)
			b->attached[e] = true;
		snprintf(what, sizeof(what), "ep%u buf%u fd kind %d", e, bi, k);
		break;
	case OP_DETACH:
		fd = random_fd(b, s->closed, s->null_fd, &k);
		ret = ioctl(s->ep[e], FUNCTIONFS_DMABUF_DETACH, &fd);
		err = ret ? errno : 0;
		expect[n++] = fd_errno(k) ?: b->attached[e] ? 0 : EPERM;
		if (!err && k == FD_GOOD)
			b->attached[e] = false;
		snprintf(what, sizeof(what), "ep%u buf%u fd kind %d", e, bi, k);
		break;
	case OP_TRANSFER: {
		unsigned int r = rnd(20);
		__u64 len = r == 0 ? 0 : r == 1 ? b->size + 1 + rnd(4096) :
			    1 + rnd(b->size);
		__u32 flags = rnd(20) == 0 ? 1u << rnd(32) : 0;

		fd = random_fd(b, s->closed, s->null_fd, &k);
		ret = transfer_req(s->ep[e], fd, len, flags);
		err = ret ? errno : 0;
		if (flags)
			expect[n++] = EINVAL;
		else if (fd_errno(k))
			expect[n++] = fd_errno(k);
		else if (!len || len > b->size)
			expect[n++] = EINVAL;
		else if (!b->attached[e])
			expect[n++] = EPERM;
		else {
			/* Non-blocking: a conflicting fence gives EBUSY. */
			expect[n++] = 0;
			expect[n++] = EBUSY;
		}
		snprintf(what, sizeof(what), "ep%u buf%u fd kind %d len %llu flags %#x",
			 e, bi, k, (unsigned long long)len, flags);
		break;
	}
	case OP_SYNC: {
		struct dma_buf_sync sync = {
			.flags = rnd(8) == 0 ? 1ull << rnd(64) :
				 (rnd(2) ? DMA_BUF_SYNC_END : DMA_BUF_SYNC_START) |
				 (1 + rnd(3)),
		};

		/* Bracket the CPU access: this waits for the device. */
		ret = ioctl(b->fd, DMA_BUF_IOCTL_SYNC, &sync);
		err = ret ? errno : 0;
		expect[n++] = sync.flags & ~DMA_BUF_SYNC_VALID_FLAGS_MASK ||
			      !(sync.flags & DMA_BUF_SYNC_RW) ? EINVAL : 0;
		/* udmabuf refuses an END before its first START. */
		if (!expect[0] && sync.flags & DMA_BUF_SYNC_END)
			expect[n++] = EINVAL;
		snprintf(what, sizeof(what), "buf%u flags %#llx", bi,
			 (unsigned long long)sync.flags);
		break;
	}
	case OP_CLOSE_BUF:
		/* Attached or with transfers queued: the endpoints keep it. */
		close(b->fd);
		err = random_buf_new(b) ? ENOMEM : 0;
		expect[n++] = 0;
		snprintf(what, sizeof(what), "buf%u", bi);
		break;
	case OP_REOPEN_EP:
		/* Release cancels its transfers and drops its attachments. */
		close(s->ep[e]);
		s->ep[e] = open(e ? FFS_DIR "/ep2" : FFS_DIR "/ep1",
				O_RDWR | O_NONBLOCK);
		err = s->ep[e] < 0 ? errno : 0;
		for (bi = 0; bi < NBUFS; bi++)
			s->b[bi].attached[e] = false;
		expect[n++] = 0;
		snprintf(what, sizeof(what), "ep%u", e);
		break;
	default: {
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

static void test_random(struct gadget *g)
{
	struct random_state s = { .g = g, .stats.name = op_name };
	struct host host;
	uint64_t seed = cmdline_seed(1);
	struct part p;
	unsigned int i, e;
	double t0;
	char extra[256];

	ksft_print_msg("random: seed %llu (replay: reliability_seed=%llu on the kernel command line), %u operations\n",
		       (unsigned long long)seed, (unsigned long long)seed,
		       RANDOM_OPS);
	rng_seed(seed);
	part_begin(&p, "random");

	s.closed = dup2(g->ep0, 998);
	close(s.closed);
	s.null_fd = open("/dev/null", O_RDWR);
	for (e = 0; e < 2; e++)
		s.ep[e] = open(e ? FFS_DIR "/ep2" : FFS_DIR "/ep1",
			       O_RDWR | O_NONBLOCK);
	for (i = 0; i < NBUFS; i++)
		if (random_buf_new(&s.b[i]))
			ksft_exit_fail_msg("random: cannot allocate buffers\n");
	if (host_start(&host, g, false))
		ksft_exit_fail_msg("random: no host thread\n");

	t0 = now_s();
	for (i = 0; i < RANDOM_OPS; i++)
		random_op(&s, i);
	p.ops = RANDOM_OPS;

	/* The host keeps draining and feeding until every fence signalled. */
	for (i = 0; i < NBUFS; i++)
		if (!fences_done(s.b[i].fd, 20000))
			p.unsignalled++;
	host_stop(&host);
	for (e = 0; e < 2; e++)
		close(s.ep[e]);
	for (i = 0; i < NBUFS; i++)
		close(s.b[i].fd);
	close(s.null_fd);

	p.errors = op_errors(&s.stats);
	snprintf(extra, sizeof(extra),
		 ", %lu attach / %lu detach / %lu transfer (%lu EBUSY), %lu unexpected errnos, host %lu KiB in / %lu KiB out, %.1f s",
		 s.stats.count[OP_ATTACH], s.stats.count[OP_DETACH],
		 s.stats.count[OP_TRANSFER],
		 s.stats.errno_seen[OP_TRANSFER][EBUSY], s.stats.unexpected,
		 host.in_bytes >> 10, host.out_bytes >> 10, now_s() - t0);
	part_end(&p, extra);
	ksft_test_result(!s.stats.unexpected,
			 "random: every call returned the errno the model expects (%lu unexpected)\n",
			 s.stats.unexpected);
}

/* --- stress --- */

struct stress {
	struct gadget *g;
	volatile bool stop;
	unsigned long transfers, done, errors, churns;
	unsigned long unsignalled;
	pthread_mutex_t lock;
};

struct worker {
	struct stress *st;
	pthread_t thread;
	bool in;
	uint64_t seed;
	unsigned long transfers, done, errors, churns, unsignalled;
};

static void worker_fold(struct worker *w)
{
	pthread_mutex_lock(&w->st->lock);
	w->st->transfers += w->transfers;
	w->st->done += w->done;
	w->st->errors += w->errors;
	w->st->churns += w->churns;
	w->st->unsignalled += w->unsignalled;
	pthread_mutex_unlock(&w->st->lock);
}

/*
 * Transfer on one endpoint through its own file and two buffers kept
 * attached; re-attach whatever an unbind or an error dropped.
 */
static void *transfer_thread(void *arg)
{
	struct worker *w = arg;
	const char *path = w->in ? FFS_DIR "/ep1" : FFS_DIR "/ep2";
	struct buf b[2];
	int ep, i, ret;

	ep = open(path, O_RDWR | O_NONBLOCK);
	for (i = 0; i < 2; i++)
		if (buf_alloc(&b[i], i ? UDMABUF : SYSTEM_HEAP, 65536 + 4096 * i))
			return NULL;
	for (i = 0; i < 2; i++)
		ioctl(ep, FUNCTIONFS_DMABUF_ATTACH, &b[i].fd);

	while (!w->st->stop) {
		struct buf *x = &b[rnd_r(&w->seed, 2)];

		ret = transfer_req(ep, x->fd, 1 + rnd_r(&w->seed, x->size), 0);
		w->transfers++;
		if (ret) {
			w->errors++;
			if (errno == EPERM)
				ioctl(ep, FUNCTIONFS_DMABUF_ATTACH, &x->fd);
			sleep_ms(1);
			continue;
		}
		w->done += fences_done(x->fd, 200);
	}
	for (i = 0; i < 2; i++) {
		w->unsignalled += !fences_done(b[i].fd, 20000);
		ioctl(ep, FUNCTIONFS_DMABUF_DETACH, &b[i].fd);
		buf_free(&b[i]);
	}
	close(ep);
	worker_fold(w);
	return NULL;
}

/*
 * Churn: new buffers attached, a transfer or two, then detached, closed
 * with the transfer queued, or left for the endpoint file's release, which
 * is closed and opened again now and then.
 */
static void *churn_thread(void *arg)
{
	struct worker *w = arg;
	int ep[2];
	unsigned int e;

	for (e = 0; e < 2; e++)
		ep[e] = open(e ? FFS_DIR "/ep2" : FFS_DIR "/ep1",
			     O_RDWR | O_NONBLOCK);
	while (!w->st->stop) {
		struct buf b;
		int ret;

		e = rnd_r(&w->seed, 2);
		if (buf_alloc(&b, rnd_r(&w->seed, NR_EXPORTERS),
			      4096 << rnd_r(&w->seed, 6)))
			continue;
		w->churns++;
		ret = ioctl(ep[e], FUNCTIONFS_DMABUF_ATTACH, &b.fd);
		if (!ret) {
			w->transfers++;
			if (transfer_req(ep[e], b.fd, b.size, 0))
				w->errors++;
			switch (rnd_r(&w->seed, 3)) {
			case 0:
				ioctl(ep[e], FUNCTIONFS_DMABUF_DETACH, &b.fd);
				break;
			case 1:
				w->unsignalled += !fences_done(b.fd, 20000);
				break;
			default:
				/* Closed below with the transfer queued. */
				break;
			}
		} else {
			w->errors++;
		}
		buf_free(&b);
		if (rnd_r(&w->seed, 8) == 0) {
			close(ep[e]);
			ep[e] = open(e ? FFS_DIR "/ep2" : FFS_DIR "/ep1",
				     O_RDWR | O_NONBLOCK);
		}
	}
	for (e = 0; e < 2; e++)
		close(ep[e]);
	worker_fold(w);
	return NULL;
}

static int gadget_bind(bool on)
{
	return write_file(GADGET "/UDC", on ? "dummy_udc.0" : "\n");
}

static void test_stress(struct gadget *g)
{
	struct stress st = { .g = g, .lock = PTHREAD_MUTEX_INITIALIZER };
	struct worker w[4] = { 0 };
	struct ep0_reader r = { .g = g };
	unsigned int i, unbinds = 0, bind_errors = 0;
	struct host host;
	char extra[256];
	struct part p;
	double end;

	part_begin(&p, "stress");
	if (host_start(&host, g, true) ||
	    pthread_create(&r.thread, NULL, ep0_thread, &r))
		ksft_exit_fail_msg("stress: cannot start threads\n");
	for (i = 0; i < ARRAY_SIZE(w); i++) {
		w[i].st = &st;
		w[i].in = i & 1;
		w[i].seed = 0x57e55 + i;
		if (pthread_create(&w[i].thread, NULL,
				   i < 2 ? transfer_thread : churn_thread, &w[i]))
			ksft_exit_fail_msg("stress: cannot start threads\n");
	}

	end = now_s() + STRESS_SECONDS;
	while (now_s() < end) {
		sleep_ms(1500 + rnd(1000));
		bind_errors += !!gadget_bind(false);
		unbinds++;
		sleep_ms(rnd(300));
		bind_errors += !!gadget_bind(true);
	}

	/* Wind down with the gadget bound and the host connected. */
	st.stop = true;
	for (i = 0; i < ARRAY_SIZE(w); i++)
		pthread_join(w[i].thread, NULL);
	host_stop(&host);
	r.stop = true;
	pthread_join(r.thread, NULL);

	p.ops = st.transfers + st.churns + 2 * unbinds;
	p.errors = st.errors;
	p.unsignalled = st.unsignalled;
	snprintf(extra, sizeof(extra),
		 ", %lu transfers queued / %lu completed, %lu buffers churned, %u unbind+rebind (%u failed), %lu host reconnects, %u CPUs, %d s",
		 st.transfers, st.done, st.churns, unbinds, bind_errors,
		 host.reconnects, online_cpus(), STRESS_SECONDS);
	part_end(&p, extra);
	ksft_test_result(!bind_errors && st.done > 0,
			 "stress: %lu transfers completed across %u unbind+rebind\n",
			 st.done, unbinds);
}

/* --- faults --- */

/*
 * The endpoint and @b still work after what @what did: one IN transfer,
 * data checked. Says why not.
 */
static int usable(struct gadget *g, struct buf *b, uint8_t *host, uint32_t seed,
		  const char *what)
{
	size_t stale = 0;
	int ret;

	ret = round_in(g, b, b->size, true, seed, host, &stale);
	ret = ret ?: stale ? -EIO : 0;
	if (ret)
		ksft_print_msg("faults: a transfer after %s (%u): %s, %zu wrong bytes\n",
			       what, seed, strerror(-ret), stale);
	return ret;
}

static void test_faults(struct gadget *g, uint8_t *host)
{
	unsigned long absorbed = 0, broken = 0, nth_max = 0, wrong = 0;
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
		/* Attach: fail the 1st, 2nd, ... allocation until none is left. */
		for (n = 1; n < FAULT_MAX_NTH; n++) {
			fail_nth_arm(n);
			ret = ioctl(g->ep_in, FUNCTIONFS_DMABUF_ATTACH, &b.fd);
			ret = ret ? errno : 0;
			if (!fail_nth_fired()) {
				/* Past the last allocation: it succeeded. */
				if (!ret)
					ioctl(g->ep_in, FUNCTIONFS_DMABUF_DETACH, &b.fd);
				break;
			}
			p.ops++;
			p.injected++;
			if (ret) {
				p.errors++;
			} else {
				absorbed++;
				ioctl(g->ep_in, FUNCTIONFS_DMABUF_DETACH, &b.fd);
			}
			/* Nothing half-attached stays behind. */
			if (ioctl(g->ep_in, FUNCTIONFS_DMABUF_ATTACH, &b.fd)) {
				broken++;
				ksft_print_msg("faults: %s attach after failing allocation %u: %s\n",
					       exporter_name[e], n, strerror(errno));
				continue;
			}
			if (usable(g, &b, host, n, "a failed attach"))
				broken++;
			ioctl(g->ep_in, FUNCTIONFS_DMABUF_DETACH, &b.fd);
		}
		nth_max = n > nth_max ? n : nth_max;

		/* Transfer, on an attached buffer. */
		ioctl(g->ep_in, FUNCTIONFS_DMABUF_ATTACH, &b.fd);
		for (n = 1; n < FAULT_MAX_NTH; n++) {
			size_t stale = 0;

			cpu_fill(&b, b.size, true, n);
			fail_nth_arm(n);
			ret = transfer_req(g->ep_in, b.fd, b.size, 0);
			ret = ret ? errno : 0;
			if (!fail_nth_fired()) {
				if (!ret) {
					/* The host takes the data. */
					memset(host, 0, b.size);
					if (host_bulk(g, g->host_in, host, b.size) !=
					    (int)b.size || check(host, b.size, n))
						broken++;
					wait_fences(&b, POLLOUT);
				}
				break;
			}
			p.ops++;
			p.injected++;
			if (ret) {
				p.errors++;
				/* A failed transfer leaves no fence behind. */
				if (!fences_done(b.fd, 0))
					wrong++;
			} else {
				absorbed++;
				memset(host, 0, b.size);
				if (host_bulk(g, g->host_in, host, b.size) !=
				    (int)b.size || check(host, b.size, n))
					broken++;
				wait_fences(&b, POLLOUT);
				(void)stale;
			}
			if (usable(g, &b, host, 1000 + n, "a failed transfer"))
				broken++;
		}
		nth_max = n > nth_max ? n : nth_max;

		/*
		 * The exporter's begin_access fails: the transfer fails
		 * cleanly. Not on a kernel without the brackets.
		 */
		for (n = 0; n < 2 && have_access_events(); n++) {
			int ep = n ? g->ep_out : g->ep_in;

			if (n)
				ioctl(g->ep_out, FUNCTIONFS_DMABUF_ATTACH, &b.fd);
			if (fail_begin_access(1, -EIO)) {
				broken++;
				break;
			}
			ret = transfer_req(ep, b.fd, b.size, 0);
			ret = ret ? errno : 0;
			fail_begin_access_off();
			p.ops++;
			p.injected++;
			if (ret != EIO || !fences_done(b.fd, 0)) {
				wrong++;
				ksft_print_msg("faults: %s %s transfer with begin_access failing: %s, expected %s\n",
					       exporter_name[e], n ? "OUT" : "IN",
					       ret ? strerror(ret) : "success",
					       strerror(EIO));
			} else {
				p.errors++;
			}
			if (n)
				ioctl(g->ep_out, FUNCTIONFS_DMABUF_DETACH, &b.fd);
			if (usable(g, &b, host, 2000 + n, "a failed begin_access"))
				broken++;
		}
		ioctl(g->ep_in, FUNCTIONFS_DMABUF_DETACH, &b.fd);
		buf_free(&b);
	}

	snprintf(extra, sizeof(extra),
		 ", %lu absorbed (the call succeeded), %lu times the endpoint or buffer did not work after, %lu wrong results, up to %lu allocations per call",
		 absorbed, broken, wrong, nth_max - 1);
	part_end(&p, extra);
	ksft_test_result(p.injected && !broken && !wrong,
			 "faults: %lu failures injected, each an errno (%lu) or absorbed (%lu), all usable after\n",
			 p.injected, p.errors, absorbed);
}

int main(int argc, char **argv)
{
	struct gadget g = { .ep0 = -1, .ep_in = -1, .ep_out = -1, .usb = -1 };
	const char *only = argc > 1 ? argv[1] : NULL;
	char cmdline[4096];
	uint8_t *host;
	int ret;

	ksft_print_header();
	if (read_file("/proc/cmdline", cmdline, sizeof(cmdline)) > 0) {
		char *p = strstr(cmdline, "reliability_parts=");

		g.swiotlb = strstr(cmdline, "swiotlb=force");
		if (p && !only)
			only = strndup(p + 18, strcspn(p + 18, " \n"));
	}
	ksft_set_plan(6);

	host = malloc(1 << 20);
	if (!host)
		ksft_exit_fail_msg("malloc\n");
	ret = setup_gadget(&g);
	if (ret) {
		teardown_gadget(&g);
		ksft_exit_skip("cannot set up the FunctionFS gadget on dummy_udc.0: %s\n",
			       strerror(-ret));
	}
	ret = wait_enabled(&g);
	ret = ret ?: open_host(&g);
	if (ret) {
		teardown_gadget(&g);
		ksft_exit_fail_msg("the host does not see the gadget: %s\n",
				   strerror(-ret));
	}
	ksft_print_msg("%u CPUs online, swiotlb=force: %s\n", online_cpus(),
		       g.swiotlb ? "yes" : "no");

	if (!only || strstr(only, "random"))
		test_random(&g);
	else
		ksft_test_result_skip("random\n"), ksft_test_result_skip("random\n");
	if (!only || strstr(only, "faults"))
		test_faults(&g, host);
	else
		ksft_test_result_skip("faults\n"), ksft_test_result_skip("faults\n");
	/* Last: the gadget's host connection is replaced while it runs. */
	if (!only || strstr(only, "stress"))
		test_stress(&g);
	else
		ksft_test_result_skip("stress\n"), ksft_test_result_skip("stress\n");

	teardown_gadget(&g);
	free(host);
	ksft_finished();
}
