/* tests/chapter-06.c: the exercises of chapter 6, sampling: Python's
 * choices, temperature, the sampling loop, judging samples, and the
 * microgpt sample and eval commands.  Tests run from the top of the
 * project. */
#define _XOPEN_SOURCE 700 /* popen, mkdtemp, getcwd */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checkpoint.h"
#include "sample.h"
#include "programs.h"

TestSuite(choice);
TestSuite(temperature);
TestSuite(sampling);
TestSuite(judge);
TestSuite(program);

/* ---- Python's choices -------------------------------------------------- */

Test(choice, draws_as_python_does)
{
    /* Python 3.11: random.seed(42); [random.choices(range(4),
     * weights=[0.1, 0.2, 0.3, 0.4])[0] for _ in range(12)].  By hand for
     * the first two: random() is 0.639... and 0.025..., the running sums
     * 0.1, 0.3, 0.6, 1.0, so 3 and then 0. */
    const double w[] = {0.1, 0.2, 0.3, 0.4};
    const int want[] = {3, 0, 1, 1, 3, 3, 3, 0, 2, 0, 1, 2};
    Rng r;
    rng_seed(&r, 42);
    for (int i = 0; i < 12; i++)
        cr_assert_eq(rng_choice(&r, w, 4), want[i], "draw %d", i);
}

Test(choice, never_draws_a_zero_weight)
{
    /* Python: random.seed(7); choices(range(6), weights=[0.5, 0, 2, 1,
     * 1e-6, 0.5]), 16 times. */
    const double w[] = {0.5, 0.0, 2.0, 1.0, 1e-6, 0.5};
    const int want[] = {2, 2, 3, 0, 2, 2, 0, 2, 0, 2, 0, 0, 2, 3, 0, 2};
    Rng r;
    rng_seed(&r, 7);
    for (int i = 0; i < 16; i++)
        cr_assert_eq(rng_choice(&r, w, 6), want[i], "draw %d", i);
    for (int i = 0; i < 10000; i++)
        cr_assert_neq(rng_choice(&r, w, 6), 1);
}

/* ---- temperature ----------------------------------------------------- */

static void probs_at(const double *z, int n, double T, double *p)
{
    Value *v[8], *ptr[8];
    for (int i = 0; i < n; i++) {
        v[i] = value(z[i]);
        ptr[i] = v[i];
    }
    softmax_temperature(p, ptr, n, T);
    values_free();
}

Test(temperature, one_is_softmax)
{
    /* softmax(1, 2, 3) = e^(i - 3) / (e^-2 + e^-1 + 1). */
    const double z[] = {1, 2, 3};
    double p[3], sum = exp(-2) + exp(-1) + 1;
    probs_at(z, 3, 1.0, p);
    for (int i = 0; i < 3; i++)
        cr_assert_float_eq(p[i], exp(i - 2.0) / sum, 1e-15);
}

Test(temperature, low_approaches_the_likeliest_high_an_even_bet)
{
    const double z[] = {0.3, 2.0, -1.0, 1.9};
    double p[4];
    probs_at(z, 4, 0.01, p);  /* 0.1 / 0.01 = 10 nats ahead of the next */
    cr_assert_gt(p[1], 1 - 1e-4);
    probs_at(z, 4, 100, p);   /* every logit within 0.03 of the others */
    for (int i = 0; i < 4; i++)
        cr_assert_float_eq(p[i], 0.25, 0.01);
    probs_at(z, 4, 0.5, p);   /* sharper than T = 1, and still sums to 1 */
    double q[4];
    probs_at(z, 4, 1.0, q);
    cr_assert_gt(p[1], q[1]);
    cr_assert_lt(p[2], q[2]);
    cr_assert_float_eq(p[0] + p[1] + p[2] + p[3], 1.0, 1e-15);
}

