#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make htmldocs' on the Documentation the series touches, with Debian's
# Sphinx: each top-level Documentation/ directory with a .rst the series
# changes is built (SPHINXDIRS) at master. A warning about a file the series
# touches (its .rst files, and the sources their kernel-doc directives
# read) fails, unless the base has it too: only then is the base built, to
# compare (file and message, line numbers removed, counted per message).
# Warnings about files the series does not touch are upstream's. One
# 'PASS|FAIL htmldocs DIR' line per directory, also in
# build/results/htmldocs.
#
# Usage: scripts/htmldocs.sh [DIR...]
#   DIR  top-level Documentation/ directories (default: those the series
#        touches, e.g. driver-api core-api usb iio userspace-api)
# Environment: DOCS_SRC (worktree, build/docs-src), DOCS_OUT (output,
# build/docs). Logs: build/docs/{base,head}-DIR.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SRC=${DOCS_SRC:-$BUILD/docs-src}
OUT=${DOCS_OUT:-$BUILD/docs}
RESULTS=$BUILD/results/htmldocs
REV=master

passed=0
failed=0

result() {
	echo "$*" | tee -a "$RESULTS"
}

# touched_dirs: the top-level Documentation/ directories with a .rst the
# series changes (ABI/ and others without an index are left out).
touched_dirs() {
	git -C "$TREE" diff --name-only "$BASE_TAG" "$REV" -- 'Documentation/*.rst' |
		cut -d/ -f2 | sort -u |
		while read -r d; do
			[ -f "$TREE/Documentation/$d/index.rst" ] && echo "$d"
		done
}

# build REV DIR LOG: make htmldocs for one directory at REV.
build() {
	local rev=$1 dir=$2 log=$3
	git -C "$SRC" checkout -q --detach "$rev"
	# Each directory and revision gets its own output: Sphinx's cache
	# would otherwise hide the warnings of unchanged files.
	rm -rf "$OUT/obj-$dir"
	make -C "$SRC" O="$OUT/obj-$dir" SPHINXDIRS="$dir" -j"$JOBS" htmldocs >"$log" 2>&1 || {
		echo "make htmldocs failed at $rev (see $log)" >>"$log.failed"
	}
}

# warnings LOG: 'file: message' of every Sphinx or kernel-doc warning about
# a file the series touches.
warnings() {
	sed -e "s|$SRC/||g" "$1" |
		grep -E '(WARNING|ERROR|warning|error):' |
		grep -F -f "$OUT/touched.list" |
		sed -E -e 's/:[0-9]+(:[0-9]+)?: /: /' -e 's/ line [0-9]+/ line N/g' |
		awk '{ print $0 "#" ++n[$0] }' | sort || true
}

main() {
	local -a dirs
	local d reasons

	need sphinx-build
	[ -d "$TREE/.git" ] || die "$TREE missing: run 'make tree'"
	if [ $# -gt 0 ]; then
		dirs=("$@")
	else
		mapfile -t dirs < <(touched_dirs)
	fi
	tree_worktree "$SRC" "$REV"
	mkdir -p "$OUT" "$(dirname "$RESULTS")"
	: >"$RESULTS"
	git -C "$TREE" diff --name-only "$BASE_TAG" "$REV" -- Documentation '*.c' '*.h' |
		grep -vE '^tools/' >"$OUT/touched.list"
	for d in "${dirs[@]}"; do
		rm -f "$OUT/base-$d.log.failed" "$OUT/head-$d.log.failed"
		: >"$OUT/base-$d.log"
		step "htmldocs $d at $REV" build "$REV" "$d" "$OUT/head-$d.log"
		if [ -n "$(warnings "$OUT/head-$d.log")" ]; then
			step "htmldocs $d at $BASE_TAG (to compare)" build "$BASE_TAG" "$d" "$OUT/base-$d.log"
		fi
		reasons=$(
			cat "$OUT/head-$d.log.failed" 2>/dev/null || true
			comm -13 <(warnings "$OUT/base-$d.log") <(warnings "$OUT/head-$d.log") |
				sed 's/#[0-9]*$//'
		)
		if [ -z "$reasons" ]; then
			result "PASS htmldocs $d"
			passed=$((passed + 1))
		else
			result "FAIL htmldocs $d"
			printf '%s\n' "$reasons" | head -n 30 | sed 's/^/    /' | tee -a "$RESULTS"
			failed=$((failed + 1))
		fi
	done
	echo "htmldocs: $passed passed, $failed failed"
	[ "$failed" = 0 ]
}

main "$@"
