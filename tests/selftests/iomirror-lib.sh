# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the iomirror-*.sh selftests (dm-iomirror.ko, target
# "iomirror").  Source it after lib.sh, do not run it (no #! line, not
# executable, so tests/uml/init.sh does not run it either):
#
#     . ./lib.sh
#     . ./iomirror-lib.sh
#     iom_init NAME TMPFS_MB     # header, checks, skips, scratch tmpfs, insmod
#     tap_plan N
#     ...
#     iom_finish                 # last TAP case: everything removed, then exit
#
# What a script creates through these helpers (loop devices on files in a
# private tmpfs, dm devices named iomt_*) is recorded and removed by
# iom_cleanup, also on an early exit.  Module state (lib.sh contract): on
# entry dm_io is loaded and dm_iomirror normally is not; on exit dm_io is
# loaded and dm_iomirror is not (init.sh unloads dm_io at the end, which
# fails while dm_iomirror holds it).
#
# Trap: the legs are written through the mirror, so a buffered read of a leg
# (e.g. /dev/loop0) can return stale page-cache data.  Every read of a leg or
# of the mirror here uses O_DIRECT (iom_sum).

IOM_MODDIR=${DMIO_MODDIR:-$(cd ../.. && pwd)}
IOM_KO=$IOM_MODDIR/targets/dm-iomirror.ko
IOM_LIB_KO=$IOM_MODDIR/dm-io.ko
IOM_WORK=
IOM_DMS=		# dm devices, newest first
IOM_PIDS=		# background jobs
IOM_T0=$(date +%s)

# iom_quiet CMD...: run, output only on failure
iom_quiet() {
	_iom_out=$("$@" 2>&1)
	_iom_rc=$?
	[ "$_iom_rc" -eq 0 ] || [ -z "$_iom_out" ] ||
		printf '%s\n' "$_iom_out" | sed "s|^|# $1: |"
	return $_iom_rc
}

# iom_init NAME TMPFS_MB: TAP header, requirements (skip the whole script if
# missing), a private tmpfs of TMPFS_MB MiB for the backing files, and
# dm_iomirror loaded.
iom_init() {
	tap_header
	[ "$(id -u)" = 0 ] || tap_skip_all "needs root"
	[ -f "$IOM_KO" ] || tap_skip_all "no $IOM_KO (make tests; set DMIO_MODDIR)"
	for _t in dmsetup losetup blockdev dd md5sum timeout insmod rmmod dmesg truncate mount pkill; do
		command -v "$_t" >/dev/null || tap_skip_all "$_t not found"
	done
	[ -e /dev/mapper/control ] || tap_skip_all "no /dev/mapper/control"
	# Without udev, libdevmapper must create the /dev/mapper nodes itself.
	export DM_DISABLE_UDEV=1
	mod_loaded dm_io || tap_run insmod "$IOM_LIB_KO" ||
		tap_skip_all "dm_io is not loaded and cannot be loaded"
	iom_stale
	IOM_WORK=/run/iomirror-$1.$$
	mkdir -p "$IOM_WORK" && mount -t tmpfs -o "size=${2}m" tmpfs "$IOM_WORK" ||
		tap_skip_all "cannot mount a tmpfs on $IOM_WORK"
	trap iom_cleanup EXIT
	trap 'exit 1' INT TERM
	if ! mod_loaded dm_iomirror; then
		tap_run insmod "$IOM_KO" || tap_bail "insmod $IOM_KO failed"
	fi
	cd "$IOM_WORK" || tap_bail "cannot cd to $IOM_WORK"
}

# iom_loop NAME MIB [SECTOR_SIZE]: a loop device on a sparse file in the
# scratch tmpfs; prints /dev/loopN (iom_cleanup finds it by its file)
iom_loop() {
	truncate -s "${2}M" "$IOM_WORK/$1.img" || return 1
	if [ -n "${3:-}" ]; then
		_iom_l=$(losetup -f --show --sector-size "$3" "$IOM_WORK/$1.img") || return 1
	else
		_iom_l=$(losetup -f --show "$IOM_WORK/$1.img") || return 1
	fi
	echo "$_iom_l"
}

# iom_dm NAME TABLE: dmsetup create, and the node must exist
iom_dm() {
	iom_quiet dmsetup create "$1" --table "$2" || return 1
	IOM_DMS="$1 $IOM_DMS"
	[ -b "/dev/mapper/$1" ] || { tap_diag "/dev/mapper/$1 missing after create"; return 1; }
}

# iom_dm_forget NAME: the device was removed by the test itself
iom_dm_forget() {
	_iom_new=
	for _d in $IOM_DMS; do
		[ "$_d" = "$1" ] || _iom_new="$_iom_new $_d"
	done
	IOM_DMS=$_iom_new
}