Test(temperature, the_floor_keeps_the_arithmetic_sound)
{
    /* At the commands' floor, logits of a thousand units stay finite and
     * their rounding costs less than a part in 10^13 per unit of their
     * size (the prose): 1000 and 999.9 are 0.1 apart, 10 at T = 0.01, so
     * p = 1 / (1 + e^-10) and e^-10 / (1 + e^-10), to within 10^-10 of
     * themselves, and -1000 is 2000 behind, e^-200000: 0. */
    const double z[] = {1000, 999.9, -1000};
    double p[3], e = exp(-10);
    probs_at(z, 3, TEMPERATURE_FLOOR, p);
    cr_assert_float_eq(p[0], 1 / (1 + e), 1e-10);
    cr_assert_float_eq(p[1], e / (1 + e), 1e-10 * e);
    cr_assert_eq(p[2], 0.0);
    /* The same logits less 2000, all negative: the same probabilities
     * to the same bound (only the largest logit is subtracted, so none
     * may stand in for it, 0 least of all: e^(-100000) is 0, and 0 / 0
     * is not a number). */
    const double below[] = {-1000, -1000.1, -3000};
    probs_at(below, 3, TEMPERATURE_FLOOR, p);
    cr_assert_float_eq(p[0], 1 / (1 + e), 1e-10);
    cr_assert_float_eq(p[1], e / (1 + e), 1e-10 * e);
    cr_assert_eq(p[2], 0.0);
}

Test(temperature, in_the_originals_arithmetic)
{
    /* The original divides by T as Value's __truediv__ does, x * T**-1,
     * and by the total as total**-1, and CPython's ** on floats is the C
     * library's pow.  At T = 0.499, with logits 0 and 2.9, neither
     * T**-1 nor total**-1 is the double 1 / x is, so dividing would give
     * other probabilities.  These are Python's, from the same steps:
     * s = [x * T**-1 for x], e = [exp(s + -max(s))], total = 0 + e0 + e1,
     * p = [e * total**-1 for e]. */
    const double z[] = {0, 2.9};
    double p[2];
    probs_at(z, 2, 0.499, p);
    cr_assert_eq(p[0], 0x1.871255ea20925p-9, "%a", p[0]);
    cr_assert_eq(p[1], 0x1.fe78edaa15df7p-1, "%a", p[1]);
    cr_assert_neq(pow(0.499, -1), 1 / 0.499);
}

/* ---- the sampling loop ------------------------------------------------ */

Test(sampling, stays_in_the_block_and_never_writes_bos)
{
    /* A random model of block 4 at a high temperature writes documents of
     * every length 0..4; none may be longer than the block or hold BOS,
     * and the prompt must come first. */
    Config c = {6, 8, 2, 1, 4};
    Model *m = model_new(&c);
    Rng r;
    rng_seed(&r, 3);
    model_init(m, &r);
    for (size_t i = 0; i < m->n_params; i++)
        m->params[i].data *= 3;  /* logits of a few units, not tenths */
    KVCache *kv = kv_new(&c);
    int out[4], seen[5] = {0};
    for (int i = 0; i < 2000; i++) {
        int n = sample_tokens(m, kv, &r, 1.5, NULL, 0, out);
        cr_assert(n >= 0 && n <= 4);
        seen[n]++;
        for (int k = 0; k < n; k++)
            cr_assert(out[k] >= 0 && out[k] < 5, "token %d", out[k]);
    }
    for (int n = 0; n <= 4; n++)
        cr_assert_gt(seen[n], 0, "no sample of length %d", n);
    const int prompt[2] = {2, 4};
    for (int i = 0; i < 50; i++) {
        int n = sample_tokens(m, kv, &r, 1.0, prompt, 2, out);
        cr_assert(n >= 2 && out[0] == 2 && out[1] == 4);
    }
    cr_assert_eq(values_count(), 0, "no node outlives a sample");
    kv_free(kv);
    model_free(m);
    values_free();
}

/* ---- judging --------------------------------------------------------- */

Test(judge, counts_by_hand)
{
    /* A corpus of two sentences; five samples: one recited, one new and
     * grammatical, twice; one not English; one empty. */
    char *docs[] = {"the cat eats a muffin", "dogs sleep"};
    Corpus c = {2, docs, NULL};
    char *samples[] = {"the cat eats a muffin", "cats sleep", "muffin the",
                       "cats sleep", ""};
    Rates r = judge(samples, 5, &c);
    cr_assert_eq(r.count, 5);
    cr_assert_eq(r.grammatical, 3); /* the muffin, cats sleep twice */
    cr_assert_eq(r.novel, 4);       /* all but the muffin */
    cr_assert_eq(r.distinct, 4);    /* cats sleep counts once */
    cr_assert_eq(r.new_and_good, 2);
}

