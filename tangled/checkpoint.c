/* checkpoint.c: saving and loading runs; see checkpoint.h. */
#define _POSIX_C_SOURCE 200809L  /* open, fdopen, fsync, unlink, [fl]stat */
#include "checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    unsigned char *bytes;
    size_t len, cap;
    int failed;          /* memory ran out; the buffer is unusable */
} Out;

static void put(Out *o, const void *p, size_t n)
{
    if (o->failed)
        return;
    if (n > o->cap - o->len) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap - o->len < n)
            cap *= 2;
        unsigned char *b = realloc(o->bytes, cap);
        if (!b) {
            o->failed = 1;
            return;
        }
        o->bytes = b;
        o->cap = cap;
    }
    memcpy(o->bytes + o->len, p, n);
    o->len += n;
}

/* The low n bytes of x, lowest first. */
static void put_le(Out *o, uint64_t x, int n)
{
    unsigned char b[8];
    for (int i = 0; i < n; i++)
        b[i] = (unsigned char)(x >> 8 * i);
    put(o, b, (size_t)n);
}

static void put_u32(Out *o, uint32_t x)
{
    put_le(o, x, 4);
}

static void put_u64(Out *o, uint64_t x)
{
    put_le(o, x, 8);
}

static void put_f64(Out *o, double x)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    put_u64(o, bits);
}
typedef struct {
    const unsigned char *p;  /* the next byte to read */
    size_t left;             /* bytes from p to the end */
    int short_read;          /* a read wanted more than was left */
} In;

static void get(In *in, void *out, size_t n)
{
    if (n > in->left) {
        in->short_read = 1;
        memset(out, 0, n);
        return;
    }
    memcpy(out, in->p, n);
    in->p += n;
    in->left -= n;
}

/* An n-byte number, lowest byte first. */
static uint64_t get_le(In *in, int n)
{
    unsigned char b[8];
    get(in, b, (size_t)n);
    uint64_t x = 0;
    for (int i = n - 1; i >= 0; i--)
        x = x * 256 + b[i];
    return x;
}

static uint32_t get_u32(In *in)
{
    return (uint32_t)get_le(in, 4);
}

static uint64_t get_u64(In *in)
{
    return get_le(in, 8);
}

static double get_f64(In *in)
{
    uint64_t bits = get_u64(in);
    double x;
    memcpy(&x, &bits, sizeof x);
    return x;
}
static const char MAGIC[8] = {'m', 'i', 'c', 'r', 'o', 'g', 'p', 't'};
enum { SIZE_AT = 12 };  /* where the file's size is kept */

static void put_state(Out *o, const Run *r)
{
    const Config *c = &r->model->cfg;
    const Adam *a = r->adam;
    put(o, MAGIC, sizeof MAGIC);
    put_u32(o, CHECKPOINT_VERSION);
    put_u64(o, 0);  /* the size, filled in by put_run */
    put_u32(o, c->vocab_size);
    put_u32(o, c->n_embd);
    put_u32(o, c->n_head);
    put_u32(o, c->n_layer);
    put_u32(o, c->block_size);
    put_u32(o, r->tokenizer->kind == BY_CHAR);
    put_u64(o, r->seed);
    put_u64(o, r->corpus);
    put_u32(o, a->step);
    put_u32(o, a->num_steps);
    put_f64(o, a->lr);
    put_f64(o, a->beta1);
    put_f64(o, a->beta2);
    put_f64(o, a->eps);
}

