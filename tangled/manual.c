/* manual.c: the GPT by hand; see manual.h. */
#include "manual.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layers.h"

/* The next n doubles of the block at base; only counted if base is
   NULL. */
static double *carve(double *base, size_t *used, size_t n)
{
    double *p = base ? base + *used : NULL;
    *used += n;
    return p;
}

/* Points w's tensors into base, in model.h's order; returns how many
   doubles they take. */
static size_t lay_out_tensors(Tensors *w, double *base, const Config *c)
{
    size_t V = c->vocab_size, C = c->n_embd, used = 0;
    w->wte = carve(base, &used, V * C);
    w->wpe = carve(base, &used, (size_t)c->block_size * C);
    w->lm_head = carve(base, &used, V * C);
    for (int l = 0; l < c->n_layer; l++) {
        LayerTensors *lw = &w->layer[l];
        lw->wq = carve(base, &used, C * C);
        lw->wk = carve(base, &used, C * C);
        lw->wv = carve(base, &used, C * C);
        lw->wo = carve(base, &used, C * C);
        lw->fc1 = carve(base, &used, 4 * C * C);
        lw->fc2 = carve(base, &used, C * 4 * C);
    }
    return used;
}
/* Points a layer's activations for T positions into base, from *used
   doubles on, and counts them into *used. */
static void lay_out_layer(LayerActs *a, double *base, size_t *used,
                          const Config *c, size_t T)
{
    size_t C = c->n_embd, H = c->n_head;
    a->xn1 = carve(base, used, T * C);
    a->scale1 = carve(base, used, T);
    a->q = carve(base, used, T * C);
    a->k = carve(base, used, T * C);
    a->v = carve(base, used, T * C);
    a->att = carve(base, used, H * T * T);
    a->heads = carve(base, used, T * C);
    a->proj = carve(base, used, T * C);
    a->xn2 = carve(base, used, T * C);
    a->scale2 = carve(base, used, T);
    a->pre = carve(base, used, T * 4 * C);
    a->hidden = carve(base, used, T * 4 * C);
    a->mlp = carve(base, used, T * C);
}

/* Points the activations for T positions into base; returns how many
   doubles they take. */
static size_t lay_out_acts(Acts *a, double *base, const Config *c,
                           size_t T)
{
    size_t C = c->n_embd, V = c->vocab_size, used = 0;
    a->emb = carve(base, &used, T * C);
    a->scale0 = carve(base, &used, T);
    a->resid = carve(base, &used, (2 * c->n_layer + 1) * T * C);
    for (int l = 0; l < c->n_layer; l++)
        lay_out_layer(&a->layer[l], base, &used, c, T);
    a->logits = carve(base, &used, T * V);
    a->probs = carve(base, &used, T * V);
    return used;
}

Manual *manual_new(const Config *c)
{
    Manual *e = checked(calloc(1, sizeof *e));
    e->cfg = *c;
    e->n_params = config_params(c);
    e->params = checked(calloc(2 * e->n_params, sizeof *e->params));
    e->grads = e->params + e->n_params;
    e->w.layer = checked(calloc(2 * c->n_layer, sizeof *e->w.layer));
    e->g.layer = e->w.layer + c->n_layer;
    lay_out_tensors(&e->w, e->params, c);
    lay_out_tensors(&e->g, e->grads, c);
    e->acts.layer = checked(calloc(2 * c->n_layer, sizeof *e->acts.layer));
    e->dacts.layer = e->acts.layer + c->n_layer;
    return e;
}

void manual_free(Manual *e)
{
    if (!e)
        return;
    free(e->block);
    free(e->acts.layer);
    free(e->w.layer);
    free(e->params);
    free(e);
}

void manual_load(Manual *e, const Model *m)
{
    for (size_t i = 0; i < e->n_params; i++)
        e->params[i] = m->params[i].data;
}

void manual_store(const Manual *e, Model *m)
{
    for (size_t i = 0; i < e->n_params; i++)
        m->params[i].data = e->params[i];
}
/* Lays out the activations and their gradients for T positions, the
   block made larger if they do not fit; exits if memory runs out. */
static void lay_out_for(Manual *e, int T)
{
    size_t need = lay_out_acts(&e->acts, NULL, &e->cfg, T);
    if (need > e->room) {
        free(e->block);
        e->block = checked(calloc(2 * need, sizeof *e->block));
        e->room = need;
    }
    e->n_acts = need;
    lay_out_acts(&e->acts, e->block, &e->cfg, T);
    lay_out_acts(&e->dacts, e->block + need, &e->cfg, T);
}

/* Slice i of the residual stream, [T][C]. */
static double *stream(const Manual *e, const Acts *a, int i)
{
    return a->resid + (size_t)i * e->T * e->cfg.n_embd;
}

/* Layer l on e->T positions: from the stream x [T][C] that enters it,
   the stream mid [T][C] after attention and out [T][C] after the MLP. */
static void block_forward(Manual *e, int l, const double *x, double *mid,
                          double *out)
{
    const LayerTensors *w = &e->w.layer[l];
    LayerActs *a = &e->acts.layer[l];
    int T = e->T, C = e->cfg.n_embd;
    rmsnorm_forward(a->xn1, a->scale1, x, T, C);
    linear_forward(a->q, a->xn1, w->wq, T, C, C);
    linear_forward(a->k, a->xn1, w->wk, T, C, C);
    linear_forward(a->v, a->xn1, w->wv, T, C, C);
    attention_forward(a->heads, a->att, a->q, a->k, a->v, T, C,
                      e->cfg.n_head);
    linear_forward(a->proj, a->heads, w->wo, T, C, C);
    residual_forward(mid, a->proj, x, T * C);
    rmsnorm_forward(a->xn2, a->scale2, mid, T, C);
    linear_forward(a->pre, a->xn2, w->fc1, T, C, 4 * C);
    relu_forward(a->hidden, a->pre, T * 4 * C);
    linear_forward(a->mlp, a->hidden, w->fc2, T, 4 * C, C);
    residual_forward(out, a->mlp, mid, T * C);
}

