/*
 * ABI conformance plugin: calls every newsd_* function of plugin.h, in
 * init and in every stage, and checks what each may and may not do there.
 * (The idea of Redis's tests/modules: the API tested through a real module
 * in the real server.)
 *
 * The expectations are written out here from the documented contract, not
 * taken from NEWSD_STAGE_MAP, so that a changed table shows up as a failure.
 * Any failed check fails the article with "conformance: CHECK" (configure
 * the instance as required = true) or, in init, refuses the configuration.
 * Each stage that may change meta leaves "abi.STAGE" = "N checks"; the
 * archive stage logs "abi conformance: archive stage: N checks passed".
 *
 * The text layer (1.2) is checked on a text of its own (init and every
 * stage) and on the probe article's analysis (every stage, and again after
 * the parse stage's set() of the title discarded it).
 *
 * Config keys it expects (tests/e2e/tests_abi.py writes them):
 *   text = hello, num = 2.5, flag = true, int = 42, size = 64M,
 *   bad = x, inf = inf, file = rel/file.txt, abs = /tmp/abi-abs,
 *   list = " a, b ,,c "
 */
#include <newsd/plugin.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct run {
    newsd_article *a;
    const char *stage;
    int checks;
    char failed[200];
};

/* Record a check; the first failure is the one reported. */
static void expect(struct run *r, int ok, const char *what)
{
    r->checks++;
    if (!ok && !r->failed[0])
        snprintf(r->failed, sizeof r->failed, "%s stage: %s", r->stage, what);
}

/* ---- the text layer (since 1.2) -------------------------------------------- */

/* The index of the first token with this text, or the token count. */
static size_t find_token(const newsd_analysis *an, const char *text, struct newsd_token *out)
{
    size_t n = newsd_analysis_token_count(an);
    for (size_t i = 0; i < n; i++) {
        out->struct_size = sizeof *out;
        if (newsd_analysis_token_at(an, i, out) == NEWSD_OK && strcmp(out->text, text) == 0)
            return i;
    }
    return n;
}

/* Any text, in init and in the stages alike. */
static void analysis_new_checks(struct run *r)
{
    const char *text = "The investors ran. Running companies invested!";
    newsd_analysis *an = newsd_analysis_new(text, strlen(text), "en");
    expect(r, an != NULL, "newsd_analysis_new() analyses English");
    if (!an)
        return;
    size_t len = 0;
    expect(r, strcmp(newsd_analysis_text(an, &len), text) == 0 && len == strlen(text),
           "newsd_analysis_text() is the text");
    expect(r, strcmp(newsd_analysis_lang(an), "en") == 0, "newsd_analysis_lang() is en");
    expect(r, newsd_analysis_token_count(an) == 8, "8 tokens");
    expect(r, newsd_analysis_sentence_count(an) == 2, "2 sentences");
    struct newsd_token t;
    size_t i = find_token(an, "Running", &t);
    expect(r, i < 8 && strcmp(t.norm, "running") == 0 && strcmp(t.stem, "run") == 0 &&
                  t.kind == NEWSD_TOKEN_WORD && (t.flags & NEWSD_TOKEN_SENTENCE_START) &&
                  (t.flags & NEWSD_TOKEN_CAPITALISED) && t.sentence == 1,
           "Running: norm running, stem run, starts sentence 1");
    i = find_token(an, "The", &t);
    expect(r, i == 0 && (t.flags & NEWSD_TOKEN_STOPWORD) && t.offset == 0 && t.length == 3,
           "The is a stop word at offset 0");
    i = find_token(an, "!", &t);
    expect(r, i == 7 && t.kind == NEWSD_TOKEN_PUNCT, "! is punctuation");
    struct newsd_sentence s = {.struct_size = sizeof s};
    expect(r, newsd_analysis_sentence_at(an, 1, &s) == NEWSD_OK && s.first_token == 4 && s.n_tokens == 4 &&
                  s.offset == 19 && s.length == strlen(text) - 19,
           "sentence 1 is the second");
    expect(r, newsd_analysis_sentence_at(an, 2, &s) == NEWSD_ERROR, "sentence_at past the end fails");
    expect(r, newsd_analysis_token_at(an, 8, &t) == NEWSD_ERROR, "token_at past the end fails");
    t.struct_size = 8;
    expect(r, newsd_analysis_token_at(an, 0, &t) == NEWSD_ERROR, "token_at refuses a small struct_size");
    s.struct_size = 8;
    expect(r, newsd_analysis_sentence_at(an, 0, &s) == NEWSD_ERROR, "sentence_at refuses a small struct_size");
    newsd_analysis_free(an);
    newsd_analysis_free(NULL);
    expect(r, newsd_analysis_new("bad \xff", 5, "en") == NULL, "newsd_analysis_new() refuses invalid UTF-8");
    expect(r, newsd_analysis_new("a\0b", 3, "en") == NULL, "newsd_analysis_new() refuses a NUL byte");
    expect(r, newsd_stopword("en", "the") == 1 && newsd_stopword("de", "und") == 1, "the, und are stop words");
    expect(r, newsd_stopword("en", "huawei") == 0 && newsd_stopword("xx", "the") == 0,
           "huawei is none; xx has no list");
}

