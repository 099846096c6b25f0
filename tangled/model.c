/* model.c: the GPT; see model.h. */
#include "model.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

const char *config_check(const Config *c)
{
    if (c->vocab_size < 2 || c->vocab_size > 1000000)
        return "vocab_size must be between 2 and 1000000";
    if (c->n_embd < 1 || c->n_embd > 4096)
        return "n_embd must be between 1 and 4096";
    if (c->n_head < 1 || c->n_embd % c->n_head != 0)
        return "n_head must be at least 1 and divide n_embd";
    if (c->n_layer < 1 || c->n_layer > 64)
        return "n_layer must be between 1 and 64";
    if (c->block_size < 1 || c->block_size > 4096)
        return "block_size must be between 1 and 4096";
    return NULL;
}
size_t config_params(const Config *c)
{
    size_t V = c->vocab_size, C = c->n_embd, B = c->block_size;
    size_t per_layer = 4 * C * C      /* wq, wk, wv, wo */
                     + 2 * (4 * C) * C; /* fc1, fc2 */
    return V * C + B * C + V * C + c->n_layer * per_layer;
}
/* The next n parameters of the block. */
static Value *take(Value **next, size_t n)
{
    Value *p = *next;
    *next += n;
    return p;
}

/* Points m->w's tensors into m->params, in the original's order. */
static void lay_out(Model *m)
{
    size_t V = m->cfg.vocab_size, C = m->cfg.n_embd;
    Value *next = m->params;
    m->w.wte = take(&next, V * C);
    m->w.wpe = take(&next, (size_t)m->cfg.block_size * C);
    m->w.lm_head = take(&next, V * C);
    for (int l = 0; l < m->cfg.n_layer; l++) {
        LayerWeights *lw = &m->w.layer[l];
        lw->wq = take(&next, C * C);
        lw->wk = take(&next, C * C);
        lw->wv = take(&next, C * C);
        lw->wo = take(&next, C * C);
        lw->fc1 = take(&next, 4 * C * C);
        lw->fc2 = take(&next, C * 4 * C);
    }
}
void *checked(void *p)
{
    if (!p) {
        fputs("microgpt: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static Value **carve(Value ***next, size_t n)
{
    Value **p = *next;
    *next += n;
    return p;
}

/* m->act's arrays of pointers to nodes, all in one allocation (whose
   start is a->x); exits if memory runs out. */
static void make_activations(Model *m)
{
    size_t V = m->cfg.vocab_size, C = m->cfg.n_embd;
    size_t n = 4 * C + 4 * C + m->cfg.block_size + 2 * V;
    Value **next = checked(calloc(n, sizeof *next));
    Activations *a = &m->act;
    a->x = carve(&next, C);
    a->xn = carve(&next, C);
    a->q = carve(&next, C);
    a->heads = carve(&next, C);
    a->hidden = carve(&next, 4 * C);
    a->att = carve(&next, m->cfg.block_size);
    a->logits = carve(&next, V);
    a->probs = carve(&next, V);
}

Model *model_new(const Config *c)
{
    Model *m = checked(calloc(1, sizeof *m));
    m->cfg = *c;
    m->n_params = config_params(c);
    m->params = checked(calloc(m->n_params, sizeof *m->params));
    m->w.layer = checked(calloc(c->n_layer, sizeof *m->w.layer));
    lay_out(m);
    make_activations(m);
    return m;
}

void model_free(Model *m)
{
    if (!m)
        return;
    free(m->act.x);  /* the start of the activations' block */
    free(m->w.layer);
    free(m->params);
    free(m);
}
void model_init(Model *m, Rng *rng)
{
    for (size_t i = 0; i < m->n_params; i++)
        m->params[i] = (Value){.data = rng_gauss(rng, 0.0, 0.08)};
}
/* out[i] = sum_j w[i][j] * x[j]; w is [n_out][n_in], out is not x. */
void linear(Value **out, Value **x, Value *w, int n_out, int n_in)
{
    for (int i = 0; i < n_out; i++)
        out[i] = v_dot_row(w + (size_t)i * n_in, x, n_in);
}
/* out = softmax(z); out may be z itself. */
void softmax(Value **out, Value **z, int n)
{
    double max = z[0]->data;
    for (int i = 1; i < n; i++)
        if (z[i]->data > max)
            max = z[i]->data;
    Value *total = NULL;
    for (int i = 0; i < n; i++) {
        out[i] = v_exp(v_add(z[i], value(-max)));
        total = i ? v_add(total, out[i]) : out[i];
    }
    for (int i = 0; i < n; i++)
        out[i] = v_div(out[i], total);
}
/* out = x / sqrt(mean(x^2) + 1e-5); out may be x itself. */
void rmsnorm(Value **out, Value **x, int n)
{
    Value *sum = NULL;
    for (int i = 0; i < n; i++)
        sum = v_dot_term(sum, x[i], x[i]);
    Value *mean = v_div(sum, value(n));
    Value *scale = v_pow(v_add(mean, value(1e-5)), -0.5);
    for (int i = 0; i < n; i++)
        out[i] = v_mul(x[i], scale);
}
KVCache *kv_new(const Config *c)
{
    KVCache *kv = checked(calloc(1, sizeof *kv));
    kv->n_layer = c->n_layer;
    kv->block_size = c->block_size;
    kv->n_embd = c->n_embd;
    size_t n = (size_t)c->n_layer * c->block_size * c->n_embd;
    kv->keys = checked(calloc(n, sizeof *kv->keys));
    kv->vals = checked(calloc(n, sizeof *kv->vals));
    return kv;
}

void kv_clear(KVCache *kv)
{
    kv->len = 0;
}

void kv_free(KVCache *kv)
{
    if (!kv)
        return;
    free(kv->keys);
    free(kv->vals);
    free(kv);
}

/* Layer l's cached vectors, [block_size][n_embd]: keys or vals. */
static Value **kv_layer(const KVCache *kv, Value **all, int l)
{
    return all + (size_t)l * kv->block_size * kv->n_embd;
}
static Value *dot(Value **a, Value **b, int n)
{
    Value *sum = NULL;
    for (int i = 0; i < n; i++)
        sum = v_dot_term(sum, a[i], b[i]);
    return sum;
}

void attention(const Config *c, Value **out, Value **q, Value **keys,
               Value **vals, int n, Value **att)
{
    int C = c->n_embd, d = C / c->n_head;
    for (int h = 0; h < c->n_head; h++) {
        int hs = h * d;  /* the head's slice starts here */
        for (int s = 0; s < n; s++)
            att[s] = v_div(dot(q + hs, keys + s * C + hs, d),
                           value(sqrt(d)));
        softmax(att, att, n);
        for (int j = 0; j < d; j++) {
            Value *sum = NULL;
            for (int s = 0; s < n; s++)
                sum = v_dot_term(sum, att[s], vals[s * C + hs + j]);
            out[hs + j] = sum;
        }
    }
}
/* x[i] += out[i], as a new node x[i] = out[i] + x[i]. */
static void add_residual(Value **x, Value **out, int n)
{
    for (int i = 0; i < n; i++)
        x[i] = v_add(out[i], x[i]);
}

/* Layer l's attention block at position t: reads and updates
   m->act.x [C], and stores the position's key and value in kv. */
static void attention_block(Model *m, KVCache *kv, int l, int t)
{
    const LayerWeights *w = &m->w.layer[l];
    Activations *a = &m->act;
    int C = m->cfg.n_embd;
    Value **keys = kv_layer(kv, kv->keys, l);
    Value **vals = kv_layer(kv, kv->vals, l);
    rmsnorm(a->xn, a->x, C);
    linear(a->q, a->xn, w->wq, C, C);
    linear(keys + t * C, a->xn, w->wk, C, C);
    linear(vals + t * C, a->xn, w->wv, C, C);
    attention(&m->cfg, a->heads, a->q, keys, vals, t + 1, a->att);
    linear(a->xn, a->heads, w->wo, C, C);
    add_residual(a->x, a->xn, C);
}
/* Layer l's MLP block: reads and updates m->act.x [C]. */
static void mlp_block(Model *m, int l)
{
    const LayerWeights *w = &m->w.layer[l];
    Activations *a = &m->act;
    int C = m->cfg.n_embd;
    rmsnorm(a->xn, a->x, C);
    linear(a->hidden, a->xn, w->fc1, 4 * C, C);
    for (int i = 0; i < 4 * C; i++)
        a->hidden[i] = v_relu(a->hidden[i]);
    linear(a->xn, a->hidden, w->fc2, C, 4 * C);
    add_residual(a->x, a->xn, C);
}
/* m->act.x [C] = rmsnorm(wte[token] + wpe[t]). */
static void embed(Model *m, int token, int t)
{
    int C = m->cfg.n_embd;
    Value *tok = m->w.wte + (size_t)token * C;
    Value *pos = m->w.wpe + (size_t)t * C;
    for (int i = 0; i < C; i++)
        m->act.x[i] = v_add(&tok[i], &pos[i]);
    rmsnorm(m->act.x, m->act.x, C);
}

Value **gpt(Model *m, int token, int t, KVCache *kv)
{
    assert(token >= 0 && token < m->cfg.vocab_size);
    assert(t == kv->len && t < m->cfg.block_size);
    embed(m, token, t);
    for (int l = 0; l < m->cfg.n_layer; l++) {
        attention_block(m, kv, l, t);
        mlp_block(m, l);
    }
    kv->len = t + 1;
    linear(m->act.logits, m->act.x, m->w.lm_head, m->cfg.vocab_size,
           m->cfg.n_embd);
    return m->act.logits;
}
Value *sequence_loss(Model *m, KVCache *kv, const int *tokens, int n)
{
    int len = n - 1 < m->cfg.block_size ? n - 1 : m->cfg.block_size;
    assert(len >= 1);
    Value **probs = m->act.probs, *sum = NULL;
    kv_clear(kv);
    for (int t = 0; t < len; t++) {
        softmax(probs, gpt(m, tokens[t], t, kv), m->cfg.vocab_size);
        Value *loss = v_neg(v_log(probs[tokens[t + 1]]));
        sum = t ? v_add(sum, loss) : loss;
    }
    return v_mul(sum, value(1.0 / len));
}
