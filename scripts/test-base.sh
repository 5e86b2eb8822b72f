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

if has_feature_series; then
	# The feature series is there: these must run, and do not yet.
	record kunit FAIL "backport/$BASE has the feature series: wire KUnit into test-base.sh"
	record boot FAIL "backport/$BASE has the feature series: wire the boots into test-base.sh"
else
	# What needs the feature series and its test devices.
	record kunit SKIP "the dma-buf-access suite comes with the feature series, not backported to $BASE yet"
	record boot SKIP "the VM tests need the test devices of the feature series (DMA emulation, dummy_hcd SG, IIO dummy DMA), not backported to $BASE yet"
fi

summary "make test BASE=$BASE"
