/* tests/programs.h: what the tests of the programs share: a fresh
 * directory for a test's files, and running a command to see what it
 * printed.  Include after <criterion/criterion.h>, with _XOPEN_SOURCE
 * 700 defined (popen, mkdtemp). */
#ifndef TESTS_PROGRAMS_H
#define TESTS_PROGRAMS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define MICROGPT STAGE_DIR "/microgpt"

/* The test's directory, made by make_dir (a test's .init) and removed
 * with everything in it by remove_dir (its .fini). */
static char dir[64];

static inline void make_dir(void)
{
    strcpy(dir, "/tmp/microgpt-test-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static inline void remove_dir(void)
{
    char command[128];
    snprintf(command, sizeof command, "rm -rf %s", dir);
    cr_assert_eq(system(command), 0);
}

/* A path in the test's directory; the last 8 stay valid. */
static inline const char *in_dir(const char *name)
{
    static char paths[8][128];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 128, "%s/%s", dir, name);
    return p;
}

/* Writes the n bytes at bytes, NUL bytes and all, to the file name in
 * the test's directory, replacing it; returns its path, as in_dir does. */
static inline const char *write_bytes_in_dir(const char *name,
                                             const char *bytes, size_t n)
{
    const char *path = in_dir(name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(bytes, 1, n, f), n, "%s", path);
    cr_assert_eq(fclose(f), 0, "%s", path);
    return path;
}

/* The same for text, up to its NUL. */
static inline const char *write_in_dir(const char *name, const char *text)
{
    return write_bytes_in_dir(name, text, strlen(text));
}

/* What a command printed (stdout and stderr together, the first 64 KB)
 * and its exit status; the text is good until the next call. */
static inline char *run(const char *command, int *status)
{
    static char out[1 << 16];
    char full[2048];
    snprintf(full, sizeof full, "%s 2>&1", command);
    FILE *p = popen(full, "r");
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int s = pclose(p);
    *status = WIFEXITED(s) ? WEXITSTATUS(s) : -1;
    return out;
}

/* Runs the command that fmt and what follows make, as printf would, and
 * fails the test unless it exits 0; returns what it printed, as run. */
__attribute__((format(printf, 1, 2)))
static inline char *run_ok(const char *fmt, ...)
{
    char command[1024];  /* run adds to it in 2048 */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(command, sizeof command, fmt, ap);
    va_end(ap);
    int status;
    char *out = run(command, &status);
    cr_assert_eq(status, 0, "%s: %s", command, out);
    return out;
}

/* A shell prefix that runs a command in at most 32 MB of address space
 * and 20 seconds, so that one that reads or allocates without end fails
 * at once rather than after filling the machine.  AddressSanitizer
 * reserves terabytes of address space for its own bookkeeping, so a
 * build with it runs under the time limit alone. */
#ifdef __SANITIZE_ADDRESS__
#define CAPPED "timeout 20 "
#else
#define CAPPED "ulimit -v 32768; timeout 20 "
#endif

/* How many lines s has. */
static inline int lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

#endif
