/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The endpoint's names in the relay's name service: once the link is up
 * and the kernel has configured the overlay address PREFIX::LOCAL_IID on
 * the device (from the relay's Router Advertisement), two DNS UPDATEs
 * (RFC 2136) over UDP to the name service at PREFIX::RELAY_IID, port 53:
 *   NAME.ZONE      AAAA  the overlay address (replacing any other)
 *   reverse name   PTR   NAME.ZONE           (in the /64's ip6.arpa zone)
 * and, when the endpoint has a key pair, a third one (issue 11):
 *   reverse name   TXT   "v=azc1 k=x25519 p=BASE64" (lib/noise/keyrec.h)
 * its public key, replacing any other, which the relay refuses when it
 * holds another key for the endpoint (pinned at first sight or in its
 * configuration): said in key_msg, the names staying registered. All are
 * sent from the overlay address, which is what the relay authorizes them
 * by. Only that address is ever registered: never one of the machine's
 * other interfaces. Each is sent again after 1, 2, 4... s without an
 * answer (5 tries); a refusal is final and said. Done again for every new
 * link (a reconnect); the relay withdraws the records itself when the
 * session has been gone for its grace period.
 *
 * Non-blocking: the caller polls azc_reg_fd() and wakes at azc_reg_deadline().
 */

#ifndef AZC_REGISTER_H
#define AZC_REGISTER_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "base/util.h"

#define AZC_REG_ZONE		"azconnect.internal"
#define AZC_REG_TTL		60
#define AZC_REG_TRIES		5
#define AZC_REG_ADDR_WAIT_MS	30000	/* for the overlay address */

enum azc_reg_state {
	AZC_REG_OFF,		/* not asked, or the name is no DNS label */
	AZC_REG_WAIT_ADDR,	/* the overlay address is not there yet */
	AZC_REG_AAAA,		/* the AAAA update is out */
	AZC_REG_PTR,		/* the PTR update is out */
	AZC_REG_KEY,		/* the key's update is out (names registered) */
	AZC_REG_DONE,
	AZC_REG_FAILED,		/* refused, or no answer: see msg */
};

struct azc_reg {
	enum azc_reg_state state;
	char name[AZC_DNS_LABEL_MAX + 1];	/* a DNS label */
	char zone[AZC_DNS_NAME_MAX + 1];
	uint32_t ifindex;
	uint8_t local_iid[8], relay_iid[8];
	struct in6_addr addr, ns;	/* ours, the name service's */
	int fd;				/* -1 but while an update is out */
	uint16_t id;
	unsigned int tries;
	int64_t start, next;		/* began; resend or give up */
	char msg[640];			/* the outcome, for logs and status */
	/* The public key, published after the names when has_key */
	bool has_key;
	uint8_t key[32];
	char key_msg[256];		/* its outcome, for logs and status */
	bool key_refused;		/* the name service said no */
	const char *note;		/* what changed at the last step: msg or key_msg */
};

/* Nothing to do until azc_reg_start(). */
void azc_reg_init(struct azc_reg *g);

/*
 * A new link on @ifindex: registers @name (in @zone, NULL: the default)
 * for the overlay address with @local_iid, at the name service with
 * @relay_iid, and publishes the public key @key (32 bytes; NULL: none).
 * A name that is no DNS label is not registered (msg says so).
 */
void azc_reg_start(struct azc_reg *g, const char *name, const char *zone,
		   uint32_t ifindex, const uint8_t *local_iid,
		   const uint8_t *relay_iid, const uint8_t *key);

/* The socket to poll for an answer, or -1. */
int azc_reg_fd(const struct azc_reg *g);
/* When azc_reg_step() has work, or -1. */
int64_t azc_reg_deadline(const struct azc_reg *g);

/*
 * Reads an answer when there is one, resends or moves on at the deadline.
 * True when the state changed: note says how (msg or key_msg).
 */
bool azc_reg_step(struct azc_reg *g, int64_t now);

void azc_reg_stop(struct azc_reg *g);

#endif /* AZC_REGISTER_H */
