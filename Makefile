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
LIBS    = -lz -larchive -llzma -lbz2 -lpcre2-8 -lcsv -lcrypto -lpthread -lm
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

# Fuzzing (make fuzz): libFuzzer targets built with clang into build-fuzz/,
# each run FUZZ_SECONDS on its corpus (testdata/fuzz/<target> seeds, new
# inputs kept in build-fuzz/corpus/<target>); FUZZ_MAXLEN_<target> bounds
# an input. `make test` replays the seeds with $(BUILD)/fuzz-replay.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= input csvrow time expr cells partial audit manifest archive
FUZZ_TARGETS += pseudo
FUZZ_TARGETS += anomflags
FUZZ_DIR     = build-fuzz
FUZZ_SAN     = address,undefined
FUZZ_CFLAGS  = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
          -O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
          -MMD -MP -pthread
FUZZ_MAXLEN_input  = 65536
FUZZ_MAXLEN_csvrow = 16384
FUZZ_MAXLEN_time   = 4096
FUZZ_MAXLEN_expr   = 4096
FUZZ_MAXLEN_cells  = 16384
FUZZ_MAXLEN_partial = 65536
FUZZ_MAXLEN_audit  = 16384
FUZZ_MAXLEN_manifest = 16384
FUZZ_MAXLEN_archive = 65536
FUZZ_MAXLEN_pseudo = 4096
FUZZ_MAXLEN_anomflags = 16384

# Debian packages the build and the tests need (installed by `make deps`).
BUILD_PKGS = build-essential zlib1g-dev liblzma-dev libbz2-dev libarchive-dev libpcre2-dev libcsv-dev libssl-dev tzdata
TEST_PKGS  = mawk gzip zstd python3 valgrind python3-sklearn parallel
BENCH_PKGS = time miller python3-sklearn zstd xz-utils unzip opt:nodejs opt:npm opt:linux-perf
TEST_PKGS += opt:gdal-bin

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
FUZZ_SRC = $(wildcard tests/fuzz/*.c)
REPLAY_OBJ = $(FUZZ_SRC:%.c=$(BUILD)/replay/%.o)
REPLAY   = $(BUILD)/fuzz-replay
FUZZ_LIB_OBJ = $(LIB_SRC:%.c=$(FUZZ_DIR)/%.o)

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

# The DBSCAN core on points from stdin, for t5001 (scikit-learn) and bench.
DBSCAN_RUN = $(BUILD)/dbscan-run
$(DBSCAN_RUN): $(BUILD)/tests/geo/dbscan-run.o $(LIBA)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBA) $(LIBS)

$(FLOOR): tests/bench/floor.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -o $@ $< -lz

# ISA-L (issue #5): inflate with ISA-L when <isa-l/igzip_lib.h> and -lisal
# work (libisal-dev, optional: `make deps` installs it when it can); zlib
# stays the reference (src/input.c). `make ISAL=0` builds without it. The
# stamp rebuilds input.o when the choice changes; floor_isal joins bench.
ISAL ?= 1
ifneq ($(ISAL),0)
BUILD_PKGS += opt:libisal-dev
HAVE_ISAL := $(shell echo 'int main(void) { return 0; }' | $(CC) -include \
          isa-l/igzip_lib.h -x c - -o /dev/null -lisal 2>/dev/null && echo 1)
endif
ifeq ($(HAVE_ISAL),1)
ALL_CFLAGS  += -DCDRSIFT_ISAL
FUZZ_CFLAGS += -DCDRSIFT_ISAL
LIBS        += -lisal
FLOOR_ISAL   = $(BUILD)/floor_isal
endif
ISAL_STAMP = $(BUILD)/.isal-$(HAVE_ISAL)
$(BUILD)/src/input.o $(FUZZ_DIR)/src/input.o: $(ISAL_STAMP)
$(ISAL_STAMP):
	@mkdir -p $(BUILD) && rm -f $(BUILD)/.isal-* && touch $@
$(BUILD)/floor_isal: tests/bench/floor_isal.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -o $@ $< -lisal
bench: $(FLOOR_ISAL)

# The fuzz targets as one plain program (tests/fuzz/replay.c) for make test.
$(BUILD)/replay/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DFUZZ_REPLAY -Isrc -c $< -o $@

$(REPLAY): $(REPLAY_OBJ) $(LIBA)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(REPLAY_OBJ) $(LIBA) $(LIBS)

# libFuzzer builds: the library with sanitizer coverage, one binary a target.
.PRECIOUS: $(FUZZ_DIR)/%.o
$(FUZZ_DIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) -Isrc \
	 -c $< -o $@

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) -o $@ $^ $(LIBS)

# Build every target, then run each in turn (never two at once) and print
# executions per second and coverage; crashes land in build-fuzz/artifacts/.
fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)
	@$(foreach t,$(FUZZ_TARGETS),FUZZ_DIR=$(FUZZ_DIR) sh tests/fuzz/run.sh \
	 $(t) $(FUZZ_SECONDS) $(FUZZ_MAXLEN_$(t)) &&) cat $(FUZZ_DIR)/summary.txt

# Install missing Debian packages when root; otherwise say what to run.
deps:
	@sh tests/deps.sh $(BUILD_PKGS)
deps-test:
	@sh tests/deps.sh $(BUILD_PKGS) $(TEST_PKGS)

test: deps-test
	@$(MAKE) --no-print-directory all $(UNIT) $(if $(EXPR_SRC),$(EXPRT)) \
	 $(REPLAY) $(DBSCAN_RUN)
	@CDRSIFT=$(CURDIR)/$(BIN) CDRSIFT_UNIT=$(CURDIR)/$(UNIT) \
	 CDRSIFT_REPLAY=$(CURDIR)/$(REPLAY) \
	 CDRSIFT_DBSCAN=$(CURDIR)/$(DBSCAN_RUN) \
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
	@CDRSIFT=$(CURDIR)/$(BIN) FLOOR=$(CURDIR)/$(FLOOR) sh tests/bench/stages.sh
	@CDRSIFT=$(CURDIR)/$(BIN) CDRSIFT_GEN=$(CURDIR)/$(GEN) \
	 sh tests/bench/memory.sh
	@$(MAKE) --no-print-directory $(DBSCAN_RUN)
	@DBSCAN_RUN=$(CURDIR)/$(DBSCAN_RUN) sh tests/bench/dbscan.sh
	@CDRSIFT=$(CURDIR)/$(BIN) CDRSIFT_GEN=$(CURDIR)/$(GEN) FLOOR=$(CURDIR)/$(FLOOR) \
	 DBSCAN_RUN=$(CURDIR)/$(DBSCAN_RUN) sh tests/bench/geo.sh
	@CDRSIFT=$(CURDIR)/$(BIN) CDRSIFT_GEN=$(CURDIR)/$(GEN) \
	 sh tests/bench/partial.sh
	@CDRSIFT=$(CURDIR)/$(BIN) CDRSIFT_GEN=$(CURDIR)/$(GEN) \
	 sh tests/bench/archive.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/cdrsift
	install -m 644 man/cdrsift.1 $(DESTDIR)$(PREFIX)/share/man/man1/cdrsift.1

clean:
	rm -rf build build-san cdrsift

-include $(REPLAY_OBJ:.o=.d) $(FUZZ_DIR)/tests/fuzz/*.d $(FUZZ_DIR)/src/*.d
-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(GEN_OBJ:.o=.d) \
         $(EXPR_OBJ:.o=.d)
