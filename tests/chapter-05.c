/* tests/chapter-05.c: the exercises of chapter 5, training: Adam and its
 * schedule, the training step, checkpoints, the microgpt program, and
 * the Python original's losses.  Tests run from the top of the project;
 * the files they make go in a fresh directory under /tmp. */
#define _XOPEN_SOURCE 700 /* popen, mkdtemp, fork, kill */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "checkpoint.h"
#include "gradcheck.h"
#include "train.h"
#include "programs.h"

TestSuite(adam);
TestSuite(step);
TestSuite(checkpoint);
TestSuite(program);
TestSuite(parity);

static const Config WORDS = {0, 32, 4, 2, 16}, CHARS = {0, 16, 4, 1, 16};

static Corpus *load(const char *path)
{
    char error[CORPUS_ERROR_ROOM];
    Corpus *c = corpus_load(path, error);
    cr_assert_not_null(c, "%s", error);
    return c;
}

static Run *start(Corpus *c, TokenKind kind, Config shape, int steps)
{
    char error[RUN_ERROR_ROOM];
    Run *r = run_start(c, kind, shape, steps, 0.01, 42, error);
    cr_assert_not_null(r, "%s", error);
    return r;
}

/* ---- Adam and its schedule -------------------------------------------- */

Test(adam, the_chapters_arithmetic)
{
    /* The bias corrections by hand, with the betas Adam is given:
     * 0.85^21 = 0.0330 and 0.99^21 = 0.8097.  (The table of -log p is
     * the program's, and program/figures checks it as printed.) */
    Adam *a = adam_new(1, 5000, 0.01);
    cr_assert_float_eq(1 - pow(a->beta1, 1), 0.15, 1e-15);
    cr_assert_float_eq(1 - pow(a->beta1, 21), 0.967, 5e-4);
    cr_assert_float_eq(1 - pow(a->beta2, 21), 0.190, 5e-4);
    adam_free(a);
}

Test(adam, the_rate_falls_in_a_straight_line_to_zero)
{
    Adam *a = adam_new(1, 5000, 0.01);
    cr_assert_eq(adam_lr(a, 0), 0.01);
    cr_assert_eq(adam_lr(a, 2500), 0.005); /* exactly: 0.01 * 0.5 */
    cr_assert_float_eq(adam_lr(a, 4999), 0.01 / 5000, 1e-18);
    cr_assert_eq(adam_lr(a, 5000), 0.0);
    for (int s = 1; s < 5000; s++) /* equal decrements of 0.01/5000 */
        cr_assert_float_eq(adam_lr(a, s - 1) - adam_lr(a, s), 2e-6, 1e-15);
    adam_free(a);
}

Test(adam, first_step_moves_by_lr_against_the_gradient)
{
    /* At step 0, m_hat = g and v_hat = g^2 (to within rounding: m =
     * (1 - b1) g, then divided by 1 - b1), so the change is
     * -lr * g / (|g| + eps): lr * sign(g), short by about lr * eps / |g|
     * where |g| is well above eps, and about -lr * g / eps where it is
     * far below (g = 1e-12 moves by 1e-6, not by lr). */
    enum { N = 6 };
    const double g[N] = {3.0, -0.5, 1e-3, -2e-7, 1e-12, 0.0};
    Value p[N];
    for (int i = 0; i < N; i++)
        p[i] = (Value){.data = 1.0, .grad = g[i]};
    Adam *a = adam_new(N, 100, 0.01);
    adam_update(a, p);
    for (int i = 0; i < N; i++) {
        double change = p[i].data - 1.0;
        double want = -0.01 * g[i] / (fabs(g[i]) + 1e-8);
        /* 1 - u rounds to within 2^-53; the rest is far smaller. */
        cr_assert(fabs(change - want) <= 1e-15, "g %g: moved %g", g[i],
                  change);
        if (fabs(g[i]) >= 1e-3)  /* lr * sign(g), to within lr eps/|g| */
            cr_assert(fabs(change + 0.01 * (g[i] > 0 ? 1 : -1))
                      <= 0.01 * 1e-8 / fabs(g[i]) + 1e-15);
        cr_assert_eq(p[i].grad, 0.0, "the gradient is zeroed");
    }
    cr_assert_eq(a->step, 1);
    adam_free(a);
}

Test(adam, second_step_follows_the_formulas)
{
    /* Two steps with gradients 1 then 3, by hand: m = 0.15, then
     * 0.85*0.15 + 0.15*3 = 0.5775; v = 0.01, then 0.99*0.01 + 0.01*9 =
     * 0.0999; step 1's m_hat = 0.5775/(1-0.7225) = 2.0810811...,
     * v_hat = 0.0999/(1-0.9801) = 5.0201005..., lr_1 = 0.01*(1-1/10). */
    Value p = {.data = 0, .grad = 1};
    Adam *a = adam_new(1, 10, 0.01);
    adam_update(a, &p);
    double after_first = p.data;
    p.grad = 3;
    adam_update(a, &p);
    cr_assert_float_eq(a->m[0], 0.5775, 1e-15);
    cr_assert_float_eq(a->v[0], 0.0999, 1e-15);
    double m_hat = 0.5775 / (1 - 0.7225), v_hat = 0.0999 / (1 - 0.9801);
    double want = after_first - 0.009 * m_hat / (sqrt(v_hat) + 1e-8);
    cr_assert_float_eq(p.data, want, 1e-15);
    adam_free(a);
}

/* Adam as adam_update computes it, but with v's g^2 written g * g, the
 * correctly rounded square, where the chapter calls pow(g, 2). */
static void adam_with_g_times_g(Adam *a, Value *params)
{
    double lr = adam_lr(a, a->step);
    double fix1 = 1 - pow(a->beta1, a->step + 1);
    double fix2 = 1 - pow(a->beta2, a->step + 1);
    for (size_t i = 0; i < a->n; i++) {
        double g = params[i].grad;
        a->m[i] = a->beta1 * a->m[i] + (1 - a->beta1) * g;
        a->v[i] = a->beta2 * a->v[i] + (1 - a->beta2) * (g * g);
        double m_hat = a->m[i] / fix1, v_hat = a->v[i] / fix2;
        params[i].data -= lr * m_hat / (pow(v_hat, 0.5) + a->eps);
        params[i].grad = 0;
    }
    a->step++;
}

Test(adam, g_times_g_is_not_pow_and_training_would_part)
{
    /* The chapter's two claims about pow(g, 2): that it and g * g are
     * different doubles for about one gradient in a thousand (taken to
     * mean between one in 3000 and one in 300), counted over the
     * gradients that the character reference run meets in its first 20
     * steps; and that a run whose Adam used g * g would part from the
     * original's, whose Adam uses pow, within those 20 steps.  Two runs
     * from the same seed, one per Adam, step by step on the same
     * documents. */
    Corpus *c[2] = {load("tests/data/names.txt"),
                    load("tests/data/names.txt")};
    Run *r[2] = {start(c[0], BY_CHAR, CHARS, 1000),
                 start(c[1], BY_CHAR, CHARS, 1000)};
    long nonzero = 0, differ = 0;
    int parted = 0;
    for (int s = 1; s <= 20; s++) {
        double loss[2];
        for (int k = 0; k < 2; k++) {
            Model *m = r[k]->model;
            int ids[RUN_MAX_TOKENS], n = run_document(r[k], c[k], ids);
            size_t mark = values_mark();
            Value *l = sequence_loss(m, r[k]->kv, ids, n);
            backward(l);
            loss[k] = l->data;
            for (size_t i = 0; k == 0 && i < m->n_params; i++) {
                double g = m->params[i].grad;
                nonzero += g != 0;
                differ += g * g != pow(g, 2);
            }
            if (k == 0)
                adam_update(r[k]->adam, m->params);
            else
                adam_with_g_times_g(r[k]->adam, m->params);
            values_release(mark);
        }
        if (!parted && loss[0] != loss[1])
            parted = s;
    }
    cr_assert(differ * 3000 > nonzero && differ * 300 < nonzero,
              "%ld of %ld gradients", differ, nonzero);
    cr_assert_gt(parted, 0, "the runs did not part in 20 steps");
    for (int k = 0; k < 2; k++)
        run_free(r[k]), corpus_free(c[k]);
    values_free();
}

/* ---- the training step ------------------------------------------------- */

/* A new run of the word model on c, from seed 42, and the backward pass
 * of the running example, whose 7 tokens (BOS the cat eats a muffin BOS)
 * go in ids; the graph is left for the caller to free. */
static Run *example_backward(Corpus *c, int ids[8])
{
    Run *r = start(c, BY_WORD, WORDS, 5000);
    char error[TOKENIZER_ERROR_ROOM];
    int n = tokenizer_encode(r->tokenizer, "the cat eats a muffin", ids, 8,
                             error);
    cr_assert_eq(n, 7, "%s", error);
    backward(sequence_loss(r->model, r->kv, ids, n));
    return r;
}

Test(step, the_examples_gradients_touch_only_its_rows)
{
    Corpus *c = load("data/sentences.txt");
    int ids[8];
    Run *r = example_backward(c, ids);
    Model *m = r->model;
    int C = m->cfg.n_embd;
    /* Inputs are ids[0..5] at positions 0..5; the last BOS is a target
     * only.  The six inputs are distinct tokens. */
    for (int row = 0; row < m->cfg.vocab_size; row++) {
        int fed = 0, touched = 0;
        for (int t = 0; t < 6; t++)
            fed |= ids[t] == row;
        for (int j = 0; j < C; j++)
            touched |= m->w.wte[row * C + j].grad != 0;
        cr_assert_eq(touched, fed, "token row %d", row);
    }
    for (int row = 0; row < m->cfg.block_size; row++) {
        int touched = 0;
        for (int j = 0; j < C; j++)
            touched |= m->w.wpe[row * C + j].grad != 0;
        cr_assert_eq(touched, row < 6, "position row %d", row);
    }
    for (int row = 0; row < m->cfg.vocab_size; row++) /* every logit */
        cr_assert_neq(m->w.lm_head[row * C].grad, 0.0, "lm_head %d", row);
    values_free();
    run_free(r);
    corpus_free(c);
}

typedef struct {
    Model *m;
    KVCache *kv;
    const int *ids;
    int n;
} Step;

static Value *loss_of(Value **inputs, void *ctx)
{
    (void)inputs; /* they are the model's own parameters */
    Step *s = ctx;
    return sequence_loss(s->m, s->kv, s->ids, s->n);
}

Test(step, gradients_agree_with_central_differences_and_drive_adam)
{
    /* A tiny run on the names (27 characters, n_embd 4, 2 heads, block
     * 8, so "isabella" is cut to 8 predictions) with weights of spread
     * 0.5, large enough for gradients well above gradcheck's floor.  The
     * first step's gradients are checked against central differences,
     * and then train_step must move every parameter as Adam's first step
     * does with those gradients: lr * g / (|g| + eps). */
    Corpus *c = load("tests/data/names.txt");
    Run *r = start(c, BY_CHAR, (Config){0, 4, 2, 1, 8}, 10);
    Model *m = r->model;
    Rng g;
    rng_seed(&g, 5);
    for (size_t i = 0; i < m->n_params; i++)
        m->params[i].data = rng_gauss(&g, 0, 0.5);
    int ids[20];
    char error[TOKENIZER_ERROR_ROOM];
    int n = tokenizer_encode(r->tokenizer, "isabella", ids, 20, error);
    Step ctx = {m, r->kv, ids, n};
    Value **in = malloc(m->n_params * sizeof *in);
    double *before = malloc(m->n_params * sizeof *before);
    double *grad = malloc(m->n_params * sizeof *grad);
    for (size_t i = 0; i < m->n_params; i++)
        in[i] = &m->params[i];
    double worst = gradcheck(loss_of, in, (int)m->n_params, &ctx);
    cr_assert_lt(worst, 1e-6, "worst relative error %g", worst);
    for (size_t i = 0; i < m->n_params; i++) {
        before[i] = m->params[i].data;
        grad[i] = m->params[i].grad;
        m->params[i].grad = 0;
    }
    train_step(m, r->kv, r->adam, ids, n);
    size_t moved = 0;
    for (size_t i = 0; i < m->n_params; i++) {
        double want = -0.01 * grad[i] / (fabs(grad[i]) + 1e-8);
        cr_assert_float_eq(m->params[i].data - before[i], want, 1e-15);
        moved += grad[i] != 0;
    }
    cr_assert_gt(moved, m->n_params / 2);
    cr_assert_eq(values_count(), 0, "the step's graph is released");
    free(grad);
    free(before);
    free(in);
    values_free();
    run_free(r);
    corpus_free(c);
}

Test(step, the_loss_falls_over_200_steps_of_names)
{
    /* The first step's loss is near ln 27 = 3.30, a model that knows
     * nothing.  By steps 151..200 the model has learned which letters
     * are common and which follow which, and the mean of those 50 must
     * be lower than that of the first 50 by a margin far beyond the
     * noise of a mean of 50 losses (about 0.05). */
    Corpus *c = load("tests/data/names.txt");
    Run *r = start(c, BY_CHAR, CHARS, 200);
    double first = 0, last = 0, loss0 = 0;
    for (int s = 0; s < 200; s++) {
        double loss = run_step(r, c);
        if (s == 0)
            loss0 = loss;
        if (s < 50)
            first += loss / 50;
        if (s >= 150)
            last += loss / 50;
    }
    cr_assert_float_eq(loss0, log(27), 0.1, "first loss: %g", loss0);
    cr_assert_lt(last, first - 0.4, "first 50: %g, last 50: %g", first,
                 last);
    values_free();
    run_free(r);
    corpus_free(c);
}

/* ---- checkpoints ------------------------------------------------------- */

static void train(Run *r, const Corpus *c, int steps)
{
    for (int s = 0; s < steps; s++)
        run_step(r, c);
}

static void assert_same_run(const Run *a, const Run *b)
{
    cr_assert_eq(a->adam->step, b->adam->step);
    cr_assert_eq(a->seed, b->seed);
    cr_assert_eq(a->corpus, b->corpus);
    cr_assert_eq(a->model->n_params, b->model->n_params);
    size_t n = a->model->n_params;
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(a->model->params[i].data, b->model->params[i].data);
        cr_assert_eq(a->adam->m[i], b->adam->m[i]);
        cr_assert_eq(a->adam->v[i], b->adam->v[i]);
    }
    cr_assert_eq(memcmp(&a->rng, &b->rng, sizeof a->rng), 0);
    cr_assert_eq(a->tokenizer->bos, b->tokenizer->bos);
    for (int i = 0; i < a->tokenizer->bos; i++)
        cr_assert_str_eq(a->tokenizer->tokens[i], b->tokenizer->tokens[i]);
}

Test(checkpoint, saves_and_loads_every_bit, .init = make_dir,
     .fini = remove_dir)
{
    Corpus *c = load("tests/data/names.txt");
    Run *r = start(c, BY_CHAR, CHARS, 100);
    train(r, c, 3);
    char error[CHECKPOINT_ERROR_ROOM];
    cr_assert_eq(checkpoint_save(r, in_dir("a.ckpt"), error),
                 CHECKPOINT_SAVED, "%s", error);
    Run *back = checkpoint_load(in_dir("a.ckpt"), error);
    cr_assert_not_null(back, "%s", error);
    assert_same_run(r, back);
    cr_assert_eq(back->adam->num_steps, 100);
    cr_assert_eq(back->adam->lr, 0.01);
    cr_assert_eq(back->tokenizer->kind, BY_CHAR);
    cr_assert_eq(access(in_dir("a.ckpt.tmp"), F_OK), -1, "no temporary");
    values_free();
    run_free(back);
    run_free(r);
    corpus_free(c);
}