# iom_dm_remove NAME: dmsetup remove (retrying briefly), forget it; nothing
# to do if there is no such device
iom_dm_remove() {
	iom_exists "$1" || { iom_dm_forget "$1"; return 0; }
	iom_quiet dmsetup remove --retry "$1" || return 1
	iom_dm_forget "$1"
	[ ! -e "/dev/mapper/$1" ]
}

# iom_swap NAME TABLE: replace the live table (suspend, load, resume)
iom_swap() {
	iom_quiet dmsetup suspend "$1" &&
		iom_quiet dmsetup load "$1" --table "$2" &&
		iom_quiet dmsetup resume "$1"
}

# iom_devno NAME: MAJOR:MINOR of /dev/mapper/NAME (how the kernel log names it)
iom_devno() { dmsetup info -c --noheadings -o major,minor --separator : "$1" 2>/dev/null; }

# iom_exists NAME: dmsetup knows the device
iom_exists() { dmsetup info "$1" >/dev/null 2>&1; }

# iom_status NAME: the INFO status of the first target, without
# "<start> <len> iomirror"
iom_status() {
	dmsetup status "$1" 2>/dev/null | head -1 | cut -d' ' -f4-
}

# iom_health NAME: e.g. "ADA"
iom_health() { iom_status "$1" | cut -d' ' -f2; }

# iom_health_is NAME HEALTH: the mirror's health is HEALTH
iom_health_is() { [ "$(iom_health "$1")" = "$2" ]; }

# iom_legstat NAME LEG FIELD: FIELD 1 = reads, 2 = writes, 3 = errors
iom_legstat() {
	iom_status "$1" | cut -d' ' -f$(($2 + 3)) | cut -d: -f"$3"
}

