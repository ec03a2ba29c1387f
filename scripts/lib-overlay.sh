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
