/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	docs/netlink/azconnect.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_AZCONNECT_H
#define _UAPI_LINUX_AZCONNECT_H

#define AZCONNECT_FAMILY_NAME		"azconnect"
#define AZCONNECT_FAMILY_VERSION	1

#define AZCONNECT_SSTP_MAX_LEN		4095
#define AZCONNECT_PENDING_MAX_LEN	24576
#define AZCONNECT_IID_LEN		8
#define AZCONNECT_LINK_KIND		"azconnect"

/**
 * enum azconnect_dev_mode - Role of a device in the private network.
 * @AZCONNECT_DEV_MODE_ENDPOINT: A host of the private network: the device has
 *   at most one link, to the relay, and every packet it sends takes that link.
 *   The mode of a new device unless rtnetlink says otherwise.
 * @AZCONNECT_DEV_MODE_RELAY: The relay between endpoints: the device has one
 *   link per endpoint and forwards each packet to the link whose peer-addr is
 *   the packet's destination.
 */
enum azconnect_dev_mode {
	AZCONNECT_DEV_MODE_ENDPOINT,
	AZCONNECT_DEV_MODE_RELAY,

	/* private: */
	__AZCONNECT_DEV_MODE_MAX,
	AZCONNECT_DEV_MODE_MAX = (__AZCONNECT_DEV_MODE_MAX - 1)
};

/**
 * enum azconnect_link_state - State of a link.
 * @AZCONNECT_LINK_STATE_UP: The link carries packets.
 * @AZCONNECT_LINK_STATE_DOWN: The link is being removed; it carries nothing
 *   more. Seen in link-del-ntf and by a link-get that races with the removal.
 */
enum azconnect_link_state {
	AZCONNECT_LINK_STATE_UP,
	AZCONNECT_LINK_STATE_DOWN,
};

/**
 * enum azconnect_link_down_reason - Why a link went down, in link-del-ntf.
 * @AZCONNECT_LINK_DOWN_REASON_USERSPACE: Deleted by user space: a link-del, or
 *   the owner of the link closed its netlink socket.
 * @AZCONNECT_LINK_DOWN_REASON_TEARDOWN: The device is going away: it was
 *   deleted, its network namespace was dismantled or the module was unloaded.
 * @AZCONNECT_LINK_DOWN_REASON_PEER_CLOSED: The peer closed the connection in
 *   order, with a TLS close_notify.
 * @AZCONNECT_LINK_DOWN_REASON_TRANSPORT_ERROR: The TCP connection failed
 *   (reset, retransmission time-out).
 * @AZCONNECT_LINK_DOWN_REASON_TLS_ALERT: The TLS layer failed: a fatal alert
 *   from the peer, or a record that did not authenticate.
 * @AZCONNECT_LINK_DOWN_REASON_KEEPALIVE_TIMEOUT: Nothing was heard from the
 *   peer for too long, not even an answer to an echo request.
 * @AZCONNECT_LINK_DOWN_REASON_PROTOCOL_ERROR: The peer broke the framing that
 *   the kernel checks: an SSTP packet with a wrong version or length, or a
 *   data packet that is not a PPP frame; also the bytes given in link-new's
 *   pending when they turn out not to start an SSTP packet, and a TLS record
 *   that is neither data, an alert nor a handshake message.
 * @AZCONNECT_LINK_DOWN_REASON_SEND_TIMEOUT: The peer took nothing of what the
 *   link had to send for 30 seconds (its TCP receive window stayed closed): a
 *   peer that stopped reading may not hold the relay's resources.
 * @AZCONNECT_LINK_DOWN_REASON_TRUNCATED: The TCP connection ended (FIN)
 *   without a TLS close_notify: the peer or something on the path cut it,
 *   perhaps in the middle of a packet.
 * @AZCONNECT_LINK_DOWN_REASON_TLS_HANDSHAKE: A TLS handshake message after the
 *   hand-off that kernel TLS cannot follow: a TLS 1.3 KeyUpdate (the peer's
 *   next records use new keys) or a renegotiation. NewSessionTicket messages
 *   are ignored.
 * @AZCONNECT_LINK_DOWN_REASON_REPLACED: Deleted by user space because a new
 *   session of the same peer replaced it (the peer reconnected before this
 *   link went down).
 * @AZCONNECT_LINK_DOWN_REASON_REVOKED: Deleted by user space because the peer
 *   may no longer connect (its account was removed or its credentials
 *   changed).
 */
enum azconnect_link_down_reason {
	AZCONNECT_LINK_DOWN_REASON_USERSPACE,
	AZCONNECT_LINK_DOWN_REASON_TEARDOWN,
	AZCONNECT_LINK_DOWN_REASON_PEER_CLOSED,
	AZCONNECT_LINK_DOWN_REASON_TRANSPORT_ERROR,
	AZCONNECT_LINK_DOWN_REASON_TLS_ALERT,
	AZCONNECT_LINK_DOWN_REASON_KEEPALIVE_TIMEOUT,
	AZCONNECT_LINK_DOWN_REASON_PROTOCOL_ERROR,
	AZCONNECT_LINK_DOWN_REASON_SEND_TIMEOUT,
	AZCONNECT_LINK_DOWN_REASON_TRUNCATED,
	AZCONNECT_LINK_DOWN_REASON_TLS_HANDSHAKE,
	AZCONNECT_LINK_DOWN_REASON_REPLACED,
	AZCONNECT_LINK_DOWN_REASON_REVOKED,
};

