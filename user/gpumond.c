// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpumond - the gpumon daemon: reads the module's netlink family, the BPF
 * ring buffer and /dev/kmsg into one node model, raises syslog alerts and
 * serves the model over HTTP on a Unix socket.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "api.h"
#include "bpf_src.h"
#include "config.h"
#include "klog.h"
#include "kmsg.h"
#include "model.h"
#include "nl_src.h"
#include "util.h"
#include "xid.h"

struct gpumond {
	struct gpumon_config cfg;
	struct gpumon_model m;
	struct gpumon_alerter al;
	struct gpumon_nl *nl;
	struct gpumon_bpf *bpf;
	struct gpumon_kmsg *kmsg;
	struct gpumon_klog klog;	/* decodes the kmsg records */
	bool kmsg_busy;			/* records since the last tick */
	struct gpumon_api *api;
	int ep;
};

/* epoll tags */
enum { EP_TIMER, EP_SIGNAL, EP_NL, EP_BPF, EP_KMSG };

/* Called with the model locked: alert on a new event. */
static void alert(struct gpumond *d, const struct gpumon_event *ev)
{
	if (ev)
		gpumon_alert_event(&d->al, &d->m, ev,
				   gpumon_now_ns(CLOCK_MONOTONIC));
}

static void lost_event(struct gpumond *d, enum gpumon_source s, uint64_t n,
		       const char *what)
{
	struct gpumon_event ev = { .source = s, .severity = LOG_WARNING };

	d->m.src[s].lost += n;
	snprintf(ev.kind, sizeof(ev.kind), "lost");
	snprintf(ev.fields, sizeof(ev.fields), "source=%s count=%llu",
		 gpumon_source_name(s), (unsigned long long)n);
	snprintf(ev.message, sizeof(ev.message), "%llu %s lost",
		 (unsigned long long)n, what);
	alert(d, gpumon_model_add_event(&d->m, &ev));
}

static void on_nl_aer(void *ctx, const struct gpumon_aer_rec *rec)
{
	struct gpumond *d = ctx;

	pthread_mutex_lock(&d->m.lock);
	alert(d, gpumon_model_aer(&d->m, GPUMON_SRC_NETLINK, rec));
	pthread_mutex_unlock(&d->m.lock);
}

static void on_nl_lost(void *ctx, uint64_t n)
{
	struct gpumond *d = ctx;

	pthread_mutex_lock(&d->m.lock);
	lost_event(d, GPUMON_SRC_NETLINK, n, "module events");
	pthread_mutex_unlock(&d->m.lock);
}

static void on_bpf_aer(void *ctx, const struct gpumon_aer_rec *rec)
{
	struct gpumond *d = ctx;

	pthread_mutex_lock(&d->m.lock);
	alert(d, gpumon_model_aer(&d->m, GPUMON_SRC_BPF, rec));
	pthread_mutex_unlock(&d->m.lock);
}

static void on_bpf_thermal(void *ctx, const struct gpumon_thermal_rec *rec)
{
	struct gpumond *d = ctx;

	pthread_mutex_lock(&d->m.lock);
	alert(d, gpumon_model_thermal(&d->m, rec));
	pthread_mutex_unlock(&d->m.lock);
}

static void on_bpf_pcie_link(void *ctx, const struct gpumon_pcie_link_rec *rec)
{
	struct gpumond *d = ctx;

	pthread_mutex_lock(&d->m.lock);
	alert(d, gpumon_model_pcie_link(&d->m, rec));
	pthread_mutex_unlock(&d->m.lock);
}

static void on_bpf_pci_hp(void *ctx, const struct gpumon_pci_hp_rec *rec)
{
	struct gpumond *d = ctx;

	pthread_mutex_lock(&d->m.lock);
	alert(d, gpumon_model_pci_hp(&d->m, rec));
	pthread_mutex_unlock(&d->m.lock);
}

