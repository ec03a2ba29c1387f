// SPDX-License-Identifier: GPL-2.0-only
/* The endpoint's names in the relay's name service (see register.h). */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "base/util.h"
#include "noise/keyrec.h"
#include "register.h"

#define REG_ADDR_POLL_MS	250
#define REG_FIRST_WAIT_MS	1000

void azc_reg_init(struct azc_reg *g)
{
	memset(g, 0, sizeof(*g));
	g->fd = -1;
}

void azc_reg_stop(struct azc_reg *g)
{
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
	if (g->state != AZC_REG_DONE && g->state != AZC_REG_FAILED)
		g->state = AZC_REG_OFF;
}

void azc_reg_start(struct azc_reg *g, const char *name, const char *zone,
		   uint32_t ifindex, const uint8_t *local_iid,
		   const uint8_t *relay_iid, const uint8_t *key)
{
	azc_reg_stop(g);
	azc_reg_init(g);
	g->note = g->msg;
	if (key) {
		g->has_key = true;
		memcpy(g->key, key, sizeof(g->key));
		snprintf(g->key_msg, sizeof(g->key_msg),
			 "waiting for the names' registration");
	}
	if (!azc_dns_label_ok(name, strlen(name))) {
		snprintf(g->msg, sizeof(g->msg),
			 "the name is no DNS label (letters, digits, hyphens; 1 to 63): not registered");
		if (key)
			snprintf(g->key_msg, sizeof(g->key_msg),
				 "not published (the name is not registered)");
		return;
	}
	snprintf(g->name, sizeof(g->name), "%s", name);
	snprintf(g->zone, sizeof(g->zone), "%s", zone ? zone : AZC_REG_ZONE);
	g->ifindex = ifindex;
	memcpy(g->local_iid, local_iid, 8);
	memcpy(g->relay_iid, relay_iid, 8);
	g->state = AZC_REG_WAIT_ADDR;
	g->start = g->next = azc_now_ms();
	snprintf(g->msg, sizeof(g->msg), "waiting for the overlay address");
}

int azc_reg_fd(const struct azc_reg *g)
{
	return g->fd;
}

int64_t azc_reg_deadline(const struct azc_reg *g)
{
	switch (g->state) {
	case AZC_REG_WAIT_ADDR:
	case AZC_REG_AAAA:
	case AZC_REG_PTR:
	case AZC_REG_KEY:
		return g->next;
	default:
		return -1;
	}
}

/* The device's global address with our interface identifier, if any. */
static bool reg_find_addr(struct azc_reg *g)
{
	char ifname[IF_NAMESIZE];
	struct ifaddrs *ifa, *i;
	const struct sockaddr_in6 *s;
	bool found = false;

	if (!if_indextoname(g->ifindex, ifname) || getifaddrs(&ifa))
		return false;
	for (i = ifa; i && !found; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET6 ||
		    strcmp(i->ifa_name, ifname))
			continue;
		s = (const struct sockaddr_in6 *)i->ifa_addr;
		if (IN6_IS_ADDR_LINKLOCAL(&s->sin6_addr) ||
		    memcmp(&s->sin6_addr.s6_addr[8], g->local_iid, 8))
			continue;
		g->addr = s->sin6_addr;
		azc_prefix_addr(&g->addr, g->relay_iid, &g->ns);
		found = true;
	}
	freeifaddrs(ifa);
	return found;
}

/* A UDP socket from our overlay address to the name service. */
static int reg_socket(struct azc_reg *g)
{
	struct sockaddr_in6 from = { .sin6_family = AF_INET6,
				     .sin6_addr = g->addr };
	struct sockaddr_in6 to = { .sin6_family = AF_INET6,
				   .sin6_port = htons(AZC_DNS_PORT), .sin6_addr = g->ns };
	int fd;

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&from, sizeof(from)) ||
	    connect(fd, (struct sockaddr *)&to, sizeof(to))) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/*
 * An UPDATE of @zone that replaces the @type RRset of @owner with the one
 * record @rdata (presentation format): "delete the RRset, add the record"
 * in one message, applied whole by the server. Its wire form in @wire.
 */
