#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build sid's sparse into build/tools/bin/sparse. Bookworm's sparse (0.6.4)
# is refused by this kernel as too old, so the source package is fetched
# from sid with 'apt-get source' through a private apt configuration of its
# own under build/apt-src (one deb-src line for sid, its own lists, cache
# and status; the system's apt sources and fetch-base.sh's build/apt are
# not touched) and built with plain make, its optional parts (llvm, gtk,
# libxml) off: about 10 s.
#
# The binary is cached in $CACHE/tools/sparse-<version>-<arch> so that a
# fresh clone on the same machine does not build it again; the cache is
# only a shortcut, a missing or unwritable cache means a build.
#
# SPARSE_SUITE (default sid) chooses the suite. The Debian version built
# is recorded in build/tools/sparse.version ('sparse --version' says 0.6.4:
# upstream's 0.6.5-rc1 snapshot never bumped its Makefile), and the binary
# is checked with the kernel's own scripts/checker-valid.sh, the test that
# refuses bookworm's sparse.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=${SPARSE_SUITE:-sid}
KEYRING=${DEBIAN_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
APTDIR=$BUILD/apt-src
TOOLS=$BUILD/tools
ARCH=$(dpkg --print-architecture)

write_apt_config() {
	private_apt "$APTDIR"
	echo "deb-src [signed-by=$KEYRING] $MIRROR $SUITE main" >"$APTDIR/etc/sources.list"
}

papt() {
	APT_CONFIG=$APTDIR/apt.conf "$@"
}

update_lists() {
	papt apt-get -q -o Debug::NoLocking=1 --error-on=any update >"$APTDIR/update.log" 2>&1
}

# The version of the sparse source package the suite offers.
offered_version() {
	{ papt apt-cache showsrc sparse 2>/dev/null || true; } |
		awk '/^Version:/ { print $2 }' | sort -V | tail -n 1
}

installed_version() {
	if [ -x "$TOOLS/bin/sparse" ]; then
		cat "$TOOLS/sparse.version" 2>/dev/null || true
	fi
}

# fetch_and_build VERSION DEST: apt-get source sparse=VERSION, build it,
# copy the binaries to DEST/.
fetch_and_build() {
	local version=$1 dest=$2 src srcdir

	src=$BUILD/sparse-src
	rm -rf "$src"
	mkdir -p "$src"
	(cd "$src" && papt apt-get -q -o Debug::NoLocking=1 source "sparse=$version" >fetch.log 2>&1) || {
		cat "$src/fetch.log" >&2
		die "apt-get source sparse=$version failed"
	}
	srcdir=$(find "$src" -mindepth 1 -maxdepth 1 -type d -name 'sparse-*' | head -n 1)
	if [ -z "$srcdir" ] || [ ! -f "$srcdir/Makefile" ]; then
		die "no sparse source in $src (see $src/fetch.log)"
	fi
	# Plain make of the sparse binary alone (the kernel needs no cgcc),
	# no sparse-llvm, test-inspect (gtk), c2xml (libxml2) or semind
	# (sqlite). Debian's patch pins CC (and cgcc) to sid's gcc-N: build
	# with this machine's gcc, whose include dir sparse then uses.
	make -C "$srcdir" -s -j"$JOBS" CC=gcc HAVE_LLVM=no HAVE_GTK=no HAVE_LIBXML=no \
		HAVE_SQLITE=no HAVE_BOOLECTOR=no sparse >"$src/build.log" 2>&1 || {
		tail -n 40 "$src/build.log" >&2
		die "sparse build failed: see $src/build.log"
	}
	mkdir -p "$dest"
	install -m 755 "$srcdir/sparse" "$dest/"
}

# install_from DIR VERSION: DIR/sparse becomes build/tools/bin/sparse.
install_from() {
	mkdir -p "$TOOLS/bin"
	install -m 755 "$1/sparse" "$TOOLS/bin/"
	echo "$2" >"$TOOLS/sparse.version"
}

main() {
	local version cached

	need apt-get apt-cache dpkg-source make gcc
	[ -r "$KEYRING" ] || die "$KEYRING missing: run scripts/deps.sh"
	write_apt_config
	if ! step "update the private deb-src lists ($SUITE)" update_lists; then
		# Offline: keep what is built, if anything.
		version=$(installed_version)
		[ -n "$version" ] || die "apt-get update failed: see $APTDIR/update.log"
		warn "apt-get update failed (see $APTDIR/update.log): keeping sparse $version"
		check_valid
		return 0
	fi
	version=$(offered_version)
	[ -n "$version" ] || die "$SUITE offers no sparse source package"
	log "sparse: $SUITE offers $version"

	if [ "$(installed_version)" = "$version" ] && "$TOOLS/bin/sparse" --version >/dev/null 2>&1; then
		check_valid
		log "build/tools/bin/sparse is $version already"
		return 0
	fi
	cached=$CACHE/tools/sparse-$version-$ARCH
	if [ -x "$cached/sparse" ] && "$cached/sparse" --version >/dev/null 2>&1; then
		log "reusing $cached"
		install_from "$cached" "$version"
	else
		step "fetch and build sparse $version" fetch_and_build "$version" "$BUILD/sparse-src/out"
		install_from "$BUILD/sparse-src/out" "$version"
		if mkdir -p "$cached" 2>/dev/null && install -m 755 "$BUILD/sparse-src/out/sparse" "$cached/" 2>/dev/null; then
			log "cached in $cached"
		else
			warn "cannot write $cached: not cached"
		fi
	fi
	check_valid
	log "sparse: $version in build/tools/bin/sparse"
}

# The kernel's own test (it needs __typeof_unqual__), when the tree is there.
check_valid() {
	local checker=$TREE/scripts/checker-valid.sh

	[ -f "$checker" ] || return 0
	[ "$(sh "$checker" "$TOOLS/bin/sparse")" = 1 ] ||
		die "build/tools/bin/sparse fails $checker: the kernel will refuse it"
}

main "$@"
