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

# decimal VALUE MIN MAX: print VALUE as a number, read in base 10 whatever
# its leading zeros, if it is one of at most 9 digits from MIN to MAX; else
# fail.  For options read from the environment.
decimal() {
	[[ $1 =~ ^[0-9]{1,9}$ ]] && ((10#$1 >= $2 && 10#$1 <= $3)) && echo $((10#$1))
}

need_root() {
	[ "$(id -u)" = 0 ] || die "this step must run as root (it installs packages and boots a test kernel); try: sudo $0"
}

# hold_lock FILE WHAT: take an flock on FILE, held until this shell and
# every process it starts (a guest, a build) have exited; if another holds
# it, say "WHAT; waiting for it" and wait.  The descriptor is left in
# LOCK_FD.  A FILE that cannot be written (a cache root filled, used by
# another user) is locked through a read-only descriptor; one that cannot
# be opened at all is 1, quietly: the caller says what it needs.
hold_lock() {
	{ exec {LOCK_FD}>>"$1" || exec {LOCK_FD}<"$1"; } 2>/dev/null || return 1
	flock -n "$LOCK_FD" && return 0
	step "$2; waiting for it (lock: $1)" >&2
	flock "$LOCK_FD"
}

# bench_lock: one benchmark at a time per kernel cache (per machine, unless
# DMIO_CACHE says otherwise): two would share the CPUs, and ratios measured
# so are wrong.  A guest left behind by a killed benchmark holds it until
# its timeout.  The benchmark scripts a benchmark runs (bench/ab.sh runs
# bench/run.sh) share its lock: DMIO_BENCH_LOCK_FD names the descriptor,
# which must be open on that very file.
bench_lock() {
	local lock=$DMIO_CACHE/bench.lock

	if [ -n "${DMIO_BENCH_LOCK_FD:-}" ] &&
		[ "/dev/fd/$DMIO_BENCH_LOCK_FD" -ef "$lock" ]; then
		return 0
	fi
	mkdir -p "$DMIO_CACHE" 2>/dev/null
	hold_lock "$lock" "bench: another benchmark is running" || return 1
	export DMIO_BENCH_LOCK_FD=$LOCK_FD
}

# The kernel series to build and test for: KVER=6.1 (default) or 6.12, the
# two Debian bookworm ships as linux-source-<series>, linux-headers-<series>
# and linux-image-<series>; or 7.3, whose linux-source-7.3 comes from
# trixie-backports (ksrc_suite: fetched into the cache, not installed) and
# whose x86-64 headers and image are trixie-backports' too (x86_chroot:
# used inside a trixie chroot); or "newest": the newest linux-source-<series>
# Debian serves in sid or a backports suite (ksrc_newest), whatever it is.
# Everything kernel-specific (the UML kernel's source, its cache directory,
# the x86-64 headers, the QEMU image, the results directory) follows from it.
DMIO_KVER=${KVER:-6.1}

# apt_suite SUITE ARGS...: apt-get (or, with APT=apt-cache, apt-cache) on
# the Debian SUITE alone, through a private sources list and private apt
# lists and cache under $DMIO_CACHE/apt/SUITE (the host's apt set-up is
# neither read nor changed).  "apt_suite SUITE update" first.
apt_suite() {
	local suite=$1 d
	shift
	d=$DMIO_CACHE/apt/$suite
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" || return 1
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" \
		>"$d/sources.list"
	"${APT:-apt-get}" -o Dir::Etc::sourcelist="$d/sources.list" \
		-o Dir::Etc::sourceparts=/dev/null -o Dir::State::Lists="$d/lists" \
		-o Dir::Cache="$d/cache" "$@"
}

# NEWEST_SUITES: where ksrc_newest looks for a kernel newer than the
# supported series (the suites that get a new kernel first).
NEWEST_SUITES=(sid trixie-backports bookworm-backports)

# ksrc_newest: "SERIES SUITE" of the newest linux-source-<series> in
# NEWEST_SUITES (their lists updated now; the highest series, and of it the
# suite with the highest version).  Progress on stderr.
ksrc_newest() {
	local suite pkgs
	for suite in "${NEWEST_SUITES[@]}"; do
		step "newest kernel: apt-get update of $suite (private lists in $DMIO_CACHE/apt/$suite)" >&2
		apt_suite "$suite" update >>"$DMIO_CACHE/logs/newest.log" 2>&1 ||
			{ echo "error: apt-get update of $suite failed, see $DMIO_CACHE/logs/newest.log" >&2; return 1; }
		mapfile -t pkgs < <(APT=apt-cache apt_suite "$suite" pkgnames linux-source- |
			grep -E '^linux-source-[0-9]+\.[0-9]+$')
		[ ${#pkgs[@]} -gt 0 ] || continue
		APT=apt-cache apt_suite "$suite" show --no-all-versions "${pkgs[@]}" 2>/dev/null |
			awk -v s="$suite" '/^Package: / { p = $2 }
				/^Version: / && p { sub(/^linux-source-/, "", p); print p, $2, s; p = "" }'
	done | sort -k1,1V -k2,2V | tail -1 | awk '{ print $1, $3 }'
}

if [ "$DMIO_KVER" = newest ]; then
	mkdir -p "$DMIO_CACHE/logs" || exit 1
	read -r DMIO_NEWEST DMIO_KSRC_SUITE <<<"$(ksrc_newest)"
	[ -n "$DMIO_NEWEST" ] || { echo "error: KVER=newest: no linux-source-* found in ${NEWEST_SUITES[*]}" >&2; exit 1; }
	step "newest kernel: linux-source-$DMIO_NEWEST from $DMIO_KSRC_SUITE" >&2
	DMIO_KVER=$DMIO_NEWEST
	export DMIO_NEWEST DMIO_KSRC_SUITE
fi
case $DMIO_KVER in
6.1 | 6.12 | 7.3 | "${DMIO_NEWEST:-6.1}") ;;
*) echo "error: KVER=$DMIO_KVER: only 6.1, 6.12, 7.3 and newest are supported" >&2; exit 1 ;;
esac
export KVER=$DMIO_KVER

# kver_suffix: "" for the default 6.1, "-6.12" for 6.12 (build directories
# of a non-default series get it, so the 6.1 results are never clobbered).
kver_suffix() {
	[ "$DMIO_KVER" = 6.1 ] || echo "-$DMIO_KVER"
}

# ksrc_pkg: the Debian package with the kernel source of the series.
ksrc_pkg() {
	echo "linux-source-$DMIO_KVER"
}

# ksrc_suite: the Debian suite linux-source-$KVER is fetched from when
# bookworm does not have it (7.3: trixie-backports; KVER=newest: where
# ksrc_newest found it); empty for 6.1 and 6.12.
ksrc_suite() {
	case $DMIO_KVER in
	6.1 | 6.12) ;;
	"${DMIO_NEWEST:-}") echo "$DMIO_KSRC_SUITE" ;;
	*) echo trixie-backports ;;
	esac
}

