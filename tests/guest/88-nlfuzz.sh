#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 600
# Netlink fuzzing: azc-nlfuzz sends tens of thousands of malformed,
# truncated and random requests to every command of the azconnect generic
# netlink family (unknown ones too, do and dump, with and without
# NLM_F_ACK) and to the rtnetlink link kind azconnect, with sockets of
# every kind for link-new (and working kTLS ones, whose links it then
# owns and abuses), in a namespace that also holds a relay device and an
# endpoint device with live links made by azc-linkprobe. The kernel must
# answer every request (error codes are not judged) and log nothing (the
# harness fails the run on any splat); afterwards the family still
# answers, the live links still carry packets, everything can be deleted
# and the module unloads and loads again. AZC_NLFUZZ_SEED and
# AZC_NLFUZZ_COUNT replay another run.
. "$(dirname "$0")/lib.sh"

# About 80 s under TCG; fewer on a slow (debug) kernel.
seed=${AZC_NLFUZZ_SEED:-8801}
count=${AZC_NLFUZZ_COUNT:-$((60000 / ${AZC_SLOW:-1}))}
echo "# azc-nlfuzz seed $seed count $count"

dir=$(mktemp -d)
. "$(dirname "$0")/lib-probe.sh"
f=$(ns_new fuzz)	# the fuzzer, a relay device and an endpoint device
p=$(ns_new peer)	# their peers

modprobe azconnect
check "the tls module loads" modprobe tls
ip link add fz0 netns "$f" type veth peer name pz0 netns "$p"
ip -n "$f" addr add 10.0.9.1/24 dev fz0
ip -n "$p" addr add 10.0.9.2/24 dev pz0
ip -n "$f" link set fz0 up
ip -n "$p" link set pz0 up

# f: relay azr (fd00:1::1) for p's endpoint azp (fd00:1::a1); f's
# endpoint aze (fd00:2::b1) on p's relay azq (fd00:2::2).
check "relay device in the fuzzer's namespace" azdev "$f" azr relay fe80::1 fd00:1::1
check "endpoint device in the fuzzer's namespace" \
	azdev "$f" aze endpoint fe80::b1 fd00:2::b1
check "peer endpoint device" azdev "$p" azp endpoint fe80::a1 fd00:1::a1
check "peer relay device" azdev "$p" azq relay fe80::2 fd00:2::2
[ "$T_FAILED" = 0 ] || t_done
fp=$(azc-tlsprobe keygen --state-dir "$dir/state" | sed -n 's/^fingerprint //p')

probe r1 "$f" server --listen 10.0.9.1:443 --state-dir "$dir/state" --dev azr \
	--local-iid 0000000000000001 --peer-iid 00000000000000a1 --peer-addr fd00:1::a1
check "relay probe listens" wait_for "$dir/r1" '^listening' 20
probe e1 "$p" client --connect 10.0.9.1:443 --fingerprint "$fp" --dev azp \
	--local-iid 00000000000000a1 --peer-iid 0000000000000001
probe r2 "$p" server --listen 10.0.9.2:443 --state-dir "$dir/state" --dev azq \
	--local-iid 0000000000000002 --peer-iid 00000000000000b1 --peer-addr fd00:2::b1
check "peer relay probe listens" wait_for "$dir/r2" '^listening' 20
probe e2 "$f" client --connect 10.0.9.2:443 --fingerprint "$fp" --dev aze \
	--local-iid 00000000000000b1 --peer-iid 0000000000000002
check "live link on the relay device" wait_for "$dir/r1" '^link [0-9]+' 30
check "live link on the endpoint device" wait_for "$dir/e2" '^link [0-9]+' 30
check "peer -> relay device over its live link" \
	ip netns exec "$p" ping -6 -c 2 -i 0.2 -W 5 fd00:1::1
check "endpoint device -> peer relay over its live link" \
	ip netns exec "$f" ping -6 -c 2 -i 0.2 -W 5 fd00:2::2
[ "$T_FAILED" = 0 ] || t_done

# Traffic on both links while the fuzzer runs (not judged: the fuzz
# decides the pace; the links are checked afterwards).
ip netns exec "$p" ping -6 -q -i 0.5 -W 2 fd00:1::1 >"$dir/ping1" 2>&1 &
ping1=$!
ip netns exec "$f" ping -6 -q -i 0.5 -W 2 fd00:2::2 >"$dir/ping2" 2>&1 &
ping2=$!

