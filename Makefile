# Inception appliance. `make` builds out/ (kernel, hostd, the stack's images
# disk, initramfs, data disk); `make run` boots it; `make test` runs every
# test tier.
SHELL      := /bin/sh
OUT        := out
CACHE      ?= /var/cache/inception
SSH_PORT   ?= 2222
export INCEPTION_CACHE := $(CACHE)
export SSH_PORT

# Two programs from one tree, each from its folders (DEV_DOC, "The tree"):
# hostd, the appliance's PID 1 (musl, static), from init/ ctl/ supervise/
# runtime/ common/; hostd-build, the build host's image builder and compose
# compiler (glibc, libyaml, libcrypto), from build/ (with build/dockerfile/
# and build/compose/) and common/. Each object has its own rule and its
# header dependencies (-MMD), so a builder header never rebuilds hostd.
HOSTD_DIRS := init ctl supervise runtime common
HOSTD_SRC  := $(foreach d,$(HOSTD_DIRS),$(wildcard hostd/$(d)/*.c))
BUILD_SRC  := $(wildcard hostd/build/*.c hostd/build/*/*.c hostd/common/*.c)
CFLAGS     ?= -O2
WARN       := -Wall -Wextra -Werror
MUSL_CC    := musl-gcc
KINC       := $(OUT)/build/kinc
OBJ        := $(OUT)/build/obj
# The pure files: computation only, no system call (each says so in its
# header comment with a line " * pure: ..."; tests/layout/check.sh holds
# them to it with nm). The unit tests and the fuzzers link these alone.
PURE_SRC   := $(shell grep -l '^ \* pure:' $(HOSTD_SRC) $(BUILD_SRC) | sort -u)
UNIT_SRC   := $(wildcard tests/unit/*.c)

.PHONY: all image deps run down ssh test test-layout test-unit test-unit-san test-fuzz fuzz test-compose test-build test-e2e bench clean fclean re help

all: $(OUT)/bzImage $(OUT)/images.img $(OUT)/initramfs.img $(OUT)/data.img $(OUT)/inception.img ## Build everything into out/

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t14

deps: $(OUT)/.deps ## Install the Debian packages the build needs
$(OUT)/.deps: scripts/deps.sh
	@mkdir -p $(OUT)
	scripts/deps.sh
	@touch $@

$(OUT)/bzImage: $(OUT)/.deps scripts/kernel.sh $(wildcard kernel-config/*.config)
	scripts/kernel.sh $@

$(KINC): $(OUT)/.deps
	@mkdir -p $@
	@ln -sfn /usr/include/linux $@/linux
	@ln -sfn /usr/include/x86_64-linux-gnu/asm $@/asm
	@ln -sfn /usr/include/asm-generic $@/asm-generic

HOSTD_OBJS       := $(patsubst hostd/%.c,$(OBJ)/hostd/%.o,$(HOSTD_SRC))
UNCONFINED_OBJS  := $(patsubst hostd/%.c,$(OBJ)/unconfined/%.o,$(HOSTD_SRC))
BUILD_OBJS       := $(patsubst hostd/%.c,$(OBJ)/build/%.o,$(BUILD_SRC))
-include $(HOSTD_OBJS:.o=.d) $(UNCONFINED_OBJS:.o=.d) $(BUILD_OBJS:.o=.d)

$(OBJ)/hostd/%.o: hostd/%.c | $(KINC)
	@mkdir -p $(@D)
	$(MUSL_CC) $(CFLAGS) $(WARN) -D_GNU_SOURCE -isystem $(KINC) -Ihostd -MMD -MP -c -o $@ $<
$(OUT)/hostd: $(HOSTD_OBJS)
	$(MUSL_CC) -static -s -o $@ $^

# The image builder and compose compiler (build host: glibc, libyaml, libcrypto).
$(OBJ)/build/%.o: hostd/%.c | $(OUT)/.deps
	@mkdir -p $(@D)
	cc $(CFLAGS) $(WARN) -D_GNU_SOURCE -Ihostd -MMD -MP -c -o $@ $<
$(OUT)/hostd-build: $(BUILD_OBJS)
	cc -o $@ $^ -lyaml -lcrypto

# The stack: images (layers cached by their inputs), plans, secrets, and
# the images disk with the layers the plans use.
STACK_FILES := $(shell find stack -type f) $(wildcard secrets/*)
$(OUT)/images.img: $(OUT)/hostd $(OUT)/hostd-build scripts/stack.sh scripts/config.sh $(STACK_FILES)
	scripts/stack.sh $(OUT)

$(OUT)/initramfs.img: $(OUT)/hostd $(OUT)/images.img scripts/initramfs.sh scripts/config.sh \
		initramfs/binaries $(shell find initramfs -type f)
	scripts/initramfs.sh $(OUT)

# The disk to hand over: boots by itself (BIOS), partitions found by label;
# a rebuild keeps its data partition. `make image` adds the formats.
$(OUT)/inception.img: $(OUT)/bzImage $(OUT)/initramfs.img $(OUT)/images.img scripts/disk.sh
	scripts/disk.sh $(OUT)

image: $(OUT)/inception.ova ## The bootable disk and its qcow2, VMDK, VDI and OVA exports
$(OUT)/inception.ova: $(OUT)/inception.img scripts/export.sh scripts/config.sh
	scripts/export.sh $(OUT)

$(OUT)/data.img: | $(OUT)/.deps
	truncate -s 4G $@

run: all ## Build, boot the VM in the background, wait until it is ready
	qemu/vm.sh start

down: ## Power the VM off cleanly (ACPI power button)
	qemu/vm.sh stop

ssh: ## Log in to the running VM as root
	qemu/vm.sh ssh

test: test-layout test-unit test-unit-san test-fuzz test-compose test-host test-build test-e2e ## Run every test tier (unit, fuzz, host mode, QEMU)

test-layout: $(OUT)/hostd $(OUT)/hostd-build ## The tree's shape: include direction, no build/ symbol in hostd, pure files, sizes
	tests/layout/check.sh $(OBJ)

test-unit: $(OUT)/.deps ## Unit tests of hostd's pure parts (no root)
	@mkdir -p $(OUT)/build
	cc $(CFLAGS) $(WARN) -D_GNU_SOURCE -Ihostd -o $(OUT)/build/unit \
		$(UNIT_SRC) $(PURE_SRC) -lyaml
	$(OUT)/build/unit

# The same unit tests built by clang with AddressSanitizer (leaks too) and
# UndefinedBehaviorSanitizer, any report fatal.
SAN_CC     := clang
SAN_CFLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=undefined -D_GNU_SOURCE -Ihostd
test-unit-san: $(OUT)/build/unit-san ## The unit tests under ASan and UBSan (clang)
	$(OUT)/build/unit-san
$(OUT)/build/unit-san: $(UNIT_SRC) tests/unit/unit.h $(PURE_SRC) $(wildcard hostd/*/*.h hostd/*/*/*.h) | $(OUT)/.deps
	@mkdir -p $(@D)
	$(SAN_CC) $(SAN_CFLAGS) $(WARN) -o $@ $(UNIT_SRC) $(PURE_SRC) -lyaml

# The libFuzzer harnesses (tests/fuzz/fuzz_NAME.c) over the pure parsers,
# which are built once into an archive with coverage and the sanitizers.
FUZZ_S      ?= 60
FUZZ_TEST_S ?= 4
FUZZ_DIR    := $(OUT)/build/fuzz
FUZZ_NAMES  := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS   := $(addprefix $(FUZZ_DIR)/,$(FUZZ_NAMES))
FUZZ_OBJS   := $(patsubst hostd/%.c,$(FUZZ_DIR)/obj/%.o,$(PURE_SRC))
fuzz: $(FUZZ_BINS) ## Fuzz each parser FUZZ_S seconds (60), growing tests/fuzz/corpus
	tests/fuzz/run.sh fuzz $(FUZZ_DIR) $(FUZZ_S) $(FUZZ_NAMES)
test-fuzz: $(FUZZ_BINS) ## Each fuzz harness over its corpus, then FUZZ_TEST_S seconds (4)
	tests/fuzz/run.sh check $(FUZZ_DIR) $(FUZZ_TEST_S) $(FUZZ_NAMES)
$(FUZZ_OBJS): $(FUZZ_DIR)/obj/%.o: hostd/%.c $(wildcard hostd/*/*.h hostd/*/*/*.h) | $(OUT)/.deps
	@mkdir -p $(@D)
	$(SAN_CC) $(SAN_CFLAGS) -fsanitize=fuzzer-no-link $(WARN) -c -o $@ $<
$(FUZZ_DIR)/libhostd.a: $(FUZZ_OBJS)
	rm -f $@ && ar rcs $@ $^
$(FUZZ_BINS): $(FUZZ_DIR)/%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_DIR)/libhostd.a
	$(SAN_CC) $(SAN_CFLAGS) -fsanitize=fuzzer $(WARN) $(FUZZ_LDFLAGS) -o $@ $< \
		$(FUZZ_DIR)/libhostd.a -lyaml

COMPOSE_SRC := $(wildcard hostd/build/compose/*.c) $(wildcard hostd/common/*.c)
$(OUT)/build/compose-dump: tests/compose/dump.c $(COMPOSE_SRC) $(wildcard hostd/*/*.h hostd/*/*/*.h) | $(OUT)/.deps
	@mkdir -p $(OUT)/build
	cc $(CFLAGS) $(WARN) -D_GNU_SOURCE -Ihostd -o $@ tests/compose/dump.c $(COMPOSE_SRC) -lyaml

test-compose: $(OUT)/build/compose-dump ## docker-compose 1.29 and hostd agree on the compose fixtures and the stack
	tests/compose/validate.sh $(OUT)/build/compose-dump

$(OUT)/payload: $(wildcard tests/payload/*.c tests/payload/*.h) | $(KINC)
	$(MUSL_CC) $(CFLAGS) $(WARN) -D_GNU_SOURCE -isystem $(KINC) -static -s -o $@ $(filter %.c,$^)

# A test build of hostd with `hostd run --unconfined` (every protection
# off), for tests/host/confine.sh to show each escape attempt working
# without them. Never installed: the appliance's hostd has no such switch.
$(OBJ)/unconfined/%.o: hostd/%.c | $(KINC)
	@mkdir -p $(@D)
	$(MUSL_CC) $(CFLAGS) $(WARN) -D_GNU_SOURCE -DHOSTD_TEST_UNCONFINED -isystem $(KINC) -Ihostd -MMD -MP -c -o $@ $<
$(OUT)/hostd-unconfined: $(UNCONFINED_OBJS)
	$(MUSL_CC) -static -s -o $@ $^

# hostd's own file logger, driven by tests/host/run.sh.
$(OUT)/build/logring: tests/host/logring.c hostd/runtime/log.c hostd/runtime/log_format.c hostd/runtime/log.h | $(OUT)/.deps
	@mkdir -p $(OUT)/build
	cc $(CFLAGS) $(WARN) -D_GNU_SOURCE -Ihostd -o $@ tests/host/logring.c hostd/runtime/log.c hostd/runtime/log_format.c

test-host: $(OUT)/hostd $(OUT)/payload $(OUT)/hostd-unconfined $(OUT)/build/logring ## Real containers, `hostd run` and `hostd daemon`, on this machine (root)
	tests/host/run.sh
	tests/host/confine.sh
	tests/host/daemon.sh
	tests/host/exec.sh
	tests/host/ports.sh

test-build: $(OUT)/hostd $(OUT)/hostd-build ## The image builder and compose compiler on a small stack (root, apt)
	tests/build/build.sh

test-e2e: all $(OUT)/inception.ova $(OUT)/payload $(OUT)/hostd-unconfined ## Boot the image under QEMU and check it from outside
	tests/e2e/boot.sh
	tests/e2e/stack.sh
	tests/e2e/powercut.sh
	tests/e2e/disk.sh

bench: all ## Boot and site time vs Debian's kernel; container start vs crun and runc; ports; builder
	bench/boot
	bench/runtime
	bench/ports
	bench/build
	bench/http

clean: ## Remove build products (keeps the data disk, ssh key and caches)
	-qemu/vm.sh stop 2>/dev/null
	rm -rf $(OUT)/build $(OUT)/hostd $(OUT)/bzImage $(OUT)/initramfs.img $(OUT)/images.img $(OUT)/stack \
		$(OUT)/inception.qcow2 $(OUT)/inception.vmdk $(OUT)/inception.vdi $(OUT)/inception.ova $(OUT)/inception.ovf \
		$(OUT)/initramfs $(OUT)/e2e.* $(OUT)/e2e-stack.* $(OUT)/e2e-powercut.* $(OUT)/e2e-disk.* $(OUT)/bench-boot.* $(OUT)/vm/console.log

fclean: clean ## Also remove the data disk, the ssh key and everything in out/
	rm -rf $(OUT)

re: fclean all ## Rebuild from scratch (the kernel cache is kept)
