/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ESP security associations of an endpoint device over generic netlink
 * (sa-new, sa-del, sa-get and its dump), and their presentation: what
 * azconnectctl's keying (keyd.c) installs and "azconnectctl show" lists.
 * A key goes down in sa-new and never comes back: sa-get carries none,
 * and struct azc_sa_info has no room for one.
 */

#ifndef AZC_SA_H
#define AZC_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/netlink.h>
#include <netinet/in.h>

#include "nl.h"

/* What sa-new is given. */
struct azc_sa_params {
	uint32_t ifindex;
	uint32_t dir;		/* AZCONNECT_SA_DIR_IN or _OUT */
	uint32_t spi;
	struct in6_addr peer;
	uint32_t cipher;	/* AZCONNECT_SA_CIPHER_AES_GCM_128 or _256 */
	const uint8_t *key;	/* key then 4-byte salt */
	size_t key_len;		/* 20 or 36 */
	/* Limits; 0: none */
	uint64_t soft_packets, hard_packets, soft_bytes, hard_bytes, seq_soft;
	uint32_t soft_seconds, hard_seconds;
};

/* One SA as sa-get reports it (or sa-expire-ntf, sa-acquire-ntf). */
struct azc_sa_info {
	uint32_t ifindex;
	uint32_t dir;
	uint32_t spi;
	struct in6_addr peer;
	uint32_t cipher;
	uint64_t age, packets, bytes, seq, replay_drops, bad_icv_drops;
	bool has_expire;
	uint32_t expire;	/* AZCONNECT_SA_EXPIRE_*, when has_expire */
	uint32_t limit;		/* AZCONNECT_SA_LIMIT_* */
};

struct azc_sa_list {
	struct azc_sa_info *sas;
	size_t n, cap;
};

/* sa-new; the message holding the key is wiped before it is freed. */
int azc_sa_add(struct azc_nl *nl, const struct azc_sa_params *p);
/* sa-del of @dir/@spi on @ifindex; -ENOENT when it is not there. */
int azc_sa_del(struct azc_nl *nl, uint32_t ifindex, uint32_t dir,
	       uint32_t spi);
/* The SAs of @ifindex (sa-get dump), appended to @list. */
int azc_sa_dump(struct azc_nl *nl, uint32_t ifindex, struct azc_sa_list *list);
void azc_sa_list_free(struct azc_sa_list *list);

/*
 * Decode an sa-get reply, sa-expire-ntf or sa-acquire-ntf message.
 * Returns 0, or -EINVAL when malformed.
 */
int azc_sa_parse(const struct nlmsghdr *nlh, struct azc_sa_info *info);

const char *azc_sa_cipher_name(uint32_t cipher);	/* "aes-gcm-128" */
const char *azc_sa_dir_name(uint32_t dir);		/* "in", "out" */
/* Unknown values of these four are named "unknown". */
const char *azc_sa_expire_name(uint32_t expire);	/* "soft", "hard" */
const char *azc_sa_limit_name(uint32_t limit);		/* "packets", ... */

/*
 * For tools that want the messages themselves (tests/tools/azc-sa.c):
 * sa-get of one SA and the sa-get dump of @ifindex, each reply to @cb
 * (decode it with azc_sa_parse()). The dump is not repeated on -EINTR.
 */
int azc_sa_get(struct azc_nl *nl, uint32_t ifindex, uint32_t dir,
	       uint32_t spi, azc_nl_reply_cb cb, void *arg);
int azc_sa_dump_cb(struct azc_nl *nl, uint32_t ifindex, azc_nl_reply_cb cb,
		   void *arg);

/*
 * Presentation ("azconnectctl show"), never a key: one line per SA,
 * "@indent" "sa out spi 0x00001001 peer fd00::2 aes-gcm-128 age 12s
 * packets 10 bytes 1400 seq 10 replay-drops 0 bad-icv-drops 0"; and
 * as JSON, an object with dir, spi (a number), peer, cipher, age,
 * packets, bytes, seq, replay_drops and bad_icv_drops (NULL when out of
 * memory).
 */
struct json_object;
void azc_sa_print_text(FILE *f, const char *indent,
		       const struct azc_sa_info *sa);
struct json_object *azc_sa_json(const struct azc_sa_info *sa);
/* A JSON array of azc_sa_json() objects, or NULL. */
struct json_object *azc_sa_list_json(const struct azc_sa_list *list);

#endif /* AZC_SA_H */
