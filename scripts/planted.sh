#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Show that a reliability run catches a bug: apply one of the planted bugs
# in tests/reliability/planted/ to build/linux (uncommitted), build the test
# kernel, boot it with only the run the file name starts with (random,
# faults or stress) of tests/reliability/ffs-reliability.c, and report
# whether that run failed, as it must. The tree is restored and the kernel
# rebuilt from it afterwards, also when interrupted.
#
# Usage: scripts/planted.sh [NAME...]   (default: every planted bug)
#   NAME  a file name in tests/reliability/planted/, with or without .patch
# Exit status: 0 when every planted bug was caught.

set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PLANTED=$TOP/tests/reliability/planted

restore() {
	git -C "$TREE" checkout -q -- .
	step "rebuild the kernel from the series" "$TOP/scripts/build-kernel.sh" ||
		warn "the kernel does not build again: run make kernel"
}

# run NAME: 0 when the planted bug NAME is caught.
run() {
	local name=${1%.patch} part boot=planted-${1%.patch} rc=0
	local patch=$PLANTED/$name.patch

	[ -f "$patch" ] || die "no planted bug $patch"
	part=${name%%-*}
	git -C "$TREE" apply "$patch" || die "$name does not apply to build/linux"
	step "build the kernel with $name" "$TOP/scripts/build-kernel.sh" || return 2
	step "initramfs" "$TOP/scripts/build-initramfs.sh" || return 2
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
		for n in "$PLANTED"/*.patch; do
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
