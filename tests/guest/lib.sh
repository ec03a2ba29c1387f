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

T_NAME=$(basename "$0" .sh)
T_NS=()
T_FAILED=0
T_OUT=$(mktemp)

t_cleanup() {
	local ns
	for ns in "${T_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -f "$T_OUT"
}
trap t_cleanup EXIT

# ns_new NAME: create namespace "$T_NAME-NAME" and print its name.
ns_new() {
	local ns="$T_NAME-$1"
	ip netns add "$ns" || return 1
	ip -n "$ns" link set lo up
	T_NS+=("$ns")
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

# check DESC CMD...: CMD must succeed.
check() {
	local desc=$1
	shift
	if "$@" >"$T_OUT" 2>&1; then t_pass "$desc"; else t_fail "$desc"; fi
}

# check_fail DESC CMD...: CMD must fail.
check_fail() {
	local desc=$1
	shift
	if "$@" >"$T_OUT" 2>&1; then t_fail "$desc (unexpected success)"; else t_pass "$desc"; fi
}

# check_out DESC REGEX CMD...: CMD's output (stdout+stderr) must match the
# extended REGEX; its exit status does not matter.
check_out() {
	local desc=$1 re=$2
	shift 2
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
