/* backprop-demo.c: chapter 7's figures: gradients by hand against
   central differences and against the graph, the two engines' runs,
   and the tables of a benchmark and of where a step's time goes. */
#define _POSIX_C_SOURCE 200809L  /* clock_gettime */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gradcheck.h"
#include "manual.h"
#include "mlp.h"
#include "numbers.h"

enum { TIMINGS = 5, IN_A_ROW = 1000 };

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *x, int n)
{
    qsort(x, n, sizeof *x, by_value);
    return x[n / 2];
}

/* "12.3 ms" or "45.6 µs". */
static const char *duration(double seconds, char *buf)
{
    if (seconds >= 1e-3)
        snprintf(buf, NUMBER_ROOM, "%.1f ms", seconds * 1e3);
    else
        snprintf(buf, NUMBER_ROOM, "%.1f µs", seconds * 1e6);
    return buf;
}

static int name_tokens(const char *name, int *ids)
{
    int n = 0;
    ids[n++] = 26;
    for (const char *p = name; *p; p++)
        ids[n++] = *p - 'a';
    ids[n++] = 26;
    return n;
}
static void print_mlp_figures(void)
{
    char a[NUMBER_ROOM], b[NUMBER_ROOM], c[NUMBER_ROOM], d[NUMBER_ROOM];
    Rng rng;
    rng_seed(&rng, 42);
    Mlp *m = mlp_new(27, 16, 64, &rng);
    size_t P = m->n_params;
    printf("%%%% mlp-shape\n%s + %s + %s = %s\n",
           with_commas(27 * 16, a), with_commas(64 * 16, b),
           with_commas(27 * 64, c), with_commas(P, d));
    int ids[8], n = name_tokens("emma", ids);
    double *numeric = checked(malloc(P * sizeof *numeric));
    double slow[TIMINGS], fast[TIMINGS], worst = 0;
    for (int k = 0; k < TIMINGS; k++) {
        double t0 = now();
        mlp_numerical_grad(m, ids, n, 1e-5, numeric);
        double t1 = now();
        for (int r = 0; r < IN_A_ROW; r++) {
            memset(m->grads, 0, P * sizeof *m->grads);
            mlp_forward(m, ids, n);
            mlp_backward(m);
        }
        slow[k] = t1 - t0, fast[k] = (now() - t1) / IN_A_ROW;
    }
    for (size_t i = 0; i < P; i++)
        worst = fmax(worst, relative_error(m->grads[i], numeric[i]));
    double t_slow = median(slow, TIMINGS), t_fast = median(fast, TIMINGS);
    printf("%%%% mlp-check\n| | numerical | analytic |\n|:--|--:|--:|\n");
    printf("| forward passes | %s | 1 |\n", with_commas(2 * P, a));
    printf("| backward passes | 0 | 1 |\n");
    printf("| time, median of %d | %s | %s |\n", TIMINGS,
           duration(t_slow, a), duration(t_fast, b));
    printf("| largest relative difference | %.1e | |\n\n", worst);
    printf("The analytic gradient took %s times less time.\n",
           with_commas((size_t)(t_slow / t_fast + 0.5), a));
    free(numeric);
    mlp_free(m);
}
typedef struct {
    const char *label, *data, *doc;
    TokenKind kind;
    Config shape;
} Check;

static const Check CHECKS[] = {
    {"words", "data/sentences.txt", "the cat eats a muffin", BY_WORD,
     {0, 32, 4, 2, 16}},
    {"characters", "tests/data/names.txt", "emma", BY_CHAR,
     {0, 16, 4, 1, 16}},
};

