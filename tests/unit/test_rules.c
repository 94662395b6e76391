/* Unit tests: tag_scorer's rule parser (every error path), its evaluation
 * on an article, and the daemon's [actions] table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build_data.h"
#include "actions.h"
#include "article.h"
#include "rules.h"

/* ---- the parser ------------------------------------------------------------- */

/* key = value must be refused with a message holding want, and leave the
 * ruleset as it was. */
static void refused(const char *key, const char *value, const char *want)
{
    struct ruleset rs = {0};
    char err[RULES_ERR_MAX] = "";
    assert_int_equal(rules_add(&rs, "rule.OK", "topic:x, 1", err), 0);
    int rc = rules_add(&rs, key, value, err);
    if (rc != -1 || !strstr(err, want))
        fail_msg("%s = %s: rc %d, error \"%s\", wanted \"%s\"", key, value, rc, err, want);
    assert_int_equal(rs.n + rs.n_groups, 1);
    rules_free(&rs);
}

static void test_tag_rule_errors(void **state)
{
    (void)state;
    refused("rule.A", "topic:x", "POINTS is missing");
    refused("rule.A", "topic:x, 1, 2, 3", "too many fields");
    refused("rule.A", " , 1", "the tag pattern is empty");
    refused("rule.A", "topic*x, 1", "'*' may only end the pattern");
    refused("rule.A", "*, 1", "would match every tag");
    refused("rule.A", "topic:x, lots", "POINTS 'lots' is not a number");
    refused("rule.A", "topic:x, inf", "POINTS 'inf' is not a number");
    refused("rule.A", "topic:x, 1, -2", "MAX '-2' is not a number >= 0");
    refused("rule.A", "topic:x, 1, many", "MAX 'many' is not a number >= 0");
    refused("rule.A", "topic:\xff, 1", "not valid UTF-8");
    refused("rule.", "topic:x, 1", "the name after 'rule.' is missing");
    refused("rule.A B", "topic:x, 1", "holds a blank");
    refused("rule.A\xff", "topic:x, 1", "not valid UTF-8");
    refused("rule.OK", "topic:y, 2", "a rule named OK is already set");
    refused("watch.OK", "1 : Huawei", "a rule named OK is already set");
    refused("weight.A", "1", "not a rule");
}

static void test_watch_fresh_short_errors(void **state)
{
    (void)state;
    refused("watch.W", "1.5, 3", "':' and the watched names are missing");
    refused("watch.W", " : Huawei", "POINTS is missing");
    refused("watch.W", "x : Huawei", "POINTS 'x' is not a number");
    refused("watch.W", "1, -1 : Huawei", "MAX '-1' is not a number >= 0");
    refused("watch.W", "1, 2, 3 : Huawei", "too many fields before ':'");
    refused("watch.W", "1 : , ,", "the list of entity names after ':' is empty");
    refused("watch.W", "1 : Huawei, org/", "an entity name is empty");
    refused("watch.W", "1 : Hua\xffwei", "not valid UTF-8");
    refused("watch.W", "1 : Huawei, @", "'@' without the name of a watchlist.LIST key");
    char long_name[300];
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    char value[320];
    snprintf(value, sizeof value, "1 : %s", long_name);
    refused("watch.W", value, "an entity name is longer than 256 bytes");
    /* a list of more than 10,000 items */
    size_t big = 10001 * 2 + 8;
    char *many = malloc(big);
    assert_non_null(many);
    char *end = many + sprintf(many, "1 : x");
    for (int i = 1; i < 10001; i++)
        end += sprintf(end, ",x");
    refused("watch.W", many, "more than 10000 entity names");
    free(many);
    refused("watchlist.L", "", "the file name is missing");
    refused("watchlist.L", "/nonexistent/e2e/list.txt", "/nonexistent/e2e/list.txt: cannot open");
    refused("fresh.F", "2", "HALF_LIFE is missing");
    refused("fresh.F", "2, 12h, 3", "too many fields");
    refused("fresh.F", "soon, 12h", "POINTS 'soon' is not a number");
    refused("fresh.F", "2, 12 hours", "HALF_LIFE '12 hours' is not a duration");
    refused("fresh.F", "2, -1h", "HALF_LIFE '-1h' is not a duration");
    refused("fresh.F", "2, 0", "HALF_LIFE '0' is not a duration");
    refused("short.S", "-3", "WORDS is missing");
    refused("short.S", "-3, 80, 1", "too many fields");
    refused("short.S", "bad, 80", "POINTS 'bad' is not a number");
    refused("short.S", "-3, 0", "WORDS '0' is not a whole number");
    refused("short.S", "-3, 8.5", "WORDS '8.5' is not a whole number");
    refused("short.S", "-3, many", "WORDS 'many' is not a whole number");
}

