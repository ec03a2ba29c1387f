#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 600
# The product end to end: azconnect-relayd and two endpoints brought up by
# "azconnectctl up", each in its own namespace, joined by an IPv4-only
# "internet" (a bridge in a namespace of its own); the endpoints' egress
# is firewalled with nftables to TCP 443. The endpoints get their overlay
# addresses from the relay's router advertisements, ping each other
# (small and MTU-sized packets, with ESP between them), run iperf3 both ways; a capture on the
# internet shows nothing but TCP port 443; a spoofed source is dropped at
# the relay; the relay is killed and restarted and the endpoints come
# back by themselves.
. "$(dirname "$0")/lib.sh"
# Configs hold tokens: private, or the daemons refuse them.
umask 077

dir=$(mktemp -d)
inet=$(ns_new inet)
r=$(ns_new relay)
e1=$(ns_new ep1)
e2=$(ns_new ep2)

check "the tls module loads" modprobe tls

# No IPv6 at all on the internet: not even link-local addresses.
ip netns exec "$inet" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1
ip -n "$inet" link add br0 type bridge
ip -n "$inet" link set br0 up
# attach NS NAME ADDR PORT: NAME in NS on the internet (bridge port PORT),
# IPv4 only.
attach() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$inet"
	ip -n "$inet" link set "$4" master br0 up
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
	ip -n "$1" addr add "$3/24" dev "$2"
	ip -n "$1" link set "$2" up
}
attach "$r" wan 198.51.100.1 p-relay
attach "$e1" wan 198.51.100.11 p-ep1
attach "$e2" wan 198.51.100.12 p-ep2

