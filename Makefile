# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build of dm-io.ko.  "make" builds against the running kernel;
# KDIR=/path/to/kernel/build builds against another (add ARCH=um for a
# User-Mode Linux build directory).

KDIR_ORIGIN := $(origin KDIR)
KDIR ?= /lib/modules/$(shell uname -r)/build
PWD := $(CURDIR)

# Before kbuild: the build tree, the kernel's C compiler and the matching
# C++ compiler, each missing one named with the command that provides it
# (scripts/build-env.sh).
BUILD_ENV = ./scripts/build-env.sh "$(KDIR)" "$(KDIR_ORIGIN)" "$(CC)" "$(origin CC)" "$(KCXX)"

# The kernel series the test suite builds and boots (scripts/lib.sh): 6.1
# (the default), 6.12 (both Debian bookworm's), 7.3 (trixie-backports'),
# e.g. "make check KVER=7.3"; or "newest": the newest linux-source-<series>
# Debian serves (sid, backports), its UML legs.  Unset, "make check" runs
# the legs scripts/check.sh's LEG_TABLE marks ci ("scripts/check.sh --list").
export KVER

all: modules

build-env:
	@$(BUILD_ENV)

modules: build-env
	$(MAKE) -C $(KDIR) M=$(PWD) modules

# The targets built on dm-io (targets/), linked against its Module.symvers.
targets: modules
	$(MAKE) -C $(KDIR) M=$(PWD)/targets \
		KBUILD_EXTRA_SYMBOLS=$(PWD)/Module.symvers modules

# The stress module (tests/stress/: plain C, also for distro kernels).
stress: modules
	$(MAKE) -C $(KDIR) M=$(PWD)/tests/stress \
		KBUILD_EXTRA_SYMBOLS=$(PWD)/Module.symvers modules

# The KUnit test module, the stress module, and the targets the selftests
# drive.
tests: modules targets stress
	$(MAKE) -C $(KDIR) M=$(PWD)/tests/kunit \
		KBUILD_EXTRA_SYMBOLS=$(PWD)/Module.symvers modules

install: targets
	$(MAKE) -C $(KDIR) M=$(PWD) modules_install
	$(MAKE) -C $(KDIR) M=$(PWD)/targets modules_install

clean:
	@if [ -f "$(KDIR)/Makefile" ]; then \
		for d in . targets tests/kunit tests/stress; do \
			$(MAKE) -C $(KDIR) M=$(PWD)/$$d clean || exit 1; \
		done; \
	else \
		echo "clean: no kernel build tree at $(KDIR) (KDIR=...): kbuild's products stay"; \
	fi
	rm -rf build

# The Debian package dm-io-dkms (debian/, scripts/deb.sh): the sources in
# /usr/src/dm-io-<version>/, built by DKMS for every kernel with headers;
# writes build/deb/dm-io-dkms_<version>_all.deb and checks it with lintian.
deb:
	./scripts/deb.sh

# The whole test suite: installs what it needs, builds (or reuses) the UML
# test kernels, builds the modules for them and for Debian's x86-64 headers,
# boots and runs KUnit and the kselftests.  Ends with "N passed, N failed".
# Legs (scripts/check.sh --list): the base UML kernel, the sanitizer UML
# kernel and Debian's stock kernel under QEMU, on Linux 6.1, 6.12 and 7.3.
# "make check" (CI) runs six of the nine, well under 90 minutes from a cold
# cache on 2 cores: 6.1 base, sanitizer and QEMU, 6.12 base, 7.3 base and
# QEMU; "make check-all" all nine.
check:
	./scripts/check.sh

check-all:
	./scripts/check.sh --matrix

# One leg of it each (scripts/check.sh --help): the base UML kernel; the
# sanitizer UML kernel (KASAN, lockdep, kmemleak, UBSAN, debug objects);
# Debian's stock SMP kernel under QEMU/TCG.
check-uml:
	./scripts/check.sh --uml

