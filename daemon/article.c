/* The article and the public newsd_article_* accessors of the plugin ABI. */
#include "article.h"
#include "record_json.h"
#include "hash.h"
#include "plugin_names.h"
#include "log.h"
#include "stage.h"
#include "text.h"
#include "xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Grow a vector of elem-sized items so that one more fits. */
static void *grow(void *v, size_t n, size_t *cap, size_t elem)
{
    if (n < *cap)
        return v;
    *cap = *cap ? *cap * 2 : 8;
    return xrealloc(v, *cap * elem);
}

struct newsd_article *article_new(const char *source, int64_t received_ms)
{
    struct newsd_article *a = xrealloc(NULL, sizeof *a);
    memset(a, 0, sizeof *a);
    /* A file name may be any bytes; every string a plugin reads is UTF-8,
     * so invalid bytes of the name read as U+FFFD. */
    a->fields[NEWSD_FIELD_SOURCE] = text_utf8_repair(source);
    a->received_ms = received_ms;
    a->limits = ARTICLE_LIMITS_DEFAULT;
    return a;
}

/* Positions past the end must leave the index before new items take them. */
static void reindex(struct name_index *ix, const void *items, size_t stride, size_t n)
{
    if (n)
        name_index_rebuild(ix, items, stride, n);
    else
        name_index_free(ix);
}

/* Shrink a vector of elem-sized items to its n items. */
static void *fit(void *v, size_t n, size_t *cap, size_t elem)
{
    if (n == *cap)
        return v;
    if (n == 0) {
        free(v);
        *cap = 0;
        return NULL;
    }
    *cap = n;
    return xrealloc(v, n * elem);
}

void article_compact(struct newsd_article *a)
{
    a->tags = fit(a->tags, a->n_tags, &a->cap_tags, sizeof *a->tags);
    a->rules = fit(a->rules, a->n_rules, &a->cap_rules, sizeof *a->rules);
    a->meta = fit(a->meta, a->n_meta, &a->cap_meta, sizeof *a->meta);
    /* A lookup without an index scans (name_index.h), as few look once
     * the stages are over: the archive and sinks walk the tags in order. */
    name_index_free(&a->tag_index);
    name_index_free(&a->meta_index);
}

void article_truncate(struct newsd_article *a, size_t n_tags, size_t n_rules, size_t n_meta)
{
    bool tags_dropped = a->n_tags > n_tags, meta_dropped = a->n_meta > n_meta;
    while (a->n_tags > n_tags) {
        struct article_tag *t = &a->tags[--a->n_tags];
        free(t->name);
    }
    while (a->n_rules > n_rules) {
        struct article_rule *r = &a->rules[--a->n_rules];
        free(r->rule);
        free(r->reason);
    }
    while (a->n_meta > n_meta) {
        struct article_meta *m = &a->meta[--a->n_meta];
        free(m->key);
        free(m->value);
    }
    if (tags_dropped)
        reindex(&a->tag_index, a->tags, sizeof *a->tags, a->n_tags);
    if (meta_dropped)
        reindex(&a->meta_index, a->meta, sizeof *a->meta, a->n_meta);
}

void article_free(struct newsd_article *a)
{
    if (!a)
        return;
    article_truncate(a, 0, 0, 0);
    name_index_free(&a->tag_index);
    name_index_free(&a->meta_index);
    free(a->tags);
    free(a->rules);
    free(a->meta);
    free(a->extraction);
    for (size_t i = 0; i < ARTICLE_N_FIELDS; i++)
        free(a->fields[i]);
    free(a->raw);
    free(a->path);
    free(a->folded);
    newsd_analysis_free(a->analysis);
    free(a->fail_reason);
    free(a);
}

void article_set_raw(struct newsd_article *a, unsigned char *raw, size_t len)
{
    free(a->raw);
    a->raw = raw;
    a->raw_len = len;
    hash_id(raw, len, a->id);
}

static void set_field(struct newsd_article *a, enum newsd_field f, char *owned)
{
    free(a->fields[f]);
    a->fields[f] = owned;
    if (f == NEWSD_FIELD_TITLE || f == NEWSD_FIELD_BODY)
        article_drop_folded(a);
    /* The analysis reads title, body and lang (plugin.h: set() of any of
     * them discards it). */
    if (f == NEWSD_FIELD_TITLE || f == NEWSD_FIELD_BODY || f == NEWSD_FIELD_LANG)
        article_drop_analysis(a);
}

void article_choose_action(struct newsd_article *a, const struct action_table *t)
{
    snprintf(a->action, sizeof a->action, "%s", actions_choose(t, newsd_article_score_total(a)));
}

const char *newsd_article_action(const newsd_article *a)
{
    return a->action;
}

