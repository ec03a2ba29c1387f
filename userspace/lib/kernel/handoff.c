// SPDX-License-Identifier: GPL-2.0-only
/* The hand-off of a negotiated session to the kernel (see handoff.h). */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/kframe.h"
#include "handoff.h"
#include "nllink.h"

int azc_handoff(struct azc_nl *nl, uint32_t ifindex, struct azc_sess *sess,
		struct azc_tls *tls, const uint8_t *unread, size_t unread_len,
		const struct in6_addr *peer_addr, uint32_t *link_id,
		char *err, size_t errlen)
{
	const struct azc_sess_info *i = azc_sess_info(sess);
	struct azc_link_params p = {
		.local_iid = i->local_iid,
		.peer_iid = i->peer_iid,
		.peer_addr = peer_addr,
		.mru = i->peer_mru,
	};
	struct azc_tls_handoff h;
	uint8_t *pend;
	int ret;

	ret = azc_tls_handoff(tls, &h);
	if (ret) {
		snprintf(err, errlen, "hand-off refused: %s",
			 azc_tls_error(tls));
		return ret;
	}
	ret = azc_kframe_pending(sess, unread, unread_len, h.pending,
				 h.pending_len, &pend, &p.pending_len);
	free(h.pending);
	if (ret) {
		snprintf(err, errlen, "hand-off: the bytes read past the session: %s",
			 strerror(-ret));
		return ret;
	}
	p.sockfd = h.fd;
	p.pending = pend;
	ret = azc_link_new(nl, ifindex, &p, link_id);
	free(pend);
	if (ret)
		snprintf(err, errlen, "link-new: %s%s%s", strerror(-ret),
			 nl->extack[0] ? ": " : "", nl->extack);
	return ret;
}
