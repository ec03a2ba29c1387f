#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 1200
# End-to-end ESP keyed by azconnectctl (issue 11): azconnect-relayd and
# three endpoints over an IPv4-only "internet", each "azconnectctl up"
# with its defaults (esp required):
# - the first packet from ep1 to ep2 waits while the two sessions run the
#   Noise IK exchange over UDP port 4500 on the overlay, each checking the
#   other's key with the name service; then ping6, a TCP stream and iperf3
#   flow, over one SA each way whose SPIs match crosswise; a capture on
#   the relay's device sees ESP and the exchange only, never the marker
#   sent inside; "azconnectctl status" counts the exchange;
# - ep1's first message sent to ep2 again (five copies at once, by the
#   relay): refused as a replay, read at most every 200 ms, nothing
#   answered and no SA changed;
# - a packet routed through azc0 to an address outside the overlay goes
#   to the relay in clear text (and is dropped there), never held for an
#   SA;
# - a one-way flow (UDP ep1 -> ep2, never answered) for 25 s: ep2 sends
#   keepalives, so ep1 never takes it for gone and nobody keys again;
# - a relay that substitutes a key (taken over: its name service answers
#   ep3's key query with a key of the test's making while ep3's pin
#   stays): ep1 refuses ep3's exchange (the key it holds is not the
#   published one), ep3 cannot read ep1's (made for the substituted key);
#   nothing passes until the relay is itself again;
# - an endpoint with the wrong key (ep2 back with a new key, which the
#   relay's pin refuses): ep1 refuses it, ep2 cannot read ep1's; ep1, whose
#   packets to ep2 now go unanswered, keys again by itself; once the
#   operator resets the pin, they talk again;
# - a rekey every 3 s under an iperf3 stream: no stall over 1 s (what
#   arrives, counted each quarter second), no packet lost to the keying
#   (rx-esp-unknown-spi);
# - "down" deletes the session's SAs; no key in logs or state files.
. "$(dirname "$0")/lib.sh"
# Configs hold tokens: private, or the daemons refuse them.
umask 077
# shellcheck source=../../scripts/lib-overlay.sh
. "$AZC_TREE/scripts/lib-overlay.sh"

for t in tcpdump iperf3 jq nft; do
	command -v "$t" >/dev/null || { echo "# SKIP $t not installed"; exit 0; }
done

dir=$(mktemp -d)
inet=$(ns_new inet)
r=$(ns_new relay)
e1=$(ns_new ep1)
e2=$(ns_new ep2)
e3=$(ns_new ep3)
relayd=
trap relay_cleanup EXIT

check "the tls module loads" modprobe -a tls azconnect
inet_new "$inet"
check "relay on the internet" inet_attach "$r" wan 198.51.100.1 p-relay
check "endpoint 1 on the internet" inet_attach "$e1" wan 198.51.100.11 p-ep1
check "endpoint 2 on the internet" inet_attach "$e2" wan 198.51.100.12 p-ep2
check "endpoint 3 on the internet" inet_attach "$e3" wan 198.51.100.13 p-ep3

# A key of the test's making, which the relay will publish for ep3.
pin3=$(azc-noise genkey "$dir/ep3-substitute.key" | sed -n 's/^public //p')
relay_start "$r" ep1 ep2 ep3
check "relay starts" wait_until 20 has_fingerprint "$dir/relayd.log"
fp=$(relay_fingerprint "$dir/relayd.log")

up() {		# up NS NAME [OPTIONS...]: ep_up with its key, no DNS
	ep_up "$1" "$2" --key-file "$dir/keys/$2.key" --dns off "${@:3}"
}
keyed() {	# keyed NAME N: N "keyed with" lines in its log
	[ "$(grep -c 'esp: keyed with' "$dir/$1.err")" -ge "$2" ]
}
nkeyed() { grep -c 'esp: keyed with' "$dir/$1.err"; }
spi() {		# spi NS in|out PEER: the SPI of the SA with PEER
	ep_sa "$1" dump azc0 | sed -n "s/.* dir=$2 spi=\\([0-9]*\\) peer=$3 .*/\\1/p" | head -n 1
}
nsas() {	# nsas NS PEER: SAs with PEER
	ep_sa "$1" dump azc0 | grep -c " peer=$2 "
}
keyfp() {	# keyfp B64: the key's fingerprint, as the tools write it
	python3 -c 'import base64, hashlib, sys
print("SHA256:" + base64.b64encode(hashlib.sha256(base64.b64decode(sys.argv[1])).digest()).decode().rstrip("="))' "$1"
}
ping6() {	# ping6 NS ADDR [ARGS...]
	ip netns exec "$1" ping -6 -c 3 -i 0.3 -W 5 "${@:3}" "$2"
}
ere() {		# ere TEXT: TEXT as an extended regular expression
	printf '%s' "$1" | sed 's/[][\\.*+?^$(){}|/]/\\&/g'
}

