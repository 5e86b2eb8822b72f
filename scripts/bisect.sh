#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bisectability: check that every commit of the series (base..master in
# build/linux) builds on its own. Each commit is checked out in turn in a
# worktree, build/bisect-src (created once, reused: 'git checkout --detach'
# only rewrites the files that differ, so the build stays incremental), and
# the objects it touches are built out of tree in build/bisect-obj:
#
# - every touched .c file that is a kbuild object: its .o;
# - when a header changes: the .o of every .c file the whole series touches
#   that exists at that commit, plus the directories that include the header
#   (HEADER_DIRS below; a header outside include/ means its own directory);
# - a Kconfig or Makefile change: the .o of its directory's touched objects,
#   found as above, and a 'make olddefconfig'.
#
# A .c file added by a commit whose object is not enabled in the config is
# reported as "not built: not enabled in config" and fails the commit: the
# test configuration must enable what the series adds.
#
# The configuration is the test kernel's, build/kernel-x86_64/.config from
# configs/common and configs/x86_64 (scripts/build-kernel.sh --config-only
# makes it when it is missing). 'make prepare' is paid once;
# every later run and commit only rebuilds what changed.
#
# Output: one line per commit, 'PASS bisect 0001-name' or 'FAIL bisect
# 0001-name' with the compiler's errors, the same lines in
# build/results/bisect, and 'bisect: N passed, N failed'. Exit status 1 if
# any commit failed.
#
# Environment: BISECT_SRC, BISECT_OBJ (directories), BISECT_FROM and
# BISECT_REV (the range, default base..master), BISECT_RESULTS (the results
# file), PATCHES (where the exported patches are, for the names).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SRC=${BISECT_SRC:-$BUILD/bisect-src}
OBJ=${BISECT_OBJ:-$BUILD/bisect-obj}
REV=${BISECT_REV:-master}
FROM=${BISECT_FROM:-$BASE_TAG}
RESULTS=${BISECT_RESULTS:-$BUILD/results/bisect}
LOGDIR=$RESULTS.d

# header glob -> directories to build when a header matching it changes.
HEADER_DIRS=(
	"include/linux/dma-buf.h drivers/dma-buf/"
	"include/linux/dma-buf-*.h drivers/dma-buf/"
	"include/linux/dma-heap.h drivers/dma-buf/"
	"include/linux/dma-resv.h drivers/dma-buf/"
	"include/linux/dma-fence*.h drivers/dma-buf/"
	"include/uapi/linux/dma-buf.h drivers/dma-buf/"
	"include/uapi/linux/dma-heap.h drivers/dma-buf/"
	"include/linux/usb/functionfs.h drivers/usb/gadget/function/"
	"include/uapi/linux/usb/functionfs.h drivers/usb/gadget/function/"
	"include/linux/iio/buffer*.h drivers/iio/buffer/"
	"include/linux/iio/buffer_impl.h drivers/iio/"
)


passed=0
failed=0

kmake() {
	make -C "$SRC" O="$OBJ" CC="$(kernel_cc)" -j"$JOBS" -s "$@"
}

# The starting .config in $OBJ: a copy of the test kernel's.
ensure_config() {
	local config

	config=$(test_kernel_config)
	mkdir -p "$OBJ"
	if ! cmp -s "$config" "$OBJ/.config.input"; then
		log "config: $config"
		cp "$config" "$OBJ/.config.input"
		cp "$config" "$OBJ/.config"
	fi
}

# commit_name INDEX SHA: the patch file name without .patch when patches/
# matches the series, else what format-patch would call it.
commit_name() {
	local i=$1 sha=$2 p

	if [ "${#patch_names[@]}" = "$ncommits" ]; then
		p=${patch_names[$((i - 1))]}
		echo "${p%.patch}"
	else
		printf '%04d-%s\n' "$i" "$(git -C "$TREE" log -1 --format=%f "$sha" | cut -c1-52)"
	fi
}

# is_kbuild_object SRCDIR FILE.c: the directory's Makefile/Kbuild names FILE.o.
is_kbuild_object() {
	local dir base mk
	dir=$(dirname "$2")
	base=$(basename "$2" .c)
	for mk in "$1/$dir/Makefile" "$1/$dir/Kbuild"; do
		[ -f "$mk" ] && grep -qE "(^|[[:space:]=])$base\.o([[:space:]]|\\\\|$)" "$mk" && return 0
	done
	return 1
}

