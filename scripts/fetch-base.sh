#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch the base kernel source, Debian's $BASE_PKG (configs/base), through a
# private apt configuration under build/apt: its own sources list naming
# experimental, sid and forky, its own lists, cache and status, and the
# archive key from debian-archive-keyring. The system's apt sources are
# never touched. The newest version any of the three suites offers wins.
#
# Output: build/base/version (the Debian version) and build/base/src (the
# extracted tree, which scripts/tree.sh turns into build/linux; neither is
# redone while the version is unchanged). The .deb is kept
# in $CACHE so that a fresh clone on the same machine does not download it
# again.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITES=${DEBIAN_SUITES:-experimental sid forky}
KEYRING=${DEBIAN_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
APTDIR=$BUILD/apt

write_apt_config() {
	local suite

	private_apt "$APTDIR"
	: >"$APTDIR/etc/sources.list"
	: >"$APTDIR/etc/preferences.d/suites.pref"
	for suite in $SUITES; do
		echo "deb [signed-by=$KEYRING] $MIRROR $suite main" >>"$APTDIR/etc/sources.list"
		# Experimental has priority 1 by default; give every suite the
		# same priority so that the newest version is the candidate.
		printf 'Package: *\nPin: release n=%s\nPin-Priority: 500\n\n' "$suite" \
			>>"$APTDIR/etc/preferences.d/suites.pref"
	done
}

papt() {
	APT_CONFIG=$APTDIR/apt.conf "$@"
}

offered_sources() {
	local pkg
	for pkg in $(papt apt-cache pkgnames linux-source- | grep -E '^linux-source-[0-9.]+$' | sort -V); do
		papt apt-cache madison "$pkg" | awk -F'|' '{ for (i = 1; i <= 3; i++) gsub(/^ +| +$/, "", $i)
			printf "  %s %s (%s)\n", $1, $2, $3 }'
	done
}

[ -r "$KEYRING" ] || die "$KEYRING missing: install debian-archive-keyring"
need apt-get apt-cache dpkg-deb tar xz

write_apt_config
log "updating the private apt lists ($SUITES)"
papt apt-get -q -o Debug::NoLocking=1 update >"$APTDIR/update.log" 2>&1 ||
	die "apt-get update failed: see $APTDIR/update.log"

version=$(papt apt-cache policy "$BASE_PKG" | awk '/Candidate:/ { print $2 }')
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
	{
		echo "$BASE_PKG is not offered by $SUITES at $MIRROR."
		echo "The archive offers:"
		offered_sources
		echo "To re-base, set BASE_PKG in configs/base to one of these,"
		echo "run 'make tree' and fix the patches that no longer apply."
		echo "Other suites: DEBIAN_SUITES='trixie' (for example) for linux-source-6.12."
	} >&2
	exit 1
fi
log "base: $BASE_PKG $version"

mkdir -p "$BUILD/base"
if [ "$(tree_base_version)" = "$version" ]; then
	echo "$version" >"$BUILD/base/version"
	log "build/linux is based on $version already"
	exit 0
fi
if [ "$(base_version)" = "$version" ] && [ -f "$BUILD/base/src/Makefile" ]; then
	log "extracted tree for $version is up to date"
	exit 0
fi

debdir=$CACHE/debs
mkdir -p "$debdir" 2>/dev/null || debdir=$BUILD/debs
mkdir -p "$debdir"
deb=$(find "$debdir" -name "${BASE_PKG}_${version//:/%3a}_*.deb" | head -n 1)
if [ -z "$deb" ]; then
	log "downloading $BASE_PKG=$version"
	(cd "$debdir" && papt apt-get -q -o Debug::NoLocking=1 download "$BASE_PKG=$version")
	deb=$(find "$debdir" -name "${BASE_PKG}_*.deb" -newer "$APTDIR/apt.conf" | head -n 1)
	[ -n "$deb" ] || die "download of $BASE_PKG=$version left no .deb in $debdir"
else
	log "reusing $deb"
fi

log "extracting $(basename "$deb")"
rm -rf "$BUILD/base/src" "$BUILD/base/version"
mkdir -p "$BUILD/base/src"
dpkg-deb --fsys-tarfile "$deb" |
	tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
	tar -xJ -C "$BUILD/base/src" --strip-components=1
[ -f "$BUILD/base/src/Makefile" ] || die "no kernel tree in $deb"
echo "$version" >"$BUILD/base/version"
log "base $BASE_PKG $version extracted to build/base/src"
