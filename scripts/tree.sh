#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Materialise build/linux: a git repository whose first commit is the
# pristine base (tag "base"), with the series of patches/series applied on
# top by git am, in order, each but the last ending at a branch series/NAME.
#
# An existing tree is kept when it already carries exactly patches/. It is
# reset to the base and patches/ applied again when nobody committed in it
# since the last apply (for example after patches/ changed, or after a
# patch failed to apply); when it carries other commits (work not exported
# yet) it is left alone unless FORCE=1.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

FORCE=${FORCE:-0}
# HEAD of the tree right after the last apply_series.
APPLIED=$BUILD/tree-applied

make_baseline() {
	local version=$1

	[ -f "$BUILD/base/src/Makefile" ] || die "no extracted base: run scripts/fetch-base.sh"
	rm -rf "$TREE"
	mv "$BUILD/base/src" "$TREE"
	log "committing the pristine base $version"
	git -C "$TREE" init -q -b master
	# Debian's top-level .gitignore ignores everything ("/*"): force-add.
	git -C "$TREE" add -f -A .
	GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
		tree_git commit -q -m "base: $BASE_PKG $version"
	tree_git tag -a -m "base: $BASE_PKG $version" "$BASE_TAG"
}

apply_series() {
	local s

	tree_git am --abort >/dev/null 2>&1 || true
	tree_git checkout -q -B master "$BASE_TAG"
	tree_git reset -q --hard "$BASE_TAG"
	git -C "$TREE" for-each-ref --format='%(refname:short)' refs/heads/series/ |
		xargs -r git -C "$TREE" branch -q -D
	while read -r s; do
		if ! am_series "$TREE" "$s"; then
			git -C "$TREE" rev-parse HEAD >"$APPLIED"
			die "series $s does not apply"
		fi
		# Every series but the last ends at a branch of its own.
		[ "$s" = "$(last_series)" ] || tree_git branch -f "series/$s" HEAD
	done < <(series_names)
	git -C "$TREE" rev-parse HEAD >"$APPLIED"
	log "applied $(all_patches | wc -l) patches in $(series_names | wc -l) series on $BASE_TAG"
}

# True when nobody committed in the tree since this script last applied
# patches/ to it: then nothing is lost by applying them again.
untouched_since_apply() {
	[ "$(git -C "$TREE" rev-parse HEAD)" = "$(cat "$APPLIED" 2>/dev/null)" ]
}

version=$(base_version)
[ -n "$version" ] || die "no base version: run scripts/fetch-base.sh"

if [ "$(tree_base_version)" != "$version" ]; then
	make_baseline "$version"
	apply_series
elif "$TOP/scripts/check-export.sh" --quiet; then
	log "${TREE#"$TOP"/} already carries ${PATCHES#"$TOP"/}/ on $BASE_PKG $version"
elif [ "$FORCE" = 1 ] || untouched_since_apply ||
	[ "$(git -C "$TREE" rev-list --count "$BASE_TAG"..HEAD)" = 0 ]; then
	apply_series
else
	die "${TREE#"$TOP"/} has commits that are not in ${PATCHES#"$TOP"/}/: 'make export' them, or 'make tree FORCE=1' to drop them"
fi
git -C "$TREE" config user.name "$PROJECT_NAME"
git -C "$TREE" config user.email "$PROJECT_EMAIL"
# 'git rebase -i' moves the series/ branches with the commits they mark.
git -C "$TREE" config rebase.updateRefs true
