/* manual.h: the GPT's gradients by hand, on plain arrays, and the
   training engine made of them. */
#ifndef MANUAL_H
#define MANUAL_H

#include <stddef.h>

#include "model.h"
#include "train.h"

typedef struct {
    double *wq, *wk, *wv, *wo;  /* [C][C] attention */
    double *fc1;                /* [4C][C] MLP, widening */
    double *fc2;                /* [C][4C] MLP, narrowing */
} LayerTensors;

typedef struct {          /* views into a flat array, in model.h's order */
    double *wte;          /* [V][C] token embedding */
    double *wpe;          /* [block_size][C] position embedding */
    double *lm_head;      /* [V][C] output */
    LayerTensors *layer;  /* [n_layer] */
} Tensors;
typedef struct {          /* one layer's activations */
    double *xn1, *scale1; /* [T][C], [T] rmsnorm before attention */
    double *q, *k, *v;    /* [T][C] */
    double *att;          /* [H][T][T] attention weights */
    double *heads;        /* [T][C] the heads' outputs, side by side */
    double *proj;         /* [T][C] wo . heads */
    double *xn2, *scale2; /* [T][C], [T] rmsnorm before the MLP */
    double *pre;          /* [T][4C] fc1 . xn2 */
    double *hidden;       /* [T][4C] relu(pre) */
    double *mlp;          /* [T][C] fc2 . hidden */
} LayerActs;

typedef struct {
    double *emb;          /* [T][C] wte[token] + wpe[t] */
    double *scale0;       /* [T] the embedding's rmsnorm */
    double *resid;        /* [2L + 1][T][C] the residual stream */
    LayerActs *layer;     /* [L] */
    double *logits;       /* [T][V] */
    double *probs;        /* [T][V] */
} Acts;

typedef struct {
    Config cfg;
    size_t n_params;
    double *params;       /* [n_params] in model.h's order */
    double *grads;        /* [n_params] d(loss)/d(params) */
    Tensors w, g;         /* the two, by name */
    Acts acts, dacts;     /* the activations and their gradients */
    size_t n_acts;        /* doubles in each, laid out for T positions */
    double *block;        /* acts, then dacts */
    size_t room;          /* doubles the block has for each */
    int T;                /* positions of the last forward pass */
    const int *tokens;    /* its tokens, T + 1 of them */
} Manual;

/* A hand-written model of shape c (which must pass config_check), its
   parameters and gradients zero.  Exits if memory runs out. */
Manual *manual_new(const Config *c);
void manual_free(Manual *e);
/* Copies the parameters from m, of the same shape, or back into it. */
void manual_load(Manual *e, const Model *m);
void manual_store(const Manual *e, Model *m);
/* The loss on a sequence of n >= 2 tokens, the same double that
   sequence_loss() computes; keeps what manual_backward needs, including
   the pointer tokens.  Lays e->acts and e->dacts out anew for the
   sequence (pointers into them from before are stale), growing their
   block if the sequence is the longest yet; exits if memory runs out. */
double manual_forward(Manual *e, const int *tokens, int n);
/* Adds the gradients of the last forward pass's loss into e->grads. */
void manual_backward(Manual *e);
/* One AdamW step of every parameter against its gradient, with weight
   decay rate decay (0: Adam as adam_update takes it); then every
   gradient is set to zero and the step counted. */
void adamw_update(Adam *a, double *params, double *grads, double decay);
/* One training step on n >= 2 tokens: forward, backward, Adam.
   Returns the loss. */
double manual_step(Manual *e, Adam *a, const int *tokens, int n);

extern const Engine MANUAL;  /* for microgpt train --engine manual */

#endif
