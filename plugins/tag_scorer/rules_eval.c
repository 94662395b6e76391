/*
 * tag_scorer: applying the rules to an article (rules.h).
 *
 * Each rule that fires adds one line to the score breakdown: its name, its
 * points and a reason a person understands.  A rule in a group gets what
 * is left of the group's cap: the group's points together never leave
 * [-CAP, CAP], and a rule cut by the cap says so in its reason (with 0
 * points when nothing was left: it fired, and the reader sees why it
 * counts for nothing).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "rules.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Reasons are one line for a person; longer lists end in "(+N more)". */
#define REASON_MAX 200
/* Freshness under this share of its points is not worth a line. */
#define FRESH_FLOOR 0.01

/* snprintf may cut a UTF-8 sequence in half: drop what is left of it so
 * that the reason stays valid UTF-8. */
static void drop_partial_utf8(char *s)
{
    size_t len = strlen(s), i = len;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (len - (i - 1) < need)
        s[i - 1] = '\0';
}

/* A reason being built in a fixed buffer; appends that do not fit are
 * counted instead of written. */
struct reason {
    char text[REASON_MAX + 1];
    size_t len;
    size_t left_out;
};

static void reason_head(struct reason *r, const char *fmt, ...) NEWSD_PRINTF(2, 3);

static void reason_head(struct reason *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->text, sizeof r->text, fmt, ap);
    va_end(ap);
    drop_partial_utf8(r->text);
    r->len = strlen(r->text);
}

/* Append item (with a ", " before all but the first) if it still fits with
 * room for a "(+N more)" suffix; else count it. */
static void reason_add_item(struct reason *r, const char *item, int first)
{
    const size_t reserve = sizeof " (+999 more)";
    size_t need = strlen(item) + (first ? 0 : 2);
    if (r->left_out || r->len + need + reserve > REASON_MAX) {
        r->left_out++;
        return;
    }
    r->len += (size_t)snprintf(r->text + r->len, sizeof r->text - r->len, "%s%s", first ? "" : ", ", item);
}

static void reason_finish(struct reason *r)
{
    if (r->left_out)
        snprintf(r->text + r->len, sizeof r->text - r->len, " (+%zu more)", r->left_out);
}

/* "Huawei" or "Shanghai Biren (0.60)": a tag's name part and its weight
 * when that is not 1. */
static void weighted_item(char *out, size_t size, const char *name, double weight)
{
    if (weight == 1.0)
        snprintf(out, size, "%s", name);
    else
        snprintf(out, size, "%s (%.2f)", name, weight);
}

/* ---- tag rules and watch lists --------------------------------------------- */

typedef int (*tag_match_fn)(const struct rule *r, const char *tag);

static int tag_matches(const struct rule *r, const char *name)
{
    if (r->is_prefix)
        return strncmp(name, r->pattern, r->match_len) == 0;
    return strcmp(name, r->pattern) == 0;
}

/* Does the entity tag "entity:KIND/NAME" name one of the watched: in the
 * rule's own names or in one of its lists (watchlist.h)? */
static int watched(const struct rule *r, const char *tag)
{
    if (nameset_has_entity(r->names, tag))
        return 1;
    for (size_t i = 0; i < r->n_list_refs; i++)
        if (watchlist_has_entity(r->lists[i], tag))
            return 1;
    return 0;
}

static size_t count_matching(const struct rule *r, const newsd_article *a, tag_match_fn match)
{
    size_t count = newsd_article_tag_count(a), matched = 0;
    for (size_t i = 0; i < count; i++) {
        struct newsd_tag t;
        if (newsd_article_tag_at(a, i, &t) == NEWSD_OK && match(r, t.name))
            matched++;
    }
    return matched;
}

/* Append the matching tags to why (each without its first skip bytes, the
 * whole name when nothing would be left) and sum their weights. */
