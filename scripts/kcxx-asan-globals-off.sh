#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kcxx-asan-globals-off.sh - the C++ compiler for the sanitizer (KASAN)
# build of scripts/check.sh --debug: make ... KCXX=<this script>.
#
# Runs g++ (or $DMIO_KCXX_REAL) with kbuild's arguments and
# --param=asan-globals=0 last, so it wins over KASAN's asan-globals=1.
# KASAN registers a file's global variables from a constructor
# (.init_array/.fini_array), which scripts/kbuild-cxx.mk rightly rejects
# in C++ objects; without it the engine's globals are not checked by KASAN
# (its heap, stack and the C files' globals still are).
exec "${DMIO_KCXX_REAL:-g++}" "$@" --param=asan-globals=0
