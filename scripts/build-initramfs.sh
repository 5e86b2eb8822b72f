#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the test VM's initramfs: busybox (Debian's busybox-static), /init
# from tests/vm/init and the statically linked test programs, packed with the
# kernel's own usr/gen_init_cpio.
#
# Test programs, in the order /init runs them (/tests/list):
#   smoke          tests/vm/smoke.c: the VM has what the other tests need
#   udmabuf        tools/testing/selftests/drivers/dma-buf/udmabuf.c
#   dmabuf-heap    tools/testing/selftests/dmabuf-heaps/dmabuf-heap.c
#   exporter-access tools/testing/selftests/drivers/dma-buf/exporter-access.c
#   ffs-dmabuf     tools/testing/selftests/drivers/usb/functionfs/dmabuf.c
#   iio-dmabuf     tools/testing/selftests/drivers/iio/dmabuf.c
#                  (all three added by the series: built when the tree has
#                  them)
#   <name>         every other tests/vm/<name>.c
#   ffs-reliability tests/reliability/ffs-reliability.c, and
#   iio-reliability tests/reliability/iio-reliability.c: random ioctls,
#                  stress and fault injection (they include the FunctionFS
#                  and IIO selftests: built when the tree has them)
# All compile against the UAPI headers that 'make headers' put in the kernel
# build directory (scripts/build-kernel.sh), not /usr/include, passed with
# -isystem as the selftests' KHDR_INCLUDES does. A program is compiled again
# only when its sources or the headers are newer.
#
# On arm64 and arm the programs are cross-compiled (aarch64-linux-gnu-gcc,
# arm-linux-gnueabihf-gcc, -static) and busybox is Debian's arm64 or armhf
# busybox-static of the same version as the machine's, downloaded through a
# private apt configuration (build/apt-DEBARCH) and kept in
# build/DEBARCH-busybox.
#
# Usage: scripts/build-initramfs.sh [--arch ARCH] [--kernel-outdir DIR]
#                                   [--output FILE]
#   --arch ARCH          x86_64 (default, or $KERNEL_ARCH), arm64 or arm
#   --kernel-outdir DIR  kernel build directory with usr/include
#                        (default $KERNEL_OUTDIR or $BUILD/kernel-ARCH)
#   --output FILE        default $INITRAMFS or $BUILD/initramfs.cpio.gz
#                        ($BUILD/initramfs-ARCH.cpio.gz on arm64, arm)
# Environment: INITRAMFS_WORK (the compiled programs, $BUILD/initramfs or
# $BUILD/initramfs-arm64;
# repro.sh keeps its own, built against the base's headers).

set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ARCH=${KERNEL_ARCH:-x86_64}
KOUT=${KERNEL_OUTDIR:-}
OUTPUT=${INITRAMFS:-}
WORK=${INITRAMFS_WORK:-}
VMTESTS=$TOP/tests/vm
SELFTESTS=$TREE/tools/testing/selftests
BUSYBOX=/bin/busybox
CC=gcc
CFLAGS=(-static -O2 -Wall)

parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--arch) ARCH=${2:?--arch needs x86_64, arm64 or arm}; shift 2 ;;
		--kernel-outdir) KOUT=${2:?--kernel-outdir needs a directory}; shift 2 ;;
		--output) OUTPUT=${2:?--output needs a file}; shift 2 ;;
		-h | --help) usage 0 ;;
		*) warn "unknown argument: $1"; usage 1 >&2 ;;
		esac
	done
	local suffix=
	case $ARCH in
	x86_64) ;;
	arm64)
		suffix=-arm64 DEBARCH=arm64
		CC=aarch64-linux-gnu-gcc
		BUSYBOX=$BUILD/arm64-busybox/bin/busybox
		;;
	arm)
		suffix=-arm DEBARCH=armhf
		CC=arm-linux-gnueabihf-gcc
		BUSYBOX=$BUILD/armhf-busybox/bin/busybox
		;;
	*) die "--arch: x86_64, arm64 or arm, not '$ARCH'" ;;
	esac
	KOUT=${KOUT:-$BUILD/kernel-$ARCH}
	OUTPUT=${OUTPUT:-$BUILD/initramfs$suffix.cpio.gz}
	WORK=${WORK:-$BUILD/initramfs$suffix}
}

