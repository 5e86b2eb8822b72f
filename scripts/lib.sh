# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the dmabuf-access scripts. Source it, do not run it.
#
# Every script is run from the repository root (the Makefile does that) or
# finds it through $TOP.

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# BASE=6.12 (make BASE=6.12 TARGET): the 6.12 LTS backport, with its own
# base (configs/base-6.12), series (backport/6.12) and build folder
# (build/6.12). Unset: the main base (configs/base), patches/ and build/.
BASE=${BASE:-}
case $BASE in
'' | [0-9]*.[0-9]*) ;;
*) echo "BASE=$BASE: a kernel version such as 6.12, or unset" >&2; exit 1 ;;
esac
BUILD=${BUILD:-$TOP/build${BASE:+/$BASE}}
TREE=${TREE:-$BUILD/linux}
# The tag on the pristine base commit in $TREE.
BASE_TAG=${BASE_TAG:-base}
# Machine-wide cache that survives a fresh clone (CI runs in one).
export CACHE
CACHE=${DMABUF_ACCESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dmabuf-access}
JOBS=${JOBS:-$(nproc)}

log() {
	printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"
}

warn() {
	printf '[%s] warning: %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

die() {
	printf '[%s] error: %s\n' "$(date +%H:%M:%S)" "$*" >&2
	exit 1
}

# usage [STATUS]: print the "# Usage:" block of the running script's
# header comment and exit with STATUS (0).
usage() {
	sed -n '/^# Usage:/,/^$/s/^# \{0,1\}//p' "$0"
	exit "${1:-0}"
}

# step NAME COMMAND...: run COMMAND, say what it is and how long it took.
step() {
	local name=$1 start rc
	shift
	start=$(date +%s)
	log ">> $name"
	if "$@"; then
		rc=0
	else
		rc=$?
	fi
	log "<< $name: $([ "$rc" = 0 ] && echo ok || echo "FAILED ($rc)") in $(($(date +%s) - start)) s"
	return "$rc"
}

# need CMD...: die unless every command exists.
need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || die "'$c' not found: run 'make deps' (or scripts/deps.sh)"
	done
}

# Compiler for kernel builds: ccache when the machine has it. Paths under
# the repository are hashed relative to it, so that a fresh clone in another
# folder (as CI makes) still hits the cache of an earlier one.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$TOP}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
# With $KERNEL_CROSS set (a CROSS_COMPILE prefix), the cross compiler.
kernel_cc() {
	if command -v ccache >/dev/null 2>&1; then
		echo "ccache ${KERNEL_CROSS:-}gcc"
	else
		echo "${KERNEL_CROSS:-}gcc"
	fi
}

# The Debian version of the base, recorded by fetch-base.sh.
base_version() {
	cat "$BUILD/base/version" 2>/dev/null || true
}

# shellcheck source=configs/base
. "$TOP/configs/base"
# The subject prefix of the exported patches (configs/base-6.12: PATCH 6.12).
SUBJECT_PREFIX=PATCH
if [ -n "$BASE" ]; then
	[ -f "$TOP/configs/base-$BASE" ] || die "BASE=$BASE: no configs/base-$BASE"
	# shellcheck source=/dev/null
	. "$TOP/configs/base-$BASE"
fi

# The Debian version recorded in the base tag of $TREE, if there is one.
tree_base_version() {
	git -C "$TREE" tag -l --format='%(contents:subject)' "$BASE_TAG" 2>/dev/null |
		sed -n 's/^base: [^ ]* //p'
}

# Fixed identity and dates, so that what the tree produces does not depend
# on who ran it or when.
PROJECT_NAME="dmabuf-access developers"
PROJECT_EMAIL="dmabuf-access@lists.invalid"
tree_git() {
	git -C "$TREE" -c user.name="$PROJECT_NAME" -c user.email="$PROJECT_EMAIL" "$@"
}

