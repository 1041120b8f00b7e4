# dispute: a terminal case workbench for professional disagreements in safeguarding.

VERSION    = 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
DATADIR   ?= $(PREFIX)/share/dispute
LIBDIR    ?= $(PREFIX)/lib
PKGLIBDIR ?= $(LIBDIR)/dispute
MANDIR    ?= $(PREFIX)/share/man
PKG_CONFIG ?= pkg-config
CC        ?= gcc
ifeq ($(origin CC),default)
CC = gcc
endif

PKGS_CORE = sqlite3 inih nettle
PKGS_APP  = ncursesw libical gmime-3.0
PKGS_TEST = cmocka
# libcsv (libcsv-dev) has no pkg-config file: its header is looked for instead.
LIBS_CSV  = -lcsv

WERROR    ?= -Werror
CFLAGS    ?= -O2 -g
CFLAGS    += -std=c11 -Wall -Wextra $(WERROR) -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wformat=2 -Wvla
CPPFLAGS  += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude \
             -DDISPUTE_VERSION='"$(VERSION)"' -DDISPUTE_DATADIR='"$(DATADIR)"' \
             -DDISPUTE_LIBDIR='"$(PKGLIBDIR)"'

ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

ifneq ($(V),1)
Q = @
E = @printf '  %-7s %s\n'
else
Q =
E = @true
endif

# pkg-config answers are only wanted when compiling; `make deps` must work
# on a machine where none of the packages are installed yet.
ifeq ($(filter deps clean,$(MAKECMDGOALS)),)
MISSING := $(shell for p in $(PKGS_CORE) $(PKGS_APP) $(PKGS_TEST); do \
              $(PKG_CONFIG) --exists $$p || echo $$p; done)
MISSING += $(shell printf '\043include <csv.h>\n' | $(CC) -E -x c - >/dev/null 2>&1 || echo libcsv)
ifneq ($(MISSING),)
$(info dispute: missing packages ($(MISSING)); installing them with scripts/deps)
DEPS_RC := $(shell sh scripts/deps >&2; echo $$?)
ifneq ($(DEPS_RC),0)
$(error scripts/deps could not install $(MISSING))
endif
endif
PC_CFLAGS    := $(shell $(PKG_CONFIG) --cflags $(PKGS_CORE) $(PKGS_APP))
PC_LIBS_CORE := $(shell $(PKG_CONFIG) --libs $(PKGS_CORE)) $(LIBS_CSV)
PC_LIBS_APP  := $(shell $(PKG_CONFIG) --libs $(PKGS_APP))
PC_TEST      := $(shell $(PKG_CONFIG) --cflags --libs $(PKGS_TEST))
PC_LIBS_ICAL := $(shell $(PKG_CONFIG) --libs libical)
PC_LIBS_EXPORT := $(shell $(PKG_CONFIG) --libs libical gmime-3.0)
PC_LIBS_TERM   := $(shell $(PKG_CONFIG) --libs ncursesw)
endif
CPPFLAGS += $(PC_CFLAGS)

