#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 900
# The relay on the internet (issue 9), with azconnect-relayd and two
# endpoints over an IPv4-only "internet", and a LAN behind the relay:
# - forwarding policy: an endpoint cannot route through the relay into
#   the relay host's other networks, nor reach its services, except
#   ICMPv6 to the relay's own addresses; both refusals are counted; the
#   relay host's LAN keeps taking router advertisements (accept_ra 2);
# - router solicitations from :: do not make a multicast RA each;
# - the operator lists and disconnects sessions (root only); a token
#   changed or an endpoint removed with SIGHUP ends its link at once;
# - an endpoint killed with -9 whose old connection never closes (no FIN
#   reaches the relay) is back and pinging within 10 s (replaced);
# - the relay device deleted, then the module unloaded, under a running
#   relay and endpoints: each says why, and all recover by themselves;
#   a session whose TLS handshake ends while the device is gone ends
#   once negotiated, saying why, and the endpoint comes back.
. "$(dirname "$0")/lib.sh"
# Configs hold tokens: private, or the daemons refuse them.
umask 077

dir=$(mktemp -d)
inet=$(ns_new inet)
r=$(ns_new relay)
lan=$(ns_new lan)
e1=$(ns_new ep1)
e2=$(ns_new ep2)
relayd=
cleanup92() {
	t_kill_sessions "$dir"
	[ -n "$relayd" ] && kill "$relayd" 2>/dev/null
	# The next tests need the module.
	modprobe azconnect
	t_cleanup
	rm -rf "$dir"
}
trap cleanup92 EXIT

check "the tls module loads" modprobe tls
modprobe azconnect

ip netns exec "$inet" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1
ip -n "$inet" link add br0 type bridge
ip -n "$inet" link set br0 up
attach() {	# attach NS NAME ADDR PORT: IPv4 only, on the internet
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$inet"
	ip -n "$inet" link set "$4" master br0 up
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
	ip -n "$1" addr add "$3/24" dev "$2"
	ip -n "$1" link set "$2" up
}
attach "$r" wan 198.51.100.1 p-relay
attach "$e1" wan 198.51.100.11 p-ep1
attach "$e2" wan 198.51.100.12 p-ep2

# The relay host's LAN: 2001:db8:99::/64, a host at ::2 that routes back
# through the relay (so only the relay's policy stands in the way).
ip link add lan netns "$r" type veth peer name lan netns "$lan"
ip netns exec "$r" sysctl -qw net.ipv6.conf.lan.accept_ra=1
ip -n "$r" addr add 2001:db8:99::1/64 dev lan nodad
ip -n "$lan" addr add 2001:db8:99::2/64 dev lan nodad
ip -n "$r" link set lan up
ip -n "$lan" link set lan up
ip -n "$lan" -6 route add default via 2001:db8:99::1

tok1=$(azconnect-relayd --gen-token)
tok2=$(azconnect-relayd --gen-token)
printf '%s\n' "$tok1" >"$dir/ep1.token"
printf '%s\n' "$tok2" >"$dir/ep2.token"
conf() {	# conf TOKEN2: the relay's config, ep2's token given
	cat >"$dir/relayd.conf" <<EOF
[endpoint ep1]
token = "$tok1"
[endpoint ep2]
token = "$1"
EOF
}
conf "$tok2"
ctl=$dir/relayd.sock
ip netns exec "$r" azconnect-relayd --listen 198.51.100.1:443 \
	--config "$dir/relayd.conf" --state-dir "$dir/state" \
	--control "$ctl" >"$dir/relayd.log" 2>&1 &
relayd=$!
check "relay starts" wait_for "$dir/relayd.log" 'listening on' 20
fp=$(sed -n 's/.*fingerprint \(SHA256:[0-9A-F:]*\).*/\1/p' "$dir/relayd.log")