/* One row of the table; the model's parameter count goes in *params. */
static int print_check_row(const Check *k, size_t *params)
{
    char error[CORPUS_ERROR_ROOM + TOKENIZER_ERROR_ROOM], a[NUMBER_ROOM],
         b[NUMBER_ROOM], d[NUMBER_ROOM];
    Corpus *c = corpus_load(k->data, error);
    if (!c) {
        fprintf(stderr, "backprop-demo: %s\n", error);
        return 0;
    }
    Tokenizer *tok = checked(tokenizer_build(c, k->kind));
    int ids[RUN_MAX_TOKENS];
    int n = tokenizer_encode(tok, k->doc, ids, RUN_MAX_TOKENS, error);
    Config shape = k->shape;
    shape.vocab_size = tok->bos + 1;
    Model *m = model_new(&shape);
    Rng rng;
    rng_seed(&rng, 42);
    model_init(m, &rng);
    KVCache *kv = kv_new(&shape);
    size_t before = values_count();
    Value *loss = sequence_loss(m, kv, ids, n);
    size_t nodes = values_count() - before;
    backward(loss);
    Manual *e = manual_new(&shape);
    manual_load(e, m);
    double mine = manual_forward(e, ids, n), worst = 0;
    manual_backward(e);
    for (size_t i = 0; i < m->n_params; i++)
        worst = fmax(worst, relative_error(m->params[i].grad, e->grads[i]));
    *params = m->n_params;
    printf("| %s, \"%s\" | %s | %.4f | %s | %.1e | %s | %s |\n", k->label,
           k->doc, with_commas(m->n_params, a), mine,
           mine == loss->data ? "yes" : "no", worst, with_commas(nodes, b),
           with_commas(e->n_acts, d));
    values_free();
    manual_free(e);
    kv_free(kv);
    model_free(m);
    tokenizer_free(tok);
    corpus_free(c);
    return 1;
}

static int print_gpt_check(void)
{
    printf("%%%% gpt-check\n| model, document | parameters | loss | "
           "same bits | largest relative difference | graph nodes | "
           "array doubles |\n|:--|--:|--:|:-:|--:|--:|--:|\n");
    int ok = 1;
    size_t params = 0, words = 0;
    for (size_t i = 0; ok && i < sizeof CHECKS / sizeof *CHECKS; i++) {
        ok = print_check_row(&CHECKS[i], &params);
        words = CHECKS[i].kind == BY_WORD ? params : words;
    }
    char a[NUMBER_ROOM];
    if (ok)  /* the chapter's opening estimate, for the word model */
        printf("%%%% word-two-thirds-p\n%s\n",
               with_commas(2 * words / 3, a));
    return ok;
}
/* Chapter 3's running example with dot nodes: the size of a node, and
   the graph's nodes and longest path. */
static void print_dot_figures(void)
{
    static const int example[] = {596, 4, 1, 2, 0, 3, 596};
    Config shape = {597, 32, 4, 2, 16};
    Model *m = model_new(&shape);
    KVCache *kv = kv_new(&shape);
    char buf[NUMBER_ROOM];
    int was = values_dot_nodes(1);
    size_t mark = values_mark();
    Value *loss = sequence_loss(m, kv, example, 7);
    printf("%%%% node-size-dots\n%zu\n", sizeof(Value));
    printf("%%%% nodes-example-dots\n%s\n",
           with_commas(values_count() - mark, buf));
    printf("%%%% depth-example-dots\n%s\n",
           with_commas(value_depth(loss), buf));
    values_release(mark);
    values_dot_nodes(was);
    kv_free(kv);
    model_free(m);
}
enum { RUN_STEPS = 1000 };

static Run *reference_run(Corpus **c, char *error)
{
    *c = corpus_load("tests/data/names.txt", error);
    Config shape = {0, 16, 4, 1, 16};
    return *c ? run_start(*c, BY_CHAR, shape, RUN_STEPS, 0.01, 42, error)
              : NULL;
}

static void print_run_row(int step, double x, double y)
{
    printf("| %d | %.15f | %.15f | %.1e |\n", step, x, y, fabs(x - y));
}

/* The median over the parameters of how many units in the last place
   of the larger one a and b differ by. */
static double median_ulps(const Model *a, const Model *b)
{
    int n = (int)a->n_params;
    double *ulps = checked(malloc(n * sizeof *ulps));
    for (int i = 0; i < n; i++) {
        double x = a->params[i].data, y = b->params[i].data;
        double big = fmax(fabs(x), fabs(y));
        ulps[i] = fabs(x - y) / (nextafter(big, INFINITY) - big);
    }
    double m = median(ulps, n);
    free(ulps);
    return m;
}

