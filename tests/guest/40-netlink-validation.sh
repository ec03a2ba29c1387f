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

# Security associations (sa-new, sa-del, sa-get), on an endpoint device.
A_SA=6 A_SA_DIR=1 A_SA_SPI=2 A_SA_PEER=3 A_SA_CIPHER=4 A_SA_KEY=5
A_SA_SOFT_PACKETS=6 A_SA_HARD_PACKETS=7 A_SA_SEQ_SOFT=12 A_SA_AGE=13
A_DEV_ESP=16
ip -n "$a" link add azc1 type azconnect
idx1=$(ip -n "$a" -j link show azc1 | jq .[0].ifindex)
peer=hex:$A_SA_PEER=fd000000000000000000000000000002
k16=hex:$A_SA_KEY=000102030405060708090a0b0c0d0e0f10111213
k32=hex:$A_SA_KEY=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223
san() {		# san IFINDEX ATTRS...: sa-new with its nest
	local i=$1
	shift
	nlt sa-new u32:$A_IFINDEX="$i" nest:$A_SA "$@" end
}
check_out "sa-new with a valid SA" '^ok 0$' \
	san "$idx1" u32:$A_SA_DIR=1 u32:$A_SA_SPI=4096 $peer u32:$A_SA_CIPHER=0 $k16
check_out "sa-new with the same direction and SPI: EEXIST" \
	'^error EEXIST: the device has an SA with this direction and SPI' \
	san "$idx1" u32:$A_SA_DIR=1 u32:$A_SA_SPI=4096 $peer u32:$A_SA_CIPHER=0 $k16
check_out "sa-new on a relay device" '^error EOPNOTSUPP: not an endpoint device' \
	san "$idx" u32:$A_SA_DIR=1 u32:$A_SA_SPI=4096 $peer u32:$A_SA_CIPHER=0 $k16
check_out "sa-new on an unknown device" '^error ENODEV: no device with this ifindex' \
	san 999999 u32:$A_SA_DIR=1 u32:$A_SA_SPI=4096 $peer u32:$A_SA_CIPHER=0 $k16
check_out "sa-new with a 256-bit key for AES-128" \
	'^error EINVAL: bad key length for the cipher' \
	san "$idx1" u32:$A_SA_DIR=1 u32:$A_SA_SPI=4097 $peer u32:$A_SA_CIPHER=0 $k32
check_out "sa-new with a 128-bit key for AES-256" \
	'^error EINVAL: bad key length for the cipher' \
	san "$idx1" u32:$A_SA_DIR=1 u32:$A_SA_SPI=4097 $peer u32:$A_SA_CIPHER=1 $k16
check_out "sa-new with a key over the longest" '^error ERANGE: attribute is too long' \
	san "$idx1" u32:$A_SA_DIR=1 u32:$A_SA_SPI=4097 $peer u32:$A_SA_CIPHER=1 ${k32}0000
check_out "sa-new with SPI 255 (reserved)" '^error (EINVAL|ERANGE): [^(]' \
	san "$idx1" u32:$A_SA_DIR=1 u32:$A_SA_SPI=255 $peer u32:$A_SA_CIPHER=0 $k16
check_out "sa-new with an unknown cipher" '^error (EINVAL|ERANGE): [^(]' \
	san "$idx1" u32:$A_SA_DIR=1 u32:$A_SA_SPI=4097 $peer u32:$A_SA_CIPHER=7 $k16
check_out "sa-new with an unknown direction" '^error (EINVAL|ERANGE): [^(]' \
	san "$idx1" u32:$A_SA_DIR=2 u32:$A_SA_SPI=4097 $peer u32:$A_SA_CIPHER=0 $k16
check_out "sa-new with a short peer address" '^error (EINVAL|ERANGE): [^(]' \
	san "$idx1" u32:$A_SA_DIR=1 u32:$A_SA_SPI=4097 hex:$A_SA_PEER=fd00 u32:$A_SA_CIPHER=0 $k16
check_out "sa-new with a link-local peer" '^error EINVAL: the peer must be a global unicast' \
	san "$idx1" u32:$A_SA_DIR=1 u32:$A_SA_SPI=4097 \
	hex:$A_SA_PEER=fe800000000000000000000000000002 u32:$A_SA_CIPHER=0 $k16
check_out "sa-new without a key" '^error EINVAL: the key of the SA is required' \
	san "$idx1" u32:$A_SA_DIR=1 u32:$A_SA_SPI=4097 $peer u32:$A_SA_CIPHER=0
check_out "sa-new with a soft limit above the hard one" \
	'^error EINVAL: a soft limit is above its hard limit' \
	san "$idx1" u32:$A_SA_DIR=1 u32:$A_SA_SPI=4097 $peer u32:$A_SA_CIPHER=0 $k16 \
	u64:$A_SA_SOFT_PACKETS=10 u64:$A_SA_HARD_PACKETS=5
