#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Export the commits after the base in build/linux to patches/ (or to the
# directory given as $1), one directory per series of patches/series, with
# git format-patch, deterministically: fixed options, no signature, zero
# "From" hashes, numbering from 0001 in each series, and each series' cover
# letter built from patches/SERIES/cover-letter.txt as 0000. Exporting an
# unchanged tree gives byte-identical files.
#
# The series boundaries are the branches series/NAME in build/linux (see
# scripts/lib.sh); the last series ends at master.
#
# cover-letter.txt: first line is the subject, then a blank line, then the
# body; "@BASE@" is replaced by the Debian base package and version.
#
# The identity in the patches is the project's placeholder: what is posted
# is written by scripts/post.sh, which puts the poster's in.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:-$PATCHES}
version=$(tree_base_version)

[ -d "$TREE/.git" ] || die "no tree: run 'make tree'"
[ -n "$version" ] || die "${TREE#"$TOP"/} has no base tag"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# export_series NAME OUTDIR
export_series() {
	local name=$1 dir=$2 cover range count last_date

	cover=$PATCHES/$name/cover-letter.txt
	[ -f "$cover" ] || die "$cover missing"
	range=$(series_range "$name")
	count=$(git -C "$TREE" rev-list --count "$range")
	[ "$count" -gt 0 ] || die "series $name ($range) has no commits in ${TREE#"$TOP"/}"

	# The description of the branch the range ends at is what
	# format-patch turns into the cover letter.
	sed "s/@BASE@/$BASE_PKG $version/g" "$cover" >"$tmp/description"
	git -C "$TREE" config "branch.${range#*..}.description" "$(cat "$tmp/description")"

	# The cover letter's date is the series' last author date, not "now".
	last_date=$(git -C "$TREE" log -1 --format=%ad --date=rfc "${range#*..}")

	# Global and system git configuration stay out of it (GIT_CONFIG_*),
	# the options that still matter are fixed here.
	rm -rf "$tmp/out"
	GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_SYSTEM=/dev/null \
		GIT_COMMITTER_DATE="$last_date" git -C "$TREE" \
		-c core.abbrev=12 -c diff.algorithm=myers -c diff.renames=true \
		-c user.name="$PROJECT_NAME" -c user.email="$PROJECT_EMAIL" \
		format-patch -q --no-signature --zero-commit --cover-letter \
		--cover-from-description=subject --no-base --start-number=1 \
		--subject-prefix="$SUBJECT_PREFIX" --stat=72 --summary -o "$tmp/out" \
		"$range"
	git -C "$TREE" config --unset "branch.${range#*..}.description"
	grep -q '^\*\*\* SUBJECT HERE' "$tmp/out/0000-cover-letter.patch" &&
		die "series $name: cover letter not filled in"

	mkdir -p "$dir"
	rm -f "$dir"/0*.patch
	cp "$tmp"/out/*.patch "$dir"/
	echo "$count"
}

total=0
while read -r name; do
	n=$(export_series "$name" "$out/$name")
	total=$((total + n))
	[ "$out" = "$PATCHES" ] && log "exported $name: $n patches and the cover letter"
done < <(series_names)
[ "$out" = "$PATCHES" ] && log "exported $total patches in $(series_names | wc -l) series to ${PATCHES#"$TOP"/}/"
exit 0