static void on_bpf_xid(void *ctx, const struct gpumon_bpf_xid_rec *rec)
{
	struct gpumond *d = ctx;

	pthread_mutex_lock(&d->m.lock);
	alert(d, gpumon_model_bpf_xid(&d->m, rec));
	pthread_mutex_unlock(&d->m.lock);
}

/* Per-program state and drops, and the thermal interrupts per CPU. */
static void bpf_refresh(struct gpumond *d)
{
	struct gpumon_bpf_prog_info p[GPUMON_BPF_NPROGS];
	uint64_t irqs[1024];
	size_t n;
	int ncpu;

	n = gpumon_bpf_progs(d->bpf, p, GPUMON_BPF_NPROGS);
	ncpu = gpumon_bpf_thermal_irqs(d->bpf, irqs, 1024);
	gpumon_model_bpf_progs(&d->m, p, n);
	d->m.src[GPUMON_SRC_BPF].lost = gpumon_bpf_drops(d->bpf);
	if (ncpu > 0)
		alert(d, gpumon_model_cpu_thermal_irqs(&d->m, irqs, ncpu));
}

/* One syslog line per BPF program: on, or off and why. */
static void bpf_report(struct gpumond *d)
{
	size_t i;

	pthread_mutex_lock(&d->m.lock);
	bpf_refresh(d);
	for (i = 0; i < d->m.nbpf_progs; i++) {
		const struct gpumon_bpf_prog_info *p = &d->m.bpf_progs[i];

		syslog(p->on ? LOG_INFO : LOG_NOTICE,
		       "%s kind=bpf-program program=%s hook=%s state=%s msg=\"%s\"",
		       p->on ? "INFO" : "NOTICE", p->name, p->hook,
		       p->on ? "on" : "off", p->on ? "attached" : p->why);
	}
	pthread_mutex_unlock(&d->m.lock);
}

static void malformed_event(struct gpumond *d, const char *what,
			    const char *text, size_t len)
{
	struct gpumon_event ev = {
		.source = GPUMON_SRC_KMSG,
		.severity = LOG_NOTICE,
	};

	d->m.src[GPUMON_SRC_KMSG].malformed++;
	snprintf(ev.kind, sizeof(ev.kind), "log-malformed");
	snprintf(ev.fields, sizeof(ev.fields), "what=%s", what);
	/* kept raw, so nothing is lost: the operator sees the text */
	snprintf(ev.message, sizeof(ev.message), "%.*s", (int)len, text);
	gpumon_model_add_event(&d->m, &ev);
}

/*
 * Called by the decoder with the model locked. Severity and action come
 * from the Xid catalog (user/lib/xid_catalog.c). Kernel AER text is
 * context only and not taken into the model: the module and the
 * tracepoint count AER errors, and since 6.16 the text is rate-limited.
 */
static void on_klog_event(void *ctx, const struct gpumon_klog_event *ev)
{
	struct gpumond *d = ctx;

	if (ev->kind == GPUMON_KLOG_MALFORMED)
		malformed_event(d, "line", ev->text, strlen(ev->text));
	else if (ev->kind != GPUMON_KLOG_AER_TEXT)
		alert(d, gpumon_model_klog(&d->m, ev));
}

static void on_kmsg_record(void *ctx, const struct gpumon_kmsg_rec *rec)
{
	struct gpumond *d = ctx;

	pthread_mutex_lock(&d->m.lock);
	d->m.src[GPUMON_SRC_KMSG].events++;
	d->kmsg_busy = true;
	gpumon_klog_feed_record(&d->klog, rec);
	pthread_mutex_unlock(&d->m.lock);
}

static void on_kmsg_lost(void *ctx, uint64_t n)
{
	struct gpumond *d = ctx;

	pthread_mutex_lock(&d->m.lock);
	lost_event(d, GPUMON_SRC_KMSG, n, "kernel log records overwritten");
	pthread_mutex_unlock(&d->m.lock);
}

