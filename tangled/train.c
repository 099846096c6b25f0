/* train.c: Adam, the training step and runs; see train.h. */
#include "train.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Adam *adam_new(size_t n, int num_steps, double lr)
{
    Adam *a = checked(malloc(sizeof *a));
    *a = (Adam){.lr = lr, .beta1 = 0.85, .beta2 = 0.99, .eps = 1e-8,
                .num_steps = num_steps, .n = n};
    a->m = checked(calloc(2 * n + 1, sizeof *a->m));
    a->v = a->m + n;
    return a;
}

void adam_free(Adam *a)
{
    if (!a)
        return;
    free(a->m);  /* v shares its block */
    free(a);
}
double adam_lr(const Adam *a, int s)
{
    return a->lr * (1 - (double)s / a->num_steps);
}
/* The spacing of the doubles around x: 2^(e - 52) for x in [2^e,
   2^(e+1)).  0 where the shortcut below must not be taken: x not
   between 2^-200 and 2^200 (so not zero, negative, infinite or not a
   number either), or a power of two. */
static double spacing(double x)
{
    uint64_t bits, e;
    memcpy(&bits, &x, sizeof bits);
    e = bits >> 52;  /* the exponent + 1023, with the sign above it */
    if (e < 1023 - 200 || e >= 1023 + 200 ||
        (bits & 0xfffffffffffffu) == 0)
        return 0;
    bits = (e - 52) << 52;
    double gap;
    memcpy(&gap, &bits, sizeof gap);
    return gap;
}

/* a * a - p exactly, for p = a * a rounded (Dekker). */
static double square_error(double a, double p)
{
    double c = 134217729.0 * a;  /* 2^27 + 1 */
    double hi = c - (c - a), lo = a - hi;
    return ((hi * hi - p) + 2 * hi * lo) + lo * lo;
}

/* pow(g, 2), calling pow only where g * g might not be its answer.
   (pow of a zero to a positive power is +0, by the C standard.) */
static double py_square(double g)
{
    if (g == 0)
        return 0.0;
    double hi = g * g, lo = square_error(g, hi);
    if (fabs(lo) < 0.48 * spacing(hi))
        return hi;
    return pow(g, 2);
}

/* pow(x, 0.5) likewise: x = s * s + r exactly, and the root is
   s + r / 2s to far better than the 0.48 spacing asked. */
static double py_root(double x)
{
    if (x == 0)
        return 0.0;
    double s = sqrt(x), p = s * s, r = (x - p) - square_error(s, p);
    if (fabs(r) < 0.96 * s * spacing(s))
        return s;
    return pow(x, 0.5);
}

void adam_update(Adam *a, Value *params)
{
    double lr = adam_lr(a, a->step);
    double fix1 = 1 - pow(a->beta1, a->step + 1);  /* bias corrections */
    double fix2 = 1 - pow(a->beta2, a->step + 1);
    for (size_t i = 0; i < a->n; i++) {
        double g = params[i].grad;
        a->m[i] = a->beta1 * a->m[i] + (1 - a->beta1) * g;
        a->v[i] = a->beta2 * a->v[i] + (1 - a->beta2) * py_square(g);
        double m_hat = a->m[i] / fix1, v_hat = a->v[i] / fix2;
        params[i].data -= lr * m_hat / (py_root(v_hat) + a->eps);
        params[i].grad = 0;
    }
    a->step++;
}
double train_step(Model *m, KVCache *kv, Adam *a, const int *tokens,
                  int n)
{
    size_t mark = values_mark();
    Value *loss = sequence_loss(m, kv, tokens, n);
    backward(loss);
    adam_update(a, m->params);
    double result = loss->data;
    values_release(mark);
    return result;
}
Run *run_start(Corpus *c, TokenKind kind, Config shape, int steps,
               double lr, uint64_t seed, char *error)
{
    Run *r = checked(calloc(1, sizeof *r));
    r->seed = seed;
    r->corpus = corpus_fingerprint(c);
    rng_seed(&r->rng, seed);
    shuffle_documents(c, &r->rng);
    r->tokenizer = checked(tokenizer_build(c, kind));
    shape.vocab_size = r->tokenizer->bos + 1;
    const char *problem = config_check(&shape);
    if (problem) {
        snprintf(error, RUN_ERROR_ROOM, "%d distinct %s make a model "
                 "too large: %s", r->tokenizer->bos,
                 kind == BY_WORD ? "words" : "characters", problem);
        run_free(r);
        return NULL;
    }
    r->model = model_new(&shape);
    model_init(r->model, &r->rng);
    r->adam = adam_new(r->model->n_params, steps, lr);
    r->kv = kv_new(&shape);
    return r;
}

void run_free(Run *r)
{
    if (!r)
        return;
    kv_free(r->kv);
    adam_free(r->adam);
    model_free(r->model);
    tokenizer_free(r->tokenizer);
    free(r);
}
void shuffle_documents(Corpus *c, Rng *rng)
{
    rng_shuffle(rng, c->docs, (size_t)c->n, sizeof *c->docs);
}

uint64_t fnv1a(uint64_t h, const void *bytes, size_t n)
{
    const unsigned char *p = bytes;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3u;
    return h;
}

uint64_t corpus_fingerprint(const Corpus *c)
{
    uint64_t h = FNV_START;
    for (int d = 0; d < c->n; d++)  /* each with its NUL, as a separator */
        h = fnv1a(h, c->docs[d], strlen(c->docs[d]) + 1);
    return h;
}
int run_document(const Run *r, const Corpus *c, int *ids)
{
    char error[TOKENIZER_ERROR_ROOM];
    const char *doc = c->docs[r->adam->step % c->n];
    int n = tokenizer_encode(r->tokenizer, doc, ids, RUN_MAX_TOKENS,
                             error);
    assert(n >= 2);
    return n;
}

double run_step(Run *r, const Corpus *c)
{
    int ids[RUN_MAX_TOKENS];
    int n = run_document(r, c, ids);
    return train_step(r->model, r->kv, r->adam, ids, n);
}
static double autograd_step(void *kept, Run *r, const Corpus *c)
{
    (void)kept;  /* nothing */
    int was = values_dot_nodes(1);
    double loss = run_step(r, c);
    values_dot_nodes(was);
    return loss;
}

const Engine AUTOGRAD = {"autograd", NULL, autograd_step, NULL};
