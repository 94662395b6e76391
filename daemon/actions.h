/*
 * Actions: what newsd does with an article, chosen from its score total
 * once the SCORE stage is over (the [actions] section, docs/operations.md).
 *
 *   [actions]
 *   alert = 6          ; a total of 6 or more
 *   archive = 0        ; 0 or more (and under 6)
 *   discard = -inf     ; everything under 0
 *   hide = discard     ; left out of newsctl list unless asked for
 *
 * Each action has the lowest total that gets it; an article takes the
 * action with the highest threshold its total reaches.  One action must
 * have -inf, so that every total has one.  Without an [actions] section
 * the table above is the default.
 */
#ifndef NEWSD_ACTIONS_H
#define NEWSD_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

/* An action name: a short word a person and a sink filter can type. */
#define ACTION_NAME_MAX 32
#define ACTIONS_MAX 16

struct action_def {
    char name[ACTION_NAME_MAX + 1];
    double min;            /* the lowest total that gets it; -HUGE_VAL for the catch-all */
    char where[160];       /* "FILE:LINE" of its key, for later errors ("" when built in) */
};

struct action_table {
    struct action_def v[ACTIONS_MAX];   /* highest threshold first once checked */
    size_t n;                           /* 0: the built-in defaults */
    char hide[ACTION_NAME_MAX + 1];     /* "" : none hidden */
    bool hide_set;                      /* hide was given */
    char hide_where[160];
};

/* The built-in table (alert = 6, archive = 0, discard = -inf, hide =
 * discard). */
void actions_default(struct action_table *t);

/* One key of [actions] (where = "FILE:LINE", may be ""): NAME = NUMBER or
 * -inf, or hide = NAME (empty: none).  Returns 0, or -1 with *err
 * (malloc'd) saying what is wrong with the key; the caller adds the place
 * when it has none. */
int actions_add(struct action_table *t, const char *key, const char *value, const char *where, char **err);

/* After the whole configuration is read: sort by threshold and check that
 * every total has an action and that hide names one.  An empty table
 * becomes the defaults.  Returns 0, or -1 with *err (malloc'd) naming the
 * file, the line and the cause. */
int actions_finish(struct action_table *t, char **err);

/* The action of a score total (never NULL; t checked by actions_finish, or
 * empty for the defaults). */
const char *actions_choose(const struct action_table *t, double total);

/* True when name is one of t's actions. */
bool actions_has(const struct action_table *t, const char *name);

#endif