static void test_group_errors(void **state)
{
    (void)state;
    refused("group.G", "4", "':' and the rules of the group are missing");
    refused("group.G", "0 : OK", "CAP '0' is not a number > 0");
    refused("group.G", "much : OK", "CAP 'much' is not a number > 0");
    refused("group.G", "4 :  ", "the list of rules after ':' is empty");

    /* members are checked once every key is read */
    struct ruleset rs = {0};
    char err[RULES_ERR_MAX];
    const char *bad = NULL;
    assert_int_equal(rules_add(&rs, "rule.A", "topic:a, 1", err), 0);
    assert_int_equal(rules_add(&rs, "group.G", "4 : A, NOPE", err), 0);
    assert_int_equal(rules_finish(&rs, &bad, err), -1);
    assert_string_equal(bad, "group.G");
    assert_non_null(strstr(err, "no rule is named NOPE"));
    rules_free(&rs);

    memset(&rs, 0, sizeof rs);
    assert_int_equal(rules_add(&rs, "rule.A", "topic:a, 1", err), 0);
    assert_int_equal(rules_add(&rs, "group.G", "4 : A", err), 0);
    assert_int_equal(rules_add(&rs, "group.H", "2 : A", err), 0);
    assert_int_equal(rules_add(&rs, "group.G", "3 : A", err), -1);
    assert_non_null(strstr(err, "the group G is set twice"));
    assert_int_equal(rules_finish(&rs, &bad, err), -1);
    assert_string_equal(bad, "group.H");
    assert_non_null(strstr(err, "A is already in the group G"));
    rules_free(&rs);
}

static void test_good_rules_parse(void **state)
{
    (void)state;
    struct ruleset rs = {0};
    char err[RULES_ERR_MAX];
    const char *bad;
    assert_int_equal(rules_add(&rs, "rule.AI", "topic:ai-chips, 3.0", err), 0);
    assert_int_equal(rules_add(&rs, "rule.ORGS", " entity:org/* , 0.5 , 3", err), 0);
    assert_int_equal(rules_add(&rs, "watch.RIVALS", "1.5, 4 : Huawei,\n entity:org/Nvidia, person/Xu Bing", err), 0);
    assert_int_equal(rules_add(&rs, "fresh.NEW", "2, 12h", err), 0);
    assert_int_equal(rules_add(&rs, "short.SHORT", "-3, 80", err), 0);
    assert_int_equal(rules_add(&rs, "group.COMPANIES", "4 : ORGS, RIVALS", err), 0);
    assert_int_equal(rules_finish(&rs, &bad, err), 0);
    assert_int_equal(rs.n, 5);
    assert_true(rs.rules[1].is_prefix && rs.rules[1].match_len == strlen("entity:org/"));
    assert_true(rs.rules[1].max == 3.0 && rs.rules[0].max == HUGE_VAL);
    assert_int_equal(nameset_count(rs.rules[2].names), 3);
    /* "entity:" dropped; case does not matter; a kind only its own */
    assert_true(nameset_has_entity(rs.rules[2].names, "entity:org/NVIDIA"));
    assert_false(nameset_has_entity(rs.rules[2].names, "entity:product/Nvidia"));
    assert_true(nameset_has_entity(rs.rules[2].names, "entity:place/huawei"));
    assert_false(nameset_has_entity(rs.rules[2].names, "topic:huawei"));
    assert_true(rs.rules[3].half_life_s == 12 * 3600.0);
    assert_int_equal(rs.rules[4].min_words, 80);
    assert_int_equal(rs.rules[1].group, 0);
    assert_int_equal(rs.rules[2].group, 0);
    assert_int_equal(rs.rules[0].group, -1);
    assert_true(rules_is_key("group.X") && !rules_is_key("so"));
    assert_non_null(strstr(rules_syntax("fresh.NEW"), "HALF_LIFE"));
    rules_free(&rs);
}

