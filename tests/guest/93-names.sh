#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 600
# The relay's name service (issue 10), with azconnect-relayd and two
# endpoints over an IPv4-only "internet":
# - the relay's RAs name it (RDNSS) and the zone (DNSSL);
# - each endpoint registers NAME.azconnect.internal AAAA and its PTR by
#   itself, with its overlay address only (ep1 also has a LAN address);
# - dig (BIND's) and kdig (Knot's) over UDP and TCP: AAAA, PTR, SOA, NS,
#   NXDOMAIN, REFUSED outside the zones, names in any case;
# - nsupdate and knsupdate from an endpoint: its own alias accepted,
#   another endpoint's name or an address not its own refused, and said
#   in the relay's log; a host on the internet does not reach the service;
# - the relay's kernel lets endpoints reach port 53 on the relay's overlay
#   address, and still no other service there;
# - names stay through a reconnect within the grace period, and go after it.
. "$(dirname "$0")/lib.sh"
# Configs hold tokens: private, or the daemons refuse them.
umask 077
# shellcheck source=../../scripts/lib-overlay.sh
. "$AZC_TREE/scripts/lib-overlay.sh"

for t in dig kdig nsupdate knsupdate; do
	command -v "$t" >/dev/null || { echo "# SKIP $t not installed"; exit 0; }
done

dir=$(mktemp -d)
inet=$(ns_new inet)
r=$(ns_new relay)
e1=$(ns_new ep1)
e2=$(ns_new ep2)
relayd=
cleanup93() {
	t_kill_sessions "$dir"
	[ -n "$relayd" ] && kill "$relayd" 2>/dev/null
	wait 2>/dev/null
	t_cleanup
	rm -rf "$dir"
}
trap cleanup93 EXIT

check "the tls module loads" modprobe -a tls azconnect
inet_new "$inet"
check "relay on the internet" inet_attach "$r" wan 198.51.100.1 p-relay
check "endpoint 1 on the internet" inet_attach "$e1" wan 198.51.100.11 p-ep1
check "endpoint 2 on the internet" inet_attach "$e2" wan 198.51.100.12 p-ep2
# ep1's LAN address, which must never reach the zone.
ip -n "$e1" link add lan type dummy
ip -n "$e1" addr add 2001:db8:1::11/64 dev lan nodad
ip -n "$e1" link set lan up

tok1=$(azconnect-relayd --gen-token)
tok2=$(azconnect-relayd --gen-token)
printf '%s\n' "$tok1" >"$dir/ep1.token"
printf '%s\n' "$tok2" >"$dir/ep2.token"
cat >"$dir/relayd.conf" <<EOF
names_grace = 8
[endpoint ep1]
token = "$tok1"
aliases = "www"
[endpoint ep2]
token = "$tok2"
aliases = "db, api"
EOF
ip netns exec "$r" azconnect-relayd --listen 198.51.100.1:443 \
	--config "$dir/relayd.conf" --state-dir "$dir/state" \
	--control "$dir/relayd.sock" >"$dir/relayd.log" 2>&1 &
relayd=$!
check "relay starts" wait_for 20 has_fingerprint "$dir/relayd.log"
check_out "the relay says where its name service is" \
	'name service for azconnect.internal on \[fd[0-9a-f:]+\]:53 \(UDP and TCP\)' \
	cat "$dir/relayd.log"
fp=$(relay_fingerprint "$dir/relayd.log")

up() {		# up NS NAME
	ip netns exec "$1" azconnectctl up --relay 198.51.100.1 --name "$2" \
		--token-file "$dir/$2.token" --fingerprint "$fp" \
		--run-dir "$dir/run-$2" 2>>"$dir/$2.err"
}
down() {	# down NS NAME
	ip netns exec "$1" azconnectctl down "$2" --run-dir "$dir/run-$2"
}
# registered_n NAME N: NAME's session has said N times that it registered
# (counted at each try of wait_for, not once before it).
registered_n() {
	[ "$(grep -c "registered $1.azconnect.internal" "$dir/$1.err")" -ge "$2" ]
}
check "endpoint 1 up" up "$e1" ep1
check "endpoint 2 up" up "$e2" ep2
check "endpoint 1 has its overlay address" wait_for 60 has_overlay "$e1"
check "endpoint 2 has its overlay address" wait_for 60 has_overlay "$e2"
a1=$(overlay_addr "$e1")
a2=$(overlay_addr "$e2")
ns=$(ip -n "$r" -6 -o addr show dev azc-relay scope global | awk '{ print $4 }' | cut -d/ -f1)
echo "# ep1 $a1, ep2 $a2, name service $ns"

# --- router advertisements: RDNSS and DNSSL ------------------------------

# A solicitation from ep2's link-local address; the options of the
# unicast answer, "type:value" a line each.
ip netns exec "$e2" python3 -c '
import socket, struct, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"azc0")
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
s.settimeout(5)
idx = socket.if_nametoindex("azc0")
s.sendto(struct.pack("!BBHI", 133, 0, 0, 0), ("ff02::2", 0, 0, idx))
while True:
    m = s.recv(2048)
    if m[0] == 134:
        break
