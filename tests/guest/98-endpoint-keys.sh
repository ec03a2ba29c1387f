#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 600
# Endpoint keys (issue 11, part 1), with azconnect-relayd and three
# endpoints over an IPv4-only "internet":
# - "azconnectctl up" makes the endpoint's X25519 key pair at its first
#   start (0600, in a 0700 directory) and refuses a key file others may
#   read;
# - after AAAA and PTR it publishes its public key, a TXT record
#   "v=azc1 k=x25519 p=BASE64" at the reverse name of its overlay address,
#   which dig and kdig find from another endpoint, the key that
#   "azconnectctl status" shows; "azconnectctl dns key ADDRESS" (the
#   handshake's lookup) finds it too;
# - another endpoint cannot publish a key at ep1's reverse or forward name
#   (REFUSED, logged);
# - the relay pins the first key it sees; a new key for ep1 is refused and
#   logged with both fingerprints, and shown by ep1's status, until
#   "azconnectctl relay reset-key ep1", which is logged too; the pin
#   survives a restart of the relay;
# - "public_key =" in an endpoint's section admits that key only.
. "$(dirname "$0")/lib.sh"
# Configs hold tokens: private, or the daemons refuse them.
umask 077
# shellcheck source=../../scripts/lib-overlay.sh
. "$AZC_TREE/scripts/lib-overlay.sh"

for t in dig kdig nsupdate; do
	command -v "$t" >/dev/null || { echo "# SKIP $t not installed"; exit 0; }
done

dir=$(mktemp -d)
inet=$(ns_new inet)
r=$(ns_new relay)
e1=$(ns_new ep1)
e2=$(ns_new ep2)
e3=$(ns_new ep3)
relayd=
cleanup98() {
	t_kill_sessions "$dir"
	[ -n "$relayd" ] && kill "$relayd" 2>/dev/null
	wait 2>/dev/null
	t_cleanup
	rm -rf "$dir"
}
trap cleanup98 EXIT

check "the tls module loads" modprobe -a tls azconnect
inet_new "$inet"
check "relay on the internet" inet_attach "$r" wan 198.51.100.1 p-relay
check "endpoint 1 on the internet" inet_attach "$e1" wan 198.51.100.11 p-ep1
check "endpoint 2 on the internet" inet_attach "$e2" wan 198.51.100.12 p-ep2
check "endpoint 3 on the internet" inet_attach "$e3" wan 198.51.100.13 p-ep3

# ep3's section pins a key of the test's making, not the one ep3 makes.
pin3=$(azc-noise genkey "$dir/ep3-pinned.key" | sed -n 's/^public //p')
relay_conf ep1 ep2 ep3
echo "public_key = $pin3" >>"$dir/relayd.conf"
relay_run "$r"
check "relay starts" wait_for 20 has_fingerprint "$dir/relayd.log"
fp=$(relay_fingerprint "$dir/relayd.log")

up() {		# up NS NAME [KEYFILE]: ep_up with its key
	ep_up "$1" "$2" --key-file "${3:-$dir/keys/$2.key}"
}
published() {	# published NAME N: N "published" lines in its log
	[ "$(grep -c 'name service: key: published public key' "$dir/$1.err")" -ge "$2" ]
}
keyfp() {	# keyfp B64: the key's fingerprint, as the tools write it
	python3 -c 'import base64, hashlib, sys
print("SHA256:" + base64.b64encode(hashlib.sha256(base64.b64decode(sys.argv[1])).digest()).decode().rstrip("="))' "$1"
}
ere() {		# ere TEXT: TEXT as an extended regular expression
	printf '%s' "$1" | sed 's/[][\\.*+?^$(){}|/]/\\&/g'
}

# --- the key file ---------------------------------------------------------

check "endpoint 1 up" up "$e1" ep1
check_eq "its key file is made at the first start, mode 0600" 600 \
	stat -c %a "$dir/keys/ep1.key"
check_eq "... in a directory of mode 0700" 700 stat -c %a "$dir/keys"
check_out "... and said, with the public key" \
	"a new key pair for endpoint ep1: private key in $(ere "$dir")/keys/ep1\\.key, public key [A-Za-z0-9+/]{43}=" \
	cat "$dir/ep1.err"
cp "$dir/keys/ep1.key" "$dir/open.key"
chmod 644 "$dir/open.key"
check_fail "up refuses a key file that others may read" up "$e2" ep2 "$dir/open.key"
check_out "... and says why" \
	"up: the endpoint's key: $(ere "$dir")/open\\.key holds secrets and every user of this machine may read it \\(mode 0644\\): chmod 600" \
	cat "$dir/ep2.err"
check_fail "... and starts no session" \
	ip netns exec "$e2" azconnectctl status ep2 --run-dir "$dir/run-ep2"