static void test_durations_and_times(void **state)
{
    (void)state;
    double s;
    assert_int_equal(rules_parse_duration("90", &s), 0);
    assert_true(s == 90);
    assert_int_equal(rules_parse_duration("45m", &s), 0);
    assert_true(s == 2700);
    assert_int_equal(rules_parse_duration("1.5d", &s), 0);
    assert_true(s == 1.5 * 86400);
    assert_int_equal(rules_parse_duration("1w", &s), 0);
    assert_int_equal(rules_parse_duration("1y", &s), -1);
    assert_int_equal(rules_parse_duration("", &s), -1);

    long long ms;
    assert_int_equal(rules_parse_time("2019-10-19", &ms), 0);
    assert_true(ms == 1571443200000LL);
    assert_int_equal(rules_parse_time("2019-10-19T14:03:00+02:00", &ms), 0);
    assert_true(ms == 1571443200000LL + 12 * 3600000LL + 3 * 60000LL);
    assert_int_equal(rules_parse_time("2019-10-19T12:03:00.250Z", &ms), 0);
    assert_true(ms == 1571443200000LL + 12 * 3600000LL + 3 * 60000LL + 250);
    assert_int_equal(rules_parse_time("2019-10-19 12:03", &ms), 0);
    assert_int_equal(rules_parse_time("Sat, 19 Oct 2019 12:03:00 GMT", &ms), 0);
    assert_true(ms == 1571443200000LL + 12 * 3600000LL + 3 * 60000LL);
    assert_int_equal(rules_parse_time("19 Oct 2019 14:03:00 +0200", &ms), 0);
    assert_true(ms == 1571443200000LL + 12 * 3600000LL + 3 * 60000LL);
    assert_int_equal(rules_parse_time("yesterday", &ms), -1);
    assert_int_equal(rules_parse_time("2019-13-01", &ms), -1);
    assert_int_equal(rules_parse_time("2019-10-19T", &ms), -1);
    assert_int_equal(rules_parse_time("2019-10", &ms), -1);
}

/* ---- list files ------------------------------------------------------------- */

static char list_path[] = "/tmp/newsd-test-rules-XXXXXX";

