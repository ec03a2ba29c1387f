#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 900
# Split DNS on the endpoints (issue 10), with azconnect-relayd, two
# endpoints and a "corporate" DNS server (dnsmasq) on the internet side:
# - ep1 has no systemd-resolved: azconnectctl's forwarder takes
#   /etc/resolv.conf; ep2 runs systemd-resolved (extracted into the build
#   tree, never installed) on a D-Bus system bus of its own;
# - each finds the other by name with getent (glibc, as every program
#   does), pings it by name and finds its name from its address, and
#   still finds corporate names through the corporate server;
# - the corporate server never sees an overlay name, and the name service
#   never sees another name (dnsmasq's query log; a capture on the relay);
# - "azconnectctl dns status" says what is in force;
# - down puts resolv.conf back byte for byte and reverts resolved's link;
#   so do "down" and the next "up" after a session was killed; resolved's
#   settings come back when resolved restarts.
. "$(dirname "$0")/lib.sh"
umask 077
# shellcheck source=../../scripts/lib-overlay.sh
. "$AZC_TREE/scripts/lib-overlay.sh"

root=$AZC_TREE/build/root
for t in dig dnsmasq dbus-daemon tcpdump getent; do
	command -v "$t" >/dev/null || { echo "# SKIP $t not installed"; exit 0; }
done
[ -x "$root/lib/systemd/systemd-resolved" ] ||
	{ echo "not ok - systemd-resolved is not in build/root (scripts/extract-debs)"; exit 1; }

dir=$(mktemp -d)
chmod 755 "$dir"
inet=$(ns_new inet)
r=$(ns_new relay)
e1=$(ns_new ep1)
e2=$(ns_new ep2)
corp=$(ns_new corp)
relayd= dnsm= cap= resd= busd=
cleanup96() {
	t_kill_sessions "$dir"
	for p in $relayd $dnsm $cap $resd $busd; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	t_cleanup
	rm -rf "$dir"
}
trap cleanup96 EXIT

check "the tls module loads" modprobe -a tls azconnect
inet_new "$inet"
check "relay on the internet" inet_attach "$r" wan 198.51.100.1 p-relay
check "endpoint 1 on the internet" inet_attach "$e1" wan 198.51.100.11 p-ep1
check "endpoint 2 on the internet" inet_attach "$e2" wan 198.51.100.12 p-ep2
check "the corporate DNS server on it" inet_attach "$corp" wan 198.51.100.53 p-corp

# --- the corporate DNS: dnsmasq, logging every query ---------------------
ip netns exec "$corp" dnsmasq --keep-in-foreground --user=root \
	--no-resolv --no-hosts --listen-address=198.51.100.53 \
	--bind-interfaces --local=/corp.example/ \
	--host-record=intranet.corp.example,198.51.100.80 \
	--log-queries --log-facility="$dir/corp.log" \
	--pid-file="$dir/dnsmasq.pid" 2>"$dir/dnsmasq.err" &
dnsm=$!
check "dnsmasq answers for corp.example" wait_for 20 \
	sh -c "ip netns exec $e1 dig +short +time=1 @198.51.100.53 intranet.corp.example | grep -qx 198.51.100.80"

# --- each endpoint's DNS as it was before --------------------------------
# ep1: a plain resolv.conf; ep2: systemd-resolved, whose stub it names.
printf 'search corp.example\nnameserver 198.51.100.53\noptions edns0 timeout:2\n# kept as it is\n' \
	>"/etc/netns/$e1/resolv.conf"
cp "/etc/netns/$e1/resolv.conf" "$dir/ep1.resolv.conf.orig"
echo "nameserver 127.0.0.53" >"/etc/netns/$e2/resolv.conf"
chmod 644 "/etc/netns/$e1/resolv.conf" "/etc/netns/$e2/resolv.conf"
cp "/etc/netns/$e2/resolv.conf" "$dir/ep2.resolv.conf.orig"

