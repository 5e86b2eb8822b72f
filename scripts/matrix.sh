#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The build matrix: the series (build/linux at master, or MATRIX_REV) built
# for every architecture the users and a 0-day robot care about, with the
# touched drivers and every new Kconfig symbol as y, m and n.
#
# A configuration is ARCH-COMPILER-VARIANT:
#   ARCH      x86_64 i386 arm64 arm riscv64 mips (Loongson64, which has
#             ARCH_HAS_PHYS_TO_DMA: dma_to_phys() is arch code there)
#   COMPILER  gcc (Debian's gcc / cross gcc-12) or clang (clang-19, LLVM=-19;
#             x86_64 and arm64 only)
#   VARIANT   y (all built in), m (all that can be modules as modules),
#             n (the new options off, the touched drivers built in): the
#             directories the series touches are built ('make DIR/' for
#             each: every object there compiled in that configuration,
#             not linked), which costs a fraction of a kernel;
#             mod: the m configuration built whole ('make vmlinux
#             modules'), so that modpost checks that every symbol a
#             module uses is exported (about 10 minutes cold on 2 cores)
# Each is allnoconfig + configs/matrix/common.config + VARIANT.config +
# arch-ARCH.config (merge_config.sh; mod uses m.config); every value they
# ask for must be in the final .config. A configuration FAILs
# when the configuration does not take, the build fails, or the compiler
# warns about a file the series touches. One 'PASS|FAIL matrix NAME (N s)'
# line each, the reasons under a FAIL, also in build/results/matrix.
#
# Usage: scripts/matrix.sh [--config-only] [SET|NAME...]
#        scripts/matrix.sh --make-args ARCH COMPILER
#   --config-only  configure (and check the configuration), do not build
#   --make-args    print the make variables of ARCH and COMPILER, one a
#                  line (check-patches.sh --arch uses them)
#   SET   full (default): every ARCH x gcc x {y,m,n}, clang x {y,m,n} for
#         x86_64 and arm64, and mod for x86_64, arm64 and mips (27)
#         ci: the part that fits CI's time limit (scripts/test.sh runs it)
#   NAME  one configuration, e.g. mips-gcc-m
# Environment: MATRIX_REV (the revision to build, default master),
# MATRIX_SRC (its worktree, build/matrix-src), MATRIX_OUT (object
# directories, build/matrix), RESULTS (results file), MATRIX_CHECK_CONFIG=0
# (build even when some asked values are missing, for a revision that
# predates an option; they are logged).
# Logs: build/matrix/NAME/build.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

REV=${MATRIX_REV:-master}
SRC=${MATRIX_SRC:-$BUILD/matrix-src}
OUT=${MATRIX_OUT:-$BUILD/matrix}
RESULTS=${RESULTS:-$BUILD/results/matrix}
FRAGS=$TOP/configs/matrix
# Absolute: git worktree and make run from other directories.
SRC=$(realpath -m "$SRC")
OUT=$(realpath -m "$OUT")

ARCHES=(x86_64 i386 arm64 arm riscv64 mips)
CLANG_ARCHES=(x86_64 arm64)
VARIANTS=(y m n)
# Built whole (modpost), in the full set.
MOD_ARCHES=(x86_64 arm64 mips)
# What fits CI (see README): every architecture's touched directories
# compiled once with the drivers as modules, clang once, and the MIPS
# kernel built whole (modpost: the class of its dma_to_phys() failure).
CI_SET=(x86_64-gcc-m i386-gcc-m arm64-gcc-m arm-gcc-m riscv64-gcc-m mips-gcc-m arm64-clang-y mips-gcc-mod)

passed=0
failed=0
CONFIG_ONLY=0

result() {
	echo "$*" | tee -a "$RESULTS"
}

full_set() {
	local a v
	for a in "${ARCHES[@]}"; do
		for v in "${VARIANTS[@]}"; do
			echo "$a-gcc-$v"
		done
	done
	for a in "${CLANG_ARCHES[@]}"; do
		for v in "${VARIANTS[@]}"; do
			echo "$a-clang-$v"
		done
	done
	for a in "${MOD_ARCHES[@]}"; do
		echo "$a-gcc-mod"
	done
}

