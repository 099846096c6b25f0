# microGPT, literately: the one entry point.
#
#   make                   deps if missing, tangle, every stage, the book,
#                          build/microgpt (the last stage's program)
#   make test              every chapter's tests on every stage from its own
#                          on, sanitizer and leak runs, check-tangled, that
#                          data/sentences.txt is what the grammar draws,
#                          the book's link check, that tools/phases.c
#                          (make bench's and the book's) still compiles
#   make chapter-N         build stage N (chapters 1..N) in build/chapter-N/
#   make test-chapter-N    run chapters 1..N's tests against stage N
#   make bench             time both training engines (RUNS=3 rounds),
#                          then the parts of a step (tools/phases.c)
#   make tangle            refresh tangled/ (the readable sources)
#   make check-tangled     fail if tangled/ differs from a fresh tangle
#   make book              the HTML book and the PDF in build/book/
#   make deps              install the Debian packages that are missing
#   make clean             remove build/

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules --no-print-directory

CHAPTERS := $(sort $(wildcard chapters/[0-9][0-9]-*.nw))
number   = $(patsubst 0%,%,$(firstword $(subst -, ,$(notdir $(1)))))
STAGES   := $(filter-out 0,$(foreach c,$(CHAPTERS),$(call number,$(c))))
LAST     := $(lastword $(STAGES))
BOOK     := build/book
MARKUP   := /usr/lib/noweb/markup
# A stage's files compile as many at once as there are processors.  Only
# compiling: the book's runs and benchmark, which time themselves, run
# one at a time, with nothing beside them.
JOBS     := $(shell nproc 2>/dev/null || echo 1)
STAGE    := $(MAKE) -j$(JOBS) -f tools/stage.mk

# What the build needs, as Debian packages (README: "Build it and test
# it").
PACKAGES := gcc make gawk noweb pandoc libcriterion-dev pkg-config \
            texlive-latex-recommended texlive-fonts-recommended lmodern \
            graphviz gnuplot-nox time poppler-utils

.PHONY: all deps stages tangle check-tangled book check-book test clean \
        test-stages bench

all: deps stages build/microgpt book
	@echo "Built stages $(firstword $(STAGES))..$(LAST) in build/chapter-N/,"
	@echo "the program build/microgpt (stage $(LAST)'s),"
	@echo "and the book: $(BOOK)/index.html, $(BOOK)/microgpt.pdf"

deps:
	@tools/deps $(PACKAGES)

# ---- stages -------------------------------------------------------------

stages: $(addprefix chapter-,$(STAGES))

