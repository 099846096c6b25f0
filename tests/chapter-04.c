/* tests/chapter-04.c: the exercises of chapter 4, the corpus, its
 * grammar and the tokenizers.  Tests run from the top of the project, so
 * data/sentences.txt and tests/data/ are where they are in the tree. */
#define _XOPEN_SOURCE 700 /* popen, mkstemp */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "corpus.h"
#include "grammar.h"
#include "tokenizer.h"

TestSuite(grammar);
TestSuite(corpus);
TestSuite(tokens);
TestSuite(program);

static Corpus *load(const char *path)
{
    char error[CORPUS_ERROR_ROOM];
    Corpus *c = corpus_load(path, error);
    cr_assert_not_null(c, "%s", error);
    return c;
}

/* ---- the grammar ------------------------------------------------------- */

Test(grammar, has_596_words_and_a_is_first)
{
    cr_assert_eq(grammar_words(), 596);
    cr_assert_str_eq(grammar_word(0), "a");
    cr_assert_null(grammar_word(596));
    for (int k = 1; k < 596; k++) /* in byte order, no repeats */
        cr_assert_lt(strcmp(grammar_word(k - 1), grammar_word(k)), 0);
}

Test(grammar, accepts_sentences_that_follow_the_rules)
{
    const char *good[] = {
        "the cat eats a muffin",
        "cats sleep",                          /* bare plural subject */
        "she sleeps",
        "they eat her muffins",                /* her as determiner */
        "he sees her",                         /* her as pronoun */
        "an old cat sleeps",                   /* an before a vowel */
        "a hungry owl eats an apple",
        "the dog sleeps in the park today",    /* place and adverb */
        "he sleeps today",                     /* an adverb alone */
        "we sleep near the lake",              /* a place alone */
        "these happy children read two books", /* plural agreement */
        "we visit the museum",                 /* a verb taking places */
        "the cat eats muffins in the kitchen today", /* the prose's: all */
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        cr_assert(grammar_accepts(good[i]), "refused: %s", good[i]);
}

Test(grammar, refuses_sentences_that_break_them)
{
    const char *bad[] = {
        "cat the eats a muffin",       /* words out of order */
        "the cat a muffin eats",
        "muffin a eats cat the",
        "the cats eats a muffin",      /* verb does not agree */
        "the cat eat a muffin",
        "a old cat sleeps",            /* a before a vowel */
        "an cat sleeps",
        "these cat sleeps",            /* determiner does not agree */
        "the muffin eats a cat",       /* food is not a subject */
        "the cat eats a book",         /* eats takes food */
        "the cat sleeps a muffin",     /* sleeps takes nothing */
        "the cat eats",                /* eats needs its object */
        "the hungry muffin sleeps",    /* hungry describes living things */
        "the cat eats a hungry muffin", /* ... as an object's word too */
        "cat sleeps",                  /* a singular needs its determiner */
        "cat eats a muffin",
        "the cat eats him",            /* eats takes food, not a person */
        "he eats it",
        "the cat eats a croissant",    /* not a word of the grammar */
        "he sleeps today again",       /* one adverb at most */
        "the dog sleeps quietly in the park", /* the place comes first */
        "cats sleep in parks today again",
        "he sleeps in the park near the lake", /* one place at most */
        "cats sleep in parks by lakes today",
        "The cat eats a muffin",       /* capitals are other words */
        "the cat eats a muffin.",
        "the  cat eats a muffin",      /* not single spaces */
        " the cat eats a muffin",
        "sleeps",                      /* too short */
        "",
        /* nine words: too long, though every part is right */
        "the hungry cat eats a muffin in the kitchen",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_assert(!grammar_accepts(bad[i]), "accepted: %s", bad[i]);
}

Test(grammar, draws_only_what_it_accepts)
{
    Rng r;
    rng_seed(&r, 7);
    char s[GRAMMAR_MAX_CHARS + 1];
    for (int i = 0; i < 5000; i++) {
        grammar_draw(&r, s);
        cr_assert(grammar_accepts(s), "drew and refused: %s", s);
    }
}

Test(grammar, counts_what_it_accepts)
{
    /* Two sentences of the grammar, one not ("muffin the"), a name, and
     * an empty line: two; none of none. */
    char *some[] = {"the cat eats a muffin", "dogs sleep", "muffin the",
                    "emma", ""};
    cr_assert_eq(grammar_accepted(some, 5), 2);
    cr_assert_eq(grammar_accepted(some, 2), 2);
    cr_assert_eq(grammar_accepted(some + 2, 3), 0);
    cr_assert_eq(grammar_accepted(some, 0), 0);
}

Test(grammar, every_corpus_line_is_accepted)
{
    Corpus *c = load("data/sentences.txt");
    cr_assert_eq(c->n, 30000);
    for (int d = 0; d < c->n; d++)
        cr_assert(grammar_accepts(c->docs[d]), "line %d: %s", d + 1,
                  c->docs[d]);
    corpus_free(c);
}

/* ---- loading ----------------------------------------------------------- */

Test(corpus, lines_are_trimmed_and_blank_ones_skipped)
{
    /* crlf.txt: CRLF ends, spaces and tabs at both ends, a blank line */
    Corpus *c = load("tests/data/crlf.txt");
    cr_assert_eq(c->n, 3);
    cr_assert_str_eq(c->docs[0], "the cat eats a muffin");
    cr_assert_str_eq(c->docs[1], "the dog sleeps");
    cr_assert_str_eq(c->docs[2], "cats sleep");
    corpus_free(c);
}

Test(corpus, a_byte_order_mark_is_not_part_of_the_text)
{
    /* bom.txt is EF BB BF, then crlf.txt's three documents with plain
     * line ends: the same documents, so the same corpus to a checkpoint,
     * whose fingerprint (chapter 5) hashes the documents alone. */
    Corpus *c = load("tests/data/bom.txt"), *d = load("tests/data/crlf.txt");
    cr_assert_eq(c->n, d->n);
    for (int i = 0; i < c->n; i++)
        cr_assert_str_eq(c->docs[i], d->docs[i]);
    Tokenizer *t = tokenizer_build(c, BY_CHAR);
    cr_assert_eq(tokenizer_id(t, "\xef\xbb\xbf"), -1); /* no U+FEFF */
    tokenizer_free(t);
    corpus_free(d);
    corpus_free(c);
}

Test(corpus, a_line_of_exactly_the_limit_is_fine)
{
    Corpus *c = load("tests/data/longest.txt");
    cr_assert_eq(c->n, 1);
    cr_assert_eq(strlen(c->docs[0]), CORPUS_MAX_LINE);
    corpus_free(c);
}

Test(corpus, multibyte_characters_are_fine)
{
    Corpus *c = load("tests/data/utf8.txt");
    cr_assert_eq(c->n, 2);
    cr_assert_str_eq(c->docs[1], "\xc3\xa9t\xc3\xa9 \xe2\x82\xac "
                                 "\xf0\x9f\x90\x88");
    corpus_free(c);
}

static void refused(const char *path, const char *want)
{
    char error[CORPUS_ERROR_ROOM];
    cr_assert_null(corpus_load(path, error), "%s was loaded", path);
    cr_assert_str_eq(error, want);
}

Test(corpus, a_long_path_leaves_room_for_the_reason)
{
    /* A path of 3,006 bytes, well within Linux's 4,096: the message is
     * the whole path and the reason after it. */
    char path[3100] = "", want[3200];
    for (int i = 0; i < 15; i++)  /* 15 names of 199 zeros */
        snprintf(path + strlen(path), sizeof path - strlen(path), "/%0199d",
                 0);
    strcat(path, "/x.txt");
    cr_assert_eq(strlen(path), 3006);
    snprintf(want, sizeof want, "%s: No such file or directory", path);
    refused(path, want);
}

Test(corpus, bad_files_are_refused_with_file_and_line)
{
    refused("tests/data/no-such-file.txt",
            "tests/data/no-such-file.txt: No such file or directory");
    refused("tests/data", "tests/data: Is a directory"); /* opens */
    refused("tests/data/empty.txt",
            "tests/data/empty.txt: no documents (the file is empty)");
    refused("tests/data/bom-only.txt", /* EF BB BF and nothing else */
            "tests/data/bom-only.txt: no documents (the file is empty)");
    refused("tests/data/blank.txt", "tests/data/blank.txt: "
            "no documents (the file has only blank lines)");
    refused("tests/data/nul.txt",
            "tests/data/nul.txt:2: NUL byte (is this a binary file?)");
    refused("tests/data/control.txt", "tests/data/control.txt:2: "
            "control character (is this a binary file?)");
    refused("tests/data/latin1.txt",
            "tests/data/latin1.txt:2: not valid UTF-8");
    char want[100];
    snprintf(want, sizeof want,
             "tests/data/long.txt:2: line longer than %d bytes",
             CORPUS_MAX_LINE);
    refused("tests/data/long.txt", want);
}

/* Writes bytes to a fresh temporary file and loads it. */
static Corpus *load_bytes(const char *bytes, size_t n)
{
    char path[] = "/tmp/microgpt-test-XXXXXX", error[CORPUS_ERROR_ROOM];
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, bytes, n), (ssize_t)n);
    close(fd);
    Corpus *c = corpus_load(path, error);
    unlink(path);
    return c;
}

