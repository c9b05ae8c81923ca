# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build of dm-io.ko.  "make" builds against the running kernel;
# KDIR=/path/to/kernel/build builds against another (add ARCH=um for a
# User-Mode Linux build directory).

KDIR ?= /lib/modules/$(shell uname -r)/build
PWD := $(CURDIR)

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(PWD) modules

# The targets built on dm-io (targets/), linked against its Module.symvers.
targets: modules
	$(MAKE) -C $(KDIR) M=$(PWD)/targets \
		KBUILD_EXTRA_SYMBOLS=$(PWD)/Module.symvers modules

# The KUnit test module, and the targets the selftests drive.
tests: modules targets
	$(MAKE) -C $(KDIR) M=$(PWD)/tests/kunit \
		KBUILD_EXTRA_SYMBOLS=$(PWD)/Module.symvers modules

install: targets
	$(MAKE) -C $(KDIR) M=$(PWD) modules_install
	$(MAKE) -C $(KDIR) M=$(PWD)/targets modules_install

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean
	$(MAKE) -C $(KDIR) M=$(PWD)/targets clean
	$(MAKE) -C $(KDIR) M=$(PWD)/tests/kunit clean
	rm -rf build

# The whole test suite: installs what it needs, builds (or reuses) the UML
# test kernel, builds the modules for it and for Debian's x86-64 headers,
# boots and runs KUnit and the kselftests.  Ends with "N passed, N failed".
check:
	./scripts/check.sh

# A narrated session in the test kernel: a mirror built on dm-io loses a
# leg, keeps working, recovers.  Ends with a one-line verdict.
demo:
	./scripts/demo.sh

# The benchmark (bench/run.sh): dm-io against raw bios and the kernel's own
# dm_io() in the UML test kernel, fio through iomirror vs dm-mirror.  Prints
# the BENCH lines and a table; writes build/bench/results.md and ratios.png.
bench:
	./bench/run.sh

help:
	@echo "make [KDIR=dir] [ARCH=um]   build dm-io.ko (default: the running kernel)"
	@echo "make targets                build the dm targets built on dm-io (dm-iomirror.ko)"
	@echo "make tests                  build the targets and the KUnit test module as well"
	@echo "make install                install dm-io.ko and the targets (honours INSTALL_MOD_PATH)"
	@echo "make check                  run the whole test suite in a UML kernel"
	@echo "make demo                   show dm-io at work: a 2-leg mirror fails a leg and recovers"
	@echo "make bench                  benchmark dm-io vs raw bios and the kernel's dm_io() (build/bench/results.md)"
	@echo "make clean                  remove build products"

.PHONY: all modules targets tests install clean check demo bench help
