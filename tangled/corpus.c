/* corpus.c: loading a corpus; see corpus.h. */
#include "corpus.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole file, with a zero after it, and its length in *size; or
   NULL, with what went wrong in *why.  Neither reads nor allocates more
   than CORPUS_MAX_BYTES + 1 bytes. */
static char *read_all(FILE *f, size_t *size, const char **why)
{
    size_t cap = 1 << 16, n = 0;  /* buf: cap bytes, then the zero */
    char *buf = malloc(cap + 1);
    while (buf) {
        /* at the limit, a byte read into the zero's place is too many */
        size_t room = cap < CORPUS_MAX_BYTES ? cap : cap + 1;
        errno = 0;  /* so that a failed read's reason is its own */
        n += fread(buf + n, 1, room - n, f);
        if (n > CORPUS_MAX_BYTES) {
            free(buf);
            *why = "larger than 256 MiB (a corpus is read whole)";
            return NULL;
        }
        if (n < room)
            break;
        cap = 2 * cap < CORPUS_MAX_BYTES ? 2 * cap : CORPUS_MAX_BYTES;
        char *bigger = realloc(buf, cap + 1);
        if (!bigger)
            free(buf);
        buf = bigger;
    }
    if (!buf || ferror(f)) {
        *why = !buf ? "out of memory"
             : errno ? strerror(errno) : "cannot read the file";
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *size = n;
    return buf;
}
/* The length of the UTF-8 character at s (1 to 4), or 0 if s does not
   start a valid one. */
static int utf8_length(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    int n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
    if (n == 0 || s[0] > 0xf4)
        return 0;
    unsigned cp = s[0] & (0x7f >> n);
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    static const unsigned least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

const char *corpus_line_problem(const unsigned char *line, size_t len)
{
    if (len > CORPUS_MAX_LINE)
        return "line longer than 1000 bytes";
    for (size_t i = 0; i < len;) {
        if (line[i] == '\0')
            return "NUL byte (is this a binary file?)";
        if ((line[i] < 0x20 && line[i] != '\t') || line[i] == 0x7f)
            return "control character (is this a binary file?)";
        int n = utf8_length(line + i);
        if (n == 0 || i + n > len)
            return "not valid UTF-8";
        i += n;
    }
    return NULL;
}
static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static Corpus *fail(Corpus *c, char *error, const char *path, int line,
                    const char *why)
{
    if (line)
        snprintf(error, CORPUS_ERROR_ROOM, "%s:%d: %s", path, line, why);
    else
        snprintf(error, CORPUS_ERROR_ROOM, "%s: %s", path, why);
    corpus_free(c);
    return NULL;
}

Corpus *corpus_load(const char *path, char *error)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(NULL, error, path, 0, strerror(errno));
    Corpus *c = calloc(1, sizeof *c);
    size_t size = 0;
    const char *why = "out of memory";
    if (c)
        c->text = read_all(f, &size, &why);
    fclose(f);
    if (!c || !c->text)
        return fail(c, error, path, 0, why);
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += c->text[i] == '\n';
    if (!(c->docs = malloc(lines * sizeof *c->docs)))
        return fail(c, error, path, 0, "out of memory");
    char *p = c->text, *end = c->text + size;
    if (size >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
        p += 3;  /* a byte order mark, which is not text */
    int empty = p == end;
    for (int line = 1; p < end; line++) {
        char *eol = memchr(p, '\n', end - p);
        if (!eol)
            eol = end;
        char *last = eol;  /* a CR just before the LF is the line's end */
        if (last > p && last[-1] == '\r')
            last--;
        const char *why = corpus_line_problem((unsigned char *)p,
                                              last - p);
        if (why)
            return fail(c, error, path, line, why);
        while (last > p && is_blank(last[-1]))
            last--;
        while (p < last && is_blank(*p))
            p++;
        *last = '\0';
        if (p < last)
            c->docs[c->n++] = p;
        p = eol + 1;
    }
    if (c->n == 0)
        return fail(c, error, path, 0, empty
                    ? "no documents (the file is empty)"
                    : "no documents (the file has only blank lines)");
    return c;
}

void corpus_free(Corpus *c)
{
    if (!c)
        return;
    free(c->docs);
    free(c->text);
    free(c);
}
