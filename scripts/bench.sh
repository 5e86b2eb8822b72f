#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: the in-kernel benchmark of the brackets' cost. Builds the test
# kernel and the initramfs if needed, boots twice (plain, and with
# swiotlb=force, where every DMA mapping is bounced as on a device that
# needs cache maintenance), and once on arm64 for the cost table alone
# (devices not coherent), and runs bench/dmabuf-bench.c in each: per
# transfer, in ns, the ways of the cover letter's comparison (a) map and
# unmap around every transfer, (b) refuse what DMA_ATTR_REQUIRE_COHERENT
# refuses, (c) a kept mapping with dma_buf_begin_access()/
# dma_buf_end_access(), (d) a kept mapping synced by the importer through
# its DMA addresses, (n) a kept mapping with no cache maintenance, and (m)
# a memcpy() of the transfer's bytes, with the ratios. Each table comes from
# one run of one kernel. Then, in the same boots,
# bench/ffs-throughput.c: FunctionFS DMA-BUF transfers against read()/write()
# on the same endpoints over dummy_hcd, 64 KiB to 16 MiB, MiB/s and CPU
# seconds per GiB side by side; and bench/iio-throughput.c, the emulated IIO
# input device's read() path against DMA-BUF blocks.
#
# Every benchmark runs first on the production kernel
# (scripts/build-kernel.sh --production: the test fragments without the
# checkers, KUnit and fault injection; build/kernel-x86_64-production), the
# way a distribution ships a kernel, booted with 2 CPUs; then, as a second,
# labelled set, on the debug kernel of the tests (KASAN, lockdep, kmemleak,
# DMA API debug, DMABUF_DEBUG), where every sync runs and is checked. Under
# qemu TCG the absolute figures are far from hardware; the ratios are the
# point, and each target of the cover letter is printed beside its ratio,
# met or MISSED. Not part of 'make test': a benchmark prints figures, it
# does not pass or fail on them.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# NAME:KERNEL:APPEND: production boots first, then the debug ones.
BOOTS=(
	"prod-default:production:cma=64M"
	"prod-swiotlb:production:swiotlb=force cma=64M"
	"default:debug:cma=64M"
	"swiotlb:debug:swiotlb=force cma=64M"
)
# The cost table also on arm64, whose devices are not coherent (qemu's virt
# machine, debug kernel): there way (b) refuses every exporter.
# BENCH_ARM64=0 leaves it out (it builds the arm64 test kernel, about 10
# minutes cold).
BENCH_ARM64=${BENCH_ARM64:-1}
[ "$BENCH_ARM64" = 1 ] && BOOTS+=("arm64-default:debug:cma=64M")
PROD_OUTDIR=$BUILD/kernel-x86_64-production

step "build the production kernel" "$TOP/scripts/build-kernel.sh" --production
step "build the debug kernel" "$TOP/scripts/build-kernel.sh"
step "build the initramfs" "$TOP/scripts/build-initramfs.sh"
if [ "$BENCH_ARM64" = 1 ]; then
	step "build the arm64 kernel" "$TOP/scripts/build-kernel.sh" --arch arm64
	step "build the arm64 initramfs" "$TOP/scripts/build-initramfs.sh" --arch arm64
fi

# The x86_64 boots answer the benchmarks' questions about the host CPU time
# of qemu (boot.sh --host-cpu): their CPU figures count nanoseconds, not the
# guest's ticks.
export BOOT_HOST_CPU=1
prod_vm_run() { (export KERNEL_OUTDIR=$PROD_OUTDIR; vm_run "$@"); }
boot_name() { echo "${1%%:*}"; }
boot_kernel() { local r=${1#*:}; echo "${r%%:*}"; }
boot_append() { local r=${1#*:}; echo "${r#*:}"; }

rc=0
for b in "${BOOTS[@]}"; do
	name=$(boot_name "$b")
	append=$(boot_append "$b")
	case "$name" in
	arm64-*)
		step "boot and bench (arm64, $append)" vm_run bench "$name" \
			"$append" dmabuf-bench arm64 600 || rc=1 ;;
	prod-*)
		step "boot and bench (production kernel, $append)" prod_vm_run \
			bench "$name" "$append" \
			dmabuf-bench,ffs-throughput,iio-throughput || rc=1 ;;
	*)
		step "boot and bench (debug kernel, $append)" vm_run bench "$name" \
			"$append" dmabuf-bench,ffs-throughput,iio-throughput || rc=1 ;;
	esac
done

# boot_title BOOT: what a table is of.
boot_title() {
	local name append
	name=$(boot_name "$1")
	append=$(boot_append "$1")
	case "$name" in
	arm64-*) echo "arm64 debug kernel (qemu-system-aarch64 -M virt, devices not coherent), $append" ;;
	prod-*) echo "x86_64 production kernel, $append" ;;
	*) echo "x86_64 debug kernel (KASAN, lockdep, kmemleak, DMA API debug, DMABUF_DEBUG), $append" ;;
	esac
}

