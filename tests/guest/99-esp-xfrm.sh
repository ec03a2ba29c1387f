#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 1200
# ESP interoperability with the kernel's own IPsec (issue 11): azconnect's
# ESP against Linux XFRM, keyed by the endpoints' Noise IK exchange.
# azconnect-relayd and three endpoints over an IPv4-only "internet":
# - ep1: "azconnectctl up" with its defaults (esp required): azconnect.ko
#   encrypts and decrypts, azconnectctl keys;
# - ep2: "azconnectctl up --esp off" (its key published by its session),
#   its device in "esp xfrm" (azconnect.ko leaves ESP to the stack), and
#   azc-keyx-xfrm answering the exchange and loading the SAs into XFRM
#   (transport mode, rfc4106(gcm(aes)), ESN) with ESP policies between the
#   two overlay addresses;
# - ep3: back with another key than the one the relay pinned and
#   publishes: azc-keyx-xfrm refuses its exchange, as azconnectctl would.
# ping6 both ways (ep1's first packet starts the exchange), a TCP stream
# each way; the SPIs match crosswise; both XFRM states carry packets without
# errors; ep1 sees no bad ICV nor replay; a capture on the relay's device
# sees ESP and the exchange only, never the markers sent inside; ep1's
# session back, a second exchange replaces ep2's XFRM states; at its end
# azc-keyx-xfrm removes what it loaded. 1500-byte packets: XFRM takes
# azconnect's ESP fragments; the other way is a known gap (see there).
. "$(dirname "$0")/lib.sh"
# Configs hold tokens, keys are secret: private, or the tools refuse them.
umask 077
# shellcheck source=../../scripts/lib-overlay.sh
. "$AZC_TREE/scripts/lib-overlay.sh"

for t in tcpdump jq; do
	command -v "$t" >/dev/null || { echo "# SKIP $t not installed"; exit 0; }
done
ip xfrm state list >/dev/null 2>&1 || { echo "# SKIP no XFRM in this kernel"; exit 0; }

dir=$(mktemp -d)
inet=$(ns_new inet)
r=$(ns_new relay)
e1=$(ns_new ep1)
e2=$(ns_new ep2)
e3=$(ns_new ep3)
relayd=
kx=
trap relay_cleanup EXIT

check "the tls module loads" modprobe -a tls azconnect
inet_new "$inet"
check "relay on the internet" inet_attach "$r" wan 198.51.100.1 p-relay
check "endpoint 1 on the internet" inet_attach "$e1" wan 198.51.100.11 p-ep1
check "endpoint 2 on the internet" inet_attach "$e2" wan 198.51.100.12 p-ep2
check "endpoint 3 on the internet" inet_attach "$e3" wan 198.51.100.13 p-ep3

relay_start "$r" ep1 ep2 ep3
check "relay starts" wait_until 20 has_fingerprint "$dir/relayd.log"
fp=$(relay_fingerprint "$dir/relayd.log")

# ep2's key: its session publishes it, azc-keyx-xfrm answers with it.
mkdir -p "$dir/keys"
check "ep2's key" azc-noise genkey "$dir/keys/ep2.key"

