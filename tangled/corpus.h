/* corpus.h: a text file of documents, one per line. */
#ifndef CORPUS_H
#define CORPUS_H

#include <stddef.h>

enum {
    CORPUS_MAX_LINE = 1000,      /* bytes in a line, its end not counted */
    CORPUS_MAX_BYTES = 1 << 28,  /* bytes in a file: 256 MiB */
    CORPUS_ERROR_ROOM = 4096 + 300  /* a message with a path as long as
                                       Linux allows, and why */
};

typedef struct {
    int n;        /* how many documents */
    char **docs;  /* [n] each without its line end or outer spaces */
    char *text;   /* the file's bytes, which docs point into */
} Corpus;

/* The documents of the file at path, or NULL with one line saying what
   is wrong (naming the file and line) in error[CORPUS_ERROR_ROOM]. */
Corpus *corpus_load(const char *path, char *error);
void corpus_free(Corpus *c);

/* NULL if the len bytes at s may be a line of a corpus, else why not
   (a control character, bytes that are not UTF-8, too long).  Reads
   s[len] too, which must be a byte that cannot continue a UTF-8
   character: the line's end, or a zero. */
const char *corpus_line_problem(const unsigned char *s, size_t len);

#endif
