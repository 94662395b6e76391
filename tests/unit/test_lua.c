/* Unit tests: the Lua host and the article binding.
 *
 * Each test writes a small script to a temp folder, loads it as plugin "t"
 * and calls its stage functions the way plugins.c does (stage and plugin
 * name set on the article).  Most checks are Lua assert()s: a failing one
 * makes the call return NEWSD_ERROR with the assertion in fail_reason,
 * which the C side prints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "article.h"
#include "log.h"
#include "lua_host.h"

static char dir[] = "/tmp/newsd-test-lua-XXXXXX";

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Load src as plugin "t" with extra config keys (key, value, ..., NULL). */
static struct l_plugin *load(const char *src, char **err, ...)
{
    struct config_kv kv[8];
    size_t n = 0;
    va_list ap;
    va_start(ap, err);
    for (const char *k; n < 8 && (k = va_arg(ap, const char *));) {
        kv[n].key = (char *)k;
        kv[n].value = va_arg(ap, char *);
        kv[n].origin_dir = dir;
        kv[n].file = NULL;
        kv[n].line = 0;
        n++;
    }
    va_end(ap);
    write_file("t.lua", src);
    char path[512];
    snprintf(path, sizeof path, "%s/t.lua", dir);
    struct plugin_section sec = {.name = "t", .kv = kv, .n_kv = n};
    struct daemon_config cfg = {0};
    cfg.workers = 1;
    char *e = NULL;
    struct l_plugin *lp = l_plugin_load(&cfg, &sec, path, L_LOAD_TRIAL_ONLY, &e);
    if (err)
        *err = e;
    else if (!lp)
        fail_msg("load failed: %s", e);
    return lp;
}

static void unload(struct l_plugin *lp)
{
    if (lp)
        l_plugin_descriptor(lp)->fini(lp);
}

static struct newsd_article *german(void)
{
    struct newsd_article *a = article_new("de.txt", 1764339651123);
    article_set_raw(a, (unsigned char *)strdup("raw bytes!"), 10);
    newsd_article_set(a, NEWSD_FIELD_TITLE, "Chinas KI-Fortschritte");
    newsd_article_set(a, NEWSD_FIELD_BODY, "Die Lücke schließen: Huawei und Intel-Chef. Preis 4,6 Milliarden.");
    newsd_article_set(a, NEWSD_FIELD_LANG, "de");
    newsd_article_set(a, NEWSD_FIELD_URL, "https://example.org/ki");
    newsd_article_set(a, NEWSD_FIELD_PUBLISHED, "2026-11-28");
    return a;
}

/* Run one stage like plugins.c: stage and plugin set around the call. */
static int run(struct l_plugin *lp, enum newsd_stage stage, struct newsd_article *a)
{
    const newsd_plugin *d = l_plugin_descriptor(lp);
    free(a->fail_reason);
    a->fail_reason = NULL;
    a->stage = stage;
    a->plugin = "t";
    int rc = stage == NEWSD_STAGE_ARCHIVE ? d->archive(lp, a) : d->process(lp, stage, a);
    a->stage = 0;
    a->plugin = NULL;
    return rc;
}

static void run_ok(struct l_plugin *lp, enum newsd_stage stage, struct newsd_article *a)
{
    int rc = run(lp, stage, a);
    if (rc != NEWSD_OK)
        fail_msg("stage failed: %s", a->fail_reason ? a->fail_reason : "?");
}

/* Expect a failure whose reason contains what. */
static void run_fails(struct l_plugin *lp, enum newsd_stage stage, struct newsd_article *a, const char *what)
{
    assert_int_equal(run(lp, stage, a), NEWSD_ERROR);
    assert_non_null(a->fail_reason);
    if (!strstr(a->fail_reason, what))
        fail_msg("reason '%s' lacks '%s'", a->fail_reason, what);
}

