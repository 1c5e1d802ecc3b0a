# SPDX-License-Identifier: GPL-2.0-only
#
# gpumon top-level Makefile.
#
#   make            module (when kernel headers are there), BPF, user space
#   make run        the main job (see README.md)
#   make test       make check + make vmcheck
#   make check      Check unit tests with ASan and UBSan, then make abi
#   make abi        docs/netlink/gpumon.yaml against the kernel's YNL schema
#                   and include/uapi/gpumon.h (tests/abi/check-ynl)
#   make vmcheck    QEMU guests on Debian's 6.1 and 6.12 kernels
#
# Variables: KDIR (kernel build tree), BTF (BTF file for vmlinux.h),
# V=1 (show commands), O (build folder, default build).

O	?= build
KDIR	?= /lib/modules/$(shell uname -r)/build
V	?= 0

ifeq ($(V),1)
Q	=
msg	= @true
else
Q	= @
msg	= @printf '  %-8s %s\n'
MAKEFLAGS += --no-print-directory
endif

CC	?= gcc
CLANG	?= clang
BPFTOOL	?= bpftool
PKGS	= libbpf libnl-genl-3.0 ncursesw json-c libmicrohttpd libcurl inih

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS	?= -O2 -g
CFLAGS	+= -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wshadow \
	   -Wstrict-prototypes -Wmissing-prototypes -D_GNU_SOURCE \
	   -Iinclude -Iuser/lib -Iuser -I$(O)/bpf $(PKG_CFLAGS)
LDLIBS	+= $(PKG_LIBS) -lpthread -ldl

# BTF with the types the BPF programs use (ras:aer_event needs a kernel
# built with CONFIG_PCIEAER).  The running kernel's when it has them,
# else the vmlinux of a Debian linux-headers package.
BTF	?= $(shell scripts/find-btf)

LIB_SRCS := $(wildcard user/lib/*.c)
UI_SRCS  := $(wildcard user/ui/*.c)
LIB_OBJS := $(patsubst %.c,$(O)/%.o,$(LIB_SRCS) $(UI_SRCS))
LIB	 := $(O)/libgpumon.a
BPF_SRCS := $(wildcard bpf/*.bpf.c)
SKELS	 := $(patsubst bpf/%.bpf.c,$(O)/bpf/%.skel.h,$(BPF_SRCS))

all: module bpf user

user: $(O)/gpumond $(O)/gpumon
bpf: $(SKELS)

$(O)/user/%.o: user/%.c $(SKELS) | $(O)
	$(msg) CC $@
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJS)
	$(msg) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

$(O)/gpumond: $(O)/user/gpumond.o $(LIB)
	$(msg) LD $@
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(O)/gpumon: $(O)/user/gpumon.o $(O)/user/decode.o $(O)/user/dev.o $(O)/user/modconf.o $(LIB)
	$(msg) LD $@
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(O):
	$(Q)mkdir -p $@

# ---- BPF: clang -> bpftool gen object -> bpftool gen skeleton ----
$(O)/bpf/vmlinux.h:
	$(Q)mkdir -p $(dir $@)
	$(Q)if [ -z "$(BTF)" ]; then \
		echo "gpumon: no BTF with AER types found; install" \
		     "linux-headers-6.12-amd64 or pass BTF=" >&2; exit 1; fi
	$(msg) BTF $(BTF)
	$(Q)$(BPFTOOL) btf dump file $(BTF) format c > $@.tmp && mv $@.tmp $@

$(O)/bpf/%.tmp.o: bpf/%.bpf.c bpf/*.h $(O)/bpf/vmlinux.h
	$(msg) BPF $@
	$(Q)$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_x86 -I$(O)/bpf -Ibpf \
		-c $< -o $@

$(O)/bpf/%.bpf.o: $(O)/bpf/%.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $<

$(O)/bpf/%.skel.h: $(O)/bpf/%.bpf.o
	$(msg) GEN-SKEL $@
	$(Q)$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

# ---- kernel module ----
module:
	$(Q)if [ -d "$(KDIR)" ]; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) $(if $(filter 1,$(V)),V=1) modules; \
	else \
		echo "gpumon: module skipped: no kernel build tree at $(KDIR)" \
		     "(install the running kernel's headers, or pass KDIR=)"; \
	fi

# ---- tests ----
TEST_CFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	      -fno-sanitize-recover=undefined
UNIT_SRCS := $(wildcard tests/unit/check_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(O)/tests/%,$(UNIT_SRCS))
# Library objects rebuilt with the sanitizers, for the unit tests.
SAN_OBJS := $(patsubst %.c,$(O)/san/%.o,$(LIB_SRCS) $(UI_SRCS))

$(O)/san/%.o: %.c $(SKELS)
	$(Q)mkdir -p $(dir $@)
	$(msg) CC-SAN $@
	$(Q)$(CC) $(CFLAGS) $(TEST_CFLAGS) -MMD -MP -c -o $@ $<

$(O)/tests/check_%: tests/unit/check_%.c $(SAN_OBJS)
	$(Q)mkdir -p $(dir $@)
	$(msg) CC-TEST $@
	$(Q)$(CC) $(CFLAGS) $(TEST_CFLAGS) -o $@ $^ \
		$$(pkg-config --cflags --libs check) $(LDLIBS)

# ---- benchmarks: each bench/*.c prints its own figures ----
BENCH_BINS := $(patsubst bench/%.c,$(O)/bench/%,$(wildcard bench/*.c))

$(O)/bench/%: bench/%.c $(LIB)
	$(Q)mkdir -p $(dir $@)
	$(msg) CC-BENCH $@
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

bench: $(BENCH_BINS)
	$(Q)for b in $(BENCH_BINS); do echo "== $${b##*/}"; $$b || exit 1; done

deps:
	$(Q)scripts/install-deps

vmdeps:
	$(Q)scripts/install-deps --vm

check: deps
	$(Q)$(MAKE) unit
	$(Q)$(MAKE) abi

abi:
	$(Q)tests/abi/run

unit: $(UNIT_BINS)
	$(Q)scripts/run-unit $(UNIT_BINS)

vmcheck: vmdeps
	$(Q)$(MAKE) user bpf
	$(Q)tests/dkms/run
	$(Q)tests/vm/run

test: check vmcheck

run: deps
	$(Q)scripts/run

clean:
	rm -rf $(O)
	$(Q)if [ -d "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi

.PHONY: all user bpf module deps vmdeps check unit abi vmcheck test run clean bench
.SECONDARY:

-include $(shell find $(O) -name '*.d' 2>/dev/null)