Test(checkpoint, n_steps_saved_and_resumed_equal_2n_steps,
     .init = make_dir, .fini = remove_dir)
{
    /* Through the library: 25 steps, save, load into a fresh process
     * state (a new corpus, shuffled again from the seed), 25 more. */
    Corpus *c = load("tests/data/names.txt");
    Run *whole = start(c, BY_CHAR, CHARS, 50);
    train(whole, c, 50);

    Corpus *c1 = load("tests/data/names.txt");
    Run *first = start(c1, BY_CHAR, CHARS, 50);
    train(first, c1, 25);
    char error[CHECKPOINT_ERROR_ROOM];
    cr_assert_eq(checkpoint_save(first, in_dir("half.ckpt"), error),
                 CHECKPOINT_SAVED);
    run_free(first);
    corpus_free(c1);

    Corpus *c2 = load("tests/data/names.txt");
    Run *second = checkpoint_load(in_dir("half.ckpt"), error);
    cr_assert_not_null(second, "%s", error);
    Rng order;
    rng_seed(&order, second->seed);
    shuffle_documents(c2, &order);
    train(second, c2, 25);
    assert_same_run(whole, second);
    values_free();
    run_free(second);
    corpus_free(c2);
    run_free(whole);
    corpus_free(c);
}

/* The bytes of a file, and a file of given bytes. */
static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    *size = (size_t)ftell(f);
    rewind(f);
    unsigned char *b = malloc(*size + 1);
    cr_assert_eq(fread(b, 1, *size, f), *size);
    fclose(f);
    return b;
}

static void spit(const char *path, const unsigned char *b, size_t size)
{
    FILE *f = fopen(path, "wb");
    cr_assert_eq(fwrite(b, 1, size, f), size);
    fclose(f);
}

/* The checksum at the end made right again after a deliberate change,
 * so that the loader's inner checks are reached. */
static void reseal(unsigned char *b, size_t size)
{
    uint64_t h = fnv1a(FNV_START, b, size - 8);
    for (int i = 0; i < 8; i++)
        b[size - 8 + i] = (unsigned char)(h >> 8 * i);
}

static void put32(unsigned char *b, size_t at, uint32_t x)
{
    for (int i = 0; i < 4; i++)
        b[at + i] = (unsigned char)(x >> 8 * i);
}

static void assert_refused(const char *path, const char *why)
{
    char error[CHECKPOINT_ERROR_ROOM];
    Run *r = checkpoint_load(path, error);
    cr_assert_null(r, "loaded a bad checkpoint (%s)", why);
    cr_assert_not_null(strstr(error, why), "%s: got \"%s\"", why, error);
    cr_assert_null(strchr(error, '\n'));
}

/* A run of 100 steps on the names by character, its first 2 taken and
 * saved as good.ckpt in the test's directory; its corpus goes in *c. */
static Run *saved_names_run(Corpus **c)
{
    *c = load("tests/data/names.txt");
    Run *r = start(*c, BY_CHAR, CHARS, 100);
    train(r, *c, 2);
    char error[CHECKPOINT_ERROR_ROOM];
    cr_assert_eq(checkpoint_save(r, in_dir("good.ckpt"), error),
                 CHECKPOINT_SAVED, "%s", error);
    return r;
}

Test(checkpoint, refuses_truncated_foreign_and_corrupted_files,
     .init = make_dir, .fini = remove_dir)
{
    Corpus *c;
    Run *r = saved_names_run(&c);
    char error[CHECKPOINT_ERROR_ROOM];
    const char *good = in_dir("good.ckpt"), *bad = in_dir("bad.ckpt");
    size_t size;
    unsigned char *b = slurp(good, &size);
    /* The table of chapter 5: a header of 8 + 4 + 8 + 5 * 4 + 4 + 8 + 8
     * + 4 + 4 + 4 * 8 = 100 bytes, a generator of 624 * 4 + 4 + 4 + 8 =
     * 2512, 26 one-byte tokens with their 4-byte lengths, 4192
     * parameters with their m and v, and the checksum. */
    cr_assert_eq(size, 100 + 2512 + 26 * 5 + 3 * 8 * 4192 + 8);

    size_t cuts[] = {0, 5, 19, 20, 100, size / 2, size - 9, size - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        spit(bad, b, cuts[i]);
        assert_refused(bad, cuts[i] < 8 ? "not a microgpt checkpoint"
                                        : "truncated");
    }
    assert_refused("tests/data/names.txt", "not a microgpt checkpoint");
    assert_refused(in_dir("missing.ckpt"), "No such file");
    char far[3100] = "";  /* a path of 3,000 bytes leaves room for why */
    for (int i = 0; i < 15; i++)
        snprintf(far + strlen(far), sizeof far - strlen(far), "/%0199d", 0);
    assert_refused(far, "No such file or directory");

    unsigned char *copy = malloc(size + 1);
    size_t at[] = {40, 3000, size / 2, size - 9, size - 1};
    for (size_t i = 0; i < sizeof at / sizeof *at; i++) {
        memcpy(copy, b, size);
        copy[at[i]] ^= 0x10;
        spit(bad, copy, size);
        assert_refused(bad, "corrupted");
    }
    memcpy(copy, b, size);
    copy[size] = 0;
    spit(bad, copy, size + 1);   /* one byte too many */
    assert_refused(bad, "corrupted");

    memcpy(copy, b, size);
    put32(copy, 8, 2);           /* a version from the future */
    spit(bad, copy, size);
    assert_refused(bad, "version 2");

    memcpy(copy, b, size);
    put32(copy, 24, 15);         /* n_embd 15: 4 heads do not divide it */
    reseal(copy, size);
    spit(bad, copy, size);
    assert_refused(bad, "configuration");

    memcpy(copy, b, size);
    put32(copy, 24, 20);         /* n_embd 20: a model, of another size */
    reseal(copy, size);
    spit(bad, copy, size);
    assert_refused(bad, "sizes do not add up");

    memcpy(copy, b, size);
    copy[100 + 2512 + 4] = 'z';  /* "a" becomes "z": out of order */
    reseal(copy, size);
    spit(bad, copy, size);
    assert_refused(bad, "vocabulary");

    /* Still in order and distinct, but no corpus could have given them:
     * "a" made the control character 0x01, "z" the byte 0xff, which is
     * not UTF-8. */
    size_t token_a = 100 + 2512 + 4, token_z = token_a + 25 * 5;
    cr_assert(b[token_a] == 'a' && b[token_z] == 'z');
    unsigned char odd[2][2] = {{0x01, 'z'}, {'a', 0xff}};
    for (int i = 0; i < 2; i++) {
        memcpy(copy, b, size);
        copy[token_a] = odd[i][0];
        copy[token_z] = odd[i][1];
        reseal(copy, size);
        spit(bad, copy, size);
        assert_refused(bad, "vocabulary");
    }

    memcpy(copy, b, size);       /* "a" and "b" swapped: the same tokens, */
    copy[100 + 2512 + 4] = 'b';  /* each at the other's id */
    copy[100 + 2512 + 9] = 'a';
    reseal(copy, size);
    spit(bad, copy, size);
    assert_refused(bad, "vocabulary");

    /* Fields each of which must be one of a few values, or in a range,
     * set just outside it: the tokenizer's kind (0 words, 1 characters),
     * at byte 40 of the header; the step, at 60, one past the run's 100
     * steps; the learning rate, at 68, above 1000; the generator's next
     * word, at 100 + 624 * 4 = 2596, one past the 624 it has. */
    static const struct {
        size_t at;
        uint32_t value;
        const char *why;
    } fields[] = {{40, 2, "configuration"},
                  {60, 101, "step count is impossible"},
                  {2596, 625, "random number generator's state"}};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        memcpy(copy, b, size);
        put32(copy, fields[i].at, fields[i].value);
        reseal(copy, size);
        spit(bad, copy, size);
        assert_refused(bad, fields[i].why);
    }
    memcpy(copy, b, size);
    double lr = 1e4;             /* a double's bits, least byte first */
    uint64_t bits;
    memcpy(&bits, &lr, 8);
    put32(copy, 68, (uint32_t)bits);
    put32(copy, 72, (uint32_t)(bits >> 32));
    reseal(copy, size);
    spit(bad, copy, size);
    assert_refused(bad, "optimiser settings");
    lr = 1e3;                    /* the limit itself is allowed */
    memcpy(&bits, &lr, 8);
    put32(copy, 68, (uint32_t)bits);
    put32(copy, 72, (uint32_t)(bits >> 32));
    reseal(copy, size);
    spit(bad, copy, size);
    Run *fast = checkpoint_load(bad, error);
    cr_assert_not_null(fast, "%s", error);
    cr_assert_eq(fast->adam->lr, 1e3);
    run_free(fast);

    memcpy(copy, b, size);       /* a schedule of no steps, at step 0 */
    put32(copy, 60, 0);
    put32(copy, 64, 0);
    reseal(copy, size);
    spit(bad, copy, size);
    assert_refused(bad, "its step count is impossible");

    /* Eight bytes more before the checksum, and the size at byte 12 says
     * so: whole and sealed, but not the size its arrays make. */
    unsigned char *longer = malloc(size + 8);
    memcpy(longer, b, size - 8);
    memset(longer + size - 8, 0, 8);
    put32(longer, 12, (uint32_t)(size + 8));
    put32(longer, 16, 0);
    reseal(longer, size + 8);
    spit(bad, longer, size + 8);
    assert_refused(bad, "its sizes do not add up");
    free(longer);

    /* Cut inside the generator's state, sealed again with its size: the
     * fields past the cut read as zeros, and the fault is named as the
     * sizes, not as whichever field noticed. */
    unsigned char *cut = malloc(1108);
    memcpy(cut, b, 1100);
    put32(cut, 12, 1108);
    put32(cut, 16, 0);
    reseal(cut, 1108);
    spit(bad, cut, 1108);
    assert_refused(bad, "its sizes do not add up");
    free(cut);

    /* A header alone, of 20 bytes, saying it is 20 bytes long: too short
     * to hold even the checksum. */
    unsigned char header[20] = "microgpt";
    put32(header, 8, 1);
    put32(header, 12, 20);
    put32(header, 16, 0);
    spit(bad, header, 20);
    char want[300];
    snprintf(want, sizeof want, "%s: corrupted: the size it states is "
             "impossible", bad);
    Run *none = checkpoint_load(bad, error);
    cr_assert_null(none);
    cr_assert_str_eq(error, want);

    /* A generator just seeded has used none of its words: next is 624,
     * the one value past the last word that is a state, not an error. */
    rng_seed(&r->rng, 7);
    cr_assert_eq(checkpoint_save(r, good, error),
                 CHECKPOINT_SAVED, "%s", error);
    Run *seeded = checkpoint_load(good, error);
    cr_assert_not_null(seeded, "%s", error);
    cr_assert_eq(seeded->rng.next, 624);
    run_free(seeded);

    memcpy(copy, b, size);
    memcpy(copy + size - 16, "\0\0\0\0\0\0\xf8\x7f", 8); /* v = NaN */
    reseal(copy, size);
    spit(bad, copy, size);
    assert_refused(bad, "not finite");

    /* The first parameter, after the header, the generator and the 26
     * tokens: 1e30 is allowed, the next double up is not. */
    size_t param = 100 + 2512 + 26 * 5;
    double sizes[] = {CHECKPOINT_MAX_PARAM, -CHECKPOINT_MAX_PARAM,
                      nextafter(CHECKPOINT_MAX_PARAM, INFINITY)};
    for (int i = 0; i < 3; i++) {
        memcpy(copy, b, size);
        memcpy(&bits, &sizes[i], 8);
        put32(copy, param, (uint32_t)bits);
        put32(copy, param + 4, (uint32_t)(bits >> 32));
        reseal(copy, size);
        spit(bad, copy, size);
        if (i < 2) {
            Run *big = checkpoint_load(bad, error);
            cr_assert_not_null(big, "%s", error);
            cr_assert_eq(big->model->params[0].data, sizes[i]);
            run_free(big);
        } else
            assert_refused(bad, "it holds a parameter larger than any run "
                                "makes");
    }

    memcpy(copy, b, size);       /* the last v = -1.0: sign, exponent 1023 */
    memcpy(copy + size - 16, "\0\0\0\0\0\0\xf0\xbf", 8);
    reseal(copy, size);
    spit(bad, copy, size);
    assert_refused(bad, "its Adam v, a mean of squares, holds a negative");
    free(copy);
    free(b);
    values_free();
    run_free(r);
    corpus_free(c);
}

Test(checkpoint, a_model_at_the_parameter_limit_stays_finite)
{
    /* The word model with every parameter at CHECKPOINT_MAX_PARAM, all of
     * one sign so that no sum cancels: over a whole block, every logit is
     * finite, and stays finite divided by the lowest temperature. */
    Config shape = WORDS;
    shape.vocab_size = 597;
    Model *m = model_new(&shape);
    KVCache *kv = kv_new(&shape);
    for (size_t i = 0; i < m->n_params; i++)
        m->params[i].data = CHECKPOINT_MAX_PARAM;
    for (int t = 0; t < shape.block_size; t++) {
        Value **logits = gpt(m, t, t, kv);
        for (int v = 0; v < shape.vocab_size; v++)
            cr_assert(isfinite(logits[v]->data / 0.01), "position %d, "
                      "token %d: %g", t, v, logits[v]->data);
    }
    kv_free(kv);
    model_free(m);
    values_free();
}

Test(checkpoint, a_corpus_fingerprint_sees_where_documents_end)
{
    /* The same bytes cut into documents at another place are another
     * corpus: "ab", "c" and "a", "bc".  Each document's NUL goes into
     * the hash with it; without them both would hash "abc". */
    char ab[] = "ab", c[] = "c", a[] = "a", bc[] = "bc";
    char *one[] = {ab, c}, *two[] = {a, bc};
    Corpus first = {2, one, NULL}, second = {2, two, NULL};
    cr_assert_neq(corpus_fingerprint(&first), corpus_fingerprint(&second));
    cr_assert_eq(corpus_fingerprint(&first),
                 fnv1a(fnv1a(FNV_START, "ab", 3), "c", 2));
}

/* This file's own rename, which the linker gives this test program in
 * place of the C library's (to the checkpoint code linked into it, and
 * to the libraries it loads; not to the programs the tests run): it
 * fails, as the C library's would in a directory made read-only, while
 * renames_fail is set, in one test only.  (C reserves the name, but
 * this is how ELF linkers let a program's own definition win.) */
static int renames_fail;

int rename(const char *from, const char *to)
{
    if (renames_fail) {
        errno = EACCES;
        return -1;
    }
    return renameat(AT_FDCWD, from, AT_FDCWD, to);
}

