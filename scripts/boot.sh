#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the test kernel and initramfs in qemu, run the VM tests, and judge the
# console log.
#
# The run fails (exit 1) when a test fails, when the log lacks @@DONE (the
# VM crashed or timed out), when a built-in KUnit suite fails, when kmemleak
# or the DMA API debug code reports anything, or when the kernel printed a
# splat (BUG, WARNING, KASAN, lockdep, Oops, ...). Writes, in
# $BUILD/boot/NAME/:
#   console.log  the serial console
#   results      one line per case: "PASS name", "FAIL name" or "SKIP name",
#                optionally followed by " # comment" (why, or a description)
#   splats       the offending log lines, if any
#
# Usage: scripts/boot.sh [options]
#   --arch ARCH        x86_64 (default, or $KERNEL_ARCH): qemu-system-x86_64;
#                      arm64: qemu-system-aarch64 -M virt -cpu max, the
#                      kernel and initramfs of scripts/build-kernel.sh and
#                      scripts/build-initramfs.sh --arch arm64; arm:
#                      qemu-system-arm -M virt -cpu cortex-a15 (32-bit,
#                      no LPAE: the memory above 768M is highmem)
#   --name NAME        log directory $BUILD/boot/NAME (default: default)
#   --append "ARGS"    extra kernel command line (e.g. "swiotlb=force cma=32M")
#   --tests a,b        run only these tests (default: all)
#   --timeout SECS     kill qemu after SECS (default 300)
#   --test-timeout S   per-test timeout inside the VM (default 120)
#   --kunit GLOB       run only the built-in KUnit suites matching GLOB
#                      (kunit.filter_glob; "none" disables KUnit). All of
#                      them by default: dma-buf-fence-chain alone takes
#                      about 2.5 min under TCG with the debug options.
#   --memory SIZE      guest memory (default 3G)
#   --kernel FILE      bzImage (default $KERNEL_OUTDIR/arch/x86/boot/bzImage;
#                      on arm64 build/kernel-arm64/arch/arm64/boot/Image)
#   --initramfs FILE   default $BUILD/initramfs.cpio.gz (initramfs-arm64 on
#                      arm64)
#   --verbose          copy the console to stdout while it runs
#   --host-cpu         give the guest a ttyS1 on which scripts/host-cpu.py
#                      answers with the host CPU time of qemu (x86_64; the
#                      benchmarks' CPU figures; or BOOT_HOST_CPU=1)
#   --check-log FILE   do not boot: judge FILE as if it were the console log
# KVM is used only with DMABUF_ACCESS_KVM=1 (it does not work on the build
# machines); otherwise qemu runs with -accel tcg.

set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ARCH=${KERNEL_ARCH:-x86_64}
NAME=default
APPEND=
TESTS=
TIMEOUT=300
TEST_TIMEOUT=120
KUNIT=
# udmabuf's selftest tests 6-7 map 2 GiB of huge pages (tests/vm/init
# reserves them): they need CONFIG_HUGETLBFS (configs/common/base.config)
# and 3 GiB of guest memory.
MEMORY=3G
KERNEL=
INITRD=${INITRAMFS:-}
VERBOSE=0
HOST_CPU=${BOOT_HOST_CPU:-0}
CHECK_LOG=

# Kernel messages that mean something went wrong, as extended regexps.
SPLAT_RE='\bBUG: |kernel BUG at|\bWARNING: |\bKASAN: |\bUBSAN: |\bOops\b'
SPLAT_RE+='|Call Trace:|general protection fault|Kernel panic'
SPLAT_RE+='|\bINFO: |possible recursive locking|circular locking'
SPLAT_RE+='|inconsistent lock state|suspicious RCU usage|DEBUG_LOCKS_WARN_ON'
SPLAT_RE+='|turning off the locking correctness validator'
SPLAT_RE+='|unreferenced object 0x|new suspected memory leaks|DMA-API: '
SPLAT_RE+='|refcount_t: |list_(add|del) corruption'
# Lines matching SPLAT_RE that are not splats: dma-debug's boot messages.
BENIGN_RE='DMA-API: (preallocated [0-9]+ debug entries|debugging enabled by kernel config|debugging disabled on kernel command line|dma_debug_entry pool grown to)'

usage() {
	sed -n '/^# Usage:/,/^# KVM/s/^# \{0,1\}//p' "$0"
	exit "${1:-0}"
}

parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--arch) ARCH=${2:?}; shift 2 ;;
		--name) NAME=${2:?}; shift 2 ;;
		--append) APPEND=${2?}; shift 2 ;;
		--tests) TESTS=${2:?}; shift 2 ;;
		--timeout) TIMEOUT=${2:?}; shift 2 ;;
		--test-timeout) TEST_TIMEOUT=${2:?}; shift 2 ;;
		--kunit) KUNIT=${2:?}; shift 2 ;;
		--memory) MEMORY=${2:?}; shift 2 ;;
		--kernel) KERNEL=${2:?}; shift 2 ;;
		--initramfs) INITRD=${2:?}; shift 2 ;;
		--verbose) VERBOSE=1; shift ;;
		--host-cpu) HOST_CPU=1; shift ;;
		--check-log) CHECK_LOG=${2:?}; shift 2 ;;
		-h | --help) usage 0 ;;
		*) warn "unknown argument: $1"; usage 1 >&2 ;;
		esac
	done
	case $NAME in
	*/* | '' | . | ..) die "--name must be a plain name: '$NAME'" ;;
	esac
	case $ARCH in
	x86_64)
		KERNEL=${KERNEL:-${KERNEL_OUTDIR:-$BUILD/kernel-x86_64}/arch/x86/boot/bzImage}
		INITRD=${INITRD:-$BUILD/initramfs.cpio.gz}
		QEMU=qemu-system-x86_64 CONSOLE_DEV=ttyS0 MACHINE=()
		;;
	arm64)
		KERNEL=${KERNEL:-${KERNEL_OUTDIR:-$BUILD/kernel-arm64}/arch/arm64/boot/Image}
		INITRD=${INITRD:-$BUILD/initramfs-arm64.cpio.gz}
		# virt's devices have no dma-coherent property: not coherent.
		QEMU=qemu-system-aarch64 CONSOLE_DEV=ttyAMA0
		MACHINE=(-M virt -cpu max)
		;;
	arm)
		KERNEL=${KERNEL:-${KERNEL_OUTDIR:-$BUILD/kernel-arm}/arch/arm/boot/zImage}
		INITRD=${INITRD:-$BUILD/initramfs-arm.cpio.gz}
		QEMU=qemu-system-arm CONSOLE_DEV=ttyAMA0
		MACHINE=(-M virt -cpu cortex-a15)
		;;
	*) die "--arch: x86_64, arm64 or arm, not '$ARCH'" ;;
	esac
	OUT=$BUILD/boot/$NAME
}

accel() {
	if [ "${DMABUF_ACCESS_KVM:-0}" = 1 ] && [ -w /dev/kvm ] &&
		[ "$ARCH" = "$(uname -m)" ]; then
		echo kvm
	else
		echo tcg
	fi
}

run_qemu() {
	local cmdline qemu_rc=0
	cmdline="console=$CONSOLE_DEV panic=-1 no_hash_pointers test_timeout=$TEST_TIMEOUT"
	# dummy_hcd as the FunctionFS tests need it: SuperSpeed, and (with the
	# series) scatter-gather requests moved through their DMA mapping.
	cmdline+=" dummy_hcd.is_super_speed=1 dummy_hcd.sg=1"
	[ -n "$TESTS" ] && cmdline+=" tests=$TESTS"
	case $KUNIT in
	'') ;;
	none) cmdline+=" kunit.enable=0" ;;
	*) cmdline+=" kunit.filter_glob=$KUNIT" ;;
	esac
	[ -n "$APPEND" ] && cmdline+=" $APPEND"
	log "$QEMU ($(accel)) ${MACHINE[*]}, -m $MEMORY, cmdline: $cmdline"
	echo "$cmdline" >"$OUT/cmdline"
	local qemu=(timeout -k 5 "$TIMEOUT" "$QEMU" "${MACHINE[@]}" -accel "$(accel)"
		-m "$MEMORY" -smp 2 -no-reboot -display none -monitor none
		-serial stdio -kernel "$KERNEL" -initrd "$INITRD"
		-append "$cmdline")
	# --host-cpu: the guest's ttyS1 asks scripts/host-cpu.py for the host
	# CPU time of this qemu (bench/bench.h). The socket lives in /tmp: a
	# UNIX socket's path has at most 107 bytes.
	local sockdir='' helper=''
	if [ "$HOST_CPU" = 1 ] && [ "$ARCH" = x86_64 ]; then
		sockdir=$(mktemp -d /tmp/dmabuf-access-cpu.XXXXXX)
		qemu+=(-chardev "socket,id=hostcpu,path=$sockdir/s,server=on,wait=off"
			-serial chardev:hostcpu)
		python3 "$TOP/scripts/host-cpu.py" "$sockdir/s" \
			>"$OUT/host-cpu.log" 2>&1 &
		helper=$!
	fi
	if [ "$VERBOSE" = 1 ]; then
		"${qemu[@]}" </dev/null 2>&1 | tee "$OUT/console.log" || qemu_rc=$?
	else
		"${qemu[@]}" </dev/null >"$OUT/console.log" 2>&1 || qemu_rc=$?
	fi
	if [ -n "$helper" ]; then
		kill "$helper" 2>/dev/null || true
		wait "$helper" 2>/dev/null || true
		rm -rf "$sockdir"
	fi
	if [ "$qemu_rc" = 124 ]; then
		warn "qemu killed after $TIMEOUT s"
	elif [ "$qemu_rc" != 0 ]; then
		warn "qemu exited with $qemu_rc"
	fi
	return 0
}

# The VM tests: one line per test program and per case it reported.
# Programs print "PASS case"/"FAIL case: why" (tests/vm/harness.h) or KTAP
# ("ok N desc", "not ok N desc", "# SKIP") for kselftests.
test_results() {
	awk '
	function add(status, name, why) {
		print status " " name (why == "" ? "" : " # " why)
	}
	/^@@INIT tests: / {
		for (i = 3; i <= NF; i++) { want[$i] = 1; order[++nwant] = $i }
		next
	}
	/^@@TEST-BEGIN / { cur = $2; began[cur] = 1; nfail[cur] = 0; next }
	/^@@TEST-END / {
		name = $2; rc = $3; sub(/^rc=/, "", rc)
		if (rc == 0 && nfail[name] == 0)
			add("PASS", name)
		else if (rc == 4 && nfail[name] == 0)
			add("SKIP", name, "kselftest skip")
		else if (rc == 124 || rc == 143)
			add("FAIL", name, "timed out")
		else
			add("FAIL", name, "rc=" rc)
		ended[name] = 1; cur = ""; next
	}
	cur == "" { next }
	/^PASS [^ ]+$/ { add("PASS", cur "/" $2); next }
	/^FAIL [^ ]+:/ {
		c = $2; sub(/:$/, "", c); why = $0; sub(/^FAIL [^ ]+: */, "", why)
		add("FAIL", cur "/" c, why); nfail[cur]++; next
	}
	/^(not )?ok [0-9]+ / {
		line = $0; status = "PASS"
		if (line ~ /^not ok/) { status = "FAIL"; nfail[cur]++; sub(/^not /, "", line) }
		if (line ~ /# (SKIP|skip)/) status = "SKIP"
		sub(/^ok /, "", line); gsub(/[ \t]+/, " ", line)
		n = line; sub(/ .*/, "", n); desc = line; sub(/^[0-9]+ *(# *)?/, "", desc)
		add(status, cur "/" n, desc); next
	}
	END {
		for (i = 1; i <= nwant; i++) {
			t = order[i]
			if (!began[t]) add("FAIL", t, "never started")
			else if (!ended[t]) add("FAIL", t, "never ended")
		}
	}' "$LOG"
}

# Built-in KUnit suites: top-level KTAP results on kernel (timestamped) lines.
kunit_results() {
	awk '
	function kunit_case(line, prefix,    status) {
		status = "PASS"
		if (line ~ /^ *not ok/) status = "FAIL"
		if (line ~ /# SKIP/) status = "SKIP"
		sub(/^ *(not )?ok [0-9]+ /, "", line); sub(/ *#.*/, "", line)
		return status " kunit/" prefix line
	}
	!/^\[ *[0-9]+\.[0-9]+\] / { next }
	{ sub(/^\[ *[0-9]+\.[0-9]+\] /, "") }
	/^KTAP version/ { ktap = 1; next }
	ktap && /^1\.\.[0-9]+$/ && !planned { planned = substr($0, 4) + 0; next }
	/^(not )?ok [0-9]+ / {
		line = $0; status = "PASS"
		if (line ~ /^not ok/) { status = "FAIL"; sub(/^not /, "", line) }
		if (line ~ /# SKIP/) status = "SKIP"
		sub(/^ok [0-9]+ /, "", line); sub(/ *#.*/, "", line)
		print status " kunit/" line; seen++
		next
	}
	# Case results: "    # Subtest: suite", then cases at the same
	# indent; parameterised cases nest one level deeper.
	/^    # Subtest: / { suite = $3; group = ""; next }
	/^        # Subtest: / { group = $3; next }
	/^        (not )?ok [0-9]+ / { print kunit_case($0, suite "/" group "/"); next }
	/^    (not )?ok [0-9]+ / {
		if ($1 == "not") sfail++; else spass++
		line = $0; sub(/^ *(not )?ok [0-9]+ /, "", line); sub(/ *#.*/, "", line)
		if (line == group) { group = ""; next }
		print kunit_case($0, suite "/")
	}
	END {
		if (planned && seen < planned)
			print "FAIL kunit # " seen " of " planned " suites reported"
		if (ktap)
			printf "# kunit: %d suites, %d cases passed, %d failed\n",
				seen, spass, sfail > "/dev/stderr"
	}' "$LOG"
}

# Whole-run checks: the run ended, kmemleak and DMA-API debug are quiet,
# no splat in the log.
run_checks() {
	if grep -q '^@@DONE' "$LOG"; then
		echo "PASS reached-done"
	else
		echo "FAIL reached-done # crash or timeout: no @@DONE"
	fi
	if grep -q '^@@KMEMLEAK-BEGIN' "$LOG"; then
		if sed -n '/^@@KMEMLEAK-BEGIN/,/^@@KMEMLEAK-END/p' "$LOG" |
			grep -q 'unreferenced object'; then
			echo "FAIL kmemleak"
		else
			echo "PASS kmemleak"
		fi
	fi
	local n
	n=$(sed -n 's/^@@DMA-API-ERRORS \([0-9][0-9]*\)$/\1/p' "$LOG")
	if [ -n "$n" ]; then
		if [ "$n" = 0 ]; then
			echo "PASS dma-api-errors"
		else
			echo "FAIL dma-api-errors # $n errors"
		fi
	fi
	grep -nE "$SPLAT_RE" "$LOG" | grep -vE "$BENIGN_RE" >"$OUT/splats" || true
	if [ -s "$OUT/splats" ]; then
		echo "FAIL no-kernel-splat # $(wc -l <"$OUT/splats") lines"
	else
		echo "PASS no-kernel-splat"
	fi
}

judge() {
	LOG=$(mktemp)
	tr -d '\r' <"$CONSOLE" >"$LOG"
	{
		test_results
		kunit_results
		run_checks
	} >"$OUT/results" 2>"$OUT/kunit-summary"
	rm -f "$LOG"
}

summary() {
	local pass fail skip
	pass=$(grep -c '^PASS ' "$OUT/results" || true)
	fail=$(grep -c '^FAIL ' "$OUT/results" || true)
	skip=$(grep -c '^SKIP ' "$OUT/results" || true)
	echo "---- boot $NAME: results ($OUT/results)"
	cat "$OUT/results"
	cat "$OUT/kunit-summary"
	if [ -s "$OUT/splats" ]; then
		echo "---- kernel splats ($OUT/splats, first 40 lines):"
		head -n 40 "$OUT/splats"
	fi
	echo "boot $NAME: $pass passed, $fail failed, $skip skipped"
	[ "$fail" = 0 ]
}

main() {
	local start
	start=$(date +%s)
	parse_args "$@"
	mkdir -p "$OUT"
	if [ -n "$CHECK_LOG" ]; then
		[ -r "$CHECK_LOG" ] || die "cannot read $CHECK_LOG"
		CONSOLE=$CHECK_LOG
	else
		need "$QEMU" timeout
		[ -f "$KERNEL" ] || die "no kernel $KERNEL: run scripts/build-kernel.sh"
		[ -f "$INITRD" ] || die "no initramfs $INITRD: run scripts/build-initramfs.sh"
		CONSOLE=$OUT/console.log
		step "boot $NAME" run_qemu
	fi
	judge
	log "boot $NAME: judged $CONSOLE in $(($(date +%s) - start)) s total"
	summary
}

main "$@"
