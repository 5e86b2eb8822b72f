#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Each fix series' reproducers on the base alone, as its maintainer would
# run them: the test cases of the series' bugs on the base without the fix
# series ("before") and with that series only ("after"), without the
# feature series and without the other fix series.
#
# The tests need devices the base lacks. They come from the feature series,
# as the patches of it that do not depend on its core (INFRA below): DMA
# emulation for test drivers, dummy_hcd's scatter-gather emulation and the
# IIO dummy DMA devices. The test programs are those of the normal
# initramfs (the series' selftests and tests/ from master), compiled
# against the base's UAPI headers; on a kernel without the device access
# brackets they do not check the begin/end counts and expect no attach to
# be refused.
#
# Trees (branches repro/NAME in build/linux, made in build/repro-src):
#   before   base + INFRA
#   SERIES   base + the fix series SERIES + INFRA
# On a tree without the IIO fixes, the IIO dummy goes without the
# cancel_dmabufs callback they add (one commit on top, made here).
# One kernel build directory, build/kernel-repro, rebuilt incrementally from
# tree to tree (about 20 minutes the first time without ccache, a few
# minutes per tree after). The configuration is the test kernel's fragments
# (configs/common/base.config, debug.config) without the options the base
# lacks (build/repro/configs/).
#
# RUNS below says, per series, which boots run which tests and which of
# their cases reproduce the series' bugs (an extended regexp on the result
# line's "TEST/N # description"). A series PASSes when
#   - after: every selected case passes (or skips; one must pass), and a
#     run marked clean has no splat in its boot (KASAN, lockdep, DMA-API
#     debug, WARNING, ...); the other runs' splats are listed, not judged
#     (they come from the bugs of the series not applied);
#   - before: at least one selected case fails or is missing, or a clean
#     run's boot has a splat: a reproducer that passes without the fix
#     reproduces nothing.
# Output: one 'PASS|FAIL repro SERIES' line per series, with the selected
# cases that differ listed under it; also in build/results/repro. Boot logs
# in build/boot/repro-TREE-RUN/.
#
# Usage: scripts/repro.sh [--trees|--judge] [SERIES...]   (default: every fix series)
#   --trees  only make the trees ('PASS|FAIL repro NAME tree' each): that
#            the test infrastructure applies on the base and on each fix
#            series (scripts/test.sh runs this part; results in
#            build/results/repro-trees)
#   --judge  judge the boots of an earlier run again, build and boot nothing
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SRC=$BUILD/repro-src
KOUT=$BUILD/kernel-repro
WORK=$BUILD/repro
RESULTS=$BUILD/results/repro

# The feature series' patches the tests need, by file name (number left
# out): none of them uses the core API.
INFRA=(
	dma-mapping-Let-test-drivers-emulate-DMA-where-the-m
	usb-gadget-dummy_hcd-Optionally-move-SG-requests-thr
	iio-dummy-Add-emulated-DMA-devices-for-testing-DMA-B
)

# SERIES;RUN;clean;kernel command line;tests;selected cases;splats not
# this series', left out of a clean run's judgement (an extended regexp).
# udmabuf's CPU access path maps its table on its own misc device, in one
# direction and with segments longer than that device takes (dma-buf fixes
# 1-2): on the base, DMA_BUF_IOCTL_SYNC on a udmabuf makes DMA API debug
# report in any test that uses udmabufs.
UDMABUF_CPU="DMA-API: misc udmabuf: "
RUNS=(
	"dma-buf-fixes;dma-buf-swiotlb;0;swiotlb=force cma=64M;ffs-dmabuf,udmabuf,dmabuf-heap;^(ffs-dmabuf/[0-9]+ # .*CPU writes with an OUT attachment|udmabuf/|dmabuf-heap/|dma-api-errors);"
	"usb-fixes;usb-default;1;cma=64M;ffs-dmabuf,ffs-reliability;^(ffs-dmabuf|ffs-reliability)/;$UDMABUF_CPU"
	"usb-fixes;usb-swiotlb;0;swiotlb=force cma=64M;ffs-dmabuf;^ffs-dmabuf/[0-9]+ # read\(\)/write\(\);"
	"iio-fixes;iio-default;1;cma=64M;iio-dmabuf,iio-reliability;^(iio-dmabuf|iio-reliability)/;$UDMABUF_CPU"
)

[ "${1:-}" = -h ] || [ "${1:-}" = --help ] && usage 0

infra_patches() {
	local n p
	for n in "${INFRA[@]}"; do
		p=$(find "$PATCHES" -name "[0-9][0-9][0-9][0-9]-$n*.patch" | head -n 1)
		[ -n "$p" ] || warn "no patch $n* in $PATCHES"
		echo "$p"
	done
}

