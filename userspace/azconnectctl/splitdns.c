// SPDX-License-Identifier: GPL-2.0-only
/*
 * Split DNS on the endpoint: see splitdns.h.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/eventfd.h>
#include <sys/stat.h>

#include "base/util.h"
#include "ctl.h"
#include "dnsfwd.h"
#include "register.h"
#include "resolvconf.h"
#include "resolved.h"
#include "splitdns.h"

static void sdns_msg(struct azc_sdns *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sdns_msg(struct azc_sdns *d, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&d->mu);
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&d->mu);
	if (d->msg[0])
		fprintf(stderr, "%s: dns: %s\n", ctl_prog, d->msg);
}

int azc_sdns_rc_read(char *buf, size_t size, size_t *len, char *link,
		     size_t linksize)
{
	struct stat st;
	ssize_t n;
	int fd;

	*len = 0;
	link[0] = '\0';
	if (!lstat(AZC_RC_PATH, &st) && S_ISLNK(st.st_mode)) {
		n = readlink(AZC_RC_PATH, link, linksize - 1);
		if (n <= 0)
			return -errno;
		link[n] = '\0';
	}
	fd = open(AZC_RC_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	while ((n = read(fd, buf + *len, size - *len)) > 0) {
		*len += (size_t)n;
		if (*len == size) {
			close(fd);
			return -EFBIG;
		}
	}
	close(fd);
	return n < 0 ? -errno : 0;
}

/*
 * Writes resolv.conf: a new file renamed over it, or, where that cannot
 * be (a bind mount, as in containers and "ip netns exec"), in place.
 * @link: a symbolic link to @link instead. 0 or -errno.
 */