static int print_engines_agree(void)
{
    char error[RUN_ERROR_ROOM + CORPUS_ERROR_ROOM];
    Corpus *c1 = NULL, *c2 = NULL;
    Run *r1 = reference_run(&c1, error), *r2 = r1 ? reference_run(&c2,
                                                                 error)
                                                   : NULL;
    if (!r2) {
        fprintf(stderr, "backprop-demo: %s\n", error);
        run_free(r1), corpus_free(c1), corpus_free(c2);
        return 0;
    }
    printf("%%%% engines-agree\n| step | autograd | manual | difference "
           "|\n|--:|--:|--:|--:|\n");
    void *kept = MANUAL.start(r2);
    static double x[RUN_STEPS + 1], y[RUN_STEPS + 1];
    int same = 0, worst = 1;  /* the step where they differ most */
    for (int s = 1; s <= RUN_STEPS; s++) {
        x[s] = AUTOGRAD.step(NULL, r1, c1);
        y[s] = MANUAL.step(kept, r2, c2);
        same += x[s] == y[s];
        if (fabs(x[s] - y[s]) > fabs(x[worst] - y[worst]))
            worst = s;
    }
    MANUAL.stop(kept, r2);
    static const int shown[] = {1, 2, 3, 10, 100, RUN_STEPS};
    for (int i = 0; i < 6; i++) {
        if (worst > (i ? shown[i - 1] : 0) && worst < shown[i])
            print_run_row(worst, x[worst], y[worst]);
        print_run_row(shown[i], x[shown[i]], y[shown[i]]);
    }
    double far = 0, ulps = median_ulps(r1->model, r2->model);
    for (size_t i = 0; i < r1->model->n_params; i++)
        far = fmax(far, fabs(r1->model->params[i].data
                             - r2->model->params[i].data));
    printf("\nOver all %d steps the losses differ by at most %.1e, and %d "
           "are equal to the last bit; after the last, the parameters "
           "differ by at most %.1e, and the median one by %.0f units in "
           "its last place.\n", RUN_STEPS, fabs(x[worst] - y[worst]),
           same, far, ulps);
    run_free(r1), run_free(r2), corpus_free(c1), corpus_free(c2);
    values_free();
    return 1;
}
enum { WORD_STEPS = 5000, TAIL = 100 };

/* The losses of a training log (step,loss,lr lines after a header);
   returns how many, at most WORD_STEPS, or 0 if it cannot be read. */
static int read_losses(const char *path, double *loss)
{
    FILE *f = fopen(path, "r");
    int n = 0, step;
    if (f && fscanf(f, "step,loss,lr ") == 0)
        while (n < WORD_STEPS && fscanf(f, "%d,%lf,%*f ", &step,
                                        &loss[n]) == 2)
            n++;
    if (f)
        fclose(f);
    if (n == 0)
        fprintf(stderr, "backprop-demo: %s: no losses\n", path);
    return n;
}

static double tail_mean(const double *x, int n)
{
    int from = n > TAIL ? n - TAIL : 0;
    double sum = 0;
    for (int i = from; i < n; i++)
        sum += x[i];
    return sum / (n - from);
}

/* The word model's figure, from the n losses of the book's run. */
static int print_word_engines(const double *graph, int n)
{
    static double hand[WORD_STEPS];
    char error[RUN_ERROR_ROOM + CORPUS_ERROR_ROOM];
    Corpus *c = corpus_load("data/sentences.txt", error);
    Run *r = c ? run_start(c, BY_WORD, (Config){0, 32, 4, 2, 16},
                           WORD_STEPS, 0.01, 42, error) : NULL;
    if (!r) {
        fprintf(stderr, "backprop-demo: %s\n", error);
        corpus_free(c);
        return 0;
    }
    void *kept = MANUAL.start(r);
    int apart = 0;  /* the first step more than 1e-6 apart */
    for (int s = 0; s < n; s++) {
        hand[s] = MANUAL.step(kept, r, c);
        if (!apart && fabs(hand[s] - graph[s]) > 1e-6)
            apart = s + 1;
    }
    MANUAL.stop(kept, r);
    printf("%%%% word-engines\n| the word model | autograd (the book's "
           "run) | manual |\n|:--|--:|--:|\n| loss at step 1 | %.6f | "
           "%.6f |\n| mean loss of the last %d of %d steps | %.4f | %.4f "
           "|\n\n", graph[0], hand[0], n < TAIL ? n : TAIL, n,
           tail_mean(graph, n), tail_mean(hand, n));
    if (apart)
        printf("The losses first differ by more than 1e-6 at step %d.\n",
               apart);
    else
        printf("No two losses differ by more than 1e-6.\n");
    run_free(r);
    corpus_free(c);
    return 1;
}
enum { LINE_ROOM = 256 };  /* a line of up to 255 bytes, and its NUL */