check_out "sa-new with seq-soft on a receive SA" '^error EINVAL: seq-soft is for transmit SAs' \
	san "$idx1" u32:$A_SA_DIR=0 u32:$A_SA_SPI=4097 $peer u32:$A_SA_CIPHER=0 $k16 \
	u64:$A_SA_SEQ_SOFT=10
check_out "sa-new with a reported-only attribute (age)" \
	'^error EINVAL: attribute not taken by this request' \
	san "$idx1" u32:$A_SA_DIR=1 u32:$A_SA_SPI=4097 $peer u32:$A_SA_CIPHER=0 $k16 \
	u64:$A_SA_AGE=1
check_out "sa-new: a second transmit SA for the peer (the next key slot)" '^ok 0$' \
	san "$idx1" u32:$A_SA_DIR=1 u32:$A_SA_SPI=4097 $peer u32:$A_SA_CIPHER=1 $k32
check_out "sa-new: no third one" '^error EBUSY: the peer has two SAs in this direction' \
	san "$idx1" u32:$A_SA_DIR=1 u32:$A_SA_SPI=4098 $peer u32:$A_SA_CIPHER=0 $k16
check_out "sa-get of an SA" '^ok 1$' \
	nlt sa-get u32:$A_IFINDEX="$idx1" nest:$A_SA u32:$A_SA_DIR=1 u32:$A_SA_SPI=4097 end
check_out "sa-get without the SPI" '^error EINVAL: the spi of the SA is required' \
	nlt sa-get u32:$A_IFINDEX="$idx1" nest:$A_SA u32:$A_SA_DIR=1 end
check_out "sa-get of an SA the device does not have" '^error ENOENT: the device has no SA' \
	nlt sa-get u32:$A_IFINDEX="$idx1" nest:$A_SA u32:$A_SA_DIR=0 u32:$A_SA_SPI=4097 end
check_out "sa-get dump" '^ok 2$' nlt --dump sa-get u32:$A_IFINDEX="$idx1"
check_out "sa-del with a key (not taken)" '^error EINVAL: attribute not taken by this request' \
	nlt sa-del u32:$A_IFINDEX="$idx1" nest:$A_SA u32:$A_SA_DIR=1 u32:$A_SA_SPI=4097 $k16 end
check_out "sa-del" '^ok 0$' \
	nlt sa-del u32:$A_IFINDEX="$idx1" nest:$A_SA u32:$A_SA_DIR=1 u32:$A_SA_SPI=4097 end
check_out "sa-del again" '^error ENOENT: the device has no SA' \
	nlt sa-del u32:$A_IFINDEX="$idx1" nest:$A_SA u32:$A_SA_DIR=1 u32:$A_SA_SPI=4097 end
check_out "dev-set esp required" '^ok 0$' \
	nlt dev-set u32:$A_IFINDEX="$idx1" nest:$A_DEV u32:$A_DEV_ESP=1 end
check_out "dev-set with an unknown esp mode" '^error (EINVAL|ERANGE): [^(]' \
	nlt dev-set u32:$A_IFINDEX="$idx1" nest:$A_DEV u32:$A_DEV_ESP=5 end
# The bound on SAs per device (sa-max, 1024): receive SAs of 512 peers.
python3 - "$a" "$idx1" <<'PY' >"$T_OUT.many" 2>&1
import subprocess, sys
ns, idx = sys.argv[1], sys.argv[2]
# One azc-nltest per SA is slow under TCG: a batch through bash.
lines = []
for i in range(1100):
    p = "fd0000000000000000000000%08x" % (0x10000 + i // 2)
    lines.append("azc-nltest sa-new u32:1=%s nest:6 u32:1=0 u32:2=%d hex:3=%s "
                 "u32:4=0 hex:5=000102030405060708090a0b0c0d0e0f10111213 end"
                 % (idx, 100000 + i, p))
out = subprocess.run(["ip", "netns", "exec", ns, "bash"], input="\n".join(lines),
                     capture_output=True, text=True).stdout
print(out.count("ok 0"), "ok;", out.splitlines()[-1] if out else "")
PY
check_out "the 1024th SA is the last (ENOSPC: sa-max)" \
	'^1023 ok; error ENOSPC: the device has the most SAs' cat "$T_OUT.many"
rm -f "$T_OUT.many"
check "the endpoint device with 1024 SAs goes" ip -n "$a" link del azc1

check_eq "the device survived every bad request" "relay" \
	bash -c "ip netns exec $a azconnectctl show --json azc0 | jq -r .[0].mode"
t_done
