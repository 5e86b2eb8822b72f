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
# The test kernel is the debug kernel (KASAN, lockdep, ...) under qemu TCG:
# the absolute figures are far from hardware; the ratios are the point, and
# they are noisy too (TCG, 2 host cores shared with the host). Not part of
# 'make test': a benchmark prints figures, it does not pass or fail on them.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

BOOTS=("default:cma=64M" "swiotlb:swiotlb=force cma=64M")
# The cost table also on arm64, whose devices are not coherent (qemu's virt
# machine): there way (b) refuses every exporter. BENCH_ARM64=0 leaves it
# out (it builds the arm64 test kernel, about 10 minutes cold).
BENCH_ARM64=${BENCH_ARM64:-1}
[ "$BENCH_ARM64" = 1 ] && BOOTS+=("arm64-default:cma=64M")

step "build the kernel" "$TOP/scripts/build-kernel.sh"
step "build the initramfs" "$TOP/scripts/build-initramfs.sh"
if [ "$BENCH_ARM64" = 1 ]; then
	step "build the arm64 kernel" "$TOP/scripts/build-kernel.sh" --arch arm64
	step "build the arm64 initramfs" "$TOP/scripts/build-initramfs.sh" --arch arm64
fi

rc=0
for b in "${BOOTS[@]}"; do
	case "${b%%:*}" in
	arm64-*)
		step "boot and bench (arm64, ${b#*:})" vm_run bench "${b%%:*}" \
			"${b#*:}" dmabuf-bench arm64 600 || rc=1 ;;
	*)
		step "boot and bench (${b#*:})" vm_run bench "${b%%:*}" "${b#*:}" \
			dmabuf-bench,ffs-throughput,iio-throughput || rc=1 ;;
	esac
done

# figures TAG: the lines the programs printed as "# TAG ...", per boot (the
# arm64 boot runs only the cost table).
figures() {
	local b
	for b in "${BOOTS[@]}"; do
		case "${b%%:*}" in arm64-*) [ "$1" = BENCH ] || continue ;; esac
		echo
		case "${b%%:*}" in
		arm64-*) echo "boot: arm64 (qemu-system-aarch64 -M virt, devices not coherent), ${b#*:}" ;;
		*) echo "boot: ${b#*:}" ;;
		esac
		grep -h "# $1 " "$BUILD/boot/bench-${b%%:*}/console.log" 2>/dev/null |
			sed -e "s/.*# $1 /  /" -e 's/\[ *[0-9.]*\] .*//' |
			grep -v 'swiotlb=force:' || {
			echo "  (no figures: see build/boot/bench-${b%%:*}/console.log)"
			rc=1
		}
	done
}

echo
echo "== cost per transfer through a kept DMA-BUF mapping (ns; best of 3 runs of at least 50 ms) =="
echo "kernel: $(git -C "$TREE" describe --always 2>/dev/null || echo "?"), the debug kernel of the tests in qemu (TCG, 2 guest CPUs), $(nproc) host CPUs"
echo "a: map/unmap per transfer   b: refuse what DMA_ATTR_REQUIRE_COHERENT refuses, else no sync"
echo "c: kept mapping + begin/end_access (exporter callbacks)   d: kept mapping, importer syncs its DMA addresses"
echo "n: kept mapping, no sync   m: memcpy() of the transfer's bytes (one bounce copy)"
echo "xfer: the bytes each transfer moves, from the start of a buffer of 'size' bytes"
figures BENCH

echo
echo "== FunctionFS over dummy_hcd (SuperSpeed): read()/write() against DMA-BUF (udmabuf, zero copy) =="
echo "MiB/s, and CPU seconds of the whole VM per GiB moved (gadget, host and dummy_hcd together)"
figures THROUGHPUT

echo
echo "== IIO, emulated input device: read() against DMA-BUF blocks (udmabuf, zero copy) =="
echo "MiB/s, and CPU seconds of the whole VM per GiB; the emulated device's per-byte pattern dominates both"
figures IIOTHROUGHPUT
exit "$rc"
