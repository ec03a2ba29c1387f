# SPDX-License-Identifier: GPL-2.0-only
#
# azconnect: kernel module (kmod/), user-space tools (userspace/), tests.
#
#   make                 module for KVER and the user-space tools
#   make module-next     module for the next kernel, KNEXT (build only)
#   make check           dependencies, build, host unit tests, guest tests
#   make check-debug     the guest tests on a 7.2 debug kernel (KASAN, lockdep,
#                        kmemleak...; KSRC=X.Y for another linux-source)
#   make demo            boot a guest and show the product working
#   make vm-shell        interactive guest with the module loaded
#   make lint            checkpatch, sparse and W=1 on the module
#   make nlgen           regenerate the netlink code from the spec
#   make install         install the module and tools on this machine
#   make dkms-install    register, build and install the module with DKMS
#   make clean
#
# KVER selects the kernel (default: the running kernel when its headers are
# installed, otherwise the newest installed headers); KDIR overrides the
# kernel build tree. KNEXT (default: scripts/kver --next) is the X.Y of the
# next kernel, whose tree scripts/kernel-src makes from Debian unstable's
# linux-source-X.Y.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(TOP)/build

ifeq ($(KDIR),)
KVER ?= $(shell $(TOP)/scripts/kver)
KDIR := /lib/modules/$(KVER)/build
else
KVER ?= $(shell $(TOP)/scripts/kver --kdir $(KDIR))
endif

KNEXT ?= $(shell $(TOP)/scripts/kver --next)
# For scripts/lint and the tests (through scripts/kver --next).
export AZC_KNEXT := $(KNEXT)

VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(TOP)/dkms.conf)
PREFIX ?= /usr/local
DESTDIR ?=

# The module is built in a per-kernel copy of its sources so that builds for
# several kernels can coexist.
KOBJ = $(BUILD)/kmod-$(1)
KMOD = $(call KOBJ,$(1))/kmod/azconnect.ko
KBUILD_FLAGS ?= W=1

.PHONY: all module module-next modules-all userspace unit fuzz-build fuzz \
	check check-debug demo demo-run vm-shell lint nlgen nlgen-check install kmod-copy \
	dkms-src dkms-install dkms-uninstall clean

all: module userspace

module:
	@$(MAKE) --no-print-directory DKMS_SRC=$(call KOBJ,$(KVER)) kmod-copy
	$(MAKE) -C $(KDIR) M=$(call KOBJ,$(KVER)) $(KBUILD_FLAGS) modules

# The next kernel's tree is fetched and prepared once (cached under
# /var/cache/azconnect/kernel-src); build only: no guest boots it.
module-next:
	@out=$$($(TOP)/scripts/kernel-src $(KNEXT)) && \
		$(MAKE) --no-print-directory KDIR="$$(echo "$$out" | tail -n 1)" module

