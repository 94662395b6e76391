/*
 * Fuzz target: the article as Lua sees it (lua_article.c) and the host
 * around it (lua_host.c, lua_sandbox.c): a Lua snippet from the input runs
 * in the sandbox against an article, with small limits, in the stage the
 * input names.
 *
 * Making a Lua state per input would measure lua_newstate(), so one
 * harness plugin (HARNESS below) is loaded once, the unit tests' way
 * (tests/unit/test_lua.c); it load()s the snippet, which reaches it as the
 * article's meta "fuzz.code", and runs it in an environment of its own.
 * What a snippet changes in the shared library tables is put back before
 * the next one, so that inputs stay independent.
 *
 * Input: the snippet (Lua text; bytes that are not UTF-8 become U+FFFD,
 * since meta is UTF-8), optionally starting with a line "--@STAGE" (parse,
 * tag, score, archive; default tag).  The article is the local `a`.  Snippets that loop, recurse or
 * allocate without end must be stopped by the budget and the cap, which is
 * what the -timeout of the fuzz run checks (issue #12 bug 2: time spent
 * inside C functions such as string.rep and pattern matching).
 *
 * Promises checked: a call ends as NEWSD_OK, NEWSD_DUPLICATE (archive) or
 * NEWSD_ERROR with a reason, and the article's tags, rules and meta stay
 * valid UTF-8 whatever the script did.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "fuzz_common.h"
#include "lua_host.h"
#include "text.h"

static const char HARNESS[] =
    "local saved, base = {}, {}\n"
    "for k, v in pairs(_G) do base[k] = v end\n"
    "for name, t in pairs(base) do\n"
    "  if type(t) == 'table' and name ~= '_G' then\n"
    "    local c = {}\n"
    "    for k, v in pairs(t) do c[k] = v end\n"
    "    saved[t] = c\n"
    "  end\n"
    "end\n"
    "local smt = getmetatable('')\n"
    "local smt_index = smt and smt.__index\n"
    "local rawset, pairs, next = rawset, pairs, next\n"
    "local function put_back(t, c)\n"
    "  for k in pairs(t) do if c[k] == nil then rawset(t, k, nil) end end\n"
    "  for k, v in pairs(c) do rawset(t, k, v) end\n"
    "end\n"
    "local function restore()\n"
    "  put_back(_G, base)\n"
    "  for t, c in next, saved do put_back(t, c) end\n"
    "  if smt then smt.__index = smt_index end\n"
    "end\n"
    "local function run(a)\n"
    "  restore()\n"
    "  local code = 'local a = ... ' .. (a:meta('fuzz.code') or '')\n"
    "  local f = load(code, '=snippet', 't', setmetatable({}, {__index = _G}))\n"
    "  if not f then return end\n"
    "  return f(a)\n"
    "end\n"
    "return { name = 'fuzz', parse = run, tag = run, score = run, archive = run }\n";

static const enum newsd_stage stages[] = {NEWSD_STAGE_PARSE, NEWSD_STAGE_TAG, NEWSD_STAGE_SCORE,
                                          NEWSD_STAGE_ARCHIVE};
static const char *const stage_names[] = {"parse", "tag", "score", "archive"};

static struct l_plugin *plugin;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_quiet();
    char path[4096];
    const char *dir = fuzz_scratch_dir();
    snprintf(path, sizeof path, "%s/harness.lua", dir);
    fuzz_write_file(path, HARNESS, sizeof HARNESS - 1);

    /* Small limits: a runaway snippet costs a few ms, not seconds. */
    struct config_kv kv[] = {
        {.key = "max_instructions", .value = "200000", .origin_dir = (char *)dir},
        {.key = "max_memory", .value = "2M", .origin_dir = (char *)dir},
    };
    struct plugin_section sec = {.name = "fuzz", .kv = kv, .n_kv = sizeof kv / sizeof *kv};
    struct daemon_config cfg = {.workers = 1};
    char *err = NULL;
    plugin = l_plugin_load(&cfg, &sec, path, L_LOAD_TRIAL_ONLY, &err);
    if (!plugin) {
        fprintf(stderr, "fuzz_lua: the harness does not load: %s\n", err ? err : "?");
        abort();
    }
    return 0;
}

static struct newsd_article *article(const char *code)
{
    struct newsd_article *a = article_new("fuzz.txt", 1764339651123);
    article_set_raw(a, (unsigned char *)strdup("raw bytes!"), 10);
    newsd_article_set(a, NEWSD_FIELD_TITLE, "Chinas KI-Fortschritte");
    newsd_article_set(a, NEWSD_FIELD_BODY,
                      "Die Lücke schließen: Huawei und Intel-Chef. Preis 4,6 Milliarden. STRASSE, Straße.");
    newsd_article_set(a, NEWSD_FIELD_LANG, "de");
    newsd_article_set(a, NEWSD_FIELD_URL, "https://example.org/ki");
    newsd_article_set(a, NEWSD_FIELD_PUBLISHED, "2026-11-28");
    a->plugin = "seed";
    newsd_article_tag(a, "entity:org/Huawei", 1.0);
    newsd_article_set_meta(a, "fuzz.code", code);
    return a;
}

static void check_text(const char *what, const char *s)
{
    FUZZ_CHECK(s != NULL && newsd_utf8_valid(s, strlen(s)), "%s is not valid UTF-8", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *raw = fuzz_strndup(data, size);
    size_t stage = 1;
    const char *code = raw;
    for (size_t i = 0; i < sizeof stage_names / sizeof *stage_names; i++) {
        size_t n = strlen(stage_names[i]);
        if (strncmp(raw, "--@", 3) == 0 && strncmp(raw + 3, stage_names[i], n) == 0 && raw[3 + n] == '\n') {
            stage = i;
            code = raw + 4 + n;
        }
    }
    char *text = text_utf8_repair(code);
    struct newsd_article *a = article(text);

    const newsd_plugin *d = l_plugin_descriptor(plugin);
    a->stage = stages[stage];
    a->plugin = "fuzz";
    int rc = a->stage == NEWSD_STAGE_ARCHIVE ? d->archive(plugin, a) : d->process(plugin, a->stage, a);
    a->stage = 0;
    a->plugin = NULL;

    FUZZ_CHECK(rc == NEWSD_OK || rc == NEWSD_ERROR || (rc == NEWSD_DUPLICATE && stage == 3), "the call returned %d",
               rc);
    if (rc == NEWSD_ERROR)
        FUZZ_CHECK(a->fail_reason && *a->fail_reason, "a failed call without a reason");
    for (size_t i = 0; i < a->n_tags; i++)
        check_text("a tag", a->tags[i].name);
    for (size_t i = 0; i < a->n_rules; i++) {
        check_text("a rule", a->rules[i].rule);
        check_text("a reason", a->rules[i].reason ? a->rules[i].reason : "");
    }
    for (size_t i = 0; i < a->n_meta; i++) {
        check_text("a meta key", a->meta[i].key);
        check_text("a meta value", a->meta[i].value);
    }
    char *json = newsd_article_to_json(a);
    FUZZ_CHECK(json != NULL, "no JSON record after the script");
    free(json);
    article_free(a);
    free(text);
    free(raw);
    return 0;
}
