// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: what the relay makes of a primary name server's
 * answers to its UPDATEs (azc_primary_answer), and of TSIG key files
 * (azc_tsig_key_parse). Odd inputs are answers to an UPDATE built once,
 * even ones key files; neither may crash, leak, or say OK to an answer
 * that is not signed with the key.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "fuzz.h"
#include "relayd/primary.h"
#include "relayd/tsigkey.h"

#define SECRET	"k0oWNTB/UsaMuTHXyqhhRUW67x0icoSmyY9D5Y/ZqVI="
#define ID	0x1234

static struct azc_tsig_key key;
static ldns_rdf *mac;

static void setup(void)
{
	static const char text[] = "key \"azc-relay\" { algorithm hmac-sha256; secret \"" SECRET "\"; };";
	struct azc_primary_rrset set;
	ldns_rdf *zone = NULL;
	uint8_t *wire;
	size_t len;
	char err[256];

	CHECK(!azc_tsig_key_parse(&key, text, "k", err, sizeof(err)));
	CHECK(ldns_str2rdf_dname(&zone, "azconnect.internal.") == LDNS_STATUS_OK);
	set = (struct azc_primary_rrset){ zone, LDNS_RR_TYPE_AAAA, NULL };
	CHECK(!azc_primary_build(zone, &set, 1, ID, &key, &wire, &len, &mac));
	free(wire);
	ldns_rdf_deep_free(zone);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct azc_tsig_key k;
	char why[256], err[256], *text;

	if (!mac)
		setup();
	if (!size)
		return 0;
	if (data[0] & 1) {
		enum azc_primary_verdict v;

		v = azc_primary_answer(data + 1, size - 1, ID, &key, mac,
				       time(NULL), why, sizeof(why));
		/* a forged success would need the key: never by chance */
		CHECK(v != AZC_PRIMARY_OK);
		CHECK(memchr(why, '\n', strlen(why)) == NULL);
		return 0;
	}
	text = malloc(size);
	CHECK(text);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (azc_tsig_key_parse(&k, text, "k", err, sizeof(err)))
		CHECK(!strstr(err, SECRET) && !memchr(err, '\n', strlen(err)));
	free(text);
	return 0;
}
