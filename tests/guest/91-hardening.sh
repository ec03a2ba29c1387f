#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 900
# Hardening of the kernel data path against its peers, with azc-linkprobe
# (see 85-datapath): a relay device with two endpoints that behave, and
# peers that do not, over IPv4-only veth.
# - A refused attach leaves the socket as it was (SO_SNDTIMEO).
# - TLS records after the hand-off: a NewSessionTicket is ignored, a
#   KeyUpdate takes the link down as tls-handshake (not tls-alert), a FIN
#   without close_notify as truncated, a close_notify as peer-closed.
# - A peer that stops reading: its link goes down as send-timeout while
#   the other endpoints keep talking; deleting the relay device with such
#   a link returns at once.
# - Back-pressure: floods from an endpoint are dropped and counted
#   (tx_queue_full), and the core never logs "asks to queue packet".
# - Scale: a relay device with 1000 links goes in well under a second.
. "$(dirname "$0")/lib.sh"

dir=$(mktemp -d)
. "$(dirname "$0")/lib-probe.sh"
r=$(ns_new relay)
e1=$(ns_new ep1)
e2=$(ns_new ep2)
e3=$(ns_new bad)
# Waits scale with AZC_SLOW by themselves (lib.sh); time limits by $slow.
slow=${AZC_SLOW:-1}

check "the tls module loads" modprobe tls

net() {		# net N NS: veth-N between the relay and NS, 10.0.N.0/24
	ip link add "r$1" netns "$r" type veth peer name "e$1" netns "$2"
	ip -n "$r" addr add "10.0.$1.1/24" dev "r$1"
	ip -n "$2" addr add "10.0.$1.2/24" dev "e$1"
	ip -n "$r" link set "r$1" up
	ip -n "$2" link set "e$1" up
}
net 1 "$e1"
net 2 "$e2"
net 3 "$e3"

check "relay device" azdev "$r" azr relay fe80::1 fd00:1::1
check "endpoint 1 device" azdev "$e1" aze endpoint fe80::a1 fd00:1::a1
check "endpoint 2 device" azdev "$e2" aze endpoint fe80::a2 fd00:1::a2
[ "$T_FAILED" = 0 ] || t_done
ip netns exec "$r" sysctl -qw net.ipv6.conf.all.forwarding=1
dmesg -C

fp=$(azc-tlsprobe keygen --state-dir "$dir/state" | sed -n 's/^fingerprint //p')
relay_link() {	# relay_link NAME PORT IID: a relay probe for peer IID
	# shellcheck disable=SC2086
	probe "$1" "$r" server --listen "10.0.${4:-1}.1:$2" --state-dir "$dir/state" \
		--dev azr --local-iid 0000000000000001 --peer-iid "00000000000000$3" \
		--peer-addr "fd00:1::$3"
	wait_for "$dir/$1" '^listening' 20
}

# Endpoints that behave: 1 sets SO_SNDTIMEO to 7 s before its hand-off.
relay_link r1 443 a1
probe e1 "$e1" client --connect 10.0.1.1:443 --fingerprint "$fp" \
	--dev aze --local-iid 00000000000000a1 --peer-iid 0000000000000001 \
	--keep-fd --sndtimeo 7000
relay_link r2 443 a2 2
probe e2 "$e2" client --connect 10.0.2.1:443 --fingerprint "$fp" \
	--dev aze --local-iid 00000000000000a2 --peer-iid 0000000000000001
check "endpoint 1: link created" wait_for "$dir/e1" '^link [0-9]+' 30
check "endpoint 2: link created" wait_for "$dir/e2" '^link [0-9]+' 30
[ "$T_FAILED" = 0 ] || t_done
check "endpoint 1 -> endpoint 2" \
	ip netns exec "$e1" ping -6 -c 2 -i 0.2 -W 5 fd00:1::a2

# A hand-off leaves SO_SNDTIMEO alone: the kernel never waits on the socket.
check "the hand-off left SO_SNDTIMEO as user space set it" \
	wait_for "$dir/e1" '^sndtimeo 7000$' 10
