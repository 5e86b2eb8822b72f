#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks of the series, with the kernel's own tools:
#
#  checkpatch  scripts/checkpatch.pl --strict on each patches/0*.patch (not
#              the cover letter). It runs inside a full tree (a worktree of
#              build/linux at master, with its git metadata) so that the
#              checks needing one work: MAINTAINERS and get_maintainer.pl,
#              spdxcheck.py on new files' SPDX lines, absolute paths in the
#              log, <asm/...> includes, commit ids. Since the base carries
#              no upstream history, a Fixes: id is reported UNKNOWN_COMMIT_ID:
#              accept it in patches/checkpatch-accepted.txt.
#              A patch passes with 0 errors, 0 warnings and 0 checks, apart
#              from the accepted ones. checkpatch-accepted.txt holds lines
#              'patch-file-glob<TAB>MESSAGE_TYPE' ('#' starts a comment);
#              every line must be justified in the cover letter.
#  kernel-doc  scripts/kernel-doc -none -Wall on every .c/.h the series
#              touches (not tools/, scripts/): no NEW warning at master
#              compared with base (line numbers removed), since upstream's
#              files are not -Wall clean; a new file must be clean.
#  sparse      C=2 CHECK=build/tools/bin/sparse (scripts/sparse.sh) and
#  W=1         W=1 gcc warnings on every touched .c that is a kernel object,
#              built at base and at master out of tree. Only NEW warnings
#              fail: warnings in the touched files are compared as
#              'file: message' with line and column numbers removed, counted
#              per message, so that code moving around does not count and a
#              second copy of an old warning does. Warnings in files the
#              series does not touch are ignored.
#  coccicheck  with --cocci only (about 40 s a directory, twice): 'make
#              coccicheck MODE=report M=dir' on each touched directory at base
#              and master, findings compared the same way.
#
# Output: 'PASS|FAIL <check> <patch or file>' lines, with the reasons under
# a FAIL, also written to build/results/static, then 'static: N passed,
# N failed'. Exit status 1 if anything failed.
#
# Usage: scripts/check-patches.sh [--cocci] [--no-build] [--arch ARCH]
#   --no-build  checkpatch and kernel-doc only (seconds)
#   --arch ARCH sparse and W=1 only, for another architecture (arm64) with
#               Debian's cross compiler, in the configuration ARCH-gcc-y of
#               the build matrix (scripts/matrix.sh); results in
#               build/results/static-ARCH
# Environment: PATCHES (default patches/), STATIC_SRC, STATIC_OBJ (where
# the worktree and the object directory go: build/static-src and
# build/static-obj). The configuration is the test kernel's,
# build/kernel-x86_64/.config (configs/common, configs/x86_64).
# Logs: build/results/static.d/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ACCEPTED=$PATCHES/checkpatch-accepted.txt
SRC=${STATIC_SRC:-}
OBJ=${STATIC_OBJ:-}
# --arch: the architecture, and the make variables of its compiler.
ARCH_NAME=
MAKE_ARGS=()
SPARSE=$BUILD/tools/bin/sparse
REV=master
RESULTS=
WORK=


cocci=0
build=1
passed=0
failed=0

result() {
	echo "$*" | tee -a "$RESULTS"
}

# pass_fail CHECK NAME REASONFILE: PASS when REASONFILE is empty.
pass_fail() {
	if [ ! -s "$3" ]; then
		result "PASS $1 $2"
		passed=$((passed + 1))
	else
		result "FAIL $1 $2"
		sed 's/^/    /' "$3" | tee -a "$RESULTS"
		failed=$((failed + 1))
	fi
}

checkout() {
	git -C "$SRC" checkout -q --detach "$1"
}

# --- checkpatch ------------------------------------------------------------

# accepted PATCH TYPE: the allow-list accepts TYPE for PATCH.
accepted() {
	local glob type
	[ -f "$ACCEPTED" ] || return 1
	while IFS=$'\t' read -r glob type; do
		case "$glob" in '' | '#'*) continue ;; esac
		# shellcheck disable=SC2053 # glob match wanted
		[[ $1 == $glob ]] && [ "$type" = "$2" ] && return 0
	done <"$ACCEPTED"
	return 1
}

# findings LOG ACCEPTEDTYPES: checkpatch's findings in LOG (a 'LEVEL:TYPE:
# message' line and the location lines under it, up to a blank line), less
# the accepted types; and any output that is neither a finding nor
# checkpatch's usual notes (perl or python failing), which fails too.
findings() {
	awk -v acc="$2" '
		BEGIN { while ((getline a < acc) > 0) ok[a] = 1 }
		/^(ERROR|WARNING|CHECK):[A-Z0-9_]+:/ {
			split($0, f, ":")
			block = 1
			show = !(f[2] in ok)
			if (show) print
			next
		}
		/^$/ { block = 0; next }
		block { if (show) print "  " $0; next }
		/^NOTE: |^ +(mechanically convert|them to the maintainer)|has no obvious style problems|has style problems|^total: / { next }
		{ print "  checkpatch: " $0 }
	' "$1"
}

