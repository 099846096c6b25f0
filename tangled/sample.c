/* sample.c: temperature and sampling; see sample.h. */
#include "sample.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar.h"

void softmax_temperature(double *probs, Value **logits, int n, double T)
{
    double scale = pow(T, -1), max = 0;
    for (int i = 0; i < n; i++) {
        probs[i] = logits[i]->data * scale;
        if (i == 0 || probs[i] > max)
            max = probs[i];
    }
    double total = 0;
    for (int i = 0; i < n; i++)
        total += probs[i] = exp(probs[i] + -max);
    double inverse = pow(total, -1);
    for (int i = 0; i < n; i++)
        probs[i] *= inverse;
}
/* Moves position t's keys and values out of the graph: kv points to
   leaves in frozen ([2][n_layer][block_size][n_embd]) from now on. */
static void freeze(KVCache *kv, int t, Value *frozen)
{
    size_t layer = (size_t)kv->block_size * kv->n_embd;
    size_t half = kv->n_layer * layer;
    for (int l = 0; l < kv->n_layer; l++)
        for (int i = 0; i < kv->n_embd; i++) {
            size_t at = l * layer + (size_t)t * kv->n_embd + i;
            frozen[at] = (Value){.data = kv->keys[at]->data};
            frozen[half + at] = (Value){.data = kv->vals[at]->data};
            kv->keys[at] = &frozen[at];
            kv->vals[at] = &frozen[half + at];
        }
}
int sample_tokens(Model *m, KVCache *kv, Rng *rng, double T,
                  const int *prompt, int n_prompt, int *out)
{
    const Config *c = &m->cfg;
    int bos = c->vocab_size - 1, token = bos, n = 0;
    Value *frozen = checked(calloc(2 * (size_t)c->n_layer * c->block_size
                                   * c->n_embd, sizeof *frozen));
    double *probs = checked(malloc(c->vocab_size * sizeof *probs));
    kv_clear(kv);
    for (int t = 0; t < c->block_size; t++) {
        size_t mark = values_mark();
        Value **logits = gpt(m, token, t, kv);
        freeze(kv, t, frozen);
        if (t < n_prompt)
            token = prompt[t];
        else {
            softmax_temperature(probs, logits, c->vocab_size, T);
            token = rng_choice(rng, probs, c->vocab_size);
        }
        values_release(mark);
        if (token == bos)
            break;
        out[n++] = token;
    }
    free(probs);
    free(frozen);
    return n;
}
char **sample_documents(Model *m, KVCache *kv, const Tokenizer *t,
                        Rng *rng, double T, const int *prompt,
                        int n_prompt, int count)
{
    int block = m->cfg.block_size;
    size_t room = (size_t)block * (CORPUS_MAX_LINE + 1) + 1;
    char **docs = checked(malloc(((size_t)count + 1) * sizeof *docs));
    char *text = checked(malloc(room));
    int *out = checked(malloc(block * sizeof *out));
    for (int i = 0; i < count; i++) {
        int n = sample_tokens(m, kv, rng, T, prompt, n_prompt, out);
        tokenizer_decode(t, out, n, text, room);
        size_t len = strlen(text) + 1;
        docs[i] = memcpy(checked(malloc(len)), text, len);
    }
    free(out);
    free(text);
    return docs;
}

void free_documents(char **docs, int count)
{
    for (int i = 0; i < count; i++)
        free(docs[i]);
    free(docs);
}
static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **sorted_copy(char **texts, int n)
{
    char **copy = checked(malloc(((size_t)n + 1) * sizeof *copy));
    memcpy(copy, texts, (size_t)n * sizeof *copy);
    qsort(copy, (size_t)n, sizeof *copy, by_text);
    return copy;
}

Rates judge(char **samples, int n, const Corpus *c)
{
    Rates r = {.count = n};
    char **docs = sorted_copy(c->docs, c->n);
    char **mine = sorted_copy(samples, n);
    for (int i = 0; i < n; i++) {
        int good = grammar_accepts(samples[i]);
        int seen = bsearch(&samples[i], docs, (size_t)c->n, sizeof *docs,
                           by_text) != NULL;
        r.grammatical += good;
        r.novel += !seen;
        r.new_and_good += good && !seen;
        r.distinct += i == 0 || strcmp(mine[i], mine[i - 1]) != 0;
    }
    free(mine);
    free(docs);
    return r;
}

