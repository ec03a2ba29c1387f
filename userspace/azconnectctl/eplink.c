// SPDX-License-Identifier: GPL-2.0-only
/* The endpoint's link to the relay, in the kernel (see eplink.h). */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "eplink.h"
#include "kernel/handoff.h"
#include "kernel/rtdev.h"

#define EPLINK_DISC_MS	6000

int azc_eplink_device(const char *dev, uint32_t *ifindex, char *err,
		      size_t errlen)
{
	return azc_rtdev_ensure(dev, AZCONNECT_DEV_MODE_ENDPOINT, ifindex, err,
				errlen);
}

int azc_eplink_open(struct azc_eplink *l, uint32_t ifindex, const char *name,
		    const char *zone, char *err, size_t errlen)
{
	int ret;

	memset(l, 0, sizeof(*l));
	l->ifindex = ifindex;
	l->name = name;
	l->zone = zone;
	l->aux_fd = -1;
	azc_reg_init(&l->reg);
	ret = azc_link_open(&l->nl);
	if (ret)
		snprintf(err, errlen, "cannot open a netlink socket for the link: %s",
			 strerror(-ret));
	return ret;
}

void azc_eplink_close(struct azc_eplink *l)
{
	azc_reg_stop(&l->reg);
	azc_nl_close(&l->nl);
}

static int eplink_send(void *ctx, uint32_t kind, const uint8_t *frame,
		       size_t len)
{
	struct azc_eplink *l = ctx;

	return azc_ctrl_send(&l->nl, l->ifindex, l->link_id, kind, frame, len);
}

int azc_eplink_attach(struct azc_eplink *l, struct azc_client *c, char *err,
		      size_t errlen)
{
	int ret;

	l->down = false;
	l->link_id = 0;
	ret = azc_rtdev_setup(l->ifindex, azc_sess_info(c->sess)->local_iid,
			      err, errlen);
	if (!ret)
		ret = azc_handoff(&l->nl, l->ifindex, c->sess, c->tls,
				  c->in + c->in_off, c->in_len, NULL,
				  &l->link_id, err, errlen);
	if (ret)
		return ret;
	c->in_len = 0;
	azc_kframe_start(&l->kf, c->sess, eplink_send, l);
	azc_reg_start(&l->reg, l->name, l->zone, l->ifindex,
		      azc_sess_info(c->sess)->local_iid,
		      azc_sess_info(c->sess)->peer_iid, l->key);
	if (l->reg.state == AZC_REG_OFF)
		fprintf(stderr, "azconnectctl: name service: %s\n", l->reg.msg);
	return 0;
}

static void on_ctrl(void *ctx, uint32_t ifindex, uint32_t id, uint32_t kind,
		    const uint8_t *frame, size_t len)
{
	struct azc_eplink *l = ctx;

	if (ifindex == l->ifindex && id == l->link_id && !l->down)
		azc_kframe_input(&l->kf, kind, frame, len, azc_now_ms());
}

static void on_del(void *ctx, const struct azc_link_info *i)
{
	struct azc_eplink *l = ctx;

	if (i->ifindex != l->ifindex || i->id != l->link_id)
		return;
	l->last = *i;
	l->down = true;
}

static bool eplink_ended(const struct azc_eplink *l)
{
	enum azc_sess_state st = azc_sess_state(l->kf.sess);

	return l->down || st == AZC_SESS_CLOSED || st == AZC_SESS_FAILED;
}

/*
 * Waits for events, @stop_fd or the engine's deadline, @until at the
 * latest (-1: no limit); 1 on stop.
 */
static int eplink_step(struct azc_eplink *l, int stop_fd, int64_t until)
{
	const struct azc_link_events ev = {
		.ctrl = on_ctrl, .del = on_del, .ctx = l,
	};
	struct pollfd p[4] = {
		{ .fd = nl_socket_get_fd(l->nl.sk), .events = POLLIN },
		{ .fd = stop_fd, .events = POLLIN },
		{ .fd = azc_reg_fd(&l->reg), .events = POLLIN },
		{ .fd = l->aux_fd, .events = POLLIN },
	};
	int64_t d = azc_sess_next_deadline(l->kf.sess), now = azc_now_ms();
	int64_t rd = azc_reg_deadline(&l->reg);
	int tmo, ret;

	if (until >= 0 && (d < 0 || until < d))
		d = until;
	if (rd >= 0 && (d < 0 || rd < d))
		d = rd;
	tmo = d < 0 ? -1 : (d <= now ? 0 : (int)(d - now));
	if (azc_nl_has_events(&l->nl))
		tmo = 0;

	/* poll() skips a negative fd: no stop fd, no update out */
	if (poll(p, 4, tmo) < 0 && errno != EINTR)
		return -errno;
	if (stop_fd >= 0 && (p[1].revents & POLLIN))
		return 1;
	if (l->aux_fd >= 0 && (p[3].revents & POLLIN) && l->aux)
		l->aux(l->reg_ctx);
	ret = azc_link_read_events(&l->nl, &ev);
	if (ret == -ENOBUFS)
		ret = 0;	/* the end of the session shows anyway */
	azc_kframe_tick(&l->kf, azc_now_ms());
	if (!l->down && azc_reg_step(&l->reg, azc_now_ms())) {
		fprintf(stderr, "azconnectctl: name service: %s%s\n",
			l->reg.note == l->reg.key_msg ? "key: " : "",
			l->reg.note ? l->reg.note : l->reg.msg);
		if (l->reg_changed)
			l->reg_changed(l->reg_ctx);
	}
	return ret;
}

static void eplink_why(const struct azc_eplink *l, char *err, size_t errlen)
{
	const struct azc_sess_error *e = azc_sess_error(l->kf.sess);
	char why[128];

	azc_link_format_down(&l->last, why, sizeof(why));
	if (!l->down)
		snprintf(err, errlen, "session ended: %s",
			 e ? e->msg : "closed");
	else if (e)	/* the session ended first; the link went with it */
		snprintf(err, errlen, "session ended: %s (link down: %s)",
			 e->msg, why);
	else
		snprintf(err, errlen, "link down: %s", why);
}

/* The link goes (its session ended); the notification is awaited briefly. */
static void eplink_remove(struct azc_eplink *l)
{
	int64_t end = azc_now_ms() + 1000;

	azc_reg_stop(&l->reg);
	if (l->down || !l->link_id)
		return;
	if (azc_link_del(&l->nl, l->ifindex, l->link_id,
			 azc_kframe_down_reason(l->kf.sess)))
		return;
	while (!l->down && azc_now_ms() < end)
		if (eplink_step(l, -1, end) < 0)
			break;
}

int azc_eplink_serve(struct azc_eplink *l, int stop_fd, char *err,
		     size_t errlen)
{
	int ret = 0;

	while (!ret && !eplink_ended(l))
		ret = eplink_step(l, stop_fd, -1);
	if (ret == 1)
		return 0;
	eplink_remove(l);
	if (ret < 0)
		snprintf(err, errlen, "netlink: %s", strerror(-ret));
	else
		eplink_why(l, err, errlen);
	return -ENOLINK;
}

void azc_eplink_disconnect(struct azc_eplink *l, const char *reason)
{
	int64_t end = azc_now_ms() + EPLINK_DISC_MS;

	if (!eplink_ended(l)) {
		azc_sess_close(l->kf.sess, reason, azc_now_ms());
		azc_kframe_flush(&l->kf);
		while (!eplink_ended(l) && azc_now_ms() < end)
			if (eplink_step(l, -1, end) < 0)
				break;
	}
	eplink_remove(l);
}
