// SPDX-License-Identifier: GPL-2.0-only
/*
 * End-to-end ESP keying: see keyd.h for what it does, lib/noise/keyx.h
 * for the messages.
 */

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/icmp6.h>
#include <net/if.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <netlink/attr.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "uapi/azconnect.h"
#include "base/util.h"
#include "kernel/dev.h"
#include "kernel/nl.h"
#include "kernel/sa.h"
#include "noise/keyrec.h"
#include "noise/keyx.h"
#include "ctl.h"
#include "keyd.h"
#include "peerkey.h"

#define RETRY_MS	1500	/* message 1 again, with a new index */
#define CONFIRM_MS	3000	/* a responder waits this long for message 3 */
#define BACKOFF_MS	5000	/* after a handshake failed */
#define LOOK_MS		1000	/* how often the SAs' counters are read */
#define RETIRE_LOOKS	3	/* idle looks before an old receive SA goes */
#define REPLY_MS	10000	/* sent, nothing back: key again */
#define KEEPALIVE_MS	5000	/* received, nothing sent: an echo request */
#define INIT_GAP_MS	200	/* a peer's message 1 read at most this often */

/* Why a peer's key is being looked up */
#define LK_INIT		1	/* to initiate */
#define LK_RESP		2	/* to answer its message 1 */

/* An SA this session installed. */
struct sa_rec {
	uint32_t spi;
	int64_t at;		/* installed, ms */
	uint64_t last_pk;	/* packets at the last look (in) */
	unsigned int idle;	/* looks without a new packet (in) */
};

struct kpeer {
	struct in6_addr addr;
	char a[INET6_ADDRSTRLEN];
	int64_t touched;
	/* The name service lookup of its key */
	unsigned int lk;	/* LK_* */
	uint16_t lk_id;
	int64_t lk_deadline;
	/* As initiator: one handshake at a time */
	struct azc_keyx *ini;
	bool ini_want;		/* waiting for the key to send message 1 */
	int64_t ini_next;
	unsigned int tries;
	int64_t backoff;	/* no new initiation before */
	/* As responder */
	struct azc_keyx *resp;
	bool resp_sent;		/* message 2 out, waiting for 3 */
	int64_t resp_deadline;
	uint64_t last_ts;	/* the newest message 1 timestamp taken */
	int64_t last_init;	/* when its last message 1 was read */
	struct sa_rec in[2], out[2];
	unsigned int n_in, n_out;
	/* Liveness: packets over its SAs at the last look, and which SAs */
	uint64_t in_seen, out_seen, spis_seen;
	int64_t quiet_since;	/* sent since, nothing received; 0: no */
	int64_t rx_only_since;	/* received since, nothing sent; 0: no */
	uint16_t ka_seq;
};

struct azc_keyd_rt {
	struct azc_keyd *d;
	struct azc_nl nl;
	bool nl_open;
	int udp, dns, ping;
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	struct in6_addr self, ns;
	struct kpeer *peers;
	size_t n_peers;
	uint64_t last_ts;
	int64_t next_look;
};

