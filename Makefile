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
override CFLAGS += $(JQ_CFLAGS)
LDLIBS += -lcsv $(JQ_LIBS) -pthread

# Debian packages the build and the tests need.
DEB_PKGS = gcc make libc6-dev libcsv-dev libjq-dev bats bats-support \
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

unit: $(UNIT_BINS)

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
	rm -rf build build-san bin lib/libcrm.a

.PHONY: all unit deps check san demo bench install uninstall clean
