#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-package.sh - the Debian package dm-io-dkms, for real: "make deb",
# lintian, then in a clean Debian chroot with that release's kernel headers
# (linux-headers-amd64): apt install, DKMS's build for every kernel with
# headers, modinfo's version, the consumer kit, the example consumer built
# by DKMS against it (BUILD_DEPENDS=dm-io) with no unresolved symbol, apt
# purge leaving nothing behind.  With --qemu, the modules the package built
# (and the stress module, built against the kit) are booted in Debian's
# stock kernel under QEMU with the QEMU leg's machinery
# (scripts/qemu-kernel.sh, scripts/run-qemu.sh, tests/uml/init.sh) and must
# pass its guest checks and selftests.
#
# usage: check-package.sh [--qemu] [SUITE...]   (default: bookworm; also trixie)
#
# The chroot is lib.sh's cached chroot_dir SUITE, never changed: each run
# works in an overlay on it (build/package/SUITE/ovl/), so every install is
# into the clean chroot, and whatever the package leaves after its purge is
# in the overlay's upper layer.  Prints TAP lines "ok N - ..." / "not ok N -
# ...", then "N passed, N failed"; exit status 0 only when nothing failed.
# Logs: build/package/.  Runs as root (debootstrap, chroot, mount).
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"
export LC_ALL=C

QEMU=0
SUITES=()
for a in "$@"; do
	case $a in
	--qemu) QEMU=1 ;;
	bookworm | trixie) SUITES+=("$a") ;;
	-h | --help) sed -n '4,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "usage: $0 [--qemu] [bookworm] [trixie]" ;;
	esac
done
[ ${#SUITES[@]} -gt 0 ] || SUITES=(bookworm)
need_root

OUT=$DMIO_ROOT/build/package
VER=$(cat "$DMIO_ROOT/VERSION") || die "no VERSION file"
DEB=$DMIO_ROOT/build/deb/dm-io-dkms_${VER}_all.deb
EX=dm-ioexample
EXVER=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$DMIO_ROOT/examples/$EX/dkms.conf")
# The exports a consumer's Module.symvers must have (check.sh's API_SYMS).
API_SYMS=(dm_io_get dm_io_put dm_io_sync dm_io_async dm_io_sync_bvec
	  dm_io_async_bvec dm_io_sync_vm dm_io_async_vm
	  dm_io_submit dm_io_stats_create dm_io_stats_destroy dm_io_stats_read)
N=0 PASSED=0 FAILED=0

ok() { N=$((N + 1)); PASSED=$((PASSED + 1)); echo "ok $N - $*"; }
nok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $*"; }
# check DESCRIPTION CMD...: one TAP line from CMD's exit status
check() {
	local d=$1
	shift
	if "$@"; then ok "$d"; else nok "$d"; fi
}
# modfile DIR NAME: DIR/NAME.ko, or the .ko.xz/.ko.zst/.ko.gz DKMS makes when
# the kernel's own modules are compressed (trixie)
modfile() {
	local f
	for f in "$1/$2.ko" "$1/$2.ko.xz" "$1/$2.ko.zst" "$1/$2.ko.gz"; do
		[ -f "$f" ] && { echo "$f"; return; }
	done
	echo "$1/$2.ko"
}
# plain_ko FILE: FILE, or a decompressed copy of it in $OUT (for nm, cp)
plain_ko() {
	local t=$OUT/${1##*/}
	case $1 in
	*.xz) xz -dc "$1" >"${t%.xz}" && echo "${t%.xz}" ;;
	*.zst) zstd -qdc "$1" >"${t%.zst}" && echo "${t%.zst}" ;;
	*.gz) gzip -dc "$1" >"${t%.gz}" && echo "${t%.gz}" ;;
	*) echo "$1" ;;
	esac
}
tail_of() { tail -n "${2:-15}" "$1" 2>/dev/null | sed 's/^/    /'; }
finish() {
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" = 0 ]
	exit
}

rm -rf "$OUT"
mkdir -p "$OUT"
# What building and checking the package needs on the host.
"$DMIO_ROOT/scripts/ensure-deps.sh" dpkg-dev debhelper dh-dkms lintian debootstrap >"$OUT/deps.log" 2>&1 ||
	{ tail_of "$OUT/deps.log"; nok "install debhelper, dh-dkms, lintian (scripts/ensure-deps.sh, build/package/deps.log)"; finish; }