static double list_matching(const struct rule *r, const newsd_article *a, tag_match_fn match, size_t skip,
                            struct reason *why)
{
    size_t count = newsd_article_tag_count(a);
    double sum = 0;
    int first = 1;
    for (size_t i = 0; i < count; i++) {
        struct newsd_tag t;
        if (newsd_article_tag_at(a, i, &t) != NEWSD_OK || !match(r, t.name))
            continue;
        char item[REASON_MAX + 1];
        const char *rest = t.name + skip;
        weighted_item(item, sizeof item, *rest ? rest : t.name, t.weight);
        reason_add_item(why, item, first);
        first = 0;
        sum += t.weight;
    }
    reason_finish(why);
    return sum;
}

/* "3 tags match keyword:*: KI-Chip, Halbleiter, chipmaker". */
static double sum_prefix_matches(const struct rule *r, const newsd_article *a, struct reason *why)
{
    size_t n = count_matching(r, a, tag_matches);
    if (n == 0)
        return 0;
    reason_head(why, "%zu tag%s match%s %s: ", n, n == 1 ? "" : "s", n == 1 ? "es" : "", r->pattern);
    return list_matching(r, a, tag_matches, r->match_len, why);
}

/* An exact rule matches at most one tag: "topic:ai-chips (weight 1.00)". */
static double exact_match(const struct rule *r, const newsd_article *a, struct reason *why)
{
    double w = newsd_article_tag_weight(a, r->pattern);
    if (w < 0)
        return 0;
    reason_head(why, "%s (weight %.2f)", r->pattern, w);
    return w;
}

/* "2 watched entities: org/Huawei, org/Nvidia (0.60)". */
static double watch_matches(const struct rule *r, const newsd_article *a, struct reason *why)
{
    size_t n = count_matching(r, a, watched);
    if (n == 0)
        return 0;
    reason_head(why, "%zu watched entit%s: ", n, n == 1 ? "y" : "ies");
    return list_matching(r, a, watched, strlen("entity:"), why);
}

/* ---- freshness and length ------------------------------------------------- */

/* "3.5 h", "2 d": an age as a person reads it. */
static void describe_age(double s, char *out, size_t size)
{
    if (s < 3600)
        snprintf(out, size, "%.0f min", s / 60);
    else if (s < 2 * 86400)
        snprintf(out, size, "%.1f h", s / 3600);
    else
        snprintf(out, size, "%.1f d", s / 86400);
}

/* The share of the points left after the article's age (published to
 * received), or 0 when there is no date to go by. */
static double freshness(const struct rule *r, const newsd_article *a, struct reason *why)
{
    const char *published = newsd_article_get(a, NEWSD_FIELD_PUBLISHED);
    long long pub_ms;
    if (!*published || rules_parse_time(published, &pub_ms) < 0)
        return 0;
    double age_s = (double)(newsd_article_received_ms(a) - pub_ms) / 1000;
    if (age_s < 0)
        age_s = 0;   /* "published" ahead of the clock: as fresh as it gets */
    double share = pow(0.5, age_s / r->half_life_s);
    if (share < FRESH_FLOOR)
        return 0;
    char age[32], half[32];
    describe_age(age_s, age, sizeof age);
    describe_age(r->half_life_s, half, sizeof half);
    reason_head(why, "published %s before it arrived (%s); half-life %s: %.0f%% of %g", age, published, half,
                share * 100, r->points);
    return share;
}

/* Words of the body (the title's excluded): the text layer's word tokens. */
static int body_words(newsd_article *a, size_t *out)
{
    const newsd_analysis *an = newsd_article_analysis(a);
    if (!an)
        return -1;
    size_t n, stride, words = 0;
    const struct newsd_token *base = newsd_analysis_tokens(an, &n, &stride);
    for (size_t i = 0; i < n; i++) {
        const struct newsd_token *t = newsd_token_in(base, stride, i);
        if (t->kind == NEWSD_TOKEN_WORD && !(t->flags & NEWSD_TOKEN_TITLE))
            words++;
    }
    *out = words;
    return 0;
}

