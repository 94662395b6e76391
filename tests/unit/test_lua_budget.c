/* Unit tests: time budgets (budget.c) and how Lua is held to them
 * (lua_limits.c, lua_match.c, lua_bounded.c).
 *
 * Times are checked with wide margins only: the budgets here are a few
 * hundred milliseconds, and "it ended" is asserted as "within 10 s"
 * (without the budget, these calls run for hours). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "article.h"
#include "budget.h"
#include "log.h"
#include "lua_host.h"
#include "lua_limits.h"
#include "lua_match.h"
#include "metrics.h"
#include "plugins.h"

static char dir[] = "/tmp/newsd-test-lua-budget-XXXXXX";

static struct l_plugin *load(const char *src, const char *max_ms)
{
    char path[512];
    snprintf(path, sizeof path, "%s/t.lua", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(src, f);
    fclose(f);
    struct config_kv kv[] = {{.key = "max_ms", .value = (char *)max_ms, .origin_dir = dir}};
    struct plugin_section sec = {.name = "t", .kv = kv, .n_kv = max_ms ? 1 : 0};
    struct daemon_config cfg = {0};
    cfg.workers = 1;
    char *err = NULL;
    struct l_plugin *lp = l_plugin_load(&cfg, &sec, path, L_LOAD_TRIAL_ONLY, &err);
    if (!lp)
        fail_msg("load failed: %s", err);
    return lp;
}

static void unload(struct l_plugin *lp)
{
    l_plugin_descriptor(lp)->fini(lp);
}

static struct newsd_article *article(void)
{
    struct newsd_article *a = article_new("t.txt", 0);
    article_set_raw(a, (unsigned char *)strdup("raw"), 3);
    newsd_article_set(a, NEWSD_FIELD_TITLE, "Titel");
    newsd_article_set(a, NEWSD_FIELD_BODY, "Huawei baut Halbleiter.");
    return a;
}

static double now_s(void)
{
    return (double)metrics_now_ns() / 1e9;
}

/* Call tag() like plugins.c; returns the rc, the reason in a->fail_reason. */
static int tag(struct l_plugin *lp, struct newsd_article *a)
{
    free(a->fail_reason);
    a->fail_reason = NULL;
    a->stage = NEWSD_STAGE_TAG;
    a->plugin = "t";
    int rc = l_plugin_descriptor(lp)->process(lp, NEWSD_STAGE_TAG, a);
    a->stage = 0;
    a->plugin = NULL;
    return rc;
}

/* tag() must fail within 10 s with a reason containing what. */
static void fails_in_time(struct l_plugin *lp, struct newsd_article *a, const char *what)
{
    double t0 = now_s();
    assert_int_equal(tag(lp, a), NEWSD_ERROR);
    double took = now_s() - t0;
    assert_non_null(a->fail_reason);
    if (!strstr(a->fail_reason, what))
        fail_msg("reason '%s' lacks '%s'", a->fail_reason, what);
    if (took > 10)
        fail_msg("took %.1f s to stop", took);
}

static void test_pattern_hang_stops(void **state)
{
    (void)state;
    struct l_plugin *lp = load(
        "local p = {}\n"
        "function p.tag(a)\n"
        "  if a:contains('Huawei') then\n"
        "    string.find(string.rep('a', 3000), string.rep('.-', 12) .. 'b')\n"
        "  elseif a:contains('pcall') then\n"
        "    while true do pcall(string.find, string.rep('a', 3000), string.rep('.-', 12) .. 'b') end\n"
        "  elseif a:contains('gsub') then\n"
        "    local s = ('(('):rep(100000)\n"
        "    while true do s:gsub('%b()', '') end\n"
        "  end\n"
        "  a:tag('t:ok')\n"
        "end\n"
        "return p\n", "300");
    struct newsd_article *a = article();
    fails_in_time(lp, a, "exceeded its time budget (max_ms = 300)");
    /* catching the error does not buy time */
    newsd_article_set(a, NEWSD_FIELD_BODY, "pcall");
    fails_in_time(lp, a, "time budget (max_ms = 300)");
    newsd_article_set(a, NEWSD_FIELD_BODY, "gsub");
    fails_in_time(lp, a, "time budget (max_ms = 300)");
    /* the next call has a budget of its own */
    newsd_article_set(a, NEWSD_FIELD_BODY, "harmlos");
    assert_int_equal(tag(lp, a), NEWSD_OK);
    article_free(a);
    unload(lp);
}