Test(checkpoint, a_failed_rename_keeps_the_new_checkpoint,
     .init = make_dir, .fini = remove_dir)
{
    Corpus *c = load("tests/data/names.txt");
    Run *r = start(c, BY_CHAR, CHARS, 100);
    char error[CHECKPOINT_ERROR_ROOM], want[600];
    renames_fail = 1;
    cr_assert_eq(checkpoint_save(r, in_dir("a.ckpt"), error),
                 CHECKPOINT_KEPT);
    renames_fail = 0;
    snprintf(want, sizeof want, "cannot rename the new checkpoint to %s: "
             "%s; the checkpoint is saved in %s.tmp instead",
             in_dir("a.ckpt"), strerror(EACCES), in_dir("a.ckpt"));
    cr_assert_str_eq(error, want);
    cr_assert_neq(access(in_dir("a.ckpt"), F_OK), 0, "nothing at a.ckpt");
    Run *kept = checkpoint_load(in_dir("a.ckpt.tmp"), error);
    cr_assert_not_null(kept, "%s", error);
    cr_assert_eq(kept->adam->step, r->adam->step);
    for (size_t i = 0; i < r->model->n_params; i++)
        cr_assert_eq(kept->model->params[i].data, r->model->params[i].data);
    run_free(kept);
    run_free(r);
    corpus_free(c);
}

Test(checkpoint, saving_replaces_checkpoints_and_nothing_else,
     .init = make_dir, .fini = remove_dir)
{
    Corpus *c = load("tests/data/names.txt");
    Run *r = start(c, BY_CHAR, CHARS, 100);
    char error[CHECKPOINT_ERROR_ROOM];
    cr_assert(checkpoint_can_save(in_dir("new.ckpt"), error), "%s", error);
    cr_assert_eq(checkpoint_save(r, in_dir("new.ckpt"), error),
                 CHECKPOINT_SAVED);
    cr_assert(checkpoint_can_save(in_dir("new.ckpt"), error), "%s", error);
    cr_assert_eq(chmod(in_dir("new.ckpt"), 0444), 0);  /* even for root */
    cr_assert_not(checkpoint_can_save(in_dir("new.ckpt"), error));
    cr_assert_not_null(strstr(error, "write-protected"), "%s", error);
    cr_assert_eq(chmod(in_dir("new.ckpt"), 0644), 0);
    spit(in_dir("notes.txt"), (const unsigned char *)"mine\n", 5);
    cr_assert_not(checkpoint_can_save(in_dir("notes.txt"), error));
    cr_assert_not_null(strstr(error, "not a microgpt checkpoint"));
    spit(in_dir("new.ckpt.tmp"), (const unsigned char *)"half\n", 5);
    cr_assert_not(checkpoint_can_save(in_dir("new.ckpt"), error));
    cr_assert_not_null(strstr(error, "did not finish"));
    cr_assert_not(checkpoint_save(r, in_dir("new.ckpt"), error));
    size_t size;
    unsigned char *b = slurp(in_dir("new.ckpt.tmp"), &size);
    cr_assert(size == 5 && memcmp(b, "half\n", 5) == 0, "left alone");
    free(b);
    cr_assert_not(checkpoint_can_save("/no-such-dir/x.ckpt", error));

    /* What came to the path after the check (here, what was there all
     * along) is asked about again before the rename: a file not ours, or
     * a directory, is kept, and the new checkpoint stays in the
     * temporary file, which the message names. */
    char want[600];
    cr_assert_eq(checkpoint_save(r, in_dir("notes.txt"), error),
                 CHECKPOINT_KEPT);
    snprintf(want, sizeof want, "%s exists and is not a microgpt "
             "checkpoint; not replacing it; the checkpoint is saved in "
             "%s.tmp instead", in_dir("notes.txt"), in_dir("notes.txt"));
    cr_assert_str_eq(error, want);
    b = slurp(in_dir("notes.txt"), &size);
    cr_assert(size == 5 && memcmp(b, "mine\n", 5) == 0, "left alone");
    free(b);
    Run *kept = checkpoint_load(in_dir("notes.txt.tmp"), error);
    cr_assert_not_null(kept, "%s", error);
    cr_assert_eq(kept->model->n_params, r->model->n_params);
    run_free(kept);
    /* The message has room for two paths of nearly 4,096 bytes each:
     * here 15 directories of 250 letters (3,765 bytes and the test's
     * directory), and a file not ours in the last. */
    static char deep[4096], said[9000];
    snprintf(deep, sizeof deep, "%s", dir);
    for (int i = 0; i < 15; i++) {
        size_t at = strlen(deep);
        deep[at] = '/';
        memset(deep + at + 1, 'd', 250);
        deep[at + 251] = '\0';
        cr_assert_eq(mkdir(deep, 0755), 0, "%s", strerror(errno));
    }
    strcat(deep, "/n.txt");
    cr_assert_gt(strlen(deep), 3700);
    spit(deep, (const unsigned char *)"mine\n", 5);
    static char long_error[CHECKPOINT_ERROR_ROOM];
    cr_assert_eq(checkpoint_save(r, deep, long_error), CHECKPOINT_KEPT);
    snprintf(said, sizeof said, "%s exists and is not a microgpt "
             "checkpoint; not replacing it; the checkpoint is saved in "
             "%s.tmp instead", deep, deep);
    cr_assert_str_eq(long_error, said);
    cr_assert_eq(mkdir(in_dir("dir.ckpt"), 0755), 0);
    cr_assert_eq(checkpoint_save(r, in_dir("dir.ckpt"), error),
                 CHECKPOINT_KEPT);
    cr_assert_not_null(strstr(error, "not a regular file"), "%s", error);
    cr_assert_eq(access(in_dir("dir.ckpt.tmp"), F_OK), 0);

    /* A save that fails after its temporary file is made removes it:
     * here, when the disk takes no more (a limit on a file's size). */
    struct rlimit was, limit;
    cr_assert_eq(getrlimit(RLIMIT_FSIZE, &was), 0);
    limit = (struct rlimit){1000, was.rlim_max};  /* the soft limit only */
    signal(SIGXFSZ, SIG_IGN);  /* a write past the limit fails, then */
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &limit), 0);
    int saved = checkpoint_save(r, in_dir("big.ckpt"), error);
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &was), 0);
    cr_assert_not(saved);
    cr_assert_not_null(strstr(error, "File too large"), "%s", error);
    cr_assert_neq(access(in_dir("big.ckpt.tmp"), F_OK), 0);
    cr_assert_neq(access(in_dir("big.ckpt"), F_OK), 0);
    run_free(r);
    corpus_free(c);
}

/* ---- the program ------------------------------------------------------- */

#define NAMES " --tokenizer char --data tests/data/names.txt"

/* Trains on the names with these options, in which each %s (two at
 * most) is the test's directory; the run must succeed. */
static void train_names(const char *options)
{
    char format[300], command[900];
    snprintf(format, sizeof format, MICROGPT " train" NAMES " %s", options);
    snprintf(command, sizeof command, format, dir, dir);
    int status;
    char *out = run(command, &status);
    cr_assert_eq(status, 0, "%s: %s", command, out);
}

/* That the file at path still holds the n bytes of before; frees
 * before. */
static void assert_kept(const char *path, unsigned char *before, size_t n)
{
    size_t now;
    unsigned char *after = slurp(path, &now);
    cr_assert(now == n && memcmp(before, after, n) == 0, "%s kept", path);
    free(before);
    free(after);
}

Test(program, help_and_version)
{
    int status;
    char *out = run(MICROGPT " --help", &status);
    cr_assert_eq(status, 0);
    cr_assert_not_null(strstr(out, "train"));
    out = run(MICROGPT " train --help", &status);
    cr_assert_eq(status, 0);
    cr_assert_not_null(strstr(out, "--resume CHECKPOINT"));
    char *train_help = strdup(out);
    out = run(MICROGPT " --help train", &status);  /* the other order */
    cr_assert_eq(status, 0);
    cr_assert_str_eq(out, train_help);
    free(train_help);
    const char *not_commands[] = {"bogus", "--help", "--version"};
    for (int i = 0; i < 3; i++) {
        char command[100], want[100];
        snprintf(command, sizeof command, MICROGPT " --help %s",
                 not_commands[i]);
        snprintf(want, sizeof want, "microgpt: unknown command \"%s\" "
                 "(see microgpt --help)\n", not_commands[i]);
        out = run(command, &status);
        cr_assert_eq(status, 2, "%s: %d", command, status);
        cr_assert_str_eq(out, want);
    }
    out = run(MICROGPT " --version", &status);
    cr_assert_eq(status, 0);
    cr_assert_eq(strncmp(out, "microgpt, stage ", 16), 0, "%s", out);
}

