#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the test commands share (scripts/test.sh, make test; and
# scripts/test-base.sh, make test BASE=6.12): result lines in $RESULTS
# (build/results/, one file per step, "PASS|FAIL|SKIP name" lines), the
# steps, the boot runs, and the closing line "N passed, N failed, N
# skipped". Sourced after lib.sh, with RESULTS and START set.

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

# The boot runs: name=kernel command line. The CMA heap needs a CMA area
# (7.3 exposes it twice, as "reserved" and "default_cma_region", and the
# upstream heap selftest allocates 32 MiB from it: 64M fits).
BOOT_RUNS=(
	"default=cma=64M"
	"swiotlb=swiotlb=force cma=64M"
)
# Built-in KUnit suites to run at boot. The upstream dma-buf suites run
# under UML (scripts/kunit.sh); the boot runs the series' suite, which needs
# real DMA mappings and SWIOTLB.
BOOT_KUNIT=${BOOT_KUNIT:-dma-buf-access}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}

# Tests a boot run leaves out, and why (each recorded SKIP with the reason):
# BOOT_SKIP[NAME]="test ..." and BOOT_SKIP_WHY[NAME/test]="reason", set by the
# caller for a base whose own code fails a test that the series does not
# touch (test-base.sh).
declare -A BOOT_SKIP=() BOOT_SKIP_WHY=()

# boot_runs [ARCH]: the boot runs on ARCH (x86_64 by default), each a step
# whose results go to $RESULTS/boot-NAME; the arm64 runs are named
# arm64-default and arm64-swiotlb. 32-bit ARM has no SWIOTLB without LPAE:
# only its default run.
boot_runs() {
	local arch=${1:-x86_64} run name append rc=0 t tests skip list
	for run in "${BOOT_RUNS[@]}"; do
		name=${run%%=*}
		append=${run#*=}
		[ "$arch" = arm ] && [ "$name" = swiotlb ] && continue
		[ "$arch" = x86_64 ] || name=$arch-$name
		# The run's tests: all of /tests/list but the ones it skips.
		skip=${BOOT_SKIP[$name]:-}
		list=$BUILD/initramfs/tests/list
		[ "$arch" = x86_64 ] || list=$BUILD/initramfs-$arch/tests/list
		tests=()
		if [ -n "$skip" ]; then
			tests=(--tests "$(grep -vxF -f <(tr ' ' '\n' <<<"$skip") "$list" |
				paste -sd,)")
		fi
		step "boot ($name: $append)" "$TOP/scripts/boot.sh" --arch "$arch" \
			--name "$name" --append "$append" --kunit "$BOOT_KUNIT" \
			--timeout "$BOOT_TIMEOUT" "${tests[@]}" || rc=1
		if [ -f "$BUILD/boot/$name/results" ]; then
			{
				sed "s|^\([A-Z]*\) |\1 boot-$name/|" "$BUILD/boot/$name/results"
				for t in $skip; do
					echo "SKIP boot-$name/$t # ${BOOT_SKIP_WHY[$name/$t]:-left out}"
				done
			} >"$RESULTS/boot-$name"
		else
			record "boot-$name" FAIL
		fi
	done
	return "$rc"
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
