/* model.h: the GPT: its shape, its parameters, its forward pass. */
#ifndef MODEL_H
#define MODEL_H

#include <stddef.h>

#include "rng.h"
#include "value.h"

typedef struct {
    int vocab_size;  /* how many tokens, BOS included */
    int n_embd;      /* the width of every vector passed along */
    int n_head;      /* attention heads; each sees n_embd / n_head */
    int n_layer;     /* layers, each an attention and an MLP block */
    int block_size;  /* the most positions one sequence may have */
} Config;

/* NULL if a model of this shape can be built, else what is wrong. */
const char *config_check(const Config *c);

/* How many parameters a model of this shape has. */
size_t config_params(const Config *c);
typedef struct {
    Value *wq, *wk, *wv, *wo;  /* [n_embd][n_embd] attention */
    Value *fc1;                /* [4 * n_embd][n_embd] MLP, widening */
    Value *fc2;                /* [n_embd][4 * n_embd] MLP, narrowing */
} LayerWeights;

typedef struct {
    Value *wte;           /* [vocab_size][n_embd] token embedding */
    Value *wpe;           /* [block_size][n_embd] position embedding */
    Value *lm_head;       /* [vocab_size][n_embd] output */
    LayerWeights *layer;  /* [n_layer] */
} Weights;
typedef struct {          /* gpt()'s vectors of graph nodes */
    Value **x;            /* [n_embd] the vector passed along */
    Value **xn;           /* [n_embd] x normalised, or a block's output */
    Value **q;            /* [n_embd] this position's query */
    Value **heads;        /* [n_embd] the heads' outputs, side by side */
    Value **hidden;       /* [4 * n_embd] the MLP's wide layer */
    Value **att;          /* [block_size] one head's attention weights */
    Value **logits;       /* [vocab_size] what gpt() returns */
    Value **probs;        /* [vocab_size] softmax of the logits */
} Activations;

typedef struct {
    Config cfg;
    size_t n_params;
    Value *params;        /* [n_params] every parameter, in order */
    Weights w;            /* the same parameters, by name */
    Activations act;
} Model;

/* A model of shape c, which must pass config_check, with every parameter
   zero.  Exits with a message if memory runs out. */
Model *model_new(const Config *c);
void model_free(Model *m);
/* p, unless it is NULL: then the program stops, saying memory ran out.
   Every allocation the program cannot do without goes through it. */
void *checked(void *p);
/* Draws every parameter from N(0, 0.08^2), in the order of m->params. */
void model_init(Model *m, Rng *rng);
/* out[i] = sum_j w[i][j] * x[j]; w is [n_out][n_in], out is not x. */
void linear(Value **out, Value **x, Value *w, int n_out, int n_in);
/* out = softmax(z), shifted by max(z) first; out may be z. */
void softmax(Value **out, Value **z, int n);
/* out = x / sqrt(mean(x^2) + 1e-5); out may be x. */
void rmsnorm(Value **out, Value **x, int n);
/* Multi-head attention of query q over the first n rows of a layer's
   cache: out = the heads' softmax(q.k / sqrt(d))-weighted sums of the
   values, side by side.  keys, vals are [n][n_embd]; att has room for n
   weights. */
void attention(const Config *c, Value **out, Value **q, Value **keys,
               Value **vals, int n, Value **att);
typedef struct {
    int n_layer, block_size, n_embd;
    int len;        /* positions stored so far */
    Value **keys;   /* [n_layer][block_size][n_embd] */
    Value **vals;   /* [n_layer][block_size][n_embd] */
} KVCache;

KVCache *kv_new(const Config *c);  /* an empty cache for this shape */
void kv_clear(KVCache *kv);        /* forget every position */
void kv_free(KVCache *kv);
/* The logits for token at position t, given the positions before it in
   kv, which must hold exactly t positions; adds position t to kv.  The
   result is m->act.logits, good until the next call. */
Value **gpt(Model *m, int token, int t, KVCache *kv);
/* The mean over positions t < len of -log p(tokens[t+1]), the model's
   loss on a sequence of n >= 2 tokens, len = min(n - 1, block_size).
   Clears kv first. */
Value *sequence_loss(Model *m, KVCache *kv, const int *tokens, int n);

#endif
