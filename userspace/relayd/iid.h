/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interface identifiers the relay assigns to endpoints: stable, derived
 * from the endpoint name and a per-relay random salt,
 *
 *	SHA-256(salt || counter (u32 BE) || name), first 8 bytes,
 *	universal/local bit cleared (RFC 4291 appendix A: not global),
 *
 * never zero, never the relay's own IID (counter 0 of the empty name) and
 * unique within the table: a collision takes the next counter.
 */

#ifndef AZC_IID_H
#define AZC_IID_H

#include <stddef.h>
#include <stdint.h>

#define AZC_IID_LEN		8
#define AZC_IID_SALT_LEN	32
#define AZC_IID_SALT_FILE	"iid.salt"

struct azc_iid_entry {
	char *name;
	uint8_t iid[AZC_IID_LEN];
};

struct azc_iid_table {
	uint8_t salt[AZC_IID_SALT_LEN];
	uint8_t relay_iid[AZC_IID_LEN];
	struct azc_iid_entry *e;
	size_t n;
};

/* One candidate; 0 or -EIO. */
int azc_iid_derive(const uint8_t salt[AZC_IID_SALT_LEN], const char *name,
		   uint32_t counter, uint8_t iid[AZC_IID_LEN]);
void azc_iid_init(struct azc_iid_table *t,
		  const uint8_t salt[AZC_IID_SALT_LEN]);
void azc_iid_free(struct azc_iid_table *t);
/* The IID of @name, the same on every call; 0 or -errno. */
int azc_iid_assign(struct azc_iid_table *t, const char *name,
		   uint8_t iid[AZC_IID_LEN]);
/*
 * The salt in @dir/AZC_IID_SALT_FILE, made (mode 0600) on first use;
 * 0 or -errno with a message in @err.
 */
int azc_iid_salt_load(const char *dir, uint8_t salt[AZC_IID_SALT_LEN],
		      char *err, size_t errlen);

#endif /* AZC_IID_H */
