# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the build and test scripts (sourced, not run).

DMIO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DMIO_CACHE=${DMIO_CACHE:-/var/cache/dm-io}
DMIO_T0=${DMIO_T0:-$(date +%s)}
export DMIO_T0

# step MESSAGE: one progress line with the time since the run started.
step() {
	local now
	now=$(date +%s)
	printf '[%4ss] %s\n' "$((now - DMIO_T0))" "$*"
}

die() {
	echo "error: $*" >&2
	exit 1
}

need_root() {
	[ "$(id -u)" = 0 ] || die "this step must run as root (it installs packages and boots a test kernel); try: sudo $0"
}

# ksrc_version: the Debian version of the linux-source-6.1 package.
ksrc_version() {
	dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null
}

# ksrc_dir: an extracted linux-source-6.1 tree in the cache (extracts once).
ksrc_dir() {
	local ver dir
	ver=$(ksrc_version) || die "linux-source-6.1 is not installed"
	dir=$DMIO_CACHE/src/linux-source-6.1-$ver
	if [ ! -f "$dir/.dmio-extracted" ]; then
		step "extracting /usr/src/linux-source-6.1.tar.xz into $dir" >&2
		rm -rf "$dir" "$dir.tmp"
		mkdir -p "$dir.tmp"
		tar -xf /usr/src/linux-source-6.1.tar.xz -C "$dir.tmp" ||
			die "cannot extract the kernel source"
		mv "$dir.tmp/linux-source-6.1" "$dir" && rmdir "$dir.tmp"
		touch "$dir/.dmio-extracted"
	fi
	echo "$dir"
}

# stage_sources DEST: a fresh copy of the sources (tracked and untracked
# files git does not ignore; everything but build products outside git),
# so that builds for different kernels never share objects.
stage_sources() {
	local dest=$1
	rm -rf "$dest" && mkdir -p "$dest" || return 1
	if git -C "$DMIO_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$DMIO_ROOT" ls-files -z -co --exclude-standard |
			while IFS= read -r -d '' f; do
				case $f in build/*) continue ;; esac
				if [ -f "$DMIO_ROOT/$f" ] || [ -L "$DMIO_ROOT/$f" ]; then
					printf '%s\0' "$f"
				fi
			done |
			tar -C "$DMIO_ROOT" --null --no-recursion -T - -cf - |
			tar -C "$dest" -xf -
	else
		tar -C "$DMIO_ROOT" --exclude=./build --exclude=./.git \
			--exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
			--exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.a' \
			--exclude=Module.symvers --exclude=modules.order -cf - . |
			tar -C "$dest" -xf -
	fi
}