# tree_worktree DIR REV: a worktree of $TREE at DIR, created once (at REV)
# and reused; the caller checks out what it needs.
tree_worktree() {
	local dir=$1 rev=$2 common

	if [ -e "$dir/.git" ]; then
		common=$(cd "$dir" && cd "$(git rev-parse --git-common-dir)" && pwd -P)
		if [ "$common" = "$(cd "$TREE" && cd "$(git rev-parse --git-common-dir)" && pwd -P)" ]; then
			return 0
		fi
		warn "$dir is a worktree of another repository: recreating it"
		git -C "$dir" worktree remove --force "$dir" 2>/dev/null || rm -rf "$dir"
	elif [ -e "$dir" ]; then
		rm -rf "$dir"
	fi
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$dir" "$rev"
}

# The x86_64 test kernel's .config (configs/common, configs/x86_64), the
# configuration of every out-of-tree build of the checks: configured now if
# it does not exist yet.
TEST_KERNEL_CONFIG=$BUILD/kernel-x86_64/.config
test_kernel_config() {
	[ -f "$TEST_KERNEL_CONFIG" ] ||
		"$TOP/scripts/build-kernel.sh" --config-only >&2 ||
		die "cannot configure the test kernel"
	echo "$TEST_KERNEL_CONFIG"
}

# configs_for_tree SRC DIR: configs/common/base.config and debug.config
# (and, with BASE set, configs/backport-$BASE.config when there is one)
# copied to DIR without the symbols that the kernel tree SRC does not
# define, each line left out kept as a comment that says so (a base older
# than the series, such as the 6.12 backport's or the reproducer trees',
# lacks the options of the feature series). A copy whose content does not
# change keeps its time stamp, and build-kernel.sh its .config. Prints the
# lines left out.
configs_for_tree() {
	local src=$1 dir=$2 f src_f syms
	mkdir -p "$dir"
	syms=$dir/symbols
	git -C "$src" grep -h -E '^[[:space:]]*(menu)?config [A-Za-z0-9_]+' -- '*Kconfig*' |
		awk '{ print "CONFIG_" $2 }' | sort -u >"$syms"
	for f in base.config debug.config ${BASE:+backport-$BASE.config}; do
		src_f=$TOP/configs/common/$f
		# BASE=6.12: what that base names differently, configs/backport-6.12.config.
		case $f in backport-*) src_f=$TOP/configs/$f ;; esac
		[ -f "$src_f" ] || continue
		awk 'FNR == NR { have[$0] = 1; next }
		{
			sym = ""
			if (match($0, /^CONFIG_[A-Za-z0-9_]+=/))
				sym = substr($0, 1, RLENGTH - 1)
			else if (match($0, /^# CONFIG_[A-Za-z0-9_]+ is not set/))
				sym = $2
			if (sym != "" && !(sym in have)) {
				print "# left out, the base lacks it: " $0
				next
			}
			print
		}' "$syms" "$src_f" >"$dir/$f.new"
		if cmp -s "$dir/$f.new" "$dir/$f"; then
			rm "$dir/$f.new"
		else
			mv "$dir/$f.new" "$dir/$f"
		fi
	done
	grep -h '^# left out' "$dir/"*.config | sed 's/^/  /' || true
}

# private_apt DIR [ARCH]: a private apt configuration in DIR (apt.conf, etc/,
# lists, cache, an empty status), for the Debian architecture ARCH (the
# machine's by default), so that apt-get and apt-cache with
# APT_CONFIG=DIR/apt.conf never read or change the system's sources. The
# caller writes DIR/etc/sources.list (and preferences.d/ if it needs them).
# The mirror may serve Release files past their Valid-Until date (a
# snapshot); their signatures are still checked.
private_apt() {
	local dir=$1 arch=${2:-$(dpkg --print-architecture)}

	mkdir -p "$dir/etc/apt.conf.d" "$dir/etc/preferences.d" \
		"$dir/etc/sources.list.d" "$dir/lists/partial" \
		"$dir/cache/archives/partial"
	[ -f "$dir/status" ] || : >"$dir/status"
	cat >"$dir/apt.conf" <<CONF
Dir::State "$dir";
Dir::State::lists "$dir/lists";
Dir::State::status "$dir/status";
Dir::Cache "$dir/cache";
Dir::Etc "$dir/etc";
Dir::Etc::sourcelist "$dir/etc/sources.list";
Dir::Etc::sourceparts "$dir/etc/sources.list.d";
Dir::Etc::parts "$dir/etc/apt.conf.d";
Dir::Etc::preferences "$dir/etc/preferences";
Dir::Etc::preferencesparts "$dir/etc/preferences.d";
APT::Architecture "$arch";
Acquire::Languages "none";
Acquire::Check-Valid-Until "false";
APT::Sandbox::User "root";
CONF
}

# vm_run PREFIX NAME APPEND TESTS [ARCH [TEST_TIMEOUT]]: boot the test
# kernel of ARCH (x86_64 by default) as PREFIX-NAME with APPEND on its
# command line and run TESTS (comma-separated) without the KUnit suites;
# the output goes to $BUILD/boot/PREFIX-NAME.out, whose end is shown when
# the boot fails. Used by the demo and the benchmark.
vm_run() {
	local out=$BUILD/boot/$1-$2.out
	mkdir -p "$BUILD/boot"
	"$TOP/scripts/boot.sh" --arch "${5:-${KERNEL_ARCH:-x86_64}}" --name "$1-$2" \
		--append "$3" --tests "$4" --test-timeout "${6:-120}" \
		--kunit none >"$out" 2>&1 || {
		tail -n 30 "$out"
		return 1
	}
}

# --- the series in patches/ -------------------------------------------------
#
# patches/series names the series in the order they apply, one directory
# of patches/ each (its cover-letter.txt and its exported patches). The fix
# series come first and each applies alone on the base; the last one (the
# feature series) needs the ones before it. In $TREE the commits of all of
# them sit in that order on master, and a branch series/NAME points at the
# last commit of every series but the last (rebase.updateRefs keeps them
# there through 'git rebase -i').
if [ -n "$BASE" ]; then
	PATCHES=${PATCHES:-$TOP/backport/$BASE}
else
	PATCHES=${PATCHES:-$TOP/patches}
fi
SERIES_LIST=$PATCHES/series

# series_names: the series, in order.
series_names() {
	[ -f "$SERIES_LIST" ] || die "$SERIES_LIST missing"
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$SERIES_LIST" | grep .
}

# last_series: the name of the last series (the one that ends at master).
last_series() {
	series_names | tail -n 1
}

# series_patches NAME: the patch files of series NAME, in order, without
# the cover letter.
series_patches() {
	local p
	for p in "$PATCHES/$1"/0*.patch; do
		[ -e "$p" ] || continue
		case "${p##*/}" in 0000-*) continue ;; esac
		echo "$p"
	done
}

