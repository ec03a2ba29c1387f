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

#define AZCONNECT_ESP_HANDSHAKE_PORT	4500
#define AZCONNECT_SA_KEY_MAX_LEN	36
#define AZCONNECT_SA_MAX		1024

/**
 * enum azconnect_esp_mode - What an endpoint device does about clear text
 *   between endpoints. Packets with the relay itself (router and neighbor
 *   discovery, its name service, ping) never use ESP, whatever the mode.
 * @AZCONNECT_ESP_MODE_OFF: ESP where an SA exists: a packet to another
 *   endpoint for which the device has a transmit SA is sent as ESP, one
 *   without goes in clear text; clear text from other endpoints is accepted.
 *   The mode of a new device.
 * @AZCONNECT_ESP_MODE_REQUIRED: Every packet between endpoints is ESP, except
 *   the key exchange (esp-handshake-port): one for a peer without a transmit
 *   SA waits (a few packets per peer, for 3 seconds) and the owner is asked
 *   for an SA (sa-acquire-ntf); clear text from another endpoint is dropped
 *   and counted (rx-esp-required).
 * @AZCONNECT_ESP_MODE_XFRM: The device neither encrypts nor decrypts between
 *   endpoints: ESP packets from other endpoints pass up to the stack for the
 *   kernel's own IPsec (XFRM), and packets to them leave as the stack made
 *   them, ESP or clear text; the device's own SAs are unused (no
 *   sa-acquire-ntf). For interoperating with, or testing against, another ESP
 *   implementation on the same host.
 */
enum azconnect_esp_mode {
	AZCONNECT_ESP_MODE_OFF,
	AZCONNECT_ESP_MODE_REQUIRED,
	AZCONNECT_ESP_MODE_XFRM,
};

/**
 * enum azconnect_sa_dir - Direction of a security association.
 * @AZCONNECT_SA_DIR_IN: Receive, found by its SPI.
 * @AZCONNECT_SA_DIR_OUT: Transmit, found by the peer's address.
 */
enum azconnect_sa_dir {
	AZCONNECT_SA_DIR_IN,
	AZCONNECT_SA_DIR_OUT,
};

/**
 * enum azconnect_sa_cipher - The AEAD of an SA, always as RFC 4106 (AES-GCM in
 *   ESP, 16-byte ICV, 8-byte explicit IV) with 64-bit extended sequence
 *   numbers.
 * @AZCONNECT_SA_CIPHER_AES_GCM_128: AES-128-GCM; the key is 16 bytes of key
 *   and 4 of salt.
 * @AZCONNECT_SA_CIPHER_AES_GCM_256: AES-256-GCM; the key is 32 bytes of key
 *   and 4 of salt.
 */
enum azconnect_sa_cipher {
	AZCONNECT_SA_CIPHER_AES_GCM_128,
	AZCONNECT_SA_CIPHER_AES_GCM_256,
};

/**
 * enum azconnect_sa_expire - Which lifetime of an SA ran out, in
 *   sa-expire-ntf.
 * @AZCONNECT_SA_EXPIRE_SOFT: A soft limit: the SA still works; time to make
 *   its successor.
 * @AZCONNECT_SA_EXPIRE_HARD: A hard limit; the SA is gone, deleted by the
 *   kernel.
 */
enum azconnect_sa_expire {
	AZCONNECT_SA_EXPIRE_SOFT,
	AZCONNECT_SA_EXPIRE_HARD,
};

/**
 * enum azconnect_sa_limit - The limit that ran out, in sa-expire-ntf.
 * @AZCONNECT_SA_LIMIT_PACKETS: The soft-packets or hard-packets limit.
 * @AZCONNECT_SA_LIMIT_BYTES: The soft-bytes or hard-bytes limit.
 * @AZCONNECT_SA_LIMIT_SECONDS: The soft-seconds or hard-seconds limit.
 * @AZCONNECT_SA_LIMIT_SEQ: The sequence numbers of a transmit SA: soft at
 *   seq-soft, hard when none is left (2^64 - 1 sent).
 */
enum azconnect_sa_limit {
	AZCONNECT_SA_LIMIT_PACKETS,
	AZCONNECT_SA_LIMIT_BYTES,
	AZCONNECT_SA_LIMIT_SECONDS,
	AZCONNECT_SA_LIMIT_SEQ,
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
	AZCONNECT_A_DEV_ESP,

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
	AZCONNECT_A_LINK_RX_ESP_MALFORMED,
	AZCONNECT_A_LINK_RX_ESP_BAD_ICV,
	AZCONNECT_A_LINK_RX_ESP_UNKNOWN_SPI,
	AZCONNECT_A_LINK_RX_ESP_REPLAY,
	AZCONNECT_A_LINK_RX_ESP_REQUIRED,
	AZCONNECT_A_LINK_TX_ESP_NO_SA,
	AZCONNECT_A_LINK_TX_ESP_SEQ_EXHAUSTED,

	__AZCONNECT_A_LINK_MAX,
	AZCONNECT_A_LINK_MAX = (__AZCONNECT_A_LINK_MAX - 1)
};

enum {
	AZCONNECT_A_SA_DIR = 1,
	AZCONNECT_A_SA_SPI,
	AZCONNECT_A_SA_PEER,
	AZCONNECT_A_SA_CIPHER,
	AZCONNECT_A_SA_KEY,
	AZCONNECT_A_SA_SOFT_PACKETS,
	AZCONNECT_A_SA_HARD_PACKETS,
	AZCONNECT_A_SA_SOFT_BYTES,
	AZCONNECT_A_SA_HARD_BYTES,
	AZCONNECT_A_SA_SOFT_SECONDS,
	AZCONNECT_A_SA_HARD_SECONDS,
	AZCONNECT_A_SA_SEQ_SOFT,
	AZCONNECT_A_SA_AGE,
	AZCONNECT_A_SA_PACKETS,
	AZCONNECT_A_SA_BYTES,
	AZCONNECT_A_SA_REPLAY_DROPS,
	AZCONNECT_A_SA_BAD_ICV_DROPS,
	AZCONNECT_A_SA_SEQ,
	AZCONNECT_A_SA_EXPIRE,
	AZCONNECT_A_SA_LIMIT,
	AZCONNECT_A_SA_PAD,

	__AZCONNECT_A_SA_MAX,
	AZCONNECT_A_SA_MAX = (__AZCONNECT_A_SA_MAX - 1)
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
	AZCONNECT_A_SA,

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
	AZCONNECT_CMD_SA_NEW,
	AZCONNECT_CMD_SA_DEL,
	AZCONNECT_CMD_SA_GET,
	AZCONNECT_CMD_SA_EXPIRE_NTF,
	AZCONNECT_CMD_SA_ACQUIRE_NTF,

	__AZCONNECT_CMD_MAX,
	AZCONNECT_CMD_MAX = (__AZCONNECT_CMD_MAX - 1)
};

#define AZCONNECT_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_AZCONNECT_H */
