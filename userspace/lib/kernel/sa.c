// SPDX-License-Identifier: GPL-2.0-only
/*
 * ESP security associations of an endpoint device: sa-new, sa-del and
 * sa-get over generic netlink, the decoding of sa-get replies and the
 * SA notifications, and their presentation in "azconnectctl show".
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <openssl/crypto.h>

#include "uapi/azconnect.h"
#include "json.h"
#include "sa.h"
#include "base/util.h"

/* ---- Requests ---- */

/*
 * A request on @ifindex with the nest AZCONNECT_A_SA started (in @nest)
 * and the direction and SPI in it.
 */
static struct nl_msg *azc_sa_msg(struct azc_nl *nl, int cmd, uint32_t ifindex,
				 uint32_t dir, uint32_t spi,
				 struct nlattr **nest)
{
	struct nl_msg *msg = azc_nl_msg(nl, cmd, 0);

	if (!msg)
		return NULL;
	if (nla_put_u32(msg, AZCONNECT_A_IFINDEX, ifindex) ||
	    !(*nest = nla_nest_start(msg, AZCONNECT_A_SA)) ||
	    nla_put_u32(msg, AZCONNECT_A_SA_DIR, dir) ||
	    nla_put_u32(msg, AZCONNECT_A_SA_SPI, spi)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int azc_sa_put_u64(struct nl_msg *msg, int attr, uint64_t v)
{
	return v ? nla_put_u64(msg, attr, v) : 0;
}

static int azc_sa_put_u32(struct nl_msg *msg, int attr, uint32_t v)
{
	return v ? nla_put_u32(msg, attr, v) : 0;
}

int azc_sa_add(struct azc_nl *nl, const struct azc_sa_params *p)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	int ret;

	if (!p->key || !p->key_len || p->key_len > AZCONNECT_SA_KEY_MAX_LEN)
		return -EINVAL;
	msg = azc_sa_msg(nl, AZCONNECT_CMD_SA_NEW, p->ifindex, p->dir, p->spi,
			 &nest);
	if (!msg)
		return -ENOMEM;
	/*
	 * libnl never moves a message's buffer (nlmsg_reserve fails rather
	 * than grow it), so the key is in this one buffer alone; a reference
	 * of our own keeps it past azc_nl_request() to be wiped.
	 */
	nlmsg_get(msg);
	if (nla_put(msg, AZCONNECT_A_SA_PEER, sizeof(p->peer), &p->peer) ||
	    nla_put_u32(msg, AZCONNECT_A_SA_CIPHER, p->cipher) ||
	    nla_put(msg, AZCONNECT_A_SA_KEY, (int)p->key_len, p->key) ||
	    azc_sa_put_u64(msg, AZCONNECT_A_SA_SOFT_PACKETS, p->soft_packets) ||
	    azc_sa_put_u64(msg, AZCONNECT_A_SA_HARD_PACKETS, p->hard_packets) ||
	    azc_sa_put_u64(msg, AZCONNECT_A_SA_SOFT_BYTES, p->soft_bytes) ||
	    azc_sa_put_u64(msg, AZCONNECT_A_SA_HARD_BYTES, p->hard_bytes) ||
	    azc_sa_put_u32(msg, AZCONNECT_A_SA_SOFT_SECONDS, p->soft_seconds) ||
	    azc_sa_put_u32(msg, AZCONNECT_A_SA_HARD_SECONDS, p->hard_seconds) ||
	    azc_sa_put_u64(msg, AZCONNECT_A_SA_SEQ_SOFT, p->seq_soft)) {
		ret = -ENOMEM;
		nlmsg_free(msg);	/* the reference of the request */
		goto out;
	}
	nla_nest_end(msg, nest);
	ret = azc_nl_request(nl, msg, NULL, NULL);
out:
	OPENSSL_cleanse(nlmsg_hdr(msg), nlmsg_get_max_size(msg));
	nlmsg_free(msg);
	return ret;
}

/* sa-del or sa-get of one SA. */
static int azc_sa_id_request(struct azc_nl *nl, int cmd, uint32_t ifindex,
			     uint32_t dir, uint32_t spi, azc_nl_reply_cb cb,
			     void *arg)
{
	struct nlattr *nest;
	struct nl_msg *msg;

	msg = azc_sa_msg(nl, cmd, ifindex, dir, spi, &nest);
	if (!msg)
		return -ENOMEM;
	nla_nest_end(msg, nest);
	return azc_nl_request(nl, msg, cb, arg);
}

int azc_sa_del(struct azc_nl *nl, uint32_t ifindex, uint32_t dir,
	       uint32_t spi)
{
	return azc_sa_id_request(nl, AZCONNECT_CMD_SA_DEL, ifindex, dir, spi,
				 NULL, NULL);
}

int azc_sa_get(struct azc_nl *nl, uint32_t ifindex, uint32_t dir,
	       uint32_t spi, azc_nl_reply_cb cb, void *arg)
{
	return azc_sa_id_request(nl, AZCONNECT_CMD_SA_GET, ifindex, dir, spi,
				 cb, arg);
}

int azc_sa_dump_cb(struct azc_nl *nl, uint32_t ifindex, azc_nl_reply_cb cb,
		   void *arg)
{
	struct nl_msg *msg = azc_nl_msg(nl, AZCONNECT_CMD_SA_GET, NLM_F_DUMP);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, AZCONNECT_A_IFINDEX, ifindex)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return azc_nl_request(nl, msg, cb, arg);
}

