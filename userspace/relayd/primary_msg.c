// SPDX-License-Identifier: GPL-2.0-only
/* UPDATEs to a primary name server and their answers (see primary.h). */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "names.h"
#include "primary.h"

static const char *const rcodes[] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
};

/* RFC 8945 4.3: the TSIG's error field */
static const char *tsig_error(unsigned int e)
{
	switch (e) {
	case 16:
		return "BADSIG";
	case 17:
		return "BADKEY";
	case 18:
		return "BADTIME";
	case 22:
		return "BADTRUNC";
	}
	return NULL;
}

static void rcode_str(unsigned int rc, char *buf, size_t size)
{
	if (rc < AZC_ARRAY_SIZE(rcodes))
		snprintf(buf, size, "%s", rcodes[rc]);
	else
		snprintf(buf, size, "rcode %u", rc);
}

/* An RR of @owner, @type, @cls, TTL 0, no data; NULL: no memory. */
static ldns_rr *rr_empty(const ldns_rdf *owner, ldns_rr_type type,
			 ldns_rr_class cls)
{
	ldns_rr *rr = ldns_rr_new();
	ldns_rdf *o = ldns_rdf_clone(owner);

	if (!rr || !o) {
		ldns_rr_free(rr);
		ldns_rdf_deep_free(o);
		return NULL;
	}
	ldns_rr_set_owner(rr, o);
	ldns_rr_set_type(rr, type);
	ldns_rr_set_class(rr, cls);
	ldns_rr_set_ttl(rr, 0);
	return rr;
}

static int push(ldns_pkt *p, ldns_pkt_section s, ldns_rr *rr)
{
	if (rr && ldns_pkt_push_rr(p, s, rr))
		return 0;
	ldns_rr_free(rr);
	return -ENOMEM;
}

int azc_primary_build(const ldns_rdf *zone,
		      const struct azc_primary_rrset *sets, size_t n,
		      uint16_t id, const struct azc_tsig_key *key,
		      uint8_t **wire, size_t *len, ldns_rdf **mac)
{
	ldns_pkt *p = ldns_pkt_new();
	ldns_rr *rr;
	size_t i, j;
	int ret = -ENOMEM;

	*wire = NULL;
	*mac = NULL;
	if (!p)
		return -ENOMEM;
	ldns_pkt_set_id(p, id);
	ldns_pkt_set_opcode(p, LDNS_PACKET_UPDATE);
	rr = rr_empty(zone, LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN);
	if (rr)
		ldns_rr_set_question(rr, true);
	if (push(p, LDNS_SECTION_QUESTION, rr))
		goto out;
	for (i = 0; i < n; i++) {
		/* RFC 2136 2.5.2: delete an RRset */
		if (push(p, LDNS_SECTION_AUTHORITY,
			 rr_empty(sets[i].owner, sets[i].type,
				  LDNS_RR_CLASS_ANY)))
			goto out;
		/* 2.5.1: add to an RRset */
		for (j = 0; sets[i].rrs &&
		     j < ldns_rr_list_rr_count(sets[i].rrs); j++) {
			rr = ldns_rr_clone(ldns_rr_list_rr(sets[i].rrs, j));
			if (rr)
				ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
			if (push(p, LDNS_SECTION_AUTHORITY, rr))
				goto out;
		}
	}
	switch (ldns_pkt_tsig_sign(p, key->name, key->secret,
				   AZC_PRIMARY_FUDGE, key->algorithm, NULL)) {
	case LDNS_STATUS_OK:
		break;
	case LDNS_STATUS_MEM_ERR:
		goto out;
	default:
		ret = -EINVAL;
		goto out;
	}
	if (ldns_pkt2wire(wire, p, len) != LDNS_STATUS_OK)
		goto out;
	if (*len > AZC_PRIMARY_MSG_MAX) {
		ret = -E2BIG;
		goto out;
	}
	*mac = ldns_rdf_clone(ldns_rr_rdf(ldns_pkt_tsig(p), 3));
	ret = *mac ? 0 : -ENOMEM;
out:
	if (ret) {
		free(*wire);
		*wire = NULL;
	}
	ldns_pkt_free(p);
	return ret;
}

/* A name from the message, escaped, in @buf. */
static const char *name_str(const ldns_rdf *d, char *buf, size_t size)
{
	char *s = d ? ldns_rdf2str(d) : NULL;

	azc_escape(s ? s : "?", strlen(s ? s : "?"), buf, size);
	free(s);
	return buf;
}

