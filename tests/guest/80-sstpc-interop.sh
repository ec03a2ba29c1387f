#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 300
# Interoperability with Debian's SSTP client: sstpc (sstp-client 1.0.18)
# with pppd 2.4.9, MS-CHAPv2 and +ipv6, against azconnect-relayd in
# another namespace over veth. sstpc must verify the relay's certificate
# and refuse another one; the session must come up (crypto binding,
# IPV6CP with link-local addresses on ppp30); both kinds of keepalive
# must be answered (pppd's LCP Echo-Requests, and SSTP ECHO_REQUESTs in
# each direction, which the relay logs); and when sstpc goes away the
# relay must log the disconnect in one line and keep running.
#
# Facts this test relies on (checked in the sources of those versions):
# - sstpc --ca-cert FILE checks the chain only (SSL_get_verify_result):
#   sstp_client_http_done() sets SSTP_VERIFY_CERT *instead of*
#   SSTP_VERIFY_NAME, so the host name is not compared. Without a CA it
#   compares only the subject CN with the host name, which for the
#   relay's self-signed certificate (CN = the relay's host name) and
#   10.99.0.1 fails. The relay's own relay.crt is a valid trust anchor.
# - pppd logs LCP Echo-Request/Reply only with "debug" given twice: at
#   debug level 1, dump_packet() (pppd/utils.c) hides them once a network
#   protocol is up (unsuccess == 0), which is why one "debug" shows only
#   the echo sent when LCP opened. It does send one every 20 s.
# - The relay sends an SSTP ECHO_REQUEST after 60 s without input, and so
#   does sstpc; pppd's Echo-Requests (answered) keep both quiet. To see
#   the relay's, sstpc is paused (SIGSTOP) until the relay has sent it.
. "$(dirname "$0")/lib.sh"
# Configs hold tokens: private, or the daemons refuse them.
umask 077

if ! command -v sstpc >/dev/null || ! command -v pppd >/dev/null; then
	echo "# SKIP sstpc or pppd not installed"
	exit 0
fi

dir=$(mktemp -d)
token="interop-token-0123456789"
r=$(ns_new relay)
c=$(ns_new client)
ip link add veth-r netns "$r" type veth peer name veth-c netns "$c"
ip -n "$r" addr add 10.99.0.1/24 dev veth-r
ip -n "$c" addr add 10.99.0.2/24 dev veth-c
ip -n "$r" link set veth-r up
ip -n "$c" link set veth-c up

cat >"$dir/relayd.conf" <<EOC
[endpoint web1]
token = "$token"
EOC

# show_file FILE: FILE without NUL bytes (sstpc ends lines with them).
show_file() {
	tr -d '\000' <"$1"
}

# count FILE REGEX: lines of FILE (NULs stripped) matching REGEX.
count() {
	show_file "$1" 2>/dev/null | grep -Ec -- "$2"
}

# wait_for FILE REGEX SECONDS [N]: until N (1) lines of FILE match.
wait_for() {
	local end=$((SECONDS + $3))
	while [ "$SECONDS" -le "$end" ]; do
		[ "$(count "$1" "$2")" -ge "${4:-1}" ] && return 0
		sleep 0.2
	done
	show_file "$1" | tail -n 30
	return 1
}

dump_logs() {
	local f
	for f in relayd.log sstpc.log pppd.log sstpc-wrong-ca.log; do
		echo "# ---- $f"
		[ -e "$dir/$f" ] && show_file "$dir/$f" | tail -n 80 | sed 's/^/#   /'
	done
}
# Killed at the time limit, the logs still say what happened.
cleanup80() {
	[ -d "$dir" ] && { echo "# ---- logs at exit"; dump_logs; } >&"$T_STDOUT"
	[ -n "${sstpc:-}" ] && kill "$sstpc" 2>/dev/null
	[ -n "${relayd:-}" ] && kill "$relayd" 2>/dev/null
	t_cleanup
	rm -rf "$dir"
}
trap cleanup80 EXIT

check "ppp modules load" modprobe -a ppp_generic ppp_async
check "/dev/ppp exists" test -c /dev/ppp

