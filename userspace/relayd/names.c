// SPDX-License-Identifier: GPL-2.0-only
/* The relay's authoritative name service and DNS UPDATE (see names.h). */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

#include <ldns/ldns.h>

#include "base/util.h"
#include "noise/keyrec.h"
#include "names.h"

#define RCODE_BADVERS		16	/* extended, in the OPT (RFC 6891) */
#define UDP_PLAIN_MAX		512	/* UDP answers without EDNS */
#define SOA_REFRESH		3600
#define SOA_RETRY		600
#define SOA_EXPIRE		86400
#define SOA_MINIMUM		AZC_NAMES_TTL
/*
 * Prerequisites and updates in one UPDATE: an endpoint owns at most
 * AZC_NAMES_MAX_PER_EP records, so more is no real client's, and each of
 * them costs a walk of the store.
 */
#define UPDATE_MAX_RRS		(4 * AZC_NAMES_MAX_PER_EP)

#define NO_EXPIRY		INT64_MAX	/* while the endpoint is up */

enum { FIXED_NS_FWD, FIXED_NS_REV, FIXED_NS_AAAA, N_FIXED };

/* A record added by an endpoint with UPDATE. */
struct azc_rec {
	ldns_rr *rr;		/* class IN, owner and data lower-cased */
	char *ep;		/* the endpoint that added it */
	int64_t expiry;		/* when it goes, or NO_EXPIRY */
	bool doomed;		/* deleted by the UPDATE being applied */
};

struct azc_names {
	ldns_rdf *fwd;		/* the forward zone's apex, lower case */
	ldns_rdf *rev;		/* the reverse zone's apex */
	ldns_rdf *mname;	/* NS_LABEL.fwd: the NS and the SOA MNAME */
	ldns_rdf *rname;	/* hostmaster.fwd */
	ldns_rr *fixed[N_FIXED];	/* not the endpoints', never updated */
	uint32_t serial;
	int64_t grace_ms;
	int64_t now;		/* of the message being handled */
	struct azc_rec *recs;
	size_t n_recs;
	size_t cap;
	azc_names_hook *hook;	/* told of every change of an RRset */
	void *hook_ctx;
};

/* The log line being written: always terminated, cut at its size. */
struct logbuf {
	char *buf;
	size_t size;
	size_t len;
};

/* One UPDATE being checked and applied. */
struct upd {
	struct azc_names *z;
	const struct azc_names_sender *from;
	const ldns_rdf *zone;	/* z->fwd or z->rev */
	struct logbuf *lb;
	ldns_rdf **names;	/* the sender's names in the forward zone */
	size_t n_names;
	ldns_rdf *addr;		/* its address, as AAAA data */
	ldns_rdf *rev_name;	/* and its reverse name */
};

static const char *const rcode_names[] = {
	[LDNS_RCODE_NOERROR] = "NOERROR",
	[LDNS_RCODE_FORMERR] = "FORMERR",
	[LDNS_RCODE_SERVFAIL] = "SERVFAIL",
	[LDNS_RCODE_NXDOMAIN] = "NXDOMAIN",
	[LDNS_RCODE_NOTIMPL] = "NOTIMP",
	[LDNS_RCODE_REFUSED] = "REFUSED",
	[LDNS_RCODE_YXDOMAIN] = "YXDOMAIN",
	[LDNS_RCODE_YXRRSET] = "YXRRSET",
	[LDNS_RCODE_NXRRSET] = "NXRRSET",
	[LDNS_RCODE_NOTAUTH] = "NOTAUTH",
	[LDNS_RCODE_NOTZONE] = "NOTZONE",
	[RCODE_BADVERS] = "BADVERS",
};

static const char *rcode_name(unsigned int rcode)
{
	if (rcode < AZC_ARRAY_SIZE(rcode_names) && rcode_names[rcode])
		return rcode_names[rcode];
	return "?";
}

/* ---- the log line ---- */

static void lb_put(struct logbuf *lb, const char *s, size_t n)
{
	if (!lb->size)
		return;
	if (n > lb->size - 1 - lb->len)
		n = lb->size - 1 - lb->len;
	memcpy(lb->buf + lb->len, s, n);
	lb->len += n;
	lb->buf[lb->len] = '\0';
}

static void lb_str(struct logbuf *lb, const char *s)
{
	lb_put(lb, s, strlen(s));
}

/*
 * A name from the configuration, escaped all the same (azc_escape()):
 * whatever it holds, the log line stays one line that reads back exactly.
 */
static void lb_esc(struct logbuf *lb, const char *s)
{
	char safe[4 * LDNS_MAX_LABELLEN + 1];

	azc_escape(s, strlen(s), safe, sizeof(safe));
	lb_str(lb, safe);
}

/*
 * Names and data from messages, as ldns writes them: escaped (\DDD), but
 * not entirely (tabs in strings, and with a locale what isprint() likes),
 * so the rest is escaped here, the backslashes of ldns's escapes aside.
 */
static void lb_rdf(struct logbuf *lb, const ldns_rdf *rdf)
{
	char *s = rdf ? ldns_rdf2str(rdf) : NULL;
	char *safe = s ? malloc(4 * strlen(s) + 1) : NULL;

	if (safe) {
		azc_escape_line(s, safe, 4 * strlen(s) + 1);
		lb_str(lb, safe);
	} else {
		lb_str(lb, "?");
	}
	free(safe);
	free(s);
}

static void lb_rr(struct logbuf *lb, const ldns_rr *rr, bool data)
{
	char *type = ldns_rr_type2str(ldns_rr_get_type(rr));
	size_t i;

	lb_rdf(lb, ldns_rr_owner(rr));
	lb_str(lb, " ");
	lb_str(lb, type ? type : "?");
	free(type);
	for (i = 0; data && i < ldns_rr_rd_count(rr); i++) {
		lb_str(lb, " ");
		lb_rdf(lb, ldns_rr_rdf(rr, i));
	}
}

/*
 * Appends @fmt to the log line with these conversions: %s a string, %u an
 * unsigned int, %E an endpoint name (escaped), %A a struct in6_addr *,
 * %N an ldns_rdf * (a name or data), %T an ldns_rr *'s owner and type,
 * %R the same and its data.
 */
static void note_v(struct logbuf *lb, const char *fmt, va_list ap)
{
	char buf[INET6_ADDRSTRLEN];
	const char *p;

	for (p = fmt; *p; p++) {
		if (*p != '%' || !p[1]) {
			lb_put(lb, p, 1);
			continue;
		}
		switch (*++p) {
		case 's':
			lb_str(lb, va_arg(ap, const char *));
			break;
		case 'u':
			snprintf(buf, sizeof(buf), "%u",
				 va_arg(ap, unsigned int));
			lb_str(lb, buf);
			break;
		case 'E':
			lb_esc(lb, va_arg(ap, const char *));
			break;
		case 'A':
			if (!inet_ntop(AF_INET6,
				       va_arg(ap, const struct in6_addr *),
				       buf, sizeof(buf)))
				snprintf(buf, sizeof(buf), "?");
			lb_str(lb, buf);
			break;
		case 'N':
			lb_rdf(lb, va_arg(ap, const ldns_rdf *));
			break;
		case 'T':
			lb_rr(lb, va_arg(ap, const ldns_rr *), false);
			break;
		case 'R':
			lb_rr(lb, va_arg(ap, const ldns_rr *), true);
			break;
		default:
			lb_put(lb, p, 1);
		}
	}
}

