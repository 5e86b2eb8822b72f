#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test command (make test, called by .ci/run). Runs every check in
# order, each step writing "PASS|FAIL|SKIP name" lines to build/results/,
# and ends with one line "N passed, N failed". Exits non-zero on any
# failure. A step that cannot run (for example the tree does not build)
# counts as one failure and the steps that need it are reported as failed
# rather than silently skipped.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# make test BASE=6.12: the tests of that backport base instead.
[ -z "$BASE" ] || exec "$TOP/scripts/test-base.sh"
. "$TOP/scripts/test-lib.sh"

RESULTS=$BUILD/results
# The boot runs (BOOT_RUNS, BOOT_KUNIT, BOOT_TIMEOUT) and boot_runs are in
# scripts/test-lib.sh, shared with make test BASE=6.12.
# TCG emulates arm64 on x86_64 more slowly than x86_64 itself.
ARM64_BOOT_TIMEOUT=${ARM64_BOOT_TIMEOUT:-900}
# The architectures whose test kernel is built and booted: ARCHES="x86_64"
# leaves arm64 out (make test ARCHES=x86_64), ARCHES="x86_64 arm64 arm"
# adds 32-bit ARM. x86_64 always runs: its kernel's configuration is that
# of the static checks and the bisect builds.
ARCHES=${ARCHES:-x86_64 arm64}

# base_612: make test BASE=6.12 without its KUnit and boot runs
# (BASE_TESTS=quick: they do not fit CI's time beside the main base's; make
# test BASE=6.12 runs them, README), its results as results/backport-612 (a
# results file has no dot in its name: files with one are logs).
base_612() {
	local rc=0
	env -u BUILD -u TREE -u PATCHES BASE=6.12 BASE_TESTS=quick \
		"$TOP/scripts/test-base.sh" || rc=$?
	find "$TOP/build/6.12/results" -maxdepth 1 -type f ! -name '*.*' -exec cat {} + |
		sed 's|^\([A-Z]*\) |\1 6.12/|' >"$RESULTS/backport-612"
	return "$rc"
}

# cross_runs ARCH: the arm64 or 32-bit ARM test kernel, its initramfs and
# its boot runs, where devices are really not coherent (qemu's virt
# machine).
cross_runs() {
	local arch=$1
	if run_step "kernel ($arch)" "$TOP/scripts/build-kernel.sh" --arch "$arch" &&
		run_step "initramfs ($arch)" "$TOP/scripts/build-initramfs.sh" --arch "$arch"; then
		BOOT_TIMEOUT=$ARM64_BOOT_TIMEOUT boot_runs "$arch" || true
	else
		record "boot-$arch" FAIL
	fi
}

START=$(date +%s)
if [ "${1:-}" = --only-arm64 ]; then
	# make arm64: the arm64 part alone, results in build/results-arm64.
	RESULTS=$BUILD/results-arm64
	rm -rf "$RESULTS"
	mkdir -p "$RESULTS"
	: >"$RESULTS/steps"
	run_step "series applies" series_applies && cross_runs arm64
	summary "make arm64"
	exit
fi
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
: >"$RESULTS/steps"

# The test kernel's .config is also the configuration of the static checks
# and of the bisect builds, so it is built first.
if run_step "series applies" series_applies; then
	record "series-applies" PASS
	kernel_ok=0
	if run_step "kernel" "$TOP/scripts/build-kernel.sh" &&
		run_step "initramfs" "$TOP/scripts/build-initramfs.sh"; then
		kernel_ok=1
	fi
	if [ "$kernel_ok" = 1 ]; then
		run_step "kselftest build" "$TOP/scripts/kselftest-build.sh" || true
	else
		record kselftest FAIL
	fi
	if run_step "sparse" "$TOP/scripts/sparse.sh"; then
		run_step "static checks" "$TOP/scripts/check-patches.sh" || true
		run_step "static checks (arm64)" "$TOP/scripts/check-patches.sh" --arch arm64 || true
	fi
	# The rest of the matrix and htmldocs do not fit CI's time limit:
	# 'make matrix' and 'make htmldocs' (README).
	run_step "build matrix (CI part)" "$TOP/scripts/matrix.sh" ci || true
	run_step "bisect build" "$TOP/scripts/bisect.sh" || true
	run_step "fix series alone on the base" "$TOP/scripts/series-alone.sh" || true
	# The reproducer runs take about an hour ('make repro', README); that
	# their trees can be made is checked here.
	run_step "reproducer trees" "$TOP/scripts/repro.sh" --trees || true
	run_step "posting export" "$TOP/scripts/check-post.sh" || true
	run_step "kunit" "$TOP/scripts/kunit.sh" || true
	# The 6.12 LTS backport: scripts/test-base.sh in build/6.12 (a few
	# minutes; the base is fetched once), its result lines here.
	run_step "6.12 backport" base_612 || true
	if [ "$kernel_ok" = 1 ]; then
		boot_runs || true
	fi
	for arch in $ARCHES; do
		case $arch in
		x86_64) ;;
		arm64 | arm) cross_runs "$arch" ;;
		*) record "arch-$arch" FAIL; warn "ARCHES: no test kernel for '$arch'" ;;
		esac
	done
fi
summary "make test"