static void on_kmsg_malformed(void *ctx, const char *buf, size_t len)
{
	struct gpumond *d = ctx;

	pthread_mutex_lock(&d->m.lock);
	malformed_event(d, "record", buf, len);
	pthread_mutex_unlock(&d->m.lock);
}

/* The module's thermal notifications; AER comes through on_nl_aer. */
static void on_nl_event(void *ctx, const struct gpumon_nl_event *ev)
{
	struct gpumond *d = ctx;

	if (ev->kind < GPUMON_EVENT_THERMAL_TRIP ||
	    ev->kind > GPUMON_EVENT_THERMAL_ZONE_REMOVED)
		return;
	pthread_mutex_lock(&d->m.lock);
	alert(d, gpumon_model_module_thermal_event(&d->m, ev));
	pthread_mutex_unlock(&d->m.lock);
}

static const struct gpumon_nl_ops nl_ops = {
	.aer = on_nl_aer,
	.event = on_nl_event,
	.lost = on_nl_lost,
};

static const struct gpumon_bpf_ops bpf_ops = {
	.aer = on_bpf_aer,
	.thermal = on_bpf_thermal,
	.pcie_link = on_bpf_pcie_link,
	.pci_hp = on_bpf_pci_hp,
	.xid = on_bpf_xid,
};

static const struct gpumon_kmsg_ops kmsg_ops = {
	.record = on_kmsg_record,
	.lost = on_kmsg_lost,
	.malformed = on_kmsg_malformed,
};

static void source(struct gpumond *d, enum gpumon_source s, bool on,
		   const char *why)
{
	pthread_mutex_lock(&d->m.lock);
	alert(d, gpumon_model_source(&d->m, s, on, why));
	pthread_mutex_unlock(&d->m.lock);
}

static int ep_add(struct gpumond *d, int fd, int tag)
{
	struct epoll_event e = { .events = EPOLLIN, .data.u32 = tag };

	return epoll_ctl(d->ep, EPOLL_CTL_ADD, fd, &e) ? -errno : 0;
}

/* The module's devices as one dump returned them. */
struct dump_buf {
	struct gpumon_nl_dev *devs;
	size_t n;
	size_t cap;
	bool short_of_memory;	/* the list is partial: merge nothing */
};

static int dump_dev(void *ctx, const struct gpumon_nl_dev *nd)
{
	struct dump_buf *b = ctx;

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct gpumon_nl_dev *nb = realloc(b->devs, cap * sizeof(*nb));

		if (!nb) {
			b->short_of_memory = true;
			return -ENOMEM;
		}
		b->devs = nb;
		b->cap = cap;
	}
	b->devs[b->n++] = *nd;
	return 0;
}

/* The module's thermal zones and RAPL domains as one dump returned them. */
struct sensor_buf {
	struct gpumon_nl_tzone zones[GPUMON_TZONES_MAX];
	size_t nzones;
	struct gpumon_nl_rapl rapl[GPUMON_RAPL_DOMAINS_MAX];
	size_t nrapl;
	struct gpumon_nl_stats stats;
};

static int dump_tzone(void *ctx, const struct gpumon_nl_tzone *z)
{
	struct sensor_buf *b = ctx;

	if (b->nzones < GPUMON_TZONES_MAX)
		b->zones[b->nzones++] = *z;
	return 0;
}

static int dump_rapl(void *ctx, const struct gpumon_nl_rapl *r)
{
	struct sensor_buf *b = ctx;

	if (b->nrapl < GPUMON_RAPL_DOMAINS_MAX)
		b->rapl[b->nrapl++] = *r;
	return 0;
}

/*
 * Thermal zones, RAPL domains and the module's source states, read
 * without the model's lock and merged under it.  A module without the
 * commands (-EOPNOTSUPP) leaves them empty.  Return: -ENOENT when the
 * family went away, else 0 (a failed part is left as it was).
 */
