#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Export the commits after the base in build/linux to patches/ (or to the
# directory given as $1) with git format-patch, deterministically: fixed
# options, no signature, zero "From" hashes, numbering from 0001, and the
# cover letter built from patches/cover-letter.txt as 0000. Exporting an
# unchanged tree gives byte-identical files.
#
# cover-letter.txt: first line is the subject, then a blank line, then the
# body; "@BASE@" is replaced by the Debian base package and version.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:-$TOP/patches}
cover=$TOP/patches/cover-letter.txt
version=$(tree_base_version)

[ -d "$TREE/.git" ] || die "no tree: run 'make tree'"
[ -f "$cover" ] || die "$cover missing"
[ -n "$version" ] || die "build/linux has no base tag"
count=$(git -C "$TREE" rev-list --count "$BASE_TAG"..HEAD)
[ "$count" -gt 0 ] || die "no commits after $BASE_TAG in build/linux"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The branch description is what format-patch turns into the cover letter.
sed "s/@BASE@/$BASE_PKG $version/g" "$cover" >"$tmp/description"
git -C "$TREE" config branch.master.description "$(cat "$tmp/description")"

# The cover letter's date is the last patch's author date, not "now".
last_date=$(git -C "$TREE" log -1 --format=%ad --date=rfc HEAD)

# Global and system git configuration stay out of it (GIT_CONFIG_*), the
# options that still matter are fixed here.
GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_SYSTEM=/dev/null \
	GIT_COMMITTER_DATE="$last_date" git -C "$TREE" \
	-c core.abbrev=12 -c diff.algorithm=myers -c diff.renames=true \
	-c user.name="$PROJECT_NAME" -c user.email="$PROJECT_EMAIL" \
	format-patch -q --no-signature --zero-commit --cover-letter \
	--cover-from-description=subject --no-base --start-number=1 \
	--subject-prefix=PATCH --stat=72 --summary -o "$tmp/out" \
	"$BASE_TAG"..master

mkdir -p "$out"
rm -f "$out"/0*.patch
cp "$tmp"/out/*.patch "$out"/
[ "$out" = "$TOP/patches" ] && log "exported $count patches and the cover letter to patches/"
exit 0
