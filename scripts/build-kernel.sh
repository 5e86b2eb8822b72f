#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the test kernel (x86_64 bzImage; arm64 Image or 32-bit ARM zImage
# with Debian's cross compilers) and its UAPI headers out of tree.
#
# The .config is allnoconfig plus the fragments configs/common/base.config,
# (with BASE set, configs/backport-$BASE.config when there is one),
# configs/ARCH/platform.config and configs/common/debug.config, merged with
# the kernel's own scripts/kconfig/merge_config.sh. It is merged again only
# when the fragments changed or .config is missing; every value the
# fragments ask for must end up in .config, or the build fails. Then
# 'make bzImage' (Image on arm64, zImage on arm) and 'make headers' (the test programs
# compile against $OUTDIR/usr/include). Re-running without a change takes
# seconds.
#
# Usage: scripts/build-kernel.sh [--arch ARCH] [--outdir DIR] [--no-debug]
#                                [--production] [--config-only]
#   --arch ARCH    x86_64 (default, or $KERNEL_ARCH), arm64 or arm
#   --outdir DIR   build directory (default $KERNEL_OUTDIR or
#                  $BUILD/kernel-ARCH, $BUILD/kernel-ARCH-nodebug with
#                  --no-debug)
#   --no-debug     leave configs/common/debug.config out (no KASAN, lockdep,
#                  kmemleak, DMA API debug)
#   --production   --no-debug, and merge configs/common/production.config
#                  last (no KUnit, no fault injection): the kernel of
#                  "make bench", in $BUILD/kernel-ARCH-production
#   --config-only  stop after the configuration step
# Environment: TREE (the kernel tree, build/linux), KERNEL_OUTDIR,
# KERNEL_CONFIGS (the directory of base.config and debug.config,
# configs/common; repro.sh passes a copy without the options the base
# lacks, and BASE=6.12 makes one in build/6.12/configs).

set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OUTDIR=${KERNEL_OUTDIR:-}
CONFIGS=${KERNEL_CONFIGS:-$TOP/configs/common}
# BASE=6.12: the fragments without what that base does not define.
if [ -z "${KERNEL_CONFIGS:-}" ] && [ -n "$BASE" ]; then
	CONFIGS=$BUILD/configs
	configs_for_tree "$TREE" "$CONFIGS" >&2
fi
ARCH=${KERNEL_ARCH:-x86_64}
DEBUG=1
PRODUCTION=0
CONFIG_ONLY=0

parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--arch) ARCH=${2:?--arch needs x86_64, arm64 or arm}; shift 2 ;;
		--outdir) OUTDIR=${2:?--outdir needs a directory}; shift 2 ;;
		--no-debug) DEBUG=0; shift ;;
		--production) DEBUG=0; PRODUCTION=1; shift ;;
		--config-only) CONFIG_ONLY=1; shift ;;
		-h | --help) usage 0 ;;
		*) warn "unknown argument: $1"; usage 1 >&2 ;;
		esac
	done
	case $ARCH in
	x86_64) KARCH=x86; IMAGE=bzImage; CROSS= ;;
	arm64) KARCH=arm64; IMAGE=Image; CROSS=aarch64-linux-gnu- ;;
	arm) KARCH=arm; IMAGE=zImage; CROSS=arm-linux-gnueabihf- ;;
	*) die "--arch: x86_64, arm64 or arm, not '$ARCH'" ;;
	esac
	if [ -z "$OUTDIR" ]; then
		OUTDIR=$BUILD/kernel-$ARCH
		if [ "$PRODUCTION" = 1 ]; then
			OUTDIR+=-production
		elif [ "$DEBUG" = 0 ]; then
			OUTDIR+=-nodebug
		fi
	fi
	mkdir -p "$OUTDIR"
	OUTDIR=$(cd "$OUTDIR" && pwd)
}

# The fragments, in merge order: later ones override earlier ones.
fragments() {
	echo "$CONFIGS/base.config"
	# BASE=6.12: what that base names differently (configs/backport-6.12.config,
	# filtered by configs_for_tree as the others).
	if [ -n "$BASE" ] && [ -f "$CONFIGS/backport-$BASE.config" ]; then
		echo "$CONFIGS/backport-$BASE.config"
	fi
	echo "$TOP/configs/$ARCH/platform.config"
	if [ "$DEBUG" = 1 ]; then
		echo "$CONFIGS/debug.config"
	fi
	if [ "$PRODUCTION" = 1 ]; then
		echo "$TOP/configs/common/production.config"
	fi
}