/* ---- applying -------------------------------------------------------------- */

/* What the rule gives before caps (0: it does not fire), with its reason;
 * -1 when the article cannot be read. */
static int evaluate(const struct rule *r, newsd_article *a, double *points, struct reason *why)
{
    double units = 0;
    switch (r->kind) {
    case RULE_TAG:
        units = r->is_prefix ? sum_prefix_matches(r, a, why) : exact_match(r, a, why);
        break;
    case RULE_WATCH:
        units = watch_matches(r, a, why);
        break;
    case RULE_FRESH:
        units = freshness(r, a, why);
        break;
    case RULE_SHORT: {
        size_t words;
        if (body_words(a, &words) < 0)
            return -1;
        if (words < r->min_words) {
            units = 1;
            reason_head(why, "the body has %zu word%s, fewer than %u", words, words == 1 ? "" : "s",
                        r->min_words);
        }
        break;
    }
    }
    if (!(units > 0)) {
        *points = 0;
        return 0;
    }
    double p = r->points * units;
    if (p > r->max) {
        p = r->max;
        snprintf(why->text + strlen(why->text), sizeof why->text - strlen(why->text), " (at most %g)", r->max);
    } else if (p < -r->max) {
        p = -r->max;
        snprintf(why->text + strlen(why->text), sizeof why->text - strlen(why->text), " (at most -%g)", r->max);
    }
    *points = p;
    return 1;
}

/* The part of points that the group's cap leaves, noting a cut in why. */
static double group_share(const struct group *g, double *sum, double points, struct reason *why)
{
    double next = *sum + points;
    if (next > g->cap)
        next = g->cap;
    if (next < -g->cap)
        next = -g->cap;
    double given = next - *sum;
    *sum = next;
    if (given != points) {
        size_t len = strlen(why->text);
        snprintf(why->text + len, sizeof why->text - len, "; counted %.3g of %.3g: the group %s gives at most %g together",
                 given, points, g->name, g->cap);
        drop_partial_utf8(why->text);
    }
    return given;
}

void rules_refresh_lists(const struct ruleset *rs)
{
    if (!rs->n_watchlists)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    long long now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    for (size_t i = 0; i < rs->n_watchlists; i++) {
        struct watchlist *w = rs->watchlists[i];
        char err[WATCHLIST_ERR_MAX];
        int rc = watchlist_refresh(w, now, err);
        if (rc > 0)
            newsd_log(NEWSD_LOG_INFO, "%s: %s read again: %zu names", w->key, w->path, nameset_count(w->set));
        else if (rc < 0)
            newsd_log(NEWSD_LOG_ERROR, "%s: %s", w->key, err);
    }
}

int rules_apply(const struct ruleset *rs, newsd_article *a)
{
    rules_refresh_lists(rs);
    double sums_small[16] = {0};
    double *sums = rs->n_groups <= 16 ? sums_small : calloc(rs->n_groups, sizeof *sums);
    if (!sums)
        return newsd_article_fail(a, "out of memory");
    int rc = NEWSD_OK;
    for (size_t i = 0; i < rs->n && rc == NEWSD_OK; i++) {
        const struct rule *r = &rs->rules[i];
        struct reason why = {.len = 0};
        double points;
        int fired = evaluate(r, a, &points, &why);
        if (fired < 0) {
            rc = newsd_article_fail(a, "rule %s: cannot read the article's words (out of memory)", r->name);
            break;
        }
        if (!fired)
            continue;
        if (r->group >= 0)
            points = group_share(&rs->groups[r->group], &sums[r->group], points, &why);
        if (newsd_article_score(a, r->name, points, why.text) != NEWSD_OK)
            rc = newsd_article_fail(a, "cannot add score rule %s", r->name);
    }
    if (sums != sums_small)
        free(sums);
    return rc;
}
