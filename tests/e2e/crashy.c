/*
 * crashy: a TAG-stage fixture plugin for the end-to-end suite (run.py).
 *
 * It misbehaves on demand, so the tests can drive the daemon's failure paths
 * with real articles:
 *
 *   crash_on = TEXT   abort() when the article contains TEXT (poison article)
 *   overflow_on = TEXT  recurse until the stack runs out (SIGSEGV on its
 *                     guard page) when the article contains TEXT
 *   fail_on  = TEXT   newsd_article_fail() + NEWSD_ERROR when it contains TEXT
 *   sleep_ms = N      sleep N ms per article, so a burst stays in flight
 *   hang_on  = TEXT   never return when the article contains TEXT (a stuck
 *                     call: the watchdog's case)
 *   hang_ms  = N      ... or return after N ms (a late call)
 *   tag      = NAME   tag every article it passes with NAME (weight 1.0)
 *
 * All keys are optional.  The state is read-only after init, so the plugin
 * is thread-safe.
 */
#include <newsd/plugin.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct crashy {
    char *crash_on;
    char *overflow_on;
    char *fail_on;
    char *tag;
    char *hang_on;
    long sleep_ms;
    long hang_ms;             /* 0: forever */
};

static void crashy_fini(void *state)
{
    struct crashy *c = state;

    if (!c)
        return;
    free(c->crash_on);
    free(c->overflow_on);
    free(c->fail_on);
    free(c->tag);
    free(c->hang_on);
    free(c);
}

/* Copy of a key's value, or NULL when the key is absent or empty.
 * Sets *oom when the copy could not be made. */
static char *dup_key(const newsd_config *conf, const char *key, int *oom)
{
    const char *v = newsd_config_get(conf, key);
    char *copy;

    if (!v || !*v)
        return NULL;
    copy = strdup(v);
    if (!copy)
        *oom = 1;
    return copy;
}

/* key = N (ms >= 0) into *out; absent leaves *out. */
static int parse_ms(const newsd_config *conf, const char *key, long *out)
{
    const char *ms = newsd_config_get(conf, key);
    char *end;
    long v;

    if (!ms)
        return 0;
    errno = 0;
    v = strtol(ms, &end, 10);
    if (errno || end == ms || *end || v < 0) {
        newsd_log(NEWSD_LOG_ERROR, "%s = %s: expected a whole number of milliseconds >= 0", key, ms);
        return -1;
    }
    *out = v;
    return 0;
}

static int crashy_init(const newsd_config *conf, void **state)
{
    struct crashy *c = calloc(1, sizeof(*c));
    int oom = 0;

    if (!c) {
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    c->crash_on = dup_key(conf, "crash_on", &oom);
    c->overflow_on = dup_key(conf, "overflow_on", &oom);
    c->fail_on = dup_key(conf, "fail_on", &oom);
    c->tag = dup_key(conf, "tag", &oom);
    c->hang_on = dup_key(conf, "hang_on", &oom);
    if (oom) {
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        crashy_fini(c);
        return NEWSD_ERROR;
    }

    if (parse_ms(conf, "sleep_ms", &c->sleep_ms) < 0 || parse_ms(conf, "hang_ms", &c->hang_ms) < 0) {
        crashy_fini(c);
        return NEWSD_ERROR;
    }

    *state = c;
    return NEWSD_OK;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

/* Never returns: each frame keeps a buffer the next call reads, so the
 * calls cannot become a loop, and n never reaches the end the compiler
 * cannot rule out. */
static unsigned long recurse(volatile unsigned long n)
{
    volatile char frame[512];
    frame[n % sizeof frame] = (char)n;
    if (n == (unsigned long)-1)
        return 0;
    return recurse(n + 1) + (unsigned long)frame[(n * 7) % sizeof frame];
}

static int crashy_process(void *state, enum newsd_stage stage, newsd_article *a)
{
    const struct crashy *c = state;

    (void)stage;
    if (c->sleep_ms > 0)
        sleep_ms(c->sleep_ms);
    if (c->crash_on && newsd_article_contains(a, c->crash_on))
        abort();
    if (c->overflow_on && newsd_article_contains(a, c->overflow_on))
        return (int)recurse(1);
    if (c->hang_on && newsd_article_contains(a, c->hang_on)) {
        if (c->hang_ms)
            sleep_ms(c->hang_ms);
        else   /* reads its state as it hangs: finalised under it, ASan says so */
            while (c->hang_on)
                sleep_ms(100);
    }
    if (c->fail_on && newsd_article_contains(a, c->fail_on)) {
        newsd_article_fail(a, "crashy: the article contains \"%s\" (fail_on)", c->fail_on);
        return NEWSD_ERROR;
    }
    if (c->tag)
        newsd_article_tag(a, c->tag, 1.0);
    return NEWSD_OK;
}

NEWSD_PLUGIN(
    .name = "crashy",
    .description = "e2e fixture: crashes, fails or sleeps on demand",
    .stages = NEWSD_STAGE_TAG,
    .flags = NEWSD_PLUGIN_THREAD_SAFE,
    .init = crashy_init,
    .process = crashy_process,
    .fini = crashy_fini,
);