# throughput_targets FIRST CPU: append to each row of a throughput table
# the ratios of the targets, met or MISSED: DMA-BUF throughput >= the copy
# path's, and, with CPU=1, DMA-BUF CPU per GiB <= 0.7 times the copy
# path's. Columns FIRST and FIRST+1 are the copy path's and DMA-BUF's
# MiB/s, FIRST+2 and FIRST+3 their CPU seconds per GiB.
throughput_targets() {
	awk -v f="$1" -v cpu_target="$2" '
	$1 == "dir" || $1 == "size" {
		printf "%s  %-18s", $0, "dmabuf/rw MiB/s"
		if (cpu_target) printf "  %s", "dmabuf/rw CPU"
		print ""
		next
	}
	NF >= f + 3 && $(f - 1) ~ /^[0-9]+$/ && $f + 0 > 0 {
		t = $(f + 1) / $f
		printf "%s  %5.3f >= 1   %-6s", $0, t, (t >= 1 ? "met" : "MISSED")
		if (cpu_target && $(f + 2) + 0 > 0) {
			c = $(f + 3) / $(f + 2)
			printf "  %5.3f <= 0.7 %s", c, (c <= 0.7 ? "met" : "MISSED")
		}
		print ""
		next
	}
	{ print }'
}

# figures TAG [FILTER]: the lines the programs printed as "# TAG ...", per
# boot (the arm64 boot runs only the cost table), through FILTER.
figures() {
	local b name filter=${2:-cat}
	for b in "${BOOTS[@]}"; do
		name=$(boot_name "$b")
		case "$name" in arm64-*) [ "$1" = BENCH ] || continue ;; esac
		echo
		echo "boot: $(boot_title "$b")"
		grep -h "# $1 " "$BUILD/boot/bench-$name/console.log" 2>/dev/null |
			sed -e 's/\r$//' -e "s/.*# $1 /  /" -e 's/\[ *[0-9.]*\] .*//' |
			grep -v 'swiotlb=force:' | $filter || {
			echo "  (no figures: see build/boot/bench-$name/console.log)"
			rc=1
		}
	done
}

echo
echo "== cost per transfer through a kept DMA-BUF mapping (ns; best of 3 runs of at least 50 ms) =="
echo "kernel: $(git -C "$TREE" describe --always 2>/dev/null || echo "?"), qemu (TCG, 2 guest CPUs), $(nproc) host CPUs"
echo "a: map/unmap per transfer   b: refuse what DMA_ATTR_REQUIRE_COHERENT refuses, else no sync"
echo "c: kept mapping + begin/end_access (exporter callbacks)   d: kept mapping, importer syncs its DMA addresses"
echo "n: kept mapping, no sync   m: memcpy() of the transfer's bytes (one bounce copy)   e: begin+end alone"
echo "xfer: the bytes each transfer moves, from the start of a buffer of 'size' bytes"
figures BENCH

ffs_targets() { throughput_targets 3 1; }
# The IIO table also has the four-buffer DMA-BUF run (columns 8 and 9):
# its ratio to read() comes last, beside the two-buffer one.
iio_targets() {
	throughput_targets 2 "" | awk '
	$1 == "size" { print $0 "  dmabuf4/rd MiB/s"; next }
	$1 ~ /^[0-9]+$/ && NF >= 9 && $2 + 0 > 0 {
		t = $8 / $2
		printf "%s  %5.3f >= 1   %s\n", $0, t, (t >= 1 ? "met" : "MISSED")
		next
	}
	{ print }'
}

echo
echo "== FunctionFS over dummy_hcd (SuperSpeed): read()/write() against DMA-BUF (udmabuf, zero copy) =="
echo "MiB/s, and CPU seconds of the whole VM per GiB moved (gadget, host and dummy_hcd together; the host's"
echo "CPU time of qemu, in ns): the median of 3 rounds of 64 MiB, and the spread of the CPU figures ((max - min) / median)"
echo "targets: DMA-BUF MiB/s >= read()/write() at every size; DMA-BUF CPU per GiB <= 0.7 x read()/write()"
figures THROUGHPUT ffs_targets

echo
echo "== IIO, emulated input device: read() against DMA-BUF blocks (udmabuf, zero copy) =="
echo "MiB/s, and CPU seconds of the whole VM per GiB (the host's CPU time of qemu): the median of 3 rounds of"
echo "128 MiB, and the spread of the CPU figures; the emulated device writes its pattern a 64-bit word at a time"
echo "dmabuf: two DMA-BUFs, one queued while the other is waited for (read() has two blocks); dmabuf4: four"
echo "target: DMA-BUF MiB/s >= read() at every size from 64 KiB"
figures IIOTHROUGHPUT iio_targets

# The plots: build/bench/{cost,ffs,iio}-BOOT.svg.
plot_args=()
for b in "${BOOTS[@]}"; do
	plot_args+=("$(boot_name "$b"):$(boot_title "$b")")
done
echo
echo "== plots (gnuplot) =="
if command -v gnuplot >/dev/null; then
	python3 "$TOP/scripts/bench-plots.py" "$BUILD/bench" "${plot_args[@]}" || rc=1
else
	echo "no gnuplot: run 'make deps'"
	rc=1
fi
exit "$rc"