# The endpoints play hostile ones that send clear text to whomever they
# like (--esp off): what is tested here is that the relay drops what it
# may not forward, whatever the endpoint does. (An endpoint with ESP
# required sends what is outside the overlay to the relay in clear text
# too: 99-esp-keying.)
up() {		# up NS NAME
	ip netns exec "$1" azconnectctl up --relay 198.51.100.1 --name "$2" \
		--token-file "$dir/$2.token" --fingerprint "$fp" --esp off \
		--run-dir "$dir/run-$2" 2>>"$dir/$2.err"
}
overlay() {
	ip -n "$1" -6 -j addr show dev azc0 scope global 2>/dev/null |
		jq -r '.[0].addr_info[]? | select(.family == "inet6") | .local' |
		head -n 1
}
has_overlay() { [ -n "$(overlay "$1")" ]; }
# show_logs: what the relay and the endpoints said last, and their links.
show_logs() {
	local f
	for f in relayd.log ep1.err ep2.err; do
		echo "# ---- $f"
		tail -n 25 "$dir/$f" | sed 's/^/#   /'
	done
	echo "# ---- relay sessions"
	ip netns exec "$r" azconnectctl relay sessions --control "$ctl" 2>&1 | sed 's/^/#   /'
	echo "# ---- endpoints' azc0"
	ip -n "$e1" -6 addr show dev azc0 2>&1 | sed 's/^/#   /'
	ip -n "$e2" -6 addr show dev azc0 2>&1 | sed 's/^/#   /'
}
pings() { ip netns exec "$1" ping -6 -c 1 -W 1 "$2"; }
check "endpoint 1 up" up "$e1" ep1
check "endpoint 2 up" up "$e2" ep2
check "endpoint 1 has its overlay address" wait_for 60 has_overlay "$e1"
check "endpoint 2 has its overlay address" wait_for 60 has_overlay "$e2"
[ "$T_FAILED" = 0 ] || { sed 's/^/#   /' "$dir/relayd.log" | tail -n 30; t_done; }
a1=$(overlay "$e1")
a2=$(overlay "$e2")
raddr=$(ip -n "$r" -6 -o addr show dev azc-relay scope global | awk '{ print $4 }' | cut -d/ -f1)
check "endpoint 1 -> endpoint 2" ip netns exec "$e1" ping -6 -c 2 -i 0.2 -W 5 "$a2"

# --- forwarding policy -------------------------------------------------

check_eq "the relay's LAN keeps taking router advertisements (accept_ra 2)" 2 \
	ip netns exec "$r" sysctl -n net.ipv6.conf.lan.accept_ra
check_eq "IPv6 forwarding is on" 1 \
	ip netns exec "$r" sysctl -n net.ipv6.conf.all.forwarding
check "the LAN host reaches the relay" \
	ip netns exec "$lan" ping -6 -c 1 -W 2 2001:db8:99::1
# A service on the relay bound to its LAN address, one on every address.
ip netns exec "$r" python3 -c '
import socket, threading
def serve(addr):
    s = socket.socket(socket.AF_INET6); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, 8080)); s.listen(4)
    while True:
        c, _ = s.accept(); c.sendall(b"hello\n"); c.close()
threading.Thread(target=serve, args=("2001:db8:99::1",), daemon=True).start()
s = socket.socket(socket.AF_INET6); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", 8081)); s.listen(4)
while True:
    c, _ = s.accept(); c.sendall(b"hello\n"); c.close()' &
svc=$!
tcp() {		# tcp NS ADDR PORT: a line from the service
	ip netns exec "$1" python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)
print(s.recv(16).decode().strip())' "$2" "$3"
}
ready() { tcp "$r" 2001:db8:99::1 8080 | grep -q hello &&
	tcp "$r" "$raddr" 8081 | grep -q hello; }
check "the services answer on the relay itself" wait_until 20 ready
# An endpoint that routes the LAN through the relay.
ip -n "$e1" -6 route add 2001:db8:99::/64 dev azc0
check_fail "endpoint -> a host on the relay's LAN: dropped" \
	ip netns exec "$e1" ping -6 -c 2 -i 0.2 -W 2 2001:db8:99::2
check_fail "endpoint -> the relay's LAN address: dropped" \
	ip netns exec "$e1" ping -6 -c 2 -i 0.2 -W 2 2001:db8:99::1
check_fail "endpoint -> a service on the relay's LAN address: refused" \
	tcp "$e1" 2001:db8:99::1 8080
check_fail "endpoint -> a service on the relay's overlay address: refused" \
	tcp "$e1" "$raddr" 8081
# With forwarding on, the relay's kernel also answers the subnet-router
# anycast address PREFIX:: (RFC 4291 2.6.1), where UDP services listen.
anycast=$(python3 -c 'import ipaddress, sys; print(ipaddress.ip_network(sys.argv[1] + "/64", strict=False).network_address)' "$a1")
ip netns exec "$r" python3 -c '
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("::", 5300))
print("ready", flush=True)
while True:
    d, a = s.recvfrom(100); s.sendto(d, a)' >"$dir/udpsvc" &
udpsvc=$!
wait_for "$dir/udpsvc" '^ready$' 20
udp() {		# udp NS ADDR: an answer from the echo service
	ip netns exec "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.settimeout(2)
s.sendto(b"ping", (sys.argv[1], 5300)); print(s.recv(100).decode())' "$2"
}
check_out "the UDP service answers on the relay itself" '^ping$' \
	udp "$r" "$raddr"
