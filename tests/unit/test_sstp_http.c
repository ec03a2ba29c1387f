// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: the SSTP HTTP handshake (userspace/lib/sstp_http.c). */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engine/sstp_http.h"

#define REQ_LINE "SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ " \
		 "HTTP/1.1\r\n"
#define CLEN "Content-Length: 18446744073709551615\r\n"

/* What sstp-client 1.0.18 sends: note its malformed GUID. */
#define SSTPC_REQ REQ_LINE \
	"Host: relay.example.net\r\n" \
	"SSTPCORRELATIONID: {1234567-89AB-CDEF-0123-456789ABCDEF}\r\n" \
	CLEN "\r\n"

static int parse_req(const char *s, struct azc_http_request *req)
{
	return azc_http_parse_request(s, strlen(s), req);
}

static int parse_resp(const char *s, struct azc_http_response *resp)
{
	return azc_http_parse_response(s, strlen(s), resp);
}

static void test_build_request(void **state)
{
	const uint8_t guid[16] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
				   0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,
				   0x0e, 0x0f };
	const char *want = REQ_LINE
		"Host: relay.example.net\r\n"
		CLEN
		"SSTPCORRELATIONID: {00010203-0405-0607-0809-0A0B0C0D0E0F}\r\n"
		"\r\n";
	struct azc_http_request req;
	char buf[512];
	int n;

	(void)state;
	n = azc_http_build_request_guid(buf, sizeof(buf), "relay.example.net",
					guid);
	assert_int_equal(n, strlen(want));
	assert_string_equal(buf, want);
	assert_int_equal(azc_http_parse_request(buf, n, &req), n);
	assert_string_equal(req.host, "relay.example.net");
	assert_string_equal(req.correlation_id,
			    "{00010203-0405-0607-0809-0A0B0C0D0E0F}");

	assert_int_equal(azc_http_build_request_guid(buf, n, "relay.example.net",
						     guid),
			 -AZC_HTTP_E_NOSPACE);
	assert_int_equal(azc_http_build_request_guid(buf, n + 1,
						     "relay.example.net", guid),
			 n);
	assert_int_equal(azc_http_build_request(buf, sizeof(buf), ""),
			 -AZC_HTTP_E_INVAL);
	assert_int_equal(azc_http_build_request(buf, sizeof(buf), "a b"),
			 -AZC_HTTP_E_INVAL);
	assert_int_equal(azc_http_build_request(buf, sizeof(buf),
						"a\r\nX-Evil: 1"),
			 -AZC_HTTP_E_INVAL);
	assert_int_equal(azc_http_build_request(buf, sizeof(buf), NULL),
			 -AZC_HTTP_E_INVAL);
}

/* A fresh random version-4 GUID in each request. */
static void test_build_request_random(void **state)
{
	struct azc_http_request a, b;
	char buf1[512], buf2[512];
	const char *g;
	int n, i;

	(void)state;
	n = azc_http_build_request(buf1, sizeof(buf1), "[2001:db8::1]:443");
	assert_true(n > 0);
	assert_int_equal(azc_http_parse_request(buf1, n, &a), n);
	assert_string_equal(a.host, "[2001:db8::1]:443");
	n = azc_http_build_request(buf2, sizeof(buf2), "[2001:db8::1]:443");
	assert_int_equal(azc_http_parse_request(buf2, n, &b), n);
	assert_string_not_equal(a.correlation_id, b.correlation_id);

	g = a.correlation_id;
	assert_int_equal(strlen(g), AZC_HTTP_GUID_LEN);
	for (i = 0; i < AZC_HTTP_GUID_LEN; i++) {
		if (i == 0)
			assert_int_equal(g[i], '{');
		else if (i == 37)
			assert_int_equal(g[i], '}');
		else if (i == 9 || i == 14 || i == 19 || i == 24)
			assert_int_equal(g[i], '-');
		else
			assert_non_null(strchr("0123456789ABCDEF", g[i]));
	}
	assert_int_equal(g[15], '4');
	assert_non_null(strchr("89AB", g[20]));
}

