// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kTLS socket under a link: checks at hand-off, the socket callbacks
 * that wake the receive worker, and receive and send.
 */

#include <linux/file.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/tcp.h>
#include <linux/tls.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tls.h>

#include "compat.h"
#include "link.h"
#include "socket.h"

/* Takes a reference on the file behind @fd; azc_link_put() drops it. */
struct socket *azc_sock_lookup(int fd, struct netlink_ext_ack *extack)
{
	struct socket *sock;
	struct sock *sk;
	int err;

	sock = sockfd_lookup(fd, &err);
	if (!sock) {
		NL_SET_ERR_MSG(extack, "socket is not a socket descriptor of the caller");
		return ERR_PTR(err);
	}
	sk = sock->sk;
	if (sk->sk_type != SOCK_STREAM || sk->sk_protocol != IPPROTO_TCP ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6)) {
		NL_SET_ERR_MSG(extack, "the socket is not a TCP socket");
		sockfd_put(sock);
		return ERR_PTR(-EPROTOTYPE);
	}
	return sock;
}

/* Name of the ULP on @sk, or NULL; the caller holds the socket lock. */
static const char *azc_sock_ulp(struct sock *sk)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);

	return icsk->icsk_ulp_ops ? icsk->icsk_ulp_ops->name : NULL;
}

static bool azc_tls_conf_on(u8 conf)
{
	return conf == TLS_SW || conf == TLS_HW;
}

static struct azc_link *azc_sock_link(struct sock *sk)
{
	return rcu_dereference_sk_user_data(sk);
}

/*
 * kTLS's own data_ready runs first and drives its record parser; the
 * receive worker then asks for whole records without blocking.
 */
static void azc_sock_data_ready(struct sock *sk)
{
	void (*saved)(struct sock *sk) = NULL;
	struct azc_link *link;

	rcu_read_lock();
	link = azc_sock_link(sk);
	if (link) {
		saved = link->saved_data_ready;
		saved(sk);
		if (azc_link_is_up(link))
			queue_work(azc_wq, &link->rx_work);
	}
	rcu_read_unlock();
}

static void azc_sock_state_change(struct sock *sk)
{
	struct azc_link *link;

	rcu_read_lock();
	link = azc_sock_link(sk);
	if (link) {
		link->saved_state_change(sk);
		if (azc_link_is_up(link))
			queue_work(azc_wq, &link->rx_work);
	}
	rcu_read_unlock();
}

/*
 * Room in the send buffer again: kTLS's own callback pushes its pending
 * records first, then the transmit worker goes on where it stopped. Not
 * on every ACK while the buffer is still short of room: the socket stays
 * marked SOCK_NOSPACE, so a later ACK calls again.
 */
static void azc_sock_write_space(struct sock *sk)
{
	struct azc_link *link;

	rcu_read_lock();
	link = azc_sock_link(sk);
	if (link) {
		link->saved_write_space(sk);
		if (azc_link_is_up(link) && sk_stream_is_writeable(sk))
			queue_work(azc_wq, &link->tx_work);
	}
	rcu_read_unlock();
}

static void azc_sock_error_report(struct sock *sk)
{
	struct azc_link *link;

	rcu_read_lock();
	link = azc_sock_link(sk);
	if (link) {
		link->saved_error_report(sk);
		if (azc_link_is_up(link))
			queue_work(azc_wq, &link->rx_work);
	}
	rcu_read_unlock();
}

/*
 * Check that the socket is an established TCP connection with kTLS on for
 * both directions and no other kernel user, then take over its callbacks.
 */
int azc_sock_attach(struct azc_link *link, struct netlink_ext_ack *extack)
{
	struct sock *sk = link->cfg.sock->sk;
	const struct tls_context *tls;
	const char *ulp;
	int ret = 0;

	lock_sock(sk);
	if (sk->sk_state != TCP_ESTABLISHED) {
		NL_SET_ERR_MSG(extack, "the TCP connection is not established");
		ret = -ENOTCONN;
		goto out;
	}
	ulp = azc_sock_ulp(sk);
	if (!ulp || strcmp(ulp, "tls")) {
		NL_SET_ERR_MSG(extack, "kernel TLS is not active on the socket");
		ret = -EINVAL;
		goto out;
	}
	tls = tls_get_ctx(sk);
	if (!azc_tls_conf_on(tls->tx_conf)) {
		NL_SET_ERR_MSG(extack, "kernel TLS is not active for transmit (TLS_TX)");
		ret = -EINVAL;
		goto out;
	}
	if (!azc_tls_conf_on(tls->rx_conf)) {
		NL_SET_ERR_MSG(extack, "kernel TLS is not active for receive (TLS_RX)");
		ret = -EINVAL;
		goto out;
	}
	write_lock_bh(&sk->sk_callback_lock);
	if (rcu_access_pointer(__sk_user_data(sk))) {
		write_unlock_bh(&sk->sk_callback_lock);
		NL_SET_ERR_MSG(extack, "the socket carries a link or another kernel user");
		ret = -EBUSY;
		goto out;
	}
	link->saved_data_ready = sk->sk_data_ready;
	link->saved_state_change = sk->sk_state_change;
	link->saved_error_report = sk->sk_error_report;
	link->saved_write_space = sk->sk_write_space;
	rcu_assign_sk_user_data(sk, link);
	sk->sk_data_ready = azc_sock_data_ready;
	sk->sk_state_change = azc_sock_state_change;
	sk->sk_error_report = azc_sock_error_report;
	sk->sk_write_space = azc_sock_write_space;
	write_unlock_bh(&sk->sk_callback_lock);
out:
	release_sock(sk);
	/*
	 * Packets are sent as they come, a record each or several with
	 * MSG_MORE: Nagle would hold them for the peer's delayed ACK.
	 */
	if (!ret)
		tcp_sock_set_nodelay(sk);
	return ret;
}

