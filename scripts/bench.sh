#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: the in-kernel benchmark of the brackets' cost. Builds the test
# kernel and the initramfs if needed, boots twice (plain, and with
# swiotlb=force, where every DMA mapping is bounced as on a device that
# needs cache maintenance) and runs bench/dmabuf-bench.c in each: per
# transfer, in ns, (a) map and unmap around every transfer, (b) a kept
# mapping with dma_buf_begin_access()/dma_buf_end_access(), (c) a kept
# mapping with no cache maintenance, with the ratios b/c and a/b. Each table
# comes from one run of one kernel. Then, in the same boots,
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

step "build the kernel" "$TOP/scripts/build-kernel.sh"
step "build the initramfs" "$TOP/scripts/build-initramfs.sh"

rc=0
for b in "${BOOTS[@]}"; do
	step "boot and bench (${b#*:})" vm_run bench "${b%%:*}" "${b#*:}" \
		dmabuf-bench,ffs-throughput,iio-throughput || rc=1
done

# figures TAG: the lines the programs printed as "# TAG ...", per boot.
figures() {
	local b
	for b in "${BOOTS[@]}"; do
		echo
		echo "boot: ${b#*:}"
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
echo "kernel: $(git -C "$TREE" describe --always 2>/dev/null || echo "?"), x86_64 debug kernel in qemu (TCG), $(nproc) host CPUs"
echo "a: map/unmap per transfer   b: kept mapping + begin/end_access   c: kept mapping, no sync"
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