o = 16
while o + 2 <= len(m):
    t, l = m[o], m[o + 1] * 8
    if t == 25:
        print("rdnss:%d:%s" % (struct.unpack("!I", m[o+4:o+8])[0],
              socket.inet_ntop(socket.AF_INET6, m[o+8:o+24])))
    elif t == 31:
        d, p = [], o + 8
        while m[p]:
            d.append(m[p+1:p+1+m[p]].decode()); p += 1 + m[p]
        print("dnssl:%d:%s" % (struct.unpack("!I", m[o+4:o+8])[0], ".".join(d)))
    o += l' >"$dir/ra" 2>&1
check_out "the RA names the name service (RDNSS, 1800 s)" "^rdnss:1800:$ns\$" cat "$dir/ra"
check_out "... and the zone (DNSSL)" '^dnssl:1800:azconnect\.internal$' cat "$dir/ra"

# --- registration by the endpoints ---------------------------------------

check "endpoint 1 registered its name" \
	wait_for 30 grep -q "name service: registered ep1.azconnect.internal AAAA $a1" "$dir/ep1.err"
check "endpoint 2 registered its name" \
	wait_for 30 grep -q "name service: registered ep2.azconnect.internal AAAA $a2" "$dir/ep2.err"
check_out "azconnectctl status shows it" \
	"^names=registered ep1.azconnect.internal AAAA $a1 \\(and PTR\\)\$" \
	ip netns exec "$e1" azconnectctl status ep1 --run-dir "$dir/run-ep1"
q() {		# q NS ARGS...: dig at the name service, short answers
	ip netns exec "$1" dig +time="$(t_secs 2)" +tries=2 @"$ns" "${@:2}"
}
check_eq "ep2 finds ep1 by name (dig, UDP)" "$a1" q "$e2" +short AAAA ep1.azconnect.internal
check_eq "... over TCP" "$a1" q "$e2" +tcp +short AAAA ep1.azconnect.internal
check_eq "... in any case" "$a1" q "$e2" +short AAAA EP1.AzConnect.Internal
check_eq "... with Knot's kdig too" "$a1" \
	ip netns exec "$e2" kdig +short @"$ns" AAAA ep1.azconnect.internal
check_eq "ep1 finds ep2's name from its address (PTR)" "ep2.azconnect.internal." \
	q "$e1" +short -x "$a2"
check_eq "only the overlay address is registered, never the LAN one" "$a1" \
	q "$e2" +short ANY ep1.azconnect.internal
check_out "SOA at the apex, authoritative" 'flags: qr aa.*ANSWER: 1' \
	q "$e2" SOA azconnect.internal
check_eq "NS at the apex" "relay.azconnect.internal." q "$e2" +short NS azconnect.internal
check_out "a name nobody has: NXDOMAIN" 'status: NXDOMAIN' q "$e2" AAAA nobody.azconnect.internal
check_out "a name outside the zones: REFUSED" 'status: REFUSED' q "$e2" A example.com
check "ep1 pings ep2 at the address the name service gave" \
	ip netns exec "$e1" ping -6 -c 2 -i 0.2 -W 5 "$(q "$e1" +short AAAA ep2.azconnect.internal)"

# --- updates by hand: the protocol, not a private one --------------------

upd() {		# upd NS TOOL LINE...: an update of azconnect.internal
	local n=$1 tool=$2
	shift 2
	{
		echo "server $ns 53"
		echo "zone azconnect.internal"
		printf '%s\n' "$@"
		echo send
		[ "$tool" = knsupdate ] && echo quit
	} | ip netns exec "$n" "$tool" 2>&1
}
check "ep2 adds its own alias with nsupdate" \
	upd "$e2" nsupdate "update add db.azconnect.internal 60 AAAA $a2"
check_eq "... and it resolves" "$a2" q "$e1" +short AAAA db.azconnect.internal
check "ep2 adds its other alias with knsupdate" \
	upd "$e2" knsupdate "update add api.azconnect.internal 60 AAAA $a2"
check_eq "... and it resolves" "$a2" q "$e1" +short AAAA api.azconnect.internal
check_out "ep2 cannot take ep1's name (nsupdate)" 'REFUSED' \
	upd "$e2" nsupdate "update add ep1.azconnect.internal 60 AAAA $a2"
check_out "... nor ep1's alias (knsupdate)" 'REFUSED' \
	upd "$e2" knsupdate "update add www.azconnect.internal 60 AAAA $a2"
check_out "ep2 cannot point its name at another address" 'REFUSED' \
	upd "$e2" nsupdate "update add ep2.azconnect.internal 60 AAAA 2001:db8:1::11"
check_out "ep2 cannot delete ep1's name" 'REFUSED' \
	upd "$e2" nsupdate "update delete ep1.azconnect.internal AAAA"
check_eq "ep1's name is still ep1's" "$a1" q "$e2" +short AAAA ep1.azconnect.internal
check_out "the relay said why it refused" \
	"UPDATE from $a2 \\(endpoint 'ep2'\\).*refused" cat "$dir/relayd.log"
