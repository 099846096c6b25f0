/* mlp.h: chapter 7's small model, an embedding and a ReLU layer, with
   its gradient found two ways. */
#ifndef MLP_H
#define MLP_H

#include <stddef.h>

#include "rng.h"

enum { MLP_MAX_T = 16 };  /* positions a sequence may have */

typedef struct {
    int V, C, H;           /* vocabulary, embedding, hidden layer */
    size_t n_params;
    double *params;        /* every parameter, in the order below */
    double *wte, *fc1, *fc2;      /* [V][C], [H][C], [V][H] */
    double *grads;         /* d(loss)/d(params), the same shapes */
    double *gwte, *gfc1, *gfc2;
    int T;                 /* positions of the last forward pass */
    const int *tokens;     /* its tokens, T + 1 of them */
    double *x, *pre, *hidden, *logits, *probs;  /* [T][C], [T][H] x 2, */
    double *dx, *dpre, *dhidden, *dlogits;      /* [T][V] x 2; and d */
} Mlp;

/* A model of these sizes with every parameter drawn from N(0, 0.08^2)
   in order; exits with a message if memory runs out. */
Mlp *mlp_new(int V, int C, int H, Rng *rng);
void mlp_free(Mlp *m);
/* The mean over t < T of -log p(tokens[t + 1] | tokens[t]), for a
   sequence of n >= 2 tokens, T = min(n - 1, MLP_MAX_T).  Keeps what
   mlp_backward needs, including the pointer tokens. */
double mlp_forward(Mlp *m, const int *tokens, int n);
/* Adds the gradients of the last forward pass's loss into m->grads. */
void mlp_backward(Mlp *m);
/* grad[i] = the central difference (L(p + h) - L(p - h)) / 2h of the
   loss on tokens, for every parameter in turn: 2 * n_params forward
   passes.  The parameters are left as they were. */
void mlp_numerical_grad(Mlp *m, const int *tokens, int n, double h,
                        double *grad);

#endif