static int rc_write(const char *buf, size_t len, const char *link)
{
	char tmp[64];
	int fd, ret = 0;

	snprintf(tmp, sizeof(tmp), "%s.azconnect-%ld", AZC_RC_PATH,
		 (long)getpid());
	unlink(tmp);
	if (link) {
		if (symlink(link, tmp))
			return -errno;
	} else {
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			goto in_place;
		if (fchmod(fd, 0644) || write(fd, buf, len) != (ssize_t)len ||
		    fsync(fd))
			ret = -errno;
		close(fd);
		if (ret) {
			unlink(tmp);
			return ret;
		}
	}
	if (!rename(tmp, AZC_RC_PATH))
		return 0;
	ret = -errno;
	unlink(tmp);
	if (link)
		return ret;
in_place:
	fd = open(AZC_RC_PATH, O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	ret = write(fd, buf, len) == (ssize_t)len ? 0 : -errno;
	close(fd);
	return ret;
}

/* What resolv.conf is read into: larger than AZC_RC_MAX, to tell it is. */
#define RC_BUF	(AZC_RC_MAX + 8192)

/*
 * Gives back the original of a resolv.conf that @name's session wrote,
 * read into @cur (RC_BUF bytes): 1 when done, 0 when nothing was ours;
 * -errno with @err.
 */
static int rc_restore(char *cur, const char *name, char *err, size_t errlen)
{
	static char orig[AZC_RC_MAX];
	char link[PATH_MAX], owner[256], target[PATH_MAX];
	size_t len, olen;
	long pid;
	int ret;

	ret = azc_sdns_rc_read(cur, RC_BUF, &len, link, sizeof(link));
	if (ret) {
		snprintf(err, errlen, "%s: %s", AZC_RC_PATH, strerror(-ret));
		return ret;
	}
	if (!azc_rc_owner(cur, len, &pid, owner, sizeof(owner)) ||
	    strcmp(owner, name))
		return 0;
	ret = azc_rc_original(cur, len, orig, sizeof(orig), &olen, target,
			      sizeof(target));
	if (ret) {
		snprintf(err, errlen, "%s: the original kept in it is damaged (%s): left as it is",
			 AZC_RC_PATH, strerror(-ret));
		return ret;
	}
	ret = rc_write(orig, olen, target[0] ? target : NULL);
	if (ret)
		snprintf(err, errlen, "%s: cannot put the original back: %s",
			 AZC_RC_PATH, strerror(-ret));
	return ret ? ret : 1;
}

/* The forwarder in resolv.conf, the original's servers behind it. */
static int rc_take(struct azc_sdns *d,
		   bool (*live)(const char *name, void *ctx), void *ctx)
{
	static char out[AZC_RC_MAX + 16384];
	char *cur = d->rc;
	struct sockaddr_in at = {
		.sin_family = AF_INET,
		.sin_port = htons(AZC_DNS_PORT),
	};
	struct sockaddr_storage up[AZC_RC_MAXNS];
	char link[PATH_MAX], owner[256], err[320], zones[AZC_DNS_NAME_MAX + 64];
	char owner_esc[4 * sizeof(owner)];	/* as printed */
	size_t len;
	long pid;
	int ret, n, i;

	ret = azc_sdns_rc_read(cur, RC_BUF, &len, link, sizeof(link));
	if (ret) {
		sdns_msg(d, "%s: %s: left alone", AZC_RC_PATH, strerror(-ret));
		return ret;
	}
	if (azc_rc_owner(cur, len, &pid, owner, sizeof(owner))) {
		azc_escape(owner, strlen(owner), owner_esc, sizeof(owner_esc));
		/* a name no session could have: nobody's, so not alive */
		if (strcmp(owner, d->endpoint) && ctl_name_ok(owner) &&
		    live(owner, ctx)) {
			sdns_msg(d, "%s is the split DNS of endpoint %s's session: left to it",
				 AZC_RC_PATH, owner_esc);
			return -EBUSY;
		}
		/* Left by a session that died: given back first. */
		if (rc_restore(cur, owner, err, sizeof(err)) < 0) {
			sdns_msg(d, "%s", err);
			return -EIO;
		}
		fprintf(stderr, "%s: dns: %s put back as it was before endpoint %s's session, which ended without doing so\n",
			ctl_prog, AZC_RC_PATH, owner_esc);
		ret = azc_sdns_rc_read(cur, RC_BUF, &len, link, sizeof(link));
		if (ret)
			return ret;
	}
	n = azc_rc_servers(cur, len, up, AZC_RC_MAXNS);
	inet_pton(AF_INET, AZC_RC_STUB, &at.sin_addr);
	d->fwd = azc_fwd_new(&at, up, n, err, sizeof(err));
	if (!d->fwd) {
		sdns_msg(d, "%s: %s left alone", err, AZC_RC_PATH);
		return -EADDRINUSE;
	}
	for (i = 0; i < n; i++) {
		char a[INET6_ADDRSTRLEN], *p = d->upstream;
		const void *ad = up[i].ss_family == AF_INET6 ?
			(const void *)&((struct sockaddr_in6 *)&up[i])->sin6_addr :
			(const void *)&((struct sockaddr_in *)&up[i])->sin_addr;

		inet_ntop(up[i].ss_family, ad, a, sizeof(a));
		snprintf(p + strlen(p), sizeof(d->upstream) - strlen(p), "%s%s",
			 i ? " " : "", a);
	}
	snprintf(zones, sizeof(zones), "%s and the overlay's ip6.arpa zone",
		 d->zone);
	ret = azc_rc_build(out, sizeof(out), cur, len, link[0] ? link : NULL,
			   d->endpoint, (long)getpid(), zones);
	if (ret < 0) {
		sdns_msg(d, "%s: %s: left alone", AZC_RC_PATH,
			 ret == -EINVAL ? "not text" : strerror(-ret));
		return ret;
	}
	ret = rc_write(out, (size_t)ret, NULL);
	if (ret) {
		sdns_msg(d, "%s: %s", AZC_RC_PATH, strerror(-ret));
		return ret;
	}
	return 0;
}

/* Whether glibc asks resolved: resolv.conf names its stub first. */
static bool via_resolved(struct azc_sdns *d)
{
	struct sockaddr_storage ss[1];
	char link[PATH_MAX], a[INET_ADDRSTRLEN], *cur = d->rc;
	size_t len;

	if (azc_sdns_rc_read(cur, RC_BUF, &len, link, sizeof(link)) ||
	    azc_rc_servers(cur, len, ss, 1) != 1 || ss[0].ss_family != AF_INET)
		return false;
	inet_ntop(AF_INET, &((struct sockaddr_in *)ss)->sin_addr, a, sizeof(a));
	return !strcmp(a, AZC_RESOLVED_STUB);
}

/* The zones of the overlay, for the thread's current settings. */
static int zones_of(struct azc_sdns *d, const char **z)
{
	z[0] = d->zone;
	z[1] = d->rzone;
	return 2;
}

static void apply(struct azc_sdns *d, bool have, uint32_t ifindex,
		  const struct in6_addr *ns)
{
	const char *z[2];
	char err[320];
	int n = zones_of(d, z);

	if (d->fwd) {
		azc_fwd_set_overlay(d->fwd, have ? ns : NULL, ifindex, z, n);
		pthread_mutex_lock(&d->mu);
		d->applied = have;
		pthread_mutex_unlock(&d->mu);
		return;
	}
	if (!d->rd || !have)
		return;
	if (azc_resolved_apply(d->rd, ifindex, ns, z, n, err, sizeof(err))) {
		sdns_msg(d, "%s", err);
		pthread_mutex_lock(&d->mu);
		d->applied = false;
		pthread_mutex_unlock(&d->mu);
		return;
	}
	pthread_mutex_lock(&d->mu);
	d->applied = true;
	d->msg[0] = '\0';
	pthread_mutex_unlock(&d->mu);
}

static void *sdns_thread(void *arg)
{
	struct azc_sdns *d = arg;
	bool have = false;
	uint32_t ifindex = 0;
	struct in6_addr ns;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = d->kick, .events = POLLIN },
			{ .fd = -1 },
		};
		int64_t dl, now;
		int timeout = -1;
		uint64_t v;
		bool changed;

		pthread_mutex_lock(&d->mu);
		if (d->stop) {
			pthread_mutex_unlock(&d->mu);
			break;
		}
		changed = d->changed;
		d->changed = false;
		if (changed) {
			have = d->have_ns;
			ifindex = d->ifindex;
			ns = d->ns;
		}
		pthread_mutex_unlock(&d->mu);
		if (changed)
			apply(d, have, ifindex, &ns);

		if (d->fwd) {
			p[1].fd = azc_fwd_fd(d->fwd);
			p[1].events = POLLIN;
			dl = azc_fwd_deadline(d->fwd);
			if (dl >= 0) {
				now = azc_now_ms();
				timeout = dl <= now ? 0 : (int)(dl - now);
			}
		} else if (d->rd) {
			p[1].fd = azc_resolved_fd(d->rd);
			p[1].events = azc_resolved_events(d->rd);
			timeout = azc_resolved_timeout_ms(d->rd);
		}
		if (poll(p, 2, timeout) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN && read(d->kick, &v, sizeof(v)) < 0)
			v = 0;
		if (d->fwd) {
			azc_fwd_run(d->fwd, azc_now_ms());
		} else if (d->rd && azc_resolved_process(d->rd) && have) {
			fprintf(stderr, "%s: dns: systemd-resolved (re)started: the link's settings applied again\n",
				ctl_prog);
			apply(d, have, ifindex, &ns);
		}
	}
	return NULL;
}

