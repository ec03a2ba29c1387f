#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 900
# The relay's name service forwarded to a primary name server (issue 10,
# dns_update and dns_tsig): Knot DNS as the primary, in the relay's
# namespace on 127.0.0.1:5300, the relay signing with a TSIG key that Knot
# allows to update the zone and its reverse zone:
# - an endpoint's registration reaches Knot (AAAA and PTR), an alias too;
# - a reconnect within the grace period (names_grace = 8) changes nothing
#   there; a withdrawal after it removes the names from Knot;
# - after a restart of the relay, what Knot still holds of endpoints that
#   did not come back goes at the resync, one grace period after the start;
# - a relay with a wrong key is refused by Knot and says so (log, status);
# - a key file other users may read, or dns_update without a key, is
#   refused at start.
. "$(dirname "$0")/lib.sh"
umask 077
# shellcheck source=../../scripts/lib-overlay.sh
. "$AZC_TREE/scripts/lib-overlay.sh"

knotd=$AZC_TREE/build/root/usr/sbin/knotd
keymgr=$AZC_TREE/build/root/usr/sbin/keymgr
for t in "$knotd" "$keymgr"; do
	[ -x "$t" ] || { echo "# SKIP $t missing (scripts/extract-debs)"; exit 0; }
done
for t in kdig knsupdate nsupdate; do
	command -v "$t" >/dev/null || { echo "# SKIP $t not installed"; exit 0; }
done

dir=$(mktemp -d)
inet=$(ns_new inet)
r=$(ns_new relay)
e1=$(ns_new ep1)
e2=$(ns_new ep2)
relayd=
knot=
cleanup94() {
	t_kill_sessions "$dir"
	[ -n "$relayd" ] && kill "$relayd" 2>/dev/null
	[ -n "$knot" ] && kill "$knot" 2>/dev/null
	wait 2>/dev/null
	t_cleanup
	rm -rf "$dir"
}
trap cleanup94 EXIT

check "the tls module loads" modprobe -a tls azconnect
inet_new "$inet"
check "relay on the internet" inet_attach "$r" wan 198.51.100.1 p-relay
check "endpoint 1 on the internet" inet_attach "$e1" wan 198.51.100.11 p-ep1
check "endpoint 2 on the internet" inet_attach "$e2" wan 198.51.100.12 p-ep2

# --- the primary: Knot DNS ---------------------------------------------------