# --- first contact --------------------------------------------------------
# "make" in a fresh copy of the tree, with what it needs missing: it must
# stop before kbuild, name what is missing and the command that fixes it.
# The programs are taken away or faked through PATH (a directory of links
# to /usr/bin without them, or a fake in front), the running kernel's
# release through a fake uname.
# first_contact DESCRIPTION 'EXPECTED TEXT' [VAR=VALUE...] [MAKE-ARG...]
first_contact() {
	local d=$1 want=$2 log=$OUT/first-contact.log rc
	shift 2
	echo "=== $d: make $*" >>"$log"
	env "$@" >"$OUT/fc.out" 2>&1
	rc=$?
	cat "$OUT/fc.out" >>"$log"
	if [ "$rc" != 0 ] && grep -qF -- "$want" "$OUT/fc.out" &&
		! grep -q 'No such file or directory' "$OUT/fc.out"; then
		ok "first contact: $d: make stops and says '$want'"
	else
		sed 's/^/    /' "$OUT/fc.out" | head -8
		nok "first contact: $d: make (exit $rc) should stop and say '$want'"
	fi
}
FC=$OUT/fc-tree
stage_sources "$FC" || die "cannot copy the sources to $FC"
HDR=/usr/src/linux-headers-$(x86_abi)-amd64
HCC=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\([^ ]*\) .*/\1/p' "$HDR/.config" 2>/dev/null)
mkdir -p "$OUT/bin-fake-uname" "$OUT/bin-no-cxx" "$OUT/bin-no-cc" "$OUT/bin-old-cxx"
printf '#!/bin/sh\n[ "$1" = -r ] && { echo 0.0.0-dmio-none; exit; }; exec /usr/bin/uname "$@"\n' >"$OUT/bin-fake-uname/uname"
ln -s /usr/bin/* "$OUT/bin-no-cc/" && rm -f "$OUT/bin-no-cc/$HCC"
ln -s /usr/bin/* "$OUT/bin-no-cxx/" && rm -f "$OUT/bin-no-cxx/${HCC/gcc/g++}"
printf '#!/bin/sh\ncase "$1" in -dumpfullversion|-dumpversion) echo 1.0.0 ;; *) exec /usr/bin/%s "$@" ;; esac\n' \
	"${HCC/gcc/g++}" >"$OUT/bin-old-cxx/${HCC/gcc/g++}"
chmod +x "$OUT/bin-fake-uname/uname" "$OUT/bin-old-cxx/${HCC/gcc/g++}"
first_contact "no build tree of the running kernel" "sudo apt install linux-headers-0.0.0-dmio-none" \
	PATH="$OUT/bin-fake-uname:$PATH" make -C "$FC"
first_contact "KDIR without a build tree" "KDIR=/nonexistent is not a kernel build tree" \
	make -C "$FC" KDIR=/nonexistent
first_contact "no $HCC (the kernel's compiler)" "sudo apt install $HCC" \
	PATH="$OUT/bin-no-cc" make -C "$FC" KDIR="$HDR"
first_contact "no ${HCC/gcc/g++}" "sudo apt install ${HCC/gcc/g++}" \
	PATH="$OUT/bin-no-cxx" make -C "$FC" KDIR="$HDR"
first_contact "a ${HCC/gcc/g++} of another version than $HCC" "${HCC/gcc/g++} is version 1.0.0 but the kernel's $HCC is" \
	PATH="$OUT/bin-old-cxx:$PATH" make -C "$FC" KDIR="$HDR"

# --- the package ----------------------------------------------------------
step "package: make deb (log: build/package/deb.log)"
"$DMIO_ROOT/scripts/deb.sh" >"$OUT/deb.log" 2>&1
deb_rc=$?
if [ -f "$DEB" ] && [ "$(dpkg-deb -f "$DEB" Package Version Architecture | tr '\n' ' ')" = "Package: dm-io-dkms Version: $VER Architecture: all " ]; then
	ok "make deb builds $(basename "$DEB") (debhelper, dh-dkms; version from VERSION)"
else
	tail_of "$OUT/deb.log"
	nok "make deb builds $(basename "$DEB") (build/package/deb.log)"
	finish
fi
if [ "$deb_rc" = 0 ] && [ -f "$DMIO_ROOT/build/deb/lintian.txt" ]; then
	ok "lintian -I --pedantic: no tags ($(grep -c '^O: ' "$DMIO_ROOT/build/deb/lintian.txt") override(s))"
else
	tail_of "$OUT/deb.log"
	nok "lintian -I --pedantic: no tags (build/deb/lintian.txt)"
fi

# --- a suite ----------------------------------------------------------------
# ovl_run CMD...: CMD in the overlay chroot of the current suite
# ($LOWER under $UPPER), with /proc, /sys and /dev, in a private mount
# namespace that ends with it.
ovl_run() {
	unshare -m --propagation private sh -c '
		l=$1 u=$2 w=$3 m=$4; shift 4
		mount -t overlay overlay -o "lowerdir=$l,upperdir=$u,workdir=$w" "$m" &&
			mount -t proc proc "$m/proc" && mount -t sysfs sys "$m/sys" &&
			mount --rbind /dev "$m/dev" || exit 125
		exec chroot "$m" "$@"' sh "$LOWER" "$UPPER" "$WORK" "$MERGED" "$@"
}
# cr CMD...: ovl_run with output appended to the suite's log
cr() { ovl_run "$@" >>"$LOG" 2>&1; }

# QEMU_K, QEMU_TREE: the kernel and the staging tree with the package's
# modules for the QEMU boot (bookworm's first kernel)
QEMU_K= QEMU_TREE=

suite_checks() {
	local suite=$1 k kernels=() m f v kit left t
	local S=$OUT/$suite
	LOG=$S/chroot.log
	mkdir -p "$S"
	step "package: $suite chroot (lib.sh chroot_dir; log: build/package/$suite/chroot.log)"
	if ! LOWER=$(chroot_dir "$suite" linux-headers-amd64 dkms g++ make kmod); then
		nok "$suite: a clean $suite chroot with linux-headers-amd64"
		return
	fi
	for k in "$LOWER"/usr/src/linux-headers-*-amd64; do
		[ -f "$k/Makefile" ] && kernels+=("${k##*/linux-headers-}")
	done
	if [ ${#kernels[@]} -eq 0 ]; then
		nok "$suite: the chroot has the headers of linux-headers-amd64"
		return
	fi
	UPPER=$S/ovl/upper WORK=$S/ovl/work MERGED=$S/ovl/merged
	# /lib/modules as it is in the layers: usr/lib/modules when /lib is
	# merged into /usr (bookworm, trixie)
	MODS=lib/modules
	[ ! -L "$LOWER/lib" ] || MODS=usr/lib/modules
	rm -rf "$S/ovl"
	mkdir -p "$UPPER/tmp" "$WORK" "$MERGED"
	cp "$DEB" "$UPPER/tmp/"

	# Install: the postinst (dh_dkms) builds for every kernel with headers.
	if cr env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		"/tmp/$(basename "$DEB")"; then
		ok "$suite: apt install ./$(basename "$DEB") (headers: ${kernels[*]})"
	else
		tail_of "$LOG" 25
		nok "$suite: apt install ./$(basename "$DEB") (build/package/$suite/chroot.log)"
		return
	fi
	rm -f "$UPPER/tmp/$(basename "$DEB")"
	if grep -qx "PACKAGE_VERSION=\"$VER\"" "$UPPER/usr/src/dm-io-$VER/dkms.conf" 2>/dev/null; then
		ok "$suite: source in /usr/src/dm-io-$VER/, its dkms.conf says PACKAGE_VERSION=\"$VER\""
	else
		nok "$suite: source in /usr/src/dm-io-$VER/ with PACKAGE_VERSION=\"$VER\" in its dkms.conf"
	fi

	for k in "${kernels[@]}"; do
		v=$(ovl_run dkms status -m dm-io -v "$VER" -k "$k" 2>>"$LOG")
		echo "dkms status: $v" >>"$LOG"
		if [[ $v == *"dm-io/$VER, $k, x86_64: installed"* ]]; then
			ok "$suite: DKMS built and installed dm-io/$VER for $k"
		else
			tail_of "$UPPER/var/lib/dkms/dm-io/$VER/build/make.log" 20
			nok "$suite: DKMS built and installed dm-io/$VER for $k (dkms status: '${v:-nothing}')"
			continue
		fi
		for m in dm-io dm-iomirror; do
			f=$(modfile "$UPPER/$MODS/$k/updates/dkms" "$m")
			v=$(modinfo -F version "$f" 2>/dev/null)
			t=$(modinfo -F vermagic "$f" 2>/dev/null)
			if [ "$v" = "$VER" ] && [ "${t%% *}" = "$k" ]; then
				ok "$suite: /lib/modules/$k/updates/dkms/${f##*/}: modinfo version $v, vermagic $k"
			else
				nok "$suite: /lib/modules/$k/updates/dkms/$m.ko: modinfo version '$v' (want $VER), vermagic '${t%% *}' (want $k)"
			fi
		done
		v=$(ovl_run modinfo -k "$k" -F depends dm-iomirror 2>>"$LOG")
		# DKMS 3.2 (trixie) runs no depmod for a kernel that has headers
		# but no image (no modules.dep): "Skipping depmod because ...".
		if [ ! -f "$UPPER/$MODS/$k/modules.dep" ] && [ ! -f "$LOWER/$MODS/$k/modules.dep" ] &&
			grep -q "Skipping depmod because" "$LOWER/usr/sbin/dkms"; then
			N=$((N + 1))
			echo "ok $N - $suite: modinfo -k $k dm-iomirror # SKIP no modules.dep: $k has headers but no image, DKMS skips depmod"
		elif [[ ,$v, == *,dm-io,* ]]; then
			ok "$suite: modinfo -k $k dm-iomirror (depmod'ed): depends $v"
		else
			nok "$suite: modinfo -k $k dm-iomirror (depmod'ed) depends on dm-io (depends: '$v')"
		fi

		# The consumer kit, at the documented path.
		kit=$UPPER/var/lib/dkms/dm-io/$VER/$k/x86_64
		t=$(readlink "$UPPER/var/lib/dkms/dm-io/kernel-$k-x86_64")
		m=
		for f in "${API_SYMS[@]}"; do
			grep -qE "^0x[0-9a-f]+[[:space:]]$f[[:space:]].*dm-io[[:space:]]EXPORT_SYMBOL_GPL" "$kit/Module.symvers" 2>/dev/null || m+=" $f"
		done
		if [ "$t" = "$VER/$k/x86_64" ] && [ -z "$m" ] &&
			cmp -s "$kit/include/dm-io.h" "$UPPER/usr/src/dm-io-$VER/dm-io.h"; then
			ok "$suite: consumer kit /var/lib/dkms/dm-io/kernel-$k-x86_64/: Module.symvers (the ${#API_SYMS[@]} API exports), include/dm-io.h"
		else
			nok "$suite: consumer kit /var/lib/dkms/dm-io/kernel-$k-x86_64/ (link '$t', missing exports:${m:- none}, dm-io.h $( [ -f "$kit/include/dm-io.h" ] && echo present || echo missing))"
		fi

		# The example consumer, as its dkms.conf says.
		if cr sh -c "rm -rf /usr/src/$EX-$EXVER && cp -r /usr/share/doc/dm-io-dkms/examples/$EX /usr/src/$EX-$EXVER &&
			{ dkms status -m $EX -v $EXVER | grep -q . || dkms add -m $EX -v $EXVER; } &&
			dkms build -m $EX -v $EXVER -k $k && dkms install -m $EX -v $EXVER -k $k"; then
			ok "$suite: dkms build + install of examples/$EX (BUILD_DEPENDS=dm-io) for $k"
		else
			tail_of "$LOG" 20
			tail_of "$UPPER/var/lib/dkms/$EX/$EXVER/build/make.log" 20
			nok "$suite: dkms build + install of examples/$EX for $k (build/package/$suite/chroot.log)"
			continue
		fi
		f=$(plain_ko "$(modfile "$UPPER/$MODS/$k/updates/dkms" "$EX")")
		t=$(grep -E 'WARNING: modpost: .*undefined!|WARNING: .*Module.symvers' \
			"$UPPER/var/lib/dkms/$EX/$EXVER/$k/x86_64/log/make.log" 2>/dev/null)
		m=
		for v in $(nm -u "$f" 2>/dev/null | awk '$2 ~ /^dm_io_/ { print $2 }'); do
			grep -q "[[:space:]]$v[[:space:]]" "$kit/Module.symvers" || m+=" $v"
		done
		v=$(modinfo -F depends "$f" 2>/dev/null)
		if [ -f "$f" ] && [ -z "$t" ] && [ -z "$m" ] && [[ ,$v, == *,dm-io,* ]] &&
			nm -u "$f" | grep -q ' dm_io_sync_vm$'; then
			ok "$suite: $EX.ko: no unresolved symbol (modpost), its dm_io_* calls in the kit's Module.symvers, depends: $v"
		else
			printf '%s\n' "$t" | sed 's/^/    /'
			nok "$suite: $EX.ko: unresolved symbols (modpost: $(printf '%s' "$t" | grep -c .), not in the kit:${m:- none}, depends '$v')"
		fi

		# For the QEMU boot: the package's modules, and the stress module
		# built against the kit as a second consumer.
		if [ "$suite" = bookworm ] && [ "$QEMU" = 1 ] && [ -z "$QEMU_K" ]; then
			QEMU_TREE=$OUT/qemu-tree
			if stage_sources "$QEMU_TREE" && rm -rf "$UPPER/tmp/tree" &&
				cp -a "$QEMU_TREE" "$UPPER/tmp/tree" &&
				cr make -C "/usr/src/linux-headers-$k" M=/tmp/tree/tests/stress \
					KBUILD_EXTRA_SYMBOLS="/var/lib/dkms/dm-io/kernel-$k-x86_64/Module.symvers" modules &&
				cp "$UPPER/tmp/tree/tests/stress/dm-io-stress.ko" "$QEMU_TREE/tests/stress/" &&
				cp "$(plain_ko "$(modfile "$UPPER/$MODS/$k/updates/dkms" dm-io)")" "$QEMU_TREE/dm-io.ko" &&
				cp "$(plain_ko "$(modfile "$UPPER/$MODS/$k/updates/dkms" dm-iomirror)")" "$QEMU_TREE/targets/dm-iomirror.ko"; then
				QEMU_K=$k
				ok "$suite: tests/stress/dm-io-stress.ko built against the kit for $k (for the QEMU boot)"
			else
				tail_of "$LOG" 15
				nok "$suite: tests/stress/dm-io-stress.ko built against the kit for $k"
			fi
			rm -rf "$UPPER/tmp/tree"
		fi
	done

	# Removal: the example first (it depends on dm-io), then the package.
	cr sh -c "dkms remove -m $EX -v $EXVER --all; rm -rf /usr/src/$EX-$EXVER"
	if cr env DEBIAN_FRONTEND=noninteractive apt-get purge -y dm-io-dkms; then
		ok "$suite: apt purge dm-io-dkms"
	else
		tail_of "$LOG"
		nok "$suite: apt purge dm-io-dkms (build/package/$suite/chroot.log)"
	fi
	cr apt-get autoremove -y
	# What the package touched and left: the overlay's upper layer holds
	# every file the chroot gained or changed since its clean state.  Only
	# dpkg's and apt's records, logs and caches may stay, and depmod's
	# indexes, which must not name a dm-io module; and DKMS's own signing
	# key (var/lib/dkms/mok.*), which the first DKMS build of any module
	# makes and every later one uses.
	left=$(cd "$UPPER" && find . ! -type d ! -type c -printf '%P\n' |
		grep -vE '^(var/lib/dpkg/|var/lib/apt/|var/log/|var/cache/(apt|debconf|ldconfig)/|var/lib/dkms/mok\.(key|pub)$|etc/ld\.so\.cache$|lib/modules/[^/]+/modules\.[a-z.]+$|usr/lib/modules/[^/]+/modules\.[a-z.]+$)' | sort)
	t=$(cd "$UPPER" && grep -lsE 'updates/dkms/|[[:space:]](dm_io|dm_iomirror|dm_ioexample)$' \
		lib/modules/*/modules.* usr/lib/modules/*/modules.* 2>/dev/null)
	v=$(ovl_run dpkg-query -W -f='${Status}' dm-io-dkms 2>/dev/null)
	if [ -z "$left" ] && [ -z "$t" ] && [ "$v" != "install ok installed" ]; then
		ok "$suite: after the purge nothing is left (no /usr/src/dm-io-$VER, /var/lib/dkms/dm-io, module or depmod entry)"
	else
		printf '%s\n' $left $t | head -20 | sed 's/^/    left: /'
		nok "$suite: after the purge nothing is left ($(printf '%s\n' $left $t | grep -c .) files)"
	fi
}

qemu_checks() {
	local img kver rc out=$OUT/qemu g t v rcf name bad=
	if [ -z "$QEMU_K" ]; then
		nok "qemu: the package's modules boot in Debian's kernel (no modules from the bookworm chroot)"
		return
	fi
	if ! img=$("$DMIO_ROOT/scripts/qemu-kernel.sh" 2>>"$OUT/qemu-kernel.log"); then
		nok "qemu: Debian's kernel image (scripts/qemu-kernel.sh, build/package/qemu-kernel.log)"
		return
	fi
	kver=$(cat "$img/kver")
	if [ "$kver" != "$QEMU_K" ]; then
		nok "qemu: the image's kernel $kver is the chroot's headers' $QEMU_K (update the host's linux-headers-amd64: scripts/qemu-kernel.sh follows it)"
		return
	fi
	step "package: QEMU: booting Debian's $kver with the package's modules (console: build/package/qemu/console.log)"
	"$DMIO_ROOT/scripts/run-qemu.sh" -k "$img" -m "$QEMU_TREE" -t "${DMIO_QEMU_TIMEOUT:-900}" "$out"
	rc=$?
	g=$out/guest
	if [ "$rc" = 0 ] && grep -q "^QINIT: kernel $kver" "$out/console.log" &&
		grep -qx 'status=complete' "$g/summary" 2>/dev/null; then
		ok "qemu: Debian's $kver booted, ran the guest script to the end, powered off"
	else
		tail_of "$out/console.log" 20
		nok "qemu: Debian's $kver ran the guest script to the end (exit $rc, status '$(sed -n 's/^status=//p' "$g/summary" 2>/dev/null)')"
	fi
	if grep -q "^ok .*insmod dm-io.ko" "$g/guest.tap" 2>/dev/null &&
		grep -q "^ok .*insmod dm-iomirror.ko" "$g/guest.tap"; then
		ok "qemu: the package's dm-io.ko and dm-iomirror.ko load in Debian's $kver"
	else
		nok "qemu: the package's dm-io.ko and dm-iomirror.ko load in Debian's $kver"
	fi
	t=$(grep '^ok ' "$g/guest.tap" 2>/dev/null | grep -vic '# *skip')
	rc=$(grep -c '^not ok ' "$g/guest.tap" 2>/dev/null)
	v=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$g/guest.tap" 2>/dev/null | head -1)
	check "qemu: guest checks: $t passed, $rc failed, $(grep '^ok ' "$g/guest.tap" 2>/dev/null | grep -ic '# *skip') skipped, of a plan of ${v:-?}" \
		[ "${rc:-1}" = 0 -a "${t:-0}" -gt 0 -a "$(grep -cE '^(not )?ok ' "$g/guest.tap" 2>/dev/null)" = "${v:-x}" ]
	for t in "$QEMU_TREE"/tests/selftests/*.sh; do
		[ -x "$t" ] || continue
		name=$(basename "$t" .sh)
		rcf=$(cat "$g/selftests/$name.rc" 2>/dev/null)
		if [ "$rcf" = 0 ] && ! grep -q '^not ok ' "$g/selftests/$name.tap" &&
			grep -q '^ok ' "$g/selftests/$name.tap"; then
			ok "qemu: selftest $name: $(grep -c '^ok ' "$g/selftests/$name.tap") passed"
		elif [ "$rcf" = 4 ]; then
			N=$((N + 1))
			echo "ok $N - qemu: selftest $name # SKIP $(sed -n 's/^1\.\.0 # *[Ss][Kk][Ii][Pp] *//p' "$g/selftests/$name.tap" | head -1)"
		else
			bad+=" $name"
			nok "qemu: selftest $name (exit '${rcf:-none}', $(grep -c '^not ok ' "$g/selftests/$name.tap" 2>/dev/null) failed)"
		fi
	done
	python3 "$DMIO_ROOT/scripts/kernel-reports.py" "$out/console.log" >"$out/kernel-reports.txt" 2>&1
	t=$(grep -c '^report ' "$out/kernel-reports.txt")
	check "qemu: no kernel reports in the console ($t)" [ "$t" = 0 ]
}

for s in "${SUITES[@]}"; do
	suite_checks "$s"
done
[ "$QEMU" = 0 ] || qemu_checks
finish