static void put_rng(Out *o, const Rng *g)
{
    for (int i = 0; i < MT_N; i++)
        put_u32(o, g->mt[i]);
    put_u32(o, g->next);
    put_u32(o, g->has_spare);
    put_f64(o, g->spare);
}
static void put_run(Out *o, const Run *r)
{
    put_state(o, r);
    put_rng(o, &r->rng);
    const Tokenizer *t = r->tokenizer;
    for (int i = 0; i < t->bos; i++) {
        size_t len = strlen(t->tokens[i]);
        put_u32(o, (uint32_t)len);
        put(o, t->tokens[i], len);
    }
    size_t n = r->model->n_params;
    for (size_t i = 0; i < n; i++)
        put_f64(o, r->model->params[i].data);
    for (size_t i = 0; i < n; i++)
        put_f64(o, r->adam->m[i]);
    for (size_t i = 0; i < n; i++)
        put_f64(o, r->adam->v[i]);
    if (o->failed)
        return;
    uint64_t size = o->len + 8;
    for (int i = 0; i < 8; i++)
        o->bytes[SIZE_AT + i] = (unsigned char)(size >> 8 * i);
    put_u64(o, fnv1a(FNV_START, o->bytes, o->len));
}
static int failed(char *error, const char *what, const char *path)
{
    snprintf(error, CHECKPOINT_ERROR_ROOM, "cannot %s %s: %s", what, path,
             strerror(errno));
    return 0;
}

char *checkpoint_temporary_name(const char *path)
{
    char *tmp = malloc(strlen(path) + sizeof ".tmp");
    if (tmp)
        strcat(strcpy(tmp, path), ".tmp");
    return tmp;
}

/* Writes o to tmp, which must not exist yet; on failure, removes what
   it made, and only that. */
static int write_file(const char *tmp, const Out *o, char *error)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0)
        return failed(error, "create", tmp);
    FILE *f = fdopen(fd, "wb");
    int ok = f && fwrite(o->bytes, 1, o->len, f) == o->len
             && fflush(f) == 0 && fsync(fd) == 0;
    if (!ok)
        failed(error, "write", tmp);
    if (f ? fclose(f) != 0 : close(fd) != 0)
        ok = ok && failed(error, "write", tmp);
    if (!ok)
        unlink(tmp);
    return ok;
}

static int may_replace(const char *path, char *error);  /* below */

/* Adds to the message in error that the checkpoint is in tmp. */
static int kept(char *error, const char *tmp)
{
    size_t n = strlen(error);
    snprintf(error + n, CHECKPOINT_ERROR_ROOM - n, "; the checkpoint is "
             "saved in %s instead", tmp);
    return CHECKPOINT_KEPT;
}

int checkpoint_save(const Run *r, const char *path, char *error)
{
    Out o = {0};
    put_run(&o, r);
    char *tmp = checkpoint_temporary_name(path);
    int ok = 0;
    if (o.failed || !tmp)
        snprintf(error, CHECKPOINT_ERROR_ROOM, "out of memory");
    else if (!write_file(tmp, &o, error))
        ;  /* the message is in error */
    else if (!may_replace(path, error))  /* something came meanwhile */
        ok = kept(error, tmp);
    else if (rename(tmp, path) != 0) {
        failed(error, "rename the new checkpoint to", path);
        ok = kept(error, tmp);
    } else
        ok = CHECKPOINT_SAVED;
    free(tmp);
    free(o.bytes);
    return ok;
}
/* Whether the file at path, whose status is st, is protected from
   writing: its owner may not write it, or the user may not. */
static int write_protected(const char *path, const struct stat *st)
{
    return !(st->st_mode & S_IWUSR) || access(path, W_OK) != 0;
}

int open_to_replace(const char *path, FILE **f, char *error)
{
    *f = NULL;
    int fd = open(path, O_RDONLY | O_NONBLOCK);  /* a pipe: no waiting */
    struct stat st;
    if (fd < 0 && errno != ENOENT)
        return failed(error, "open", path);
    if (fd < 0 && lstat(path, &st) == 0) {
        snprintf(error, CHECKPOINT_ERROR_ROOM, "%s is a symbolic link "
                 "that leads nowhere; leaving it alone", path);
        return 0;
    }
    if (fd < 0)
        return 1;  /* nothing there */
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        snprintf(error, CHECKPOINT_ERROR_ROOM, "%s exists and is not a "
                 "regular file; leaving it alone", path);
        return 0;
    }
    if (write_protected(path, &st)) {
        close(fd);
        snprintf(error, CHECKPOINT_ERROR_ROOM, "%s is write-protected; "
                 "leaving it alone", path);
        return 0;
    }
    if (!(*f = fdopen(fd, "rb"))) {
        close(fd);
        return failed(error, "open", path);
    }
    return 1;
}

