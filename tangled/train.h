/* train.h: learning from one document at a time: Adam, the training
   step, and a run of steps. */
#ifndef TRAIN_H
#define TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "corpus.h"
#include "model.h"
#include "rng.h"
#include "tokenizer.h"

typedef struct {
    double lr;      /* the learning rate at step 0 */
    double beta1;   /* how much of m each step keeps */
    double beta2;   /* how much of v each step keeps */
    double eps;     /* keeps the step finite where v is 0 */
    int num_steps;  /* the rate falls linearly to 0 over these */
    int step;       /* steps taken so far */
    size_t n;       /* parameters */
    double *m;      /* [n] running mean of each gradient */
    double *v;      /* [n] running mean of its square */
} Adam;

/* Adam for n parameters over num_steps >= 1 steps, starting at rate lr,
   with beta1 0.85, beta2 0.99, eps 1e-8 and both means zero.  Exits
   with a message if memory runs out. */
Adam *adam_new(size_t n, int num_steps, double lr);
void adam_free(Adam *a);
/* The learning rate of step s: lr * (1 - s / num_steps). */
double adam_lr(const Adam *a, int s);
/* Moves every parameter one Adam step against its gradient, sets every
   gradient to zero, and counts the step. */
void adam_update(Adam *a, Value *params);
/* One step of training on a document's n >= 2 tokens: the loss, its
   gradients, Adam's update; the step's graph is freed.  Returns the
   loss. */
double train_step(Model *m, KVCache *kv, Adam *a, const int *tokens,
                  int n);
typedef struct {
    Model *model;
    Tokenizer *tokenizer;
    Adam *adam;
    Rng rng;           /* the generator, where the run has left it */
    uint64_t seed;     /* what it was seeded with */
    uint64_t corpus;   /* corpus_fingerprint() of the documents */
    KVCache *kv;       /* scratch for the steps; not saved */
} Run;

/* A new run on c, whose documents it shuffles: the generator is seeded
   with seed, the vocabulary is c's (by kind), the model has the shape
   of shape (its vocab_size is set here) and parameters drawn from the
   generator, and Adam will take steps steps from rate lr.  NULL with a
   message in error[RUN_ERROR_ROOM] if c has too many distinct tokens
   for a model.  The shape must pass config_check. */
enum { RUN_ERROR_ROOM = 400 };
Run *run_start(Corpus *c, TokenKind kind, Config shape, int steps,
               double lr, uint64_t seed, char *error);
void run_free(Run *r);
/* Shuffles c's documents as Python's random.shuffle(docs) would. */
void shuffle_documents(Corpus *c, Rng *rng);

/* A 64-bit hash of c's documents in their present order. */
uint64_t corpus_fingerprint(const Corpus *c);

/* The FNV-1a hash of n bytes, continuing from h (FNV_START to begin). */
#define FNV_START 0xcbf29ce484222325u
uint64_t fnv1a(uint64_t h, const void *bytes, size_t n);
/* The tokens of the document that step r->adam->step trains on, c
   being the corpus the run was started on, shuffled: written to ids,
   which has room for RUN_MAX_TOKENS; returns how many, at least 2. */
enum { RUN_MAX_TOKENS = CORPUS_MAX_LINE + 2 };
int run_document(const Run *r, const Corpus *c, int *ids);
/* Trains step r->adam->step on its document of c; returns the step's
   loss. */
double run_step(Run *r, const Corpus *c);
typedef struct {
    const char *name;
    void *(*start)(Run *r);  /* what the engine keeps, or NULL */
    double (*step)(void *kept, Run *r, const Corpus *c);  /* a loss */
    void (*stop)(void *kept, Run *r);  /* frees what it kept */
} Engine;

extern const Engine AUTOGRAD;  /* run_step, on Values */

#endif