static void test_allocation_loop_stops(void **state)
{
    (void)state;
    struct l_plugin *lp = load(
        "return { tag = function(a)\n"
        "  while true do local s = string.rep('x', 4 * 1024 * 1024) end\n"
        "end }\n", "300");
    struct newsd_article *a = article();
    fails_in_time(lp, a, "time budget (max_ms = 300)");
    article_free(a);
    unload(lp);
}

static void test_bounded_functions(void **state)
{
    (void)state;
    struct l_plugin *lp = load(
        "local function refused(what, f, ...)\n"
        "  local ok, err = pcall(f, ...)\n"
        "  assert(not ok, what .. ' was not refused')\n"
        "  assert(err:find(what, 1, true), err)\n"
        "end\n"
        "return { tag = function(a)\n"
        "  refused('string.rep: the result would be 1000000000 bytes, over the limit of 16777216 bytes',\n"
        "          string.rep, 'x', 1e9)\n"
        "  refused('over the limit of 16777216', string.rep, '', 1e9, ',')\n"
        "  assert(string.rep('', 1e15) == '' and string.rep('', 1, ',') == '')\n"
        "  assert(string.rep('ab', 3, ',') == 'ab,ab,ab' and ('x'):rep(0) == '')\n"
        "  refused('table.move: 1000000000000 elements, over the limit of 4194304', table.move, {}, 1, 1e12, 1)\n"
        "  local huge = setmetatable({}, {__len = function() return 1e12 end, __index = {}})\n"
        "  refused('table.insert: 1000000000000 elements', table.insert, huge, 1, 'x')\n"
        "  refused('table.remove: 1000000000000 elements', table.remove, huge, 1)\n"
        "  refused('table.concat: 1000000000000 elements', table.concat, huge)\n"
        "  refused('table.sort: 1000000000000 elements', table.sort, huge)\n"
        "  refused('bad argument #1 to', table.insert, nil, 1)\n"
        "  local t = {3, 1, 2}\n"
        "  table.insert(t, 1, 0); table.sort(t); assert(table.concat(t, ',') == '0,1,2,3')\n"
        "  assert(table.remove(t, 1) == 0 and table.concat(table.move(t, 1, 3, 2, {}), ',', 2, 4) == '1,2,3')\n"
        "  assert(utf8.len('Lücke') == 5 and utf8.offset('Lücke', 3) == 4 and utf8.codepoint('ü') == 252)\n"
        "  assert(('a,b'):find(',', 1, true) == 2 and ('a b'):match('(%a) (%a)') == 'a')\n"
        "end }\n", NULL);
    struct newsd_article *a = article();
    if (tag(lp, a) != NEWSD_OK)
        fail_msg("%s", a->fail_reason);
    article_free(a);
    unload(lp);
}

