/* microgpt.c: the program: train a GPT on a text file and keep it in a
   checkpoint. */
#define _POSIX_C_SOURCE 200809L  /* clock_gettime, isatty, sigaction,
                                    stat, truncate */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "checkpoint.h"
#include "numbers.h"
#include "train.h"
#include "grammar.h"
#include "sample.h"
#include "manual.h"

#ifndef MICROGPT_STAGE
#define MICROGPT_STAGE 0  /* built outside the book's Makefile */
#endif

typedef enum { TEXT, WHOLE, REAL, SEED } Kind;

typedef struct {
    const char *name;   /* "--steps" */
    Kind kind;
    double min, max;    /* WHOLE: min..max; REAL: above min, up to max */
    void *value;        /* a const char *, int, double or uint64_t */
    int given;          /* set when the command line has it */
} Option;

static const char *needs(const Option *o, char *buf, size_t size)
{
    switch (o->kind) {
    case TEXT:
        return "a value";
    case WHOLE:
        snprintf(buf, size, "a whole number from %.0f to %.0f", o->min,
                 o->max);
        return buf;
    case REAL:
        snprintf(buf, size, "a number above %g and at most %g", o->min,
                 o->max);
        return buf;
    case SEED:
        return "a whole number from 0 to 18446744073709551615";
    }
    return "";
}
/* Whether s is written as a decimal number: digits, perhaps a minus
   before them, a point and an exponent; no hexadecimal, inf or nan. */
static int is_decimal(const char *s)
{
    const char *digits = *s == '-' ? s + 1 : s;
    if (!isdigit((unsigned char)digits[*digits == '.']))
        return 0;
    return strspn(digits, "0123456789.eE+-") == strlen(digits);
}

static int parse_value(const Option *o, const char *text)
{
    char *end;
    errno = 0;
    if (o->kind == TEXT) {
        *(const char **)o->value = text;
        return *text != '\0';
    }
    if (o->kind == SEED) {
        if (*text < '0' || *text > '9')
            return 0;
        unsigned long long x = strtoull(text, &end, 10);
        *(uint64_t *)o->value = x;
        return !*end && !errno;
    }
    if (!is_decimal(text))
        return 0;
    double x = o->kind == WHOLE ? (double)strtol(text, &end, 10)
                                : strtod(text, &end);
    if (errno == ERANGE && x != 0 && fabs(x) < 1)
        errno = 0;     /* too small for every digit, but held */
    if (end == text || *end || errno)
        return 0;
    if (o->kind == WHOLE) {
        if (x < o->min || x > o->max)
            return 0;
        *(int *)o->value = (int)x;
    } else {
        if (!(x > o->min && x <= o->max))  /* also refuses NaN */
            return 0;
        *(double *)o->value = x;
    }
    return 1;
}
/* Prints "microgpt COMMAND: MESSAGE" (or "microgpt: MESSAGE" for no
   command) as one line on stderr, the message's control characters and
   backslashes escaped. */
static void print_error(const char *command, const char *message)
{
    fprintf(stderr, "microgpt%s%s: ", command ? " " : "",
            command ? command : "");
    for (const unsigned char *c = (const void *)message; *c; c++)
        if (*c == '\n' || *c == '\t' || *c == '\\')
            fprintf(stderr, "\\%c", *c == '\n' ? 'n' : *c == '\t' ? 't'
                                                            : '\\');
        else if (*c < 0x20 || *c == 0x7f)
            fprintf(stderr, "\\x%02x", *c);
        else
            fputc(*c, stderr);
    fputc('\n', stderr);
}

enum { OPTIONS_HELP = -1 };

static Option *find_option(Option *opts, int n, const char *name,
                           size_t len)
{
    for (int i = 0; i < n; i++)
        if (strlen(opts[i].name) == len
            && strncmp(opts[i].name, name, len) == 0)
            return &opts[i];
    return NULL;
}

/* What the user typed, as a message repeats it: in double quotes, and
   if it is longer than ECHOED bytes, cut where a character begins (not
   inside a UTF-8 sequence) and marked "...". */
enum { ECHOED = 300 };
typedef struct {
    char text[ECHOED + 8];
} Echo;

static Echo echo(const char *text)
{
    Echo e;
    size_t n = utf8_prefix(text, ECHOED);  /* chapter 4 */
    snprintf(e.text, sizeof e.text, "\"%.*s%s\"", (int)n, text,
             text[n] ? "..." : "");
    return e;
}

/* Says on stderr, in one line, that o needs a value other than text (if
   the command line gave one); option: text is an option's name. */
static void needs_value(const char *command, const Option *o,
                        const char *text, int option)
{
    char buf[100], message[600];
    int n = snprintf(message, sizeof message, "%s needs %s", o->name,
                     needs(o, buf, sizeof buf));
    if (text)
        n += snprintf(message + n, sizeof message - n, ", not %s%s",
                      option ? "the option " : "", echo(text).text);
    if (option && o->kind == TEXT)
        snprintf(message + n, sizeof message - n, " (a value that starts "
                 "with -- is joined to it: %s=VALUE)", o->name);
    print_error(command, message);
}

/* Reads argv[1..argc) into opts: 0 if all is well, OPTIONS_HELP for
   --help, or 2 after one line on stderr. */
