#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Show that the tests catch a bug: apply one planted bug to build/linux
# (uncommitted), build the test kernel, boot it, and report whether the
# bug was caught, as it must be. The tree is restored and the kernel
# rebuilt from it afterwards, also when interrupted.
#
# Two kinds of planted bugs:
# - tests/reliability/planted/PART-*.patch: the kernel boots with only the
#   run PART (random, faults or stress) of tests/reliability/ffs-reliability.c,
#   and that run must fail.
# - tests/planted/*.patch: the lines before the diff say what must happen.
#   "Expect: REGEX" is the kernel report that must show, and each
#   "Boot: TEST FUNCS" is one boot running only the VM test TEST, whose log
#   must show REGEX with FUNCS (an extended regex) in the 60 lines after it,
#   that is in the report's backtrace. Each boot must show it. An optional
#   "Append: ARGS" adds kernel parameters to every boot (cma=64M always).
#
# Usage: scripts/planted.sh [NAME...]   (default: every planted bug)
#   NAME  a file name in either folder, with or without .patch
# Exit status: 0 when every planted bug was caught.

set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PLANTED=$TOP/tests/reliability/planted
PLANTED_TESTS=$TOP/tests/planted

restore() {
	git -C "$TREE" checkout -q -- .
	step "rebuild the kernel from the series" "$TOP/scripts/build-kernel.sh" ||
		warn "the kernel does not build again: run make kernel"
}

# run_expect NAME PATCH: the tests/planted kind; 0 when caught everywhere.
run_expect() {
	local name=$1 patch=$2 expect append test funcs boot log n=0 missed=0

	expect=$(sed -n 's/^Expect: //p' "$patch")
	append=$(sed -n 's/^Append: //p' "$patch")
	[ -n "$expect" ] || die "$patch has no Expect: line"
	git -C "$TREE" apply "$patch" || die "$name does not apply to build/linux"
	if ! step "build the kernel with $name" "$TOP/scripts/build-kernel.sh" ||
		! step "initramfs" "$TOP/scripts/build-initramfs.sh"; then
		git -C "$TREE" checkout -q -- .
		return 2
	fi
	while read -r test funcs; do
		n=$((n + 1))
		boot=planted-$name-$test
		"$TOP/scripts/boot.sh" --name "$boot" --kunit none \
			--tests "$test" --test-timeout 300 \
			--append "cma=64M${append:+ $append}" || true
		log=$BUILD/boot/$boot/console.log
		if grep -A60 -E "$expect" "$log" | grep -qE "$funcs"; then
			log "  $test: caught: '$expect' with $funcs in the backtrace"
			grep -m1 -E "$expect" "$log" | sed 's/^/    /'
			grep -m1 -oE "($funcs)[^ ]*" "$log" | sed 's/^/    /'
		else
			log "  $test: NOT CAUGHT: no '$expect' with $funcs ($log)"
			missed=$((missed + 1))
		fi
	done < <(sed -n 's/^Boot: //p' "$patch")
	git -C "$TREE" checkout -q -- .
	[ "$n" -gt 0 ] || die "$patch has no Boot: line"
	if [ "$missed" -gt 0 ]; then
		log "NOT CAUGHT: $name ($missed of $n boots)"
		return 1
	fi
	log "caught: $name (all $n boots)"
	return 0
}

# run NAME: 0 when the planted bug NAME is caught.
run() {
	local name=${1%.patch} part boot=planted-${1%.patch} rc=0
	local patch=$PLANTED/$name.patch

	if [ -f "$PLANTED_TESTS/$name.patch" ]; then
		run_expect "$name" "$PLANTED_TESTS/$name.patch"
		return
	fi
	[ -f "$patch" ] || die "no planted bug $patch"
	part=${name%%-*}
	git -C "$TREE" apply "$patch" || die "$name does not apply to build/linux"
	if ! step "build the kernel with $name" "$TOP/scripts/build-kernel.sh" ||
		! step "initramfs" "$TOP/scripts/build-initramfs.sh"; then
		git -C "$TREE" checkout -q -- .
		return 2
	fi
	"$TOP/scripts/boot.sh" --name "$boot" --kunit none \
		--tests ffs-reliability --test-timeout 200 \
		--append "cma=64M reliability_parts=$part" || rc=$?
	git -C "$TREE" checkout -q -- .
	grep -E "^(not )?ok [0-9]+ $part|RELIABILITY ffs $part" \
		"$BUILD/boot/$boot/console.log" | sed 's/^/  /' || true
	if [ "$rc" = 0 ]; then
		log "NOT CAUGHT: $name (the $part run passed)"
		return 1
	fi
	log "caught: $name (the $part run failed; $BUILD/boot/$boot/)"
	return 0
}

main() {
	local names=("$@") n caught=0 missed=0

	if ! git -C "$TREE" diff --quiet; then
		die "build/linux has uncommitted changes: commit or stash them first"
	fi
	if [ ${#names[@]} = 0 ]; then
		for n in "$PLANTED"/*.patch "$PLANTED_TESTS"/*.patch; do
			names+=("$(basename "$n")")
		done
	fi
	trap restore EXIT
	for n in "${names[@]}"; do
		if run "$n"; then
			caught=$((caught + 1))
		else
			missed=$((missed + 1))
		fi
	done
	echo "$caught caught, $missed missed"
	[ "$missed" = 0 ]
}

main "$@"