/* The article's own analysis (PROBE in tests/e2e/tests_abi.py: no lang). */
static void article_analysis_checks(struct run *r)
{
    newsd_article *a = r->a;
    const newsd_analysis *an = newsd_article_analysis(a);
    expect(r, an != NULL, "newsd_article_analysis() gives one");
    if (!an)
        return;
    expect(r, newsd_article_analysis(a) == an, "the analysis is built once");
    char want[512];
    snprintf(want, sizeof want, "%s\n\n%s", newsd_article_get(a, NEWSD_FIELD_TITLE),
             newsd_article_get(a, NEWSD_FIELD_BODY));
    expect(r, strcmp(newsd_analysis_text(an, NULL), want) == 0, "the analysed text is title, blank line, body");
    struct newsd_token t;
    size_t n = newsd_analysis_token_count(an);
    size_t i = find_token(an, "Huawei", &t);
    expect(r, i < n && t.kind == NEWSD_TOKEN_WORD && (t.flags & NEWSD_TOKEN_CAPITALISED) &&
                  !(t.flags & NEWSD_TOKEN_TITLE) && strcmp(t.norm, "huawei") == 0 &&
                  strcmp(t.stem, t.norm) == 0,
           "Huawei is a body word; no lang: stem is norm");
    i = find_token(an, "Conformance", &t);
    expect(r, i == 0 && (t.flags & NEWSD_TOKEN_TITLE) && t.sentence == 0, "the title's first word");
    struct newsd_sentence s = {.struct_size = sizeof s};
    expect(r, newsd_analysis_sentence_count(an) == 2 && newsd_analysis_sentence_at(an, 1, &s) == NEWSD_OK &&
                  s.paragraph == 1,
           "two sentences: the title and the body's");

    /* Since 1.5: the same tokens as one array, read in place. */
    size_t count = 0, stride = 0;
    const struct newsd_token *base = newsd_analysis_tokens(an, &count, &stride);
    int same = base != NULL && count == n && stride >= sizeof(struct newsd_token);
    for (size_t k = 0; same && k < n; k++) {
        const struct newsd_token *at = newsd_token_in(base, stride, k);
        struct newsd_token c = {.struct_size = sizeof c};
        same = newsd_analysis_token_at(an, k, &c) == NEWSD_OK && at->struct_size >= sizeof c &&
               at->kind == c.kind && at->flags == c.flags && at->sentence == c.sentence &&
               at->offset == c.offset && at->length == c.length && at->text == c.text &&
               at->norm == c.norm && at->stem == c.stem && at->norm_length == c.norm_length &&
               at->stem_length == c.stem_length && at->type == c.type;
    }
    expect(r, same, "newsd_analysis_tokens() is token_at() for every token");
    count = 1;
    expect(r, newsd_analysis_tokens(NULL, &count, &stride) == NULL && count == 0,
           "newsd_analysis_tokens(NULL) is empty");
}

/* ---- init ------------------------------------------------------------------ */