void article_drop_folded(struct newsd_article *a)
{
    free(a->folded);
    a->folded = NULL;
}

void article_drop_analysis(struct newsd_article *a)
{
    newsd_analysis_free(a->analysis);
    a->analysis = NULL;
}

void article_take_parsed(struct newsd_article *a, struct parsed_article *p)
{
    /* Before any plugin (stage 0, the first meta key, ASCII text): nothing
     * here can refuse it. */
    if (p->warnings)
        (void)newsd_article_set_meta(a, PARSE_META_WARNING, p->warnings);
    free(p->warnings);
    p->warnings = NULL;
    set_field(a, NEWSD_FIELD_TITLE, p->title);
    set_field(a, NEWSD_FIELD_BODY, p->body);
    set_field(a, NEWSD_FIELD_LANG, p->lang);
    set_field(a, NEWSD_FIELD_URL, p->url);
    set_field(a, NEWSD_FIELD_AUTHOR, p->author);
    set_field(a, NEWSD_FIELD_PUBLISHED, p->published);
    set_field(a, NEWSD_FIELD_FORMAT, xstrdup(p->format));
    set_field(a, NEWSD_FIELD_ENCODING, xstrdup(p->encoding));
    if (p->site)
        newsd_article_set_meta(a, "site", p->site);
    free(p->site);
    free(a->extraction);
    a->extraction = p->extraction;
    memset(p, 0, sizeof *p);
}

/* ---- reading ----------------------------------------------------------- */

const char *newsd_article_get(const newsd_article *a, enum newsd_field field)
{
    if (field == NEWSD_FIELD_ID)
        return a->id;
    if ((unsigned)field >= ARTICLE_N_FIELDS || !a->fields[field])
        return "";
    return a->fields[field];
}

const unsigned char *newsd_article_raw(const newsd_article *a, size_t *len)
{
    *len = a->raw_len;
    return a->raw ? a->raw : (const unsigned char *)"";
}

int newsd_article_reprocessing(const newsd_article *a)
{
    return a->reprocessing;
}

const char *newsd_article_path(const newsd_article *a)
{
    return a->path;
}

int64_t newsd_article_received_ms(const newsd_article *a)
{
    return a->received_ms;
}

int64_t newsd_article_processed_ms(const newsd_article *a)
{
    return a->processed_ms;
}

/* The case-folded title + "\n" + body, built once per article. */
static const char *folded_text(const newsd_article *a)
{
    struct newsd_article *m = (struct newsd_article *)a; /* the fold cache only */
    if (!m->folded) {
        const char *t = newsd_article_get(a, NEWSD_FIELD_TITLE);
        const char *b = newsd_article_get(a, NEWSD_FIELD_BODY);
        size_t tl = strlen(t), bl = strlen(b);
        char *both = xrealloc(NULL, tl + bl + 2);
        memcpy(both, t, tl);
        both[tl] = '\n';
        memcpy(both + tl + 1, b, bl + 1);
        m->folded = text_casefold(both);
        free(both);
    }
    return m->folded;
}

int newsd_article_contains(const newsd_article *a, const char *text)
{
    if (!text || !*text)
        return 1;
    const char *hay = folded_text(a);
    char *needle = text_casefold(text);
    int found = hay && needle && strstr(hay, needle) != NULL;
    free(needle);
    return found;
}

int newsd_article_contains_word(const newsd_article *a, const char *text)
{
    if (!text || !*text)
        return 1;
    const char *hay = folded_text(a);
    char *needle = text_casefold(text);
    int found = 0;
    if (hay && needle) {
        size_t n = strlen(needle);
        for (const char *p = strstr(hay, needle); p && !found; p = strstr(p + 1, needle))
            found = !text_is_word_char_before(hay, p) && !text_is_word_char_at(p + n);
    }
    free(needle);
    return found;
}

size_t newsd_article_tag_count(const newsd_article *a)
{
    return a->n_tags;
}

int newsd_article_tag_at(const newsd_article *a, size_t i, struct newsd_tag *out)
{
    if (i >= a->n_tags)
        return NEWSD_ERROR;
    *out = (struct newsd_tag){a->tags[i].name, a->tags[i].weight, a->tags[i].plugin};
    return NEWSD_OK;
}

static size_t tag_find(const newsd_article *a, const char *name)
{
    return name_index_find(&a->tag_index, a->tags, sizeof *a->tags, a->n_tags, name);
}

static size_t meta_find(const newsd_article *a, const char *key)
{
    return name_index_find(&a->meta_index, a->meta, sizeof *a->meta, a->n_meta, key);
}

double newsd_article_tag_weight(const newsd_article *a, const char *name)
{
    size_t i = name ? tag_find(a, name) : SIZE_MAX;
    return i == SIZE_MAX ? -1 : a->tags[i].weight;
}

