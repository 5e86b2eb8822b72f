#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The posting export: write one series of patches/ as mails ready for
# 'git send-email', in build/post/NAME/.
#
# - Author, From: and Signed-off-by: are the person who posts, not the
#   project's placeholder (the DCO needs a real person): POST_NAME and
#   POST_EMAIL, or else git's user.name and user.email outside this
#   repository. The command refuses to write anything without a real
#   identity (no placeholder, no .invalid/.example/.test/.local address),
#   and fails if the placeholder is left anywhere in what it wrote.
# - To: the maintainers of what each patch touches, Cc: its reviewers and
#   lists, both from the tree's scripts/get_maintainer.pl; the cover letter
#   goes to all of them. The Cc: trailers in the messages (stable, the
#   authors of blamed commits) are added by git send-email itself.
# - The cover letter ends with the base: the Debian package it applies to
#   and, for the last series, which needs the fix series before it, their
#   patch ids
#   (prerequisite-patch-id, as 'git format-patch --base' writes them).
#
# Usage: scripts/post.sh NAME [VERSION]
#   NAME      a series of patches/series (dma-buf-fixes, usb-fixes, ...)
#   VERSION   2 for "[PATCH v2 ...]" (default: none)
# Then: git send-email build/post/NAME/*.patch
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:-}
version=${2:-}
case "$name" in '' | -h | --help) usage 0 ;; esac
series_names | grep -qx "$name" || die "no series '$name' in patches/series ($(series_names | tr '\n' ' '))"
[ -x "$TREE/scripts/get_maintainer.pl" ] || die "no tree: run 'make tree'"

poster_name=${POST_NAME:-$(git config --global user.name 2>/dev/null || true)}
poster_email=${POST_EMAIL:-$(git config --global user.email 2>/dev/null || true)}

# real_identity NAME EMAIL: not the placeholder, not a reserved domain.
real_identity() {
	local n=$1 e=$2 domain
	[ -n "$n" ] && [ -n "$e" ] || return 1
	[ "$n" != "$PROJECT_NAME" ] && [ "$e" != "$PROJECT_EMAIL" ] || return 1
	[[ $e == ?*@?*.?* ]] || return 1
	domain=${e##*@}
	domain=${domain,,}
	case "$domain" in
	*.invalid | invalid | *.example | example.com | example.org | example.net | \
		*.example.com | *.example.org | *.example.net | *.test | *.localhost | \
		localhost | *.local | *.localdomain) return 1 ;;
	esac
	case "$e" in *noreply* | *no-reply*) return 1 ;; esac
	return 0
}

if ! real_identity "$poster_name" "$poster_email"; then
	die "no real identity to post as (got '${poster_name:-}' <${poster_email:-}>): set POST_NAME and POST_EMAIL, or git config --global user.name/user.email"
fi
poster="$poster_name <$poster_email>"
log "posting $name as $poster"

out=$BUILD/post/$name
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -rf "$out"
mkdir -p "$out"

prefix=PATCH
[ -z "$version" ] || prefix="PATCH v$version"

# The series' files as exported, with the subject prefix of this posting.
for p in "$PATCHES/$name"/0*.patch; do
	sed -e "1,/^\$/s/^Subject: \[PATCH/Subject: [$prefix/" "$p" >"$tmp/${p##*/}"
done

# get_maintainer ARGS... PATCH: one address a line.
get_maintainer() {
	(cd "$TREE" && perl scripts/get_maintainer.pl --no-git --no-git-fallback \
		--no-rolestats --no-fixes --no-multiline --separator $'\n' "$@" 2>/dev/null) |
		grep -v -e "$PROJECT_EMAIL" || true
}

# join: the lines of stdin as one header value.
join() {
	sort -u | grep . | paste -sd, - | sed 's/,/, /g'
}

# add_headers FILE TO CC: To:/Cc: after the Date: header.
add_headers() {
	awk -v to="$2" -v cc="$3" '
		!done && /^Date: / { print; if (to != "") print "To: " to; if (cc != "") print "Cc: " cc; done = 1; next }
		{ print }' "$1" >"$1.new"
	mv "$1.new" "$1"
}

: >"$tmp/all-to"
: >"$tmp/all-cc"
for p in "$tmp"/0*.patch; do
	case "${p##*/}" in 0000-*) continue ;; esac
	get_maintainer --m --no-r --no-l "$p" >"$tmp/to"
	get_maintainer --no-m --r --l "$p" >"$tmp/cc"
	cat "$tmp/to" >>"$tmp/all-to"
	cat "$tmp/cc" >>"$tmp/all-cc"
	add_headers "$p" "$(join <"$tmp/to")" "$(join <"$tmp/cc")"
done
cover=$tmp/0000-cover-letter.patch
add_headers "$cover" "$(join <"$tmp/all-to")" "$(join <"$tmp/all-cc")"

# The base, where format-patch would put base-commit: (the base has no
# upstream commit id: it is Debian's source package).
{
	echo
	echo "base: $BASE_PKG $(tree_base_version) (Debian source package)"
	# Only the last series needs the ones before it; a fix series
	# applies alone on the base.
	prev=""
	[ "$name" != "$(last_series)" ] || prev=$(fix_series)
	for s in $prev; do
		echo "prerequisite-series: $s ($(series_patches "$s" | wc -l) patches)"
		while read -r p; do
			git -C "$TREE" patch-id --stable <"$p" | awk '{ print "prerequisite-patch-id: " $1 }'
		done < <(series_patches "$s")
	done
} >"$tmp/base"
# Before the signature separator of the cover letter ("-- " and after),
# or at its end.
awk -v basefile="$tmp/base" '
	/^-- $/ && !done { while ((getline l < basefile) > 0) print l; done = 1 }
	{ print }
	END { if (!done) while ((getline l < basefile) > 0) print l }' "$cover" >"$cover.new"
mv "$cover.new" "$cover"

# The poster's identity in place of the placeholder: From:, and the
# Signed-off-by: of the commit messages.
for p in "$tmp"/0*.patch; do
	sed -e "s|^From: $PROJECT_NAME <$PROJECT_EMAIL>\$|From: $poster|" \
		-e "s|^Signed-off-by: $PROJECT_NAME <$PROJECT_EMAIL>\$|Signed-off-by: $poster|" \
		-e "s|^$PROJECT_NAME (\([0-9]*\)):\$|$poster_name (\1):|" \
		"$p" >"$out/${p##*/}"
done
if grep -l -e "$PROJECT_EMAIL" -e "$PROJECT_NAME" "$out"/*.patch; then
	rm -rf "$out"
	die "the placeholder identity is still in the files above: nothing written"
fi
log "wrote $(find "$out" -name '*.patch' | wc -l) mails to ${out#"$TOP"/}/: git send-email ${out#"$TOP"/}/*.patch"