static void note(struct logbuf *lb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	note_v(lb, fmt, ap);
	va_end(ap);
}

/* Says why an UPDATE is refused; returns @rcode, the answer's. */
static int refuse(struct logbuf *lb, int rcode, const char *fmt, ...)
{
	va_list ap;

	lb_str(lb, "refused: ");
	va_start(ap, fmt);
	note_v(lb, fmt, ap);
	va_end(ap);
	if (rcode != LDNS_RCODE_REFUSED)
		note(lb, " (%s)", rcode_name(rcode));
	return rcode;
}

/* "UPDATE from ADDR (endpoint 'NAME') for ZONE: " */
static void log_head(struct logbuf *lb, const struct azc_names_sender *from,
		     const ldns_rdf *zone)
{
	char *s;
	size_t n;

	if (from)
		note(lb, "UPDATE from %A ", &from->addr);
	else
		lb_str(lb, "UPDATE from ? ");
	if (from && from->endpoint)
		note(lb, "(endpoint '%E')", from->endpoint);
	else
		lb_str(lb, "(not an endpoint)");
	s = zone ? ldns_rdf2str(zone) : NULL;
	if (s) {
		/* as the configuration spells zones: no final dot */
		n = strlen(s);
		if (n > 1 && s[n - 1] == '.')
			s[n - 1] = '\0';
		note(lb, " for %s", s);
		free(s);
	}
	lb_str(lb, ": ");
}

/* ---- names and records ---- */

/*
 * @name is strictly below @parent. Not ldns_dname_is_subdomain(): it says
 * yes for the same name in another case, and allocates twice per label,
 * which adds up when every record is looked at.
 */
static bool below(const ldns_rdf *name, const ldns_rdf *parent)
{
	uint8_t n = ldns_dname_label_count(name);
	uint8_t p = ldns_dname_label_count(parent);
	ldns_rdf *tail;
	bool ret;

	if (n <= p)
		return false;
	tail = ldns_dname_clone_from(name, n - p);
	ret = tail && !ldns_dname_compare(tail, parent);
	ldns_rdf_deep_free(tail);
	return ret;
}

/* @name is @apex or below it. */
static bool in_zone(const ldns_rdf *name, const ldns_rdf *apex)
{
	return !ldns_dname_compare(name, apex) || below(name, apex);
}

/* The apex of the zone @name is in, or NULL: not ours. */
static const ldns_rdf *zone_of(const struct azc_names *z,
			       const ldns_rdf *name)
{
	if (in_zone(name, z->fwd))
		return z->fwd;
	if (in_zone(name, z->rev))
		return z->rev;
	return NULL;
}

/*
 * LABEL.@parent, or NULL when LABEL is not a host name's label (letters,
 * digits, hyphens), which therefore never names anything here, or when the
 * result would be too long.
 */
static ldns_rdf *label_under(const char *label, const ldns_rdf *parent)
{
	size_t n = strlen(label), i;
	ldns_rdf *d;

	if (!n || n > LDNS_MAX_LABELLEN)
		return NULL;
	for (i = 0; i < n; i++) {
		char c = label[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-'))
			return NULL;
	}
	/* ldns_dname_cat() does not check the 255 bytes of a name */
	if (n + 1 + ldns_rdf_size(parent) > LDNS_MAX_DOMAINLEN)
		return NULL;
	d = ldns_dname_new_frm_str(label);
	if (d && ldns_dname_cat(d, parent) != LDNS_STATUS_OK) {
		ldns_rdf_deep_free(d);
		return NULL;
	}
	if (d)
		ldns_dname2canonical(d);
	return d;
}

/* Data types only: not OPT and not the query and meta types 128-255. */
static bool data_type(ldns_rr_type type)
{
	return type && type != LDNS_RR_TYPE_OPT && (type < 128 || type > 255);
}

/*
 * A new record of @owner, class IN, with the data in @rdata (@n fields,
 * taken over, NULL ones standing for a failed allocation), or NULL.
 */
static ldns_rr *rr_build(const ldns_rdf *owner, ldns_rr_type type,
			 uint32_t ttl, ldns_rdf *const *rdata, size_t n)
{
	ldns_rr *rr = ldns_rr_new();
	ldns_rdf *o = ldns_rdf_clone(owner);
	bool ok = rr && o;
	size_t i;

	if (ok) {
		ldns_rr_set_owner(rr, o);
		ldns_rr_set_type(rr, type);
		ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
		ldns_rr_set_ttl(rr, ttl);
	} else {
		ldns_rdf_deep_free(o);
	}
	for (i = 0; i < n; i++) {
		if (ok && rdata[i] && ldns_rr_push_rdf(rr, rdata[i]))
			continue;
		ok = false;
		ldns_rdf_deep_free(rdata[i]);
	}
	if (!ok) {
		ldns_rr_free(rr);
		return NULL;
	}
	return rr;
}

static ldns_rr *soa_new(const struct azc_names *z, const ldns_rdf *apex)
{
	ldns_rdf *rdata[] = {
		ldns_rdf_clone(z->mname),
		ldns_rdf_clone(z->rname),
		ldns_native2rdf_int32(LDNS_RDF_TYPE_INT32, z->serial),
		ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD, SOA_REFRESH),
		ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD, SOA_RETRY),
		ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD, SOA_EXPIRE),
		ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD, SOA_MINIMUM),
	};

	return rr_build(apex, LDNS_RR_TYPE_SOA, AZC_NAMES_TTL, rdata,
			AZC_ARRAY_SIZE(rdata));
}

/* Same data: names in it compared without regard to case. */
static bool rdata_equal(const ldns_rr *a, const ldns_rr *b)
{
	size_t i;

	if (ldns_rr_rd_count(a) != ldns_rr_rd_count(b))
		return false;
	for (i = 0; i < ldns_rr_rd_count(a); i++) {
		const ldns_rdf *x = ldns_rr_rdf(a, i), *y = ldns_rr_rdf(b, i);

		if (ldns_rdf_get_type(x) == LDNS_RDF_TYPE_DNAME &&
		    ldns_rdf_get_type(y) == LDNS_RDF_TYPE_DNAME) {
			if (ldns_dname_compare(x, y))
				return false;
		} else if (ldns_rdf_compare(x, y)) {
			return false;
		}
	}
	return true;
}

/* @rr is at @name and of @type (ANY: of any type). */
static bool rr_at(const ldns_rr *rr, const ldns_rdf *name, ldns_rr_type type)
{
	return (type == LDNS_RR_TYPE_ANY || ldns_rr_get_type(rr) == type) &&
	       !ldns_dname_compare(ldns_rr_owner(rr), name);
}

/* The same record (the class and the TTL aside). */
static bool rr_equal(const ldns_rr *a, const ldns_rr *b)
{
	return rr_at(a, ldns_rr_owner(b), ldns_rr_get_type(b)) &&
	       rdata_equal(a, b);
}

/*
 * @r is served: its grace has not run out, even if azc_names_expire() has
 * not removed it yet (that is where its caller learns of it).
 */
