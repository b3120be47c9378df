# crm - one non-recursive Makefile
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions

CC ?= cc
CFLAGS ?= -g -O2
override CFLAGS += -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter -Ilib
JQ_CFLAGS := $(shell pkg-config --cflags libjq 2>/dev/null)
JQ_LIBS := $(shell pkg-config --libs libjq 2>/dev/null || echo -ljq)
# libzip and expat read .xlsx, libxlsxwriter writes it.
XLSX_PC = libzip expat xlsxwriter
XLSX_CFLAGS := $(shell pkg-config --cflags $(XLSX_PC) 2>/dev/null)
XLSX_LIBS := $(shell pkg-config --libs $(XLSX_PC) 2>/dev/null || \
	echo -lzip -lexpat -lxlsxwriter)
override CFLAGS += $(JQ_CFLAGS) $(XLSX_CFLAGS)
LDLIBS += -lcsv $(JQ_LIBS) $(XLSX_LIBS) -lm -pthread

# Debian packages the build and the tests need.
DEB_PKGS = gcc make libc6-dev libcsv-dev libjq-dev libzip-dev libexpat1-dev \
	libxlsxwriter-dev zip unzip bats bats-support git \
	bats-assert mandoc

# What make bench needs besides the build: mlr, jq and /usr/bin/time.
BENCH_PKGS = miller jq time
# Deals in the benchmark's data directory.
N ?= 1000000

# Where things go; the sanitizer build overrides these to keep apart.
OBJ ?= build
BIN ?= bin
LIBA ?= lib/libcrm.a

PROGS = crm crm-cust crm-opp crm-funnel crm-lead crm-remind
BINS = $(PROGS:%=$(BIN)/%)
LIB_SRC = $(wildcard lib/*.c)
LIB_OBJ = $(LIB_SRC:lib/%.c=$(OBJ)/lib/%.o)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(UNIT_SRC:tests/unit/%.c=$(OBJ)/unit/%)

# Sanitizer build, in its own tree so it never mixes with the plain one.
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

all: $(BINS)

$(OBJ)/lib/%.o: lib/%.c lib/crm.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(BIN)/%: cmd/%.c $(LIBA) lib/crm.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBA) $(LDLIBS)

$(OBJ)/unit/%: tests/unit/%.c tests/unit/unit.h $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -Itests/unit -o $@ $< $(LIBA) $(LDLIBS)

# xlsxcat: a helper of tests/xlsx.bats (not a unit test: no test_ prefix).
unit: $(UNIT_BINS) $(OBJ)/unit/xlsxcat

deps:
	@missing=""; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
		grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# The plain suite, then the same suite built with ASan+UBSan.
SAN_MAKE = $(MAKE) OBJ=build-san BIN=build-san/bin \
	LIBA=build-san/libcrm.a CFLAGS="-g -O1 $(SAN_FLAGS)" \
	LDFLAGS="$(SAN_FLAGS)"

# Every suite runs twice: plain, then under ASan+UBSan; tests/run prints
# TAP per suite and the summary line "N passed, N failed" at the end.
check: deps
	$(MAKE) all unit
	$(SAN_MAKE) all unit
	tests/run build/unit bin build-san/unit build-san/bin

san:
	$(SAN_MAKE) all unit

# The main job on the example company, as of its "today".
demo: deps
	@$(MAKE) -s all
	@tests/demo.sh

# ---- reliability: stress, fuzzing, valgrind (README, Reliability) ------

# Long runs, not in make check: SIGKILLed writers and 8 writers at once.
STRESS_KILLS ?= 300
STRESS_ROUNDS ?= 40
stress: all
	tests/stress/crash.sh $(STRESS_KILLS)
	tests/stress/concurrent.sh $(STRESS_ROUNDS)

# libFuzzer harnesses (clang), built with ASan+UBSan in build-fuzz/;
# make fuzz runs each for FUZZ_SECONDS, make fuzz-regress replays the
# committed corpus once.
FUZZ_TARGETS = csv jsonl conf date money import journal xlsx
FUZZ_SECONDS ?= 60
# What fuzzing and valgrind need besides DEB_PKGS, installed by their
# targets (make deps-extra), not by make check.
EXTRA_PKGS = clang libclang-rt-14-dev valgrind python3
deps-extra:
	@$(MAKE) -s deps DEB_PKGS="$(EXTRA_PKGS)"
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined
FUZZ_BINS = $(FUZZ_TARGETS:%=build-fuzz/fuzz_%)

fuzz-lib: deps-extra
	$(MAKE) CC=clang OBJ=build-fuzz BIN=build-fuzz/bin \
		LIBA=build-fuzz/libcrm.a CFLAGS="$(FUZZ_CFLAGS)" build-fuzz/libcrm.a

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h fuzz-lib
	clang $(CFLAGS) -Wno-unused-function -g -O1 \
		-fsanitize=fuzzer,address,undefined -o $@ $< \
		build-fuzz/libcrm.a $(LDLIBS)

fuzz: $(FUZZ_BINS)
	tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-regress: $(FUZZ_BINS)
	tests/fuzz/run 0 $(FUZZ_TARGETS)

# Every suite with each program run under valgrind (memcheck, leaks
# included): tests/valgrind/ wraps the programs; SUITES= to choose.
SUITES ?= $(wildcard tests/*.bats)
check-valgrind: deps-extra all unit
	tests/valgrind/run build/unit $(SUITES)

# Speed at N deals next to mlr, jq and cat (tests/bench/run).
bench: all $(OBJ)/bench/gen
	@$(MAKE) -s deps DEB_PKGS="$(BENCH_PKGS)"
	tests/bench/run $(N)

$(OBJ)/bench/gen: tests/bench/gen.c $(LIBA) lib/crm.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBA) $(LDLIBS)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5
	install -m 644 man/*.7 $(DESTDIR)$(MANDIR)/man7
	for p in $(PROGS); do \
		install -m 644 completions/$$p.bash $(DESTDIR)$(BASHCOMPDIR)/$$p; \
		install -m 644 completions/_$$p $(DESTDIR)$(ZSHCOMPDIR)/_$$p; \
	done

uninstall:
	for p in $(PROGS); do rm -f $(DESTDIR)$(BINDIR)/$$p \
		$(DESTDIR)$(MANDIR)/man1/$$p.1 $(DESTDIR)$(BASHCOMPDIR)/$$p \
		$(DESTDIR)$(ZSHCOMPDIR)/_$$p; done
	rm -f $(DESTDIR)$(MANDIR)/man5/crm-files.5 $(DESTDIR)$(MANDIR)/man7/crm.7

clean:
	rm -rf build build-san build-fuzz bin lib/libcrm.a

.PHONY: all unit deps check san demo install uninstall clean stress fuzz \
	fuzz-lib fuzz-regress check-valgrind deps-extra bench