# x86_chroot: the chroot (chroot_dir NAME) that builds the series' x86-64
# modules when bookworm cannot (7.3: its headers need trixie's gcc-14 and
# glibc; they and the image come from trixie-backports); a trixie of its
# own, so the package test's clean trixie (tests/package) stays clean;
# empty when the headers are bookworm's, installed on the host.
x86_chroot() {
	case $DMIO_KVER in
	7.3) echo trixie+kbuild ;;
	esac
}

# X86_CHROOT_PKGS: what a module build needs in that chroot (besides the
# headers, x86_chroot_prepare).
X86_CHROOT_PKGS=(make gcc-14 g++-14 dkms kmod)

# x86_hdr_meta: the Debian meta-package of the series' x86-64 headers on
# the host (linux-headers-amd64 is 6.1 on bookworm; 6.12 has its own);
# empty for a series built in x86_chroot or with no headers at all.
x86_hdr_meta() {
	case $DMIO_KVER in
	6.1) echo linux-headers-amd64 ;;
	6.12) echo "linux-headers-$DMIO_KVER-amd64" ;;
	esac
}

# x86_available: whether the series has x86-64 headers to build against
# (on the host or in x86_chroot).
x86_available() {
	[ -n "$(x86_hdr_meta)$(x86_chroot)" ]
}