static bool live(const struct azc_names *z, const struct azc_rec *r)
{
	return r->expiry > z->now;
}

/* Appends @rr (taken over; NULL: a failed allocation) to @l. */
static int list_take(ldns_rr_list *l, ldns_rr *rr)
{
	if (rr && ldns_rr_list_push_rr(l, rr))
		return 0;
	ldns_rr_free(rr);
	return -ENOMEM;
}

/*
 * The records at @name of @type (ANY: all): their number in @n, and
 * copies appended to @out unless it is NULL. The SOA and NS records and
 * the name server's address count, as in any zone.
 */
static int lookup(const struct azc_names *z, const ldns_rdf *name,
		  ldns_rr_type type, ldns_rr_list *out, size_t *n)
{
	const ldns_rdf *apex[] = { z->fwd, z->rev };
	size_t i;

	*n = 0;
	for (i = 0; i < 2; i++) {
		if ((type != LDNS_RR_TYPE_SOA && type != LDNS_RR_TYPE_ANY) ||
		    ldns_dname_compare(name, apex[i]))
			continue;
		(*n)++;
		if (out && list_take(out, soa_new(z, apex[i])))
			return -ENOMEM;
	}
	for (i = 0; i < N_FIXED; i++) {
		if (!rr_at(z->fixed[i], name, type))
			continue;
		(*n)++;
		if (out && list_take(out, ldns_rr_clone(z->fixed[i])))
			return -ENOMEM;
	}
	for (i = 0; i < z->n_recs; i++) {
		if (!live(z, &z->recs[i]) || !rr_at(z->recs[i].rr, name, type))
			continue;
		(*n)++;
		if (out && list_take(out, ldns_rr_clone(z->recs[i].rr)))
			return -ENOMEM;
	}
	return 0;
}

/*
 * @name exists: it has records, or names below it do (an empty
 * non-terminal, RFC 8020). The apexes have records.
 */
static bool name_exists(const struct azc_names *z, const ldns_rdf *name)
{
	size_t i, n;

	lookup(z, name, LDNS_RR_TYPE_ANY, NULL, &n);
	if (n)
		return true;
	for (i = 0; i < N_FIXED; i++)
		if (below(ldns_rr_owner(z->fixed[i]), name))
			return true;
	for (i = 0; i < z->n_recs; i++)
		if (live(z, &z->recs[i]) &&
		    below(ldns_rr_owner(z->recs[i].rr), name))
			return true;
	return false;
}

static void rec_free(struct azc_rec *r)
{
	ldns_rr_free(r->rr);
	free(r->ep);
}

/* ---- messages ---- */

/*
 * ldns_wire2pkt() with the checks it lacks: at most one OPT (RFC 6891
 * 6.1.1) and one TSIG (RFC 8945 5.1; ldns would also leak all but the
 * last). The records are read once with ldns_wire2rr() to count them.
 */
int azc_dns_parse(const uint8_t *msg, size_t len, ldns_pkt **pkt)
{
	size_t counts[] = { LDNS_QDCOUNT(msg), LDNS_ANCOUNT(msg),
			    LDNS_NSCOUNT(msg), LDNS_ARCOUNT(msg) };
	ldns_pkt_section sections[] = { LDNS_SECTION_QUESTION,
		LDNS_SECTION_ANSWER, LDNS_SECTION_AUTHORITY,
		LDNS_SECTION_ADDITIONAL };
	unsigned int n_opt = 0, n_tsig = 0;
	size_t pos = LDNS_HEADER_SIZE, s, i;
	ldns_status st;
	ldns_rr *rr;

	for (s = 0; s < AZC_ARRAY_SIZE(sections); s++) {
		for (i = 0; i < counts[s]; i++) {
			st = ldns_wire2rr(&rr, msg, len, &pos, sections[s]);
			if (st == LDNS_STATUS_MEM_ERR)
				return -ENOMEM;
			if (st != LDNS_STATUS_OK)
				return -EINVAL;
			if (sections[s] == LDNS_SECTION_ADDITIONAL) {
				n_opt += ldns_rr_get_type(rr) ==
					 LDNS_RR_TYPE_OPT;
				n_tsig += ldns_rr_get_type(rr) ==
					  LDNS_RR_TYPE_TSIG;
			}
			ldns_rr_free(rr);
		}
	}
	if (n_opt > 1 || n_tsig > 1)
		return -EINVAL;
	st = ldns_wire2pkt(pkt, msg, len);
	if (st == LDNS_STATUS_MEM_ERR)
		return -ENOMEM;
	return st == LDNS_STATUS_OK ? 0 : -EINVAL;
}

/* Copies @p's wire form to @out, if it fits: its length, or 0. */
static int put_wire(const ldns_pkt *p, uint8_t *out, size_t outsize,
		    size_t limit)
{
	uint8_t *wire;
	size_t n;

	if (ldns_pkt2wire(&wire, p, &n) != LDNS_STATUS_OK)
		return -ENOMEM;
	if (n > limit || n > outsize) {
		free(wire);
		return 0;
	}
	memcpy(out, wire, n);
	free(wire);
	return (int)n;
}

/*
 * The answer to a message only the header of which could be read: that
 * header's id, opcode and RD, and @rcode.
 */
static int answer_header(const uint8_t *msg, unsigned int rcode,
			 uint8_t *out, size_t outsize)
{
	ldns_pkt *p = ldns_pkt_new();
	int ret;

	if (!p)
		return -ENOMEM;
	ldns_pkt_set_id(p, LDNS_ID_WIRE(msg));
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_opcode(p, (ldns_pkt_opcode)LDNS_OPCODE_WIRE(msg));
	ldns_pkt_set_rd(p, LDNS_RD_WIRE(msg));
	ldns_pkt_set_rcode(p, (uint8_t)rcode);
	ret = put_wire(p, out, outsize, AZC_NAMES_MAX_MSG);
	ldns_pkt_free(p);
	return ret;
}

/*
 * A new answer to @q with @rcode: its id, opcode, RD, question (when it
 * has just one) and, when it has EDNS, ours.
 */
static ldns_pkt *reply_new(const ldns_pkt *q, unsigned int rcode)
{
	ldns_pkt *p = ldns_pkt_new();
	ldns_rr *rr;

	if (!p)
		return NULL;
	ldns_pkt_set_id(p, ldns_pkt_id(q));
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_opcode(p, ldns_pkt_get_opcode(q));
	ldns_pkt_set_rd(p, ldns_pkt_rd(q));
	/*
	 * ldns_pkt2wire() ORs the rcode into the header's flags: only its
	 * low 4 bits may go there, the rest goes in the OPT record.
	 */
	ldns_pkt_set_rcode(p, rcode & 0xf);
	if (ldns_pkt_edns(q)) {
		ldns_pkt_set_edns_udp_size(p, AZC_NAMES_EDNS_SIZE);
		ldns_pkt_set_edns_extended_rcode(p, (uint8_t)(rcode >> 4));
		ldns_pkt_set_edns_do(p, ldns_pkt_edns_do(q));
	}
	if (ldns_pkt_qdcount(q) == 1) {
		rr = ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(q), 0));
		if (!rr || !ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, rr)) {
			ldns_rr_free(rr);
			ldns_pkt_free(p);
			return NULL;
		}
	}
	return p;
}

