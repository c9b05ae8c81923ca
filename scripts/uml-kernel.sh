#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (or find in the cache) the User-Mode Linux test kernel.
#
# usage: [KVER=6.12] uml-kernel.sh [FRAGMENT...]
# Prints the build directory (the kernel binary is BUILD/linux) on stdout;
# progress goes to stderr.  The build is cached under $DMIO_CACHE, keyed by
# the kernel source version, the compiler and the config fragments, so a
# second run with the same inputs reuses it.  The source gets the patches
# of tests/uml/patches/<series>/ (scripts/lib.sh ksrc_dir), also in the key.  KVER (scripts/lib.sh) picks
# the source, linux-source-6.1, linux-source-6.12 or (fetched from
# trixie-backports) linux-source-7.3, or KVER=newest's; after the fragments
# given, for each X.config the X-<series>.config of the highest series not
# above KVER, where there is one (tests/uml/uml-6.12.config,
# debug-6.12.config, uml-7.3.config, debug-7.3.config; a series newer than
# any gets the newest), is merged (separate files, so that the 6.1 kernels'
# inputs, hence their cache keys, stay as they are).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

frags=("$@")
[ ${#frags[@]} -gt 0 ] || frags=("$DMIO_ROOT/tests/uml/uml.config")
for f in "${frags[@]}"; do
	best=
	for kfrag in "${f%.config}"-[0-9]*.config; do
		[ -f "$kfrag" ] || continue
		s=${kfrag##*-}
		s=${s%.config}
		# the highest series not above ours
		[ "$(printf '%s\n' "$s" "$DMIO_KVER" | sort -V | tail -1)" = "$DMIO_KVER" ] || continue
		[ -z "$best" ] || [ "$(printf '%s\n' "$best" "$kfrag" | sort -V | tail -1)" = "$kfrag" ] || continue
		best=$kfrag
	done
	[ -z "$best" ] || frags+=("$best")
done

ver=$(ksrc_version) || die "$(ksrc_pkg) is not installed (run scripts/ensure-deps.sh)"
mapfile -t patches < <(ksrc_patches)
# A kbuild that compares pahole's version with the kernel's (7.3) warns on
# every module when pahole came or went since the build: key it too.
pahole=
! grep -q 'pahole version differs' "$(ksrc_dir)/Makefile" ||
	pahole="pahole $(pahole --version 2>/dev/null || echo none)"
key=$( { echo "$ver"; gcc --version | head -1; cat "${frags[@]}" "${patches[@]}"; [ -z "$pahole" ] || echo "$pahole"; } |
	sha256sum | cut -c1-16)
B=$DMIO_CACHE/uml-$ver-$key
log=$DMIO_CACHE/logs/uml-$key.log

# One build per key at a time: a second run (another tree, another leg)
# waits for the first instead of building into the same directory.  A cache
# where the lock cannot even be created is not written either: the cached
# kernel is used, or the check below says why not.
mkdir -p "$DMIO_CACHE/logs" 2>/dev/null
hold_lock "$B.lock" "test kernel: another run is building $B" || :

if [ -x "$B/linux" ] && [ -f "$B/.dmio-built" ]; then
	step "test kernel: cached, not rebuilding ($B)" >&2
	echo "$B"
	exit 0
fi

mkdir -p "$DMIO_CACHE/logs" 2>/dev/null && [ -w "$DMIO_CACHE" ] ||
	die "cannot write the kernel cache $DMIO_CACHE: run as root (make check installs packages and boots a test kernel), or set DMIO_CACHE to a writable directory"
avail=$(df -Pk "$DMIO_CACHE" | awk 'NR==2 {print $4}')
if [ "$avail" -lt $((4 * 1024 * 1024)) ]; then
	die "only $((avail / 1024)) MiB free under $DMIO_CACHE; the kernel source and build need about 4 GiB (set DMIO_CACHE to another place)"
fi

S=$(ksrc_dir)
if [ -d "$B" ]; then
	step "test kernel: $B holds an unfinished build (interrupted?): continuing it" >&2
fi
mkdir -p "$B"
step "test kernel: configuring UML $ver (log: $log)" >&2
{
	make -C "$S" ARCH=um O="$B" defconfig
	"$S/scripts/kconfig/merge_config.sh" -m -O "$B" "$B/.config" "${frags[@]}"
	make -C "$S" ARCH=um O="$B" olddefconfig
} >"$log" 2>&1 || die "configuring the kernel failed, see $log"

# Every wanted symbol must really be set: olddefconfig drops unmet ones.
bad=$(cat "${frags[@]}" | sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=\(.*\)$/\1=\2/p' |
	while IFS= read -r want; do
		grep -qx "$want" "$B/.config" || echo "$want"
	done)
[ -z "$bad" ] || die "the kernel config dropped: $bad"

step "test kernel: building with -j$(nproc) (about 8-10 minutes on 2 cores)" >&2
t0=$(date +%s)
if ! make -C "$S" ARCH=um O="$B" -j"$(nproc)" >>"$log" 2>&1; then
	tail -20 "$log" >&2
	die "the kernel build failed, see $log"
fi
touch "$B/.dmio-built"
step "test kernel: built in $(($(date +%s) - t0)) s" >&2
echo "$B"
