/* tag_scorer: reading the rule keys (rules.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strdup() */
#endif
#include "rules.h"
#include "trim.h"

#include <newsd/plugin.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The longest list a value may hold (watch names, group members). */
#define LIST_MAX 10000

struct family {
    const char *prefix;
    const char *syntax;
};

/* The one table of families: their prefixes and how their values read. */
static const struct family FAMILIES[] = {
    {"rule.", "rule.NAME = TAG or PREFIX*, POINTS [, MAX]"},
    {"watch.", "watch.NAME = POINTS [, MAX] : ENTITY, ENTITY, ..."},
    {"fresh.", "fresh.NAME = POINTS, HALF_LIFE (such as 12h or 2d)"},
    {"short.", "short.NAME = POINTS, WORDS"},
    {"group.", "group.NAME = CAP : RULE, RULE, ..."},
    {"watchlist.", "watchlist.LIST = FILE (one name a line; watch rules name it as @LIST)"},
};
#define N_FAMILIES (sizeof FAMILIES / sizeof *FAMILIES)
enum { FAM_RULE, FAM_WATCH, FAM_FRESH, FAM_SHORT, FAM_GROUP, FAM_WATCHLIST };

static int family_of(const char *key)
{
    for (size_t i = 0; i < N_FAMILIES; i++)
        if (strncmp(key, FAMILIES[i].prefix, strlen(FAMILIES[i].prefix)) == 0)
            return (int)i;
    return -1;
}

int rules_is_key(const char *key)
{
    return family_of(key) >= 0;
}

const char *rules_syntax(const char *key)
{
    int f = family_of(key);
    return f < 0 ? FAMILIES[0].syntax : FAMILIES[f].syntax;
}

static int fail(char err[RULES_ERR_MAX], const char *fmt, ...) NEWSD_PRINTF(2, 3);

static int fail(char err[RULES_ERR_MAX], const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, RULES_ERR_MAX, fmt, ap);
    va_end(ap);
    return -1;
}

