/* tools/phases.c: where a training step's time goes, for `make bench`
   and chapter 7's table.

   Trains each engine on each model the way `microgpt train` does (the
   same documents in the same order, from the same starting parameters)
   but times the parts of every step apart:
     autograd: building the graph (sequence_loss, with chapter 7's dot
               nodes, as the engine trains), backward() (the walk and
               the visit), and Adam;
     manual:   the forward pass, the backward pass, and AdamW.
   and prints a line per model and engine:
     model engine steps nodes-a-step part1 part2 part3
   the parts in that order, each the mean microseconds a step; the
   nodes are the autograd graph's mean size, 0 for the manual engine.
   After each step of the manual engine it also times AdamW's floor,
   the square root and the division AdamW makes for each parameter and
   nothing else, and prints a line for it after the engine's:
     model floor passes parameters microseconds-a-pass
   `backprop-demo --phases` formats the lines as a table.  The parts add
   up to about a step of `microgpt train`, not exactly: reading the
   clock between them costs a little, each part starts where the last
   left the caches, and drawing the step's document is not timed.

   Usage: phases [WORD_STEPS]  (the autograd engine's steps on the word
   model, default 1000; the manual engine trains it 5000, and both train
   the character reference configuration 1000).  Run from the project's
   top directory: it reads data/sentences.txt and tests/data/names.txt. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "manual.h"
#include "train.h"

typedef struct {
    const char *name, *data;
    TokenKind kind;
    Config shape;
    int steps;  /* the whole run's */
} Setup;

static const Setup WORD = {"word", "data/sentences.txt", BY_WORD,
                           {0, 32, 4, 2, 16}, 5000};
static const Setup CHAR = {"char", "tests/data/names.txt", BY_CHAR,
                           {0, 16, 4, 1, 16}, 1000};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static Run *start(const Setup *s, Corpus **c)
{
    char error[RUN_ERROR_ROOM];
    Run *r = NULL;
    if ((*c = corpus_load(s->data, error)))
        r = run_start(*c, s->kind, s->shape, s->steps, 0.01, 42, error);
    if (!r) {
        fprintf(stderr, "phases: %s\n", error);
        exit(1);
    }
    return r;
}

static void autograd(const Setup *s, int steps)
{
    Corpus *c;
    Run *r = start(s, &c);
    double part[3] = {0}, nodes = 0;
    values_dot_nodes(1);
    for (int i = 0; i < steps; i++) {
        int ids[RUN_MAX_TOKENS], n = run_document(r, c, ids);
        size_t mark = values_mark();
        double t0 = now();
        Value *loss = sequence_loss(r->model, r->kv, ids, n);
        double t1 = now();
        backward(loss);
        double t2 = now();
        adam_update(r->adam, r->model->params);
        double t3 = now();
        nodes += (double)(values_count() - mark);
        values_release(mark);
        part[0] += t1 - t0, part[1] += t2 - t1, part[2] += t3 - t2;
    }
    printf("%s autograd %d %.0f %.1f %.1f %.1f\n", s->name, steps,
           nodes / steps, 1e6 * part[0] / steps, 1e6 * part[1] / steps,
           1e6 * part[2] / steps);
    values_dot_nodes(0);
    run_free(r);
    corpus_free(c);
    values_free();
}

/* Where floor_pass writes; outside the function, so that the compiler
   cannot find the writes useless and leave them out. */
static double *floor_out;

/* The work AdamW cannot do without, a square root and a division for
   each parameter, on Adam's moments as they stand, and nothing else;
   returns the seconds it took. */
static double floor_pass(const Adam *a)
{
    double t0 = now();
    for (size_t i = 0; i < a->n; i++)
        floor_out[i] = a->m[i] / (sqrt(a->v[i]) + a->eps);
    return now() - t0;
}

static void manual(const Setup *s, int steps)
{
    Corpus *c;
    Run *r = start(s, &c);
    Manual *e = manual_new(&r->model->cfg);
    manual_load(e, r->model);
    double part[3] = {0}, floor = 0;
    if (!(floor_out = calloc(r->adam->n, sizeof *floor_out))) {
        fprintf(stderr, "phases: out of memory\n");
        exit(1);
    }
    for (int i = 0; i < steps; i++) {
        int ids[RUN_MAX_TOKENS], n = run_document(r, c, ids);
        double t0 = now();
        manual_forward(e, ids, n);
        double t1 = now();
        manual_backward(e);
        double t2 = now();
        adamw_update(r->adam, e->params, e->grads, 0.0);
        double t3 = now();
        part[0] += t1 - t0, part[1] += t2 - t1, part[2] += t3 - t2;
        floor += floor_pass(r->adam);
    }
    printf("%s manual %d 0 %.1f %.1f %.1f\n", s->name, steps,
           1e6 * part[0] / steps, 1e6 * part[1] / steps,
           1e6 * part[2] / steps);
    printf("%s floor %d %zu %.1f\n", s->name, steps, r->adam->n,
           1e6 * floor / steps);
    free(floor_out);
    manual_free(e);
    run_free(r);
    corpus_free(c);
}

int main(int argc, char **argv)
{
    char *end = "";
    long word_steps = argc > 1 ? strtol(argv[1], &end, 10) : 1000;
    if (*end || word_steps < 1 || word_steps > WORD.steps) {
        fprintf(stderr, "phases: WORD_STEPS must be 1 to %d\n", WORD.steps);
        return 2;
    }
    autograd(&WORD, (int)word_steps);
    manual(&WORD, WORD.steps);
    autograd(&CHAR, CHAR.steps);
    manual(&CHAR, CHAR.steps);
    return 0;
}