check "endpoint 2 up" up "$e2" ep2
check "endpoint 1 has its overlay address" wait_for 60 has_overlay "$e1"
check "endpoint 2 has its overlay address" wait_for 60 has_overlay "$e2"
a1=$(overlay_addr "$e1")
a2=$(overlay_addr "$e2")
ns=$(ip -n "$r" -6 -o addr show dev azc-relay scope global | awk '{ print $4 }' | cut -d/ -f1)
rev() { python3 -c 'import ipaddress, sys; print(ipaddress.ip_address(sys.argv[1]).reverse_pointer)' "$1"; }
rev1=$(rev "$a1")
revzone=$(echo "$rev1" | cut -d. -f17-)
echo "# ep1 $a1, ep2 $a2, name service $ns, reverse zone $revzone"

# --- publication ----------------------------------------------------------

check "endpoint 1 published its key" wait_for 30 published ep1 1
check "endpoint 2 published its key" wait_for 30 published ep2 1
pub1=$(ep_st "$e1" ep1 public_key)
pub2=$(ep_st "$e2" ep2 public_key)
fp1=$(keyfp "$pub1")
echo "# ep1's key $pub1 ($fp1)"
check_out "azconnectctl status shows the public key" '^[A-Za-z0-9+/]{43}=$' echo "$pub1"
check_eq "... and its fingerprint" "$fp1" ep_st "$e1" ep1 key_fingerprint
check_out "... and that the name service took it" '^published public key SHA256:' \
	ep_st "$e1" ep1 key
check_eq "the private key is in no state file" 0 \
	grep -cF "$(cat "$dir/keys/ep1.key")" "$dir/run-ep1/ep1.state"
q() {		# q NS ARGS...: dig at the name service, short answers
	ip netns exec "$1" dig +time="$(t_secs 2)" +tries=2 +short @"$ns" "${@:2}"
}
check_eq "ep2 finds ep1's key at its reverse name (dig)" \
	"\"v=azc1 k=x25519 p=$pub1\"" q "$e2" TXT "$rev1"
check_eq "... over TCP" "\"v=azc1 k=x25519 p=$pub1\"" q "$e2" +tcp TXT "$rev1"
check_eq "... with kdig" "\"v=azc1 k=x25519 p=$pub1\"" \
	ip netns exec "$e2" kdig +short @"$ns" TXT "$rev1"
check_eq "its PTR is still there" "ep1.azconnect.internal." q "$e2" -x "$a1"
check "the relay pinned ep1's first key, and said so" \
	grep -qF "name service: endpoint 'ep1': key $fp1 pinned (first seen)" "$dir/relayd.log"
check "... in its state directory" grep -qxF "$pub1 ep1" "$dir/state/endpoint-keys"
check_eq "... a file every user may read (public keys)" 644 \
	stat -c %a "$dir/state/endpoint-keys"
check_out "the handshake's lookup finds ep1's key from ep2 (dns key)" \
	"^public_key=$(ere "$pub1")\$" \
	ip netns exec "$e2" azconnectctl dns key "$a1" --run-dir "$dir/run-ep2"
check_out "... and ep2's from ep1" "^public_key=$(ere "$pub2")\$" \
	ip netns exec "$e1" azconnectctl dns key "$a2" --run-dir "$dir/run-ep1"
nobody=${a1%:*}:beef
check_out "... and says when an address has none" \
	"dns key: no key published for $nobody \\(NXDOMAIN\\)" \
	ip netns exec "$e1" azconnectctl dns key "$nobody" --run-dir "$dir/run-ep1"

# --- another endpoint's names --------------------------------------------

upd() {		# upd NS ZONE LINE...: an update by nsupdate
	local n=$1 zone=$2
	shift 2
	{
		echo "server $ns 53"
		echo "zone $zone"
		printf '%s\n' "$@"
		echo send
	} | ip netns exec "$n" nsupdate 2>&1
}
check_out "ep2 cannot publish a key at ep1's reverse name" 'REFUSED' \
	upd "$e2" "$revzone" "update delete $rev1 TXT" \
	"update add $rev1 60 TXT \"v=azc1 k=x25519 p=$pub2\""
check "... and the relay said why" \
	grep -qF "UPDATE from $a2 (endpoint 'ep2') for $revzone: refused: $rev1. is not the reverse name of $a2" \
	"$dir/relayd.log"
check_out "ep2 cannot publish a key at ep1's name either" 'REFUSED' \
	upd "$e2" azconnect.internal \
	"update add ep1.azconnect.internal 60 TXT \"v=azc1 k=x25519 p=$pub2\""
check "... said too" \
	grep -qF "UPDATE from $a2 (endpoint 'ep2') for azconnect.internal: refused: ep1.azconnect.internal. TXT: only AAAA records" \
	"$dir/relayd.log"
check_out "nor a second key at its own reverse name" 'REFUSED' \
	upd "$e2" "$revzone" "update add $(rev "$a2") 60 TXT \"v=azc1 k=x25519 p=$pub1\""
check_eq "ep1's key is still ep1's" "\"v=azc1 k=x25519 p=$pub1\"" q "$e2" TXT "$rev1"

# --- a new key for ep1: refused until the operator resets the pin ---------

