/* tokenizer.c: vocabularies, encoding and decoding; see tokenizer.h. */
#include "tokenizer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* The length of the token at s (0 at the end of s); *skip is set to
   the separators before it, which are not part of any token. */
static size_t next_token(TokenKind kind, const char *s, size_t *skip)
{
    size_t k = 0;
    if (kind == BY_WORD)
        while (is_space(s[k]))
            k++;
    *skip = k;
    s += k;
    if (!*s)
        return 0;
    if (kind == BY_WORD)
        return strcspn(s, " \t");
    unsigned char c = (unsigned char)*s;
    size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    for (size_t i = 1; i < n; i++)  /* never past the end of s */
        if (!s[i])
            return i;
    return n;
}

int tokenizer_count(TokenKind kind, const char *doc)
{
    int n = 0;
    size_t len, skip;
    for (; (len = next_token(kind, doc, &skip)); doc += skip + len)
        n++;
    return n;
}
static int by_bytes(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

Tokenizer *tokenizer_build(const Corpus *c, TokenKind kind)
{
    size_t bytes = 0, count = 0, len, skip;
    for (int d = 0; d < c->n; d++)
        for (const char *s = c->docs[d]; (len = next_token(kind, s, &skip));
             s += skip + len) {
            bytes += len + 1;
            count++;
        }
    Tokenizer *t = calloc(1, sizeof *t);
    char **all = malloc((count + 1) * sizeof *all);
    char *text = malloc(bytes + 1);
    if (!t || !all || !text) {
        free(t);
        free(all);
        free(text);
        return NULL;
    }
    char *room = text;
    size_t n = 0;
    for (int d = 0; d < c->n; d++)
        for (const char *s = c->docs[d]; (len = next_token(kind, s, &skip));
             s += skip + len) {
            memcpy(room, s + skip, len);
            room[len] = '\0';
            all[n++] = room;
            room += len + 1;
        }
    qsort(all, n, sizeof *all, by_bytes);
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(all[i], all[distinct - 1]) != 0)
            all[distinct++] = all[i];
    t->kind = kind;
    t->bos = (int)distinct;
    t->tokens = all;
    t->text = text;
    return t;
}

void tokenizer_free(Tokenizer *t)
{
    if (!t)
        return;
    free(t->tokens);
    free(t->text);
    free(t);
}
/* A cut backs up to the start of the character it would fall inside. */
size_t utf8_prefix(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    while (s[n] && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;  /* s[n] continues a character begun before it */
    return n;
}

int tokenizer_id(const Tokenizer *t, const char *token)
{
    char **hit = bsearch(&token, t->tokens, t->bos, sizeof *t->tokens,
                         by_bytes);
    return hit ? (int)(hit - t->tokens) : -1;
}

int tokenizer_encode(const Tokenizer *t, const char *doc, int *ids,
                     int max, char *error)
{
    char token[CORPUS_MAX_LINE + 1];
    size_t len, skip;
    int n = 0;
    if (max < 2)
        goto too_long;
    ids[n++] = t->bos;
    for (const char *s = doc; (len = next_token(t->kind, s, &skip));
         s += skip + len) {
        size_t kept = len < CORPUS_MAX_LINE ? len : CORPUS_MAX_LINE;
        memcpy(token, s + skip, kept);
        token[kept] = '\0';
        /* no token of a corpus is longer than its line */
        int id = kept < len ? -1 : tokenizer_id(t, token);
        if (id < 0) {
            size_t shown = utf8_prefix(token, 100);
            snprintf(error, TOKENIZER_ERROR_ROOM,
                     "\"%.*s%s\" is not in the vocabulary", (int)shown,
                     token, token[shown] ? "..." : "");
            return -1;
        }
        if (n == max - 1)
            goto too_long;
        ids[n++] = id;
    }
    ids[n++] = t->bos;
    return n;
too_long:
    snprintf(error, TOKENIZER_ERROR_ROOM,
             "more than %d tokens in one document", max - 2);
    return -1;
}

void tokenizer_decode(const Tokenizer *t, const int *ids, int n,
                      char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (ids[i] < 0 || ids[i] >= t->bos)
            continue;
        const char *sep = t->kind == BY_WORD && used ? " " : "";
        int w = snprintf(out + used, size - used, "%s%s", sep,
                         t->tokens[ids[i]]);
        if (w < 0 || (size_t)w >= size - used)
            break;
        used += w;
    }
}
