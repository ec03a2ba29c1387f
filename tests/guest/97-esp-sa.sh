#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 900
# ESP between endpoints in the kernel (issue 11, the kernel's part), keyed
# by hand with azc-sa (the sessions with --esp off, so that azconnectctl
# keys nothing itself): azconnect-relayd and two endpoints over an IPv4-only
# "internet", as in 93-names:
# - random AES-GCM keys installed both ways; ping6 (1500-byte packets too,
#   through the Packet Too Big the device sends for ESP's overhead) and a
#   TCP stream between the endpoints; a capture on the relay's device sees
#   only ESP between them, never the marker sent inside;
# - a wrong key: rx-esp-bad-icv, nothing passes; the receiver's SA
#   deleted: rx-esp-unknown-spi;
# - esp required: clear text from the other endpoint dropped
#   (rx-esp-required) while ND, ping and DNS with the relay still work;
#   a packet with no SA waits, sa-acquire-ntf asks for one, and the packet
#   leaves once the SA is in;
# - soft and hard packet limits: sa-expire-ntf, the SA goes, the older
#   slot takes over;
# - sa-get never reports the key; an unprivileged user gets EPERM, root of
#   a user namespace only on a device of its own namespace;
# - azconnectctl show lists the SAs (text and JSON), never a key; for an
#   unprivileged user it still works, without them.
. "$(dirname "$0")/lib.sh"
umask 077
# shellcheck source=../../scripts/lib-overlay.sh
. "$AZC_TREE/scripts/lib-overlay.sh"

for t in tcpdump dig; do
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

pos() {		# pos NS REASON: the counter is above 0
	[ "$(ep_drop "$1" "$2")" -gt 0 ]
}
key() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
ping6() {	# ping6 NS ADDR [ARGS...]
	ip netns exec "$1" ping -6 -c 3 -i 0.3 -W 3 "${@:3}" "$2"
}

check "clear text between the endpoints before any SA (esp off)" ping6 "$e1" "$a2"

# --- SAs both ways -------------------------------------------------------

k12=$(key 20)		# ep1 -> ep2, AES-128-GCM
k21=$(key 36)		# ep2 -> ep1, AES-256-GCM
check_out "ep1: transmit SA to ep2" '^ok$' ep_sa "$e1" add azc0 out 4097 "$a2" 128 "$k12"
check_out "ep2: receive SA from ep1" '^ok$' ep_sa "$e2" add azc0 in 4097 "$a1" 128 "$k12"
check_out "ep2: transmit SA to ep1 (AES-256)" '^ok$' ep_sa "$e2" add azc0 out 8193 "$a1" 256 "$k21"
check_out "ep1: receive SA from ep2" '^ok$' ep_sa "$e1" add azc0 in 8193 "$a2" 256 "$k21"

ip netns exec "$r" tcpdump -i azc-relay -U -w "$dir/cap.pcap" -n ip6 \
	>"$dir/tcpdump.log" 2>&1 &
capture=$!
check "the capture starts on the relay's device" \
	wait_until 20 grep -Eq 'listening on' "$dir/tcpdump.log"

check "ping6 ep1 -> ep2 with ESP" ping6 "$e1" "$a2"
check "ping6 ep2 -> ep1 with ESP" ping6 "$e2" "$a1"
check_out "ep1's transmit SA counted them" 'dir=out spi=4097 .* packets=[1-9]' \
	ep_sa "$e1" get azc0 out 4097
check_out "ep2's receive SA too, without drops" \
	'dir=in spi=4097 .* packets=[1-9][0-9]* .*replay_drops=0 bad_icv_drops=0' \
	ep_sa "$e2" get azc0 in 4097
# The first 1500-byte packet each way meets the Packet Too Big that sets
# the path MTU for ESP's overhead; from then on the stack fragments.
ip netns exec "$e1" ping -6 -c 2 -i 0.3 -W 2 -s 1452 "$a2" >/dev/null 2>&1
check "1500-byte ping6 ep1 -> ep2 with ESP" ping6 "$e1" "$a2" -s 1452
check_out "the device asked for a smaller packet (tx-too-big, Packet Too Big)" \
	'^[1-9]' ep_drop "$e1" tx_too_big