# iom_sum DEV [SECTOR COUNT]: md5 of COUNT sectors from SECTOR (default: the
# whole device), read with O_DIRECT in 1 MiB blocks
iom_sum() {
	if [ $# -ge 3 ]; then
		dd if="$1" iflag=direct,skip_bytes,count_bytes bs=1M \
			skip=$(($2 * 512)) count=$(($3 * 512)) 2>/dev/null | md5sum | cut -d' ' -f1
	else
		dd if="$1" iflag=direct bs=1M 2>/dev/null | md5sum | cut -d' ' -f1
	fi
}

# iom_fill DEV SECTOR COUNT PATTERN_FILE: O_DIRECT write of a pattern file
iom_fill() {
	dd if="$4" of="$1" oflag=direct,seek_bytes bs=1M seek=$(($2 * 512)) \
		count=$(($3 * 512)) iflag=count_bytes 2>&1
}

# iom_pattern FILE MIB: random data
iom_pattern() {
	dd if=/dev/urandom of="$1" bs=1M count="$2" 2>/dev/null
}

# iom_fio NAME FIO-ARGS...: fio with the common verify settings on
# /dev/mapper/NAME; output in $IOM_WORK/fio-NAME.log (tail as diagnostics on
# failure, unless IOM_FIO_QUIET is set)
iom_fio() {
	_iom_n=$1
	shift
	timeout -k 5 90 fio --name="$_iom_n" --filename="/dev/mapper/$_iom_n" \
		--ioengine=libaio --direct=1 --iodepth=8 --verify=crc32c \
		--verify_fatal=1 --verify_state_save=0 "$@" \
		> "$IOM_WORK/fio-$_iom_n.log" 2>&1
	_iom_rc=$?
	[ "$_iom_rc" -eq 0 ] || [ -n "${IOM_FIO_QUIET:-}" ] ||
		tail -n 15 "$IOM_WORK/fio-$_iom_n.log" | sed 's/^/# fio: /'
	return $_iom_rc
}

# iom_same_legs NAME REF-SUM DEV:OFFSET...: every leg's first $IOM_LEN
# sectors have md5 REF-SUM
iom_same_legs() {
	_iom_ref=$2
	shift 2
	_iom_ok=0
	for _l in "$@"; do
		_iom_s=$(iom_sum "${_l%:*}" "${_l#*:}" "$IOM_LEN")
		if [ "$_iom_s" != "$_iom_ref" ]; then
			tap_diag "leg ${_l%:*} at ${_l#*:}: md5 $_iom_s, want $_iom_ref"
			_iom_ok=1
		fi
	done
	return $_iom_ok
}

# iom_writes_held NAME: the mirror has writes in flight (issued to it, not
# yet completed), as the block layer counts them
iom_writes_held() {
	_iom_f=$(cat "/sys/dev/block/$(iom_devno "$1")/inflight" 2>/dev/null) &&
		[ "$(echo $_iom_f | cut -d' ' -f2)" -gt 0 ]
}

# iom_wait SECONDS CMD...: run CMD every 0.1 s until it succeeds; fails after
# SECONDS.  Only for a state that the test holds by construction (a device
# suspended under the I/O that reaches it): the bound catches a broken
# target, it is not a guess at how long something takes.
iom_wait() {
	_iom_end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$_iom_end" ] || return 1
		sleep 0.1
	done
}

# iom_bg PID: a background job (fio, ...) that iom_cleanup must stop
iom_bg() { IOM_PIDS="$IOM_PIDS $1"; }

# iom_remove_all PREFIX: remove every dm device whose name starts with
# PREFIX (resumed first; a few passes, for devices stacked on each other)
iom_remove_all() {
	for _p in 1 2 3 4; do
		_iom_all=$(dmsetup ls 2>/dev/null | awk -v p="$1" 'index($1, p) == 1 { print $1 }')
		[ -n "$_iom_all" ] || return 0
		for _d in $_iom_all; do
			dmsetup resume "$_d" >/dev/null 2>&1
			dmsetup remove "$_d" >/dev/null 2>&1
		done
	done
	[ -z "$(dmsetup ls 2>/dev/null | awk -v p="$1" 'index($1, p) == 1')" ]
}

# iom_detach_under DIR/: detach every loop device whose file is under DIR/
iom_detach_under() {
	for _l in $(losetup -n -l -O NAME,BACK-FILE 2>/dev/null |
		    awk -v w="$1" 'index($2, w) == 1 { print $1 }'); do
		losetup -d "$_l" 2>/dev/null
	done
}

# iom_cleanup: remove everything this script made (EXIT trap too)
iom_cleanup() {
	trap - EXIT
	cd / || :
	for _p in $IOM_PIDS; do
		pkill -TERM -P "$_p" 2>/dev/null
		kill -TERM "$_p" 2>/dev/null
	done
	for _p in $IOM_PIDS; do
		wait "$_p" 2>/dev/null
	done
	IOM_PIDS=
	for _d in $IOM_DMS; do
		iom_exists "$_d" && { dmsetup resume "$_d" >/dev/null 2>&1; dmsetup remove --retry "$_d" >/dev/null 2>&1; }
	done
	IOM_DMS=
	iom_remove_all iomt_
	[ -z "$IOM_WORK" ] || iom_detach_under "$IOM_WORK/"
	if [ -n "$IOM_WORK" ] && mountpoint -q "$IOM_WORK"; then
		umount "$IOM_WORK" && rmdir "$IOM_WORK"
	fi
	mod_loaded dm_iomirror && rmmod dm_iomirror 2>/dev/null
	mod_loaded dm_io || insmod "$IOM_LIB_KO" 2>/dev/null
	:
}

# iom_stale: what an earlier iomirror script left behind (it failed for
# that already): removed, so this one starts clean
iom_stale() {
	_iom_s=$(dmsetup ls 2>/dev/null | awk '$1 ~ /^iomt_/ { printf "%s ", $1 }')
	_iom_s="$_iom_s$(losetup -n -l -O NAME,BACK-FILE 2>/dev/null |
		awk '$2 ~ /^\/run\/iomirror-/ { printf "%s ", $1 }')"
	for _m in /run/iomirror-*; do
		mountpoint -q "$_m" 2>/dev/null && _iom_s="$_iom_s$_m "
	done
	[ -n "$_iom_s" ] || return 0
	tap_diag "left behind by an earlier script, removing: $_iom_s"
	iom_remove_all iomt_
	iom_detach_under /run/iomirror-
	for _m in /run/iomirror-*; do
		mountpoint -q "$_m" 2>/dev/null && umount "$_m" && rmdir "$_m"
	done
}

# iom_finish: the last TAP case (nothing left behind, module state as the
# contract wants), then the totals and the exit status
iom_finish() {
	_iom_dms=$IOM_DMS
	iom_cleanup
	_iom_left=
	for _d in $_iom_dms; do
		iom_exists "$_d" && _iom_left="$_iom_left dm:$_d"
	done
	_iom_left="$_iom_left $(dmsetup ls 2>/dev/null | awk '$1 ~ /^iomt_/ { printf "dm:%s ", $1 }')"
	_iom_left="$_iom_left $(losetup -n -l -O NAME,BACK-FILE 2>/dev/null |
		awk '$2 ~ /^\/run\/iomirror-/ { printf "%s ", $1 }')"
	mountpoint -q "$IOM_WORK" && _iom_left="$_iom_left mount:$IOM_WORK"
	mod_loaded dm_iomirror && _iom_left="$_iom_left module:dm_iomirror"
	mod_loaded dm_io || _iom_left="$_iom_left no-dm_io"
	_iom_left=$(echo $_iom_left)
	if [ -z "$_iom_left" ]; then
		tap_ok "cleanup: no devices left, dm_iomirror unloaded, dm_io loaded"
	else
		tap_fail "cleanup: left behind: $_iom_left"
	fi
	tap_diag "$(basename "$0"): $(($(date +%s) - IOM_T0)) s"
	tap_finish
}
