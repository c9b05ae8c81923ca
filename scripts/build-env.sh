#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# build-env.sh - what "make" needs before it hands over to kbuild, each
# missing piece named with the command that provides it (instead of kbuild's
# bare "No such file or directory.  Stop." or a compiler error):
#   - the kernel's build tree: KDIR, by default /lib/modules/$(uname -r)/build
#     (Debian: linux-headers-<release>);
#   - the C compiler the kernel was built with (its .config's
#     CONFIG_CC_VERSION_TEXT, e.g. gcc-12), unless CC is given;
#   - the C++ compiler of the same version (gcc-12 -> g++-12, clang ->
#     clang++; scripts/kbuild-cxx.mk), unless KCXX is given.
#
# usage: build-env.sh KDIR KDIR-ORIGIN [CC CC-ORIGIN [KCXX]]
#   (the origins as make's $(origin VAR) gives them: a KDIR the user gave is
#   named as such; a CC that came from make's defaults is not used)
# Exit status 0, or 1 with the message on stderr.

kdir=$1 korigin=$2 cc_arg=${3-} cc_origin=${4-default} kcxx=${5-}

fail() {
	echo "error: $*" >&2
	exit 1
}

# Debian and Ubuntu: the package that has a program, in words.
pkg_of() {
	case $1 in
	gcc) echo "gcc (or build-essential)" ;;
	g++) echo "g++ (or build-essential)" ;;
	clang-* | clang) echo "$1" ;;
	clang++*) echo "clang${1#clang++}" ;;
	*) echo "$1" ;;
	esac
}

if [ ! -f "$kdir/Makefile" ]; then
	if [ "$korigin" = file ] || [ "$korigin" = undefined ]; then
		rel=$(uname -r)
		why="there is no build tree of the running kernel $rel: $kdir"
		if [ -L "$kdir" ]; then
			why="$why is a dangling link (to $(readlink "$kdir"))"
		else
			why="$why does not exist"
		fi
		others=$(for m in /usr/src/linux-headers-*/Makefile /lib/modules/*/build/Makefile; do
			[ -f "$m" ] || continue
			d=${m%/Makefile}
			case $d in *-common | *-common-*) continue ;; esac
			grep -qs '^CONFIG_' "$d/.config" && echo "    make KDIR=$d"
		done | sort -u)
		{
			echo "error: $why."
			echo "  Install the headers of the running kernel (Debian, Ubuntu):"
			echo "    sudo apt install linux-headers-$rel"
			echo "  or build against another kernel's build tree:"
			echo "    make KDIR=/path/to/kernel/build"
			[ -z "$others" ] || { echo "  Build trees found here:"; echo "$others"; }
		} >&2
		exit 1
	fi
	fail "KDIR=$kdir is not a kernel build tree (there is no $kdir/Makefile).
  Give the build directory of a configured kernel: /lib/modules/<release>/build
  or /usr/src/linux-headers-<release> (sudo apt install linux-headers-<release>),
  or the output directory of a kernel build (add ARCH=um for User-Mode Linux)."
fi

config=$kdir/.config
if [ ! -f "$config" ]; then
	fail "$kdir has no .config: it is a kernel source tree that was not configured or built.
  Give the build directory (the O= of the kernel build), or run
  \"make -C $kdir olddefconfig modules_prepare\" first."
fi
cctext=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"$/\1/p' "$config")

# The C compiler: CC as given, else the one the kernel was built with.
if [ "$cc_origin" = "command line" ] || [ "$cc_origin" = environment ] ||
	[ "$cc_origin" = "environment override" ]; then
	cc=${cc_arg##* }	# "ccache gcc-12" -> gcc-12
else
	cc=${cctext%% *}
	[ -n "$cc" ] || cc=gcc
fi
case $cc in
*gcc*) [ -n "$kcxx" ] || kcxx=$(echo "$cc" | sed 's/gcc/g++/') ;;
*clang*) [ -n "$kcxx" ] || kcxx=$(echo "$cc" | sed 's/clang/clang++/') ;;
esac

if ! command -v "$cc" >/dev/null 2>&1; then
	fail "the kernel in $kdir was built with ${cctext:-$cc}, and there is no $cc here.
  Install it: sudo apt install $(pkg_of "$cc")
  (dm-io must be built with the kernel's compiler, and the matching C++ compiler: $kcxx)."
fi
[ -n "$kcxx" ] || exit 0
if ! command -v "$kcxx" >/dev/null 2>&1; then
	fail "dm-io's engine is C++ and needs $kcxx, the C++ compiler matching the kernel's $cc, and there is none here.
  Install it: sudo apt install $(pkg_of "$kcxx")
  (or name another with KCXX=..., of the same version as $cc)."
fi
ccv=$("$cc" -dumpfullversion 2>/dev/null || "$cc" -dumpversion 2>/dev/null)
cxxv=$("$kcxx" -dumpfullversion 2>/dev/null || "$kcxx" -dumpversion 2>/dev/null)
if [ "$ccv" != "$cxxv" ]; then
	fail "$kcxx is version ${cxxv:-unknown} but the kernel's $cc is ${ccv:-unknown}: the C++ engine must be compiled by the same version.
  Install the matching pair: sudo apt install $(pkg_of "$cc" | cut -d' ' -f1) $(pkg_of "$kcxx" | cut -d' ' -f1)
  (both from one GCC release; or name the right one with KCXX=...)."
fi
exit 0