/* The answer's full rcode: the header's and EDNS's bits. */
static unsigned int reply_rcode(const ldns_pkt *p)
{
	return ldns_pkt_get_rcode(p) |
	       (unsigned int)ldns_pkt_edns_extended_rcode(p) << 4;
}

/*
 * The largest UDP answer to @q: 512 bytes, or with EDNS its payload size,
 * but not less than 512 (RFC 6891 6.2.5) nor more than ours.
 */
static size_t udp_limit(const ldns_pkt *q)
{
	size_t n = ldns_pkt_edns(q) ? ldns_pkt_edns_udp_size(q) : 0;

	if (n < UDP_PLAIN_MAX)
		return UDP_PLAIN_MAX;
	return n < AZC_NAMES_EDNS_SIZE ? n : AZC_NAMES_EDNS_SIZE;
}

/*
 * Writes the answer @p to @q, or over UDP when it is larger than the
 * requester can take, the same without records and with TC set.
 */
static int reply_out(const ldns_pkt *q, const ldns_pkt *p, bool tcp,
		     uint8_t *out, size_t outsize)
{
	size_t limit = tcp ? AZC_NAMES_MAX_MSG : udp_limit(q);
	ldns_pkt *tc;
	uint8_t *wire;
	size_t n;
	int ret;

	if (limit > outsize)
		limit = outsize;

	if (ldns_pkt2wire(&wire, p, &n) != LDNS_STATUS_OK)
		return -ENOMEM;
	if (n <= limit) {
		memcpy(out, wire, n);
		free(wire);
		return (int)n;
	}
	free(wire);
	tc = reply_new(q, reply_rcode(p));
	if (!tc)
		return -ENOMEM;
	ldns_pkt_set_aa(tc, ldns_pkt_aa(p));
	ldns_pkt_set_tc(tc, true);
	ret = put_wire(tc, out, outsize, limit);
	ldns_pkt_free(tc);
	return ret;
}

/* Moves the records of @l (freed) to section @sec of @p. */
static int push_all(ldns_pkt *p, ldns_pkt_section sec, ldns_rr_list *l)
{
	size_t i, n = ldns_rr_list_rr_count(l);
	int ret = 0;

	for (i = 0; i < n; i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);

		if (ret || !ldns_pkt_push_rr(p, sec, rr)) {
			ldns_rr_free(rr);
			ret = -ENOMEM;
		}
	}
	ldns_rr_list_free(l);
	return ret;
}

/* The records of @name of @type into section @sec of @p. */
static int push_lookup(const struct azc_names *z, ldns_pkt *p,
		       ldns_pkt_section sec, const ldns_rdf *name,
		       ldns_rr_type type)
{
	ldns_rr_list *l = ldns_rr_list_new();
	size_t n;

	if (!l)
		return -ENOMEM;
	if (lookup(z, name, type, l, &n)) {
		ldns_rr_list_deep_free(l);
		return -ENOMEM;
	}
	return push_all(p, sec, l);
}

/* ---- QUERY ---- */

static int answer_query(const struct azc_names *z, const ldns_pkt *q,
			ldns_pkt **answer)
{
	const ldns_rr *qrr = ldns_rr_list_rr(ldns_pkt_question(q), 0);
	const ldns_rdf *qname = ldns_rr_owner(qrr), *apex;
	ldns_rr_type qtype = ldns_rr_get_type(qrr);
	ldns_rr *soa;
	ldns_pkt *p;
	size_t n;

	apex = zone_of(z, qname);
	if (!apex || ldns_rr_get_class(qrr) != LDNS_RR_CLASS_IN ||
	    qtype == LDNS_RR_TYPE_AXFR || qtype == LDNS_RR_TYPE_IXFR) {
		*answer = reply_new(q, LDNS_RCODE_REFUSED);
		return *answer ? 0 : -ENOMEM;
	}
	p = reply_new(q, LDNS_RCODE_NOERROR);
	if (!p)
		return -ENOMEM;
	ldns_pkt_set_aa(p, true);
	lookup(z, qname, qtype, NULL, &n);
	if (n) {
		if (push_lookup(z, p, LDNS_SECTION_ANSWER, qname, qtype))
			goto nomem;
		/* where to find the name server, saving a query */
		if (qtype == LDNS_RR_TYPE_NS &&
		    push_lookup(z, p, LDNS_SECTION_ADDITIONAL, z->mname,
				LDNS_RR_TYPE_AAAA))
			goto nomem;
	} else {
		if (!name_exists(z, qname))
			ldns_pkt_set_rcode(p, LDNS_RCODE_NXDOMAIN);
		/* negative answers last min(SOA TTL, MINIMUM): RFC 2308 */
		soa = soa_new(z, apex);
		if (!soa)
			goto nomem;
		if (ldns_rr_ttl(soa) > SOA_MINIMUM)
			ldns_rr_set_ttl(soa, SOA_MINIMUM);
		if (!ldns_pkt_push_rr(p, LDNS_SECTION_AUTHORITY, soa)) {
			ldns_rr_free(soa);
			goto nomem;
		}
	}
	*answer = p;
	return 0;
nomem:
	ldns_pkt_free(p);
	return -ENOMEM;
}

/* ---- UPDATE ---- */

/* The sender's names, address and reverse name. */
static int upd_init(struct upd *u)
{
	const struct azc_names_sender *from = u->from;
	ldns_rdf *d;
	size_t i;

	u->names = calloc(1 + from->n_aliases, sizeof(*u->names));
	u->addr = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_AAAA,
					sizeof(from->addr), &from->addr);
	if (!u->names || !u->addr)
		return -ENOMEM;
	u->rev_name = ldns_rdf_address_reverse(u->addr);
	if (!u->rev_name)
		return -ENOMEM;
	for (i = 0; i <= from->n_aliases; i++) {
		const char *name = i ? from->aliases[i - 1] : from->endpoint;

		/* the name server's name is not an endpoint's */
		if (!name || !strcasecmp(name, AZC_NAMES_NS_LABEL))
			continue;
		d = label_under(name, u->z->fwd);
		if (d)
			u->names[u->n_names++] = d;
	}
	return 0;
}

static void upd_free(struct upd *u)
{
	size_t i;

	for (i = 0; i < u->n_names; i++)
		ldns_rdf_deep_free(u->names[i]);
	free(u->names);
	ldns_rdf_deep_free(u->addr);
	ldns_rdf_deep_free(u->rev_name);
}

static bool own_name(const struct upd *u, const ldns_rdf *name)
{
	size_t i;

	if (ldns_rdf_get_type(name) != LDNS_RDF_TYPE_DNAME)
		return false;
	for (i = 0; i < u->n_names; i++)
		if (!ldns_dname_compare(name, u->names[i]))
			return true;
	return false;
}

/*
 * @rr, from the prerequisite section (class IN), and the records in the
 * message alike, are the zone's RRset exactly (RFC 2136 3.2.3).
 */
