/* model-demo.c: chapter 3's program, the untrained word model. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "numbers.h"
#include "rng.h"
#include "value.h"

/* BOS the cat eats a muffin BOS, in stand-in ids until chapter 4. */
static const int example[] = {596, 4, 1, 2, 0, 3, 596};
enum { EXAMPLE_LEN = 7 };
/* The character reference's "emma": BOS e m m a BOS. */
static const int emma[] = {26, 4, 12, 12, 0, 26};
enum { EMMA_LEN = 6 };
static const int full_block[] = {596, 4, 1, 2, 0, 3, 596, 4, 1, 2, 0, 3,
                                 596, 4, 1, 2, 0};
enum { FULL_LEN = 17, LONGEST_LEN = 10 };
static void table_row(const char *name, int rows, int cols, int times)
{
    char a[NUMBER_ROOM], b[NUMBER_ROOM];
    size_t n = (size_t)rows * cols;
    printf("| %s | %d × %d | %s | %d | %s |\n", name, rows, cols,
           with_commas(n, a), times, with_commas(n * times, b));
}

static void print_table(const Model *m)
{
    const Config *c = &m->cfg;
    int V = c->vocab_size, C = c->n_embd, L = c->n_layer;
    char total[NUMBER_ROOM];
    printf("| matrix | shape | each | times | parameters |\n"
           "|:--|:-:|--:|--:|--:|\n");
    table_row("`wte`, token embedding", V, C, 1);
    table_row("`wpe`, position embedding", c->block_size, C, 1);
    table_row("`lm_head`, output", V, C, 1);
    table_row("`wq`, `wk`, `wv`, `wo`, attention", C, C, 4 * L);
    table_row("`fc1`, MLP widening", 4 * C, C, L);
    table_row("`fc2`, MLP narrowing", C, 4 * C, L);
    printf("| total | | | | %s |\n", with_commas(m->n_params, total));
}
typedef struct {
    double loss;
    size_t nodes, depth;
} Measure;

static Measure measure(Model *m, KVCache *kv, const int *tokens, int n)
{
    size_t mark = values_mark();
    Value *loss = sequence_loss(m, kv, tokens, n);
    Measure r = {loss->data, values_count() - mark, value_depth(loss)};
    values_release(mark);
    return r;
}

static size_t nodes_at_position_0(Model *m, KVCache *kv)
{
    size_t mark = values_mark();
    kv_clear(kv);
    gpt(m, example[0], 0, kv);
    size_t n = values_count() - mark;
    values_release(mark);
    return n;
}
static void print_figures(Model *word, Model *chr, KVCache *kv)
{
    char buf[NUMBER_ROOM];
    Rng rng;
    rng_seed(&rng, 42);
    printf("%%%% rng-first\n%s\n", shortest(rng_random(&rng), buf));
    printf("%%%% first-weights\n");
    for (int i = 0; i < 3; i++)
        printf("%s%s", shortest(word->params[i].data, buf),
               i < 2 ? ", " : "\n");
    printf("%%%% param-table\n");
    print_table(word);
    printf("%%%% param-total\n%s\n", with_commas(word->n_params, buf));
    printf("%%%% char-param-total\n%s\n", with_commas(chr->n_params, buf));
    KVCache *chr_kv = kv_new(&chr->cfg);
    Measure e = measure(chr, chr_kv, emma, EMMA_LEN);
    printf("%%%% emma-loss\n%s\n", shortest(e.loss, buf));
    kv_free(chr_kv);
    printf("%%%% ln-vocab\n%.3f\n", log(word->cfg.vocab_size));
    Measure ex = measure(word, kv, example, EXAMPLE_LEN);
    printf("%%%% untrained-loss\n%.4f\n", ex.loss);
    printf("%%%% nodes-position-0\n%s\n",
           with_commas(nodes_at_position_0(word, kv), buf));
    printf("%%%% nodes-example\n%s\n", with_commas(ex.nodes, buf));
    printf("%%%% depth-example\n%s\n", with_commas(ex.depth, buf));
    Measure longest = measure(word, kv, full_block, LONGEST_LEN);
    printf("%%%% nodes-longest\n%s\n", with_commas(longest.nodes, buf));
    printf("%%%% longest-megabytes\n%.0f\n",
           longest.nodes * (double)sizeof(Value) / 1e6);
    Measure full = measure(word, kv, full_block, FULL_LEN);
    printf("%%%% nodes-block\n%s\n", with_commas(full.nodes, buf));
    printf("%%%% depth-block\n%s\n", with_commas(full.depth, buf));
    printf("%%%% node-bytes\n%zu\n", sizeof(Value));
    printf("%%%% block-megabytes\n%.0f\n",
           full.nodes * (double)sizeof(Value) / 1e6);
}

int main(int argc, char **argv)
{
    int figures = argc == 2 && strcmp(argv[1], "--figures") == 0;
    if (argc > 1 && !figures) {
        fprintf(stderr, "usage: %s [--figures]\n", argv[0]);
        return 2;
    }
    const Config word_shape = {597, 32, 4, 2, 16};
    const Config char_shape = {27, 16, 4, 1, 16};
    Rng rng;
    rng_seed(&rng, 42);
    Model *word = model_new(&word_shape);
    model_init(word, &rng);
    rng_seed(&rng, 42);
    Model *chr = model_new(&char_shape);
    model_init(chr, &rng);
    KVCache *kv = kv_new(&word_shape);
    if (figures) {
        print_figures(word, chr, kv);
    } else {
        printf("The word model:\n\n");
        print_table(word);
        Measure ex = measure(word, kv, example, EXAMPLE_LEN);
        printf("\nuntrained loss on \"the cat eats a muffin\": %.4f "
               "(ln %d = %.4f)\n", ex.loss, word->cfg.vocab_size,
               log(word->cfg.vocab_size));
    }
    kv_free(kv);
    model_free(chr);
    model_free(word);
    values_free();
    return 0;
}