ip netns exec "$r" azconnect-relayd --listen 10.99.0.1:443 \
	--config "$dir/relayd.conf" --state-dir "$dir/state" >"$dir/relayd.log" 2>&1 &
relayd=$!
check "relay listens" wait_for "$dir/relayd.log" 'listening on' 10
check "relay made its certificate" test -s "$dir/state/relay.crt"

# Another self-signed certificate, even one named 10.99.0.1, is no
# trust anchor for the relay's: sstpc must give up before PPP.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-subj /CN=10.99.0.1 -days 1 -keyout "$dir/other.key" \
	-out "$dir/other.crt" >/dev/null 2>&1
wrong_ca() {
	! timeout 60 ip netns exec "$c" sstpc --log-stderr --log-level 4 \
		--ca-cert "$dir/other.crt" --user web1 --password "$token" \
		10.99.0.1 noauth nodetach >"$dir/sstpc-wrong-ca.log" 2>&1 &&
		show_file "$dir/sstpc-wrong-ca.log" |
		grep -E 'SSL certificate verification failed'
}
check "sstpc --ca-cert with another certificate refuses the relay" wrong_ca
check_fail "... and PPP never started" \
	grep -q 'Started PPP' "$dir/sstpc-wrong-ca.log"
check "relay survives the refusal" kill -0 "$relayd"

# sstpc_start: sstpc and its pppd in the background ($sstpc), logging to
# sstpc.log and pppd.log.
sstpc_start() {
	: >"$dir/pppd.log"
	ip netns exec "$c" sstpc --log-stderr --log-level 4 \
		--ca-cert "$dir/state/relay.crt" \
		--user web1 --password "$token" 10.99.0.1 \
		noauth noipdefault nodefaultroute refuse-eap refuse-pap refuse-chap \
		refuse-mschap noccp nodeflate nobsdcomp novj +ipv6 nodetach \
		debug debug lcp-echo-interval 20 lcp-echo-failure 4 \
		unit 30 logfile "$dir/pppd.log" >"$dir/sstpc.log" 2>&1 &
	sstpc=$!
}
# sstpc_settled: the session is up, or sstpc is gone.
sstpc_settled() {
	[ "$(count "$dir/relayd.log" 'CALL_CONNECTED: crypto binding verified')" -ge 1 ] ||
		! kill -0 "$sstpc" 2>/dev/null
}
# sstpc's own event-loop fault gets two more tries (lib.sh); any other
# end fails below.
t_sstpc_tries sstpc_start sstpc_settled "$dir/sstpc.log"

if ! check "relay: Call Connected with the crypto binding verified" \
	wait_for "$dir/relayd.log" 'CALL_CONNECTED: crypto binding verified' 30 &&
	! kill -0 "$sstpc" 2>/dev/null; then
	# sstpc gave up: nothing below can pass; its log says why.
	echo "# sstpc exited"
	exit 1
fi
check "relay: endpoint web1 connected" \
	wait_for "$dir/relayd.log" "endpoint 'web1' connected" 30
check "relay: IPV6CP opened with link-local addresses" \
	wait_for "$dir/relayd.log" 'IPV6CP opened: local fe80::[0-9a-f:]+, peer fe80::' 30
# verified: sstpc got past the check (it dies there without --cert-warn)
# and said nothing about it.
verified() {
	grep -aq 'Connection Established' "$dir/sstpc.log" &&
		! grep -aE 'verification failed|failed verification' "$dir/sstpc.log"
}
check "sstpc verified the relay's certificate (--ca-cert, no warning)" verified
check "pppd: MS-CHAPv2 authentication succeeded" \
	wait_for "$dir/pppd.log" 'CHAP authentication succeeded|MS-CHAP.*succeeded' 30
check "pppd: local link-local address" \
	wait_for "$dir/pppd.log" 'local +LL address fe80::' 30
check "pppd: remote link-local address" \
	wait_for "$dir/pppd.log" 'remote +LL address fe80::' 30
check_out "ppp30 has a link-local address in the client namespace" \
	'inet6 fe80::' ip -n "$c" addr show dev ppp30
pppd=$(pgrep -P "$sstpc" -x pppd)
check "pppd runs under sstpc" test -n "$pppd"
# The relay's connection number for this session: "[ID ADDR:PORT] ..."
id=$(sed -n "s/^azconnect-relayd: \[\([0-9]*\) .*endpoint 'web1' connected.*/\1/p" \
	"$dir/relayd.log" | head -n 1)