up() {		# up NS NAME [OPTIONS...]: ep_up with its key, no DNS
	ep_up "$1" "$2" --key-file "$dir/keys/$2.key" --dns off "${@:3}"
}
spi() {		# spi NS in|out PEER: the SPI of azconnect's SA with PEER
	ep_sa "$1" dump azc0 | sed -n "s/.* dir=$2 spi=\\([0-9]*\\) peer=$3 .*/\\1/p" | head -n 1
}
nsas() {	# nsas NS PEER: azconnect's SAs with PEER
	ep_sa "$1" dump azc0 | grep -c " peer=$2 "
}
xstate() {	# xstate SRC DST SPI: ep2's XFRM state, with its counters (key blanked)
	ip -n "$e2" -s xfrm state get src "$1" dst "$2" proto esp \
		spi "$(printf '0x%08x' "${3:-0}")" |
		awk '$1 == "aead" { $3 = "<" (length($3) - 2) / 2 "-byte key>" } { print }'
}
xpackets() {	# xpackets SRC DST SPI: the packets of ep2's XFRM state
	xstate "$@" | sed -n 's/.*(bytes), *\([0-9]*\)(packets).*/\1/p'
}
xerrors() {	# xerrors SRC DST SPI: "replay R failed F" of ep2's XFRM state
	xstate "$@" | sed -n 's/.*replay-window [0-9]* replay \([0-9]*\) failed \([0-9]*\).*/replay \1 failed \2/p'
}
xstat() {	# xstat NAME: a counter of /proc/net/xfrm_stat in ep2
	ip netns exec "$e2" awk -v n="$1" '$1 == n { print $2 }' /proc/net/xfrm_stat
}
icmp6() {	# icmp6 NS NAME: a counter of /proc/net/snmp6
	ip netns exec "$1" awk -v n="$2" '$1 == n { print $2 }' /proc/net/snmp6
}
ping6() {	# ping6 NS ADDR [ARGS...]
	ip netns exec "$1" ping -6 -c 3 -i 0.3 -W 5 "${@:3}" "$2"
}
keyfp() {	# keyfp B64: the key's fingerprint, as the tools write it
	python3 -c 'import base64, hashlib, sys
print("SHA256:" + base64.b64encode(hashlib.sha256(base64.b64decode(sys.argv[1])).digest()).decode().rstrip("="))' "$1"
}
ere() {		# ere TEXT: TEXT as an extended regular expression
	printf '%s' "$1" | sed 's/[][\\.*+?^$(){}|/]/\\&/g'
}
keyed_more() {	# keyed_more N: azc-keyx-xfrm keyed more than N times
	[ "$(grep -c '^keyed ' "$dir/kx.log")" -gt "$1" ]
}
published() {	# published NAME: its key registration settled
	grep -Eq 'name service: key: (published|.*refused)' "$dir/$1.err"
}

check "endpoint 1 up (esp required)" up "$e1" ep1
check "endpoint 2 up (esp off)" up "$e2" ep2 --esp off
check "endpoint 1 has its overlay address" wait_until 60 has_overlay "$e1"
check "endpoint 2 has its overlay address" wait_until 60 has_overlay "$e2"
[ "$T_FAILED" = 0 ] || t_done
a1=$(overlay_addr "$e1")
a2=$(overlay_addr "$e2")
echo "# ep1 $a1, ep2 $a2"
check "ep1's key is published" wait_until 60 published ep1
check "ep2's key is published" wait_until 60 published ep2
check_out "... by the name service" "key: published" cat "$dir/ep2.err"
check_eq "ep1 requires ESP (status)" required ep_st "$e1" ep1 esp
ns=$(ep_st "$e2" ep2 name_server)
echo "# name service $ns"

check_out "ep2's device leaves ESP to XFRM (esp xfrm)" '^ok$' ep_sa "$e2" esp azc0 xfrm
ip netns exec "$e2" azc-keyx-xfrm azc0 "$dir/keys/ep2.key" "$ns" \
	--timeout 900 >"$dir/kx.log" 2>&1 &
kx=$!
check "azc-keyx-xfrm listens on ep2" wait_until 20 grep -q '^listening$' "$dir/kx.log"

ip netns exec "$r" tcpdump -i azc-relay -U -w "$dir/cap.pcap" -n ip6 \
	>"$dir/tcpdump.log" 2>&1 &
capture=$!
check "the capture starts on the relay's device" \
	wait_until 20 grep -Eq 'listening on' "$dir/tcpdump.log"

# --- keyed: azconnectctl initiates, XFRM answers ----------------------------

# ep1's first packets wait in azconnect.ko for the exchange and leave as
# ESP once ep1 has its transmit SA; ep2's replies to them are dropped by
# XFRM until message 3 gives it a transmit state (the kernel holds no
# ICMPv6 for a missing state). The next ping6 is the check.
ping6 "$e1" "$a2" -c 2 >"$dir/ping0" 2>&1
echo "# ping6 ep1 -> ep2 during the exchange: $(grep -o '[0-9]* received' "$dir/ping0")"
check "azc-keyx-xfrm keyed XFRM" \
	wait_until 20 grep -q "^keyed in=[0-9]* out=[0-9]* peer=$a1\$" "$dir/kx.log"
