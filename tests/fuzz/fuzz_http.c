// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the server's parser of the SSTP HTTP request and the
 * client's parser of the response.
 */

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "engine/sstp_http.h"

/* A successful parse consumed exactly a header block. */
static void check_consumed(const char *buf, size_t size, int ret)
{
	CHECK(ret >= 4 && (size_t)ret <= size && ret <= AZC_HTTP_MAX_HEADER);
	CHECK(!memcmp(buf + ret - 4, "\r\n\r\n", 4));
	CHECK(!memmem(buf, ret - 1, "\r\n\r\n", 4));
}

static void request(const char *buf, size_t size)
{
	const uint8_t guid[16] = { 0 };
	struct azc_http_request req, req2;
	char out[1024];
	int ret, n, st;

	ret = azc_http_parse_request(buf, size, &req);
	CHECK(azc_http_strerror(ret));
	st = azc_http_err_status(ret);
	if (ret < 0) {
		CHECK(ret > -AZC_HTTP_E_MAX && ret != -AZC_HTTP_E_STATUS);
		CHECK(ret == -AZC_HTTP_E_NEED_MORE ? st == 0 :
		      st >= 400 && st <= 599);
		if (st) {
			n = azc_http_build_error(out, sizeof(out), st);
			CHECK(n > 0 && (size_t)n < sizeof(out));
		}
		return;
	}
	check_consumed(buf, size, ret);
	CHECK(req.host[0] && strlen(req.host) <= AZC_HTTP_HOST_MAX);
	/* Fewer bytes: still waiting for the blank line */
	CHECK(azc_http_parse_request(buf, ret - 1, &req2) ==
	      -AZC_HTTP_E_NEED_MORE);
	/* Our own request for the same host parses back to it */
	n = azc_http_build_request_guid(out, sizeof(out), req.host, guid);
	if (n == -AZC_HTTP_E_INVAL)
		return;	/* a Host value we would not send, e.g. with spaces */
	CHECK(n > 0);
	CHECK(azc_http_parse_request(out, n, &req2) == n);
	CHECK(!strcmp(req.host, req2.host));
}

static void response(const char *buf, size_t size)
{
	struct azc_http_response resp, resp2;
	int ret;

	ret = azc_http_parse_response(buf, size, &resp);
	CHECK(azc_http_strerror(ret));
	if (ret == -AZC_HTTP_E_STATUS)
		CHECK(resp.status >= 100 && resp.status <= 599 &&
		      resp.status != 200);
	if (ret < 0) {
		CHECK(ret > -AZC_HTTP_E_MAX);
		return;
	}
	CHECK(resp.status == 200);
	check_consumed(buf, size, ret);
	CHECK(azc_http_parse_response(buf, ret - 1, &resp2) ==
	      -AZC_HTTP_E_NEED_MORE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);

	CHECK(buf);
	memcpy(buf, data, size);
	request(buf, size);
	response(buf, size);
	free(buf);
	return 0;
}
