#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Mutating operations need CAP_NET_ADMIN over the device's network namespace.
. "$(dirname "$0")/lib.sh"

modprobe azconnect
a=$(ns_new a)
ip -n "$a" link add azc0 type azconnect

as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

check_out "unprivileged set gets EPERM with a clear message" \
	'azc0: permission denied: CAP_NET_ADMIN is required' \
	ip netns exec "$a" setpriv --reuid=65534 --regid=65534 --clear-groups \
	azconnectctl set azc0 mode relay
check_fail "unprivileged set fails" ip netns exec "$a" \
	setpriv --reuid=65534 --regid=65534 --clear-groups azconnectctl set azc0 mode relay
check_out "raw unprivileged dev-set gets EPERM" '^error EPERM' \
	ip netns exec "$a" setpriv --reuid=65534 --regid=65534 --clear-groups \
	azc-nltest dev-set str:2=azc0 nest:3 u32:3=1 end
check_eq "mode unchanged" "endpoint" \
	bash -c "ip netns exec $a azconnectctl show --json | jq -r .[0].mode"
check_eq "unprivileged show is allowed" "azc0" \
	bash -c "ip netns exec $a setpriv --reuid=65534 --regid=65534 --clear-groups azconnectctl show --json | jq -r .[0].ifname"

# CAP_NET_ADMIN in a user namespace covers the network namespaces it owns.
check_eq "owner of a user+net namespace may set the mode of its device" "relay" \
	as_nobody unshare --user --map-root-user --net bash -c \
	'ip link add azc9 type azconnect && azconnectctl set azc9 mode relay &&
	 azconnectctl show --json azc9 | jq -r .[0].mode'
ip link add azcperm type azconnect
check_out "root of a user namespace cannot change a device of the initial namespace" \
	'permission denied' as_nobody unshare --user --map-root-user \
	azconnectctl set azcperm mode relay
ip link del azcperm
t_done