check "endpoint 1 up" up "$e1" ep1
check "endpoint 2 up" up "$e2" ep2
check "endpoint 3 up" up "$e3" ep3
check "endpoint 1 has its overlay address" wait_until 60 has_overlay "$e1"
check "endpoint 2 has its overlay address" wait_until 60 has_overlay "$e2"
check "endpoint 3 has its overlay address" wait_until 60 has_overlay "$e3"
[ "$T_FAILED" = 0 ] || t_done
a1=$(overlay_addr "$e1")
a2=$(overlay_addr "$e2")
a3=$(overlay_addr "$e3")
echo "# ep1 $a1, ep2 $a2, ep3 $a3"
published() {	# published NAME: its key is published
	grep -q 'name service: key: published' "$dir/$1.err"
}
check "ep1's key is published" wait_until 60 published ep1
check "ep2's key is published" wait_until 60 published ep2
check "ep3's key is published" wait_until 60 published ep3
ns=$(ip -n "$r" -6 -o addr show dev azc-relay scope global | awk '{ print $4 }' | cut -d/ -f1)
check_eq "the session requires ESP (status)" required ep_st "$e1" ep1 esp

# --- keyed end to end ----------------------------------------------------

ip netns exec "$r" tcpdump -i azc-relay -U -w "$dir/cap.pcap" -n ip6 \
	>"$dir/tcpdump.log" 2>&1 &
capture=$!
check "the capture starts on the relay's device" \
	wait_until 20 grep -Eq 'listening on' "$dir/tcpdump.log"

check "ping6 ep1 -> ep2: the first packet waits for the keys" ping6 "$e1" "$a2"
check "ep1 keyed as the initiator" \
	grep -q "esp: keyed with $a2 as initiator" "$dir/ep1.err"
check "ep2 keyed as the responder" \
	grep -q "esp: keyed with $a1 as responder" "$dir/ep2.err"
check "ping6 ep2 -> ep1" ping6 "$e2" "$a1"
check_eq "... on the same SAs: one exchange each" "1 1" \
	echo "$(nkeyed ep1) $(nkeyed ep2)"
s12=$(spi "$e1" out "$a2")
s21=$(spi "$e2" out "$a1")
echo "# SPIs: ep1 -> ep2 $s12, ep2 -> ep1 $s21"
check "each side one SA each way" test "$(nsas "$e1" "$a2") $(nsas "$e2" "$a1")" = "2 2"
check_eq "ep1's transmit SPI is ep2's receive SPI" "$s12" spi "$e2" in "$a1"
check_eq "ep2's transmit SPI is ep1's receive SPI" "$s21" spi "$e1" in "$a2"
check "SPIs are random, above 255" test "${s12:-0}" -gt 255 -a "${s21:-0}" -gt 255