/* ---- the program ------------------------------------------------------ */

static void train_names(void)
{
    char command[300];
    int status;
    snprintf(command, sizeof command, MICROGPT " train --tokenizer char "
             "--data tests/data/names.txt --out %s/n.ckpt", dir);
    char *out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
}

Test(program, the_originals_samples, .init = make_dir, .fini = remove_dir)
{
    /* tests/data/names-samples.txt: the 20 samples at T = 0.5 that the
     * Python original printed after its 1000 steps on
     * tests/data/names.txt (chapter 5's parity run), from the stream its
     * training left. */
    train_names();
    char command[300];
    int status;
    snprintf(command, sizeof command, MICROGPT " sample --model %s/n.ckpt"
             " | cmp - tests/data/names-samples.txt", dir);
    char *out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    /* a fresh stream gives other samples, the same each time */
    snprintf(command, sizeof command, MICROGPT " sample --model %s/n.ckpt"
             " --seed 1 --count 5", dir);
    static char first[1 << 16];  /* as large as run()'s buffer */
    snprintf(first, sizeof first, "%s", run(command, &status));
    cr_assert_eq(status, 0, "%s", first);
    cr_assert_eq(lines(first), 5, "%s", first);
    cr_assert_str_eq(run(command, &status), first);
    cr_assert_eq(status, 0);
    /* not the original's first five samples, which seed 42's stream
     * gives */
    char five[1 << 10];
    FILE *f = fopen("tests/data/names-samples.txt", "r");
    cr_assert_not_null(f);
    size_t n = fread(five, 1, sizeof five - 1, f);
    fclose(f);
    five[n] = '\0';
    char *end = five;
    for (int i = 0; i < 5; i++) {
        end = strchr(end, '\n');
        cr_assert_not_null(end);
        end++;
    }
    *end = '\0';
    cr_assert_str_neq(first, five);
}

