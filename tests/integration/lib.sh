# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# What the host integration tests share: "ok"/"not ok" lines, waits and
# free ports. Sourced; sets fail=1 on the first "not ok".

fail=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; fail=1; }
# check DESCRIPTION EXPRESSION: ok when EXPRESSION (eval'd) succeeds
check() { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }
show() { sed 's/^/# /' "$1"; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for SECONDS COMMAND...: until COMMAND succeeds
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.1
	done
}
