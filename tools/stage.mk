# tools/stage.mk: compiles one tangled stage.  The top-level Makefile calls
#   make -f tools/stage.mk N=3 VARIANT=release|san [programs|tests]
# after tools/tangle has written build/chapter-N/src/ (and, for make
# bench, make -f tools/stage.mk N=7 build/chapter-7/phases).
#
# Every .c file that defines main() is a program; the others form the
# stage's library, which the programs and the chapter tests link against.

SHELL   := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.SECONDARY:
.DELETE_ON_ERROR:

N       ?= $(error N (the stage number) is required)
VARIANT ?= release
SRC     := build/chapter-$(N)/src
OUT     := build/chapter-$(N)$(if $(filter san,$(VARIANT)),/san)

CC       ?= cc
WARN     := -std=c11 -Wall -Wextra -Wpedantic -Werror
# No fused multiply-add: a*b + c must round twice, as Python's does, or the
# model's numbers drift from the original's in the last bit (chapter 3).
# And pow is always the C library's pow, as Python's ** is: GCC would
# otherwise turn pow(x, -1) into 1 / x and pow(g, 2) into g * g, which
# differ from the library's result in the last bit about once in a
# thousand (chapters 3 and 5).
# Nothing reads errno after a math function, so sqrt may be the
# processor's instruction, in loops the compiler turns into vector code
# (chapter 7's Adam); no result changes by a bit.
MATH     := -ffp-contract=off -fno-builtin-pow -fno-math-errno
# -O3 vectorises loops such as the hand-written engine's AdamW (chapter
# 7); it does not reorder floating-point sums, so every result is the
# same as at -O2.  And the release build is compiled for the processor
# of the machine that builds it (-march=native, if the compiler knows
# it): on one with AVX, those loops, and the linear layers that chapter
# 7 writes with vectors of its own, take four doubles at a time where
# every x86-64 can take two.  No result changes by a bit, since nothing
# is fused (MATH) and no sum reordered; the programs may just not run on
# an older processor.  `make ARCH=` builds programs for any x86-64.  Only an ARCH
# given to make counts, not one in the environment, where other builds
# leave names such as x86_64.
ifneq ($(origin ARCH),command line)
ARCH := $(shell $(CC) -march=native -E -x c /dev/null >/dev/null 2>&1 \
                && echo -march=native)
endif
OPT_release := -O3 -g $(ARCH)
OPT_san  := -O1 -g -fno-omit-frame-pointer \
            -fsanitize=address,undefined -fno-sanitize-recover=all
# Each stage's programs know which stage they are (microgpt --version).
CFLAGS   := $(WARN) $(MATH) $(OPT_$(VARIANT)) -I$(SRC) -MMD -MP \
            -DMICROGPT_STAGE=$(N)
LDLIBS   := -lm
CRITERION := $(shell pkg-config --cflags --libs criterion)

C_FILES    := $(sort $(wildcard $(SRC)/*.c))
MAIN       := '^int main[(]'
PROG_FILES := $(if $(C_FILES),$(shell grep -l $(MAIN) $(C_FILES)))
LIB_FILES  := $(filter-out $(PROG_FILES),$(C_FILES))
LIB_OBJS   := $(patsubst $(SRC)/%.c,$(OUT)/obj/%.o,$(LIB_FILES))
PROGS      := $(patsubst $(SRC)/%.c,$(OUT)/%,$(PROG_FILES))
LIB        := $(OUT)/libstage.a

# Chapter K's tests run on stage N for every K <= N.
TEST_SRCS  := $(foreach f,$(sort $(wildcard tests/chapter-[0-9][0-9].c)),\
                $(if $(shell [ $$((10#$(patsubst tests/chapter-%.c,%,$(f)))) \
                     -le $(N) ] && echo y),$(f)))
TESTS      := $(patsubst tests/%.c,$(OUT)/tests/%,$(TEST_SRCS))

.PHONY: programs tests
programs: $(PROGS)
tests: $(TESTS) $(PROGS)

# make bench's tools/phases.c, against this stage's library, with its flags
$(OUT)/phases: tools/phases.c $(LIB) tools/stage.mk
	$(CC) $(CFLAGS) $< $(LIB) $(LDLIBS) -o $@

$(OUT)/obj/%.o: $(SRC)/%.c tools/stage.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(if $^,ar rcs $@ $^,ar rcs $@)

$(OUT)/%: $(OUT)/obj/%.o $(LIB)
	$(CC) $(CFLAGS) $< $(LIB) $(LDLIBS) -o $@

# Tests see the stage's headers and know where its programs are, so a test
# can check what a chapter's program prints, not only what its functions
# return.
$(OUT)/tests/%: tests/%.c $(LIB) tools/stage.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DSTAGE_DIR='"$(OUT)"' $< $(LIB) $(CRITERION) \
	    $(LDLIBS) -o $@

-include $(wildcard $(OUT)/obj/*.d $(OUT)/tests/*.d $(OUT)/phases.d)
