#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 600
# Races, for a fixed number of rounds of a fixed amount of work. In each,
# all at once: azc-race makes and deletes links on three devices of namespace
# R with working kTLS sockets and with sockets that fail the hand-off (not
# established, no kTLS, already carrying a link), dumps their links
# without pause, writes garbage, a TLS alert or a shutdown from the peer
# right at the hand-off, and closes peers and owners; on a relay device
# (azc) nobody else touches, it checks that no dump ever shows a link
# that link-new refused. Meanwhile the shell deletes and re-creates the
# endpoint device azd under its racer, moves the relay device azm between
# R and namespace M and deletes M with azm and its live links in it;
# azc-linkprobe pairs make links whose peer sends garbage right after the
# hand-off or dies right at it; and a relay/endpoint pair of
# azc-linkprobe carries pings. Then the module is unloaded (retried while
# busy) under ping floods through that pair; no TCP connection
# and no kTLS socket may be left behind (/proc/net/tls_stat), and the
# module is loaded again for the next round. Every process has a time
# limit, so that a hang fails the test instead of stalling the suite; the
# harness fails the run on any report in the kernel log. AZC_RACE_ROUNDS
# and AZC_RACE_ITER change the number of rounds and of device deletions
# and moves in each (the racers run until those and three hostile
# hand-offs are done).
. "$(dirname "$0")/lib.sh"

rounds=${AZC_RACE_ROUNDS:-3}
iter=${AZC_RACE_ITER:-6}
echo "# $rounds rounds; in each, while three racers run: $iter deletions of a device," \
	"$iter moves of another, 3 hostile hand-offs"

dir=$(mktemp -d)
. "$(dirname "$0")/lib-probe.sh"
r=$(ns_new r)		# the racers, their devices, the relay of the pair
e=$(ns_new e)		# the endpoints of the azc-linkprobe pairs
m=$T_NAME-m		# where azm goes, deleted and made again
T_NS+=("$m")

modprobe azconnect
check "the tls module loads" modprobe tls
ip link add re netns "$r" type veth peer name er netns "$e"
ip -n "$r" addr add 10.0.1.1/24 dev re
ip -n "$e" addr add 10.0.1.2/24 dev er
ip -n "$r" link set re up
ip -n "$e" link set er up
ip netns exec "$r" sysctl -qw net.ipv6.conf.all.forwarding=0
fp=$(azc-tlsprobe keygen --state-dir "$dir/state" | sed -n 's/^fingerprint //p')
lim=$(t_secs 240)	# for any process of a round