check-debug:
	./scripts/check.sh --debug

check-qemu:
	./scripts/check.sh --qemu

# A narrated session in the test kernel: a mirror built on dm-io loses a
# leg, keeps working, recovers.  Ends with a one-line verdict.
demo:
	./scripts/demo.sh

# The benchmark (bench/run.sh): dm-io against raw bios and the kernel's own
# dm_io() in the UML test kernel, fio through iomirror vs dm-mirror.  Prints
# the BENCH lines and a table; writes build/bench/results.md and ratios.png.
bench:
	./bench/run.sh

# The same cases on SMP: Debian's stock kernel under QEMU/TCG, 1 and 2
# submitting threads on separate CPUs (bench/run.sh --smp); the scaling of
# each contender, in build/bench-smp/ and Documentation/bench-smp.rst.
bench-smp:
	./bench/run.sh --smp

# Is the checkout slower than dm-io at BASE (a git revision)?  The same
# kernel and harness for both, rounds alternated (bench/ab.sh); needs an
# idle machine.
bench-ab:
	BASE=$(BASE) ./bench/ab.sh

# The static checks (scripts/lint.sh): checkpatch --strict, sparse (C=2
# against the UML test kernel and the x86-64 headers), kernel-doc and
# clang-format; one ok/not ok line each.  "make check" runs them first.
# "make format" applies clang-format (.clang-format, engine/.clang-format).
lint:
	./scripts/lint.sh

format:
	./scripts/lint.sh --fix


help:
	@echo "make deb                    the Debian package dm-io-dkms (build/deb/dm-io-dkms_$$(cat VERSION)_all.deb), lintian-checked"
	@echo "make [KDIR=dir] [ARCH=um]   build dm-io.ko (default: the running kernel)"
	@echo "make targets                build the dm targets built on dm-io (dm-iomirror.ko)"
	@echo "make tests                  build the targets, the KUnit test module and the stress module as well"
	@echo "make install                install dm-io.ko and the targets (honours INSTALL_MOD_PATH)"
	@echo "make check                  run the test suite, CI's legs (6.1: base UML, sanitizer UML, QEMU; 6.12: base UML; 7.3: base UML, QEMU)"
	@echo "make check-all              ... every leg: base UML, sanitizer UML and QEMU on 6.1, 6.12 and 7.3 (scripts/check.sh --list)"
	@echo "make check KVER=7.3         ... all three legs on Linux 7.3 (KVER=6.1, KVER=6.12: on that series only)"
	@echo "make check KVER=newest      ... the UML legs on the newest kernel Debian serves (sid, backports)"
	@echo "DMIO_CHECK_LEGS=\"qemu@7.3\" make check   ... the legs named (KIND@SERIES)"
	@echo "make check-uml              ... only in the base UML kernel (the fast leg)"
	@echo "make check-debug            ... only in the sanitizer UML kernel (KASAN, lockdep, kmemleak, UBSAN)"
	@echo "make check-qemu             ... only in Debian's stock kernel under QEMU (SMP, no KUnit)"
	@echo "make demo                   show dm-io at work: a 2-leg mirror fails a leg and recovers"
	@echo "make bench                  benchmark dm-io vs raw bios and the kernel's dm_io() (build/bench/results.md)"
	@echo "make bench-smp              the same on SMP: Debian's kernel under QEMU, 1 and 2 threads, the scaling (Documentation/bench-smp.rst)"
	@echo "make bench-ab BASE=<rev>    the benchmark's vs_raw of dm-io at <rev> against the checkout (bench/ab.sh)"
	@echo "make lint                   checkpatch --strict, sparse, kernel-doc, clang-format (also run by make check)"
	@echo "make format                 reformat the C and C++ sources with clang-format"
	@echo "make clean                  remove build products"

.PHONY: all build-env deb modules targets stress tests install clean check check-all check-uml check-debug check-qemu demo bench bench-smp bench-ab lint format help