/* The copy of the matcher answers like the stock one, errors included. */
static void test_matcher_same_as_stock(void **state)
{
    (void)state;
    struct l_limits lim = {.max_memory = 64u << 20, .max_instructions = 1000000000};
    lua_State *L = lua_newstate(l_limits_alloc, &lim);
    assert_non_null(L);
    l_limits_attach(&lim, L);
    luaL_openlibs(L);
    lua_newtable(L);
    l_match_install(L, -1);
    lua_setglobal(L, "m");
    static const char script[] =
        "local function all(ok, ...) return ok, select('#', ...), {...} end\n"
        "local function show(ok, n, t)\n"
        "  local out = {tostring(ok), n}\n"
        "  for i = 1, n do\n"
        "    local v = t[i]\n"
        "    if type(v) == 'string' then v = v:gsub(\"'m%.\", \"'string.\") end\n"
        "    out[#out + 1] = type(v) .. ':' .. tostring(v)\n"
        "  end\n"
        "  return table.concat(out, '|')\n"
        "end\n"
        "local function gm(f, s, p, i)\n"
        "  local r = {}\n"
        "  for a, b in f(s, p, i) do r[#r + 1] = tostring(a) .. '/' .. tostring(b) end\n"
        "  return table.concat(r, ' ')\n"
        "end\n"
        "local S = 'hello world from Lua: (a(b)c) [x] 1234 THE end, ü und ß'\n"
        "local cases = {\n"
        "  {S, 'o'}, {S, 'o', 6}, {S, 'o', -5}, {S, 'o', 100}, {S, '^h'}, {S, '^e'}, {S, 'end$'},\n"
        "  {S, '(%w+) (%w+)'}, {S, '()o()'}, {S, '%b()'}, {S, '%f[%a]%a+'}, {S, '(l)%1'},\n"
        "  {S, '[%d]+'}, {S, '[^%s]+$'}, {S, '[a-f]+'}, {S, '.-w'}, {S, 'l*'}, {S, 'l+o?'},\n"
        "  {S, '%u+'}, {S, '%p'}, {S, ''}, {'', ''}, {'', 'a*'}, {S, '[]]'}, {S, '%x+', 30},\n"
        "  {S, 'a.', 1, true}, {S, '(', 1, true}, {S, '%'}, {S, '[a'}, {S, '(()'}, {S, '%1'},\n"
        "  {S, '%g'}, {S, '(h)(e)(l)(l)(o)'}, {S, '%f'}, {S, '%bx'}, {string.rep('a', 300), string.rep('a?', 300)},\n"
        "  {'a\\0b', '%z'}, {'a\\0b', 'b', 1, true}, {'x', 'x', 0}, {'x', 'x', -10},\n"
        "}\n"
        "local out = {}\n"
        "for i, c in ipairs(cases) do\n"
        "  for _, f in ipairs({'find', 'match'}) do\n"
        "    local a = show(all(pcall(string[f], table.unpack(c, 1, 4))))\n"
        "    local b = show(all(pcall(m[f], table.unpack(c, 1, 4))))\n"
        "    if a ~= b then return 'case ' .. i .. ' ' .. f .. ': stock ' .. a .. ', copy ' .. b end\n"
        "  end\n"
        "  local a = show(all(pcall(gm, string.gmatch, c[1], c[2], c[3])))\n"
        "  local b = show(all(pcall(gm, m.gmatch, c[1], c[2], c[3])))\n"
        "  if a ~= b then return 'case ' .. i .. ' gmatch: stock ' .. a .. ', copy ' .. b end\n"
        "  for _, r in ipairs({'<%0>', '%1%1', '%%', '%2', '%x', {o = 'O', l = false}, function(x) return #x end, 7}) do\n"
        "    for _, n in ipairs({false, 1, 0}) do\n"
        "      local a = show(all(pcall(string.gsub, c[1], c[2], r, n or nil)))\n"
        "      local b = show(all(pcall(m.gsub, c[1], c[2], r, n or nil)))\n"
        "      if a ~= b then return 'case ' .. i .. ' gsub ' .. tostring(r) .. ': stock ' .. a .. ', copy ' .. b end\n"
        "    end\n"
        "  end\n"
        "end\n";
    if (luaL_dostring(L, script) != LUA_OK)
        fail_msg("%s", lua_tostring(L, -1));
    if (!lua_isnil(L, -1))
        fail_msg("%s", lua_tostring(L, -1));
    lua_close(L);
}

static void test_article_budget(void **state)
{
    (void)state;
    struct l_plugin *lp = load(
        "return { tag = function(a) string.find(string.rep('a', 3000), string.rep('.-', 12) .. 'b') end }\n", NULL);
    struct newsd_article *a = article();
    struct budget_call bc;
    budget_article_begin("t.txt", 200);
    assert_int_equal(budget_call_begin(&bc, "t", 5000), 0);
    assert_true(bc.by_article);
    assert_ptr_equal(budget_current_call(), &bc);
    fails_in_time(lp, a, "exceeded the article's time budget (max_article_ms = 200)");
    budget_call_end(&bc);
    assert_null(budget_current_call());
    /* spent: the next call is not made */
    usleep(250 * 1000);
    assert_int_equal(budget_call_begin(&bc, "t", 5000), -1);
    budget_article_end();
    assert_int_equal(budget_call_begin(&bc, "t", 5000), 0);
    assert_false(bc.by_article);
    budget_call_end(&bc);
    article_free(a);
    unload(lp);
}