static void kd_msg(struct azc_keyd *d, bool refused, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The session's state file should show the counters again. */
static void news(struct azc_keyd *d)
{
	uint64_t one = 1;

	if (d->news >= 0)
		(void)!write(d->news, &one, sizeof(one));
}

/* A failure or refusal: logged, counted, kept for the state file. */
static void kd_msg(struct azc_keyd *d, bool refused, const char *fmt, ...)
{
	char buf[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&d->mu);
	snprintf(d->msg, sizeof(d->msg), "%s", buf);
	if (refused)
		d->refused++;
	else
		d->failed++;
	pthread_mutex_unlock(&d->mu);
	news(d);
	fprintf(stderr, "%s: esp: %s\n", ctl_prog, buf);
}

static void kd_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void kd_info(const char *fmt, ...)
{
	char buf[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: esp: %s\n", ctl_prog, buf);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ---- SAs in the device ---- */

static void keyx_free(struct azc_keyx **x)
{
	if (*x) {
		azc_keyx_clear(*x);
		free(*x);
		*x = NULL;
	}
}

static bool spi_taken(struct azc_keyd_rt *rt, uint32_t spi)
{
	size_t i;
	unsigned int k;

	for (i = 0; i < rt->n_peers; i++) {
		struct kpeer *p = &rt->peers[i];

		for (k = 0; k < p->n_in; k++)
			if (p->in[k].spi == spi)
				return true;
		if ((p->ini && p->ini->spi_i == spi) ||
		    (p->resp && p->resp->spi_r == spi))
			return true;
	}
	return false;
}

/* A fresh SPI this side will receive on: random, above the reserved 1-255. */
static uint32_t new_spi(struct azc_keyd_rt *rt)
{
	uint32_t spi;

	do {
		if (RAND_bytes((unsigned char *)&spi, sizeof(spi)) != 1)
			spi = (uint32_t)rand() ^ (uint32_t)now_ns();
	} while (spi < 256 || spi_taken(rt, spi));
	return spi;
}

static void rec_drop(struct sa_rec *recs, unsigned int *n, unsigned int k)
{
	for (; k + 1 < *n; k++)
		recs[k] = recs[k + 1];
	(*n)--;
}

static void sa_delete(struct azc_keyd_rt *rt, struct kpeer *p, uint32_t dir,
		      unsigned int k)
{
	struct sa_rec *recs = dir == AZCONNECT_SA_DIR_IN ? p->in : p->out;
	unsigned int *n = dir == AZCONNECT_SA_DIR_IN ? &p->n_in : &p->n_out;
	int ret;

	ret = azc_sa_del(&rt->nl, rt->ifindex, dir, recs[k].spi);
	if (ret && ret != -ENOENT)
		kd_info("cannot delete the %s SA 0x%08x with %s: %s",
			azc_sa_dir_name(dir), recs[k].spi, p->a,
			rt->nl.extack[0] ? rt->nl.extack : strerror(-ret));
	rec_drop(recs, n, k);
}

static unsigned int oldest(const struct sa_rec *recs, unsigned int n)
{
	unsigned int k, o = 0;

	for (k = 1; k < n; k++)
		if (recs[k].at < recs[o].at)
			o = k;
	return o;
}

/*
 * sa-new of one SA with @p, with the limits of its role: a transmit SA's
 * soft limits start the rekey (the responder's a little later, so that
 * the initiator's normally goes first); a receive SA only has hard ones,
 * beyond any transmit SA's. Room is made in its two slots first.
 */
static int sa_install(struct azc_keyd_rt *rt, struct kpeer *p, uint32_t dir,
		      uint32_t spi, const struct azc_noise_esp_key *k,
		      bool initiator)
{
	unsigned int r = rt->d->rekey;
	struct sa_rec *recs = dir == AZCONNECT_SA_DIR_IN ? p->in : p->out;
	unsigned int *n = dir == AZCONNECT_SA_DIR_IN ? &p->n_in : &p->n_out;
	uint8_t key[36];
	struct azc_sa_params sp = {
		.ifindex = rt->ifindex,
		.dir = dir,
		.spi = spi,
		.peer = p->addr,
		.cipher = rt->d->cipher,
		.key = key,
		.key_len = k->key_len + 4,
	};
	int ret;

	if (*n == 2)
		sa_delete(rt, p, dir, oldest(recs, *n));
	memcpy(key, k->key, k->key_len);
	memcpy(key + k->key_len, k->salt, 4);
	if (dir == AZCONNECT_SA_DIR_OUT) {
		sp.soft_seconds = initiator ? r : r + r / 10 + 3;
		sp.hard_seconds = r + r / 2 + 30;
		sp.soft_packets = 1ULL << 31;
		sp.hard_packets = 1ULL << 32;
		sp.soft_bytes = 1ULL << 40;
		sp.hard_bytes = 1ULL << 42;
		sp.seq_soft = 1ULL << 31;
	} else {
		sp.hard_seconds = 2 * r + 90;
		sp.hard_packets = 1ULL << 33;
		sp.hard_bytes = 1ULL << 43;
	}
	ret = azc_sa_add(&rt->nl, &sp);
	OPENSSL_cleanse(key, sizeof(key));
	if (ret) {
		kd_msg(rt->d, false, "cannot install the %s SA 0x%08x with %s: %s",
		       azc_sa_dir_name(dir), spi, p->a,
		       rt->nl.extack[0] ? rt->nl.extack : strerror(-ret));
		return ret;
	}
	recs[*n].spi = spi;
	recs[*n].at = azc_now_ms();
	recs[*n].last_pk = 0;
	recs[*n].idle = 0;
	(*n)++;
	return 0;
}

/* A new transmit SA sends from now on: the others with @p go. */
static void out_only(struct azc_keyd_rt *rt, struct kpeer *p, uint32_t spi)
{
	unsigned int k = 0;

	while (k < p->n_out) {
		if (p->out[k].spi != spi)
			sa_delete(rt, p, AZCONNECT_SA_DIR_OUT, k);
		else
			k++;
	}
}

/* The keys of a finished handshake in the device, in the safe order. */
static int keyed(struct azc_keyd_rt *rt, struct kpeer *p, struct azc_keyx *x)
{
	struct azc_keyd *d = rt->d;
	int ret;

	if (x->initiator) {
		ret = sa_install(rt, p, AZCONNECT_SA_DIR_IN, x->spi_i,
				 &x->key_in, true);
		if (!ret)
			ret = sa_install(rt, p, AZCONNECT_SA_DIR_OUT, x->spi_r,
					 &x->key_out, true);
		if (ret)
			return ret;
		out_only(rt, p, x->spi_r);
	} else {
		ret = sa_install(rt, p, AZCONNECT_SA_DIR_OUT, x->spi_i,
				 &x->key_out, false);
		if (ret)
			return ret;
		out_only(rt, p, x->spi_i);
	}
	pthread_mutex_lock(&d->mu);
	d->handshakes++;
	pthread_mutex_unlock(&d->mu);
	news(d);
	kd_info("keyed with %s as %s: in 0x%08x, out 0x%08x, %s",
		p->a, x->initiator ? "initiator" : "responder",
		x->initiator ? x->spi_i : x->spi_r,
		x->initiator ? x->spi_r : x->spi_i,
		azc_sa_cipher_name(x->cipher));
	return 0;
}

/* ---- Peers ---- */

static void peer_reset(struct kpeer *p)
{
	keyx_free(&p->ini);
	keyx_free(&p->resp);
	p->lk = 0;
	p->ini_want = false;
	p->resp_sent = false;
}

static struct kpeer *peer_find(struct azc_keyd_rt *rt,
			       const struct in6_addr *a)
{
	size_t i;

	for (i = 0; i < rt->n_peers; i++)
		if (IN6_ARE_ADDR_EQUAL(&rt->peers[i].addr, a))
			return &rt->peers[i];
	return NULL;
}

static bool peer_idle(const struct kpeer *p)
{
	return !p->n_in && !p->n_out && !p->ini && !p->resp && !p->lk &&
	       !p->ini_want;
}

/* @a's entry, made when missing (the least recently used idle one goes
 * when the table is full); NULL when full of busy peers. */
static struct kpeer *peer_get(struct azc_keyd_rt *rt, const struct in6_addr *a)
{
	struct kpeer *p = peer_find(rt, a), *victim = NULL;
	size_t i;

	if (p) {
		p->touched = azc_now_ms();
		return p;
	}
	if (rt->n_peers == AZC_KEYD_PEERS_MAX) {
		for (i = 0; i < rt->n_peers; i++)
			if (peer_idle(&rt->peers[i]) &&
			    (!victim || rt->peers[i].touched < victim->touched))
				victim = &rt->peers[i];
		if (!victim)
			return NULL;
		p = victim;
	} else {
		p = &rt->peers[rt->n_peers++];
	}
	memset(p, 0, sizeof(*p));
	p->addr = *a;
	inet_ntop(AF_INET6, a, p->a, sizeof(p->a));
	p->touched = azc_now_ms();
	return p;
}

/* ---- The name service ---- */

static void lookup_start(struct azc_keyd_rt *rt, struct kpeer *p,
			 unsigned int why)
{
	struct sockaddr_in6 sa = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(AZC_DNS_PORT),
		.sin6_addr = rt->ns,
		.sin6_scope_id = rt->ifindex,
	};
	uint8_t *wire;
	size_t len;

	if (p->lk) {
		p->lk |= why;
		return;
	}
	if (RAND_bytes((unsigned char *)&p->lk_id, sizeof(p->lk_id)) != 1)
		p->lk_id = (uint16_t)rand();
	if (azc_peerkey_query(&p->addr, p->lk_id, &wire, &len))
		return;
	if (sendto(rt->dns, wire, len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		kd_msg(rt->d, false, "cannot ask the name service for %s's key: %s",
		       p->a, strerror(errno));
		free(wire);
		return;
	}
	free(wire);
	p->lk = why;
	p->lk_deadline = azc_now_ms() + AZC_PEERKEY_TIMEOUT_MS;
}

static void initiate(struct azc_keyd_rt *rt, struct kpeer *p,
		     const uint8_t rs[32]);
static void respond(struct azc_keyd_rt *rt, struct kpeer *p,
		    const uint8_t key[32]);

/* The lookup ended: @key, or @ret and @err. */
static void lookup_done(struct azc_keyd_rt *rt, struct kpeer *p, int ret,
			const uint8_t *key, const char *err)
{
	unsigned int why = p->lk;

	p->lk = 0;
	if (ret) {
		if (why & LK_RESP) {
			kd_msg(rt->d, true, "refused %s's handshake: its key: %s",
			       p->a, err);
			keyx_free(&p->resp);
		}
		if (why & LK_INIT) {
			kd_msg(rt->d, false, "cannot key with %s: its key: %s",
			       p->a, err);
			p->ini_want = false;
			p->backoff = azc_now_ms() + BACKOFF_MS;
		}
		return;
	}
	if ((why & LK_RESP) && p->resp)
		respond(rt, p, key);
	if ((why & LK_INIT) && p->ini_want)
		initiate(rt, p, key);
}

static void dns_input(struct azc_keyd_rt *rt)
{
	uint8_t buf[AZC_PEERKEY_MSG_MAX], key[32];
	struct sockaddr_in6 from;
	socklen_t fl = sizeof(from);
	char err[256];
	bool trunc;
	ssize_t n;
	size_t i;
	int ret;

	while ((n = recvfrom(rt->dns, buf, sizeof(buf), 0,
			     (struct sockaddr *)&from, &fl)) >= 0) {
		if (n < 2 || !IN6_ARE_ADDR_EQUAL(&from.sin6_addr, &rt->ns) ||
		    from.sin6_port != htons(AZC_DNS_PORT))
			goto next;
		for (i = 0; i < rt->n_peers; i++) {
			struct kpeer *p = &rt->peers[i];

			if (!p->lk || p->lk_id != (uint16_t)(buf[0] << 8 | buf[1]))
				continue;
			ret = azc_peerkey_answer(buf, (size_t)n, p->lk_id,
						 &p->addr, key, &trunc, err,
						 sizeof(err));
			if (ret == -EPROTO)
				continue;	/* not the answer: keep waiting */
			if (ret && trunc)
				snprintf(err, sizeof(err), "the name service's answer came truncated");
			lookup_done(rt, p, ret, key, err);
			break;
		}
next:
		fl = sizeof(from);
	}
}

/* ---- The exchange ---- */

static void send_to(struct azc_keyd_rt *rt, const struct in6_addr *a,
		    const uint8_t *msg, size_t len)
{
	struct sockaddr_in6 sa = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(AZCONNECT_ESP_HANDSHAKE_PORT),
		.sin6_addr = *a,
	};
	char s[INET6_ADDRSTRLEN];

	if (sendto(rt->udp, msg, len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0 && errno != EAGAIN)
		kd_info("cannot send to %s: %s",
			inet_ntop(AF_INET6, a, s, sizeof(s)), strerror(errno));
}

/* Message 1 to @p, whose static key is @rs; a new try each RETRY_MS. */
static void initiate(struct azc_keyd_rt *rt, struct kpeer *p,
		     const uint8_t rs[32])
{
	uint8_t m[AZC_KEYX_MSG_MAX];
	uint64_t ts = now_ns();
	size_t len;
	int ret;

	keyx_free(&p->ini);
	p->ini = calloc(1, sizeof(*p->ini));
	if (!p->ini)
		return;
	if (ts <= rt->last_ts)
		ts = rt->last_ts + 1;
	rt->last_ts = ts;
	ret = azc_keyx_initiate(p->ini, rt->d->priv, rs, &rt->self, &p->addr,
				rt->d->cipher, new_spi(rt), ts, m, &len);
	if (ret) {
		kd_msg(rt->d, false, "cannot start a handshake with %s: %s",
		       p->a, strerror(-ret));
		keyx_free(&p->ini);
		p->ini_want = false;
		return;
	}
	send_to(rt, &p->addr, m, len);
	p->tries++;
	p->ini_next = azc_now_ms() + RETRY_MS;
}

/* The module wants a transmit SA for @a, or one of ours is ageing. */
static void want_sa(struct azc_keyd_rt *rt, const struct in6_addr *a,
		    bool rekey)
{
	int64_t now = azc_now_ms();
	struct kpeer *p;

	if (IN6_ARE_ADDR_EQUAL(a, &rt->self))
		return;
	p = peer_get(rt, a);
	if (!p) {
		kd_msg(rt->d, false, "cannot key with another peer: %d are being keyed",
		       AZC_KEYD_PEERS_MAX);
		return;
	}
	/*
	 * The module asks only while it has no transmit SA for @a: an
	 * acquire read after ours went in (sent while the exchange ran, or
	 * while the responder waited for its confirm) is stale.
	 */
	if (!rekey && p->n_out)
		return;
	/* one at a time; a responder about to get its confirm waits */
	if (p->ini || p->ini_want ||
	    (p->resp && (!p->resp_sent || now < p->resp_deadline)) ||
	    (!rekey && now < p->backoff))
		return;
	if (rekey)
		kd_info("rekeying with %s", p->a);
	p->ini_want = true;
	p->tries = 0;
	lookup_start(rt, p, LK_INIT);
}

/* Message 1 from @from: the key check comes before any answer. */
static void on_init(struct azc_keyd_rt *rt, const struct in6_addr *from,
		    const uint8_t *m, size_t len)
{
	struct azc_keyx *x;
	struct kpeer *p;
	int ret;

	p = peer_get(rt, from);
	if (!p)
		return;
	/* two X25519 per message 1: a flood from one peer is cut short */
	if (p->last_init && azc_now_ms() - p->last_init < INIT_GAP_MS)
		return;
	p->last_init = azc_now_ms();
	if (p->ini && memcmp(&rt->self, from, sizeof(rt->self)) > 0)
		return;		/* both at once: the lower address yields */
	p->ini_want = false;	/* not sent yet: this one will do */
	x = calloc(1, sizeof(*x));
	if (!x)
		return;
	ret = azc_keyx_accept(x, rt->d->priv, &rt->self, from, m, len);
	if (ret) {
		kd_msg(rt->d, true, "refused a handshake from %s: %s", p->a,
		       ret == -EBADMSG ? "it was not made for this endpoint's key" :
		       strerror(-ret));
		free(x);
		return;
	}
	if (x->ts <= p->last_ts) {
		kd_msg(rt->d, true, "refused a handshake from %s: a replayed first message",
		       p->a);
		azc_keyx_clear(x);
		free(x);
		return;
	}
	if (p->ini) {
		kd_info("handshakes with %s crossed: answering its", p->a);
		keyx_free(&p->ini);
		p->ini_want = false;
	}
	/* an earlier try of the peer's: its receive SA was never used */
	if (p->resp && p->resp_sent) {
		unsigned int k;

		for (k = 0; k < p->n_in; k++)
			if (p->in[k].spi == p->resp->spi_r) {
				sa_delete(rt, p, AZCONNECT_SA_DIR_IN, k);
				break;
			}
	}
	keyx_free(&p->resp);
	p->resp = x;
	p->resp_sent = false;
	lookup_start(rt, p, LK_RESP);
}

/* The name service has @key for the initiator of p->resp. */
static void respond(struct azc_keyd_rt *rt, struct kpeer *p,
		    const uint8_t key[32])
{
	struct azc_keyx *x = p->resp;
	char fp1[AZC_KEYREC_FP_LEN], fp2[AZC_KEYREC_FP_LEN];
	uint8_t m[AZC_KEYX_MSG_MAX];
	size_t len;
	int ret;

	if (CRYPTO_memcmp(key, x->rs, 32)) {
		azc_keyrec_fingerprint(x->rs, fp1);
		azc_keyrec_fingerprint(key, fp2);
		kd_msg(rt->d, true, "refused %s's handshake: it holds key %s, the name service has %s",
		       p->a, fp1, fp2);
		keyx_free(&p->resp);
		return;
	}
	/* its receive SA first: the answer lets the initiator send on it */
	ret = azc_keyx_respond(x, new_spi(rt), m, &len);
	if (ret) {
		kd_msg(rt->d, false, "handshake with %s: %s", p->a, strerror(-ret));
		keyx_free(&p->resp);
		return;
	}
	if (sa_install(rt, p, AZCONNECT_SA_DIR_IN, x->spi_r, &x->key_in,
		       false)) {
		keyx_free(&p->resp);
		return;
	}
	p->last_ts = x->ts;
	send_to(rt, &p->addr, m, len);
	p->resp_sent = true;
	p->resp_deadline = azc_now_ms() + CONFIRM_MS;
}

static void on_resp(struct azc_keyd_rt *rt, const struct in6_addr *from,
		    const struct azc_keyx_hdr *h, const uint8_t *m, size_t len)
{
	struct kpeer *p = peer_find(rt, from);
	uint8_t c[AZC_KEYX_CONFIRM_LEN];
	size_t clen;
	int ret;

	if (!p || !p->ini || h->receiver != p->ini->spi_i)
		return;		/* not ours, or an older try's */
	ret = azc_keyx_finish(p->ini, m, len, c, &clen);
	if (ret) {
		kd_msg(rt->d, true, "refused %s's answer: %s", p->a,
		       ret == -EBADMSG ? "it was not made with the key the name service has" :
		       strerror(-ret));
		keyx_free(&p->ini);
		p->ini_want = false;
		p->backoff = azc_now_ms() + BACKOFF_MS;
		return;
	}
	if (!keyed(rt, p, p->ini))
		send_to(rt, &p->addr, c, clen);
	keyx_free(&p->ini);
	p->ini_want = false;
}

static void on_confirm(struct azc_keyd_rt *rt, const struct in6_addr *from,
		       const struct azc_keyx_hdr *h, const uint8_t *m,
		       size_t len)
{
	struct kpeer *p = peer_find(rt, from);

	if (!p || !p->resp || !p->resp_sent || h->receiver != p->resp->spi_r)
		return;
	if (azc_keyx_confirmed(p->resp, m, len)) {
		kd_msg(rt->d, true, "refused a confirm from %s that does not authenticate",
		       p->a);
		return;
	}
	keyed(rt, p, p->resp);
	keyx_free(&p->resp);
	p->resp_sent = false;
}

static void udp_input(struct azc_keyd_rt *rt)
{
	uint8_t m[AZC_KEYX_MSG_MAX + 1];
	struct sockaddr_in6 from;
	socklen_t fl = sizeof(from);
	struct azc_keyx_hdr h;
	ssize_t n;

	while ((n = recvfrom(rt->udp, m, sizeof(m), 0,
			     (struct sockaddr *)&from, &fl)) >= 0) {
		fl = sizeof(from);
		if (IN6_IS_ADDR_LINKLOCAL(&from.sin6_addr) ||
		    IN6_IS_ADDR_MULTICAST(&from.sin6_addr) ||
		    IN6_ARE_ADDR_EQUAL(&from.sin6_addr, &rt->self) ||
		    azc_keyx_hdr_parse(m, (size_t)n, &h))
			continue;	/* not of this protocol: dropped */
		if (h.type == AZC_KEYX_INIT)
			on_init(rt, &from.sin6_addr, m, (size_t)n);
		else if (h.type == AZC_KEYX_RESP)
			on_resp(rt, &from.sin6_addr, &h, m, (size_t)n);
		else
			on_confirm(rt, &from.sin6_addr, &h, m, (size_t)n);
	}
}

/* ---- The module's notifications ---- */

static void forget(struct azc_keyd_rt *rt, const struct in6_addr *a,
		   uint32_t dir, uint32_t spi)
{
	struct kpeer *p = peer_find(rt, a);
	struct sa_rec *recs;
	unsigned int *n, k;

	if (!p)
		return;
	recs = dir == AZCONNECT_SA_DIR_IN ? p->in : p->out;
	n = dir == AZCONNECT_SA_DIR_IN ? &p->n_in : &p->n_out;
	for (k = 0; k < *n; k++)
		if (recs[k].spi == spi) {
			rec_drop(recs, n, k);
			return;
		}
}

static void on_event(struct nlmsghdr *nlh, void *arg)
{
	struct azc_keyd_rt *rt = arg;
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct azc_sa_info si;

	if (nlh->nlmsg_type != rt->nl.family || azc_sa_parse(nlh, &si) ||
	    si.ifindex != rt->ifindex)
		return;
	if (g->cmd == AZCONNECT_CMD_SA_ACQUIRE_NTF) {
		want_sa(rt, &si.peer, false);
	} else if (g->cmd == AZCONNECT_CMD_SA_EXPIRE_NTF && si.has_expire) {
		if (si.expire == AZCONNECT_SA_EXPIRE_HARD)
			forget(rt, &si.peer, si.dir, si.spi);
		else if (si.dir == AZCONNECT_SA_DIR_OUT)
			want_sa(rt, &si.peer, true);
	}
}

/*
 * An ICMPv6 echo request to @p, over our transmit SA: the peer's SA
 * counts a packet in (its kernel answers it too), so that its liveness
 * check does not key again while we only receive.
 */
static void keepalive(struct azc_keyd_rt *rt, struct kpeer *p)
{
	static const char text[] = "azconnect keepalive";
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
				   .sin6_addr = p->addr };
	uint8_t pkt[sizeof(struct icmp6_hdr) + sizeof(text) - 1];
	struct icmp6_hdr h = {
		.icmp6_type = ICMP6_ECHO_REQUEST,
		.icmp6_id = htons(AZCONNECT_ESP_HANDSHAKE_PORT),
		.icmp6_seq = htons(++p->ka_seq),
	};

	if (rt->ping < 0)
		return;
	memcpy(pkt, &h, sizeof(h));
	memcpy(pkt + sizeof(h), text, sizeof(text) - 1);
	if (sendto(rt->ping, pkt, sizeof(pkt), 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0 && errno != EAGAIN)
		kd_info("cannot send a keepalive to %s: %s", p->a,
			strerror(errno));
}

/*
 * Once a second while there are SAs, from the module's counters:
 *   - old receive SAs: once the newest with a peer has carried packets,
 *     an older one that carried none for RETIRE_LOOKS looks goes (its
 *     packets in flight have arrived);
 *   - a peer that stopped answering (it restarted and lost its SAs, so
 *     it drops ours as unknown): packets went out for REPLY_MS and none
 *     came back, so a new exchange starts; only an authenticated one
 *     changes anything;
 *   - the other side of that: packets came in and none went out for
 *     KEEPALIVE_MS (a one-way flow), so a keepalive goes out, lest the
 *     peer take us for gone;
 *   - SAs the module deleted on its own are forgotten.
 */
static void look(struct azc_keyd_rt *rt)
{
	struct azc_sa_list l = { 0 };
	int64_t now = azc_now_ms();
	size_t i, j;
	unsigned int k;

	for (i = 0; i < rt->n_peers; i++)
		if (rt->peers[i].n_in || rt->peers[i].n_out)
			break;
	if (i == rt->n_peers || azc_sa_dump(&rt->nl, rt->ifindex, &l))
		goto out;
	for (i = 0; i < rt->n_peers; i++) {
		struct kpeer *p = &rt->peers[i];
		uint64_t pk[2] = { 0, 0 }, in_sum = 0, out_sum = 0, spis = 0;
		bool found[2] = { false, false };
		unsigned int nw;

		if (!p->n_in && !p->n_out)
			continue;
		for (k = 0; k < p->n_in; k++)
			for (j = 0; j < l.n; j++)
				if (l.sas[j].dir == AZCONNECT_SA_DIR_IN &&
				    l.sas[j].spi == p->in[k].spi) {
					pk[k] = l.sas[j].packets;
					found[k] = true;
				}
		for (k = p->n_in; k-- > 0;)
			if (!found[k]) {
				rec_drop(p->in, &p->n_in, k);
				pk[k] = pk[p->n_in];
			}
		for (k = p->n_out; k-- > 0;) {
			for (j = 0; j < l.n; j++)
				if (l.sas[j].dir == AZCONNECT_SA_DIR_OUT &&
				    l.sas[j].spi == p->out[k].spi)
					break;
			if (j == l.n)
				rec_drop(p->out, &p->n_out, k);
			else
				out_sum += l.sas[j].packets;
		}
		for (k = 0; k < p->n_in; k++) {
			in_sum += pk[k];
			spis = spis * 31 + p->in[k].spi;
		}
		for (k = 0; k < p->n_out; k++)
			spis = spis * 31 + p->out[k].spi;
		/* liveness: sums compare only while the same SAs stay */
		if (in_sum != p->in_seen || !p->n_out || spis != p->spis_seen) {
			p->quiet_since = 0;
		} else if (out_sum != p->out_seen && !p->quiet_since) {
			p->quiet_since = now;
		} else if (p->quiet_since && now - p->quiet_since >= REPLY_MS) {
			p->quiet_since = 0;
			kd_info("%s has not answered for %d s: keying again",
				p->a, REPLY_MS / 1000);
			want_sa(rt, &p->addr, true);
		}
		if (!p->n_out || spis != p->spis_seen || out_sum != p->out_seen) {
			p->rx_only_since = 0;
		} else if (in_sum != p->in_seen && !p->rx_only_since) {
			p->rx_only_since = now;
		} else if (p->rx_only_since &&
			   now - p->rx_only_since >= KEEPALIVE_MS) {
			p->rx_only_since = 0;
			keepalive(rt, p);
		}
		p->in_seen = in_sum;
		p->out_seen = out_sum;
		p->spis_seen = spis;
		if (p->n_in < 2)
			continue;
		nw = p->in[1].at >= p->in[0].at ? 1 : 0;
		if (!pk[nw])
			continue;
		if (pk[!nw] == p->in[!nw].last_pk) {
			if (++p->in[!nw].idle >= RETIRE_LOOKS)
				sa_delete(rt, p, AZCONNECT_SA_DIR_IN, !nw);
		} else {
			p->in[!nw].last_pk = pk[!nw];
			p->in[!nw].idle = 0;
		}
	}
out:
	azc_sa_list_free(&l);
}

/* Every SA of the device goes (a dead session's, or ours at the end). */
static void flush_all(struct azc_keyd_rt *rt)
{
	struct azc_sa_list l = { 0 };
	size_t i;

	if (!rt->ifindex || azc_sa_dump(&rt->nl, rt->ifindex, &l))
		return;
	for (i = 0; i < l.n; i++)
		azc_sa_del(&rt->nl, rt->ifindex, l.sas[i].dir, l.sas[i].spi);
	azc_sa_list_free(&l);
}

/* ---- The thread ---- */

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Everything kept for the device @rt->ifindex: gone with it. */
static void rt_drop_device(struct azc_keyd_rt *rt)
{
	size_t i;

	for (i = 0; i < rt->n_peers; i++)
		peer_reset(&rt->peers[i]);
	rt->n_peers = 0;
	close_fd(&rt->udp);
	close_fd(&rt->dns);
	close_fd(&rt->ping);
}

/* The sockets for device @ifindex, whose SAs are flushed: 0 or -errno. */
static int rt_device(struct azc_keyd_rt *rt, uint32_t ifindex)
{
	struct sockaddr_in6 sa = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(AZCONNECT_ESP_HANDSHAKE_PORT),
	};
	struct icmp6_filter filter;
	int one = 1, ret;

	rt_drop_device(rt);
	rt->ifindex = ifindex;
	if (!if_indextoname(ifindex, rt->ifname))
		return -errno;
	flush_all(rt);
	ret = azc_dev_set_u32(&rt->nl, ifindex, NULL, AZCONNECT_A_DEV_ESP,
			      AZCONNECT_ESP_MODE_REQUIRED);
	if (ret) {
		kd_msg(rt->d, false, "cannot set %s to esp required: %s",
		       rt->ifname, rt->nl.extack[0] ? rt->nl.extack :
		       strerror(-ret));
		return ret;
	}
	rt->udp = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	rt->dns = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (rt->udp < 0 || rt->dns < 0 ||
	    setsockopt(rt->udp, SOL_SOCKET, SO_BINDTODEVICE, rt->ifname,
		       (socklen_t)strlen(rt->ifname)) ||
	    setsockopt(rt->udp, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
	    bind(rt->udp, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(rt->dns, SOL_SOCKET, SO_BINDTODEVICE, rt->ifname,
		       (socklen_t)strlen(rt->ifname))) {
		ret = -errno;
		kd_msg(rt->d, false, "cannot listen on UDP port %d of %s: %s",
		       AZCONNECT_ESP_HANDSHAKE_PORT, rt->ifname, strerror(-ret));
		close_fd(&rt->udp);
		close_fd(&rt->dns);
		return ret;
	}
	/* Keepalives only: what comes back is filtered out, never queued. */
	ICMP6_FILTER_SETBLOCKALL(&filter);
	rt->ping = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			  IPPROTO_ICMPV6);
	if (rt->ping < 0 ||
	    setsockopt(rt->ping, IPPROTO_ICMPV6, ICMP6_FILTER, &filter,
		       sizeof(filter)) ||
	    setsockopt(rt->ping, SOL_SOCKET, SO_BINDTODEVICE, rt->ifname,
		       (socklen_t)strlen(rt->ifname))) {
		kd_info("no keepalives on %s: %s", rt->ifname, strerror(errno));
		close_fd(&rt->ping);
	}
	kd_info("keying on %s, UDP port %d", rt->ifname,
		AZCONNECT_ESP_HANDSHAKE_PORT);
	return 0;
}

/* Deadlines: handshakes, lookups, confirms. The next one, in ms. */
static int64_t timers(struct azc_keyd_rt *rt)
{
	int64_t now = azc_now_ms(), next = now + LOOK_MS;
	size_t i;

	for (i = 0; i < rt->n_peers; i++) {
		struct kpeer *p = &rt->peers[i];

		if (p->lk && now >= p->lk_deadline)
			lookup_done(rt, p, -ETIMEDOUT, NULL,
				    "the name service did not answer in time");
		if (p->resp && p->resp_sent && now >= p->resp_deadline) {
			/* no confirm: its receive SA stays for the retirement */
			kd_msg(rt->d, false, "%s did not confirm the handshake", p->a);
			keyx_free(&p->resp);
			p->resp_sent = false;
		}
		if (p->ini && now >= p->ini_next) {
			if (p->tries >= AZC_KEYD_TRIES) {
				kd_msg(rt->d, false, "%s did not answer %u handshakes",
				       p->a, p->tries);
				keyx_free(&p->ini);
				p->ini_want = false;
				p->backoff = now + BACKOFF_MS;
			} else {
				uint8_t rs[32];

				memcpy(rs, p->ini->rs, 32);
				initiate(rt, p, rs);
			}
		}
		if (p->lk && p->lk_deadline < next)
			next = p->lk_deadline;
		if (p->ini && p->ini_next < next)
			next = p->ini_next;
		if (p->resp && p->resp_sent && p->resp_deadline < next)
			next = p->resp_deadline;
	}
	if (now >= rt->next_look) {
		look(rt);
		rt->next_look = now + LOOK_MS;
	}
	if (rt->next_look < next)
		next = rt->next_look;
	return next;
}

static void publish(struct azc_keyd_rt *rt)
{
	struct azc_keyd *d = rt->d;
	unsigned int sas = 0, peers = 0;
	bool moved;
	size_t i;

	for (i = 0; i < rt->n_peers; i++) {
		sas += rt->peers[i].n_in + rt->peers[i].n_out;
		if (rt->peers[i].n_out)
			peers++;
	}
	pthread_mutex_lock(&d->mu);
	moved = d->peers != peers || d->sas != sas;
	d->peers = peers;
	d->sas = sas;
	pthread_mutex_unlock(&d->mu);
	if (moved)
		news(d);
}

static void *keyd_main(void *arg)
{
	struct azc_keyd_rt *rt = arg;
	struct azc_keyd *d = rt->d;
	struct pollfd pf[4];
	uint32_t ifindex;
	bool stop;
	uint64_t v;
	int64_t next;
	int nfd;

	for (;;) {
		pthread_mutex_lock(&d->mu);
		stop = d->stop;
		ifindex = d->ifindex;
		if (d->changed) {
			rt->self = d->self;
			rt->ns = d->ns;
			d->changed = false;
		}
		pthread_mutex_unlock(&d->mu);
		if (stop)
			break;
		if (ifindex && ifindex != rt->ifindex &&
		    rt_device(rt, ifindex))
			rt->ifindex = 0;	/* tried: again at the next news */
		azc_nl_read_events(&rt->nl, on_event, rt);
		next = rt->udp >= 0 ? timers(rt) : azc_now_ms() + LOOK_MS;
		publish(rt);
		nfd = 0;
		pf[nfd++] = (struct pollfd){ .fd = d->kick, .events = POLLIN };
		pf[nfd++] = (struct pollfd){ .fd = nl_socket_get_fd(rt->nl.sk),
					     .events = POLLIN };
		if (rt->udp >= 0) {
			pf[nfd++] = (struct pollfd){ .fd = rt->udp, .events = POLLIN };
			pf[nfd++] = (struct pollfd){ .fd = rt->dns, .events = POLLIN };
		}
		if (azc_nl_has_events(&rt->nl))
			continue;
		next -= azc_now_ms();
		if (poll(pf, (nfds_t)nfd, next < 0 ? 0 : next > 60000 ? 60000 :
			 (int)next) <= 0)
			continue;
		if (pf[0].revents & POLLIN)
			(void)!read(d->kick, &v, sizeof(v));
		if (rt->udp >= 0) {
			if (pf[2].revents & POLLIN)
				udp_input(rt);
			if (pf[3].revents & POLLIN)
				dns_input(rt);
		}
	}
	/* the end of the session: what it installed goes */
	if (rt->ifindex) {
		flush_all(rt);
		azc_dev_set_u32(&rt->nl, rt->ifindex, NULL, AZCONNECT_A_DEV_ESP,
				AZCONNECT_ESP_MODE_OFF);
	}
	rt_drop_device(rt);
	azc_nl_close(&rt->nl);
	free(rt->peers);
	free(rt);
	return NULL;
}

void azc_keyd_start(struct azc_keyd *d, const uint8_t priv[32])
{
	struct azc_keyd_rt *rt;
	int ret;

	d->kick = -1;
	d->news = -1;
	if (!d->on)
		return;
	memcpy(d->priv, priv, 32);
	if (azc_noise_pubkey(priv, d->pub))
		goto fail;
	if (!d->cipher)
		d->cipher = AZCONNECT_SA_CIPHER_AES_GCM_256;
	rt = calloc(1, sizeof(*rt));
	if (!rt)
		goto fail;
	rt->d = d;
	rt->udp = rt->dns = rt->ping = -1;
	rt->peers = calloc(AZC_KEYD_PEERS_MAX, sizeof(*rt->peers));
	d->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	d->news = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ret = rt->peers && d->kick >= 0 && d->news >= 0 ?
	      azc_nl_open(&rt->nl) : -ENOMEM;
	if (!ret) {
		rt->nl_open = true;
		ret = azc_nl_enable_events(&rt->nl);
	}
	if (!ret)
		ret = azc_nl_subscribe(&rt->nl, "events");
	if (!ret)
		ret = -pthread_create(&d->th, NULL, keyd_main, rt);
	if (ret) {
		kd_msg(d, false, "cannot start the keying: %s", strerror(-ret));
		if (rt->nl_open)
			azc_nl_close(&rt->nl);
		free(rt->peers);
		free(rt);
		goto fail;
	}
	d->thread = true;
	return;
fail:
	OPENSSL_cleanse(d->priv, sizeof(d->priv));
	d->on = false;
	if (d->kick >= 0)
		close(d->kick);
	if (d->news >= 0)
		close(d->news);
	d->kick = -1;
	d->news = -1;
}

static void kick(struct azc_keyd *d)
{
	uint64_t one = 1;

	if (d->kick >= 0)
		(void)!write(d->kick, &one, sizeof(one));
}

void azc_keyd_set(struct azc_keyd *d, uint32_t ifindex,
		  const struct in6_addr *self, const struct in6_addr *ns)
{
	if (!d->thread)
		return;
	pthread_mutex_lock(&d->mu);
	d->ifindex = ifindex;
	d->self = *self;
	d->ns = *ns;
	d->changed = true;
	pthread_mutex_unlock(&d->mu);
	kick(d);
}

void azc_keyd_print(struct azc_keyd *d, FILE *f)
{
	char esc[sizeof(d->msg) * 4];

	pthread_mutex_lock(&d->mu);
	fprintf(f, "esp=%s\n", d->on ? "required" : "off");
	if (d->on) {
		fprintf(f, "esp_rekey=%u\nesp_peers=%u\nesp_sas=%u\nesp_handshakes=%llu\nesp_refused=%llu\nesp_failed=%llu\n",
			d->rekey, d->peers, d->sas,
			(unsigned long long)d->handshakes,
			(unsigned long long)d->refused,
			(unsigned long long)d->failed);
		azc_escape_line(d->msg, esc, sizeof(esc));
		fprintf(f, "esp_msg=%s\n", esc);
	}
	pthread_mutex_unlock(&d->mu);
}

void azc_keyd_stop(struct azc_keyd *d)
{
	if (d->thread) {
		pthread_mutex_lock(&d->mu);
		d->stop = true;
		pthread_mutex_unlock(&d->mu);
		kick(d);
		pthread_join(d->th, NULL);
		d->thread = false;
	}
	if (d->kick >= 0)
		close(d->kick);
	if (d->news >= 0)
		close(d->news);
	d->kick = -1;
	d->news = -1;
	OPENSSL_cleanse(d->priv, sizeof(d->priv));
}