static int loads(const char *bytes, size_t n)
{
    Corpus *c = load_bytes(bytes, n);
    corpus_free(c);
    return c != NULL;
}

Test(corpus, only_the_first_three_bytes_are_a_mark)
{
    /* Two marks: the first is dropped, the second is U+FEFF, a character
     * of the document like any other; as is one that starts line 2. */
    Corpus *c = load_bytes("\xef\xbb\xbf\xef\xbb\xbfok\n"
                           "\xef\xbb\xbfno\n", 15);
    cr_assert_not_null(c);
    cr_assert_eq(c->n, 2);
    cr_assert_str_eq(c->docs[0], "\xef\xbb\xbfok");
    cr_assert_str_eq(c->docs[1], "\xef\xbb\xbfno");
    corpus_free(c);
}

/* Lets this test's process (Criterion forks one per test) map at most
 * `more` bytes beyond what it has mapped now.  Not under AddressSanitizer,
 * whose allocator maps much more than it is asked for and keeps what is
 * freed for a while. */
static void allow_only(size_t more)
{
#ifndef __SANITIZE_ADDRESS__
    FILE *f = fopen("/proc/self/statm", "r");
    cr_assert_not_null(f);
    unsigned long pages;
    cr_assert_eq(fscanf(f, "%lu", &pages), 1);
    fclose(f);
    rlim_t now = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE);
    struct rlimit r = {now + more, now + more};
    cr_assert_eq(setrlimit(RLIMIT_AS, &r), 0);