static void test_watch_finds_stuck_calls(void **state)
{
    (void)state;
    struct budget_watch w = {0};
    struct budget_stuck st;
    struct budget_call bc;
    const uint64_t ms = 1000000;
    budget_watch_attach(&w);
    uint64_t t0 = metrics_now_ns();
    assert_false(budget_watch_stuck(&w, t0 + 3600000 * ms, 2, &st));   /* idle */
    budget_article_begin("slow.txt", 1000);
    assert_int_equal(budget_call_begin(&bc, "slowpoke", 100), 0);
    assert_false(budget_watch_stuck(&w, t0 + 150 * ms, 2, &st));
    assert_true(budget_watch_stuck(&w, bc.start_ns + 250 * ms, 2, &st));
    assert_true(st.in_call);
    assert_string_equal(st.plugin, "slowpoke");
    assert_string_equal(st.article, "slow.txt");
    assert_int_equal(st.budget_ms, 100);
    assert_true(st.running_ms >= 250);
    assert_false(budget_watch_stuck(&w, bc.start_ns + 250 * ms, 3, &st));
    budget_call_end(&bc);
    /* outside a call, the article's budget counts */
    assert_false(budget_watch_stuck(&w, bc.start_ns + 1500 * ms, 2, &st));
    assert_true(budget_watch_stuck(&w, bc.start_ns + 2500 * ms, 2, &st));
    assert_false(st.in_call);
    assert_string_equal(st.plugin, "");
    budget_article_end();
    assert_false(budget_watch_stuck(&w, t0 + 3600000 * ms, 2, &st));

    /* a long call is not newsd's own time: the core's clock starts after it */
    budget_article_begin("long.txt", 100);
    assert_int_equal(budget_call_begin(&bc, "slowpoke", 100), 0);
    usleep(150 * 1000);
    budget_call_end(&bc);
    assert_false(budget_watch_stuck(&w, metrics_now_ns() + 150 * ms, 2, &st));
    assert_true(budget_watch_stuck(&w, metrics_now_ns() + 250 * ms, 2, &st));
    budget_article_end();
    budget_watch_attach(NULL);
}

/* A C plugin that sleeps before it tags. */
static int slow_process(void *state, enum newsd_stage stage, newsd_article *a)
{
    (void)stage;
    usleep(*(unsigned *)state * 1000u);
    newsd_article_tag(a, "slow:tag", 1.0);
    return NEWSD_OK;
}

static void test_c_call_over_budget_fails(void **state)
{
    (void)state;
    unsigned sleep_ms = 60;
    newsd_plugin desc = {.name = "slow", .stages = NEWSD_STAGE_TAG, .process = slow_process};
    struct plugin_instance inst = {.name = "slow", .desc = &desc, .state = &sleep_ms, .initialised = true,
                                   .required = true, .max_ms = 20};
    struct plugin_set set = {.v = &inst, .n = 1, .stages = NEWSD_STAGE_TAG};
    struct newsd_article *a = article();
    const char *plugin = NULL;
    char *cause = NULL;
    assert_int_equal(plugin_set_run_stage(&set, NEWSD_STAGE_TAG, a, &plugin, &cause), -1);
    assert_string_equal(plugin, "slow");
    if (!strstr(cause, "took ") || !strstr(cause, "ms, over its time budget (max_ms = 20)"))
        fail_msg("cause: %s", cause);
    free(cause);
    assert_int_equal(a->n_tags, 0);   /* the late result is dropped */

    /* within its budget it counts */
    inst.max_ms = 5000;
    assert_int_equal(plugin_set_run_stage(&set, NEWSD_STAGE_TAG, a, &plugin, &cause), 0);
    assert_int_equal(a->n_tags, 1);

    /* the article's budget spent: not called at all */
    budget_article_begin("t.txt", 10);
    usleep(20 * 1000);
    sleep_ms = 0;
    assert_int_equal(plugin_set_run_stage(&set, NEWSD_STAGE_TAG, a, &plugin, &cause), -1);
    if (!strstr(cause, "not run: the article's time budget (max_article_ms = 10) is spent"))
        fail_msg("cause: %s", cause);
    free(cause);
    budget_article_end();
    article_free(a);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pattern_hang_stops),
        cmocka_unit_test(test_allocation_loop_stops),
        cmocka_unit_test(test_bounded_functions),
        cmocka_unit_test(test_matcher_same_as_stock),
        cmocka_unit_test(test_article_budget),
        cmocka_unit_test(test_watch_finds_stuck_calls),
        cmocka_unit_test(test_c_call_over_budget_fails),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