# make_args ARCH COMPILER: the make variables for that target.
make_args() {
	local arch=$1 cc=$2 cross=
	local ccache=
	command -v ccache >/dev/null 2>&1 && ccache="ccache "

	case $arch in
	x86_64) echo "ARCH=x86_64" ;;
	i386) echo "ARCH=i386"; cross=i686-linux-gnu- ;;
	arm64) echo "ARCH=arm64"; cross=aarch64-linux-gnu- ;;
	arm) echo "ARCH=arm"; cross=arm-linux-gnueabihf- ;;
	riscv64) echo "ARCH=riscv"; cross=riscv64-linux-gnu- ;;
	mips) echo "ARCH=mips"; cross=mips64el-linux-gnuabi64- ;;
	*) die "unknown architecture $arch" ;;
	esac
	echo "HOSTCC=${ccache}gcc"
	if [ "$cc" = clang ]; then
		echo "LLVM=-19"
		echo "CC=${ccache}clang-19"
	else
		[ -z "$cross" ] || echo "CROSS_COMPILE=$cross"
		echo "CC=${ccache}${cross}gcc"
	fi
}

# need_compiler ARCH COMPILER: the compiler exists (deps.sh installs it).
need_compiler() {
	if [ "$2" = clang ]; then
		need clang-19 ld.lld-19
		return
	fi
	case $1 in
	x86_64) need gcc ;;
	i386) need i686-linux-gnu-gcc ;;
	arm64) need aarch64-linux-gnu-gcc ;;
	arm) need arm-linux-gnueabihf-gcc ;;
	riscv64) need riscv64-linux-gnu-gcc ;;
	mips) need mips64el-linux-gnuabi64-gcc ;;
	esac
}

# requested FRAGMENT...: 'CONFIG_X=v' for every value asked, 'CONFIG_X=n'
# for '# CONFIG_X is not set'.
requested() {
	sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*=.*\)$/\1/p' \
		-e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1=n/p' "$@"
}