/* Whether the file f starts with the magic word; closes f. */
static int starts_with_magic(FILE *f)
{
    char head[sizeof MAGIC];
    int ok = fread(head, 1, sizeof head, f) == sizeof head
             && memcmp(head, MAGIC, sizeof MAGIC) == 0;
    fclose(f);
    return ok;
}

/* Whether a save may put a checkpoint at path: nothing is there, or a
   checkpoint of ours is. */
static int may_replace(const char *path, char *error)
{
    FILE *f;
    if (!open_to_replace(path, &f, error))
        return 0;
    struct stat st;
    if (f && lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        fclose(f);
        snprintf(error, CHECKPOINT_ERROR_ROOM, "%s is a symbolic link, "
                 "which a save would replace, not follow; leaving it alone",
                 path);
        return 0;
    }
    if (f && !starts_with_magic(f)) {
        snprintf(error, CHECKPOINT_ERROR_ROOM, "%s exists and is not a "
                 "microgpt checkpoint; not replacing it", path);
        return 0;
    }
    return 1;
}

int checkpoint_can_save(const char *path, char *error)
{
    if (!may_replace(path, error))
        return 0;
    char *tmp = checkpoint_temporary_name(path);
    if (!tmp) {
        snprintf(error, CHECKPOINT_ERROR_ROOM, "out of memory");
        return 0;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
    int ok = fd >= 0;
    if (ok) {
        close(fd);
        unlink(tmp);
    } else if (errno == EEXIST)
        snprintf(error, CHECKPOINT_ERROR_ROOM, "%s exists, perhaps left "
                 "by a save that did not finish; move it away first", tmp);
    else
        failed(error, "create", tmp);
    free(tmp);
    return ok;
}
enum { HEADER = SIZE_AT + 8 };  /* the magic word, the version, the size */

static int bad(char *error, const char *path, const char *why)
{
    snprintf(error, CHECKPOINT_ERROR_ROOM, "%s: %s", path, why);
    return 0;
}

/* The size of the open file f, or -1 if the system does not know it
   beforehand (a pipe, a device). */
static long long real_size(FILE *f)
{
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode))
        return -1;
    return (long long)st.st_size;
}
static int check_size(uint64_t size, uint64_t written, const char *path,
                      char *error)
{
    char why[200];
    if (size < written)
        snprintf(why, sizeof why, "truncated: %llu of its %llu bytes",
                 (unsigned long long)size, (unsigned long long)written);
    else
        snprintf(why, sizeof why, "corrupted: longer than the %llu bytes "
                 "it states", (unsigned long long)written);
    return size == written || bad(error, path, why);
}
/* Checks the len bytes read from the front of a file of real bytes (-1:
   not known); *written gets the size the header states. */
static int check_header(const unsigned char *head, size_t len,
                        long long real, uint64_t *written,
                        const char *path, char *error)
{
    char why[200];
    In in = {head, len, 0};
    char magic[sizeof MAGIC];
    get(&in, magic, sizeof magic);
    if (in.short_read || memcmp(magic, MAGIC, sizeof MAGIC) != 0)
        return bad(error, path, "not a microgpt checkpoint");
    uint32_t version = get_u32(&in);
    *written = get_u64(&in);
    if (in.short_read)
        return bad(error, path, "truncated: it ends inside its header");
    if (version != CHECKPOINT_VERSION) {
        snprintf(why, sizeof why, "checkpoint format version %lu; this "
                 "program reads version %d", (unsigned long)version,
                 CHECKPOINT_VERSION);
        return bad(error, path, why);
    }
    if (*written < HEADER + 8 || *written > SIZE_MAX - 1)
        return bad(error, path, "corrupted: the size it states is "
                                "impossible");
    return real < 0 || check_size((uint64_t)real, *written, path, error);
}
/* Appends to b, of len bytes in room, what is left of f, up to limit
   bytes in all, doubling b as needed.  Returns b, perhaps moved; NULL
   (b freed) if memory runs out. */
