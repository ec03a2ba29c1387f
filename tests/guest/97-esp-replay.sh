#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 900
# ESP's receive side against packets injected on the relay (issue 11):
# the setup of 97-esp-sa (azconnect-relayd, two endpoints, SAs keyed by
# hand with azc-sa), then azc-espinject captures ep1's ESP packets to ep2
# on the relay's device and sends them again out of it, as the relay's
# forwarding would:
# - a packet ep2 received already, again: rx_esp_replay and the SA's
#   replay_drops +1, nothing delivered (the SA's packets, Icmp6InEchos);
# - two packets held at the relay (a blackhole route), never delivered:
#   the first with a byte of its ciphertext, its ICV or its sequence
#   number flipped: rx_esp_bad_icv and the SA's bad_icv_drops +1 each;
#   with its sequence number made 2^32 - 256 + n, before the SA's start:
#   rx_esp_replay +1 (too old) without a decryption (no bad ICV); cut
#   short (not a multiple of 4, shorter than ESP's minimum):
#   rx_esp_malformed +1; nothing delivered each time; then as it was,
#   late but within the window: delivered, so none of those moved the
#   window;
# - the second after 2048 newer packets: below the window, so with ESN
#   read as a number of the next 2^32 (RFC 4303 A2.2), whose ICV fails:
#   rx_esp_bad_icv +1, nothing delivered, although ep2 never saw it;
# - and ping still works both ways.
. "$(dirname "$0")/lib.sh"
umask 077
# shellcheck source=../../scripts/lib-overlay.sh
. "$AZC_TREE/scripts/lib-overlay.sh"

for t in ping jq; do
	command -v "$t" >/dev/null || { echo "# SKIP $t not installed"; exit 0; }
done

dir=$(mktemp -d)
inet=$(ns_new inet)
r=$(ns_new relay)
e1=$(ns_new ep1)
e2=$(ns_new ep2)
relayd=
trap relay_cleanup EXIT

check "the tls module loads" modprobe -a tls azconnect
inet_new "$inet"
check "relay on the internet" inet_attach "$r" wan 198.51.100.1 p-relay
check "endpoint 1 on the internet" inet_attach "$e1" wan 198.51.100.11 p-ep1
check "endpoint 2 on the internet" inet_attach "$e2" wan 198.51.100.12 p-ep2

relay_start "$r" ep1 ep2
check "relay starts" wait_for 20 has_fingerprint "$dir/relayd.log"
fp=$(relay_fingerprint "$dir/relayd.log")
check "endpoint 1 up" ep_up "$e1" ep1 --esp off
check "endpoint 2 up" ep_up "$e2" ep2 --esp off
check "endpoint 1 has its overlay address" wait_for 60 has_overlay "$e1"
check "endpoint 2 has its overlay address" wait_for 60 has_overlay "$e2"
[ "$T_FAILED" = 0 ] || t_done
a1=$(overlay_addr "$e1")
a2=$(overlay_addr "$e2")
ns=$(ip -n "$r" -6 -o addr show dev azc-relay scope global | awk '{ print $4 }' | cut -d/ -f1)
echo "# ep1 $a1, ep2 $a2, relay $ns"

key() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
ping6() {	# ping6 NS ADDR [ARGS...]
	ip netns exec "$1" ping -6 -c 3 -i 0.3 -W 3 "${@:3}" "$2"
}


# --- SAs both ways -------------------------------------------------------

k12=$(key 20)		# ep1 -> ep2, AES-128-GCM
k21=$(key 36)		# ep2 -> ep1, AES-256-GCM
check_out "ep1: transmit SA to ep2" '^ok$' ep_sa "$e1" add azc0 out 4097 "$a2" 128 "$k12"
check_out "ep2: receive SA from ep1" '^ok$' ep_sa "$e2" add azc0 in 4097 "$a1" 128 "$k12"
check_out "ep2: transmit SA to ep1 (AES-256)" '^ok$' ep_sa "$e2" add azc0 out 8193 "$a1" 256 "$k21"
check_out "ep1: receive SA from ep2" '^ok$' ep_sa "$e1" add azc0 in 8193 "$a2" 256 "$k21"

check "ping6 ep1 -> ep2 with ESP" ping6 "$e1" "$a2"

