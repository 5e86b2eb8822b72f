#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job (make, make demo): fetch the base, apply the series, build
# the x86_64 test kernel, boot it in qemu and run what runs inside, then
# print a summary a person can read. The DMA-BUF transfer demo proper
# (FunctionFS over dummy_hcd) comes with the FunctionFS patches; until then
# the boot runs the VM tests that exist, under swiotlb=force so that every
# mapping bounces as on a non-coherent device.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

APPEND=${APPEND:-swiotlb=force cma=64M}
START=$(date +%s)

step "fetch the base" "$TOP/scripts/fetch-base.sh"
step "apply the series" "$TOP/scripts/tree.sh"
step "build the kernel" "$TOP/scripts/build-kernel.sh"
step "build the initramfs" "$TOP/scripts/build-initramfs.sh"
rc=0
boot() {
	mkdir -p "$BUILD/boot"
	"$TOP/scripts/boot.sh" --name demo --append "$APPEND" \
		--kunit dma-buf-access >"$BUILD/boot/demo.out" 2>&1 || {
		tail -n 30 "$BUILD/boot/demo.out"
		return 1
	}
}
step "boot and run ($APPEND)" boot || rc=1

results=$BUILD/boot/demo/results
echo
echo "== dmabuf-access demo =="
echo "base:     $BASE_PKG $(base_version)"
echo "series:   $(git -C "$TREE" rev-list --count "$BASE_TAG"..HEAD) patches on top"
echo "kernel:   $BUILD/kernel-x86_64/arch/x86/boot/bzImage (debug: KASAN, lockdep, kmemleak, DMA-API debug, DMABUF_DEBUG)"
echo "boot:     qemu-system-x86_64 (TCG), kernel command line: $APPEND"
if [ -f "$results" ]; then
	echo "results:  $(grep -c '^PASS' "$results" || true) passed, $(grep -c '^FAIL' "$results" || true) failed (build/boot/demo/results)"
	grep '^FAIL' "$results" | sed 's/^/          /' || true
	# One line per test program: cases passed, failed, skipped.
	awk '{ split($2, n, "/"); p = n[1]; if (!(p in seen)) { seen[p] = 1; order[++k] = p }
	       c[p, $1]++ }
	     END { for (i = 1; i <= k; i++) { p = order[i]
	       printf "          %-18s %3d passed %3d failed %3d skipped\n", p,
	              c[p, "PASS"], c[p, "FAIL"], c[p, "SKIP"] } }' "$results"
fi
echo "log:      build/boot/demo/console.log, build/boot/demo.out"
echo "time:     $(($(date +%s) - START)) s"
exit "$rc"