# One folder a layer (HACKING draws them).  Each file is compiled as a
# member of its folder's layer (-DDISPUTE_LAYER), and the headers of the
# other layers refuse to be included where the layering says they must not
# be: a wrong include stops the build.
LAYERS    = core store service export tui term cli
LAYER_FLAG_core    = CORE
LAYER_FLAG_store   = STORE
LAYER_FLAG_service = SERVICE
LAYER_FLAG_export  = EXPORT
LAYER_FLAG_tui     = TUI
LAYER_FLAG_term    = TERM
LAYER_FLAG_cli     = CLI
objs      = $(patsubst src/%.c,build/%.o,$(wildcard src/$(1)/*.c))
CORE_OBJ    := $(call objs,core)
STORE_OBJ   := $(call objs,store)
SERVICE_OBJ := $(call objs,service)
EXPORT_OBJ  := $(call objs,export)
TUI_OBJ     := $(call objs,tui)
TERM_OBJ    := $(call objs,term)
CLI_OBJ     := $(call objs,cli)
ALL_OBJ     := $(foreach l,$(LAYERS),$(call objs,$(l)))

# Modules, loaded when first used (include/dispute/modules.h): the code that
# calls libical and GMime is calendar.so, the code that calls ncursesw is
# terminal.so, and the program holds stand-ins of the same names that load
# them (src/cli/modules.c), so that a command which sends no invite and opens
# no workbench never loads those libraries.  Each module's table and the
# stand-ins carry DISPUTE_ABI (the version and a hash of the headers): a
# module from another build is refused rather than called.
CALENDAR_OBJ := build/export/ics.o build/export/imip.o build/export/calendar_module.o
TERMINAL_OBJ := build/term/term_curses.o
MODULE_OBJ   := $(CALENDAR_OBJ) $(TERMINAL_OBJ)
MODULES      := build/calendar.so build/terminal.so
PROGRAM_OBJ  := $(filter-out $(MODULE_OBJ),$(ALL_OBJ))
EXPORT_OBJ   := $(filter-out build/export/calendar_module.o,$(EXPORT_OBJ))
ABI          := $(VERSION)-$(shell cat include/dispute/*.h | sha256sum | cut -c1-16)
ABI_STAMP    := build/abi.stamp
ABI_OBJ      := build/export/calendar_module.o build/term/term_curses.o build/cli/modules.o

# Link-time layering as well: the unit tests link the core, the store and
# the service without curses or libical, and the screen tests the workbench
# without the terminal back-end, so a curses or libical call creeping into
# a lower layer breaks a link.
BASE_OBJ    := $(CORE_OBJ) $(STORE_OBJ) $(SERVICE_OBJ)
UNIT_SRC    := $(wildcard tests/unit/test_*.c)
UNIT_BIN    := $(UNIT_SRC:tests/unit/%.c=build/tests/%)
SCREEN_OBJ  := $(TUI_OBJ) $(EXPORT_OBJ)
SCREEN_BIN  := build/tests/screen_test
TEST_FLAGS  := -DDISPUTE_LAYER=DISPUTE_LAYER_TEST -Isrc/tui

# What the build embeds: a changed PREFIX, DATADIR, LIBDIR or VERSION rebuilds it.
BUILD_STAMP := build/embedded.stamp
EMBEDDED    := $(VERSION) $(DATADIR) $(PKGLIBDIR)

all: dispute

$(BUILD_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(EMBEDDED)' | cmp -s - $@ || echo '$(EMBEDDED)' >$@

$(ABI_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(ABI)' | cmp -s - $@ || echo '$(ABI)' >$@

$(ABI_OBJ): $(ABI_STAMP)
$(ABI_OBJ): CPPFLAGS += -DDISPUTE_ABI='"$(ABI)"'
$(MODULE_OBJ): CFLAGS += -fPIC -fvisibility=hidden

# The modules call back into the program: -rdynamic puts its functions in
# its dynamic symbol table.
dispute: $(PROGRAM_OBJ) $(MODULES)
	$(E) LINK $@
	$(Q)$(CC) $(LDFLAGS) -rdynamic -o $@ $(PROGRAM_OBJ) $(PC_LIBS_CORE) -ldl -lm

build/calendar.so: $(CALENDAR_OBJ)
	$(E) LINK $@
	$(Q)$(CC) $(LDFLAGS) -shared -o $@ $^ $(PC_LIBS_EXPORT)

build/terminal.so: $(TERMINAL_OBJ)
	$(E) LINK $@
	$(Q)$(CC) $(LDFLAGS) -shared -o $@ $^ $(PC_LIBS_TERM)

build/%.o: src/%.c $(BUILD_STAMP)
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(CPPFLAGS) -DDISPUTE_LAYER=DISPUTE_LAYER_$(LAYER_FLAG_$(firstword $(subst /, ,$*))) \
	    $(CFLAGS) -MMD -MP -c -o $@ $<

build/tests/%: tests/unit/%.c $(BASE_OBJ)
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(TEST_FLAGS) $(CFLAGS) -MMD -MP -o $@ $< $(BASE_OBJ) $(PC_TEST) $(PC_LIBS_CORE) \
	    $(LDFLAGS) -lm

# The text buffer and the input decoder are the workbench's, but need
# nothing beyond the core: their unit tests link them alone, without curses.
build/tests/test_textedit: tests/unit/test_textedit.c $(BASE_OBJ) build/tui/textedit.o build/tui/keys.o
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(TEST_FLAGS) $(CFLAGS) -MMD -MP -o $@ $< $(BASE_OBJ) build/tui/textedit.o build/tui/keys.o \
	    $(PC_TEST) $(PC_LIBS_CORE) $(LDFLAGS) -lm

build/tests/test_input: tests/unit/test_input.c $(BASE_OBJ) build/tui/input.o
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(TEST_FLAGS) $(CFLAGS) -MMD -MP -o $@ $< $(BASE_OBJ) build/tui/input.o \
	    $(PC_TEST) $(PC_LIBS_CORE) $(LDFLAGS) -lm

$(SCREEN_BIN): tests/screen/screen_test.c $(BASE_OBJ) $(SCREEN_OBJ)
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(TEST_FLAGS) $(CFLAGS) -MMD -MP -o $@ $< $(BASE_OBJ) $(SCREEN_OBJ) $(PC_LIBS_EXPORT) \
	    $(PC_LIBS_CORE) $(LDFLAGS) -lm

# Test tools that need libical; never linked into the core.
build/tests/icscheck: tests/tools/icscheck.c
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(TEST_FLAGS) $(CFLAGS) -o $@ $< $(PC_LIBS_ICAL) $(LDFLAGS)

# The fuzz harness of the protocol loader (libFuzzer).  The core is
# compiled again by clang, with coverage, ASan and UBSan, into build/fuzz/
# apart from gcc's objects; libFuzzer and the sanitizers come with clang
# (Debian: clang and libclang-rt-14-dev).  libinih is the system's library
# and stays the loader's INI reader: it is not instrumented, so the fuzzer
# steers by the loader's own code (which classifies every line the way
# libinih does) and the sanitizers watch what the loader makes of what
# libinih hands it.  `make fuzz` runs it for FUZZ_SECONDS and fails on a
# crash, a leak or undefined behaviour, leaving the input in build/fuzz/.
CLANG        ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  := -std=c11 -g -O1 -Wall -Wextra $(WERROR) -Wshadow -Wstrict-prototypes \
                -Wmissing-prototypes -Wformat=2 -Wvla -fno-omit-frame-pointer \
                -fno-sanitize-recover=all
FUZZ_OBJ     := $(patsubst src/core/%.c,build/fuzz/core/%.o,$(wildcard src/core/*.c))
FUZZ_BIN     := build/fuzz/fuzz_protocol

build/fuzz/core/%.o: src/core/%.c $(BUILD_STAMP)
	@mkdir -p $(@D)
	$(E) CLANG $<
	$(Q)$(CLANG) $(CPPFLAGS) -DDISPUTE_LAYER=DISPUTE_LAYER_CORE $(FUZZ_CFLAGS) \
	    -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c -o $@ $<

$(FUZZ_BIN): tests/fuzz/fuzz_protocol.c $(FUZZ_OBJ)
	@mkdir -p $(@D)
	$(E) CLANG $<
	$(Q)$(CLANG) $(CPPFLAGS) -DDISPUTE_LAYER=DISPUTE_LAYER_TEST $(FUZZ_CFLAGS) \
	    -fsanitize=fuzzer,address,undefined -MMD -MP -o $@ $< $(FUZZ_OBJ) $(PC_LIBS_CORE) -lm

fuzz: $(FUZZ_BIN)
	sh tests/fuzz/run $(FUZZ_BIN) $(FUZZ_SECONDS)

deps:
	sh scripts/deps

run: dispute
	./dispute

demo: dispute
	sh scripts/demo

# The tests need programs pkg-config does not know (tmux, jq, sqlite3,
# python3-vobject): scripts/deps installs whichever is missing (quick when
# none is), so `make check` works on a new machine as the README says.
check: dispute $(UNIT_BIN) $(SCREEN_BIN) build/tests/icscheck build/tests/bench
	sh scripts/deps
	sh tests/run-all $(UNIT_BIN)

# The kill -9 test at full size: 300 kills while records are written and disputes escalated.
check-kill: dispute
	sh scripts/deps
	tests/torture/kill9 300

check-valgrind: dispute $(UNIT_BIN) $(SCREEN_BIN) build/tests/icscheck
	DISPUTE_VALGRIND=1 sh tests/run-all $(UNIT_BIN)

build/tests/bench: tests/bench/bench.c $(BASE_OBJ) $(EXPORT_OBJ)
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(TEST_FLAGS) $(CFLAGS) -o $@ $< $(BASE_OBJ) $(EXPORT_OBJ) $(PC_LIBS_APP) $(PC_LIBS_CORE) \
	    $(LDFLAGS) -lm

build/tests/bench_tui: tests/bench/bench_tui.c $(BASE_OBJ) $(SCREEN_OBJ)
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(TEST_FLAGS) $(CFLAGS) -o $@ $< $(SCREEN_OBJ) $(BASE_OBJ) $(PC_LIBS_APP) $(PC_LIBS_CORE) \
	    $(LDFLAGS) -lm

build/tests/ics_floor: tests/bench/ics_floor.c
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(PC_LIBS_ICAL) $(PC_LIBS_CORE) $(LDFLAGS)

bench: dispute build/tests/bench build/tests/bench_tui build/tests/ics_floor $(SCREEN_BIN)
	sh scripts/bench

install: dispute
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/protocols $(DESTDIR)$(PKGLIBDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 0755 dispute $(DESTDIR)$(BINDIR)/dispute
	install -m 0644 $(MODULES) $(DESTDIR)$(PKGLIBDIR)/
	install -m 0644 data/bank-holidays.csv $(DESTDIR)$(DATADIR)/bank-holidays.csv
	install -m 0644 data/protocols/*.ini $(DESTDIR)$(DATADIR)/protocols/
	install -m 0644 man/dispute.1 $(DESTDIR)$(MANDIR)/man1/dispute.1
	install -m 0644 man/dispute-protocol.5 $(DESTDIR)$(MANDIR)/man5/dispute-protocol.5

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/dispute $(DESTDIR)$(MANDIR)/man1/dispute.1 \
	    $(DESTDIR)$(MANDIR)/man5/dispute-protocol.5
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(PKGLIBDIR)

clean:
	rm -rf build dispute

.PHONY: all deps run demo check check-kill check-valgrind bench fuzz install uninstall clean FORCE

-include $(ALL_OBJ:.o=.d) $(UNIT_BIN:=.d) $(SCREEN_BIN:=.d) $(FUZZ_OBJ:.o=.d) $(FUZZ_BIN:=.d)