# The overlay /64 is fixed so that Knot's reverse zone can be written first.
prefix=fd94:1:2::
rev=$(python3 -c 'import ipaddress, sys
n = ipaddress.ip_address(sys.argv[1]).exploded.replace(":", "")[:16]
print(".".join(reversed(n)) + ".ip6.arpa")' "$prefix")
echo "# reverse zone $rev"

# The key as keymgr -t writes it (Knot's format), for Knot and the relay.
"$keymgr" -t azc-relay hmac-sha256 >"$dir/relay.key"
secret=$(sed -n 's/^ *secret: //p' "$dir/relay.key")
check "keymgr made a key" test -n "$secret"
# knsupdate -k takes "ALG:NAME:SECRET"
printf 'hmac-sha256:azc-relay:%s\n' "$secret" >"$dir/knsupdate.key"

mkdir -p "$dir/knot"
for z in azconnect.internal "$rev"; do
	cat >"$dir/knot/$z.zone" <<EOF2
\$ORIGIN $z.
\$TTL 60
@ SOA ns.azconnect.internal. hostmaster.azconnect.internal. 1 3600 600 86400 60
@ NS ns.azconnect.internal.
EOF2
done
echo 'ns AAAA ::1' >>"$dir/knot/azconnect.internal.zone"
cat >"$dir/knot.conf" <<EOF2
server:
    rundir: "$dir/knot"
    listen: 127.0.0.1@5300
database:
    storage: "$dir/knot"
log:
  - target: stderr
    any: info
$(sed -n '/^key:/,$p' "$dir/relay.key")
acl:
  - id: relay
    key: azc-relay
    action: update
template:
  - id: default
    storage: "$dir/knot"
    file: "%s.zone"
    acl: relay
    zonefile-sync: -1
    journal-content: changes
zone:
  - domain: azconnect.internal
  - domain: $rev
EOF2
ip netns exec "$r" "$knotd" -c "$dir/knot.conf" >"$dir/knot.log" 2>&1 &
knot=$!
kq() {		# kq ARGS...: kdig at Knot, short answers
	ip netns exec "$r" kdig @127.0.0.1 -p 5300 +short +time=2 +retry=1 "$@"
}
has() {		# has WANT ARGS...: Knot answers WANT (not empty)
	local got
	got=$(kq "${@:2}") || return 1
	[ -n "$1" ] && [ "$got" = "$1" ]
}
gone() {	# gone ARGS...: Knot answers, with no record
	local got
	got=$(kq "$@") || return 1
	[ -z "$got" ]
}
check "Knot serves the zone" wait_for 20 has ns.azconnect.internal. NS azconnect.internal
check_eq "... and the reverse zone" "ns.azconnect.internal." kq NS "$rev"

# --- the relay ---------------------------------------------------------------

tok1=$(azconnect-relayd --gen-token)
tok2=$(azconnect-relayd --gen-token)
printf '%s\n' "$tok1" >"$dir/ep1.token"
printf '%s\n' "$tok2" >"$dir/ep2.token"
conf() {	# conf KEYFILE [EXTRA]: the relay's configuration
	cat >"$dir/relayd.conf" <<EOF2
names_grace = 8
prefix = $prefix/64
dns_update = 127.0.0.1:5300
dns_tsig = $1
${2:-}
[endpoint ep1]
token = "$tok1"
aliases = "www"
[endpoint ep2]
token = "$tok2"
aliases = "db"
EOF2
}
start_relay() {	# start_relay LOG
	ip netns exec "$r" azconnect-relayd --listen 198.51.100.1:443 \
		--config "$dir/relayd.conf" --state-dir "$dir/state" \
		--control "$dir/relayd.sock" >"$1" 2>&1 &
	relayd=$!
	wait_for 20 has_fingerprint "$1"
}
stop_relay() {
	kill -TERM "$relayd"
	wait "$relayd"
	local st=$?
	relayd=
	return $st
}
status() {	# the relay's status, as its operator sees it
	azconnectctl relay status --control "$dir/relayd.sock"
}

conf "$dir/relay.key"
check "relay starts" start_relay "$dir/relayd.log"
check_out "the relay says where the changes go" \
	'primary 127.0.0.1:5300: the name service.s changes go there as UPDATEs signed with key azc-relay\. \(hmac-sha256\.\)' \
	cat "$dir/relayd.log"
check_fail "the secret is not in the relay's log" grep -qF "$secret" "$dir/relayd.log"
fp=$(relay_fingerprint "$dir/relayd.log")

up() {		# up NS NAME
	ip netns exec "$1" azconnectctl up --relay 198.51.100.1 --name "$2" \
		--token-file "$dir/$2.token" --fingerprint "$fp" \
		--run-dir "$dir/run-$2" 2>>"$dir/$2.err"
}
down() {	# down NS NAME
	ip netns exec "$1" azconnectctl down "$2" --run-dir "$dir/run-$2"
}
# registered_n NAME N: NAME's session has said N times that it registered
# (counted at each try of wait_for, not once before it).
registered_n() {
	[ "$(grep -c "registered $1.azconnect.internal" "$dir/$1.err")" -ge "$2" ]
}
check "endpoint 1 up" up "$e1" ep1
check "endpoint 2 up" up "$e2" ep2
check "endpoint 1 has its overlay address" wait_for 60 has_overlay "$e1"
check "endpoint 2 has its overlay address" wait_for 60 has_overlay "$e2"
a1=$(overlay_addr "$e1")
a2=$(overlay_addr "$e2")
ns=$(ip -n "$r" -6 -o addr show dev azc-relay scope global | awk '{ print $4 }' | cut -d/ -f1)
echo "# ep1 $a1, ep2 $a2, name service $ns"
check "endpoint 1 registered its name" \
	wait_for 30 grep -q "name service: registered ep1.azconnect.internal AAAA $a1" "$dir/ep1.err"
check "endpoint 2 registered its name" \
	wait_for 30 grep -q "name service: registered ep2.azconnect.internal AAAA $a2" "$dir/ep2.err"

# --- registrations reach Knot ------------------------------------------------

check "ep1's name reaches Knot (AAAA)" wait_for 20 has "$a1" AAAA ep1.azconnect.internal
check_eq "... and its PTR" "ep1.azconnect.internal." kq -x "$a1"
check "ep2's name reaches Knot" wait_for 20 has "$a2" AAAA ep2.azconnect.internal
check_eq "... and its PTR" "ep2.azconnect.internal." kq -x "$a2"
check_out "Knot applied the relay's signed updates" \
	'\[azconnect\.internal\.\] DDNS' cat "$dir/knot.log"

upd() {		# upd NS LINE...: nsupdate of azconnect.internal at the relay
	local n=$1
	shift
	{
		echo "server $ns 53"
		echo "zone azconnect.internal"
		printf '%s\n' "$@"
		echo send
	} | ip netns exec "$n" nsupdate 2>&1
}
check "ep2 adds its alias at the relay" \
	upd "$e2" "update add db.azconnect.internal 60 AAAA $a2"
check "... and the alias reaches Knot" wait_for 20 has "$a2" AAAA db.azconnect.internal
check_out "the relay's status: the primary answers, nothing refused" \
	'^primary=127\.0\.0\.1:5300 key=azc-relay\. state=ok queued=0 sent=[1-9][0-9]* answered=[1-9][0-9]* refused=0 ' \
	status

# --- reconnects and withdrawal -------------------------------------------------

check "endpoint 1 down" down "$e1" ep1
check "endpoint 1 up again within the grace period" up "$e1" ep1
check "... and registered again" \
	wait_for 30 registered_n ep1 2
check "endpoint 2 down" down "$e2" ep2
sleep 8
check "after the grace period ep2's name is gone from Knot" \
	wait_for 10 gone AAAA ep2.azconnect.internal
check "... its alias too" gone AAAA db.azconnect.internal
check "... and its PTR" gone -x "$a2"
check_eq "ep1's name stays at Knot (it reconnected in time)" "$a1" \
	kq AAAA ep1.azconnect.internal
check_eq "... its PTR too" "ep1.azconnect.internal." kq -x "$a1"
check "endpoint 1 down" down "$e1" ep1

# --- a restart: the resync -------------------------------------------------

check "relay stops" stop_relay
# What a relay that died may leave behind: a name of an endpoint that will
# not come back, straight into Knot with the key.
check "a stale record put into Knot by hand" ip netns exec "$r" knsupdate -k "$dir/knsupdate.key" <<EOF2
server 127.0.0.1 5300
zone azconnect.internal
update add db.azconnect.internal 60 AAAA $a2
send
quit
EOF2
check_eq "... it is there" "$a2" kq AAAA db.azconnect.internal
check "relay starts again" start_relay "$dir/relayd2.log"
check_eq "within the grace period after the start Knot keeps ep1's name" "$a1" \
	kq AAAA ep1.azconnect.internal
check "the relay resyncs after the grace period" wait_for 20 grep -Eq \
	'resync of the names of 2 endpoints \(at start, after the grace period\)' \
	"$dir/relayd2.log"
check "... and ep1's name, whose endpoint did not come back, goes from Knot" \
	wait_for 20 gone AAAA ep1.azconnect.internal
check "... its PTR too" gone -x "$a1"
check "... and the stale record" gone AAAA db.azconnect.internal
check "Knot still answers (the empty answers above are answers)" \
	has ns.azconnect.internal. NS azconnect.internal
check "relay stops" stop_relay

# --- a wrong key ---------------------------------------------------------------

"$keymgr" -t azc-relay hmac-sha256 | sed -n 's/^ *secret: //p' >"$dir/wrong.secret"
cat >"$dir/wrong.key" <<EOF2
# as tsig-keygen writes it, another secret under the same name
key "azc-relay" {
	algorithm hmac-sha256;
	secret "$(cat "$dir/wrong.secret")";
};
EOF2
conf "$dir/wrong.key"
check "a relay with a wrong key starts" start_relay "$dir/relayd3.log"
check "endpoint 1 up" up "$e1" ep1
check "... registered at the relay" \
	wait_for 30 registered_n ep1 3
check "Knot refuses its update, and the relay says so" wait_for 20 grep -Eq \
	'primary 127\.0\.0\.1:5300: refused the update of ep1\.azconnect\.internal\. AAAA.*: NOTAUTH, TSIG error BADSIG' \
	"$dir/relayd3.log"
check_out "... in its status too" \
	'^primary=127\.0\.0\.1:5300 .*state=refused .*refused=[1-9].*last_error="refused the update of .*BADSIG' \
	status
check "Knot did not take the name" gone AAAA ep1.azconnect.internal
check "endpoint 1 down" down "$e1" ep1
check "relay stops" stop_relay
check "Knot still runs" kill -0 "$knot"

# --- key files refused at start ------------------------------------------------

chmod 644 "$dir/relay.key"
conf "$dir/relay.key"
run_relay() {	# at most 20 s
	ip netns exec "$r" timeout 20 azconnect-relayd --listen 198.51.100.1:443 \
		--config "$dir/relayd.conf" --state-dir "$dir/state" \
		--control "$dir/relayd.sock"
}
exits_failing() {	# CMD... exits at once with an error (not the timeout)
	"$@"
	local st=$?
	[ "$st" -ne 0 ] && [ "$st" -ne 124 ]
}
check_out "a key file every user may read is refused at start" \
	'relay\.key holds secrets and every user of this machine may read it' \
	run_relay
check "... the relay does not run with it" exits_failing run_relay
chmod 600 "$dir/relay.key"
sed -i '/^dns_tsig/d' "$dir/relayd.conf"
check_out "dns_update without dns_tsig is refused" 'dns_update needs dns_tsig' \
	ip netns exec "$r" timeout 20 azconnect-relayd --check \
		--config "$dir/relayd.conf" --state-dir "$dir/state"

echo "# ---- relayd logs (primary)"
grep -h 'primary' "$dir"/relayd*.log | tail -n 25 | sed 's/^/#   /'
t_done
