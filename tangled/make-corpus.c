/* make-corpus.c: writes the bundled corpus to standard output:
   make-corpus > data/sentences.txt */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar.h"
#include "rng.h"

enum { WANTED = 30000, SLOTS = 1 << 16 };  /* SLOTS > 2 * WANTED */

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Adds s (copying it) unless it is there already; 1 if it was added. */
static int add(char **slots, const char *s)
{
    uint32_t i = fnv1a(s) & (SLOTS - 1);
    for (; slots[i]; i = (i + 1) & (SLOTS - 1))
        if (strcmp(slots[i], s) == 0)
            return 0;
    slots[i] = malloc(strlen(s) + 1);
    if (!slots[i]) {
        fputs("make-corpus: out of memory\n", stderr);
        exit(1);
    }
    strcpy(slots[i], s);
    return 1;
}
static int by_bytes(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int print_sorted(char **slots, int n)
{
    char **lines = malloc(n * sizeof *lines);
    if (!lines)
        return 0;
    int k = 0;
    for (int i = 0; i < SLOTS; i++)
        if (slots[i])
            lines[k++] = slots[i];
    qsort(lines, k, sizeof *lines, by_bytes);
    for (int i = 0; i < k; i++)
        puts(lines[i]);
    free(lines);
    return 1;
}

/* A word of the grammar that no sentence uses, or NULL. */
static const char *unused_word(char **slots)
{
    for (int k = 0; k < grammar_words(); k++) {
        const char *w = grammar_word(k);
        size_t len = strlen(w);
        int found = 0;
        for (int i = 0; i < SLOTS && !found; i++)
            for (const char *p = slots[i]; p && (p = strstr(p, w)); p++)
                if ((p == slots[i] || p[-1] == ' ')
                    && (p[len] == ' ' || p[len] == '\0')) {
                    found = 1;
                    break;
                }
        if (!found)
            return w;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    (void)argv;
    if (argc != 1) {
        fputs("usage: make-corpus > sentences.txt\n", stderr);
        return 2;
    }
    char **slots = calloc(SLOTS, sizeof *slots);
    if (!slots)
        return 1;
    Rng r;
    rng_seed(&r, 42);
    int n = add(slots, "the cat eats a muffin");
    char sentence[GRAMMAR_MAX_CHARS + 1];
    while (n < WANTED) {
        grammar_draw(&r, sentence);
        n += add(slots, sentence);
    }
    const char *missing = unused_word(slots);
    int ok = !missing && print_sorted(slots, n);
    if (missing)
        fprintf(stderr, "make-corpus: no sentence uses \"%s\"\n", missing);
    for (int i = 0; i < SLOTS; i++)
        free(slots[i]);
    free(slots);
    return ok ? 0 : 1;
}