# check_config DIR FRAGMENT...: the values asked for that .config lacks.
check_config() {
	local dir=$1 line sym want got
	shift
	# Later fragments override earlier ones: keep the last value asked.
	requested "$@" | awk -F= '{ v[$1] = $0; o[$1] = NR } END { for (k in v) print o[k] "\t" v[k] }' |
		sort -n | cut -f2 |
		while IFS= read -r line; do
			sym=${line%%=*}
			want=${line#*=}
			got=$(sed -n "s/^$sym=\(.*\)$/\1/p" "$dir/.config")
			[ -n "$got" ] || got=n
			[ "$got" = "$want" ] || echo "$sym: asked $want, got $got"
		done
}

# touched_files: the files the series changes (base..REV), for the warning
# check.
touched_files() {
	git -C "$SRC" diff --name-only "$BASE_TAG" HEAD -- '*.c' '*.h'
}

# touched_dirs: 'DIR/' for each directory with a .c the series touches
# (selftests, Documentation and scripts left out).
touched_dirs() {
	touched_files | grep '\.c$' | grep -vE '^(tools|Documentation|scripts|samples)/' |
		xargs -r -n1 dirname | sort -u | sed 's|$|/|'
}

# build_one NAME: configure and build one configuration, print the reasons
# of a failure on stdout.
build_one() {
	local name=$1 arch cc variant frag dir log rc=0
	local -a args frags

	IFS=- read -r arch cc variant <<<"$name"
	frag=$variant
	[ "$variant" != mod ] || frag=m
	[ -f "$FRAGS/$frag.config" ] || die "unknown variant in $name"
	need_compiler "$arch" "$cc"
	mapfile -t args < <(make_args "$arch" "$cc")
	frags=("$FRAGS/common.config" "$FRAGS/$frag.config" "$FRAGS/arch-$arch.config")
	dir=$OUT/$name
	log=$dir/build.log
	mkdir -p "$dir"
	: >"$log"

	if ! make -C "$SRC" O="$dir" "${args[@]}" -s allnoconfig >>"$log" 2>&1 ||
		! (cd "$dir" && "$SRC/scripts/kconfig/merge_config.sh" -m -O "$dir" "$dir/.config" "${frags[@]}") >>"$log" 2>&1 ||
		! make -C "$SRC" O="$dir" "${args[@]}" -s olddefconfig >>"$log" 2>&1; then
		echo "configuration failed:"
		tail -n 20 "$log"
		return 0
	fi
	check_config "$dir" "${frags[@]}" >"$dir/config.missing"
	[ "$CONFIG_ONLY" = 0 ] || {
		cat "$dir/config.missing"
		return 0
	}
	if [ -s "$dir/config.missing" ] && [ "${MATRIX_CHECK_CONFIG:-1}" = 0 ]; then
		# For a revision that predates some options (to show what the
		# matrix would have caught there): say so, build anyway.
		sed 's/^/config: /' "$dir/config.missing" >>"$log"
	elif [ -s "$dir/config.missing" ]; then
		echo "configuration did not take:"
		cat "$dir/config.missing"
		return 0
	fi
	# Rebuild the touched objects so that their warnings are seen again
	# (ccache replays them, an up-to-date object would not).
	touched_files | sed -n 's/\.c$/.o/p' | (cd "$dir" && xargs -r rm -f)
	if [ "$variant" = mod ]; then
		make -C "$SRC" O="$dir" "${args[@]}" -j"$JOBS" vmlinux modules >>"$log" 2>&1 || rc=$?
	else
		# shellcheck disable=SC2046 # one word per directory
		make -C "$SRC" O="$dir" "${args[@]}" -j"$JOBS" $(touched_dirs) >>"$log" 2>&1 || rc=$?
	fi
	if [ "$rc" != 0 ]; then
		echo "build failed ($rc):"
		grep -E 'error:|ERROR:|Error [0-9]' "$log" | sed "s|$SRC/||" | head -n 20
		return 0
	fi
	# Warnings about touched files (paths may be absolute or relative).
	grep -E '^[^ :]+:[0-9]+:[0-9]+: warning: ' "$log" | sed "s|^$SRC/||; s|^\(\.\./\)*||" |
		grep -F -f <(touched_files) | head -n 20 || true
	return 0
}

main() {
	local -a names=() list
	local n start secs reasons

	case ${1:-} in
	--make-args)
		make_args "${2:?--make-args ARCH COMPILER}" "${3:?--make-args ARCH COMPILER}"
		return 0
		;;
	--config-only) CONFIG_ONLY=1; shift ;;
	esac
	[ $# -gt 0 ] || set -- full
	for n in "$@"; do
		case $n in
		full) mapfile -t list < <(full_set); names+=("${list[@]}") ;;
		ci) names+=("${CI_SET[@]}") ;;
		*-*-*) names+=("$n") ;;
		*) die "unknown configuration or set: $n" ;;
		esac
	done

	[ -d "$TREE/.git" ] || die "$TREE missing: run 'make tree'"
	tree_worktree "$SRC" "$REV"
	git -C "$SRC" checkout -q --detach "$REV"
	mkdir -p "$OUT" "$(dirname "$RESULTS")"
	: >"$RESULTS"
	log "matrix: ${#names[@]} configurations of $(git -C "$SRC" log -1 --format='%h %s')"

	for n in "${names[@]}"; do
		start=$(date +%s)
		reasons=$(build_one "$n" 2>&1)
		secs=$(($(date +%s) - start))
		if [ -z "$reasons" ]; then
			result "PASS matrix $n ($secs s)"
			passed=$((passed + 1))
		else
			result "FAIL matrix $n ($secs s)"
			printf '%s\n' "$reasons" | sed 's/^/    /' | tee -a "$RESULTS"
			failed=$((failed + 1))
		fi
	done
	echo "matrix: $passed passed, $failed failed"
	[ "$failed" = 0 ]
}

main "$@"