static int reg_build(struct azc_reg *g, ldns_rdf *zone, const char *owner,
		     ldns_rr_type type, const char *rdata, uint8_t **wire,
		     size_t *len)
{
	char text[700];
	ldns_rr_list *up = ldns_rr_list_new();
	ldns_rr *del = ldns_rr_new(), *add = NULL;
	ldns_rdf *o = ldns_dname_new_frm_str(owner);
	ldns_pkt *p = NULL;
	int ret = -ENOMEM;

	snprintf(text, sizeof(text), "%s %u IN %s %s", owner, AZC_REG_TTL,
		 type == LDNS_RR_TYPE_AAAA ? "AAAA" :
		 type == LDNS_RR_TYPE_PTR ? "PTR" : "TXT", rdata);
	if (!up || !del || !o ||
	    ldns_rr_new_frm_str(&add, text, 0, NULL, NULL) != LDNS_STATUS_OK)
		goto out;
	ldns_rr_set_owner(del, o);
	o = NULL;
	ldns_rr_set_type(del, type);
	ldns_rr_set_class(del, LDNS_RR_CLASS_ANY);
	ldns_rr_set_ttl(del, 0);
	if (!ldns_rr_list_push_rr(up, del))
		goto out;
	del = NULL;
	if (!ldns_rr_list_push_rr(up, add))
		goto out;
	add = NULL;
	p = ldns_update_pkt_new(ldns_rdf_clone(zone), LDNS_RR_CLASS_IN, NULL,
				up, NULL);
	if (!p)
		goto out;
	ldns_pkt_set_rd(p, false);
	ldns_pkt_set_id(p, g->id);
	ret = ldns_pkt2wire(wire, p, len) == LDNS_STATUS_OK ? 0 : -ENOMEM;
out:
	ldns_pkt_free(p);
	ldns_rr_list_deep_free(up);
	ldns_rr_free(del);
	ldns_rr_free(add);
	ldns_rdf_deep_free(o);
	return ret;
}

/* Sends the update of the current state; 0 or -errno. */
static int reg_send(struct azc_reg *g)
{
	char a[INET6_ADDRSTRLEN], owner[300], target[330];
	ldns_rdf *arpa = NULL, *zone = NULL, *ardf;
	uint8_t *wire = NULL;
	char *str = NULL;
	size_t len = 0;
	ssize_t n;
	int ret;

	inet_ntop(AF_INET6, &g->addr, a, sizeof(a));
	snprintf(target, sizeof(target), "%s.%s.", g->name, g->zone);
	if (g->state == AZC_REG_AAAA) {
		zone = ldns_dname_new_frm_str(g->zone);
		ret = zone ? reg_build(g, zone, target, LDNS_RR_TYPE_AAAA, a,
				       &wire, &len) : -ENOMEM;
	} else {
		/* x.x...x.ip6.arpa.: its last 16 nibbles and ip6.arpa, the zone */
		ardf = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_AAAA, 16, &g->addr);
		arpa = ardf ? ldns_rdf_address_reverse(ardf) : NULL;
		ldns_rdf_deep_free(ardf);
		zone = arpa ? ldns_dname_clone_from(arpa, 16) : NULL;
		str = arpa ? ldns_rdf2str(arpa) : NULL;
		if (zone && str && g->state == AZC_REG_KEY) {
			char txt[AZC_KEYREC_TXT_LEN], q[AZC_KEYREC_TXT_LEN + 2];

			snprintf(owner, sizeof(owner), "%s", str);
			azc_keyrec_format(g->key, txt);
			snprintf(q, sizeof(q), "\"%s\"", txt);
			ret = reg_build(g, zone, owner, LDNS_RR_TYPE_TXT, q,
					&wire, &len);
		} else if (zone && str) {
			snprintf(owner, sizeof(owner), "%s", str);
			ret = reg_build(g, zone, owner, LDNS_RR_TYPE_PTR,
					target, &wire, &len);
		} else {
			ret = -ENOMEM;
		}
		free(str);
	}
	ldns_rdf_deep_free(arpa);
	ldns_rdf_deep_free(zone);
	if (ret)
		return ret;
	n = send(g->fd, wire, len, MSG_DONTWAIT);
	free(wire);
	return n < 0 ? -errno : 0;
}

/* The next update out, with a new id; or the wait for an answer again. */
static void reg_out(struct azc_reg *g, int64_t now, bool again)
{
	int ret;

	if (!again) {
		g->tries = 0;
		if (getrandom(&g->id, sizeof(g->id), 0) != sizeof(g->id))
			g->id = (uint16_t)now;
	}
	g->tries++;
	ret = reg_send(g);
	/* A lost message and a failed send are both retried. */
	g->next = now + ((int64_t)REG_FIRST_WAIT_MS << (g->tries - 1));
	if (ret && g->tries == 1 && g->state == AZC_REG_KEY)
		snprintf(g->key_msg, sizeof(g->key_msg),
			 "sending the update: %s", strerror(-ret));
	else if (ret && g->tries == 1)
		snprintf(g->msg, sizeof(g->msg), "sending the update: %s",
			 strerror(-ret));
}

/* Given up: @g->msg says why. */
static void reg_fail(struct azc_reg *g)
{
	g->state = AZC_REG_FAILED;
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
}

/* The overlay address is there: the AAAA update goes out. */
static bool reg_addr(struct azc_reg *g, int64_t now)
{
	int fd;

	if (!reg_find_addr(g)) {
		if (now - g->start >= AZC_REG_ADDR_WAIT_MS) {
			snprintf(g->msg, sizeof(g->msg),
				 "no overlay address on the device after 30 s: not registered");
			if (g->has_key)
				snprintf(g->key_msg, sizeof(g->key_msg),
					 "not published (no overlay address)");
			reg_fail(g);
			return true;
		}
		g->next = now + REG_ADDR_POLL_MS;
		return false;
	}
	fd = reg_socket(g);
	if (fd < 0) {
		/* Tentative still (duplicate address detection): soon. */
		g->next = now + REG_ADDR_POLL_MS;
		return false;
	}
	g->fd = fd;
	g->state = AZC_REG_AAAA;
	reg_out(g, now, false);
	return false;
}