check_fail "endpoint -> a UDP service on the relay's anycast address $anycast: refused" \
	udp "$e1" "$anycast"
kill "$udpsvc"
check "endpoint -> ping the relay's overlay address: allowed (ICMPv6)" \
	ip netns exec "$e1" ping -6 -c 2 -i 0.2 -W 5 "$raddr"
kill "$svc"
check_out "the relay counted both kinds (rx_outside, rx_local_refused)" \
	'rx_outside [1-9].*rx_local_refused [1-9]' \
	ip netns exec "$r" azconnectctl show azc-relay

# --- router solicitations from :: ----------------------------------------

# Endpoint 1 sends 40 RSs from :: in 4 s; endpoint 2 counts the RAs for
# all nodes that reach it meanwhile: at most one per 3 s (RFC 4861 10).
ip netns exec "$e2" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"azc0")
s.settimeout(0.2)
n, end = 0, time.time() + 5
while time.time() < end:
    try:
        if s.recv(2048)[0] == 134:
            n += 1
    except socket.timeout:
        pass
print(n)' >"$dir/ras" &
counter=$!
sleep 0.5
ip netns exec "$e1" python3 -c '
import socket, struct, time
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
src, dst = bytes(16), socket.inet_pton(socket.AF_INET6, "ff02::2")
icmp = bytearray(struct.pack("!BBHI", 133, 0, 0, 0))
icmp[2:4] = struct.pack("!H", csum(src + dst + struct.pack("!I", 8) + b"\0\0\0\x3a" + icmp))
pkt = struct.pack("!IHBB", 6 << 28, 8, 58, 255) + src + dst + icmp
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x86dd))
for _ in range(40):
    s.sendto(pkt, ("azc0", 0x86dd))
    time.sleep(0.1)'
wait "$counter"
echo "# RAs for all nodes during 40 solicitations from :: in 4 s: $(cat "$dir/ras")"
check "solicitations from :: are answered at most every 3 s" \
	test "$(cat "$dir/ras")" -le 3

# --- the operator --------------------------------------------------------

check_out "relay sessions lists both endpoints' links" \
	'name=ep1 state=linked.*' ip netns exec "$r" azconnectctl relay sessions --control "$ctl"
check_out "... ep2 too" 'name=ep2 state=linked' \
	ip netns exec "$r" azconnectctl relay sessions --control "$ctl"
check_fail "relay sessions: refused to an unprivileged user" \
	ip netns exec "$r" setpriv --reuid=65534 --regid=65534 --clear-groups \
	azconnectctl relay sessions --control "$ctl"
check_out "relay disconnect ep2" '^disconnected 1$' \
	ip netns exec "$r" azconnectctl relay disconnect ep2 --control "$ctl"
check "the relay took ep2's link down (userspace)" \
	wait_for "$dir/relayd.log" "link [0-9]+ of endpoint 'ep2' down: userspace" 10
st() { ip netns exec "$1" azconnectctl status "$2" --run-dir "$dir/run-$2"; }
link_up() { st "$1" "$2" | grep -q '^link_state=up$'; }
check "ep2 reconnects by itself" wait_for 30 link_up "$e2" ep2

# --- revocation ------------------------------------------------------------

conf "$(azconnect-relayd --gen-token)"
kill -HUP "$relayd"
check "SIGHUP with ep2's token changed: revoked at once" \
	wait_for "$dir/relayd.log" "link [0-9]+ of endpoint 'ep2' down: revoked" 10
check_fail "... and it cannot come back" wait_for 5 link_up "$e2" ep2
check "ep1 is untouched" pings "$e1" "$raddr"
conf "$tok2"
kill -HUP "$relayd"
check "the old token again: ep2 is back" wait_for 90 link_up "$e2" ep2

# --- kill -9, no FIN: replaced ------------------------------------------------

pid1=$(sed -n 's/^pid=//p' "$dir/run-ep1/ep1.state")
port1=$(ip netns exec "$e1" ss -Htn state established '( dport = :443 )' |
	awk '{ print $3 }' | sed 's/.*://' | head -n 1)
echo "# ep1's connection leaves from port $port1"
ip netns exec "$e1" nft -f - <<EOF
table inet nofin {
	chain out {
		type filter hook output priority 0; policy accept;
		tcp sport $port1 drop
	}
}
EOF
kill -9 "$pid1"
sleep 1
check_out "ep1's old link still lives on the relay" 'name=ep1 state=linked' \
	ip netns exec "$r" azconnectctl relay sessions --control "$ctl"
