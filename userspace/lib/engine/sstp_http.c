// SPDX-License-Identifier: GPL-2.0-only
/* The HTTP handshake of SSTP (MS-SSTP 4.1): build and parse both sides. */

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/rand.h>

#include "sstp_http.h"

static const char * const azc_http_errs[AZC_HTTP_E_MAX] = {
	[AZC_HTTP_OK] = "success",
	[AZC_HTTP_E_NEED_MORE] = "incomplete header block",
	[AZC_HTTP_E_TOO_LARGE] = "header block too large",
	[AZC_HTTP_E_MALFORMED] = "malformed HTTP message",
	[AZC_HTTP_E_METHOD] = "method is not SSTP_DUPLEX_POST",
	[AZC_HTTP_E_PATH] = "not the SSTP path",
	[AZC_HTTP_E_VERSION] = "unsupported HTTP version",
	[AZC_HTTP_E_HOST] = "Host header missing or invalid",
	[AZC_HTTP_E_CONTENT_LENGTH] = "Content-Length missing or invalid",
	[AZC_HTTP_E_STATUS] = "server refused the SSTP connection",
	[AZC_HTTP_E_NOSPACE] = "output buffer too small",
	[AZC_HTTP_E_INVAL] = "invalid argument",
	[AZC_HTTP_E_RANDOM] = "no random bytes for the correlation ID",
};

static const short azc_http_statuses[AZC_HTTP_E_MAX] = {
	[AZC_HTTP_E_TOO_LARGE] = 431,
	[AZC_HTTP_E_MALFORMED] = 400,
	[AZC_HTTP_E_METHOD] = 405,
	[AZC_HTTP_E_PATH] = 404,
	[AZC_HTTP_E_VERSION] = 505,
	[AZC_HTTP_E_HOST] = 400,
	[AZC_HTTP_E_CONTENT_LENGTH] = 400,
};

static unsigned int azc_http_err_index(int err)
{
	unsigned int e = err < 0 ? -(unsigned int)err : (unsigned int)err;

	return e < AZC_HTTP_E_MAX ? e : AZC_HTTP_E_MAX;
}

const char *azc_http_strerror(int err)
{
	unsigned int e = azc_http_err_index(err);

	return e < AZC_HTTP_E_MAX ? azc_http_errs[e] : "unknown HTTP error";
}

int azc_http_err_status(int err)
{
	unsigned int e = azc_http_err_index(err);

	return e < AZC_HTTP_E_MAX ? azc_http_statuses[e] : 0;
}

/* snprintf into @buf; the length, or -AZC_HTTP_E_NOSPACE. */
static int azc_http_fmt_done(int n, size_t size)
{
	if (n < 0)
		return -AZC_HTTP_E_INVAL;
	if ((size_t)n >= size)
		return -AZC_HTTP_E_NOSPACE;
	return n;
}