static int rrset_matches(const struct upd *u, const ldns_rr_list *pre,
			 const ldns_rr *rr, bool *same)
{
	ldns_rr_list *l = ldns_rr_list_new();
	size_t i, j, n;

	*same = false;
	if (!l)
		return -ENOMEM;
	if (lookup(u->z, ldns_rr_owner(rr), ldns_rr_get_type(rr), l, &n)) {
		ldns_rr_list_deep_free(l);
		return -ENOMEM;
	}
	/* each record of the zone's is among the message's... */
	for (i = 0; i < n; i++) {
		const ldns_rr *x = ldns_rr_list_rr(l, i);

		for (j = 0; j < ldns_rr_list_rr_count(pre); j++) {
			const ldns_rr *y = ldns_rr_list_rr(pre, j);

			if (ldns_rr_get_class(y) == LDNS_RR_CLASS_IN &&
			    rr_equal(x, y))
				break;
		}
		if (j == ldns_rr_list_rr_count(pre))
			goto out;
	}
	/* ... and this one is among the zone's */
	for (i = 0; i < n; i++)
		if (rr_equal(ldns_rr_list_rr(l, i), rr))
			break;
	*same = i < n;
out:
	ldns_rr_list_deep_free(l);
	return 0;
}

/* RFC 2136 3.2: 0, an rcode, or -ENOMEM. */
static int check_prereqs(const struct upd *u, const ldns_rr_list *pre)
{
	struct logbuf *lb = u->lb;
	bool same, any;
	size_t i, n;
	int ret;

	for (i = 0; i < ldns_rr_list_rr_count(pre); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(pre, i);
		const ldns_rdf *owner = ldns_rr_owner(rr);
		ldns_rr_type type = ldns_rr_get_type(rr);
		ldns_rr_class cls = ldns_rr_get_class(rr);

		if (ldns_rr_ttl(rr))
			return refuse(lb, LDNS_RCODE_FORMERR,
				      "prerequisite %T has a TTL", rr);
		if (!in_zone(owner, u->zone))
			return refuse(lb, LDNS_RCODE_NOTZONE,
				      "prerequisite %N is outside %N", owner,
				      u->zone);
		if (cls == LDNS_RR_CLASS_IN) {
			if (!data_type(type))
				return refuse(lb, LDNS_RCODE_FORMERR,
					      "prerequisite %T", rr);
			continue;	/* below, once all are known */
		}
		if ((cls != LDNS_RR_CLASS_ANY && cls != LDNS_RR_CLASS_NONE) ||
		    ldns_rr_rd_count(rr) ||
		    (type != LDNS_RR_TYPE_ANY && !data_type(type)))
			return refuse(lb, LDNS_RCODE_FORMERR,
				      "prerequisite %T of class %u", rr, cls);
		lookup(u->z, owner, type, NULL, &n);
		any = type == LDNS_RR_TYPE_ANY;
		if (cls == LDNS_RR_CLASS_ANY && !n && any)
			return refuse(lb, LDNS_RCODE_NXDOMAIN,
				      "prerequisite failed: %N is not in use",
				      owner);
		if (cls == LDNS_RR_CLASS_ANY && !n)
			return refuse(lb, LDNS_RCODE_NXRRSET,
				      "prerequisite failed: no %T", rr);
		if (cls == LDNS_RR_CLASS_NONE && n && any)
			return refuse(lb, LDNS_RCODE_YXDOMAIN,
				      "prerequisite failed: %N is in use",
				      owner);
		if (cls == LDNS_RR_CLASS_NONE && n)
			return refuse(lb, LDNS_RCODE_YXRRSET,
				      "prerequisite failed: %T exists", rr);
	}
	for (i = 0; i < ldns_rr_list_rr_count(pre); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(pre, i);

		if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN)
			continue;
		ret = rrset_matches(u, pre, rr, &same);
		if (ret)
			return ret;
		if (!same)
			return refuse(lb, LDNS_RCODE_NXRRSET,
				      "prerequisite failed: %T is not as given",
				      rr);
	}
	return 0;
}

/* RFC 2136 3.4.1.3, the update section's prescan: 0 or an rcode. */
static int prescan(const struct upd *u, const ldns_rr_list *ups)
{
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(ups); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ups, i);
		ldns_rr_type type = ldns_rr_get_type(rr);
		ldns_rr_class cls = ldns_rr_get_class(rr);
		bool ok;

		if (!in_zone(ldns_rr_owner(rr), u->zone))
			return refuse(u->lb, LDNS_RCODE_NOTZONE,
				      "%N is outside %N", ldns_rr_owner(rr),
				      u->zone);
		if (cls == LDNS_RR_CLASS_IN)
			ok = data_type(type) && ldns_rr_rd_count(rr);
		else if (cls == LDNS_RR_CLASS_ANY)
			ok = !ldns_rr_ttl(rr) && !ldns_rr_rd_count(rr) &&
			     (data_type(type) || type == LDNS_RR_TYPE_ANY);
		else if (cls == LDNS_RR_CLASS_NONE)
			ok = !ldns_rr_ttl(rr) && data_type(type);
		else
			ok = false;
		if (!ok)
			return refuse(u->lb, LDNS_RCODE_FORMERR,
				      "bad update %R (class %u, TTL %u)", rr,
				      cls, ldns_rr_ttl(rr));
	}
	return 0;
}

/*
 * The public key a TXT record holds (lib/noise/keyrec.h): 0, -EINVAL
 * when it is not a key record (one character-string, in that format),
 * -EKEYREJECTED for a low-order point.
 */
static int rr_key(const ldns_rr *rr, uint8_t key[AZC_NOISE_KEYLEN])
{
	const ldns_rdf *d;
	const uint8_t *p;

	if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TXT ||
	    ldns_rr_rd_count(rr) != 1)
		return -EINVAL;
	d = ldns_rr_rdf(rr, 0);
	p = ldns_rdf_data(d);
	if (ldns_rdf_get_type(d) != LDNS_RDF_TYPE_STR || !ldns_rdf_size(d) ||
	    ldns_rdf_size(d) != (size_t)p[0] + 1)
		return -EINVAL;
	return azc_keyrec_parse((const char *)p + 1, p[0], key);
}

/*
 * An added key record (TXT at the sender's reverse name): well-formed,
 * and the key the relay holds for the sender if it holds one. 0 or
 * REFUSED.
 */
static int authorize_key(const struct upd *u, const ldns_rr *rr)
{
	char fp[AZC_KEYREC_FP_LEN], pin_fp[AZC_KEYREC_FP_LEN];
	const struct azc_names_sender *from = u->from;
	uint8_t key[AZC_NOISE_KEYLEN];
	int ret = rr_key(rr, key);

	if (ret == -EKEYREJECTED)
		return refuse(u->lb, LDNS_RCODE_REFUSED,
			      "%R: a low-order X25519 point, no public key",
			      rr);
	if (ret)
		return refuse(u->lb, LDNS_RCODE_REFUSED,
			      "%R: not a key record (\"%s\", the base64 of 32 bytes)",
			      rr, AZC_KEYREC_PREFIX "BASE64");
	if (!from->key_pin || !memcmp(key, from->key_pin, sizeof(key)))
		return 0;
	azc_keyrec_fingerprint(key, fp);
	azc_keyrec_fingerprint(from->key_pin, pin_fp);
	if (from->key_configured)
		return refuse(u->lb, LDNS_RCODE_REFUSED,
			      "endpoint '%E' publishes key %s, but relayd.conf pins %s (public_key)",
			      from->endpoint, fp, pin_fp);
	return refuse(u->lb, LDNS_RCODE_REFUSED,
		      "endpoint '%E' publishes key %s, but its key is pinned to %s, first seen ('azconnectctl relay reset-key %E' lets a new one in)",
		      from->endpoint, fp, pin_fp, from->endpoint);
}

