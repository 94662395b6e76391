/*
 * A plugin of ABI 1.0, built against the frozen 1.0 header
 * (tests/abi/include-1.0): its descriptor is the shorter 1.0 one, stamped
 * plain 1.  It must load and run in every newsd 1.x, unchanged.  It uses a
 * good part of what 1.0 offered, in the stages 1.0 allowed it.
 */
#include <newsd/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(NEWSD_ABI_MINOR) || NEWSD_ABI_VERSION != 1
#error "old_minor.c must be built against the 1.0 header in tests/abi/include-1.0"
#endif

struct old {
    char *word;
    double points;
};

static int old_init(const newsd_config *conf, void **state)
{
    struct old *o = calloc(1, sizeof *o);
    const char *w = newsd_config_get(conf, "word");
    if (!o || !w || !*w) {
        newsd_log(NEWSD_LOG_ERROR, "[plugin.%s] needs word = TEXT", newsd_config_name(conf));
        free(o);
        return NEWSD_ERROR;
    }
    if (newsd_config_get_double(conf, "points", 1.0, &o->points) != NEWSD_OK || !(o->word = strdup(w))) {
        free(o);
        return NEWSD_ERROR;
    }
    *state = o;
    return NEWSD_OK;
}

static int old_process(void *state, enum newsd_stage stage, newsd_article *a)
{
    struct old *o = state;
    if (stage == NEWSD_STAGE_TAG) {
        if (newsd_article_contains_word(a, o->word)) {
            char tag[128];
            snprintf(tag, sizeof tag, "old:%s", o->word);
            newsd_article_tag(a, tag, 1.0);
        }
        return newsd_article_set_meta(a, "old.abi", "1.0");
    }
    char tag[128];
    snprintf(tag, sizeof tag, "old:%s", o->word);
    if (newsd_article_tag_weight(a, tag) >= 0)
        newsd_article_score(a, "OLD_WORD", o->points, "the 1.0 plugin found its word");
    return NEWSD_OK;
}

static void old_fini(void *state)
{
    struct old *o = state;
    free(o->word);
    free(o);
}

NEWSD_PLUGIN(
    .name = "old_minor",
    .description = "a plugin built against plugin ABI 1.0 (tests)",
    .stages = NEWSD_STAGE_TAG | NEWSD_STAGE_SCORE,
    .init = old_init,
    .process = old_process,
    .fini = old_fini,
);
