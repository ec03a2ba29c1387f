#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 400
# The kernel data path, driven by azc-linkprobe (TLS hand-off, link-new,
# ctrl-send and link-del without SSTP/PPP negotiation, which the kernel
# never does): a relay device with two links and two endpoint devices, in
# three namespaces joined by IPv4-only veth. Checked: bytes handed over
# with the socket (pending) are parsed first; IPv6 between the endpoints
# and the relay and, forwarded by the relay, between the endpoints; MTU-
# sized packets; control frames both ways; ctrl-send's framing checks;
# a spoofed source dropped and counted at the relay; a malformed PPP frame
# counted; hostile frames written into a kTLS socket by its peer, counted
# by reason while another link's traffic goes on; a broken SSTP header
# taking the link down, and only that link; link-del, the owner going
# away, device deletion with live links; honest counters.
. "$(dirname "$0")/lib.sh"

dir=$(mktemp -d)
. "$(dirname "$0")/lib-probe.sh"
r=$(ns_new relay)
e1=$(ns_new ep1)
e2=$(ns_new ep2)

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

check "relay device" azdev "$r" azr relay fe80::1 fd00:1::1
check "endpoint 1 device" azdev "$e1" aze endpoint fe80::a1 fd00:1::a1
check "endpoint 2 device" azdev "$e2" aze endpoint fe80::a2 fd00:1::a2
[ "$T_FAILED" = 0 ] || t_done
ip netns exec "$r" sysctl -qw net.ipv6.conf.all.forwarding=1

fp=$(azc-tlsprobe keygen --state-dir "$dir/state" | sed -n 's/^fingerprint //p')

# An SSTP ECHO_REQUEST, an LCP Echo-Request in an SSTP data packet, and
# an SSTP data packet that is not PPP (no ff 03): the relay writes them
# before the hand-off, the endpoint reads 3 bytes through OpenSSL, so the
# rest stays buffered; both parts go to its kernel as pending.
echo_req=1001000800080000
lcp_echo=ff03c0210901000800000000
not_ppp=1000000801020304
link1="--dev azr --local-iid 0000000000000001 --peer-iid 00000000000000a1 --peer-addr fd00:1::a1"
link2="--dev azr --local-iid 0000000000000001 --peer-iid 00000000000000a2 --peer-addr fd00:1::a2"
# shellcheck disable=SC2086
probe r1 "$r" server --listen 10.0.1.1:443 --state-dir "$dir/state" $link1 \
	--pre "${echo_req}10000010${lcp_echo}${not_ppp}"
check "relay probe 1 listens" wait_for "$dir/r1" '^listening' 20
probe e1 "$e1" client --connect 10.0.1.1:443 --fingerprint "$fp" --pre-read 3 \
	--dev aze --local-iid 00000000000000a1 --peer-iid 0000000000000001 --keep-fd
check "relay: link 1 created" wait_for "$dir/r1" '^link [0-9]+' 30
check "endpoint 1: link created" wait_for "$dir/e1" '^link [0-9]+' 30
[ "$T_FAILED" = 0 ] || t_done
check_out "endpoint 1 handed over 32 bytes" '^pending 32$' cat "$dir/e1"
check "endpoint 1: the SSTP ECHO_REQUEST from pending reached user space" \
	wait_for "$dir/e1" "^ctrl sstp $echo_req\$" 10
check "endpoint 1: the LCP Echo-Request from pending reached user space" \
	wait_for "$dir/e1" "^ctrl ppp $lcp_echo\$" 10
say e1 get
check "endpoint 1: the frame without ff 03 counted as an rx error" \
	wait_for "$dir/e1" '^stats id=[0-9]+ state=up mru=1500 rx_packets=0 rx_bytes=0 rx_errors=1 ' 10
check_out "endpoint 1: carrier on" 'LOWER_UP' ip -n "$e1" link show aze

