// SPDX-License-Identifier: GPL-2.0-only
/*
 * libnl-3 glue for the azconnect family. libnl 3.7 does not expose the
 * kernel's extended acks, so the error callback decodes them here.
 */

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "uapi/azconnect.h"
#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Events kept while a request waits; beyond this many they are dropped. */
#define AZC_NL_EVQ_MAX		4096
#define AZC_NL_RCVBUF		(1 << 20)

struct azc_nl_event {
	struct azc_nl_event *next;
	struct nlmsghdr nlh[];	/* a copy of the message */
};

struct azc_nl_req {
	struct azc_nl *nl;
	azc_nl_reply_cb cb;
	void *arg;
	unsigned int seq;	/* of the request */
	int err;	/* negative errno from the kernel or a callback */
	bool done;
};

void azc_nl_parse_ext_ack(struct azc_nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	const struct nlattr *a;
	int rem;

	nl->extack[0] = '\0';
	nl->extack_offset = -1;
	nl->extack_miss = -1;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len < off)
		return;
	/* Unless capped, the request that failed is echoed before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->error) {
		if (nlh->nlmsg_len - off < NLMSG_ALIGN(e->msg.nlmsg_len) -
					   NLMSG_HDRLEN)
			return;
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	}

	a = (const struct nlattr *)((const char *)nlh + off);
	rem = (int)(nlh->nlmsg_len - off);
	for (; nla_ok(a, rem); a = nla_next(a, &rem)) {
		switch (nla_type(a)) {
		case NLMSGERR_ATTR_MSG: {
			size_t len = nla_len(a);

			if (len >= sizeof(nl->extack))
				len = sizeof(nl->extack) - 1;
			memcpy(nl->extack, nla_data(a), len);
			nl->extack[len] = '\0';
			break;
		}
		case NLMSGERR_ATTR_OFFS:
			if (nla_len(a) >= 4)
				nl->extack_offset = (int)nla_get_u32((struct nlattr *)a);
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (nla_len(a) >= 4)
				nl->extack_miss = (int)nla_get_u32((struct nlattr *)a);
			break;
		default:
			break;
		}
	}
}

static int azc_nl_err_cb(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct azc_nl_req *req = arg;

	(void)who;
	azc_nl_parse_ext_ack(req->nl, nlh);
	req->err = e->error;
	req->done = true;
	return NL_STOP;
}

static int azc_nl_ack_cb(struct nl_msg *msg, void *arg)
{
	struct azc_nl_req *req = arg;

	(void)msg;
	req->done = true;
	return NL_STOP;
}

static int azc_nl_finish_cb(struct nl_msg *msg, void *arg)
{
	struct azc_nl_req *req = arg;

	(void)msg;
	req->done = true;
	return NL_STOP;
}

static void azc_nl_queue_event(struct azc_nl *nl, const struct nlmsghdr *nlh)
{
	struct azc_nl_event *ev;

	if (nl->evq_len >= AZC_NL_EVQ_MAX) {
		nl->evq_dropped++;
		return;
	}
	ev = malloc(sizeof(*ev) + nlh->nlmsg_len);
	if (!ev) {
		nl->evq_dropped++;
		return;
	}
	ev->next = NULL;
	memcpy(ev->nlh, nlh, nlh->nlmsg_len);
	if (nl->evq_tail)
		nl->evq_tail->next = ev;
	else
		nl->evq = ev;
	nl->evq_tail = ev;
	nl->evq_len++;
}

/* Replies carry the request's sequence number; anything else is an event. */
static int azc_nl_seq_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct azc_nl_req *req = arg;

	if (nlh->nlmsg_seq == req->seq)
		return NL_OK;
	if (req->nl->events)
		azc_nl_queue_event(req->nl, nlh);
	return NL_SKIP;
}

static int azc_nl_valid_cb(struct nl_msg *msg, void *arg)
{
	struct azc_nl_req *req = arg;
	int ret;

	if (!req->cb)
		return NL_OK;
	ret = req->cb(nlmsg_hdr(msg), req->arg);
	if (ret < 0) {
		req->err = ret;
		return NL_STOP;
	}
	return NL_OK;
}

static int azc_nl_connect(struct azc_nl *nl, int protocol)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->extack_offset = -1;
	nl->extack_miss = -1;

	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	if (nl_connect(nl->sk, protocol) < 0) {
		nl_socket_free(nl->sk);
		nl->sk = NULL;
		return -EIO;
	}
	/* Ask for the kernel's explanation of errors; older kernels ignore it. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	return 0;
}

int azc_nl_open_route(struct azc_nl *nl)
{
	return azc_nl_connect(nl, NETLINK_ROUTE);
}

int azc_nl_open(struct azc_nl *nl)
{
	int ret;

	ret = azc_nl_connect(nl, NETLINK_GENERIC);
	if (ret)
		return ret;

	/* Resolving the family loads the module on demand. */
	nl->family = genl_ctrl_resolve(nl->sk, AZCONNECT_FAMILY_NAME);
	if (nl->family < 0) {
		ret = nl->family == -NLE_OBJ_NOTFOUND ? -ENOENT : -EIO;
		goto err;
	}
	return 0;

err:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return ret;
}

static void azc_nl_evq_free(struct azc_nl *nl)
{
	struct azc_nl_event *ev;

	while (nl->evq) {
		ev = nl->evq;
		nl->evq = ev->next;
		free(ev);
	}
	nl->evq_tail = NULL;
	nl->evq_len = 0;
}

void azc_nl_close(struct azc_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
	azc_nl_evq_free(nl);
}

int azc_nl_enable_events(struct azc_nl *nl)
{
	if (nl_socket_set_nonblocking(nl->sk) < 0)
		return -EIO;
	/* ctrl-ntf bursts must not be lost to a small buffer. */
	nl_socket_set_buffer_size(nl->sk, AZC_NL_RCVBUF, 0);
	nl_socket_disable_seq_check(nl->sk);
	nl->events = true;
	return 0;
}

int azc_nl_subscribe(struct azc_nl *nl, const char *group)
{
	int grp = genl_ctrl_resolve_grp(nl->sk, AZCONNECT_FAMILY_NAME, group);

	if (grp < 0)
		return grp == -NLE_OBJ_NOTFOUND ? -ENOENT : -EIO;
	return nl_socket_add_membership(nl->sk, grp) < 0 ? -EIO : 0;
}

struct azc_nl_evr {
	azc_nl_event_cb cb;
	void *arg;
};

static int azc_nl_event_valid_cb(struct nl_msg *msg, void *arg)
{
	struct azc_nl_evr *r = arg;

	r->cb(nlmsg_hdr(msg), r->arg);
	return NL_OK;
}

static int azc_nl_skip_cb(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

bool azc_nl_has_events(const struct azc_nl *nl)
{
	return nl->evq != NULL;
}

int azc_nl_read_events(struct azc_nl *nl, azc_nl_event_cb cb, void *arg)
{
	struct azc_nl_evr r = { .cb = cb, .arg = arg };
	struct azc_nl_event *ev;
	struct nl_cb *nlcb;
	int ret;

	while (nl->evq) {
		ev = nl->evq;
		nl->evq = ev->next;
		if (!nl->evq)
			nl->evq_tail = NULL;
		nl->evq_len--;
		cb(ev->nlh, arg);
		free(ev);
	}
	nlcb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nlcb)
		return -ENOMEM;
	nl_cb_set(nlcb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, azc_nl_skip_cb, NULL);
	nl_cb_set(nlcb, NL_CB_VALID, NL_CB_CUSTOM, azc_nl_event_valid_cb, &r);
	do
		ret = nl_recvmsgs(nl->sk, nlcb);
	while (ret >= 0);
	nl_cb_put(nlcb);
	if (ret == -NLE_AGAIN)
		ret = 0;
	else if (ret == -NLE_NOMEM)
		ret = -ENOBUFS;	/* ENOBUFS: the socket overran */
	else
		ret = -EIO;
	if (!ret && nl->evq_dropped) {
		nl->evq_dropped = 0;
		ret = -ENOBUFS;
	}
	return ret;
}

struct nl_msg *azc_nl_msg(struct azc_nl *nl, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 (uint8_t)cmd, AZCONNECT_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* A socket with events enabled is non-blocking: wait for the reply. */
static int azc_nl_wait(struct azc_nl *nl)
{
	struct pollfd p = { .fd = nl_socket_get_fd(nl->sk), .events = POLLIN };
	int n;

	do
		n = poll(&p, 1, 30000);
	while (n < 0 && errno == EINTR);
	return n > 0 ? 0 : -ETIMEDOUT;
}

int azc_nl_request(struct azc_nl *nl, struct nl_msg *msg, azc_nl_reply_cb cb,
		   void *arg)
{
	struct azc_nl_req req = { .nl = nl, .cb = cb, .arg = arg };
	struct nl_cb *nlcb;
	int ret;

	nl->extack[0] = '\0';
	nl->extack_offset = -1;
	nl->extack_miss = -1;

	nlcb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nlcb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	nl_cb_err(nlcb, NL_CB_CUSTOM, azc_nl_err_cb, &req);
	nl_cb_set(nlcb, NL_CB_ACK, NL_CB_CUSTOM, azc_nl_ack_cb, &req);
	nl_cb_set(nlcb, NL_CB_FINISH, NL_CB_CUSTOM, azc_nl_finish_cb, &req);
	nl_cb_set(nlcb, NL_CB_VALID, NL_CB_CUSTOM, azc_nl_valid_cb, &req);
	nl_cb_set(nlcb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, azc_nl_seq_cb, &req);

	ret = nl_send_auto(nl->sk, msg);
	req.seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(nlcb);
		return -EIO;
	}

	while (!req.done && !req.err) {
		ret = nl_recvmsgs(nl->sk, nlcb);
		if (ret == -NLE_AGAIN && !azc_nl_wait(nl))
			continue;
		if (ret < 0 && !req.err) {
			/* A dump the kernel's object list changed under. */
			req.err = ret == -NLE_DUMP_INTR ? -EINTR : -EIO;
			break;
		}
	}
	nl_cb_put(nlcb);
	return req.err;
}