static void test_parse_request(void **state)
{
	const char *mixed = REQ_LINE "hOST:\t relay \r\n"
			    "content-length:18446744073709551615  \r\n"
			    "X-Other: whatever\r\n\r\n";
	const char *tail = "\x10\x01\x00\x0e";
	struct azc_http_request req;
	char buf[512];
	size_t n;

	(void)state;
	n = strlen(SSTPC_REQ);
	assert_int_equal(parse_req(SSTPC_REQ, &req), n);
	assert_string_equal(req.host, "relay.example.net");
	assert_string_equal(req.correlation_id,
			    "{1234567-89AB-CDEF-0123-456789ABCDEF}");
	/* The first SSTP packet in the same read is not consumed */
	memcpy(buf, SSTPC_REQ, n);
	memcpy(buf + n, tail, 4);
	assert_int_equal(azc_http_parse_request(buf, n + 4, &req), n);

	/* Header names in any case, whitespace around values */
	assert_int_equal(parse_req(mixed, &req), strlen(mixed));
	assert_string_equal(req.host, "relay");
	assert_string_equal(req.correlation_id, "");
	/* The path without regard to case, as HTTP.sys does */
	assert_true(parse_req("SSTP_DUPLEX_POST /SRA_{ba195980-cd49-458B-9e23-"
			      "c84ee0adcd75}/ HTTP/1.1\r\nHost: h\r\n" CLEN
			      "\r\n", &req) > 0);
}

/* Every prefix of a valid request asks for more. */
static void test_parse_request_incomplete(void **state)
{
	struct azc_http_request req;
	size_t i, n = strlen(SSTPC_REQ);

	(void)state;
	for (i = 0; i < n; i++)
		assert_int_equal(azc_http_parse_request(SSTPC_REQ, i, &req),
				 -AZC_HTTP_E_NEED_MORE);
	assert_int_equal(azc_http_parse_request(SSTPC_REQ, n, &req), n);
	assert_int_equal(azc_http_err_status(-AZC_HTTP_E_NEED_MORE), 0);
}

static void test_parse_request_too_large(void **state)
{
	struct azc_http_request req;
	static char big[AZC_HTTP_MAX_HEADER + 200];
	size_t n;

	(void)state;
	memset(big, 'a', sizeof(big));
	assert_int_equal(azc_http_parse_request(big, AZC_HTTP_MAX_HEADER - 1,
						&req), -AZC_HTTP_E_NEED_MORE);
	assert_int_equal(azc_http_parse_request(big, AZC_HTTP_MAX_HEADER, &req),
			 -AZC_HTTP_E_TOO_LARGE);
	assert_int_equal(azc_http_parse_request(big, sizeof(big), &req),
			 -AZC_HTTP_E_TOO_LARGE);
	assert_int_equal(azc_http_err_status(-AZC_HTTP_E_TOO_LARGE), 431);

	/* A valid request padded with a long header: fits exactly, then not */
	n = strlen(SSTPC_REQ) - 2;
	memcpy(big, SSTPC_REQ, n);
	memcpy(big + n, "X: ", 3);
	memset(big + n + 3, 'x', AZC_HTTP_MAX_HEADER - n - 7);
	memcpy(big + AZC_HTTP_MAX_HEADER - 4, "\r\n\r\n", 4);
	assert_int_equal(azc_http_parse_request(big, sizeof(big), &req),
			 AZC_HTTP_MAX_HEADER);
	memcpy(big + AZC_HTTP_MAX_HEADER - 4, "x\r\n\r\n", 5);
	assert_int_equal(azc_http_parse_request(big, sizeof(big), &req),
			 -AZC_HTTP_E_TOO_LARGE);
}

