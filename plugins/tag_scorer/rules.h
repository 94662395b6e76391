/*
 * tag_scorer's rules: what the keys of its section say, parsed and
 * checked (rules_parse.c), and applied to an article (rules_eval.c).
 *
 *   rule.NAME  = TAG or PREFIX*, POINTS [, MAX]     points per unit of tag weight
 *   watch.NAME = POINTS [, MAX] : NAME, @LIST, ...  points per watched entity
 *   watchlist.LIST = FILE                           names, one a line, reloaded when changed
 *   fresh.NAME = POINTS, HALF_LIFE                  points that halve every HALF_LIFE
 *   short.NAME = POINTS, WORDS                      when the body has fewer words
 *   group.NAME = CAP : RULE, RULE, ...              the rules' points together
 *
 * The parser knows nothing of newsd's configuration: it takes one key and
 * its value at a time and says what is wrong in words, so that the plugin
 * can name the file and line (newsd_config_error) and the unit tests can
 * drive it directly.
 */
#ifndef TAG_SCORER_RULES_H
#define TAG_SCORER_RULES_H

#include <stddef.h>

#include <newsd/plugin.h>

#include "watchlist.h"

enum rule_kind {
    RULE_TAG,
    RULE_WATCH,
    RULE_FRESH,
    RULE_SHORT,
};

struct rule {
    enum rule_kind kind;
    char *name;          /* "CHIP_MAKERS": the name in the score breakdown */
    char *key;           /* "rule.CHIP_MAKERS": the key that set it, for errors */
    double points;
    double max;          /* cap on |points|; HUGE_VAL when not given */
    int group;           /* index into ruleset.groups, or -1 */

    /* RULE_TAG */
    char *pattern;       /* as written, with its '*' if any */
    size_t match_len;    /* bytes of pattern to compare; the '*' excluded */
    int is_prefix;

    /* RULE_WATCH: the names written in the rule, and the lists it names
     * (@LIST; the ruleset's lists once rules_finish() ran) */
    struct nameset *names;
    char **list_refs;
    size_t n_list_refs;
    struct watchlist **lists;

    double half_life_s;  /* RULE_FRESH */
    unsigned min_words;  /* RULE_SHORT */
};

struct group {
    char *name;
    char *key;
    double cap;          /* > 0: the members' points together stay within [-cap, cap] */
    char *members;       /* the list as written, checked by rules_finish() */
};

struct ruleset {
    struct rule *rules;
    size_t n, cap;
    struct group *groups;
    size_t n_groups, cap_groups;
    struct watchlist **watchlists;   /* pointers: a list holds locks, which must not move */
    size_t n_watchlists;
};

/* Room for a message about one key. */
#define RULES_ERR_MAX WATCHLIST_ERR_MAX

/* 1 when key belongs to one of the rule families (rule., watch., ...). */
int rules_is_key(const char *key);

/* Add the rule or group of one key.  Returns 0, or -1 with err saying what
 * is wrong (not naming the key: the caller does, with its place) and the
 * ruleset unchanged.  A key that is no rule family's is an error too.  For
 * watchlist.LIST the value is the file's path, resolved by the caller; the
 * file is read here. */
int rules_add(struct ruleset *rs, const char *key, const char *value, char err[RULES_ERR_MAX]);

/* After every key: resolve the groups' members.  Returns 0, or -1 with
 * *bad_key the key at fault and err why. */
int rules_finish(struct ruleset *rs, const char **bad_key, char err[RULES_ERR_MAX]);

/* The syntax of key's family, for an error message ("rule.NAME = TAG or
 * PREFIX*, POINTS [, MAX]"). */
const char *rules_syntax(const char *key);

void rules_free(struct ruleset *rs);

/* "90", "30s", "45m", "12h", "2d", "1w" → seconds (> 0).  Returns 0 or -1. */
int rules_parse_duration(const char *s, double *out);

/* An ISO 8601 date or time as the record's published field holds it
 * ("2019-10-19", "2019-10-19T14:03:00+02:00", "...Z", fractions of a
 * second) → ms since the epoch.  Returns 0, or -1 for anything else. */
int rules_parse_time(const char *s, long long *ms);

/* Read the list files again that changed (watchlist_refresh()), logging
 * what happened; rules_apply() calls it. */
void rules_refresh_lists(const struct ruleset *rs);

/* rules_eval.c: add a score rule to a for every rule of rs that fires, in
 * the order of rs.  Returns NEWSD_OK, or NEWSD_ERROR after
 * newsd_article_fail(). */
int rules_apply(const struct ruleset *rs, newsd_article *a);

#endif