Test(program, prompts_and_bad_input, .init = make_dir, .fini = remove_dir)
{
    train_names();
    char command[400];
    int status;
    snprintf(command, sizeof command, MICROGPT " sample --model %s/n.ckpt"
             " --prompt ava --count 30", dir);
    char *out = run(command, &status);
    cr_assert_eq(status, 0);
    cr_assert_eq(lines(out), 30, "%s", out);
    for (char *line = out; *line; line = strchr(line, '\n') + 1)
        cr_assert_eq(strncmp(line, "ava", 3), 0, "%s", line);
    /* 15 letters leave one position: each sample is the prompt and at
     * most one letter more. */
    snprintf(command, sizeof command, MICROGPT " sample --model %s/n.ckpt"
             " --prompt abcdefghijklmno --count 5", dir);
    out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    cr_assert_eq(lines(out), 5, "%s", out);
    for (char *line = out; *line; line = strchr(line, '\n') + 1) {
        size_t n = strcspn(line, "\n");
        cr_assert(strncmp(line, "abcdefghijklmno", 15) == 0
                  && (n == 15 || n == 16), "%s", line);
    }
    static const struct {
        const char *args, *says;
        int status;
    } cases[] = {
        {"sample", "--model CHECKPOINT is required", 2},
        {"sample --model %s/n.ckpt --temperature 0", "--temperature needs",
         2},
        /* below the floor, 1/T overflows the logits; 1e-308 is a number
         * above 0, which the message must not deny */
        {"sample --model %s/n.ckpt --temperature 2.3e-308", "--temperature "
         "needs a number above 0.01 and at most 100, not \"2.3e-308\"", 2},
        {"sample --model %s/n.ckpt --temperature 1e-308", "--temperature "
         "needs a number above 0.01 and at most 100, not \"1e-308\"", 2},
        {"eval --model %s/n.ckpt --temperature 0.01", "--temperature needs "
         "a number above 0.01 and at most 100", 2},
        {"sample --model %s/n.ckpt --temperature 101", "--temperature needs "
         "a number above 0.01 and at most 100", 2},
        {"sample --model %s/n.ckpt --count 0", "--count needs", 2},
        {"eval --model %s/n.ckpt --count 0", "eval: --count needs a whole "
         "number from 1 to 1000000, not \"0\"\n", 2},
        {"sample --model %s/n.ckpt --prompt 'ab9'", "\"9\" is not in the "
         "vocabulary", 1},
        /* the names model's block is 16 positions: a prompt of 16
         * letters leaves none to write in, as one of 17 does not */
        {"sample --model %s/n.ckpt --prompt abcdefghijklmnop",
         "fills the whole block", 1},
        {"sample --model %s/n.ckpt --prompt abcdefghijklmnopq",
         "fills the whole block", 1},
        /* what the user typed is repeated with its control characters
         * escaped, so the message stays one line that shows them */
        {"sample --model %s/n.ckpt --prompt \"$(printf 'a\\nb')\"",
         "sample: \"\\n\" is not in the vocabulary\n", 1},
        {"sample --model %s/n.ckpt --prompt \"$(printf 'a\\tb')\"",
         "sample: \"\\t\" is not in the vocabulary\n", 1},
        {"sample --model %s/n.ckpt --prompt \"$(printf 'a\\033b')\"",
         "sample: \"\\x1b\" is not in the vocabulary\n", 1},
        {"sample --model \"$(printf '%s/a\\nb\\r')\"",
         "/a\\nb\\x0d: No such file", 1},
        {"eval --model %s/n.ckpt --data \"$(printf 'x\\ty')\"",
         "eval: x\\ty: No such file", 1},
        {"sample --model tests/data/names.txt", "not a microgpt checkpoint",
         1},
        {"sample --model %s/none.ckpt", "No such file", 1},
        {"eval --model tests/data/run.csv", "not a microgpt checkpoint", 1},
        {"eval --model %s/n.ckpt --data %s/none.txt", "No such file", 1},
        {"eval", "--model CHECKPOINT is required", 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char args[300];
        snprintf(args, sizeof args, cases[i].args, dir, dir);
        snprintf(command, sizeof command, MICROGPT " %s", args);
        out = run(command, &status);
        cr_assert_eq(status, cases[i].status, "%s: %d %s", args, status,
                     out);
        cr_assert_not_null(strstr(out, cases[i].says), "%s: %s", args, out);
        cr_assert_eq(strchr(out, '\n'), out + strlen(out) - 1, "%s", out);
    }
    /* Just above the floor, samples are written; the help says where
     * the floor is. */
    snprintf(command, sizeof command, MICROGPT " sample --model %s/n.ckpt"
             " --temperature 0.0101 --count 3", dir);
    out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    cr_assert_eq(lines(out), 3, "%s", out);
    out = run(MICROGPT " sample --help", &status);
    cr_assert_eq(status, 0);
    cr_assert_not_null(strstr(out, "above 0.01 and at most 100"), "%s", out);
    /* Samples that reach no one (a full disk) are not a success. */
    snprintf(command, sizeof command, "{ " MICROGPT " sample --model "
             "%s/n.ckpt > /dev/full; }", dir);
    out = run(command, &status);
    cr_assert_eq(status, 1, "%d %s", status, out);
    cr_assert_str_eq(out, "microgpt: could not write all of its output\n");
}

/* A word model trained for steps steps, small to be quick, saved as
 * name in the test's directory. */
static void train_words(const char *name, int steps)
{
    char command[300];
    int status;
    snprintf(command, sizeof command, MICROGPT " train --steps %d "
             "--n-embd 16 --n-layer 1 --out %s", steps, in_dir(name));
    char *out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
}

Test(program, a_prompt_of_spaces_is_refused_as_an_empty_one,
     .init = make_dir, .fini = remove_dir)
{
    /* A word model sees no word in spaces or tabs: such a prompt is
     * empty, and refused as --prompt "" is, status 2 and one line; with a
     * word among the spaces, the samples begin with the word. */
    train_words("w.ckpt", 1);
    static const struct {
        const char *prompt, *says;
    } cases[] = {
        {"", "microgpt sample: --prompt needs a value, not \"\"\n"},
        {" ", "microgpt sample: --prompt needs at least one word, not "
         "\" \"\n"},
        {"$(printf ' \\t ')", "microgpt sample: --prompt needs at least "
         "one word, not \" \\t \"\n"},
    };
    char command[400];
    int status;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(command, sizeof command, MICROGPT " sample --model %s "
                 "--prompt \"%s\"", in_dir("w.ckpt"), cases[i].prompt);
        char *out = run(command, &status);
        cr_assert_eq(status, 2, "%s: %d %s", command, status, out);
        cr_assert_str_eq(out, cases[i].says);
    }
    snprintf(command, sizeof command, MICROGPT " sample --model %s "
             "--prompt ' the ' --count 5", in_dir("w.ckpt"));
    char *out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    cr_assert_eq(lines(out), 5, "%s", out);
    for (char *line = out; *line; line = strchr(line, '\n') + 1)
        cr_assert(strncmp(line, "the ", 4) == 0 || strcmp(line, "the\n")
                  == 0, "%s", line);
}