/* The models and engines the files time. */
static const char *const MODELS[2] = {"word", "char"};
static const char *const ENGINES[2] = {"autograd", "manual"};

/* i if name is names[i], or -1. */
static int index_of(const char *name, const char *const names[2])
{
    return !strcmp(name, names[0]) ? 0 : !strcmp(name, names[1]) ? 1 : -1;
}

/* Reads the next line of f into line, which has LINE_ROOM bytes, without
   its '\n': 1 if there is one, 0 at the end of the file, -1 if it is
   too long, -2 if it holds a NUL byte. */
static int read_line(FILE *f, char *line)
{
    int c, n = 0;
    while ((c = getc(f)) != EOF && c != '\n') {
        if (n == LINE_ROOM - 1 || c == '\0')
            return n == LINE_ROOM - 1 ? -1 : -2;
        line[n++] = (char)c;
    }
    line[n] = '\0';
    return c != EOF || n > 0;
}

/* Reads the word of lowercase letters at s into word, which has 16
   bytes; returns where it ends, or NULL unless it has 1 to 15 letters
   and a space after them. */
static const char *read_word(const char *s, char *word)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz");
    if (n < 1 || n > 15 || s[n] != ' ')
        return NULL;
    memcpy(word, s, n);
    word[n] = '\0';
    return s + n;
}

/* Reads a line's first two fields, at its start and after the spaces
   that follow, into model and engine; returns where the rest of the
   line starts, or NULL. */
static const char *read_names(const char *line, char *model, char *engine)
{
    const char *s = read_word(line, model);
    return s ? read_word(s + strspn(s, " "), engine) : NULL;
}

/* Whether s is where a field ends: at a space, or where the line does. */
static int field_ends(const char *s)
{
    return *s == ' ' || *s == '\0';
}

/* Reads the number that starts after the spaces at *s, and moves *s
   past it; 0 if there is none, if more follows it in the same field,
   or if a whole one does not fit in a long. */
static int next_long(const char **s, long *n)
{
    char *end;
    *s += strspn(*s, " ");
    errno = 0;
    *n = strtol(*s, &end, 10);
    int ok = end != *s && !isspace((unsigned char)**s) && field_ends(end)
             && errno == 0;
    *s = end;
    return ok;
}

static int next_double(const char **s, double *x)
{
    char *end;
    *s += strspn(*s, " ");
    *x = strtod(*s, &end);
    int ok = end != *s && !isspace((unsigned char)**s) && field_ends(end);
    *s = end;
    return ok;
}

/* Whether nothing but spaces is left at s. */
static int line_ends(const char *s)
{
    return s[strspn(s, " ")] == '\0';
}
/* The Python original (the published microgpt.py, Python 3.11.7, its
   1000 steps on tests/data/names.txt), timed on a 2-core Xeon like the
   book's build machine, on three days: 148.6 s on one, and 216.6 s
   and 421.8 s on days when the machine, which is shared, was slower.
   The table compares with the fastest time, which makes our program's
   advantage look smaller, never larger. */
static const double PYTHON_SECONDS = 148.6, PYTHON_SECONDS_SLOW = 421.8;

typedef struct {
    char model[16], engine[16];
    int steps, runs;
    double per_second, peak_kb;
} Bench;