ip -n "$e1" link add aze2 type azconnect
say e1 "relink aze2"
check "a second hand-off of the same socket is refused (EBUSY)" \
	wait_for "$dir/e1" '^error 16 the socket carries a link' 10
check_eq "the refused hand-off left the socket as it was" 2 \
	grep -c '^sndtimeo 7000$' "$dir/e1"

# TLS records that are not data, from peers that never hand off (no-link).
bad() {		# bad NAME PORT IID: a relay link and its raw TLS peer
	relay_link "r$1" "$2" "$3" 3
	probe "$1" "$e3" client --connect "10.0.3.1:$2" --fingerprint "$fp" \
		--no-link --keep-fd --dev e3 --local-iid 00000000000000"$3" \
		--peer-iid 0000000000000001 "${@:4}"
}
linked() {	# linked NAME: the peer is ready, the relay has the link
	wait_for "$dir/$1" '^ready' 30 && wait_for "$dir/r$1" '^link [0-9]+' 30
}
bad b1 450 b1
check "peer b1 linked" linked b1
say b1 "rec 22 040000080000000000000000"
say b1 "raw 1001000800080000"
check "a NewSessionTicket is ignored: the link goes on" \
	wait_for "$dir/rb1" '^ctrl sstp 1001000800080000$' 10
# A ticket whose 12 bytes span two records goes by as well.
say b1 "rec 22 0400000c00000000"
say b1 "rec 22 0000000000000000"
say b1 "raw 1001000800080000"
check "a NewSessionTicket over two records is skipped too" \
	wait_for "$dir/rb1" '^ctrl sstp 1001000800080000$' 10 2
say b1 "rec 22 1800000100"
check "a KeyUpdate takes the link down as tls-handshake" \
	wait_for "$dir/rb1" '^down tls-handshake$' 10
bad b2 451 b2
check "peer b2 linked" linked b2
say b2 "fin"
check "a FIN without close_notify: truncated" \
	wait_for "$dir/rb2" '^down truncated$' 10
bad b3 452 b3
check "peer b3 linked" linked b3
say b3 "rec 21 0100"
check "a close_notify: peer-closed" \
	wait_for "$dir/rb3" '^down peer-closed$' 10

# A peer that stops reading, with a small receive buffer: a flood for it
# fills its window, then the relay's send buffer.
flood() {	# flood NS ADDR SECONDS: UDP as fast as it goes
	ip netns exec "$1" python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
d = b"x" * 1400
end = time.time() + float(sys.argv[2])
while time.time() < end:
    try:
        s.sendto(d, (sys.argv[1], 9))
    except OSError:
        time.sleep(0.001)
' "$2" "$3"
}
bad b4 453 b4 --rcvbuf 4096
check "peer b4 (stops reading) linked" linked b4
start=$(date +%s)
flood "$e1" fd00:1::b4 20 &
fpid=$!
check "meanwhile endpoint 2 -> endpoint 1" \
	ip netns exec "$e2" ping -6 -c 5 -i 0.3 -W 5 fd00:1::a1
say r1 get
check "meanwhile the relay answers link-get" \
	wait_for "$dir/r1" '^stats id=[0-9]+ state=up' 10
check "the link of the peer that stopped reading goes down: send-timeout" \
	wait_for "$dir/rb4" '^down send-timeout$' 80
wait $fpid
took=$(($(date +%s) - start))
check "after about 30 s without progress (took $took s)" \
	test "$took" -ge 25
check "the other endpoints still talk" \
	ip netns exec "$e1" ping -6 -c 2 -i 0.2 -W 5 fd00:1::a2

# Back-pressure: UDP and TCP floods from endpoint 1 at once.
ip netns exec "$e2" iperf3 -s -D -1 -p 5201
sleep 1
fpids=()
for _ in 1 2 3 4; do
	flood "$e1" fd00:1::a2 8 &
	fpids+=($!)