#else
    (void)more;
#endif
}

Test(corpus, a_file_past_the_limit_is_refused_as_it_is_read)
{
    /* A file of 2^28 + 1 bytes (sparse: zeros that take no room on the
     * disk) is one byte too many, whatever its bytes: the limit is
     * checked as the file is read, before any line is.  A file of 2^28
     * bytes is within it, and is refused for its first line, of 2^28
     * NULs, too long to be looked into further.  Neither needs memory
     * for more than the limit and a byte: the loader never reads past
     * the first byte too many, so it is refused for its size, not for
     * running out of memory (128 MiB more is room for the rest). */
    cr_assert_eq(CORPUS_MAX_BYTES, 256 * 1024 * 1024);
    allow_only((size_t)CORPUS_MAX_BYTES + 128 * 1024 * 1024);
    for (int over = 1; over >= 0; over--) {
        char path[] = "/tmp/microgpt-test-XXXXXX", error[CORPUS_ERROR_ROOM];
        int fd = mkstemp(path);
        cr_assert_geq(fd, 0);
        cr_assert_eq(ftruncate(fd, (off_t)CORPUS_MAX_BYTES + over), 0);
        close(fd);
        Corpus *c = corpus_load(path, error);
        unlink(path);
        cr_assert_null(c);
        char want[100];
        snprintf(want, sizeof want, over ? "%s: larger than 256 MiB (a "
                 "corpus is read whole)" : "%s:1: line longer than 1000 "
                 "bytes", path);
        cr_assert_str_eq(error, want);
    }
}

Test(corpus, a_tab_is_text_and_delete_a_control_character)
{
    /* Inside a line a tab is kept; delete (0x7f), ASCII's last control
     * character, is refused as the ones below the space are. */
    Corpus *c = load_bytes("a\tb\n", 4);
    cr_assert_not_null(c);
    cr_assert_str_eq(c->docs[0], "a\tb");
    corpus_free(c);
    cr_assert(!loads("a\x7f" "b\n", 4));
    cr_assert(loads("a~b\n", 4));  /* 0x7e, the byte before, is text */
}

Test(corpus, utf8_is_checked_to_the_letter)
{
    cr_assert(loads("\xc3\xa9\n", 3));             /* é */
    cr_assert(loads("\xf4\x8f\xbf\xbf\n", 5));     /* U+10FFFF, the last */
    cr_assert(!loads("\xc3\n", 2));                /* cut short */
    cr_assert(!loads("\xc3\xc3\n", 3));            /* no continuation */
    cr_assert(!loads("\xc0\xaf\n", 3));            /* overlong '/' */
    cr_assert(!loads("\xe0\x80\xaf\n", 4));        /* overlong again */
    cr_assert(!loads("\xed\xa0\x80\n", 4));        /* surrogate U+D800 */
    cr_assert(!loads("\xf4\x90\x80\x80\n", 5));    /* above U+10FFFF */
    cr_assert(!loads("\xed\xbf\xbf\n", 4));        /* surrogate U+DFFF */
    cr_assert(!loads("\xe0\x9f\xbf\n", 4));        /* overlong U+07FF */
    cr_assert(!loads("\xf0\x8f\xbf\xbf\n", 5));    /* overlong U+FFFF */
    cr_assert(!loads("\xf8\x90\x80\x80\n", 5));    /* no lead byte past */
    cr_assert(!loads("\xfc\x80\x80\x80\n", 5));    /* 0xf4 is one */
    cr_assert(!loads("\x80\n", 2));                /* a lone continuation */
    cr_assert(!loads("\xff\n", 2));
    cr_assert(loads("no newline at the end", 21));
}

