# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Helpers for the guest tests that drive the kernel data path with
# azc-linkprobe (85-datapath, 86-lifecycle, 88-nlfuzz, 89-races,
# 91-hardening); sourced after lib.sh, with
# $dir set to the test's scratch directory.

# azdev NS NAME MODE LL ADDR: an azconnect device with addresses of our
# own (no random link-local address: addrgenmode none).
azdev() {
	ip netns exec "$1" azconnectctl add "$2" mode "$3" &&
	ip -n "$1" link set "$2" addrgenmode none &&
	ip -n "$1" addr add "$4/64" dev "$2" nodad &&
	ip -n "$1" addr add "$5/64" dev "$2" nodad &&
	ip -n "$1" link set "$2" up
}

# wait_for FILE REGEX SECONDS: until a line of FILE matches REGEX.
wait_for() {
	local i
	for i in $(seq 1 $(($3 * 10))); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "# $1:"
	sed 's/^/#   /' "$1"
	return 1
}

# probe NAME NS ARGS...: azc-linkprobe in NS, commands from $dir/NAME.in,
# output in $dir/NAME.
declare -A pid fd
probe() {
	local name=$1 ns=$2 f
	shift 2
	mkfifo "$dir/$name.in"
	: >"$dir/$name"
	ip netns exec "$ns" azc-linkprobe "$@" <"$dir/$name.in" >"$dir/$name" 2>&1 &
	pid[$name]=$!
	exec {f}<>"$dir/$name.in"
	fd[$name]=$f
}

say() {		# say NAME COMMAND
	echo "$2" >&"${fd[$1]}"
}

# probe_logs NAME...: each probe's output, for the test log.
probe_logs() {
	local n
	for n in "$@"; do
		echo "# ---- $n"
		sed 's/^/#   /' "$dir/$n"
	done
}