Test(program, eval_reports_the_shares, .init = make_dir,
     .fini = remove_dir)
{
    /* The grammar did not write the names: eval prints only novelty and
     * distinctness, which judge() computes (tested above); here the
     * command's output is checked for its form and sense, and for the
     * defaults the help gives: 1000 samples, at 0.5 for characters and
     * 0.8 for words. */
    train_names();
    char command[800];
    int status;
    snprintf(command, sizeof command, MICROGPT " eval --model %s/n.ckpt "
             "--data tests/data/names.txt", dir);
    char *out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    cr_assert_not_null(strstr(out, "1000 samples at temperature 0.5:\n"));
    cr_assert_null(strstr(out, "grammatical"));
    double novel, distinct;
    const char *at = strstr(out, "novel");
    cr_assert(at && sscanf(at, "novel %lf%% distinct %lf%%", &novel,
                           &distinct) == 2, "%s", out);
    cr_assert(novel > 0 && novel < 100 && distinct > 0 && distinct <= 100);
    train_words("w.ckpt", 1);
    snprintf(command, sizeof command, MICROGPT " eval --model %s/w.ckpt "
             "--count 10", dir);
    out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    cr_assert(strncmp(out, "10 samples at temperature 0.8:\n", 31) == 0,
              "%s", out);
    cr_assert_not_null(strstr(out, "\n  grammatical     "), "%s", out);
    cr_assert_not_null(strstr(out, "\n  grammatical and new "), "%s", out);
    /* A model by word of sentences the grammar does not make: the
     * grammar's shares would be near zero however well it learned. */
    snprintf(command, sizeof command, "printf 'red fox runs\\nblue fox "
             "sleeps\\n' > %s/other.txt && " MICROGPT " train --data "
             "%s/other.txt --steps 3 --out %s/o.ckpt > /dev/null && "
             MICROGPT " eval --model %s/o.ckpt --data %s/other.txt "
             "--count 10", dir, dir, dir, dir, dir);
    out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    cr_assert_eq(lines(out), 3, "%s", out);
    cr_assert_null(strstr(out, "grammatical"), "%s", out);
    cr_assert_not_null(strstr(out, "\n  novel "), "%s", out);
}

/* eval of the test directory's few.ckpt, with args, must be refused in
 * one line: the model was not trained on data. */
static void assert_other_corpus(const char *args, const char *data)
{
    char command[400], want[400];
    int status;
    snprintf(command, sizeof command, MICROGPT " eval --model %s/few.ckpt"
             " --count 5%s", dir, args);
    char *out = run(command, &status);
    cr_assert_eq(status, 1, "%s: %d %s", args, status, out);
    snprintf(want, sizeof want, "microgpt eval: %s/few.ckpt was trained on "
             "other documents than those of %s\n", dir, data);
    cr_assert_str_eq(out, want);
}