/* The TSIG's time signed: 48 bits (ldns has no reader for them). */
static uint64_t tsig_time(const ldns_rdf *d)
{
	const uint8_t *b = ldns_rdf_data(d);
	uint64_t t = 0;
	size_t i;

	if (ldns_rdf_size(d) != 6)
		return 0;
	for (i = 0; i < 6; i++)
		t = t << 8 | b[i];
	return t;
}

enum azc_primary_verdict
azc_primary_answer(const uint8_t *msg, size_t len, uint16_t id,
		   const struct azc_tsig_key *key, const ldns_rdf *mac,
		   time_t now, char *why, size_t whylen)
{
	enum azc_primary_verdict v = AZC_PRIMARY_IGNORED;
	char rc[32], nm[256], nm2[256];
	ldns_rdf *kname = NULL, *alg = NULL;
	const ldns_rr *tsig;
	ldns_pkt *p = NULL;
	unsigned int terr = 0;
	uint64_t signed_at;
	bool verified = false;
	int ret;

	snprintf(why, whylen, "?");
	if (len < LDNS_HEADER_SIZE) {
		snprintf(why, whylen, "a message of %zu bytes", len);
		return v;
	}
	if (!LDNS_QR_WIRE(msg) || LDNS_ID_WIRE(msg) != id ||
	    LDNS_OPCODE_WIRE(msg) != LDNS_PACKET_UPDATE) {
		snprintf(why, whylen, "not the answer to update %u", id);
		return v;
	}
	ret = azc_dns_parse(msg, len, &p);
	if (ret) {
		snprintf(why, whylen, "%s", ret == -ENOMEM ? "out of memory" :
			 "a malformed answer");
		return v;
	}
	rcode_str(ldns_pkt_get_rcode(p), rc, sizeof(rc));
	tsig = ldns_pkt_tsig(p);
	if (tsig && ldns_rr_rd_count(tsig) >= 7) {
		if (ldns_str2rdf_dname(&kname, key->name) != LDNS_STATUS_OK ||
		    ldns_str2rdf_dname(&alg, key->algorithm) != LDNS_STATUS_OK) {
			snprintf(why, whylen, "out of memory");
			goto out;
		}
		terr = ldns_rdf2native_int16(ldns_rr_rdf(tsig, 5));
		if (ldns_dname_compare(ldns_rr_owner(tsig), kname) ||
		    ldns_dname_compare(ldns_rr_rdf(tsig, 0), alg)) {
			snprintf(why, whylen, "%s, signed with another key (%s, %s)",
				 rc, name_str(ldns_rr_owner(tsig), nm, sizeof(nm)),
				 name_str(ldns_rr_rdf(tsig, 0), nm2, sizeof(nm2)));
			goto out;
		}
		if (!terr) {
			if (!ldns_pkt_tsig_verify(p, msg, len, key->name,
						  key->secret, mac)) {
				snprintf(why, whylen, "%s, its TSIG does not verify with our key",
					 rc);
				goto out;
			}
			signed_at = tsig_time(ldns_rr_rdf(tsig, 1));
			if ((uint64_t)now > signed_at + AZC_PRIMARY_FUDGE ||
			    signed_at > (uint64_t)now + AZC_PRIMARY_FUDGE) {
				snprintf(why, whylen, "%s, signed %lld s from our time (more than %d): are the clocks right?",
					 rc, (long long)((int64_t)signed_at - now),
					 AZC_PRIMARY_FUDGE);
				goto out;
			}
			verified = true;
		}
	}
	if (verified && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR) {
		snprintf(why, whylen, "NOERROR");
		v = AZC_PRIMARY_OK;
	} else if (ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR && !terr) {
		snprintf(why, whylen, "NOERROR, but unsigned: not trusted");
	} else {
		v = AZC_PRIMARY_REFUSED;
		if (terr)
			snprintf(why, whylen, "%s, TSIG error %s%s", rc,
				 tsig_error(terr) ? tsig_error(terr) : "",
				 tsig_error(terr) ? "" : "?");
		else
			snprintf(why, whylen, "%s%s", rc,
				 verified ? "" : " (unsigned)");
		if (terr == 18)
			snprintf(why + strlen(why), whylen - strlen(why),
				 ": are the clocks right?");
		else if (terr == 16)
			snprintf(why + strlen(why), whylen - strlen(why),
				 ": the primary has another secret for this key (dns_tsig)");
		else if (terr == 17)
			snprintf(why + strlen(why), whylen - strlen(why),
				 ": the primary does not know this key (dns_tsig)");
	}
out:
	ldns_rdf_deep_free(kname);
	ldns_rdf_deep_free(alg);
	ldns_pkt_free(p);
	return v;
}