enum { MAX_BENCH = 8 };

/* Whether line is one that tools/bench writes; if so, its fields.  It
   names a model and an engine timed here; a step takes more than a
   nanosecond and less than 1000 s, and a run uses at most a terabyte. */
static int read_bench_line(const char *line, Bench *b)
{
    long steps, runs;
    const char *s = read_names(line, b->model, b->engine);
    if (!s || !next_long(&s, &steps) || !next_double(&s, &b->per_second)
        || !next_double(&s, &b->peak_kb) || !next_long(&s, &runs)
        || !line_ends(s) || steps < 1 || steps > INT_MAX || runs < 1
        || runs > INT_MAX)
        return 0;
    b->steps = (int)steps, b->runs = (int)runs;
    return index_of(b->model, MODELS) >= 0
           && index_of(b->engine, ENGINES) >= 0
           && b->per_second > 1e-3 && b->per_second < 1e9
           && !signbit(b->peak_kb) && b->peak_kb <= 1e9;
}

static int read_bench(const char *path, Bench *b)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "backprop-demo: %s: %s\n", path, strerror(errno));
        return 0;
    }
    char line[LINE_ROOM];
    int n = 0, ok = 1, got;
    while (ok && (got = read_line(f, line)) != 0) {
        ok = n < MAX_BENCH && got > 0 && read_bench_line(line, &b[n]);
        n++;
    }
    fclose(f);
    if (n > MAX_BENCH)
        fprintf(stderr, "backprop-demo: %s: more than %d lines\n", path,
                MAX_BENCH);
    else if (!ok)
        fprintf(stderr, "backprop-demo: %s: line %d is not a model, an "
                "engine, steps, steps/s, kilobytes and runs\n", path, n);
    else if (n == 0)
        fprintf(stderr, "backprop-demo: %s: no benchmark results\n",
                path);
    return ok ? n : 0;
}
static const Bench *autograd_row(const Bench *b, int n, const char *model)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(b[i].model, model) && !strcmp(b[i].engine, "autograd"))
            return &b[i];
    return NULL;
}

/* The table of n rows; as the book's figures (with their names) if
   figures. */
static void print_bench(const Bench *b, int n, int figures)
{
    printf("%s| model | engine | runs × steps | per step | steps/s | "
           "whole run | peak memory | × autograd | × Python |\n"
           "|:--|:--|--:|--:|--:|--:|--:|--:|--:|\n",
           figures ? "%% bench\n" : "");
    for (int i = 0; i < n; i++) {
        char t[NUMBER_ROOM], whole[NUMBER_ROOM], ratio[NUMBER_ROOM] = "",
             py[NUMBER_ROOM] = "";
        int chars = !strcmp(b[i].model, "char"), steps = chars ? 1000 : 5000;
        const Bench *base = autograd_row(b, n, b[i].model);
        if (base)
            snprintf(ratio, sizeof ratio, "%.0f",
                     b[i].per_second / base->per_second);
        if (chars)
            snprintf(py, sizeof py, "%.0f",
                     PYTHON_SECONDS / 1000 * b[i].per_second);
        snprintf(whole, sizeof whole, "%.2f s", steps / b[i].per_second);
        printf("| %s | %s | %d × %d | %s | %.0f | %s | %.1f MB | %s | "
               "%s |\n", b[i].model, b[i].engine, b[i].runs, b[i].steps,
               duration(1 / b[i].per_second, t), b[i].per_second, whole,
               b[i].peak_kb / 1024, ratio, py);
    }
    if (figures)
        printf("%%%% python-seconds\n%.1f s (and as much as %.1f s on "
               "slower days)\n", PYTHON_SECONDS, PYTHON_SECONDS_SLOW);
}
typedef struct {
    int steps;     /* 0 until its line is read */
    long nodes;    /* the graph's mean a step */
    double us[3];  /* the parts' mean microseconds a step */
} Phases;

typedef struct {
    int passes;    /* 0 until its line is read */
    double us;     /* the mean microseconds a pass */
} Floor;

typedef struct {
    Phases step[2][2];  /* by model and engine */
    Floor floor[2];     /* by model */
} Timings;

