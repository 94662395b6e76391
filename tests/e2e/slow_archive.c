/*
 * slow_archive: an archive plugin for the end-to-end suite whose queries
 * take their time, so that the control API's line of archive queries can
 * be filled on purpose.
 *
 *   answer_ms = N    every answer() sleeps N ms first (default 0)
 *   crash_on = TEXT  prepare() aborts when the article contains TEXT (a
 *                    poison article of an archive's worker-side half)
 *   hang_on = TEXT   prepare() never returns when the article contains TEXT
 *
 * It stores nothing (every article is "archived") and answers SEARCH with
 * no hits; anything else is NEWSD_QUERY_UNSUPPORTED.
 */
#include <newsd/plugin.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct slow {
    int64_t answer_ms;
    char *crash_on;   /* NULL: prepare() never aborts */
    char *hang_on;    /* NULL: prepare() always returns */
};

static int slow_init(const newsd_config *conf, void **state)
{
    struct slow *s = calloc(1, sizeof *s);
    if (!s)
        return NEWSD_ERROR;
    if (newsd_config_get_int(conf, "answer_ms", 0, 0, 600000, &s->answer_ms) != NEWSD_OK) {
        free(s);
        return NEWSD_ERROR;
    }
    const char *crash_on = newsd_config_get(conf, "crash_on");
    const char *hang_on = newsd_config_get(conf, "hang_on");
    if ((crash_on && *crash_on && !(s->crash_on = strdup(crash_on))) ||
        (hang_on && *hang_on && !(s->hang_on = strdup(hang_on)))) {
        free(s->crash_on);
        free(s);
        return NEWSD_ERROR;
    }
    *state = s;
    return NEWSD_OK;
}

static void slow_fini(void *state)
{
    struct slow *s = state;
    if (s) {
        free(s->crash_on);
        free(s->hang_on);
    }
    free(s);
}

static int slow_prepare(void *state, newsd_article *a)
{
    const struct slow *s = state;
    if (s->crash_on && newsd_article_contains(a, s->crash_on))
        abort();
    if (s->hang_on && newsd_article_contains(a, s->hang_on)) {
        struct timespec t = {.tv_sec = 0, .tv_nsec = 100000000L};
        for (;;)
            nanosleep(&t, NULL);
    }
    return NEWSD_OK;
}

static int slow_archive(void *state, newsd_article *a)
{
    (void)state;
    (void)a;
    return NEWSD_OK;
}

static int slow_commit(void *state)
{
    (void)state;
    return NEWSD_OK;
}

static int slow_answer(void *state, const struct newsd_query *q, newsd_answer *ans)
{
    const struct slow *s = state;
    struct timespec t = {.tv_sec = (time_t)(s->answer_ms / 1000), .tv_nsec = (long)(s->answer_ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) != 0)
        ;
    if (q->op != NEWSD_QUERY_SEARCH)
        return newsd_answer_fail(ans, NEWSD_QUERY_UNSUPPORTED, "slow_archive answers search only");
    newsd_answer_total(ans, 0);
    return NEWSD_QUERY_OK;
}

NEWSD_PLUGIN(
    .name = "slow_archive",
    .description = "an archive whose queries sleep (e2e tests of the control API's limits)",
    .stages = NEWSD_STAGE_ARCHIVE,
    .init = slow_init,
    .archive = slow_archive,
    .commit = slow_commit,
    .answer = slow_answer,
    .fini = slow_fini,
    .prepare = slow_prepare,
);
