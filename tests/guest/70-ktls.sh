#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Kernel TLS with the TLS layer (userspace/lib/tls.c, through azc-tlsprobe):
# a relay and an endpoint in two namespaces joined by veth do the handshake
# (TLS 1.2, ECDHE, AES-128-GCM on OpenSSL 3.0), get kTLS for send and
# receive on both sides, hand the socket off and go on with plain
# read()/write(): nothing OpenSSL had buffered is lost.
. "$(dirname "$0")/lib.sh"

dir=$(mktemp -d)
r=$(ns_new relay)
e=$(ns_new endpoint)
ip link add veth-r netns "$r" type veth peer name veth-e netns "$e"
ip -n "$r" addr add 192.0.2.1/24 dev veth-r
ip -n "$e" addr add 192.0.2.2/24 dev veth-e
ip -n "$r" link set veth-r up
ip -n "$e" link set veth-e up

# show_rc FILE RC: FILE's content (for the failure report), status RC.
show_rc() {
	cat "$1"
	return "$2"
}

# serve NAME ARGS...: start a probe server in the relay namespace, writing
# to $dir/NAME, and wait until it listens.
serve() {
	local out=$dir/$1 i
	shift
	ip netns exec "$r" azc-tlsprobe server "$@" >"$out" 2>&1 &
	srv=$!
	for i in $(seq 1 300); do
		grep -q '^listening' "$out" && return 0
		kill -0 "$srv" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

# tls_stat NS: "TlsTxSw TlsRxSw" of that namespace (kTLS sockets set up).
tls_stat() {
	ip netns exec "$1" awk '$1 == "TlsTxSw" { tx = $2 } $1 == "TlsRxSw" { rx = $2 }
		END { print tx, rx }' /proc/net/tls_stat
}

check "the tls module loads" modprobe tls

fp=$(azc-tlsprobe keygen --state-dir "$dir/state" --name relay.test |
	sed -n 's/^fingerprint //p')
check_out "the relay makes a self-signed certificate" '^SHA256(:[0-9A-F]{2}){32}$' echo "$fp"
check_eq "its key file has mode 0600" 600 stat -c %a "$dir/state/relay.key"

check "relay listens" serve server --listen 192.0.2.1:443 --state-dir "$dir/state"
check_out "the relay reloads the same certificate" "^fingerprint $fp\$" cat "$dir/server"
ip netns exec "$e" azc-tlsprobe client --connect 192.0.2.1:443 --host relay.test \
	--fingerprint "$fp" >"$dir/client" 2>&1
crc=$?
wait "$srv"
src=$?
check "endpoint: handshake, hand-off and data" show_rc "$dir/client" "$crc"
check "relay: handshake, hand-off and data" show_rc "$dir/server" "$src"

check_out "TLS 1.2 negotiated" '^version TLSv1\.2$' cat "$dir/client"
check_out "ECDHE with AES-128-GCM" '^cipher ECDHE-ECDSA-AES128-GCM-SHA256$' cat "$dir/client"
check_out "the pinned fingerprint was the relay's" "^fingerprint $fp\$" cat "$dir/client"
check_out "endpoint: kTLS active for send" '^ktls_send 1$' cat "$dir/client"
check_out "endpoint: kTLS active for receive" '^ktls_recv 1$' cat "$dir/client"
check_out "relay: kTLS active for send" '^ktls_send 1$' cat "$dir/server"
check_out "relay: kTLS active for receive" '^ktls_recv 1$' cat "$dir/server"
check_out "relay saw the endpoint's SNI" '^sni relay\.test$' cat "$dir/server"
check_eq "endpoint namespace: one kTLS TX and one RX socket" "1 1" tls_stat "$e"
check_eq "relay namespace: one kTLS TX and one RX socket" "1 1" tls_stat "$r"

# The relay sent CHUNK-A and CHUNK-B as two records before the endpoint
# read 7 bytes: kTLS receive gave OpenSSL both, so CHUNK-B was in
# OpenSSL's buffer and must come back from the hand-off.
check_out "endpoint read CHUNK-A through OpenSSL" '^tls_read CHUNK-A$' cat "$dir/client"
check_out "the hand-off returned what OpenSSL had buffered" '^pending 7 CHUNK-B$' cat "$dir/client"
check_out "relay read the endpoint's write() after the hand-off" \
	'^kernel_read C2S-KERNEL$' cat "$dir/server"
check_out "endpoint got the whole stream: pending bytes, then read()" \
	'^stream CHUNK-BS2C-KERNEL$' cat "$dir/client"

# A wrong pin fails and names both fingerprints.
bad=SHA256:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF
check "relay listens again" serve server2 --listen 192.0.2.1:443 --state-dir "$dir/state"
check_out "a wrong pin is refused with both fingerprints" \
	"^error fingerprint mismatch: expected $bad, got $fp " \
	ip netns exec "$e" azc-tlsprobe client --connect 192.0.2.1:443 \
	--host relay.test --fingerprint "$bad"
wait "$srv"
check_out "the relay hears that its certificate was rejected" \
	'^error TLS handshake failed: sslv3 alert bad certificate' cat "$dir/server2"

rm -rf "$dir"
t_done