static unsigned char *read_rest(FILE *f, unsigned char *b, size_t *len,
                                size_t room, size_t limit)
{
    for (;;) {
        if (*len == room) {
            if (room == limit)
                return b;
            room = room > limit / 2 ? limit : 2 * room;
            unsigned char *bigger = realloc(b, room);
            if (!bigger)
                free(b);
            if (!(b = bigger))
                return NULL;
        }
        size_t got = fread(b + *len, 1, room - *len, f);
        if (got == 0)
            return b;
        *len += got;
    }
}

/* The file at path, whole, in *size bytes, once its header has passed;
   else NULL, with the reason in error[CHECKPOINT_ERROR_ROOM]. */
static unsigned char *read_checkpoint(const char *path, size_t *size,
                                      char *error)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        failed(error, "open", path);
        return NULL;
    }
    unsigned char head[HEADER];
    uint64_t written = 0;
    size_t len = fread(head, 1, HEADER, f);
    long long real = real_size(f);
    int ok = ferror(f) ? failed(error, "read", path)
             : check_header(head, len, real, &written, path, error);
    size_t room = real >= 0 || written < 1 << 16 ? written + 1 : 1 << 16;
    unsigned char *b = ok ? malloc(room) : NULL;
    if (b) {
        memcpy(b, head, HEADER);
        b = read_rest(f, b, &len, room, written + 1);
    }
    if (ok && !b)
        bad(error, path, "too large to read: out of memory");
    if (b && ferror(f)) {
        failed(error, "read", path);
        free(b);
        b = NULL;
    }
    fclose(f);
    *size = len;
    return b;
}
static int check_whole(const unsigned char *b, size_t size,
                       const char *path, char *error)
{
    In header = {b + SIZE_AT, 8, 0};
    if (!check_size(size, get_u64(&header), path, error))
        return 0;
    In end = {b + size - 8, 8, 0};
    if (get_u64(&end) != fnv1a(FNV_START, b, size - 8))
        return bad(error, path, "corrupted: its checksum does not match "
                                "its contents");
    return 1;
}
typedef struct {
    Config cfg;
    TokenKind kind;
    uint64_t seed, corpus;
    int step, num_steps;
    double lr, beta1, beta2, eps;
    Rng rng;
} State;

static const char *read_state(In *in, State *s)
{
    char magic[sizeof MAGIC];
    get(in, magic, sizeof magic);  /* these three check_header checked */
    get_u32(in);
    get_u64(in);
    uint32_t f[6];
    for (int i = 0; i < 6; i++)
        f[i] = get_u32(in);
    for (int i = 0; i < 5; i++)
        if (f[i] > INT_MAX)
            return "its configuration is not one of a model";
    s->cfg = (Config){(int)f[0], (int)f[1], (int)f[2], (int)f[3],
                      (int)f[4]};
    if (config_check(&s->cfg) || f[5] > 1)
        return "its configuration is not one of a model";
    s->kind = f[5] ? BY_CHAR : BY_WORD;
    s->seed = get_u64(in);
    s->corpus = get_u64(in);
    uint32_t step = get_u32(in), num_steps = get_u32(in);
    if (num_steps < 1 || num_steps > INT_MAX || step > num_steps)
        return "its step count is impossible";
    s->step = (int)step;
    s->num_steps = (int)num_steps;
    s->lr = get_f64(in);
    s->beta1 = get_f64(in);
    s->beta2 = get_f64(in);
    s->eps = get_f64(in);
    if (!(s->lr > 0 && s->lr <= 1e3 && s->beta1 >= 0 && s->beta1 < 1
          && s->beta2 >= 0 && s->beta2 < 1 && s->eps > 0 && s->eps < 1))
        return "its optimiser settings are impossible";
    return NULL;
}

