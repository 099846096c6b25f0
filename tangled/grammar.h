/* grammar.h: the grammar of the bundled corpus: drawing sentences from
   it, and telling whether a sentence is one of its own. */
#ifndef GRAMMAR_H
#define GRAMMAR_H

#include "rng.h"

enum {
    GRAMMAR_MIN_WORDS = 2,
    GRAMMAR_MAX_WORDS = 8,
    GRAMMAR_MAX_CHARS = 100  /* no sentence of the grammar is longer */
};

/* Draws a sentence: lowercase words separated by single spaces, written
   to out, which has room for GRAMMAR_MAX_CHARS + 1 bytes. */
void grammar_draw(Rng *r, char *out);

/* 1 if the grammar can produce this sentence, else 0. */
int grammar_accepts(const char *sentence);
/* How many of the n sentences the grammar can produce. */
int grammar_accepted(char *const *sentences, int n);

/* How many distinct words the grammar has, and the k-th in byte order
   (NULL if there is none). */
int grammar_words(void);
const char *grammar_word(int k);

#endif
