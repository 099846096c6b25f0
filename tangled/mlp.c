/* mlp.c: the small model; see mlp.h. */
#include "mlp.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "layers.h"
#include "model.h"  /* checked */

Mlp *mlp_new(int V, int C, int H, Rng *rng)
{
    Mlp *m = checked(calloc(1, sizeof *m));
    *m = (Mlp){.V = V, .C = C, .H = H};
    size_t nV = V, nC = C, nH = H, T = MLP_MAX_T;
    m->n_params = nV * nC + nH * nC + nV * nH;
    m->params = checked(calloc(2 * m->n_params, sizeof *m->params));
    m->grads = m->params + m->n_params;
    m->wte = m->params, m->fc1 = m->wte + nV * nC;
    m->fc2 = m->fc1 + nH * nC;
    m->gwte = m->grads, m->gfc1 = m->gwte + nV * nC;
    m->gfc2 = m->gfc1 + nH * nC;
    for (size_t i = 0; i < m->n_params; i++)
        m->params[i] = rng_gauss(rng, 0.0, 0.08);
    size_t per_t = (nC + 2 * nH + 2 * nV)  /* x pre hidden logits probs */
                 + (nC + 2 * nH + nV);    /* their d's, but no dprobs */
    double *a = checked(calloc(T * per_t, sizeof *a));
    m->x = a, m->pre = m->x + T * nC, m->hidden = m->pre + T * nH;
    m->logits = m->hidden + T * nH, m->probs = m->logits + T * nV;
    m->dx = m->probs + T * nV, m->dpre = m->dx + T * nC;
    m->dhidden = m->dpre + T * nH, m->dlogits = m->dhidden + T * nH;
    return m;
}

void mlp_free(Mlp *m)
{
    if (!m)
        return;
    free(m->x);  /* the start of the activations */
    free(m->params);
    free(m);
}
double mlp_forward(Mlp *m, const int *tokens, int n)
{
    assert(n >= 2);  /* at least one prediction to average */
    int T = n - 1 < MLP_MAX_T ? n - 1 : MLP_MAX_T;
    int V = m->V, C = m->C, H = m->H;
    m->T = T, m->tokens = tokens;
    for (int t = 0; t < T; t++)
        memcpy(m->x + (size_t)t * C, m->wte + (size_t)tokens[t] * C,
               (size_t)C * sizeof *m->x);
    linear_forward(m->pre, m->x, m->fc1, T, C, H);
    relu_forward(m->hidden, m->pre, T * H);
    linear_forward(m->logits, m->hidden, m->fc2, T, H, V);
    return softmax_xent_forward(m->probs, m->logits, tokens + 1, T, V);
}
void mlp_backward(Mlp *m)
{
    int T = m->T, V = m->V, C = m->C, H = m->H;
    memset(m->dx, 0, (size_t)MLP_MAX_T * (C + 2 * H + V) * sizeof *m->dx);
    softmax_xent_backward(m->dlogits, m->probs, m->tokens + 1, T, V);
    linear_backward(m->dhidden, m->gfc2, m->dlogits, m->hidden, m->fc2, T,
                    H, V);
    relu_backward(m->dpre, m->dhidden, m->pre, T * H);
    linear_backward(m->dx, m->gfc1, m->dpre, m->x, m->fc1, T, C, H);
    for (int t = 0; t < T; t++) {
        double *row = m->gwte + (size_t)m->tokens[t] * C;
        for (int i = 0; i < C; i++)
            row[i] += m->dx[(size_t)t * C + i];
    }
}
void mlp_numerical_grad(Mlp *m, const int *tokens, int n, double h,
                        double *grad)
{
    for (size_t i = 0; i < m->n_params; i++) {
        double kept = m->params[i];
        m->params[i] = kept + h;
        double up = mlp_forward(m, tokens, n);
        m->params[i] = kept - h;
        double down = mlp_forward(m, tokens, n);
        m->params[i] = kept;
        grad[i] = (up - down) / (2 * h);
    }
}
