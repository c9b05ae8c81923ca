#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh - the static checks ("make lint"; "make check" runs them first).
#
# usage: lint.sh [--fix] [checkpatch] [sparse] [kernel-doc] [clang-format] [layout]
#
# Runs each check (all five without names) and prints one TAP line each,
# "ok N - ..." or "not ok N - ...: K findings", the findings indented above
# it; exits 1 when any check has a finding, 0 when all are clean.
#
#   checkpatch    the kernel's scripts/checkpatch.pl --no-tree --strict -f
#                 on every C file (*.c, and *.h outside engine/).  The
#                 engine's C++ (*.cpp, engine/*.h) is not checkpatch's
#                 language: clang-format checks its style instead.
#                 Per-file exceptions: CHECKPATCH_IGNORE below.
#   sparse        "make C=2" (sparse on every C file of the module, the
#                 targets and the KUnit tests) in staging copies under
#                 build/lint/, against the UML 6.1 test kernel
#                 (scripts/uml-kernel.sh: built once, then cached) and
#                 Debian's x86-64 headers (dm-io.ko and the targets); in
#                 the UML kernel bench/ too.
#                 Every warning or error line of the build is a finding.
#   kernel-doc    the kernel's scripts/kernel-doc -none (with -Wall where
#                 the kernel-doc has it, else -v, which in 6.1 is what
#                 warns about a missing "Return:") on dm-io.h and on every
#                 C file with a /** comment.
#   clang-format  clang-format --dry-run --Werror on every C and C++ file:
#                 C with .clang-format (the kernel's), the engine with
#                 engine/.clang-format.  A finding is a line to change.
#   layout        the README's "Layout" table against the tree: every
#                 top-level file and folder git tracks has a row, and every
#                 path a row names exists.
#
# --fix: run "clang-format -i" on those files first ("make format"), then
# the checks named (none: only the formatting).
#
# Installs what is missing (scripts/ensure-deps.sh, with sparse and
# clang-format); logs in build/lint/.  Environment: DMIO_LINT_KERNELS
# ("uml x86" by default: the kernels sparse builds against), DMIO_CACHE.

set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$DMIO_ROOT" || exit 1
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS ARCH CROSS_COMPILE \
	KBUILD_OUTPUT KBUILD_EXTRA_SYMBOLS KBUILD_EXTMOD KDIR O M C W
export LC_ALL=C

# checkpatch types a file may break, with the reason.
# (none: dm-io-compat.h tests DMIO_HAVE_* macros, not kernel versions)
declare -A CHECKPATCH_IGNORE=()
CLANG_FORMAT_PKG=clang-format-14
CXX_DIRS=(engine)	# *.h there are C++
FIX=0
CHECKS=()
for a in "$@"; do
	case $a in
	--fix) FIX=1 ;;
	checkpatch | sparse | kernel-doc | clang-format | layout) CHECKS+=("$a") ;;
	-h | --help)
		sed -n '4,/^$/s/^# \{0,1\}//p' "$0"
		exit 0 ;;
	*) die "unknown argument '$a' (usage: $0 [--fix] [checkpatch] [sparse] [kernel-doc] [clang-format] [layout])" ;;
	esac
