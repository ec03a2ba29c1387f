// SPDX-License-Identifier: GPL-2.0-only
/* A peer endpoint's public key from the name service (see peerkey.h). */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "base/util.h"
#include "noise/keyrec.h"
#include "peerkey.h"

/* The reverse name of @peer (x.x...x.ip6.arpa.), or NULL */
static ldns_rdf *peer_name(const struct in6_addr *peer)
{
	ldns_rdf *a = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_AAAA, sizeof(*peer),
					    peer);
	ldns_rdf *r = a ? ldns_rdf_address_reverse(a) : NULL;

	ldns_rdf_deep_free(a);
	return r;
}

int azc_peerkey_query(const struct in6_addr *peer, uint16_t id,
		      uint8_t **wire, size_t *len)
{
	ldns_rdf *name = peer_name(peer);
	ldns_pkt *q;
	int ret;

	if (!name)
		return -ENOMEM;
	/* the name service is authoritative: no recursion wanted */
	q = ldns_pkt_query_new(name, LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_IN, 0);
	if (!q) {
		ldns_rdf_deep_free(name);
		return -ENOMEM;
	}
	ldns_pkt_set_id(q, id);
	ret = ldns_pkt2wire(wire, q, len) == LDNS_STATUS_OK ? 0 : -ENOMEM;
	ldns_pkt_free(q);
	return ret;
}

/* A TXT record that claims to be a key: its first string starts "v=azc" */
static bool claims_key(const ldns_rr *rr)
{
	const ldns_rdf *d = ldns_rr_rd_count(rr) ? ldns_rr_rdf(rr, 0) : NULL;
	const uint8_t *p = d ? ldns_rdf_data(d) : NULL;

	return p && ldns_rdf_size(d) >= 6 && p[0] >= 5 &&
	       !memcmp(p + 1, "v=azc", 5);
}

/* The key of a TXT record: 0, or -EBADMSG */
static int rr_key(const ldns_rr *rr, uint8_t key[32])
{
	const ldns_rdf *d;
	const uint8_t *p;

	if (ldns_rr_rd_count(rr) != 1)
		return -EBADMSG;
	d = ldns_rr_rdf(rr, 0);
	p = ldns_rdf_data(d);
	if (ldns_rdf_get_type(d) != LDNS_RDF_TYPE_STR || !ldns_rdf_size(d) ||
	    ldns_rdf_size(d) != (size_t)p[0] + 1)
		return -EBADMSG;
	return azc_keyrec_parse((const char *)p + 1, p[0], key) ? -EBADMSG : 0;
}

