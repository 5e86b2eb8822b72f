#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the dma-buf KUnit suites under UML with the kernel's own kunit.py,
# from configs/kunit/dma-buf.kunitconfig (dma-buf-$BASE.kunitconfig with
# BASE set), twice: without and with
# CONFIG_DMABUF_DEBUG (the importer sees the exporter's table in one case
# and a page-less copy in the other). One build directory per variant, so
# the second run of each is incremental.
#
# Results: build/results/kunit-<variant>, one "PASS|FAIL|SKIP name" line
# per test case; the kunit.py log next to it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KUNITCONFIG=$TOP/configs/kunit/dma-buf.kunitconfig
# BASE=6.12: that base's own (configs/kunit/dma-buf-6.12.kunitconfig).
if [ -n "$BASE" ] && [ -f "$TOP/configs/kunit/dma-buf-$BASE.kunitconfig" ]; then
	KUNITCONFIG=$TOP/configs/kunit/dma-buf-$BASE.kunitconfig
fi
VARIANTS=${KUNIT_VARIANTS:-nodebug debug}

# kunit.py --json output -> one result line per test case.
json_to_results() {
	python3 - "$1" <<'PY'
import json
import sys

def walk(group, prefix):
    for sub in group.get("sub_groups") or []:
        walk(sub, prefix + [sub["name"]])
    for case in group.get("test_cases") or []:
        status = case["status"] if case["status"] in ("PASS", "SKIP") else "FAIL"
        print(status, "/".join(prefix + [case["name"]]))

walk(json.load(open(sys.argv[1])), [])
PY
}

run_variant() {
	local variant=$1 debug dir results
	case "$variant" in
	debug) debug=y ;;
	nodebug) debug=n ;;
	*) die "unknown variant $variant" ;;
	esac
	dir=$BUILD/kunit-uml-$variant
	results=$BUILD/results/kunit-$variant
	mkdir -p "$BUILD/results"
	rm -f "$results" "$results.json"
	if ! (cd "$TREE" && python3 tools/testing/kunit/kunit.py run \
		--arch=um --build_dir="$dir" --jobs="$JOBS" \
		--kunitconfig="$KUNITCONFIG" \
		--kconfig_add="CONFIG_DMABUF_DEBUG=$debug" \
		--make_options="CC=$(kernel_cc)" \
		--json="$results.json") >"$results.log" 2>&1; then
		tail -n 40 "$results.log"
	fi
	if [ -s "$results.json" ]; then
		json_to_results "$results.json" | sed "s|^\([A-Z]*\) |\1 kunit-$variant/|" >"$results"
	fi
	if [ ! -s "$results" ]; then
		echo "FAIL kunit-$variant/run (no results: see $results.log)" >"$results"
	fi
	grep -E '^(FAIL)' "$results" || true
	log "kunit-$variant: $(grep -c '^PASS' "$results") passed, $(grep -c '^FAIL' "$results") failed, $(grep -c '^SKIP' "$results") skipped"
	! grep -q '^FAIL' "$results"
}

[ -d "$TREE/.git" ] || die "no tree: run 'make tree'"
rc=0
for v in $VARIANTS; do
	step "kunit ($v)" run_variant "$v" || rc=1
done
exit "$rc"