check "ping6 ep1 -> ep2 (azconnect -> XFRM)" ping6 "$e1" "$a2"
check "ep1 keyed as the initiator" \
	grep -q "esp: keyed with $a2 as initiator" "$dir/ep1.err"
check "ping6 ep2 -> ep1 (XFRM -> azconnect)" ping6 "$e2" "$a1"
xin=$(sed -n 's/^keyed in=\([0-9]*\) out=.*/\1/p' "$dir/kx.log" | tail -n 1)
xout=$(sed -n 's/^keyed in=[0-9]* out=\([0-9]*\) .*/\1/p' "$dir/kx.log" | tail -n 1)
s12=$(spi "$e1" out "$a2")
s21=$(spi "$e1" in "$a2")
echo "# SPIs: ep1 -> ep2 $s12 (XFRM in $xin), ep2 -> ep1 $s21 (XFRM out $xout)"
check_eq "one exchange" 1 grep -c '^keyed ' "$dir/kx.log"
check_eq "ep1 has one SA each way" 2 nsas "$e1" "$a2"
check_eq "ep1's transmit SPI is XFRM's receive SPI" "$xin" echo "$s12"
check_eq "XFRM's transmit SPI is ep1's receive SPI" "$xout" echo "$s21"
check "SPIs are above 255" test "${s12:-0}" -gt 255 -a "${s21:-0}" -gt 255
check_out "ep2's XFRM state ep1 -> ep2 has that SPI, transport mode" \
	"proto esp spi $(printf '0x%08x' "${s12:-0}")[( ].*mode transport" xstate "$a1" "$a2" "$s12"
check_out "... AES-256-GCM (and salt) with a 128-bit ICV" 'aead rfc4106\(gcm\(aes\)\) <36-byte key> (\(288 bits\) )?128' \
	xstate "$a1" "$a2" "$s12"
check_out "... and extended sequence numbers" 'flag .*esn' xstate "$a1" "$a2" "$s12"
check_out "ep2's XFRM state ep2 -> ep1 has the other" \
	"proto esp spi $(printf '0x%08x' "${s21:-0}")[( ].*mode transport" xstate "$a2" "$a1" "$s21"
check_out "ep2's ESP policies, both ways" "dir out priority 1000" \
	ip -n "$e2" xfrm policy list src "$a2/128" dst "$a1/128"
check_out "... and the exchange's bypass" "proto udp dport 4500" \
	ip -n "$e2" xfrm policy list src "$a1/128" dst "$a2/128" dir in

# --- TCP both ways -------------------------------------------------------------