Test(program, bad_options_are_one_line_and_status_2)
{
    static const struct {
        const char *args, *says;
    } cases[] = {
        {"", "usage: microgpt COMMAND"},
        {"frobnicate", "unknown command \"frobnicate\""},
        {"train --bogus", "unknown option \"--bogus\""},
        {"train names.txt", "unknown argument \"names.txt\""},
        {"train --steps", "--steps needs a whole number from 1 to"},
        {"train --steps 0", "--steps needs a whole number from 1 to"},
        {"train --steps 12abc", "not \"12abc\""},
        {"train --steps=1e3", "not \"1e3\""},
        {"train --steps ' 5'", "not \" 5\""},
        {"train --steps +10", "not \"+10\""},  /* decimal, no sign */
        {"train --lr 0x1p-3", "not \"0x1p-3\""},
        {"train --lr +0.1", "not \"+0.1\""},
        {"train --steps 99999999999999999999", "--steps needs"},
        {"train --lr 0", "--lr needs a number above 0 and at most 1"},
        {"train --lr -0.1", "--lr needs"},
        {"train --lr nan", "--lr needs"},
        {"train --lr 1e-400", "--lr needs"},  /* too small: strtod gives 0 */
        {"train --lr 2", "--lr needs"},
        {"train --seed -1", "--seed needs a whole number from 0 to"},
        {"train --seed 18446744073709551616", "--seed needs"},
        {"train --tokenizer bpe", "--tokenizer must be word or char"},
        {"train --n-head 5", "bad model shape: n_head must"},
        {"train --n-layer 65", "--n-layer needs a whole number from 1"},
        {"train --block-size 0", "--block-size needs"},
        {"train --data ''", "--data needs a value"},
        {"train --stop-at 6000", "--stop-at 6000 is past the run's last"},
        {"train --steps 10 --stop-at 11", "--stop-at 11 is past"},
        {"train --resume x.ckpt --lr 0.1", "--lr cannot be given with"},
        {"train --resume x.ckpt --tokenizer char", "--tokenizer cannot"},
        {"train --resume x.ckpt --block-size 8", "--block-size cannot be "
         "given with --resume: a resumed run keeps its own settings\n"},
        {"train --out --log --steps 0", "--out needs a value, not the "
                                        "option \"--log\" (a value that "
                                        "starts with -- is joined to it: "
                                        "--out=VALUE)\n"},
        {"train --log --out x.ckpt", "--log needs a value, not the option "
                                     "\"--out\" (a value"},
        {"train --steps --lr 0.1", "--steps needs a whole number from 1 to "
                                   "100000000, not the option \"--lr\"\n"},
        {"train --data --", "--data needs a value, not the option \"--\""},
        /* what the user typed is escaped, so the message stays a line */
        {"train --steps \"$(printf '5\\n0')\"", "--steps needs a whole "
         "number from 1 to 100000000, not \"5\\n0\"\n"},
        {"train \"$(printf -- '--bo\\tgus')\"", "unknown option "
         "\"--bo\\tgus\" (see"},
        {"\"$(printf 'fro\\033b\\\\')\"", "microgpt: unknown command "
         "\"fro\\x1bb\\\\\" (see"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char command[300];
        snprintf(command, sizeof command, MICROGPT " %s", cases[i].args);
        int status;
        char *out = run(command, &status);
        cr_assert_eq(status, 2, "%s: status %d", cases[i].args, status);
        cr_assert_not_null(strstr(out, cases[i].says), "%s: %s",
                           cases[i].args, out);
        if (cases[i].args[0])
            cr_assert_eq(lines(out), 1, "%s: %s", cases[i].args, out);
    }
    /* A value of 200 two-byte characters is repeated to 300 bytes, 150
     * whole characters, and marked as cut. */
    char command[1000], want[400] = "not \"";
    strcpy(command, MICROGPT " train --steps ");
    for (int i = 0; i < 200; i++)
        strcat(command, "\xc3\xa9");  /* e acute */
    for (int i = 0; i < 150; i++)
        strcat(want, "\xc3\xa9");
    strcat(want, "...\"\n");
    int status;
    char *out = run(command, &status);
    cr_assert_eq(status, 2);
    cr_assert_not_null(strstr(out, want), "%s", out);
}

/* 1e-320 is below the smallest normal double, 2.2250738585072014e-308,
 * so strtod says it is out of range; it is held all the same (as 2024
 * times the smallest subnormal, 2^-1074), and a run trains with it.  So
 * is 2.2250738585072012e-308, also below it, though strtod rounds it up
 * to that smallest normal double. */
Test(program, a_subnormal_rate_is_taken, .init = make_dir,
     .fini = remove_dir)
{
    const char *rates[] = {"1e-320", "2.2250738585072012e-308"};
    const double held[] = {1e-320, 2.2250738585072014e-308};
    for (int i = 0; i < 2; i++) {
        char command[600];
        snprintf(command, sizeof command, MICROGPT " train" NAMES " --steps "
                 "2 --lr %s --out %s", rates[i], in_dir("tiny.ckpt"));
        int status;
        char *out = run(command, &status);
        cr_assert_eq(status, 0, "%s: %s", rates[i], out);
        char error[CHECKPOINT_ERROR_ROOM];
        Run *r = checkpoint_load(in_dir("tiny.ckpt"), error);
        cr_assert_not_null(r, "%s", error);
        cr_assert_eq(r->adam->lr, held[i], "%s", rates[i]);
        cr_assert_eq(fpclassify(r->adam->lr),
                     i == 0 ? FP_SUBNORMAL : FP_NORMAL);
        run_free(r);
    }
}

Test(program, a_value_like_an_option_must_be_joined_to_its_option,
     .init = make_dir, .fini = remove_dir)
{
    /* --out --log is refused (bad_options_are_one_line_and_status_2),
     * and makes no file named --log; --out=--log and --out ./--x name
     * such files, which are saved.  --help where a value would be asks
     * for the help, as it does anywhere. */
    char top[400], command[1200];
    cr_assert_not_null(getcwd(top, sizeof top));
    const char *outs[] = {"--out --log", "--out=--log", "--out ./--x"};
    for (int i = 0; i < 3; i++) {
        snprintf(command, sizeof command, "cd %s && %s/" MICROGPT " train "
                 "--tokenizer char --data %s/tests/data/names.txt --steps 2 "
                 "%s", dir, top, top, outs[i]);
        int status;
        char *out = run(command, &status);
        cr_assert_eq(status, i == 0 ? 2 : 0, "%s: %s", outs[i], out);
        if (i == 0)
            cr_assert_neq(access(in_dir("--log"), F_OK), 0, "nothing made");
    }
    char error[CHECKPOINT_ERROR_ROOM];
    const char *saved[] = {"--log", "--x"};
    for (int i = 0; i < 2; i++) {
        Run *r = checkpoint_load(in_dir(saved[i]), error);
        cr_assert_not_null(r, "%s: %s", saved[i], error);
        cr_assert_eq(r->adam->step, 2);
        run_free(r);
    }
    int status;
    char *out = run(MICROGPT " train --data --help", &status);
    cr_assert_eq(status, 0, "%s", out);
    cr_assert_eq(strncmp(out, "usage: microgpt train", 21), 0, "%s", out);
}

Test(program, bad_files_are_refused_and_nothing_is_overwritten,
     .init = make_dir, .fini = remove_dir)
{
    spit(in_dir("notes.txt"), (const unsigned char *)"mine\n", 5);
    spit(in_dir("bad.ckpt"), (const unsigned char *)"microgpt\1", 9);
    static const struct {
        const char *args, *says;
    } cases[] = {
        {"--data %s/none.txt", "none.txt: No such file"},
        {"--data tests/data/latin1.txt", "latin1.txt:2: not valid UTF-8"},
        {NAMES " --out %s/notes.txt", "notes.txt exists and is not a "
                                      "microgpt checkpoint"},
        {NAMES " --log %s/notes.txt", "notes.txt exists and is not a "
                                      "microgpt log"},
        {NAMES " --resume %s/bad.ckpt --out %s/bad.ckpt", "truncated"},
        {NAMES " --out %s/no/such/dir.ckpt", "cannot create"},
        {"--data \"%s/$(printf 'no\\nsuch')\"", "/no\\nsuch: No such "
                                                "file"},  /* one line */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char args[300], command[400];
        snprintf(args, sizeof args, cases[i].args, dir, dir);
        snprintf(command, sizeof command, MICROGPT " train %s --steps 5",
                 args);
        if (strstr(args, "--resume")) /* a resumed run takes no --steps */
            snprintf(command, sizeof command, MICROGPT " train %s",
                     strstr(args, "--resume"));
        int status;
        char *out = run(command, &status);
        cr_assert_eq(status, 1, "%s: status %d: %s", args, status, out);
        cr_assert_not_null(strstr(out, cases[i].says), "%s: %s", args, out);
        cr_assert_eq(lines(out), 1, "%s: %s", args, out);
    }
    size_t size;
    unsigned char *b = slurp(in_dir("notes.txt"), &size);
    cr_assert(size == 5 && memcmp(b, "mine\n", 5) == 0, "notes kept");
    free(b);
    b = slurp(in_dir("bad.ckpt"), &size);
    cr_assert(size == 9 && memcmp(b, "microgpt\1", 9) == 0, "kept");
    free(b);
}

Test(program, the_first_line_counts_in_words, .init = make_dir,
     .fini = remove_dir)
{
    /* One document of one letter, by character: singulars.  Its model
     * has V = 2 tokens, C = 16, 16 positions and one layer: wte and
     * lm_head 2 * 2 * 16 = 64, wpe 16 * 16 = 256, the layer 12 * 16^2 =
     * 3072, so 3,392 parameters. */
    spit(in_dir("one.txt"), (const unsigned char *)"a\n", 2);
    char command[400], want[400];
    snprintf(command, sizeof command, MICROGPT " train --tokenizer char "
             "--data %s/one.txt --steps 1 --out %s/one.ckpt", dir, dir);
    int status;
    char *out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    snprintf(want, sizeof want, "training on %s/one.txt: 1 document, 1 "
             "character + BOS, 1 layer of 16, 3,392 parameters\n", dir);
    cr_assert_eq(strncmp(out, want, strlen(want)), 0, "%s", out);
}

Test(program, a_vocabulary_too_large_for_a_model_is_refused,
     .init = make_dir, .fini = remove_dir)
{
    /* A million distinct words (five letters each, 100 to a line), and
     * the end-of-document token, make 1,000,001 tokens: one more than
     * chapter 3's config_check allows.  Nothing is written. */
    enum { N_WORDS = 1000000, PER_LINE = 100 };
    unsigned char *text = malloc((size_t)N_WORDS * 6), *at = text;
    for (int i = 0; i < N_WORDS; i++) {
        for (int k = 0, n = i; k < 5; k++, n /= 26)
            *at++ = (unsigned char)('a' + n % 26);
        *at++ = (i + 1) % PER_LINE ? ' ' : '\n';
    }
    spit(in_dir("huge.txt"), text, (size_t)(at - text));
    free(text);
    char command[400];
    snprintf(command, sizeof command, MICROGPT " train --data %s/huge.txt "
             "--out %s/h.ckpt --log %s/h.csv", dir, dir, dir);
    int status;
    char *out = run(command, &status);
    cr_assert_eq(status, 1, "status %d: %s", status, out);
    cr_assert_not_null(strstr(out, "microgpt train: 1000000 distinct words "
                                   "make a model too large: vocab_size "
                                   "must be between 2 and 1000000\n"),
                       "%s", out);
    cr_assert_eq(lines(out), 1, "%s", out);
    cr_assert_neq(access(in_dir("h.ckpt"), F_OK), 0);
    cr_assert_neq(access(in_dir("h.csv"), F_OK), 0);
}

Test(program, the_default_corpus_is_looked_for_from_here,
     .init = make_dir, .fini = remove_dir)
{
    /* Run from a directory without data/sentences.txt, train without
     * --data says which corpus it wanted and how to name another; the
     * same path given with --data is the user's own, and gets the plain
     * message. */
    char top[400], command[1000];
    cr_assert_not_null(getcwd(top, sizeof top));
    const char *given[] = {"", " --data data/sentences.txt"};
    const char *says[] = {" (the default corpus, looked for from the "
                          "current directory; give one with --data)\n",
                          "\n"};
    for (int i = 0; i < 2; i++) {
        snprintf(command, sizeof command, "cd %s && %s/" MICROGPT " train "
                 "--out m.ckpt%s", dir, top, given[i]);
        int status;
        char *out = run(command, &status);
        cr_assert_eq(status, 1, "%s", out);
        char want[300];
        snprintf(want, sizeof want, "microgpt train: data/sentences.txt: "
                 "No such file or directory%s", says[i]);
        cr_assert_str_eq(out, want);
        cr_assert_neq(access(in_dir("m.ckpt"), F_OK), 0);
    }
}

Test(program, a_tab_in_a_document_comes_back_from_the_checkpoint,
     .init = make_dir, .fini = remove_dir)
{
    /* By character, a tab inside a line is a token like the letters (the
     * corpus loader keeps it): the vocabulary of "ab<tab>c" and "abc" is
     * tab, a, b, c in byte order, BOS 4.  The checkpoint must give it
     * back, and a run saved halfway must go on. */
    const char *data = write_in_dir("tab.txt", "ab\tc\nabc\n");
    run_ok(MICROGPT " train --tokenizer char --data %s --steps 4 "
           "--stop-at 2 --out %s/t.ckpt", data, dir);
    char error[CHECKPOINT_ERROR_ROOM];
    Run *r = checkpoint_load(in_dir("t.ckpt"), error);
    cr_assert_not_null(r, "%s", error);
    cr_assert_eq(r->tokenizer->bos, 4);
    cr_assert_str_eq(r->tokenizer->tokens[0], "\t");
    run_free(r);
    char *out = run_ok(MICROGPT " train --data %s --resume %s/t.ckpt", data,
                       dir);
    cr_assert_not_null(strstr(out, "trained steps 3 to 4 of 4"), "%s", out);
}

Test(program, a_vocabulary_that_cannot_spell_the_documents_is_refused,
     .init = make_dir, .fini = remove_dir)
{
    /* Two checkpoints of the names made over by hand and resealed, each
     * of which loads: one whose first token, "a", is now "A" (the tokens
     * still distinct and in order), and one that says it reads by word
     * (byte 40), whose one-letter words spell no name.  The documents'
     * fingerprint is right, but a step would find a document it cannot
     * encode; resumed, or (from chapter 6, which adds eval) judged
     * against the names, each is refused with one line, and kept. */
    Corpus *c;
    run_free(saved_names_run(&c));
    corpus_free(c);
    char error[CHECKPOINT_ERROR_ROOM];
    size_t size;
    unsigned char *b = slurp(in_dir("good.ckpt"), &size);
    cr_assert_eq(b[100 + 2512 + 4], 'a');
    b[100 + 2512 + 4] = 'A';
    reseal(b, size);
    spit(in_dir("A.ckpt"), b, size);
    b[100 + 2512 + 4] = 'a';
    put32(b, 40, 0);
    reseal(b, size);
    spit(in_dir("words.ckpt"), b, size);
    free(b);
    static const struct {
        const char *ckpt, *says;
    } cases[] = {
        {"A.ckpt", "A.ckpt cannot spell the documents of tests/data/"
                   "names.txt: \"a\" is not in the vocabulary\n"},
        {"words.ckpt", "words.ckpt cannot spell the documents of tests/"
                       "data/names.txt: \""},
    };
    const char *commands[] = {"train --data tests/data/names.txt --resume",
                              "eval --data tests/data/names.txt --model"};
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < (MICROGPT_STAGE < 6 ? 1 : 2); k++) {
            Run *loads = checkpoint_load(in_dir(cases[i].ckpt), error);
            cr_assert_not_null(loads, "%s: %s", cases[i].ckpt, error);
            run_free(loads);
            unsigned char *before = slurp(in_dir(cases[i].ckpt), &size);
            char command[600];
            snprintf(command, sizeof command, MICROGPT " %s %s/%s",
                     commands[k], dir, cases[i].ckpt);
            int status;
            char *out = run(command, &status);
            cr_assert_eq(status, 1, "%s: %s", command, out);
            cr_assert_not_null(strstr(out, cases[i].says), "%s", out);
            cr_assert_eq(lines(out), 1, "%s", out);
            assert_kept(in_dir(cases[i].ckpt), before, size);
        }
}

Test(program, a_run_resumed_at_step_0_goes_on_with_its_empty_log,
     .init = make_dir, .fini = remove_dir)
{
    /* A run saved before its first step (Ctrl-C during the first) has a
     * log of its header alone, which ends where the run stopped: resumed
     * with it, the run adds its 5 steps, 6 lines in all. */
    Corpus *c = load("tests/data/names.txt");
    Run *r = start(c, BY_CHAR, CHARS, 5);
    char error[CHECKPOINT_ERROR_ROOM];
    cr_assert_eq(checkpoint_save(r, in_dir("z.ckpt"), error),
                 CHECKPOINT_SAVED, "%s", error);
    run_free(r);
    corpus_free(c);
    write_in_dir("z.csv", "step,loss,lr\n");
    run_ok(MICROGPT " train --data tests/data/names.txt --resume %s/z.ckpt "
           "--log %s/z.csv", dir, dir);
    size_t size;
    unsigned char *b = slurp(in_dir("z.csv"), &size);
    int rows = 0;
    for (size_t i = 0; i < size; i++)
        rows += b[i] == '\n';
    cr_assert_eq(rows, 6);
    free(b);
}

Test(program, a_finished_run_is_not_offered_a_way_to_go_on,
     .init = make_dir, .fini = remove_dir)
{
    /* Its last step taken, a run has nothing to resume (a resumed run
     * would be refused), so it is neither stopped nor told to go on. */
    char *out = run_ok(MICROGPT " train" NAMES " --steps 3 --out %s/f.ckpt",
                       dir);
    cr_assert_null(strstr(out, "stopped after"), "%s", out);
    cr_assert_null(strstr(out, "to go on"), "%s", out);
    cr_assert_not_null(strstr(out, "saved "), "%s", out);
}

