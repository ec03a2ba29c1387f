/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * End-to-end ESP keying for the life of a session (issue 11): a thread
 * that keys one SA each way with every other endpoint this one talks to,
 * by the three-message Noise IK exchange of lib/noise/keyx.h over UDP on
 * the overlay (port AZCONNECT_ESP_HANDSHAKE_PORT, 4500, which the module
 * leaves in clear text), and installs the SAs in the device (sa-new).
 *
 *   - The device is set "esp required": a packet to a peer without a
 *     transmit SA waits in the module, which asks for one
 *     (sa-acquire-ntf); the thread then initiates.
 *   - Each side checks the other's static key against the name service
 *     (peerkey.h: TXT at the reverse name of its overlay address) before
 *     it sends message 1 (initiator) or answers one (responder). A key
 *     that differs from what the name service publishes is refused and
 *     logged, as is a replayed message 1 (its timestamp).
 *   - The responder installs its receive SA before it answers, the
 *     initiator its receive SA and then its transmit SA once it has the
 *     answer, and the responder its transmit SA at the confirm: no side
 *     sends on an SA the other cannot yet receive on.
 *   - Rekey: the transmit SAs carry soft limits (time, packets, bytes,
 *     sequence numbers) under their hard ones; the module's soft
 *     sa-expire-ntf starts a new exchange. The new transmit SA replaces
 *     the old one at once; an old receive SA goes once the new one has
 *     carried packets and it has carried none for a second.
 *   - Simultaneous initiations: the endpoint with the lower overlay
 *     address yields and answers the other's.
 *   - The SAs it installed are deleted when the session ends, and those
 *     a dead session left are deleted when the next one starts.
 *
 * Nothing blocks the thread on a peer: name service lookups are
 * non-blocking UDP queries with a deadline; every handshake has one.
 */

#ifndef AZC_KEYD_H
#define AZC_KEYD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#define AZC_KEYD_REKEY_DEFAULT	1800	/* seconds */
#define AZC_KEYD_REKEY_MIN	2
#define AZC_KEYD_REKEY_MAX	86400
#define AZC_KEYD_PEERS_MAX	512
#define AZC_KEYD_TRIES		5	/* message 1 sends per handshake */

struct azc_keyd_rt;

struct azc_keyd {
	bool on;			/* esp required: keying runs */
	unsigned int rekey;		/* seconds */
	uint32_t cipher;		/* AZCONNECT_SA_CIPHER_* */
	uint8_t priv[32], pub[32];	/* the endpoint's static key */
	pthread_t th;
	bool thread;
	int kick;			/* eventfd: news for the thread */
	int news;			/* eventfd: the counters below moved */
	pthread_mutex_t mu;
	/* Under mu */
	bool stop, changed;
	uint32_t ifindex;		/* 0: no device yet */
	struct in6_addr self, ns;	/* our overlay address, name service */
	unsigned int peers, sas;
	uint64_t handshakes, refused, failed;
	char msg[320];			/* the last failure or refusal */
};

/*
 * Starts keying with the static key @priv (copied; wiped at stop) when
 * d->on; otherwise it only makes sure the device is "esp off". Call
 * after any fork(). A failure is said and leaves ESP off.
 */
void azc_keyd_start(struct azc_keyd *d, const uint8_t priv[32]);
/* The device @ifindex, our overlay address @self, the name service @ns. */
void azc_keyd_set(struct azc_keyd *d, uint32_t ifindex,
		  const struct in6_addr *self, const struct in6_addr *ns);
/* "esp_*=" lines for the state file. */
void azc_keyd_print(struct azc_keyd *d, FILE *f);
/* Stops the thread and deletes the SAs it installed; idempotent. */
void azc_keyd_stop(struct azc_keyd *d);

#endif /* AZC_KEYD_H */
