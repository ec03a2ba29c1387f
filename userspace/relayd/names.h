/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The relay's name service: the overlay zone (default azconnect.internal)
 * and the reverse zone of the overlay /64 (ip6.arpa), served
 * authoritatively, and changed by the endpoints with DNS UPDATE (RFC 2136).
 *
 * Pure logic on DNS messages, parsed and built with ldns: no sockets, no
 * clock (the caller passes the time). dns.c carries the messages over UDP
 * and TCP on the relay's overlay address and says who sent each one.
 *
 * What it answers (RFC 1034, 1035, 2308, 6891):
 *  - QUERY for names in its zones: AAAA and PTR records, SOA and NS at
 *    each apex, the name server's AAAA (NS_LABEL.zone), ANY; NXDOMAIN and
 *    NODATA with the zone's SOA in the authority section; an empty
 *    non-terminal (an ancestor of a name with records) is NODATA (RFC 8020).
 *    AA set, RA clear, RD copied; names matched without regard to case, the
 *    question echoed as asked.
 *  - REFUSED for names outside its zones (it is not a recursive resolver),
 *    for classes other than IN (and ANY in queries), for AXFR and IXFR.
 *  - NOTIMP for opcodes other than QUERY and UPDATE; FORMERR for a message
 *    whose header was readable but not the rest, or whose question count
 *    is not 1 (zone count, for UPDATE); nothing at all for responses (QR
 *    set) and for messages too short to have a header.
 *  - EDNS0: a query with OPT gets OPT back (UDP payload AZC_NAMES_EDNS_SIZE);
 *    EDNS version other than 0 gets BADVERS. Over UDP, an answer larger
 *    than the requester's limit (512 without EDNS, else its payload size
 *    capped to AZC_NAMES_EDNS_SIZE) is sent with TC set and no records.
 *
 * UPDATE (RFC 2136), one zone per message:
 *  - from an endpoint only: @from names the endpoint whose link owns the
 *    message's overlay source address (the relay's kernel drops packets
 *    whose source is not their link's address), or none: REFUSED;
 *  - the forward zone: AAAA records only, owned by NAME.zone where NAME is
 *    the endpoint's name or one of the aliases the relay's configuration
 *    gives it; an added AAAA must be the sender's own source address;
 *  - the reverse zone: PTR records owned by the reverse name of the
 *    sender's own address, pointing at one of its own names in the forward
 *    zone; and at that name one TXT record, its public key
 *    (lib/noise/keyrec.h: "v=azc1 k=x25519 p=BASE64", well-formed, not a
 *    low-order point), at most one per endpoint, and when the relay holds
 *    a key for the endpoint (the sender's key_pin), that key only;
 *  - deletions (class ANY: an RRset or the whole name; class NONE: one
 *    record) of its own names and of its own reverse name only;
 *  - prerequisites (RFC 2136 2.4, 3.2) are checked; TTLs of added records
 *    are capped to AZC_NAMES_TTL;
 *  - anything else is REFUSED (NOTZONE for a record outside the message's
 *    zone, NOTAUTH for a zone that is not ours) and changes nothing: an
 *    UPDATE applies whole or not at all. Every UPDATE, accepted or not,
 *    gets a log line (names escaped by ldns) in @log.
 *
 * Records belong to the endpoint that added them. When its session ends
 * (azc_names_endpoint_down) they stay for AZC_NAMES_GRACE_MS, covering a
 * reconnect (azc_names_endpoint_up keeps them), then go. The SOA serial
 * goes up by one at every change.
 */

#ifndef AZC_NAMES_H
#define AZC_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define AZC_NAMES_ZONE		"azconnect.internal"
#define AZC_NAMES_NS_LABEL	"relay"		/* NS and SOA MNAME: relay.zone */
#define AZC_NAMES_TTL		60		/* records, and the SOA minimum */
#define AZC_NAMES_EDNS_SIZE	1232
#define AZC_NAMES_GRACE_MS	(5 * 60 * 1000)
#define AZC_NAMES_MAX_RECORDS	65536		/* in all; UPDATE beyond: REFUSED */
#define AZC_NAMES_MAX_PER_EP	16		/* records one endpoint may own */
#define AZC_NAMES_MAX_MSG	65535

struct azc_names;
/* ldns's types, for those who use ldns (primary.c) */
struct ldns_struct_rdf;
struct ldns_struct_rr_list;
struct ldns_struct_pkt;

struct azc_names_cfg {
	const char *zone;		/* "azconnect.internal" (no final dot needed) */
	struct in6_addr prefix;		/* the overlay /64: its reverse zone */
	struct in6_addr ns_addr;	/* the relay's overlay address */
	uint32_t serial;		/* the first SOA serial (e.g. the time) */
	int64_t grace_ms;		/* 0: AZC_NAMES_GRACE_MS */
};

/* Who sent a message: the endpoint owning its source address, if any. */
struct azc_names_sender {
	struct in6_addr addr;		/* the source address */
	const char *endpoint;		/* NULL: not an endpoint's address */
	const char *const *aliases;	/* more names it may hold */
	size_t n_aliases;
	/*
	 * The public key the relay holds for the endpoint (32 bytes), or
	 * NULL: then any well-formed key is accepted, and the caller pins
	 * what azc_names_key_of() gives after the UPDATE. key_configured:
	 * relayd.conf pins it (public_key =), not a first sight; only the
	 * refusal's log line says which.
	 */
	const uint8_t *key_pin;
	bool key_configured;
};

/*
 * A new name service, or NULL with why in @err (a zone that is not a valid
 * domain name, no memory).
 */
struct azc_names *azc_names_new(const struct azc_names_cfg *cfg, char *err,
				size_t errlen);
void azc_names_free(struct azc_names *z);

/*
 * Answers one message (@len bytes, over TCP when @tcp: no truncation there)
 * from @from at @now (ms, any monotonic origin): the answer's length in
 * @out (at most @outsize bytes), 0 when nothing is to be sent back, or
 * -ENOMEM. @log gets one line about an UPDATE (empty otherwise).
 */
int azc_names_handle(struct azc_names *z, const uint8_t *msg, size_t len,
		     bool tcp, const struct azc_names_sender *from, int64_t now,
		     uint8_t *out, size_t outsize, char *log, size_t loglen);

/*
 * Endpoint @name's session ended at @now: its records go at now + grace,
 * unless azc_names_endpoint_up() comes first (it reconnected).
 */
void azc_names_endpoint_down(struct azc_names *z, const char *name,
			     int64_t now);
void azc_names_endpoint_up(struct azc_names *z, const char *name);

/*
 * The public key (32 bytes) that endpoint @name publishes now, in the
 * grace period too: 0, or -ENOENT when it publishes none.
 */
int azc_names_key_of(const struct azc_names *z, const char *name,
		     uint8_t key[32]);
/* Withdraws endpoint @name's key record at once: whether it had one. */
bool azc_names_drop_key(struct azc_names *z, const char *name);

/* When azc_names_expire() has work next: a time in ms, or -1. */
int64_t azc_names_deadline(const struct azc_names *z);
/* Removes the records whose grace ran out by @now; how many. */
unsigned int azc_names_expire(struct azc_names *z, int64_t now);

/* The current SOA serial, and the records held (for status and tests). */
uint32_t azc_names_serial(const struct azc_names *z);
size_t azc_names_count(const struct azc_names *z);

/*
 * Told of every change of the records served: @owner's RRset of @type
 * (AAAA, PTR or TXT; an ldns_rdf, lower case) was added to, deleted from, or
 * withdrawn at the end of a grace period. Called once per record, after
 * the change, from azc_names_handle() and azc_names_expire(); the hook
 * must not call back into @z's changing functions. It is how the changes
 * reach a primary name server (primary.h).
 */
typedef void azc_names_hook(void *ctx, const struct ldns_struct_rdf *owner,
			    uint16_t type);
void azc_names_set_hook(struct azc_names *z, azc_names_hook *hook,
			void *ctx);
/* The forward zone's apex, or the reverse zone's (ldns_rdf, lower case). */
const struct ldns_struct_rdf *azc_names_apex(const struct azc_names *z,
					     bool reverse);
/*
 * Copies of the endpoints' records served at @owner of @type at @now
 * (the fixed NS and SOA aside) appended to @out: 0 or -ENOMEM.
 */
int azc_names_rrset(struct azc_names *z, const struct ldns_struct_rdf *owner,
		    uint16_t type, int64_t now, struct ldns_struct_rr_list *out);

/*
 * ldns_wire2pkt() with the checks it lacks (at most one OPT and one TSIG,
 * RFC 6891 6.1.1, RFC 8945 5.1): 0, -EINVAL or -ENOMEM. @len is at least
 * a header's (12 bytes).
 */
int azc_dns_parse(const uint8_t *msg, size_t len,
		  struct ldns_struct_pkt **pkt);

#endif /* AZC_NAMES_H */
