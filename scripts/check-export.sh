#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fail when patches/ is not the export of build/linux as it stands: every
# series directory of patches/series, file for file.
# --quiet: say nothing, just set the exit status.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

quiet=0
[ "${1:-}" = --quiet ] && quiet=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! "$TOP/scripts/export.sh" "$tmp" >/dev/null 2>&1; then
	[ "$quiet" = 1 ] || log "cannot export ${TREE#"$TOP"/}"
	exit 1
fi
same=1
while read -r s; do
	if [ "$(cd "$PATCHES/$s" 2>/dev/null && ls 0*.patch)" != "$(cd "$tmp/$s" && ls 0*.patch)" ]; then
		same=0
		[ "$quiet" = 1 ] || log "$s: the patch files differ"
		continue
	fi
	for p in "$tmp/$s"/0*.patch; do
		if ! cmp -s "$p" "$PATCHES/$s/${p##*/}"; then
			same=0
			[ "$quiet" = 1 ] || diff -u "$PATCHES/$s/${p##*/}" "$p" | head -n 40 || true
		fi
	done
done < <(series_names)
if [ "$same" = 1 ]; then
	[ "$quiet" = 1 ] || log "${PATCHES#"$TOP"/}/ is the export of ${TREE#"$TOP"/}"
	exit 0
fi
[ "$quiet" = 1 ] || log "${PATCHES#"$TOP"/}/ and ${TREE#"$TOP"/} disagree (above)"
exit 1