check_fail "a host on the internet does not reach the name service" \
	ip netns exec "$e1" dig +time=1 +tries=1 @198.51.100.1 AAAA ep1.azconnect.internal
# Port 53 on another of the relay's addresses, its subnet-router anycast
# address PREFIX:: (RFC 4291 2.6.1): an echo service the relay's kernel
# keeps endpoints from, as every other service of the relay's own.
anycast=$(python3 -c 'import ipaddress, sys; print(ipaddress.ip_network(sys.argv[1] + "/64", strict=False).network_address)' "$ns")
# On every address but the name service's own, which is relayd's (the
# more specific binding wins); an anycast address is no source address,
# so the answer comes from another of the relay's.
ip netns exec "$r" python3 -c '
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", 53))
print("ready", flush=True)
while True:
    d, a = s.recvfrom(100); s.sendto(d, a)' >"$dir/udpsvc" 2>&1 &
udpsvc=$!
wait_for 20 grep -q '^ready$' "$dir/udpsvc"
udp() {		# udp NS ADDR: an answer from the echo service
	ip netns exec "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.settimeout(2)
s.sendto(b"ping", (sys.argv[1], 53)); print(s.recv(100).decode())' "$2"
}
check_out "the echo service answers on the relay itself" '^ping$' udp "$r" "$anycast"
check_fail "an endpoint does not reach port 53 on another of the relay's addresses" \
	udp "$e1" "$anycast"
kill "$udpsvc"

# --- a hostile endpoint --------------------------------------------------

# ep2 holds 40 TCP connections to the name service without a word (the
# service keeps 16, the oldest making room), then floods it with UDP
# queries for 5 s (beyond its budget of 100 a second they are dropped
# unread): ep1 still gets its answers, over TCP and UDP.
ip netns exec "$e2" python3 -c '
import socket, sys, time
held = []
for _ in range(40):
    held.append(socket.create_connection((sys.argv[1], 53), timeout=5))
print("held", flush=True)
time.sleep(60)' "$ns" >"$dir/hold" 2>&1 &
holder=$!
wait_for 30 grep -q '^held$' "$dir/hold"
check_eq "ep1 gets answers over TCP while ep2 holds 40 idle connections" "$a1" \
	q "$e1" +tcp +short AAAA ep1.azconnect.internal
kill "$holder" 2>/dev/null
ip netns exec "$e2" python3 -c '
import socket, struct, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
q = struct.pack("!HHHHHH", 0, 0x100, 1, 0, 0, 0) + \
    b"\x03ep1\x09azconnect\x08internal\x00\x00\x1c\x00\x01"
start = time.time()
n = 0
while time.time() < start + 5:
    try:
        s.sendto(q, (sys.argv[1], 53)); n += 1
    except OSError:
        pass
print(n, round(time.time() - start, 1))' "$ns" >"$dir/flood" 2>&1 &
flooder=$!
sleep 1
check_eq "... and over UDP while ep2 floods it with queries" "$a1" \
	q "$e1" +short AAAA ep1.azconnect.internal
wait "$flooder"
read -r sent secs <"$dir/flood"
echo "# ep2 sent $sent queries in $secs s"
check "the relay still runs" kill -0 "$relayd"
# A slow kernel (a debug one) may not let ep2 send more than its budget.
if [ "$sent" -gt $((200 + 100 * ${secs%.*} + 100)) ]; then
	check_out "... and said that ep2 went over its budget" \
		"name service: endpoint 'ep2' .* sends more than 100 messages a second" \
		cat "$dir/relayd.log"
else
	echo "# ep2 stayed within its budget (200 + 100 a second): not checked"
fi
sleep 2
check_eq "ep2 gets answers again once it calms down" "$a1" \
	q "$e2" +short AAAA ep1.azconnect.internal

# --- reconnects and withdrawal -------------------------------------------

check "endpoint 1 down" down "$e1" ep1
check_eq "within the grace period its name stays" "$a1" \
	q "$e2" +short AAAA ep1.azconnect.internal
check "endpoint 1 up again" up "$e1" ep1
check "... and registered again" \
	wait_for 30 registered_n ep1 2
check "endpoint 2 down" down "$e2" ep2
sleep 10
check_out "after the grace period ep2's name is gone" 'status: NXDOMAIN' \
	q "$e1" AAAA ep2.azconnect.internal
check_out "... its aliases too" 'status: NXDOMAIN' q "$e1" AAAA db.azconnect.internal
check_out "... and its PTR" 'status: NXDOMAIN' q "$e1" -x "$a2"
check_eq "ep1's name lives on (it reconnected in time)" "$a1" \
	q "$e1" +short AAAA ep1.azconnect.internal
check_out "the relay said it withdrew them" 'records of endpoints gone for 8 s withdrawn' \
	cat "$dir/relayd.log"
check "endpoint 1 down" down "$e1" ep1

kill -TERM "$relayd"
wait "$relayd"
check "relay exits cleanly" test $? -eq 0
relayd=
echo "# ---- relayd.log (name service)"
grep 'name service' "$dir/relayd.log" | tail -n 20 | sed 's/^/#   /'
t_done
