// SPDX-License-Identifier: GPL-2.0-only
/* The session engine after the hand-off (see kframe.h). */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "uapi/azconnect.h"
#include "kframe.h"
#include "sess_priv.h"

int azc_kframe_pending(struct azc_sess *s, const uint8_t *unread,
		       size_t unread_len, const uint8_t *tls, size_t tls_len,
		       uint8_t **out, size_t *out_len)
{
	const uint8_t *rx;
	size_t rx_len = azc_sess_take_pending(s, &rx);
	size_t n = rx_len + unread_len + tls_len;
	uint8_t *p;

	*out = NULL;
	*out_len = 0;
	if (n > AZCONNECT_PENDING_MAX_LEN)
		return -E2BIG;
	if (!n)
		return 0;
	p = malloc(n);
	if (!p)
		return -ENOMEM;
	memcpy(p, rx, rx_len);
	if (unread_len)
		memcpy(p + rx_len, unread, unread_len);
	if (tls_len)
		memcpy(p + rx_len + unread_len, tls, tls_len);
	*out = p;
	*out_len = n;
	return 0;
}

int azc_kframe_start(struct azc_kframe *k, struct azc_sess *s,
		     azc_kframe_send_fn send, void *ctx)
{
	k->sess = s;
	k->send = send;
	k->ctx = ctx;
	s->stopped = false;
	return azc_kframe_flush(k);
}

/* One SSTP packet of @len bytes at @p to the kernel. */
static int azc_kframe_send_packet(struct azc_kframe *k, const uint8_t *p,
				  size_t len)
{
	if (p[1] & 0x01)
		return k->send(k->ctx, AZCONNECT_CTRL_KIND_SSTP, p, len);
	return k->send(k->ctx, AZCONNECT_CTRL_KIND_PPP, p + AZC_SSTP_HDR_LEN,
		       len - AZC_SSTP_HDR_LEN);
}

int azc_kframe_flush(struct azc_kframe *k)
{
	const uint8_t *p;
	size_t len;
	int need, err, ret = 0;

	for (;;) {
		p = azc_sess_out_peek(k->sess, &len);
		if (!len)
			return ret;
		need = azc_sstp_frame_need(p, len);
		if (need <= AZC_SSTP_HDR_LEN || (size_t)need > len) {
			/* Never a partial packet: the engine writes whole ones. */
			azc_sess_out_consume(k->sess, len);
			return -EPROTO;
		}
		err = azc_kframe_send_packet(k, p, (size_t)need);
		if (!ret)
			ret = err;
		azc_sess_out_consume(k->sess, (size_t)need);
	}
}

/* Feeds @len bytes at @p, flushing whenever the engine waits for room. */
static int azc_kframe_feed(struct azc_kframe *k, const uint8_t *p,
			   size_t len, int64_t now_ms)
{
	size_t used = 0;
	ssize_t n;
	int ret = 0;

	while (used < len) {
		n = azc_sess_input(k->sess, p + used, len - used, now_ms);
		used += (size_t)n;
		ret = azc_kframe_flush(k);
		if (!n)
			break;	/* the session ended */
	}
	return ret;
}

int azc_kframe_input(struct azc_kframe *k, uint32_t kind,
		     const uint8_t *frame, size_t len, int64_t now_ms)
{
	uint8_t pkt[AZC_SSTP_MAX_LEN];

	switch (kind) {
	case AZCONNECT_CTRL_KIND_SSTP:
		if (len < AZC_SSTP_HDR_LEN ||
		    azc_sstp_frame_need(frame, len) != (int)len)
			return -EINVAL;
		return azc_kframe_feed(k, frame, len, now_ms);
	case AZCONNECT_CTRL_KIND_PPP:
		if (azc_sstp_enc_data_hdr(pkt, sizeof(pkt), len) < 0)
			return -EINVAL;
		memcpy(pkt + AZC_SSTP_HDR_LEN, frame, len);
		return azc_kframe_feed(k, pkt, AZC_SSTP_HDR_LEN + len, now_ms);
	}
	return -EINVAL;
}

int azc_kframe_tick(struct azc_kframe *k, int64_t now_ms)
{
	azc_sess_tick(k->sess, now_ms);
	return azc_kframe_flush(k);
}

uint32_t azc_kframe_down_reason(const struct azc_sess *s)
{
	const struct azc_sess_error *e = azc_sess_error(s);

	switch (e ? e->code : AZC_SESS_E_NONE) {
	case AZC_SESS_E_ECHO_TIMEOUT:
		return AZCONNECT_LINK_DOWN_REASON_KEEPALIVE_TIMEOUT;
	case AZC_SESS_E_FRAMING:
	case AZC_SESS_E_PROTOCOL:
		return AZCONNECT_LINK_DOWN_REASON_PROTOCOL_ERROR;
	default:
		return AZCONNECT_LINK_DOWN_REASON_USERSPACE;
	}
}