t0=$SECONDS
back() { up "$e1" ep1 && wait_until 10 pings "$e1" "$a2"; }
check "ep1 started again: connected and pinging" back
took=$((SECONDS - t0))
echo "# back in $took s"
check "... within 10 s" test "$took" -le "$(t_secs 10)"
check "the relay replaced the old link" \
	wait_for "$dir/relayd.log" "link [0-9]+ of endpoint 'ep1' down: replaced" 10
ip netns exec "$e1" nft delete table inet nofin

# --- the data path goes under the relay ----------------------------------------

both_ping() { pings "$e1" "$a2" && pings "$e2" "$a1"; }
ip -n "$r" link del azc-relay
check "device deleted: the relay says so" \
	wait_for "$dir/relayd.log" 'device azc-relay is gone \(it was deleted\)' 10
check "... makes it again" \
	wait_for "$dir/relayd.log" 'kernel data path back on azc-relay' 10
if ! check "... and the endpoints are back" wait_for 60 both_ping; then
	show_logs
fi

# A session whose TLS handshake ends while the device is gone: ep2's
# ClientHello is held (nftables drops its TLS records to the relay) while
# the relay disconnects it, so ep2 reconnects and the relay accepts the
# TCP connection. Then the device goes, and a dummy device takes its name
# so that the relay cannot make it again. With the ClientHello let
# through, that session is negotiated with no kernel data path: it must
# end, saying why, and not stay connected carrying nothing.
nlog() { tr -d '\000' <"$dir/relayd.log" | grep -Ec -- "$1"; }
re_acc='198\.51\.100\.12:[0-9]+\] accepted'
re_tls='198\.51\.100\.12:[0-9]+\] TLS handshake done'
re_gone='device azc-relay is gone \(it was deleted\)'
re_back='kernel data path back on azc-relay'
re_stuck='device azc-relay: '
n_acc=$(nlog "$re_acc")
n_tls=$(nlog "$re_tls")
n_gone=$(nlog "$re_gone")
n_back=$(nlog "$re_back")
n_stuck=$(nlog "$re_stuck")
ip netns exec "$e2" nft -f - <<EOF
table ip hold {
	chain out {
		type filter hook output priority 0; policy accept;
		ip daddr 198.51.100.1 tcp dport 443 ip length > 100 drop
	}
}
EOF
ip netns exec "$r" azconnectctl relay disconnect ep2 --control "$ctl" >/dev/null
check "ep2, its ClientHello held, reconnects: the relay accepts the connection" \
	wait_for "$dir/relayd.log" "$re_acc" 20 $((n_acc + 1))
ip -n "$r" link del azc-relay
ip -n "$r" link add azc-relay type dummy
check "the device goes before ep2's TLS handshake ends" \
	wait_for "$dir/relayd.log" "$re_gone" 10 $((n_gone + 1))
check "... and a dummy device in its place: the relay cannot make it again" \
	wait_for "$dir/relayd.log" "$re_stuck" 10 $((n_stuck + 1))
ip netns exec "$e2" nft delete table ip hold
check "ep2's TLS handshake ends while the device is gone" \
	wait_for "$dir/relayd.log" "$re_tls" 20 $((n_tls + 1))
check "... and that session ends, saying why" \
	wait_for "$dir/relayd.log" "the relay's device is gone .*no kernel data path until it is back" 30
ip -n "$r" link del azc-relay
check "the dummy deleted, the relay makes its device again" \
	wait_for "$dir/relayd.log" "$re_back" 10 $((n_back + 1))
if ! check "... and the endpoints are back" wait_for 60 both_ping; then
	show_logs
fi

modprobe -r azconnect
check "module unloaded: the relay says so" \
	wait_for "$dir/relayd.log" 'device azc-relay is gone \(the azconnect module was unloaded\)' 10
check "... and so does the endpoint" \
	wait_for "$dir/ep1.err" 'device azc0 is gone and the azconnect module is not loaded' 30
modprobe azconnect
check "module back: the relay makes its device again" \
	wait_for "$dir/relayd.log" 'kernel data path back on azc-relay' 10
check "... the endpoint its own" \
	wait_for "$dir/ep1.err" 'device azc0 made again' 60
if ! check "... and the endpoints ping again" wait_for 90 both_ping; then
	show_logs
fi
check_fail "no 'the kernel did not take its connection' loop" \
	grep -q 'the kernel did not take its connection' "$dir/relayd.log"

kill -TERM "$relayd"
wait "$relayd"
check "relay exits cleanly" test $? -eq 0
relayd=
t_done