# x86_chroot_prepare: the x86_chroot of the series with X86_CHROOT_PKGS and
# the newest linux-headers-<series>.N+debNN-amd64 of <suite>-backports
# installed (once; cached); prints the chroot's directory.
x86_chroot_prepare() {
	local suite d pkg re old
	suite=$(x86_chroot)
	# A cache from before trixie+kbuild built the series in the plain
	# suite's chroot, which the package test needs clean: move it here.
	old=$DMIO_CACHE/chroot/${suite%%+*}
	if [ ! -e "$DMIO_CACHE/chroot/$suite" ] &&
		compgen -G "$old/usr/src/linux-headers-$DMIO_KVER.*-amd64" >/dev/null; then
		step "chroot: moving ${suite%%+*} (it holds the $DMIO_KVER headers) to $suite" >&2
		mv "$old" "$DMIO_CACHE/chroot/$suite" || return 1
	fi
	d=$(chroot_dir "$suite" "${X86_CHROOT_PKGS[@]}") || return 1
	if [ -z "$(x86_abi)" ]; then
		re="^linux-headers-${DMIO_KVER//./\\.}\\.[0-9]+\\+[a-z0-9]+-amd64\$"
		pkg=$(chroot_run "$suite" apt-cache pkgnames "linux-headers-$DMIO_KVER." |
			grep -E "$re" | sort -V | tail -1)
		[ -n "$pkg" ] || { echo "error: no linux-headers-$DMIO_KVER.*-amd64 in the $suite chroot's apt lists" >&2; return 1; }
		chroot_dir "$suite" "$pkg/${suite%%+*}-backports" >/dev/null || return 1
	fi
	echo "$d"
}

# x86_abi: the ABI name of the series' x86-64 headers ("6.1.0-56",
# "6.12.117+deb12", "7.3.4+deb13"): those the host's x86_hdr_meta pulls
# in, or those installed in x86_chroot; empty when there are none.
x86_abi() {
	local suite
	suite=$(x86_chroot)
	if [ -n "$suite" ]; then
		[ -d "$DMIO_CACHE/chroot/$suite" ] || return 0
		chroot "$DMIO_CACHE/chroot/$suite" dpkg-query -W \
			-f='${db:Status-Status} ${Package}\n' "linux-headers-$DMIO_KVER.*-amd64" 2>/dev/null |
			sed -n 's/^installed linux-headers-\(.*\)-amd64$/\1/p' | sort -V | tail -1
		return 0
	fi
	dpkg-query -W -f='${Depends}' "$(x86_hdr_meta)" 2>/dev/null |
		grep -o 'linux-headers-[0-9][^ ,]*-amd64' | head -1 |
		sed 's/^linux-headers-//; s/-amd64$//'
}

# x86_run CMD...: run CMD where the series' x86-64 modules are built: on
# the host, or in x86_chroot with $DMIO_ROOT/build at the same path.
x86_run() {
	local suite
	suite=$(x86_chroot)
	if [ -n "$suite" ]; then
		chroot_run -b "$DMIO_ROOT/build" "$suite" "$@"
	else
		"$@"
	fi
}

# x86_root: where x86_run's paths start on the host ("" or the chroot).
x86_root() {
	[ -z "$(x86_chroot)" ] || echo "$DMIO_CACHE/chroot/$(x86_chroot)"
}

# ksrc_deb: the fetched linux-source-$KVER .deb of a ksrc_suite series
# (the newest in the cache); empty when there is none.
ksrc_deb() {
	local d
	d=$DMIO_CACHE/debs/$(ksrc_suite)
	find "$d" -maxdepth 1 -name "$(ksrc_pkg)_*.deb" 2>/dev/null | sort -V | tail -1
}

# ksrc_fetch: download linux-source-$KVER of ksrc_suite into
# $DMIO_CACHE/debs/<suite>/ (apt_suite: the host's apt set-up is neither
# read nor changed).
ksrc_fetch() {
	local suite
	suite=$(ksrc_suite)
	mkdir -p "$DMIO_CACHE/debs/$suite" || return 1
	apt_suite "$suite" update &&
		(cd "$DMIO_CACHE/debs/$suite" && apt_suite "$suite" download "$(ksrc_pkg)") &&
		[ -n "$(ksrc_deb)" ]
}

# ksrc_version: the Debian version of the linux-source-$KVER package
# (installed, or for a ksrc_suite series the fetched .deb).
ksrc_version() {
	local deb
	if [ -n "$(ksrc_suite)" ]; then
		deb=$(ksrc_deb)
		[ -n "$deb" ] && dpkg-deb -f "$deb" Version
	else
		dpkg-query -W -f='${Version}' "$(ksrc_pkg)" 2>/dev/null
	fi
}