static void kick(struct azc_sdns *d)
{
	uint64_t one = 1;

	if (write(d->kick, &one, sizeof(one)) < 0)
		return;
}

void azc_sdns_start(struct azc_sdns *d, enum azc_dns_mode want,
		    const char *name, const char *zone,
		    bool (*live)(const char *name, void *ctx), void *ctx)
{
	char err[320];
	int ret;

	memset(d, 0, sizeof(*d));
	d->kick = -1;
	pthread_mutex_init(&d->mu, NULL);
	snprintf(d->endpoint, sizeof(d->endpoint), "%s", name);
	snprintf(d->zone, sizeof(d->zone), "%s", zone ? zone : AZC_REG_ZONE);
	d->mode = AZC_DNS_OFF;
	d->rc = malloc(RC_BUF);
	if (!d->rc) {
		sdns_msg(d, "out of memory");
		return;
	}
	/* This endpoint's last session died with resolv.conf taken. */
	ret = rc_restore(d->rc, d->endpoint, err, sizeof(err));
	if (ret < 0)
		sdns_msg(d, "%s", err);
	else if (ret)
		fprintf(stderr, "%s: dns: %s put back as it was before endpoint %s's session, which ended without doing so\n",
			ctl_prog, AZC_RC_PATH, d->endpoint);
	if (want == AZC_DNS_OFF)
		return;
	if (want == AZC_DNS_AUTO || want == AZC_DNS_RESOLVED) {
		d->rd = azc_resolved_open(err, sizeof(err));
		if (d->rd && azc_resolved_running(d->rd) &&
		    (want == AZC_DNS_RESOLVED || via_resolved(d))) {
			d->mode = AZC_DNS_RESOLVED;
		} else {
			if (want == AZC_DNS_RESOLVED) {
				sdns_msg(d, "dns = resolved, but %s",
					 d->rd ? "systemd-resolved is not on the system bus" :
					 err);
				azc_resolved_close(d->rd);
				d->rd = NULL;
				return;
			}
			azc_resolved_close(d->rd);
			d->rd = NULL;
		}
	}
	if (d->mode == AZC_DNS_OFF) {
		if (rc_take(d, live, ctx)) {
			azc_fwd_free(d->fwd);
			d->fwd = NULL;
			return;
		}
		d->mode = AZC_DNS_RESOLVCONF;
	}
	d->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->kick < 0 || pthread_create(&d->th, NULL, sdns_thread, d)) {
		sdns_msg(d, "cannot start its thread");
		azc_sdns_stop(d);
		d->mode = AZC_DNS_OFF;
		return;
	}
	d->thread = true;
	fprintf(stderr, "%s: dns: split DNS through %s\n", ctl_prog,
		d->mode == AZC_DNS_RESOLVED ? "systemd-resolved" :
		"a forwarder on " AZC_RC_STUB " named in " AZC_RC_PATH);
}

