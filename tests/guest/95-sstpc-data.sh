#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 300
# Interop on the data path: Debian's sstpc + pppd (user-space TLS and PPP,
# +ipv6) as one endpoint, an "azconnectctl up" endpoint on the kernel data
# path as the other, both through azconnect-relayd, whose side of both
# sessions is in the kernel. pppd's ppp30 takes its overlay address from
# the relay's RA like azc0 does; ping6 goes both ways, at full size too.
# sstpc cannot do ESP: the kernel endpoint runs with --esp off.
. "$(dirname "$0")/lib.sh"
# Configs hold tokens: private, or the daemons refuse them.
umask 077
# shellcheck source=../../scripts/lib-overlay.sh
. "$AZC_TREE/scripts/lib-overlay.sh"

if ! command -v sstpc >/dev/null || ! command -v pppd >/dev/null; then
	echo "# SKIP sstpc or pppd not installed"
	exit 0
fi

dir=$(mktemp -d)
inet=$(ns_new inet)
r=$(ns_new relay)
e1=$(ns_new sstpc)
e2=$(ns_new ep)

check "tls and ppp modules load" modprobe -a tls ppp_generic ppp_async
inet_new "$inet"
check "relay on the internet" inet_attach "$r" wan 198.51.100.1 p-relay
check "sstpc host on the internet" inet_attach "$e1" wan 198.51.100.11 p-sstpc
check "endpoint on the internet" inet_attach "$e2" wan 198.51.100.12 p-ep

cat >"$dir/relayd.conf" <<EOF
[endpoint client1]
token = "sstpc-token-0123456789"
[endpoint ep2]
token = "ep2-token-0123456789"
EOF
ip netns exec "$r" azconnect-relayd --listen 198.51.100.1:443 \
	--config "$dir/relayd.conf" --state-dir "$dir/state" >"$dir/relayd.log" 2>&1 &
relayd=$!
check "relay starts" wait_for 20 has_fingerprint "$dir/relayd.log"
fp=$(relay_fingerprint "$dir/relayd.log")

check "kernel endpoint up" ip netns exec "$e2" azconnectctl up --relay 198.51.100.1 \
	--name ep2 --token ep2-token-0123456789 --fingerprint "$fp" --run-dir "$dir/run" \
	--esp off
sstpc_start() {
	ip netns exec "$e1" sstpc --log-stderr --log-level 2 --ca-cert "$dir/state/relay.crt" \
		--user client1 --password sstpc-token-0123456789 198.51.100.1 \
		noauth noipdefault nodefaultroute refuse-eap refuse-pap refuse-chap \
		refuse-mschap noccp nodeflate nobsdcomp novj +ipv6 nodetach \
		unit 30 >"$dir/sstpc.log" 2>&1 &
	sstpc=$!
}
# sstpc_settled: the relay has its session, or sstpc is gone.
sstpc_settled() {
	grep -q "endpoint 'client1' handed to the kernel" "$dir/relayd.log" ||
		! kill -0 "$sstpc" 2>/dev/null
}
# sstpc's own event-loop fault gets two more tries (lib.sh).
t_sstpc_tries sstpc_start sstpc_settled "$dir/sstpc.log"

# show_logs: the last lines of the relay's and sstpc's logs.
show_logs() {
	echo "# ---- relayd.log"
	tail -n 30 "$dir/relayd.log" | sed 's/^/#   /'
	echo "# ---- sstpc.log"
	tr -d '\000' <"$dir/sstpc.log" | tail -n 15 | sed 's/^/#   /'
}

# sstpc_up: ppp30 has its overlay address; fails at once if sstpc exited.
sstpc_up() {
	kill -0 "$sstpc" 2>/dev/null || { echo "sstpc exited"; return 2; }
	has_overlay "$e1" ppp30
}

check "kernel endpoint: overlay address from the RA" wait_for 60 has_overlay "$e2"
if ! check "sstpc's ppp30: overlay address from the RA" wait_for 90 sstpc_up; then
	# Nothing below can pass: say why, and end within the time limit.
	show_logs
	kill "$sstpc" "$relayd" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$dir"
	t_done
fi
a1=$(overlay_addr "$e1" ppp30)
a2=$(overlay_addr "$e2")
echo "# sstpc: $a1, kernel endpoint: $a2"
check_out "the relay handed the sstpc session to the kernel" \
	"endpoint 'client1' handed to the kernel" cat "$dir/relayd.log"
check "sstpc -> kernel endpoint" ip netns exec "$e1" ping -6 -c 3 -i 0.2 -W 5 "$a2"
check "kernel endpoint -> sstpc" ip netns exec "$e2" ping -6 -c 3 -i 0.2 -W 5 "$a1"
check "kernel endpoint -> sstpc, 1500-byte packets" \
	ip netns exec "$e2" ping -6 -c 2 -i 0.2 -W 5 -s 1452 -M do "$a1"

kill "$sstpc"
wait "$sstpc" 2>/dev/null
check "the relay notices sstpc leaving" \
	wait_for 30 grep -Eq "client1.*(down|disconnect)" "$dir/relayd.log"
check "kernel endpoint down" ip netns exec "$e2" azconnectctl down ep2 --run-dir "$dir/run"
kill "$relayd"
wait "$relayd" 2>/dev/null
show_logs
rm -rf "$dir"
t_done