start=$SECONDS
ip netns exec "$f" timeout -k 5 "$(t_secs 480)" \
	azc-nlfuzz --seed "$seed" --count "$count" --timeout "$(t_secs 10)" \
	>"$dir/fuzz" 2>&1
rc=$?
echo "# azc-nlfuzz took $((SECONDS - start)) s, exit status $rc"
sed 's/^/#   /' "$dir/fuzz" | grep -v '^#   azc-nlfuzz: [0-9]* requests'
check_eq "azc-nlfuzz seed $seed count $count: the kernel answered every request" 0 echo "$rc"
kill -INT "$ping1" "$ping2" 2>/dev/null
wait "$ping1" "$ping2" 2>/dev/null
sed 's/^/# during the fuzz: /' "$dir/ping1" "$dir/ping2" | grep -E 'packets|rtt'

check_out "a dev-get dump still answers" '^ok [1-9]' \
	ip netns exec "$f" azc-nltest --dump dev-get
check_out "the family answers in another namespace too" '^ok [1-9]' \
	ip netns exec "$p" azc-nltest --dump dev-get
check_fail "the fuzzer's own devices are gone" \
	sh -c "ip -n $f -o link show | grep -q ': azf'"
links_left() {	# links_left DEV N: DEV in the fuzzer's namespace has N links
	ip netns exec "$f" azconnectctl show "$1" --json | grep -Eq "\"links\": *$2\b"
}
check "the fuzzer's links on the relay device went with it" wait_until 20 links_left azr 1
check "the endpoint device kept its link" links_left aze 1
say r1 get
check "the relay's live link answers link-get: up" \
	wait_for "$dir/r1" '^stats .*state=up' 10
say e2 get
check "the endpoint's live link answers link-get: up" \
	wait_for "$dir/e2" '^stats .*state=up' 10
check "peer -> relay device over its live link, after the fuzz" \
	ip netns exec "$p" ping -6 -c 3 -i 0.2 -W 5 fd00:1::1
check "endpoint device -> peer relay, after the fuzz" \
	ip netns exec "$f" ping -6 -c 3 -i 0.2 -W 5 fd00:2::2
say r1 "sstp 1001000800080000"
check "control frames still flow on the live link" \
	wait_for "$dir/e1" '^ctrl sstp 1001000800080000$' 10

# Everything goes; then the module.
check "delete the fuzzer's namespace's devices with their live links" \
	sh -c "ip -n $f link del azr && ip -n $f link del aze"
check "the relay's link went down: teardown" wait_for "$dir/r1" '^down teardown$' 20
check "the endpoint's link went down: teardown" wait_for "$dir/e2" '^down teardown$' 20
check "delete the peer's devices" sh -c "ip -n $p link del azp && ip -n $p link del azq"
for n in "${!pid[@]}"; do
	kill "${pid[$n]}" 2>/dev/null
done
wait 2>/dev/null
unload() {
	modprobe -r azconnect 2>/dev/null && ! test -d /sys/module/azconnect
}
check "the module unloads" wait_until 30 unload
check_fail "no TCP connection left in the fuzzer's namespace" \
	sh -c "ip netns exec $f ss -Htn state established | grep -q ."
check_fail "no TCP connection left in the peer namespace" \
	sh -c "ip netns exec $p ss -Htn state established | grep -q ."
# Every kTLS socket, the links' and the fuzzer's, is closed and freed.
no_tls() {	# no_tls NS: no kTLS context left in NS
	! ip netns exec "$1" cat /proc/net/tls_stat | grep -Eq '^TlsCurr(Tx|Rx)(Sw|Device) +[1-9]'
}
check "no kTLS socket left in either namespace" \
	wait_until 10 sh -c "$(declare -f no_tls); no_tls $f && no_tls $p"
check "the module loads again" modprobe azconnect
check "a device works after the reload" \
	sh -c "ip -n $f link add azc0 type azconnect && ip -n $f link del azc0"
if [ "$T_FAILED" != 0 ]; then
	probe_logs r1 e1 r2 e2
	echo "# replay: AZC_NLFUZZ_SEED=$seed AZC_NLFUZZ_COUNT=$count tests/guest/run 88"
fi
rm -rf "$dir"
t_done