# make_tree NAME [SERIES]: branch repro/NAME = base (+ SERIES) + INFRA,
# checked out in $SRC.
make_tree() {
	local name=$1 series=${2:-} infra p
	mapfile -t infra < <(infra_patches)
	for p in "${infra[@]}"; do
		[ -n "$p" ] || return 1
	done
	tree_worktree "$SRC" "$BASE_TAG"
	git -C "$SRC" am --abort >/dev/null 2>&1 || true
	git -C "$SRC" checkout -q --detach "$BASE_TAG"
	if [ -n "$series" ]; then
		am_series "$SRC" "$series" || return 1
	fi
	am_patches "$SRC" "${infra[@]}" || return 1
	# The IIO dummy implements cancel_dmabufs, which IIO fix 4 adds; on a
	# tree without it, the dummy goes without (as every IIO DMA driver
	# of the base does).
	if ! grep -q cancel_dmabufs "$SRC/include/linux/iio/buffer_impl.h"; then
		sed -i '/\.cancel_dmabufs = /d' "$SRC/drivers/iio/dummy/iio_dummy_dma.c"
		tree_git -C "$SRC" commit -q -a --no-verify \
			-m "repro: the IIO dummy without cancel_dmabufs (IIO fix 4 adds it)" \
			>/dev/null
	fi
	git -C "$SRC" branch -f "repro/$name" HEAD
}

build_tree() {
	configs_for_tree "$SRC" "$WORK/configs"
	TREE=$SRC KERNEL_OUTDIR=$KOUT KERNEL_CONFIGS=$WORK/configs \
		"$TOP/scripts/build-kernel.sh"
}

build_initramfs() {
	INITRAMFS_WORK=$WORK/initramfs "$TOP/scripts/build-initramfs.sh" \
		--kernel-outdir "$KOUT" --output "$WORK/initramfs.cpio.gz"
}

# boot_run TREE RUN APPEND TESTS: boot the built tree, results in
# build/boot/repro-TREE-RUN/.
boot_run() {
	"$TOP/scripts/boot.sh" --name "repro-$1-$2" --append "$3" --tests "$4" \
		--kunit none --timeout 900 \
		--kernel "$KOUT/arch/x86/boot/bzImage" \
		--initramfs "$WORK/initramfs.cpio.gz" >"$WORK/boot-$1-$2.log" 2>&1 || true
	[ -s "$BUILD/boot/repro-$1-$2/results" ] || {
		warn "boot repro-$1-$2 gave no results (see $WORK/boot-$1-$2.log)"
		return 0
	}
}

# selected TREE RUN REGEX: the selected result lines, "STATUS TEST/N # ...".
selected() {
	local f=$BUILD/boot/repro-$1-$2/results
	[ -f "$f" ] || return 0
	awk -v re="$3" '{ s = $1; $1 = ""; sub(/^ /, ""); if ($0 ~ re) print s " " $0 }' "$f"
}

# splats TREE RUN [IGNORE]: the splat lines of a boot, without the WARNING
# and call trace that go with each DMA API debug report, and without the
# lines IGNORE matches.
splats() {
	local f=$BUILD/boot/repro-$1-$2/splats
	[ -s "$f" ] || return 0
	grep -vE 'kernel/dma/debug\.c|Call Trace:|DMA-API: Mapped at:' "$f" |
		{ if [ -n "${3:-}" ]; then grep -vE "$3"; else cat; fi; } || true
}

