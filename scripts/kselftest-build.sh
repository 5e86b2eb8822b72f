#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The selftest directories the series adds or changes, built the way a
# user builds them: 'make kselftest-all TARGETS=...' in the tree, against
# the test kernel's configuration and headers (build/kernel-x86_64). Each
# directory must be in tools/testing/selftests/Makefile's TARGETS (so that
# a plain 'make kselftest' runs it), have a config fragment, and build
# with no compiler warning. One 'PASS|FAIL kselftest DIR' line each, also
# in build/results/kselftest.
#
# Usage: scripts/kselftest-build.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"

RESULTS=$BUILD/results/kselftest
OBJ=$BUILD/kernel-x86_64
LOG=$BUILD/results/kselftest.log

passed=0
failed=0

result() {
	echo "$*" | tee -a "$RESULTS"
}

# The selftest directories with a Makefile that the series touches.
dirs() {
	git -C "$TREE" diff --name-only "$BASE_TAG" master -- tools/testing/selftests/ |
		xargs -r -n1 dirname | sort -u |
		while read -r d; do
			[ -f "$TREE/$d/Makefile" ] && [ "$d" != tools/testing/selftests ] &&
				echo "${d#tools/testing/selftests/}"
		done
}

main() {
	local -a targets
	local d reasons rc=0

	[ -f "$OBJ/.config" ] || die "$OBJ/.config missing: run 'make kernel'"
	mkdir -p "$(dirname "$RESULTS")"
	: >"$RESULTS"
	mapfile -t targets < <(dirs)
	[ "${#targets[@]}" -gt 0 ] || die "no selftest directory in the series"
	# Clean first: an up-to-date program would hide its warnings.
	make -C "$TREE" O="$OBJ" kselftest-clean TARGETS="${targets[*]}" >"$LOG" 2>&1 || true
	make -C "$TREE" O="$OBJ" -j"$JOBS" kselftest-all TARGETS="${targets[*]}" >>"$LOG" 2>&1 || rc=$?
	for d in "${targets[@]}"; do
		reasons=$(
			grep -qxF "TARGETS += $d" "$TREE/tools/testing/selftests/Makefile" ||
				echo "not in tools/testing/selftests/Makefile TARGETS"
			[ -f "$TREE/tools/testing/selftests/$d/config" ] || echo "no config fragment"
			grep -E "^[^ ]*$d/[^ :]+:[0-9]+:[0-9]+: (warning|error): " "$LOG" || true
			[ "$rc" = 0 ] || echo "make kselftest-all failed ($rc): see $LOG"
		)
		if [ -z "$reasons" ]; then
			result "PASS kselftest $d"
			passed=$((passed + 1))
		else
			result "FAIL kselftest $d"
			printf '%s\n' "$reasons" | sed 's/^/    /' | tee -a "$RESULTS"
			failed=$((failed + 1))
		fi
	done
	echo "kselftest: $passed passed, $failed failed"
	[ "$failed" = 0 ]
}

main "$@"