static int nl_sensors(struct gpumond *d)
{
	struct sensor_buf *b = calloc(1, sizeof(*b));
	int tret, pret, sret;
	uint64_t first, t0;

	if (!b)
		return 0;
	/* Events from now on are newer than the zones dumped here. */
	t0 = gpumon_now_ns(CLOCK_MONOTONIC);
	tret = gpumon_nl_dump_thermal(d->nl, dump_tzone, b);
	pret = tret == -ENOENT ? tret :
	       gpumon_nl_dump_power(d->nl, dump_rapl, b);
	sret = pret == -ENOENT ? pret : gpumon_nl_stats(d->nl, &b->stats);
	pthread_mutex_lock(&d->m.lock);
	first = d->m.next_seq;
	if (!tret || tret == -EOPNOTSUPP)
		gpumon_model_module_thermal_at(&d->m, b->zones, b->nzones, t0);
	if (!pret || pret == -EOPNOTSUPP)
		gpumon_model_module_power(&d->m, b->rapl, b->nrapl);
	if (!sret)
		gpumon_model_module_stats(&d->m, &b->stats);
	/*
	 * Trips found asserted (or cleared) by the dump that no event told,
	 * and the thermal and RAPL source changes: one line each.
	 */
	for (; first < d->m.next_seq; first++)
		alert(d, gpumon_model_event_at(&d->m, first));
	pthread_mutex_unlock(&d->m.lock);
	free(b);
	return tret == -ENOENT || pret == -ENOENT || sret == -ENOENT ?
	       -ENOENT : 0;
}

static void nl_close(struct gpumond *d, const char *why)
{
	epoll_ctl(d->ep, EPOLL_CTL_DEL, gpumon_nl_fd(d->nl), NULL);
	gpumon_nl_close(d->nl);
	d->nl = NULL;
	source(d, GPUMON_SRC_NETLINK, false, why);
}

/* Refresh the module's device list and counters; follow load/unload. */
static void nl_poll(struct gpumond *d)
{
	struct dump_buf buf = { 0 };
	uint64_t first, seq;
	char why[160];
	int ret;

	if (!d->cfg.netlink)
		return;
	if (!d->nl) {
		ret = gpumon_nl_open(&d->nl, &nl_ops, d);
		if (ret) {
			d->nl = NULL;
			snprintf(why, sizeof(why), ret == -ENOENT ?
				 "gpumon.ko is not loaded (no netlink family \"gpumon\")" :
				 "netlink: %s", strerror(-ret));
			source(d, GPUMON_SRC_NETLINK, false, why);
			return;
		}
		if (ep_add(d, gpumon_nl_fd(d->nl), EP_NL)) {
			nl_close(d, "epoll failed");
			return;
		}
		source(d, GPUMON_SRC_NETLINK, true, "");
	}
	/*
	 * The dump's round trips to the kernel happen without the model's
	 * lock, so API readers never wait on them; the result is merged
	 * under the lock in one go.
	 */
	ret = gpumon_nl_dump(d->nl, dump_dev, &buf);
	/* a partial list would read as removed devices: try next tick */
	if (!ret && !buf.short_of_memory) {
		pthread_mutex_lock(&d->m.lock);
		first = d->m.next_seq;
		gpumon_model_dump_begin(&d->m);
		for (size_t i = 0; i < buf.n; i++)
			gpumon_model_module_dev(&d->m, &buf.devs[i]);
		gpumon_model_dump_end(&d->m);
		/* devices added or removed since the last dump */
		for (seq = first; seq < d->m.next_seq; seq++)
			alert(d, gpumon_model_event_at(&d->m, seq));
		pthread_mutex_unlock(&d->m.lock);
	}
	free(buf.devs);
	if (!ret)
		ret = nl_sensors(d);
	if (ret == -ENOENT)
		nl_close(d, "gpumon.ko was unloaded (netlink family gone)");
	else if (ret) {
		snprintf(why, sizeof(why), "device dump failed: %s",
			 strerror(-ret));
		nl_close(d, why);
	}
}