/*
 * What an endpoint may change (names.h): its names' AAAA records, with its
 * own address, its reverse name's PTR records, to its own names, and its
 * key record there. 0 or REFUSED.
 */
static int authorize(const struct upd *u, const ldns_rr *rr)
{
	const ldns_rdf *owner = ldns_rr_owner(rr), *data;
	ldns_rr_type type = ldns_rr_get_type(rr);
	ldns_rr_class cls = ldns_rr_get_class(rr);
	bool fwd = u->zone == u->z->fwd;
	ldns_rr_type want = fwd ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_PTR;
	struct logbuf *lb = u->lb;

	if (type != want && (fwd || type != LDNS_RR_TYPE_TXT) &&
	    !(cls == LDNS_RR_CLASS_ANY && type == LDNS_RR_TYPE_ANY))
		return refuse(lb, LDNS_RCODE_REFUSED,
			      "%T: only %s records in %N", rr,
			      fwd ? "AAAA" : "PTR and TXT (key)", u->zone);
	if (fwd && !own_name(u, owner))
		return refuse(lb, LDNS_RCODE_REFUSED,
			      "%N is not a name of endpoint '%E'", owner,
			      u->from->endpoint);
	if (!fwd && ldns_dname_compare(owner, u->rev_name))
		return refuse(lb, LDNS_RCODE_REFUSED,
			      "%N is not the reverse name of %A", owner,
			      &u->from->addr);
	if (cls != LDNS_RR_CLASS_IN)
		return 0;
	if (type == LDNS_RR_TYPE_TXT)
		return authorize_key(u, rr);
	data = ldns_rr_rdf(rr, 0);
	if (fwd && (ldns_rr_rd_count(rr) != 1 ||
		    ldns_rdf_compare(data, u->addr)))
		return refuse(lb, LDNS_RCODE_REFUSED,
			      "%R: not the address of endpoint '%E', %A", rr,
			      u->from->endpoint, &u->from->addr);
	if (!fwd && (ldns_rr_rd_count(rr) != 1 || !own_name(u, data)))
		return refuse(lb, LDNS_RCODE_REFUSED,
			      "%R: %N is not a name of endpoint '%E'", rr,
			      data, u->from->endpoint);
	return 0;
}

/* @rec is the sender's and @rr (class ANY or NONE) deletes it. */
static bool deletes(const struct upd *u, const ldns_rr *rr,
		    const struct azc_rec *rec)
{
	if (strcmp(rec->ep, u->from->endpoint))
		return false;
	if (ldns_rr_get_class(rr) == LDNS_RR_CLASS_ANY)
		return rr_at(rec->rr, ldns_rr_owner(rr), ldns_rr_get_type(rr));
	return rr_equal(rec->rr, rr);
}

static void log_accepted(const struct upd *u, const ldns_rr_list *ups,
			 bool changed)
{
	size_t i;

	lb_str(u->lb, "accepted:");
	for (i = 0; i < ldns_rr_list_rr_count(ups); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ups, i);

		lb_str(u->lb, i ? ", " : " ");
		if (ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN)
			note(u->lb, "add %R", rr);
		else if (ldns_rr_get_class(rr) == LDNS_RR_CLASS_NONE)
			note(u->lb, "delete %R", rr);
		else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_ANY)
			note(u->lb, "delete %N", ldns_rr_owner(rr));
		else
			note(u->lb, "delete %T", rr);
	}
	if (!ldns_rr_list_rr_count(ups))
		lb_str(u->lb, " no updates");
	else if (!changed)
		lb_str(u->lb, " (no change)");
}

/* The hook learns that @rr's RRset changed (added, deleted, withdrawn). */
static void tell(const struct azc_names *z, const ldns_rr *rr)
{
	if (z->hook)
		z->hook(z->hook_ctx, ldns_rr_owner(rr), ldns_rr_get_type(rr));
}

/* The additions of an UPDATE being applied, until they are checked. */
struct pending {
	struct azc_rec v[AZC_NAMES_MAX_PER_EP];
	size_t n;
};

/* A deletion: marks the sender's records it deletes, drops additions. */
static void apply_delete(const struct upd *u, const ldns_rr *rr,
			 struct pending *add)
{
	struct azc_names *z = u->z;
	size_t i, k;

	for (i = 0; i < z->n_recs; i++)
		if (deletes(u, rr, &z->recs[i]))
			z->recs[i].doomed = true;
	for (i = k = 0; i < add->n; i++) {
		if (deletes(u, rr, &add->v[i]))
			rec_free(&add->v[i]);
		else
			add->v[k++] = add->v[i];
	}
	add->n = k;
}

/* An addition: 0, REFUSED (the sender's limit), or -ENOMEM. */
static int apply_add(const struct upd *u, const ldns_rr *rr,
		     struct pending *add)
{
	struct azc_names *z = u->z;
	struct azc_rec *r;
	size_t i;

	/* adding what is there already changes nothing... */
	for (i = 0; i < z->n_recs; i++) {
		if (rr_equal(z->recs[i].rr, rr)) {
			/* ... not even what this UPDATE deleted before */
			z->recs[i].doomed = false;
			return 0;
		}
	}
	for (i = 0; i < add->n; i++)
		if (rr_equal(add->v[i].rr, rr))
			return 0;
	if (add->n == AZC_NAMES_MAX_PER_EP)
		return refuse(u->lb, LDNS_RCODE_REFUSED,
			      "endpoint '%E' would hold more than %u records",
			      u->from->endpoint, AZC_NAMES_MAX_PER_EP);
	r = &add->v[add->n];
	r->rr = ldns_rr_clone(rr);
	r->ep = strdup(u->from->endpoint);
	r->expiry = NO_EXPIRY;
	r->doomed = false;
	if (!r->rr || !r->ep) {
		rec_free(r);
		return -ENOMEM;
	}
	ldns_rr2canonical(r->rr);
	if (ldns_rr_ttl(rr) > AZC_NAMES_TTL)
		ldns_rr_set_ttl(r->rr, AZC_NAMES_TTL);
	add->n++;
	return 0;
}

/*
 * RFC 2136 3.4.2: the updates in order, all or none. Deletions mark the
 * sender's records (only its own go) and additions wait in @add until the
 * limits are checked; then both are applied at once.
 */