static int read_options(const char *command, Option *opts, int n,
                        int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0)
            return OPTIONS_HELP;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        Option *o = strncmp(arg, "--", 2) == 0
                    ? find_option(opts, n, arg, len) : NULL;
        if (!o) {
            char message[500];
            snprintf(message, sizeof message, "unknown %s %s (see microgpt "
                     "%s --help)", arg[0] == '-' ? "option" : "argument",
                     echo(arg).text, command);
            print_error(command, message);
            return 2;
        }
        const char *text = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
        int option = !eq && text && strncmp(text, "--", 2) == 0;
        if (!text || option || !parse_value(o, text)) {
            needs_value(command, o, text, option);
            return 2;
        }
        o->given = 1;
    }
    return 0;
}

static int given(const Option *opts, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(opts[i].name, name) == 0)
            return opts[i].given;
    return 0;
}
typedef struct {
    int terminal;     /* redraw one line, rather than print lines */
    int first, last;  /* this run takes steps first + 1 to last */
    int every;        /* plain lines: every this many steps */
    double start;     /* when the first step began, in seconds */
    double shown;     /* when the line was last drawn */
} Progress;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static Progress progress_start(int first, int last, int num_steps)
{
    return (Progress){.terminal = isatty(fileno(stdout)), .first = first,
                      .last = last,
                      .every = num_steps >= 10 ? num_steps / 10 : 1,
                      .start = now()};
}
static void progress_show(Progress *p, int step, int num_steps,
                          double loss, double lr)
{
    double t = now(), rate = (step - p->first) / (t - p->start + 1e-9);
    int end = step == p->last;
    if (p->terminal ? t - p->shown < 0.1 && !end
                    : step % p->every != 0 && step != p->first + 1 && !end)
        return;
    p->shown = t;
    printf("%sstep %4d / %4d | loss %.4f | lr %.5f | %.1f steps/s",
           p->terminal ? "\r" : "", step, num_steps, loss, lr, rate);
    if (p->terminal) {
        int left = (int)((p->last - step) / rate);
        printf(" | %d:%02d left  ", left / 60, left % 60);
    }
    fputs(p->terminal && !end ? "" : "\n", stdout);
    fflush(stdout);
}

/* Ends the terminal's line if the run stopped short of its last step,
   where the line was left open for the next to overwrite. */