Test(program, a_write_protected_file_is_kept, .init = make_dir,
     .fini = remove_dir)
{
    /* A save's rename asks only the directory, so it would replace a
     * checkpoint made read-only, and give it a new file's mode.  Such a
     * checkpoint (at --out, or resumed in place) and such a log are
     * refused, in one line before the run, and kept as they were, mode
     * and all.  The tests run as root, to whom access() grants every
     * file; the owner's write bit, which chmod 444 clears, still counts,
     * so this holds for root and for anyone else alike. */
    train_names("--steps 10 --stop-at 5 --out %s/ro.ckpt --log %s/ro.csv");
    size_t n, m;
    unsigned char *ckpt = slurp(in_dir("ro.ckpt"), &n),
                  *csv = slurp(in_dir("ro.csv"), &m);
    cr_assert_eq(chmod(in_dir("ro.ckpt"), 0444), 0);
    cr_assert_eq(chmod(in_dir("ro.csv"), 0444), 0);
    static const struct {
        const char *args, *name;
    } cases[] = {
        {NAMES " --steps 5 --out %s/ro.ckpt", "ro.ckpt"},
        {" --data tests/data/names.txt --resume %s/ro.ckpt", "ro.ckpt"},
        {NAMES " --steps 5 --out %s/x.ckpt --log %s/ro.csv", "ro.csv"},
        {" --data tests/data/names.txt --resume %s/ro.ckpt --out "
         "%s/x.ckpt --log %s/ro.csv", "ro.csv"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char args[300], command[600], want[300];
        snprintf(args, sizeof args, cases[i].args, dir, dir, dir);
        snprintf(command, sizeof command, MICROGPT " train%s", args);
        int status;
        char *out = run(command, &status);
        snprintf(want, sizeof want, "microgpt train: %s/%s is "
                 "write-protected; leaving it alone\n", dir, cases[i].name);
        cr_assert_eq(status, 1, "%s: status %d: %s", args, status, out);
        cr_assert_str_eq(out, want);
    }
    struct stat st;
    cr_assert(stat(in_dir("ro.ckpt"), &st) == 0
              && (st.st_mode & 0777) == 0444, "mode kept");
    cr_assert(stat(in_dir("ro.csv"), &st) == 0
              && (st.st_mode & 0777) == 0444, "mode kept");
    cr_assert_neq(access(in_dir("x.ckpt"), F_OK), 0, "nothing saved");
    assert_kept(in_dir("ro.ckpt"), ckpt, n);
    assert_kept(in_dir("ro.csv"), csv, m);
}

Test(program, an_out_that_cannot_be_opened_is_refused, .init = make_dir,
     .fini = remove_dir)
{
    /* Only ENOENT means that nothing is at --out.  The tests run as root,
     * which opens a file whatever its mode, so these are paths that no
     * one can open: one through a regular file (ENOTDIR), and a link to
     * itself (ELOOP), which a save's rename would have replaced. */
    spit(in_dir("notes.txt"), (const unsigned char *)"mine\n", 5);
    cr_assert_eq(symlink("loop.ckpt", in_dir("loop.ckpt")), 0);
    static const struct {
        const char *name;
        int error;
    } cases[] = {{"notes.txt/x.ckpt", ENOTDIR}, {"loop.ckpt", ELOOP}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char command[300], want[300];
        snprintf(command, sizeof command, MICROGPT " train" NAMES
                 " --steps 5 --out %s/%s", dir, cases[i].name);
        int status;
        char *out = run(command, &status);
        snprintf(want, sizeof want, "microgpt train: cannot open %s/%s: "
                 "%s\n", dir, cases[i].name, strerror(cases[i].error));
        cr_assert_eq(status, 1, "%s: status %d", cases[i].name, status);
        cr_assert_str_eq(out, want); /* one line, before any training */
    }
    size_t size;
    unsigned char *b = slurp(in_dir("notes.txt"), &size);
    cr_assert(size == 5 && memcmp(b, "mine\n", 5) == 0, "notes kept");
    free(b);
    char link[64];
    ssize_t n = readlink(in_dir("loop.ckpt"), link, sizeof link);
    cr_assert(n == 9 && memcmp(link, "loop.ckpt", 9) == 0, "link kept");
    cr_assert_neq(access(in_dir("loop.ckpt.tmp"), F_OK), 0);
}

Test(program, only_a_regular_file_is_looked_into, .init = make_dir,
     .fini = remove_dir)
{
    /* A named pipe at --out or --log would hold a reading open until a
     * writer came, and a directory is no file of ours: each is refused
     * at once, in one line, and left where it was.  (CAPPED's time limit
     * turns a hang into a failure.) */
    cr_assert_eq(mkfifo(in_dir("pipe"), 0600), 0);
    cr_assert_eq(mkdir(in_dir("folder"), 0700), 0);
    const char *options[] = {"--out %s/pipe", "--log %s/pipe",
                             "--out %s/folder", "--log %s/folder"};
    for (size_t i = 0; i < 4; i++) {
        char option[300], command[900], want[400];
        snprintf(option, sizeof option, options[i], dir);
        int log = strncmp(option, "--log", 5) == 0;
        snprintf(command, sizeof command, CAPPED MICROGPT " train" NAMES
                 " --steps 5 %s%s%s%s", option, log ? " --out " : "",
                 log ? dir : "", log ? "/x.ckpt" : "");
        int status;
        char *out = run(command, &status);
        snprintf(want, sizeof want, "microgpt train: %s exists and is not "
                 "a regular file; leaving it alone\n", option + 6);
        cr_assert_eq(status, 1, "%s: status %d: %s", option, status, out);
        cr_assert_str_eq(out, want);
    }
    struct stat st;
    cr_assert(stat(in_dir("pipe"), &st) == 0 && S_ISFIFO(st.st_mode));
    cr_assert(stat(in_dir("folder"), &st) == 0 && S_ISDIR(st.st_mode));
    cr_assert_neq(access(in_dir("x.ckpt"), F_OK), 0, "nothing saved");
}

/* Runs microgpt train with these options (each %s the test's
 * directory, three at most), which must diverge: its status must be 1,
 * and its errors one line saying so, that nothing is saved, and that
 * the log, log in the test's directory, is as it was.  Returns the step
 * it names. */
static int diverges(const char *options, const char *log)
{
    char format[300], command[900], want[300];
    snprintf(format, sizeof format, MICROGPT " train %s", options);
    snprintf(command, sizeof command, format, dir, dir, dir);
    int status, step = 0;
    char *out = run(command, &status);
    cr_assert_eq(status, 1, "%s: %s", command, out);
    const char *line = strstr(out, "microgpt train: ");
    cr_assert_not_null(line, "%s", out);
    cr_assert_eq(sscanf(line, "microgpt train: the loss at step %d", &step),
                 1, "%s", out);
    snprintf(want, sizeof want, "microgpt train: the loss at step %d is "
             "not finite: the run diverged (a smaller --lr may help) and is "
             "not saved; the log %s/%s is as it was\n", step, dir, log);
    cr_assert_eq(strncmp(line, want, strlen(want)), 0, "%s", out);
    cr_assert_null(strstr(line + 1, "microgpt train: "), "one line: %s",
                   out);
    cr_assert_null(strstr(out, "saved "), "%s", out);
    return step;
}

Test(program, a_run_that_diverges_is_not_saved, .init = make_dir,
     .fini = remove_dir)
{
    /* At a learning rate of 1 the names' model blows up within a few
     * steps (the step is the program's to find, not ours to predict):
     * the run must stop at the first loss that is not finite, say so in
     * one line, exit 1, leave the checkpoint already at --out as it was,
     * and its log as it was before the run too: not there, if it was
     * not; the earlier log it was to replace; or, resumed, the log as
     * far as the checkpoint it went on from.  The same run stopped
     * before that step is saved, its losses all finite, and resumed it
     * diverges at that step again; stopped at that step, it diverges
     * there, so the step named is the one whose loss was not finite. */
    train_names("--steps 2 --out %s/d.ckpt --log %s/old.csv");
    size_t n[4];
    unsigned char *before = slurp(in_dir("d.ckpt"), &n[0]),
                  *old = slurp(in_dir("old.csv"), &n[1]);
    int step = diverges(NAMES " --steps 300 --lr 1 --out %s/d.ckpt --log "
                        "%s/new.csv", "new.csv");
    cr_assert(step > 1 && step < 300, "step %d", step);
    cr_assert_neq(access(in_dir("new.csv"), F_OK), 0, "no log left");
    cr_assert_eq(diverges(NAMES " --steps 300 --lr 1 --out %s/d.ckpt --log "
                          "%s/old.csv", "old.csv"), step);
    assert_kept(in_dir("old.csv"), old, n[1]);
    char options[300];
    snprintf(options, sizeof options, NAMES " --steps 300 --lr 1 --stop-at "
             "%d --out %%s/f.ckpt --log %%s/f.csv", step);
    cr_assert_eq(diverges(options, "f.csv"), step);
    snprintf(options, sizeof options, "--steps 300 --lr 1 --stop-at %d "
             "--out %%s/e.ckpt --log %%s/e.csv", step - 1);
    train_names(options);
    FILE *f = fopen(in_dir("e.csv"), "r");
    char line[200];
    int rows = 0, at;
    double loss, lr;
    cr_assert(fgets(line, sizeof line, f));  /* the header */
    while (fgets(line, sizeof line, f)) {
        cr_assert_eq(sscanf(line, "%d,%lf,%lf", &at, &loss, &lr), 3);
        cr_assert(at == ++rows && isfinite(loss), "%s", line);
    }
    fclose(f);
    cr_assert_eq(rows, step - 1);
    unsigned char *ckpt = slurp(in_dir("e.ckpt"), &n[2]),
                  *csv = slurp(in_dir("e.csv"), &n[3]);
    cr_assert_eq(diverges("--data tests/data/names.txt --resume %s/e.ckpt "
                          "--log %s/e.csv", "e.csv"), step);
    assert_kept(in_dir("e.ckpt"), ckpt, n[2]);
    assert_kept(in_dir("e.csv"), csv, n[3]);
    assert_kept(in_dir("d.ckpt"), before, n[0]);
}

Test(program, a_long_log_path_leaves_room_for_its_verdict,
     .init = make_dir, .fini = remove_dir)
{
    /* A log 500 bytes deep, beside a checkpoint with its own long path:
     * the diverged run's one line still ends with what became of the
     * log. */
    char deep[700], command[2000];
    snprintf(deep, sizeof deep, "%s/%0250d/%0250d", dir, 0, 0);
    snprintf(command, sizeof command, "mkdir -p %s", deep);
    cr_assert_eq(system(command), 0);
    snprintf(command, sizeof command, MICROGPT " train" NAMES " --steps "
             "300 --lr 1 --out %s/d.ckpt --log %s/new.csv", deep, deep);
    int status;
    char *out = run(command, &status);
    cr_assert_eq(status, 1, "%s", out);
    char want[800];
    snprintf(want, sizeof want, "; the log %s/new.csv is as it was\n",
             deep);
    cr_assert_not_null(strstr(out, want), "%s", out);
}

Test(program, the_log_may_not_be_the_checkpoint, .init = make_dir,
     .fini = remove_dir)
{
    /* The save would replace a log at --out with the checkpoint, and
     * would fail, after the whole run, on a log at --out's ".tmp": both
     * are bad options (status 2), refused before anything is written. */
    const char *logs[] = {"a.ckpt", "a.ckpt.tmp"};
    for (int i = 0; i < 2; i++) {
        char command[600], want[300];
        snprintf(command, sizeof command, MICROGPT " train" NAMES
                 " --steps 5 --out %s/a.ckpt --log %s/%s", dir, dir,
                 logs[i]);
        int status;
        char *out = run(command, &status);
        snprintf(want, sizeof want, "microgpt train: --log %s/%s is the "
                 "checkpoint's file, or the one its save goes through\n",
                 dir, logs[i]);
        cr_assert_eq(status, 2, "%s: status %d: %s", logs[i], status, out);
        cr_assert_str_eq(out, want);
        cr_assert_neq(access(in_dir(logs[i]), F_OK), 0, "nothing written");
    }
    /* A long spelling of the same name gets the whole line too. */
    char log[1000] = "", command[1600], want[1200];
    snprintf(log, sizeof log, "%s/", dir);
    for (int i = 0; i < 200; i++)
        strcat(log, "./");
    strcat(log, "a.ckpt");
    snprintf(command, sizeof command, MICROGPT " train" NAMES " --steps 5 "
             "--out %s/a.ckpt --log %s", dir, log);
    int status;
    char *out = run(command, &status);
    snprintf(want, sizeof want, "microgpt train: --log %s is the "
             "checkpoint's file, or the one its save goes through\n", log);
    cr_assert_eq(status, 2);
    cr_assert_str_eq(out, want);
}

Test(program, the_log_may_not_be_the_checkpoint_by_another_name,
     .init = make_dir, .fini = remove_dir)
{
    /* One file has many names: its path spelled another way (here from
     * inside the test's directory, so that a name may have no slash),
     * a symbolic link to it, a hard link.  The log may not be the
     * checkpoint, or the file its save goes through, by any of them,
     * whether that file is there yet (b.ckpt) or not (a.ckpt): each is
     * refused as the same name is, and nothing is written. */
    train_names("--steps 2 --out %s/b.ckpt");
    cr_assert_eq(mkdir(in_dir("sub"), 0700), 0);
    cr_assert_eq(symlink("b.ckpt", in_dir("soft.ckpt")), 0);
    cr_assert_eq(link(in_dir("b.ckpt"), in_dir("hard.ckpt")), 0);
    size_t n;
    unsigned char *before = slurp(in_dir("b.ckpt"), &n);
    char top[400];
    cr_assert_not_null(getcwd(top, sizeof top));
    static const struct {
        const char *out, *log;
    } cases[] = {
        {"a.ckpt", "./a.ckpt"},        {"./a.ckpt", "a.ckpt.tmp"},
        {"a.ckpt", "sub/../a.ckpt"},   {"sub/../a.ckpt", "a.ckpt.tmp"},
        {"%s/a.ckpt", "a.ckpt"},       {"b.ckpt", "./b.ckpt"},
        {"b.ckpt", "soft.ckpt"},       {"soft.ckpt", "b.ckpt"},
        {"b.ckpt", "hard.ckpt"},       {"hard.ckpt", "sub/../b.ckpt"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out_path[200], command[1200], want[300];
        snprintf(out_path, sizeof out_path, cases[i].out, dir);
        snprintf(command, sizeof command, "cd %s && %s/" MICROGPT " train "
                 "--tokenizer char --data %s/tests/data/names.txt --steps 5 "
                 "--out %s --log %s", dir, top, top, out_path,
                 cases[i].log);
        int status;
        char *out = run(command, &status);
        snprintf(want, sizeof want, "microgpt train: --log %s is the "
                 "checkpoint's file, or the one its save goes through\n",
                 cases[i].log);
        cr_assert_eq(status, 2, "--out %s --log %s: status %d: %s",
                     out_path, cases[i].log, status, out);
        cr_assert_str_eq(out, want);
    }
    cr_assert_neq(access(in_dir("a.ckpt"), F_OK), 0, "nothing written");
    cr_assert_neq(access(in_dir("a.ckpt.tmp"), F_OK), 0);
    cr_assert_neq(access(in_dir("b.ckpt.tmp"), F_OK), 0);
    struct stat st;
    cr_assert(lstat(in_dir("soft.ckpt"), &st) == 0 && S_ISLNK(st.st_mode));
    cr_assert(stat(in_dir("b.ckpt"), &st) == 0 && st.st_nlink == 2);
    assert_kept(in_dir("b.ckpt"), before, n);
}

Test(program, a_symbolic_link_is_not_replaced, .init = make_dir,
     .fini = remove_dir)
{
    /* A save renames its file into place, which at --out replaces a
     * symbolic link itself, not the file it leads to: a link there is
     * refused, whether it leads to a checkpoint (given as --out, or
     * resumed in place) or nowhere.  A link at --log that leads nowhere
     * is refused too: the file it would make may be the checkpoint.
     * Each is refused in one line before the run, and left as it was. */
    train_names("--steps 10 --stop-at 5 --out %s/b.ckpt");
    size_t n;
    unsigned char *before = slurp(in_dir("b.ckpt"), &n);
    static const char *const links[][2] = {
        {"b.link", "b.ckpt"}, {"gone.link", "gone.ckpt"},
        {"c.csv", "c.ckpt"}};
    for (int i = 0; i < 3; i++)
        cr_assert_eq(symlink(links[i][1], in_dir(links[i][0])), 0);
    static const struct {
        const char *args, *name, *says;
    } cases[] = {
        {NAMES " --steps 5 --out %s/b.link", "b.link",
         "is a symbolic link, which a save would replace, not follow; "
         "leaving it alone"},
        {" --data tests/data/names.txt --resume %s/b.link", "b.link",
         "is a symbolic link, which a save would replace, not follow; "
         "leaving it alone"},
        {NAMES " --steps 5 --out %s/gone.link", "gone.link",
         "is a symbolic link that leads nowhere; leaving it alone"},
        {NAMES " --steps 5 --out %s/c.ckpt --log %s/c.csv", "c.csv",
         "is a symbolic link that leads nowhere; leaving it alone"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char args[300], command[600], want[300];
        snprintf(args, sizeof args, cases[i].args, dir, dir);
        snprintf(command, sizeof command, MICROGPT " train%s", args);
        int status;
        char *out = run(command, &status);
        snprintf(want, sizeof want, "microgpt train: %s/%s %s\n", dir,
                 cases[i].name, cases[i].says);
        cr_assert_eq(status, 1, "%s: status %d: %s", args, status, out);
        cr_assert_str_eq(out, want);
    }
    for (int i = 0; i < 3; i++) {
        char link[64], tmp[64];
        ssize_t got = readlink(in_dir(links[i][0]), link, sizeof link - 1);
        cr_assert(got >= 0, "%s kept", links[i][0]);
        link[got] = '\0';
        cr_assert_str_eq(link, links[i][1]);
        snprintf(tmp, sizeof tmp, "%s.tmp", links[i][0]);
        cr_assert_neq(access(in_dir(tmp), F_OK), 0, "%s", tmp);
    }
    cr_assert_neq(access(in_dir("gone.ckpt"), F_OK), 0, "nothing made");
    cr_assert_neq(access(in_dir("c.ckpt"), F_OK), 0, "nothing made");
    assert_kept(in_dir("b.ckpt"), before, n);
}

Test(program, a_log_is_written_through_a_symbolic_link, .init = make_dir,
     .fini = remove_dir)
{
    /* Writing into a file leaves its name alone, so a link at --log is
     * followed: a run logs steps 1 to 4 to real.csv, and its resumption
     * with a link to that log adds steps 5 to 8 to real.csv, the link
     * staying a link. */
    train_names("--steps 8 --stop-at 4 --out %s/d.ckpt --log %s/real.csv");
    cr_assert_eq(symlink("real.csv", in_dir("log.link")), 0);
    char command[600];
    snprintf(command, sizeof command, MICROGPT " train --data "
             "tests/data/names.txt --resume %s/d.ckpt --log %s/log.link",
             dir, dir);
    int status;
    char *out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    struct stat st;
    cr_assert(lstat(in_dir("log.link"), &st) == 0 && S_ISLNK(st.st_mode));
    FILE *f = fopen(in_dir("real.csv"), "r");
    cr_assert_not_null(f);
    char line[200];
    int rows = 0, step = 0;
    cr_assert_not_null(fgets(line, sizeof line, f));  /* the header */
    while (fgets(line, sizeof line, f)) {
        cr_assert_eq(sscanf(line, "%d,", &step), 1, "%s", line);
        cr_assert_eq(step, ++rows, "%s", line);
    }
    fclose(f);
    cr_assert_eq(rows, 8);
}

/* The mean loss of steps first + 1 to last in a log, summed in order. */
static double logged_mean(const char *log, int first, int last)
{
    FILE *f = fopen(log, "r");
    char header[64];
    cr_assert(f && fgets(header, sizeof header, f), "%s", log);
    double sum = 0, loss, lr;
    int step;
    while (fscanf(f, "%d,%lf,%lf", &step, &loss, &lr) == 3)
        if (step > first && step <= last)
            sum += loss;
    fclose(f);
    return sum / (last - first);
}

/* That out's summary says steps first + 1 to last were trained, and
 * gives the mean loss of the last n of them as the log has them. */
static void assert_summary(const char *out, int first, int last, int n,
                           const char *log)
{
    const char *at = strstr(out, "trained steps ");
    cr_assert_not_null(at, "%s", out);
    int from, to, count;
    double mean;
    cr_assert_eq(sscanf(at, "trained steps %d to %d of %*d in %*f s (%*f "
                        "steps/s); mean loss of the last %d: %lf", &from,
                        &to, &count, &mean), 4, "%s", at);
    cr_assert(from == first + 1 && to == last && count == n, "%s", at);
    /* printed to 4 decimals: within half of the last, and a rounding */
    cr_assert_float_eq(mean, logged_mean(log, last - n, last), 5.001e-5);
}

/* The steps of the progress lines a command printed into a pipe, as
 * "1 2 4 ..." */
static void progress_steps(const char *command, char *steps, size_t room)
{
    int status;
    char *out = run(command, &status);
    cr_assert_eq(status, 0, "%s: %s", command, out);
    steps[0] = '\0';
    int step;
    for (char *line = out; line; line = strchr(line, '\n'))
        if (sscanf(line += *line == '\n', "step %d /", &step) == 1)
            snprintf(steps + strlen(steps), room - strlen(steps), "%s%d",
                     *steps ? " " : "", step);
}

Test(program, into_a_pipe_progress_is_a_line_a_tenth_of_the_way,
     .init = make_dir, .fini = remove_dir)
{
    /* 25 steps: a tenth of them is 2 (25 / 10, whole), so a line at the
     * first step, at every even one, and at the last.  Stopped at 10 and
     * resumed, the run's first step is 11, and it has a line too.  With
     * fewer than 10 steps, a line each; and a stop at the last step is
     * allowed, and is no stop at all.  (Each run's options take the
     * test's directory for a %s.) */
    static const struct {
        const char *options, *steps;
    } runs[] = {
        {NAMES " --steps 25", "1 2 4 6 8 10 12 14 16 18 20 22 24 25"},
        {NAMES " --steps 25 --stop-at 10", "1 2 4 6 8 10"},
        {" --resume %s/n.ckpt --data tests/data/names.txt",
         "11 12 14 16 18 20 22 24 25"},
        {NAMES " --steps 3 --stop-at 3", "1 2 3"}};
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        char options[300], command[600], steps[200];
        snprintf(options, sizeof options, runs[i].options, dir);
        snprintf(command, sizeof command, MICROGPT " train%s --out "
                 "%s/n.ckpt", options, dir);
        progress_steps(command, steps, sizeof steps);
        cr_assert_str_eq(steps, runs[i].steps, "%s", command);
    }
}

Test(program, the_summary_counts_the_steps_taken, .init = make_dir,
     .fini = remove_dir)
{
    /* Stopped at 150 of 1000: the last 100 are 51 to 150.  Resumed to
     * 170: this run took 20, 151 to 170, and counts those alone. */
    char command[300];
    int status;
    snprintf(command, sizeof command, MICROGPT " train" NAMES " --steps "
             "1000 --stop-at 150 --out %s/s.ckpt --log %s/a.csv", dir, dir);
    char *out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    assert_summary(out, 0, 150, 100, in_dir("a.csv"));
    snprintf(command, sizeof command, MICROGPT " train --data tests/data/"
             "names.txt --resume %s/s.ckpt --stop-at 170 --log %s/b.csv",
             dir, dir);
    out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    assert_summary(out, 150, 170, 20, in_dir("b.csv"));
}

/* That the files at paths a and b hold the same bytes. */
static void assert_same_file(const char *a, const char *b)
{
    size_t n1, n2;
    unsigned char *x = slurp(a, &n1), *y = slurp(b, &n2);
    cr_assert(n1 == n2 && memcmp(x, y, n1) == 0, "%s and %s differ", a, b);
    free(x);
    free(y);
}

Test(program, resuming_is_the_same_as_not_stopping, .init = make_dir,
     .fini = remove_dir)
{
    /* 40 steps in one go, against 20, a stop, and 20 more resumed in
     * place with the same log: the same checkpoint and the same log,
     * byte for byte.  A resumed run given a new log starts it with the
     * header, and writes only its own steps. */
    char command[600];
    int status;
    snprintf(command, sizeof command, MICROGPT " train" NAMES " --steps 40"
             " --out %s/whole.ckpt --log %s/whole.csv", dir, dir);
    run(command, &status);
    cr_assert_eq(status, 0);
    snprintf(command, sizeof command, MICROGPT " train" NAMES " --steps 40"
             " --stop-at 20 --out %s/half.ckpt --log %s/half.csv", dir, dir);
    char *out = run(command, &status);
    cr_assert_eq(status, 0);
    cr_assert_not_null(strstr(out, "stopped after step 20 of 40; to go on:"
                                   " microgpt train --resume"), "%s", out);
    size_t size;
    unsigned char *b = slurp(in_dir("half.ckpt"), &size);
    spit(in_dir("early.ckpt"), b, size);
    free(b);
    snprintf(command, sizeof command, MICROGPT " train --data tests/data/"
             "names.txt --resume %s/half.ckpt --log %s/half.csv", dir, dir);
    out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    cr_assert_not_null(strstr(out, "trained steps 21 to 40 of 40"));
    assert_same_file(in_dir("half.ckpt"), in_dir("whole.ckpt"));
    assert_same_file(in_dir("half.csv"), in_dir("whole.csv"));
    snprintf(command, sizeof command, MICROGPT " train --data tests/data/"
             "names.txt --resume %s/early.ckpt --out %s/new.ckpt --log "
             "%s/new.csv", dir, dir, dir);
    out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    snprintf(command, sizeof command, "{ head -n 1 %s/whole.csv; tail -n 20"
             " %s/whole.csv; } | cmp - %s/new.csv", dir, dir, dir);
    out = run(command, &status);
    cr_assert_eq(status, 0, "logs differ: %s", out);
    snprintf(command, sizeof command, MICROGPT " train --data tests/data/"
             "names.txt --resume %s/half.ckpt --out %s/x.ckpt", dir, dir);
    out = run(command, &status);
    cr_assert_eq(status, 1);
    cr_assert_not_null(strstr(out, "has finished all 40 steps"), "%s", out);
    snprintf(command, sizeof command, MICROGPT " train --resume "
             "%s/whole.ckpt --out %s/x.ckpt", dir, dir);
    out = run(command, &status);
    cr_assert_eq(status, 1);
    cr_assert_not_null(strstr(out, "was trained on other documents"));
}

Test(program, the_way_to_go_on_can_be_pasted_back, .init = make_dir,
     .fini = remove_dir)
{
    /* A run stopped after step 5 of 10 says how to go on, in a command
     * that the shell must read back as the same paths: one with a space
     * and a quote in single quotes, the quote as '\'' ; one of safe
     * characters alone as it is, and one that starts with "--" joined
     * to its option; and the run's log, if it has one.  Pasted back
     * (from the same directory), each goes on with steps 6 to 10. */
    char top[400];
    cr_assert_not_null(getcwd(top, sizeof top));
    static const struct {
        const char *data, *out, *log, *says;
    } cases[] = {
        {"'my names.txt'", "\"it's a run.ckpt\"", "", " --resume 'it'\\''s "
         "a run.ckpt' --data 'my names.txt'\n"},
        {"./n_1-2+3=4,5:6@7%8.txt", "--out=--x.ckpt", " --log 'a log.csv'",
         " --resume=--x.ckpt --data ./n_1-2+3=4,5:6@7%8.txt --log 'a "
         "log.csv'\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char command[1600];
        snprintf(command, sizeof command, "cd %s && cp %s/tests/data/"
                 "names.txt %s && %s/" MICROGPT " train --tokenizer char "
                 "--steps 10 --stop-at 5 --data %s %s%s%s", dir, top,
                 cases[i].data, top, cases[i].data,
                 strncmp(cases[i].out, "--", 2) == 0 ? "" : "--out ",
                 cases[i].out, cases[i].log);
        int status;
        char *out = run(command, &status);
        cr_assert_eq(status, 0, "%s: %s", command, out);
        const char *go = strstr(out, "to go on: microgpt train ");
        cr_assert_not_null(go, "%s", out);
        go += strlen("to go on: microgpt train");
        cr_assert_str_eq(go, cases[i].says);
        snprintf(command, sizeof command, "cd %s && %s/" MICROGPT " train%s",
                 dir, top, go);
        out = run(command, &status);
        cr_assert_eq(status, 0, "%s: %s", command, out);
        cr_assert_not_null(strstr(out, "trained steps 6 to 10 of 10"), "%s",
                           out);
    }
    /* The log the command named went on from step 5 to step 10. */
    char count[600];
    int status;
    snprintf(count, sizeof count, "wc -l < '%s/a log.csv'", dir);
    cr_assert_eq(atoi(run(count, &status)), 11, "a header and 10 steps");
    /* A log that a resumed run began, at step 6, is one to go on with. */
    train_names("--steps 10 --stop-at 5 --out %s/r.ckpt");
    snprintf(count, sizeof count, MICROGPT " train --data tests/data/"
             "names.txt --resume %s/r.ckpt --stop-at 8 --log %s/new.csv",
             dir, dir);
    char *out = run(count, &status);
    cr_assert_eq(status, 0, "%s", out);
    const char *go = strstr(out, "to go on: microgpt train ");
    cr_assert_not_null(go, "%s", out);
    go += strlen("to go on: microgpt train");
    snprintf(count, sizeof count, MICROGPT " train%.*s",
             (int)strcspn(go, "\n"), go);
    out = run(count, &status);
    cr_assert_eq(status, 0, "%s: %s", count, out);
    cr_assert_not_null(strstr(out, "trained steps 9 to 10 of 10"), "%s",
                       out);
    /* A run on the bundled corpus, the default, needs no --data to go
     * on, and is not told to give one. */
    snprintf(count, sizeof count, MICROGPT " train --steps 4 --stop-at 2 "
             "--n-embd 8 --n-head 2 --n-layer 1 --out %s/w.ckpt", dir);
    out = run(count, &status);
    cr_assert_eq(status, 0, "%s", out);
    char want[300];
    snprintf(want, sizeof want, "to go on: microgpt train --resume "
             "%s/w.ckpt\n", dir);
    go = strstr(out, "to go on: ");
    cr_assert(go && strcmp(go, want) == 0, "%s", out);
}

Test(program, resuming_adds_only_to_a_log_that_ends_where_it_stopped,
     .init = make_dir, .fini = remove_dir)
{
    /* A run stopped after step 20, with its log: steps 1 to 20.  Resumed,
     * it may add to no other file: not one that is not a log, not a log
     * that ends at another step, not one whose last line was cut short
     * (here, by a byte), not one without its step 5, not the log of a
     * run of 50 steps stopped at 20 (whose rates are 0.01 (1 - s/50),
     * not 0.01 (1 - s/40)); and each is kept as it was.  A log that went
     * on to step 30 is told which of its lines to keep (the header and
     * steps 1 to 20), unless it began after step 20. */
    train_names("--steps 40 --stop-at 20 --out %s/a.ckpt --log %s/a.csv");
    train_names("--steps 40 --stop-at 30 --out %s/b.ckpt --log "
                "%s/thirty.csv");
    char command[600];
    int status;
    snprintf(command, sizeof command, "cp %s/a.ckpt %s/c.ckpt && "
             MICROGPT " train --data tests/data/names.txt --resume "
             "%s/c.ckpt --stop-at 30 --log %s/late.csv", dir, dir, dir,
             dir);
    char *out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    size_t size, ten = 0;
    unsigned char *b = slurp(in_dir("a.csv"), &size);
    size_t a_size = size;
    for (int rows = 0; rows < 11; ten++) /* the header and 10 steps */
        rows += b[ten] == '\n';
    spit(in_dir("ten.csv"), b, ten);
    spit(in_dir("cut.csv"), b, size - 1);
    size_t five = 0, six;  /* the header and steps 1 to 4, then step 5 */
    for (int rows = 0; rows < 5; five++)
        rows += b[five] == '\n';
    for (six = five; b[six] != '\n'; six++)
        ;
    FILE *gap = fopen(in_dir("gap.csv"), "wb");
    fwrite(b, 1, five, gap);
    fwrite(b + six + 1, 1, size - six - 1, gap);
    fclose(gap);
    FILE *zero = fopen(in_dir("zero.csv"), "wb");  /* a step 0 first */
    size_t header = strlen("step,loss,lr\n");
    fwrite(b, 1, header, zero);
    fputs("0,3.3,0.01\n", zero);
    fwrite(b + header, 1, size - header, zero);
    fclose(zero);
    train_names("--steps 50 --stop-at 20 --out %s/other.ckpt --log "
                "%s/other.csv");
    spit(in_dir("notes.txt"), (const unsigned char *)"mine\n", 5);
    /* Lines that are not a step's: a loss that is not a number, and a
     * step past any run's, 2^32 + 1, which an int would wrap to 1. */
    FILE *junk = fopen(in_dir("junk.csv"), "wb");
    fwrite(b, 1, five, junk);
    fputs("5,hello,0.01\n", junk);
    fwrite(b + six + 1, 1, size - six - 1, junk);
    fclose(junk);
    write_in_dir("huge.csv", "step,loss,lr\n4294967297,3.3,0.01\n");
    static const struct {
        const char *log, *says;
    } cases[] = {
        {"notes.txt", "notes.txt exists and is not a microgpt log"},
        {"ten.csv", "ten.csv ends at step 10, but the run resumed is at "
                    "step 20; not adding to it"},
        {"cut.csv", "cut.csv has a line cut short; not adding to it"},
        {"gap.csv", "gap.csv skips or repeats a step; not adding to it"},
        {"zero.csv", "zero.csv skips or repeats a step; not adding to it"},
        {"other.csv", "other.csv was logged on another learning-rate "
                      "schedule; not adding to it"},
        {"thirty.csv", "thirty.csv ends at step 30, but the run resumed is "
                       "at step 20 (its first 21 lines end there); not "
                       "adding to it"},
        {"late.csv", "late.csv ends at step 30, but the run resumed is at "
                     "step 20; not adding to it"},
        {"junk.csv", "junk.csv has a line that is not step,loss,lr; not "
                     "adding to it"},
        {"huge.csv", "huge.csv has a line that is not step,loss,lr; not "
                     "adding to it"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        unsigned char *before = slurp(in_dir(cases[i].log), &size);
        snprintf(command, sizeof command, MICROGPT " train --data tests/"
                 "data/names.txt --resume %s/a.ckpt --log %s/%s", dir, dir,
                 cases[i].log);
        out = run(command, &status);
        cr_assert_eq(status, 1, "%s: status %d", cases[i].log, status);
        cr_assert_not_null(strstr(out, cases[i].says), "%s", out);
        cr_assert_eq(lines(out), 1, "%s", out);
        assert_kept(in_dir(cases[i].log), before, size);
    }
    /* Its first 21 lines are the same run's log to step 20, which the
     * run resumed goes on with. */
    size_t kept = 0;
    unsigned char *t = slurp(in_dir("thirty.csv"), &size);
    for (int rows = 0; rows < 21; kept++)
        rows += t[kept] == '\n';
    cr_assert(kept == a_size && memcmp(t, b, kept) == 0);
    spit(in_dir("thirty.csv"), t, kept);
    snprintf(command, sizeof command, MICROGPT " train --data tests/data/"
             "names.txt --resume %s/a.ckpt --out %s/d.ckpt --log "
             "%s/thirty.csv", dir, dir, dir);
    out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    cr_assert_not_null(strstr(out, "trained steps 21 to 40 of 40"), "%s",
                       out);
    free(t);
    free(b);
}

Test(program, a_resumed_runs_stop_at_is_checked_as_an_option,
     .init = make_dir, .fini = remove_dir)
{
    /* A run of 40 steps stopped after step 20 has steps 21 to 40 left.
     * A --stop-at outside them is a bad option, status 2 as for a new
     * run, and the checkpoint stays as it was; 21, the first step left,
     * is taken. */
    train_names("--steps 40 --stop-at 20 --out %s/half.ckpt");
    char command[600], *out;
    int status;
    size_t n;
    unsigned char *before = slurp(in_dir("half.ckpt"), &n);
    const char *stops[] = {"20", "41", "1"};
    for (int i = 0; i < 3; i++) {
        snprintf(command, sizeof command, MICROGPT " train --data tests/"
                 "data/names.txt --resume %s/half.ckpt --stop-at %s", dir,
                 stops[i]);
        out = run(command, &status);
        cr_assert_eq(status, 2, "--stop-at %s: %d %s", stops[i], status,
                     out);
        cr_assert_not_null(strstr(out, "half.ckpt is at step 20 of 40, so "
                                       "--stop-at must be from 21 to 40\n"),
                           "%s", out);
        cr_assert_eq(lines(out), 1, "%s", out);
    }
    assert_kept(in_dir("half.ckpt"), before, n);
    snprintf(command, sizeof command, MICROGPT " train --data tests/data/"
             "names.txt --resume %s/half.ckpt --stop-at 21", dir);
    out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    cr_assert_not_null(strstr(out, "trained steps 21 to 21 of 40"), "%s",
                       out);
}

Test(program, a_pipe_costs_what_it_sends_not_what_it_states,
     .init = make_dir, .fini = remove_dir)
{
    /* Through a pipe the loader cannot know the size beforehand and
     * takes the header at its word: a checkpoint whose header states
     * 2^40 bytes must be read as far as it goes, in memory that grows as
     * the bytes come (CAPPED: 32 MB), and called truncated at its real
     * size, 100 + 2512 + 26 * 5 + 3 * 8 * 4192 + 8 = 103358 bytes (the
     * layout counted in refuses_truncated_foreign_and_corrupted_files). */
    train_names("--steps 2 --out %s/small.ckpt");
    size_t size;
    unsigned char *b = slurp(in_dir("small.ckpt"), &size);
    cr_assert_eq(size, 103358);
    for (int i = 0; i < 8; i++)  /* the stated size, at byte 12 */
        b[12 + i] = (unsigned char)((uint64_t)1 << 40 >> 8 * i);
    spit(in_dir("huge.ckpt"), b, size);
    free(b);
    char command[600];
    int status;
    snprintf(command, sizeof command, "cat %s/huge.ckpt | (" CAPPED
             MICROGPT " train --data tests/data/names.txt --resume "
             "/dev/stdin --out %s/x.ckpt)", dir, dir);
    char *out = run(command, &status);
    cr_assert_eq(status, 1, "status %d: %s", status, out);
    cr_assert_str_eq(out, "microgpt train: /dev/stdin: truncated: 103358 "
                          "of its 1099511627776 bytes\n");
    /* A whole checkpoint with one byte more: read as far as one past
     * what it states, and refused for it. */
    snprintf(command, sizeof command, "{ cat %s/small.ckpt; printf x; } | "
             "(" CAPPED MICROGPT " train --data tests/data/names.txt "
             "--resume /dev/stdin --out %s/x.ckpt)", dir, dir);
    out = run(command, &status);
    cr_assert_eq(status, 1, "status %d: %s", status, out);
    cr_assert_str_eq(out, "microgpt train: /dev/stdin: corrupted: longer "
                          "than the 103358 bytes it states\n");
}

Test(program, a_foreign_file_is_refused_before_it_is_read,
     .init = make_dir, .fini = remove_dir)
{
    /* /dev/zero never ends, so a loader that read it whole before
     * looking at it would run out of memory (CAPPED: 32 MB) or time.
     * Its first eight bytes, zeros, are not the magic word. */
    char command[300];
    int status;
    snprintf(command, sizeof command, CAPPED MICROGPT " train --resume "
             "/dev/zero --out %s/z.ckpt", dir);
    char *out = run(command, &status);
    cr_assert_eq(status, 1, "status %d: %s", status, out);
    cr_assert_str_eq(out, "microgpt train: /dev/zero: not a microgpt "
                          "checkpoint\n");
    cr_assert_eq(access(in_dir("z.ckpt"), F_OK), -1, "nothing saved");
}

/* Starts the program with argv (argv[0] "microgpt", NULL at the end),
 * its standard output, and its errors too if also_errors, into a pipe
 * whose reading end is *from; with file_limit > 0, no file it writes may
 * grow past that many bytes (a write past it fails with EFBIG). */
static pid_t start_program(char *const argv[], int also_errors,
                           rlim_t file_limit, int *from)
{
    int pipe_fd[2];
    cr_assert_eq(pipe(pipe_fd), 0);
    pid_t pid = fork();
    if (pid == 0) {
        if (file_limit > 0) {
            struct rlimit limit = {file_limit, file_limit};
            signal(SIGXFSZ, SIG_IGN);
            setrlimit(RLIMIT_FSIZE, &limit);
        }
        dup2(pipe_fd[1], 1);
        if (also_errors)
            dup2(pipe_fd[1], 2);
        close(pipe_fd[0]);
        execv(MICROGPT, argv);
        _exit(127);
    }
    close(pipe_fd[1]);
    *from = pipe_fd[0];
    return pid;
}

/* Starts the program with argv as start_program does, and reads what it
 * prints up to its first progress line, which must come; returns the
 * stream of the rest, and the process in *pid. */
static FILE *start_to_first_step(char *const argv[], int also_errors,
                                 pid_t *pid)
{
    int fd;
    *pid = start_program(argv, also_errors, 0, &fd);
    FILE *from = fdopen(fd, "r");
    char line[300];
    int seen = 0;
    while (!seen && fgets(line, sizeof line, from))
        seen = strncmp(line, "step ", 5) == 0;
    cr_assert(seen, "no progress line");
    return from;
}

/* Starts a run of a million steps on the names, saving to NAME.ckpt and
 * logging to NAME.csv in the test's directory (their paths written to
 * ckpt and csv, 300 bytes each), and sends it signal sig at its first
 * progress line; returns the stream of what it prints after, and the
 * process in *pid. */
static FILE *interrupt_long_run(const char *name, int also_errors, int sig,
                                char *ckpt, char *csv, pid_t *pid)
{
    snprintf(ckpt, 300, "%s/%s.ckpt", dir, name);
    snprintf(csv, 300, "%s/%s.csv", dir, name);
    char *argv[] = {"microgpt", "train", "--tokenizer", "char", "--data",
                    "tests/data/names.txt", "--steps", "1000000", "--out",
                    ckpt, "--log", csv, NULL};
    FILE *from = start_to_first_step(argv, also_errors, pid);
    kill(*pid, sig);
    return from;
}

/* The checkpoint at ckpt holds as many steps as the log at csv has
 * rows, more than none and fewer than the schedule's; returns them. */
static int saved_as_logged(const char *ckpt, const char *csv, int steps)
{
    char error[CHECKPOINT_ERROR_ROOM], command[400];
    Run *r = checkpoint_load(ckpt, error);
    cr_assert_not_null(r, "%s", error);
    int status;
    snprintf(command, sizeof command, "wc -l < %s", csv);
    int rows = atoi(run(command, &status)) - 1;
    cr_assert(rows > 0 && rows < steps, "%d rows", rows);
    cr_assert_eq(r->adam->step, rows);
    cr_assert_eq(r->adam->num_steps, steps);
    run_free(r);
    return rows;
}

Test(program, a_closed_terminal_or_pipe_stops_and_saves, .init = make_dir,
     .fini = remove_dir)
{
    /* SIGHUP, as when the terminal closes, stops a run as Ctrl-C does;
     * and a second, as a closing terminal may send, does not end it at
     * once as a second Ctrl-C would. */
    char ckpt[300], csv[300];
    pid_t pid;
    FILE *from = interrupt_long_run("hup", 0, SIGHUP, ckpt, csv, &pid);
    nanosleep(&(struct timespec){0, 1000000}, NULL);  /* 1 ms */
    kill(pid, SIGHUP);
    char line[300];
    while (fgets(line, sizeof line, from))
        ;  /* read to the end: the pipe stays open */
    fclose(from);
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 130, "%d",
              status);
    saved_as_logged(ckpt, csv, 1000000);
    /* So does a pipe closed by its reader: read the first progress line
     * and close the pipe, and the next progress line, at step 1000 of
     * 10000, meets SIGPIPE; the lines after it are lost, not the run. */
    snprintf(ckpt, 300, "%s/pipe.ckpt", dir);
    snprintf(csv, 300, "%s/pipe.csv", dir);
    char *argv[] = {"microgpt", "train", "--tokenizer", "char", "--data",
                    "tests/data/names.txt", "--steps", "10000", "--out",
                    ckpt, "--log", csv, NULL};
    from = start_to_first_step(argv, 1, &pid);  /* errors to the pipe */
    fclose(from);
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 130, "%d",
              status);
    saved_as_logged(ckpt, csv, 10000);
}

Test(program, a_checkpoint_kept_aside_keeps_its_log, .init = make_dir,
     .fini = remove_dir)
{
    /* A file put at --out during the run is kept: the run's checkpoint
     * stays in the temporary file, exit status 1, and the log keeps the
     * run's lines, which go with that checkpoint. */
    char ckpt[300], csv[300], tmp[310], line[300];
    snprintf(ckpt, sizeof ckpt, "%s/aside.ckpt", dir);
    snprintf(csv, sizeof csv, "%s/aside.csv", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", ckpt);
    char *argv[] = {"microgpt", "train", "--tokenizer", "char", "--data",
                    "tests/data/names.txt", "--steps", "1000000", "--out",
                    ckpt, "--log", csv, NULL};
    pid_t pid;
    FILE *from = start_to_first_step(argv, 1, &pid);
    spit(ckpt, (const unsigned char *)"mine\n", 5);
    kill(pid, SIGINT);
    static char said[1 << 14] = "";
    while (fgets(line, sizeof line, from))
        strncat(said, line, sizeof said - strlen(said) - 1);
    fclose(from);
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "%s", said);
    cr_assert_not_null(strstr(said, "not replacing it; the checkpoint is "
                                    "saved in "), "%s", said);
    size_t size;
    unsigned char *b = slurp(ckpt, &size);
    cr_assert(size == 5 && memcmp(b, "mine\n", 5) == 0, "left alone");
    free(b);
    saved_as_logged(tmp, csv, 1000000);
}

Test(program, an_interrupt_stops_and_saves, .init = make_dir,
     .fini = remove_dir)
{
    /* Start a long run, wait for its first progress line, interrupt it:
     * it must finish its step, save, and exit with 130, the saved run
     * must hold as many steps as the log, and the summary must count
     * the steps taken. */
    char ckpt[300], csv[300];
    pid_t pid;
    FILE *from = interrupt_long_run("int", 0, SIGINT, ckpt, csv, &pid);
    static char summary[300] = "";
    char line[300];
    while (fgets(line, sizeof line, from))
        if (strncmp(line, "trained steps ", 14) == 0)
            strcpy(summary, line);
    fclose(from);
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 130);
    char error[CHECKPOINT_ERROR_ROOM];
    Run *r = checkpoint_load(in_dir("int.ckpt"), error);
    cr_assert_not_null(r, "%s", error);
    char command[300];
    snprintf(command, sizeof command, "wc -l < %s/int.csv", dir);
    int rows = atoi(run(command, &status)) - 1;
    cr_assert_gt(rows, 0);
    cr_assert_eq(r->adam->step, rows);
    cr_assert_eq(r->adam->num_steps, 1000000);
    run_free(r);
    /* the summary counts the steps taken, not the schedule's last 100 */
    assert_summary(summary, 0, rows, rows < 100 ? rows : 100,
                   in_dir("int.csv"));
}

/* A mask of signals that process pid has, as /proc/PID/status shows it
 * on the line that starts with field ("SigBlk" for those it blocks,
 * "SigCgt" for those it catches; bit n - 1 for signal n), and in *zombie
 * whether it has ended; 0 with *zombie 1 if there is no such file. */
static unsigned long long signal_mask(pid_t pid, const char *field,
                                      int *zombie)
{
    char path[64], line[256], state = 'Z', name[16];
    unsigned long long mask = 0, m;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f)) {
        sscanf(line, "State: %c", &state);
        if (sscanf(line, "%15[^:]: %llx", name, &m) == 2 &&
            strcmp(name, field) == 0)
            mask = m;
    }
    if (f)
        fclose(f);
    *zombie = state == 'Z';
    return mask;
}

