/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A peer endpoint's public key from the relay's name service (issue 11),
 * for the handshake's responder, which knows only the initiator's source
 * overlay address: one query, TXT at the reverse name of that address,
 * whose record lib/noise/keyrec.h describes. Over UDP to the name service
 * on the overlay, and over TCP when the answer comes truncated; bounded by
 * a time limit, never longer.
 *
 * The query and the answer are pure (azc_peerkey_query, azc_peerkey_answer)
 * and unit-tested; azc_peerkey_lookup does the I/O. Errors:
 *   -ENOENT      no key published for that address (NXDOMAIN or NODATA)
 *   -EBADMSG     a record there claims to be a key and is not well-formed
 *                (or a low-order point)
 *   -ENOTUNIQ    more than one key: none is trusted
 *   -EREMOTEIO   the name service answered with another error (REFUSED,
 *                SERVFAIL...)
 *   -EPROTO      the answer is not one to the query (id, question, flags)
 *                or does not parse
 *   -ETIMEDOUT   no answer in time; other -errno from the sockets
 * Each with a sentence in @err.
 */

#ifndef AZC_PEERKEY_H
#define AZC_PEERKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define AZC_PEERKEY_TIMEOUT_MS	3000
#define AZC_PEERKEY_MSG_MAX	65535

/* The query for @peer's key with @id, in wire form (malloc'd): 0 or -ENOMEM. */
int azc_peerkey_query(const struct in6_addr *peer, uint16_t id,
		      uint8_t **wire, size_t *len);

/*
 * The key (32 bytes) the answer @msg (@len bytes) to the query for @peer
 * with @id gives: 0 or an error above. *@truncated is set when the answer
 * came with TC and no key: then ask again over TCP.
 */
int azc_peerkey_answer(const uint8_t *msg, size_t len, uint16_t id,
		       const struct in6_addr *peer, uint8_t key[32],
		       bool *truncated, char *err, size_t errlen);

/*
 * Asks the name service at @server (port included) for @peer's key, in
 * at most @timeout_ms (<= 0: AZC_PEERKEY_TIMEOUT_MS): 0 or an error above.
 */
int azc_peerkey_lookup(const struct in6_addr *peer,
		       const struct sockaddr_in6 *server, int timeout_ms,
		       uint8_t key[32], char *err, size_t errlen);

#endif /* AZC_PEERKEY_H */