/* The answer to the key's update: published or refused; done either way. */
static bool reg_key_answer(struct azc_reg *g, ldns_pkt_rcode rc)
{
	const ldns_lookup_table *t = ldns_lookup_by_id(ldns_rcodes, rc);
	char fp[AZC_KEYREC_FP_LEN];

	azc_keyrec_fingerprint(g->key, fp);
	if (rc == LDNS_RCODE_NOERROR) {
		g->key_refused = false;
		snprintf(g->key_msg, sizeof(g->key_msg),
			 "published public key %s (TXT at the reverse name)",
			 fp);
	} else {
		g->key_refused = true;
		snprintf(g->key_msg, sizeof(g->key_msg),
			 "the name service refused public key %s: %s (the relay holds another key for this endpoint, or refused the record: its log says why)",
			 fp, t ? t->name : "unknown error");
	}
	g->note = g->key_msg;
	g->state = AZC_REG_DONE;
	close(g->fd);
	g->fd = -1;
	return true;
}

/* An answer on the socket: 1 when it was ours and moved us on. */
static bool reg_answer(struct azc_reg *g, int64_t now)
{
	uint8_t buf[1232];
	char a[INET6_ADDRSTRLEN];
	ldns_pkt *p = NULL;
	ldns_pkt_rcode rc;
	const ldns_lookup_table *t;
	ssize_t n;

	n = recv(g->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n <= 0 || ldns_wire2pkt(&p, buf, (size_t)n) != LDNS_STATUS_OK)
		return false;	/* errors and noise: the timer resends */
	if (ldns_pkt_id(p) != g->id || !ldns_pkt_qr(p) ||
	    ldns_pkt_get_opcode(p) != LDNS_PACKET_UPDATE) {
		ldns_pkt_free(p);
		return false;
	}
	rc = ldns_pkt_get_rcode(p);
	ldns_pkt_free(p);
	inet_ntop(AF_INET6, &g->addr, a, sizeof(a));
	if (g->state == AZC_REG_KEY)
		return reg_key_answer(g, rc);
	if (rc != LDNS_RCODE_NOERROR) {
		t = ldns_lookup_by_id(ldns_rcodes, rc);
		snprintf(g->msg, sizeof(g->msg),
			 "the name service refused %s.%s %s: %s", g->name,
			 g->zone, g->state == AZC_REG_AAAA ? "AAAA" : "PTR",
			 t ? t->name : "unknown error");
		if (g->has_key)
			snprintf(g->key_msg, sizeof(g->key_msg),
				 "not published (the names were refused)");
		reg_fail(g);
		return true;
	}
	if (g->state == AZC_REG_AAAA) {
		g->state = AZC_REG_PTR;
		reg_out(g, now, false);
		return false;
	}
	snprintf(g->msg, sizeof(g->msg), "registered %s.%s AAAA %s (and PTR)",
		 g->name, g->zone, a);
	g->note = g->msg;
	if (g->has_key) {
		g->state = AZC_REG_KEY;
		snprintf(g->key_msg, sizeof(g->key_msg), "being published");
		reg_out(g, now, false);
		return true;
	}
	g->state = AZC_REG_DONE;
	close(g->fd);
	g->fd = -1;
	return true;
}

bool azc_reg_step(struct azc_reg *g, int64_t now)
{
	char ns[INET6_ADDRSTRLEN];

	switch (g->state) {
	case AZC_REG_WAIT_ADDR:
		return now >= g->next ? reg_addr(g, now) : false;
	case AZC_REG_AAAA:
	case AZC_REG_PTR:
	case AZC_REG_KEY:
		if (reg_answer(g, now))
			return true;
		if (g->state == AZC_REG_DONE || now < g->next)
			return false;
		if (g->tries >= AZC_REG_TRIES && g->state == AZC_REG_KEY) {
			snprintf(g->key_msg, sizeof(g->key_msg),
				 "no answer from the name service: not published");
			g->note = g->key_msg;
			g->state = AZC_REG_DONE;
			close(g->fd);
			g->fd = -1;
			return true;
		}
		if (g->tries >= AZC_REG_TRIES) {
			if (g->has_key)
				snprintf(g->key_msg, sizeof(g->key_msg),
					 "not published (no answer from the name service)");
			inet_ntop(AF_INET6, &g->ns, ns, sizeof(ns));
			snprintf(g->msg, sizeof(g->msg),
				 "no answer from the name service at %s: not registered",
				 ns);
			reg_fail(g);
			return true;
		}
		reg_out(g, now, true);
		return false;
	default:
		return false;
	}
}