judge() {
	local series=$1 run spec rname clean append tests re ignore ok=1 fails_before=0
	local before after n_after n_pass n_bad n_all n_own nb line key
	local out=$WORK/judge-$series
	: >"$out"
	for spec in "${RUNS[@]}"; do
		IFS=';' read -r run rname clean append tests re ignore <<<"$spec"
		[ "$run" = "$series" ] || continue
		before=$(selected before "$rname" "$re")
		after=$(selected "$series" "$rname" "$re")
		n_after=$(grep -c . <<<"$after" || true)
		n_pass=$(grep -c '^PASS ' <<<"$after" || true)
		n_bad=$(grep -vc '^\(PASS\|SKIP\) ' <<<"$after" || true)
		[ -n "$after" ] || n_bad=1
		if [ "$n_bad" != 0 ] || [ "$n_pass" = 0 ]; then
			ok=0
			echo "  $rname: after, $n_bad of $n_after selected cases do not pass" >>"$out"
			grep -v '^\(PASS\|SKIP\) ' <<<"$after" | sed 's/^/    after  /' | head -n 20 >>"$out"
		fi
		n_all=$(splats "$series" "$rname" | grep -c . || true)
		n_own=$(splats "$series" "$rname" "$ignore" | grep -c . || true)
		if [ "$clean" = 1 ] && [ "$n_own" != 0 ]; then
			ok=0
			echo "  $rname: after, the boot has splats:" >>"$out"
			splats "$series" "$rname" "$ignore" | head -n 10 | sed 's/^/    /' >>"$out"
		fi
		[ "$clean" = 1 ] && n_all=$((n_all - n_own))
		[ "$n_all" = 0 ] ||
			echo "  $rname: after, $n_all splat lines not judged (${ignore:+matching '$ignore', }bugs of other series)" >>"$out"
		# Before: the selected cases that do not pass, or are missing.
		nb=0
		while read -r line; do
			[ -n "$line" ] || continue
			key=${line#* }
			key=${key%% *}
			if [ "$(awk -v k="$key" '$2 == k { print $1; exit }' <<<"$before")" != PASS ]; then
				fails_before=$((fails_before + 1))
				nb=$((nb + 1))
				[ "$nb" -gt 15 ] ||
				echo "  $rname: before $(awk -v k="$key" '$2 == k { print; f = 1; exit } END { if (!f) print "MISSING " k }' <<<"$before")" >>"$out"
			fi
		done <<<"$after"
		if [ "$clean" = 1 ] && [ -n "$(splats before "$rname" "$ignore")" ]; then
			fails_before=$((fails_before + 1))
			echo "  $rname: before, the boot has splats (kinds, counted):" >>"$out"
			splats before "$rname" "$ignore" | sed -E 's/^[0-9]+://; s/^\[ *[0-9.]+\] //; s/0x[0-9a-f]+/0x.../g; s/ at [^ ]+\+0x.*//; s/, CPU#[0-9]+.*//' |
				sort | uniq -c | sort -rn | head -n 12 | sed 's/^/    /' >>"$out"
		fi
		echo "  $rname: after, $n_pass of $n_after selected cases pass" >>"$out"
		[ "$nb" -le 15 ] || echo "  $rname: before, $nb selected cases fail or are missing (the first 15 listed)" >>"$out"
	done
	[ "$fails_before" -gt 0 ] || {
		ok=0
		echo "  nothing selected fails before the fixes: no reproducer" >>"$out"
	}
	if [ "$ok" = 1 ]; then
		echo "PASS repro $series ($fails_before failures before the fixes, none after)" | tee -a "$RESULTS"
	else
		echo "FAIL repro $series" | tee -a "$RESULTS"
	fi
	cat "$out" | tee -a "$RESULTS"
	[ "$ok" = 1 ]
}

# runs_of SERIES...: the RUNS lines of those series.
runs_of() {
	local spec s
	for spec in "${RUNS[@]}"; do
		for s in "$@"; do
			[ "${spec%%;*}" = "$s" ] && echo "$spec"
		done
	done
	return 0
}

trees_only() {
	local name rc=0
	for name in before "$@"; do
		if step "tree $name" make_tree "$name" "$([ "$name" = before ] || echo "$name")"; then
			echo "PASS repro $name tree" | tee -a "$RESULTS"
		else
			echo "FAIL repro $name tree" | tee -a "$RESULTS"
			rc=1
		fi
	done
	return "$rc"
}

main() {
	local names spec series rname clean append tests re ignore rc=0 trees=0
	[ "${1:-}" = --trees ] && { trees=1; RESULTS=$RESULTS-trees; shift; }
	[ "${1:-}" = --judge ] && { trees=2; shift; }
	[ -f "$TREE/Makefile" ] || die "no kernel tree at $TREE: run 'make tree'"
	mapfile -t names < <(if [ $# -gt 0 ]; then printf '%s\n' "$@"; else fix_series; fi)
	mkdir -p "$WORK" "$BUILD/results"
	: >"$RESULTS"
	if [ "$trees" = 1 ]; then
		trees_only "${names[@]}"
		exit
	fi
	if [ "$trees" = 2 ]; then
		for series in "${names[@]}"; do
			judge "$series" || rc=1
		done
		exit "$rc"
	fi

	# Before: one tree, the runs of every series asked for.
	step "tree before: base + test infrastructure" make_tree before ||
		die "the test infrastructure does not apply on the base"
	step "kernel before" build_tree || die "kernel build failed (before)"
	step "initramfs" build_initramfs || die "initramfs build failed"
	while IFS=';' read -r series rname clean append tests re ignore; do
		step "boot before $rname for $series ($tests)" \
			boot_run before "$rname" "$append" "$tests"
	done < <(runs_of "${names[@]}")

	for series in "${names[@]}"; do
		if ! step "tree $series: base + $series + test infrastructure" \
			make_tree "$series" "$series"; then
			echo "FAIL repro $series (does not apply)" | tee -a "$RESULTS"
			rc=1
			continue
		fi
		step "kernel $series" build_tree || {
			echo "FAIL repro $series (kernel build)" | tee -a "$RESULTS"
			rc=1
			continue
		}
		while IFS=';' read -r _ rname clean append tests re ignore; do
			step "boot $series $rname ($tests)" \
				boot_run "$series" "$rname" "$append" "$tests"
		done < <(runs_of "$series")
		judge "$series" || rc=1
	done
	exit "$rc"
}

main "$@"
