#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch the base kernel source, Debian's $BASE_PKG (configs/base), through a
# private apt configuration under build/apt: its own sources list, lists,
# cache and status, and the archive key from debian-archive-keyring. The
# system's apt sources are never touched.
#
# Every suite that may carry the package is asked ($DEBIAN_SUITES on the
# archive, $DEBIAN_SECURITY_SUITES on the security mirror) and the highest
# version wins; the log names the suite it came from. A suite whose Release
# file is past its Valid-Until date (a stale mirror copy) is not trusted: its
# versions are left out, with a warning that names the dates, and when only
# expired suites offer the package the fetch fails. ALLOW_EXPIRED=1 takes
# them all the same (said loudly).
#
# Output: build/base/version (the Debian version), build/base/suite and
# build/base/src (the extracted tree, which scripts/tree.sh turns into
# build/linux; neither is redone while the version is unchanged). The .deb
# is kept in $CACHE so that a fresh clone on the same machine does not
# download it again.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
SUITES=${DEBIAN_SUITES:-trixie trixie-updates trixie-backports forky sid experimental bookworm-backports}
SECURITY_SUITES=${DEBIAN_SECURITY_SUITES:-trixie-security bookworm-security}
KEYRING=${DEBIAN_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
ALLOW_EXPIRED=${ALLOW_EXPIRED:-0}
APTDIR=$BUILD/apt

write_apt_config() {
	local suite

	private_apt "$APTDIR"
	: >"$APTDIR/etc/sources.list"
	for suite in $SUITES; do
		echo "deb [signed-by=$KEYRING] $MIRROR $suite main" >>"$APTDIR/etc/sources.list"
	done
	for suite in $SECURITY_SUITES; do
		echo "deb [signed-by=$KEYRING] $SECURITY_MIRROR $suite main" >>"$APTDIR/etc/sources.list"
	done
	# The version is chosen below, by suite, not by apt's pinning.
	rm -f "$APTDIR/etc/preferences.d/suites.pref"
}

papt() {
	APT_CONFIG=$APTDIR/apt.conf "$@"
}

# release_field FILE FIELD: a field of a Release/InRelease file.
release_field() {
	sed -n "s/^$2: //p" "$1" | head -n 1
}

# check_suites: print "suite<TAB>state" for every suite whose Release file
# apt fetched, state "ok" or "expired"; warn for each expired one.
check_suites() {
	local f suite date until now until_s

	now=$(date -u +%s)
	for f in "$APTDIR"/lists/*_InRelease "$APTDIR"/lists/*_Release; do
		[ -f "$f" ] || continue
		# The list file is named for the sources.list line
		# (..._dists_SUITE_InRelease): SUITE is what madison prints.
		suite=${f##*_dists_}
		suite=${suite%_*}
		date=$(release_field "$f" Date)
		until=$(release_field "$f" Valid-Until)
		if [ -n "$until" ] && until_s=$(date -u -d "$until" +%s 2>/dev/null) &&
			[ "$until_s" -lt "$now" ]; then
			printf '%s\texpired\t%s\t%s\n' "$suite" "$date" "$until"
		else
			printf '%s\tok\t%s\t%s\n' "$suite" "$date" "$until"
		fi
	done | sort -u
}

# offers PKG: "version<TAB>suite" for every version of PKG the lists hold.
offers() {
	papt apt-cache madison "$1" 2>/dev/null | awk -F'|' '
		{ for (i = 1; i <= 3; i++) gsub(/^ +| +$/, "", $i)
		  n = split($3, w, " "); split(w[2], s, "/")
		  if ($1 == pkg) printf "%s\t%s\n", $2, s[1] }' pkg="$1" | sort -u
}

# highest: the highest Debian version among "version<TAB>suite" lines on
# stdin, printed as the whole line.
highest() {
	local best="" line v
	while IFS= read -r line; do
		v=${line%%$'\t'*}
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "${best%%$'\t'*}"; then
			best=$line
		fi
	done
	[ -n "$best" ] && printf '%s\n' "$best"
}

offered_sources() {
	local pkg
	for pkg in $(papt apt-cache pkgnames linux-source- | grep -E '^linux-source-[0-9.]+$' | sort -V); do
		offers "$pkg" | awk -F'\t' -v p="$pkg" '{ printf "  %s %s (%s)\n", p, $1, $2 }'
	done
}

[ -r "$KEYRING" ] || die "$KEYRING missing: install debian-archive-keyring"
need apt-get apt-cache dpkg-deb tar xz

write_apt_config
log "updating the private apt lists ($SUITES; security: $SECURITY_SUITES)"
if ! papt apt-get -q -o Debug::NoLocking=1 update >"$APTDIR/update.log" 2>&1; then
	# A suite that does not exist (yet) on a mirror fails the update but
	# leaves the others usable; say so, and go on with what was fetched.
	warn "apt-get update reported errors (see build/apt/update.log):"
	grep -E '^(E|W):' "$APTDIR/update.log" | head -n 5 >&2 || true
fi

declare -A state=()
while IFS=$'\t' read -r suite st date until; do
	state[$suite]=$st
	if [ "$st" = expired ]; then
		warn "suite $suite is stale: Release dated $date, valid until $until (mirror copy out of date); its versions are not used"
	fi
done < <(check_suites)

all=$(offers "$BASE_PKG")
fresh=""
expired=""
while IFS=$'\t' read -r v suite; do
	[ -n "$v" ] || continue
	if [ "${state[$suite]:-ok}" = expired ]; then
		expired+="$v"$'\t'"$suite"$'\n'
	else
		fresh+="$v"$'\t'"$suite"$'\n'
	fi
done <<<"$all"

pick=$(printf '%s' "$fresh" | highest || true)
if [ -n "$expired" ]; then
	stale=$(printf '%s' "$expired" | highest || true)
	if [ -n "$stale" ] && { [ -z "$pick" ] ||
		dpkg --compare-versions "${stale%%$'\t'*}" gt "${pick%%$'\t'*}"; }; then
		if [ "$ALLOW_EXPIRED" = 1 ]; then
			warn "ALLOW_EXPIRED=1: taking ${stale%%$'\t'*} from the expired suite ${stale#*$'\t'}"
			pick=$stale
		elif [ -n "$pick" ]; then
			warn "expired suite ${stale#*$'\t'} offers ${stale%%$'\t'*}, higher than ${pick%%$'\t'*}: not taken"
		fi
	fi
fi
if [ -z "$pick" ]; then
	{
		if [ -n "$expired" ]; then
			echo "$BASE_PKG is offered only by expired suites:"
			printf '%s' "$expired" | sed 's/\t/ (/; s/$/)/; s/^/  /'
			echo "ALLOW_EXPIRED=1 takes them anyway."
		else
			echo "$BASE_PKG is not offered by $SUITES $SECURITY_SUITES."
		fi
		echo "The archive offers:"
		offered_sources
		echo "To re-base, set BASE_PKG in configs/base to one of these,"
		echo "run 'make tree' and fix the patches that no longer apply."
	} >&2
	exit 1
fi
version=${pick%%$'\t'*}
suite=${pick#*$'\t'}
log "base: $BASE_PKG $version from $suite"

mkdir -p "$BUILD/base"
echo "$suite" >"$BUILD/base/suite"
if [ "$(tree_base_version)" = "$version" ]; then
	echo "$version" >"$BUILD/base/version"
	log "${TREE#"$TOP"/} is based on $version already"
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
	deb=$(find "$debdir" -name "${BASE_PKG}_${version//:/%3a}_*.deb" | head -n 1)
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
log "base $BASE_PKG $version ($suite) extracted to ${BUILD#"$TOP"/}/base/src"