static void test_fields(void **state)
{
    (void)state;
    struct l_plugin *lp = load(
        "return { tag = function(a)\n"
        "  assert(a:title() == 'Chinas KI-Fortschritte')\n"
        "  assert(a:body():find('Huawei', 1, true))\n"
        "  assert(a:lang() == 'de' and a:url() == 'https://example.org/ki')\n"
        "  assert(a:published() == '2026-11-28' and a:source() == 'de.txt')\n"
        "  assert(#a:id() == 32 and a:size() == 10 and a:author() == '')\n"
        "  assert(tostring(a):find(a:id(), 1, true))\n"
        "end }\n", NULL, NULL);
    struct newsd_article *a = german();
    run_ok(lp, NEWSD_STAGE_TAG, a);
    const newsd_plugin *d = l_plugin_descriptor(lp);
    assert_int_equal(d->stages, NEWSD_STAGE_TAG);
    article_free(a);
    unload(lp);
}

/* contains() folds case the Unicode way: ß folds to "ss", so "SCHLIESSEN"
 * finds "schließen", and "Schliessen" does too. */
static void test_contains_german(void **state)
{
    (void)state;
    struct l_plugin *lp = load(
        "return { tag = function(a)\n"
        "  assert(a:contains('SCHLIESSEN'))\n"
        "  assert(a:contains('Schließen'))\n"
        "  assert(a:contains('schliessen'))\n"
        "  assert(a:contains('LÜCKE'))\n"
        "  assert(a:contains('ki-fortschritt'))\n"
        "  assert(not a:contains('Nvidia'))\n"
        "  assert(a:contains_word('intel'))\n"
        "  assert(not a:contains_word('KI-Fort'))\n"
        "  assert(a:contains_word('Huawei'))\n"
        "end }\n", NULL, NULL);
    struct newsd_article *a = german();
    run_ok(lp, NEWSD_STAGE_TAG, a);
    article_free(a);
    unload(lp);
}

static void test_find_and_words(void **state)
{
    (void)state;
    struct l_plugin *lp = load(
        "return { tag = function(a)\n"
        "  assert(a:find('^Chinas') == 'Chinas')\n"
        "  local n, unit = a:find('(%d+,%d+) (%a+)')\n"
        "  assert(n == '4,6' and unit == 'Milliarden', tostring(n))\n"
        "  assert(a:find('Nvidia') == nil)\n"
        "  local w = {}\n"
        "  for word in a:words() do w[#w + 1] = word end\n"
        "  assert(w[1] == 'chinas' and w[2] == 'ki' and w[3] == 'fortschritte', w[1])\n"
        "  assert(w[5] == 'lücke' and w[6] == 'schliessen', w[6])\n"
        "  assert(w[#w] == 'milliarden')\n"
        "end }\n", NULL, NULL);
    struct newsd_article *a = german();
    run_ok(lp, NEWSD_STAGE_TAG, a);
    article_free(a);
    unload(lp);
}

/* The text layer: the same analysis as C's newsd_article_analysis(). */
static void test_tokens_stems_sentences(void **state)
{
    (void)state;
    struct l_plugin *lp = load(
        "return { tag = function(a)\n"
        "  local t, s, z = a:tokens(), a:stems(), a:sentences()\n"
        "  assert(#t == 11 and #s == #t, #t)\n"
        "  assert(t[1] == 'Chinas' and t[2] == 'KI-Fortschritte' and t[4] == 'Lücke', t[4])\n"
        "  assert(t[9] == 'Preis' and t[10] == '4,6' and t[11] == 'Milliarden', t[10])\n"
        "  assert(s[2] == 'ki-fortschritt' and s[5] == 'schliess' and s[10] == '4,6', s[5])\n"
        "  assert(#z == 3 and z[1] == 'Chinas KI-Fortschritte', z[1])\n"
        "  assert(z[2] == 'Die Lücke schließen: Huawei und Intel-Chef.', z[2])\n"
        "  assert(z[3] == 'Preis 4,6 Milliarden.', z[3])\n"
        "end }\n", NULL, NULL);
    struct newsd_article *a = german();
    newsd_article_set(a, NEWSD_FIELD_LANG, "de");
    run_ok(lp, NEWSD_STAGE_TAG, a);
    article_free(a);
    unload(lp);
}