static int init_checks(const newsd_config *conf)
{
    struct run r = {.stage = "init"};
    double d = 0;
    int b = 0;
    int64_t i64 = 0;
    uint64_t u64 = 0;

    expect(&r, newsd_abi_version() == NEWSD_ABI_STAMP(NEWSD_ABI_MAJOR, NEWSD_ABI_MINOR),
           "newsd_abi_version() is this header's version");
    expect(&r, newsd_version() && *newsd_version(), "newsd_version() is a version");
    expect(&r, strcmp(newsd_config_name(conf), "abi") == 0, "newsd_config_name() is the section name");
    expect(&r, newsd_config_get(conf, "text") && strcmp(newsd_config_get(conf, "text"), "hello") == 0,
           "newsd_config_get() reads a value");
    expect(&r, newsd_config_get(conf, "absent") == NULL, "newsd_config_get() of an absent key is NULL");
    expect(&r, newsd_config_get_double(conf, "num", 0, &d) == NEWSD_OK && d == 2.5, "get_double reads 2.5");
    expect(&r, newsd_config_get_double(conf, "absent", 7, &d) == NEWSD_OK && d == 7, "get_double default");
    expect(&r, newsd_config_get_double(conf, "bad", 0, &d) == NEWSD_ERROR, "get_double refuses x");
    expect(&r, newsd_config_get_double(conf, "inf", 0, &d) == NEWSD_ERROR, "get_double refuses inf");
    expect(&r, newsd_config_get_bool(conf, "flag", 0, &b) == NEWSD_OK && b == 1, "get_bool reads true");
    expect(&r, newsd_config_get_bool(conf, "bad", 0, &b) == NEWSD_ERROR, "get_bool refuses x");
    expect(&r, newsd_config_get_int(conf, "int", 0, 0, 100, &i64) == NEWSD_OK && i64 == 42, "get_int reads 42");
    expect(&r, newsd_config_get_int(conf, "int", 0, 0, 10, &i64) == NEWSD_ERROR, "get_int refuses out of range");
    expect(&r, newsd_config_get_int(conf, "absent", -3, -5, 5, &i64) == NEWSD_OK && i64 == -3, "get_int default");
    expect(&r, newsd_config_get_size(conf, "size", 0, UINT64_MAX, &u64) == NEWSD_OK && u64 == 64u << 20,
           "get_size reads 64M");
    expect(&r, newsd_config_get_size(conf, "bad", 0, UINT64_MAX, &u64) == NEWSD_ERROR, "get_size refuses x");

    size_t n = newsd_config_count(conf);
    const char *k = NULL, *v = NULL;
    int found_text = 0;
    for (size_t i = 0; i < n; i++)
        if (newsd_config_at(conf, i, &k, &v) == NEWSD_OK && strcmp(k, "text") == 0)
            found_text = strcmp(v, "hello") == 0;
    expect(&r, n >= 10 && found_text, "newsd_config_count/at list the section");
    expect(&r, newsd_config_at(conf, n, &k, &v) == NEWSD_ERROR, "newsd_config_at past the end fails");

    /* 1.3: an error that names the key's place; it only logs */
    expect(&r, newsd_config_error(conf, "text", "conformance: this error is expected") == NEWSD_ERROR,
           "newsd_config_error returns NEWSD_ERROR");

    const char *state = newsd_config_state_dir(conf);
    expect(&r, state && state[0] == '/', "newsd_config_state_dir() is absolute");
    int mode = newsd_config_run_mode(conf);
    expect(&r, mode == NEWSD_RUN_DAEMON || mode == NEWSD_RUN_TRY || mode == NEWSD_RUN_CHECK,
           "newsd_config_run_mode() is one of enum newsd_run_mode");
    char *p = newsd_config_path(conf, "file");
    expect(&r, p && p[0] == '/' && strstr(p, "/rel/file.txt"), "newsd_config_path() resolves a relative path");
    free(p);
    expect(&r, newsd_config_path(conf, "absent") == NULL, "newsd_config_path() of an absent key is NULL");
    p = newsd_config_state_path(conf, "absent", "sub/x.db");
    expect(&r, p && state && strncmp(p, state, strlen(state)) == 0 && strstr(p, "/sub/x.db"),
           "newsd_config_state_path() joins a default to the state dir");
    free(p);
    p = newsd_config_state_path(conf, "abs", "unused");
    expect(&r, p && strcmp(p, "/tmp/abi-abs") == 0, "newsd_config_state_path() keeps an absolute value");
    free(p);
    expect(&r, newsd_config_state_path(conf, "absent", NULL) == NULL, "state_path without key or default");

    expect(&r, newsd_utf8_valid("Gr\xc3\xbc\xc3\x9f", 6) == 1, "newsd_utf8_valid accepts UTF-8");
    expect(&r, newsd_utf8_valid("\xc0\xaf", 2) == 0, "newsd_utf8_valid refuses an overlong form");
    expect(&r, newsd_utf8_valid("\xed\xa0\x80", 3) == 0, "newsd_utf8_valid refuses a surrogate");
    expect(&r, newsd_id_valid("0123456789abcdef0123456789abcdef") == 1, "newsd_id_valid accepts an id");
    expect(&r, newsd_id_valid("0123456789ABCDEF0123456789abcdef") == 0, "newsd_id_valid refuses upper case");
    expect(&r, newsd_id_valid("0123") == 0, "newsd_id_valid refuses a short id");
    size_t items = 0;
    char **list = newsd_list_split(newsd_config_get(conf, "list"), &items);
    expect(&r, list && items == 3 && strcmp(list[0], "a") == 0 && strcmp(list[1], "b") == 0 &&
                   strcmp(list[2], "c") == 0 && list[3] == NULL,
           "newsd_list_split trims and drops empty items");
    newsd_list_free(list);

    newsd_log(NEWSD_LOG_DEBUG, "abi conformance: a debug line");
    newsd_log(NEWSD_LOG_INFO, "abi conformance: an info line");
    analysis_new_checks(&r);
    if (r.failed[0]) {
        newsd_log(NEWSD_LOG_ERROR, "conformance: %s", r.failed);
        return NEWSD_ERROR;
    }
    newsd_log(NEWSD_LOG_NOTICE, "abi conformance: init: %d checks passed", r.checks);
    return NEWSD_OK;
}

