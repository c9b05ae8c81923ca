#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# init.sh - PID 1 of the benchmark guest: the UML kernel (bench/run.sh boots
# it through scripts/run-uml.sh -i; root file system = the host's / over
# hostfs), or Debian's stock kernel under QEMU (bench/run.sh --smp, through
# scripts/run-qemu.sh -i and tests/qemu/init.sh, which loads the modules
# UML has built in).
#
# Kernel command line (unknown NAME=value parameters arrive as environment):
#   DMIO_OUT=<dir>       host directory for the results (required)
#   DMIO_MODDIR=<dir>    staged build: dm-io.ko, bench/dm-io-bench.ko,
#                        targets/dm-iomirror.ko
#   BENCH_TIME_MS, BENCH_REPS, BENCH_SLICES, BENCH_ONLY, BENCH_CONTENDERS, BENCH_DEVS,
#   BENCH_MICRO, BENCH_ALLOCS (0/1), BENCH_FIO (0/1), BENCH_FIO_SECS,
#   BENCH_FIO_REPS, BENCH_PERF, BENCH_THREADS, BENCH_LOCKS, BENCH_LOCK_CASES
#                        see bench/run.sh
#
# Sequence:
#  1. mounts; the devices: null_blk "dmio_bnb" (configfs: memory_backed=0,
#     irqmode=0, 1 GiB, scheduler none, with BENCH_THREADS one submission
#     queue per CPU) and the brd RAM disks (rd_nr=4 rd_size=32768),
#     written once end to end so that
#     brd has allocated every page before anything is timed;
#  2. insmod dm-io.ko, insmod bench/dm-io-bench.ko: the timed cases run in
#     its module_init, results on the console (dmio_bench: SAMPLE ...);
#  3. allocation probe: failslab and fail_page_alloc armed with task-filter,
#     the probe parameter of dm-io-bench runs requests with make_it_fail set,
#     the difference in their "times" is every allocation attempted:
#     $DMIO_OUT/allocs.txt;
#  3b. with BENCH_LOCKS=1, the locks each request takes: the same probe
#     with ftrace's function tracer on the lock functions: $DMIO_OUT/locks.txt;
#  4. fio through the iomirror target (dm-io) and the in-tree mirror target
#     on brd legs ram0 + ram1, and on ram0 alone: $DMIO_OUT/fio/*.json;
#  5. $DMIO_OUT/summary (key=value, "status=complete" last), poweroff -f.

GUEST=BENCH-INIT
OUT=${DMIO_OUT:-}
. "$(dirname "$0")/../tests/guest-lib.sh"
guest_pid1

MODDIR=${DMIO_MODDIR:-}
LIB_KO=$MODDIR/dm-io.ko
BENCH_KO=$MODDIR/bench/dm-io-bench.ko
MIRROR_KO=$MODDIR/targets/dm-iomirror.ko
NB=dmio_bnb

# --- 1. mounts and devices -----------------------------------------------------
guest_mount
mkdir -p /run/bench && export TMPDIR=/run/bench HOME=/run/bench

guest_results
T0=$(cut -d' ' -f1 /proc/uptime)

d=/sys/kernel/config/nullb/$NB
if mkdir "$d" && echo 1024 > "$d/size" && echo 0 > "$d/memory_backed" &&
	echo 0 > "$d/irqmode" && echo 512 > "$d/blocksize" &&
	echo 256 > "$d/hw_queue_depth" &&
	{ [ -z "${BENCH_THREADS:-}" ] || echo "$(nproc)" > "$d/submit_queues"; } &&
	echo 1 > "$d/power"; then
	echo none > /sys/block/$NB/queue/scheduler
else
	log "null_blk $NB: set-up failed"
fi
for i in 0 1 2; do
	dd if=/dev/zero of=/dev/ram$i bs=1M oflag=direct 2>/dev/null
done
for dev in $NB ram0 ram2; do
	q=/sys/block/$dev/queue
	[ -d "$q" ] || { log "no /dev/$dev"; continue; }
	echo "$dev sectors=$(cat /sys/block/$dev/size) scheduler=$(cat $q/scheduler 2>/dev/null | tr ' ' '_')" \
		"max_sectors_kb=$(cat $q/max_sectors_kb) max_hw_sectors_kb=$(cat $q/max_hw_sectors_kb)" \
		"max_segments=$(cat $q/max_segments) logical_block_size=$(cat $q/logical_block_size)" \
		"nr_requests=$(cat $q/nr_requests 2>/dev/null)" >> "$OUT/devices.txt"
done
[ ! -d "$d" ] || for a in memory_backed irqmode blocksize hw_queue_depth submit_queues queue_mode; do
	printf '%s=%s ' "$a" "$(cat "$d/$a")"
done >> "$OUT/nullb.txt"