# The file's changes in COMMIT, one 'STATUS PATH' per line (renames: new path).
changed_files() {
	git -C "$TREE" diff-tree --no-commit-id -r -M --name-status "$1" |
		awk '{ print substr($1, 1, 1), $NF }'
}

# targets_for SHA: print the make targets for this commit, one per line,
# and record added objects in $added_objs.
targets_for() {
	local sha=$1 st f dir entry glob d c
	local -A want=()

	while read -r st f; do
		[ "$st" = D ] && continue
		case "$f" in
		tools/* | scripts/* | Documentation/* | usr/*) continue ;;
		*.c)
			if is_kbuild_object "$SRC" "$f"; then
				want[${f%.c}.o]=1
				[ "$st" = A ] && added_objs+=("${f%.c}.o")
			elif [ "$st" = A ]; then
				# A new file no Makefile names yet: kbuild cannot
				# build it, and the series must say how it is built.
				added_objs+=("${f%.c}.o")
				want[${f%.c}.o]=1
			fi
			;;
		*.h)
			for c in "${series_c[@]}"; do
				[ -f "$SRC/$c" ] && is_kbuild_object "$SRC" "$c" && want[${c%.c}.o]=1
			done
			case "$f" in
			include/*)
				for entry in "${HEADER_DIRS[@]}"; do
					glob=${entry%% *}
					d=${entry#* }
					# shellcheck disable=SC2053 # glob match wanted
					[[ $f == $glob ]] && [ -d "$SRC/$d" ] && want[$d]=1
				done
				;;
			*) want[$(dirname "$f")/]=1 ;;
			esac
			;;
		*/Kconfig* | */Makefile | */Kbuild)
			dir=$(dirname "$f")
			for c in "${series_c[@]}"; do
				[ "$(dirname "$c")" = "$dir" ] && [ -f "$SRC/$c" ] &&
					is_kbuild_object "$SRC" "$c" && want[${c%.c}.o]=1
			done
			;;
		esac
	done < <(changed_files "$sha")
	for d in "${!want[@]}"; do
		echo "$d"
	done | sort
}