/* The tables count against the memory cap: a long article's tokens do not
 * fit in 1 MB. */
static void test_tokens_memory_cap(void **state)
{
    (void)state;
    struct l_plugin *lp = load(
        "return { tag = function(a) local t = a:tokens(); assert(#t > 0) end }\n", NULL, "max_memory", "1M",
        NULL);
    struct newsd_article *a = german();
    size_t n = 1600000;
    char *body = malloc(n + 1);
    for (size_t i = 0; i < n; i += 8)
        memcpy(body + i, "Wort%02zu ", 8);
    for (size_t i = 0; i < n; i += 8) {   /* distinct words, so the strings are not shared */
        body[i + 4] = (char)('a' + (i / 8) % 26);
        body[i + 5] = (char)('a' + (i / 208) % 26);
        body[i + 6] = (char)('a' + (i / 5408) % 26);
    }
    body[n] = '\0';
    newsd_article_set(a, NEWSD_FIELD_BODY, body);
    free(body);
    run_fails(lp, NEWSD_STAGE_TAG, a, "memory cap (max_memory = 1048576 bytes)");
    newsd_article_set(a, NEWSD_FIELD_BODY, "kurz");
    run_ok(lp, NEWSD_STAGE_TAG, a);
    article_free(a);
    unload(lp);
}

static void test_tags_scores_meta(void **state)
{
    (void)state;
    struct l_plugin *lp = load(
        "local p = {}\n"
        "function p.tag(a)\n"
        "  a:tag('entity:org/Huawei', 1.0); a:tag('entity:org/Intel', 0.5); a:tag('topic:x')\n"
        "  a:meta('k', 'v')\n"
        "end\n"
        "function p.score(a)\n"
        "  local t = a:tags('entity:org/')\n"
        "  assert(#t == 2 and t[1].name == 'entity:org/Huawei' and t[2].weight == 0.5)\n"
        "  assert(t[1].plugin == 't')\n"
        "  assert(#a:tags() == 3)\n"
        "  assert(a:has_tag('topic:x') == 1.0 and a:has_tag('nope') == nil)\n"
        "  assert(a:meta('k') == 'v' and a:meta('absent') == nil)\n"
        "  a:score('ORGS', 1.5, 'two orgs'); a:score('MORE', 1)\n"
        "  assert(a:score_total() == 2.5)\n"
        "  assert(a:scores()[1].reason == 'two orgs')\n"
        "end\n"
        "return p\n", NULL, NULL);
    struct newsd_article *a = german();
    run_ok(lp, NEWSD_STAGE_TAG, a);
    run_ok(lp, NEWSD_STAGE_SCORE, a);
    assert_int_equal(a->n_tags, 3);
    assert_int_equal(a->n_rules, 2);
    assert_string_equal(a->rules[0].plugin, "t");
    assert_string_equal(newsd_article_meta(a, "k"), "v");
    article_free(a);
    unload(lp);
}

/* A Lua string may hold NUL bytes; C would keep only what comes before the
 * first.  "ok\0nul" used to tag "ok": every name and value that becomes a
 * C string is now refused with an error, and lookups of such a name find
 * nothing. */