marker=AZC-XFRM-MARKER-$RANDOM$RANDOM
n=$((${#marker} * 64 * 500))
marker_server "$e2" 5001 "$marker" "$dir/tcp2"
check "the TCP server on ep2 listens" wait_until 20 grep -Eq '^ready$' "$dir/tcp2"
marker_send "$e1" "$a2" 5001 "$marker" >"$dir/tcpc1" 2>&1
check "a TCP stream ep1 -> ep2 ($n bytes, with a marker)" \
	wait_until 30 grep -Eq "^got $n marker\$" "$dir/tcp2"
marker_server "$e1" 5002 "$marker" "$dir/tcp1"
check "the TCP server on ep1 listens" wait_until 20 grep -Eq '^ready$' "$dir/tcp1"
marker_send "$e2" "$a1" 5002 "$marker" >"$dir/tcpc2" 2>&1
check "a TCP stream ep2 -> ep1 ($n bytes, with a marker)" \
	wait_until 30 grep -Eq "^got $n marker\$" "$dir/tcp1"

# --- what each side counted, what the relay saw --------------------------------

sleep 1
kill "$capture"
wait "$capture" 2>/dev/null
p_in=$(xpackets "$a1" "$a2" "$s12")
p_out=$(xpackets "$a2" "$a1" "$s21")
echo "# XFRM packets: in $p_in, out $p_out"
check "ep2's XFRM receive state carried packets" test "${p_in:-0}" -gt 100
check "ep2's XFRM transmit state carried packets" test "${p_out:-0}" -gt 100
check_eq "... the receive state without replay nor integrity failures" \
	"replay 0 failed 0" xerrors "$a1" "$a2" "$s12"
for c in XfrmInStateProtoError XfrmInStateSeqError XfrmInNoStates XfrmInTmplMismatch XfrmOutStateSeqError; do
	check_eq "ep2's $c is 0" 0 xstat "$c"
done
for c in rx_esp_bad_icv rx_esp_replay rx_esp_malformed rx_esp_unknown_spi; do
	check_eq "ep1's $c is 0" 0 ep_drop "$e1" "$c"
done
check_eq "ep2's azconnect SAs: none (XFRM has them)" 0 nsas "$e2" "$a1"

ip netns exec "$r" tcpdump -r "$dir/cap.pcap" -n \
	"ip6 and ((src $a1 and dst $a2) or (src $a2 and dst $a1))" >"$dir/cap.txt" 2>/dev/null
echo "# the capture between ep1 and ep2: $(wc -l <"$dir/cap.txt") packets"
check_out "the relay saw the exchange on UDP port 4500" \
	"$(ere "$a1").4500 > $(ere "$a2").4500: UDP" cat "$dir/cap.txt"
check_out "... and ESP ep1 -> ep2 with the negotiated SPI" \
	"$(ere "$a1") > $(ere "$a2"): ESP\\(spi=$(printf '0x%08x' "${s12:-0}")" cat "$dir/cap.txt"
check_out "... and ESP ep2 -> ep1 with the other" \
	"$(ere "$a2") > $(ere "$a1"): ESP\\(spi=$(printf '0x%08x' "${s21:-0}")" cat "$dir/cap.txt"
check_eq "... and nothing else between them" "" \
	grep -v -e 'ESP(spi=' -e '\.4500: UDP' "$dir/cap.txt"
check_fail "the marker is nowhere in the capture" grep -aq "$marker" "$dir/cap.pcap"

# --- 1500-byte packets --------------------------------------------------------

# azconnect -> XFRM: ep1's first big packet meets azconnect's Packet Too
# Big for its ESP overhead, then ep1's stack fragments before ESP; XFRM
# decrypts each fragment and ep2 reassembles: its echo requests count.
ip netns exec "$e1" ping -6 -c 1 -W 2 -s 1452 "$a2" >/dev/null 2>&1
echos=$(icmp6 "$e2" Icmp6InEchos)
ip netns exec "$e1" ping -6 -c 3 -i 0.3 -W 2 -s 1452 "$a2" >"$dir/ping-big1" 2>&1
check "1500-byte ping6 ep1 -> ep2: XFRM takes azconnect's ESP fragments" \
	test "$(($(icmp6 "$e2" Icmp6InEchos) - echos))" -ge 3
# XFRM -> azconnect, a known gap (measured, not checked): XFRM in transport
# mode fragments a 1500-byte datagram after ESP (RFC 4303 3.3.5 allows it),
# and azconnect.ko, which does not reassemble before ESP (3.4.1), drops the
# fragments as clear text (rx-esp-required). So neither ep2's echo replies
# above nor its own 1500-byte ping6 get through.
req=$(ep_drop "$e1" rx_esp_required)
ip netns exec "$e2" ping -6 -c 3 -i 0.3 -W 2 -s 1452 "$a1" >"$dir/ping-big2" 2>&1
echo "# 1500-byte ping6 ep1 -> ep2: $(grep -o '[0-9]* received' "$dir/ping-big1");" \
	"ep2 -> ep1: $(grep -o '[0-9]* received' "$dir/ping-big2");" \
	"ep1's rx_esp_required +$(($(ep_drop "$e1" rx_esp_required) - req)) (XFRM's ESP fragments)"

# --- a later exchange: ep1's session comes back ------------------------------

k0=$(grep -c '^keyed ' "$dir/kx.log")
check "ep1 down" ep_down "$e1" ep1
check "ep1 up again" up "$e1" ep1
check "... has its overlay address" wait_until 60 has_overlay "$e1"
a1=$(overlay_addr "$e1")
ip netns exec "$e1" ping -6 -c 2 -i 0.3 -W 2 "$a2" >/dev/null 2>&1
check "azc-keyx-xfrm answers a later exchange" wait_until 30 keyed_more "$k0"
check_out "... with ep1" "^keyed .* peer=$(ere "$a1")\$" tail -n 1 "$dir/kx.log"
check "ping6 ep1 -> ep2 on the new SAs" ping6 "$e1" "$a2"
check "ping6 ep2 -> ep1" ping6 "$e2" "$a1"
s12=$(spi "$e1" out "$a2")
s21=$(spi "$e1" in "$a2")
check_out "ep2's XFRM has ep1's new transmit SPI" \
	"proto esp spi $(printf '0x%08x' "${s12:-0}")[( ]" xstate "$a1" "$a2" "$s12"
check_out "... and ep1's new receive SPI" \
	"proto esp spi $(printf '0x%08x' "${s21:-0}")[( ]" xstate "$a2" "$a1" "$s21"
check_eq "... and one state each way with ep1, the old ones deleted" "1 1" \
	echo "$(ip -n "$e2" xfrm state list src "$a1" dst "$a2" | grep -c '^src ')" \
	"$(ip -n "$e2" xfrm state list src "$a2" dst "$a1" | grep -c '^src ')"

# --- an initiator whose key is not the published one ------------------------

check "endpoint 3 up" up "$e3" ep3
check "... its key is published (and pinned)" wait_until 60 grep -q 'name service: key: published' "$dir/ep3.err"
fp3old=$(keyfp "$(ep_st "$e3" ep3 public_key)")
check "ep3 down" ep_down "$e3" ep3
azc-noise genkey "$dir/keys/ep3-new.key" >/dev/null
check "ep3 up with a new key" up "$e3" ep3 --key-file "$dir/keys/ep3-new.key"
check "... which the relay's pin refuses" \
	wait_until 60 grep -q 'name service: key: .*refused' "$dir/ep3.err"
a3=$(overlay_addr "$e3")
fp3=$(keyfp "$(ep_st "$e3" ep3 public_key)")
check_fail "ping6 ep3 -> ep2 fails" ping6 "$e3" "$a2" -c 2
check "azc-keyx-xfrm refused ep3's exchange: its key is not the published one" \
	wait_until 20 grep -qF "refused $a3's handshake: it holds key $fp3, the name service has $fp3old" \
	"$dir/kx.log"
check_eq "... and loaded nothing for it" "" ip -n "$e2" xfrm state list src "$a3"
check "ep3 down" ep_down "$e3" ep3

# --- the end -----------------------------------------------------------------------

secret=$(head -c 44 "$dir/keys/ep2.key")
check_fail "ep2's private key is in no log nor state file" \
	grep -rqF -- "$secret" "$dir"/*.err "$dir"/run-* "$dir/relayd.log" "$dir/kx.log"
kill -TERM "$kx"
wait "$kx"
check "azc-keyx-xfrm exits with an exchange done" test $? -eq 0
kx=
sed 's/^/# azc-keyx-xfrm: /' "$dir/kx.log"
grep 'esp:' "$dir/ep1.err" | sed 's/^/# ep1: /'
check_eq "... and removes its XFRM states" "" ip -n "$e2" xfrm state list
check_eq "... and policies" "" ip -n "$e2" xfrm policy list
check "ep1 down" ep_down "$e1" ep1
check_eq "... its SAs are deleted" 0 nsas "$e1" "$a2"
check "ep2 down" ep_down "$e2" ep2
kill -TERM "$relayd"
wait "$relayd"
check "relay exits cleanly" test $? -eq 0
relayd=
t_done