# Debian's busybox-static for $DEBARCH (arm64, armhf), the version the
# machine's own busybox-static is (so that the machine's 'busybox --list'
# names its applets too), in build/DEBARCH-busybox.
fetch_cross_busybox() {
	local apt=$BUILD/apt-$DEBARCH dest=$BUILD/$DEBARCH-busybox ver deb
	ver=$(dpkg-query -W -f '${Version}' busybox-static) ||
		die "busybox-static is not installed: run 'make deps'"
	if [ -x "$BUSYBOX" ] && [ "$(cat "$dest/version" 2>/dev/null)" = "$ver" ]; then
		return 0
	fi
	private_apt "$apt" "$DEBARCH"
	# shellcheck disable=SC1091 # the machine's release
	. /etc/os-release
	{
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $VERSION_CODENAME main"
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $VERSION_CODENAME-updates main"
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security $VERSION_CODENAME-security main"
	} >"$apt/etc/sources.list"
	APT_CONFIG=$apt/apt.conf apt-get -q update >"$apt/update.log" 2>&1 || {
		tail -n 20 "$apt/update.log" >&2
		return 1
	}
	rm -rf "$apt/download" "$dest"
	mkdir -p "$apt/download"
	(cd "$apt/download" &&
		APT_CONFIG=$apt/apt.conf apt-get -q download "busybox-static:$DEBARCH=$ver") \
		>"$apt/download.log" 2>&1 || {
		tail -n 20 "$apt/download.log" >&2
		warn "no $DEBARCH busybox-static $ver (the machine's version) in $VERSION_CODENAME"
		return 1
	}
	deb=$(ls "$apt/download"/busybox-static_*_"$DEBARCH".deb)
	dpkg-deb -x "$deb" "$dest" || return 1
	echo "$ver" >"$dest/version"
	log "   $DEBARCH busybox-static $ver from $(basename "$deb")"
}

# newer_than OUT IN...: true when OUT is missing or older than any IN.
newer_than() {
	local out=$1 in
	shift
	[ -e "$out" ] || return 0
	for in in "$@"; do
		[ "$in" -nt "$out" ] && return 0
	done
	return 1
}

# compile NAME SOURCE [EXTRA_FLAGS...]: build /tests/NAME from SOURCE.
compile() {
	local name=$1 src=$2 out=$WORK/tests/$1
	shift 2
	# shellcheck disable=SC2086 # DEPS: extra sources, space-separated
	if ! newer_than "$out" "$src" "$VMTESTS/harness.h" "$VMTESTS/kallsyms.h" \
		"$KOUT/usr/include" "$0" ${DEPS:-}; then
		return 0
	fi
	log "   CC $name <- ${src#"$TOP"/}"
	"$CC" "${CFLAGS[@]}" -isystem "$KOUT/usr/include" "$@" -o "$out" "$src" || {
		rm -f "$out"
		warn "cannot compile $name"
		return 1
	}
	echo "$name" >>"$WORK/list.new"
}

