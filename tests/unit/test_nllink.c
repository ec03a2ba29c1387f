// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: decoding link-get replies, link-del-ntf and ctrl-ntf. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "kernel/nllink.h"

#define FAMILY	0x20

static struct nl_msg *msg_new(int cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 0, 0, FAMILY, 0, 0, (uint8_t)cmd, 1));
	assert_int_equal(nla_put_u32(msg, AZCONNECT_A_IFINDEX, 7), 0);
	return msg;
}

static void test_link_del_ntf(void **state)
{
	static const uint8_t liid[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t piid[8] = { 9, 10, 11, 12, 13, 14, 15, 16 };
	struct in6_addr pa = { .s6_addr = { 0xfd, 0x12, [15] = 0x42 } };
	struct nl_msg *msg = msg_new(AZCONNECT_CMD_LINK_DEL_NTF);
	struct azc_link_info info;
	struct nlattr *nest;

	(void)state;
	nest = nla_nest_start(msg, AZCONNECT_A_LINK);
	nla_put_u32(msg, AZCONNECT_A_LINK_ID, 3);
	nla_put(msg, AZCONNECT_A_LINK_LOCAL_IID, 8, liid);
	nla_put(msg, AZCONNECT_A_LINK_PEER_IID, 8, piid);
	nla_put(msg, AZCONNECT_A_LINK_PEER_ADDR, 16, &pa);
	nla_put_u16(msg, AZCONNECT_A_LINK_MRU, 1400);
	nla_put_u32(msg, AZCONNECT_A_LINK_STATE, AZCONNECT_LINK_STATE_DOWN);
	nla_put_u32(msg, AZCONNECT_A_LINK_DOWN_REASON,
		    AZCONNECT_LINK_DOWN_REASON_TLS_ALERT);
	nla_put_u64(msg, AZCONNECT_A_LINK_RX_PACKETS, 11);
	nla_put_u64(msg, AZCONNECT_A_LINK_TX_BYTES, 1ULL << 40);
	nla_nest_end(msg, nest);

	assert_int_equal(azc_link_parse(nlmsg_hdr(msg), &info), 0);
	assert_int_equal(info.ifindex, 7);
	assert_int_equal(info.id, 3);
	assert_memory_equal(info.local_iid, liid, 8);
	assert_memory_equal(info.peer_iid, piid, 8);
	assert_true(info.has_peer_addr);
	assert_memory_equal(&info.peer_addr, &pa, 16);
	assert_int_equal(info.mru, 1400);
	assert_string_equal(azc_link_state_name(info.state), "down");
	assert_true(info.has_down_reason);
	assert_string_equal(azc_link_down_reason_name(info.down_reason),
			    "tls-alert");
	assert_int_equal(info.rx_packets, 11);
	assert_int_equal(info.tx_bytes, 1ULL << 40);
	assert_int_equal(info.rx_bytes, 0);
	nlmsg_free(msg);
}

static void test_link_without_id(void **state)
{
	struct nl_msg *msg = msg_new(AZCONNECT_CMD_LINK_GET);
	struct azc_link_info info;
	struct nlattr *nest;

	(void)state;
	nest = nla_nest_start(msg, AZCONNECT_A_LINK);
	nla_put_u16(msg, AZCONNECT_A_LINK_MRU, 1400);
	nla_nest_end(msg, nest);
	assert_int_equal(azc_link_parse(nlmsg_hdr(msg), &info), -EINVAL);
	nlmsg_free(msg);
}

static void test_ctrl_ntf(void **state)
{
	static const uint8_t f[] = { 0x10, 0x01, 0x00, 0x08, 0x00, 0x08, 0x00, 0x00 };
	struct nl_msg *msg = msg_new(AZCONNECT_CMD_CTRL_NTF);
	uint32_t ifindex, id, kind;
	const uint8_t *frame;
	struct nlattr *nest;
	size_t len;

	(void)state;
	nest = nla_nest_start(msg, AZCONNECT_A_CTRL);
	nla_put_u32(msg, AZCONNECT_A_CTRL_LINK_ID, 5);
	nla_put_u32(msg, AZCONNECT_A_CTRL_KIND, AZCONNECT_CTRL_KIND_SSTP);
	nla_put(msg, AZCONNECT_A_CTRL_FRAME, sizeof(f), f);
	nla_nest_end(msg, nest);
	assert_int_equal(azc_ctrl_parse(nlmsg_hdr(msg), &ifindex, &id, &kind,
					&frame, &len), 0);
	assert_int_equal(ifindex, 7);
	assert_int_equal(id, 5);
	assert_int_equal(kind, AZCONNECT_CTRL_KIND_SSTP);
	assert_int_equal(len, sizeof(f));
	assert_memory_equal(frame, f, sizeof(f));
	nlmsg_free(msg);
}

static void test_reason_names(void **state)
{
	(void)state;
	assert_string_equal(azc_link_down_reason_name(0), "userspace");
	assert_string_equal(azc_link_down_reason_name(2), "peer-closed");
	assert_string_equal(azc_link_down_reason_name(3), "transport-error");
	assert_string_equal(azc_link_down_reason_name(5), "keepalive-timeout");
	assert_string_equal(azc_link_down_reason_name(6), "protocol-error");
	assert_string_equal(azc_link_down_reason_name(AZCONNECT_LINK_DOWN_REASON_SEND_TIMEOUT),
			    "send-timeout");
	assert_string_equal(azc_link_down_reason_name(AZCONNECT_LINK_DOWN_REASON_TRUNCATED),
			    "truncated");
	assert_string_equal(azc_link_down_reason_name(AZCONNECT_LINK_DOWN_REASON_TLS_HANDSHAKE),
			    "tls-handshake");
	assert_string_equal(azc_link_down_reason_name(AZCONNECT_LINK_DOWN_REASON_REPLACED),
			    "replaced");
	assert_string_equal(azc_link_down_reason_name(AZCONNECT_LINK_DOWN_REASON_REVOKED),
			    "revoked");
	assert_string_equal(azc_link_down_reason_name(99), "unknown");
}

/* The counters as status and the relay's log show them. */
static void test_format_counters(void **state)
{
	struct azc_link_info l = {
		.rx_packets = 5, .rx_bytes = 600, .rx_errors = 1,
		.rx_dropped = 2, .tx_packets = 7, .tx_bytes = 800,
		.tx_dropped = 3, .last_error = ECONNRESET,
	};
	char buf[512], small[32];

	(void)state;
	l.drops[0] = 1;				/* rx_bad_sstp */
	l.drops[AZCONNECT_A_LINK_TX_SEND_ERROR -
		AZCONNECT_A_LINK_RX_BAD_SSTP] = 3;
	l.drops[AZC_LINK_DROPS - 1] = 4;	/* tx_esp_seq_exhausted */
	azc_link_format_counters(&l, " ", buf, sizeof(buf));
	assert_string_equal(buf,
			    "rx_packets=5 rx_bytes=600 rx_errors=1 rx_dropped=2 tx_packets=7 tx_bytes=800 tx_dropped=3 drop_rx_bad_sstp=1 drop_tx_send_error=3 drop_tx_esp_seq_exhausted=4 last_error=Connection reset by peer");
	memset(&l, 0, sizeof(l));
	azc_link_format_counters(&l, "\n", buf, sizeof(buf));
	assert_string_equal(buf,
			    "rx_packets=0\nrx_bytes=0\nrx_errors=0\nrx_dropped=0\ntx_packets=0\ntx_bytes=0\ntx_dropped=0");
	/* Truncated, never past the buffer */
	l.drops[1] = 9;
	l.last_error = EPIPE;
	azc_link_format_counters(&l, " ", small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_del_ntf),
		cmocka_unit_test(test_link_without_id),
		cmocka_unit_test(test_ctrl_ntf),
		cmocka_unit_test(test_reason_names),
		cmocka_unit_test(test_format_counters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