if insmod "$LIB_KO"; then summary insmod_dm_io 0; else summary insmod_dm_io $?; fi

# --- 2. the timed cases --------------------------------------------------------------
devs=${BENCH_DEVS:-nullb:/dev/$NB,brd:/dev/ram2}
log "benchmark: devs=$devs time_ms=${BENCH_TIME_MS:-250} reps=${BENCH_REPS:-5} only=${BENCH_ONLY:-} contenders=${BENCH_CONTENDERS:-ours,user,raw,kernel} threads=${BENCH_THREADS:-1}"
t=$(cut -d' ' -f1 /proc/uptime)
insmod "$BENCH_KO" devs="$devs" time_ms="${BENCH_TIME_MS:-250}" reps="${BENCH_REPS:-5}" \
	slices="${BENCH_SLICES:-10}" \
	only="${BENCH_ONLY:-}" contenders="${BENCH_CONTENDERS:-ours,user,raw,kernel}" \
	micro="${BENCH_MICRO:-1}" ${BENCH_THREADS:+threads="$BENCH_THREADS"}
rc=$?
summary insmod_bench "$rc"
# For bench/perf-report.py: every symbol, the benchmark module still loaded.
[ "${BENCH_PERF:-0}" = 0 ] || cat /proc/kallsyms > "$OUT/kallsyms.txt"
summary bench_seconds "$(echo "$t $(cut -d' ' -f1 /proc/uptime)" | awk '{ printf "%d", $2 - $1 }')"

# --- 3. allocations on the I/O path ----------------------------------------------------
# arm DIR ATTR=VALUE...: in this order (task-filter before probability)
arm() {
	a=/sys/kernel/debug/$1
	shift
	for kv in "$@"; do
		echo "${kv#*=}" > "$a/${kv%%=*}" || log "cannot set $a/${kv%%=*}"
	done
}
BIG=1000000000
PROBE_N=${BENCH_PROBE_N:-500}
if [ "${BENCH_ALLOCS:-1}" = 1 ] && [ "$rc" = 0 ] &&
	[ -d /sys/kernel/debug/failslab ] && [ -d /sys/kernel/debug/fail_page_alloc ]; then
	arm failslab task-filter=Y ignore-gfp-wait=N verbose=0 interval=1 times=$BIG probability=100
	arm fail_page_alloc task-filter=Y ignore-gfp-wait=N ignore-gfp-highmem=N min-order=0 \
		verbose=0 interval=1 times=$BIG probability=100
	cases=${BENCH_PROBE_CASES:-sync-4k-qd1-r1,sync_bvec-4k-qd1-r1,sync_vm-4k-qd1-r1,async-4k-qd1-r1,async_bvec-4k-qd1-r1,async_vm-4k-qd1-r1,async-64k-qd8-r1,async_bvec-64k-qd8-r1,async_vm-64k-qd8-r1,async-1m-qd8-r1,async_bvec-1m-qd8-r1,async_vm-1m-qd8-r1,async-4k-qd8-r8,async_bvec-4k-qd8-r8,async_vm-4k-qd8-r8,async-64k-qd8-r8,async_bvec-64k-qd8-r8,async_vm-64k-qd8-r8,async-4k-qd8-r16,async_bvec-4k-qd8-r16,async_vm-4k-qd8-r16}
	for c in $(echo "$cases" | tr ',' ' '); do
		for w in ours raw kernel; do
			echo $BIG > /sys/kernel/debug/failslab/times
			echo $BIG > /sys/kernel/debug/fail_page_alloc/times
			if echo "nullb:/dev/$NB $c $w $PROBE_N" > /sys/module/dm_io_bench/parameters/probe; then
				s=$(cat /sys/kernel/debug/failslab/times)
				p=$(cat /sys/kernel/debug/fail_page_alloc/times)
				echo "ALLOC dev=nullb case=$c who=$w n=$PROBE_N slab=$((BIG - s)) pages=$((BIG - p))" >> "$OUT/allocs.txt"
			else
				echo "ALLOC dev=nullb case=$c who=$w n=$PROBE_N failed" >> "$OUT/allocs.txt"
			fi
		done
	done
	echo 0 > /sys/kernel/debug/failslab/probability
	echo 0 > /sys/kernel/debug/fail_page_alloc/probability
	summary allocs done
fi

