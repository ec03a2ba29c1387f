// SPDX-License-Identifier: GPL-2.0-only
/*
 * systemd-resolved over sd-bus: see resolved.h.
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <systemd/sd-bus.h>

#include "resolved.h"

#define DEST	"org.freedesktop.resolve1"
#define PATH	"/org/freedesktop/resolve1"
#define MGR	"org.freedesktop.resolve1.Manager"
#define LINK	"org.freedesktop.resolve1.Link"
#define CALL_USEC	(5ULL * 1000 * 1000)

struct azc_resolved {
	sd_bus *bus;
	sd_bus_slot *watch;
	bool appeared;
};

static int owner_changed(sd_bus_message *m, void *ud, sd_bus_error *e)
{
	struct azc_resolved *r = ud;
	const char *name, *old, *new;

	(void)e;
	if (sd_bus_message_read(m, "sss", &name, &old, &new) >= 0 &&
	    new && *new)
		r->appeared = true;
	return 0;
}

struct azc_resolved *azc_resolved_open(char *err, size_t errlen)
{
	struct azc_resolved *r = calloc(1, sizeof(*r));
	int ret;

	if (!r) {
		snprintf(err, errlen, "no memory");
		return NULL;
	}
	ret = sd_bus_open_system(&r->bus);
	if (ret >= 0)
		ret = sd_bus_match_signal(r->bus, &r->watch, "org.freedesktop.DBus",
					  "/org/freedesktop/DBus",
					  "org.freedesktop.DBus",
					  "NameOwnerChanged", owner_changed, r);
	if (ret < 0) {
		snprintf(err, errlen, "the system bus: %s", strerror(-ret));
		azc_resolved_close(r);
		return NULL;
	}
	return r;
}

void azc_resolved_close(struct azc_resolved *r)
{
	if (!r)
		return;
	sd_bus_slot_unref(r->watch);
	sd_bus_flush_close_unref(r->bus);
	free(r);
}

bool azc_resolved_running(struct azc_resolved *r)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL;
	int has = 0;

	if (sd_bus_call_method(r->bus, "org.freedesktop.DBus",
			       "/org/freedesktop/DBus", "org.freedesktop.DBus",
			       "NameHasOwner", &e, &m, "s", DEST) >= 0)
		sd_bus_message_read(m, "b", &has);
	sd_bus_message_unref(m);
	sd_bus_error_free(&e);
	return has;
}

static int report(int ret, const sd_bus_error *e, const char *what,
		  char *err, size_t errlen)
{
	snprintf(err, errlen, "systemd-resolved: %s: %s", what,
		 e && e->message ? e->message : strerror(-ret));
	return ret;
}

/* One method call on the manager, with a message made by the caller. */
static int call(struct azc_resolved *r, sd_bus_message *m, const char *what,
		char *err, size_t errlen)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int ret = sd_bus_call(r->bus, m, CALL_USEC, &e, NULL);

	if (ret < 0)
		report(ret, &e, what, err, errlen);
	sd_bus_error_free(&e);
	return ret < 0 ? ret : 0;
}

int azc_resolved_apply(struct azc_resolved *r, uint32_t ifindex,
		       const struct in6_addr *ns, const char *const *domains,
		       int n, char *err, size_t errlen)
{
	sd_bus_message *m = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int ret, i;

	/* SetLinkDNS(i ifindex, a(iay) addresses) */
	ret = sd_bus_message_new_method_call(r->bus, &m, DEST, PATH, MGR,
					     "SetLinkDNS");
	if (ret >= 0)
		ret = sd_bus_message_append(m, "i", (int32_t)ifindex);
	if (ret >= 0)
		ret = sd_bus_message_open_container(m, 'a', "(iay)");
	if (ret >= 0)
		ret = sd_bus_message_open_container(m, 'r', "iay");
	if (ret >= 0)
		ret = sd_bus_message_append(m, "i", AF_INET6);
	if (ret >= 0)
		ret = sd_bus_message_append_array(m, 'y', ns, sizeof(*ns));
	if (ret >= 0)
		ret = sd_bus_message_close_container(m);
	if (ret >= 0)
		ret = sd_bus_message_close_container(m);
	if (ret < 0) {
		sd_bus_message_unref(m);
		return report(ret, NULL, "SetLinkDNS", err, errlen);
	}
	ret = call(r, m, "SetLinkDNS", err, errlen);
	m = sd_bus_message_unref(m);
	if (ret)
		return ret;

	/* SetLinkDomains(i ifindex, a(sb) domains): all routing-only */
	ret = sd_bus_message_new_method_call(r->bus, &m, DEST, PATH, MGR,
					     "SetLinkDomains");
	if (ret >= 0)
		ret = sd_bus_message_append(m, "i", (int32_t)ifindex);
	if (ret >= 0)
		ret = sd_bus_message_open_container(m, 'a', "(sb)");
	for (i = 0; ret >= 0 && i < n; i++)
		ret = sd_bus_message_append(m, "(sb)", domains[i], 1);
	if (ret >= 0)
		ret = sd_bus_message_close_container(m);
	if (ret < 0) {
		sd_bus_message_unref(m);
		return report(ret, NULL, "SetLinkDomains", err, errlen);
	}
	ret = call(r, m, "SetLinkDomains", err, errlen);
	sd_bus_message_unref(m);
	if (ret)
		return ret;

	ret = sd_bus_call_method(r->bus, DEST, PATH, MGR, "SetLinkDefaultRoute",
				 &e, NULL, "ib", (int32_t)ifindex, 0);
	if (ret >= 0)
		ret = sd_bus_call_method(r->bus, DEST, PATH, MGR, "SetLinkLLMNR",
					 &e, NULL, "is", (int32_t)ifindex, "no");
	if (ret >= 0)
		ret = sd_bus_call_method(r->bus, DEST, PATH, MGR,
					 "SetLinkMulticastDNS", &e, NULL, "is",
					 (int32_t)ifindex, "no");
	if (ret < 0)
		report(ret, &e, "link settings", err, errlen);
	sd_bus_error_free(&e);
	return ret < 0 ? ret : 0;
}