safield() {	# safield NS DIR SPI FIELD: a number sa-get reports
	ep_sa "$1" get azc0 "$2" "$3" | grep -Eo " $4=[0-9]+" | cut -d= -f2
}
pkts() { safield "$e2" in 4097 packets; }	# ep2's receive SA's packets
echoes() {	# echo requests ep2's stack received
	ip netns exec "$e2" grep -E '^Icmp6InEchos ' /proc/net/snmp6 |
		tr -s ' \t' ' ' | cut -d' ' -f2
}
ge() {		# ge MIN CMD...: CMD prints a number >= MIN
	local v
	v=$("${@:2}") && [ "$v" -ge "$1" ]
}
capture() {	# capture FILE ARGS...: in the background, until it listens
	ip netns exec "$r" azc-espinject capture azc-relay "$1" --spi 4097 \
		"${@:2}" >"$1.log" 2>&1 &
	wait_until 10 grep -Eq '^listening$' "$1.log"
}
inject() {	# inject FILE ARGS...: send out of the relay's device
	ip netns exec "$r" azc-espinject send azc-relay "$@"
}
pktlen() {	# pktlen FILE N: the length of the N-th packet (from 1)
	echo $(($(sed -n "${2}p" "$1" | tr -d '\n' | wc -c) / 2))
}
# snap: the counters before an injection
snap() {
	replay0=$(ep_drop "$e2" rx_esp_replay)
	bad_icv0=$(ep_drop "$e2" rx_esp_bad_icv)
	malformed0=$(ep_drop "$e2" rx_esp_malformed)
	sarep0=$(safield "$e2" in 4097 replay_drops)
	saicv0=$(safield "$e2" in 4097 bad_icv_drops)
	pk0=$(pkts)
	ech0=$(echoes)
}
# expect DESC REASON N: after an injection, ep2's drop counter REASON
# went up by exactly N and nothing else changed (or reached ep2's stack)
# but the SA's counter that goes with it
expect() {
	local desc=$1 why=$2 n=$3
	check "$desc: $why +$n" wait_until 15 ge $((${why}0 + n)) ep_drop "$e2" "rx_esp_$why"
	sleep 1
	check_eq "... exactly $n" $((${why}0 + n)) ep_drop "$e2" "rx_esp_$why"
	local nr=0 ni=0
	case $why in
	replay) nr=$n ;; bad_icv) ni=$n ;;
	esac
	[ "$why" = replay ] || check_eq "... not counted as a replay" "$replay0" ep_drop "$e2" rx_esp_replay
	[ "$why" = bad_icv ] || check_eq "... nor as a bad ICV" "$bad_icv0" ep_drop "$e2" rx_esp_bad_icv
	[ "$why" = malformed ] || check_eq "... nor as malformed" "$malformed0" ep_drop "$e2" rx_esp_malformed
	check_eq "... the SA's replay_drops +$nr" $((sarep0 + nr)) safield "$e2" in 4097 replay_drops
	check_eq "... the SA's bad_icv_drops +$ni" $((saicv0 + ni)) safield "$e2" in 4097 bad_icv_drops
	check_eq "... nothing delivered (the SA's packets)" "$pk0" pkts
	check_eq "... nor seen by ep2's stack (Icmp6InEchos)" "$ech0" echoes
}

# --- a packet ep2 received already, again --------------------------------

check "capture a packet ep1 -> ep2 on the relay" capture "$dir/seen"
check "ping6 ep1 -> ep2 (one packet)" ping6 "$e1" "$a2" -c 1
check "... captured" wait_until 10 grep -Eq '^captured 1$' "$dir/seen.log"
snap
check_out "the packet sent again to ep2 through the relay's device" '^sent 1$' \
	inject "$dir/seen"
expect "ep2 drops the replayed packet" replay 1
snap
cat "$dir/seen" "$dir/seen" >"$dir/seen2"
check_out "and twice more" '^sent 2$' inject "$dir/seen2"
expect "ep2 drops both" replay 2

# --- packets held at the relay ---------------------------------------------

pk_held=$(pkts)
check "the relay holds packets to ep2 (a blackhole route)" \
	ip -n "$r" -6 route add blackhole "$a2/128"
check "capture two packets ep1 -> ep2 on the relay" \
	capture "$dir/held" --count 2
check_fail "ping6 ep1 -> ep2 gets no answer" ping6 "$e1" "$a2" -c 2 -W 1
check "... and the relay captured two requests" \
	wait_until 10 grep -Eq '^captured 2$' "$dir/held.log"