static void test_nul_in_names(void **state)
{
    (void)state;
    struct l_plugin *lp = load(
        "local p = {}\n"
        "function p.tag(a) a:tag('ok\\0nul') end\n"
        "function p.score(a)\n"
        "  local function refused(f, ...)\n"
        "    local ok, e = pcall(f, a, ...)\n"
        "    assert(not ok and e:find('NUL byte', 1, true), tostring(e))\n"
        "  end\n"
        "  refused(a.tag, 'ok\\0nul')\n"
        "  refused(a.score, 'R\\0x', 1)\n"
        "  refused(a.score, 'R', 1, 'why\\0not')\n"
        "  refused(a.meta, 'k\\0x', 'v')\n"
        "  refused(a.meta, 'k', 'v\\0x')\n"
        "  a:tag('ok'); a:meta('k', 'v')\n"
        "  assert(a:has_tag('ok\\0nul') == nil and a:has_tag('ok') == 1)\n"
        "  assert(a:meta('k\\0x') == nil and a:meta('k') == 'v')\n"
        "  assert(#a:tags('ok\\0') == 0 and #a:tags('ok') == 1)\n"
        "  assert(not a:contains('Huawei\\0x') and a:contains('Huawei'))\n"
        "  assert(not a:contains_word('Huawei\\0x'))\n"
        "end\n"
        "function p.parse(a) a:title('T\\0x') end\n"
        "return p\n", NULL, NULL);
    struct newsd_article *a = german();
    run_fails(lp, NEWSD_STAGE_TAG, a, "a:tag(): the name holds a NUL byte at offset 2");
    assert_int_equal(a->n_tags, 0);
    run_ok(lp, NEWSD_STAGE_SCORE, a);
    assert_int_equal(a->n_tags, 1);
    assert_int_equal(a->n_rules, 0);
    assert_int_equal(a->n_meta, 1);
    run_fails(lp, NEWSD_STAGE_PARSE, a, "NUL byte");
    assert_string_equal(newsd_article_get(a, NEWSD_FIELD_TITLE), "Chinas KI-Fortschritte");
    article_free(a);
    unload(lp);
}

/* The per-article limits reach Lua as errors that name the [daemon] key. */
static void test_limits_in_lua(void **state)
{
    (void)state;
    struct l_plugin *lp = load(
        "local p = {}\n"
        "function p.tag(a) for i = 1, 100 do a:tag('t' .. i) end end\n"
        "function p.score(a)\n"
        "  local ok, e = pcall(a.tag, a, string.rep('x', 9))\n"
        "  assert(not ok and e:find('max_name_bytes', 1, true), tostring(e))\n"
        "  ok, e = pcall(a.score, a, 'R', 1); assert(ok, e)\n"
        "  ok, e = pcall(a.score, a, 'S', 1)\n"
        "  assert(not ok and e:find('max_score_rules', 1, true), tostring(e))\n"
        "  ok, e = pcall(a.meta, a, 'k', 'v'); assert(ok, e)\n"
        "  ok, e = pcall(a.meta, a, 'l', 'v')\n"
        "  assert(not ok and e:find('max_meta', 1, true), tostring(e))\n"
        "  a:meta('k', 'w')   -- replacing needs no room\n"
        "end\n"
        "return p\n", NULL, NULL);
    struct newsd_article *a = german();
    a->limits = (struct article_limits){3, 1, 1, 8};
    run_fails(lp, NEWSD_STAGE_TAG, a, "a:tag(): the article already has 3, the most [daemon] max_tags allows");
    run_ok(lp, NEWSD_STAGE_SCORE, a);
    assert_int_equal(a->n_rules, 1);
    assert_string_equal(newsd_article_meta(a, "k"), "w");
    article_free(a);
    unload(lp);
}

/* A rule that would carry the total past the finite numbers is refused
 * (the record cannot hold an infinite total) with an error that says so,
 * not one about max_score_rules. */
static void test_total_overflow_in_lua(void **state)
{
    (void)state;
    struct l_plugin *lp = load(
        "local p = {}\n"
        "function p.score(a)\n"
        "  a:score('BIG', 1e308)\n"
        "  local ok, e = pcall(a.score, a, 'MORE', 1e308)\n"
        "  assert(not ok and e:find('not a finite number', 1, true), tostring(e))\n"
        "  assert(a:score_total() == 1e308)\n"
        "end\n"
        "return p\n", NULL, NULL);
    struct newsd_article *a = german();
    run_ok(lp, NEWSD_STAGE_SCORE, a);
    assert_int_equal(a->n_rules, 1);
    article_free(a);
    unload(lp);
}

