/* words-demo.c: chapter 4's program: a corpus, its tokenizer, and the
   ids of a sentence. */
#include <stdio.h>
#include <string.h>

#include "corpus.h"
#include "grammar.h"
#include "numbers.h"
#include "tokenizer.h"

typedef struct {
    const char *data;   /* the corpus file */
    TokenKind kind;
    int figures;        /* print the chapter's figures */
    int first_token;    /* argv index of the first token, or argc */
} Options;

static int parse_options(int argc, char **argv, Options *o)
{
    *o = (Options){"data/sentences.txt", BY_WORD, 0, argc};
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            o->data = argv[++i];
        else if (strcmp(argv[i], "--chars") == 0)
            o->kind = BY_CHAR;
        else if (strcmp(argv[i], "--figures") == 0)
            o->figures = 1;
        else
            return 0;
    }
    o->first_token = i;
    return !(o->figures && i < argc);
}
static void print_lengths(const Corpus *c)
{
    int count[GRAMMAR_MAX_WORDS + 2] = {0};
    for (int d = 0; d < c->n; d++) {
        int words = tokenizer_count(BY_WORD, c->docs[d]);
        count[words <= GRAMMAR_MAX_WORDS ? words : GRAMMAR_MAX_WORDS + 1]++;
    }
    printf("| words | sentences |\n|--:|--:|\n");
    for (int w = 1; w <= GRAMMAR_MAX_WORDS + 1; w++)
        if (count[w])
            printf("| %s%d | %d |\n", w > GRAMMAR_MAX_WORDS ? "more than " :
                   "", w > GRAMMAR_MAX_WORDS ? GRAMMAR_MAX_WORDS : w,
                   count[w]);
}

static void print_tokens(const Tokenizer *t, int from, int to)
{
    for (int i = from; i < to; i++)
        printf("%s`%s` (%d)", i > from ? ", " : "", t->tokens[i], i);
    printf("\n");
}

static void print_figures(const Corpus *c, const Tokenizer *t)
{
    char buf[NUMBER_ROOM], error[TOKENIZER_ERROR_ROOM];
    int ids[16];
    printf("%%%% corpus-lines\n%s\n", with_commas(c->n, buf));
    printf("%%%% distinct-words\n%d\n", t->bos);
    printf("%%%% vocab-size\n%d\n", t->bos + 1);
    printf("%%%% bos-id\n%d\n", t->bos);
    printf("%%%% length-table\n");
    print_lengths(c);
    printf("%%%% vocab-first\n");
    print_tokens(t, 0, 3);
    printf("%%%% vocab-last\n");
    print_tokens(t, t->bos - 3, t->bos);
    int n = tokenizer_encode(t, "the cat eats a muffin", ids, 16, error);
    printf("%%%% example-ids\n");
    for (int i = 0; i < n; i++)
        printf("%d%s", ids[i], i + 1 < n ? ", " : "\n");
    int yes = grammar_accepted(c->docs, c->n);
    printf("%%%% grammar-accepts\n%s\n", with_commas((size_t)yes, buf));
}
static int run(const Options *o, const Corpus *c, const Tokenizer *t,
               char **tokens, int n_tokens)
{
    if (o->figures) {
        print_figures(c, t);
        return 0;
    }
    if (n_tokens == 0) {
        printf("%s: %d documents, %d distinct %s, vocabulary %d "
               "(BOS = %d)\n\n", o->data, c->n, t->bos,
               t->kind == BY_WORD ? "words" : "characters", t->bos + 1,
               t->bos);
        print_lengths(c);
        printf("\nthe grammar accepts %d of the %d documents\n",
               grammar_accepted(c->docs, c->n), c->n);
        return 0;
    }
    char doc[CORPUS_MAX_LINE + 1] = "", error[TOKENIZER_ERROR_ROOM];
    for (int i = 0; i < n_tokens; i++) {
        if (strlen(doc) + (i > 0) + strlen(tokens[i]) >= sizeof doc) {
            fprintf(stderr, "words-demo: the text is longer than %d "
                            "bytes\n", CORPUS_MAX_LINE);
            return 1;
        }
        if (i)
            strcat(doc, " ");
        strcat(doc, tokens[i]);
    }
    int ids[CORPUS_MAX_LINE + 2];
    int n = tokenizer_encode(t, doc, ids, CORPUS_MAX_LINE + 2, error);
    if (n < 0) {
        fprintf(stderr, "words-demo: %s\n", error);
        return 1;
    }
    for (int i = 0; i < n; i++)
        printf("%d%s", ids[i], i + 1 < n ? " " : "\n");
    return 0;
}

int main(int argc, char **argv)
{
    Options o;
    if (!parse_options(argc, argv, &o)) {
        fprintf(stderr, "usage: %s [--data FILE] [--chars] "
                        "[--figures | TOKEN...]\n", argv[0]);
        return 2;
    }
    char error[CORPUS_ERROR_ROOM];
    Corpus *c = corpus_load(o.data, error);
    if (!c) {
        fprintf(stderr, "words-demo: %s\n", error);
        return 1;
    }
    Tokenizer *t = tokenizer_build(c, o.kind);
    int status = 1;
    if (!t)
        fputs("words-demo: out of memory\n", stderr);
    else
        status = run(&o, c, t, argv + o.first_token,
                     argc - o.first_token);
    tokenizer_free(t);
    corpus_free(c);
    return status;
}