# object_enabled DIR/OBJ.o: kbuild's own view after a build of DIR/: the
# object is a member of DIR/built-in.a or of a module (.mod files and
# modules.order). A single-target build compiles any .o whatever the config
# says, so the file's existence proves nothing.
object_enabled() {
	local dir base f
	dir=$(dirname "$1")
	base=$(basename "$1")
	for f in "$OBJ/$dir/.built-in.a.cmd" "$OBJ/$dir/modules.order" "$OBJ/$dir"/*.mod; do
		[ -f "$f" ] || continue
		grep -qE "(^|[ /])${base//./\\.}( |\$)" "$f" && return 0
	done
	return 1
}

# check_commit INDEX SHA
check_commit() {
	local i=$1 sha=$2 name start log rc=0 t o
	local -a targets=() notbuilt=()
	added_objs=()

	name=$(commit_name "$i" "$sha")
	start=$(date +%s)
	log="$LOGDIR/${name//\//_}.log"
	git -C "$SRC" checkout -q --detach "$sha"
	targets_for "$sha" >"$LOGDIR/targets"
	mapfile -t targets <"$LOGDIR/targets"
	# Added objects: build their directory too, to see whether the
	# configured build includes them at all.
	for o in "${added_objs[@]}"; do
		targets+=("$(dirname "$o")/")
	done
	# A directory target builds its objects itself: building one of them
	# as well, in the same parallel make, races with it (seen on a cold
	# tree: "heaps/built-in.a: No such file or directory").
	mapfile -t targets < <(printf '%s\n' "${targets[@]}" | sort -u | grep . |
		awk '/\/$/ { dirs[++n] = $0; print; next }
		     { keep = 1
		       for (i = 1; i <= n; i++)
			       if (index($0, dirs[i]) == 1) keep = 0
		       if (keep) print }')
	{
		echo "commit $sha $name"
		echo "targets: ${targets[*]:-(none)}"
	} >"$log"
	# A Kconfig change: start again from the test kernel's .config, so that
	# a symbol this commit adds gets the value the test config asks for
	# (earlier revisions, which do not know it, dropped it), and take the
	# defaults of the rest now instead of kbuild's syncconfig prompting for
	# them on a closed stdin.
	if changed_files "$sha" | grep -qE ' (.*/)?Kconfig[^/]*$'; then
		cp "$OBJ/.config.input" "$OBJ/.config"
		kmake olddefconfig >>"$log" 2>&1 || rc=$?
	fi
	# One make per commit: its fixed cost (Makefile parsing, the prepare
	# checks) dominates.
	if [ "$rc" = 0 ] && [ "${#targets[@]}" -gt 0 ]; then
		kmake -k "${targets[@]}" >>"$log" 2>&1 || rc=$?
	fi
	if [ "$rc" = 0 ]; then
		for o in "${added_objs[@]}"; do
			object_enabled "$o" || notbuilt+=("$o")
		done
	fi
	t=$(($(date +%s) - start))
	if [ "$rc" = 0 ] && [ "${#notbuilt[@]}" = 0 ]; then
		result "PASS bisect $name"
		passed=$((passed + 1))
		log "  ${#targets[@]} targets in $t s: ${targets[*]:-(nothing to build)}"
		return 0
	fi
	result "FAIL bisect $name"
	failed=$((failed + 1))
	if [ "$rc" != 0 ]; then
		# The compiler's diagnostics and the failed objects, without
		# make's chatter.
		grep -E ': (error|warning): |\.o\] Error [0-9]|^make.*\*\*\* No rule' "$log" |
			grep -v '__sub-make' | sed -e "s|$SRC/||g" -e 's/^make\[[0-9]*\]: //' |
			head -n 40 >"$LOGDIR/reasons" || true
		[ -s "$LOGDIR/reasons" ] || tail -n 10 "$log" >"$LOGDIR/reasons"
		sed 's/^/    /' "$LOGDIR/reasons" | tee -a "$RESULTS"
	fi
	for o in "${notbuilt[@]}"; do
		echo "    $o: not built: not enabled in config (the test config must enable it)" | tee -a "$RESULTS"
	done
	log "  in $t s, full log: $log"
}

result() {
	echo "$*" | tee -a "$RESULTS"
}

main() {
	local shas sha p i=0 start

	need git make "$(kernel_cc | awk '{ print $1 }')"
	git -C "$TREE" rev-parse -q --verify "$BASE_TAG^{commit}" >/dev/null || die "no $BASE_TAG tag in $TREE"
	mkdir -p "$(dirname "$RESULTS")" "$LOGDIR"
	: >"$RESULTS"
	rm -f "$LOGDIR"/*.log

	mapfile -t shas < <(git -C "$TREE" rev-list --reverse "$FROM..$REV")
	ncommits=${#shas[@]}
	patch_names=()
	# SERIES/0001-name, in the order the series apply; only used when
	# the range is the whole stack (base..master).
	if [ "$FROM" = "$BASE_TAG" ] && [ "$REV" = master ]; then
		while read -r p; do
			patch_names+=("${p#"$PATCHES"/}")
		done < <(all_patches)
	fi
	log "bisect: $ncommits commits in $FROM..$REV"
	if [ "$ncommits" = 0 ]; then
		result "bisect: 0 passed, 0 failed"
		return 0
	fi
	# Every .c file the series touches, for header changes.
	mapfile -t series_c < <(git -C "$TREE" diff --name-only "$BASE_TAG" "$REV" -- '*.c' | grep -vE '^(tools|scripts|Documentation|usr)/')

	# prepare runs on whatever the worktree holds (base when new): going
	# back to base first would only make the next commits rebuild more.
	step "worktree $SRC" tree_worktree "$SRC" "$BASE_TAG"
	step "config in $OBJ" ensure_config
	step "make prepare (once; incremental afterwards)" kmake prepare ||
		die "make prepare failed at $BASE_TAG"

	start=$(date +%s)
	for sha in "${shas[@]}"; do
		i=$((i + 1))
		check_commit "$i" "$sha"
	done
	log "bisect: $ncommits commits in $(($(date +%s) - start)) s"
	result "bisect: $passed passed, $failed failed"
	[ "$failed" = 0 ]
}

main "$@"
