#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install, with apt-get as root, every Debian (bookworm) package the project
# needs: kernel build, initramfs, qemu, base fetch, static checks and the
# build of sid's sparse (scripts/sparse.sh). Nothing is done when every
# package is installed already (one dpkg-query, about a second), so it is
# cheap to run before every CI job. apt-get update runs only when something
# is missing.
#
# To add a package, add it to PACKAGES below (one per line, with why).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	# kernel build (Documentation/process/changes.rst)
	build-essential # gcc, make, libc headers, dpkg-dev (dpkg-source for 'apt-get source')
	flex
	bison
	bc
	libelf-dev # objtool, BTF-less ORC
	libssl-dev # certs/, sign-file
	libmpc-dev # GCC plugins (they also need gcc-12-plugin-dev; without it they stay off)
	cpio       # kheaders, initramfs
	rsync      # make headers_install
	kmod       # depmod for modules_install
	python3    # kunit.py, scripts/*.py
	ccache     # kernel_cc in lib.sh
	xz-utils   # base tarball
	git        # build/linux, worktrees
	# base fetch through the private apt configuration
	debian-archive-keyring
	# VM tests
	busybox-static
	qemu-system-x86
	# the arm64 VM tests: qemu-system-aarch64 (-M virt); their static test
	# programs use gcc-aarch64-linux-gnu below and libc6-dev-arm64-cross
	qemu-system-arm
	libc6-dev-arm64-cross
	libc6-dev-armhf-cross
	# static checks (scripts/check-patches.sh)
	coccinelle # make coccicheck
	shellcheck # the repository's own scripts
	python3-ply # checkpatch.pl runs scripts/spdxcheck.py, which needs both;
	python3-git # without them every new file gets a false SPDX_LICENSE_TAG
	# the build matrix (scripts/matrix.sh): Debian's cross compilers, and
	# LLVM 19 (bookworm's newest; 7.3 needs LLVM >= 17)
	gcc-aarch64-linux-gnu
	gcc-arm-linux-gnueabihf
	gcc-riscv64-linux-gnu
	gcc-mips64el-linux-gnuabi64
	gcc-i686-linux-gnu
	clang-19
	lld-19
	llvm-19
	# make htmldocs on the touched Documentation (scripts/htmldocs.sh)
	python3-sphinx
	python3-sphinx-rtd-theme
	python3-yaml
	# sid's sparse is built from source by scripts/sparse.sh with its
	# optional parts (llvm, gtk, libxml) off: it needs only build-essential
	# (make, gcc, dpkg-dev) and pkg-config for its Makefile's probes.
	pkg-config
	# the plots of make bench (scripts/bench-plots.py)
	gnuplot-nox
)

missing_packages() {
	local -A installed=()
	local p st
	# One dpkg-query for the whole list; absent packages make it
	# print to stderr and exit non-zero, which only means "missing".
	while read -r p st; do
		[ "$st" = ii ] && installed[$p]=1
	done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${PACKAGES[@]}" 2>/dev/null || true)
	for p in "${PACKAGES[@]}"; do
		[ -n "${installed[$p]:-}" ] || echo "$p"
	done
}

install_packages() {
	[ "$(id -u)" = 0 ] || die "missing packages and not root: run 'sudo $0'"
	export DEBIAN_FRONTEND=noninteractive
	apt-get -q update
	apt-get -q -y install --no-install-recommends "$@"
}

start=$(date +%s)
mapfile -t missing < <(missing_packages)
if [ "${#missing[@]}" = 0 ]; then
	log "deps: all ${#PACKAGES[@]} packages installed ($(($(date +%s) - start)) s)"
	exit 0
fi
log "deps: missing: ${missing[*]}"
step "apt-get install ${#missing[@]} packages" install_packages "${missing[@]}"
mapfile -t missing < <(missing_packages)
[ "${#missing[@]}" = 0 ] || die "still missing after install: ${missing[*]}"
log "deps: all ${#PACKAGES[@]} packages installed ($(($(date +%s) - start)) s)"
