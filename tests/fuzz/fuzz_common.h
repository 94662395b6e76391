/*
 * What the libFuzzer targets share: quiet logs, a scratch folder that goes
 * away at exit, and the checks that turn a broken promise of the code
 * under test into a crash libFuzzer keeps the input of.
 */
#ifndef NEWSD_FUZZ_COMMON_H
#define NEWSD_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* The entry points libFuzzer calls (declared here for -Wmissing-prototypes). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Logs off (a rejected input logs a line, millions of times), unless
 * NEWSD_FUZZ_LOG is set in the environment. */
void fuzz_quiet(void);

/* A new folder under $TMPDIR (or /tmp), removed with everything in it when
 * the process exits normally.  Aborts when it cannot be made. */
const char *fuzz_scratch_dir(void);

/* Write len bytes to path (created or truncated); aborts on failure. */
void fuzz_write_file(const char *path, const void *data, size_t len);

/* A NUL-terminated copy of len bytes (malloc'd). */
char *fuzz_strndup(const uint8_t *data, size_t len);

/* abort() with a message when cond is false: the input broke a promise. */
#define FUZZ_CHECK(cond, ...) fuzz_check((cond), #cond, __FILE__, __LINE__, __VA_ARGS__)
void fuzz_check(int cond, const char *expr, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
