#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The module loads on demand, both for its link kind and its genl family.
. "$(dirname "$0")/lib.sh"

loaded() { grep -q '^azconnect ' /proc/modules; }

modprobe -r azconnect 2>/dev/null
check_fail "module not loaded at start" loaded
check_out "modinfo lists the rtnl alias" 'alias: +rtnl-link-azconnect' modinfo azconnect
check_out "modinfo lists the genl alias" 'alias: +net-pf-16-proto-16-family-azconnect' modinfo azconnect

ns=$(ns_new a)
check "ip link add ... type azconnect loads the module" ip -n "$ns" link add azc0 type azconnect
check "module is loaded" loaded
check "ip link del removes the device" ip -n "$ns" link del azc0
check "module unloads" modprobe -r azconnect

check_eq "azconnectctl show loads the module through the genl family" "[]" \
	ip netns exec "$ns" azconnectctl show --json
check "module is loaded again" loaded
check_out "kernel logs the version" 'azconnect [0-9.]+ loaded' dmesg
check "module unloads again" modprobe -r azconnect
check_out "azconnectctl --version" '^azconnectctl [0-9]+\.[0-9]+' azconnectctl --version
check_out "azconnectctl --help lists commands" 'show \[DEV\]' azconnectctl --help
check_fail "azconnectctl rejects an unknown command" azconnectctl frobnicate
t_done