Test(program, eval_judges_only_against_the_models_corpus,
     .init = make_dir, .fini = remove_dir)
{
    /* A model of names, judged against the bundled sentences, would be
     * 100% novel: no name is a sentence.  eval must refuse, status 1; and
     * the same for the names without their last line.  A copy of the
     * names elsewhere is the same corpus. */
    char command[400], args[300];
    int status;
    snprintf(command, sizeof command, MICROGPT " train --tokenizer char "
             "--data tests/data/names.txt --steps 5 --out %s/few.ckpt; "
             "head -n -1 tests/data/names.txt > %s/fewer.txt; "
             "cp tests/data/names.txt %s/copy.txt", dir, dir, dir);
    char *out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    assert_other_corpus("", "data/sentences.txt");
    snprintf(args, sizeof args, " --data %s", in_dir("fewer.txt"));
    assert_other_corpus(args, in_dir("fewer.txt"));
    snprintf(command, sizeof command, MICROGPT " eval --model %s/few.ckpt "
             "--count 5 --data %s/copy.txt", dir, dir);
    out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    cr_assert_not_null(strstr(out, "5 samples at temperature 0.5:\n"));
    /* Run from elsewhere, the default corpus is not there, and eval
     * says where it looked. */
    char top[400], away[600];
    cr_assert_not_null(getcwd(top, sizeof top));
    snprintf(away, sizeof away, "cd %s && %s/" MICROGPT " eval --model "
             "few.ckpt --count 5", dir, top);
    out = run(away, &status);
    cr_assert_eq(status, 1, "%s", out);
    cr_assert_str_eq(out, "microgpt eval: data/sentences.txt: No such file "
                          "or directory (the default corpus, looked for "
                          "from the current directory; give one with "
                          "--data)\n");
}

Test(program, a_sample_of_long_words_is_written_whole, .init = make_dir,
     .fini = remove_dir)
{
    /* A word may be as long as a line, 1000 bytes, and a sample may hold
     * a block of such words: the text is made in room for all of them.
     * A corpus whose words include one of 900 x's, given as the prompt:
     * every sample begins with all 900. */
    char x[901], path[200], command[1300];
    memset(x, 'x', 900);
    x[900] = '\0';
    snprintf(path, sizeof path, "%s/long.txt", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "%s the cat\nthe cat sleeps\n", x);
    fclose(f);
    int status;
    snprintf(command, sizeof command, MICROGPT " train --data %s --steps 1 "
             "--n-embd 8 --n-layer 1 --n-head 2 --out %s/l.ckpt", path, dir);
    char *out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    snprintf(command, sizeof command, MICROGPT " sample --model %s/l.ckpt "
             "--count 3 --prompt %s", dir, x);
    out = run(command, &status);
    cr_assert_eq(status, 0, "%.200s", out);
    cr_assert_eq(lines(out), 3);
    for (char *line = out; *line; line = strchr(line, '\n') + 1)
        cr_assert(strncmp(line, x, 900) == 0 && strcspn(line, "\n") >= 900,
                  "%.200s", line);
}

Test(program, a_sample_costs_its_text_not_the_block, .init = make_dir,
     .fini = remove_dir)
{
    /* A document of a whole block of the longest tokens could take
     * 16 * (1000 + 1) + 1 = 16,017 bytes; 4000 samples held at that size
     * would need 64 MB, twice what CAPPED allows.  Names of a few bytes
     * each fit many times over, whether sample writes them or eval keeps
     * them to judge.  What sample writes is what it wrote before: the
     * original's 20 samples come first. */
    train_names();
    char command[400];
    int status;
    snprintf(command, sizeof command, CAPPED MICROGPT " sample --model "
             "%s/n.ckpt --count 4000 > %s/s.txt", dir, dir);
    char *out = run(command, &status);
    cr_assert_eq(status, 0, "%d: %s", status, out);
    snprintf(command, sizeof command, "wc -l < %s/s.txt; head -n 20 "
             "%s/s.txt | cmp - tests/data/names-samples.txt", dir, dir);
    out = run(command, &status);
    cr_assert_eq(status, 0, "%s", out);
    cr_assert_eq(atoi(out), 4000, "%s", out);
    snprintf(command, sizeof command, CAPPED MICROGPT " eval --model "
             "%s/n.ckpt --data tests/data/names.txt --count 4000", dir);
    out = run(command, &status);
    cr_assert_eq(status, 0, "%d: %s", status, out);
    cr_assert_not_null(strstr(out, "4000 samples at temperature 0.5:\n"));
}

/* The temperature table's rows are the six likeliest words at T = 1,
 * with their probabilities at T = 0.5, 0.8, 1 and 1.5, printed to three
 * places.  Two things must hold whatever the model.  The likeliest
 * word's probability never rises with T (the prose: lower temperatures
 * hand the favourites the rest's probability; three places may show a
 * near-certain favourite's fall as no change).  And since
 * p_T(i) = p_1(i)^(1/T) / Z_T, any two words' odds at T are their odds
 * at 1 to the power 1/T.  Each printed number is within 0.0005 of the
 * true one, so the test works with intervals: the odds at 1, raised to
 * 1/T, must overlap the odds at T. */