Test(program, a_second_interrupt_waits_for_the_save, .init = make_dir,
     .fini = remove_dir)
{
    /* Once the steps are over, SIGINT, SIGTERM, SIGHUP and SIGQUIT are
     * held back until the program exits, so that a second Ctrl-C (or a
     * closed terminal) cannot cut the save short and leave its
     * temporary file behind.  Interrupted, the run must come to hold
     * all four (as the kernel shows in /proc), the moment it does it
     * gets all four, and still it exits with 130, its checkpoint whole,
     * its log as long, and no ".tmp" left. */
    if (access("/proc/self/status", R_OK) != 0)
        cr_skip_test("no /proc/PID/status to read a signal mask from");
    char ckpt[300], csv[300];
    pid_t pid;
    FILE *from = interrupt_long_run("two", 1, SIGINT, ckpt, csv, &pid);
    char line[300];
    const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    unsigned long long all = 0;
    for (int k = 0; k < 4; k++)
        all |= 1ull << (signals[k] - 1);
    int held = 0, zombie = 0;
    for (int i = 0; i < 100000 && !held && !zombie; i++) {
        held = (signal_mask(pid, "SigBlk", &zombie) & all) == all;
        if (!held && !zombie)
            nanosleep(&(struct timespec){0, 100000}, NULL);
    }
    for (int k = 0; k < 4; k++)
        kill(pid, signals[k]);
    while (fgets(line, sizeof line, from))
        ;
    fclose(from);
    int status;
    waitpid(pid, &status, 0);
    cr_assert(held, "the four signals were never held back");
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 130, "%s",
              WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "");
    char error[CHECKPOINT_ERROR_ROOM], command[400];
    Run *r = checkpoint_load(ckpt, error);
    cr_assert_not_null(r, "%s", error);
    snprintf(command, sizeof command, "wc -l < %s", csv);
    cr_assert_eq(r->adam->step, atoi(run(command, &status)) - 1);
    run_free(r);
    cr_assert_neq(access(in_dir("two.ckpt.tmp"), F_OK), 0, "no .tmp left");
}