/* The /64 of @a as its ip6.arpa zone. */
static void reverse_zone(const struct in6_addr *a, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	int i;

	for (i = 7; i >= 0; i--) {
		n += (size_t)snprintf(buf + n, size - n, "%c.%c.",
				      hex[a->s6_addr[i] & 15],
				      hex[a->s6_addr[i] >> 4]);
	}
	snprintf(buf + n, size - n, "ip6.arpa");
}

void azc_sdns_set(struct azc_sdns *d, uint32_t ifindex,
		  const struct in6_addr *ns)
{
	if (d->mode == AZC_DNS_OFF)
		return;
	pthread_mutex_lock(&d->mu);
	if (!d->have_ns || d->ifindex != ifindex ||
	    memcmp(&d->ns, ns, sizeof(*ns))) {
		d->have_ns = true;
		d->ifindex = ifindex;
		d->ns = *ns;
		reverse_zone(ns, d->rzone, sizeof(d->rzone));
		d->changed = true;
	}
	pthread_mutex_unlock(&d->mu);
	kick(d);
}

void azc_sdns_print(struct azc_sdns *d, FILE *f)
{
	char a[INET6_ADDRSTRLEN] = "";

	pthread_mutex_lock(&d->mu);
	fprintf(f, "dns_mode=%s\n", azc_dns_mode_name(d->mode));
	if (d->mode != AZC_DNS_OFF) {
		if (d->have_ns)
			inet_ntop(AF_INET6, &d->ns, a, sizeof(a));
		fprintf(f, "dns_server=%s\ndns_domains=%s%s%s\n", a, d->zone,
			d->rzone[0] ? " " : "", d->rzone);
		if (d->mode == AZC_DNS_RESOLVCONF)
			fprintf(f, "dns_forwarder=%s\ndns_upstream=%s\n",
				AZC_RC_STUB, d->upstream);
		/*
		 * The forwarder takes its settings on its next turn, at
		 * once; resolved's are calls over D-Bus that may still run.
		 */
		fprintf(f, "dns_state=%s\n",
			!d->have_ns ? "waiting for the link" :
			d->applied || d->mode == AZC_DNS_RESOLVCONF ? "applied" :
			d->msg[0] ? "failed" : "applying");
	}
	if (d->msg[0])
		fprintf(f, "dns_error=%s\n", d->msg);
	pthread_mutex_unlock(&d->mu);
}

void azc_sdns_stop(struct azc_sdns *d)
{
	char err[320];

	if (d->thread) {
		pthread_mutex_lock(&d->mu);
		d->stop = true;
		pthread_mutex_unlock(&d->mu);
		kick(d);
		pthread_join(d->th, NULL);
		d->thread = false;
	}
	if (d->rd) {
		if (d->have_ns &&
		    azc_resolved_revert(d->rd, d->ifindex, err, sizeof(err)))
			fprintf(stderr, "%s: dns: %s\n", ctl_prog, err);
		azc_resolved_close(d->rd);
		d->rd = NULL;
	}
	if (d->fwd) {
		azc_fwd_free(d->fwd);
		d->fwd = NULL;
		if (rc_restore(d->rc, d->endpoint, err, sizeof(err)) < 0)
			fprintf(stderr, "%s: dns: %s\n", ctl_prog, err);
		else
			fprintf(stderr, "%s: dns: %s put back\n", ctl_prog,
				AZC_RC_PATH);
	}
	if (d->kick >= 0)
		close(d->kick);
	d->kick = -1;
	d->mode = AZC_DNS_OFF;
	free(d->rc);
	d->rc = NULL;
}

void azc_sdns_undo_stale(const char *name, const char *dev)
{
	struct azc_resolved *r;
	char err[320], *cur = malloc(RC_BUF);
	unsigned int ifindex = dev ? if_nametoindex(dev) : 0;

	if (!cur)
		fprintf(stderr, "%s: dns: out of memory\n", ctl_prog);
	else if (rc_restore(cur, name, err, sizeof(err)) < 0)
		fprintf(stderr, "%s: dns: %s\n", ctl_prog, err);
	free(cur);
	if (!ifindex)
		return;
	r = azc_resolved_open(err, sizeof(err));
	if (r && azc_resolved_running(r) &&
	    azc_resolved_revert(r, ifindex, err, sizeof(err)))
		fprintf(stderr, "%s: dns: %s\n", ctl_prog, err);
	azc_resolved_close(r);
}