# What the current fragments hash to; kept in $OUTDIR next to .config.
fragments_stamp() {
	local f
	fragments | while read -r f; do
		printf '%s ' "$(basename "$f")"
		sha256sum <"$f"
	done
}

kmake() {
	make -C "$TREE" O="$OUTDIR" ARCH="$KARCH" CROSS_COMPILE="$CROSS" \
		CC="$(KERNEL_CROSS=$CROSS kernel_cc)" -j"$JOBS" "$@"
}

# kmake_logged LOG TARGET...: run make into LOG, show its tail on failure.
kmake_logged() {
	local logf=$1
	shift
	if ! kmake "$@" >"$logf" 2>&1; then
		tail -n 40 "$logf" >&2
		warn "make $* failed, full log: $logf"
		return 1
	fi
}

merge_config() {
	local frags
	mapfile -t frags < <(fragments)
	# merge_config.sh runs 'make allnoconfig' in the current directory.
	(cd "$TREE" && env -u KCONFIG_CONFIG ARCH="$KARCH" \
		CROSS_COMPILE="$CROSS" CC="${CROSS}gcc" scripts/kconfig/merge_config.sh -n -O "$OUTDIR" "${frags[@]}") \
		>"$OUTDIR/merge_config.log" 2>&1 ||
		{ cat "$OUTDIR/merge_config.log" >&2; return 1; }
	# merge_config.sh reports mismatches but does not fail on them;
	# verify_config below does.
	grep -A2 '^WARNING' "$OUTDIR/merge_config.log" >&2 || true
	fragments_stamp >"$OUTDIR/.fragments.stamp"
}

# Fail unless every symbol the fragments set (last fragment wins) has that
# value in .config, and every "is not set" symbol is unset.
verify_config() {
	local frags
	mapfile -t frags < <(fragments)
	awk '
	FNR == NR { have[$0] = 1; next }
	/^CONFIG_[A-Za-z0-9_]+=/ {
		sym = $0; sub(/=.*/, "", sym); want[sym] = $0; next
	}
	/^# CONFIG_[A-Za-z0-9_]+ is not set$/ {
		sym = $2; want[sym] = "unset"; next
	}
	END {
		bad = 0
		for (sym in want) {
			if (want[sym] == "unset") {
				for (line in have)
					if (index(line, sym "=") == 1) {
						print "  " sym ": requested unset, got " line
						bad++
					}
			} else if (!(want[sym] in have)) {
				print "  " sym ": requested " want[sym] ", not in .config"
				bad++
			}
		}
		exit bad != 0
	}' "$OUTDIR/.config" "${frags[@]}" >"$OUTDIR/verify_config.log" || {
		cat "$OUTDIR/verify_config.log" >&2
		return 1
	}
}

configure() {
	if [ ! -f "$OUTDIR/.config" ]; then
		log "no .config in $OUTDIR: merging fragments"
	elif ! fragments_stamp | cmp -s - "$OUTDIR/.fragments.stamp"; then
		log "fragments changed: merging again"
	elif ! verify_config 2>/dev/null; then
		# A make run against another revision of the tree can drop
		# symbols that revision does not know.
		log "$OUTDIR/.config lost requested options: merging again"
	else
		log "fragments unchanged: keeping $OUTDIR/.config"
		return 0
	fi
	step "merge $(fragments | xargs -n1 basename | tr '\n' ' ')" merge_config
}

main() {
	local start
	start=$(date +%s)
	parse_args "$@"
	need make gcc flex bison bc
	[ -z "$CROSS" ] || need "${CROSS}gcc"
	[ -f "$TREE/Makefile" ] || die "no kernel tree at $TREE: run 'make tree'"
	log "$ARCH kernel, tree $TREE, output $OUTDIR, CC=$(KERNEL_CROSS=$CROSS kernel_cc), -j$JOBS"

	configure
	# syncconfig during the build may change .config when Kconfig files
	# changed; verify after it too, it costs nothing.
	step "verify requested config" verify_config ||
		die "some requested options are missing from $OUTDIR/.config (see above)"
	[ "$CONFIG_ONLY" = 1 ] && return 0

	step "make $IMAGE" kmake_logged "$OUTDIR/build.log" "$IMAGE" ||
		die "kernel build failed"
	step "verify requested config after build" verify_config ||
		die "some requested options are missing from $OUTDIR/.config (see above)"
	step "make headers" kmake_logged "$OUTDIR/headers.log" headers ||
		die "make headers failed"
	log "$IMAGE: $OUTDIR/arch/$KARCH/boot/$IMAGE"
	log "headers: $OUTDIR/usr/include"
	log "kernel build done in $(($(date +%s) - start)) s"
}

main "$@"