check_out "... with the room ESP leaves in a 1500-byte MRU: 1466" \
	'mtu 1466' ip -n "$e1" -6 route get "$a2"

marker=AZC-ESP-MARKER-$RANDOM$RANDOM
marker_server "$e2" 5001 "$marker" "$dir/tcp"
check "the TCP server on ep2 listens" wait_until 20 grep -Eq '^ready$' "$dir/tcp"
marker_send "$e1" "$a2" 5001 "$marker" 1000 >"$dir/tcpc" 2>&1
n=$((${#marker} * 64 * 1000))
check "a TCP stream ep1 -> ep2 with ESP ($n bytes)" \
	wait_until 30 grep -Eq "^got $n marker\$" "$dir/tcp"
sleep 1
kill "$capture"
wait "$capture" 2>/dev/null
ip netns exec "$r" tcpdump -r "$dir/cap.pcap" -n \
	"ip6 and ((src $a1 and dst $a2) or (src $a2 and dst $a1))" >"$dir/cap.txt" 2>/dev/null
echo "# the capture between the endpoints: $(wc -l <"$dir/cap.txt") packets"
check_out "the relay saw ESP between the endpoints" 'ESP\(spi=0x00001001' cat "$dir/cap.txt"
check_out "... both ways" 'ESP\(spi=0x00002001' cat "$dir/cap.txt"
check_eq "... and nothing else between them" "" grep -v 'ESP(spi=' "$dir/cap.txt"
check_fail "the marker is nowhere in the capture" grep -aq "$marker" "$dir/cap.pcap"

# --- what sa-get says ----------------------------------------------------

ep_sa "$e1" dump azc0 --raw >"$dir/dump"
check_eq "sa-get dumps ep1's two SAs" 2 grep -c '^ifindex=' "$dir/dump"
check_fail "... without a key attribute" grep -q KEY-PRESENT "$dir/dump"
check_fail "... nor its bytes" grep -qi -e "${k12:0:32}" -e "${k21:0:64}" "$dir/dump"

# --- what azconnectctl show says -----------------------------------------

sas_of() {	# sas_of FILE: the SAs in show --json, "dir spi peer packets>0|..."
	python3 -c '
import json, sys
devs = json.load(open(sys.argv[1]))
print("|".join(sorted("%s %d %s %s" % (s["dir"], s["spi"], s["peer"], s["packets"] > 0)
		      for d in devs for s in d.get("sas", []))))' "$1"
}
ip netns exec "$e1" azconnectctl show >"$dir/show" 2>&1
ip netns exec "$e1" azconnectctl show --json >"$dir/show.json" 2>&1
check_out "show lists ep1's transmit SA" \
	"^    sa out spi 0x00001001 peer $a2 aes-gcm-128 age [0-9]+s packets [1-9][0-9]* bytes [1-9][0-9]* seq [1-9][0-9]* replay-drops 0 bad-icv-drops 0\$" \
	cat "$dir/show"
check_out "... and its receive SA" \
	"^    sa in spi 0x00002001 peer $a2 aes-gcm-256 age [0-9]+s packets [1-9][0-9]* bytes [1-9][0-9]* seq [1-9][0-9]* replay-drops 0 bad-icv-drops 0\$" \
	cat "$dir/show"
check_eq "... two SAs, no more" 2 grep -c '^    sa ' "$dir/show"
check_eq "show --json: the same SPIs and peer, packets counted" \
	"in 8193 $a2 True|out 4097 $a2 True" sas_of "$dir/show.json"
check_eq "... the SPI a number" int python3 -c \
	'import json, sys; print(type(json.load(open(sys.argv[1]))[0]["sas"][0]["spi"]).__name__)' \
	"$dir/show.json"
check_fail "show never shows a key" \
	grep -qi -e "$k12" -e "$k21" -e "${k12:0:32}" -e "${k21:0:64}" "$dir/show" "$dir/show.json"
show_nobody() {
	ip netns exec "$e1" setpriv --reuid=65534 --regid=65534 --clear-groups \
		azconnectctl show "$@"
}
check "an unprivileged user's show still works" show_nobody
check_out "... and says why it lists no SAs" \
	'^    note: SAs not shown, listing them needs CAP_NET_ADMIN$' show_nobody
check_eq "... listing none" 0 grep -c '^    sa ' <(show_nobody)
show_nobody --json >"$dir/show-nobody.json" 2>&1
check_eq "... nor in JSON, where the device has no \"sas\"" "azc0 False" python3 -c \
	'import json, sys; d = json.load(open(sys.argv[1]))[0]; print(d["ifname"], "sas" in d)' \
	"$dir/show-nobody.json"

# --- a wrong key, an unknown SPI -----------------------------------------

check_out "ep2's receive SA deleted" '^ok$' ep_sa "$e2" del azc0 in 4097
check_out "... and made again with another key" '^ok$' \
	ep_sa "$e2" add azc0 in 4097 "$a1" 128 "$(key 20)"
check_fail "with the wrong key nothing passes" ping6 "$e1" "$a2" -c 2
check "ep2 counted them (rx_esp_bad_icv)" pos "$e2" rx_esp_bad_icv
check_out "... on the SA too" 'bad_icv_drops=[1-9]' ep_sa "$e2" get azc0 in 4097
check_out "without the receive SA" '^ok$' ep_sa "$e2" del azc0 in 4097
check_fail "... nothing passes" ping6 "$e1" "$a2" -c 2
check "ep2 counted them (rx_esp_unknown_spi)" pos "$e2" rx_esp_unknown_spi
check_out "deleting it twice: ENOENT" '^error ENOENT: the device has no SA' \
	ep_sa "$e2" del azc0 in 4097
check_out "the right SA back" '^ok$' ep_sa "$e2" add azc0 in 4097 "$a1" 128 "$k12"
check "ping6 ep1 -> ep2 again" ping6 "$e1" "$a2"

# --- esp required --------------------------------------------------------

check_out "ep2 requires ESP" '^ok$' ep_sa "$e2" esp azc0 required
check_out "ep1 stops using ESP to ep2" '^ok$' ep_sa "$e1" del azc0 out 4097
check_fail "clear text from ep1 does not reach ep2" ping6 "$e1" "$a2" -c 2
check "ep2 counted it (rx_esp_required)" pos "$e2" rx_esp_required
check "ep2 still pings the relay" ping6 "$e2" "$ns"
check "... and its link-local address (neighbor discovery)" \
	ping6 "$e2" "$(python3 -c 'import ipaddress, sys
print(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + ipaddress.IPv6Address(sys.argv[1]).packed[8:]))' "$ns")%azc0"
check_out "... and asks its name service" 'status: (NOERROR|NXDOMAIN|REFUSED)' \
	ip netns exec "$e2" dig +time=3 +tries=2 @"$ns" SOA azconnect.internal
check_out "... and keeps its route from the relay's RAs" "proto (ra|kernel)" \
	ip -n "$e2" -6 route show dev azc0

check_out "ep1 requires ESP too" '^ok$' ep_sa "$e1" esp azc0 required
# The responder's receive SA first, as a key exchange would; then the
# initiator's transmit SA, within the 3 s a packet waits for it.
check_out "ep2 installs the receive SA of the next exchange" '^ok$' \
	ep_sa "$e2" add azc0 in 4099 "$a1" 128 "$k12"
nosa=$(ep_drop "$e1" tx_esp_no_sa)
ip netns exec "$e1" azc-sa listen 20 1 >"$dir/acq" 2>&1 &
acq=$!
check "ep1 listens for acquires" wait_until 10 grep -Eq '^listening$' "$dir/acq"
ip netns exec "$e1" ping -6 -c 1 -W 15 "$a2" >"$dir/held-ping" 2>&1 &
held=$!
wait_until 10 grep -Eq "^acquire .*peer=$a2" "$dir/acq"
check_out "... and waits: ep1 installs the transmit SA" '^ok$' \
	ep_sa "$e1" add azc0 out 4099 "$a2" 128 "$k12"
check_out "a packet without an SA asked for one (sa-acquire-ntf)" \
	"^acquire ifindex=[0-9]+ dir=out peer=$a2\$" cat "$dir/acq"
wait "$held"
check_out "the held packet left with the SA (the ping is answered)" \
	' 0% packet loss' cat "$dir/held-ping"
check_eq "... without waiting in vain (tx_esp_no_sa)" "$nosa" ep_drop "$e1" tx_esp_no_sa
wait "$acq" 2>/dev/null

# --- limits --------------------------------------------------------------

ip netns exec "$e1" azc-sa listen 30 2 >"$dir/exp" 2>&1 &
exp=$!
check "ep1 listens for expiries" wait_until 10 grep -Eq '^listening$' "$dir/exp"
k=$(key 20)
check_out "ep2 drops the receive SA ep1 no longer uses" '^ok$' ep_sa "$e2" del azc0 in 4097
check_out "ep2: a second receive SA (the next key slot)" '^ok$' \
	ep_sa "$e2" add azc0 in 4100 "$a1" 128 "$k"
check_out "ep1: a second transmit SA, soft at 3 packets, hard at 5" '^ok$' \
	ep_sa "$e1" add azc0 out 4100 "$a2" 128 "$k" soft-packets 3 hard-packets 5
check_out "a third transmit SA for the peer: EBUSY" '^error EBUSY: the peer has two SAs' \
	ep_sa "$e1" add azc0 out 4101 "$a2" 128 "$k"
ip netns exec "$e1" ping -6 -c 8 -i 0.3 -W 3 "$a2" >"$dir/lim-ping" 2>&1
wait_until 10 grep -Eq 'expire=soft' "$dir/exp"
check_out "soft limit: sa-expire-ntf" 'expire ifindex=.* spi=4100 .*expire=soft limit=packets' \
	cat "$dir/exp"
wait_until 10 grep -Eq 'expire=hard' "$dir/exp"
check_out "hard limit: sa-expire-ntf" 'expire ifindex=.* spi=4100 .*expire=hard limit=packets' \
	cat "$dir/exp"
check_fail "... and the SA is gone" grep -q 'spi=4100' <(ep_sa "$e1" dump azc0)
check_out "the older SA took over: every ping answered" ' 0% packet loss' cat "$dir/lim-ping"
wait "$exp" 2>/dev/null

# --- privileges ----------------------------------------------------------

as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
check_out "an unprivileged user may not add an SA" '^error EPERM' \
	ip netns exec "$e1" setpriv --reuid=65534 --regid=65534 --clear-groups \
	azc-sa add azc0 out 5000 "$a2" 128 "$(key 20)"
check_out "... nor list them" '^error EPERM' \
	ip netns exec "$e1" setpriv --reuid=65534 --regid=65534 --clear-groups \
	azc-sa dump azc0
check_out "root of a user namespace may not add one to the host's device" '^error EPERM' \
	ip netns exec "$e1" setpriv --reuid=65534 --regid=65534 --clear-groups \
	unshare --user --map-root-user azc-sa add azc0 out 5000 "$a2" 128 "$(key 20)"
check_out "... but may on a device of its own namespace" '^ok$' \
	as_nobody unshare --user --map-root-user --net bash -c \
	"ip link add azc9 type azconnect && azc-sa add azc9 out 5000 fd00::5 128 $(key 20)"

check "endpoint 1 down" ep_down "$e1" ep1
check "endpoint 2 down" ep_down "$e2" ep2
kill -TERM "$relayd"
wait "$relayd"
check "relay exits cleanly" test $? -eq 0
relayd=
t_done