run_checkpatch() {
	local p label name out reasons type n=0

	while read -r p; do
		# SERIES/0001-name.patch; the allow-list matches the file name.
		label=${p#"$PATCHES"/}
		name=${p##*/}
		n=$((n + 1))
		out=$WORK/checkpatch.${label//\//_}.log
		reasons=$WORK/checkpatch.${label//\//_}.reasons
		# From the worktree: its scripts, its MAINTAINERS, its .git.
		# Debian's python3 first: spdxcheck.py needs its ply and git
		# modules (deps.sh), which a python3 earlier in PATH (pyenv)
		# may lack.
		(cd "$SRC" && PATH=/usr/bin:$PATH scripts/checkpatch.pl --strict --show-types --color=never \
			--no-summary "$p") >"$out" 2>&1 || true
		# The types found that the allow-list accepts for this patch.
		: >"$WORK/accepted"
		while IFS= read -r type; do
			if accepted "$name" "$type"; then
				echo "$type" >>"$WORK/accepted"
			fi
		done < <(sed -nE 's/^(ERROR|WARNING|CHECK):([A-Z0-9_]+):.*/\2/p' "$out" | sort -u)
		findings "$out" "$WORK/accepted" >"$reasons"
		pass_fail checkpatch "$label" "$reasons"
	done < <(all_patches)
	[ "$n" -gt 0 ] || log "checkpatch: no patches in $PATCHES"
}

# --- kernel-doc ------------------------------------------------------------

# kdoc_warnings FILE...: kernel-doc's warnings, without line numbers, copies
# numbered (msg#1, msg#2...) so that comm compares multisets.
kdoc_warnings() {
	scripts/kernel-doc -none -Wall "$@" 2>&1 |
		sed -E 's/^([Ww]arning: )?([^: ]+):[0-9]+(:[0-9]+)?:? /\1\2: /' |
		awk '{ print $0 "#" ++n[$0] }' | sort || true
}

# New kernel-doc warnings only: the files the series touches already have
# upstream's (dma-buf.c lacks many 'Return:' sections that -Wall wants),
# and fixing them is not the series' business. A file new in the series
# must be clean. Both revisions go through master's kernel-doc; the base
# copy sits under $WORK/kdoc-base/ at the same relative path.
run_kerneldoc() {
	local f reasons base=$WORK/kdoc-base

	for f in "${doc_files[@]}"; do
		reasons=$WORK/kernel-doc.${f//\//_}.reasons
		rm -rf "$base"
		mkdir -p "$base/$(dirname "$f")"
		if git -C "$TREE" cat-file -e "$BASE_TAG:$f" 2>/dev/null; then
			git -C "$TREE" show "$BASE_TAG:$f" >"$base/$f"
		else
			: >"$base/$f"
		fi
		(
			cd "$SRC"
			comm -13 <(kdoc_warnings "$base/$f" | sed "s|$base/||") <(kdoc_warnings "$f")
		) | sed 's/#[0-9]*$//' | awk '!seen[$0]++' >"$reasons"
		pass_fail kernel-doc "$f" "$reasons"
	done
}

# --- sparse and W=1 ----------------------------------------------------------

# The starting .config in $1: a copy of the test kernel's.
ensure_config() {
	local dir=$1 config

	if [ -n "$ARCH_NAME" ]; then
		# The matrix's all-built-in configuration for that architecture.
		RESULTS=$WORK/matrix "$TOP/scripts/matrix.sh" --config-only "$ARCH_NAME-gcc-y" >&2 ||
			die "configuration $ARCH_NAME-gcc-y failed"
		config=$BUILD/matrix/$ARCH_NAME-gcc-y/.config
	else
		config=$(test_kernel_config)
	fi
	mkdir -p "$dir"
	# From the input every time: olddefconfig at the base drops the
	# options the series adds, and they must be back at master. Only the
	# objects that depend on a changed option rebuild.
	cp "$config" "$dir/.config.input"
	cp "$config" "$dir/.config"
	make -C "$SRC" O="$dir" "${MAKE_ARGS[@]}" -s olddefconfig >/dev/null
}

# warnings_of LOG: 'file: level: message' for each diagnostic in LOG about
# a touched file, line and column removed, paths relative to the tree.
warnings_of() {
	sed -e "s|^$SRC/||" -e 's|^\(\.\./\)*||' "$1" |
		grep -E '^[^: ]+:[0-9]+(:[0-9]+)?: (warning|error): ' |
		sed -E 's/^([^:]+):[0-9]+(:[0-9]+)?: /\1: /' |
		grep -F -f "$WORK/touched.list" |
		sort || true
}

# build_objs REV LOGPREFIX: build the touched objects that exist at REV in
# $OBJ, with W=1 (gcc's warnings, in LOGPREFIX.w1.log) and then sparse
# (LOGPREFIX.sparse.log). One object directory serves both revisions:
# 'make prepare' is paid once, and a checkout only rewrites the files the
# series changes, so the switch costs what the touched objects cost.
build_objs() {
	local rev=$1 out=$2 f
	local -a objs=()

	checkout "$rev"
	ensure_config "$OBJ"
	for f in "${obj_files[@]}"; do
		[ -f "$SRC/$f" ] && objs+=("${f%.c}.o")
	done
	: >"$out.w1.log"
	: >"$out.sparse.log"
	[ "${#objs[@]}" -gt 0 ] || return 0
	# Remove the objects so that gcc runs and reports again (ccache
	# replays its diagnostics); everything else is incremental.
	(cd "$OBJ" && rm -f "${objs[@]}")
	make -C "$SRC" O="$OBJ" "${MAKE_ARGS[@]}" -j"$JOBS" -k W=1 "${objs[@]}" >"$out.w1.log" 2>&1 || true
	# The objects are up to date now: C=2 runs only sparse on them.
	make -C "$SRC" O="$OBJ" "${MAKE_ARGS[@]}" -j"$JOBS" -k W=1 C=2 CHECK="$SPARSE" \
		"${objs[@]}" >"$out.sparse.log" 2>&1 || true
	for f in "${objs[@]}"; do
		[ -f "$OBJ/$f" ] || echo "$f" >>"$out.failed"
	done
	return 0
}

# new_warnings BASELOG HEADLOG FILE: the warnings about FILE at head that
# base does not have as many times.
new_warnings() {
	local base=$1 head=$2 f=$3
	# Number the copies of each message (msg#1, msg#2...) so that comm
	# compares multisets.
	comm -13 \
		<(warnings_of "$base" | grep -F "$f: " | awk '{ print $0 "#" ++n[$0] }' | sort) \
		<(warnings_of "$head" | grep -F "$f: " | awk '{ print $0 "#" ++n[$0] }' | sort) |
		sed 's/#[0-9]*$//' || true
}

# head_errors LOG FILE: compiler errors at head for FILE (always fail).
head_errors() {
	grep -E "(^|/)$1:[0-9]+:[0-9]+: error: |\\*\\*\\* .*$1" "$2" | head -n 20 || true
}

run_builds() {
	local f reasons b=$WORK/base h=$WORK/head

	[ -x "$SPARSE" ] || die "$SPARSE missing: run scripts/sparse.sh"
	printf '%s\n' "${doc_files[@]}" "${obj_files[@]}" | sort -u | grep . >"$WORK/touched.list" || true
	rm -f "$b.failed" "$h.failed"
	step "build touched objects at $BASE_TAG (W=1, sparse)" build_objs "$BASE_TAG" "$b"
	step "build touched objects at $REV (W=1, sparse)" build_objs "$REV" "$h"
	for f in "${obj_files[@]}"; do
		reasons=$WORK/w1.${f//\//_}.reasons
		new_warnings "$b.w1.log" "$h.w1.log" "$f" >"$reasons"
		if grep -qxF "${f%.c}.o" "$h.failed" 2>/dev/null; then
			{
				echo "${f%.c}.o does not build at $REV:"
				grep -E ': error: ' "$h.w1.log" | sed "s|$SRC/||" | head -n 20 || true
			} >>"$reasons"
		fi
		pass_fail W=1 "$f" "$reasons"
		reasons=$WORK/sparse.${f//\//_}.reasons
		new_warnings "$b.sparse.log" "$h.sparse.log" "$f" >"$reasons"
		pass_fail sparse "$f" "$reasons"
	done
	# Touched headers: new warnings reported against them from any build.
	for f in "${doc_files[@]}"; do
		case "$f" in *.h) ;; *) continue ;; esac
		reasons=$WORK/hdr.${f//\//_}.reasons
		{
			new_warnings "$b.w1.log" "$h.w1.log" "$f"
			new_warnings "$b.sparse.log" "$h.sparse.log" "$f"
		} >"$reasons"
		pass_fail "sparse+W=1" "$f" "$reasons"
	done
	return 0
}

# --- coccicheck -------------------------------------------------------------

# cocci_at REV LOGPREFIX: coccicheck's report on each touched directory at
# REV, in LOGPREFIX.<dir>.log.
cocci_at() {
	local rev=$1 out=$2 d

	checkout "$rev"
	for d in "${cocci_dirs[@]}"; do
		: >"$out.${d//\//_}.log"
		[ -d "$SRC/$d" ] || continue
		make -C "$SRC" O="$OBJ" coccicheck MODE=report M="$d" J="$JOBS" \
			>"$out.${d//\//_}.log" 2>&1 || true
	done
}

# cocci_findings LOG: coccicheck's report lines ('./file.c:12:2-7: WARNING:
# ...', relative to M=), line numbers removed, copies numbered.
cocci_findings() {
	grep -E '^(\./)?[^ :]+:[0-9]+(:[0-9-]+)?: ' "$1" | sed -e "s|^$SRC/||" -e 's|^\./||' |
		sed -E 's/:[0-9]+(:[0-9-]+)?: /: /' | awk '{ print $0 "#" ++n[$0] }' | sort || true
}

run_cocci() {
	local d reasons

	need spatch
	ensure_config "$OBJ"
	step "coccicheck at $BASE_TAG" cocci_at "$BASE_TAG" "$WORK/cocci.base"
	step "coccicheck at $REV" cocci_at "$REV" "$WORK/cocci.head"
	for d in "${cocci_dirs[@]}"; do
		reasons=$WORK/cocci.${d//\//_}.reasons
		comm -13 <(cocci_findings "$WORK/cocci.base.${d//\//_}.log") \
			<(cocci_findings "$WORK/cocci.head.${d//\//_}.log") | sed 's/#[0-9]*$//' >"$reasons" || true
		pass_fail coccicheck "$d" "$reasons"
	done
}

main() {
	local arg start
	start=$(date +%s)

	for arg in "$@"; do
		case "$arg" in
		--cocci) cocci=1 ;;
		--no-build) build=0 ;;
		--arch) arch_next=1; continue ;;
		*)
			[ "${arch_next:-0}" = 1 ] || die "usage: $0 [--cocci] [--no-build] [--arch ARCH]"
			ARCH_NAME=$arg
			;;
		esac
		arch_next=0
	done
	if [ -n "$ARCH_NAME" ]; then
		SRC=${SRC:-$BUILD/static-src-$ARCH_NAME}
		OBJ=${OBJ:-$BUILD/static-obj-$ARCH_NAME}
		RESULTS=$BUILD/results/static-$ARCH_NAME
		WORK=$BUILD/results/static-$ARCH_NAME.d
		mapfile -t MAKE_ARGS < <("$TOP/scripts/matrix.sh" --make-args "$ARCH_NAME" gcc)
	else
		SRC=${SRC:-$BUILD/static-src}
		OBJ=${OBJ:-$BUILD/static-obj}
		RESULTS=$BUILD/results/static
		WORK=$BUILD/results/static.d
		MAKE_ARGS=(CC="$(kernel_cc)")
	fi
	need git make perl python3
	git -C "$TREE" rev-parse -q --verify "$BASE_TAG^{commit}" >/dev/null || die "no $BASE_TAG tag in $TREE"
	mkdir -p "$(dirname "$RESULTS")" "$WORK"
	rm -rf "$WORK"
	mkdir -p "$WORK"
	: >"$RESULTS"

	# Files the series touches and still has at master.
	mapfile -t doc_files < <(git -C "$TREE" diff --name-only --diff-filter=d "$BASE_TAG" "$REV" -- '*.c' '*.h' |
		grep -vE '^(tools|scripts|usr)/' || true)
	mapfile -t obj_files < <(printf '%s\n' "${doc_files[@]}" | grep -E '\.c$' |
		grep -vE '^(Documentation|samples)/' || true)
	mapfile -t cocci_dirs < <(printf '%s\n' "${obj_files[@]}" | grep . | xargs -r -n1 dirname | sort -u)

	step "worktree $SRC at $REV" tree_worktree "$SRC" "$REV"
	checkout "$REV"
	if [ -z "$ARCH_NAME" ]; then
		step "checkpatch --strict" run_checkpatch
		step "kernel-doc -Wall on ${#doc_files[@]} files" run_kerneldoc
	fi
	if [ "$build" = 1 ]; then
		step "sparse and W=1 on ${#obj_files[@]} files, $BASE_TAG vs $REV" run_builds
	fi
	if [ "$cocci" = 1 ]; then
		step "coccicheck on ${#cocci_dirs[@]} directories" run_cocci
	fi
	checkout "$REV"
	log "static checks in $(($(date +%s) - start)) s"
	result "static: $passed passed, $failed failed"
	[ "$failed" = 0 ]
}

main "$@"