check_eq "ep2 never received them (its SA's packets)" "$pk_held" pkts
check "the relay forwards to ep2 again" ip -n "$r" -6 route del blackhole "$a2/128"
check "ping6 ep1 -> ep2 again (the window moves past the held ones)" \
	ping6 "$e1" "$a2"
len=$(pktlen "$dir/held" 1)
echo "# a held packet: $len bytes"

snap
check_out "the first held packet with a byte of its ciphertext flipped" '^sent 1$' \
	inject "$dir/held" --index 0 --flip 60
expect "ep2 drops it" bad_icv 1
snap
check_out "... with a byte of its ICV flipped" '^sent 1$' \
	inject "$dir/held" --index 0 --flip $((len - 1))
expect "ep2 drops it" bad_icv 1
snap
check_out "... with a byte of its sequence number flipped (in the AAD)" '^sent 1$' \
	inject "$dir/held" --index 0 --flip 47
expect "ep2 drops it" bad_icv 1
# Bytes 44-46: the sequence number's upper 24 of its low 32 bits. From
# n < 256 they make 2^32 - 256 + n: with ESN and ep2's highest number
# still below 2047, that is a number of the subspace before the SA's
# first one (RFC 4303 A2.2), too old without decrypting.
seq=$((16#$(sed -n 1p "$dir/held" | cut -c89-96)))
check "the first held packet's sequence number is below 256 ($seq)" test "$seq" -lt 256
snap
check_out "... with its sequence number made 2^32 - 256 + $seq" '^sent 1$' \
	inject "$dir/held" --index 0 --flip 44 --flip 45 --flip 46
expect "ep2 drops it as too old, before the ICV (no bad_icv)" replay 1
snap
check_out "... cut by a byte (ciphertext not a multiple of 4)" '^sent 1$' \
	inject "$dir/held" --index 0 --trunc $((len - 1))
expect "ep2 drops it" malformed 1
snap
check_out "... cut to 20 bytes of ESP (below its minimum)" '^sent 1$' \
	inject "$dir/held" --index 0 --trunc 60
expect "ep2 drops it" malformed 1

snap
check_out "the first held packet as it was, late but within the window" '^sent 1$' \
	inject "$dir/held" --index 0
check "ep2 accepts it (its SA's packets +1)" wait_until 15 ge $((pk0 + 1)) pkts
check "... and its stack answers it (Icmp6InEchos +1)" wait_until 15 ge $((ech0 + 1)) echoes
sleep 1
check_eq "... once" $((pk0 + 1)) pkts
check_eq "... without a drop for a replay" "$replay0" ep_drop "$e2" rx_esp_replay
check_eq "... or a bad ICV: the tampered copies did not move the window" \
	"$bad_icv0" ep_drop "$e2" rx_esp_bad_icv

# --- below the window ------------------------------------------------------

pk_flood=$(pkts)
ip netns exec "$e1" ping -6 -q -f -c 2200 -W 2 "$a2" >"$dir/flood" 2>&1
sed 's/^/# /' "$dir/flood"
check "ep2 received more than the window's 2048 packets since" \
	ge $((pk_flood + 2048)) pkts
# With ESN a number whose low 32 bits are below the window is one of the
# next 2^32 (RFC 4303 A2.2: Seqh = Th + 1), not an old one: the ICV
# check under that number is what fails.
snap
check_out "the second held packet, never delivered, now below the window" '^sent 1$' \
	inject "$dir/held" --index 1
expect "ep2 drops it (read as from the next subspace: its ICV fails)" bad_icv 1

# --- and the SAs still work -------------------------------------------------

check "ping6 ep1 -> ep2 after all this" ping6 "$e1" "$a2"
check "ping6 ep2 -> ep1 after all this" ping6 "$e2" "$a1"
check_out "ep2's receive SA" 'dir=in spi=4097 ' ep_sa "$e2" get azc0 in 4097
sed 's/^/# /' "$T_OUT"
for why in replay bad_icv malformed unknown_spi; do
	echo "# ep2 rx_esp_$why: $(ep_drop "$e2" "rx_esp_$why")"
done

check "endpoint 1 down" ep_down "$e1" ep1
check "endpoint 2 down" ep_down "$e2" ep2
kill -TERM "$relayd"
wait "$relayd"
check "relay exits cleanly" test $? -eq 0
relayd=
t_done