# dev NS NAME MODE [LL ADDR]: an azconnect device, up.
dev() {
	ip netns exec "$1" azconnectctl add "$2" mode "$3" >/dev/null &&
	ip -n "$1" link set "$2" addrgenmode none &&
	if [ $# -gt 3 ]; then
		ip -n "$1" addr add "$4/64" dev "$2" nodad &&
		ip -n "$1" addr add "$5/64" dev "$2" nodad
	fi &&
	ip -n "$1" link set "$2" up
}

# devloop: delete and make again the endpoint device azd under its racer.
devloop() {
	local n=0
	while [ "$n" -lt "$iter" ]; do
		ip -n "$r" link del azd 2>/dev/null
		dev "$r" azd endpoint 2>/dev/null
		n=$((n + 1))
		sleep 0.$((RANDOM % 5))
	done
	echo "azd deleted and made again $n times"
}

# moveloop: azm (relay, racer links on it) to M and back; M deleted with
# azm in it now and then, then both made again.
moveloop() {
	local moves=0 dels=0 tries=0
	while [ "$moves" -lt "$iter" ] && [ "$tries" -lt $((4 * iter)) ]; do
		tries=$((tries + 1))
		if ip -n "$r" link set azm netns "$m" 2>/dev/null; then
			moves=$((moves + 1))
			sleep 0.$((RANDOM % 4))
			if [ $((RANDOM % 3)) = 0 ]; then
				ip netns del "$m" && dels=$((dels + 1))
				ip netns add "$m"
				dev "$r" azm relay 2>/dev/null
			else
				ip -n "$m" link set azm netns "$r" 2>/dev/null
			fi
		else
			dev "$r" azm relay 2>/dev/null
		fi
		sleep 0.$((RANDOM % 4))
	done
	echo "azm moved $moves times, deleted with its namespace $dels times"
}

# dumploop: dumps from other processes, and azconnectctl show, until
# the stop file exists.
dumploop() {
	local n=0
	while [ ! -e "$stop" ]; do
		ip netns exec "$r" azc-nltest --dump dev-get >/dev/null
		ip netns exec "$r" azconnectctl show >/dev/null 2>&1
		ip netns exec "$m" azconnectctl show >/dev/null 2>&1
		n=$((n + 1))
	done
	echo "$n rounds of dumps"
}

# handoffs N: three azc-linkprobe pairs: the endpoint side writes garbage
# right after its hand-off (raw); the relay side dies right when the
# handshake is done; the relay side gives garbage at once (--pre: bytes
# that are no SSTP, handed over as pending).
handoffs() {
	local i=0 port
	while [ "$i" -lt 3 ]; do
		i=$((i + 1))
		port=$((1000 + $1 * 100 + i))
		case $((i % 3)) in
		0) pre="--pre 2000000400" ;;
		*) pre="" ;;
		esac
		# shellcheck disable=SC2086
		probe "g$1-$i-r" "$r" server --listen 10.0.1.1:$port --state-dir "$dir/state" \
			--dev azr --local-iid 0000000000000001 \
			--peer-iid 00000000000000b$((i % 2)) --peer-addr fd00:1::b$((i % 2)) $pre
		wait_for "$dir/g$1-$i-r" '^listening' 20 >/dev/null || continue
		probe "g$1-$i-e" "$e" client --connect 10.0.1.1:$port --fingerprint "$fp" \
			--dev azg --local-iid 00000000000000b$((i % 2)) \
			--peer-iid 0000000000000001 --keep-fd
		case $((i % 3)) in
		1)	wait_for "$dir/g$1-$i-e" '^(link|error)' 20 >/dev/null &&
			say "g$1-$i-e" "raw 10000002" ;;
		2)	wait_for "$dir/g$1-$i-r" '^(pending|error)' 20 >/dev/null
			kill -9 "${pid[g$1-$i-r]}" 2>/dev/null ;;
		esac
		# Each side ends: its link went down, or was refused.
		wait_for "$dir/g$1-$i-e" '^(down|error)' 20 >/dev/null
		kill "${pid[g$1-$i-r]}" "${pid[g$1-$i-e]}" 2>/dev/null
		wait "${pid[g$1-$i-r]}" "${pid[g$1-$i-e]}" 2>/dev/null
	done
	echo "$i hostile hand-offs"
}

unload() {
	modprobe -r azconnect 2>/dev/null && ! test -d /sys/module/azconnect
}

no_conn() {	# no_conn NS: no established TCP connection in NS
	! ip netns exec "$1" ss -Htn state established 2>/dev/null | grep -q .
}

no_tls() {	# no_tls NS: no kTLS context left in NS (none leaked)
	! ip netns exec "$1" cat /proc/net/tls_stat 2>/dev/null |
		grep -Eq '^TlsCurr(Tx|Rx)(Sw|Device) +[1-9]'
}