# shellcheck disable=SC2086
probe r2 "$r" server --listen 10.0.2.1:443 --state-dir "$dir/state" $link2
check "relay probe 2 listens" wait_for "$dir/r2" '^listening' 20
probe e2 "$e2" client --connect 10.0.2.1:443 --fingerprint "$fp" \
	--dev aze --local-iid 00000000000000a2 --peer-iid 0000000000000001
check "relay: link 2 created" wait_for "$dir/r2" '^link [0-9]+' 30
check "endpoint 2: link created" wait_for "$dir/e2" '^link [0-9]+' 30
check_out "relay device has two links" '"links": *2' \
	ip netns exec "$r" azconnectctl show azr --json

check "endpoint 1 -> relay (private address)" \
	ip netns exec "$e1" ping -6 -c 3 -i 0.2 -W 5 fd00:1::1
check "endpoint 1 -> relay (link-local)" \
	ip netns exec "$e1" ping -6 -c 2 -i 0.2 -W 5 fe80::1%aze
check "endpoint 2 -> relay" ip netns exec "$e2" ping -6 -c 2 -i 0.2 -W 5 fd00:1::1
check "relay -> endpoint 2 (by destination)" \
	ip netns exec "$r" ping -6 -c 2 -i 0.2 -W 5 fd00:1::a2
check "endpoint 1 -> endpoint 2 through the relay" \
	ip netns exec "$e1" ping -6 -c 3 -i 0.2 -W 5 fd00:1::a2
check "endpoint 2 -> endpoint 1 through the relay" \
	ip netns exec "$e2" ping -6 -c 3 -i 0.2 -W 5 fd00:1::a1
check "MTU-sized packets (1500) pass, no fragments" \
	ip netns exec "$e1" ping -6 -c 2 -i 0.2 -W 5 -s 1452 -M do fd00:1::a2
check_fail "a packet over the MTU is refused locally" \
	ip netns exec "$e1" ping -6 -c 1 -W 2 -s 1453 -M do fd00:1::a2

# Control frames both ways, through ctrl-send.
say r1 "sstp 1001000800090000"
check "relay -> endpoint 1: SSTP control packet" \
	wait_for "$dir/e1" '^ctrl sstp 1001000800090000$' 10
say e1 "ppp ff03c0210a010008deadbeef"
check "endpoint 1 -> relay: LCP frame" \
	wait_for "$dir/r1" '^ctrl ppp ff03c0210a010008deadbeef$' 10
say e1 "ppp ff03800101020304"
check "endpoint 1 -> relay: unknown PPP protocol goes to user space" \
	wait_for "$dir/r1" '^ctrl ppp ff03800101020304$' 10
say r1 "sstp 1000000800080000"
check "ctrl-send refuses an SSTP packet without the C bit" \
	wait_for "$dir/r1" '^error 22 not an SSTP control packet' 10
say r1 "sstp 1001000900080000"
check "ctrl-send refuses an SSTP length that is not the frame's" \
	wait_for "$dir/r1" '^error 22 .*not an SSTP control packet' 10
say r1 "ppp ff03005760000000"
check "ctrl-send refuses IPv6 data" \
	wait_for "$dir/r1" '^error 22 IPv6 data goes through the device' 10
say r1 "ppp 0021"
check "ctrl-send refuses a frame without ff 03" \
	wait_for "$dir/r1" '^error 22 not a PPP frame' 10

# A spoofed source from endpoint 1 is dropped at the relay and counted.
ip -n "$e1" addr add fd00:1::bad/64 dev aze nodad
check_fail "a spoofed source gets nowhere" \
	ip netns exec "$e1" ping -6 -c 2 -i 0.2 -W 2 -I fd00:1::bad fd00:1::a2
say r1 get
check "the relay counted the spoofed packets as dropped on link 1" \
	wait_for "$dir/r1" '^stats .*rx_dropped=[1-9]' 10