/* What a stage does not allow is a Lua error that names the method and the
 * stage, and changes nothing. */
static void test_stage_read_only(void **state)
{
    (void)state;
    struct l_plugin *lp = load(
        "local p = {}\n"
        "function p.parse(a) a:body('Neuer Text') ; a:title('T') end\n"
        "function p.tag(a) a:score('X', 1) end\n"
        "function p.score(a) a:body('rewritten') end\n"
        "function p.archive(a) a:tag('late') end\n"
        "return p\n", NULL, NULL);
    struct newsd_article *a = german();
    run_ok(lp, NEWSD_STAGE_PARSE, a);
    assert_string_equal(newsd_article_get(a, NEWSD_FIELD_BODY), "Neuer Text");
    run_fails(lp, NEWSD_STAGE_TAG, a, "a:score() is not allowed in the tag stage");
    run_fails(lp, NEWSD_STAGE_SCORE, a, "not allowed in the score stage (parse only)");
    assert_string_equal(newsd_article_get(a, NEWSD_FIELD_BODY), "Neuer Text");
    run_fails(lp, NEWSD_STAGE_ARCHIVE, a, "a:tag() is not allowed in the archive stage");
    assert_int_equal(a->n_rules, 0);
    assert_int_equal(a->n_tags, 0);
    article_free(a);
    unload(lp);
}

/* a:action() (since 1.3): nil while the score is being made, the core's
 * choice from the archive stage on. */
static void test_action(void **state)
{
    (void)state;
    struct l_plugin *lp = load(
        "local p = {}\n"
        "function p.score(a) a:score('BIG', 7, 'because'); seen = a:action() end\n"
        "function p.archive(a) if seen ~= nil then error('action before the score stage ended') end\n"
        "  if a:action() ~= 'alert' then error('archive sees ' .. tostring(a:action())) end end\n"
        "return p\n", NULL, NULL);
    struct newsd_article *a = german();
    run_ok(lp, NEWSD_STAGE_SCORE, a);
    struct action_table t = {0};
    char *err = NULL;
    assert_int_equal(actions_finish(&t, &err), 0);
    article_choose_action(a, &t);
    assert_string_equal(newsd_article_action(a), "alert");
    run_ok(lp, NEWSD_STAGE_ARCHIVE, a);
    article_free(a);
    unload(lp);
}

static void test_use_after_callback(void **state)
{
    (void)state;
    struct l_plugin *lp = load(
        "local kept\n"
        "local p = {}\n"
        "function p.tag(a) kept = a; p.iter = a:words() end\n"
        "function p.score(a) assert(a:title()); kept:title() end\n"
        "return p\n", NULL, NULL);
    struct newsd_article *a = german();
    run_ok(lp, NEWSD_STAGE_TAG, a);
    run_fails(lp, NEWSD_STAGE_SCORE, a, "article used outside its callback");
    article_free(a);
    unload(lp);
}

static void test_sandbox(void **state)
{
    (void)state;
    write_file("helper.lua", "return { twice = function(x) return 2 * x end }\n");
    struct l_plugin *lp = load(
        "local h = require('helper')\n"
        "return { tag = function(a)\n"
        "  assert(h.twice(2) == 4 and require('helper') == h)\n"
        "  assert(os.execute == nil and os.getenv == nil and os.exit == nil)\n"
        "  assert(io == nil and package == nil and debug == nil)\n"
        "  assert(dofile == nil and loadfile == nil)\n"
        "  assert(type(os.time()) == 'number' and os.date('%Y') and os.clock())\n"
        "  assert(load('return 1')() == 1)\n"
        "  local f, e = load(string.dump(function() end))\n"
        "  assert(f == nil and e:find('binary'), e)\n"
        "  assert(not pcall(require, '..etc.passwd'))\n"
        "  assert(not pcall(require, 'absent'))\n"
        "  assert(getmetatable(setmetatable({}, {__index = {x = 1}})).__index.x == 1)\n"
        "  local ok, e = pcall(setmetatable, {}, {__gc = function() while true do end end})\n"
        "  assert(not ok and e:find('__gc'), e)\n"
        "  assert(type(newsd.time()) == 'number' and newsd.name == 't')\n"
        "  assert(newsd.config.words == 'a,b')\n"
        "  newsd.log('info', 'hello %s %d', 'log', 3)\n"
        "  print('printed', 1)\n"
        "end }\n", NULL, "words", "a,b", NULL);
    struct newsd_article *a = german();
    run_ok(lp, NEWSD_STAGE_TAG, a);
    article_free(a);
    unload(lp);
}

