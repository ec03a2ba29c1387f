#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 300
# Life and death of links beyond link-del (driven by azc-linkprobe, as in
# 85-datapath): an endpoint device in another network namespace than its
# TCP socket carries traffic; so does one moved to another namespace with
# its live link; deleting that namespace and unloading the module with
# live links are clean: the links go, their TCP connections are closed and
# released, owners and peers hear of it, and the kernel log stays clean
# (the harness fails the run on a splat).
. "$(dirname "$0")/lib.sh"

dir=$(mktemp -d)
. "$(dirname "$0")/lib-probe.sh"
r=$(ns_new relay)
e=$(ns_new under)	# the endpoint's underlay: its veth, its TCP socket
d=$(ns_new dev)		# the endpoint's device
e2=$(ns_new ep2)

modprobe azconnect
check "the tls module loads" modprobe tls
ip link add r1 netns "$r" type veth peer name e1 netns "$e"
ip link add r2 netns "$r" type veth peer name e2 netns "$e2"
ip -n "$r" addr add 10.0.1.1/24 dev r1
ip -n "$r" addr add 10.0.2.1/24 dev r2
ip -n "$e" addr add 10.0.1.2/24 dev e1
ip -n "$e2" addr add 10.0.2.2/24 dev e2
ip -n "$r" link set r1 up
ip -n "$r" link set r2 up
ip -n "$e" link set e1 up
ip -n "$e2" link set e2 up

check "relay device" azdev "$r" azr relay fe80::1 fd00:1::1
check "endpoint device in its own namespace" \
	azdev "$d" aze endpoint fe80::a1 fd00:1::a1
check "endpoint 2 device" azdev "$e2" aze endpoint fe80::a2 fd00:1::a2
[ "$T_FAILED" = 0 ] || t_done
ip netns exec "$r" sysctl -qw net.ipv6.conf.all.forwarding=1
fp=$(azc-tlsprobe keygen --state-dir "$dir/state" | sed -n 's/^fingerprint //p')

rlink() {	# rlink NAME N ADDR:PORT: the relay's probe for endpoint N
	probe "$1" "$r" server --listen "$3" --state-dir "$dir/state" \
		--dev azr --local-iid 0000000000000001 \
		--peer-iid 00000000000000a$2 --peer-addr "fd00:1::a$2"
	wait_for "$dir/$1" '^listening' 20
}

# The device lives in namespace dev, the socket in namespace under: the
# probe runs in dev and makes its TCP connection in under.
check "relay probe 1 listens" rlink r1 1 10.0.1.1:443
probe e1 "$d" client --connect 10.0.1.1:443 --fingerprint "$fp" \
	--sock-netns "/run/netns/$e" \
	--dev aze --local-iid 00000000000000a1 --peer-iid 0000000000000001
check "link from a device in another namespace than its socket" \
	wait_for "$dir/e1" '^link [0-9]+' 30
check_out "the TCP connection is in namespace under" '10\.0\.1\.1:443' \
	ip netns exec "$e" ss -Htn state established
check_fail "... and not in namespace dev" \
	sh -c "ip netns exec $d ss -Htn state established | grep -q ."
check "relay probe 2 listens" rlink r2 2 10.0.2.1:443
probe e2 "$e2" client --connect 10.0.2.1:443 --fingerprint "$fp" \
	--dev aze --local-iid 00000000000000a2 --peer-iid 0000000000000001
check "endpoint 2: link created" wait_for "$dir/e2" '^link [0-9]+' 30
check "dev -> relay over that link" \
	ip netns exec "$d" ping -6 -c 2 -i 0.2 -W 5 fd00:1::1
check "dev -> endpoint 2 through the relay" \
	ip netns exec "$d" ping -6 -c 2 -i 0.2 -W 5 fd00:1::a2
check_out "show in namespace dev lists the link up" '^    link [0-9]+: up' \
	ip netns exec "$d" azconnectctl show aze

# A device moved to another namespace with its live link keeps carrying
# traffic and its owner, left behind in namespace under, still controls the
# link; deleting that namespace deletes the device and tears the link
# down. The owner hears of it (link-del-ntf), and the connection is closed
# and released.
m=$(ns_new moved)
check "relay probe 3 listens" rlink r3 3 10.0.1.1:444
check "endpoint 3 device in namespace under" \
	ip netns exec "$e" azconnectctl add azm mode endpoint
probe e3 "$e" client --connect 10.0.1.1:444 --fingerprint "$fp" \
	--dev azm --local-iid 00000000000000a3 --peer-iid 0000000000000001
check "endpoint 3: link created" wait_for "$dir/e3" '^link [0-9]+' 30
check "the device moves to namespace moved with its live link" \
	ip -n "$e" link set azm netns "$m"
ip -n "$m" link set azm addrgenmode none
ip -n "$m" addr add fe80::a3/64 dev azm nodad
ip -n "$m" addr add fd00:1::a3/64 dev azm nodad
ip -n "$m" link set azm up
check "moved -> relay over the moved device" \
	ip netns exec "$m" ping -6 -c 2 -i 0.2 -W 5 fd00:1::1
check_eq "namespace under holds the connections of links 1 and 3" 2 \
	sh -c "ip netns exec $e ss -Htn state established | wc -l"
# The owner names the device by the ifindex it had in namespace under.
say e3 "sstp 1001000800080000"
check "the owner still sends control frames on the moved device's link" \
	wait_for "$dir/r3" '^ctrl sstp 1001000800080000$' 10
say e3 get
check "... and reads its state" wait_for "$dir/e3" '^stats .*state=up' 10
ip netns del "$m"
check "endpoint 3's owner, in namespace under, hears: teardown" \
	wait_for "$dir/e3" '^down teardown$' 30
check "relay link 3: peer-closed" wait_for "$dir/r3" '^down peer-closed$' 30
check_eq "namespace under: link 3's connection is gone, link 1's stays" 1 \
	sh -c "ip netns exec $e ss -Htn state established | wc -l"
check "dev and endpoint 2 are unharmed" \
	ip netns exec "$d" ping -6 -c 2 -i 0.2 -W 5 fd00:1::a2

# Module unload with live links: the relay's device (links 1 and 2) and
# the endpoints' devices go, and so do their connections.
check_out "two links left on the relay" '"links": *2' \
	ip netns exec "$r" azconnectctl show azr --json
check "modprobe -r with live links" modprobe -r azconnect
check_fail "the module is gone" test -d /sys/module/azconnect
check_fail "no connection left in namespace relay" \
	sh -c "ip netns exec $r ss -Htn state established | grep -q ."
check_fail "no connection left in namespace under" \
	sh -c "ip netns exec $e ss -Htn state established | grep -q ."
check_fail "no connection left in namespace ep2" \
	sh -c "ip netns exec $e2 ss -Htn state established | grep -q ."
check "modprobe azconnect again" modprobe azconnect
check "a new device works after the reload" \
	sh -c "ip link add azcre type azconnect && ip link del azcre"

for n in "${!pid[@]}"; do
	kill "${pid[$n]}" 2>/dev/null
done
wait 2>/dev/null
probe_logs r1 e1 r2 e2 r3 e3
rm -rf "$dir"
t_done
