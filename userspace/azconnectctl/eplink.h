/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The endpoint's link: after azc_client_connect() negotiated with
 * handoff set, the connection goes to the kernel on the endpoint device
 * (fe80::LOCAL_IID/64, addr_gen_mode none, up; the kernel configures
 * PREFIX::LOCAL_IID from the relay's Router Advertisement by itself), and
 * the session engine goes on over ctrl-send/ctrl-ntf until the link goes
 * down or the caller stops it.
 */

#ifndef AZC_EPLINK_H
#define AZC_EPLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client.h"
#include "engine/kframe.h"
#include "kernel/nllink.h"
#include "register.h"

struct azc_eplink {
	struct azc_nl nl;		/* owns the link */
	uint32_t ifindex;
	uint32_t link_id;		/* 0: no link */
	struct azc_kframe kf;
	struct azc_link_info last;	/* from link-del-ntf */
	bool down;			/* link-del-ntf seen */
	/* Its names in the relay's name service, registered at each attach */
	const char *name, *zone;
	const uint8_t *key;		/* its public key (32 bytes), or NULL */
	struct azc_reg reg;
	/* Called when the registration moved on (reg.msg says how) */
	void (*reg_changed)(void *ctx);
	void *reg_ctx;
	/* Called (with reg_ctx) when @aux_fd is readable; -1: none */
	int aux_fd;
	void (*aux)(void *ctx);
};

/*
 * The endpoint device @dev, created when missing; its index. -ENOENT
 * (module missing) and other errors with a message in @err.
 */
int azc_eplink_device(const char *dev, uint32_t *ifindex, char *err,
		      size_t errlen);

/*
 * Opens the owner socket for links on @ifindex; each link will register
 * @name in @zone (NULL: the default) with the relay's name service.
 */
int azc_eplink_open(struct azc_eplink *l, uint32_t ifindex, const char *name,
		    const char *zone, char *err, size_t errlen);
void azc_eplink_close(struct azc_eplink *l);

/*
 * The hand-off of @c (CONNECTED, engine stopped): device set up, link-new,
 * the engine resumed over netlink. 0 or -errno with a message in @err.
 */
int azc_eplink_attach(struct azc_eplink *l, struct azc_client *c, char *err,
		      size_t errlen);

/*
 * Runs the link until @stop_fd is readable (0) or it ends (-errno, why in
 * @err: the link's down reason or the session's end).
 */
int azc_eplink_serve(struct azc_eplink *l, int stop_fd, char *err,
		     size_t errlen);

/* CALL_DISCONNECT, its answer awaited (5 s at most), then link-del. */
void azc_eplink_disconnect(struct azc_eplink *l, const char *reason);

#endif /* AZC_EPLINK_H */