/* Starts a run of the names on a model of 64 dimensions in two layers,
 * whose steps take some 50 milliseconds, saving to NAME.ckpt; interrupts
 * it 10 ms after its first progress line, inside its second step (an
 * interrupt just after the line could come before the loop asks for the
 * next step), waits for the handler to give SIGINT back to the default
 * (the kernel no longer shows it caught), and interrupts it again;
 * returns how it ended, as waitpid has it. */
static int interrupt_twice(const char *name)
{
    char ckpt[300], csv[300];
    snprintf(ckpt, sizeof ckpt, "%s/%s.ckpt", dir, name);
    snprintf(csv, sizeof csv, "%s/%s.csv", dir, name);
    char *argv[] = {"microgpt", "train", "--tokenizer", "char", "--data",
                    "tests/data/names.txt", "--n-embd", "64", "--n-layer",
                    "2", "--steps", "1000000", "--out", ckpt, "--log", csv,
                    NULL};
    pid_t pid;
    FILE *from = start_to_first_step(argv, 1, &pid);
    nanosleep(&(struct timespec){0, 10000000}, NULL);
    kill(pid, SIGINT);
    unsigned long long sigint = 1ull << (SIGINT - 1);
    int caught = 1, zombie = 0;
    for (int i = 0; i < 100000 && caught && !zombie; i++) {
        caught = (signal_mask(pid, "SigCgt", &zombie) & sigint) != 0;
        if (caught && !zombie)
            nanosleep(&(struct timespec){0, 100000}, NULL);
    }
    kill(pid, SIGINT);
    char line[300];
    while (fgets(line, sizeof line, from))
        ;
    fclose(from);
    int status;
    waitpid(pid, &status, 0);
    cr_assert(!caught, "the handler still catches SIGINT after the first");
    return status;
}

