/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The HTTP exchange that opens an SSTP connection inside TLS (MS-SSTP
 * 4.1): the client's SSTP_DUPLEX_POST and the server's 200 response.
 *
 * Parsers take the bytes read so far and never read past @len. They
 * return the length of the header block, blank line included, so that
 * the bytes after it (SSTP packets) are kept, or a negative
 * enum azc_http_err; -AZC_HTTP_E_NEED_MORE asks for more bytes.
 */

#ifndef AZC_SSTP_HTTP_H
#define AZC_SSTP_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define AZC_HTTP_METHOD		"SSTP_DUPLEX_POST"
#define AZC_HTTP_PATH		"/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/"
#define AZC_HTTP_CONTENT_LENGTH	"18446744073709551615"
/* Largest header block accepted, blank line included */
#define AZC_HTTP_MAX_HEADER	4096
#define AZC_HTTP_HOST_MAX	255
#define AZC_HTTP_GUID_LEN	38	/* {8-4-4-4-12} */

enum azc_http_err {
	AZC_HTTP_OK,
	AZC_HTTP_E_NEED_MORE,		/* no blank line yet */
	AZC_HTTP_E_TOO_LARGE,		/* header block over the limit */
	AZC_HTTP_E_MALFORMED,		/* bad request/status or header line */
	AZC_HTTP_E_METHOD,		/* not SSTP_DUPLEX_POST */
	AZC_HTTP_E_PATH,		/* not the SSTP path */
	AZC_HTTP_E_VERSION,		/* not HTTP/1.1 (1.x for a response) */
	AZC_HTTP_E_HOST,		/* Host missing, repeated or too long */
	AZC_HTTP_E_CONTENT_LENGTH,	/* missing, repeated or not 2^64-1 */
	AZC_HTTP_E_STATUS,		/* response status is not 200 */
	AZC_HTTP_E_NOSPACE,		/* build: output buffer too small */
	AZC_HTTP_E_INVAL,		/* build: bad argument */
	AZC_HTTP_E_RANDOM,		/* build: no random bytes */
	AZC_HTTP_E_MAX
};

struct azc_http_request {
	char host[AZC_HTTP_HOST_MAX + 1];
	/* SSTPCORRELATIONID as sent (not validated), truncated */
	char correlation_id[64];
};

struct azc_http_response {
	int status;
};

const char *azc_http_strerror(int err);

/* Status the server answers a request parse error with (0: none). */
int azc_http_err_status(int err);

/*
 * Client request with a random GUID as SSTPCORRELATIONID. Builders return
 * the length written, not counting the NUL that follows it.
 */
int azc_http_build_request(char *buf, size_t size, const char *host);
/* The same with a given 16-byte GUID. */
int azc_http_build_request_guid(char *buf, size_t size, const char *host,
				const uint8_t *guid);

int azc_http_parse_request(const char *buf, size_t len,
			   struct azc_http_request *req);

/* Server's 200 response, with @now in its Date header. */
int azc_http_build_response(char *buf, size_t size, time_t now);
/* Error response for a status from azc_http_err_status(). */
int azc_http_build_error(char *buf, size_t size, int status);

/* -AZC_HTTP_E_STATUS with @resp->status set when it is not 200. */
int azc_http_parse_response(const char *buf, size_t len,
			    struct azc_http_response *resp);

#endif /* AZC_SSTP_HTTP_H */