# A D-Bus system bus and systemd-resolved for ep2 alone: resolved runs in
# ep2's namespace, with a /run/systemd of its own that holds its
# configuration (the corporate server), as an unprivileged user.
cat >"$dir/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$dir/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="org.freedesktop.resolve1"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$dir/system_bus_socket
dbus-daemon --config-file="$dir/bus.conf" --nofork --nopidfile 2>"$dir/bus.err" &
busd=$!
wait_for 10 test -S "$dir/system_bus_socket"
start_resolved() {
	mkdir -p /run/systemd
	ip netns exec "$e2" unshare -m sh -c 'umask 022 &&
		mount -t tmpfs -o mode=755 tmpfs /run/systemd &&
		mkdir -p /run/systemd/resolve /run/systemd/resolved.conf.d &&
		chown 65534:65534 /run/systemd/resolve &&
		printf "[Resolve]\nDNS=198.51.100.53\nLLMNR=no\nMulticastDNS=no\n" \
			>/run/systemd/resolved.conf.d/corp.conf &&
		exec setpriv --reuid=65534 --regid=65534 --clear-groups \
			--inh-caps=+net_bind_service,+setpcap \
			--ambient-caps=+net_bind_service,+setpcap "$0"' \
		"$root/lib/systemd/systemd-resolved" >>"$dir/resolved.log" 2>&1 &
	resd=$!
	wait_for 20 sh -c "ip netns exec $e2 dig +short +time=1 @127.0.0.53 intranet.corp.example | grep -qx 198.51.100.80" ||
		{ grep -v 'resolv.conf: Permission' "$dir/resolved.log" | tail -n 20; return 1; }
}
check "systemd-resolved runs for ep2, the corporate server behind it" start_resolved
resolvectl() { ip netns exec "$e2" "$root/usr/bin/resolvectl" "$@"; }

# --- the relay, a capture of its name service's traffic ------------------
relay_start "$r" ep1 ep2
check "relay starts" wait_for 20 has_fingerprint "$dir/relayd.log"
fp=$(relay_fingerprint "$dir/relayd.log")
check "the relay's device is there" wait_for 20 ip -n "$r" link show azc-relay
ip netns exec "$r" tcpdump -i azc-relay -n -s 0 -U -w "$dir/relay.pcap" \
	port 53 2>"$dir/tcpdump.err" &
cap=$!
wait_for 10 grep -q listening "$dir/tcpdump.err"

dstat() {	# dstat NS NAME: azconnectctl dns status
	ip netns exec "$1" azconnectctl dns status "$2" --run-dir "$dir/run-$2"
}
pid_of() { sed -n 's/^pid=//p' "$dir/run-$1/$1.state"; }
# out_when SECS RE CMD...: CMD's output once it matches RE, or the last.
out_when() {
	local secs=$1 re=$2 i out
	shift 2
	for ((i = 0; i < secs * 5 * AZC_SLOW; i++)); do
		out=$("$@" 2>&1)
		grep -Eq -- "$re" <<<"$out" && break
		sleep 0.2
	done
	printf '%s\n' "$out"
}

# ep1's run directory as a service manager's umask (022) makes it, for
# the unprivileged reader below.
check "endpoint 1 up" eval '(umask 022; ep_up "$e1" ep1)'
check "endpoint 2 up" ep_up "$e2" ep2
check "endpoint 1 has its overlay address" wait_for 60 has_overlay "$e1"
check "endpoint 2 has its overlay address" wait_for 60 has_overlay "$e2"
a1=$(overlay_addr "$e1")
a2=$(overlay_addr "$e2")
ns=$(ip -n "$r" -6 -o addr show dev azc-relay scope global | awk '{ print $4 }' | cut -d/ -f1)
echo "# ep1 $a1, ep2 $a2, name service $ns"
check "both registered" wait_for 30 sh -c \
	"grep -q 'registered ep1.azconnect' $dir/ep1.err && grep -q 'registered ep2.azconnect' $dir/ep2.err"

# --- ep1: the forwarder in resolv.conf -----------------------------------
check_out "ep1 chose the forwarder" 'split DNS through a forwarder on 127.0.0.153' \
	cat "$dir/ep1.err"