/* A finite number and nothing else. */
static int parse_number(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* Split s (in place) at commas into at most max trimmed fields. */
static int split(char *s, char **fields, size_t max, size_t *n)
{
    *n = 0;
    for (char *p = s;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (*n == max)
            return -1;
        fields[(*n)++] = trim(p);
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

/* Names in the breakdown are the record's: printable, no blanks. */
static int check_name(const char *key, const char *name, char err[RULES_ERR_MAX])
{
    if (!*name)
        return fail(err, "the name after '%.*s' is missing", (int)(strchr(key, '.') - key + 1), key);
    if (!newsd_utf8_valid(name, strlen(name)))
        return fail(err, "not valid UTF-8 (save the configuration as UTF-8)");
    for (const char *c = name; *c; c++)
        if ((unsigned char)*c <= ' ' || *c == ',' || *c == ':')
            return fail(err, "the name '%s' holds a blank, ',' or ':'", name);
    return 0;
}

static int name_taken(const struct ruleset *rs, const char *name, int group)
{
    if (group) {
        for (size_t i = 0; i < rs->n_groups; i++)
            if (strcmp(rs->groups[i].name, name) == 0)
                return 1;
        return 0;
    }
    for (size_t i = 0; i < rs->n; i++)
        if (strcmp(rs->rules[i].name, name) == 0)
            return 1;
    return 0;
}

/* "NUMBERS : LIST" → the two halves (in place); -1 when there is no ':'. */
static int split_colon(char *value, char **head, char **list)
{
    char *colon = strchr(value, ':');
    if (!colon)
        return -1;
    *colon = '\0';
    *head = trim(value);
    *list = trim(colon + 1);
    return 0;
}

/* POINTS [, MAX] of rule and watch. */
static int points_max(char **f, size_t n, struct rule *r, char err[RULES_ERR_MAX])
{
    if (parse_number(f[0], &r->points) < 0)
        return fail(err, "POINTS '%s' is not a number", f[0]);
    r->max = HUGE_VAL;
    if (n == 2 && (parse_number(f[1], &r->max) < 0 || r->max < 0))
        return fail(err, "MAX '%s' is not a number >= 0", f[1]);
    return 0;
}

static int parse_tag_rule(char *v, struct rule *r, char err[RULES_ERR_MAX])
{
    char *f[3];
    size_t n;
    if (split(v, f, 3, &n) < 0)
        return fail(err, "too many fields");
    if (n < 2)
        return fail(err, "POINTS is missing");
    size_t len = strlen(f[0]);
    if (len == 0)
        return fail(err, "the tag pattern is empty");
    if (!newsd_utf8_valid(f[0], len))
        return fail(err, "not valid UTF-8 (save the configuration as UTF-8)");
    const char *star = strchr(f[0], '*');
    if (star && star != f[0] + len - 1)
        return fail(err, "'*' may only end the pattern, as in entity:org/*");
    if (star && len == 1)
        return fail(err, "the pattern '*' alone would match every tag: give a prefix, as in keyword:*");
    r->is_prefix = star != NULL;
    r->match_len = star ? len - 1 : len;
    if (points_max(f + 1, n - 1, r, err) < 0)
        return -1;
    r->pattern = strdup(f[0]);
    return r->pattern ? 0 : fail(err, "out of memory");
}

/* A list of items (in place) into a NULL-terminated array of copies. */
static int copy_list(char *list, char ***out, size_t *n_out, const char *what, char err[RULES_ERR_MAX])
{
    size_t n = 1;
    for (const char *c = list; *c; c++)
        n += *c == ',' || *c == '\n';
    if (n > LIST_MAX)
        return fail(err, "more than %d %s", LIST_MAX, what);
    char **items = calloc(n + 1, sizeof *items);
    if (!items)
        return fail(err, "out of memory");
    size_t k = 0;
    for (char *p = list; p;) {
        char *sep = p + strcspn(p, ",\n");
        char *next = *sep ? sep + 1 : NULL;
        *sep = '\0';
        char *item = trim(p);
        p = next;
        if (!*item)
            continue;
        if (!newsd_utf8_valid(item, strlen(item))) {
            for (size_t i = 0; i < k; i++)
                free(items[i]);
            free(items);
            return fail(err, "not valid UTF-8 (save the configuration as UTF-8)");
        }
        if (!(items[k++] = strdup(item))) {
            for (size_t i = 0; i + 1 < k; i++)
                free(items[i]);
            free(items);
            return fail(err, "out of memory");
        }
    }
    if (k == 0) {
        free(items);
        return fail(err, "the list of %s after ':' is empty", what);
    }
    *out = items;
    *n_out = k;
    return 0;
}

/* The watched names of a rule: names into a set, @LIST into list_refs
 * (resolved by rules_finish()). */
static int watch_items(char **items, size_t n, struct rule *r, char err[RULES_ERR_MAX])
{
    if (!(r->names = nameset_new()) || !(r->list_refs = calloc(n, sizeof *r->list_refs)))
        return fail(err, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const char *item = items[i];
        if (*item == '@') {
            if (!item[1])
                return fail(err, "'@' without the name of a watchlist.LIST key");
            if (!(r->list_refs[r->n_list_refs] = strdup(item + 1)))
                return fail(err, "out of memory");
            r->n_list_refs++;
            continue;
        }
        const char *bare = strncmp(item, "entity:", 7) == 0 ? item + 7 : item;
        if (!*bare || bare[strlen(bare) - 1] == '/')
            return fail(err, "an entity name is empty");
        if (strlen(bare) > 256)
            return fail(err, "an entity name is longer than 256 bytes");
        if (nameset_add(r->names, bare) < 0)
            return fail(err, "out of memory");
    }
    return 0;
}

static int parse_watch(char *v, struct rule *r, char err[RULES_ERR_MAX])
{
    char *head, *list, *f[3];
    size_t n;
    if (split_colon(v, &head, &list) < 0)
        return fail(err, "':' and the watched names are missing");
    if (split(head, f, 2, &n) < 0)
        return fail(err, "too many fields before ':'");
    if (!*f[0])
        return fail(err, "POINTS is missing");
    char **items = NULL;
    size_t n_items = 0;
    if (points_max(f, n, r, err) < 0 || copy_list(list, &items, &n_items, "entity names", err) < 0)
        return -1;
    int rc = watch_items(items, n_items, r, err);
    for (size_t i = 0; i < n_items; i++)
        free(items[i]);
    free(items);
    return rc;
}

static int parse_fresh(char *v, struct rule *r, char err[RULES_ERR_MAX])
{
    char *f[2];
    size_t n;
    if (split(v, f, 2, &n) < 0)
        return fail(err, "too many fields");
    if (n < 2)
        return fail(err, "HALF_LIFE is missing");
    if (parse_number(f[0], &r->points) < 0)
        return fail(err, "POINTS '%s' is not a number", f[0]);
    if (rules_parse_duration(f[1], &r->half_life_s) < 0)
        return fail(err, "HALF_LIFE '%s' is not a duration such as 90s, 45m, 12h, 2d or 1w", f[1]);
    r->max = HUGE_VAL;
    return 0;
}

static int parse_short(char *v, struct rule *r, char err[RULES_ERR_MAX])
{
    char *f[2];
    size_t n;
    double words;
    if (split(v, f, 2, &n) < 0)
        return fail(err, "too many fields");
    if (n < 2)
        return fail(err, "WORDS is missing");
    if (parse_number(f[0], &r->points) < 0)
        return fail(err, "POINTS '%s' is not a number", f[0]);
    if (parse_number(f[1], &words) < 0 || words < 1 || words > 1e6 || words != floor(words))
        return fail(err, "WORDS '%s' is not a whole number from 1 to 1000000", f[1]);
    r->min_words = (unsigned)words;
    r->max = HUGE_VAL;
    return 0;
}

static int parse_group(char *v, struct group *g, char err[RULES_ERR_MAX])
{
    char *head, *list;
    if (split_colon(v, &head, &list) < 0)
        return fail(err, "':' and the rules of the group are missing");
    if (parse_number(head, &g->cap) < 0 || g->cap <= 0)
        return fail(err, "CAP '%s' is not a number > 0", head);
    if (!*list)
        return fail(err, "the list of rules after ':' is empty");
    g->members = strdup(list);
    return g->members ? 0 : fail(err, "out of memory");
}

static void rule_release(struct rule *r)
{
    free(r->name);
    free(r->key);
    free(r->pattern);
    nameset_free(r->names);
    for (size_t i = 0; i < r->n_list_refs; i++)
        free(r->list_refs[i]);
    free(r->list_refs);
    free(r->lists);
}

static void group_release(struct group *g)
{
    free(g->name);
    free(g->key);
    free(g->members);
}

static int add_group(struct ruleset *rs, const char *key, const char *name, char *copy, char err[RULES_ERR_MAX])
{
    if (name_taken(rs, name, 1))
        return fail(err, "the group %s is set twice", name);
    struct group g = {0};
    if (parse_group(copy, &g, err) < 0) {
        group_release(&g);
        return -1;
    }
    if (rs->n_groups == rs->cap_groups) {
        size_t cap = rs->cap_groups ? 2 * rs->cap_groups : 4;
        struct group *v = realloc(rs->groups, cap * sizeof *v);
        if (!v) {
            group_release(&g);
            return fail(err, "out of memory");
        }
        rs->groups = v;
        rs->cap_groups = cap;
    }
    g.name = strdup(name);
    g.key = strdup(key);
    if (!g.name || !g.key) {
        group_release(&g);
        return fail(err, "out of memory");
    }
    rs->groups[rs->n_groups++] = g;
    return 0;
}

static int add_watchlist(struct ruleset *rs, const char *key, const char *name, const char *path,
                         char err[RULES_ERR_MAX])
{
    for (size_t i = 0; i < rs->n_watchlists; i++)
        if (strcmp(rs->watchlists[i]->name, name) == 0)
            return fail(err, "the watchlist %s is set twice", name);
    if (!*path)
        return fail(err, "the file name is missing");
    struct watchlist **v = realloc(rs->watchlists, (rs->n_watchlists + 1) * sizeof *v);
    if (!v)
        return fail(err, "out of memory");
    rs->watchlists = v;
    struct watchlist *w = calloc(1, sizeof *w);
    if (!w)
        return fail(err, "out of memory");
    if (watchlist_open(w, name, key, path, err) < 0) {
        watchlist_close(w);
        free(w);
        return -1;
    }
    rs->watchlists[rs->n_watchlists++] = w;
    return 0;
}

int rules_add(struct ruleset *rs, const char *key, const char *value, char err[RULES_ERR_MAX])
{
    int fam = family_of(key);
    if (fam < 0)
        return fail(err, "not a rule (keys start with rule., watch., watchlist., fresh., short. or group.)");
    const char *name = key + strlen(FAMILIES[fam].prefix);
    if (check_name(key, name, err) < 0)
        return -1;
    if (fam == FAM_WATCHLIST)
        return add_watchlist(rs, key, name, value ? value : "", err);
    char *copy = strdup(value ? value : "");
    if (!copy)
        return fail(err, "out of memory");
    int rc;
    if (fam == FAM_GROUP) {
        rc = add_group(rs, key, name, copy, err);
        free(copy);
        return rc;
    }
    if (name_taken(rs, name, 0)) {
        free(copy);
        return fail(err, "a rule named %s is already set (rule names are shared by rule., watch., fresh. "
                         "and short.)", name);
    }
    struct rule r = {.group = -1};
    static const enum rule_kind kinds[] = {[FAM_RULE] = RULE_TAG, [FAM_WATCH] = RULE_WATCH,
                                           [FAM_FRESH] = RULE_FRESH, [FAM_SHORT] = RULE_SHORT};
    r.kind = kinds[fam];
    switch (r.kind) {
    case RULE_TAG: rc = parse_tag_rule(copy, &r, err); break;
    case RULE_WATCH: rc = parse_watch(copy, &r, err); break;
    case RULE_FRESH: rc = parse_fresh(copy, &r, err); break;
    default: rc = parse_short(copy, &r, err); break;
    }
    free(copy);
    if (rc == 0 && rs->n == rs->cap) {
        size_t cap = rs->cap ? 2 * rs->cap : 8;
        struct rule *v = realloc(rs->rules, cap * sizeof *v);
        if (!v)
            rc = fail(err, "out of memory");
        else {
            rs->rules = v;
            rs->cap = cap;
        }
    }
    if (rc == 0) {
        r.name = strdup(name);
        r.key = strdup(key);
        if (!r.name || !r.key)
            rc = fail(err, "out of memory");
    }
    if (rc < 0) {
        rule_release(&r);
        return -1;
    }
    rs->rules[rs->n++] = r;
    return 0;
}

static struct rule *find_rule(struct ruleset *rs, const char *name)
{
    for (size_t i = 0; i < rs->n; i++)
        if (strcmp(rs->rules[i].name, name) == 0)
            return &rs->rules[i];
    return NULL;
}

/* @LIST of the watch rules → the lists themselves. */
static int resolve_lists(struct ruleset *rs, const char **bad_key, char err[RULES_ERR_MAX])
{
    for (size_t i = 0; i < rs->n; i++) {
        struct rule *r = &rs->rules[i];
        if (!r->n_list_refs)
            continue;
        *bad_key = r->key;
        if (!(r->lists = calloc(r->n_list_refs, sizeof *r->lists)))
            return fail(err, "out of memory");
        for (size_t k = 0; k < r->n_list_refs; k++) {
            size_t j = 0;
            while (j < rs->n_watchlists && strcmp(rs->watchlists[j]->name, r->list_refs[k]) != 0)
                j++;
            if (j == rs->n_watchlists)
                return fail(err, "@%s names no list: add watchlist.%s = FILE", r->list_refs[k], r->list_refs[k]);
            r->lists[k] = rs->watchlists[j];
        }
    }
    return 0;
}

int rules_finish(struct ruleset *rs, const char **bad_key, char err[RULES_ERR_MAX])
{
    if (resolve_lists(rs, bad_key, err) < 0)
        return -1;
    for (size_t g = 0; g < rs->n_groups; g++) {
        struct group *grp = &rs->groups[g];
        char **members;
        size_t n;
        *bad_key = grp->key;
        if (copy_list(grp->members, &members, &n, "rules", err) < 0)
            return -1;
        int rc = 0;
        for (size_t i = 0; i < n && rc == 0; i++) {
            struct rule *r = find_rule(rs, members[i]);
            if (!r)
                rc = fail(err, "no rule is named %s (give the NAME of a rule.NAME, watch.NAME, fresh.NAME or "
                               "short.NAME key)", members[i]);
            else if (r->group >= 0 && (size_t)r->group != g)
                rc = fail(err, "%s is already in the group %s: a rule belongs to one group at most",
                          members[i], rs->groups[r->group].name);
            else
                r->group = (int)g;
        }
        for (size_t i = 0; i < n; i++)
            free(members[i]);
        free(members);
        if (rc < 0)
            return -1;
    }
    *bad_key = NULL;
    return 0;
}

void rules_free(struct ruleset *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        rule_release(&rs->rules[i]);
    for (size_t i = 0; i < rs->n_groups; i++)
        group_release(&rs->groups[i]);
    for (size_t i = 0; i < rs->n_watchlists; i++) {
        watchlist_close(rs->watchlists[i]);
        free(rs->watchlists[i]);
    }
    free(rs->watchlists);
    free(rs->rules);
    free(rs->groups);
    memset(rs, 0, sizeof *rs);
}