static void progress_end(const Progress *p, int step)
{
    if (p->terminal && p->shown > 0 && step != p->last)
        putchar('\n');
}
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* on_interrupt for sig, with these flags, unless sig is ignored. */
static void catch_signal(int sig, int flags)
{
    struct sigaction sa = {0}, was;
    if (sigaction(sig, NULL, &was) == 0 && was.sa_handler == SIG_IGN)
        return;  /* nohup's wish, or the shell's for a background job */
    sa.sa_handler = on_interrupt;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void catch_interrupts(void)
{
    catch_signal(SIGINT, SA_RESETHAND);  /* a second one ends at once */
    catch_signal(SIGTERM, SA_RESETHAND);
    catch_signal(SIGHUP, 0);   /* a closing terminal may send two */
    catch_signal(SIGPIPE, 0);  /* a closed pipe stays closed */
}

/* From here to the end, the signals that would end the program at once
   are held back: the run's end is not cut short. */
static void hold_interrupts(void)
{
    sigset_t held;
    sigemptyset(&held);
    sigaddset(&held, SIGINT);
    sigaddset(&held, SIGTERM);
    sigaddset(&held, SIGHUP);
    sigaddset(&held, SIGQUIT);
    sigprocmask(SIG_BLOCK, &held, NULL);
}
typedef struct {
    const char *data, *tokenizer, *out, *log, *resume, *engine;
    int steps, stop_at, n_layer, n_embd, n_head, block_size;
    double lr;
    uint64_t seed;
} Settings;

enum { MAX_STEPS = 100000000 };
static const char *const DEFAULT_DATA = "data/sentences.txt";

static Settings word_defaults(void)
{
    return (Settings){.data = DEFAULT_DATA, .tokenizer = "word",
                      .out = "model.ckpt", .steps = 5000, .n_layer = 2,
                      .n_embd = 32, .n_head = 4, .block_size = 16,
                      .lr = 0.01, .seed = 42, .engine = "autograd"};
}
static const char TRAIN_HELP[] =
"usage: microgpt train [options]\n"
"Trains a GPT on a text file, one document (line) per step, and saves\n"
"it to a checkpoint.\n"
"\n"
"  --data FILE          the documents (default: data/sentences.txt)\n"
"  --tokenizer KIND     word (default) or char\n"
"  --steps N            steps of the schedule (default: 5000 by word,\n"
"                       1000 by char)\n"
"  --lr RATE            the learning rate at step 0 (default: 0.01)\n"
"  --seed S             seeds the shuffle and the parameters (default: 42)\n"
"  --n-layer N          layers, each attention then MLP (default: 2 by\n"
"                       word, 1 by char)\n"
"  --n-embd N           vector width (default: 32 by word, 16 by char)\n"
"  --n-head N           attention heads, dividing n-embd (default: 4)\n"
"  --block-size N       the most positions per document (default: 16)\n"
"  --out CHECKPOINT     where to save (default: model.ckpt, or the file\n"
"                       resumed); a checkpoint there is replaced, any\n"
"                       other file, a link, or a read-only file, kept\n"
"  --log CSV            every step's loss and learning rate; a resumed\n"
"                       run adds its steps to the end of its log; a run\n"
"                       that is not saved leaves the log as it was\n"
"  --resume CHECKPOINT  go on with a saved run, with its settings\n"
"  --stop-at STEP       stop after this step and save; resume later\n"
"  --engine NAME        how the gradients are found (default: autograd;\n"
"                       all: %s)\n"
"\n"
"Ctrl-C stops after the current step and saves.  Exit status: 0 done,\n"
"1 a file could not be read or written or the run failed (its loss\n"
"diverged, or its model would be too large), 2 a bad option, 130\n"
"stopped by Ctrl-C.\n";
static const char *const RUN_SETTINGS[] = {
    "--tokenizer", "--steps", "--lr", "--seed", "--n-layer", "--n-embd",
    "--n-head", "--block-size"};
enum { N_RUN_SETTINGS = sizeof RUN_SETTINGS / sizeof *RUN_SETTINGS };

static const char *refuse_with_resume(const Option *opts, int n)
{
    static char why[200];
    for (int i = 0; i < N_RUN_SETTINGS; i++)
        if (given(opts, n, RUN_SETTINGS[i])) {
            snprintf(why, sizeof why, "%s cannot be given with --resume: "
                     "a resumed run keeps its own settings",
                     RUN_SETTINGS[i]);
            return why;
        }
    return NULL;
}
static const Engine *const ENGINES[] = {
    &AUTOGRAD,
    &MANUAL,
};
enum { N_ENGINES = sizeof ENGINES / sizeof *ENGINES };

static const Engine *find_engine(const char *name)
{
    for (int i = 0; i < N_ENGINES; i++)
        if (strcmp(ENGINES[i]->name, name) == 0)
            return ENGINES[i];
    return NULL;
}

/* Every engine's name, for the help and the errors: "a, b". */
static const char *engine_names(void)
{
    static char names[200];
    int used = 0;
    for (int i = 0; i < N_ENGINES; i++)
        used += snprintf(names + used, sizeof names - used, "%s%s",
                         i ? ", " : "", ENGINES[i]->name);
    return names;
}
static int same_inode(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Looks up the directory that holds path's last name ("." for a path
   without a slash) in *st, and points *name at that name: 1, or 0 if
   the directory cannot be looked at. */
static int directory_of(const char *path, struct stat *st,
                        const char **name)
{
    const char *slash = strrchr(path, '/');
    *name = slash ? slash + 1 : path;
    char *dir = malloc(strlen(path) + 2);
    if (!dir)
        return 0;
    strcpy(dir, slash ? path : ".");
    if (slash)
        dir[slash == path ? 1 : slash - path] = '\0';  /* "/x": "/" */
    int ok = stat(dir, st) == 0;
    free(dir);
    return ok;
}

/* Whether paths a and b name one file: the same file, if both are
   there; otherwise the same name in the same directory, or, where a
   directory cannot be looked at, the same spelling. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    const char *na, *nb;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return same_inode(&sa, &sb);
    if (!directory_of(a, &sa, &na) || !directory_of(b, &sb, &nb))
        return strcmp(a, b) == 0;
    return same_inode(&sa, &sb) && strcmp(na, nb) == 0;
}

/* Whether log names the checkpoint out or its temporary file. */
static int log_is_out(const char *log, const char *out)
{
    char *tmp = checkpoint_temporary_name(out);
    int same = same_file(log, out) || (tmp && same_file(log, tmp));
    free(tmp);
    return same;
}
static const char *check_settings(Settings *s, const Option *opts, int n)
{
    static char why[PATH_MAX + 200];  /* room for a path */
    if (!find_engine(s->engine)) {
        snprintf(why, sizeof why, "--engine must be one of: %s",
                 engine_names());
        return why;
    }
    if (s->resume && !given(opts, n, "--out"))
        s->out = s->resume;  /* go on in place */
    if (s->log && log_is_out(s->log, s->out)) {
        snprintf(why, sizeof why, "--log %s is the checkpoint's file, or "
                 "the one its save goes through", s->log);
        return why;
    }
    if (s->resume)
        return refuse_with_resume(opts, n);
    int chars = strcmp(s->tokenizer, "char") == 0;
    if (!chars && strcmp(s->tokenizer, "word") != 0)
        return "--tokenizer must be word or char";
    if (chars && !given(opts, n, "--steps"))
        s->steps = 1000;
    if (chars && !given(opts, n, "--n-layer"))
        s->n_layer = 1;
    if (chars && !given(opts, n, "--n-embd"))
        s->n_embd = 16;
    Config shape = {2, s->n_embd, s->n_head, s->n_layer, s->block_size};
    const char *problem = config_check(&shape);
    if (problem)
        snprintf(why, sizeof why, "bad model shape: %s", problem);
    else if (s->stop_at > s->steps)
        snprintf(why, sizeof why, "--stop-at %d is past the run's last "
                 "step, %d", s->stop_at, s->steps);
    return problem || s->stop_at > s->steps ? why : NULL;
}
/* Whether r, loaded from model, was trained on c, loaded from data and
   not yet shuffled; if not, says so in error[CHECKPOINT_ERROR_ROOM],
   naming both files. */
static int trained_on(const Run *r, const char *model, const Corpus *c,
                      const char *data, char *error)
{
    if (r->corpus != corpus_fingerprint(c)) {
        snprintf(error, CHECKPOINT_ERROR_ROOM, "%s was trained on other "
                 "documents than those of %s", model, data);
        return 0;
    }
    int ids[RUN_MAX_TOKENS];
    char why[TOKENIZER_ERROR_ROOM];
    for (int d = 0; d < c->n; d++)
        if (tokenizer_encode(r->tokenizer, c->docs[d], ids, RUN_MAX_TOKENS,
                             why) < 0) {
            snprintf(error, CHECKPOINT_ERROR_ROOM, "%s cannot spell the "
                     "documents of %s: %s", model, data, why);
            return 0;
        }
    return 1;
}

static int unfinished(const Run *r, const char *path, char *error)
{
    if (r->adam->step < r->adam->num_steps)
        return 1;
    snprintf(error, CHECKPOINT_ERROR_ROOM, "%s has finished all %d steps "
             "of its schedule", path, r->adam->num_steps);
    return 0;
}

static Run *resume_run(const Settings *s, Corpus *c, char *error)
{
    Run *r = checkpoint_load(s->resume, error);
    if (r && !(trained_on(r, s->resume, c, s->data, error)
               && unfinished(r, s->resume, error))) {
        run_free(r);
        return NULL;
    }
    if (r) {
        Rng order;
        rng_seed(&order, r->seed);
        shuffle_documents(c, &order);
    }
    return r;
}
static int stop_at_fits(const Settings *s, const Run *r, char *error)
{
    const Adam *a = r->adam;
    if (!s->stop_at || (s->stop_at > a->step && s->stop_at <= a->num_steps))
        return 1;
    snprintf(error, CHECKPOINT_ERROR_ROOM, "%s is at step %d of %d, so "
             "--stop-at must be from %d to %d", s->resume, a->step,
             a->num_steps, a->step + 1, a->num_steps);
    return 0;
}
static const char LOG_HEADER[] = "step,loss,lr\n";

enum { CUT_SHORT = -1, GAPPED = -2, GARBLED = -3 };

/* The step of a log's line "step,loss,lr\n", from 0 to MAX_STEPS, with
   its rate in *lr; or -1 if the line is not of that form, with two
   finite numbers after the step. */
static int logged_step(const char *line, double *lr)
{
    char *end;
    errno = 0;
    long step = strtol(line, &end, 10);
    if (errno || end == line || *end != ',' || step < 0
        || step > MAX_STEPS)
        return -1;
    const char *loss_at = end + 1;
    double loss = strtod(loss_at, &end);
    if (end == loss_at || *end != ',' || !isfinite(loss))
        return -1;
    const char *lr_at = end + 1;
    *lr = strtod(lr_at, &end);
    return end != lr_at && *end == '\n' && isfinite(*lr) ? (int)step : -1;
}

/* The step on the last line of a log read past its header, in *lr
   its learning rate and in *first the step on its first line: 0 if
   there is no line, CUT_SHORT if the last line was cut short (by a
   failed write), GARBLED if a line is not a step's, GAPPED if the steps
   do not follow one another as one run's do (from 1, or from where a
   resumed run began a log). */
static int last_logged_step(FILE *f, double *lr, int *first)
{
    char line[128];
    int step = 0, next;
    while (fgets(line, sizeof line, f)) {
        if (!strchr(line, '\n'))
            return feof(f) ? CUT_SHORT : GARBLED;  /* or too long */
        if ((next = logged_step(line, lr)) < 0)
            return GARBLED;
        if (step ? next != step + 1 : next < 1)
            return GAPPED;
        if (!step)
            *first = next;
        step = next;
    }
    return step;
}

/* Whether the file f at path is a log that a new run may replace, or
   that the run resumed may go on with: 1, or 0 with the reason. */
static int log_is_ours(FILE *f, const char *path, const Run *resumed,
                       char *error)
{
    char line[sizeof LOG_HEADER] = "";
    if (!fgets(line, sizeof line, f) || strcmp(line, LOG_HEADER) != 0) {
        snprintf(error, CHECKPOINT_ERROR_ROOM, "%s exists and is not a "
                 "microgpt log; not %s it", path,
                 resumed ? "adding to" : "replacing");
        return 0;
    }
    if (!resumed)
        return 1;
    const Adam *a = resumed->adam;
    double lr = 0;
    int first = 0, last = last_logged_step(f, &lr, &first), at = a->step;
    char why[120] = "";
    if (last == CUT_SHORT)
        strcpy(why, "has a line cut short");
    else if (last == GARBLED)
        strcpy(why, "has a line that is not step,loss,lr");
    else if (last == GAPPED)
        strcpy(why, "skips or repeats a step");
    else if (last > at && first <= at)  /* went on past the last save */
        snprintf(why, sizeof why, "ends at step %d, but the run resumed "
                 "is at step %d (its first %d lines end there)", last, at,
                 at - first + 2);
    else if (last != at)
        snprintf(why, sizeof why, "ends at step %d, but the run resumed "
                 "is at step %d", last, at);
    else if (at > 0 && lr != adam_lr(a, at - 1))  /* lr of step at */
        strcpy(why, "was logged on another learning-rate schedule");
    if (*why)
        snprintf(error, CHECKPOINT_ERROR_ROOM, "%s %s; not adding to it",
                 path, why);
    return !*why;
}
/* Room for a train message: a checkpoint's, and what became of the log,
   with its path. */
enum { TRAIN_ERROR_ROOM = CHECKPOINT_ERROR_ROOM + PATH_MAX + 100 };

/* A run's log, and what was at its path before the run, to be put back
   if the run is not saved. */
typedef struct {
    FILE *f;
    const char *path;
    int existed, appended;  /* a file was there; the run adds to it */
    off_t length;           /* if one was there: its length */
    char *old;              /* if the run replaces it: its bytes */
} Log;

/* Notes in g the length of the log f, and its bytes unless the run adds
   to it: 1, or 0 with the reason. */
static int note_old_log(Log *g, FILE *f, char *error)
{
    struct stat st;
    int ok = fstat(fileno(f), &st) == 0;
    g->length = ok ? st.st_size : 0;
    if (ok && !g->appended) {  /* malloc's errno is ENOMEM */
        g->old = malloc((size_t)g->length);
        rewind(f);
        ok = g->old
             && fread(g->old, 1, (size_t)g->length, f) == (size_t)g->length;
    }
    if (!ok)
        snprintf(error, CHECKPOINT_ERROR_ROOM, "cannot read %s: %s", g->path,
                 strerror(errno));
    return ok;
}

static int open_log(Log *g, const char *path, const Run *resumed,
                    char *error)
{
    FILE *f;
    if (!open_to_replace(path, &f, error))
        return 0;
    *g = (Log){.path = path, .existed = f != NULL,
               .appended = f && resumed};
    int ok = !f || (log_is_ours(f, path, resumed, error)
                    && note_old_log(g, f, error));
    if (f)
        fclose(f);
    if (!ok)
        return 0;
    if (!(g->f = fopen(path, g->appended ? "a" : "w")))
        snprintf(error, CHECKPOINT_ERROR_ROOM, "cannot write %s: %s", path,
                 strerror(errno));
    else if (!g->appended)
        fputs(LOG_HEADER, g->f);
    return g->f != NULL;
}
enum { LAST_STEPS = 100 };

typedef struct {
    double loss[LAST_STEPS];  /* this run's loss i at i % LAST_STEPS */
    int taken;                /* steps taken so far */
} Recent;

/* The mean of the last LAST_STEPS losses, or of all if there are fewer,
   summed oldest first; *n gets their count. */
static double recent_mean(const Recent *k, int *n)
{
    *n = k->taken < LAST_STEPS ? k->taken : LAST_STEPS;
    double sum = 0;
    for (int i = k->taken - *n; i < k->taken; i++)
        sum += k->loss[i % LAST_STEPS];
    return sum / *n;
}

static void print_summary(const Progress *p, const Adam *a,
                          const Recent *k)
{
    double seconds = now() - p->start;
    int n;
    if (k->taken == 0) {  /* stopped before its first step */
        printf("trained no steps: stopped before step %d of %d\n",
               a->step + 1, a->num_steps);
        return;
    }
    double mean = recent_mean(k, &n);
    printf("trained steps %d to %d of %d in %.1f s (%.1f steps/s); mean "
           "loss of the last %d: %.4f\n", p->first + 1, a->step,
           a->num_steps, seconds, k->taken / seconds, n, mean);
}
/* Trains r to step stop, or until interrupted; returns 0, or the step
   whose loss was not finite, where it stopped. */
static int train_loop(Run *r, const Corpus *c, int stop, FILE *log,
                      const Engine *e)
{
    Adam *a = r->adam;
    Progress p = progress_start(a->step, stop, a->num_steps);
    Recent recent = {{0}, 0};
    void *kept = e->start ? e->start(r) : NULL;
    int diverged = 0;
    while (a->step < stop && !interrupted && !diverged) {
        double lr = adam_lr(a, a->step), loss = e->step(kept, r, c);
        if (log)
            fprintf(log, "%d,%.17g,%.17g\n", a->step, loss, lr);
        progress_show(&p, a->step, a->num_steps, loss, lr);
        recent.loss[recent.taken++ % LAST_STEPS] = loss;
        diverged = isfinite(loss) ? 0 : a->step;
    }
    if (e->stop)
        e->stop(kept, r);
    progress_end(&p, a->step);
    print_summary(&p, a, &recent);
    return diverged;
}
static void print_start(const Settings *s, const Corpus *c, const Run *r)
{
    char docs[NUMBER_ROOM], params[NUMBER_ROOM];
    const Config *g = &r->model->cfg;
    int tokens = r->tokenizer->bos;
    printf("%s on %s: %s document%s, %d %s%s + BOS, %d layer%s of %d, %s "
           "parameters\n", s->resume ? "resuming" : "training", s->data,
           with_commas((size_t)c->n, docs), c->n == 1 ? "" : "s", tokens,
           r->tokenizer->kind == BY_CHAR ? "character" : "word",
           tokens == 1 ? "" : "s", g->n_layer, g->n_layer == 1 ? "" : "s",
           g->n_embd, with_commas(r->model->n_params, params));
    fflush(stdout);
}

/* Closes the log: 1 if every line of it reached the file, else 0 with
   the reason in error.  A write that failed during the run leaves its
   mark on the stream, though not its errno. */
static int close_log(FILE *log, const char *path, char *error)
{
    int failed_before = ferror(log), closed = fclose(log) == 0;
    if (closed && !failed_before)
        return 1;
    snprintf(error, CHECKPOINT_ERROR_ROOM, "cannot write %s: %s", path,
             closed ? "a write failed during the run" : strerror(errno));
    return 0;
}
/* Prints " name value" as a shell reads it back: value in single quotes
   unless every character of it is safe, and joined to name by "=" if
   it starts with "--". */
static void print_for_shell(const char *name, const char *value)
{
    int plain = 1;
    for (const char *c = value; *c; c++)
        plain = plain && (isalnum((unsigned char)*c)
                          || strchr("._/-+=,:@%", *c));
    printf(" %s%s%s", name, strncmp(value, "--", 2) == 0 ? "=" : " ",
           plain ? value : "'");
    for (const char *c = value; !plain && *c; c++)
        if (*c == '\'')
            fputs("'\\''", stdout);
        else
            putchar(*c);
    if (!plain)
        putchar('\'');
}

static void print_saved(const Settings *s, const Run *r)
{
    printf("saved %s\n", s->out);
    if (r->adam->step >= r->adam->num_steps)
        return;
    printf("stopped after step %d of %d; to go on: microgpt train",
           r->adam->step, r->adam->num_steps);
    print_for_shell("--resume", s->out);
    if (s->data != DEFAULT_DATA)
        print_for_shell("--data", s->data);
    if (s->log)
        print_for_shell("--log", s->log);
    if (strcmp(s->engine, "autograd") != 0)
        print_for_shell("--engine", s->engine);
    putchar('\n');
}
/* Puts the log back as it was before the run, and adds to error (of
   TRAIN_ERROR_ROOM), which says why the run is not saved, whether it
   could. */
static void put_back_log(const Log *g, char *error)
{
    int ok;
    if (!g->existed)
        ok = unlink(g->path) == 0;
    else if (g->appended)
        ok = truncate(g->path, g->length) == 0;
    else {  /* written over, then cut to length: never emptied first */
        FILE *f = fopen(g->path, "r+b");
        ok = f && fwrite(g->old, 1, (size_t)g->length, f)
                  == (size_t)g->length
             && fflush(f) == 0 && ftruncate(fileno(f), g->length) == 0;
        ok = f && fclose(f) == 0 && ok;
    }
    size_t used = strlen(error);
    snprintf(error + used, TRAIN_ERROR_ROOM - used, "; the log %s %s%s",
             g->path, ok ? "is as it was" : "could not be put back: ",
             ok ? "" : strerror(errno));
}

static int finish(const Settings *s, Run *r, const Log *log, int diverged,
                  char *error)
{
    char log_error[CHECKPOINT_ERROR_ROOM];
    int logged = !log->f || close_log(log->f, s->log, log_error);
    int how = diverged ? 0 : checkpoint_save(r, s->out, error);
    int saved = how == CHECKPOINT_SAVED;
    if (diverged)
        snprintf(error, CHECKPOINT_ERROR_ROOM, "the loss at step %d is not "
                 "finite: the run diverged (a smaller --lr may help) and "
                 "is not saved", diverged);
    if (saved)
        print_saved(s, r);
    else if (log->f && how != CHECKPOINT_KEPT)
        put_back_log(log, error);
    if (saved && !logged)
        strcpy(error, log_error);
    return saved && logged;
}
/* corpus_load, whose message for a default corpus that is not there
   says where it was looked for; room is error's size. */
static Corpus *load_data(const char *path, char *error, size_t room)
{
    Corpus *c = corpus_load(path, error);
    if (!c && path == DEFAULT_DATA && access(path, F_OK) != 0) {
        size_t used = strlen(error);
        snprintf(error + used, room - used, " (the default corpus, looked "
                 "for from the current directory; give one with --data)");
    }
    return c;
}
static int train_run(const Settings *s)
{
    char error[TRAIN_ERROR_ROOM];
    Corpus *c = load_data(s->data, error, sizeof error);
    TokenKind kind = strcmp(s->tokenizer, "char") == 0 ? BY_CHAR : BY_WORD;
    Config shape = {0, s->n_embd, s->n_head, s->n_layer, s->block_size};
    Run *r = !c ? NULL : s->resume ? resume_run(s, c, error)
           : run_start(c, kind, shape, s->steps, s->lr, s->seed, error);
    int bad_stop = r && s->resume && !stop_at_fits(s, r, error);
    Log log = {0};
    int ok = r && !bad_stop && checkpoint_can_save(s->out, error);
    if (ok)
        catch_interrupts();  /* before the log is touched */
    ok = ok && (!s->log
                || open_log(&log, s->log, s->resume ? r : NULL, error));
    int stopped = 0;
    if (ok) {
        print_start(s, c, r);
        int stop = s->stop_at ? s->stop_at : r->adam->num_steps;
        int diverged = train_loop(r, c, stop, log.f, find_engine(s->engine));
        hold_interrupts();
        stopped = r->adam->step < stop;
        ok = finish(s, r, &log, diverged, error);
    }
    if (!ok)
        print_error("train", error);
    free(log.old);
    run_free(r);
    corpus_free(c);
    values_free();
    return bad_stop ? 2 : !ok ? 1 : stopped ? 130 : 0;
}
static int train_command(int argc, char **argv)
{
    Settings settings = word_defaults(), *s = &settings;
    Option opts[] = {
        {"--data", TEXT, 0, 0, &s->data, 0},
	{"--tokenizer", TEXT, 0, 0, &s->tokenizer, 0},
	{"--steps", WHOLE, 1, MAX_STEPS, &s->steps, 0},
	{"--lr", REAL, 0, 1, &s->lr, 0},
	{"--seed", SEED, 0, 0, &s->seed, 0},
	{"--n-layer", WHOLE, 1, 64, &s->n_layer, 0},
	{"--n-embd", WHOLE, 1, 4096, &s->n_embd, 0},
	{"--n-head", WHOLE, 1, 4096, &s->n_head, 0},
	{"--block-size", WHOLE, 1, 4096, &s->block_size, 0},
	{"--out", TEXT, 0, 0, &s->out, 0},
	{"--log", TEXT, 0, 0, &s->log, 0},
	{"--resume", TEXT, 0, 0, &s->resume, 0},
	{"--stop-at", WHOLE, 1, MAX_STEPS, &s->stop_at, 0},
	{"--engine", TEXT, 0, 0, &s->engine, 0},
    };
    int n = sizeof opts / sizeof *opts;
    int status = read_options("train", opts, n, argc, argv);
    if (status == OPTIONS_HELP) {
        printf(TRAIN_HELP, engine_names());
        return 0;
    }
    const char *why = status ? NULL : check_settings(s, opts, n);
    if (why)
        print_error("train", why);
    return status || why ? 2 : train_run(s);
}
typedef struct {
    const char *model, *prompt;
    int count;
    double temperature;
    uint64_t seed;
} SampleSettings;
static const char SAMPLE_HELP[] =
"usage: microgpt sample --model CHECKPOINT [options]\n"
"Writes documents with a trained model, one per line.\n"
"\n"
"  --model CHECKPOINT   the trained model (required)\n"
"  --count N            how many (default: 20)\n"
"  --temperature T      above 0.01 and at most 100: below 1 bolder\n"
"                       favourites, above 1 flatter odds\n"
"                       (default: 0.8 by word, 0.5 by char)\n"
"  --seed S             start a fresh random stream (default: go on with\n"
"                       the checkpoint's, as the Python original does)\n"
"  --prompt TEXT        the start of every sample: one token or more,\n"
"                       each in the model's vocabulary\n";
static const char EVAL_HELP[] =
"usage: microgpt eval --model CHECKPOINT [options]\n"
"Draws samples and prints the shares that are not in the corpus and that\n"
"are distinct; for a corpus the grammar made, also the shares that it\n"
"accepts.\n"
"\n"
"  --model CHECKPOINT   the trained model (required)\n"
"  --count N            how many samples (default: 1000)\n"
"  --temperature T      as for sample (default: 0.8 by word, 0.5 by char)\n"
"  --seed S             a fresh random stream (default: the checkpoint's)\n"
"  --data FILE          the corpus trained on (default: data/sentences.txt)\n";
enum { PROMPT_ROOM = CORPUS_MAX_LINE + 2 };

/* Encodes text into ids, BOS dropped, and returns how many tokens; or
   writes a message in error and returns -1 if the prompt cannot be
   read, -2 if it has no token (a bad option). */
static int encode_prompt(const Run *r, const char *text, int *ids,
                         char *error)
{
    int room = PROMPT_ROOM;
    int n = tokenizer_encode(r->tokenizer, text, ids, room, error);
    if (n >= 0 && n - 2 >= r->model->cfg.block_size) {
        snprintf(error, TOKENIZER_ERROR_ROOM, "the prompt fills the "
                 "whole block of %d tokens", r->model->cfg.block_size);
        return -1;
    }
    if (n == 2) {
        snprintf(error, TOKENIZER_ERROR_ROOM, "--prompt needs at least "
                 "one word, not \"%.100s\"", text);
        return -2;
    }
    if (n >= 0)
        for (int i = 0; i + 2 < n; i++)
            ids[i] = ids[i + 1];  /* drop the first BOS */
    return n < 0 ? -1 : n - 2;
}
/* Reads a sampling command's options: -1 to go on, else the status to
   exit with, after the help or one line on what is wrong. */
static int read_sampling(const char *command, const char *help,
                         Option *opts, int n, int argc, char **argv,
                         const SampleSettings *s)
{
    int status = read_options(command, opts, n, argc, argv);
    if (status == OPTIONS_HELP) {
        fputs(help, stdout);
        return 0;
    }
    if (!status && !s->model) {
        print_error(command, "--model CHECKPOINT is required");
        status = 2;
    }
    return status ? status : -1;
}

static void settle_stream(Run *r, SampleSettings *s, const Option *opts,
                          int n)
{
    if (!given(opts, n, "--temperature"))
        s->temperature = r->tokenizer->kind == BY_CHAR ? 0.5 : 0.8;
    if (given(opts, n, "--seed"))
        rng_seed(&r->rng, s->seed);
}
static int sample_command(int argc, char **argv)
{
    SampleSettings settings = {.count = 20}, *s = &settings;
    Option opts[] = {
        {"--model", TEXT, 0, 0, &s->model, 0},
        {"--count", WHOLE, 1, 1000000, &s->count, 0},
        {"--temperature", REAL, TEMPERATURE_FLOOR, TEMPERATURE_CEILING,
         &s->temperature, 0},
        {"--seed", SEED, 0, 0, &s->seed, 0},
        {"--prompt", TEXT, 0, 0, &s->prompt, 0},
    };
    int n = sizeof opts / sizeof *opts;
    int status = read_sampling("sample", SAMPLE_HELP, opts, n, argc, argv, s);
    if (status >= 0)
        return status;
    char error[CHECKPOINT_ERROR_ROOM];
    Run *r = checkpoint_load(s->model, error);
    int ids[PROMPT_ROOM], n_prompt = 0;
    if (r && s->prompt)
        n_prompt = encode_prompt(r, s->prompt, ids, error);
    if (!r || n_prompt < 0) {
        print_error("sample", error);
        run_free(r);
        return n_prompt == -2 ? 2 : 1;
    }
    settle_stream(r, s, opts, n);
    for (int i = 0; i < s->count; i++) {
        char **text = sample_documents(r->model, r->kv, r->tokenizer,
                                       &r->rng, s->temperature, ids,
                                       n_prompt, 1);
        puts(text[0]);
        free_documents(text, 1);
    }
    run_free(r);
    values_free();
    return 0;
}
static void print_rates(const Rates *r, int grammar, double T)
{
    printf("%d samples at temperature %g:\n", r->count, T);
    if (grammar)
        printf("  grammatical          %5.1f%%\n",
               100.0 * r->grammatical / r->count);
    printf("  novel                %5.1f%%\n", 100.0 * r->novel / r->count);
    printf("  distinct             %5.1f%%\n",
           100.0 * r->distinct / r->count);
    if (grammar)
        printf("  grammatical and new  %5.1f%%\n",
               100.0 * r->new_and_good / r->count);
}

static int eval_command(int argc, char **argv)
{
    SampleSettings settings = {.count = 1000}, *s = &settings;
    const char *data = DEFAULT_DATA;
    Option opts[] = {
        {"--model", TEXT, 0, 0, &s->model, 0},
        {"--count", WHOLE, 1, 1000000, &s->count, 0},
        {"--temperature", REAL, TEMPERATURE_FLOOR, TEMPERATURE_CEILING,
         &s->temperature, 0},
        {"--seed", SEED, 0, 0, &s->seed, 0},
        {"--data", TEXT, 0, 0, &data, 0},
    };
    int n = sizeof opts / sizeof *opts;
    int status = read_sampling("eval", EVAL_HELP, opts, n, argc, argv, s);
    if (status >= 0)
        return status;
    char error[CHECKPOINT_ERROR_ROOM];
    Run *r = checkpoint_load(s->model, error);
    Corpus *c = r ? load_data(data, error, sizeof error) : NULL;
    if (!c || !trained_on(r, s->model, c, data, error)) {
        print_error("eval", error);
        corpus_free(c);
        run_free(r);
        return 1;
    }
    settle_stream(r, s, opts, n);
    char **texts = sample_documents(r->model, r->kv, r->tokenizer,
                                    &r->rng, s->temperature, NULL, 0,
                                    s->count);
    Rates rates = judge(texts, s->count, c);
    int grammar = grammar_accepted(c->docs, c->n) == c->n;  /* all */
    print_rates(&rates, grammar, s->temperature);
    free_documents(texts, s->count);
    corpus_free(c);
    run_free(r);
    values_free();
    return 0;
}
typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *what;
} Command;

