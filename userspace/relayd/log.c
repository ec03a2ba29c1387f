// SPDX-License-Identifier: GPL-2.0-only
/*
 * The relay's log: every line goes to stderr (a service manager's journal)
 * and, with --syslog, to syslog, with its control bytes escaped, as peers
 * choose some of the text (names, messages). Lines about one peer carry
 * its "[id address]" prefix and share one limit per minute, whatever
 * stage the session is in (negotiation or after the hand-off).
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "relayd.h"

bool relayd_use_syslog;

static void relayd_vlog(const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static void relayd_vlog(const char *prefix, const char *fmt, va_list ap)
{
	char msg[768], safe[4 * sizeof(msg)];
	size_t n;

	n = (size_t)snprintf(msg, sizeof(msg), "%s", prefix);
	if (n < sizeof(msg))
		vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	azc_escape_line(msg, safe, sizeof(safe));
	fprintf(stderr, "azconnect-relayd: %s\n", safe);
	if (relayd_use_syslog)
		syslog(LOG_INFO, "%s", safe);
}

void relayd_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	relayd_vlog("", fmt, ap);
	va_end(ap);
}

void relayd_log_warnings(const struct azc_relay_cfg *c)
{
	const char *p = c->warnings, *nl;

	while (*p) {
		nl = strchr(p, '\n');
		relayd_log("%.*s", nl ? (int)(nl - p) : (int)strlen(p), p);
		p = nl ? nl + 1 : p + strlen(p);
	}
}

void peer_log_init(struct peer_log *pl, uint64_t id, const char *peer)
{
	memset(pl, 0, sizeof(*pl));
	pl->id = id;
	snprintf(pl->peer, sizeof(pl->peer), "%s", peer);
}

static void peer_vlog(struct peer_log *pl, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static void peer_vlog(struct peer_log *pl, const char *fmt, va_list ap)
{
	char prefix[sizeof(pl->peer) + 32];

	snprintf(prefix, sizeof(prefix), "[%llu %s] ",
		 (unsigned long long)pl->id, pl->peer);
	relayd_vlog(prefix, fmt, ap);
}

static void peer_log_raw(struct peer_log *pl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void peer_log_raw(struct peer_log *pl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	peer_vlog(pl, fmt, ap);
	va_end(ap);
}

/* How many lines the limit kept out, if any, said once. */
static void peer_log_flush(struct peer_log *pl)
{
	if (!pl->dropped)
		return;
	peer_log_raw(pl, "%u log lines suppressed (over %u a minute)",
		     pl->dropped, RELAYD_PEER_LOG_LINES);
	pl->dropped = 0;
}

/*
 * Within the limit, or after a new minute began, or a line that must not
 * be lost (how a session ended: the count of those suppressed said first).
 */
static bool peer_log_allow(struct peer_log *pl, bool always)
{
	int64_t now = azc_now_ms();

	if (now - pl->window >= RELAYD_PEER_LOG_WINDOW_MS) {
		peer_log_flush(pl);
		pl->window = now;
		pl->lines = 0;
	}
	if (++pl->lines <= RELAYD_PEER_LOG_LINES)
		return true;
	if (always) {
		peer_log_flush(pl);
		return true;
	}
	pl->dropped++;
	return false;
}

void peer_log(struct peer_log *pl, bool always, const char *fmt, ...)
{
	va_list ap;

	if (!peer_log_allow(pl, always))
		return;
	va_start(ap, fmt);
	peer_vlog(pl, fmt, ap);
	va_end(ap);
}
