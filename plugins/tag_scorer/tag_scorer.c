/*
 * tag_scorer: turn tags into score rules.
 *
 *   rule.AI_CHIPS    = topic:ai-chips, 3.0        ; TAG, POINTS
 *   rule.KEYWORDS    = keyword:*, 0.5, 3.0         ; PREFIX*, POINTS, MAX
 *
 * For each rule, the weights of the matching tags are summed (a pattern that
 * ends in '*' matches every tag that starts with what precedes it, any other
 * pattern one tag exactly).  When the sum is above 0 the rule scores
 * POINTS * sum, at most MAX (for negative POINTS: at least -MAX), with a
 * reason that names what matched.
 *
 * The rules are read-only after init, so process() is thread-safe.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strdup() */
#endif
#include <newsd/plugin.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RULE_KEY_PREFIX "rule."
/* Reasons are one line for a person; longer lists end in "(+N more)". */
#define REASON_MAX 200

struct rule {
    char *name;     /* "CHIP_MAKERS" */
    char *pattern;  /* as written, with its '*' if any */
    size_t match_len; /* bytes of pattern to compare; the '*' excluded */
    int is_prefix;
    double points;
    double max;     /* cap on |points|; HUGE_VAL when not given */
};

struct scorer {
    struct rule *rules;
    size_t len;
};

/* ---- parsing the rules -------------------------------------------------- */