# --- 3b. locks taken per request ------------------------------------------------------
# ftrace's function tracer on the lock functions, for this shell only (the
# probe runs in the task that writes it); the module switches the ring
# buffer on for the counted requests only.  "lock<-caller=calls" per
# contender.
TR=/sys/kernel/debug/tracing
if [ "${BENCH_LOCKS:-0}" = 1 ] && [ "$rc" = 0 ] && grep -qw function $TR/available_tracers 2>/dev/null; then
	c_list=$(echo "${BENCH_LOCK_CASES:-sync-4k-qd1-r1,async-4k-qd1-r1,async_bvec-4k-qd1-r1,async_vm-4k-qd1-r1,async-4k-qd8-r2,async-4k-qd8-r4}" | tr ',' ' ')
	echo 0 > $TR/tracing_on
	echo nop > $TR/current_tracer
	echo 4096 > $TR/buffer_size_kb
	: > $TR/set_ftrace_filter
	for f in '_raw_spin_lock*' '_raw_spin_trylock*' '_raw_read_lock*' '_raw_write_lock*' \
		'mutex_lock*' 'mutex_trylock*' 'down_read*' 'down_write*'; do
		echo "$f" >> $TR/set_ftrace_filter || log "ftrace: no $f"
	done
	echo 0 > $TR/options/func-args 2>/dev/null	# 6.15+: keep "func <-parent"
	echo $$ > $TR/set_ftrace_pid
	echo function > $TR/current_tracer
	# An empty filter would trace every function of this shell.
	grep -qv '^#' $TR/set_ftrace_filter || { log "ftrace: no lock function to trace"; c_list=; }
	for c in $c_list; do
		for w in ours user raw kernel; do
			: > $TR/trace
			ok=1
			echo "nullb:/dev/$NB $c $w $PROBE_N" > /sys/module/dm_io_bench/parameters/probe || ok=0
			# "# entries-in-buffer/entries-written: 5000/5000": none lost
			lost=$(sed -n 's|^# entries-in-buffer/entries-written: \([0-9]*\)/\([0-9]*\).*|\2 \1|p' $TR/trace |
				awk '{ print $1 - $2 }')
			echo "LOCKS dev=nullb case=$c who=$w n=$PROBE_N ok=$ok lost=${lost:-?}" \
				"$(grep -v '^#' $TR/trace | awk '
					# "task-pid [cpu] flags time: func <-parent"; the third
					# flag is h/s/H in an interrupt: not the request'"'"'s
					{ for (i = 2; i < NF; i++) if ($i ~ /^\[[0-9]+\]$/) break
					  if (substr($(i + 1), 3, 1) != ".") next
					  for (i++; i <= NF; i++) if (substr($i, 1, 2) == "<-") { print $(i - 1) $i; break } }' |
				   sort | uniq -c | awk '{ printf "%s=%s ", $2, $1 }')" >> "$OUT/locks.txt"
		done
	done
	echo nop > $TR/current_tracer
	: > $TR/set_ftrace_filter
	: > $TR/set_ftrace_pid
	summary locks done
fi
rmmod dm_io_bench || log "rmmod dm_io_bench failed"

# --- 4. fio through the mirror targets -----------------------------------------------------
if [ "${BENCH_FIO:-1}" = 1 ]; then
	mkdir -p "$OUT/fio"
	if insmod "$MIRROR_KO"; then
		sz=$(blockdev --getsz /dev/ram0)
		secs=${BENCH_FIO_SECS:-3}
		r=0
		while [ "$r" -lt "${BENCH_FIO_REPS:-5}" ]; do
			for rw in randwrite read; do
				for w in ours raw kernel; do
					dev=/dev/mapper/bench_mirror
					case $w in
					ours) table="0 $sz iomirror 2 /dev/ram0 0 /dev/ram1 0" ;;
					kernel) table="0 $sz mirror core 2 1024 nosync 2 /dev/ram0 0 /dev/ram1 0" ;;
					raw) table= dev=/dev/ram0 ;;
					esac
					if [ -n "$table" ] && ! dmsetup create bench_mirror --table "$table"; then
						log "fio: cannot create the $w mirror"
						continue
					fi
					fio --name=bench --filename=$dev --rw=$rw --bs=4k --ioengine=libaio \
						--direct=1 --iodepth=16 --runtime="$secs" --time_based \
						--output-format=json --output="$OUT/fio/$rw-$w-$r.json" \
						> /dev/null 2>> "$OUT/fio/stderr.txt" ||
						log "fio $rw on $w failed"
					[ -z "$table" ] || dmsetup remove bench_mirror ||
						log "dmsetup remove bench_mirror failed"
				done
			done
			r=$((r + 1))
		done
		rmmod dm_iomirror || log "rmmod dm_iomirror failed"
		summary fio done
	else
		log "insmod $MIRROR_KO failed: no fio cases"
		summary fio "insmod failed"
	fi
fi

rmmod dm_io || log "rmmod dm_io failed"
if [ -d "$d" ]; then
	echo 0 > "$d/power"
	rmdir "$d"
fi
dmesg > "$OUT/dmesg.txt" 2>&1
summary guest_seconds "$(echo "$T0 $(cut -d' ' -f1 /proc/uptime)" | awk '{ printf "%d", $2 - $1 }')"
summary status complete
log "done; powering off"
halt_now
