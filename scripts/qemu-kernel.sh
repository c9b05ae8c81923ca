#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu-kernel.sh - get (or find in the cache) Debian's stock x86-64 kernel
# image for the QEMU leg of "make check" (scripts/check.sh --qemu), and make
# sure QEMU is installed.
#
# usage: [KVER=6.12|7.3] qemu-kernel.sh
#
# The image must be exactly the kernel whose headers our modules are built
# against, so the ABI name is the one of the installed headers meta-package
# of the series (scripts/lib.sh x86_hdr_meta: linux-headers-amd64 for 6.1,
# e.g. 6.1.0-56; linux-headers-6.12-amd64 for KVER=6.12, e.g.
# 6.12.117+deb12) and the version is that of linux-headers-<abi>-amd64; the
# package is downloaded with "apt-get download" (not installed: no
# postinst, no bootloader), extracted with dpkg -x and depmod'ed under
# $DMIO_CACHE/qemu/linux-image-<abi>-amd64_<version>/.  A series whose
# headers live in a chroot (scripts/lib.sh x86_chroot: 7.3, trixie-backports)
# takes the ABI and version from the headers there, downloads with the
# chroot's apt, and gets the split packages (linux-binary-, linux-modules-,
# linux-base-<abi>) laid out as one.
# Prints that directory (it holds boot/vmlinuz-<kver> and
# lib/modules/<kver>/) on stdout; progress goes to stderr.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

QEMU_PKGS=(qemu-system-x86)

missing=()
for p in "${QEMU_PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
mkdir -p "$DMIO_CACHE/logs"
log=$DMIO_CACHE/logs/qemu-apt.log
updated=0
if [ ${#missing[@]} -gt 0 ]; then
	need_root
	step "qemu: installing ${missing[*]} (log: $log)" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update >"$log" 2>&1 || die "apt-get update failed, see $log"
	updated=1
	apt-get install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1 ||
		die "apt-get install ${missing[*]} failed, see $log"
fi
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found after installing qemu-system-x86"

# The ABI of the installed headers (scripts/ensure-deps.sh installs the
# meta-package; for a series built in a chroot, lib.sh x86_chroot_prepare
# installs them there), e.g. "6.1.0-56", "7.3.4+deb13".
suite=$(x86_chroot)
meta=$(x86_hdr_meta)
abi=$(x86_abi) || true
if [ -n "$suite" ]; then
	[ -n "$abi" ] || die "no linux-headers-$DMIO_KVER.*-amd64 in the $suite chroot (scripts/check.sh builds the modules there first)"
	ver=$(chroot "$(x86_root)" dpkg-query -W -f='${Version}' "linux-headers-$abi-amd64" 2>/dev/null) ||
		die "linux-headers-$abi-amd64 is not installed in the $suite chroot"
else
	[ -n "$abi" ] || die "$meta is not installed (run scripts/ensure-deps.sh)"
	ver=$(dpkg-query -W -f='${Version}' "linux-headers-$abi-amd64" 2>/dev/null) ||
		die "linux-headers-$abi-amd64 is not installed"
fi
pkg=linux-image-$abi-amd64

# What the archive's linux-image meta-package points at, for the record:
# when it is newer than the installed headers, we still need the image
# matching the headers (the modules are built against those).
imeta=${meta/headers/image}
archive=
[ -z "$imeta" ] || archive=$(apt-cache depends "$imeta" 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -1) || true
if [ -n "$archive" ] && [ "$archive" != "$pkg" ]; then
	step "qemu: note: the archive's $imeta depends on $archive, the installed headers are $abi (using $pkg $ver; 'apt-get install $meta' updates both)" >&2
fi

D=$DMIO_CACHE/qemu/${pkg}_$ver
if [ -f "$D/.dmio-ready" ]; then
	step "qemu: kernel image cached ($D)" >&2
	echo "$D"
	exit 0
fi

step "qemu: downloading $pkg $ver${suite:+ (in the $suite chroot)}" >&2
if [ -n "$suite" ]; then
	# From 7.x the image is split: linux-image-<abi> is a meta package of
	# linux-binary-<abi> (the kernel), linux-modules-<abi> and
	# linux-base-<abi> (modules.order, System.map), all of one version.
	tmp=$(x86_root)/var/cache/dmio-dl.$$
	rm -rf "$tmp" "$D"
	mkdir -p "$tmp"
	trap 'rm -rf "$tmp"' EXIT
	mapfile -t pkgs < <(chroot_run "$suite" apt-cache depends "$pkg=$ver" 2>>"$log" |
		sed -n "s/^ *Depends: \(linux-[a-z]*-$abi-amd64\)\$/\1/p")
	pkgs=("$pkg" "${pkgs[@]}")
	chroot_run "$suite" sh -c 'cd "$1" && shift && apt-get download -o APT::Sandbox::User=root "$@"' \
		sh "${tmp#"$(x86_root)"}" "${pkgs[@]/%/=$ver}" >>"$log" 2>&1 ||
		die "cannot download ${pkgs[*]} $ver in the $suite chroot (see $log)"
else
	tmp=$DMIO_CACHE/qemu/dl.$$
	rm -rf "$tmp" "$D"
	mkdir -p "$tmp"
	trap 'rm -rf "$tmp"' EXIT
	# -o APT::Sandbox::User=root: the download dir is not the _apt user's.
	get() {
		(cd "$tmp" && apt-get download -o APT::Sandbox::User=root "$pkg=$ver") >>"$log" 2>&1
	}
	if ! get; then
		if [ "$updated" = 0 ]; then
			apt-get update >>"$log" 2>&1 || die "apt-get update failed, see $log"
		fi
		get || die "cannot download $pkg=$ver (see $log); if the archive has moved on, 'apt-get install $meta' installs the current headers"
	fi
fi
mkdir -p "$D.tmp"
for deb in "$tmp"/*.deb; do
	dpkg -x "$deb" "$D.tmp" || die "cannot extract $deb"
done
# The split layout keeps everything under usr/lib/modules/<kver>/, the
# kernel as vmlinuz there: move it to the classic boot/ and lib/modules/.
if [ ! -d "$D.tmp/lib/modules" ] && [ -d "$D.tmp/usr/lib/modules" ]; then
	mkdir -p "$D.tmp/lib" "$D.tmp/boot"
	mv "$D.tmp/usr/lib/modules" "$D.tmp/lib/modules"
	for f in "$D.tmp"/lib/modules/*/vmlinuz; do
		[ -f "$f" ] || continue
		k=$(basename "$(dirname "$f")")
		mv "$f" "$D.tmp/boot/vmlinuz-$k"
	done
fi
kver=$(ls "$D.tmp/lib/modules" | head -1)
[ -n "$kver" ] && [ -f "$D.tmp/boot/vmlinuz-$kver" ] || die "$pkg has no boot/vmlinuz or lib/modules"
# The package ships no modules.dep (its postinst runs depmod).
depmod -b "$D.tmp" "$kver" || die "depmod -b $D.tmp $kver failed"
echo "$kver" >"$D.tmp/kver"
mv "$D.tmp" "$D"
touch "$D/.dmio-ready"
step "qemu: kernel $kver ready in $D" >&2
echo "$D"