for round in $(seq 1 "$rounds"); do
	echo "# round $round of $rounds"
	ip netns add "$m" 2>/dev/null
	check "round $round: the module loads" modprobe azconnect
	check "round $round: devices" bash -c "$(declare -f dev); r=$r
		dev $r azr relay fe80::1 fd00:1::1 && dev $r azc relay &&
		dev $r azd endpoint && dev $r azm relay &&
		dev $e aze endpoint fe80::a1 fd00:1::a1 && dev $e azg endpoint"

	# The pair that carries traffic.
	probe "p$round-r" "$r" server --listen 10.0.1.1:443 --state-dir "$dir/state" \
		--dev azr --local-iid 0000000000000001 --peer-iid 00000000000000a1 \
		--peer-addr fd00:1::a1
	wait_for "$dir/p$round-r" '^listening' 20 >/dev/null
	probe "p$round-e" "$e" client --connect 10.0.1.1:443 --fingerprint "$fp" \
		--dev aze --local-iid 00000000000000a1 --peer-iid 0000000000000001
	check "round $round: the traffic pair's link" wait_for "$dir/p$round-e" '^link [0-9]+' 30
	timeout "$lim" ip netns exec "$e" ping -6 -q -i 0.1 -W 2 \
		fd00:1::1 >"$dir/ping$round" 2>&1 &
	pingpid=$!

	start=$SECONDS
	stop=$dir/stop$round
	racers=()
	for d in "azc --check-phantoms --hammer" azd azm; do
		# shellcheck disable=SC2086
		timeout -k 5 "$lim" nice -n 10 ip netns exec "$r" azc-race --dev $d \
			--seconds "$lim" --stop-file "$stop" --seed "$round" \
			--timeout "$(t_secs 10)" >"$dir/race-${d%% *}" 2>&1 &
		racers+=($!)
	done
	loops=()
	timeout -k 5 "$lim" bash -c "$(declare -f dev devloop); r=$r iter=$iter; devloop" \
		>"$dir/devloop" 2>&1 &
	loops+=($!)
	timeout -k 5 "$lim" bash -c "$(declare -f dev moveloop); r=$r m=$m iter=$iter; moveloop" \
		>"$dir/moveloop" 2>&1 &
	loops+=($!)
	timeout -k 5 "$lim" bash -c "$(declare -f dumploop); r=$r m=$m stop=$stop; dumploop" \
		>"$dir/dumploop" 2>&1 &
	loops+=($!)
	handoffs "$round" >"$dir/handoffs" 2>&1
	wait "${loops[0]}"
	rcs=($?)
	wait "${loops[1]}"
	rcs+=($?)
	touch "$stop"
	wait "${loops[2]}"
	rcs+=($?)
	echo "# round $round: the races took $((SECONDS - start)) s"

	names=(azc azd azm)
	for i in 0 1 2; do
		name=${names[$i]}
		wait "${racers[$i]}"
		rc=$?
		sed 's/^/# /' "$dir/race-$name"
		check_eq "round $round: racer on $name finished in time, kernel answering" 0 echo "$rc"
	done
	names=(devloop moveloop dumploop)
	for i in 0 1 2; do
		sed "s/^/# ${names[$i]}: /" "$dir/${names[$i]}"
		check_eq "round $round: ${names[$i]} finished in time" 0 echo "${rcs[$i]}"
	done
	grep -v Killed "$dir/handoffs" | sed 's/^/# /'
	kill -INT "$pingpid" 2>/dev/null
	wait "$pingpid"
	sed 's/^/# traffic pair during the races: /' "$dir/ping$round" | grep -E 'packets'
	check "round $round: the traffic pair's link lived through the races" \
		ip netns exec "$e" ping -6 -c 2 -i 0.2 -W 5 fd00:1::1

	# Unload under load: two ping floods through the pair, one of full-
	# sized packets (ICMPv6: the only traffic a relay takes for itself).
	timeout "$lim" ip netns exec "$e" ping -6 -f -W 1 fd00:1::1 >/dev/null 2>&1 &
	flood=$!
	timeout "$lim" ip netns exec "$e" ping -6 -f -W 1 -s 1400 fd00:1::1 \
		>"$dir/bigping" 2>&1 &
	big=$!
	sleep 3
	check "round $round: the module unloads under traffic" wait_until 30 unload
	check "round $round: the traffic pair's links went down: teardown" \
		wait_for "$dir/p$round-r" '^down teardown$' 20
	kill -INT "$flood" "$big" 2>/dev/null
	wait "$flood" "$big" 2>/dev/null
	grep -E 'packets' "$dir/bigping" | sed 's/^/# full-sized pings during the unload: /'
	for n in "${!pid[@]}"; do
		kill "${pid[$n]}" 2>/dev/null
	done
	wait 2>/dev/null
	pid=()
	check "round $round: no TCP connection left" \
		wait_until 10 sh -c "$(declare -f no_conn); no_conn $r && no_conn $e && no_conn $m"
	check "round $round: no kTLS socket left open" \
		wait_until 10 sh -c "$(declare -f no_tls); no_tls $r && no_tls $e && no_tls $m"
	[ "$T_FAILED" = 0 ] || break
done

check "the module loads again at the end" modprobe azconnect
check "a device works after it" \
	sh -c "ip -n $r link add azc9 type azconnect && ip -n $r link del azc9"
check "and the module unloads" wait_until 30 unload
if [ "$T_FAILED" != 0 ]; then
	for f in "$dir"/race-* "$dir"/devloop "$dir"/moveloop "$dir"/dumploop; do
		echo "# ---- $f"
		sed 's/^/#   /' "$f"
	done
fi
rm -rf "$dir"
t_done
