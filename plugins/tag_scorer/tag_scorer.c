/*
 * tag_scorer: the scoring rules of an operator's configuration.
 *
 *   rule.AI_CHIPS    = topic:ai-chips, 3.0              ; TAG, POINTS
 *   rule.KEYWORDS    = keyword:*, 0.5, 3.0               ; PREFIX*, POINTS, MAX
 *   rule.REPEAT      = dup:of, -4.0                      ; penalties are negative points
 *   watch.RIVALS     = 1.5, 4 : Huawei, org/Nvidia       ; POINTS [, MAX] : ENTITIES
 *   watch.PEOPLE     = 1.0 : @people                     ; @LIST: the names of a list file
 *   watchlist.people = people.txt                        ; one name a line, reloaded when changed
 *   fresh.FRESH      = 2.0, 12h                          ; POINTS, HALF_LIFE
 *   short.SHORT      = -3.0, 80                          ; POINTS, WORDS
 *   group.COMPANIES  = 4 : CHIP_MAKERS, RIVALS           ; CAP : RULES
 *
 * A tag rule sums the weights of the matching tags (a pattern that ends in
 * '*' matches every tag that starts with what precedes it, any other one
 * tag exactly) and scores POINTS * sum, at most MAX (for negative POINTS:
 * at least -MAX).  A watch rule does the same for the entity tags
 * (entity:KIND/NAME) of the names it lists, and of the list files it
 * names (watchlist.h: read again within a second of a change).  A fresh rule gives POINTS
 * halved for every HALF_LIFE between the article's published time and its
 * arrival; a short rule POINTS when the body has fewer than WORDS words.
 * A group keeps its rules' points together within [-CAP, CAP].  Every rule
 * that fires is one line of the score breakdown with a reason
 * (docs/plugins.md, "tag_scorer").
 *
 * The rules are read-only after init and the lists swap under their own
 * locks, so process() is thread-safe.
 */
#include "rules.h"

#include <newsd/plugin.h>

#include <stdlib.h>
#include <string.h>

static void scorer_fini(void *state)
{
    struct ruleset *rs = state;
    if (!rs)
        return;
    rules_free(rs);
    free(rs);
}

/* Every error names the file, the line, the section and the key
 * (newsd_config_error), then what the key's family expects. */
static int read_rules(const newsd_config *conf, struct ruleset *rs)
{
    size_t count = newsd_config_count(conf);
    char err[RULES_ERR_MAX];
    for (size_t i = 0; i < count; i++) {
        const char *key, *value;
        if (newsd_config_at(conf, i, &key, &value) != NEWSD_OK || !rules_is_key(key))
            continue; /* so, required, ...: read by newsd itself */
        /* A list file is found beside the INI file that names it. */
        char *path = strncmp(key, "watchlist.", 10) == 0 ? newsd_config_path(conf, key) : NULL;
        int rc = rules_add(rs, key, path ? path : value, err);
        free(path);
        if (rc < 0)
            return newsd_config_error(conf, key, "%s (expected: %s)", err, rules_syntax(key));
    }
    const char *bad_key;
    if (rules_finish(rs, &bad_key, err) < 0)
        return newsd_config_error(conf, bad_key, "%s (expected: %s)", err, rules_syntax(bad_key));
    if (rs->n == 0)
        return newsd_config_error(conf, NULL, "no rules: add lines such as rule.AI_CHIPS = topic:ai-chips, 3.0");
    return NEWSD_OK;
}

static int scorer_init(const newsd_config *conf, void **state)
{
    struct ruleset *rs = calloc(1, sizeof *rs);
    if (!rs) {
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    if (read_rules(conf, rs) != NEWSD_OK) {
        scorer_fini(rs);
        return NEWSD_ERROR;
    }
    *state = rs;
    return NEWSD_OK;
}

static int scorer_process(void *state, enum newsd_stage stage, newsd_article *a)
{
    (void)stage;
    return rules_apply(state, a);
}

/* The keys init() reads: newsd refuses any other (since 1.2). */
static const struct newsd_config_key scorer_keys[] = {
    {"rule.", "rule.NAME = TAG or PREFIX*, POINTS [, MAX]"},
    {"watch.", "watch.NAME = POINTS [, MAX] : ENTITY, ENTITY, ..."},
    {"fresh.", "fresh.NAME = POINTS, HALF_LIFE"},
    {"short.", "short.NAME = POINTS, WORDS"},
    {"group.", "group.NAME = CAP : RULE, RULE, ..."},
    {"watchlist.", "watchlist.LIST = FILE: names for watch rules' @LIST, one a line"},
    {NULL, NULL},
};

NEWSD_PLUGIN(
    .name = "tag_scorer",
    .description = "scores articles by rules: tags, watched entities, freshness, length, groups with caps",
    .stages = NEWSD_STAGE_SCORE,
    .flags = NEWSD_PLUGIN_THREAD_SAFE,
    .init = scorer_init,
    .process = scorer_process,
    .fini = scorer_fini,
    .config_keys = scorer_keys,
);