int azc_peerkey_answer(const uint8_t *msg, size_t len, uint16_t id,
		       const struct in6_addr *peer, uint8_t key[32],
		       bool *truncated, char *err, size_t errlen)
{
	char a[INET6_ADDRSTRLEN];
	ldns_rdf *name = NULL;
	ldns_pkt *p = NULL;
	const ldns_rr *qrr;
	const ldns_rr_list *an;
	uint8_t k[32], found[32];
	unsigned int n = 0, rc;
	size_t i;
	int ret;

	*truncated = false;
	inet_ntop(AF_INET6, peer, a, sizeof(a));
	if (ldns_wire2pkt(&p, msg, len) != LDNS_STATUS_OK) {
		snprintf(err, errlen, "the name service's answer does not parse");
		return -EPROTO;
	}
	name = peer_name(peer);
	qrr = ldns_pkt_qdcount(p) == 1 ?
	      ldns_rr_list_rr(ldns_pkt_question(p), 0) : NULL;
	if (!name || !ldns_pkt_qr(p) || ldns_pkt_id(p) != id ||
	    ldns_pkt_get_opcode(p) != LDNS_PACKET_QUERY || !qrr ||
	    ldns_rr_get_type(qrr) != LDNS_RR_TYPE_TXT ||
	    ldns_rr_get_class(qrr) != LDNS_RR_CLASS_IN ||
	    ldns_dname_compare(ldns_rr_owner(qrr), name)) {
		snprintf(err, errlen, "the name service's answer is not one to the query for %s's key",
			 a);
		ret = -EPROTO;
		goto out;
	}
	rc = ldns_pkt_get_rcode(p);
	if (rc == LDNS_RCODE_NXDOMAIN) {
		snprintf(err, errlen, "no key published for %s (NXDOMAIN)", a);
		ret = -ENOENT;
		goto out;
	}
	if (rc != LDNS_RCODE_NOERROR) {
		const ldns_lookup_table *t = ldns_lookup_by_id(ldns_rcodes,
							       (int)rc);

		snprintf(err, errlen, "the name service answered %s for %s's key",
			 t ? t->name : "an error", a);
		ret = -EREMOTEIO;
		goto out;
	}
	if (ldns_pkt_tc(p) && !ldns_pkt_ancount(p)) {
		*truncated = true;
		snprintf(err, errlen, "the answer for %s's key was truncated", a);
		ret = -EPROTO;
		goto out;
	}
	an = ldns_pkt_answer(p);
	for (i = 0; i < ldns_rr_list_rr_count(an); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TXT ||
		    ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN ||
		    ldns_dname_compare(ldns_rr_owner(rr), name) ||
		    !claims_key(rr))
			continue;
		if (rr_key(rr, k)) {
			snprintf(err, errlen, "the key published for %s is not well-formed (\"%s\", the base64 of 32 bytes)",
				 a, AZC_KEYREC_PREFIX "BASE64");
			ret = -EBADMSG;
			goto out;
		}
		if (n && memcmp(k, found, sizeof(k))) {
			snprintf(err, errlen, "more than one key published for %s: none trusted",
				 a);
			ret = -ENOTUNIQ;
			goto out;
		}
		memcpy(found, k, sizeof(k));
		n++;
	}
	if (!n) {
		snprintf(err, errlen, "no key published for %s", a);
		ret = -ENOENT;
		goto out;
	}
	memcpy(key, found, sizeof(found));
	ret = 0;
out:
	ldns_rdf_deep_free(name);
	ldns_pkt_free(p);
	return ret;
}

/* The time left until @deadline, for poll(); 0 when it passed. */
static int left(int64_t deadline)
{
	int64_t t = deadline - azc_now_ms();

	return t > 0 ? (int)t : 0;
}

/* Waits for @events on @fd until @deadline: 0, or -ETIMEDOUT / -errno. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	do
		n = poll(&p, 1, left(deadline));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n ? 0 : -ETIMEDOUT;
}

/*
 * Over UDP: the query sent, and again once half the time went without an
 * answer. 0 with the answer in @buf, or -errno.
 */
static int ask_udp(const struct sockaddr_in6 *server, const uint8_t *q,
		   size_t qlen, uint16_t id, int64_t deadline, uint8_t *buf,
		   size_t size, size_t *got)
{
	int64_t resend = azc_now_ms() + left(deadline) / 2;
	bool again = false;
	ssize_t n;
	int fd, ret;

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)server, sizeof(*server)) ||
	    send(fd, q, qlen, 0) < 0) {
		ret = -errno;
		goto out;
	}
	for (;;) {
		ret = wait_fd(fd, POLLIN, again ? deadline : resend);
		if (ret == -ETIMEDOUT && !again) {
			again = true;
			if (send(fd, q, qlen, 0) < 0) {
				ret = -errno;
				goto out;
			}
			continue;
		}
		if (ret)
			goto out;
		n = recv(fd, buf, size, 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0) {
			ret = -errno;	/* ICMP: nobody there */
			goto out;
		}
		/* another id: a late answer to nothing of ours; waited on */
		if ((size_t)n >= 12 && LDNS_ID_WIRE(buf) == id) {
			*got = (size_t)n;
			ret = 0;
			goto out;
		}
	}
out:
	close(fd);
	return ret;
}

