#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-qemu.sh - boot Debian's stock x86-64 kernel once under QEMU (TCG, SMP)
# with an initramfs, and run the guest part of the test suite in it: the
# same tests/uml/init.sh as the UML guest (DMIO_PLATFORM=qemu), started by
# tests/qemu/init.sh.
#
# usage: run-qemu.sh [-k IMAGE_DIR] [-m MODDIR] [-t TIMEOUT] [-c CPUS] [-i INIT] OUTDIR [KERNEL-PARAM...]
#
#   -i  the guest script, a path in MODDIR (default tests/uml/init.sh; the
#       benchmark's is bench/init.sh)
#   -k  the extracted Debian kernel package (default: scripts/qemu-kernel.sh)
#   -m  a staging copy of the tree with dm-io.ko and targets/dm-iomirror.ko
#       built against the matching linux-headers (default: build/x86_64,
#       what "make check" built); the guest mounts it read-only at /dmio
#       (9p) and runs its tests/uml/init.sh and tests/selftests/*.sh
#   -t  seconds before the guest is killed (default $DMIO_QEMU_TIMEOUT or 900)
#   -c  virtual CPUs (default 2)
#
# The initramfs is busybox plus the real dash, bash, coreutils, util-linux,
# kmod, grep, sed, mawk, diffutils, findutils, procps, binutils' nm/objdump,
# dmsetup, fio (with their shared libraries) and the image's block, dm,
# configfs, virtio and 9p modules.  That part is cached under
# $DMIO_CACHE/qemu/ (keyed by the kernel and the host's package versions);
# tests/qemu/init.sh is appended as a second cpio archive on every run.
#
# Writes OUTDIR/console.raw (serial console as QEMU printed it),
# OUTDIR/console.log (CR removed) and the guest's results in OUTDIR/guest/
# (9p mount, written live, like run-uml.sh's hostfs).  Exit status is
# QEMU's or timeout's (124); the verdict is in OUTDIR/guest/summary.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: $0 [-k IMAGE_DIR] [-m MODDIR] [-t TIMEOUT] [-c CPUS] [-i INIT] OUTDIR [KERNEL-PARAM...]"
opt_k='' opt_m=$DMIO_ROOT/build/x86_64 opt_t=${DMIO_QEMU_TIMEOUT:-900}
opt_c=2 opt_i=tests/uml/init.sh
guest_getopts k:m:t:c:i: "$@" || die "$usage"
shift $((OPTIND - 1))
OUT=$(guest_outdir "${1:-}") || die "$usage"
shift
IMG=$opt_k MODDIR=$opt_m TIMEOUT=$opt_t CPUS=$opt_c INIT=$opt_i

[ -n "$IMG" ] || IMG=$("$DMIO_ROOT/scripts/qemu-kernel.sh") || die "no kernel image"
kver=$(cat "$IMG/kver" 2>/dev/null) || die "$IMG: not made by scripts/qemu-kernel.sh"
KERNEL=$IMG/boot/vmlinuz-$kver
[ -f "$KERNEL" ] || die "$KERNEL missing"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not installed (scripts/qemu-kernel.sh installs it)"
BIOS=/usr/share/qemu/qboot.rom
[ -f "$BIOS" ] || BIOS=
MODDIR=$(cd "$MODDIR" 2>/dev/null && pwd) || die "no module dir $MODDIR"
[ -f "$MODDIR/$INIT" ] || die "$MODDIR is not a staging copy of the tree (no $INIT)"
for p in "$OUT" "$MODDIR" "$INIT"; do
	case $p in *[[:space:],]*) die "path with white space or comma: '$p'" ;; esac
done

# --- the initramfs base (cached) -------------------------------------------
# Packages whose programs go in, when installed on the host.
TOOL_PKGS=(dash bash coreutils util-linux mount kmod grep sed mawk diffutils
	   findutils procps dmsetup fio gzip tar debianutils e2fsprogs xxd)
# Single programs from other packages.
TOOL_FILES=(/usr/bin/awk /usr/bin/x86_64-linux-gnu-nm /usr/bin/nm
	    /usr/bin/x86_64-linux-gnu-objdump /usr/bin/objdump
	    /usr/bin/x86_64-linux-gnu-readelf /usr/bin/readelf)