static int apply(const struct upd *u, const ldns_rr_list *ups)
{
	struct pending add = { .n = 0 };
	struct azc_names *z = u->z;
	size_t n_del = 0, own = 0, keys = 0, total, cap, i, k;
	struct azc_rec *recs;
	int ret = 0;

	for (i = 0; !ret && i < ldns_rr_list_rr_count(ups); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ups, i);

		if (ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN)
			ret = apply_add(u, rr, &add);
		else
			apply_delete(u, rr, &add);
	}
	if (ret)
		goto undo;

	for (i = 0; i < z->n_recs; i++) {
		bool mine = !strcmp(z->recs[i].ep, u->from->endpoint);

		n_del += z->recs[i].doomed;
		own += mine;
		keys += mine && !z->recs[i].doomed &&
			ldns_rr_get_type(z->recs[i].rr) == LDNS_RR_TYPE_TXT;
	}
	for (i = 0; i < add.n; i++)
		keys += ldns_rr_get_type(add.v[i].rr) == LDNS_RR_TYPE_TXT;
	if (keys > 1) {
		ret = refuse(u->lb, LDNS_RCODE_REFUSED,
			     "endpoint '%E' would publish %u keys, one at most (delete the old one in the same UPDATE)",
			     u->from->endpoint, (unsigned int)keys);
		goto undo;
	}
	own = own - n_del + add.n;
	total = z->n_recs - n_del + add.n;
	if (own > AZC_NAMES_MAX_PER_EP) {
		ret = refuse(u->lb, LDNS_RCODE_REFUSED,
			     "endpoint '%E' would hold %u records (limit %u)",
			     u->from->endpoint, (unsigned int)own,
			     AZC_NAMES_MAX_PER_EP);
		goto undo;
	}
	if (total > AZC_NAMES_MAX_RECORDS) {
		ret = refuse(u->lb, LDNS_RCODE_REFUSED,
			     "the zones would hold more than %u records",
			     AZC_NAMES_MAX_RECORDS);
		goto undo;
	}
	if (total > z->cap) {
		cap = z->cap ? z->cap : 64;
		while (cap < total)
			cap *= 2;
		recs = realloc(z->recs, cap * sizeof(*recs));
		if (!recs) {
			ret = -ENOMEM;
			goto undo;
		}
		z->recs = recs;
		z->cap = cap;
	}

	for (i = k = 0; i < z->n_recs; i++) {
		if (z->recs[i].doomed) {
			tell(z, z->recs[i].rr);
			rec_free(&z->recs[i]);
		} else {
			z->recs[k++] = z->recs[i];
		}
	}
	for (i = 0; i < add.n; i++)
		tell(z, add.v[i].rr);
	memcpy(z->recs + k, add.v, add.n * sizeof(add.v[0]));
	z->n_recs = total;
	if (n_del || add.n)
		z->serial++;	/* wraps to 0 as RFC 1982 allows */
	log_accepted(u, ups, n_del || add.n);
	return LDNS_RCODE_NOERROR;

undo:
	for (i = 0; i < z->n_recs; i++)
		z->recs[i].doomed = false;
	for (i = 0; i < add.n; i++)
		rec_free(&add.v[i]);
	return ret;
}

/* RFC 2136 3: an rcode, or -ENOMEM. */
static int update(struct azc_names *z, const ldns_pkt *q,
		  const struct azc_names_sender *from, struct logbuf *lb)
{
	const ldns_rr *zrr = ldns_rr_list_rr(ldns_pkt_question(q), 0);
	const ldns_rr_list *pre = ldns_pkt_answer(q);
	const ldns_rr_list *ups = ldns_pkt_authority(q);
	const ldns_rdf *zname = ldns_rr_owner(zrr);
	struct upd u = { .z = z, .from = from, .lb = lb };
	size_t n;
	int ret;

	log_head(lb, from, zname);
	if (ldns_rr_get_type(zrr) != LDNS_RR_TYPE_SOA)
		return refuse(lb, LDNS_RCODE_FORMERR,
			      "the zone section's type is not SOA");
	if (ldns_rr_get_class(zrr) == LDNS_RR_CLASS_IN) {
		if (!ldns_dname_compare(zname, z->fwd))
			u.zone = z->fwd;
		else if (!ldns_dname_compare(zname, z->rev))
			u.zone = z->rev;
	}
	if (!u.zone)
		return refuse(lb, LDNS_RCODE_NOTAUTH, "not a zone of ours");
	if (!from || !from->endpoint)
		return refuse(lb, LDNS_RCODE_REFUSED, "not an endpoint");
	n = ldns_rr_list_rr_count(pre) + ldns_rr_list_rr_count(ups);
	if (n > UPDATE_MAX_RRS)
		return refuse(lb, LDNS_RCODE_REFUSED,
			      "%u records, more than %u", (unsigned int)n,
			      UPDATE_MAX_RRS);

	ret = upd_init(&u);
	if (!ret)
		ret = check_prereqs(&u, pre);
	if (!ret)
		ret = prescan(&u, ups);
	for (n = 0; !ret && n < ldns_rr_list_rr_count(ups); n++)
		ret = authorize(&u, ldns_rr_list_rr(ups, n));
	if (!ret)
		ret = apply(&u, ups);
	upd_free(&u);
	return ret;
}

/* ---- the interface ---- */

/* The reverse zone of the /64 of @prefix: its first 16 nibbles. */
static ldns_rdf *reverse_apex(const struct in6_addr *prefix)
{
	ldns_rdf *a = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_AAAA,
					    sizeof(*prefix), prefix);
	ldns_rdf *full = a ? ldns_rdf_address_reverse(a) : NULL;
	ldns_rdf *apex = full ? ldns_dname_clone_from(full, 16) : NULL;

	ldns_rdf_deep_free(a);
	ldns_rdf_deep_free(full);
	return apex;
}

struct azc_names *azc_names_new(const struct azc_names_cfg *cfg, char *err,
				size_t errlen)
{
	const char *zone = cfg->zone ? cfg->zone : AZC_NAMES_ZONE;
	struct logbuf eb = { err, err ? errlen : 0, 0 };
	struct azc_names *z = calloc(1, sizeof(*z));
	ldns_rdf *rdata[3];

	if (eb.size)
		err[0] = '\0';
	if (!z)
		goto nomem;
	z->serial = cfg->serial;
	z->now = INT64_MIN;
	z->grace_ms = cfg->grace_ms > 0 ? cfg->grace_ms : AZC_NAMES_GRACE_MS;
	z->rev = reverse_apex(&cfg->prefix);
	if (!z->rev)
		goto nomem;
	if (ldns_str2rdf_dname(&z->fwd, zone) != LDNS_STATUS_OK || !z->fwd ||
	    !ldns_dname_label_count(z->fwd)) {
		note(&eb, "zone '%E' is not a valid domain name", zone);
		goto fail;
	}
	ldns_dname2canonical(z->fwd);
	if (in_zone(z->fwd, z->rev) || in_zone(z->rev, z->fwd)) {
		note(&eb, "zone '%E' overlaps the reverse zone %N", zone,
		     z->rev);
		goto fail;
	}
	z->mname = label_under(AZC_NAMES_NS_LABEL, z->fwd);
	z->rname = label_under("hostmaster", z->fwd);
	if (!z->mname || !z->rname) {
		note(&eb, "zone '%E' is too long", zone);
		goto fail;
	}
	rdata[0] = ldns_rdf_clone(z->mname);
	rdata[1] = ldns_rdf_clone(z->mname);
	rdata[2] = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_AAAA,
					 sizeof(cfg->ns_addr), &cfg->ns_addr);
	z->fixed[FIXED_NS_FWD] = rr_build(z->fwd, LDNS_RR_TYPE_NS,
					  AZC_NAMES_TTL, &rdata[0], 1);
	z->fixed[FIXED_NS_REV] = rr_build(z->rev, LDNS_RR_TYPE_NS,
					  AZC_NAMES_TTL, &rdata[1], 1);
	z->fixed[FIXED_NS_AAAA] = rr_build(z->mname, LDNS_RR_TYPE_AAAA,
					   AZC_NAMES_TTL, &rdata[2], 1);
	if (!z->fixed[FIXED_NS_FWD] || !z->fixed[FIXED_NS_REV] ||
	    !z->fixed[FIXED_NS_AAAA])
		goto nomem;
	return z;

