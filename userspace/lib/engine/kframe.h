/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The session engine after the hand-off: the kernel owns the TLS stream
 * and carries IPv6 itself, and the control frames go between the engine
 * and the kernel over generic netlink (ctrl-send, ctrl-ntf) instead of
 * the socket.
 *
 * Out: the engine still produces a stream of SSTP packets
 * (azc_sess_out_peek()); each control packet is sent with kind sstp, as
 * it is, and each data packet (a PPP control frame: LCP echo, terminate,
 * IPV6CP, Protocol-Reject) with kind ppp, its 4-byte SSTP header removed.
 * In: a kind sstp frame is fed to the engine as it is, a kind ppp frame
 * behind a 4-byte SSTP data header.
 *
 *	cfg.handoff = true; ... negotiate until azc_sess_state() is CONNECTED
 *	azc_kframe_pending(s, unread, unread_len, tls_pending, ...)
 *	link-new with the socket and those bytes, then
 *	azc_kframe_start(&k, s, send, ctx);
 *	on ctrl-ntf: azc_kframe_input(); at the deadline: azc_kframe_tick()
 */

#ifndef AZC_KFRAME_H
#define AZC_KFRAME_H

#include <stddef.h>
#include <stdint.h>

#include "sess.h"

/* Sends one frame (ctrl-send); 0 or a negative errno. */
typedef int (*azc_kframe_send_fn)(void *ctx, uint32_t kind,
				  const uint8_t *frame, size_t len);

struct azc_kframe {
	struct azc_sess *sess;
	azc_kframe_send_fn send;
	void *ctx;
};

/*
 * The stream past the last frame the engine handled, for link-new's
 * pending: the engine's unparsed bytes (azc_sess_take_pending()), then
 * @unread (read from TLS, not consumed by the engine), then @tls (what
 * the TLS layer had buffered, azc_tls_handoff()). Into @out (malloc()ed,
 * NULL when empty). 0, -E2BIG over AZCONNECT_PENDING_MAX_LEN, -ENOMEM.
 */
int azc_kframe_pending(struct azc_sess *s, const uint8_t *unread,
		       size_t unread_len, const uint8_t *tls, size_t tls_len,
		       uint8_t **out, size_t *out_len);

/*
 * The link is up: the engine, stopped at CONNECTED for the hand-off,
 * runs again (timers, control frames); its pending output is sent.
 */
int azc_kframe_start(struct azc_kframe *k, struct azc_sess *s,
		     azc_kframe_send_fn send, void *ctx);

/*
 * Sends everything the engine has produced. 0, -EPROTO when the output
 * is not a sequence of SSTP packets, or the first send's error (a frame
 * that failed is dropped: control frames are retried by the protocols).
 */
int azc_kframe_flush(struct azc_kframe *k);

/* A ctrl-ntf frame into the engine, then its answers out. */
int azc_kframe_input(struct azc_kframe *k, uint32_t kind,
		     const uint8_t *frame, size_t len, int64_t now_ms);

/* The engine's timers, then its output. */
int azc_kframe_tick(struct azc_kframe *k, int64_t now_ms);

/*
 * The down-reason for link-del once the session ended: keepalive-timeout
 * when its echoes went unanswered, protocol-error when the peer broke
 * SSTP, userspace otherwise.
 */
uint32_t azc_kframe_down_reason(const struct azc_sess *s);

#endif /* AZC_KFRAME_H */
