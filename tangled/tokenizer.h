/* tokenizer.h: documents to token ids and back, by word or by
   character; BOS is the last id. */
#ifndef TOKENIZER_H
#define TOKENIZER_H

#include <stddef.h>

#include "corpus.h"

typedef enum { BY_WORD, BY_CHAR } TokenKind;

typedef struct {
    TokenKind kind;
    int bos;        /* BOS's id = the number of text tokens */
    char **tokens;  /* [bos] the text tokens, sorted in byte order */
    char *text;     /* where the tokens' bytes live */
} Tokenizer;

/* The tokenizer of every distinct token in c; NULL if out of memory. */
Tokenizer *tokenizer_build(const Corpus *c, TokenKind kind);
void tokenizer_free(Tokenizer *t);

/* A token's id, or -1 if the vocabulary has no such token. */
int tokenizer_id(const Tokenizer *t, const char *token);

/* How many tokens doc holds, cut as a tokenizer of this kind cuts it,
   whether or not a vocabulary has them. */
int tokenizer_count(TokenKind kind, const char *doc);

/* The length of s's longest start of at most max bytes that does not
   end inside a UTF-8 character: where a message may cut s short. */
size_t utf8_prefix(const char *s, size_t max);

/* Writes BOS, doc's ids, BOS into ids (room for max) and returns how many
   were written; or returns -1 with a message naming the first token that
   is not in the vocabulary (its first 100 bytes or fewer, then "...", if
   it is longer), or saying the document is too long, in
   error[TOKENIZER_ERROR_ROOM]. */
enum { TOKENIZER_ERROR_ROOM = 200 };
int tokenizer_encode(const Tokenizer *t, const char *doc, int *ids,
                     int max, char *error);

/* The text of ids (BOS is skipped), words joined by spaces, characters
   by nothing, into out (room for size bytes, cut short if too small). */
void tokenizer_decode(const Tokenizer *t, const int *ids, int n,
                      char *out, size_t size);

#endif