build_tests() {
	local src name
	mkdir -p "$WORK/tests"
	: >"$WORK/list.new"
	# step runs this in an 'if': errexit is off, so check every call.
	compile smoke "$VMTESTS/smoke.c" -I"$VMTESTS" || return 1
	compile udmabuf "$SELFTESTS/drivers/dma-buf/udmabuf.c" \
		-I"$SELFTESTS" || return 1
	compile dmabuf-heap "$SELFTESTS/dmabuf-heaps/dmabuf-heap.c" \
		-I"$SELFTESTS" || return 1
	if [ -e "$SELFTESTS/drivers/dma-buf/exporter-access.c" ]; then
		compile exporter-access \
			"$SELFTESTS/drivers/dma-buf/exporter-access.c" \
			-I"$SELFTESTS" || return 1
	fi
	if [ -e "$SELFTESTS/drivers/usb/functionfs/dmabuf.c" ]; then
		compile ffs-dmabuf \
			"$SELFTESTS/drivers/usb/functionfs/dmabuf.c" || return 1
	fi
	if [ -e "$SELFTESTS/drivers/iio/dmabuf.c" ]; then
		compile iio-dmabuf "$SELFTESTS/drivers/iio/dmabuf.c" ||
			return 1
	fi
	for src in "$VMTESTS"/*.c; do
		name=$(basename "$src" .c)
		[ "$name" = smoke ] && continue
		compile "$name" "$src" -I"$VMTESTS" || return 1
	done
	build_reliability || return 1
	build_helpers || return 1
	build_demos || return 1
	log "   $(wc -l <"$WORK/list.new") of $(list_tests | wc -l) test programs compiled"
	rm -f "$WORK/list.new"
	list_tests >"$WORK/tests/list"
}

# The reliability tests (tests/reliability/): random ioctls, stress and
# fault injection, one program per importer, each including the series'
# selftest for that importer (built when the tree has it).
build_reliability() {
	local rel=$TOP/tests/reliability dir

	dir=$SELFTESTS/drivers/usb/functionfs
	if [ -e "$dir/dmabuf.c" ]; then
		DEPS="$dir/dmabuf.c $rel/common.h" compile ffs-reliability \
			"$rel/ffs-reliability.c" -pthread -I"$dir" || return 1
	fi
	dir=$SELFTESTS/drivers/iio
	if [ -e "$dir/dmabuf.c" ] && [ -e "$rel/iio-reliability.c" ]; then
		DEPS="$dir/dmabuf.c $rel/common.h" compile iio-reliability \
			"$rel/iio-reliability.c" -pthread -I"$dir" || return 1
	fi
}

# Upstream tools the tests run, installed in /bin: tools/usb/ffs-test (the
# FunctionFS example gadget) for tests/vm/ffs-example.c.
HELPERS=(ffs-test)

build_helpers() {
	local name out
	mkdir -p "$WORK/bin"
	for name in "${HELPERS[@]}"; do
		out=$WORK/bin/$name
		newer_than "$out" "$TREE/tools/usb/$name.c" "$KOUT/usr/include" \
			"$0" || continue
		log "   CC $name <- tools/usb/$name.c"
		"$CC" "${CFLAGS[@]}" -w -pthread -isystem "$KOUT/usr/include" \
			-I"$TREE/tools/include" -o "$out" \
			"$TREE/tools/usb/$name.c" || {
			rm -f "$out"
			warn "cannot compile $name"
			return 1
		}
	done
}

# Programs that run only when asked for (tests=NAME), not in /tests/list:
# ffs-demo, the demo of scripts/demo.sh (demo/ffs-demo.c, which includes the
# series' FunctionFS selftest), and dmabuf-bench, the in-kernel benchmark of
# scripts/bench.sh (bench/dmabuf-bench.c), and ffs-throughput, its
# FunctionFS DMA-BUF against read()/write() comparison
# (bench/ffs-throughput.c, which includes the same selftest), and
# iio-throughput, the same for IIO (bench/iio-throughput.c, which includes
# the series' IIO selftest).
build_demos() {
	local src=$SELFTESTS/drivers/usb/functionfs/dmabuf.c out
	out=$WORK/tests/dmabuf-bench
	if newer_than "$out" "$TOP/bench/dmabuf-bench.c" \
		"$TOP/bench/test-importer.h" "$VMTESTS/kallsyms.h" "$KOUT/usr/include" "$0"; then
		log "   CC dmabuf-bench <- bench/dmabuf-bench.c"
		"$CC" "${CFLAGS[@]}" -isystem "$KOUT/usr/include" -I"$VMTESTS" -o "$out" \
			"$TOP/bench/dmabuf-bench.c" || {
			rm -f "$out"
			warn "cannot compile dmabuf-bench"
			return 1
		}
	fi
	if [ -e "$SELFTESTS/drivers/iio/dmabuf.c" ]; then
		out=$WORK/tests/iio-throughput
		if newer_than "$out" "$TOP/bench/iio-throughput.c" "$TOP/bench/bench.h" \
			"$SELFTESTS/drivers/iio/dmabuf.c" "$KOUT/usr/include" "$0"; then
			log "   CC iio-throughput <- bench/iio-throughput.c"
			"$CC" "${CFLAGS[@]}" -isystem "$KOUT/usr/include" \
				-I"$SELFTESTS/drivers/iio" -o "$out" \
				"$TOP/bench/iio-throughput.c" || {
				rm -f "$out"
				warn "cannot compile iio-throughput"
				return 1
			}
		fi
	fi
	[ -e "$src" ] || return 0
	out=$WORK/tests/ffs-throughput
	if newer_than "$out" "$TOP/bench/ffs-throughput.c" "$TOP/bench/bench.h" "$src" \
		"$KOUT/usr/include" "$0"; then
		log "   CC ffs-throughput <- bench/ffs-throughput.c"
		"$CC" "${CFLAGS[@]}" -pthread -isystem "$KOUT/usr/include" \
			-I"$(dirname "$src")" -o "$out" \
			"$TOP/bench/ffs-throughput.c" || {
			rm -f "$out"
			warn "cannot compile ffs-throughput"
			return 1
		}
	fi
	out=$WORK/tests/ffs-demo
	if newer_than "$out" "$TOP/demo/ffs-demo.c" "$TOP/bench/test-importer.h" \
		"$src" "$KOUT/usr/include" "$0"; then
		log "   CC ffs-demo <- demo/ffs-demo.c"
		"$CC" "${CFLAGS[@]}" -isystem "$KOUT/usr/include" \
			-I"$(dirname "$src")" -o "$out" "$TOP/demo/ffs-demo.c" || {
			rm -f "$out"
			warn "cannot compile ffs-demo"
			return 1
		}
	fi
}

# The test names in run order: smoke, upstream selftests, the rest.
list_tests() {
	local src name
	echo smoke
	echo udmabuf
	echo dmabuf-heap
	[ -e "$SELFTESTS/drivers/dma-buf/exporter-access.c" ] &&
		echo exporter-access
	[ -e "$SELFTESTS/drivers/usb/functionfs/dmabuf.c" ] &&
		echo ffs-dmabuf
	[ -e "$SELFTESTS/drivers/iio/dmabuf.c" ] &&
		echo iio-dmabuf
	for src in "$VMTESTS"/*.c; do
		name=$(basename "$src" .c)
		[ "$name" = smoke ] || echo "$name"
	done
	# Last: they unbind the gadget and set up fault injection.
	[ -e "$SELFTESTS/drivers/usb/functionfs/dmabuf.c" ] &&
		echo ffs-reliability
	[ -e "$SELFTESTS/drivers/iio/dmabuf.c" ] &&
		[ -e "$TOP/tests/reliability/iio-reliability.c" ] &&
		echo iio-reliability
	return 0
}

# gen_init_cpio builds the archive from a list, without root or fakeroot.
build_gen_init_cpio() {
	if newer_than "$WORK/gen_init_cpio" "$TREE/usr/gen_init_cpio.c"; then
		gcc -O2 -o "$WORK/gen_init_cpio" "$TREE/usr/gen_init_cpio.c" ||
			return 1
	fi
}

write_cpio_list() {
	local d applet t
	while read -r t; do
		[ -x "$WORK/tests/$t" ] || { warn "no test program $t"; return 1; }
	done <"$WORK/tests/list"
	for d in /bin /sbin /usr /usr/bin /usr/sbin /dev /proc /sys /tmp /root \
		/etc /tests /mnt; do
		echo "dir $d 755 0 0"
	done
	echo "nod /dev/console 600 0 0 c 5 1"
	echo "nod /dev/null 666 0 0 c 1 3"
	echo "file /init $VMTESTS/init 755 0 0"
	echo "file /bin/busybox $BUSYBOX 755 0 0"
	# The machine's busybox lists the applets (the arm64 one is the same
	# version, and cannot run here).
	for applet in $(/bin/busybox --list); do
		[ "$applet" = busybox ] && continue
		echo "slink /bin/$applet busybox 777 0 0"
	done
	for t in "${HELPERS[@]}"; do
		echo "file /bin/$t $WORK/bin/$t 755 0 0"
	done
	echo "file /tests/list $WORK/tests/list 644 0 0"
	while read -r t; do
		echo "file /tests/$t $WORK/tests/$t 755 0 0"
	done <"$WORK/tests/list"
	echo "file /tests/dmabuf-bench $WORK/tests/dmabuf-bench 755 0 0"
	if [ -e "$SELFTESTS/drivers/iio/dmabuf.c" ]; then
		echo "file /tests/iio-throughput $WORK/tests/iio-throughput 755 0 0"
	fi
	if [ -e "$SELFTESTS/drivers/usb/functionfs/dmabuf.c" ]; then
		echo "file /tests/ffs-demo $WORK/tests/ffs-demo 755 0 0"
		echo "file /tests/ffs-throughput $WORK/tests/ffs-throughput 755 0 0"
	fi
}

pack() {
	write_cpio_list >"$WORK/cpio.list" || return 1
	"$WORK/gen_init_cpio" -t 0 "$WORK/cpio.list" | gzip -9n >"$OUTPUT.tmp" ||
		return 1
	mv "$OUTPUT.tmp" "$OUTPUT"
}

main() {
	local start
	start=$(date +%s)
	parse_args "$@"
	need gcc gzip "$CC"
	[ -x /bin/busybox ] || die "/bin/busybox missing: install busybox-static"
	if ldd /bin/busybox >/dev/null 2>&1; then
		die "/bin/busybox is dynamically linked: install busybox-static"
	fi
	if [ "$ARCH" != x86_64 ]; then
		step "$DEBARCH busybox-static" fetch_cross_busybox ||
			die "cannot fetch Debian's $DEBARCH busybox-static"
	fi
	[ -d "$KOUT/usr/include/linux" ] ||
		die "no UAPI headers in $KOUT/usr/include: run scripts/build-kernel.sh"
	mkdir -p "$WORK" "$(dirname "$OUTPUT")"
	step "compile test programs" build_tests || die "test programs do not compile"
	step "build gen_init_cpio" build_gen_init_cpio || die "no gen_init_cpio"
	step "pack $OUTPUT" pack || die "cannot pack $OUTPUT"
	log "initramfs: $OUTPUT ($(du -k "$OUTPUT" | cut -f1) KiB, $(wc -l <"$WORK/tests/list") tests) in $(($(date +%s) - start)) s"
}

main "$@"
