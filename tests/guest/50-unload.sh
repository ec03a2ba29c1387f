#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Unloading the module with devices present, in several namespaces, is clean.
. "$(dirname "$0")/lib.sh"

modprobe azconnect
a=$(ns_new a)
b=$(ns_new b)
check "devices in two namespaces" bash -c \
	"ip -n $a link add azc0 type azconnect && ip -n $b link add azc0 type azconnect &&
	 ip -n $b link add azc1 type azconnect && ip -n $b link set azc1 up"
check "IPv6 address on a device" ip -n "$b" addr add fd00::1/64 dev azc1
check "unload with devices present" modprobe -r azconnect
check_fail "devices are gone in a" ip -n "$a" link show azc0
check_fail "devices are gone in b" ip -n "$b" link show azc1
check "reload" modprobe azconnect
check "devices can be created again" ip -n "$a" link add azc0 type azconnect
check "unload again" modprobe -r azconnect
t_done