static void start_sources(struct gpumond *d)
{
	char why[256] = "";
	int ret;

	nl_poll(d);
	if (!d->cfg.netlink)
		source(d, GPUMON_SRC_NETLINK, false, "disabled in configuration");

	if (!d->cfg.bpf) {
		source(d, GPUMON_SRC_BPF, false, "disabled in configuration");
	} else if ((ret = gpumon_bpf_open(&d->bpf, &bpf_ops, d, why,
					  sizeof(why)))) {
		d->bpf = NULL;
		source(d, GPUMON_SRC_BPF, false, why);
	} else if (ep_add(d, gpumon_bpf_fd(d->bpf), EP_BPF)) {
		source(d, GPUMON_SRC_BPF, false, "epoll failed");
	} else {
		source(d, GPUMON_SRC_BPF, true, "");
		bpf_report(d);
	}

	/*
	 * Resume after the last record handled before a restart (state in
	 * GPUMON_KMSG_STATE); without a boot id, start at the end as before.
	 */
	if (!d->cfg.kmsg) {
		source(d, GPUMON_SRC_KMSG, false, "disabled in configuration");
	} else if ((ret = gpumon_kmsg_open_resume(&d->kmsg, NULL, NULL, NULL,
						  &kmsg_ops, d)) &&
		   (ret != -ENOENT ||
		    (ret = gpumon_kmsg_open(&d->kmsg, NULL, &kmsg_ops, d)))) {
		d->kmsg = NULL;
		snprintf(why, sizeof(why), "/dev/kmsg: %s", strerror(-ret));
		source(d, GPUMON_SRC_KMSG, false, why);
	} else if (ep_add(d, gpumon_kmsg_fd(d->kmsg), EP_KMSG)) {
		source(d, GPUMON_SRC_KMSG, false, "epoll failed");
	} else {
		source(d, GPUMON_SRC_KMSG, true, "");
	}
}

static void tick(struct gpumond *d)
{
	nl_poll(d);
	pthread_mutex_lock(&d->m.lock);
	/* a quiet log: an SXid group without its Severity line is complete */
	if (!d->kmsg_busy)
		gpumon_klog_flush(&d->klog);
	d->kmsg_busy = false;
	if (d->bpf)
		bpf_refresh(d);
	gpumon_alert_tick(&d->al, &d->m, gpumon_now_ns(CLOCK_MONOTONIC));
	pthread_mutex_unlock(&d->m.lock);
}

