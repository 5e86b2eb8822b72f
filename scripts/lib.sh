# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the dmabuf-access scripts. Source it, do not run it.
#
# Every script is run from the repository root (the Makefile does that) or
# finds it through $TOP.

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD=${BUILD:-$TOP/build}
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
kernel_cc() {
	if command -v ccache >/dev/null 2>&1; then
		echo "ccache gcc"
	else
		echo "gcc"
	fi
}

# The Debian version of the base, recorded by fetch-base.sh.
base_version() {
	cat "$BUILD/base/version" 2>/dev/null || true
}

# shellcheck source=configs/base
. "$TOP/configs/base"

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