# Stage N: chapters 01..N tangled with #line directives, then compiled.
chapter-%: deps
	@tools/tangle $* build/chapter-$*/src --lines
	@$(STAGE) N=$* VARIANT=release programs
	@echo "Stage $* is built. Its programs:"
	@for p in build/chapter-$*/*; do \
	  if [[ -f $$p && -x $$p ]]; then echo "  $$p"; fi; done
	@echo "Its tests: make test-chapter-$*"

test-chapter-%: chapter-%
	@$(STAGE) N=$* VARIANT=release tests
	@tools/run-tests --report $* $*:release

# The finished program is the last stage's.  It is copied only when it
# changed, so that what depends on it is not made again for nothing.
build/microgpt: stages
	@if ! cmp -s build/chapter-$(LAST)/microgpt $@; then \
	  cp build/chapter-$(LAST)/microgpt $@; echo "Copied $@"; fi

# ---- the book's run -------------------------------------------------------

# The word model trained with every default, as a reader first runs it;
# chapter 5 prints what it printed and plots its log.
RUN := build/runs/word

$(RUN).out: build/microgpt data/sentences.txt
	@mkdir -p $(@D)
	@rm -f $(RUN).csv $(RUN).ckpt
	@echo "The book's run: build/microgpt train, 5000 steps..."
	build/microgpt train --log $(RUN).csv --out $(RUN).ckpt > $@.tmp
	@mv $@.tmp $@

# ---- the benchmark -------------------------------------------------------

# Both engines on both models (tools/bench says how).  The book's figures
# come from a shorter version, run when the program changes; `make bench`
# is the whole one, RUNS times each (default 3), printed as a table.
BENCH := build/bench
# tools/phases.c, built as the last stage's programs are (below)
PHASES := build/chapter-$(LAST)/phases
RUNS  ?= 3

$(BENCH)/book.txt: build/microgpt tools/bench data/sentences.txt \
                   tests/data/names.txt
	@mkdir -p $(@D)
	@echo "The book's benchmark: tools/bench --book 3..."
	tools/bench --book 3 > $@.tmp
	@mv $@.tmp $@

bench: deps stages build/microgpt $(PHASES)
	@mkdir -p $(BENCH)
	tools/bench $(RUNS) > $(BENCH)/full.txt
	@build/chapter-$(LAST)/backprop-demo --bench $(BENCH)/full.txt
	@echo
	@echo "Where a step's time goes (tools/phases.c; mean per step):"
	@$(PHASES) > $(BENCH)/phases.txt
	@build/chapter-$(LAST)/backprop-demo --phases $(BENCH)/phases.txt

# tools/phases.c times the parts of each engine's step apart; it is built
# against the last stage's library with that stage's flags.  The book's
# table of them comes from a short run, the autograd engine on the word
# model for 500 steps as in the book's benchmark (a few seconds in all),
# made again when the program changes, as the benchmark is.
$(PHASES): tools/phases.c build/microgpt
	@$(STAGE) N=$(LAST) VARIANT=release $@

$(BENCH)/phases-book.txt: build/microgpt tools/phases.c data/sentences.txt \
                          tests/data/names.txt | $(PHASES) \
                          $(BENCH)/book.txt
	@echo "The book's parts of a step: $(PHASES) 500..."
	$(PHASES) 500 > $@.tmp
	@mv $@.tmp $@

# ---- the readable sources ----------------------------------------------

tangle: deps
	@tools/tangle $(LAST) tangled
	@tools/check-columns tangled/*

check-tangled: deps
	@tools/check-tangled $(LAST)

# ---- the book -----------------------------------------------------------

PAGES     := $(patsubst chapters/%.nw,$(BOOK)/%.html,$(CHAPTERS))
MD        := $(patsubst chapters/%.nw,$(BOOK)/md/%.md,$(CHAPTERS))
FIGURES   := build/figures/all.fig
LUA       := book/figures.lua book/tables.lua book/links.lua book/math.lua \
             book/html.lua book/chunkrefs.lua
HTMLFLAGS := --standalone --template=book/page.html --mathml --toc \
             --toc-depth=2 --highlight-style=pygments --section-divs

book: deps $(BOOK)/index.html $(PAGES) $(BOOK)/book.css $(BOOK)/microgpt.pdf

# One pass of the back end writes every chapter's Markdown.
$(BOOK)/md/.stamp: $(CHAPTERS) book/nw2md.awk
	@mkdir -p $(@D)
	$(MARKUP) $(CHAPTERS) | gawk -f book/nw2md.awk -v out=$(@D)
	@touch $@
$(MD) $(BOOK)/md/contents.md: $(BOOK)/md/.stamp ;

# The programs of every stage print the figures the prose names.
$(FIGURES): stages tools/figures $(RUN).out $(BENCH)/book.txt \
            $(BENCH)/phases-book.txt
	@mkdir -p $(@D)
	@tools/figures $(STAGES) > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

$(BOOK)/anchors.txt: $(MD) book/ids.lua
	@for m in $(MD); do \
	  p=$$(basename $$m .md).html; \
	  pandoc -f markdown -t plain --lua-filter book/ids.lua -M page=$$p $$m; \
	done | grep -v '^$$' > $@
	@echo "index.html index.html" >> $@

$(BOOK)/%.html: $(BOOK)/md/%.md $(BOOK)/anchors.txt $(FIGURES) $(LUA) \
                book/page.html
	pandoc $< -o $@ $(HTMLFLAGS) --metadata-file=$(BOOK)/md/$*.yaml \
	  -M page=$*.html -M anchors=$(BOOK)/anchors.txt -M figures=$(FIGURES) \
	  --lua-filter book/figures.lua --lua-filter book/tables.lua \
	  --lua-filter book/links.lua --lua-filter book/math.lua \
	  --lua-filter book/html.lua

$(BOOK)/index.html: book/index.md $(BOOK)/md/contents.md book/page.html \
                    book/contents.lua $(MD)
	cat book/index.md $(BOOK)/md/contents.md | \
	  pandoc -f markdown -o $@ --standalone --template=book/page.html \
	    -M next=00-preface.html -M next-title=Preface -M md=$(BOOK)/md \
	    --lua-filter book/contents.lua

$(BOOK)/book.css: book/book.css
	cp $< $@

# pandoc --verbose keeps pdflatex's messages, in $@.log, for
# book/check-overfull; its warnings are shown, and its errors.
$(BOOK)/microgpt.pdf: $(MD) $(FIGURES) book/figures.lua book/tables.lua \
                      book/pdf.yaml book/preamble.tex book/latex.lua \
                      book/chunkrefs.lua
	cd $(BOOK)/md && pandoc $(notdir $(MD)) -o ../microgpt.pdf --verbose \
	  --pdf-engine=pdflatex --top-level-division=chapter \
	  --highlight-style=pygments --metadata-file=$(CURDIR)/book/pdf.yaml \
	  -H $(CURDIR)/book/preamble.tex -M figures=$(CURDIR)/$(FIGURES) \
	  -M figures-out=$(CURDIR)/build/figures \
	  --lua-filter $(CURDIR)/book/figures.lua \
	  --lua-filter $(CURDIR)/book/tables.lua \
	  --lua-filter $(CURDIR)/book/latex.lua 2> $(CURDIR)/$@.log || \
	  { grep -v '^\[INFO\]' $(CURDIR)/$@.log | tail -n 30; exit 1; }
	@grep '^\[WARNING\]' $@.log || true

check-book: book
	@book/check-links $(BOOK)
	@book/check-overfull $(BOOK)/microgpt.pdf.log
	@book/check-pages $(BOOK)/microgpt.pdf
	@book/check-pdf-links $(BOOK)/microgpt.pdf.log

# ---- all the tests --------------------------------------------------------

# Every stage in two builds: optimised, and under AddressSanitizer and
# UndefinedBehaviorSanitizer (whose programs also run under LeakSanitizer).
test-stages: stages
	@for n in $(STAGES); do \
	  $(STAGE) N=$$n VARIANT=release tests; \
	  $(STAGE) N=$$n VARIANT=san tests; \
	done

# Compiling comes first, so a broken chunk shows as a compiler error that
# names its chapter and line; the checks of tangled/, of the book's links
# and of the PDF's lines, pages and links count in the closing summary
# with the tests.
test: deps test-stages book $(PHASES)
	@tools/run-tests --check "tools/check-tangled $(LAST)" \
	  --check "tools/check-corpus $(LAST)" \
	  --check "book/check-links $(BOOK)" \
	  --check "book/check-overfull $(BOOK)/microgpt.pdf.log" \
	  --check "book/check-pages $(BOOK)/microgpt.pdf" \
	  --check "book/check-pdf-links $(BOOK)/microgpt.pdf.log" \
	  $(foreach n,$(STAGES),$(n):release $(n):san)

clean:
	rm -rf build