static void test_io_open_is_an_error(void **state)
{
    (void)state;
    struct l_plugin *lp = load("return { tag = function(a) io.open('/etc/passwd') end }\n", NULL, NULL);
    struct newsd_article *a = german();
    run_fails(lp, NEWSD_STAGE_TAG, a, "global 'io'");
    run_fails(lp, NEWSD_STAGE_TAG, a, "stack traceback");
    article_free(a);
    unload(lp);
}

static void test_instruction_budget(void **state)
{
    (void)state;
    struct l_plugin *lp = load(
        "local p = {}\n"
        "function p.tag(a) if a:contains('Huawei') then while true do end end end\n"
        "function p.score(a) while true do pcall(function() while true do end end) end end\n"
        "return p\n", NULL, "max_instructions", "100000", NULL);
    struct newsd_article *a = german();
    run_fails(lp, NEWSD_STAGE_TAG, a, "instruction budget (max_instructions = 100000)");
    /* catching the error with pcall does not buy more time */
    run_fails(lp, NEWSD_STAGE_SCORE, a, "instruction budget");
    newsd_article_set(a, NEWSD_FIELD_BODY, "harmlos");
    run_ok(lp, NEWSD_STAGE_TAG, a);   /* the next call has a fresh budget */
    article_free(a);
    unload(lp);
}

static void test_memory_cap(void **state)
{
    (void)state;
    struct l_plugin *lp = load(
        "hoard = {}\n"
        "local p = {}\n"
        "function p.tag(a)\n"
        "  if a:contains('Huawei') then\n"
        "    local s = 'x'\n"
        "    while true do hoard[#hoard + 1] = s; s = s .. s end\n"
        "  end\n"
        "  assert(#hoard == 0, 'state not rebuilt')\n"
        "end\n"
        "return p\n", NULL, "max_memory", "4M", NULL);
    struct newsd_article *a = german();
    run_fails(lp, NEWSD_STAGE_TAG, a, "memory cap (max_memory = 4194304 bytes)");
    newsd_article_set(a, NEWSD_FIELD_BODY, "harmlos");
    run_ok(lp, NEWSD_STAGE_TAG, a);   /* rebuilt: the hoard is gone */
    article_free(a);
    unload(lp);
}

static void test_refused_at_load(void **state)
{
    (void)state;
    char *err = NULL;
    assert_null(load("local p = {}\nfunction p.tag(a)\n  if then end\nend\nreturn p\n", &err, NULL));
    assert_non_null(strstr(err, "t.lua:3:"));
    free(err);
    assert_null(load("return { tag = function(a) end, init = function(c) error('no words') end }\n", &err, NULL));
    assert_non_null(strstr(err, "init failed"));
    assert_non_null(strstr(err, "no words"));
    free(err);
    assert_null(load("return 42\n", &err, NULL));
    assert_non_null(strstr(err, "must return its plugin table"));
    free(err);
    assert_null(load("return { init = function() end }\n", &err, NULL));
    assert_non_null(strstr(err, "none of parse, tag, score or archive"));
    free(err);
    assert_null(load("while true do end\n", &err, "max_instructions", "10000", NULL));
    assert_non_null(strstr(err, "instruction budget"));
    free(err);
    assert_null(load("return { tag = function() end }\n", &err, "max_memory", "lots", NULL));
    assert_non_null(strstr(err, "max_memory"));
    free(err);
}