rc1=/etc/netns/$e1/resolv.conf
check_out "ep1's resolv.conf names the forwarder only" '^nameserver 127\.0\.0\.153$' cat "$rc1"
check_fail "... not the corporate server any more" grep -q '^nameserver 198' "$rc1"
check_out "... and keeps its search and options lines" \
	'^search corp\.example$' cat "$rc1"
check_out "... options too" '^options edns0 timeout:2$' cat "$rc1"
check_out "dns status says so" 'split DNS resolv.conf' dstat "$e1" ep1
check_out "... with the name service" "name service: +$ns\$" dstat "$e1" ep1
check_out "... the domains" 'domains: +azconnect\.internal [0-9a-f.]+\.ip6\.arpa$' dstat "$e1" ep1
check_out "... the corporate server for the rest" 'other names: +198\.51\.100\.53$' dstat "$e1" ep1
check_out "... and that it is in force" 'in force: +yes' dstat "$e1" ep1
check_out "an unprivileged user may read it" 'split DNS resolv.conf' \
	ip netns exec "$e1" setpriv --reuid=65534 --regid=65534 --clear-groups \
	azconnectctl dns status ep1 --run-dir "$dir/run-ep1"

check_out "ep1 finds ep2 by name (getent ahosts)" "^$a2 " \
	out_when 20 "^$a2 " ip netns exec "$e1" getent ahosts ep2.azconnect.internal
check "ep1 pings ep2 by name" \
	ip netns exec "$e1" ping -6 -c 2 -i 0.2 -W 5 ep2.azconnect.internal
check_out "ep1 finds ep2's name from its address (PTR)" "ep2\\.azconnect\\.internal" \
	ip netns exec "$e1" getent hosts "$a2"
check_out "ep1 still finds corporate names" '^198\.51\.100\.80 ' \
	ip netns exec "$e1" getent ahosts intranet.corp.example
check_out "... short ones through its search list too" '^198\.51\.100\.80 ' \
	ip netns exec "$e1" getent ahosts intranet
check_eq "the forwarder over TCP, to the name service" "$a2" \
	ip netns exec "$e1" dig +tcp +short +time=3 @127.0.0.153 AAAA ep2.azconnect.internal
check_eq "... and to the corporate server" "198.51.100.80" \
	ip netns exec "$e1" dig +tcp +short +time=3 @127.0.0.153 intranet.corp.example
check_out "a name nowhere: NXDOMAIN from the corporate server" 'status: NXDOMAIN' \
	ip netns exec "$e1" dig +time=3 @127.0.0.153 nothing.corp.example
check_fail "the forwarder is not reachable from the network" \
	ip netns exec "$e2" dig +time=1 +tries=1 @198.51.100.11 intranet.corp.example

# --- ep2: systemd-resolved -------------------------------------------------
check_out "ep2 chose systemd-resolved" 'split DNS through systemd-resolved' \
	cat "$dir/ep2.err"
check_out "dns status says so" 'split DNS resolved' dstat "$e2" ep2
check_out "... and resolved has the name service on azc0, routing-only domains, no default route" \
	"resolved has: azc0: DNS $ns, domains ~azconnect\\.internal ~[0-9a-f.]+\\.ip6\\.arpa, default route no" \
	dstat "$e2" ep2
check_out "resolvectl agrees" "DNS Domain: ~azconnect\\.internal" resolvectl status azc0
check_eq "ep2's resolv.conf untouched" "" diff "$dir/ep2.resolv.conf.orig" "/etc/netns/$e2/resolv.conf"
check_out "ep2 finds ep1 by name (getent ahosts, through resolved)" "^$a1 " \
	out_when 20 "^$a1 " ip netns exec "$e2" getent ahosts ep1.azconnect.internal
check "ep2 pings ep1 by name" \
	ip netns exec "$e2" ping -6 -c 2 -i 0.2 -W 5 ep1.azconnect.internal
check_out "ep2 finds ep1's name from its address (PTR)" "ep1\\.azconnect\\.internal" \
	ip netns exec "$e2" getent hosts "$a1"
