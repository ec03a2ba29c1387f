#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 240
# azconnectctl up against azconnect-relayd, each in its own namespace
# joined by veth, on a kernel with kernel TLS: the session negotiates
# (TLS 1.2 with kTLS both ways on both sides, SSTP, MS-CHAPv2, crypto
# binding, IPV6CP), "status" shows it from /run/azconnect/NAME.state,
# "down" ends it with CALL_DISCONNECT and the relay logs that. A wrong
# token fails with the PPP authentication error and the relay goes on.
# Only the negotiation: what follows it (the data path) is tested
# elsewhere.
. "$(dirname "$0")/lib.sh"
# Configs hold tokens: private, or the daemons refuse them.
umask 077

dir=$(mktemp -d)
token="up-ktls-token-0123456789"
r=$(ns_new relay)
e=$(ns_new endpoint)
ip link add veth-r netns "$r" type veth peer name veth-e netns "$e"
ip -n "$r" addr add 10.98.0.1/24 dev veth-r
ip -n "$e" addr add 10.98.0.2/24 dev veth-e
ip -n "$r" link set veth-r up
ip -n "$e" link set veth-e up

cat >"$dir/relayd.conf" <<EOC
[endpoint web1]
token = "$token"
EOC

# wait_for FILE REGEX SECONDS: until a line of FILE matches.
wait_for() {
	local end=$((SECONDS + $3))
	while [ "$SECONDS" -le "$end" ]; do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	tail -n 30 "$1"
	return 1
}

# show_rc FILE RC: FILE's content (for the failure report), status RC.
show_rc() {
	cat "$1"
	return "$2"
}

ctl() {
	ip netns exec "$e" azconnectctl "$@"
}

check "the tls module loads" modprobe tls

ip netns exec "$r" azconnect-relayd --listen 10.98.0.1:443 \
	--config "$dir/relayd.conf" --state-dir "$dir/state" >"$dir/relayd.log" 2>&1 &
relayd=$!
check "relay listens" wait_for "$dir/relayd.log" 'listening on' 15
fp=$(sed -n 's/.*certificate fingerprint \(SHA256:[0-9A-F:]*\).*/\1/p' "$dir/relayd.log")
check_out "relay prints its certificate's fingerprint" '^SHA256(:[0-9A-F]{2}){32}$' echo "$fp"

# Background session (the default): the parent prints the state, exits 0.
ctl up --relay 10.98.0.1 --name web1 --token "$token" --fingerprint "$fp" \
	>"$dir/up.out" 2>"$dir/up.err"
rc=$?
check "up web1: connected (exit 0)" show_rc "$dir/up.err" "$rc"
check_out "up prints state=connected" '^state=connected$' cat "$dir/up.out"
check "the state file is /run/azconnect/web1.state" test -s /run/azconnect/web1.state

ctl status web1 >"$dir/status" 2>&1
check_out "status: connected" '^state=connected$' cat "$dir/status"
check_out "status: TLS 1.2" '^tls=TLSv1\.2$' cat "$dir/status"
check_out "status: kTLS send on" '^ktls_send=on$' cat "$dir/status"
check_out "status: kTLS receive on" '^ktls_recv=on$' cat "$dir/status"
check_out "status: the relay's certificate was the pinned one" \
	"^fingerprint=$fp\$" cat "$dir/status"
check_out "status: verified by the pin" '^verified=pin$' cat "$dir/status"
check_out "status: MS-CHAPv2" '^auth=MS-CHAPv2$' cat "$dir/status"
check_out "status: relay address" '^address=10\.98\.0\.1:443$' cat "$dir/status"
check_out "status: the session's process is alive" '^pid=[0-9]+$' cat "$dir/status"
check_fail "status: not stale" grep -q stale "$dir/status"
check_out "status without a name lists web1" '^name=web1$' ctl status

check "relay: kTLS send and receive on" \
	wait_for "$dir/relayd.log" 'TLS handshake done: TLSv1\.2 .*kTLS send on, receive on' 5
check "relay: crypto binding verified" \
	wait_for "$dir/relayd.log" 'CALL_CONNECTED: crypto binding verified' 5
check "relay: endpoint web1 connected" \
	wait_for "$dir/relayd.log" "endpoint 'web1' connected: IID" 5
# The relay's connection number for this session: "[ID ADDR:PORT] ..."
id=$(sed -n "s/^azconnect-relayd: \[\([0-9]*\) .*endpoint 'web1' connected.*/\1/p" \
	"$dir/relayd.log" | head -n 1)

check_out "a second up for web1 is refused while it runs" 'already has a session' \
	ctl up --relay 10.98.0.1 --name web1 --token "$token" --fingerprint "$fp"

check_out "down web1" '^web1: session ended$' ctl down web1
# The reason, once: "endpoint 'web1' disconnected: WHY" from a session
# kept in user space; one handed to the kernel has kern.c's wording (and
# a line with the link's counters).
check "relay logs the CALL_DISCONNECT" wait_for "$dir/relayd.log" \
	"^azconnect-relayd: \[$id .*endpoint 'web1'.*: the client disconnected: status NO_ERROR" 10
check_eq "... once" 1 grep -c \
	"^azconnect-relayd: \[$id .*the client disconnected" "$dir/relayd.log"
check_eq "... and no 'session failed/closed' or 'connection closed' line" 0 \
	grep -Ec "^azconnect-relayd: \[$id .*(session (failed|closed)|connection closed)" \
	"$dir/relayd.log"
check "the state file is gone" test ! -e /run/azconnect/web1.state
check_out "status: no sessions" '^no sessions$' ctl status

# A wrong token: the relay refuses MS-CHAPv2, up fails and says so.
ctl up --relay 10.98.0.1 --name web1 --token "not-the-token" \
	--fingerprint "$fp" >"$dir/bad.out" 2>"$dir/bad.err"
rc=$?
check "wrong token: up fails" test "$rc" -ne 0
check_out "wrong token: PPP authentication error" \
	'authentication refused: PPP authentication failed: the relay rejected the name or token \(E=691\)' \
	cat "$dir/bad.err"
check "wrong token: no state file" test ! -e /run/azconnect/web1.state
check "relay logs the wrong token" wait_for "$dir/relayd.log" \
	"session failed: MS-CHAPv2 authentication failed for endpoint 'web1': wrong token" 10
check "relay keeps running" kill -0 "$relayd"
check_out "relay still serves: web1 connects again" '^state=connected$' \
	ctl up --relay 10.98.0.1 --name web1 --token "$token" --fingerprint "$fp"
check_out "... and goes down again" '^web1: session ended$' ctl down web1

echo "# ---- relayd.log"
sed 's/^/#   /' "$dir/relayd.log"
kill "$relayd" 2>/dev/null
wait "$relayd" 2>/dev/null
rm -rf "$dir"
t_done
