# cdrsift - plain GNU Makefile. Settings first (Lua's makefile).
CC      ?= cc
PREFIX  ?= /usr/local
OPT     ?= -O2 -g
WARN    = -Wall -Wextra -Wshadow -Wundef -Wwrite-strings -Wmissing-prototypes \
          -Wstrict-prototypes -Wold-style-definition -Wvla -Wformat=2 \
          -Wdouble-promotion
CFLAGS  ?= $(OPT)
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
          $(CFLAGS) $(EXTRA_CFLAGS) -MMD -MP -pthread
LIBS    = -lz -lpcre2-8 -lcsv -lcrypto -lpthread -lm
ifeq ($(CI),true)
ALL_CFLAGS += -Werror
endif
ifeq ($(SANITIZE),1)
BUILD   = build-san
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
          -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
else
BUILD   = build
endif

# Debian packages the build and the tests need (installed by `make deps`).
BUILD_PKGS = build-essential zlib1g-dev libpcre2-dev libcsv-dev libssl-dev tzdata
TEST_PKGS  = mawk gzip python3 valgrind
BENCH_PKGS = time

LIB_SRC  = $(wildcard src/*.c)
CMD_SRC  = $(wildcard cmd/cdrsift/*.c)
UNIT_SRC = $(wildcard tests/unit/*.c)
GEN_SRC  = $(wildcard testdata/gen/*.c)
EXPR_SRC = $(wildcard tests/expr/*.c)
EXPR_OBJ = $(EXPR_SRC:%.c=$(BUILD)/%.o)
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ  = $(CMD_SRC:%.c=$(BUILD)/%.o)
UNIT_OBJ = $(UNIT_SRC:%.c=$(BUILD)/%.o)
GEN_OBJ  = $(GEN_SRC:%.c=$(BUILD)/%.o)
LIBA     = $(BUILD)/libcdrsift.a
BIN      = $(BUILD)/cdrsift
UNIT     = $(BUILD)/run-unit
GEN      = $(BUILD)/cdrgen
FLOOR    = $(BUILD)/floor
EXPRT    = $(BUILD)/run-expr

.PHONY: all test demo bench fuzz install clean deps deps-test
all: $(BIN) $(GEN) cdrsift

cdrsift: $(BIN)
	@if [ "$(SANITIZE)" != 1 ]; then cp $(BIN) cdrsift; fi

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc -c $< -o $@

$(LIBA): $(LIB_OBJ)
	rm -f $@; ar rcs $@ $^

$(BIN): $(CMD_OBJ) $(LIBA)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CMD_OBJ) $(LIBA) $(LIBS)

$(UNIT): $(UNIT_OBJ) $(LIBA)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(UNIT_OBJ) $(LIBA) $(LIBS)

$(EXPRT): $(EXPR_OBJ) $(LIBA)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(EXPR_OBJ) $(LIBA) $(LIBS)

$(GEN): $(GEN_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(GEN_OBJ) -lm

$(FLOOR): tests/bench/floor.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -o $@ $< -lz

# Install missing Debian packages when root; otherwise say what to run.
deps:
	@sh tests/deps.sh $(BUILD_PKGS)
deps-test:
	@sh tests/deps.sh $(BUILD_PKGS) $(TEST_PKGS)

test: deps-test
	@$(MAKE) --no-print-directory all $(UNIT) $(if $(EXPR_SRC),$(EXPRT))
	@CDRSIFT=$(CURDIR)/$(BIN) CDRSIFT_UNIT=$(CURDIR)/$(UNIT) \
	 CDRSIFT_EXPR=$(if $(EXPR_SRC),$(CURDIR)/$(EXPRT)) \
	 CDRSIFT_GEN=$(CURDIR)/$(GEN) sh tests/run

demo: deps
	@$(MAKE) --no-print-directory all
	@sh tests/demo.sh $(CURDIR)/$(BIN)

bench: deps
	@sh tests/deps.sh $(BENCH_PKGS)
	@$(MAKE) --no-print-directory all $(FLOOR)
	@CDRSIFT=$(CURDIR)/$(BIN) CDRSIFT_GEN=$(CURDIR)/$(GEN) \
	 FLOOR=$(CURDIR)/$(FLOOR) sh tests/bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/cdrsift
	install -m 644 man/cdrsift.1 $(DESTDIR)$(PREFIX)/share/man/man1/cdrsift.1

clean:
	rm -rf build build-san cdrsift

-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(GEN_OBJ:.o=.d) \
         $(EXPR_OBJ:.o=.d)