static int run(struct gpumond *d, int sfd, int tfd)
{
	struct epoll_event evs[8];
	uint64_t u;
	int n, ret;

	for (;;) {
		n = epoll_wait(d->ep, evs, 8, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (int i = 0; i < n; i++) {
			switch (evs[i].data.u32) {
			case EP_SIGNAL:
				return 0;
			case EP_TIMER:
				if (read(tfd, &u, sizeof(u)) > 0)
					tick(d);
				break;
			case EP_NL:
				if (!d->nl)
					break;
				ret = gpumon_nl_process(d->nl);
				if (ret == -ENOENT)
					nl_close(d, "gpumon.ko was unloaded (netlink family gone)");
				break;
			case EP_BPF:
				gpumon_bpf_process(d->bpf);
				break;
			case EP_KMSG:
				ret = gpumon_kmsg_process(d->kmsg);
				if (ret < 0) {
					epoll_ctl(d->ep, EPOLL_CTL_DEL,
						  gpumon_kmsg_fd(d->kmsg), NULL);
					gpumon_kmsg_close(d->kmsg);
					d->kmsg = NULL;
					source(d, GPUMON_SRC_KMSG, false,
					       strerror(-ret));
				}
				break;
			}
		}
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gpumond [-F] [-c FILE] [-S SOCKET]\n"
		"  -F, --foreground    stay in the foreground, log to stderr too\n"
		"  -c, --config FILE   configuration (default %s)\n"
		"  -S, --socket PATH   HTTP API socket (default %s)\n",
		GPUMON_DEFAULT_CONFIG, GPUMON_DEFAULT_SOCKET);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'F' },
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *config = NULL, *sock = NULL;
	struct itimerspec its = { { 1, 0 }, { 1, 0 } };
	struct gpumond d = { .ep = -1 };
	bool fg = false;
	sigset_t sigs;
	int c, ret, sfd, tfd;

	while ((c = getopt_long(argc, argv, "Fc:S:h", opts, NULL)) != -1) {
		switch (c) {
		case 'F':
			fg = true;
			break;
		case 'c':
			config = optarg;
			break;
		case 'S':
			sock = optarg;
			if (strlen(sock) >= sizeof(d.cfg.socket)) {
				fprintf(stderr, "gpumond: -S: a socket path has at most %zu bytes\n",
					sizeof(d.cfg.socket) - 1);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	gpumon_config_defaults(&d.cfg);
	ret = gpumon_config_load(&d.cfg, config ? config : GPUMON_DEFAULT_CONFIG,
				 !config, stderr);
	if (ret) {
		if (ret != -EINVAL)
			fprintf(stderr, "gpumond: %s: %s\n",
				config ? config : GPUMON_DEFAULT_CONFIG,
				strerror(-ret));
		fprintf(stderr, "gpumond: refusing to start on a bad configuration\n");
		return 1;
	}
	if (sock)
		snprintf(d.cfg.socket, sizeof(d.cfg.socket), "%s", sock);
	d.al.cor_interval_ns = d.cfg.cor_interval_s * 1000000000ull;

	openlog("gpumond", LOG_PID | LOG_NDELAY | (fg ? LOG_PERROR : 0),
		LOG_DAEMON);
	if (!fg && daemon(0, 0)) {
		fprintf(stderr, "gpumond: daemon: %s\n", strerror(errno));
		return 1;
	}
	if (gpumon_model_init(&d.m, GPUMON_EVENT_RING)) {
		syslog(LOG_ERR, "out of memory");
		return 1;
	}

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	d.ep = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || tfd < 0 || d.ep < 0 || timerfd_settime(tfd, 0, &its, NULL) ||
	    ep_add(&d, sfd, EP_SIGNAL) || ep_add(&d, tfd, EP_TIMER)) {
		syslog(LOG_ERR, "cannot set up the event loop: %m");
		return 1;
	}

	/*
	 * Sources first: once the API answers, every source that can run
	 * is reading, so nothing logged after that moment is missed.
	 */
	gpumon_klog_init(&d.klog, on_klog_event, &d);
	start_sources(&d);

	gpumon_mkdir_parent(d.cfg.socket, 0755);
	ret = gpumon_api_start(&d.api, &d.m, d.cfg.socket);
	if (ret) {
		syslog(LOG_ERR, "cannot serve the API on %s: %s", d.cfg.socket,
		       strerror(-ret));
		return 1;
	}
	syslog(LOG_INFO, "INFO kind=daemon state=started socket=%s netlink=%s bpf=%s kmsg=%s msg=\"gpumond started\"",
	       d.cfg.socket, d.m.src[GPUMON_SRC_NETLINK].on ? "on" : "off",
	       d.m.src[GPUMON_SRC_BPF].on ? "on" : "off",
	       d.m.src[GPUMON_SRC_KMSG].on ? "on" : "off");

	ret = run(&d, sfd, tfd);
	pthread_mutex_lock(&d.m.lock);
	gpumon_klog_flush(&d.klog);
	pthread_mutex_unlock(&d.m.lock);
	syslog(LOG_INFO, "INFO kind=daemon state=stopped msg=\"gpumond stopped\"");

	gpumon_api_stop(d.api);
	if (d.nl)
		gpumon_nl_close(d.nl);
	if (d.bpf)
		gpumon_bpf_close(d.bpf);
	if (d.kmsg)
		gpumon_kmsg_close(d.kmsg);	/* saves the position */
	close(d.ep);
	close(tfd);
	close(sfd);
	gpumon_model_fini(&d.m);
	return ret ? 1 : 0;
}
