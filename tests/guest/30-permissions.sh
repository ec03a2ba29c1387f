#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Who may do what over generic netlink: dev-set needs CAP_NET_ADMIN over
# the device's network namespace (as making the device with rtnetlink
# does); every operation on links needs CAP_NET_ADMIN in the initial user
# namespace, as links make the kernel parse what a remote peer sends;
# joining the events group needs CAP_NET_ADMIN.
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

# Links: root of a user namespace may not, even on a device it made.
check_out "root of a user+net namespace cannot make a link (EPERM)" '^error EPERM' \
	as_nobody unshare --user --map-root-user --net bash -c \
	'ip link add azc9 type azconnect; azc-nltest link-new str:2=azc9 nest:4 u32:2=0 end'
check_out "nor list the links of its device (EPERM)" '^error EPERM' \
	as_nobody unshare --user --map-root-user --net bash -c \
	'ip link add azc9 type azconnect; azc-nltest --dump link-get str:2=azc9'
check_out "root of the machine gets past the permission check" '^error (EBADF|ENOTSOCK|EINVAL|EPROTOTYPE)' \
	ip netns exec "$a" azc-nltest link-new str:2=azc0 nest:4 u32:2=0 \
	hex:4=0000000000000001 hex:5=0000000000000002 end

# The events group: link-del-ntf carries addresses and counters.
join() {	# join: join the azconnect events group, print ok or the error
	python3 -c '
import socket, struct
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
s.bind((0, 0))
name = b"azconnect\0"
attr = struct.pack("HH", 4 + len(name), 2) + name
attr += b"\0" * (-len(attr) % 4)
msg = struct.pack("BBH", 3, 1, 0) + attr
s.send(struct.pack("IHHII", 16 + len(msg), 0x10, 5, 1, 0) + msg)
data = s.recv(65536)
off, grp = 20, None
while off < len(data):
    alen, atype = struct.unpack_from("HH", data, off)
    if atype == 7:
        inner = off + 4
        while inner < off + alen:
            ilen, _ = struct.unpack_from("HH", data, inner)
            j = inner + 4
            gid = gname = None
            while j < inner + ilen:
                l2, t2 = struct.unpack_from("HH", data, j)
                if t2 == 2:
                    gid = struct.unpack_from("I", data, j + 4)[0]
                if t2 == 1:
                    gname = data[j + 4:j + l2].rstrip(b"\0")
                j += (l2 + 3) & ~3
            if gname == b"events":
                grp = gid
            inner += (ilen + 3) & ~3
    off += (alen + 3) & ~3
try:
    s.setsockopt(270, 1, grp)
    print("joined")
except OSError as e:
    print("error", e.errno)
'
}
check_out "root joins the events group" '^joined$' ip netns exec "$a" bash -c "$(declare -f join); join"
check_out "an unprivileged user cannot join it (EPERM)" '^error 1$' \
	ip netns exec "$a" setpriv --reuid=65534 --regid=65534 --clear-groups \
	bash -c "$(declare -f join); join"
t_done