static int abi_init(const newsd_config *conf, void **state)
{
    *state = NULL;
    return init_checks(conf);
}

/* ---- reading, the same in every stage ---------------------------------------- */

static void read_checks(struct run *r, int archived)
{
    newsd_article *a = r->a;
    static const enum newsd_field fields[] = {
        NEWSD_FIELD_ID,    NEWSD_FIELD_SOURCE, NEWSD_FIELD_FORMAT, NEWSD_FIELD_ENCODING,
        NEWSD_FIELD_TITLE, NEWSD_FIELD_BODY,   NEWSD_FIELD_LANG,   NEWSD_FIELD_URL,
        NEWSD_FIELD_AUTHOR, NEWSD_FIELD_PUBLISHED,
    };
    int all = 1;
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        const char *v = newsd_article_get(a, fields[i]);
        all = all && v && newsd_utf8_valid(v, strlen(v));
    }
    expect(r, all, "every field reads as UTF-8, never NULL");
    expect(r, newsd_id_valid(newsd_article_get(a, NEWSD_FIELD_ID)), "the id is 32 lower-case hex digits");
    expect(r, strcmp(newsd_article_get(a, NEWSD_FIELD_FORMAT), "text") == 0, "format is text");
    size_t len = 0;
    const unsigned char *raw = newsd_article_raw(a, &len);
    expect(r, raw && len > 0, "newsd_article_raw() gives the bytes");
    expect(r, newsd_article_path(a) && strstr(newsd_article_path(a), "/work/"), "the path is in work/");
    expect(r, newsd_article_reprocessing(a) == 0, "not reprocessing");
    expect(r, newsd_article_received_ms(a) > 1500000000000LL, "received_ms is a time");
    expect(r, archived ? newsd_article_processed_ms(a) >= newsd_article_received_ms(a)
                       : newsd_article_processed_ms(a) == 0,
           archived ? "processed_ms is set for the archive" : "processed_ms is 0 before the archive");
    expect(r, newsd_article_contains(a, "CONFORMANCE") && !newsd_article_contains(a, "zzqqxx"),
           "newsd_article_contains() folds case");
    expect(r, newsd_article_contains_word(a, "probe") && !newsd_article_contains_word(a, "prob"),
           "newsd_article_contains_word() needs whole words");

    struct newsd_tag t;
    size_t nt = newsd_article_tag_count(a);
    expect(r, newsd_article_tag_at(a, nt, &t) == NEWSD_ERROR, "tag_at past the end fails");
    expect(r, nt == 0 || (newsd_article_tag_at(a, 0, &t) == NEWSD_OK && t.name && t.plugin),
           "tag_at gives name and plugin");
    expect(r, newsd_article_tag_weight(a, "abi:absent") == -1, "tag_weight of an absent tag is -1");

    struct newsd_score_rule sr;
    size_t ns = newsd_article_score_count(a);
    double total = 0;
    for (size_t i = 0; i < ns; i++)
        if (newsd_article_score_at(a, i, &sr) == NEWSD_OK)
            total += sr.points;
    expect(r, newsd_article_score_at(a, ns, &sr) == NEWSD_ERROR, "score_at past the end fails");
    expect(r, newsd_article_score_total(a) == total, "score_total is the sum of the rules");
    /* 1.3: the core chooses the action after the score stage */
    const char *action = newsd_article_action(a);
    expect(r, action && (archived ? *action != '\0' : *action == '\0'),
           archived ? "the archive stage sees an action" : "no action before the score stage ends");

    struct newsd_meta m;
    size_t nm = newsd_article_meta_count(a);
    expect(r, newsd_article_meta_at(a, nm, &m) == NEWSD_ERROR, "meta_at past the end fails");
    expect(r, newsd_article_meta(a, "abi.absent") == NULL, "meta of an absent key is NULL");

    char when[NEWSD_TIME_LEN];
    expect(r, strcmp(newsd_format_time(0, when), "1970-01-01T00:00:00.000Z") == 0, "format_time(0)");
    expect(r, strcmp(newsd_format_time(-1, when), "1969-12-31T23:59:59.999Z") == 0, "format_time(-1)");
    char *json = newsd_article_to_json(a);
    expect(r, json && strstr(json, newsd_article_get(a, NEWSD_FIELD_ID)), "to_json holds the id");
    free(json);
}