static void test_init_gets_conf(void **state)
{
    (void)state;
    struct l_plugin *lp = load(
        "local p = {}\n"
        "function p.init(conf) p.words = conf.words; p.n = conf.n end\n"
        "function p.tag(a)\n"
        "  assert(p.words == 'Huawei, Intel' and p.n == '3' and type(p.n) == 'string')\n"
        "  for w in p.words:gmatch('[^,%s]+') do\n"
        "    if a:contains(w) then a:tag('entity:org/' .. w) end\n"
        "  end\n"
        "end\n"
        "function p.archive(a) return 'duplicate' end\n"
        "return p\n", NULL, "words", "Huawei, Intel", "n", "3", NULL);
    struct newsd_article *a = german();
    run_ok(lp, NEWSD_STAGE_TAG, a);
    assert_int_equal(a->n_tags, 2);
    assert_int_equal(run(lp, NEWSD_STAGE_ARCHIVE, a), NEWSD_DUPLICATE);
    const newsd_plugin *d = l_plugin_descriptor(lp);
    assert_int_equal(d->stages, NEWSD_STAGE_TAG | NEWSD_STAGE_ARCHIVE);
    assert_int_equal(d->commit(lp), NEWSD_OK);
    article_free(a);
    unload(lp);
}

static int setup(void **state)
{
    (void)state;
    log_init();
    log_set_level(NEWSD_LOG_ERROR);
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The plugin table's keys: names, names with help, families; newsd's own
 * keys always pass, others are refused before init runs. */
static void test_keys_table(void **state)
{
    (void)state;
    char *err = NULL;
    const char *src = "local p = { keys = { \"words\", tag = \"one tag\", [\"rule.\"] = \"rules\" } }\n"
                      "function p.init(conf) if conf.wrods then error('init ran') end end\n"
                      "function p.tag(a) end\nreturn p\n";
    unload(load(src, NULL, "words", "a", "tag", "x", "rule.A", "t, 1", "max_instructions", "100000",
                "max_memory", "8M", "required", "true", "max_ms", "100", NULL));
    assert_null(load(src, &err, "words", "a", "wrods", "b", NULL));
    assert_non_null(strstr(err, "[plugin.t] unknown key 'wrods' (did you mean 'words'?)"));
    assert_null(strstr(err, "init ran"));
    free(err);
    assert_null(load(src, &err, "rul.B", "t, 1", NULL));
    assert_non_null(strstr(err, "unknown key 'rul.B' (did you mean 'rule.B'?)"));
    free(err);
    assert_null(load("return { keys = 5, tag = function(a) end }", &err, NULL));
    assert_non_null(strstr(err, "'keys' is a number, not a table"));
    free(err);
    assert_null(load("return { keys = { true }, tag = function(a) end }", &err, NULL));
    assert_non_null(strstr(err, "'keys' holds a number = boolean"));
    free(err);
    /* No keys table: nothing is checked. */
    unload(load("return { tag = function(a) end }", NULL, "anything", "goes", NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_contains_german),
        cmocka_unit_test(test_find_and_words),
        cmocka_unit_test(test_tags_scores_meta),
        cmocka_unit_test(test_tokens_stems_sentences),
        cmocka_unit_test(test_tokens_memory_cap),
        cmocka_unit_test(test_nul_in_names),
        cmocka_unit_test(test_limits_in_lua),
        cmocka_unit_test(test_total_overflow_in_lua),
        cmocka_unit_test(test_stage_read_only),
        cmocka_unit_test(test_action),
        cmocka_unit_test(test_use_after_callback),
        cmocka_unit_test(test_sandbox),
        cmocka_unit_test(test_io_open_is_an_error),
        cmocka_unit_test(test_instruction_budget),
        cmocka_unit_test(test_memory_cap),
        cmocka_unit_test(test_refused_at_load),
        cmocka_unit_test(test_init_gets_conf),
        cmocka_unit_test(test_keys_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