/* ---- tokenizers -------------------------------------------------------- */

Test(tokens, the_word_vocabulary)
{
    Corpus *c = load("data/sentences.txt");
    Tokenizer *t = tokenizer_build(c, BY_WORD);
    cr_assert_eq(t->bos, 596);       /* so the vocabulary is 597 */
    cr_assert_str_eq(t->tokens[0], "a");
    cr_assert_eq(tokenizer_id(t, "a"), 0);
    for (int i = 0; i < t->bos; i++) /* the grammar's words, all of them */
        cr_assert_str_eq(t->tokens[i], grammar_word(i));
    cr_assert_eq(tokenizer_id(t, "croissant"), -1);
    tokenizer_free(t);
    corpus_free(c);
}

Test(tokens, the_running_example)
{
    /* Each id is the word's place in the sorted vocabulary: the number
     * of vocabulary words that sort before it. */
    Corpus *c = load("data/sentences.txt");
    Tokenizer *t = tokenizer_build(c, BY_WORD);
    const char *words[5] = {"the", "cat", "eats", "a", "muffin"};
    int ids[8], want[7];
    char error[TOKENIZER_ERROR_ROOM];
    want[0] = want[6] = 596;
    for (int w = 0; w < 5; w++) {
        want[w + 1] = 0;
        for (int k = 0; k < grammar_words(); k++)
            want[w + 1] += strcmp(grammar_word(k), words[w]) < 0;
    }
    cr_assert_eq(want[4], 0); /* "a" sorts first */
    cr_assert_eq(tokenizer_encode(t, "the cat eats a muffin", ids, 8,
                                  error), 7);
    cr_assert_arr_eq(ids, want, sizeof want);
    tokenizer_free(t);
    corpus_free(c);
}

Test(tokens, every_line_encodes_and_decodes_to_itself)
{
    Corpus *c = load("data/sentences.txt");
    Tokenizer *t = tokenizer_build(c, BY_WORD);
    int ids[GRAMMAR_MAX_WORDS + 2];
    char back[GRAMMAR_MAX_CHARS + 1], error[TOKENIZER_ERROR_ROOM];
    for (int d = 0; d < c->n; d++) {
        int n = tokenizer_encode(t, c->docs[d], ids, GRAMMAR_MAX_WORDS + 2,
                                 error);
        cr_assert_geq(n, 4, "%s", error); /* BOS, two words, BOS */
        cr_assert(ids[0] == 596 && ids[n - 1] == 596);
        tokenizer_decode(t, ids, n, back, sizeof back);
        cr_assert_str_eq(back, c->docs[d]);
    }
    tokenizer_free(t);
    corpus_free(c);
}

Test(tokens, unknown_words_and_long_documents_are_errors)
{
    Corpus *c = load("tests/data/crlf.txt");
    Tokenizer *t = tokenizer_build(c, BY_WORD);
    int ids[6];
    char error[TOKENIZER_ERROR_ROOM];
    cr_assert_eq(tokenizer_encode(t, "the cat eats a croissant", ids, 6,
                                  error), -1);
    cr_assert_str_eq(error, "\"croissant\" is not in the vocabulary");
    cr_assert_eq(tokenizer_encode(t, "the cat eats a muffin", ids, 6,
                                  error), -1); /* needs 7 */
    cr_assert_str_eq(error, "more than 4 tokens in one document");
    /* Room for one id is room for no document, not even BOS, BOS; and
     * nothing is written past it. */
    ids[1] = 77;
    cr_assert_eq(tokenizer_encode(t, "the cat", ids, 1, error), -1);
    cr_assert_str_eq(error, "more than -1 tokens in one document");
    cr_assert_eq(ids[1], 77);
    /* Room for two is room for the empty document: BOS, BOS. */
    ids[0] = ids[1] = -7;
    cr_assert_eq(tokenizer_encode(t, "", ids, 2, error), 2, "%s", error);
    cr_assert(ids[0] == t->bos && ids[1] == t->bos);
    tokenizer_free(t);
    corpus_free(c);
}

