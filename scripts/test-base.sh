#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make test BASE=6.12 (scripts/test.sh hands over to this): the tests of a
# backport base, configs/base-$BASE with the series of backport/$BASE, in
# build/$BASE. It runs what applies to the series set there and records
# each test that cannot run yet as SKIP with the reason, so that the
# closing line counts them:
#   series applies     the backport's series apply on their base, and
#                      backport/$BASE is the export of the tree
#   kernel config      the test kernel's fragments without the symbols the
#                      base does not define (build-kernel.sh, BASE set),
#                      the configuration of the checks below
#   static checks      checkpatch --strict, kernel-doc, and sparse and W=1
#                      on every touched object, base vs master
#   bisect build       every patch builds on its own
#   fix series alone   each fix series alone on the base
# and, once backport/$BASE has the feature series:
#   kunit              the dma-buf-access suite under UML, without and
#                      with CONFIG_DMABUF_DEBUG (kunit.sh, BASE's
#                      kunitconfig)
#   kernel, initramfs  the x86_64 test kernel and its VM tests
#   boot               the boot runs of make test (default, and
#                      swiotlb=force), with the suite built in
# (not with BASE_TESTS=quick, as make test runs it: SKIP with the reason).
# Ends with "N passed, N failed, N skipped" and exits non-zero on a failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$TOP/scripts/test-lib.sh"

[ -n "$BASE" ] || die "test-base.sh: BASE is not set (make test BASE=6.12)"

RESULTS=$BUILD/results
START=$(date +%s)
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
: >"$RESULTS/steps"

# Whether backport/$BASE has the feature series yet: a series that is not
# one of the fix series (fix_series, lib.sh).
has_feature_series() {
	series_names | grep -qv -- '-fixes$'
}

if run_step "series applies" series_applies; then
	record series-applies PASS
	if run_step "kernel config" "$TOP/scripts/build-kernel.sh" --config-only; then
		record kernel-config PASS
		if run_step "sparse" "$TOP/scripts/sparse.sh"; then
			run_step "static checks" "$TOP/scripts/check-patches.sh" || true
		fi
		run_step "bisect build" "$TOP/scripts/bisect.sh" || true
	fi
	run_step "fix series alone on the base" "$TOP/scripts/series-alone.sh" || true
fi

# What the base's own code fails in a boot run, outside what the series
# touches: left out of that run, each recorded SKIP with the reason.
# dmabuf-heap: 6.12's vgem maps a buffer when it imports it (7.3 imports
# without mapping), and swiotlb=force cannot bounce the 1 MiB segments of
# the heaps' buffers ("swiotlb buffer is full"): the upstream selftest's
# import cases fail there. iio-reliability: under swiotlb=force on 6.12,
# one of the allocations its fault injection fails in turn is the DMA API
# debug code's own (its cacheline radix tree), which then disables itself
# ("cacheline tracking ENOMEM, dma-debug disabled") for the rest of the run.
if [ "$BASE" = 6.12 ]; then
	BOOT_SKIP[swiotlb]="dmabuf-heap iio-reliability"
	BOOT_SKIP_WHY[swiotlb/dmabuf-heap]="6.12's vgem maps at import and swiotlb=force cannot bounce the heaps' 1 MiB segments (not the series)"
	BOOT_SKIP_WHY[swiotlb/iio-reliability]="on 6.12 its fault injection fails dma-debug's own radix tree allocation, which disables dma-debug"
fi

# BASE_TESTS=quick (make test's step "6.12 backport"): without the KUnit and
# boot runs, which do not fit CI's time beside the main base's tests.
BASE_TESTS=${BASE_TESTS:-all}

if has_feature_series && [ "$BASE_TESTS" = quick ]; then
	record kunit SKIP "not in make test (CI's time): make test BASE=$BASE runs it"
	record boot SKIP "not in make test (CI's time): make test BASE=$BASE runs them"
elif has_feature_series; then
	# The feature series and its test devices: the KUnit suite under UML,
	# the test kernel and its initramfs, and the x86_64 boot runs, as on
	# the main base (the arm64 runs are the main base's, make test).
	run_step "kunit" "$TOP/scripts/kunit.sh" || true
	if run_step "kernel" "$TOP/scripts/build-kernel.sh" &&
		run_step "initramfs" "$TOP/scripts/build-initramfs.sh"; then
		boot_runs || true
	else
		record boot FAIL "no test kernel or initramfs: the boot runs did not run"
	fi
else
	# What needs the feature series and its test devices.
	record kunit SKIP "the dma-buf-access suite comes with the feature series, not backported to $BASE yet"
	record boot SKIP "the VM tests need the test devices of the feature series (DMA emulation, dummy_hcd SG, IIO dummy DMA), not backported to $BASE yet"
fi

summary "make test BASE=$BASE"