/* Blanks include line breaks: newsd joins continuation lines with '\n'. */
static char *trim(char *s)
{
    s += strspn(s, " \t\r\n");
    size_t n = strlen(s);
    while (n > 0 && strchr(" \t\r\n", s[n - 1]))
        s[--n] = '\0';
    return s;
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

/* Split "PATTERN, POINTS [, MAX]" (in place) into its fields. */
static int split_fields(char *value, char *fields[3], size_t *n)
{
    *n = 0;
    for (char *p = value;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (*n == 3)
            return -1;
        fields[(*n)++] = trim(p);
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

static int rule_error(const char *key, const char *fmt, ...) NEWSD_PRINTF(2, 3);

static int rule_error(const char *key, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    newsd_log(NEWSD_LOG_ERROR, "%s: %s (expected: %sNAME = TAG or PREFIX*, POINTS [, MAX])",
              key, what, RULE_KEY_PREFIX);
    return NEWSD_ERROR;
}

/* Fill r from the fields of one rule; r owns nothing yet. */
static int parse_rule_fields(const char *key, char *fields[3], size_t n, struct rule *r)
{
    if (n < 2)
        return rule_error(key, "POINTS is missing");
    const char *pattern = fields[0];
    size_t len = strlen(pattern);
    if (len == 0)
        return rule_error(key, "the tag pattern is empty");
    /* Rule names and patterns end up in the record, which is UTF-8. */
    if (!newsd_utf8_valid(key, strlen(key)) || !newsd_utf8_valid(pattern, len))
        return rule_error(key, "not valid UTF-8 (save the configuration as UTF-8)");
    const char *star = strchr(pattern, '*');
    if (star && star != pattern + len - 1)
        return rule_error(key, "'*' may only end the pattern, as in entity:org/*");
    r->is_prefix = star != NULL;
    r->match_len = star ? len - 1 : len;
    if (parse_number(fields[1], &r->points) < 0)
        return rule_error(key, "POINTS '%s' is not a number", fields[1]);
    r->max = HUGE_VAL;
    if (n == 3 && (parse_number(fields[2], &r->max) < 0 || r->max < 0))
        return rule_error(key, "MAX '%s' is not a number >= 0", fields[2]);
    return NEWSD_OK;
}

static int parse_rule(const char *key, const char *value, struct rule *r)
{
    const char *name = key + strlen(RULE_KEY_PREFIX);
    if (*name == '\0')
        return rule_error(key, "the rule has no name");
    char *copy = strdup(value);
    if (!copy) {
        newsd_log(NEWSD_LOG_ERROR, "%s: out of memory", key);
        return NEWSD_ERROR;
    }
    char *fields[3];
    size_t n;
    int rc = split_fields(copy, fields, &n) < 0
                 ? rule_error(key, "too many fields")
                 : parse_rule_fields(key, fields, n, r);
    if (rc == NEWSD_OK) {
        r->name = strdup(name);
        r->pattern = strdup(fields[0]);
        if (!r->name || !r->pattern) {
            newsd_log(NEWSD_LOG_ERROR, "%s: out of memory", key);
            rc = NEWSD_ERROR;
        }
    }
    free(copy);
    return rc;
}

static const struct rule *find_rule(const struct scorer *s, const char *name)
{
    for (size_t i = 0; i < s->len; i++)
        if (strcmp(s->rules[i].name, name) == 0)
            return &s->rules[i];
    return NULL;
}

static void scorer_fini(void *state)
{
    struct scorer *s = state;
    if (!s)
        return;
    for (size_t i = 0; i < s->len; i++) {
        free(s->rules[i].name);
        free(s->rules[i].pattern);
    }
    free(s->rules);
    free(s);
}

static int read_rules(const newsd_config *conf, struct scorer *s)
{
    size_t count = newsd_config_count(conf);
    s->rules = calloc(count ? count : 1, sizeof *s->rules);
    if (!s->rules) {
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    for (size_t i = 0; i < count; i++) {
        const char *key, *value;
        if (newsd_config_at(conf, i, &key, &value) != NEWSD_OK)
            continue;
        if (strncmp(key, RULE_KEY_PREFIX, strlen(RULE_KEY_PREFIX)) != 0)
            continue; /* so, required, ...: read by newsd itself */
        if (find_rule(s, key + strlen(RULE_KEY_PREFIX))) {
            newsd_log(NEWSD_LOG_ERROR, "%s is set twice", key);
            return NEWSD_ERROR;
        }
        /* On failure the fields already set are freed by scorer_fini. */
        int rc = parse_rule(key, value, &s->rules[s->len]);
        s->len++;
        if (rc != NEWSD_OK)
            return NEWSD_ERROR;
    }
    if (s->len == 0) {
        newsd_log(NEWSD_LOG_ERROR, "no rules: add lines such as %sAI_CHIPS = topic:ai-chips, 3.0",
                  RULE_KEY_PREFIX);
        return NEWSD_ERROR;
    }
    return NEWSD_OK;
}

static int scorer_init(const newsd_config *conf, void **state)
{
    struct scorer *s = calloc(1, sizeof *s);
    if (!s) {
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    if (read_rules(conf, s) != NEWSD_OK) {
        scorer_fini(s);
        return NEWSD_ERROR;
    }
    *state = s;
    return NEWSD_OK;
}

/* ---- scoring ------------------------------------------------------------ */

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
    r->len += (size_t)snprintf(r->text + r->len, sizeof r->text - r->len, "%s%s",
                               first ? "" : ", ", item);
}

static void reason_finish(struct reason *r)
{
    if (r->left_out)
        snprintf(r->text + r->len, sizeof r->text - r->len, " (+%zu more)", r->left_out);
}

static int tag_matches(const struct rule *r, const char *name)
{
    if (r->is_prefix)
        return strncmp(name, r->pattern, r->match_len) == 0;
    return strcmp(name, r->pattern) == 0;
}

/* Sum the weights of the tags that match a prefix rule and describe them:
 * "3 tags match keyword:*: KI-Chip, Halbleiter, chipmaker". */
static double sum_prefix_matches(const struct rule *r, const newsd_article *a,
                                 struct reason *why)
{
    size_t count = newsd_article_tag_count(a), matched = 0;
    double sum = 0;
    /* First pass: how many, for the head of the sentence. */
    for (size_t i = 0; i < count; i++) {
        struct newsd_tag t;
        if (newsd_article_tag_at(a, i, &t) == NEWSD_OK && tag_matches(r, t.name))
            matched++;
    }
    if (matched == 0)
        return 0;
    why->len = (size_t)snprintf(why->text, sizeof why->text, "%zu tag%s match%s %s: ", matched,
                                matched == 1 ? "" : "s", matched == 1 ? "es" : "", r->pattern);
    if (why->len >= sizeof why->text) {
        drop_partial_utf8(why->text);
        why->len = strlen(why->text);
    }
    int first = 1;
    for (size_t i = 0; i < count; i++) {
        struct newsd_tag t;
        if (newsd_article_tag_at(a, i, &t) != NEWSD_OK || !tag_matches(r, t.name))
            continue;
        char item[REASON_MAX + 1];
        const char *rest = t.name + r->match_len;
        if (t.weight == 1.0)
            snprintf(item, sizeof item, "%s", *rest ? rest : t.name);
        else
            snprintf(item, sizeof item, "%s (%.2f)", *rest ? rest : t.name, t.weight);
        reason_add_item(why, item, first);
        first = 0;
        sum += t.weight;
    }
    reason_finish(why);
    return sum;
}

/* An exact rule matches at most one tag: "topic:ai-chips (weight 1.00)". */
static double exact_match(const struct rule *r, const newsd_article *a, struct reason *why)
{
    double w = newsd_article_tag_weight(a, r->pattern);
    if (w < 0)
        return 0;
    snprintf(why->text, sizeof why->text, "%s (weight %.2f)", r->pattern, w);
    drop_partial_utf8(why->text);
    return w;
}

static double capped(const struct rule *r, double points)
{
    if (points > r->max)
        return r->max;
    if (points < -r->max)
        return -r->max;
    return points;
}

static int apply_rule(const struct rule *r, newsd_article *a)
{
    struct reason why = {.len = 0};
    double sum = r->is_prefix ? sum_prefix_matches(r, a, &why) : exact_match(r, a, &why);
    if (!(sum > 0))
        return NEWSD_OK;
    double points = capped(r, r->points * sum);
    if (newsd_article_score(a, r->name, points, why.text) != NEWSD_OK)
        return newsd_article_fail(a, "cannot add score rule %s", r->name);
    return NEWSD_OK;
}

static int scorer_process(void *state, enum newsd_stage stage, newsd_article *a)
{
    (void)stage;
    const struct scorer *s = state;
    for (size_t i = 0; i < s->len; i++)
        if (apply_rule(&s->rules[i], a) != NEWSD_OK)
            return NEWSD_ERROR;
    return NEWSD_OK;
}

/* The keys init() reads: newsd refuses any other (since 1.2). */
static const struct newsd_config_key scorer_keys[] = {
    {RULE_KEY_PREFIX, "rule.NAME = TAG or PREFIX*, POINTS [, MAX]"},
    {NULL, NULL},
};

NEWSD_PLUGIN(
    .name = "tag_scorer",
    .description = "scores articles by their tags",
    .stages = NEWSD_STAGE_SCORE,
    .flags = NEWSD_PLUGIN_THREAD_SAFE,
    .init = scorer_init,
    .process = scorer_process,
    .fini = scorer_fini,
    .config_keys = scorer_keys,
);