static void odds(double lo_hi[2], double a, double b)
{
    const double h = 5e-4;  /* half the last printed place */
    lo_hi[0] = a - h > 0 ? (a - h) / (b + h) : 0;
    lo_hi[1] = b - h > 0 ? (a + h) / (b - h) : INFINITY;
}

static void assert_temperatures_agree(double p[6][4])
{
    static const double T[4] = {0.5, 0.8, 1.0, 1.5};
    static const int other[3] = {0, 1, 3};  /* the columns but T = 1 */
    for (int k = 1; k < 4; k++)
        cr_assert_geq(p[0][k - 1], p[0][k], "the favourite at T = %g",
                      T[k]);
    for (int i = 1; i < 6; i++)
        for (int j = 0; j < 3; j++) {
            int k = other[j];
            double at1[2], atT[2];
            odds(at1, p[i][2], p[0][2]);
            odds(atT, p[i][k], p[0][k]);
            double lo = pow(at1[0], 1 / T[k]), hi = pow(at1[1], 1 / T[k]);
            cr_assert(lo <= atT[1] && atT[0] <= hi, "row %d, T = %g: odds "
                      "%g..%g, want %g..%g", i, T[k], atT[0], atT[1], lo,
                      hi);
        }
}

/* The samples figures claim what two commands print on the same model:
 * a row of the samples table is what eval prints for as many samples
 * (the book's 1000; SAMPLES here, which is quicker) drawn with a fresh
 * stream seeded with 42 at the row's temperature, and a line of the list
 * the four samples that sample writes first from that stream.  The model
 * is the test directory's w.ckpt. */
enum { SAMPLES = 100 };
static const double SAMPLED_AT[4] = {0.5, 0.8, 1.0, 1.5};

static char *microgpt_at(const char *command, double T, int count)
{
    char line[300];
    int status;
    snprintf(line, sizeof line, MICROGPT " %s --model %s --seed 42 "
             "--temperature %g --count %d", command, in_dir("w.ckpt"), T,
             count);
    char *out = run(line, &status);
    cr_assert_eq(status, 0, "%s: %s", line, out);
    return out;
}

/* Each row of the table: its temperature, and its four shares, which
 * must be eval's to the last printed place.  Whatever the model, a
 * share of both grammatical and novel samples is at most each of the
 * two, and at least what they hold beyond 100% together.  The table's
 * T = 0.8 grammatical cell is copied to cell. */
static void assert_samples_table(const char *t, char cell[16])
{
    t = strstr(t, "%% samples-table\n");
    cr_assert_not_null(t);
    t = strstr(t, "|--:|--:|--:|--:|--:|\n");
    cr_assert_not_null(t);
    for (int k = 0; k < 4; k++) {
        t = strchr(t, '\n') + 1;
        double T, g, n, d, both, want[4];
        char grammatical[16];
        cr_assert_eq(sscanf(t, "| %lf | %15[^ ] |", &T, grammatical), 2,
                     "%s", t);
        cr_assert_eq(sscanf(t, "| %*f | %lf%% | %lf%% | %lf%% | %lf%% |",
                            &g, &n, &d, &both), 4, "%s", t);
        cr_assert_eq(T, SAMPLED_AT[k], "%s", t);
        const char *out = microgpt_at("eval", T, SAMPLES);
        char head[64];
        snprintf(head, sizeof head, "%d samples at temperature %g:\n",
                 SAMPLES, T);
        const char *at = strstr(out, head);
        cr_assert(at && sscanf(at + strlen(head), " grammatical %lf%% "
                               "novel %lf%% distinct %lf%% grammatical "
                               "and new %lf%%", &want[0], &want[1],
                               &want[2], &want[3]) == 4, "%s", out);
        cr_assert(g == want[0] && n == want[1] && d == want[2]
                  && both == want[3], "T = %g: the table's %s, eval's %s",
                  T, t, out);
        cr_assert(both <= g && both <= n && both >= g + n - 100 - 1e-9,
                  "%s", t);
        if (k == 1)
            strcpy(cell, grammatical);
    }
}