/* Reads @len bytes from @fd until @deadline: 0 or -errno. */
static int read_all(int fd, uint8_t *buf, size_t len, int64_t deadline)
{
	size_t off = 0;
	ssize_t n;
	int ret;

	while (off < len) {
		ret = wait_fd(fd, POLLIN, deadline);
		if (ret)
			return ret;
		n = recv(fd, buf + off, len - off, 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ECONNRESET;
		off += (size_t)n;
	}
	return 0;
}

/* Over TCP (RFC 7766): 0 with the answer in @buf, or -errno. */
static int ask_tcp(const struct sockaddr_in6 *server, const uint8_t *q,
		   size_t qlen, int64_t deadline, uint8_t *buf, size_t size,
		   size_t *got)
{
	uint8_t hdr[2] = { (uint8_t)(qlen >> 8), (uint8_t)qlen };
	struct iovec iov[2] = { { hdr, 2 }, { (void *)q, qlen } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	socklen_t sl = sizeof(int);
	size_t mlen;
	int fd, ret, soerr = 0;

	fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)server, sizeof(*server)) &&
	    errno != EINPROGRESS) {
		ret = -errno;
		goto out;
	}
	ret = wait_fd(fd, POLLOUT, deadline);
	if (ret)
		goto out;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) || soerr) {
		ret = soerr ? -soerr : -errno;
		goto out;
	}
	/* 2 + a query of a few dozen bytes: one segment, the buffer empty */
	if (sendmsg(fd, &mh, MSG_NOSIGNAL) != (ssize_t)(qlen + 2)) {
		ret = -EIO;
		goto out;
	}
	ret = read_all(fd, hdr, 2, deadline);
	if (ret)
		goto out;
	mlen = (size_t)hdr[0] << 8 | hdr[1];
	if (mlen > size) {
		ret = -EMSGSIZE;
		goto out;
	}
	ret = read_all(fd, buf, mlen, deadline);
	if (!ret)
		*got = mlen;
out:
	close(fd);
	return ret;
}

int azc_peerkey_lookup(const struct in6_addr *peer,
		       const struct sockaddr_in6 *server, int timeout_ms,
		       uint8_t key[32], char *err, size_t errlen)
{
	int64_t deadline = azc_now_ms() +
		(timeout_ms > 0 ? timeout_ms : AZC_PEERKEY_TIMEOUT_MS);
	char ns[INET6_ADDRSTRLEN];
	uint8_t *q = NULL, *buf;
	size_t qlen, got = 0;
	bool tc = false;
	uint16_t id;
	int ret;

	inet_ntop(AF_INET6, &server->sin6_addr, ns, sizeof(ns));
	if (getrandom(&id, sizeof(id), 0) != sizeof(id))
		id = (uint16_t)azc_now_ms();
	buf = malloc(AZC_PEERKEY_MSG_MAX);
	ret = buf ? azc_peerkey_query(peer, id, &q, &qlen) : -ENOMEM;
	if (ret) {
		snprintf(err, errlen, "%s", strerror(-ret));
		goto out;
	}
	ret = ask_udp(server, q, qlen, id, deadline, buf, AZC_PEERKEY_MSG_MAX,
		      &got);
	if (ret)
		goto net;
	ret = azc_peerkey_answer(buf, got, id, peer, key, &tc, err, errlen);
	if (!ret || !tc)
		goto out;
	ret = ask_tcp(server, q, qlen, deadline, buf, AZC_PEERKEY_MSG_MAX,
		      &got);
	if (ret)
		goto net;
	ret = azc_peerkey_answer(buf, got, id, peer, key, &tc, err, errlen);
	goto out;
net:
	snprintf(err, errlen, "the name service at [%s]:%u%s: %s", ns,
		 ntohs(server->sin6_port), tc ? " over TCP" : "",
		 ret == -ETIMEDOUT ? "no answer in time" : strerror(-ret));
out:
	free(q);
	free(buf);
	return ret;
}
