/* train-demo.c: chapter 5's program: prints the figures of the chapter,
   those of arithmetic, of the running example, of parity with the
   Python original and of the book's run (train-demo --figures [RUN]). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numbers.h"
#include "train.h"

static void print_arithmetic(void)
{
    static const double p[] = {0.90, 0.50, 0.17, 0.01};
    printf("%%%% neglog-table\n| $p$ | $-\\log p$ |\n|--:|--:|\n");
    for (int i = 0; i < 4; i++)
        printf("| %.2f | %.3f |\n", p[i], -log(p[i]));
    Adam *a = adam_new(1, 5000, 0.01);
    printf("%%%% bias-first\n%.2f\n", 1 - pow(a->beta1, 1));
    printf("%%%% bias-21\n%.3f\n", 1 - pow(a->beta1, 21));
    printf("%%%% bias-21-v\n%.3f\n", 1 - pow(a->beta2, 21));
    printf("%%%% bias-21-ratio\n%.1f\n",
           (1 - pow(a->beta1, 21)) / sqrt(1 - pow(a->beta2, 21)));
    char buf[NUMBER_ROOM];
    printf("%%%% lr-half\n%s\n", shortest(adam_lr(a, 2500), buf));
    adam_free(a);
}
static int rows_with_grad(const Value *w, int rows, int cols)
{
    int n = 0;
    for (int i = 0; i < rows; i++) {
        int any = 0;
        for (int j = 0; j < cols; j++)
            any |= w[(size_t)i * cols + j].grad != 0;
        n += any;
    }
    return n;
}

static void print_row(const char *name, Value *p, const Value *before)
{
    printf("| %s | %.4g | %.8f |\n", name, before->grad,
           p->data - before->data);
}
static void print_example_step(Run *r)
{
    Model *m = r->model;
    const Tokenizer *t = r->tokenizer;
    int ids[8], C = m->cfg.n_embd;
    char error[TOKENIZER_ERROR_ROOM];
    int n = tokenizer_encode(t, "the cat eats a muffin", ids, 8, error);
    size_t mark = values_mark();
    backward(sequence_loss(m, r->kv, ids, n));
    int V = m->cfg.vocab_size, B = m->cfg.block_size;
    printf("%%%% sparse-token-rows\n%d\n", rows_with_grad(m->w.wte, V, C));
    printf("%%%% sparse-position-rows\n%d\n",
           rows_with_grad(m->w.wpe, B, C));
    printf("%%%% sparse-other-rows\n%d\n",
           V - rows_with_grad(m->w.wte, V, C));
    Value *p[4] = {&m->w.wte[ids[2] * C], &m->w.wpe[0],
                   &m->w.lm_head[ids[5] * C], &m->w.layer[0].wq[0]};
    Value before[4];
    for (int i = 0; i < 4; i++)
        before[i] = *p[i];
    adam_update(r->adam, m->params);
    values_release(mark);
    printf("%%%% first-step-table\n| parameter | gradient | change |\n"
           "|:--|--:|--:|\n");
    print_row("`wte[cat][0]`", p[0], &before[0]);
    print_row("`wpe[0][0]`", p[1], &before[1]);
    print_row("`lm_head[muffin][0]`", p[2], &before[2]);
    print_row("layer 0 `wq[0][0]`", p[3], &before[3]);
}
static int print_parity(void)
{
    char error[RUN_ERROR_ROOM];
    Corpus *c = corpus_load("tests/data/names.txt", error);
    FILE *f = fopen("tests/data/names-losses.txt", "r");
    if (!c || !f) {
        fprintf(stderr, "train-demo: cannot read the names or their "
                        "losses; run from the top directory\n");
        corpus_free(c);
        if (f)
            fclose(f);
        return 0;
    }
    Config shape = {0, 16, 4, 1, 16};
    Run *r = run_start(c, BY_CHAR, shape, 1000, 0.01, 42, error);
    printf("%%%% parity-table\n| step | the Python original | microgpt |\n"
           "|--:|--:|--:|\n");
    for (int s = 1; s <= 5; s++) {
        double mine = run_step(r, c), theirs;
        char a[NUMBER_ROOM], b[NUMBER_ROOM];
        if (fscanf(f, "%*d %lf", &theirs) != 1)
            theirs = NAN;
        printf("| %d | %s | %s |\n", s, shortest(theirs, a),
               shortest(mine, b));
    }
    fclose(f);
    run_free(r);
    corpus_free(c);
    return 1;
}
enum { WINDOW = 100, MAX_RUN = 1000000 };

static double mean(const double *x, int from, int to)
{
    double sum = 0;
    for (int i = from; i < to; i++)
        sum += x[i];
    return sum / (to - from);
}

static void print_curve(const double *loss, int n)
{
    printf("%%%% loss-curve\n# gnuplot\n$loss << EOD\n");
    for (int i = 0; i < n; i++)
        printf("%d %.5f %.5f\n", i + 1, loss[i],
               mean(loss, i + 1 > WINDOW ? i + 1 - WINDOW : 0, i + 1));
    /* the key's dot is drawn apart (NaN plots nothing), larger than
       the curve's five thousand, or it could not be seen */
    printf("EOD\nset xlabel \"step\"\nset ylabel \"loss\"\nset grid\n"
           "set key top right\nplot $loss using 1:2 with points pt 7 ps 0.25 "
           "lc rgb \"#8aa8c8\" notitle, \\\n  NaN with points pt 7 ps 1.5 "
           "lc rgb \"#8aa8c8\" title \"one sentence\", \\\n  $loss using "
           "1:3 with lines lw 2 lc rgb \"#b03020\" title \"mean of 100 "
           "steps\"\n");
    printf("%%%% run-first-loss\n%.4f\n", loss[0]);
    printf("%%%% run-last-loss\n%.4f\n",
           mean(loss, n > WINDOW ? n - WINDOW : 0, n));
}
static int read_log(FILE *f, double *loss)
{
    char header[64];
    int n = 0, step;
    double lr;
    if (!fgets(header, sizeof header, f))
        return 0;
    while (n < MAX_RUN && fscanf(f, "%d,%lf,%lf", &step, &loss[n], &lr) == 3)
        n++;
    return n;
}