static const char *read_rng(In *in, Rng *g)
{
    for (int i = 0; i < MT_N; i++)
        g->mt[i] = get_u32(in);
    uint32_t next = get_u32(in), has_spare = get_u32(in);
    g->spare = get_f64(in);
    if (next > MT_N || has_spare > 1 || !isfinite(g->spare))
        return "its random number generator's state is impossible";
    g->next = (int)next;
    g->has_spare = (int)has_spare;
    return NULL;
}
static int read_token(In *in, char **at)
{
    uint32_t len = get_u32(in);
    if (in->short_read || len < 1 || len > in->left)
        return 0;
    get(in, *at, len);
    (*at)[len] = '\0';
    if (corpus_line_problem((unsigned char *)*at, len))
        return 0;
    *at += len + 1;
    return 1;
}
static Tokenizer *read_vocabulary(In *in, TokenKind kind, int count,
                                  char **text)
{
    if ((size_t)count > in->left / 5)
        return NULL;
    Corpus view = {count, malloc((size_t)count * sizeof(char *)), NULL};
    char *at = *text = malloc(in->left + (size_t)count);
    int ok = view.docs && at;
    for (int i = 0; ok && i < count; i++) {
        view.docs[i] = at;
        ok = read_token(in, &at);
    }
    Tokenizer *t = ok ? tokenizer_build(&view, kind) : NULL;
    ok = t && t->bos == count;
    for (int i = 0; ok && i < count; i++)
        ok = strcmp(t->tokens[i], view.docs[i]) == 0;
    free(view.docs);
    if (!ok) {
        tokenizer_free(t);
        t = NULL;
    }
    return t;
}
/* Reads the parameters, m and v into r: NULL, or what is wrong. */
static const char *read_arrays(In *in, Run *r)
{
    size_t n = r->model->n_params;
    int finite = 1, negative = 0, huge = 0;
    for (size_t i = 0; i < n; i++) {
        double p = r->model->params[i].data = get_f64(in);
        finite = finite && isfinite(p);
        huge = huge || fabs(p) > CHECKPOINT_MAX_PARAM;
    }
    for (size_t i = 0; i < n; i++) {
        r->adam->m[i] = get_f64(in);
        finite = finite && isfinite(r->adam->m[i]);
    }
    for (size_t i = 0; i < n; i++) {
        r->adam->v[i] = get_f64(in);
        finite = finite && isfinite(r->adam->v[i]);
        negative = negative || r->adam->v[i] < 0;
    }
    if (!finite)
        return "it holds a number that is not finite";
    if (huge)
        return "it holds a parameter larger than any run makes";
    return negative ? "its Adam v, a mean of squares, holds a negative "
                      "number" : NULL;
}
static Run *build(In *in, const State *s, Tokenizer *t, const char *path,
                  char *error)
{
    Config cfg = s->cfg;
    if (in->short_read || in->left != 24 * config_params(&cfg)) {
        tokenizer_free(t);
        bad(error, path, "its sizes do not add up");
        return NULL;
    }
    Run *r = calloc(1, sizeof *r);
    if (!r) {
        tokenizer_free(t);
        bad(error, path, "out of memory");
        return NULL;
    }
    r->tokenizer = t;
    r->rng = s->rng;
    r->seed = s->seed;
    r->corpus = s->corpus;
    r->model = model_new(&cfg);
    r->adam = adam_new(r->model->n_params, s->num_steps, s->lr);
    r->adam->step = s->step;
    r->adam->beta1 = s->beta1;
    r->adam->beta2 = s->beta2;
    r->adam->eps = s->eps;
    r->kv = kv_new(&cfg);
    const char *why = read_arrays(in, r);
    if (why) {
        run_free(r);
        bad(error, path, why);
        return NULL;
    }
    return r;
}

Run *checkpoint_load(const char *path, char *error)
{
    size_t size;
    unsigned char *b = read_checkpoint(path, &size, error);
    if (!b || !check_whole(b, size, path, error)) {
        free(b);
        return NULL;
    }
    In in = {b, size - 8, 0};
    State s;
    const char *why = read_state(&in, &s);
    if (!why)
        why = read_rng(&in, &s.rng);
    char *text = NULL;
    Tokenizer *t = NULL;
    if (!why && !(t = read_vocabulary(&in, s.kind, s.cfg.vocab_size - 1,
                                      &text)))
        why = "its vocabulary is not a sorted list of distinct tokens";
    if (!t && in.short_read)  /* fields past the end, read as zeros */
        why = "its sizes do not add up";
    Run *r = NULL;
    if (why)
        bad(error, path, why);
    else
        r = build(&in, &s, t, path, error);
    free(text);
    free(b);
    return r;
}