done
ip netns exec "$e1" timeout 30 iperf3 -c fd00:1::a2 -p 5201 -P 4 \
	-t 6 >"$dir/iperf" 2>&1
# Only the floods: the probes in the background run to the end.
wait "${fpids[@]}"
check_out "floods: drops counted as tx_queue_full on endpoint 1" \
	'^[1-9][0-9]*$' sh -c "ip netns exec $e1 azconnectctl show aze --json |
		jq -r '.[0].link_list[0].drops.tx_queue_full'"
check_eq "the core never had to queue a packet (no 'asks to queue packet')" 0 \
	sh -c "dmesg | grep -c 'asks to queue packet'"
check "endpoint 1 -> endpoint 2 after the floods" \
	ip netns exec "$e1" ping -6 -c 2 -i 0.2 -W 5 fd00:1::a2

# A relay device with a peer that stopped reading goes at once.
bad b5 454 b5 --rcvbuf 4096
check "peer b5 (stops reading) linked" linked b5
flood "$e1" fd00:1::b5 5
start=$(date +%s%N)
check "the relay device goes, with its stalled link" ip -n "$r" link del azr
ms=$((($(date +%s%N) - start) / 1000000))
check "within seconds ($ms ms)" test "$ms" -lt $((5000 * slow))
check "the stalled link went down with the device (teardown)" \
	wait_for "$dir/rb5" '^down teardown$' 10

# 1000 links on one relay device: the device goes in one grace period.
# What deleting any device costs (RCU barriers, notifiers: most of a
# second under TCG) is measured first, on one without links.
s=$(ns_new scale)
ip -n "$s" link set lo up
ip netns exec "$s" azconnectctl add azm mode relay
start=$(date +%s%N)
ip -n "$s" link del azm
base=$((($(date +%s%N) - start) / 1000000))
ip netns exec "$s" azconnectctl add azm mode relay
mkfifo "$dir/many.in"
ip netns exec "$s" azc-linkprobe many --dev azm --count 1000 --prefix fd00:9:: \
	<"$dir/many.in" >"$dir/many" 2>&1 &
exec {many}<>"$dir/many.in"
check "1000 links on one relay device" wait_for "$dir/many" '^links 1000$' 300
check_out "the device has them" '"links": *1000' \
	ip netns exec "$s" azconnectctl show azm --json
# The module's own part, under RTNL: azc_link_del_all(), timed by the
# function graph tracer where the kernel has it; else the whole deletion
# against the one without links.
tr=/sys/kernel/tracing
mountpoint -q "$tr" || mount -t tracefs nodev "$tr" 2>/dev/null
traced=0
if echo azc_link_del_all 2>/dev/null >"$tr/set_ftrace_filter" &&
	echo function_graph 2>/dev/null >"$tr/current_tracer"; then
	echo >"$tr/trace"
	traced=1
fi
start=$(date +%s%N)
check "the relay device with 1000 links goes" ip -n "$s" link del azm
ms=$((($(date +%s%N) - start) / 1000000))
echo "# deleting a relay device: $base ms without links, $ms ms with 1000"
if [ "$traced" = 1 ]; then
	us=$(grep 'azc_link_del_all' "$tr/trace" | grep -oE '[0-9]+\.[0-9]+ us' |
		sort -n | tail -n 1 | cut -d. -f1)
	echo nop >"$tr/current_tracer"
	echo >"$tr/set_ftrace_filter"
	echo "# of which azc_link_del_all(), under RTNL: ${us:-?} us"
	check "1000 links go in well under a second of RTNL ($((${us:-999999} / 1000)) ms)" \
		test "${us:-999999}" -lt $((800000 * slow))
else
	# The whole deletion, the release of the 1000 connections after
	# RTNL included (a debug kernel without the tracer: 8.7 s of it
	# at AZC_SLOW=8, where the links' own part under RTNL cannot be
	# told apart).
	check "1000 links go in under $((2 * slow)) s ($((ms - base)) ms, all of the deletion)" \
		test "$((ms - base))" -lt $((2000 * slow))
fi
exec {many}>&-
t_done