/*
 * Give the socket its callbacks back (the link's teardown shuts the
 * connection down later). The caller waits for an RCU grace period before
 * it frees the link, as a callback may still run.
 */
void azc_sock_detach(struct azc_link *link)
{
	struct socket *sock = link->cfg.sock;
	struct sock *sk = sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	if (rcu_access_pointer(__sk_user_data(sk)) == link) {
		sk->sk_data_ready = link->saved_data_ready;
		sk->sk_state_change = link->saved_state_change;
		sk->sk_error_report = link->saved_error_report;
		sk->sk_write_space = link->saved_write_space;
		rcu_assign_sk_user_data(sk, NULL);
	}
	write_unlock_bh(&sk->sk_callback_lock);
}

/* Room for the one-byte TLS record type kTLS takes and gives as a cmsg. */
union azc_tls_type_cmsg {
	struct cmsghdr hdr;
	u8 buf[CMSG_SPACE(sizeof(u8))];
};

/*
 * Read what is ready, without blocking, from records of one content type;
 * @type gets it. Returns the bytes read, 0 at the end of the stream,
 * -EAGAIN when nothing is ready, or another negative errno.
 */
int azc_sock_recv(struct azc_link *link, void *buf, size_t len, u8 *type)
{
	union azc_tls_type_cmsg cmsg = {};
	struct msghdr msg = {
		.msg_control = &cmsg,
		.msg_controllen = sizeof(cmsg),
	};
	struct kvec iov = { .iov_base = buf, .iov_len = len };
	int ret;

	ret = kernel_recvmsg(link->cfg.sock, &msg, &iov, 1, len,
			     MSG_DONTWAIT | MSG_NOSIGNAL);
	if (ret <= 0)
		return ret;
	*type = AZC_TLS_DATA;
	if (cmsg.hdr.cmsg_len && cmsg.hdr.cmsg_level == SOL_TLS &&
	    cmsg.hdr.cmsg_type == TLS_GET_RECORD_TYPE)
		*type = *(u8 *)CMSG_DATA(&cmsg.hdr);
	return ret;
}

/*
 * Write what the socket takes of @len bytes without blocking, from the
 * transmit worker (kTLS's sendmsg takes a mutex). With @more, kTLS keeps
 * the record open for the next packet. Returns the bytes taken (fewer than
 * @len, or -EAGAIN, when the send buffer is full: sk_write_space tells
 * when there is room again) or a negative errno.
 */
int azc_sock_send(struct azc_link *link, const void *buf, size_t len,
		  bool more)
{
	struct msghdr msg = {
		.msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL | (more ? MSG_MORE : 0),
	};
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };

	return kernel_sendmsg(link->cfg.sock, &msg, &iov, 1, len);
}

/*
 * A TLS close_notify alert, so that the peer sees the end of the session
 * (peer-closed) rather than a truncation; if the send buffer has room,
 * never waiting for it.
 */
void azc_sock_close_notify(struct azc_link *link)
{
	static const u8 alert[] = { AZC_TLS_ALERT_WARNING, AZC_TLS_CLOSE_NOTIFY };
	union azc_tls_type_cmsg cmsg = {};
	struct msghdr msg = {
		.msg_control = &cmsg,
		.msg_controllen = sizeof(cmsg),
		.msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL,
	};
	struct kvec iov = { .iov_base = (void *)alert, .iov_len = sizeof(alert) };

	cmsg.hdr.cmsg_len = CMSG_LEN(sizeof(u8));
	cmsg.hdr.cmsg_level = SOL_TLS;
	cmsg.hdr.cmsg_type = TLS_SET_RECORD_TYPE;
	*(u8 *)CMSG_DATA(&cmsg.hdr) = AZC_TLS_ALERT;
	kernel_sendmsg(link->cfg.sock, &msg, &iov, 1, sizeof(alert));
}