static const Command COMMANDS[] = {
    {"train", train_command, "train a model on a text file"},
    {"sample", sample_command, "write documents with a trained model"},
    {"eval", eval_command, "judge a trained model's samples"},
};
enum { N_COMMANDS = sizeof COMMANDS / sizeof *COMMANDS };

static void usage(FILE *f)
{
    fputs("usage: microgpt COMMAND [options]\n\n", f);
    for (int i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-8s %s\n", COMMANDS[i].name, COMMANDS[i].what);
    fputs("\nmicrogpt COMMAND --help describes a command's options;\n"
          "microgpt --version says which stage of the book this is.\n", f);
}
/* The command called name, or NULL after a line on stderr. */
static const Command *command_named(const char *name)
{
    for (int i = 0; i < N_COMMANDS; i++)
        if (strcmp(name, COMMANDS[i].name) == 0)
            return &COMMANDS[i];
    char message[400];
    snprintf(message, sizeof message, "unknown command %s (see microgpt "
             "--help)", echo(name).text);
    print_error(NULL, message);
    return NULL;
}

static int run_command(int argc, char **argv)
{
    char help[] = "--help";
    if (argc >= 3 && strcmp(argv[1], help) == 0) {  /* --help COMMAND */
        const Command *c = command_named(argv[2]);
        char *asked[] = {argv[2], help, NULL};
        return c ? c->run(2, asked) : 2;
    }
    if (argc == 2 && strcmp(argv[1], help) == 0) {
        usage(stdout);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("microgpt, stage %d of microGPT, literately (checkpoint "
               "format %d)\n", MICROGPT_STAGE, CHECKPOINT_VERSION);
        return 0;
    }
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const Command *c = command_named(argv[1]);
    return c ? c->run(argc - 1, argv + 1) : 2;
}

int main(int argc, char **argv)
{
    int status = run_command(argc, argv);
    if (fflush(stdout) == 0 && !ferror(stdout))
        return status;
    print_error(NULL, "could not write all of its output");
    return status ? status : 1;
}
