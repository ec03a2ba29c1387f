// SPDX-License-Identifier: GPL-2.0-only
/*
 * resolv.conf, taken over and given back by text: see resolvconf.h.
 */

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "resolvconf.h"

#define OWNER	"#azc-owner "
#define ORIG	"#azc-orig "
#define LINK	"#azc-orig-link "
#define END	"#azc-orig-end"

struct line {
	const char *s;
	size_t len;		/* without its newline */
	bool nl;		/* it had one */
};

/* The next line of @text from *@pos; false at the end. */
static bool next_line(const char *text, size_t len, size_t *pos,
		      struct line *l)
{
	const char *e;

	if (*pos >= len)
		return false;
	l->s = text + *pos;
	e = memchr(l->s, '\n', len - *pos);
	l->len = e ? (size_t)(e - l->s) : len - *pos;
	l->nl = e;
	*pos += l->len + (e ? 1 : 0);
	return true;
}

static bool starts(const struct line *l, const char *p)
{
	size_t n = strlen(p);

	return l->len >= n && !memcmp(l->s, p, n);
}

/* The line's keyword (after blanks) is @kw, followed by a blank. */
static bool keyword(const struct line *l, const char *kw, size_t *arg)
{
	size_t i = 0, n = strlen(kw);

	while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	if (l->len - i <= n || memcmp(l->s + i, kw, n))
		return false;
	i += n;
	if (l->s[i] != ' ' && l->s[i] != '\t')
		return false;
	while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	*arg = i;
	return true;
}

int azc_rc_servers(const char *text, size_t len,
		   struct sockaddr_storage *out, int max)
{
	struct addrinfo hints = {
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
		.ai_socktype = SOCK_DGRAM,
	};
	struct line l;
	size_t pos = 0, a, n;
	int count = 0;

	while (count < max && next_line(text, len, &pos, &l)) {
		struct addrinfo *ai;
		char tok[INET6_ADDRSTRLEN + 32];

		if (!keyword(&l, "nameserver", &a))
			continue;
		for (n = 0; a + n < l.len && l.s[a + n] != ' ' &&
		     l.s[a + n] != '\t' && l.s[a + n] != '\r'; n++)
			;
		if (!n || n >= sizeof(tok))
			continue;
		memcpy(tok, l.s + a, n);
		tok[n] = '\0';
		if (!strcmp(tok, AZC_RC_STUB) || getaddrinfo(tok, "53", &hints, &ai))
			continue;
		memset(&out[count], 0, sizeof(out[count]));
		memcpy(&out[count], ai->ai_addr, ai->ai_addrlen);
		count++;
		freeaddrinfo(ai);
	}
	return count;
}

bool azc_rc_owner(const char *text, size_t len, long *pid, char *name,
		  size_t namesize)
{
	struct line l;
	size_t pos = 0;

	while (next_line(text, len, &pos, &l)) {
		char buf[512], *end;
		long p;

		if (!starts(&l, OWNER) || l.len >= sizeof(buf))
			continue;
		memcpy(buf, l.s, l.len);
		buf[l.len] = '\0';
		p = strtol(buf + strlen(OWNER), &end, 10);
		if (p <= 0 || *end != ' ' || !end[1])
			return false;
		*pid = p;
		snprintf(name, namesize, "%s", end + 1);
		return true;
	}
	return false;
}

struct out {
	char *p;
	size_t size, len;
	bool full;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + n >= o->size) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

int azc_rc_build(char *buf, size_t outsize, const char *orig,
		 size_t orig_len, const char *link, const char *name,
		 long pid, const char *zones)
{
	static const char *const keep[] = {
		"search", "domain", "options", "sortlist",
	};
	struct out o = { .p = buf, .size = outsize };
	char num[32];
	struct line l;
	size_t pos = 0, a, i;

	if (!outsize)
		return -ENOSPC;
	buf[0] = '\0';
	if (memchr(orig, '\0', orig_len))
		return -EINVAL;
	puts_(&o, "# Written by azconnectctl while endpoint ");
	puts_(&o, name);
	puts_(&o, "'s session runs: names in\n# ");
	puts_(&o, zones);
	puts_(&o, "\n# go to the relay's name service, all others to the servers the\n"
		  "# original named (it is kept below, and put back by\n"
		  "# \"azconnectctl down ");
	puts_(&o, name);
	puts_(&o, "\" or the next \"up\" after a crash).\n");
	puts_(&o, OWNER);
	snprintf(num, sizeof(num), "%ld ", pid);
	puts_(&o, num);
	puts_(&o, name);
	puts_(&o, "\nnameserver " AZC_RC_STUB "\n");
	while (next_line(orig, orig_len, &pos, &l))
		for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
			if (keyword(&l, keep[i], &a)) {
				put(&o, l.s, l.len);
				puts_(&o, "\n");
			}
	if (link) {
		puts_(&o, LINK);
		puts_(&o, link);
		puts_(&o, "\n");
	} else {
		pos = 0;
		while (next_line(orig, orig_len, &pos, &l)) {
			puts_(&o, ORIG);
			put(&o, l.s, l.len);
			puts_(&o, "\n");
		}
	}
	puts_(&o, END);
	/* Only a file whose last line lacks its newline is told apart. */
	if (!link && orig_len && orig[orig_len - 1] != '\n')
		puts_(&o, " nonl");
	puts_(&o, "\n");
	return o.full ? -ENOSPC : (int)o.len;
}

int azc_rc_original(const char *text, size_t len, char *buf, size_t outsize,
		    size_t *olen, char *link, size_t linksize)
{
	struct out o = { .p = buf, .size = outsize };
	bool owner = false;
	struct line l;
	size_t pos = 0;

	*olen = 0;
	if (linksize)
		link[0] = '\0';
	if (outsize)
		buf[0] = '\0';
	while (next_line(text, len, &pos, &l)) {
		if (starts(&l, OWNER)) {
			owner = true;
		} else if (starts(&l, ORIG)) {
			put(&o, l.s + strlen(ORIG), l.len - strlen(ORIG));
			put(&o, "\n", 1);
		} else if (starts(&l, LINK)) {
			size_t n = l.len - strlen(LINK);

			if (!n || n >= linksize)
				return -EINVAL;
			memcpy(link, l.s + strlen(LINK), n);
			link[n] = '\0';
		} else if (starts(&l, END)) {
			if (!owner)
				return -ENOENT;
			if (o.full)
				return -ENOSPC;
			if (l.len == strlen(END " nonl") &&
			    !memcmp(l.s, END " nonl", l.len)) {
				if (!o.len)
					return -EINVAL;
				o.len--;
			}
			*olen = o.len;
			return 0;
		}
	}
	return owner ? -EINVAL : -ENOENT;
}