# ksrc_unpack DIR: the source tarball of linux-source-$KVER extracted into
# DIR (from /usr/src, or straight out of the fetched .deb).
ksrc_unpack() {
	local pkg
	pkg=$(ksrc_pkg)
	if [ -n "$(ksrc_suite)" ]; then
		dpkg-deb --fsys-tarfile "$(ksrc_deb)" |
			tar -xOf - "./usr/src/$pkg.tar.xz" | tar -xJf - -C "$1"
	else
		tar -xf "/usr/src/$pkg.tar.xz" -C "$1"
	fi
}

# ksrc_patches: the patches for the test kernels of the series, in order
# (tests/uml/patches/<series>/*.patch: fixes a host needs, not features).
ksrc_patches() {
	local p
	for p in "$DMIO_ROOT/tests/uml/patches/$DMIO_KVER"/*.patch; do
		[ ! -f "$p" ] || echo "$p"
	done
}

# ksrc_dir: an extracted linux-source-$KVER tree in the cache, with
# ksrc_patches applied (extracts and patches once; the patches' hash is in
# the directory name, so a changed patch gets a tree of its own).
ksrc_dir() {
	local ver dir pkg p patches tag=
	pkg=$(ksrc_pkg)
	ver=$(ksrc_version) || die "$pkg is not installed (run scripts/ensure-deps.sh)"
	patches=$(ksrc_patches)
	[ -z "$patches" ] || tag=-p$(cat $patches | sha256sum | cut -c1-8)
	dir=$DMIO_CACHE/src/$pkg-$ver$tag
	if [ ! -f "$dir/.dmio-extracted" ]; then
		step "extracting $pkg $ver into $dir" >&2
		rm -rf "$dir" "$dir.tmp"
		mkdir -p "$dir.tmp"
		ksrc_unpack "$dir.tmp" || die "cannot extract the kernel source"
		for p in $patches; do
			patch -d "$dir.tmp/$pkg" -p1 -s < "$p" ||
				die "cannot apply $p to $pkg $ver"
		done
		mv "$dir.tmp/$pkg" "$dir" && rmdir "$dir.tmp"
		touch "$dir/.dmio-extracted"
	fi
	echo "$dir"
}

# run_guest OUTDIR TIMEOUT CMD...: boot a guest (UML, QEMU) under a timeout,
# its console in OUTDIR/console.raw and, CR removed, OUTDIR/console.log.
# Returns the guest's exit status (124: timed out); sets guest_interrupted
# to 1 if an interrupt (INT, TERM) killed it.
#
# setsid: UML's panic path SIGTERMs its whole process group, which must not
# be ours.  The guest runs as a background job of a subshell whose stderr is
# /dev/null, only to silence bash's "Aborted" job message when it dies of
# SIGABRT (a UML guest panic).  Its pid is its process group id
# (OUTDIR/guest.pid while it runs): that is what an interrupt kills.
run_guest() {
	local out=$1 timeout=$2 pid rc
	shift 2
	guest_interrupted=0
	rm -f "$out/guest.pid"
	{
		setsid -w timeout -k 10 "$timeout" "$@" </dev/null >"$out/console.raw" 2>&1 &
		echo $! >"$out/guest.pid"
		wait $!
	} 2>/dev/null &
	pid=$!
	trap 'guest_interrupted=1; [ -s "$out/guest.pid" ] && kill -TERM -- "-$(cat "$out/guest.pid")" 2>/dev/null' INT TERM
	while :; do
		wait "$pid"
		rc=$?
		kill -0 "$pid" 2>/dev/null || break
	done
	trap - INT TERM
	rm -f "$out/guest.pid"
	tr -d '\r' <"$out/console.raw" >"$out/console.log"
	return "$rc"
}

# guest_getopts SPEC ARGS...: the launchers' options, each with a value
# ("k:m:t:"): -X VALUE sets opt_X, whose default the caller set.  The caller
# then shifts $((OPTIND - 1)).  Status 1 on an unknown option.
guest_getopts() {
	local spec=$1 opt
	shift
	OPTIND=1
	while getopts "$spec" opt; do
		[ "$opt" != "?" ] || return 1
		printf -v "opt_$opt" '%s' "$OPTARG"
	done
}

# guest_outdir DIR: DIR and DIR/guest (the guest's results) created;
# prints DIR as an absolute path.
guest_outdir() {
	[ -n "$1" ] && mkdir -p "$1/guest" && (cd "$1" && pwd)
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

# chroot_dir NAME [PACKAGE...]: a Debian SUITE (bookworm, trixie) made
# with debootstrap from the Debian mirror into $DMIO_CACHE/chroot/NAME,
# once, with PACKAGEs installed in it (PKG/SUITE-backports for a backport);
# prints the directory.  NAME is SUITE, or SUITE+PURPOSE for another chroot
# of that suite.  Its apt sources are its own: SUITE, -updates, -backports
# and -security.  The host's apt set-up is neither read nor changed; one
# run at a time per NAME.
chroot_dir() {
	local name=$1 suite=${1%%+*} dir log p missing=()
	shift
	dir=$DMIO_CACHE/chroot/$name
	log=$DMIO_CACHE/logs/chroot-$name.log
	mkdir -p "$DMIO_CACHE/chroot" "$DMIO_CACHE/logs" || return 1
	(
		hold_lock "$dir.lock" "chroot: another run is setting up the $name chroot" ||
			die "cannot lock $dir.lock"
		if [ ! -f "$dir/.dmio-bootstrapped" ]; then
			command -v debootstrap >/dev/null ||
				"$DMIO_ROOT/scripts/ensure-deps.sh" debootstrap >&2 || exit 1
			step "chroot: debootstrap $suite into $dir (log: $log)" >&2
			rm -rf "$dir"
			debootstrap --variant=minbase --include=ca-certificates "$suite" "$dir" \
				http://deb.debian.org/debian >"$log" 2>&1 ||
				die "debootstrap $suite failed, see $log"
			cat >"$dir/etc/apt/sources.list" <<-SRC
			deb http://deb.debian.org/debian $suite main
			deb http://deb.debian.org/debian $suite-updates main
			deb http://deb.debian.org/debian $suite-backports main
			deb http://deb.debian.org/debian-security $suite-security main
			SRC
			printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
			chmod +x "$dir/usr/sbin/policy-rc.d"
			chroot_run "$name" apt-get update >>"$log" 2>&1 ||
				die "apt-get update in the $name chroot failed, see $log"
			touch "$dir/.dmio-bootstrapped"
		fi
		for p in "$@"; do
			chroot "$dir" dpkg-query -W -f='${Status}' "${p%/*}" 2>/dev/null |
				grep -q 'install ok installed' || missing+=("$p")
		done
		if [ ${#missing[@]} -gt 0 ]; then
			step "chroot: installing ${missing[*]} into the $name chroot" >&2
			chroot_run "$name" env DEBIAN_FRONTEND=noninteractive \
				apt-get install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1 ||
				{ chroot_run "$name" apt-get update >>"$log" 2>&1 &&
				  chroot_run "$name" env DEBIAN_FRONTEND=noninteractive \
					apt-get install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1; } ||
				die "installing ${missing[*]} in the $name chroot failed, see $log"
		fi
	) || return 1
	echo "$dir"
}

# chroot_run [-b DIR] NAME CMD...: run CMD inside the NAME chroot
# (chroot_dir), with /proc, /sys and /dev mounted in a private mount
# namespace that ends with it, and the host's resolv.conf.  -b: the host's
# directory DIR mounted at the same path inside (sources, build results).
chroot_run() {
	local dir bind=
	if [ "$1" = -b ]; then
		bind=$2
		shift 2
	fi
	dir=$DMIO_CACHE/chroot/$1
	shift
	cp -L /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null
	[ -z "$bind" ] || mkdir -p "$bind" "$dir$bind" || return 1
	unshare -m --propagation private sh -c '
		d=$1; b=$2; shift 2
		mount -t proc proc "$d/proc" && mount -t sysfs sys "$d/sys" &&
			mount --rbind /dev "$d/dev" || exit 1
		[ -z "$b" ] || mount --bind "$b" "$d$b" || exit 1
		exec chroot "$d" "$@"' sh "$dir" "$bind" "$@"
}