Test(tokens, a_tab_separates_words_as_a_space_does)
{
    /* tests/data/gaps.txt: "the  cat sleeps" and "a<tab>dog<tab><tab>sees
     * the cat": six words, in byte order a cat dog sees sleeps the, so
     * BOS is 6. */
    Corpus *c = load("tests/data/gaps.txt");
    Tokenizer *t = tokenizer_build(c, BY_WORD);
    cr_assert_eq(t->bos, 6);
    const char *words[6] = {"a", "cat", "dog", "sees", "sleeps", "the"};
    for (int i = 0; i < 6; i++)
        cr_assert_str_eq(t->tokens[i], words[i]);
    int ids[8];
    char error[TOKENIZER_ERROR_ROOM];
    cr_assert_eq(tokenizer_encode(t, c->docs[1], ids, 8, error), 7);
    const int want[7] = {6, 0, 2, 3, 5, 1, 6};
    for (int i = 0; i < 7; i++)
        cr_assert_eq(ids[i], want[i], "id %d", i);
    tokenizer_free(t);
    corpus_free(c);
}

Test(tokens, a_word_longer_than_any_line_is_no_word_of_the_corpus)
{
    /* A corpus whose one line is a word of 1000 x's, as long as a line
     * may be.  Typed, 1001 x's are not that word, and the message names
     * their first 100 and its dots (not a last "x" read as a word of its
     * own); and the word run together with another is no word either. */
    char *text = malloc(1100), path[] = "/tmp/microgpt-x-XXXXXX";
    memset(text, 'x', 1001);
    text[1000] = '\n';
    int fd = mkstemp(path);
    cr_assert(fd >= 0 && write(fd, text, 1001) == 1001);
    close(fd);
    Corpus *c = load(path);
    unlink(path);
    Tokenizer *t = tokenizer_build(c, BY_WORD);
    cr_assert_eq(t->bos, 1);
    int ids[4];
    char error[TOKENIZER_ERROR_ROOM], want[200];
    memset(text, 'x', 1001);
    text[1001] = '\0';
    snprintf(want, sizeof want, "\"%.100s...\" is not in the vocabulary",
             text);
    cr_assert_eq(tokenizer_encode(t, text, ids, 4, error), -1);
    cr_assert_str_eq(error, want);
    strcpy(text + 1000, "cat");
    cr_assert_eq(tokenizer_encode(t, text, ids, 4, error), -1);
    cr_assert_str_eq(error, want);
    text[1000] = '\0';
    cr_assert_eq(tokenizer_encode(t, text, ids, 4, error), 3);
    free(text);
    tokenizer_free(t);
    corpus_free(c);
}

Test(tokens, counting_tokens_and_cutting_text_between_characters)
{
    /* Words are runs of anything but spaces and tabs; characters are
     * code points, a space one of them ("a", "é", " "). */
    cr_assert_eq(tokenizer_count(BY_WORD, "  a\tbb  c "), 3);
    cr_assert_eq(tokenizer_count(BY_WORD, " \t "), 0);
    cr_assert_eq(tokenizer_count(BY_CHAR, "a\xc3\xa9 "), 3);
    /* A cut never falls inside a character: é is 2 bytes, the smiling
     * face U+1F600 is 4; a text shorter than the limit is kept whole. */
    cr_assert_eq(utf8_prefix("abc", 10), 3);
    cr_assert_eq(utf8_prefix("a\xc3\xa9", 2), 1);
    cr_assert_eq(utf8_prefix("a\xc3\xa9", 3), 3);
    cr_assert_eq(utf8_prefix("\xf0\x9f\x98\x80x", 3), 0);
    cr_assert_eq(utf8_prefix("\xf0\x9f\x98\x80x", 4), 4);
}

Test(tokens, a_long_unknown_word_is_cut_between_characters)
{
    /* The message shows at most 100 bytes of the word.  "a" then 75 e's
     * with an acute accent, two bytes each (0xc3 0xa9), is 151 bytes:
     * bytes 1 and 2 are the first accented e, so each one begins at an
     * odd byte, and the 50th at byte 99.  A cut after 100 bytes would
     * keep its first byte alone, so the message stops at byte 99: "a" and
     * 49 of them, then "...".  A word of exactly 100 bytes is shown
     * whole, with no dots; one of 101 loses its last byte. */
    Corpus *c = load("tests/data/crlf.txt");
    Tokenizer *t = tokenizer_build(c, BY_WORD);
    int ids[6];
    char word[200] = "a", error[TOKENIZER_ERROR_ROOM], want[300];
    for (int i = 0; i < 75; i++)
        strcat(word, "\xc3\xa9");
    cr_assert_eq(strlen(word), 151);
    cr_assert_eq(tokenizer_encode(t, word, ids, 6, error), -1);
    snprintf(want, sizeof want, "\"%.99s...\" is not in the vocabulary",
             word);
    cr_assert_str_eq(error, want);
    memset(word, 'x', 101);
    word[101] = '\0';
    cr_assert_eq(tokenizer_encode(t, word, ids, 6, error), -1);
    snprintf(want, sizeof want, "\"%.100s...\" is not in the "
             "vocabulary", word);
    cr_assert_str_eq(error, want);
    word[100] = '\0';
    cr_assert_eq(tokenizer_encode(t, word, ids, 6, error), -1);
    snprintf(want, sizeof want, "\"%s\" is not in the vocabulary", word);
    cr_assert_str_eq(error, want);
    tokenizer_free(t);
    corpus_free(c);
}