/**
 * enum azconnect_ctrl_kind - Kind of control frame exchanged with user space.
 * @AZCONNECT_CTRL_KIND_SSTP: An SSTP control packet, 4-byte SSTP header
 *   included (version 1.0, C bit set, length equal to the frame's length):
 *   echo request and response, call abort, call disconnect and its
 *   acknowledgment.
 * @AZCONNECT_CTRL_KIND_PPP: A PPP frame that is not IPv6 data, as carried in
 *   an SSTP data packet but without the SSTP header, which the kernel adds or
 *   strips: address and control (0xff 0x03), protocol and information. LCP,
 *   authentication (PAP, CHAP, EAP), IPV6CP and any other protocol that user
 *   space may have to reject. At most sstp-max-len - 4 bytes.
 */
enum azconnect_ctrl_kind {
	AZCONNECT_CTRL_KIND_SSTP,
	AZCONNECT_CTRL_KIND_PPP,
};

enum {
	AZCONNECT_A_DEV_IFINDEX = 1,
	AZCONNECT_A_DEV_IFNAME,
	AZCONNECT_A_DEV_MODE,
	AZCONNECT_A_DEV_MTU,
	AZCONNECT_A_DEV_CARRIER,
	AZCONNECT_A_DEV_LINKS,
	AZCONNECT_A_DEV_RX_PACKETS,
	AZCONNECT_A_DEV_RX_BYTES,
	AZCONNECT_A_DEV_RX_ERRORS,
	AZCONNECT_A_DEV_RX_DROPPED,
	AZCONNECT_A_DEV_TX_PACKETS,
	AZCONNECT_A_DEV_TX_BYTES,
	AZCONNECT_A_DEV_TX_ERRORS,
	AZCONNECT_A_DEV_TX_DROPPED,
	AZCONNECT_A_DEV_PAD,

	__AZCONNECT_A_DEV_MAX,
	AZCONNECT_A_DEV_MAX = (__AZCONNECT_A_DEV_MAX - 1)
};

enum {
	AZCONNECT_A_LINK_ID = 1,
	AZCONNECT_A_LINK_SOCKET,
	AZCONNECT_A_LINK_PENDING,
	AZCONNECT_A_LINK_LOCAL_IID,
	AZCONNECT_A_LINK_PEER_IID,
	AZCONNECT_A_LINK_PEER_ADDR,
	AZCONNECT_A_LINK_MRU,
	AZCONNECT_A_LINK_STATE,
	AZCONNECT_A_LINK_DOWN_REASON,
	AZCONNECT_A_LINK_RX_PACKETS,
	AZCONNECT_A_LINK_RX_BYTES,
	AZCONNECT_A_LINK_RX_ERRORS,
	AZCONNECT_A_LINK_RX_DROPPED,
	AZCONNECT_A_LINK_TX_PACKETS,
	AZCONNECT_A_LINK_TX_BYTES,
	AZCONNECT_A_LINK_TX_DROPPED,
	AZCONNECT_A_LINK_PAD,
	AZCONNECT_A_LINK_LAST_ERROR,
	AZCONNECT_A_LINK_RX_BAD_SSTP,
	AZCONNECT_A_LINK_RX_BAD_PPP,
	AZCONNECT_A_LINK_RX_BAD_IPV6,
	AZCONNECT_A_LINK_RX_SPOOFED,
	AZCONNECT_A_LINK_RX_DEV_DOWN,
	AZCONNECT_A_LINK_RX_NOMEM,
	AZCONNECT_A_LINK_RX_CTRL_LOST,
	AZCONNECT_A_LINK_TX_TOO_BIG,
	AZCONNECT_A_LINK_TX_QUEUE_FULL,
	AZCONNECT_A_LINK_TX_NOMEM,
	AZCONNECT_A_LINK_TX_LINK_DOWN,
	AZCONNECT_A_LINK_TX_SEND_ERROR,
	AZCONNECT_A_LINK_RX_OUTSIDE,
	AZCONNECT_A_LINK_RX_LOCAL_REFUSED,

	__AZCONNECT_A_LINK_MAX,
	AZCONNECT_A_LINK_MAX = (__AZCONNECT_A_LINK_MAX - 1)
};

enum {
	AZCONNECT_A_CTRL_LINK_ID = 1,
	AZCONNECT_A_CTRL_KIND,
	AZCONNECT_A_CTRL_FRAME,

	__AZCONNECT_A_CTRL_MAX,
	AZCONNECT_A_CTRL_MAX = (__AZCONNECT_A_CTRL_MAX - 1)
};

enum {
	AZCONNECT_A_IFINDEX = 1,
	AZCONNECT_A_IFNAME,
	AZCONNECT_A_DEV,
	AZCONNECT_A_LINK,
	AZCONNECT_A_CTRL,

	__AZCONNECT_A_MAX,
	AZCONNECT_A_MAX = (__AZCONNECT_A_MAX - 1)
};

enum {
	IFLA_AZCONNECT_UNSPEC,
	IFLA_AZCONNECT_MODE,

	__IFLA_AZCONNECT_MAX,
	IFLA_AZCONNECT_MAX = (__IFLA_AZCONNECT_MAX - 1)
};

enum {
	AZCONNECT_CMD_DEV_GET = 1,
	AZCONNECT_CMD_DEV_SET,
	AZCONNECT_CMD_LINK_NEW,
	AZCONNECT_CMD_LINK_DEL,
	AZCONNECT_CMD_LINK_GET,
	AZCONNECT_CMD_LINK_DEL_NTF,
	AZCONNECT_CMD_CTRL_SEND,
	AZCONNECT_CMD_CTRL_NTF,

	__AZCONNECT_CMD_MAX,
	AZCONNECT_CMD_MAX = (__AZCONNECT_CMD_MAX - 1)
};

#define AZCONNECT_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_AZCONNECT_H */