static int azc_sa_list_add(struct nlmsghdr *nlh, void *arg)
{
	struct azc_sa_list *list = arg;
	int ret;

	if (list->n == list->cap) {
		size_t cap = list->cap ? 2 * list->cap : 8;
		struct azc_sa_info *s = realloc(list->sas, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		list->sas = s;
		list->cap = cap;
	}
	ret = azc_sa_parse(nlh, &list->sas[list->n]);
	if (ret)
		return ret;
	list->n++;
	return 0;
}

int azc_sa_dump(struct azc_nl *nl, uint32_t ifindex, struct azc_sa_list *list)
{
	size_t n0 = list->n;
	int ret, tries;

	/* A dump the SA table changed under is repeated. */
	for (tries = 0; tries < 5; tries++) {
		list->n = n0;
		ret = azc_sa_dump_cb(nl, ifindex, azc_sa_list_add, list);
		if (ret != -EINTR)
			break;
	}
	if (ret)
		list->n = n0;
	return ret;
}

void azc_sa_list_free(struct azc_sa_list *list)
{
	free(list->sas);
	memset(list, 0, sizeof(*list));
}

/* ---- Decoding ---- */

static struct nla_policy azc_sa_top_policy[AZCONNECT_A_MAX + 1] = {
	[AZCONNECT_A_IFINDEX] = { .type = NLA_U32 },
	[AZCONNECT_A_SA] = { .type = NLA_NESTED },
};

static struct nla_policy azc_sa_policy[AZCONNECT_A_SA_MAX + 1] = {
	[AZCONNECT_A_SA_DIR] = { .type = NLA_U32 },
	[AZCONNECT_A_SA_SPI] = { .type = NLA_U32 },
	[AZCONNECT_A_SA_PEER] = { .minlen = 16, .maxlen = 16 },
	[AZCONNECT_A_SA_CIPHER] = { .type = NLA_U32 },
	[AZCONNECT_A_SA_SOFT_PACKETS] = { .type = NLA_U64 },
	[AZCONNECT_A_SA_HARD_PACKETS] = { .type = NLA_U64 },
	[AZCONNECT_A_SA_SOFT_BYTES] = { .type = NLA_U64 },
	[AZCONNECT_A_SA_HARD_BYTES] = { .type = NLA_U64 },
	[AZCONNECT_A_SA_SOFT_SECONDS] = { .type = NLA_U32 },
	[AZCONNECT_A_SA_HARD_SECONDS] = { .type = NLA_U32 },
	[AZCONNECT_A_SA_SEQ_SOFT] = { .type = NLA_U64 },
	[AZCONNECT_A_SA_AGE] = { .type = NLA_U64 },
	[AZCONNECT_A_SA_PACKETS] = { .type = NLA_U64 },
	[AZCONNECT_A_SA_BYTES] = { .type = NLA_U64 },
	[AZCONNECT_A_SA_REPLAY_DROPS] = { .type = NLA_U64 },
	[AZCONNECT_A_SA_BAD_ICV_DROPS] = { .type = NLA_U64 },
	[AZCONNECT_A_SA_SEQ] = { .type = NLA_U64 },
	[AZCONNECT_A_SA_EXPIRE] = { .type = NLA_U32 },
	[AZCONNECT_A_SA_LIMIT] = { .type = NLA_U32 },
};

static uint64_t azc_sa_u64(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

static uint32_t azc_sa_u32(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

/*
 * What every message about an SA has: the device, the nest, the direction
 * and the peer (sa-acquire-ntf has no more; sa-get replies and
 * sa-expire-ntf have the SPI, the cipher and the counters too).
 */
int azc_sa_parse(const struct nlmsghdr *nlh, struct azc_sa_info *info)
{
	struct nlattr *top[AZCONNECT_A_MAX + 1], *sa[AZCONNECT_A_SA_MAX + 1];

	memset(info, 0, sizeof(*info));
	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, top, AZCONNECT_A_MAX,
			  azc_sa_top_policy) < 0 ||
	    !top[AZCONNECT_A_IFINDEX] || !top[AZCONNECT_A_SA] ||
	    nla_parse_nested(sa, AZCONNECT_A_SA_MAX, top[AZCONNECT_A_SA],
			     azc_sa_policy) < 0 ||
	    !sa[AZCONNECT_A_SA_DIR] || !sa[AZCONNECT_A_SA_PEER] ||
	    nla_len(sa[AZCONNECT_A_SA_PEER]) != sizeof(info->peer))
		return -EINVAL;

	info->ifindex = nla_get_u32(top[AZCONNECT_A_IFINDEX]);
	info->dir = nla_get_u32(sa[AZCONNECT_A_SA_DIR]);
	memcpy(&info->peer, nla_data(sa[AZCONNECT_A_SA_PEER]),
	       sizeof(info->peer));
	info->spi = azc_sa_u32(sa[AZCONNECT_A_SA_SPI]);
	info->cipher = azc_sa_u32(sa[AZCONNECT_A_SA_CIPHER]);
	info->age = azc_sa_u64(sa[AZCONNECT_A_SA_AGE]);
	info->packets = azc_sa_u64(sa[AZCONNECT_A_SA_PACKETS]);
	info->bytes = azc_sa_u64(sa[AZCONNECT_A_SA_BYTES]);
	info->seq = azc_sa_u64(sa[AZCONNECT_A_SA_SEQ]);
	info->replay_drops = azc_sa_u64(sa[AZCONNECT_A_SA_REPLAY_DROPS]);
	info->bad_icv_drops = azc_sa_u64(sa[AZCONNECT_A_SA_BAD_ICV_DROPS]);
	if (sa[AZCONNECT_A_SA_EXPIRE]) {
		if (!sa[AZCONNECT_A_SA_LIMIT])
			return -EINVAL;
		info->has_expire = true;
		info->expire = nla_get_u32(sa[AZCONNECT_A_SA_EXPIRE]);
		info->limit = nla_get_u32(sa[AZCONNECT_A_SA_LIMIT]);
	}
	return 0;
}

/* ---- Names ---- */

static const char *const azc_sa_cipher_names[] = {
	[AZCONNECT_SA_CIPHER_AES_GCM_128] = "aes-gcm-128",
	[AZCONNECT_SA_CIPHER_AES_GCM_256] = "aes-gcm-256",
};

static const char *const azc_sa_dir_names[] = {
	[AZCONNECT_SA_DIR_IN] = "in",
	[AZCONNECT_SA_DIR_OUT] = "out",
};

static const char *const azc_sa_expire_names[] = {
	[AZCONNECT_SA_EXPIRE_SOFT] = "soft",
	[AZCONNECT_SA_EXPIRE_HARD] = "hard",
};

static const char *const azc_sa_limit_names[] = {
	[AZCONNECT_SA_LIMIT_PACKETS] = "packets",
	[AZCONNECT_SA_LIMIT_BYTES] = "bytes",
	[AZCONNECT_SA_LIMIT_SECONDS] = "seconds",
	[AZCONNECT_SA_LIMIT_SEQ] = "seq",
};

#define AZC_SA_NAME(table, v) \
	((v) < AZC_ARRAY_SIZE(table) && (table)[v] ? (table)[v] : "unknown")

const char *azc_sa_cipher_name(uint32_t cipher)
{
	return AZC_SA_NAME(azc_sa_cipher_names, cipher);
}

const char *azc_sa_dir_name(uint32_t dir)
{
	return AZC_SA_NAME(azc_sa_dir_names, dir);
}

const char *azc_sa_expire_name(uint32_t expire)
{
	return AZC_SA_NAME(azc_sa_expire_names, expire);
}

const char *azc_sa_limit_name(uint32_t limit)
{
	return AZC_SA_NAME(azc_sa_limit_names, limit);
}

/* ---- Presentation ---- */

void azc_sa_print_text(FILE *f, const char *indent, const struct azc_sa_info *s)
{
	char peer[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &s->peer, peer, sizeof(peer));
	fprintf(f, "%ssa %s spi 0x%08x peer %s %s age %llus packets %llu bytes %llu seq %llu replay-drops %llu bad-icv-drops %llu\n",
		indent, azc_sa_dir_name(s->dir), s->spi, peer,
		azc_sa_cipher_name(s->cipher), (unsigned long long)s->age,
		(unsigned long long)s->packets, (unsigned long long)s->bytes,
		(unsigned long long)s->seq,
		(unsigned long long)s->replay_drops,
		(unsigned long long)s->bad_icv_drops);
}

struct json_object *azc_sa_json(const struct azc_sa_info *s)
{
	struct json_object *o = json_object_new_object();
	char peer[INET6_ADDRSTRLEN];

	if (!o)
		return NULL;
	inet_ntop(AF_INET6, &s->peer, peer, sizeof(peer));
	if (azc_json_add(o, "dir", json_object_new_string(azc_sa_dir_name(s->dir))) ||
	    azc_json_add(o, "spi", json_object_new_int64(s->spi)) ||
	    azc_json_add(o, "peer", json_object_new_string(peer)) ||
	    azc_json_add(o, "cipher",
			    json_object_new_string(azc_sa_cipher_name(s->cipher))) ||
	    azc_json_add(o, "age", json_object_new_uint64(s->age)) ||
	    azc_json_add(o, "packets", json_object_new_uint64(s->packets)) ||
	    azc_json_add(o, "bytes", json_object_new_uint64(s->bytes)) ||
	    azc_json_add(o, "seq", json_object_new_uint64(s->seq)) ||
	    azc_json_add(o, "replay_drops",
			    json_object_new_uint64(s->replay_drops)) ||
	    azc_json_add(o, "bad_icv_drops",
			    json_object_new_uint64(s->bad_icv_drops))) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *azc_sa_json_item(const void *item)
{
	return azc_sa_json(item);
}

struct json_object *azc_sa_list_json(const struct azc_sa_list *list)
{
	return azc_json_array(list->sas, list->n, sizeof(*list->sas),
			      azc_sa_json_item);
}