Test(program, a_second_interrupt_in_a_step_ends_at_once, .init = make_dir,
     .fini = remove_dir)
{
    /* After the first Ctrl-C the handler gives way to the default, so a
     * second one in the middle of a step ends the program at once:
     * killed by SIGINT, nothing saved, no ".tmp" left.  Should the step
     * end before the second interrupt comes, on a machine slow to
     * answer, the program holds SIGINT back, saves, and exits with 130;
     * then the test tries again, three times in all. */
    if (access("/proc/self/status", R_OK) != 0)
        cr_skip_test("no /proc/PID/status to read what a program catches");
    const char *names[] = {"a", "b", "c"};
    int status = 0;
    for (int k = 0; k < 3; k++) {
        status = interrupt_twice(names[k]);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 130) {
            cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT,
                      "status %d", status);
            char ckpt[20];
            snprintf(ckpt, sizeof ckpt, "%s.ckpt", names[k]);
            cr_assert_neq(access(in_dir(ckpt), F_OK), 0, "nothing saved");
            strcat(ckpt, ".tmp");
            cr_assert_neq(access(in_dir(ckpt), F_OK), 0, "no .tmp left");
            return;
        }
    }
    cr_assert_fail("each step ended before the second interrupt came");
}

Test(program, a_save_that_fails_leaves_the_log_as_it_was,
     .init = make_dir, .fini = remove_dir)
{
    /* A run stopped after step 5 is resumed with its log; once it has
     * taken a step, a file appears at its checkpoint's ".tmp", which
     * the save will not write through, and an interrupt asks for the
     * save.  The save fails, and the run with it (status 1), in one line
     * that says so and that the log is as it was: the checkpoint's, to
     * step 5, the resumed run's steps cut off. */
    train_names("--steps 1000000 --stop-at 5 --out %s/s.ckpt --log "
                "%s/s.csv");
    size_t n, m;
    unsigned char *ckpt = slurp(in_dir("s.ckpt"), &n),
                  *csv = slurp(in_dir("s.csv"), &m);
    char path[300], log[300];
    strcpy(path, in_dir("s.ckpt")), strcpy(log, in_dir("s.csv"));
    char *argv[] = {"microgpt", "train", "--data", "tests/data/names.txt",
                    "--resume", path, "--log", log, NULL};
    pid_t pid;
    FILE *from = start_to_first_step(argv, 1, &pid);
    static char line[300], error[300];
    spit(in_dir("s.ckpt.tmp"), (const unsigned char *)"mine\n", 5);
    kill(pid, SIGINT);
    while (fgets(line, sizeof line, from))
        if (strncmp(line, "microgpt train: ", 16) == 0) {
            cr_assert_eq(error[0], '\0', "two lines: %s%s", error, line);
            strcpy(error, line);
        }
    fclose(from);
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    char want[300];
    snprintf(want, sizeof want, "microgpt train: cannot create %s/s.ckpt."
             "tmp: %s; the log %s/s.csv is as it was\n", dir,
             strerror(EEXIST), dir);
    cr_assert_str_eq(error, want);
    assert_kept(in_dir("s.ckpt"), ckpt, n);
    assert_kept(in_dir("s.csv"), csv, m);
    unsigned char *b = slurp(in_dir("s.ckpt.tmp"), &n);
    cr_assert(n == 5 && memcmp(b, "mine\n", 5) == 0, "left alone");
    free(b);
}

Test(program, a_log_that_fails_keeps_the_checkpoint, .init = make_dir,
     .fini = remove_dir)
{
    /* /dev/full cannot play a full disk: reading it gives NULs, so it is
     * refused at the start as not a log.  A limit of 32 KB on the size
     * of any file the program writes can: 2000 rows of log, at some 45
     * bytes a row, do not fit, while the checkpoint of a tiny model does:
     * 27 x 4 (wte) + 16 x 4 (wpe) + 27 x 4 (lm_head) + 4 x 16 (wq, wk,
     * wv, wo) + 2 x 4 x 16 (fc1, fc2) = 472 parameters, with m and v 24
     * bytes each, about 11 KB, and under 3 KB of header, generator state
     * and vocabulary. */
    char ckpt[300], csv[300];
    strcpy(ckpt, in_dir("f.ckpt")), strcpy(csv, in_dir("f.csv"));
    char *argv[] = {"microgpt", "train", "--tokenizer", "char", "--data",
                    "tests/data/names.txt", "--steps", "2000", "--n-embd",
                    "4", "--n-head", "1", "--out", ckpt, "--log", csv,
                    NULL};
    int fd;
    pid_t pid = start_program(argv, 1, 32768, &fd);
    static char out[1 << 16];
    size_t n = 0;
    ssize_t got;  /* -1 on an error, which ends the reading too */
    while ((got = read(fd, out + n, sizeof out - 1 - n)) > 0)
        n += (size_t)got;
    out[n] = '\0';
    close(fd);
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "%s", out);
    char error[CHECKPOINT_ERROR_ROOM], want[300];
    Run *r = checkpoint_load(in_dir("f.ckpt"), error);
    cr_assert_not_null(r, "%s", error);
    cr_assert_eq(r->adam->step, 2000);
    cr_assert_eq(r->model->n_params, 472);
    run_free(r);
    /* stdout reaches the pipe when the program ends, stderr at once */
    snprintf(want, sizeof want, "\nsaved %s/f.ckpt\n", dir);
    cr_assert_not_null(strstr(out, want), "%s", out);
    snprintf(want, sizeof want, "microgpt train: cannot write %s/f.csv: ",
             dir);
    const char *line = strstr(out, want);
    cr_assert_not_null(line, "%s", out);
    cr_assert(line == out || line[-1] == '\n', "%s", out);
    cr_assert_null(strstr(line + 1, "microgpt train: "), "one line: %s",
                   out);
}

Test(program, figures, .init = make_dir, .fini = remove_dir)
{
    /* tests/data/run.csv is a hand-made log of 150 steps whose loss is
     * step / 100: the first is 0.01 and the mean of the last hundred,
     * 0.51 to 1.50, is 1.005.  run.out says the run took 12.3 s. */
    int status;
    char *out = run(STAGE_DIR "/train-demo --figures tests/data/run",
                    &status);
    cr_assert_eq(status, 0, "%s", out);
    const char *want[] = {
        "| 0.90 | 0.105 |\n", "| 0.50 | 0.693 |\n", "| 0.17 | 1.772 |\n",
        "| 0.01 | 4.605 |\n", "%% bias-first\n0.15\n",
        "%% bias-21\n0.967\n", "%% bias-21-v\n0.190\n",
        "%% bias-21-ratio\n2.2\n", /* 0.967 / sqrt(0.190) = 2.218 */
        "%% lr-half\n0.005\n", "%% sparse-token-rows\n6\n",
        "%% sparse-position-rows\n6\n", "%% sparse-other-rows\n591\n",
        "%% run-first-loss\n0.0100\n", "%% run-last-loss\n1.0050\n",
        "%% run-seconds\n12\n", "\n150 1.50000 1.00500\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        cr_assert_not_null(strstr(out, want[i]), "no %s", want[i]);
    /* The parity table's five rows: both columns are the loss the
     * Python original recorded for that step, as it printed it (repr,
     * the shortest decimal that reads back to the same double, which is
     * what shortest() writes), so microgpt's column must equal it to
     * every digit. */
    FILE *f = fopen("tests/data/names-losses.txt", "r");
    cr_assert_not_null(f);
    for (int s = 1; s <= 5; s++) {
        int step;
        char loss[40], row[120];
        cr_assert_eq(fscanf(f, "%d %39s", &step, loss), 2);
        cr_assert_eq(step, s);
        snprintf(row, sizeof row, "\n| %d | %s | %s |\n", s, loss, loss);
        cr_assert_not_null(strstr(out, row), "no %s in %s", row, out);
    }
    fclose(f);
}

Test(program, the_first_step_table_is_adams_first_step, .init = make_dir,
     .fini = remove_dir)
{
    /* The table's four rows, "| name | gradient | change |": each
     * gradient is the backward pass's for that parameter of the word
     * model's seed-42 weights on the running example (to the %.4g it is
     * printed with), and each change is Adam's first step,
     * -lr g / (|g| + eps) (to the 8 decimals printed, half a unit,
     * and a little for g's own rounding). */
    int status;
    char *out = run(STAGE_DIR "/train-demo --figures tests/data/run",
                    &status);
    cr_assert_eq(status, 0, "%s", out);
    const char *table = strstr(out, "%% first-step-table\n");
    cr_assert_not_null(table);
    Corpus *c = load("data/sentences.txt");
    int ids[8];
    Run *r = example_backward(c, ids);
    Model *m = r->model;
    int C = m->cfg.n_embd;
    const char *names[4] = {"`wte[cat][0]`", "`wpe[0][0]`",
                            "`lm_head[muffin][0]`", "layer 0 `wq[0][0]`"};
    double grads[4] = {m->w.wte[ids[2] * C].grad, m->w.wpe[0].grad,
                       m->w.lm_head[ids[5] * C].grad,
                       m->w.layer[0].wq[0].grad};
    for (int i = 0; i < 4; i++) {
        char want[64];
        snprintf(want, sizeof want, "\n| %s | ", names[i]);
        const char *row = strstr(table, want);
        cr_assert_not_null(row, "no row %s", names[i]);
        double g, change;
        cr_assert_eq(sscanf(row + strlen(want), "%lf | %lf |", &g, &change),
                     2);
        cr_assert_leq(fabs(g - grads[i]), 5e-4 * fabs(grads[i]),
                      "%s: %g, the backward pass %g", names[i], g,
                      grads[i]);
        double step = -0.01 * g / (fabs(g) + 1e-8);
        cr_assert_leq(fabs(change - step), 5.2e-9, "%s: %.8f, not %.10f",
                      names[i], change, step);
    }
    values_free();
    run_free(r);
    corpus_free(c);
}

/* ---- the Python original's losses -------------------------------------- */

/* Checks the first n rows of a microgpt log against a file of the
 * original's losses, "step loss" a line, loss to all 17 digits. */
static void assert_log_matches(const char *log, const char *golden, int n)
{
    FILE *mine = fopen(log, "r"), *theirs = fopen(golden, "r");
    cr_assert(mine && theirs);
    char header[64];
    cr_assert_not_null(fgets(header, sizeof header, mine));
    for (int s = 1; s <= n; s++) {
        int step_a, step_b;
        double a, b, lr;
        cr_assert_eq(fscanf(mine, "%d,%lf,%lf", &step_a, &a, &lr), 3);
        cr_assert_eq(fscanf(theirs, "%d %lf", &step_b, &b), 2);
        cr_assert(step_a == s && step_b == s);
        cr_assert_eq(a, b, "step %d: %.17g, the original %.17g", s, a, b);
    }
    fclose(mine);
    fclose(theirs);
}

Test(parity, names_1000_steps_bit_for_bit, .init = make_dir,
     .fini = remove_dir)
{
    /* tests/data/names-losses.txt holds the losses that the Python
     * original (microgpt.py, February 2026) printed, to all digits, for
     * its 1000 steps on tests/data/names.txt: seed 42, the character
     * tokenizer, n_embd 16, 4 heads, 1 layer, block 16, Adam 0.01, 0.85,
     * 0.99, 1e-8.  microgpt's character defaults are that model. */
    char command[300];
    snprintf(command, sizeof command, MICROGPT " train" NAMES
             " --out %s/n.ckpt --log %s/n.csv", dir, dir);
    int status;
    char *out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    assert_log_matches(in_dir("n.csv"), "tests/data/names-losses.txt",
                       1000);
}

Test(parity, words_first_steps_bit_for_bit, .init = make_dir,
     .fini = remove_dir)
{
    /* tests/data/words-losses.txt: the first 100 losses of the original
     * with its tokenizer cut at spaces instead of between characters
     * (uchars = sorted words; tokens = [BOS] + word ids + [BOS]) and the
     * word model's shape (n_embd 32, 2 layers), on data/sentences.txt
     * for 5000 steps. */
    char command[300];
    snprintf(command, sizeof command, MICROGPT " train --stop-at 100"
             " --out %s/w.ckpt --log %s/w.csv", dir, dir);
    int status;
    char *out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    assert_log_matches(in_dir("w.csv"), "tests/data/words-losses.txt", 100);
}