rxd=$(ip -n "$r" -j -s link show azr | jq '.[0].stats64.rx.dropped')
check "relay device: ip -s link counts them as rx dropped" test "$rxd" -ge 2
ip -n "$e1" addr del fd00:1::bad/64 dev aze

# Counters: ip -s link and link-get agree that traffic flowed.
say e1 get
check "endpoint 1: link counters moved" \
	wait_for "$dir/e1" '^stats .*rx_packets=[1-9][0-9]* rx_bytes=[1-9][0-9]* .*tx_packets=[1-9]' 10
rxp=$(ip -n "$e1" -j -s link show aze | jq '.[0].stats64.rx.packets')
check "endpoint 1: ip -s link counts received packets" test "$rxp" -ge 10

# Hostile frames from endpoint 1, written straight into its kTLS socket
# as a hostile peer would, while endpoint 2 pings the relay: each is
# counted by reason and dropped; neither link 1 nor link 2 suffers.
ip netns exec "$e2" ping -6 -c 30 -i 0.05 -W 2 fd00:1::1 >"$dir/ping2" 2>&1 &
ping2=$!
for _ in $(seq 1 20); do
	say e1 "raw 1000000800570000"		# data packet, no ff 03
	say e1 "raw 1000000aff0300576000"	# IPv6 of 2 bytes
	say e1 "raw 1000000cff03802101010004"	# IPCP, not negotiated here
done
check_eq "endpoint 1: the hostile frames went out" 60 \
	sh -c "sleep 1; grep -Ec '^wrote (8|10|12)\$' $dir/e1"
check "relay: IPCP in a data packet goes to user space (to be rejected)" \
	wait_for "$dir/r1" '^ctrl ppp ff03802101010004$' 10
say r1 get
check "relay link 1: counted by reason (20 not PPP, 20 not IPv6)" \
	wait_for "$dir/r1" '^stats .*rx_bad_ppp=20 rx_bad_ipv6=20 ' 10
check "endpoint 2's pings meanwhile: none lost" wait $ping2
check "link 1 still carries traffic: endpoint 1 -> endpoint 2" \
	ip netns exec "$e1" ping -6 -c 2 -i 0.2 -W 5 fd00:1::a2
check_out "azconnectctl show: the drops by reason" \
	'drops: rx_bad_ppp 20, rx_bad_ipv6 20, rx_spoofed [0-9]+' \
	ip netns exec "$r" azconnectctl show azr
check_out "azconnectctl show --json: the drops by reason" '^20 20 0$' \
	sh -c "ip netns exec $r azconnectctl show azr --json |
	       jq -r '.[0].link_list[] | select(.id == 1) | .drops |
		      \"\\(.rx_bad_ppp) \\(.rx_bad_ipv6) \\(.rx_bad_sstp)\"'"

# link-del with a reason: user space may give only the ones it can see.
say e2 "del 1"
check "link-del refuses down-reason teardown from user space" \
	wait_for "$dir/e2" '^error 22 user space may only give userspace, keepalive-timeout, protocol-error, replaced or revoked' 10
say e2 "del 77"
check "link-del refuses an unknown down-reason" wait_for "$dir/e2" '^error (22|34) ' 10
check "endpoint 2 still up after the refused link-dels" \
	ip netns exec "$e2" ping -6 -c 1 -W 5 fd00:1::1

# link-del from endpoint 2 (its SSTP echoes unanswered, say): its link
# goes with that reason, the relay's peer link sees the connection closed
# in order (a TLS close_notify: peer-closed).
say e2 "del 5"
check "endpoint 2: link-del -> down keepalive-timeout" \
	wait_for "$dir/e2" '^down keepalive-timeout$' 20
check "relay link 2: peer-closed" wait_for "$dir/r2" '^down peer-closed$' 20
check_out "endpoint 2: carrier off without a link" 'NO-CARRIER' ip -n "$e2" link show aze
check_fail "endpoint 2 unreachable from endpoint 1 now" \
	ip netns exec "$e1" ping -6 -c 1 -W 2 fd00:1::a2