# all_patches: every patch of every series, in the order they apply.
all_patches() {
	local s
	series_names | while read -r s; do
		series_patches "$s"
	done
}

# series_range NAME: the revision range of series NAME in $TREE
# (series/PREV..series/NAME, base for the first, master for the last).
series_range() {
	local s prev=$BASE_TAG
	while read -r s; do
		if [ "$s" = "$1" ]; then
			if [ "$s" = "$(last_series)" ]; then
				echo "$prev..master"
			else
				echo "$prev..series/$s"
			fi
			return 0
		fi
		prev=series/$s
	done < <(series_names)
	die "no series $1 in $SERIES_LIST"
}

# am_patches DIR PATCH...: 'git am' each PATCH in the work tree DIR (of
# $TREE). On a patch that does not apply: git am's output, the am aborted,
# the patch named on stderr, status 1.
am_patches() {
	local dir=$1 p
	shift
	for p in "$@"; do
		if ! tree_git -C "$dir" am -q --committer-date-is-author-date "$p" \
			>"$BUILD/am.log" 2>&1; then
			cat "$BUILD/am.log" >&2
			git -C "$dir" am --abort >/dev/null 2>&1 || true
			warn "patch does not apply: ${p#"$TOP"/}"
			return 1
		fi
	done
}

# am_series DIR NAME: am_patches of the patches of series NAME.
am_series() {
	local patches
	mapfile -t patches < <(series_patches "$2")
	[ "${#patches[@]}" -gt 0 ] || { warn "no patches in series $2"; return 1; }
	am_patches "$1" "${patches[@]}"
}

# fix_series: the series that must apply alone on the base, the fix series
# (NAME-fixes): all but the feature series in patches/, all of them in
# backport/6.12, which has no feature series yet.
fix_series() {
	series_names | grep -- '-fixes$' || true
}
