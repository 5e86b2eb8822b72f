#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Checks of the posting export (scripts/post.sh): it refuses the project's
# placeholder identity and a missing one, writing nothing; and for every
# series, with a real identity, it writes one mail per patch plus the cover
# letter, each with To: and Cc: from get_maintainer.pl, the poster as
# author and Signed-off-by:, the base line, and no placeholder.
#
# Output: PASS|FAIL lines in build/results/post; exit status 1 on failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

RESULTS=$BUILD/results/post
mkdir -p "$(dirname "$RESULTS")"
: >"$RESULTS"
rc=0
# A made-up poster for the check: the output is not sent anywhere.
NAME="Test Poster"
EMAIL=test.poster@kernel.org

result() {
	echo "$1 post $2" | tee -a "$RESULTS"
	[ "$1" = PASS ] || rc=1
}

# refuses LABEL ENV...: post.sh with ENV fails and leaves no mails.
refuses() {
	local label=$1 s
	shift
	s=$(series_names | head -n 1)
	rm -rf "$BUILD/post/$s"
	if env "$@" "$TOP/scripts/post.sh" "$s" >"$BUILD/post-check.log" 2>&1; then
		result FAIL "refuses $label (it wrote mails)"
	elif [ -n "$(find "$BUILD/post/$s" -name '*.patch' 2>/dev/null)" ]; then
		result FAIL "refuses $label (mails left behind)"
	else
		result PASS "refuses $label"
	fi
}

# A HOME without a git identity, so that only POST_* count.
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
refuses "the placeholder identity" HOME="$home" POST_NAME="$PROJECT_NAME" POST_EMAIL="$PROJECT_EMAIL"
refuses "a placeholder address" HOME="$home" POST_NAME="$NAME" POST_EMAIL=someone@example.invalid
refuses "no identity" HOME="$home" POST_NAME= POST_EMAIL=

while read -r s; do
	dir=$BUILD/post/$s
	if ! HOME="$home" POST_NAME="$NAME" POST_EMAIL="$EMAIL" "$TOP/scripts/post.sh" "$s" 2 \
		>"$BUILD/post-check.log" 2>&1; then
		sed 's/^/    /' "$BUILD/post-check.log"
		result FAIL "$s: writes mails"
		continue
	fi
	bad=""
	want=$(($(series_patches "$s" | wc -l) + 1))
	[ "$(find "$dir" -name '*.patch' | wc -l)" = "$want" ] || bad+=" count"
	for p in "$dir"/*.patch; do
		grep -q '^To: .*@' "$p" || bad+=" ${p##*/}:no-To"
		grep -q '^Cc: .*@vger.kernel.org' "$p" || bad+=" ${p##*/}:no-list-Cc"
		grep -qx "From: $NAME <$EMAIL>" "$p" || bad+=" ${p##*/}:author"
		grep -q "^Subject: \[PATCH v2 " "$p" || bad+=" ${p##*/}:subject"
		grep -q -e "$PROJECT_EMAIL" -e "$PROJECT_NAME" "$p" && bad+=" ${p##*/}:placeholder"
		case "${p##*/}" in
		0000-*) grep -q '^base: ' "$p" || bad+=" cover:no-base" ;;
		*) grep -qx "Signed-off-by: $NAME <$EMAIL>" "$p" || bad+=" ${p##*/}:no-sob" ;;
		esac
	done
	if [ "$s" = "$(last_series)" ]; then
		[ "$(grep -c '^prerequisite-patch-id: ' "$dir/0000-cover-letter.patch")" = \
			"$(fix_series | while read -r f; do series_patches "$f"; done | wc -l)" ] ||
			bad+=" prerequisites"
	fi
	if [ -z "$bad" ]; then
		result PASS "$s: $want mails with To/Cc, poster's identity, base"
	else
		result FAIL "$s:$bad"
	fi
done < <(series_names)
exit "$rc"