# Refresh a copy of the module sources in DKMS_SRC (only files that changed).
kmod-copy:
	@mkdir -p $(DKMS_SRC)/kmod/uapi $(DKMS_SRC)/kmod/proto
	@cp -pu Kbuild $(DKMS_SRC)/
	@cp -pu kmod/Kbuild $(wildcard kmod/*.[ch]) $(DKMS_SRC)/kmod/
	@cp -pu kmod/uapi/*.h $(DKMS_SRC)/kmod/uapi/
	$(if $(wildcard kmod/proto/*.[ch]),@cp -pu kmod/proto/*.[ch] $(DKMS_SRC)/kmod/proto/)

# Every kernel with installed headers (the compatibility matrix).
modules-all:
	@for k in $$($(TOP)/scripts/kver --all); do \
		$(MAKE) --no-print-directory KVER=$$k \
			KDIR=/lib/modules/$$k/build module || exit 1; \
	done

# User space: the shared library (userspace/lib and the protocol code of
# kmod/proto) and each program's own code are compiled once per flavour into
# archives, which programs, test tools, unit tests and fuzzers link against:
#   obj/  plain (programs, guest tools)
#   san/  AddressSanitizer and UBSan (unit tests)
#   fz/   clang with libFuzzer coverage, ASan and UBSan (fuzzers)
# Header dependencies are tracked (-MMD); "make -j" is safe.
CC ?= cc
AR ?= ar
CLANG ?= clang
PKG_CONFIG ?= pkg-config
NL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libnl-genl-3.0 json-c openssl ldns libsystemd 2>/dev/null)
NL_LIBS := $(shell $(PKG_CONFIG) --libs libnl-genl-3.0 json-c openssl ldns libsystemd 2>/dev/null)
USER_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	-D_FORTIFY_SOURCE=2 -fstack-protector-strong \
	-DAZC_VERSION='"$(VERSION)"' -I$(TOP)/kmod -I$(TOP)/userspace/lib \
	-I$(TOP)/userspace $(NL_CFLAGS) $(CFLAGS)
SAN_CFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
FUZZ_CFLAGS := $(filter-out -D_FORTIFY_SOURCE=2 -O2,$(USER_CFLAGS)) -O1 \
	-fno-sanitize-recover=all
USER_LDFLAGS := $(LDFLAGS)

LIB_SRC := $(wildcard userspace/lib/*/*.c) $(wildcard kmod/proto/*.c)
CTL_SRC := $(filter-out %/main.c,$(wildcard userspace/azconnectctl/*.c))
RELAYD_SRC := $(filter-out %/main.c,$(wildcard userspace/relayd/*.c))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRC))
GUEST_TOOLS := $(BUILD)/bin/azc-nltest $(BUILD)/bin/azc-tlsprobe \
	       $(BUILD)/bin/azc-linkprobe $(BUILD)/bin/azc-sstpclient \
	       $(BUILD)/bin/azc-nlfuzz $(BUILD)/bin/azc-race \
	       $(BUILD)/bin/azc-noise $(BUILD)/bin/azc-sa \
	       $(BUILD)/bin/azc-espinject $(BUILD)/bin/azc-keyx-xfrm
# $(call objs,FLAVOUR,SOURCES)
objs = $(patsubst %.c,$(BUILD)/$(1)/%.o,$(2))

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/san/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(SAN_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/fz/%.o: %.c
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined \
		-MMD -MP -c -o $@ $<

# $(1): flavour; libazc.a, libctl.a and librelayd.a of that flavour
define user_archives
$(BUILD)/$(1)/libazc.a: $(call objs,$(1),$(LIB_SRC))
	@rm -f $$@
	$$(AR) rcs $$@ $$^
$(BUILD)/$(1)/libctl.a: $(call objs,$(1),$(CTL_SRC))
	@rm -f $$@
	$$(AR) rcs $$@ $$^
$(BUILD)/$(1)/librelayd.a: $(call objs,$(1),$(RELAYD_SRC))
	@rm -f $$@
	$$(AR) rcs $$@ $$^
endef
$(foreach f,obj san fz,$(eval $(call user_archives,$(f))))

# Program code first, then the library it uses.
USER_LIBS = $(BUILD)/$(1)/librelayd.a $(BUILD)/$(1)/libctl.a $(BUILD)/$(1)/libazc.a

userspace: $(BUILD)/bin/azconnectctl $(BUILD)/bin/azconnect-relayd $(GUEST_TOOLS)

$(BUILD)/bin/azconnectctl: $(BUILD)/obj/userspace/azconnectctl/main.o \
		$(BUILD)/obj/libctl.a $(BUILD)/obj/libazc.a
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -o $@ $^ $(USER_LDFLAGS) $(NL_LIBS)

$(BUILD)/bin/azconnect-relayd: $(BUILD)/obj/userspace/relayd/main.o \
		$(BUILD)/obj/librelayd.a $(BUILD)/obj/libazc.a
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -o $@ $^ $(USER_LDFLAGS) $(NL_LIBS)

# Test helpers (run in the guest, most of them).
$(BUILD)/bin/azc-%: $(BUILD)/obj/tests/tools/azc-%.o \
		$(BUILD)/obj/tests/tools/sockpair.o $(BUILD)/obj/libctl.a \
		$(BUILD)/obj/libazc.a
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -o $@ $^ $(USER_LDFLAGS) $(NL_LIBS)

# Host unit tests: sanitizers on, cmocka; they may test either program's code.
unit: $(UNIT_BIN)

$(BUILD)/unit/%: $(BUILD)/san/tests/unit/%.o $(call USER_LIBS,san)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(SAN_CFLAGS) -o $@ $^ $(USER_LDFLAGS) $(NL_LIBS) \
		-lcmocka

# libFuzzer targets: a short run is part of make check, a long one is
# "make fuzz" (FUZZ_SECONDS per target).
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))
FUZZ_SECONDS ?= 600

fuzz-build: $(FUZZ_BIN)

$(BUILD)/fuzz/%: $(BUILD)/fz/tests/fuzz/%.o $(call USER_LIBS,fz)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $^ \
		$(USER_LDFLAGS) $(NL_LIBS)

-include $(shell find $(BUILD)/obj $(BUILD)/san $(BUILD)/fz -name '*.d' 2>/dev/null)

fuzz: fuzz-build
	@$(TOP)/tests/fuzz/run $(FUZZ_SECONDS)

# The test command named in README.md.
check:
	@$(TOP)/scripts/install-deps
	@$(TOP)/scripts/extract-debs
	@$(MAKE) --no-print-directory modules-all userspace unit fuzz-build
	@$(TOP)/tests/run

# Not part of check: the debug kernel takes about an hour to build once and
# the suite about as long again under it.
check-debug:
	@$(TOP)/scripts/install-deps
	@$(TOP)/scripts/check-debug $(if $(KSRC),--ksrc $(KSRC))

# The product demo; like check, it installs what it needs first.
demo:
	@$(TOP)/scripts/install-deps
	@$(TOP)/scripts/extract-debs
	@$(MAKE) --no-print-directory module userspace
	@$(MAKE) --no-print-directory demo-run

demo-run:
	@$(TOP)/scripts/demo --kver $(KVER) --module $(call KMOD,$(KVER))

vm-shell: module userspace
	@$(TOP)/scripts/vm --kver $(KVER) --module $(call KMOD,$(KVER)) --shell

lint:
	@$(TOP)/scripts/lint

# Regenerate kmod/uapi/azconnect.h and kmod/netlink-gen.[ch] from
# docs/netlink/azconnect.yaml with the kernel's ynl-gen-c.py; nlgen-check
# fails when the checked-in files are stale (make check runs it).
nlgen:
	@$(TOP)/scripts/nlgen

nlgen-check:
	@$(TOP)/scripts/nlgen --check

# Unsigned: for Secure Boot use dkms-install, which signs with DKMS's key.
install: module userspace
	$(MAKE) -C $(KDIR) M=$(call KOBJ,$(KVER)) INSTALL_MOD_PATH=$(DESTDIR) \
		CONFIG_MODULE_SIG_ALL= modules_install
	$(if $(DESTDIR),,depmod -a $(KVER))
	install -D -m 0755 $(BUILD)/bin/azconnectctl $(DESTDIR)$(PREFIX)/sbin/azconnectctl
	install -D -m 0755 $(BUILD)/bin/azconnect-relayd $(DESTDIR)$(PREFIX)/sbin/azconnect-relayd
	install -D -m 0644 kmod/uapi/azconnect.h $(DESTDIR)$(PREFIX)/include/linux/azconnect.h

# The DKMS source tree: what dkms.conf builds from.
DKMS_SRC := $(DESTDIR)/usr/src/azconnect-$(VERSION)

# The files DKMS builds from, into DKMS_SRC.
dkms-src:
	rm -rf $(DKMS_SRC)
	@$(MAKE) --no-print-directory kmod-copy
	cp -p dkms.conf $(DKMS_SRC)/

dkms-install: dkms-src
	dkms add -m azconnect -v $(VERSION)
	dkms install -m azconnect -v $(VERSION) -k $(KVER)

dkms-uninstall:
	-dkms remove -m azconnect -v $(VERSION) --all
	rm -rf $(DKMS_SRC)

clean:
	rm -rf $(BUILD)
