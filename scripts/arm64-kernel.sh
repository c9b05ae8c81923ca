#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Prepare (or find in the cache) an arm64 kernel tree to cross-build the
# modules against: linux-source-<KVER> (scripts/lib.sh, 6.1 by default),
# defconfig with 4 KiB or 64 KiB pages, "make modules_prepare" with
# Debian's aarch64-linux-gnu cross compiler (no kernel image: enough to
# compile a module, not to load it; $B/dmio-exports.txt lists what the
# kernel exports, which modpost cannot know without a vmlinux).
#
# usage: [KVER=6.1] arm64-kernel.sh 4k|64k
# Prints the build directory on stdout (for make KDIR=... ARCH=arm64
# CROSS_COMPILE=aarch64-linux-gnu-); progress goes to stderr.  Cached under
# $DMIO_CACHE like the UML kernels, keyed by the source version, the cross
# compiler and the page size.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
export LC_ALL=C	# dmio-exports.txt is sorted for comm(1)

CROSS=aarch64-linux-gnu-
case ${1:-} in
4k) want=(CONFIG_ARM64_4K_PAGES=y CONFIG_ARM64_PAGE_SHIFT=12) ;;
64k) want=(CONFIG_ARM64_64K_PAGES=y CONFIG_ARM64_PAGE_SHIFT=16) ;;
*) die "usage: $0 4k|64k" ;;
esac
pages=$1

"$DMIO_ROOT/scripts/ensure-deps.sh" gcc-aarch64-linux-gnu g++-aarch64-linux-gnu >&2 ||
	die "cannot install the arm64 cross compiler"
ver=$(ksrc_version) || die "$(ksrc_pkg) is not installed (run scripts/ensure-deps.sh)"
mapfile -t patches < <(ksrc_patches)
key=$( { echo "$ver $pages"; "${CROSS}gcc" --version | head -1; cat "${patches[@]}"; } |
	sha256sum | cut -c1-16)
B=$DMIO_CACHE/arm64-$pages-$ver-$key
log=$DMIO_CACHE/logs/arm64-$pages-$key.log

mkdir -p "$DMIO_CACHE/logs" 2>/dev/null
# (where the lock cannot be created, the cache is not written: see below)
hold_lock "$B.lock" "arm64 tree: another run is preparing $B" || :
if [ -f "$B/.dmio-prepared" ]; then
	step "arm64 tree: cached ($B)" >&2
	echo "$B"
	exit 0
fi
[ -w "$DMIO_CACHE" ] || die "cannot write the kernel cache $DMIO_CACHE (run as root or set DMIO_CACHE)"

S=$(ksrc_dir)
mkdir -p "$B"
step "arm64 tree: defconfig with $pages pages, modules_prepare (log: $log)" >&2
t0=$(date +%s)
mk=(make -C "$S" ARCH=arm64 CROSS_COMPILE="$CROSS" O="$B")
{
	"${mk[@]}" defconfig
	printf '%s\n' "${want[0]}" >"$B/pages.config"
	"$S/scripts/kconfig/merge_config.sh" -m -O "$B" "$B/.config" "$B/pages.config"
	"${mk[@]}" olddefconfig
} >"$log" 2>&1 || die "configuring the arm64 tree failed, see $log"
for w in "${want[@]}"; do
	grep -qx "$w" "$B/.config" || die "the arm64 config has no $w, see $log"
done
if ! "${mk[@]}" -j"$(nproc)" modules_prepare >>"$log" 2>&1; then
	tail -20 "$log" >&2
	die "make modules_prepare failed, see $log"
fi
# What the kernel exports to modules, from the source (no vmlinux here, so
# no Module.symvers: modpost cannot tell): generic code and arch/arm64
# (with the arch/arm/xen it builds), one name a line, for make check to
# compare a module's undefined symbols with.
{
	grep -rhoE --include='*.[chS]' --exclude-dir=arch --exclude-dir=Documentation \
		--exclude-dir=tools 'EXPORT_SYMBOL[A-Z_]*\([[:space:]]*[A-Za-z0-9_]+' "$S"
	grep -rhoE --include='*.[chS]' 'EXPORT_SYMBOL[A-Z_]*\([[:space:]]*[A-Za-z0-9_]+' \
		"$S/arch/arm64" "$S/arch/arm/xen"
} | sed -E 's/.*\([[:space:]]*//' | sort -u >"$B/dmio-exports.txt" ||
	die "cannot list the kernel's exports"
touch "$B/.dmio-prepared"
step "arm64 tree: prepared in $(($(date +%s) - t0)) s" >&2
echo "$B"
