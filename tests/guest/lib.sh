# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Helpers for guest tests. A test is a bash script that sources this file,
# makes its checks with the functions below and prints one line per check:
#   ok - DESCRIPTION
#   not ok - DESCRIPTION
# Each test works in network namespaces of its own (ns_new), removed at exit.

set -u

AZC_TREE=${AZC_TREE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
AZC_BIN=${AZC_BIN:-$AZC_TREE/build/bin}
PATH=$AZC_BIN:$PATH
export PATH

# Slowness of the kernel under test: AZC_SLOW (a whole number, default 1;
# scripts/check-debug sets 6..10 for a KASAN/lockdep kernel) multiplies the
# time limits of waits: use wait_for / wait_until (or t_secs) for anything
# that waits for the system, and keep protocol timers a test provokes
# (keepalive intervals, echo periods) as they are.
AZC_SLOW=${AZC_SLOW:-1}
[[ $AZC_SLOW =~ ^[1-9][0-9]*$ ]] || AZC_SLOW=1
export AZC_SLOW
T_LIB=${BASH_SOURCE[0]}

T_NAME=$(basename "$0" .sh)
T_NS=()
T_FAILED=0
T_OUT=$(mktemp)
# The test's stdout, for what an EXIT trap prints: a signal that ends the
# test inside a check finds stdout sent to T_OUT, which cleanup deletes.
exec {T_STDOUT}>&1
# ns_new runs in a command substitution ("r=$(ns_new relay)"), a subshell
# whose T_NS the test never sees: it lists its namespaces here too.
T_NS_LIST=$(mktemp)

t_cleanup() {
	local ns
	while IFS= read -r ns; do
		T_NS+=("$ns")
	done <"$T_NS_LIST"
	for ns in "${T_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
		rm -rf "/etc/netns/$ns"
	done
	rm -f "$T_OUT" "$T_NS_LIST"
}
trap t_cleanup EXIT
# tests/guest/run's time limit (timeout) sends SIGTERM to the test and
# then to its whole process group: the first one exits, which runs the
# EXIT trap (this one, or the test's own); a second one must not cut
# that cleanup short, or the test's namespaces outlive it.
trap 'trap "" TERM INT; exit 143' TERM INT

# t_kill_sessions DIR: ends the "azconnectctl up" processes whose state
# files are in DIR/run-*/ (each test's --run-dir), for an EXIT trap.
t_kill_sessions() {
	local f p
	for f in "$1"/run-*/*.state; do
		[ -e "$f" ] || continue
		p=$(sed -n 's/^pid=//p' "$f")
		[ -n "$p" ] && kill "$p" 2>/dev/null
	done
}

# t_sstpc_tries START SETTLED LOG: START starts Debian's sstpc in the
# background (setting $sstpc, its output in LOG), then waits 30 s for
# SETTLED (a function: the session is up, or sstpc is gone). sstpc 1.0.18
# now and then ends right after the HTTP exchange with "The event loop
# terminated unsuccessfully": a fault of its own event loop, not an answer
# it disliked (each of those has a message of its own; the relay sees only
# the client closing), seen in about one run in four on 2 CPUs shared by
# guests. That fault alone gets two more tries, each said with sstpc's
# log; any other end is left to the caller's checks.
t_sstpc_tries() {
	local start=$1 settled=$2 log=$3 try
	for try in 1 2 3; do
		"$start"
		wait_until 30 "$settled"
		kill -0 "$sstpc" 2>/dev/null && return 0
		grep -aq 'The event loop terminated unsuccessfully' "$log" || return 0
		[ "$try" -lt 3 ] || return 0
		echo "# try $try: sstpc's event loop ended after the HTTP exchange; starting it again:"
		tr -d '\000' <"$log" | sed 's/^/#   /'
		wait "$sstpc" 2>/dev/null
	done
}

# ns_new NAME: create namespace "$T_NAME-NAME" and print its name. Each
# is a machine of its own, /etc/resolv.conf too: "ip netns exec" binds
# /etc/netns/NS/resolv.conf over it (no name server unless a test writes
# one), so that the sessions' split DNS (azconnectctl up) changes that
# namespace's file, never the guest's.
ns_new() {
	local ns="$T_NAME-$1"
	ip netns add "$ns" || return 1
	mkdir -p "/etc/netns/$ns" &&
		echo "# $ns: no name server" >"/etc/netns/$ns/resolv.conf"
	ip -n "$ns" link set lo up
	T_NS+=("$ns")
	echo "$ns" >>"$T_NS_LIST"
	echo "$ns"
}

t_pass() { echo "ok - $1"; }
t_fail() {
	echo "not ok - $1"
	T_FAILED=1
	if [ -s "$T_OUT" ]; then
		sed 's/^/#   /' "$T_OUT" | head -n 40
	fi
}

# t_secs SECONDS: SECONDS scaled by AZC_SLOW.
t_secs() {
	echo $(($1 * AZC_SLOW))
}

# wait_for FILE REGEX SECONDS [N]: until N (default 1) lines of FILE match
# the extended REGEX (NUL bytes ignored); FILE's last lines on failure.
# wait_for SECONDS CMD...: the same as wait_until.
# SECONDS is scaled by AZC_SLOW.
wait_for() {
	if [[ $1 =~ ^[0-9]+$ ]]; then
		wait_until "$@"
		return
	fi
	local file=$1 re=$2 n=${4:-1} end=$((SECONDS + $3 * AZC_SLOW))
	while :; do
		[ "$(tr -d '\000' <"$file" 2>/dev/null | grep -Ec -- "$re")" -ge "$n" ] && return 0
		[ "$SECONDS" -le "$end" ] || break
		sleep 0.2
	done
	echo "# waited $(($3 * AZC_SLOW)) s for $n line(s) of $file matching /$re/:"
	tr -d '\000' <"$file" 2>/dev/null | tail -n 30 | sed 's/^/#   /'
	return 1
}

# wait_until SECONDS CMD...: until CMD succeeds (tried every 0.2 s); the
# last try's output and status when it never does. SECONDS is scaled by
# AZC_SLOW.
wait_until() {
	local end=$((SECONDS + $1 * AZC_SLOW))
	shift
	while [ "$SECONDS" -le "$end" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	"$@"
}

# Tests that still define wait helpers of their own (wait_for, wait_st,
# ...: any function named wait_* not from this file) get them scaled too
# when AZC_SLOW > 1: before each check, such a function is renamed and
# wrapped so that its first whole-number argument (its time limit in every
# such helper: "FILE REGEX SECONDS [N]", "SECONDS CMD...", "REGEX
# SECONDS") is multiplied. Nothing changes at AZC_SLOW=1.
t_scale_waits() {
	local f fs src
	[ "$AZC_SLOW" -gt 1 ] || return 0
	fs=$(compgen -A function wait_) || return 0
	for f in $fs; do
		# Ours (lib.sh's own, or already wrapped)?
		src=$(shopt -s extdebug; declare -F "$f")
		[ "${src##* }" != "$T_LIB" ] || continue
		[[ $(declare -f "$f") != *t_scaled_call* ]] || continue
		eval "t_unscaled_$(declare -f "$f")"
		eval "$f() { t_scaled_call t_unscaled_$f \"\$@\"; }"
	done
}

# t_scaled_call FUNC ARGS...: FUNC with its first whole-number argument
# multiplied by AZC_SLOW.
t_scaled_call() {
	local fn=$1 i
	shift
	local args=("$@")
	for i in "${!args[@]}"; do
		if [[ ${args[$i]} =~ ^[0-9]+$ ]]; then
			args[i]=$((args[i] * AZC_SLOW))
			break
		fi
	done
	"$fn" "${args[@]}"
}

# check DESC CMD...: CMD must succeed (returns 1 when it does not).
check() {
	local desc=$1
	shift
	t_scale_waits
	if "$@" >"$T_OUT" 2>&1; then t_pass "$desc"; else t_fail "$desc"; return 1; fi
}

# check_fail DESC CMD...: CMD must fail.
check_fail() {
	local desc=$1
	shift
	t_scale_waits
	if "$@" >"$T_OUT" 2>&1; then t_fail "$desc (unexpected success)"; else t_pass "$desc"; fi
}

# check_out DESC REGEX CMD...: CMD's output (stdout+stderr) must match the
# extended REGEX; its exit status does not matter.
check_out() {
	local desc=$1 re=$2
	shift 2
	t_scale_waits
	"$@" >"$T_OUT" 2>&1
	if grep -Eq -- "$re" "$T_OUT"; then
		t_pass "$desc"
	else
		echo "# expected /$re/" >>"$T_OUT"
		t_fail "$desc"
	fi
}

# check_eq DESC EXPECTED CMD...: CMD's stdout, trimmed, must equal EXPECTED.
check_eq() {
	local desc=$1 want=$2 got
	shift 2
	t_scale_waits
	got=$("$@" 2>"$T_OUT")
	if [ "$got" = "$want" ]; then
		t_pass "$desc"
	else
		echo "# expected '$want', got '$got'" >>"$T_OUT"
		t_fail "$desc"
	fi
}

t_done() {
	exit "$T_FAILED"
}