Test(tokens, characters_of_names)
{
    /* 102 names that between them use all 26 letters: 26 tokens and BOS,
     * as in the original; a is 0, z is 25, BOS 26. */
    Corpus *c = load("tests/data/names.txt");
    Tokenizer *t = tokenizer_build(c, BY_CHAR);
    cr_assert_eq(t->bos, 26);
    for (int i = 0; i < 26; i++) {
        char letter[2] = {(char)('a' + i), '\0'};
        cr_assert_eq(tokenizer_id(t, letter), i);
    }
    int ids[8], want[6] = {26, 4, 12, 12, 0, 26};
    char error[TOKENIZER_ERROR_ROOM], back[8];
    cr_assert_eq(tokenizer_encode(t, "emma", ids, 8, error), 6);
    cr_assert_arr_eq(ids, want, sizeof want);
    tokenizer_decode(t, ids, 6, back, sizeof back);
    cr_assert_str_eq(back, "emma");
    tokenizer_free(t);
    corpus_free(c);
}

Test(tokens, a_character_cut_short_is_not_read_past_its_end)
{
    /* A lead byte promising four bytes, then the end of the string: one
     * token of one byte, which no vocabulary of valid text has. */
    Corpus *c = load("tests/data/utf8.txt");
    Tokenizer *t = tokenizer_build(c, BY_CHAR);
    static const char cut[] = "k\xf0";
    int ids[8];
    char error[TOKENIZER_ERROR_ROOM];
    cr_assert_eq(tokenizer_encode(t, cut, ids, 8, error), -1);
    cr_assert_str_eq(error, "\"\xf0\" is not in the vocabulary");
    tokenizer_free(t);
    corpus_free(c);
}

Test(tokens, a_lead_byte_of_0xe0_starts_three_bytes)
{
    /* U+0920 and U+0915 (Devanagari), e0 a4 a0 and e0 a4 95: the
     * smallest lead byte of a three-byte character, which the € of
     * utf8.txt (e2) does not try.  Two characters, by code point 0915
     * first. */
    Corpus *c = load_bytes("\xe0\xa4\xa0\xe0\xa4\x95\n", 7);
    cr_assert_not_null(c);
    Tokenizer *t = tokenizer_build(c, BY_CHAR);
    cr_assert_eq(t->bos, 2);
    cr_assert_str_eq(t->tokens[0], "\xe0\xa4\x95");
    cr_assert_str_eq(t->tokens[1], "\xe0\xa4\xa0");
    cr_assert_eq(tokenizer_count(BY_CHAR, c->docs[0]), 2);
    tokenizer_free(t);
    corpus_free(c);
}

Test(tokens, characters_are_code_points_in_order)
{
    /* utf8.txt holds "ok" and "été € 🐈": the characters, by code point,
     * are space k o t é € 🐈. */
    Corpus *c = load("tests/data/utf8.txt");
    Tokenizer *t = tokenizer_build(c, BY_CHAR);
    const char *want[] = {" ", "k", "o", "t", "\xc3\xa9", "\xe2\x82\xac",
                          "\xf0\x9f\x90\x88"};
    cr_assert_eq(t->bos, 7);
    for (int i = 0; i < 7; i++)
        cr_assert_str_eq(t->tokens[i], want[i]);
    tokenizer_free(t);
    corpus_free(c);
}

/* ---- the programs ------------------------------------------------------ */

static char *output_of(const char *command, int *status)
{
    static char out[1 << 14];
    FILE *p = popen(command, "r");
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    *status = pclose(p);
    return out;
}

Test(program, tokenizes_a_sentence)
{
    int status;
    char *out = output_of(STAGE_DIR "/words-demo the cat eats a muffin",
                          &status);
    cr_assert_eq(status, 0);
    Corpus *c = load("data/sentences.txt");
    Tokenizer *t = tokenizer_build(c, BY_WORD);
    char want[100];
    snprintf(want, sizeof want, "596 %d %d %d 0 %d 596\n",
             tokenizer_id(t, "the"), tokenizer_id(t, "cat"),
             tokenizer_id(t, "eats"), tokenizer_id(t, "muffin"));
    cr_assert_str_eq(out, want);
    tokenizer_free(t);
    corpus_free(c);
}