static void test_parse_request_errors(void **state)
{
	static const char nul[] = REQ_LINE "Host: h\0\r\n" CLEN "\r\n";
	struct azc_http_request req;

	(void)state;
	assert_int_equal(parse_req("GET / HTTP/1.1\r\nHost: h\r\n\r\n", &req),
			 -AZC_HTTP_E_METHOD);
	assert_int_equal(azc_http_err_status(-AZC_HTTP_E_METHOD), 405);
	assert_int_equal(parse_req("sstp_duplex_post /sra_{BA195980-CD49-458b-"
				   "9E23-C84EE0ADCD75}/ HTTP/1.1\r\nHost: h\r\n"
				   CLEN "\r\n", &req), -AZC_HTTP_E_METHOD);
	assert_int_equal(parse_req("SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-"
				   "9E23-C84EE0ADCD76}/ HTTP/1.1\r\nHost: h\r\n"
				   CLEN "\r\n", &req), -AZC_HTTP_E_PATH);
	assert_int_equal(parse_req("SSTP_DUPLEX_POST / HTTP/1.1\r\nHost: h\r\n"
				   CLEN "\r\n", &req), -AZC_HTTP_E_PATH);
	assert_int_equal(azc_http_err_status(-AZC_HTTP_E_PATH), 404);
	assert_int_equal(parse_req("SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-"
				   "9E23-C84EE0ADCD75}/ HTTP/1.0\r\nHost: h\r\n"
				   CLEN "\r\n", &req), -AZC_HTTP_E_VERSION);
	assert_int_equal(azc_http_err_status(-AZC_HTTP_E_VERSION), 505);
	/* Host missing, empty, repeated */
	assert_int_equal(parse_req(REQ_LINE CLEN "\r\n", &req),
			 -AZC_HTTP_E_HOST);
	assert_int_equal(parse_req(REQ_LINE "Host:  \r\n" CLEN "\r\n", &req),
			 -AZC_HTTP_E_HOST);
	assert_int_equal(parse_req(REQ_LINE "Host: a\r\nHost: b\r\n" CLEN "\r\n",
				   &req), -AZC_HTTP_E_HOST);
	assert_int_equal(azc_http_err_status(-AZC_HTTP_E_HOST), 400);
	/* Content-Length missing, other, repeated */
	assert_int_equal(parse_req(REQ_LINE "Host: h\r\n\r\n", &req),
			 -AZC_HTTP_E_CONTENT_LENGTH);
	assert_int_equal(parse_req(REQ_LINE "Host: h\r\nContent-Length: 0\r\n\r\n",
				   &req), -AZC_HTTP_E_CONTENT_LENGTH);
	assert_int_equal(parse_req(REQ_LINE "Host: h\r\n" CLEN CLEN "\r\n", &req),
			 -AZC_HTTP_E_CONTENT_LENGTH);
	/* Malformed lines */
	assert_int_equal(parse_req("\r\n\r\n", &req), -AZC_HTTP_E_MALFORMED);
	assert_int_equal(parse_req("SSTP_DUPLEX_POST  /sra_{BA195980-CD49-458b-"
				   "9E23-C84EE0ADCD75}/ HTTP/1.1\r\n\r\n", &req),
			 -AZC_HTTP_E_MALFORMED);
	assert_int_equal(parse_req("SSTP_DUPLEX_POST\r\n\r\n", &req),
			 -AZC_HTTP_E_MALFORMED);
	assert_int_equal(parse_req(REQ_LINE "Host h\r\n" CLEN "\r\n", &req),
			 -AZC_HTTP_E_MALFORMED);
	assert_int_equal(parse_req(REQ_LINE "Host : h\r\n" CLEN "\r\n", &req),
			 -AZC_HTTP_E_MALFORMED);
	assert_int_equal(parse_req(REQ_LINE "Host: h\r\n folded\r\n" CLEN "\r\n",
				   &req), -AZC_HTTP_E_MALFORMED);
	assert_int_equal(parse_req(REQ_LINE "Host: h\nX: y\r\n" CLEN "\r\n",
				   &req), -AZC_HTTP_E_MALFORMED);
	assert_int_equal(parse_req(REQ_LINE ": h\r\n" CLEN "\r\n", &req),
			 -AZC_HTTP_E_MALFORMED);
	assert_int_equal(azc_http_parse_request(nul, sizeof(nul) - 1, &req),
			 -AZC_HTTP_E_MALFORMED);
	assert_int_equal(azc_http_err_status(-AZC_HTTP_E_MALFORMED), 400);
}

