/*
 * What the daemon logs (on stderr, with one write() a line) between
 * capture_start() and capture_end(), for tests that check a log line.
 * Include after cmocka.h.
 */
#ifndef NEWSD_TEST_LOG_CAPTURE_H
#define NEWSD_TEST_LOG_CAPTURE_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int saved_stderr = -1;
static FILE *captured;
static char log_text[4096];

static inline void capture_start(void)
{
    captured = tmpfile();
    assert_non_null(captured);
    saved_stderr = dup(STDERR_FILENO);
    assert_true(saved_stderr >= 0);
    assert_true(dup2(fileno(captured), STDERR_FILENO) >= 0);
}

static inline const char *capture_end(void)
{
    assert_true(dup2(saved_stderr, STDERR_FILENO) >= 0);
    close(saved_stderr);
    rewind(captured);
    size_t n = fread(log_text, 1, sizeof log_text - 1, captured);
    log_text[n] = '\0';
    fclose(captured);
    return log_text;
}

/* How many times needle occurs in the captured text. */
static inline int capture_count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

#endif