size_t newsd_article_score_count(const newsd_article *a)
{
    return a->n_rules;
}

int newsd_article_score_at(const newsd_article *a, size_t i, struct newsd_score_rule *out)
{
    if (i >= a->n_rules)
        return NEWSD_ERROR;
    const struct article_rule *r = &a->rules[i];
    *out = (struct newsd_score_rule){r->rule, r->points, r->reason, r->plugin};
    return NEWSD_OK;
}

double newsd_article_score_total(const newsd_article *a)
{
    double total = 0;
    for (size_t i = 0; i < a->n_rules; i++)
        total += a->rules[i].points;
    return total;
}

const char *newsd_article_meta(const newsd_article *a, const char *key)
{
    size_t i = key ? meta_find(a, key) : SIZE_MAX;
    return i == SIZE_MAX ? NULL : a->meta[i].value;
}

size_t newsd_article_meta_count(const newsd_article *a)
{
    return a->n_meta;
}

int newsd_article_meta_at(const newsd_article *a, size_t i, struct newsd_meta *out)
{
    if (i >= a->n_meta)
        return NEWSD_ERROR;
    *out = (struct newsd_meta){a->meta[i].key, a->meta[i].value};
    return NEWSD_OK;
}

/* ---- changing ---------------------------------------------------------- */

/* A plugin may only make the changes its stage allows (NEWSD_STAGE_MAP);
 * outside plugin calls (stage 0) the daemon itself may do anything. */
static int allowed(newsd_article *a, enum newsd_change change, const char *what)
{
    if (a->stage == 0 || (stage_may(a->stage) & change))
        return 1;
    char stages[64];
    log_warning("%s is not allowed in the %s stage (%s only); ignored", what, stage_name(a->stage),
                stage_list_may(change, stages, sizeof stages));
    return 0;
}

/* Weights and points are numbers a plugin computes; NaN or an infinity
 * would make every sum and comparison after it meaningless, so both are
 * refused the same way for tags and for scores. */
static int finite_number(double v, double min, const char *what, const char *name)
{
    if (isfinite(v) && v >= min)
        return 1;
    log_warning("%s \"%.80s\": %g is not a finite number%s; refused", what, name, v,
                min > -HUGE_VAL ? " >= 0" : "");
    return 0;
}

/* The total goes into the record, and JSON has no infinity: a rule whose
 * points would carry the sum past the finite numbers is refused (rules
 * are only ever appended, or the last ones dropped, so every total the
 * article passes through stays finite). */
static int finite_total(const newsd_article *a, double points, const char *rule)
{
    double total = newsd_article_score_total(a) + points;
    if (isfinite(total))
        return 1;
    log_warning("newsd_article_score \"%.80s\": %g points would make the total %g; refused", rule,
                points, total);
    return 0;
}

/* The limits of article_limits.h.  Each refusal is logged once per article
 * and kind: a plugin in a loop would otherwise write a line per call. */
enum limit_kind { LIMIT_TAGS, LIMIT_RULES, LIMIT_META, LIMIT_TAG_NAME, LIMIT_RULE_NAME, LIMIT_META_KEY };

static bool first_refusal(newsd_article *a, enum limit_kind kind)
{
    unsigned bit = 1u << kind;
    bool first = !(a->limits_logged & bit);
    a->limits_logged |= bit;
    return first;
}

/* A name may be a few hundred bytes; strnlen, because a longer one is
 * refused without reading it to its end. */
static int name_fits(newsd_article *a, const char *name, enum limit_kind kind, const char *what)
{
    unsigned max = a->limits.max_name_bytes;
    if (strnlen(name, (size_t)max + 1) <= max)
        return 1;
    if (first_refusal(a, kind))
        log_warning("%s \"%.40s...\" is longer than %u bytes (max_name_bytes): refused; further "
                    "ones in this article are refused without a log line", what, name, max);
    return 0;
}

static int room_for(newsd_article *a, size_t n, unsigned max, enum limit_kind kind, const char *what,
                    const char *key, const char *name)
{
    if (n < max)
        return 1;
    if (first_refusal(a, kind))
        log_warning("the article has %u %s, the most %s allows: \"%.80s\" refused; further ones "
                    "are refused without a log line", max, what, key, name);
    return 0;
}

int newsd_article_set(newsd_article *a, enum newsd_field field, const char *value)
{
    if (!allowed(a, NEWSD_CHANGE_FIELDS, "newsd_article_set"))
        return NEWSD_ERROR;
    if (field < NEWSD_FIELD_TITLE || (unsigned)field >= ARTICLE_N_FIELDS || !value ||
        !text_is_utf8((const unsigned char *)value, strlen(value)))
        return NEWSD_ERROR;
    set_field(a, field, xstrdup(value));
    return NEWSD_OK;
}