double manual_forward(Manual *e, const int *tokens, int n)
{
    const Config *c = &e->cfg;
    int T = n - 1 < c->block_size ? n - 1 : c->block_size;
    int C = c->n_embd, V = c->vocab_size, L = c->n_layer;
    assert(T >= 1);
    lay_out_for(e, T);
    e->T = T, e->tokens = tokens;
    Acts *a = &e->acts;
    embed_forward(a->emb, tokens, e->w.wte, e->w.wpe, T, C);
    rmsnorm_forward(stream(e, a, 0), a->scale0, a->emb, T, C);
    for (int l = 0; l < L; l++)
        block_forward(e, l, stream(e, a, 2 * l), stream(e, a, 2 * l + 1),
                      stream(e, a, 2 * l + 2));
    linear_forward(a->logits, stream(e, a, 2 * L), e->w.lm_head, T, C, V);
    return softmax_xent_forward(a->probs, a->logits, tokens + 1, T, V);
}
/* Layer l backward: from dout [T][C], the gradient of the stream that
   leaves it, adds the gradients of mid and x (block_forward's) into
   dmid and dx [T][C], and of the layer's weights into e->g. */
static void block_backward(Manual *e, int l, const double *x,
                           const double *mid, double *dx, double *dmid,
                           const double *dout)
{
    const LayerTensors *w = &e->w.layer[l];
    LayerTensors *g = &e->g.layer[l];
    const LayerActs *a = &e->acts.layer[l];
    LayerActs *d = &e->dacts.layer[l];
    int T = e->T, C = e->cfg.n_embd;
    residual_backward(dmid, d->mlp, dout, T * C);
    linear_backward(d->hidden, g->fc2, d->mlp, a->hidden, w->fc2, T, 4 * C,
                    C);
    relu_backward(d->pre, d->hidden, a->pre, T * 4 * C);
    linear_backward(d->xn2, g->fc1, d->pre, a->xn2, w->fc1, T, C, 4 * C);
    rmsnorm_backward(dmid, d->xn2, mid, a->scale2, T, C);
    residual_backward(dx, d->proj, dmid, T * C);
    linear_backward(d->heads, g->wo, d->proj, a->heads, w->wo, T, C, C);
    attention_backward(d->q, d->k, d->v, d->att, d->heads, a->att, a->q,
                       a->k, a->v, T, C, e->cfg.n_head);
    linear_backward(d->xn1, g->wq, d->q, a->xn1, w->wq, T, C, C);
    linear_backward(d->xn1, g->wk, d->k, a->xn1, w->wk, T, C, C);
    linear_backward(d->xn1, g->wv, d->v, a->xn1, w->wv, T, C, C);
    rmsnorm_backward(dx, d->xn1, x, a->scale1, T, C);
}

void manual_backward(Manual *e)
{
    const Config *c = &e->cfg;
    int T = e->T, C = c->n_embd, V = c->vocab_size, L = c->n_layer;
    Acts *a = &e->acts, *d = &e->dacts;
    memset(d->emb, 0, e->n_acts * sizeof *d->emb);  /* all of dacts */
    softmax_xent_backward(d->logits, a->probs, e->tokens + 1, T, V);
    linear_backward(stream(e, d, 2 * L), e->g.lm_head, d->logits,
                    stream(e, a, 2 * L), e->w.lm_head, T, C, V);
    for (int l = L - 1; l >= 0; l--)
        block_backward(e, l, stream(e, a, 2 * l), stream(e, a, 2 * l + 1),
                       stream(e, d, 2 * l), stream(e, d, 2 * l + 1),
                       stream(e, d, 2 * l + 2));
    rmsnorm_backward(d->emb, stream(e, d, 0), a->emb, a->scale0, T, C);
    embed_backward(e->g.wte, e->g.wpe, d->emb, e->tokens, T, C);
}
void adamw_update(Adam *a, double *restrict params,
                  double *restrict grads, double decay)
{
    double b1 = a->beta1, b2 = a->beta2, eps = a->eps;
    double lr = adam_lr(a, a->step);
    double rate = lr / (1 - pow(b1, a->step + 1));
    double fix2 = 1 / sqrt(1 - pow(b2, a->step + 1));
    double *restrict m = a->m, *restrict v = a->v;
    size_t n = a->n;
    for (size_t i = 0; i < n; i++) {
        double g = grads[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * (g * g);
        params[i] -= rate * m[i] / (sqrt(v[i]) * fix2 + eps)
                   + lr * decay * params[i];
        grads[i] = 0;
    }
    a->step++;
}
double manual_step(Manual *e, Adam *a, const int *tokens, int n)
{
    double loss = manual_forward(e, tokens, n);
    manual_backward(e);
    adamw_update(a, e->params, e->grads, 0.0);
    return loss;
}

static void *manual_start(Run *r)
{
    Manual *e = manual_new(&r->model->cfg);
    manual_load(e, r->model);
    return e;
}

static double manual_run_step(void *kept, Run *r, const Corpus *c)
{
    int ids[RUN_MAX_TOKENS];
    int n = run_document(r, c, ids);
    return manual_step(kept, r->adam, ids, n);
}

static void manual_stop(void *kept, Run *r)
{
    manual_store(kept, r->model);
    manual_free(kept);
}

const Engine MANUAL = {"manual", manual_start, manual_run_step,
                       manual_stop};