static const char *const LINES[3] = {"autograd engine", "manual engine",
                                     "floor"};
static const char *const PARTS[2][3] = {
    {"building the graph", "the backward walk", "Adam"},
    {"forward", "backward", "AdamW"}};

static double step_us(const Phases *p)
{
    return p->us[0] + p->us[1] + p->us[2];
}

/* Whether us microseconds could be a part of a step, or a pass: at
   least a nanosecond, and less than 1000 s. */
static int a_time(double us)
{
    return us >= 1e-3 && us < 1e9;
}

/* A step's line, after its names, into *p: NULL, or what is wrong. */
static const char *read_step(const char *s, Phases *p)
{
    Phases q;
    long steps;
    if (!next_long(&s, &steps) || !next_long(&s, &q.nodes)
        || !next_double(&s, &q.us[0]) || !next_double(&s, &q.us[1])
        || !next_double(&s, &q.us[2]) || !line_ends(s))
        return "is not a model, an engine, steps, nodes and three times";
    if (p->steps)
        return "times a model and engine again";
    int bad = steps < 1 || steps > INT_MAX || q.nodes < 0;
    for (int k = 0; k < 3; k++)
        bad |= !a_time(q.us[k]);
    if (bad)
        return "has a count or a time that cannot be";
    q.steps = (int)steps;
    *p = q;
    return NULL;
}

/* A floor's line, after its names, into *f: NULL, or what is wrong. */
static const char *read_floor(const char *s, Floor *f)
{
    long passes, params;
    double us;
    if (!next_long(&s, &passes) || !next_long(&s, &params)
        || !next_double(&s, &us) || !line_ends(s))
        return "is not a model, floor, passes, parameters and a time";
    if (f->passes)
        return "times a model's floor again";
    if (passes < 1 || passes > INT_MAX || params < 1 || !a_time(us))
        return "has a count or a time that cannot be";
    *f = (Floor){(int)passes, us};
    return NULL;
}

/* Puts one line in its place in p: NULL, or what is wrong with it. */
static const char *read_phase_line(const char *line, Timings *p)
{
    char model[16], engine[16];
    const char *rest = read_names(line, model, engine);
    if (!rest)
        return "is not a model, an engine, steps, nodes and three times";
    int m = index_of(model, MODELS), e = index_of(engine, ENGINES);
    int is_floor = !strcmp(engine, "floor");
    if (m < 0 || (e < 0 && !is_floor))
        return "names a model or an engine not timed here";
    return is_floor ? read_floor(rest, &p->floor[m])
                    : read_step(rest, &p->step[m][e]);
}

static int read_phases(const char *path, Timings *p)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "backprop-demo: %s: %s\n", path, strerror(errno));
        return 0;
    }
    char line[LINE_ROOM];
    const char *why = NULL;
    int n = 0, got;
    while (!why && (got = read_line(f, line)) != 0)
        why = got == -1 ? "is longer than 255 bytes"
              : got == -2 ? "holds a NUL byte" : read_phase_line(line, p),
        n++;
    fclose(f);
    if (why) {
        fprintf(stderr, "backprop-demo: %s: line %d %s\n", path, n, why);
        return 0;
    }
    for (int m = 0; m < 2; m++)
        for (int e = 0; e < 3; e++)
            if (e < 2 ? !p->step[m][e].steps : !p->floor[m].passes) {
                fprintf(stderr, "backprop-demo: %s: no line for the %s "
                        "model's %s\n", path, MODELS[m], LINES[e]);
                return 0;
            }
    return 1;
}
static void print_share(const char *name, double part, double whole)
{
    printf("%%%% %s\n%.0f%%\n", name, 100 * part / whole);
}

/* x > 0 to two significant digits: 7.43 is "7.4", and 20356 is
   "20,000". */
static const char *two_digits(double x, char *buf)
{
    if (x < 10) {
        snprintf(buf, NUMBER_ROOM, "%.2g", x);
        return buf;
    }
    double unit = pow(10, floor(log10(x)) - 1);
    return with_commas((size_t)(round(x / unit) * unit), buf);
}

