#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Each fix series alone on the base, as its maintainer takes it: for every
# series of patches/series but the last, 'git am' of its patches on the
# pristine base (branch alone/NAME in build/linux, made in the worktree
# build/alone-src), then every patch of it built on its own by
# scripts/bisect.sh over base..alone/NAME.
#
# Output: 'PASS|FAIL alone NAME applies' and the bisect lines of each
# series, in build/results/alone-NAME; exit status 1 if any failed.
#
# Usage: scripts/series-alone.sh [NAME...]   (default: every fix series)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SRC=$BUILD/alone-src
rc=0

[ "${1:-}" = -h ] || [ "${1:-}" = --help ] && usage 0

# apply_alone NAME: branch alone/NAME = base + the patches of NAME.
apply_alone() {
	local name=$1
	tree_worktree "$SRC" "$BASE_TAG"
	git -C "$SRC" am --abort >/dev/null 2>&1 || true
	git -C "$SRC" checkout -q --detach "$BASE_TAG"
	am_series "$SRC" "$name" || return 1
	git -C "$SRC" branch -f "alone/$name" HEAD
}

mapfile -t names < <(if [ $# -gt 0 ]; then printf '%s\n' "$@"; else fix_series; fi)
mkdir -p "$BUILD/results"
for name in "${names[@]}"; do
	results=$BUILD/results/alone-$name
	: >"$results"
	if step "$name: apply alone on $BASE_TAG" apply_alone "$name"; then
		echo "PASS alone $name applies" | tee -a "$results"
	else
		echo "FAIL alone $name applies" | tee -a "$results"
		rc=1
		continue
	fi
	BISECT_FROM=$BASE_TAG BISECT_REV=alone/$name BISECT_RESULTS=$results.bisect \
		step "$name: every patch builds alone" "$TOP/scripts/bisect.sh" || rc=1
	sed -n 's/^\(PASS\|FAIL\) bisect /\1 alone '"$name"' bisect /p' "$results.bisect" >>"$results"
	grep -q "^PASS alone $name bisect" "$results" || {
		echo "FAIL alone $name bisect (nothing built)" >>"$results"
		rc=1
	}
done
exit "$rc"
