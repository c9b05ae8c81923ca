#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what the build and the tests need, once (idempotent).  The kernel
# source and the x86-64 headers are those of the series KVER selects
# (scripts/lib.sh: 6.1 by default, or 6.12); 7.3's source (and KVER=newest's)
# is fetched from trixie-backports (or where it was found) into the cache
# instead (lib.sh ksrc_fetch), and 7.3's x86-64 headers go into a trixie
# chroot (lib.sh x86_chroot_prepare, run by scripts/check.sh), not here.
# usage: ensure-deps.sh [PACKAGE...]  (more packages a caller needs)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS=(build-essential bc bison flex libelf-dev libssl-dev xz-utils kmod cpio patch
      python3 dmsetup fio busybox-static util-linux dkms)
[ -n "$(ksrc_suite)" ] || PKGS+=("$(ksrc_pkg)")
[ -z "$(x86_hdr_meta)" ] || PKGS+=("$(x86_hdr_meta)")
PKGS+=("$@")

if [ -n "$(ksrc_suite)" ] && [ -z "$(ksrc_deb)" ]; then
	need_root
	log=$DMIO_CACHE/logs/fetch-$(ksrc_pkg).log
	mkdir -p "$(dirname "$log")"
	step "packages: fetching $(ksrc_pkg) from $(ksrc_suite) into $DMIO_CACHE/debs (log: $log)"
	ksrc_fetch >"$log" 2>&1 || die "cannot fetch $(ksrc_pkg) from $(ksrc_suite), see $log"
fi

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	step "packages: all ${#PKGS[@]} present (kernel $DMIO_KVER)"
	exit 0
fi
need_root
command -v apt-get >/dev/null || die "apt-get not found: install by hand: ${missing[*]}"
log=$DMIO_CACHE/logs/apt.log
mkdir -p "$(dirname "$log")"
step "packages: installing ${missing[*]} (log: $log)"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update >"$log" 2>&1 || die "apt-get update failed, see $log"
apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1 ||
	die "apt-get install failed, see $log"
step "packages: installed"