/* The figures the prose names. */
static void print_phase_figures(const Timings *p)
{
    const Phases (*s)[2] = p->step;
    char name[64], buf[NUMBER_ROOM];
    print_share("phases-adam-word", s[0][0].us[2], step_us(&s[0][0]));
    print_share("phases-adam-char", s[1][0].us[2], step_us(&s[1][0]));
    print_share("phases-adamw-word", s[0][1].us[2], step_us(&s[0][1]));
    print_share("phases-adamw-char", s[1][1].us[2], step_us(&s[1][1]));
    printf("%%%% phases-nodes-word\n%s\n",
           with_commas((size_t)s[0][0].nodes, buf));
    for (int m = 0; m < 2; m++) {
        printf("%%%% phases-floor-%s\n%s\n", MODELS[m],
               duration(p->floor[m].us * 1e-6, buf));
        snprintf(name, sizeof name, "phases-floor-share-%s", MODELS[m]);
        print_share(name, p->floor[m].us, s[m][1].us[2]);
    }
    printf("%%%% python-ceiling\n%s\n", two_digits(PYTHON_SECONDS / 1000
           / (p->floor[1].us * 1e-6), buf));
}

/* The table; as the book's figures (with their names) if figures. */
static void print_phases(const Timings *p, int figures)
{
    if (figures) {
        print_phase_figures(p);
        printf("%%%% phases\n");
    }
    printf("| model | engine | steps | part of a step | per step | share "
           "|\n|:--|:--|--:|:--|--:|--:|\n");
    for (int m = 0; m < 2; m++)
        for (int e = 0; e < 2; e++) {
            const Phases *q = &p->step[m][e];
            char t[NUMBER_ROOM];
            printf("| %s | %s | %d ", MODELS[m], ENGINES[e], q->steps);
            for (int k = 0; k < 3; k++)
                printf("%s| %s | %s | %.0f%% |\n", k ? "| | | " : "",
                       PARTS[e][k], duration(q->us[k] * 1e-6, t),
                       100 * q->us[k] / step_us(q));
            printf("| | | | the whole step | %s | |\n",
                   duration(step_us(q) * 1e-6, t));
            if (e == 1)
                printf("| | | | AdamW's floor | %s | |\n",
                       duration(p->floor[m].us * 1e-6, t));
        }
}

int main(int argc, char **argv)
{
    int figures = argc >= 2 && strcmp(argv[1], "--figures") == 0;
    int bench = argc == 3 && strcmp(argv[1], "--bench") == 0;
    int phases = argc == 3 && strcmp(argv[1], "--phases") == 0;
    if (!(figures && argc <= 5) && !bench && !phases) {
        fprintf(stderr, "usage: %s --figures [BENCH [LOG [PHASES]]] | "
                "--bench BENCH | --phases PHASES\n", argv[0]);
        return 2;
    }
    const char *path = argc >= 3 ? argv[2] : "build/bench/book.txt";
    const char *log = argc >= 4 ? argv[3] : "build/runs/word.csv";
    const char *parts = argc == 5 ? argv[4] : "build/bench/phases-book.txt";
    Bench b[MAX_BENCH];
    Timings p = {0};
    if (bench) {
        int rows = read_bench(path, b);
        if (rows)
            print_bench(b, rows, 0);
        return rows ? 0 : 1;
    }
    if (phases) {
        int ok = read_phases(path, &p);
        if (ok)
            print_phases(&p, 0);
        return ok ? 0 : 1;
    }
    /* Every file is read before any figure is worked out, so that a bad
       one is refused at once, with nothing printed. */
    static double graph[WORD_STEPS];
    int rows = read_bench(path, b);
    int steps = rows ? read_losses(log, graph) : 0;
    if (!steps || !read_phases(parts, &p))
        return 1;
    print_mlp_figures();
    print_dot_figures();
    if (!print_gpt_check() || !print_engines_agree()
        || !print_word_engines(graph, steps))
        return 1;
    print_bench(b, rows, 1);
    print_phases(&p, 1);
    return 0;
}