# Kernel modules (with their dependencies): every block driver and md/dm
# module, plus what the init needs for configfs and the 9p mounts.
MOD_DIRS=(kernel/drivers/block kernel/drivers/md)
MOD_NAMES=(configfs virtio_pci 9p 9pnet_virtio)
INITRAMFS_FORMAT=2	# bump when the layout below changes

pkgvers=$(dpkg-query -W -f='${Package}=${Version}\n' "${TOOL_PKGS[@]}" busybox-static binutils 2>/dev/null | sort)
key=$( { echo "$INITRAMFS_FORMAT $kver"; cat "$IMG/kver"; echo "$pkgvers";
	 printf '%s\n' "${TOOL_PKGS[@]}" "${TOOL_FILES[@]}" "${MOD_DIRS[@]}" "${MOD_NAMES[@]}"; } |
	sha256sum | cut -c1-16)
BASE=$DMIO_CACHE/qemu/initramfs-$kver-$key.cpio.gz

# add PATH: copy a file (or a symlink and what it points at) from the host
# into $R at the same path, /bin /sbin /lib /lib64 folded into /usr.
add() {
	local src=$1 dst t
	dst=$(realpath -ms "$src")
	case $dst in /bin/* | /sbin/* | /lib/* | /lib64/*) dst=/usr$dst ;; esac
	[ -e "$R$dst" ] || [ -L "$R$dst" ] && return 0
	[ -e "$src" ] || [ -L "$src" ] || return 0
	mkdir -p "$R$(dirname "$dst")"
	if [ -L "$src" ]; then
		t=$(readlink "$src")
		ln -s "$t" "$R$dst"
		case $t in
		/*) add "$t" ;;
		*) add "$(dirname "$src")/$t" ;;
		esac
	else
		cp -p "$src" "$R$dst"
	fi
}

build_base() {
	local R=$1 f p m lib libs=() mods=()
	rm -rf "$R"
	mkdir -p "$R"/usr/{bin,sbin,lib,lib64} "$R"/{dev,proc,sys,run,tmp,etc,root,dmio,results,mnt}
	ln -s usr/bin "$R/bin"
	ln -s usr/sbin "$R/sbin"
	ln -s usr/lib "$R/lib"
	ln -s usr/lib64 "$R/lib64"
	chmod 1777 "$R/tmp"
	for p in "${TOOL_PKGS[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || continue
		while IFS= read -r f; do
			case $f in
			/bin/* | /sbin/* | /usr/bin/* | /usr/sbin/*)
				[ -f "$f" ] || [ -L "$f" ] && add "$f" ;;
			esac
		done < <(dpkg -L "$p")
	done
	for f in "${TOOL_FILES[@]}"; do add "$f"; done
	# Shared libraries of every ELF program, and the dynamic loader.
	while IFS= read -r f; do
		[ "$(head -c 4 "$f" | tr -d '\177')" = ELF ] || continue
		ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
	done < <(find "$R/usr/bin" "$R/usr/sbin" -type f) | sort -u >"$R.libs"
	while IFS= read -r lib; do add "$lib"; done <"$R.libs"
	rm -f "$R.libs"
	# busybox for everything else (poweroff, ...), never over a real program.
	cp /bin/busybox "$R/usr/bin/busybox"
	while IFS= read -r f; do
		f=/${f#/}
		case $f in /bin/* | /sbin/* | /lib/*) f=/usr$f ;; esac
		[ -e "$R$f" ] || [ -L "$R$f" ] || { mkdir -p "$R$(dirname "$f")" && ln -s /usr/bin/busybox "$R$f"; }
	done < <(/bin/busybox --list-full)
	[ -e "$R/usr/bin/sh" ] || ln -s dash "$R/usr/bin/sh"
	# /bin/sh is dash, as on the host (the scripts run under dash in UML).
	[ -L "$R/usr/bin/sh" ] && [ "$(readlink "$R/usr/bin/sh")" = /usr/bin/busybox ] &&
		{ rm -f "$R/usr/bin/sh"; ln -s dash "$R/usr/bin/sh"; }
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$R/etc/passwd"
	printf 'root:x:0:\n' >"$R/etc/group"
	: >"$R/etc/fstab"
	ln -s /proc/self/mounts "$R/etc/mtab"
	# Kernel modules and their dependencies.
	for d in "${MOD_DIRS[@]}"; do
		[ -d "$IMG/lib/modules/$kver/$d" ] || continue
		# 6.1 ships *.ko, 6.12 *.ko.xz (modprobe handles both).
		while IFS= read -r f; do f=$(basename "$f"); mods+=("${f%%.ko*}"); done \
			< <(find "$IMG/lib/modules/$kver/$d" -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst')
	done
	mods+=("${MOD_NAMES[@]}")
	for m in "${mods[@]}"; do
		modprobe -d "$IMG" -S "$kver" --show-depends "$m" 2>/dev/null |
			awk '$1 == "insmod" { print $2 }'
	done | sort -u | while IFS= read -r f; do
		p=${f#"$IMG"}
		mkdir -p "$R/usr$(dirname "$p")"
		cp "$f" "$R/usr$p"
	done
	mkdir -p "$R/usr/lib/modules/$kver"
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		cp "$IMG/lib/modules/$kver/$f" "$R/usr/lib/modules/$kver/"
	done
	depmod -b "$R/usr" "$kver" || return 1
	(cd "$R" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 >"$R.cpio.gz"
}

if [ ! -f "$BASE" ]; then
	mkdir -p "$DMIO_CACHE/qemu"
	t0=$(date +%s)
	step "qemu: building the initramfs base $BASE" >&2
	tmp=$DMIO_CACHE/qemu/root.$$
	if ! build_base "$tmp" >"$OUT/initramfs.log" 2>&1; then
		rm -rf "$tmp" "$tmp.cpio.gz"
		die "building the initramfs failed, see $OUT/initramfs.log"
	fi
	mv "$tmp.cpio.gz" "$BASE"
	rm -rf "$tmp"
	step "qemu: initramfs base built in $(($(date +%s) - t0)) s ($(du -k "$BASE" | cut -f1) KiB)" >&2
fi

# --- per run: /init ---------------------------------------------------------
R=$OUT/initramfs
rm -rf "$R"
mkdir -p "$R"
cp "$DMIO_ROOT/tests/qemu/init.sh" "$R/init"
cp "$DMIO_ROOT/tests/guest-lib.sh" "$R/guest-lib.sh"
chmod 755 "$R/init"
(cd "$R" && printf '%s\n' init guest-lib.sh | cpio -o -H newc --quiet) |
	gzip -1 >"$OUT/init.cpio.gz"
cat "$BASE" "$OUT/init.cpio.gz" >"$OUT/initrd.img"
rm -rf "$R"

# --- boot ----------------------------------------------------------------
# 9p: "dmio" = the staging tree (read-only), "dmioout" = OUTDIR/guest.
# Unknown NAME=value parameters reach init as environment, as with UML.
append="console=ttyS0 rdinit=/init panic=-1 loglevel=7 hung_task_panic=1 log_buf_len=4M"
append+=" sysctl.kernel.hung_task_timeout_secs=60 DMIO_OUT=/results DMIO_MODDIR=/dmio DMIO_INIT=$INIT"
[ -z "${DMIO_SELFTEST_TIMEOUT:-}" ] || append+=" DMIO_SELFTEST_TIMEOUT=$DMIO_SELFTEST_TIMEOUT"
[ $# -eq 0 ] || append+=" $*"
qemu=(qemu-system-x86_64 -accel tcg -smp "$CPUS" -m 1536 ${BIOS:+-bios "$BIOS"}
      -kernel "$KERNEL" -initrd "$OUT/initrd.img" -append "$append"
      -nographic -no-reboot -monitor none -nic none
      -virtfs "local,path=$MODDIR,mount_tag=dmio,security_model=none,readonly=on"
      -virtfs "local,path=$OUT/guest,mount_tag=dmioout,security_model=none")
echo "${qemu[*]}" >"$OUT/qemu-cmdline.txt"

run_guest "$OUT" "$TIMEOUT" "${qemu[@]}"
rc=$?
[ "$guest_interrupted" = 0 ] || die "interrupted"
exit "$rc"