marker=AZC-ESP-MARKER-$RANDOM$RANDOM
marker_server "$e2" 5001 "$marker" "$dir/tcp"
check "the TCP server on ep2 listens" wait_until 20 grep -Eq '^ready$' "$dir/tcp"
marker_send "$e1" "$a2" 5001 "$marker" >"$dir/tcpc" 2>&1
n=$((${#marker} * 64 * 500))
check "a TCP stream ep1 -> ep2 ($n bytes, with a marker)" \
	wait_until 30 grep -Eq "^got $n marker\$" "$dir/tcp"
ip netns exec "$e2" iperf3 -s -D -1 -B "$a2" >/dev/null 2>&1
sleep 1
check "iperf3 ep1 -> ep2" ip netns exec "$e1" iperf3 -c "$a2" -t 3 -f m
sleep 1
kill "$capture"
wait "$capture" 2>/dev/null
ip netns exec "$r" tcpdump -r "$dir/cap.pcap" -n \
	"ip6 and ((src $a1 and dst $a2) or (src $a2 and dst $a1))" >"$dir/cap.txt" 2>/dev/null
echo "# the capture between ep1 and ep2: $(wc -l <"$dir/cap.txt") packets"
check_out "the relay saw the exchange on UDP port 4500" \
	"$(ere "$a1").4500 > $(ere "$a2").4500: UDP" cat "$dir/cap.txt"
check_out "... and ESP with the negotiated SPIs" \
	"ESP\\(spi=$(printf '0x%08x' "${s12:-0}")" cat "$dir/cap.txt"
check_out "... both ways" "ESP\\(spi=$(printf '0x%08x' "${s21:-0}")" cat "$dir/cap.txt"
check_eq "... and nothing else between them" "" \
	grep -v -e 'ESP(spi=' -e '\.4500: UDP' "$dir/cap.txt"
check_fail "the marker is nowhere in the capture" grep -aq "$marker" "$dir/cap.pcap"
check_eq "status counts the exchange" 1 ep_st "$e1" ep1 esp_handshakes
check_eq "... and the peer" 1 ep_st "$e1" ep1 esp_peers

# --- a first message sent again ----------------------------------------------
# Whoever is on the path (the relay here) sends ep1's first message of that
# exchange to ep2 again, five times at once: ep2 refuses it by its
# timestamp, answers nothing, keeps its SAs, and reads a peer's first
# messages at most every 200 ms (each costs it two X25519 operations).
python3 - "$dir/cap.pcap" "$a1" "$a2" >"$dir/msg1.hex" <<'PY'
import socket, struct, sys
raw = open(sys.argv[1], "rb").read()
src, dst = (socket.inet_pton(socket.AF_INET6, a) for a in sys.argv[2:4])
end = ">" if raw[:4] == b"\xa1\xb2\xc3\xd4" else "<"
# link-layer header: none (raw IPv6), Linux cooked v1 or v2
skip = {101: 0, 228: 0, 113: 16, 276: 20}[struct.unpack_from(end + "I", raw, 20)[0]]
off = 24
while off + 16 <= len(raw):
    n = struct.unpack_from(end + "I", raw, off + 8)[0]
    p = raw[off + 16 + skip:off + 16 + n]
    off += 16 + n
    if (len(p) > 49 and p[0] >> 4 == 6 and p[6] == 17 and p[8:24] == src
            and p[24:40] == dst and p[42:44] == b"\x11\x94" and p[48] == 1):
        print(*[p.hex()] * 5, sep="\n")
        break
PY
check "ep1's first message is in the relay's capture" test -s "$dir/msg1.hex"
ref=$(ep_st "$e2" ep2 esp_refused)
check_out "the relay sends it to ep2 again, five times" '^sent 5$' \
	ip netns exec "$r" azc-espinject send azc-relay "$dir/msg1.hex"
check "ep2 refuses it: a replayed first message" \
	wait_until 10 grep -q "refused a handshake from $(ere "$a1"): a replayed first message" "$dir/ep2.err"
sleep 1
n=$(($(ep_st "$e2" ep2 esp_refused) - ${ref:-0}))
echo "# ep2 refused $n of the 5 copies"
check "... and reads only the first copies (at most every 200 ms)" \
	test "$n" -ge 1 -a "$n" -lt 5
check_eq "... keeps its SAs with ep1" "2 $s12 $s21" \
	echo "$(nsas "$e2" "$a1") $(spi "$e2" in "$a1") $(spi "$e2" out "$a1")"
check_eq "... and keyed with nobody again" 1 nkeyed ep2
check "ep1 and ep2 still talk" ping6 "$e1" "$a2"

# --- an address outside the overlay -------------------------------------------
# A route through azc0 to a network that is not the overlay's: its packets
# are for the relay, in clear text (which the relay drops: it forwards
# within the overlay only), not held for an SA that could never come.
outside() {	# the relay's rx_outside, all links
	ip netns exec "$r" azconnectctl show --json azc-relay |
		jq '[.[0].link_list[].drops.rx_outside] | add'
}
n=$(outside)
ip -n "$e1" -6 route add 2001:db8:77::/64 dev azc0
check_fail "ep1 -> 2001:db8:77::1, outside the overlay: no answer" \
	ip netns exec "$e1" ping -6 -c 2 -i 0.3 -W 2 2001:db8:77::1
check "... the relay got it in clear text and dropped it (rx_outside)" \
	test "$(outside)" -ge $((${n:-0} + 2))
check_fail "... and ep1 asked for no SA for it" \
	grep -q '2001:db8:77::1' "$dir/ep1.err"
ip -n "$e1" -6 route del 2001:db8:77::/64 dev azc0

# --- a one-way flow -----------------------------------------------------------
# UDP from ep1 to ep2 only, for 25 s, which ep2 reads and never answers:
# ep1 sees packets go out and nothing come back, which after 10 s would
# make it take ep2 for gone and key again. ep2, which only receives,
# sends a keepalive (an echo request over its SA) every 5 s instead.
ip netns exec "$e2" python3 -c '
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("::", 5002))
print("ready", flush=True)
while True:
    s.recv(2000)' >"$dir/oneway" 2>&1 &
sink=$!
check "a UDP sink on ep2" wait_until 20 grep -q '^ready$' "$dir/oneway"
k12="$(nkeyed ep1) $(nkeyed ep2)"
ip netns exec "$e1" python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
end = time.time() + 25
while time.time() < end:
    s.sendto(b"x" * 100, (sys.argv[1], 5002))
    time.sleep(0.1)' "$a2"
kill "$sink"
check_fail "a one-way flow ep1 -> ep2 for 25 s: ep1 never takes ep2 for gone" \
	grep -q "$(ere "$a2") has not answered" "$dir/ep1.err"
check_eq "... and neither keys again" "$k12" echo "$(nkeyed ep1) $(nkeyed ep2)"

# --- a relay that substitutes a key ----------------------------------------
# The relay taken over: its name service answers the query for ep3's key
# with another key (one of the test's making), while ep3's pin stays.

check "ping6 ep1 -> ep3 first, with ep3's own key" ping6 "$e1" "$a3"
check "ep3 down" ep_down "$e3" ep3
check "ep3 up again (a new session: no SAs)" up "$e3" ep3
check "... and registered again" \
	wait_until 60 bash -c "[ \$(grep -c 'name service: key: published' '$dir/ep3.err') -ge 2 ]"
a3=$(overlay_addr "$e3")
rev3=$(python3 -c 'import ipaddress, sys; print(ipaddress.ip_address(sys.argv[1]).reverse_pointer)' "$a3")
ip netns exec "$r" python3 "$AZC_TREE/tests/guest/lib-fakekey.py" 5353 "$ns" \
	"$rev3" "v=azc1 k=x25519 p=$pin3" >"$dir/fake.log" 2>&1 &
fake=$!
check "the relay's forged name service runs" wait_until 20 grep -q '^ready$' "$dir/fake.log"
check "the relay sends ep1's queries to it" ip netns exec "$r" nft -f - <<NFT
table ip6 azc-fake {
	chain pre {
		type nat hook prerouting priority -100;
		iifname "azc-relay" ip6 saddr $a1 udp dport 53 redirect to :5353
	}
}
NFT
check_out "the name service now has another key for ep3" "^public_key=$(ere "$pin3")\$" \
	ip netns exec "$e1" azconnectctl dns key "$a3" --server "$ns"
fp3=$(keyfp "$(ep_st "$e3" ep3 public_key)")
fpsub=$(keyfp "$pin3")
check_fail "ping6 ep3 -> ep1 fails" ping6 "$e3" "$a1" -c 2
check "ep1 refused ep3's exchange: the key it holds is not the published one" \
	wait_until 20 grep -qF "esp: refused $a3's handshake: it holds key $fp3, the name service has $fpsub" \
	"$dir/ep1.err"
ip netns exec "$e1" ping -6 -c 40 -i 0.5 -W 1 "$a3" >/dev/null 2>&1 &
check "ep1, whose old SA ep3 drops, keys again by itself" \
	wait_until 40 grep -q "esp: $(ere "$a3") has not answered for" "$dir/ep1.err"
check "... and ep3 cannot read it (made for the substituted key)" \
	wait_until 30 grep -qF "esp: refused a handshake from $a1: it was not made for this endpoint's key" \
	"$dir/ep3.err"
check "the forged answers were given" grep -q '^substituted' "$dir/fake.log"
check_eq "no new SA between ep1 and ep3: ep3 has none" 0 nsas "$e3" "$a1"
check "ep1 and ep2 still talk" ping6 "$e1" "$a2"
check "status counts ep1's refusal" test "$(ep_st "$e1" ep1 esp_refused)" -ge 1
# The flows conntrack has seen keep going through the proxy: it stops
# forging; new flows (ep1's next session) go straight to the name service.
check "the relay is itself again (no more forged answers)" kill -USR1 "$fake"
check "... and sends new flows to its name service" \
	ip netns exec "$r" nft delete table ip6 azc-fake
check "ep3 and ep1 talk again" wait_until 40 ping6 "$e3" "$a1" -c 1

# --- an endpoint with the wrong key ----------------------------------------

fp2old=$(keyfp "$(ep_st "$e2" ep2 public_key)")
check "ep2 down" ep_down "$e2" ep2
check_eq "... its SAs are gone" 0 nsas "$e2" "$a1"
azc-noise genkey "$dir/keys/ep2-new.key" >/dev/null
chmod 600 "$dir/keys/ep2-new.key"
check "ep2 up with a new key" up "$e2" ep2 --key-file "$dir/keys/ep2-new.key"
check "... which the relay's pin refuses" \
	wait_until 60 grep -q 'name service: key: the name service refused public key' "$dir/ep2.err"
a2=$(overlay_addr "$e2")
fp2new=$(keyfp "$(ep_st "$e2" ep2 public_key)")
check_fail "ping6 ep2 -> ep1 fails" ping6 "$e2" "$a1" -c 2
check "ep1 refused ep2's exchange with the wrong key" \
	wait_until 20 grep -qF "esp: refused $a2's handshake: it holds key $fp2new, the name service has $fp2old" \
	"$dir/ep1.err"
check_fail "ping6 ep1 -> ep2 fails: ep2 drops the old SA's packets" ping6 "$e1" "$a2" -c 2
ip netns exec "$e1" ping -6 -c 40 -i 0.5 -W 1 "$a2" >/dev/null 2>&1 &
check "ep1, unanswered, keys again by itself" \
	wait_until 40 grep -q "esp: $(ere "$a2") has not answered for" "$dir/ep1.err"
check "... and ep2 cannot read it (made for the published key)" \
	wait_until 30 grep -qF "esp: refused a handshake from $a1: it was not made for this endpoint's key" \
	"$dir/ep2.err"
check_out "the operator resets ep2's pin" "^reset 'ep2'" \
	ip netns exec "$r" azconnectctl relay reset-key ep2 --control "$dir/relayd.sock"
check "... and ep2 reconnects" \
	ip netns exec "$r" azconnectctl relay disconnect ep2 --control "$dir/relayd.sock"
check "ep2's new key is published" \
	wait_until 90 grep -qF "name service: key: published public key $fp2new" "$dir/ep2.err"
a2=$(overlay_addr "$e2")
check "ping6 ep2 -> ep1 again" wait_until 30 ping6 "$e2" "$a1" -c 1
check "ping6 ep1 -> ep2 again" wait_until 30 ping6 "$e1" "$a2" -c 1

# --- rekey under load ------------------------------------------------------

check "ep1 down" ep_down "$e1" ep1
check "ep2 down" ep_down "$e2" ep2
check "ep1 up, rekeying every 3 s" up "$e1" ep1 --esp-rekey 3
check "ep2 up, rekeying every 3 s" up "$e2" ep2 --esp-rekey 3 \
	--key-file "$dir/keys/ep2-new.key"
check "both have their overlay address" \
	wait_until 60 bash -c "[ -n \"\$(ip -n $e1 -6 -o addr show dev azc0 scope global)\" ] && [ -n \"\$(ip -n $e2 -6 -o addr show dev azc0 scope global)\" ]"
a1=$(overlay_addr "$e1")
a2=$(overlay_addr "$e2")
check "keyed again" wait_until 30 ping6 "$e1" "$a2" -c 1
unk1=$(ep_drop "$e1" rx_esp_unknown_spi)
unk2=$(ep_drop "$e2" rx_esp_unknown_spi)
k1=$(nkeyed ep1)
k2=$(nkeyed ep2)
ip netns exec "$e2" iperf3 -s -D -1 -B "$a2" >/dev/null 2>&1
sleep 1
# When each exchange ended, for the record when a check below fails.
(
	t0=$(date +%s.%N) n=$k1
	while sleep 0.1; do
		m=$(nkeyed ep1)
		[ "$m" != "$n" ] && echo "$(echo "$(date +%s.%N) - $t0" | bc) s: ep1 keyed ($m)" && n=$m
	done
) >"$dir/rekey-times" 2>&1 &
watch=$!
# ep2 sends (-R), ep1 receives and counts what arrives each quarter second
check "iperf3 ep2 -> ep1 for 15 s while the keys change" \
	ip netns exec "$e1" iperf3 -c "$a2" -R -t 15 -i 0.25 -J --logfile "$dir/iperf.json"
kill "$watch"
rekeys=$(($(nkeyed ep1) - k1 + $(nkeyed ep2) - k2))
echo "# $rekeys exchanges during the stream"
check "... with at least 3 rekeys" test "$rekeys" -ge 6
f=$T_FAILED
# A stall of more than 1 s empties at least three quarters in a row.
check_eq "... without a stall over 1 s (three empty quarter seconds in a row)" 0 \
	jq '[.intervals[].sum.bytes] as $b | [range(0; ($b | length) - 2) |
		select($b[.] == 0 and $b[. + 1] == 0 and $b[. + 2] == 0)] | length' "$dir/iperf.json"
echo "# quarter seconds without data: $(jq '[.intervals[].sum | select(.bytes == 0)] | length' "$dir/iperf.json")"
[ "$T_FAILED" = "$f" ] ||
	{
		jq -r '.intervals[].sum | "# \(.start) s: \(.bytes) bytes, \(.retransmits) retransmits"' \
			"$dir/iperf.json"
		sed 's/^/# /' "$dir/rekey-times"
		for n in "$e1" "$e2"; do
			echo "# $n: $(ip netns exec "$n" azconnectctl show --json azc0 | jq -c '.[0].link_list[0].drops')"
		done
		echo "# relay: $(ip netns exec "$r" azconnectctl show --json azc-relay | jq -c '[.[0].link_list[].drops]')"
	}
check_eq "... nor a packet lost to keying at ep1 (rx-esp-unknown-spi)" "$unk1" ep_drop "$e1" rx_esp_unknown_spi
check_eq "... nor at ep2" "$unk2" ep_drop "$e2" rx_esp_unknown_spi
check "... and old SAs retired: at most two each way" \
	test "$(nsas "$e1" "$a2")" -le 4

# --- the end -----------------------------------------------------------------

for f in "$dir"/keys/ep1.key "$dir"/keys/ep2.key "$dir"/keys/ep2-new.key; do
	secret=$(head -c 44 "$f")
	check_fail "the private key $(basename "$f") is in no log nor state file" \
		grep -rqF -- "$secret" "$dir"/*.err "$dir"/run-* "$dir/relayd.log"
done
check "ep1 down" ep_down "$e1" ep1
check_eq "... its SAs are deleted" 0 nsas "$e1" "$a2"
check "ep2 down" ep_down "$e2" ep2
check "ep3 down" ep_down "$e3" ep3
kill -TERM "$relayd"
wait "$relayd"
check "relay exits cleanly" test $? -eq 0
relayd=
if [ "$T_FAILED" != 0 ]; then
	for f in "$dir"/*.err "$dir/relayd.log"; do
		echo "# --- the last lines of $(basename "$f")"
		tail -n 40 "$f" | sed 's/^/#   /'
	done
fi
t_done
