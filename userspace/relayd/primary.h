/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The UPDATEs the relay sends to a primary name server (dns_update and
 * dns_tsig in relayd.conf), so that Knot DNS, BIND or PowerDNS serve what
 * the endpoints register with the relay's own name service (names.h).
 *
 * Messages only, with ldns: no sockets, no clock but the TSIG's own time
 * (primary.c carries them from the relay's loop; docs/names-primary.md
 * says what an administrator sees).
 *
 * Every UPDATE (RFC 2136) replaces whole RRsets: for each owner and type,
 * "delete the RRset" (class ANY) and then "add" each record the relay
 * serves there now (class IN), no prerequisites. An RRset the relay no
 * longer serves is thereby deleted. Such an UPDATE says what is, not what
 * happened, so it may be sent again, late or twice, and is what a resync
 * sends too. Each is signed with TSIG (RFC 8945).
 */

#ifndef AZC_PRIMARY_H
#define AZC_PRIMARY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <ldns/ldns.h>

#include "tsigkey.h"

#define AZC_PRIMARY_FUDGE	300	/* TSIG: seconds of clock skew */
#define AZC_PRIMARY_MSG_MAX	1232	/* UDP: no fragments (DNS flag day) */

/* One RRset as it is now: @rrs (NULL or empty: none, deleted). */
struct azc_primary_rrset {
	const ldns_rdf *owner;
	ldns_rr_type type;
	const ldns_rr_list *rrs;
};

/*
 * An UPDATE of @zone (id @id) replacing the @n RRsets, signed with @key:
 * its wire form in *@wire (malloc'd, *@len bytes) and its MAC in *@mac,
 * which the answer's signature covers. 0, -E2BIG when it would be larger
 * than AZC_PRIMARY_MSG_MAX, -EINVAL (the key), -ENOMEM.
 */
int azc_primary_build(const ldns_rdf *zone,
		      const struct azc_primary_rrset *sets, size_t n,
		      uint16_t id, const struct azc_tsig_key *key,
		      uint8_t **wire, size_t *len, ldns_rdf **mac);

enum azc_primary_verdict {
	AZC_PRIMARY_OK,		/* NOERROR, signed with our key */
	AZC_PRIMARY_REFUSED,	/* an error from the primary: @why */
	AZC_PRIMARY_IGNORED,	/* not (a trustworthy) answer: @why */
};

/*
 * Judges the message @msg (@len bytes, from the primary's address) as the
 * answer to the UPDATE @id whose MAC was @mac, at @now (seconds since the
 * epoch): why it is not OK in @why, text from the message escaped.
 * A success counts only when its TSIG verifies (key, algorithm, MAC, time
 * within the fudge); an error answer counts unsigned too, as RFC 8945
 * 5.3.2 makes a server answer a key it does not know (BADKEY) or a
 * signature it cannot verify (BADSIG).
 */
enum azc_primary_verdict
azc_primary_answer(const uint8_t *msg, size_t len, uint16_t id,
		   const struct azc_tsig_key *key, const ldns_rdf *mac,
		   time_t now, char *why, size_t whylen);

#endif /* AZC_PRIMARY_H */