Test(program, figures)
{
    int status;
    char *out = output_of(STAGE_DIR "/words-demo --figures", &status);
    cr_assert_eq(status, 0);
    cr_assert_not_null(strstr(out, "%% corpus-lines\n30,000\n"));
    cr_assert_not_null(strstr(out, "%% vocab-size\n597\n"));
    cr_assert_not_null(strstr(out, "%% bos-id\n596\n"));
    cr_assert_not_null(strstr(out, "%% grammar-accepts\n30,000\n"));
    cr_assert_not_null(strstr(out, "%% vocab-first\n`a` (0), "));
}

/* ---- the figures, from the corpus file alone --------------------------- */

/* What words-demo --figures prints under "%% NAME" is compared with what
 * the test finds by reading data/sentences.txt itself, with stdio,
 * strtok and qsort, and nothing of the chapter's code. */

/* The text of one figure: what follows its "%% NAME" line, up to the
 * next figure's; good until the next call. */
static const char *figure(const char *name)
{
    static char text[1024];
    char head[64];
    int status;
    char *out = output_of(STAGE_DIR "/words-demo --figures", &status);
    cr_assert_eq(status, 0);
    snprintf(head, sizeof head, "%%%% %s\n", name);
    char *p = strstr(out, head);
    cr_assert_not_null(p, "no figure %s", name);
    p += strlen(head);
    char *next = strstr(p, "\n%% ");
    size_t n = next ? (size_t)(next - p) + 1 : strlen(p);
    cr_assert_lt(n, sizeof text);
    memcpy(text, p, n);
    text[n] = '\0';
    return text;
}

enum { FILE_ROOM = 1 << 20, WORDS_ROOM = 1 << 18 };
static char file_text[FILE_ROOM];
static char *file_words[WORDS_ROOM];

