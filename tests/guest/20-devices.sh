#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Devices in several network namespaces: properties, MTU bounds, show, moves.
. "$(dirname "$0")/lib.sh"

modprobe azconnect
a=$(ns_new a)
b=$(ns_new b)

check "create azc0 in namespace a" ip -n "$a" link add azc0 type azconnect
check "create azc0 in namespace b" ip -n "$b" link add azc0 type azconnect
check "create azc1 in namespace b" ip -n "$b" link add azc1 type azconnect
check_out "point-to-point, no ARP" '<POINTOPOINT,NOARP>' ip -n "$a" link show azc0
check_out "header-less link type" 'link/none' ip -n "$a" link show azc0
check_out "link kind azconnect" 'azconnect' ip -n "$a" -d link show azc0
check_out "default MTU 1500" 'mtu 1500' ip -n "$a" link show azc0
check_fail "MTU below the IPv6 minimum is refused" ip -n "$a" link set azc0 mtu 1279
check "MTU 1280 accepted" ip -n "$a" link set azc0 mtu 1280
check "MTU 4087 (SSTP 12-bit length) accepted" ip -n "$a" link set azc0 mtu 4087
check_fail "MTU 4088 refused" ip -n "$a" link set azc0 mtu 4088
check "device comes up" ip -n "$a" link set azc0 up
check_out "no carrier without a link" 'NO-CARRIER' ip -n "$a" link show azc0

json_a=$(ip netns exec "$a" azconnectctl show --json)
check_eq "show --json in a lists one device" "azc0" \
	jq -r '[.[].ifname] | join(",")' <<<"$json_a"
check_eq "show --json reports mode, MTU, carrier and links" "endpoint 4087 false 0" \
	jq -r '.[0] | "\(.mode) \(.mtu) \(.carrier) \(.links)"' <<<"$json_a"
check_eq "show --json reports the kernel's ifindex" \
	"$(ip -n "$a" -j link show azc0 | jq .[0].ifindex)" jq .[0].ifindex <<<"$json_a"
check_eq "show --json in b lists two devices" "azc0,azc1" \
	bash -c "ip netns exec $b azconnectctl show --json | jq -r '[.[].ifname] | sort | join(\",\")'"
check_out "show DEV prints that device" '^[0-9]+: azc1: mode endpoint mtu 1500 carrier off links 0' \
	ip netns exec "$b" azconnectctl show azc1
check_out "show of a missing device names the problem" 'nosuch: No such device: no device with this name' \
	ip netns exec "$b" azconnectctl show nosuch
check_out "show of a non-azconnect device is refused" 'not an azconnect device' \
	ip netns exec "$b" azconnectctl show lo

check "set mode relay" ip netns exec "$b" azconnectctl set azc1 mode relay
check_eq "mode relay reported" "relay" \
	bash -c "ip netns exec $b azconnectctl show --json azc1 | jq -r .[0].mode"
check "azconnectctl add creates a relay device through rtnetlink" \
	ip netns exec "$b" azconnectctl add azr0 mode relay
check_eq "the rtnetlink mode attribute took effect" "relay" \
	bash -c "ip netns exec $b azconnectctl show --json azr0 | jq -r .[0].mode"
check_out "azconnectctl add of an existing name fails clearly" 'azr0: File exists' \
	ip netns exec "$b" azconnectctl add azr0
check_out "azconnectctl del refuses other kinds of device" 'lo: .*not an azconnect device' \
	ip netns exec "$b" azconnectctl del lo
check "lo survives" ip -n "$b" link show lo
check "azconnectctl del deletes" ip netns exec "$b" azconnectctl del azr0
check_fail "the device is gone" ip -n "$b" link show azr0
check_fail "unknown mode refused by azconnectctl" ip netns exec "$b" azconnectctl set azc1 mode hub

check "move azc0 from a to a new namespace c" bash -c \
	"ip netns add $T_NAME-c && ip -n $a link set azc0 netns $T_NAME-c"
T_NS+=("$T_NAME-c")
check_eq "a has no device left" "[]" ip netns exec "$a" azconnectctl show --json
check_eq "c sees the moved device" "azc0" \
	bash -c "ip netns exec $T_NAME-c azconnectctl show --json | jq -r .[0].ifname"
check "deleting namespace c deletes its device" ip netns del "$T_NAME-c"
check "delete azc0 in b" ip -n "$b" link del azc0
check_eq "b lists only azc1" "azc1" \
	bash -c "ip netns exec $b azconnectctl show --json | jq -r '[.[].ifname] | join(\",\")'"
check "many devices in one namespace" bash -c \
	"for i in \$(seq 1 250); do echo link add x\$i type azconnect; done | ip -n $b -batch -"
check_eq "a dump larger than one message lists all" "251" \
	bash -c "ip netns exec $b azconnectctl show --json | jq length"
t_done
