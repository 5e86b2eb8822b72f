#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job (make, make demo): fetch the base, apply the series, build
# the x86_64 test kernel, boot it in qemu and run the DMA-BUF transfer demo,
# then print a summary a person can read.
#
# The demo (demo/ffs-demo.c) streams data through USB FunctionFS over
# dummy_hcd with DMA-BUFs from udmabuf and the system heap, gadget to host
# (IN) and host to gadget (OUT), on one kept attachment per stream, and
# checks every byte. It runs twice: on a plain boot, and booted with
# swiotlb=force, where every DMA mapping is bounced, so that a transfer
# that missed its cache maintenance would show wrong data, as on a device
# that does not snoop the CPU caches. The dma_buf_begin_access and
# dma_buf_end_access trace events must show one begin and one end per
# transfer. Then the contrast: the same kinds of stream through the kept
# mapping of the test importer's device, with the brackets and without
# them (what FunctionFS and IIO did before the series), with the bytes
# wrong in each; under swiotlb=force only the run with the brackets is
# right. The debug kernel (KASAN, lockdep, ...) makes it slow: the
# throughput says that the path works, not how fast it is on hardware.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

BOOTS=("default:cma=64M" "swiotlb:swiotlb=force cma=64M")
START=$(date +%s)

step "fetch the base" "$TOP/scripts/fetch-base.sh"
step "apply the series" "$TOP/scripts/tree.sh"
step "build the kernel" "$TOP/scripts/build-kernel.sh"
step "build the initramfs" "$TOP/scripts/build-initramfs.sh"

rc=0
for b in "${BOOTS[@]}"; do
	step "boot and stream (${b#*:})" vm_run demo "${b%%:*}" "${b#*:}" \
		ffs-demo || rc=1
done

echo
echo "== dmabuf-access demo: DMA-BUF transfers through USB FunctionFS =="
echo "base:     $BASE_PKG $(base_version)"
echo "series:   $(git -C "$TREE" rev-list --count "$BASE_TAG"..HEAD) patches on top"
echo "kernel:   x86_64 debug kernel (KASAN, lockdep, kmemleak, DMA-API debug, DMABUF_DEBUG) in qemu (TCG)"
echo "gadget:   FunctionFS on dummy_hcd (sg=1, SuperSpeed); host: usbfs in the same VM"
for b in "${BOOTS[@]}"; do
	name=${b%%:*}
	dir=$BUILD/boot/demo-$name
	echo
	echo "boot: ${b#*:}"
	if [ ! -f "$dir/console.log" ]; then
		echo "  (did not run)"
		rc=1
		continue
	fi
	awk '
	/# DEMO [a-z]+ (IN|OUT) / {
		# # DEMO system IN 1048576 x 64: 64.0 MiB moved and verified,
		#   0 bytes wrong, 64 begin / 64 end for 64 transfers, 2.6 s,
		#   24.6 MiB/s
		sub(/.*# DEMO /, "")
		split($0, f, /[ ,:]+/)
		printf "  %-8s %-3s %8d B x %-3d %6s MiB verified, %s bytes wrong, begin/end %s/%s for %s transfers, %s s, %s MiB/s\n",
		       f[1], f[2], f[3], f[5], f[6], f[11], f[14], f[17], f[20], f[22], f[24]
		n++
	}
	/# DEMO contrast / {
		# # DEMO contrast udmabuf CPU -> device, 64 x 262144 B: with the
		#   brackets 0 bytes wrong, without them 16777216
		sub(/.*# DEMO contrast /, "")
		if (!c++)
			print "  contrast, kept mapping of a test device (bytes wrong):   with brackets   without"
		w = $0; sub(/.*with the brackets /, "", w); sub(/ bytes wrong.*/, "", w)
		wo = $0; sub(/.*without them /, "", wo)
		what = $0; sub(/: with the brackets.*/, "", what)
		printf "    %-52s %13s %9s\n", what, w, wo
		if (wo + 0 > 0)
			wrong++
	}
	END {
		if (c && wrong)
			print "    (the system heap syncs every attachment in DMA_BUF_IOCTL_SYNC, so without\n     brackets only the relay, which has no CPU access, goes wrong with it)"
		else if (c)
			print "    (nothing to show here: the device is coherent and nothing is bounced)"
	}
	END { if (!n) print "  (no figures: see the log)" }' "$dir/console.log"
	grep -E '^(PASS|FAIL)' "$dir/results" | grep -v '^PASS ffs-demo/' |
		sed 's/^/  /' | grep -v '^  PASS' || true
	p=$(grep -c '^PASS' "$dir/results" || true)
	f=$(grep -c '^FAIL' "$dir/results" || true)
	echo "  checks: $p passed, $f failed (streams, kmemleak, DMA-API debug errors, kernel splats)"
	[ "$f" = 0 ] || rc=1
done
echo
if [ "$rc" = 0 ]; then
	echo "result:   every byte right on both boots, one begin and one end per transfer;"
	echo "          without them, under swiotlb=force, the bytes counted above were wrong"
else
	echo "result:   FAILED (logs: build/boot/demo-*/console.log)"
fi
echo "logs:     build/boot/demo-default/, build/boot/demo-swiotlb/"
echo "time:     $(($(date +%s) - START)) s"
exit "$rc"