/* ---- changing: what each stage may do -------------------------------------- */

struct may {
    int fields, tags, score, meta;
};

static void change_checks(struct run *r, struct may may)
{
    newsd_article *a = r->a;
    char name[64];
    const char *title = newsd_article_get(a, NEWSD_FIELD_TITLE);
    char *keep = strdup(title);
    int ok = keep && newsd_article_set(a, NEWSD_FIELD_TITLE, keep) == NEWSD_OK;
    free(keep);
    expect(r, ok == may.fields, may.fields ? "set(TITLE) is allowed" : "set(TITLE) is refused");
    expect(r, newsd_article_set(a, NEWSD_FIELD_ID, "x") == NEWSD_ERROR, "set(ID) is refused: read-only");
    expect(r, newsd_article_set(a, NEWSD_FIELD_URL, "\xff") == NEWSD_ERROR, "set() refuses invalid UTF-8");

    snprintf(name, sizeof name, "abi:%s", r->stage);
    expect(r, (newsd_article_tag(a, name, 1.0) == NEWSD_OK) == may.tags,
           may.tags ? "tag() is allowed" : "tag() is refused");
    if (may.tags) {
        expect(r, newsd_article_tag(a, name, 0.5) == NEWSD_OK && newsd_article_tag_weight(a, name) == 1.0,
               "tag() with a lower weight keeps the higher");
        expect(r, newsd_article_tag(a, "abi:nan", NAN) == NEWSD_ERROR, "tag() refuses NaN");
        expect(r, newsd_article_tag(a, "abi:inf", INFINITY) == NEWSD_ERROR, "tag() refuses infinity");
        expect(r, newsd_article_tag(a, "abi:neg", -0.5) == NEWSD_ERROR, "tag() refuses a negative weight");
        expect(r, newsd_article_tag(a, "", 1) == NEWSD_ERROR, "tag() refuses an empty name");
        expect(r, newsd_article_tag(a, "abi:\xc3", 1) == NEWSD_ERROR, "tag() refuses invalid UTF-8");
        expect(r, newsd_article_tag_weight(a, "abi:nan") == -1, "a refused tag is not there");
    }

    snprintf(name, sizeof name, "ABI_%s", r->stage);
    expect(r, (newsd_article_score(a, name, 0.25, "conformance") == NEWSD_OK) == may.score,
           may.score ? "score() is allowed" : "score() is refused");
    if (may.score) {
        expect(r, newsd_article_score(a, "ABI_NAN", NAN, NULL) == NEWSD_ERROR, "score() refuses NaN");
        expect(r, newsd_article_score(a, "ABI_INF", -INFINITY, NULL) == NEWSD_ERROR, "score() refuses -inf");
        expect(r, newsd_article_score(a, "ABI_NEG", -1.0, NULL) == NEWSD_OK, "score() takes negative points");
        expect(r, newsd_article_score(a, "", 1, NULL) == NEWSD_ERROR, "score() refuses an empty rule");
    }

    snprintf(name, sizeof name, "abi.%s.probe", r->stage);
    expect(r, (newsd_article_set_meta(a, name, "1") == NEWSD_OK) == may.meta,
           may.meta ? "set_meta() is allowed" : "set_meta() is refused");
    if (may.meta) {
        expect(r, newsd_article_set_meta(a, name, "2") == NEWSD_OK && strcmp(newsd_article_meta(a, name), "2") == 0,
               "set_meta() replaces a value");
        expect(r, newsd_article_set_meta(a, "abi.bad", "\xff") == NEWSD_ERROR, "set_meta() refuses invalid UTF-8");
        expect(r, newsd_article_set_meta(a, "", "x") == NEWSD_ERROR, "set_meta() refuses an empty key");
    }
}

