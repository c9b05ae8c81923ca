#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb.sh - "make deb": the Debian package dm-io-dkms, built by Debian's own
# tooling (dpkg-buildpackage, debhelper, dh-dkms; debian/) in a staging copy
# of the tree, build/deb/dm-io-<version>/, and checked with lintian.
#
# usage: deb.sh [-q]   (-q: only the last lines; the logs stay in build/deb/)
#
# Writes build/deb/dm-io-dkms_<version>_all.deb (the version is the VERSION
# file's), the native source package next to it (.dsc, .tar.xz), and
# build/deb/lintian.txt.  Exit status 0 when the package was built and
# lintian found nothing (debian/*lintian-overrides are the justified
# exceptions); 1 otherwise.  Needs debhelper, dh-dkms and lintian
# (scripts/ensure-deps.sh debhelper dh-dkms lintian).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

OUT=$DMIO_ROOT/build/deb
ver=$(cat "$DMIO_ROOT/VERSION") || die "no VERSION file"
need=()
for p in dpkg-dev debhelper dh-dkms lintian; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
[ ${#need[@]} -eq 0 ] ||
	die "building the package needs ${need[*]}: sudo apt install ${need[*]} (or sudo scripts/ensure-deps.sh ${need[*]})"

rm -rf "$OUT"
mkdir -p "$OUT"
src=$OUT/dm-io-$ver
stage_sources "$src" || die "cannot copy the sources to $src"
step "deb: dpkg-buildpackage in $(realpath --relative-to="$DMIO_ROOT" "$src") (log: build/deb/build.log)"
if ! (cd "$src" && dpkg-buildpackage -us -uc) >"$OUT/build.log" 2>&1; then
	tail -20 "$OUT/build.log" >&2
	die "dpkg-buildpackage failed, see build/deb/build.log"
fi
deb=$OUT/dm-io-dkms_${ver}_all.deb
[ -f "$deb" ] || die "dpkg-buildpackage made no $(basename "$deb") (see build/deb/build.log)"
step "deb: $(realpath --relative-to="$DMIO_ROOT" "$deb") ($(du -k "$deb" | cut -f1) KiB)"

# lintian on the .changes: the binary and the source package.  Every tag
# but the overridden ones counts, down to info (-I) and pedantic.
changes=$(ls "$OUT"/dm-io_"${ver}"_*.changes 2>/dev/null | head -1)
# (Its stderr holds only its note on running as root.)
lintian -I --pedantic --show-overrides "${changes:-$deb}" >"$OUT/lintian.txt" 2>"$OUT/lintian.err"
lrc=$?
tags=$(grep -vE '^(N: |O: |$)' "$OUT/lintian.txt")
[ "$lrc" = 0 ] || [ -n "$tags" ] || die "lintian failed (exit $lrc): $(head -3 "$OUT/lintian.err")"
if [ -n "$tags" ]; then
	sed 's/^/    /' <<<"$tags" >&2
	die "lintian: $(wc -l <<<"$tags") tag(s), see build/deb/lintian.txt"
fi
step "deb: lintian clean ($(grep -c '^O: ' "$OUT/lintian.txt") justified override(s), build/deb/lintian.txt)"
