// SPDX-License-Identifier: GPL-2.0-only
/*
 * The HTTP stage of the session (MS-SSTP 3.2.5.1, 3.3.5.1): the
 * SSTP_DUPLEX_POST request and its 200 response, with the parser and
 * builders of sstp_http.c, and what happens when either side refuses.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "base/util.h"
#include "sess_priv.h"

/* HTTP */

static void azc_sess_http_failed(struct azc_sess *s, int ret,
				 const struct azc_http_response *resp)
{
	char buf[256];
	int n, st;

	if (!s->server) {
		if (ret == -AZC_HTTP_E_STATUS)
			azc_sess_set_error(s, AZC_SESS_E_HTTP,
					   "the relay answered HTTP %d to SSTP_DUPLEX_POST (not an SSTP relay, or SSTP disabled)",
					   resp->status);
		else
			azc_sess_set_error(s, AZC_SESS_E_HTTP,
					   "malformed HTTP response from the relay: %s",
					   azc_http_strerror(ret));
		azc_sess_done(s);
		return;
	}
	st = azc_http_err_status(ret);
	n = azc_http_build_error(buf, sizeof(buf), st ? st : 400);
	if (n > 0)
		azc_sess_push(s, buf, n);
	azc_sess_set_error(s, AZC_SESS_E_HTTP,
			   "HTTP request refused (%d): %s", st ? st : 400,
			   azc_http_strerror(ret));
	azc_sess_done(s);
}

static void azc_sess_http_done(struct azc_sess *s,
			       const struct azc_http_request *req)
{
	char buf[256];
	u8 msg[AZC_SSTP_CTRL_HDR_LEN + AZC_SSTP_ATTR_PROTO_LEN];
	int n;

	s->sst = AZC_SST_CONNECT_PENDING;
	s->t_nego = s->now + s->cfg.negotiation_ms;
	if (s->server) {
		azc_sess_log(s, AZC_SESS_LOG_INFO,
			     "HTTP SSTP_DUPLEX_POST for host %s, correlation id %s", req->host,
			     req->correlation_id[0] ? req->correlation_id :
			     "none");
		n = azc_http_build_response(buf, sizeof(buf), time(NULL));
		if (n > 0)
			azc_sess_push(s, buf, n);
		return;
	}
	azc_sess_log(s, AZC_SESS_LOG_INFO, "HTTP 200 from the relay");
	azc_sess_send_ctrl(s, msg,
			   azc_sstp_enc_connect_request(msg, sizeof(msg)));
}

size_t azc_sess_http_input(struct azc_sess *s, const u8 *p, size_t n)
{
	struct azc_http_response resp = { 0 };
	struct azc_http_request req = { 0 };
	size_t prev = s->http_len, take;
	int ret;

	take = sizeof(s->http) - prev;
	if (take > n)
		take = n;
	memcpy(s->http + prev, p, take);
	s->http_len += take;
	if (s->server)
		ret = azc_http_parse_request((const char *)s->http,
					     s->http_len, &req);
	else
		ret = azc_http_parse_response((const char *)s->http,
					      s->http_len, &resp);
	if (ret == -AZC_HTTP_E_NEED_MORE)
		return take;
	if (ret < 0) {
		azc_sess_http_failed(s, ret, &resp);
		return take;
	}
	/* Bytes past the header block are SSTP: not consumed here */
	azc_sess_http_done(s, &req);
	return (size_t)ret - prev;
}
