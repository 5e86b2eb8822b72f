#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the test commands share (scripts/test.sh, make test; and
# scripts/test-base.sh, make test BASE=6.12): result lines in $RESULTS
# (build/results/, one file per step, "PASS|FAIL|SKIP name" lines), the
# steps, and the closing line "N passed, N failed, N skipped". Sourced
# after lib.sh, with RESULTS and START set.

# record NAME STATUS [REASON]: one result line for a step that has no
# results file of its own.
record() {
	echo "$2 $1${3:+ # $3}" >>"$RESULTS/steps"
	printf '%s %s%s\n' "$2" "$1" "${3:+ # $3}"
}

# run_step NAME COMMAND...: run a step, record a failure if it fails.
run_step() {
	local name=$1
	shift
	if step "$name" "$@"; then
		return 0
	fi
	record "$name" FAIL
	return 1
}

series_applies() {
	"$TOP/scripts/fetch-base.sh" && "$TOP/scripts/tree.sh" &&
		"$TOP/scripts/check-export.sh"
}

# Every result line of every step: the files without an extension.
results_lines() {
	find "$RESULTS" -maxdepth 1 -type f ! -name '*.*' -exec cat {} +
}

# summary WHAT: the counts per step, the failures, and the closing line;
# non-zero when something failed.
summary() {
	local passed failed skipped f
	passed=$(results_lines | grep -c '^PASS ' || true)
	failed=$(results_lines | grep -c '^FAIL ' || true)
	skipped=$(results_lines | grep -c '^SKIP ' || true)
	echo
	log "results by step (${RESULTS#"$TOP"/}/):"
	for f in "$RESULTS"/*; do
		# Results files have no extension; logs and JSON sit beside them.
		case "$(basename "$f")" in *.*) continue ;; esac
		[ -f "$f" ] || continue
		printf '  %-22s %4d passed %4d failed %4d skipped\n' "$(basename "$f")" \
			"$(grep -c '^PASS ' "$f" || true)" "$(grep -c '^FAIL ' "$f" || true)" \
			"$(grep -c '^SKIP ' "$f" || true)"
	done
	if [ "$failed" != 0 ]; then
		log "failures:"
		results_lines | grep '^FAIL ' | sed 's/^/  /'
	fi
	log "$1 took $(($(date +%s) - START)) s"
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" = 0 ]
}
