# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Shell helpers for guest scripts (scripts/demo-guest; meant for any script
# that builds a relay and endpoints in network namespaces): an IPv4-only
# "internet", hosts attached to it, the relay, the endpoints' overlay
# addresses. Source it with bash; the caller picks its own error handling.
#
#   inet_new NS                   NS becomes the internet: a bridge br0 and
#                                 no IPv6 at all
#   inet_attach NS DEV ADDR PORT  DEV in NS on the internet at ADDR/24 (IPv4
#                                 only), bridge port PORT in the internet
#   egress_443_only NS            nftables: NS may open TCP to port 443 only
#                                 (and use lo and azc0)
#   wait_for SECONDS CMD...       until CMD succeeds; the last try's output
#                                 and status when it never does
#   overlay_addr NS [DEV]         NS's global IPv6 address on DEV (azc0)
#   has_overlay NS [DEV]          NS has one
#   relay_fingerprint LOG         the SHA-256 fingerprint relayd printed
#   has_fingerprint LOG           relayd printed it
#
# The helpers below keep their files in the caller's $dir (a private
# directory of the test's making; umask 077 before, as tokens and keys go
# there):
#   relay_start NS NAME...        relay_conf NAME..., then relay_run NS
#   relay_conf NAME...            a token in $dir/NAME.token for each
#                                 endpoint, $dir/relayd.conf naming them
#                                 (the last section stays open: lines
#                                 appended go to NAME's)
#   relay_run NS [LOG]            azconnect-relayd in NS on
#                                 198.51.100.1:443 (log LOG or
#                                 $dir/relayd.log, state $dir/state, control
#                                 $dir/relayd.sock), in the background: its
#                                 pid in relayd; wait for has_fingerprint
#   ep_up NS NAME [ARGS...]       "azconnectctl up" in NS as NAME with its
#                                 token, the relay's fingerprint $fp and the
#                                 run dir $dir/run-NAME, then ARGS (--esp
#                                 off, --key-file ...); stderr appended to
#                                 $dir/NAME.err
#   ep_down NS NAME               "azconnectctl down" of that session
#   ep_st NS NAME KEY             the value of KEY= in its "azconnectctl
#                                 status"
#   ep_sa NS ARGS...              azc-sa ARGS in NS
#   ep_drop NS REASON             the drop counter REASON (tx_too_big, ...)
#                                 of NS's azc0, from "azconnectctl show"
#   marker_server NS PORT MARKER OUT
#                                 in the background, a TCP server in NS on
#                                 [::]:PORT: "ready" in OUT once it listens,
#                                 then after one connection "got N marker"
#                                 (N bytes received, MARKER among them) or
#                                 "got N nomarker"
#   marker_send NS ADDR PORT MARKER [CHUNKS]
#                                 from NS, a TCP stream to [ADDR]:PORT of
#                                 CHUNKS (500) chunks of MARKER 64 times
#   relay_cleanup                 for a test's EXIT trap (tests/guest/lib.sh
#                                 sourced): kills its background jobs, the
#                                 sessions of $dir, relayd; t_cleanup;
#                                 removes $dir

inet_new() {
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 &&
	ip -n "$1" link add br0 type bridge &&
	ip -n "$1" link set br0 up &&
	AZC_INET=$1
}

inet_attach() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$AZC_INET" &&
	ip -n "$AZC_INET" link set "$4" master br0 up &&
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" &&
	ip -n "$1" addr add "$3/24" dev "$2" &&
	ip -n "$1" link set "$2" up
}

egress_443_only() {
	ip netns exec "$1" nft -f - <<'EOF'
table inet egress {
	chain out {
		type filter hook output priority 0; policy drop;
		oifname { "lo", "azc0" } accept
		tcp dport 443 accept
		ct state established,related accept
	}
}
EOF
}

wait_for() {
	local t=$1
	shift
	for _ in $(seq 1 $((t * 5))); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	"$@"
}

overlay_addr() {
	ip -n "$1" -6 -j addr show dev "${2:-azc0}" scope global 2>/dev/null |
		jq -r '.[0].addr_info[]? | select(.family == "inet6") | .local' |
		head -n 1
}

has_overlay() { [ -n "$(overlay_addr "$@")" ]; }

relay_fingerprint() {
	grep -o 'SHA256[:0-9A-F]*' "$1" 2>/dev/null | head -n 1
}

has_fingerprint() { [ -n "$(relay_fingerprint "$1")" ]; }

relay_start() {
	relay_conf "${@:2}" && relay_run "$1"
}

# dir is the caller's.
# shellcheck disable=SC2154
relay_conf() {
	local n
	for n in "$@"; do
		azconnect-relayd --gen-token >"$dir/$n.token" || return
	done
	for n in "$@"; do
		echo "[endpoint $n]"
		echo "token = \"$(cat "$dir/$n.token")\""
	done >"$dir/relayd.conf"
}

# relayd is set for the caller.
# shellcheck disable=SC2034
relay_run() {
	ip netns exec "$1" azconnect-relayd --listen 198.51.100.1:443 \
		--config "$dir/relayd.conf" --state-dir "$dir/state" \
		--control "$dir/relayd.sock" >"${2:-$dir/relayd.log}" 2>&1 &
	relayd=$!
}

# shellcheck disable=SC2154
ep_up() {
	ip netns exec "$1" azconnectctl up --relay 198.51.100.1 --name "$2" \
		--token-file "$dir/$2.token" --fingerprint "$fp" \
		--run-dir "$dir/run-$2" "${@:3}" 2>>"$dir/$2.err"
}

ep_down() {
	ip netns exec "$1" azconnectctl down "$2" --run-dir "$dir/run-$2"
}

ep_st() {
	ip netns exec "$1" azconnectctl status "$2" --run-dir "$dir/run-$2" |
		sed -n "s/^$3=//p"
}

ep_sa() {
	ip netns exec "$1" azc-sa "${@:2}"
}

ep_drop() {
	ip netns exec "$1" azconnectctl show --json azc0 |
		jq -r ".[0].link_list[0].drops.$2"
}

marker_server() {
	ip netns exec "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", int(sys.argv[2]))); s.listen(1)
print("ready", flush=True)
c, _ = s.accept(); n = 0; seen = False; tail = b""
while True:
    d = c.recv(65536)
    if not d:
        break
    seen = seen or sys.argv[1].encode() in tail + d
    tail = d[-64:]; n += len(d)
print("got", n, "marker" if seen else "nomarker", flush=True)' "$3" "$2" >"$4" 2>&1 &
}

marker_send() {
	ip netns exec "$1" python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)
chunk = (sys.argv[3] * 64).encode()
for _ in range(int(sys.argv[4])):
    s.sendall(chunk)
s.close()' "$2" "$3" "$4" "${5:-500}"
}

relay_cleanup() {
	jobs -p | xargs -r kill 2>/dev/null
	t_kill_sessions "$dir"
	[ -n "$relayd" ] && kill "$relayd" 2>/dev/null
	wait 2>/dev/null
	t_cleanup
	rm -rf "$dir"
}
