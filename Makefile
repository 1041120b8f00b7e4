# dispute: a terminal case workbench for professional disagreements in safeguarding.

VERSION    = 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
DATADIR   ?= $(PREFIX)/share/dispute
MANDIR    ?= $(PREFIX)/share/man
PKG_CONFIG ?= pkg-config
CC        ?= gcc
ifeq ($(origin CC),default)
CC = gcc
endif

PKGS_CORE = sqlite3 inih
PKGS_APP  = ncursesw libical
PKGS_TEST = cmocka

WERROR    ?= -Werror
CFLAGS    ?= -O2 -g
CFLAGS    += -std=c11 -Wall -Wextra $(WERROR) -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wformat=2 -Wvla
CPPFLAGS  += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude \
             -DDISPUTE_VERSION='"$(VERSION)"' -DDISPUTE_DATADIR='"$(DATADIR)"'

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
ifneq ($(MISSING),)
$(info dispute: missing packages ($(MISSING)); installing them with scripts/deps)
DEPS_RC := $(shell sh scripts/deps >&2; echo $$?)
ifneq ($(DEPS_RC),0)
$(error scripts/deps could not install $(MISSING))
endif
endif
PC_CFLAGS    := $(shell $(PKG_CONFIG) --cflags $(PKGS_CORE) $(PKGS_APP))
PC_LIBS_CORE := $(shell $(PKG_CONFIG) --libs $(PKGS_CORE))
PC_LIBS_APP  := $(shell $(PKG_CONFIG) --libs $(PKGS_APP))
PC_TEST      := $(shell $(PKG_CONFIG) --cflags --libs $(PKGS_TEST))
PC_LIBS_ICAL := $(shell $(PKG_CONFIG) --libs libical)
endif
CPPFLAGS += $(PC_CFLAGS)

# The core links without curses or libical: the unit tests link only these,
# so a curses or libical call creeping into the core breaks the build.
CORE_SRC = src/util.c src/date.c src/calendar.c src/protocol.c src/protocol_load.c \
           src/dispute.c src/store.c src/paths.c src/text.c src/service.c src/config.c \
           src/input.c
APP_SRC  = $(filter-out $(CORE_SRC),$(wildcard src/*.c))
CORE_OBJ = $(CORE_SRC:src/%.c=build/%.o)
APP_OBJ  = $(APP_SRC:src/%.c=build/%.o)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=build/tests/%)

# Screen tests link the app, panes and screen without the terminal
# back-end: a curses call creeping into them breaks this link too.  The
# invite and report views bring the export modules they call, and libical.
SCREEN_SRC = src/app.c src/dialog.c src/draft_offer.c src/editor.c src/form.c src/help.c src/identity.c \
             src/search.c src/keys.c src/lines.c src/pane_board.c \
             src/pane_list.c src/pane_record.c src/pane_timeline.c src/screen.c src/textedit.c \
             src/view_invite.c src/view_report.c src/invite.c src/ics.c src/report.c src/store_report.c \
             src/clock.c
SCREEN_OBJ = $(SCREEN_SRC:src/%.c=build/%.o)
SCREEN_BIN = build/tests/screen_test

all: dispute

dispute: $(CORE_OBJ) $(APP_OBJ)
	$(E) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PC_LIBS_APP) $(PC_LIBS_CORE) -lm

build/%.o: src/%.c
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

build/tests/%: tests/unit/%.c $(CORE_OBJ)
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -o $@ $< $(CORE_OBJ) $(PC_TEST) $(PC_LIBS_CORE) $(LDFLAGS) -lm

# The text buffer is not a core object, but it needs nothing beyond the
# core either: its unit test links it alone, still without curses.
build/tests/test_textedit: tests/unit/test_textedit.c $(CORE_OBJ) build/textedit.o
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -o $@ $< $(CORE_OBJ) build/textedit.o $(PC_TEST) $(PC_LIBS_CORE) \
	    $(LDFLAGS) -lm

$(SCREEN_BIN): tests/screen/screen_test.c $(CORE_OBJ) $(SCREEN_OBJ)
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -o $@ $< $(CORE_OBJ) $(SCREEN_OBJ) $(PC_LIBS_ICAL) $(PC_LIBS_CORE) \
	    $(LDFLAGS) -lm

# Test tools that need libical; never linked into the core.
build/tests/icscheck: tests/tools/icscheck.c
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(PC_LIBS_ICAL) $(LDFLAGS)

deps:
	sh scripts/deps

run: dispute
	./dispute

demo: dispute
	sh scripts/demo

check: dispute $(UNIT_BIN) $(SCREEN_BIN) build/tests/icscheck
	sh tests/run-all $(UNIT_BIN)

check-valgrind: dispute $(UNIT_BIN) $(SCREEN_BIN) build/tests/icscheck
	DISPUTE_VALGRIND=1 sh tests/run-all $(UNIT_BIN)

build/tests/bench: tests/bench/bench.c $(CORE_OBJ) build/ics.o
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(CORE_OBJ) build/ics.o $(PC_LIBS_APP) $(PC_LIBS_CORE) $(LDFLAGS) -lm

bench: dispute build/tests/bench $(SCREEN_BIN)
	sh scripts/bench

install: dispute
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/protocols \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 0755 dispute $(DESTDIR)$(BINDIR)/dispute
	install -m 0644 data/bank-holidays.csv $(DESTDIR)$(DATADIR)/bank-holidays.csv
	install -m 0644 data/protocols/*.ini $(DESTDIR)$(DATADIR)/protocols/
	install -m 0644 man/dispute.1 $(DESTDIR)$(MANDIR)/man1/dispute.1
	install -m 0644 man/dispute-protocol.5 $(DESTDIR)$(MANDIR)/man5/dispute-protocol.5

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/dispute $(DESTDIR)$(MANDIR)/man1/dispute.1 \
	    $(DESTDIR)$(MANDIR)/man5/dispute-protocol.5
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build dispute

.PHONY: all deps run demo check check-valgrind bench install uninstall clean

-include $(CORE_OBJ:.o=.d) $(APP_OBJ:.o=.d) $(UNIT_BIN:=.d) $(SCREEN_BIN:=.d)