int azc_resolved_revert(struct azc_resolved *r, uint32_t ifindex, char *err,
			size_t errlen)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int ret;

	ret = sd_bus_call_method(r->bus, DEST, PATH, MGR, "RevertLink", &e,
				 NULL, "i", (int32_t)ifindex);
	if (ret < 0)
		report(ret, &e, "RevertLink", err, errlen);
	sd_bus_error_free(&e);
	return ret < 0 ? ret : 0;
}

/* Appends @s to @buf, space-separated. */
static void add(char *buf, size_t size, const char *pre, const char *s)
{
	size_t n = strlen(buf);

	snprintf(buf + n, size - n, "%s%s%s", n ? " " : "", pre, s);
}

int azc_resolved_link(struct azc_resolved *r, uint32_t ifindex, char *dns,
		      size_t dnssize, char *domains, size_t domsize,
		      bool *default_route, char *err, size_t errlen)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL;
	const char *path;
	char *p = NULL;
	int ret, dr = 0;

	dns[0] = domains[0] = '\0';
	*default_route = false;
	ret = sd_bus_call_method(r->bus, DEST, PATH, MGR, "GetLink", &e, &m,
				 "i", (int32_t)ifindex);
	if (ret >= 0)
		ret = sd_bus_message_read(m, "o", &path);
	if (ret >= 0)
		p = strdup(path);
	m = sd_bus_message_unref(m);
	if (ret < 0 || !p) {
		report(ret < 0 ? ret : -ENOMEM, &e, "GetLink", err, errlen);
		sd_bus_error_free(&e);
		return ret < 0 ? ret : -ENOMEM;
	}

	ret = sd_bus_get_property(r->bus, DEST, p, LINK, "DNS", &e, &m,
				  "a(iay)");
	if (ret >= 0)
		ret = sd_bus_message_enter_container(m, 'a', "(iay)");
	while (ret >= 0 &&
	       (ret = sd_bus_message_enter_container(m, 'r', "iay")) > 0) {
		const void *a;
		size_t alen;
		int32_t fam;
		char s[INET6_ADDRSTRLEN];

		ret = sd_bus_message_read(m, "i", &fam);
		if (ret >= 0)
			ret = sd_bus_message_read_array(m, 'y', &a, &alen);
		if (ret >= 0 && ((fam == AF_INET6 && alen == 16) ||
				 (fam == AF_INET && alen == 4)) &&
		    inet_ntop(fam, a, s, sizeof(s)))
			add(dns, dnssize, "", s);
		if (ret >= 0)
			ret = sd_bus_message_exit_container(m);
	}
	m = sd_bus_message_unref(m);

	if (ret >= 0)
		ret = sd_bus_get_property(r->bus, DEST, p, LINK, "Domains", &e,
					  &m, "a(sb)");
	if (ret >= 0)
		ret = sd_bus_message_enter_container(m, 'a', "(sb)");
	while (ret >= 0) {
		const char *d;
		int route;

		ret = sd_bus_message_read(m, "(sb)", &d, &route);
		if (ret <= 0)
			break;
		add(domains, domsize, route ? "~" : "", d);
	}
	m = sd_bus_message_unref(m);

	if (ret >= 0)
		ret = sd_bus_get_property_trivial(r->bus, DEST, p, LINK,
						  "DefaultRoute", &e, 'b', &dr);
	if (ret < 0)
		report(ret, &e, "link properties", err, errlen);
	*default_route = dr;
	sd_bus_error_free(&e);
	free(p);
	return ret < 0 ? ret : 0;
}

int azc_resolved_fd(struct azc_resolved *r)
{
	return sd_bus_get_fd(r->bus);
}

short azc_resolved_events(struct azc_resolved *r)
{
	int ev = sd_bus_get_events(r->bus);

	return ev < 0 ? POLLIN : (short)ev;
}

int azc_resolved_timeout_ms(struct azc_resolved *r)
{
	uint64_t usec;
	struct timespec ts;
	uint64_t now;

	if (sd_bus_get_timeout(r->bus, &usec) < 0 || usec == UINT64_MAX)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	return usec <= now ? 0 : (int)((usec - now + 999) / 1000);
}

bool azc_resolved_process(struct azc_resolved *r)
{
	bool was;

	while (sd_bus_process(r->bus, NULL) > 0)
		;
	was = r->appeared;
	r->appeared = false;
	return was;
}
