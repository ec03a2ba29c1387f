#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 300
# Smoke test of the user-space half of the hand-off: azconnect-relayd and
# azconnectctl up in two namespaces joined by IPv4-only veth. The relay
# makes its device and ULA prefix; the endpoint negotiates, hands its kTLS
# socket to the kernel and learns the overlay address from the relay's
# Router Advertisement (SLAAC keeps its IID); ping crosses the data path;
# status and show report the link; a frozen relay is found dead by the
# SSTP keepalive and the endpoint reconnects once it is back; down ends the
# session with CALL_DISCONNECT.
. "$(dirname "$0")/lib.sh"
# Configs hold tokens: private, or the daemons refuse them.
umask 077

dir=$(mktemp -d)
r=$(ns_new relay)
e=$(ns_new ep)
ip link add veth-r netns "$r" type veth peer name veth-e netns "$e"
ip -n "$r" addr add 192.0.2.1/24 dev veth-r
ip -n "$e" addr add 192.0.2.2/24 dev veth-e
ip -n "$r" link set veth-r up
ip -n "$e" link set veth-e up
modprobe tls
printf '[endpoint web1]\ntoken = web1-token\n' >"$dir/relayd.conf"
# SSTP keepalive after 1 s of silence, the relay dead after 2 unanswered.
printf 'echo_interval = 1\necho_retries = 2\n' >"$dir/azconnect.conf"

ip netns exec "$r" azconnect-relayd --config "$dir/relayd.conf" \
	--state-dir "$dir/state" --listen 192.0.2.1:443 2>"$dir/relay.log" &
rpid=$!
for _ in $(seq 100); do grep -q listening "$dir/relay.log" && break; sleep 0.1; done
fp=$(sed -n 's/.*fingerprint \(SHA256:[0-9A-F:]*\).*/\1/p' "$dir/relay.log")
check_out "relay made its device and ULA prefix" \
	'device azc-relay \(index [0-9]+\) up: fd[0-9a-f:]+/64, IPv6 forwarding enabled' \
	cat "$dir/relay.log"
check_out "the prefix is kept in the state directory" '^fd[0-9a-f:]+::/48$' \
	cat "$dir/state/ula-prefix"

check "up negotiates and hands the socket to the kernel" \
	ip netns exec "$e" azconnectctl up --relay 192.0.2.1 --name web1 \
	--token web1-token --fingerprint "$fp" --run-dir "$dir/run" \
	--config "$dir/azconnect.conf"
check_out "relay handed the endpoint to the kernel" \
	"endpoint 'web1' handed to the kernel: link [0-9]+" cat "$dir/relay.log"

# The IID as ip prints it: no leading zeros in each group
iid=$(sed -n 's/^local_iid=//p' "$dir/run/web1.state" | sed 's/\(^\|:\)0\{1,3\}/\1/g')
pfx=$(sed 's/::\/48$//' "$dir/state/ula-prefix")
overlay_addr() {
	ip -n "$e" -6 -o addr show dev azc0 scope global | grep -q "$pfx:0:$iid/64"
}
for _ in $(seq 50); do overlay_addr && break; sleep 0.2; done
check "the endpoint configured PREFIX::IID from the relay's RA" overlay_addr
raddr=$(ip -n "$r" -6 -o addr show dev azc-relay scope global | awk '{ print $4 }' | cut -d/ -f1)
check "ping from the endpoint to the relay's overlay address" \
	ip netns exec "$e" ping -6 -c 2 -W 3 "$raddr"
check_out "status shows the overlay address and the link's counters" \
	'^rx_packets=[1-9]' ip netns exec "$e" azconnectctl status --run-dir "$dir/run"
check_out "show lists the relay's link" '^    link [0-9]+: up peer fd' \
	ip netns exec "$r" azconnectctl show
check_out "show --json lists it too" '"link_list":\[\{"id":' \
	ip netns exec "$r" azconnectctl show --json

# Dead peer: the relay process freezes while its kernel still acknowledges
# TCP, so the endpoint's SSTP echoes go unanswered: after two it takes the
# link down (keepalive-timeout) and, once the relay is back, reconnects.
st() { ip netns exec "$e" azconnectctl status --run-dir "$dir/run"; }
# wait_st REGEX SECONDS: until status matches
wait_st() {
	for _ in $(seq $(($2 * 5))); do
		st | grep -Eq "$1" && return 0
		sleep 0.2
	done
	st | sed 's/^/# /'
	return 1
}
kill -STOP "$rpid"
check "relay frozen: the endpoint finds it dead (keepalive-timeout)" \
	wait_st '^last_down=session ended: the relay does not answer: 2 ECHO_REQUESTs unanswered \(link down: keepalive-timeout\)$' 30
kill -CONT "$rpid"
check "relay back: the endpoint reconnects by itself" \
	wait_st '^link_state=up$' 60
check_out "the relay saw the old link go" \
	"link [0-9]+ of endpoint 'web1' down: peer-closed" cat "$dir/relay.log"
for _ in $(seq 50); do overlay_addr && break; sleep 0.2; done
check "ping across the new link" \
	ip netns exec "$e" ping -6 -c 2 -W 3 "$raddr"

check "down ends the session" \
	ip netns exec "$e" azconnectctl down web1 --run-dir "$dir/run"
check_out "relay saw CALL_DISCONNECT and the link go" \
	"the client disconnected.*azconnectctl down" cat "$dir/relay.log"
check_out "the endpoint's link is gone" 'links 0' ip netns exec "$e" azconnectctl show
kill -TERM "$rpid"
wait "$rpid"
check "relay exits cleanly" test $? -eq 0
rm -rf "$dir"
t_done