# pppd's LCP Echo-Requests every 20 s (id 0 went out when LCP opened):
# wait for the reply to the second periodic one (id 2).
check "pppd: periodic LCP Echo-Requests answered" \
	wait_for "$dir/pppd.log" 'rcvd \[LCP EchoRep id=0x2' 60

# sstpc paused right after that reply: the relay hears nothing, and 60 s
# later it sends ECHO_REQUEST; sstpc, resumed, answers. pppd goes on
# meanwhile (its Echo-Requests wait in the pty; it gives up only after 4
# unanswered, 80 s).
t2=$SECONDS
kill -STOP "$sstpc"
check "relay: SSTP ECHO_REQUEST after 60 s of silence (logged)" \
	wait_for "$dir/relayd.log" 'SSTP ECHO_REQUEST sent: nothing received from the client for 60 s' 80
kill -CONT "$sstpc"
check "relay: ECHO_RESPONSE from sstpc (logged)" \
	wait_for "$dir/relayd.log" 'SSTP ECHO_RESPONSE received from the client' 45
echo "# relay's SSTP echo: $((SECONDS - t2)) s after sstpc paused"
# sstpc's own ECHO_REQUEST (60 s without input) may cross the relay's
# after the pause; whatever it sent, the relay answered and logged.
sleep 3
q=$(count "$dir/sstpc.log" 'Sending Echo-Request')
echo "# sstpc sent $q SSTP ECHO_REQUESTs"
check_eq "relay: every ECHO_REQUEST from sstpc answered (logged)" "$q" \
	count "$dir/relayd.log" 'SSTP ECHO_REQUEST from the client answered'

# The Echo-Requests pppd sent during the pause were answered too.
req=$(count "$dir/pppd.log" 'sent \[LCP EchoReq')
# (Seen once: the reply to the last one of the pause came only after
# pppd's next Echo-Request, 20 s later; so allow two of its periods.)
check "pppd: its Echo-Requests from the pause answered" \
	wait_for "$dir/pppd.log" 'rcvd \[LCP EchoRep' 45 "$req"
req=$(count "$dir/pppd.log" 'sent \[LCP EchoReq')
rep=$(count "$dir/pppd.log" 'rcvd \[LCP EchoRep')
echo "# pppd LCP Echo-Requests sent $req, Echo-Replies received $rep"
check "pppd: every LCP Echo-Request answered by the relay" \
	test "$req" -ge 5 -a "$rep" -ge "$((req - 1))"
check_fail "pppd did not lose the link" \
	grep -aE 'No response to|Connection terminated|Modem hangup' "$dir/pppd.log"
check "sstpc still running" kill -0 "$sstpc"
check "relay still running" kill -0 "$relayd"
check_out "ppp30 still up" 'inet6 fe80::' ip -n "$c" addr show dev ppp30

# sstpc killed: TCP closes without CALL_DISCONNECT. A session the relay
# kept in user space ends with the engine's reason; one it handed to the
# kernel (the module loaded, kTLS both ways) with the link's: peer-closed
# after a TLS close_notify, truncated without one.
kill "$sstpc"
wait "$sstpc" 2>/dev/null
check "relay logs the disconnect" wait_for "$dir/relayd.log" \
	"endpoint 'web1' disconnected: the client closed the connection without CALL_DISCONNECT|link [0-9]+ of endpoint 'web1' down: (peer-closed|truncated)" 15
sleep 1
check_eq "... once" 1 count "$dir/relayd.log" \
	"^azconnect-relayd: \[$id .*(without CALL_DISCONNECT|peer-closed|truncated)"
check_eq "... and no 'session failed/closed' or 'connection closed' line" 0 \
	count "$dir/relayd.log" "^azconnect-relayd: \[$id .*(session (failed|closed)|connection closed)"
check "relay keeps running" kill -0 "$relayd"

echo "# ---- logs"
dump_logs
kill "$relayd" 2>/dev/null
wait "$relayd" 2>/dev/null
rm -rf "$dir"
relayd=
sstpc=
t_done
