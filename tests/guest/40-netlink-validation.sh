#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Malformed generic netlink requests get an error and an extack message.
. "$(dirname "$0")/lib.sh"

modprobe azconnect
a=$(ns_new a)
ip -n "$a" link add azc0 type azconnect
idx=$(ip -n "$a" -j link show azc0 | jq .[0].ifindex)
nlt() { ip netns exec "$a" azc-nltest "$@"; }

# Attribute numbers, from kmod/uapi/azconnect.h.
A_IFINDEX=1 A_IFNAME=2 A_DEV=3 A_DEV_MODE=3
A_LINK=4 A_LINK_ID=1 A_LINK_DOWN_REASON=9
A_CTRL=5 A_CTRL_LINK_ID=1 A_CTRL_KIND=2 A_CTRL_FRAME=3

check_out "valid dev-get by ifindex" '^ok 1$' nlt dev-get u32:$A_IFINDEX="$idx"
check_out "valid dev-get by name" '^ok 1$' nlt dev-get str:$A_IFNAME=azc0
check_out "valid dump" '^ok 1$' nlt --dump dev-get
check_out "missing ifindex and ifname" \
	"^error EINVAL: ifindex or ifname is required \[missing $A_IFINDEX\]" nlt dev-get
check_out "wrong-type ifindex (u16)" '^error EINVAL: [^(]' nlt dev-get u16:$A_IFINDEX="$idx"
check_out "wrong-type ifindex (u64)" '^error EINVAL: [^(]' nlt dev-get u64:$A_IFINDEX="$idx"
check_out "ifindex 0 out of range" '^error (EINVAL|ERANGE): [^(]' nlt dev-get u32:$A_IFINDEX=0
check_out "oversized ifname" '^error (EINVAL|ERANGE): [^(]' \
	nlt dev-get str:$A_IFNAME=abcdefghijklmnopqrstuvwxyz
check_out "ifname without NUL" '^error EINVAL: [^(]' nlt dev-get raw:$A_IFNAME=azc0
check_out "unknown attribute" '^error EINVAL: [^(]' nlt dev-get u32:$A_IFINDEX="$idx" u32:77=1
check_out "unknown ifindex" '^error ENODEV: no device with this ifindex' \
	nlt dev-get u32:$A_IFINDEX=999999
check_out "unknown ifname" '^error ENODEV: no device with this name' \
	nlt dev-get str:$A_IFNAME=nosuch0
check_out "ifindex of a device of another kind" '^error EOPNOTSUPP: not an azconnect device' \
	nlt dev-get u32:$A_IFINDEX=1
check_out "ifindex and ifname that disagree" '^error EINVAL: ifname and ifindex name different devices' \
	nlt dev-get u32:$A_IFINDEX=1 str:$A_IFNAME=azc0
check_out "dev-set without dev" '^error EINVAL: the dev attribute is required' \
	nlt dev-set str:$A_IFNAME=azc0
check_out "dev-set with an empty dev" '^error EINVAL: nothing to set' \
	nlt dev-set str:$A_IFNAME=azc0 empty:$A_DEV=
check_out "dev-set with an out-of-range mode" '^error (EINVAL|ERANGE): [^(]' \
	nlt dev-set str:$A_IFNAME=azc0 nest:$A_DEV u32:$A_DEV_MODE=9 end
check_out "dev-set with a wrong-type mode" '^error EINVAL: [^(]' \
	nlt dev-set str:$A_IFNAME=azc0 nest:$A_DEV u8:$A_DEV_MODE=1 end
check_out "dev-set with dev that is not a nest" '^error EINVAL: [^(]' \
	nlt dev-set str:$A_IFNAME=azc0 u32:$A_DEV=1
check_out "valid dev-set" '^ok 0$' \
	nlt dev-set str:$A_IFNAME=azc0 nest:$A_DEV u32:$A_DEV_MODE=1 end
# Link requests naming links that do not exist.
check_out "link-get of a link the device does not have" \
	'^error ENOENT: the device has no link with this id' \
	nlt link-get u32:$A_IFINDEX="$idx" nest:$A_LINK u32:$A_LINK_ID=7 end
check_out "link-get without the link's id" \
	'^error EINVAL: the id of the link is required' \
	nlt link-get u32:$A_IFINDEX="$idx" empty:$A_LINK=
check_out "link-get with link id 0" '^error (EINVAL|ERANGE): [^(]' \
	nlt link-get u32:$A_IFINDEX="$idx" nest:$A_LINK u32:$A_LINK_ID=0 end
check_out "link-del with an unknown down-reason" '^error (EINVAL|ERANGE): [^(]' \
	nlt link-del u32:$A_IFINDEX="$idx" nest:$A_LINK u32:$A_LINK_ID=7 \
	u32:$A_LINK_DOWN_REASON=77 end
check_out "link-del of a link the device does not have" \
	'^error ENOENT: the device has no link with this id' \
	nlt link-del u32:$A_IFINDEX="$idx" nest:$A_LINK u32:$A_LINK_ID=7 end
check_out "link-del on an unknown ifindex" '^error ENODEV: no device with this ifindex' \
	nlt link-del u32:$A_IFINDEX=999999 nest:$A_LINK u32:$A_LINK_ID=7 end
check_out "ctrl-send on a link the device does not have" \
	'^error ENOENT: the device has no link with this id' \
	nlt ctrl-send u32:$A_IFINDEX="$idx" nest:$A_CTRL u32:$A_CTRL_LINK_ID=7 \
	u32:$A_CTRL_KIND=0 hex:$A_CTRL_FRAME=1001000800080000 end
check_out "ctrl-send with an unknown kind" '^error (EINVAL|ERANGE): [^(]' \
	nlt ctrl-send u32:$A_IFINDEX="$idx" nest:$A_CTRL u32:$A_CTRL_LINK_ID=7 \
	u32:$A_CTRL_KIND=9 hex:$A_CTRL_FRAME=1001000800080000 end

check_eq "the device survived every bad request" "relay" \
	bash -c "ip netns exec $a azconnectctl show --json azc0 | jq -r .[0].mode"
t_done
