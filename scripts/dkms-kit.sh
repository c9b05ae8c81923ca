#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dkms-kit.sh DIR - the consumer kit of one DKMS build of dm-io (dkms.conf's
# POST_BUILD, run in the build directory once the modules are built): DIR
# (DKMS's /var/lib/dkms/dm-io/<version>/<kernel>/<arch>) gets the build's
# Module.symvers and include/dm-io.h, what a module calling dm-io needs to
# build against this kernel's dm-io.ko (KBUILD_EXTRA_SYMBOLS, -I).
set -e
[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: $0 DKMS-KERNEL-DIR (an existing directory)" >&2; exit 2; }
[ -s Module.symvers ] || { echo "$0: no Module.symvers in $(pwd): dm-io.ko was not built here" >&2; exit 1; }
mkdir -p "$1/include"
cp Module.symvers "$1/Module.symvers"
cp dm-io.h "$1/include/dm-io.h"
echo "dm-io consumer kit: $1/Module.symvers, $1/include/dm-io.h"