check "endpoint 1 down" ep_down "$e1" ep1
mv "$dir/keys/ep1.key" "$dir/ep1-old.key"
check "endpoint 1 up with a new key" up "$e1" ep1
new1=$(ep_st "$e1" ep1 public_key)
newfp1=$(keyfp "$new1")
check "... another key" test -n "$new1" -a "$new1" != "$pub1"
check "the name service refused it, ep1 said so" \
	wait_for 30 grep -qF "name service: key: the name service refused public key $newfp1: REFUSED" "$dir/ep1.err"
check_out "... and its status shows it" "^the name service refused public key" ep_st "$e1" ep1 key
check "the relay logged the refusal with both fingerprints" \
	grep -qF "refused: endpoint 'ep1' publishes key $newfp1, but its key is pinned to $fp1, first seen ('azconnectctl relay reset-key ep1' lets a new one in)" \
	"$dir/relayd.log"
check_eq "the old key is still served" "\"v=azc1 k=x25519 p=$pub1\"" q "$e2" TXT "$rev1"
check_out "azconnectctl relay reset-key ep1" "^reset 'ep1': key $(ere "$fp1") no longer pinned" \
	ip netns exec "$r" azconnectctl relay reset-key ep1 --control "$dir/relayd.sock"
check "... logged" \
	grep -qF "control: endpoint 'ep1': pinned key $fp1 reset by the operator, its key record withdrawn" \
	"$dir/relayd.log"
check_out "... the old key is no longer served" 'flags: qr aa.*ANSWER: 0,' \
	ip netns exec "$e2" dig +time=2 @"$ns" TXT "$rev1"
check_eq "... nor pinned" 0 grep -c ' ep1$' "$dir/state/endpoint-keys"
check "ep1 reconnects (relay disconnect)" \
	ip netns exec "$r" azconnectctl relay disconnect ep1 --control "$dir/relayd.sock"
check "... and its new key is published" wait_for 60 published ep1 2
check "... and pinned" \
	grep -qF "endpoint 'ep1': key $newfp1 pinned (first seen)" "$dir/relayd.log"
check_eq "... and served" "\"v=azc1 k=x25519 p=$new1\"" q "$e2" TXT "$rev1"
check_out "... and found by the lookup" "^public_key=$(ere "$new1")\$" \
	ip netns exec "$e2" azconnectctl dns key "$a1" --run-dir "$dir/run-ep2"

# --- public_key = in relayd.conf -----------------------------------------

check "endpoint 3 up (a key of its own, not the configured one)" up "$e3" ep3
check "... its key is refused" \
	wait_for 60 grep -q "name service: key: the name service refused public key" "$dir/ep3.err"
fp3=$(keyfp "$(ep_st "$e3" ep3 public_key)")
check "... logged: relayd.conf pins another" \
	grep -qF "refused: endpoint 'ep3' publishes key $fp3, but relayd.conf pins $(keyfp "$pin3") (public_key)" \
	"$dir/relayd.log"
check_out "reset-key does not apply to it" "error: endpoint 'ep3' has its key in .*relayd\\.conf \\(public_key\\)" \
	ip netns exec "$r" azconnectctl relay reset-key ep3 --control "$dir/relayd.sock"
check "endpoint 3 down" ep_down "$e3" ep3
check "endpoint 3 up with the configured key" up "$e3" ep3 "$dir/ep3-pinned.key"
check "... which is published" wait_for 60 published ep3 1
check_eq "... and never pinned at first sight" 0 grep -c ' ep3$' "$dir/state/endpoint-keys"

# --- a restart of the relay keeps the pins --------------------------------

kill -TERM "$relayd"
wait "$relayd"
check "relay exits cleanly" test $? -eq 0
relay_run "$r" "$dir/relayd2.log"
check "relay starts again" wait_for 20 has_fingerprint "$dir/relayd2.log"
check "ep1 reconnects and publishes its key again" wait_for 90 published ep1 3
check "ep2 too" wait_for 90 published ep2 2
check_eq "... neither pinned anew (the pins were kept)" 0 \
	grep -c 'pinned (first seen)' "$dir/relayd2.log"
check "endpoint 1 down" ep_down "$e1" ep1
rm "$dir/keys/ep1.key"
check "endpoint 1 up with a third key" up "$e1" ep1
third=$(keyfp "$(ep_st "$e1" ep1 public_key)")
check "... refused: the pin outlived the restart" \
	wait_for 30 grep -qF "refused: endpoint 'ep1' publishes key $third, but its key is pinned to $newfp1" \
	"$dir/relayd2.log"

ep_down "$e1" ep1 >/dev/null
ep_down "$e2" ep2 >/dev/null
ep_down "$e3" ep3 >/dev/null
check_fail "no private key in any log" \
	grep -qF -e "$(cat "$dir/keys/ep1.key")" -e "$(cat "$dir/keys/ep2.key")" \
	-e "$(cat "$dir/ep1-old.key")" "$dir/relayd.log" "$dir/relayd2.log" \
	"$dir/ep1.err" "$dir/ep2.err" "$dir/ep3.err"
kill -TERM "$relayd"
wait "$relayd"
check "relay exits cleanly" test $? -eq 0
relayd=
echo "# ---- relayd logs (keys)"
grep -h 'key' "$dir/relayd.log" "$dir/relayd2.log" | tail -n 20 | sed 's/^/#   /'
t_done
