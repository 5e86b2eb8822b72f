# SPDX-License-Identifier: GPL-2.0
#
# dmabuf-access: the table of contents. Each target is one step of the
# path fetch -> tree -> build -> boot -> test -> export, done by one script
# in scripts/ that can also be run on its own. `make help` lists them.

include configs/base
ifneq ($(BASE),)
include configs/base-$(BASE)
endif

SHELL := /bin/bash
S := scripts

.DEFAULT_GOAL := demo
.PHONY: help deps fetch tree export check-export kunit kernel initramfs \
	boot arm64 sparse static static-arm64 matrix htmldocs bisect alone repro post \
	check-post test demo bench clean distclean

help: ## list the targets
	@echo "dmabuf-access ($(BASE_PKG)): make TARGET"
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | \
		awk -F':.*## ' '{ printf "  %-14s %s\n", $$1, $$2 }'

# The commands a user runs install what they need first: deps.sh takes
# about a second when every package is there (as root; otherwise it names
# the missing packages and stops).
demo bench test arm64: deps

demo: ## the main job: fetch, apply, build, boot the patched kernel, run the demo
	@$(S)/demo.sh

bench: ## the in-kernel benchmark of the brackets' cost (not part of test)
	@$(S)/bench.sh

test: ## all the tests; ends with "N passed, N failed" (what .ci/run calls)
	@$(S)/test.sh

deps: ## install the Debian packages the project needs (root)
	@$(S)/deps.sh

fetch: ## fetch the base (configs/base) through the private apt config, extract it
	@$(S)/fetch-base.sh

tree: fetch ## materialise build/linux: base commit + patches/ (FORCE=1 resets)
	@$(S)/tree.sh

export: ## write the commits after the base in build/linux to patches/
	@$(S)/export.sh

check-export: ## fail when patches/ is not the export of build/linux
	@$(S)/check-export.sh

kunit: ## KUnit dma-buf suites under UML, without and with DMABUF_DEBUG
	@$(S)/kunit.sh

kernel: ## build the x86_64 test kernel (configs/common, configs/x86_64) and its headers
	@$(S)/build-kernel.sh

initramfs: ## build the initramfs with busybox and the test programs
	@$(S)/build-initramfs.sh

boot: ## boot the test kernel in qemu and run the VM tests (APPEND=, TESTS=)
	@$(S)/boot.sh $(if $(APPEND),--append "$(APPEND)") $(if $(TESTS),--tests "$(TESTS)")

arm64: ## the arm64 test kernel and initramfs, booted in qemu -M virt (both runs)
	@$(S)/test.sh --only-arm64

sparse: ## build sid's sparse into build/tools (bookworm's is too old)
	@$(S)/sparse.sh

static: sparse ## checkpatch --strict, kernel-doc, sparse and W=1 on the series
	@$(S)/check-patches.sh

static-arm64: sparse ## sparse and W=1 on the series for arm64 (cross gcc)
	@$(S)/check-patches.sh --arch arm64

matrix: ## build matrix: 6 architectures x y/m/n, gcc and clang (SET=ci: CI's part)
	@$(S)/matrix.sh $(or $(SET),full)

htmldocs: ## make htmldocs on the Documentation the series touches, base vs master
	@$(S)/htmldocs.sh

bisect: ## build the objects every patch touches, one patch at a time
	@$(S)/bisect.sh

alone: ## each fix series alone on the base: applies, every patch builds
	@$(S)/series-alone.sh

repro: ## each fix series' reproducers on the base: before and after it (SERIES=)
	@$(S)/repro.sh $(SERIES)

post: ## mails for git send-email: make post SERIES=usb-fixes [V=2] (POST_NAME/POST_EMAIL)
	@$(S)/post.sh "$(SERIES)" $(V)

check-post: ## the posting export refuses placeholders and writes real To/Cc
	@$(S)/check-post.sh

clean: ## remove build outputs but keep build/linux and the fetched base
	rm -rf build/kernel-x86_64 build/kunit-* build/boot build/results \
		build/initramfs* build/bisect-obj build/post build/matrix \
		build/static-obj* build/docs build/kernel-repro build/repro \
		build/kernel-arm64 build/arm64-busybox

distclean: ## remove build/ entirely (build/linux too: export first!)
	rm -rf build