static int finish(struct run *r)
{
    if (r->failed[0])
        return newsd_article_fail(r->a, "conformance: %s", r->failed);
    return NEWSD_OK;
}

static int abi_process(void *state, enum newsd_stage stage, newsd_article *a)
{
    (void)state;
    struct run r = {.a = a};
    struct may may = {0};
    switch (stage) {
    case NEWSD_STAGE_PARSE:
        r.stage = "parse";
        may = (struct may){.fields = 1, .tags = 1, .meta = 1};
        break;
    case NEWSD_STAGE_TAG:
        r.stage = "tag";
        may = (struct may){.tags = 1, .meta = 1};
        break;
    case NEWSD_STAGE_SCORE:
        r.stage = "score";
        may = (struct may){.tags = 1, .score = 1, .meta = 1};
        break;
    default:
        return newsd_article_fail(a, "conformance: process() called for stage %u", (unsigned)stage);
    }
    read_checks(&r, 0);
    article_analysis_checks(&r);
    analysis_new_checks(&r);
    change_checks(&r, may);
    if (may.fields)   /* change_checks() set the title: a new analysis, of the same text */
        article_analysis_checks(&r);
    char key[32], value[32];
    snprintf(key, sizeof key, "abi.%s", r.stage);
    snprintf(value, sizeof value, "%d checks", r.checks);
    expect(&r, newsd_article_set_meta(a, key, value) == NEWSD_OK, "the result is recorded");
    return finish(&r);
}

static int abi_archive(void *state, newsd_article *a)
{
    (void)state;
    struct run r = {.a = a, .stage = "archive"};
    read_checks(&r, 1);
    article_analysis_checks(&r);
    change_checks(&r, (struct may){0});
    expect(&r, newsd_article_tag_weight(a, "abi:parse") == 1.0 && newsd_article_tag_weight(a, "abi:tag") == 1.0 &&
                   newsd_article_tag_weight(a, "abi:score") == 1.0,
           "the earlier stages' tags arrive");
    expect(&r, newsd_article_meta(a, "abi.score") != NULL, "the earlier stages' meta arrives");
    if (!r.failed[0])
        newsd_log(NEWSD_LOG_NOTICE, "abi conformance: archive stage: %d checks passed", r.checks);
    return finish(&r);
}

static int abi_commit(void *state)
{
    (void)state;
    return NEWSD_OK;
}

NEWSD_PLUGIN(
    .name = "abi_conformance",
    .description = "calls every newsd_* function in every stage (tests)",
    .stages = NEWSD_STAGE_PARSE | NEWSD_STAGE_TAG | NEWSD_STAGE_SCORE | NEWSD_STAGE_ARCHIVE,
    .flags = NEWSD_PLUGIN_THREAD_SAFE,
    .init = abi_init,
    .process = abi_process,
    .archive = abi_archive,
    .commit = abi_commit,
);