# The owner of relay link 1 dies: the link goes (the relay probe's netlink
# socket closed), and endpoint 1 sees its connection closed.
kill "${pid[r1]}"
check "endpoint 1: peer-closed when the relay's owner went away" \
	wait_for "$dir/e1" '^down peer-closed$' 20
check_out "relay device has no link left" '"links": *0' \
	ip netns exec "$r" azconnectctl show azr --json

# A broken SSTP header in the stream takes the link down.
probe r3 "$r" server --listen 10.0.1.1:443 --state-dir "$dir/state" $link1 \
	--pre "2000000400"
check "relay probe 3 listens" wait_for "$dir/r3" '^listening' 20
probe e3 "$e1" client --connect 10.0.1.1:443 --fingerprint "$fp" --pre-read 1 \
	--dev aze --local-iid 00000000000000a1 --peer-iid 0000000000000001
check "endpoint 1: a bad SSTP version takes the link down (protocol-error)" \
	wait_for "$dir/e3" '^down protocol-error$' 20
# The relay's side may not have handed its socket over yet: then the
# kernel refuses a connection that is closed already.
check "relay link: peer-closed after that, or refused at link-new" \
	wait_for "$dir/r3" '^down peer-closed$|^error 107 the TCP connection is not established' 20

# Deleting devices with live links.
# shellcheck disable=SC2086
probe r4 "$r" server --listen 10.0.1.1:443 --state-dir "$dir/state" $link1
check "relay probe 4 listens" wait_for "$dir/r4" '^listening' 20
probe e4 "$e1" client --connect 10.0.1.1:443 --fingerprint "$fp" \
	--dev aze --local-iid 00000000000000a1 --peer-iid 0000000000000001 --keep-fd
check "link up again" wait_for "$dir/e4" '^link [0-9]+' 30
check "ping again" ip netns exec "$e1" ping -6 -c 1 -W 5 fd00:1::1
# shellcheck disable=SC2086
probe r5 "$r" server --listen 10.0.2.1:443 --state-dir "$dir/state" $link2
check "relay probe 5 listens" wait_for "$dir/r5" '^listening' 20
probe e5 "$e2" client --connect 10.0.2.1:443 --fingerprint "$fp" \
	--dev aze --local-iid 00000000000000a2 --peer-iid 0000000000000001
check "endpoint 2: link up again" wait_for "$dir/e5" '^link [0-9]+' 30
check "endpoint 2 -> endpoint 1 again" \
	ip netns exec "$e2" ping -6 -c 1 -W 5 fd00:1::a1

# A hostile endpoint 1 sends an SSTP length below the header's: the
# packet boundaries are lost, so its link goes, and only its link.
say e4 "raw 10000002"
check "relay link 1: a bad SSTP length takes it down (protocol-error)" \
	wait_for "$dir/r4" '^down protocol-error$' 20
check_out "relay link 1: counted as rx_bad_sstp" '^stats .*rx_bad_sstp=1 ' \
	cat "$dir/r4"
check "endpoint 1: peer-closed" wait_for "$dir/e4" '^down peer-closed$' 20
check "endpoint 2 still reaches the relay" \
	ip netns exec "$e2" ping -6 -c 3 -i 0.2 -W 5 fd00:1::1
check_out "relay device has one link left" '"links": *1' \
	ip netns exec "$r" azconnectctl show azr --json

check "ip link del of the relay device with a live link" ip -n "$r" link del azr
check "relay link: teardown" wait_for "$dir/r5" '^down teardown$' 20
check "endpoint 2: peer-closed" wait_for "$dir/e5" '^down peer-closed$' 20

for n in "${!pid[@]}"; do
	kill "${pid[$n]}" 2>/dev/null
done
wait 2>/dev/null
probe_logs r1 e1 r2 e2 r3 e3 r4 e4 r5 e5
rm -rf "$dir"
t_done