check_out "ep2 still finds corporate names" '^198\.51\.100\.80 ' \
	ip netns exec "$e2" getent ahosts intranet.corp.example

# --- nobody sees the other side's names ----------------------------------
sleep 1
check_out "the corporate server saw ep1's queries" \
	'query\[A+\] intranet\.corp\.example from 198\.51\.100\.11' cat "$dir/corp.log"
check_out "... and ep2's" \
	'query\[A+\] intranet\.corp\.example from 198\.51\.100\.12' cat "$dir/corp.log"
check_fail "... but never an overlay name" grep -Eq 'azconnect\.internal|ip6\.arpa' "$dir/corp.log"
tcpdump -r "$dir/relay.pcap" -n 2>/dev/null >"$dir/relay.txt"
check_out "the name service saw the overlay queries" 'AAAA\? ep2\.azconnect\.internal' cat "$dir/relay.txt"
check_fail "... but never a corporate one" grep -q 'corp\.example' "$dir/relay.txt"

# --- resolved restarts: the link's settings come back --------------------
kill "$resd"
wait "$resd" 2>/dev/null
check "resolved restarted" start_resolved
check_out "azconnectctl applied the link's settings again" \
	'systemd-resolved \(re\)started: the link.s settings applied again' \
	out_when 20 'systemd-resolved \(re\)started: the link.s settings applied again' cat "$dir/ep2.err"
check_out "ep2 finds ep1 by name again" "^$a1 " \
	out_when 20 "^$a1 " ip netns exec "$e2" getent ahosts ep1.azconnect.internal

# --- down: everything as it was -------------------------------------------
check "ep2 down" ep_down "$e2" ep2
check_out "resolved's link settings reverted" '^Link [0-9]+ \(azc0\): *$' resolvectl dns azc0
check "ep1 down" ep_down "$e1" ep1
check "ep1's resolv.conf is the original, byte for byte" cmp "$dir/ep1.resolv.conf.orig" "$rc1"
check_out "... and corporate names still resolve" '^198\.51\.100\.80 ' \
	ip netns exec "$e1" getent ahosts intranet.corp.example

# --- a killed session: down, or the next up, puts it back ----------------
check "ep1 up again" ep_up "$e1" ep1
check "... its forwarder in resolv.conf" wait_for 20 grep -q '^nameserver 127.0.0.153$' "$rc1"
kill -KILL "$(pid_of ep1)"
sleep 1
check_out "killed, it left resolv.conf to the dead forwarder" '^nameserver 127\.0\.0\.153$' cat "$rc1"
check_out "down after the kill" 'no session' ep_down "$e1" ep1
check "... put the original back" cmp "$dir/ep1.resolv.conf.orig" "$rc1"
check "ep1 up again" ep_up "$e1" ep1
check "... its forwarder in resolv.conf" wait_for 20 grep -q '^nameserver 127.0.0.153$' "$rc1"
kill -KILL "$(pid_of ep1)"
sleep 1
: >"$dir/ep1.err"
check "up after the kill (a service manager's restart)" ep_up "$e1" ep1
check_out "... found and undid what the dead session left" \
	"put back as it was before endpoint ep1's session" cat "$dir/ep1.err"
check_out "... and works" "^$a2 " \
	out_when 60 "^$a2 " ip netns exec "$e1" getent ahosts ep2.azconnect.internal
check "down" ep_down "$e1" ep1
check "the original, byte for byte" cmp "$dir/ep1.resolv.conf.orig" "$rc1"

# --- off ----------------------------------------------------------------
check "ep1 up with --dns off" ep_up "$e1" ep1 --dns off
check_out "dns status says off" 'split DNS off' dstat "$e1" ep1
check "resolv.conf untouched" cmp "$dir/ep1.resolv.conf.orig" "$rc1"
check "down" ep_down "$e1" ep1
check_fail "a bad --dns is refused" ep_up "$e1" ep1 --dns bogus
check_out "... and said" "not auto, resolved, resolv.conf or off" cat "$dir/ep1.err"
t_done