/* Each line of the list: its temperature, then four quoted samples, which
 * must be the lines sample writes, each followed by the verdict that
 * judge() gives it alone against the corpus. */
static void assert_samples_list(const char *t)
{
    char error[CORPUS_ERROR_ROOM];
    Corpus *c = corpus_load("data/sentences.txt", error);
    cr_assert_not_null(c, "%s", error);
    t = strstr(t, "%% samples-list\n");
    cr_assert_not_null(t);
    for (int k = 0; k < 4; k++) {
        t = strchr(t, '\n') + 1;
        char want[1000], text[4][200];
        snprintf(want, sizeof want, "* $T = %g$:", SAMPLED_AT[k]);
        cr_assert_eq(strncmp(t, want, strlen(want)), 0, "%s", t);
        const char *at = t + strlen(want);
        for (int i = 0; i < 4; i++) {
            const char *open = strchr(at, '"');
            const char *shut = open ? strchr(open + 1, '"') : NULL;
            cr_assert(shut && shut - open < 200, "%s", t);
            snprintf(text[i], sizeof text[i], "%.*s",
                     (int)(shut - open - 1), open + 1);
            char *one = text[i];
            Rates v = judge(&one, 1, c);
            snprintf(want, sizeof want, "\" (%s, %s)", v.grammatical
                     ? "grammatical" : "not grammatical", v.novel ? "novel"
                     : "in the corpus");
            cr_assert_eq(strncmp(shut, want, strlen(want)), 0, "\"%s\": "
                         "%s", text[i], t);
            at = shut + strlen(want);
        }
        snprintf(want, sizeof want, "%s\n%s\n%s\n%s\n", text[0], text[1],
                 text[2], text[3]);
        cr_assert_str_eq(microgpt_at("sample", SAMPLED_AT[k], 4), want);
    }
    corpus_free(c);
}

Test(program, figures, .init = make_dir, .fini = remove_dir)
{
    /* sample-demo on a small word model: its parity figure must set the
     * original's first ten samples beside the same ten of microgpt, and
     * its temperature table must have six rows of four probabilities,
     * each column falling or level from the top (the rows are sorted by
     * T = 1, and the order of probabilities is the order of logits at
     * every T), which assert_temperatures_agree checks further.  The
     * samples table and list must be what eval and sample print, and
     * the share the prose gives at T = 0.8 the table's. */
    train_words("w.ckpt", 500);
    char command[300];
    int status;
    snprintf(command, sizeof command, STAGE_DIR "/sample-demo --figures "
             "%s %d", in_dir("w.ckpt"), SAMPLES);
    static char out[1 << 16];  /* as large as run()'s buffer */
    snprintf(out, sizeof out, "%s", run(command, &status));
    cr_assert_eq(status, 0, "%s", out);
    FILE *f = fopen("tests/data/names-samples.txt", "r");
    char name[100], row[300];
    for (int i = 0; i < 10 && fgets(name, sizeof name, f); i++) {
        name[strcspn(name, "\n")] = '\0';
        snprintf(row, sizeof row, "\n| %s | %s |\n", name, name);
        cr_assert_not_null(strstr(out, row), "no row %s", row);
    }
    fclose(f);
    const char *t = strstr(out, "%% temperature-table\n");
    cr_assert_not_null(t);
    t = strstr(t, "|:--|--:|--:|--:|--:|\n") + 22;
    double p[6][4];
    for (int i = 0; i < 6; i++) {
        char word[50];
        cr_assert_eq(sscanf(t, "| %49s | %lf | %lf | %lf | %lf |", word,
                            &p[i][0], &p[i][1], &p[i][2], &p[i][3]), 5,
                     "%s", t);
        for (int k = 0; k < 4; k++)
            cr_assert(p[i][k] > 0 && p[i][k] <= (i ? p[i - 1][k] : 1)
                      + 5e-4, "%s", t);
        t = strchr(t, '\n') + 1;
    }
    assert_temperatures_agree(p);
    char cell[16], want[40];
    assert_samples_table(out, cell);
    snprintf(want, sizeof want, "%%%% grammatical-08\n%s\n", cell);
    cr_assert_not_null(strstr(out, want), "no %s", want);
    assert_samples_list(out);
}
