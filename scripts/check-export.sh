#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fail when patches/ is not the export of build/linux as it stands.
# --quiet: say nothing, just set the exit status.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

quiet=0
[ "${1:-}" = --quiet ] && quiet=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! "$TOP/scripts/export.sh" "$tmp" >/dev/null 2>&1; then
	[ "$quiet" = 1 ] || log "cannot export build/linux"
	exit 1
fi
same=1
if [ "$(cd "$TOP/patches" && ls 0*.patch)" != "$(cd "$tmp" && ls 0*.patch)" ]; then
	same=0
else
	for p in "$tmp"/0*.patch; do
		cmp -s "$p" "$TOP/patches/$(basename "$p")" || same=0
	done
fi
if [ "$same" = 1 ]; then
	[ "$quiet" = 1 ] || log "patches/ is the export of build/linux"
	exit 0
fi
if [ "$quiet" = 0 ]; then
	log "patches/ and build/linux disagree:"
	diff -u --from-file="$TOP/patches" "$tmp"/0*.patch | head -n 60 || true
fi
exit 1