static int print_output(FILE *f)
{
    char line[256];
    double seconds = -1;
    printf("%%%% run-output\n~~~\n");
    while (fgets(line, sizeof line, f)) {
        printf("%s", line);
        sscanf(line, "trained steps %*d to %*d of %*d in %lf", &seconds);
    }
    printf("~~~\n%%%% run-seconds\n%.0f\n", seconds);
    return seconds >= 0;
}

static int print_run(const char *run)
{
    char path[512];
    snprintf(path, sizeof path, "%s.csv", run);
    FILE *log = fopen(path, "r");
    snprintf(path, sizeof path, "%s.out", run);
    FILE *out = fopen(path, "r");
    double *loss = malloc(MAX_RUN * sizeof *loss);
    int n = log && loss ? read_log(log, loss) : 0;
    if (n > 0)
        print_curve(loss, n);
    int ok = n > 0 && out && print_output(out);
    if (!ok)
        fprintf(stderr, "train-demo: cannot read the book's run, %s.csv "
                        "and %s.out (make builds them)\n", run, run);
    if (log)
        fclose(log);
    if (out)
        fclose(out);
    free(loss);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || strcmp(argv[1], "--figures") != 0) {
        fprintf(stderr, "usage: %s --figures [RUN]\n", argv[0]);
        return 2;
    }
    char error[RUN_ERROR_ROOM];
    Corpus *c = corpus_load("data/sentences.txt", error);
    if (!c) {
        fprintf(stderr, "train-demo: %s\n", error);
        return 1;
    }
    Config shape = {0, 32, 4, 2, 16};
    Run *r = run_start(c, BY_WORD, shape, 5000, 0.01, 42, error);
    print_arithmetic();
    print_example_step(r);
    run_free(r);
    corpus_free(c);
    values_free();
    int ok = print_parity();
    ok = print_run(argc == 3 ? argv[2] : "build/runs/word") && ok;
    values_free();
    return ok ? 0 : 1;
}
