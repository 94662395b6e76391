/* The [actions] table: thresholds on the score total (actions.h). */
#include "actions.h"
#include "xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_ALERT 6.0

void actions_default(struct action_table *t)
{
    memset(t, 0, sizeof *t);
    static const struct { const char *name; double min; } defaults[] = {
        {"alert", DEFAULT_ALERT}, {"archive", 0.0}, {"discard", -HUGE_VAL},
    };
    for (size_t i = 0; i < sizeof defaults / sizeof *defaults; i++) {
        snprintf(t->v[i].name, sizeof t->v[i].name, "%s", defaults[i].name);
        t->v[i].min = defaults[i].min;
    }
    t->n = sizeof defaults / sizeof *defaults;
    snprintf(t->hide, sizeof t->hide, "%s", "discard");
}

/* Lower-case letters, digits, '_' and '-', starting with a letter: a name
 * that reads the same in a URL, a shell and a sink's filter. */
static bool valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > ACTION_NAME_MAX || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return false;
    return true;
}

static int parse_threshold(const char *v, double *out)
{
    if (strcmp(v, "-inf") == 0) {
        *out = -HUGE_VAL;
        return 0;
    }
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (end == v || *end || errno || !isfinite(d))
        return -1;
    *out = d;
    return 0;
}

bool actions_has(const struct action_table *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i].name, name) == 0)
            return true;
    return false;
}

int actions_add(struct action_table *t, const char *key, const char *value, const char *where, char **err)
{
    if (strcmp(key, "hide") == 0) {
        if (*value && !valid_name(value)) {
            *err = xasprintf("[actions] hide = %s: expected the name of one action, or nothing", value);
            return -1;
        }
        snprintf(t->hide, sizeof t->hide, "%s", value);
        snprintf(t->hide_where, sizeof t->hide_where, "%s", where);
        t->hide_set = true;
        return 0;
    }
    if (!valid_name(key)) {
        *err = xasprintf("[actions] '%s' is not an action name (lower-case letters, digits, '_' and '-', "
                         "starting with a letter, at most %d bytes)", key, ACTION_NAME_MAX);
        return -1;
    }
    double min;
    if (parse_threshold(value, &min) < 0) {
        *err = xasprintf("[actions] %s = %s: expected the lowest score total that gets this action (a number), "
                         "or -inf for every total under the other thresholds", key, value);
        return -1;
    }
    struct action_def *d = NULL;
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i].name, key) == 0)
            d = &t->v[i];   /* a later file (conf.d) overrides */
    if (!d) {
        if (t->n == ACTIONS_MAX) {
            *err = xasprintf("[actions] %s: more than %d actions", key, ACTIONS_MAX);
            return -1;
        }
        d = &t->v[t->n++];
        snprintf(d->name, sizeof d->name, "%s", key);
    }
    d->min = min;
    snprintf(d->where, sizeof d->where, "%s", where);
    return 0;
}

static int by_threshold_desc(const void *a, const void *b)
{
    const struct action_def *x = a, *y = b;
    return x->min < y->min ? 1 : x->min > y->min ? -1 : 0;
}

/* "FILE:LINE: " of d, or "" */
static const char *at(const char *where, char *buf, size_t size)
{
    if (!*where)
        return "";
    snprintf(buf, size, "%s: ", where);
    return buf;
}

int actions_finish(struct action_table *t, char **err)
{
    char place[200];
    if (t->n == 0) {
        /* [actions] with only hide = ..., or none at all. */
        bool hide_set = t->hide_set;
        char hide[sizeof t->hide], hide_where[sizeof t->hide_where];
        memcpy(hide, t->hide, sizeof hide);
        memcpy(hide_where, t->hide_where, sizeof hide_where);
        actions_default(t);
        if (hide_set) {
            memcpy(t->hide, hide, sizeof hide);
            memcpy(t->hide_where, hide_where, sizeof hide_where);
            t->hide_set = true;
        }
    }
    qsort(t->v, t->n, sizeof *t->v, by_threshold_desc);
    for (size_t i = 1; i < t->n; i++)
        if (t->v[i].min == t->v[i - 1].min) {
            *err = xasprintf("%s[actions] %s and %s have the same threshold %g: an article could get either",
                             at(t->v[i].where, place, sizeof place), t->v[i - 1].name, t->v[i].name, t->v[i].min);
            return -1;
        }
    const struct action_def *lowest = &t->v[t->n - 1];
    if (lowest->min != -HUGE_VAL) {
        *err = xasprintf("%s[actions] no action for a total under %g (%s = %g is the lowest): give one action "
                         "-inf, e.g. archive = -inf, so that every article gets an action",
                         at(lowest->where, place, sizeof place), lowest->min, lowest->name, lowest->min);
        return -1;
    }
    if (*t->hide && !actions_has(t, t->hide)) {
        if (!t->hide_set) {
            t->hide[0] = '\0';   /* the default hides discard, when there is one */
        } else {
            *err = xasprintf("%s[actions] hide = %s: there is no action %s", at(t->hide_where, place, sizeof place),
                             t->hide, t->hide);
            return -1;
        }
    }
    return 0;
}

const char *actions_choose(const struct action_table *t, double total)
{
    if (t->n == 0) {
        /* A table nobody finished (a plugin set without a configuration):
         * the defaults, which name static strings. */
        if (total >= DEFAULT_ALERT)
            return "alert";
        return total >= 0 ? "archive" : "discard";
    }
    for (size_t i = 0; i < t->n; i++)
        if (total >= t->v[i].min)
            return t->v[i].name;
    return t->v[t->n - 1].name;
}
