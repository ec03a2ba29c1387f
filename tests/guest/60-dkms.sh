#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# DKMS builds and installs the module for the running kernel's headers, and
# modprobe then loads the DKMS module. Compiling and depmod are slow under
# emulation, so tests/run does this in the guest of one kernel only
# (AZC_GUEST_DKMS=1); tests/host/dkms builds for every kernel on the host.
# timeout: 1500
. "$(dirname "$0")/lib.sh"

if [ "${AZC_GUEST_DKMS:-0}" != 1 ]; then
	echo "# SKIP DKMS in the guest runs on one kernel only (AZC_GUEST_DKMS=1)"
	exit 0
fi

kver=$(uname -r)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$AZC_TREE/dkms.conf")
modprobe -r azconnect 2>/dev/null
# As on a machine that only has the DKMS module: set aside the copy the
# harness installed for the other tests, and its module index (depmod is
# slow here), and put both back at the end for the tests that follow.
save=$(mktemp -d)
mods=/lib/modules/$kver
cp -a "$mods"/modules.* "$save"/
mv "$mods/extra/azconnect.ko" "$save"/
restore() {
	mv "$save/azconnect.ko" "$mods/extra/" &&
	cp -a "$save"/modules.* "$mods"/ &&
	rm -rf "$save"
}

check "make dkms-install" make -s -C "$AZC_TREE" KVER="$kver" BUILD=/tmp/azc-build dkms-install
check_out "dkms reports it installed" "azconnect/$ver, $kver, x86_64: installed" dkms status azconnect
check_out "modprobe finds the DKMS module" '/updates/dkms/azconnect\.ko' modinfo -n azconnect
check "modprobe azconnect" modprobe azconnect
check "the DKMS module creates devices" bash -c \
	"ip link add azcdkms type azconnect && ip link del azcdkms"
check "modprobe -r azconnect" modprobe -r azconnect
check "make dkms-uninstall" make -s -C "$AZC_TREE" KVER="$kver" BUILD=/tmp/azc-build dkms-uninstall
check_fail "dkms no longer knows the module" bash -c "dkms status azconnect | grep -q ."
check "the harness's module is back for the next tests" restore
check_out "modprobe finds it again" '/extra/azconnect\.ko' modinfo -n azconnect
t_done
