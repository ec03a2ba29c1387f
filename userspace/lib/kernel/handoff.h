/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hand-off, the same steps for both programs: when the session engine
 * stopped at CONNECTED, the TLS connection goes to the kernel as a new
 * link with kTLS on both ways, with every byte of the stream already read
 * past the last negotiated frame (what OpenSSL had decrypted, what the
 * engine buffered, what the caller read and did not feed) so that the
 * kernel's parser starts exactly where the engine stopped.
 */

#ifndef AZC_HANDOFF_H
#define AZC_HANDOFF_H

#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>

#include "engine/sess.h"
#include "nl.h"
#include "tls/tls.h"

#define AZC_HANDOFF_ERR_LEN	512

/*
 * link-new on @ifindex, owned by @nl's socket, for @sess (CONNECTED, with
 * handoff) over @tls; @unread is what the caller read and did not feed to
 * the engine; @peer_addr is the endpoint's overlay address on a relay,
 * NULL on an endpoint. The link's id goes to @link_id. 0, or -errno with
 * "what failed: why" in @err; the caller still owns and frees @tls.
 */
int azc_handoff(struct azc_nl *nl, uint32_t ifindex, struct azc_sess *sess,
		struct azc_tls *tls, const uint8_t *unread, size_t unread_len,
		const struct in6_addr *peer_addr, uint32_t *link_id,
		char *err, size_t errlen);

#endif /* AZC_HANDOFF_H */