# Endpoints may only open TCP connections to port 443 (and use their
# overlay device and loopback).
firewall() {
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
check "endpoint 1 egress: TCP 443 only" firewall "$e1"
check "endpoint 2 egress: TCP 443 only" firewall "$e2"
check_fail "the firewall blocks other traffic" \
	ip netns exec "$e1" ping -c 1 -W 1 198.51.100.1

cat >"$dir/relayd.conf" <<EOF
[endpoint ep1]
token = "token-one-0123456789"
[endpoint ep2]
token = "token-two-0123456789"
EOF

start_relay() {
	ip netns exec "$r" azconnect-relayd --listen 198.51.100.1:443 \
		--config "$dir/relayd.conf" --state-dir "$dir/state" \
		>>"$dir/relayd.log" 2>&1 &
	relayd=$!
}
# wait_for SECONDS CMD...: until CMD succeeds.
wait_for() {
	local i t=$1
	shift
	for i in $(seq 1 $((t * 5))); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	"$@"
}
log_has() { grep -Eq -- "$1" "$dir/relayd.log"; }

start_relay
check "relay starts" wait_for 20 log_has 'SHA256'
fp=$(ip netns exec "$r" azconnect-relayd --check --config "$dir/relayd.conf" \
	--state-dir "$dir/state" 2>/dev/null | grep -o 'SHA256[:0-9A-F]*' | head -n 1)
check_out "relay fingerprint" '^SHA256(:[0-9A-F]{2}){32}$' echo "$fp"

# Capture everything on the internet from here on.
ip netns exec "$inet" tcpdump -i br0 -nn -U -w "$dir/wan.pcap" 'ip or ip6' \
	>/dev/null 2>&1 &
tcpd=$!
sleep 1

up() {	# up NS NAME TOKEN
	ip netns exec "$1" azconnectctl up --relay 198.51.100.1 --name "$2" \
		--token "$3" --fingerprint "$fp" --run-dir "$dir/run-$2"
}
check "endpoint 1 up" up "$e1" ep1 token-one-0123456789
check "endpoint 2 up" up "$e2" ep2 token-two-0123456789
[ "$T_FAILED" = 0 ] || { tail -n 40 "$dir/relayd.log" | sed 's/^/#   /'; t_done; }

# overlay NS: the endpoint's global address on azc0.
overlay() {
	ip -n "$1" -6 -j addr show dev azc0 scope global 2>/dev/null |
		jq -r '.[0].addr_info[]? | select(.family == "inet6") | .local' |
		head -n 1
}
has_overlay() { [ -n "$(overlay "$1")" ]; }
check "endpoint 1 configured its overlay address from the relay's RA" \
	wait_for 60 has_overlay "$e1"
check "endpoint 2 configured its overlay address from the relay's RA" \
	wait_for 60 has_overlay "$e2"
a1=$(overlay "$e1")
a2=$(overlay "$e2")
echo "# endpoint 1: $a1, endpoint 2: $a2"
check_out "the overlay address is a unique local address (fd00::/8)" \
	'^fd[0-9a-f]{2}:' echo "$a1"
check "both in the same /64" test "$(echo "$a1" | cut -d: -f1-4)" = \
	"$(echo "$a2" | cut -d: -f1-4)"
check_fail "no default route through the relay" \
	sh -c "ip -n '$e1' -6 route show default | grep -q azc0"
check_out "the overlay /64 is routed on azc0" 'dev azc0' \
	ip -n "$e1" -6 route show "$(echo "$a1" | cut -d: -f1-4)::/64"

check "endpoint 1 -> endpoint 2" ip netns exec "$e1" ping -6 -c 3 -i 0.2 -W 5 "$a2"
check "endpoint 2 -> endpoint 1" ip netns exec "$e2" ping -6 -c 3 -i 0.2 -W 5 "$a1"
mtu=$(ip netns exec "$e1" cat /sys/class/net/azc0/mtu)
# Between endpoints every packet is ESP (37 bytes more at most): the
# device answers a packet too big for that with Packet Too Big (1466 for
# an MRU of 1500), so the sender's stack fragments before ESP, never after.
check_out "a $mtu-byte ping with DF set gets Packet Too Big for ESP's room" \
	'(Packet too big: mtu=1466|mtu: 1466)' \
	ip netns exec "$e1" ping -6 -c 2 -i 0.2 -W 5 -s $((mtu - 48)) -M do "$a2"
check "pings of the path MTU (1466) pass unfragmented" \
	ip netns exec "$e1" ping -6 -c 2 -i 0.2 -W 5 -s $((1466 - 48)) -M do "$a2"
check "MTU-sized pings ($mtu) pass, fragmented by the sender" \
	ip netns exec "$e1" ping -6 -c 2 -i 0.2 -W 5 -s $((mtu - 48)) "$a2"

ip netns exec "$e2" iperf3 -s -D -1 -B "$a2" >/dev/null 2>&1
sleep 1
iperf() {	# iperf ARGS...: run, print the receiver's rate
	ip netns exec "$e1" iperf3 -c "$a2" -t 3 -f m "$@" >"$dir/iperf" 2>&1 ||
		{ cat "$dir/iperf"; return 1; }
	echo "# iperf3 $*: $(grep receiver "$dir/iperf" | awk '{ print $7, $8 }')" >&3
}
exec 3>&1
check "iperf3 TCP endpoint 1 -> endpoint 2" iperf
ip netns exec "$e2" iperf3 -s -D -1 -B "$a2" >/dev/null 2>&1
sleep 1
check "iperf3 TCP endpoint 2 -> endpoint 1 (reverse)" iperf -R

kill "$tcpd"
wait "$tcpd" 2>/dev/null
check "the capture saw traffic on port 443" \
	test "$(tcpdump -r "$dir/wan.pcap" -nn 'tcp port 443' 2>/dev/null | wc -l)" -gt 100
others() {
	tcpdump -r "$dir/wan.pcap" -nn 'not (tcp port 443)' 2>/dev/null >"$dir/others"
	cat "$dir/others"
	[ ! -s "$dir/others" ]
}
check "the capture saw nothing but TCP port 443" others

# A spoofed source from endpoint 1 goes nowhere and the relay counts it.
spoof=$(echo "$a1" | cut -d: -f1-4):dead:beef:0:1
ip -n "$e1" addr add "$spoof/128" dev azc0 nodad
check_fail "a spoofed source gets no answer" \
	ip netns exec "$e1" ping -6 -c 2 -i 0.2 -W 2 -I "$spoof" "$a2"
ip -n "$e1" addr del "$spoof/128" dev azc0
dropped() {
	ip netns exec "$r" azconnectctl show --json | tee /dev/stderr |
		jq -e '[.[0].link_list[] | select(.rx.dropped > 0)] | length == 1'
}
check "the relay counted it as dropped on endpoint 1's link" dropped

# The relay dies and comes back: the endpoints reconnect by themselves.
kill -9 "$relayd"
wait "$relayd" 2>/dev/null
ip -n "$r" link del azc-relay 2>/dev/null
check_fail "no overlay while the relay is away" \
	ip netns exec "$e1" ping -6 -c 1 -W 2 "$a2"
start_relay
check "after a relay restart endpoint 1 reaches endpoint 2 again" \
	wait_for 120 ip netns exec "$e1" ping -6 -c 1 -W 2 "$a2"
check "and the other way" ip netns exec "$e2" ping -6 -c 1 -W 5 "$a1"
check_out "endpoint 1 status shows the link up" 'link_state=up' \
	ip netns exec "$e1" azconnectctl status ep1 --run-dir "$dir/run-ep1"

check "endpoint 1 down" ip netns exec "$e1" azconnectctl down ep1 --run-dir "$dir/run-ep1"
check "endpoint 2 down" ip netns exec "$e2" azconnectctl down ep2 --run-dir "$dir/run-ep2"
kill "$relayd"
wait "$relayd" 2>/dev/null
echo "# ---- relayd.log"
tail -n 60 "$dir/relayd.log" | sed 's/^/#   /'
rm -rf "$dir"
t_done