int newsd_article_tag(newsd_article *a, const char *name, double weight)
{
    if (!allowed(a, NEWSD_CHANGE_TAGS, "newsd_article_tag"))
        return NEWSD_ERROR;
    if (!name || !*name || !name_fits(a, name, LIMIT_TAG_NAME, "tag name") ||
        !text_is_utf8((const unsigned char *)name, strlen(name)) ||
        !finite_number(weight, 0, "newsd_article_tag", name))
        return NEWSD_ERROR;
    size_t i = tag_find(a, name);
    if (i != SIZE_MAX) {
        if (weight > a->tags[i].weight)
            a->tags[i].weight = weight;
        return NEWSD_OK;
    }
    if (!room_for(a, a->n_tags, a->limits.max_tags, LIMIT_TAGS, "tags", "max_tags", name))
        return NEWSD_ERROR;
    a->tags = grow(a->tags, a->n_tags, &a->cap_tags, sizeof *a->tags);
    a->tags[a->n_tags++] = (struct article_tag){xstrdup(name), weight, plugin_name_intern(a->plugin ? a->plugin : "newsd")};
    name_index_add(&a->tag_index, a->tags, sizeof *a->tags, a->n_tags);
    return NEWSD_OK;
}

int newsd_article_score(newsd_article *a, const char *rule, double points, const char *reason)
{
    if (!allowed(a, NEWSD_CHANGE_SCORE, "newsd_article_score"))
        return NEWSD_ERROR;
    if (!rule || !*rule || !name_fits(a, rule, LIMIT_RULE_NAME, "score rule name") ||
        !text_is_utf8((const unsigned char *)rule, strlen(rule)) ||
        !finite_number(points, -HUGE_VAL, "newsd_article_score", rule) ||
        !finite_total(a, points, rule) ||
        (reason && !text_is_utf8((const unsigned char *)reason, strlen(reason))) ||
        !room_for(a, a->n_rules, a->limits.max_score_rules, LIMIT_RULES, "score rules",
                  "max_score_rules", rule))
        return NEWSD_ERROR;
    a->rules = grow(a->rules, a->n_rules, &a->cap_rules, sizeof *a->rules);
    a->rules[a->n_rules++] = (struct article_rule){
        xstrdup(rule), points, xstrdup(reason ? reason : ""), plugin_name_intern(a->plugin ? a->plugin : "newsd")};
    return NEWSD_OK;
}

int newsd_article_set_meta(newsd_article *a, const char *key, const char *value)
{
    if (!allowed(a, NEWSD_CHANGE_META, "newsd_article_set_meta"))
        return NEWSD_ERROR;
    if (!key || !*key || !value || !name_fits(a, key, LIMIT_META_KEY, "meta key") ||
        !text_is_utf8((const unsigned char *)key, strlen(key)) ||
        !text_is_utf8((const unsigned char *)value, strlen(value)))
        return NEWSD_ERROR;
    size_t i = meta_find(a, key);
    if (i != SIZE_MAX) {
        free(a->meta[i].value);
        a->meta[i].value = xstrdup(value);
        return NEWSD_OK;
    }
    if (!room_for(a, a->n_meta, a->limits.max_meta, LIMIT_META, "meta keys", "max_meta", key))
        return NEWSD_ERROR;
    a->meta = grow(a->meta, a->n_meta, &a->cap_meta, sizeof *a->meta);
    a->meta[a->n_meta++] = (struct article_meta){xstrdup(key), xstrdup(value)};
    name_index_add(&a->meta_index, a->meta, sizeof *a->meta, a->n_meta);
    return NEWSD_OK;
}

int newsd_article_fail(newsd_article *a, const char *fmt, ...)
{
    va_list ap;
    char *msg = NULL;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    free(a->fail_reason);
    a->fail_reason = msg;
    return NEWSD_ERROR;
}

/* ---- the record -------------------------------------------------------- */

char *newsd_format_time(int64_t ms, char out[NEWSD_TIME_LEN])
{
    int64_t secs = ms / 1000, rem = ms % 1000;
    if (rem < 0) {   /* before 1970: the milliseconds count up, too */
        secs--;
        rem += 1000;
    }
    time_t t = (time_t)secs;
    struct tm tm;
    out[0] = '\0';
    if (!gmtime_r(&t, &tm))
        return out;
    size_t n = strftime(out, NEWSD_TIME_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
    if (n == 0)
        out[0] = '\0';
    else
        snprintf(out + n, NEWSD_TIME_LEN - n, ".%03dZ", (int)rem);
    return out;
}

char *newsd_article_to_json(const newsd_article *a)
{
    return record_json(a);
}