done
if [ ${#CHECKS[@]} -eq 0 ] && [ "$FIX" = 0 ]; then
	CHECKS=(checkpatch sparse kernel-doc clang-format layout)
fi
want() { [[ " ${CHECKS[*]} " == *" $1 "* ]]; }

OUT=$DMIO_ROOT/build/lint
mkdir -p "$OUT" || die "cannot create $OUT"

# --- tools --------------------------------------------------------------------
if ! "$DMIO_ROOT/scripts/ensure-deps.sh" sparse "$CLANG_FORMAT_PKG" >&2; then
	echo "not ok 1 - lint: install the tools (scripts/ensure-deps.sh)"
	exit 1
fi
KSRC=$(ksrc_dir) || die "no kernel source"
CLANG_FORMAT=$(command -v clang-format-14 || command -v clang-format) ||
	die "clang-format not found"

# --- files --------------------------------------------------------------------
# list_files PATTERN...: tracked (and untracked, not ignored) files whose
# names match, sorted; outside git every such file but build/'s
list_files() {
	if git rev-parse --git-dir >/dev/null 2>&1; then
		git ls-files -co --exclude-standard -- "$@" | grep -v '^build/' | sort -u
	else
		local p args=()
		for p in "$@"; do args+=(${args[0]+-o} -name "$p"); done
		find . \( -path ./build -o -path ./.git \) -prune -o \
			\( "${args[@]}" \) -type f -print | sed 's|^\./||' | sort -u
	fi
}
is_cxx() {
	local d
	case $1 in *.cpp) return 0 ;; esac
	for d in "${CXX_DIRS[@]}"; do
		case $1 in "$d"/*) return 0 ;; esac
	done
	return 1
}
C_FILES=()
CXX_FILES=()
while IFS= read -r f; do
	[ -f "$f" ] || continue
	if is_cxx "$f"; then CXX_FILES+=("$f"); else C_FILES+=("$f"); fi
done < <(list_files '*.c' '*.h' '*.cpp')

N=0
FAILED=0
# result NAME FINDINGS-FILE: one TAP line; the findings (up to 40) above it
result() {
	local name=$1 file=$2 n
	N=$((N + 1))
	n=$(grep -c . "$file")
	if [ "$n" -eq 0 ]; then
		echo "ok $N - $name: 0 findings"
	else
		FAILED=$((FAILED + 1))
		head -40 "$file" | sed 's/^/    /'
		[ "$n" -le 40 ] || echo "    ... ($((n - 40)) more in $(rel "$file"))"
		echo "not ok $N - $name: $n findings"
	fi
}
rel() { echo "${1#"$DMIO_ROOT"/}"; }

if [ "$FIX" = 1 ]; then
	"$CLANG_FORMAT" -i "${C_FILES[@]}" "${CXX_FILES[@]}" ||
		die "clang-format -i failed"
	step "format: clang-format -i on ${#C_FILES[@]} C and ${#CXX_FILES[@]} C++ files" >&2
fi

# --- checkpatch -----------------------------------------------------------------
if want checkpatch; then
	: >"$OUT/checkpatch.txt"
	for f in "${C_FILES[@]}"; do
		# Run in build/lint/: in a git tree --strict leaves a
		# .checkpatch-camelcase.git.* cache file in the current
		# directory.  A path, not a bare "dm-io.h", which checkpatch
		# would take for <linux/dm-io.h>.
		(cd "$OUT" && perl "$KSRC/scripts/checkpatch.pl" --no-tree --strict \
			--terse --show-types --no-summary --color=never \
			${CHECKPATCH_IGNORE[$f]:+--ignore "${CHECKPATCH_IGNORE[$f]}"} \
			-f "$DMIO_ROOT/$f") 2>&1 | sed "s|^$DMIO_ROOT/|./|" >>"$OUT/checkpatch.txt"
	done
	result "checkpatch --strict (${#C_FILES[@]} C files)" "$OUT/checkpatch.txt"
fi

# --- sparse ---------------------------------------------------------------------
# sparse_build NAME TARGET MAKE-ARGS...: make C=2 TARGET in build/lint/NAME;
# with ARCH=um (the kernel bench/run.sh uses) the benchmark module too
sparse_build() {
	local name=$1 target=$2 dest=$OUT/$1 log=$OUT/sparse-$1.log
	shift 2
	step "lint: sparse ($name): make C=2 $* $target (log: $(rel "$log"))" >&2
	if ! stage_sources "$dest"; then
		echo "$name: cannot copy the sources to $(rel "$dest")" >>"$OUT/sparse.txt"
		return
	fi
	if ! make -C "$dest" -j"$(nproc)" C=2 "$@" "$target" >"$log" 2>&1; then
		echo "$name: make C=2 $target failed (log: $(rel "$log"))" >>"$OUT/sparse.txt"
	elif [[ " $* " == *" ARCH=um "* ]] &&
		! make -C "${KDIR_LINT}" -j"$(nproc)" C=2 ARCH=um M="$dest/bench" \
			KBUILD_EXTRA_SYMBOLS="$dest/Module.symvers" modules >>"$log" 2>&1; then
		echo "$name: make C=2 of bench/ failed (log: $(rel "$log"))" >>"$OUT/sparse.txt"
	fi
	grep -E '(warning|error):' "$log" | grep -v 'Skipping BTF generation' |
		sed "s|$dest/||g; s|^|$name: |" >>"$OUT/sparse.txt"
	grep -q '^  CHECK ' "$log" ||
		echo "$name: sparse did not run (no CHECK line in $(rel "$log"))" >>"$OUT/sparse.txt"
}
if want sparse; then
	: >"$OUT/sparse.txt"
	kernels=${DMIO_LINT_KERNELS:-uml x86}
	for k in $kernels; do
		case $k in
		uml)
			if B=$("$DMIO_ROOT/scripts/uml-kernel.sh") && [ -f "$B/Module.symvers" ]; then
				KDIR_LINT=$B sparse_build uml tests KDIR="$B" ARCH=um
			else
				echo "uml: no UML test kernel (scripts/uml-kernel.sh)" >>"$OUT/sparse.txt"
			fi ;;
		x86)
			abi=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
				grep -o 'linux-headers-[0-9][^ ,]*-amd64' | head -1)
			if [ -n "$abi" ] && [ -d "/usr/src/$abi" ]; then
				sparse_build x86_64 targets KDIR="/usr/src/$abi"
			else
				echo "x86: no headers of linux-headers-amd64" >>"$OUT/sparse.txt"
			fi ;;
		*) echo "unknown kernel '$k' in DMIO_LINT_KERNELS" >>"$OUT/sparse.txt" ;;
		esac
	done
	result "sparse, make C=2 ($kernels)" "$OUT/sparse.txt"
fi

# --- kernel-doc -----------------------------------------------------------------
if want kernel-doc; then
	: >"$OUT/kernel-doc.txt"
	kdoc=(perl "$KSRC/scripts/kernel-doc" -none)
	if grep -q '"Wall"' "$KSRC/scripts/kernel-doc"; then
		kdoc+=(-Wall)
	else
		kdoc+=(-v)
	fi
	files=()
	for f in "${C_FILES[@]}"; do
		[ "$f" = dm-io.h ] || grep -q '^/\*\*' "$f" && files+=("$f")
	done
	for f in "${files[@]}"; do
		"${kdoc[@]}" "./$f" 2>&1 | grep -v -E ': info: |^[0-9]+ (warnings|errors)$' \
			>>"$OUT/kernel-doc.txt"
	done
	result "kernel-doc ${kdoc[*]:2} (${#files[@]} files)" "$OUT/kernel-doc.txt"
fi

# --- clang-format ----------------------------------------------------------------
if want clang-format; then
	: >"$OUT/clang-format.txt"
	# One finding per line to change: the first line of each message.
	"$CLANG_FORMAT" --dry-run --Werror "${C_FILES[@]}" "${CXX_FILES[@]}" 2>&1 |
		grep -E '(warning|error):' >>"$OUT/clang-format.txt"
	result "clang-format $("$CLANG_FORMAT" --version | grep -o '[0-9][0-9.]*' | head -1) (${#C_FILES[@]} C, ${#CXX_FILES[@]} C++ files)" \
		"$OUT/clang-format.txt"
fi

# --- layout -----------------------------------------------------------------------
if want layout; then
	: >"$OUT/layout.txt"
	# the first cell of each row of the table under "## Layout", as paths
	mapfile -t rows < <(sed -n '/^## Layout/,/^## /p' README.md |
		sed -n 's/^| `\([^`]*\)`.*/\1/p')
	for top in $(git ls-files | cut -d/ -f1 | grep -v "^\\." | sort -u); do
		found=0
		for r in "${rows[@]}"; do
			[ "${r%%/*}" = "$top" ] && found=1 && break
		done
		[ $found = 1 ] || echo "README.md: no row in the Layout table for '$top'" >>"$OUT/layout.txt"
	done
	for r in "${rows[@]}"; do
		[ -e "$r" ] || echo "README.md: the Layout table names '$r', which does not exist" >>"$OUT/layout.txt"
	done
	result "layout: README's table against the tree (${#rows[@]} rows)" "$OUT/layout.txt"
fi

[ "$FAILED" -eq 0 ]