nomem:
	note(&eb, "out of memory");
fail:
	azc_names_free(z);
	return NULL;
}

void azc_names_free(struct azc_names *z)
{
	size_t i;

	if (!z)
		return;
	for (i = 0; i < z->n_recs; i++)
		rec_free(&z->recs[i]);
	free(z->recs);
	for (i = 0; i < N_FIXED; i++)
		ldns_rr_free(z->fixed[i]);
	ldns_rdf_deep_free(z->fwd);
	ldns_rdf_deep_free(z->rev);
	ldns_rdf_deep_free(z->mname);
	ldns_rdf_deep_free(z->rname);
	free(z);
}

int azc_names_handle(struct azc_names *z, const uint8_t *msg, size_t len,
		     bool tcp, const struct azc_names_sender *from, int64_t now,
		     uint8_t *out, size_t outsize, char *log, size_t loglen)
{
	struct logbuf lb = { log, log ? loglen : 0, 0 };
	ldns_pkt *q = NULL, *p = NULL;
	const ldns_rdf *zone = NULL;
	unsigned int opcode;
	int ret;

	if (lb.size)
		log[0] = '\0';
	if (len < LDNS_HEADER_SIZE || LDNS_QR_WIRE(msg))
		return 0;
	z->now = now;
	opcode = LDNS_OPCODE_WIRE(msg);
	if (opcode != LDNS_PACKET_QUERY && opcode != LDNS_PACKET_UPDATE)
		return answer_header(msg, LDNS_RCODE_NOTIMPL, out, outsize);

	ret = azc_dns_parse(msg, len, &q);
	if (ret) {
		if (opcode == LDNS_PACKET_UPDATE) {
			log_head(&lb, from, NULL);
			refuse(&lb, LDNS_RCODE_FORMERR, "malformed message");
		}
		if (ret == -ENOMEM)
			return ret;
		return answer_header(msg, LDNS_RCODE_FORMERR, out, outsize);
	}

	if (ldns_pkt_qdcount(q) == 1)
		zone = ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(q), 0));
	if (ldns_pkt_edns(q) && ldns_pkt_edns_version(q)) {
		if (opcode == LDNS_PACKET_UPDATE) {
			log_head(&lb, from, zone);
			refuse(&lb, RCODE_BADVERS, "EDNS version %u",
			       ldns_pkt_edns_version(q));
		}
		p = reply_new(q, RCODE_BADVERS);
	} else if (ldns_pkt_qdcount(q) != 1) {
		if (opcode == LDNS_PACKET_UPDATE) {
			log_head(&lb, from, NULL);
			refuse(&lb, LDNS_RCODE_FORMERR, "%u zones",
			       ldns_pkt_qdcount(q));
		}
		p = reply_new(q, LDNS_RCODE_FORMERR);
	} else if (opcode == LDNS_PACKET_QUERY) {
		ret = answer_query(z, q, &p);
	} else {
		ret = update(z, q, from, &lb);
		if (ret >= 0)
			p = reply_new(q, (unsigned int)ret);
	}
	if (!p)
		ret = -ENOMEM;
	else
		ret = reply_out(q, p, tcp, out, outsize);
	ldns_pkt_free(p);
	ldns_pkt_free(q);
	return ret;
}

void azc_names_endpoint_down(struct azc_names *z, const char *name,
			     int64_t now)
{
	int64_t t = now < NO_EXPIRY - z->grace_ms ? now + z->grace_ms :
						    NO_EXPIRY - 1;
	size_t i;

	/* a second report of the same end does not postpone it */
	for (i = 0; i < z->n_recs; i++)
		if (z->recs[i].expiry == NO_EXPIRY &&
		    !strcmp(z->recs[i].ep, name))
			z->recs[i].expiry = t;
}

void azc_names_endpoint_up(struct azc_names *z, const char *name)
{
	size_t i;

	for (i = 0; i < z->n_recs; i++)
		if (!strcmp(z->recs[i].ep, name))
			z->recs[i].expiry = NO_EXPIRY;
}

int azc_names_key_of(const struct azc_names *z, const char *name,
		     uint8_t key[32])
{
	size_t i;

	for (i = 0; i < z->n_recs; i++)
		if (!strcmp(z->recs[i].ep, name) &&
		    ldns_rr_get_type(z->recs[i].rr) == LDNS_RR_TYPE_TXT &&
		    !rr_key(z->recs[i].rr, key))
			return 0;
	return -ENOENT;
}

bool azc_names_drop_key(struct azc_names *z, const char *name)
{
	size_t i, k;

	for (i = k = 0; i < z->n_recs; i++) {
		if (!strcmp(z->recs[i].ep, name) &&
		    ldns_rr_get_type(z->recs[i].rr) == LDNS_RR_TYPE_TXT) {
			tell(z, z->recs[i].rr);
			rec_free(&z->recs[i]);
		} else {
			z->recs[k++] = z->recs[i];
		}
	}
	if (k == z->n_recs)
		return false;
	z->n_recs = k;
	z->serial++;
	return true;
}

int64_t azc_names_deadline(const struct azc_names *z)
{
	int64_t t = NO_EXPIRY;
	size_t i;

	for (i = 0; i < z->n_recs; i++)
		if (z->recs[i].expiry < t)
			t = z->recs[i].expiry;
	return t == NO_EXPIRY ? -1 : t;
}

unsigned int azc_names_expire(struct azc_names *z, int64_t now)
{
	size_t i, k;

	for (i = k = 0; i < z->n_recs; i++) {
		if (z->recs[i].expiry <= now) {
			tell(z, z->recs[i].rr);
			rec_free(&z->recs[i]);
		} else {
			z->recs[k++] = z->recs[i];
		}
	}
	if (k == z->n_recs)
		return 0;
	i = z->n_recs - k;
	z->n_recs = k;
	z->serial++;
	return (unsigned int)i;
}

uint32_t azc_names_serial(const struct azc_names *z)
{
	return z->serial;
}

size_t azc_names_count(const struct azc_names *z)
{
	return z->n_recs;
}

void azc_names_set_hook(struct azc_names *z, azc_names_hook *hook, void *ctx)
{
	z->hook = hook;
	z->hook_ctx = ctx;
}

const ldns_rdf *azc_names_apex(const struct azc_names *z, bool reverse)
{
	return reverse ? z->rev : z->fwd;
}

int azc_names_rrset(struct azc_names *z, const ldns_rdf *owner,
		    uint16_t type, int64_t now, ldns_rr_list *out)
{
	size_t i;

	z->now = now;
	for (i = 0; i < z->n_recs; i++)
		if (live(z, &z->recs[i]) &&
		    rr_at(z->recs[i].rr, owner, (ldns_rr_type)type) &&
		    list_take(out, ldns_rr_clone(z->recs[i].rr)))
			return -ENOMEM;
	return 0;
}