static bool azc_http_host_ok(const char *host)
{
	size_t i, n = strlen(host);

	if (n == 0 || n > AZC_HTTP_HOST_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (host[i] <= ' ' || host[i] >= 0x7f)
			return false;
	return true;
}

int azc_http_build_request_guid(char *buf, size_t size, const char *host,
				const uint8_t *g)
{
	int n;

	if (!host || !azc_http_host_ok(host))
		return -AZC_HTTP_E_INVAL;
	n = snprintf(buf, size,
		     AZC_HTTP_METHOD " " AZC_HTTP_PATH " HTTP/1.1\r\n"
		     "Host: %s\r\n"
		     "Content-Length: " AZC_HTTP_CONTENT_LENGTH "\r\n"
		     "SSTPCORRELATIONID: {%02X%02X%02X%02X-%02X%02X-%02X%02X-"
		     "%02X%02X-%02X%02X%02X%02X%02X%02X}\r\n"
		     "\r\n",
		     host, g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7],
		     g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
	return azc_http_fmt_done(n, size);
}

int azc_http_build_request(char *buf, size_t size, const char *host)
{
	uint8_t guid[16];

	if (RAND_bytes(guid, sizeof(guid)) != 1)
		return -AZC_HTTP_E_RANDOM;
	/* RFC 4122 version 4 (random), variant 10 */
	guid[6] = (guid[6] & 0x0f) | 0x40;
	guid[8] = (guid[8] & 0x3f) | 0x80;
	return azc_http_build_request_guid(buf, size, host, guid);
}

int azc_http_build_response(char *buf, size_t size, time_t now)
{
	static const char days[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	int n;

	if (!gmtime_r(&now, &tm) || tm.tm_wday < 0 || tm.tm_wday > 6 ||
	    tm.tm_mon < 0 || tm.tm_mon > 11)
		return -AZC_HTTP_E_INVAL;
	/* What Windows answers; one write, few lines (sstp-client reads 7). */
	n = snprintf(buf, size,
		     "HTTP/1.1 200 OK\r\n"
		     "Content-Length: " AZC_HTTP_CONTENT_LENGTH "\r\n"
		     "Server: Microsoft-HTTPAPI/2.0\r\n"
		     "Date: %s, %02d %s %04d %02d:%02d:%02d GMT\r\n"
		     "\r\n",
		     days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		     tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return azc_http_fmt_done(n, size);
}

static const char *azc_http_reason(int status)
{
	switch (status) {
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 431:
		return "Request Header Fields Too Large";
	case 505:
		return "HTTP Version Not Supported";
	}
	return "Error";
}

int azc_http_build_error(char *buf, size_t size, int status)
{
	int n;

	if (status < 400 || status > 599)
		return -AZC_HTTP_E_INVAL;
	n = snprintf(buf, size,
		     "HTTP/1.1 %d %s\r\n"
		     "Content-Length: 0\r\n"
		     "Connection: close\r\n"
		     "\r\n",
		     status, azc_http_reason(status));
	return azc_http_fmt_done(n, size);
}

/* Length of the header block (blank line included), or an error. */
static int azc_http_header_end(const char *buf, size_t len)
{
	size_t i, n = len < AZC_HTTP_MAX_HEADER ? len : AZC_HTTP_MAX_HEADER;

	for (i = 0; i + 4 <= n; i++)
		if (buf[i] == '\r' && !memcmp(buf + i, "\r\n\r\n", 4))
			return (int)(i + 4);
	return len >= AZC_HTTP_MAX_HEADER ? -AZC_HTTP_E_TOO_LARGE :
		-AZC_HTTP_E_NEED_MORE;
}

/* One line of a header block, without its CRLF. */
struct azc_http_line {
	const char *p;
	size_t len;
};

/* Next line from [*pos, end); false at the blank line that ends it all. */
static bool azc_http_next_line(const char *buf, size_t end, size_t *pos,
			       struct azc_http_line *l)
{
	size_t i;

	for (i = *pos; i + 1 < end; i++)
		if (buf[i] == '\r' && buf[i + 1] == '\n')
			break;
	l->p = buf + *pos;
	l->len = i - *pos;
	*pos = i + 2;
	return l->len > 0;
}

/* No control characters (CR and LF included) but HTAB. */
static bool azc_http_line_ok(const struct azc_http_line *l)
{
	size_t i;

	for (i = 0; i < l->len; i++) {
		unsigned char c = l->p[i];

		if ((c < ' ' && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

static bool azc_http_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

struct azc_http_field {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
};

/* "name: value" with optional whitespace around the value. */
static int azc_http_field(const struct azc_http_line *l,
			  struct azc_http_field *f)
{
	size_t i = 0, end = l->len;

	if (!azc_http_line_ok(l))
		return -AZC_HTTP_E_MALFORMED;
	while (i < end && azc_http_tchar(l->p[i]))
		i++;
	if (i == 0 || i == end || l->p[i] != ':')
		return -AZC_HTTP_E_MALFORMED;
	f->name = l->p;
	f->name_len = i++;
	while (i < end && (l->p[i] == ' ' || l->p[i] == '\t'))
		i++;
	while (end > i && (l->p[end - 1] == ' ' || l->p[end - 1] == '\t'))
		end--;
	f->value = l->p + i;
	f->value_len = end - i;
	return 0;
}

static bool azc_http_name_is(const struct azc_http_field *f, const char *n)
{
	return f->name_len == strlen(n) && !strncasecmp(f->name, n, f->name_len);
}

static bool azc_http_equals(const char *p, size_t len, const char *s)
{
	return len == strlen(s) && !memcmp(p, s, len);
}

/* Splits "A SP B SP C" at its two single spaces. */
static int azc_http_split3(const struct azc_http_line *l,
			   struct azc_http_line *part)
{
	size_t i, start = 0;
	int n = 0;

	if (!azc_http_line_ok(l))
		return -AZC_HTTP_E_MALFORMED;
	for (i = 0; i <= l->len && n < 3; i++) {
		if (i < l->len && l->p[i] != ' ')
			continue;
		if (n == 2 && i < l->len)
			continue;	/* the last part may hold spaces */
		part[n].p = l->p + start;
		part[n].len = i - start;
		n++;
		start = i + 1;
	}
	return n == 3 ? 0 : -AZC_HTTP_E_MALFORMED;
}

static int azc_http_request_line(const struct azc_http_line *l)
{
	struct azc_http_line part[3];
	const char *path = AZC_HTTP_PATH;

	if (azc_http_split3(l, part) || !part[0].len || !part[1].len ||
	    memchr(part[2].p, ' ', part[2].len))
		return -AZC_HTTP_E_MALFORMED;
	if (!azc_http_equals(part[0].p, part[0].len, AZC_HTTP_METHOD))
		return -AZC_HTTP_E_METHOD;
	/* Windows (HTTP.sys) matches the path without regard to case. */
	if (part[1].len != strlen(path) ||
	    strncasecmp(part[1].p, path, part[1].len))
		return -AZC_HTTP_E_PATH;
	if (!azc_http_equals(part[2].p, part[2].len, "HTTP/1.1"))
		return -AZC_HTTP_E_VERSION;
	return 0;
}

static void azc_http_copy(char *dst, size_t size, const char *src,
			  size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

int azc_http_parse_request(const char *buf, size_t len,
			   struct azc_http_request *req)
{
	bool host = false, clen = false, corr = false;
	struct azc_http_field f;
	struct azc_http_line l;
	size_t pos = 0;
	int end, ret;

	memset(req, 0, sizeof(*req));
	end = azc_http_header_end(buf, len);
	if (end < 0)
		return end;
	if (!azc_http_next_line(buf, end, &pos, &l))
		return -AZC_HTTP_E_MALFORMED;
	ret = azc_http_request_line(&l);
	if (ret)
		return ret;
	while (azc_http_next_line(buf, end, &pos, &l)) {
		ret = azc_http_field(&l, &f);
		if (ret)
			return ret;
		if (azc_http_name_is(&f, "Host")) {
			if (host || !f.value_len ||
			    f.value_len > AZC_HTTP_HOST_MAX)
				return -AZC_HTTP_E_HOST;
			azc_http_copy(req->host, sizeof(req->host), f.value,
				      f.value_len);
			host = true;
		} else if (azc_http_name_is(&f, "Content-Length")) {
			if (clen || !azc_http_equals(f.value, f.value_len,
						     AZC_HTTP_CONTENT_LENGTH))
				return -AZC_HTTP_E_CONTENT_LENGTH;
			clen = true;
		} else if (azc_http_name_is(&f, "SSTPCORRELATIONID") && !corr) {
			azc_http_copy(req->correlation_id,
				      sizeof(req->correlation_id), f.value,
				      f.value_len);
			corr = true;
		}
	}
	if (!host)
		return -AZC_HTTP_E_HOST;
	if (!clen)
		return -AZC_HTTP_E_CONTENT_LENGTH;
	return end;
}

/* "HTTP/1.x SP 3DIGIT [SP reason]"; the status into @status. */
static int azc_http_status_line(const struct azc_http_line *l, int *status)
{
	const char *p = l->p;
	size_t n = l->len;

	if (!azc_http_line_ok(l) || n < 12 || memcmp(p, "HTTP/", 5))
		return -AZC_HTTP_E_MALFORMED;
	if (p[5] != '1' || p[6] != '.' || p[7] < '0' || p[7] > '9')
		return -AZC_HTTP_E_VERSION;
	if (p[8] != ' ' || p[9] < '1' || p[9] > '5' ||
	    p[10] < '0' || p[10] > '9' || p[11] < '0' || p[11] > '9' ||
	    (n > 12 && p[12] != ' '))
		return -AZC_HTTP_E_MALFORMED;
	*status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	return 0;
}

int azc_http_parse_response(const char *buf, size_t len,
			    struct azc_http_response *resp)
{
	struct azc_http_field f;
	struct azc_http_line l;
	size_t pos = 0;
	int end, ret;

	resp->status = 0;
	end = azc_http_header_end(buf, len);
	if (end < 0)
		return end;
	if (!azc_http_next_line(buf, end, &pos, &l))
		return -AZC_HTTP_E_MALFORMED;
	ret = azc_http_status_line(&l, &resp->status);
	if (ret)
		return ret;
	while (azc_http_next_line(buf, end, &pos, &l)) {
		ret = azc_http_field(&l, &f);
		if (ret)
			return ret;
	}
	return resp->status == 200 ? end : -AZC_HTTP_E_STATUS;
}