static void write_list(const char *text)
{
    /* A new file (another inode) each time, as an editor's save makes. */
    char tmp[sizeof list_path + 8];
    snprintf(tmp, sizeof tmp, "%s.new", list_path);
    FILE *f = fopen(tmp, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(rename(tmp, list_path), 0);
}

static void test_watchlists(void **state)
{
    (void)state;
    int fd = mkstemp(list_path);
    assert_true(fd >= 0);
    close(fd);
    write_list("# chip makers\nHuawei\n\n  org/Nvidia  \nentity:person/Xu Bing\n");

    struct ruleset rs = {0};
    char err[RULES_ERR_MAX];
    const char *bad;
    assert_int_equal(rules_add(&rs, "watchlist.chips", list_path, err), 0);
    assert_int_equal(rules_add(&rs, "watch.CHIPS", "2 : @chips, TSMC", err), 0);
    assert_int_equal(rules_add(&rs, "watchlist.chips", list_path, err), -1);
    assert_non_null(strstr(err, "the watchlist chips is set twice"));
    assert_int_equal(rules_finish(&rs, &bad, err), 0);
    assert_int_equal(nameset_count(rs.watchlists[0]->set), 3);

    struct newsd_article *a = article_new("w.txt", 0);
    newsd_article_tag(a, "entity:org/Huawei", 1.0);
    newsd_article_tag(a, "entity:org/TSMC", 1.0);
    newsd_article_tag(a, "entity:person/Xu Bing", 0.5);
    newsd_article_tag(a, "entity:org/Baidu", 1.0);
    assert_int_equal(rules_apply(&rs, a), NEWSD_OK);
    assert_true(a->rules[0].points == 5.0);   /* 2 x (1 + 1 + 0.5) */
    assert_string_equal(a->rules[0].reason, "3 watched entities: org/Huawei, org/TSMC, person/Xu Bing (0.50)");
    article_truncate(a, a->n_tags, 0, a->n_meta);

    /* a saved change is read again (at most once a second: due at once here) */
    write_list("Baidu\n");
    atomic_store(&rs.watchlists[0]->next_check_ms, 0);
    assert_int_equal(rules_apply(&rs, a), NEWSD_OK);
    assert_string_equal(a->rules[0].reason, "2 watched entities: org/TSMC, org/Baidu");
    article_truncate(a, a->n_tags, 0, a->n_meta);

    /* a broken file keeps the previous names and says where it broke */
    write_list("Huawei\nBai\xff\n");
    atomic_store(&rs.watchlists[0]->next_check_ms, 0);
    assert_int_equal(watchlist_refresh(rs.watchlists[0], 1, err), -1);
    assert_non_null(strstr(err, ":2: not valid UTF-8"));
    assert_non_null(strstr(err, "keeping the previous 1 names"));
    assert_int_equal(rules_apply(&rs, a), NEWSD_OK);
    assert_string_equal(a->rules[0].reason, "2 watched entities: org/TSMC, org/Baidu");
    /* not due yet: nothing is read */
    write_list("Huawei\n");
    assert_int_equal(watchlist_refresh(rs.watchlists[0], 2, err), 0);
    article_free(a);
    rules_free(&rs);

    /* @LIST must name a list; a broken file is refused at start */
    memset(&rs, 0, sizeof rs);
    assert_int_equal(rules_add(&rs, "watch.W", "1 : @nope", err), 0);
    assert_int_equal(rules_finish(&rs, &bad, err), -1);
    assert_string_equal(bad, "watch.W");
    assert_non_null(strstr(err, "@nope names no list: add watchlist.nope = FILE"));
    rules_free(&rs);
    write_list("ok\n\xc3\n");
    memset(&rs, 0, sizeof rs);
    assert_int_equal(rules_add(&rs, "watchlist.x", list_path, err), -1);
    assert_non_null(strstr(err, ":2: not valid UTF-8"));
    rules_free(&rs);
    char text[400];
    memset(text, 'y', 300);
    strcpy(text + 300, "\n");
    write_list(text);
    memset(&rs, 0, sizeof rs);
    assert_int_equal(rules_add(&rs, "watchlist.x", list_path, err), -1);
    assert_non_null(strstr(err, ":1: a name longer than 256 bytes"));
    rules_free(&rs);
    unlink(list_path);
}

/* ---- evaluation ----------------------------------------------------------- */

static struct ruleset parse_all(const char *const *kv)
{
    struct ruleset rs = {0};
    char err[RULES_ERR_MAX];
    const char *bad;
    for (size_t i = 0; kv[i]; i += 2)
        if (rules_add(&rs, kv[i], kv[i + 1], err) < 0)
            fail_msg("%s: %s", kv[i], err);
    assert_int_equal(rules_finish(&rs, &bad, err), 0);
    return rs;
}

static const struct article_rule *rule_of(const struct newsd_article *a, const char *name)
{
    for (size_t i = 0; i < a->n_rules; i++)
        if (strcmp(a->rules[i].rule, name) == 0)
            return &a->rules[i];
    return NULL;
}

#define T_RECEIVED 1764403200000LL   /* 2025-11-29T08:00:00Z */

static struct newsd_article *article(const char *published, const char *body)
{
    struct newsd_article *a = article_new("r.json", T_RECEIVED);
    article_set_raw(a, (unsigned char *)strdup("x"), 1);
    newsd_article_set(a, NEWSD_FIELD_TITLE, "Chips");
    newsd_article_set(a, NEWSD_FIELD_BODY, body);
    newsd_article_set(a, NEWSD_FIELD_PUBLISHED, published);
    newsd_article_tag(a, "topic:ai-chips", 1.0);
    newsd_article_tag(a, "entity:org/Huawei", 1.0);
    newsd_article_tag(a, "entity:org/Nvidia", 0.5);
    newsd_article_tag(a, "entity:person/Xu Bing", 1.0);
    newsd_article_tag(a, "dup:near/0123456789abcdef0123456789abcdef", 0.9);
    return a;
}

static void test_rules_fire_with_reasons(void **state)
{
    (void)state;
    static const char *const kv[] = {
        "rule.AI", "topic:ai-chips, 3",
        "rule.ORGS", "entity:org/*, 2, 2.5",
        "watch.PEOPLE", "1 : xu bing, org/Nobody",
        "fresh.NEW", "2, 6h",
        "short.SHORT", "-3, 5",
        "rule.NEAR_DUP", "dup:near/*, -4",
        "rule.NONE", "topic:none, 9",
        NULL,
    };
    struct ruleset rs = parse_all(kv);
    struct newsd_article *a = article("2025-11-29T02:00:00Z", "Zwei Wörter.");
    assert_int_equal(rules_apply(&rs, a), NEWSD_OK);
    assert_int_equal(a->n_rules, 6);
    assert_null(rule_of(a, "NONE"));
    const struct article_rule *r = rule_of(a, "AI");
    assert_true(r->points == 3.0);
    assert_string_equal(r->reason, "topic:ai-chips (weight 1.00)");
    r = rule_of(a, "ORGS");
    assert_true(r->points == 2.5);                    /* 2 * 1.5, at most 2.5 */
    assert_string_equal(r->reason, "2 tags match entity:org/*: Huawei, Nvidia (0.50) (at most 2.5)");
    r = rule_of(a, "PEOPLE");
    assert_true(r->points == 1.0);
    assert_string_equal(r->reason, "1 watched entity: person/Xu Bing");
    r = rule_of(a, "NEW");                            /* 6 h old, half-life 6 h */
    assert_true(fabs(r->points - 1.0) < 1e-9);
    assert_non_null(strstr(r->reason, "published 6.0 h before it arrived"));
    r = rule_of(a, "SHORT");
    assert_true(r->points == -3.0);
    assert_string_equal(r->reason, "the body has 2 words, fewer than 5");
    r = rule_of(a, "NEAR_DUP");
    assert_true(fabs(r->points + 3.6) < 1e-9);
    assert_non_null(strstr(r->reason, "0123456789abcdef0123456789abcdef (0.90)"));
    article_free(a);

    /* no date, an old one, a long body: those rules stay silent */
    a = article("", "Eins zwei drei vier fünf sechs.");
    assert_int_equal(rules_apply(&rs, a), NEWSD_OK);
    assert_null(rule_of(a, "NEW"));
    assert_null(rule_of(a, "SHORT"));
    article_free(a);
    a = article("2025-10-01", "x");
    assert_int_equal(rules_apply(&rs, a), NEWSD_OK);
    assert_null(rule_of(a, "NEW"));
    article_free(a);
    /* published after it arrived: as fresh as it gets */
    a = article("2025-11-30T00:00:00Z", "x");
    assert_int_equal(rules_apply(&rs, a), NEWSD_OK);
    assert_true(rule_of(a, "NEW")->points == 2.0);
    article_free(a);
    rules_free(&rs);
}

static void test_group_caps(void **state)
{
    (void)state;
    static const char *const kv[] = {
        "rule.AI", "topic:ai-chips, 3",
        "rule.ORGS", "entity:org/*, 2",
        "watch.RIVALS", "2 : Huawei",
        "rule.DUP", "dup:near/*, -10",
        "group.G", "4 : AI, ORGS, RIVALS",
        "group.PENALTY", "5 : DUP",
        NULL,
    };
    struct ruleset rs = parse_all(kv);
    struct newsd_article *a = article("", "x");
    assert_int_equal(rules_apply(&rs, a), NEWSD_OK);
    assert_true(rule_of(a, "AI")->points == 3.0);
    assert_true(rule_of(a, "ORGS")->points == 1.0);    /* 3 of the group's 4 were taken */
    assert_non_null(strstr(rule_of(a, "ORGS")->reason, "counted 1 of 3: the group G gives at most 4 together"));
    assert_true(rule_of(a, "RIVALS")->points == 0.0);  /* fired, nothing left */
    assert_non_null(strstr(rule_of(a, "RIVALS")->reason, "counted 0 of 2"));
    assert_true(rule_of(a, "DUP")->points == -5.0);    /* negative sums are capped too */
    assert_true(newsd_article_score_total(a) == -1.0);
    article_free(a);
    rules_free(&rs);
}

/* ---- actions ----------------------------------------------------------------- */

static void test_actions_default_and_choose(void **state)
{
    (void)state;
    struct action_table t = {0};
    char *err = NULL;
    assert_int_equal(actions_finish(&t, &err), 0);
    assert_string_equal(actions_choose(&t, 6), "alert");
    assert_string_equal(actions_choose(&t, 5.99), "archive");
    assert_string_equal(actions_choose(&t, 0), "archive");
    assert_string_equal(actions_choose(&t, -0.01), "discard");
    assert_string_equal(actions_choose(&t, -1e300), "discard");
    assert_string_equal(t.hide, "discard");
    struct action_table none = {0};   /* never finished: the same defaults */
    assert_string_equal(actions_choose(&none, 7), "alert");
    assert_string_equal(actions_choose(&none, -7), "discard");
}

static void test_actions_configured(void **state)
{
    (void)state;
    struct action_table t = {0};
    char *err = NULL;
    assert_int_equal(actions_add(&t, "keep", "-inf", "a.ini:3", &err), 0);
    assert_int_equal(actions_add(&t, "page", "10", "a.ini:4", &err), 0);
    assert_int_equal(actions_add(&t, "notify", "4.5", "a.ini:5", &err), 0);
    assert_int_equal(actions_finish(&t, &err), 0);
    assert_string_equal(actions_choose(&t, 11), "page");
    assert_string_equal(actions_choose(&t, 4.5), "notify");
    assert_string_equal(actions_choose(&t, 4), "keep");
    assert_string_equal(t.hide, "");       /* no discard here: nothing hidden */
    assert_true(actions_has(&t, "notify") && !actions_has(&t, "alert"));
}

/* A key or a finished table refused with a message holding want. */
static void actions_refused(const char *const *kv, const char *want)
{
    struct action_table t = {0};
    char *err = NULL;
    int rc = 0;
    for (size_t i = 0; kv[i] && rc == 0; i += 2)
        rc = actions_add(&t, kv[i], kv[i + 1], "a.ini:7", &err);
    if (rc == 0)
        rc = actions_finish(&t, &err);
    if (rc != -1 || !err || !strstr(err, want))
        fail_msg("rc %d, error \"%s\", wanted \"%s\"", rc, err ? err : "", want);
    free(err);
}

static void test_actions_errors(void **state)
{
    (void)state;
    actions_refused((const char *const[]){"alert", "high", NULL}, "alert = high: expected the lowest score total");
    actions_refused((const char *const[]){"alert", "inf", NULL}, "expected the lowest score total");
    actions_refused((const char *const[]){"Alert", "5", NULL}, "'Alert' is not an action name");
    actions_refused((const char *const[]){"a b", "5", NULL}, "is not an action name");
    actions_refused((const char *const[]){"hide", "Not Me", NULL}, "hide = Not Me: expected the name of one action");
    actions_refused((const char *const[]){"alert", "5", "archive", "0", NULL},
                    "a.ini:7: [actions] no action for a total under 0");
    actions_refused((const char *const[]){"alert", "5", "notify", "5", "archive", "-inf", NULL},
                    "have the same threshold 5");
    actions_refused((const char *const[]){"alert", "5", "archive", "-inf", "hide", "discard", NULL},
                    "hide = discard: there is no action discard");
    const char *many[2 * ACTIONS_MAX + 3];
    char names[ACTIONS_MAX + 1][8];
    for (int i = 0; i <= ACTIONS_MAX; i++) {
        snprintf(names[i], sizeof names[i], "a%d", i);
        many[2 * i] = names[i];
        many[2 * i + 1] = "1";
    }
    many[2 * ACTIONS_MAX + 2] = NULL;
    actions_refused(many, "more than 16 actions");
}

int main(void)
{
    use_build_data_dir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tag_rule_errors),
        cmocka_unit_test(test_watch_fresh_short_errors),
        cmocka_unit_test(test_group_errors),
        cmocka_unit_test(test_good_rules_parse),
        cmocka_unit_test(test_durations_and_times),
        cmocka_unit_test(test_rules_fire_with_reasons),
        cmocka_unit_test(test_group_caps),
        cmocka_unit_test(test_watchlists),
        cmocka_unit_test(test_actions_default_and_choose),
        cmocka_unit_test(test_actions_configured),
        cmocka_unit_test(test_actions_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