static void test_response(void **state)
{
	const char *want = "HTTP/1.1 200 OK\r\n"
			   "Content-Length: 18446744073709551615\r\n"
			   "Server: Microsoft-HTTPAPI/2.0\r\n"
			   "Date: Tue, 14 Nov 2023 22:13:20 GMT\r\n"
			   "\r\n";
	struct azc_http_response resp;
	char buf[512];
	int n, i, lines = 0;

	(void)state;
	n = azc_http_build_response(buf, sizeof(buf), 1700000000);
	assert_int_equal(n, strlen(want));
	assert_string_equal(buf, want);
	for (i = 0; i < n; i++)
		lines += buf[i] == '\n';
	assert_true(lines <= 7);
	assert_int_equal(azc_http_parse_response(buf, n, &resp), n);
	assert_int_equal(resp.status, 200);
	/* SSTP bytes after it stay for the caller */
	memcpy(buf + n, "\x10\x01\x00\x30", 4);
	assert_int_equal(azc_http_parse_response(buf, n + 4, &resp), n);
	for (i = 0; i < n; i++)
		assert_int_equal(azc_http_parse_response(buf, i, &resp),
				 -AZC_HTTP_E_NEED_MORE);
	assert_int_equal(azc_http_build_response(buf, n, 1700000000),
			 -AZC_HTTP_E_NOSPACE);
}

static void test_parse_response(void **state)
{
	struct azc_http_response resp;

	(void)state;
	assert_int_equal(parse_resp("HTTP/1.1 200 OK\r\n\r\n", &resp), 19);
	assert_int_equal(parse_resp("HTTP/1.0 200\r\nServer: x\r\n\r\n", &resp),
			 27);
	assert_int_equal(parse_resp("HTTP/1.1 403 Forbidden\r\n"
				    "Content-Length: 0\r\n\r\n", &resp),
			 -AZC_HTTP_E_STATUS);
	assert_int_equal(resp.status, 403);
	assert_int_equal(parse_resp("HTTP/1.1 500 Internal Server Error\r\n\r\n",
				    &resp), -AZC_HTTP_E_STATUS);
	assert_int_equal(resp.status, 500);
	assert_int_equal(parse_resp("HTTP/2.0 200 OK\r\n\r\n", &resp),
			 -AZC_HTTP_E_VERSION);
	assert_int_equal(parse_resp("HTTP/1.1 20 OK\r\n\r\n", &resp),
			 -AZC_HTTP_E_MALFORMED);
	assert_int_equal(parse_resp("HTTP/1.1 2000 OK\r\n\r\n", &resp),
			 -AZC_HTTP_E_MALFORMED);
	assert_int_equal(parse_resp("HTTP/1.1  200 OK\r\n\r\n", &resp),
			 -AZC_HTTP_E_MALFORMED);
	assert_int_equal(parse_resp("ICY 200 OK\r\n\r\n", &resp),
			 -AZC_HTTP_E_MALFORMED);
	assert_int_equal(parse_resp("HTTP/1.1 200 OK\r\nbad header\r\n\r\n",
				    &resp), -AZC_HTTP_E_MALFORMED);
	assert_int_equal(parse_resp("HTTP/1.1 200 OK\r\n", &resp),
			 -AZC_HTTP_E_NEED_MORE);
}

static void test_error_response(void **state)
{
	const char *not_found = "HTTP/1.1 404 Not Found\r\n"
				"Content-Length: 0\r\n"
				"Connection: close\r\n\r\n";
	char buf[256];
	int e;

	(void)state;
	assert_int_equal(azc_http_build_error(buf, sizeof(buf),
					      azc_http_err_status(-AZC_HTTP_E_PATH)),
			 strlen(not_found));
	assert_string_equal(buf, not_found);
	assert_true(azc_http_build_error(buf, sizeof(buf), 405) > 0);
	assert_non_null(strstr(buf, "405 Method Not Allowed\r\n"));
	assert_int_equal(azc_http_build_error(buf, sizeof(buf), 200),
			 -AZC_HTTP_E_INVAL);
	assert_int_equal(azc_http_build_error(buf, 10, 400),
			 -AZC_HTTP_E_NOSPACE);
	for (e = 0; e < AZC_HTTP_E_MAX; e++)
		assert_string_not_equal(azc_http_strerror(-e),
					"unknown HTTP error");
	assert_string_equal(azc_http_strerror(-AZC_HTTP_E_MAX),
			    "unknown HTTP error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_request),
		cmocka_unit_test(test_build_request_random),
		cmocka_unit_test(test_parse_request),
		cmocka_unit_test(test_parse_request_incomplete),
		cmocka_unit_test(test_parse_request_too_large),
		cmocka_unit_test(test_parse_request_errors),
		cmocka_unit_test(test_response),
		cmocka_unit_test(test_parse_response),
		cmocka_unit_test(test_error_response),
	};

	return cmocka_run_group_tests_name("sstp_http", tests, NULL, NULL);
}
