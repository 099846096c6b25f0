/* sample-demo.c: chapter 6's program: prints the chapter's figures
   (sample-demo --figures [CHECKPOINT [SAMPLES]]). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "sample.h"

static const double TEMPERATURES[] = {0.5, 0.8, 1.0, 1.5};
enum { N_T = 4, TOP = 6 };

static void print_temperature_table(Run *r)
{
    Model *m = r->model;
    int V = m->cfg.vocab_size, bos = V - 1, top[TOP];
    double *p = malloc((size_t)N_T * V * sizeof *p);
    kv_clear(r->kv);
    size_t mark = values_mark();
    Value **logits = gpt(m, bos, 0, r->kv);
    for (int k = 0; k < N_T; k++)
        softmax_temperature(p + k * V, logits, V, TEMPERATURES[k]);
    values_release(mark);
    for (int i = 0; i < TOP; i++) {  /* the likeliest, at T = 1 */
        top[i] = -1;
        for (int j = 0; j < V; j++) {
            int taken = 0;
            for (int k = 0; k < i; k++)
                taken |= top[k] == j;
            if (!taken && (top[i] < 0 || p[2 * V + j] > p[2 * V + top[i]]))
                top[i] = j;
        }
    }
    printf("%%%% temperature-table\n| first word |");
    for (int k = 0; k < N_T; k++)
        printf(" $T = %g$ |", TEMPERATURES[k]);
    printf("\n|:--|--:|--:|--:|--:|\n");
    for (int i = 0; i < TOP; i++) {
        printf("| %s |", r->tokenizer->tokens[top[i]]);
        for (int k = 0; k < N_T; k++)
            printf(" %.3f |", p[k * V + top[i]]);
        printf("\n");
    }
    free(p);
}
static Rates sample_at(Run *r, const Corpus *c, double T, int count,
                       char **shown, Rates *verdict)
{
    Rng rng;
    rng_seed(&rng, 42);
    char **docs = sample_documents(r->model, r->kv, r->tokenizer, &rng, T,
                                   NULL, 0, count);
    Rates rates = judge(docs, count, c);
    for (int i = 0; i < 4; i++) {  /* kept for the list; the caller frees */
        verdict[i] = judge(&docs[i], 1, c);
        shown[i] = docs[i];
        docs[i] = NULL;
    }
    free_documents(docs, count);
    return rates;
}
static double percent(int part, int whole)
{
    return 100.0 * part / whole;
}

static void print_samples_table(Run *r, const Corpus *c, int count)
{
    char *shown[N_T][4];
    Rates q[N_T], verdict[N_T][4];
    for (int k = 0; k < N_T; k++)
        q[k] = sample_at(r, c, TEMPERATURES[k], count, shown[k],
                         verdict[k]);
    printf("%%%% samples-table\n| $T$ | grammatical | novel | distinct "
           "| grammatical and new |\n|--:|--:|--:|--:|--:|\n");
    for (int k = 0; k < N_T; k++)
        printf("| %g | %.1f%% | %.1f%% | %.1f%% | %.1f%% |\n",
               TEMPERATURES[k], percent(q[k].grammatical, q[k].count),
               percent(q[k].novel, q[k].count),
               percent(q[k].distinct, q[k].count),
               percent(q[k].new_and_good, q[k].count));
    printf("%%%% samples-list\n");
    for (int k = 0; k < N_T; k++) {
        printf("* $T = %g$:", TEMPERATURES[k]);
        for (int i = 0; i < 4; i++) {
            const Rates *v = &verdict[k][i];
            printf("%s \"%s\" (%s, %s)", i ? "," : "", shown[k][i],
                   v->grammatical ? "grammatical" : "not grammatical",
                   v->novel ? "novel" : "in the corpus");
            free(shown[k][i]);
        }
        printf("\n");
    }
    printf("%%%% grammatical-08\n%.1f%%\n",
           percent(q[1].grammatical, q[1].count));
}
static int print_parity_samples(void)
{
    char error[RUN_ERROR_ROOM], line[100];
    Corpus *c = corpus_load("tests/data/names.txt", error);
    FILE *f = fopen("tests/data/names-samples.txt", "r");
    Run *r = c ? run_start(c, BY_CHAR, (Config){0, 16, 4, 1, 16}, 1000,
                           0.01, 42, error) : NULL;
    if (r && f) {
        for (int s = 0; s < 1000; s++)
            run_step(r, c);
        printf("%%%% parity-samples\n| the Python original | microgpt |\n"
               "|:--|:--|\n");
        int out[16];
        for (int i = 0; i < 10 && fgets(line, sizeof line, f); i++) {
            char mine[100];
            int n = sample_tokens(r->model, r->kv, &r->rng, 0.5, NULL, 0,
                                  out);
            tokenizer_decode(r->tokenizer, out, n, mine, sizeof mine);
            line[strcspn(line, "\n")] = '\0';
            printf("| %s | %s |\n", line, mine);
        }
    } else
        fprintf(stderr, "sample-demo: cannot read tests/data/names.txt "
                        "and names-samples.txt; run from the top\n");
    int ok = r && f;
    if (f)
        fclose(f);
    run_free(r);
    corpus_free(c);
    return ok;
}

int main(int argc, char **argv)
{
    char *end = "";
    long count = argc == 4 ? strtol(argv[3], &end, 10) : 1000;
    if (argc < 2 || argc > 4 || strcmp(argv[1], "--figures") != 0
        || *end || count < 4 || count > 100000) {
        fprintf(stderr, "usage: %s --figures [CHECKPOINT [SAMPLES, 4 to "
                "100000]]\n", argv[0]);
        return 2;
    }
    char error[CHECKPOINT_ERROR_ROOM];
    const char *path = argc >= 3 ? argv[2] : "build/runs/word.ckpt";
    Run *r = checkpoint_load(path, error);
    Corpus *c = r ? corpus_load("data/sentences.txt", error) : NULL;
    if (!c) {
        fprintf(stderr, "sample-demo: %s\n", error);
        run_free(r);
        return 1;
    }
    print_temperature_table(r);
    print_samples_table(r, c, (int)count);
    run_free(r);
    corpus_free(c);
    int ok = print_parity_samples();
    values_free();
    return ok ? 0 : 1;
}