static int by_bytes(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads data/sentences.txt: counts into lengths[k] the lines of k words
 * (a word: a run of bytes that are not spaces; k = GRAMMAR_MAX_WORDS + 1
 * for all the longer ones) and their number into *n_lines; gathers the
 * distinct words into file_words, sorted in byte order, and returns how
 * many there are. */
static int read_by_hand(int lengths[GRAMMAR_MAX_WORDS + 2], int *n_lines)
{
    FILE *f = fopen("data/sentences.txt", "rb");
    cr_assert_not_null(f);
    size_t size = fread(file_text, 1, FILE_ROOM - 1, f);
    cr_assert(feof(f) && !ferror(f), "the corpus is larger than 1 MB");
    fclose(f);
    file_text[size] = '\0';
    int n = 0;
    *n_lines = 0;
    for (int k = 0; k < GRAMMAR_MAX_WORDS + 2; k++)
        lengths[k] = 0;
    for (char *line = file_text, *eol; *line; line = eol + 1) {
        cr_assert_not_null(eol = strchr(line, '\n'));
        *eol = '\0';
        int k = 0;
        for (char *w = strtok(line, " "); w; w = strtok(NULL, " "), k++) {
            cr_assert_lt(n, WORDS_ROOM);
            file_words[n++] = w;
        }
        lengths[k <= GRAMMAR_MAX_WORDS ? k : GRAMMAR_MAX_WORDS + 1]++;
        ++*n_lines;
    }
    qsort(file_words, n, sizeof *file_words, by_bytes);
    int distinct = 0;
    for (int i = 0; i < n; i++)
        if (!distinct || strcmp(file_words[i], file_words[distinct - 1]))
            file_words[distinct++] = file_words[i];
    return distinct;
}

Test(program, the_length_table_counts_every_line)
{
    int lengths[GRAMMAR_MAX_WORDS + 2], n_lines;
    read_by_hand(lengths, &n_lines);
    cr_assert_eq(n_lines, 30000);
    for (int k = 0; k < GRAMMAR_MIN_WORDS; k++) /* as the grammar says */
        cr_assert_eq(lengths[k], 0, "%d lines of %d words", lengths[k], k);
    cr_assert_eq(lengths[GRAMMAR_MAX_WORDS + 1], 0, "lines too long");
    /* Chapter 3 measures the graph of a sentence as long as the longest
     * here, eight words. */
    cr_assert_eq(GRAMMAR_MAX_WORDS, 8);
    cr_assert_gt(lengths[GRAMMAR_MAX_WORDS], 0);
    char want[512] = "| words | sentences |\n|--:|--:|\n";
    for (int k = 1; k <= GRAMMAR_MAX_WORDS; k++)
        if (lengths[k])
            snprintf(want + strlen(want), sizeof want - strlen(want),
                     "| %d | %d |\n", k, lengths[k]);
    const char *table = figure("length-table");
    cr_assert_str_eq(table, want);
    /* and the rows as printed hold every sentence, each once */
    int sum = 0, words, count;
    for (const char *row = strstr(table, "--:|\n"); row;
         row = strchr(row + 1, '\n'))
        if (sscanf(row, "\n| %d | %d |", &words, &count) == 2)
            sum += count;
    cr_assert_eq(sum, n_lines);
}

Test(program, words_are_counted_as_the_tokenizer_cuts_them)
{
    /* tests/data/gaps.txt: "the  cat sleeps" (two spaces after "the")
     * and "a<tab>dog<tab><tab>sees  the cat": 3 words and 5, not the
     * 4 and 3 that counting single spaces would give. */
    int status;
    char *out = output_of(STAGE_DIR "/words-demo --data "
                          "tests/data/gaps.txt", &status);
    cr_assert_eq(status, 0, "%s", out);
    cr_assert_not_null(strstr(out, "|--:|--:|\n| 3 | 1 |\n| 5 | 1 |\n\n"),
                       "%s", out);
}

Test(program, the_vocabulary_is_the_corpus_words_sorted)
{
    int lengths[GRAMMAR_MAX_WORDS + 2], n_lines;
    int n = read_by_hand(lengths, &n_lines);
    char **w = file_words, want[256];
    cr_assert_eq(n, 596); /* the grammar's words, all used (make-corpus) */
    snprintf(want, sizeof want, "%d\n", n);
    cr_assert_str_eq(figure("distinct-words"), want);
    snprintf(want, sizeof want, "`%s` (0), `%s` (1), `%s` (2)\n", w[0],
             w[1], w[2]);
    cr_assert_str_eq(figure("vocab-first"), want);
    snprintf(want, sizeof want, "`%s` (%d), `%s` (%d), `%s` (%d)\n",
             w[n - 3], n - 3, w[n - 2], n - 2, w[n - 1], n - 1);
    cr_assert_str_eq(figure("vocab-last"), want);
}

Test(program, the_example_ids_are_places_in_the_sorted_words)
{
    /* A word's id is its place among the corpus's distinct words in byte
     * order; BOS, on both sides, is the next id after the last word's. */
    int lengths[GRAMMAR_MAX_WORDS + 2], n_lines;
    int n = read_by_hand(lengths, &n_lines), id[5];
    const char *example[5] = {"the", "cat", "eats", "a", "muffin"};
    for (int i = 0; i < 5; i++) {
        char **hit = bsearch(&example[i], file_words, n,
                             sizeof *file_words, by_bytes);
        cr_assert_not_null(hit, "%s is not in the corpus", example[i]);
        id[i] = (int)(hit - file_words);
    }
    char want[128];
    snprintf(want, sizeof want, "%d, %d, %d, %d, %d, %d, %d\n", n, id[0],
             id[1], id[2], id[3], id[4], n);
    cr_assert_str_eq(figure("example-ids"), want);
}

Test(program, bad_input_is_one_line_and_a_nonzero_exit)
{
    static const struct {
        const char *args;
        int status;
        const char *first;
    } cases[] = {
        {"the cat eats a croissant", 1,
         "words-demo: \"croissant\" is not in the vocabulary\n"},
        {"--data tests/data/latin1.txt", 1,
         "words-demo: tests/data/latin1.txt:2: not valid UTF-8\n"},
        {"--data .", 1, "words-demo: .: Is a directory\n"},
        {"--data tests/data/empty.txt", 1, "words-demo: tests/data/"
         "empty.txt: no documents (the file is empty)\n"},
        {"--data tests/data/blank.txt", 1, "words-demo: tests/data/"
         "blank.txt: no documents (the file has only blank lines)\n"},
        {"the cat eats a muffin $(head -c 1000 /dev/zero | tr '\\0' a)",
         1, "words-demo: the text is longer than 1000 bytes\n"},
        /* One word of exactly 1000 bytes fits (the loader takes a line
         * of 1000 too); it is only not a word of the corpus.  One of
         * 1001 does not fit. */
        {"$(head -c 1000 /dev/zero | tr '\\0' a)", 1, "words-demo: \""
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" is not in the vocabulary\n"},
        {"$(head -c 1001 /dev/zero | tr '\\0' a)", 1,
         "words-demo: the text is longer than 1000 bytes\n"},
        {"--bogus", 2, "usage: "},
        {"--figures the", 2, "usage: "},
        {"--data", 2, "usage: "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char command[300];
        snprintf(command, sizeof command, STAGE_DIR "/words-demo %s 2>&1",
                 cases[i].args);
        int status;
        char *out = output_of(command, &status);
        cr_assert(WIFEXITED(status), "%s", cases[i].args);
        cr_assert_eq(WEXITSTATUS(status), cases[i].status, "%s",
                     cases[i].args);
        cr_assert_eq(strncmp(out, cases[i].first, strlen(cases[i].first)),
                     0, "%s: %s", cases[i].args, out);
        cr_assert_eq(strchr(out, '\n'), out + strlen(out) - 1,
                     "one line: %s", out);
    }
}
