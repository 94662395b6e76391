/*
 * Lua plugin host: states, loading, calling (the sandbox is lua_sandbox.c,
 * the limits lua_limits.c).  See lua_host.h for the slot scheme and
 * docs/plugins.md for the script side.
 *
 * Each call runs under the state's limits: max_instructions, a deadline
 * (the call's from budget.h when plugins.c made it, else now + max_ms) and
 * the memory cap.  A state that hit its memory cap may hold on to the
 * memory (in a global), so it is rebuilt (script and init run again) before
 * the next call.
 */
#include "lua_host.h"
#include "budget.h"
#include "config_keys.h"
#include "lua_article.h"
#include "lua_limits.h"
#include "lua_sandbox.h"
#include "log.h"
#include "metrics.h"
#include "xalloc.h"

#include <lauxlib.h>
#include <lualib.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define DEFAULT_MAX_INSTRUCTIONS 10000000
#define DEFAULT_MAX_MEMORY (64u << 20)

#define SLOT_MAIN 0
#define SLOT_ARCHIVE 1
#define SLOT_WORKER0 2

enum l_fn { FN_INIT, FN_PARSE, FN_TAG, FN_SCORE, FN_ARCHIVE, FN_COMMIT, FN_COUNT };
static const char *const fn_names[FN_COUNT] = {"init", "parse", "tag", "score", "archive", "commit"};

struct l_slot {
    lua_State *L;
    struct l_plugin *lp;
    struct l_limits lim;      /* the allocator's ud */
    bool rebuild;
    int ref[FN_COUNT];        /* registry refs of the table's functions, or LUA_NOREF */
};

struct l_plugin {
    newsd_plugin desc;        /* what plugins.c dispatches through */
    struct l_sandbox sb;    /* instance name, folder, section */
    char *script_name;        /* the table's name field, or the file name */
    char *path;
    const char *base;         /* file name part of path */
    long long max_instructions;
    size_t max_memory;
    unsigned max_ms;          /* calls that plugins.c did not make: init, archive */
    struct l_slot *slots;
    size_t n_slots;
    const struct plugin_section *sec;  /* while l_plugin_load() runs: its keys are checked */
    uv_mutex_t main_lock;     /* slot 0 is shared by the non-worker threads */
};

static _Thread_local int thread_slot = SLOT_MAIN;
static atomic_uint registered_workers;

void l_host_register_workers(unsigned n)
{
    unsigned cur = atomic_load(&registered_workers);
    while (cur < n && !atomic_compare_exchange_weak(&registered_workers, &cur, n))
        ;
}

void l_host_set_worker(unsigned index)
{
    thread_slot = SLOT_WORKER0 + (int)index;
}

/* ---- calls -------------------------------------------------------------- */

static int traceback(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (!msg)
        msg = luaL_tolstring(L, 1, NULL);
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* Call the function below nargs arguments under the limits and with the
 * traceback handler; the hook is cleared on both paths.  Leaves nres
 * results on success.  On failure returns -1 with *why (malloc'd) saying
 * which limit or error, and leaves nothing. */
static int slot_pcall(struct l_slot *s, int nargs, int nres, char **why)
{
    lua_State *L = s->L;
    struct l_limits *lim = &s->lim;
    const struct budget_call *bc = budget_current_call();
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, traceback);
    lua_insert(L, base);
    l_limits_arm(lim, bc ? bc->deadline_ns : metrics_now_ns() + (uint64_t)s->lp->max_ms * 1000000u);
    int rc = lua_pcall(L, nargs, nres, base);
    l_limits_disarm(lim);
    if (rc == LUA_OK) {
        /* A script that caught its memory error may still sit at the cap. */
        if (lim->mem_hit)
            s->rebuild = true;
        lua_remove(L, base);
        return 0;
    }
    char limit[96];
    if (lim->mem_hit || rc == LUA_ERRMEM) {
        *why = xasprintf("exceeded its memory cap (max_memory = %zu bytes)", s->lp->max_memory);
        s->rebuild = true;
    } else if (lim->budget_hit) {
        *why = xasprintf("exceeded its instruction budget (max_instructions = %lld)", s->lp->max_instructions);
    } else if (lim->time_hit) {
        if (!bc)
            snprintf(limit, sizeof limit, "its time budget (max_ms = %u)", s->lp->max_ms);
        *why = xasprintf("exceeded %s", bc ? budget_describe(bc, limit, sizeof limit) : limit);
    } else {
        const char *msg = lua_tostring(L, -1);
        *why = xasprintf("Lua error: %s", msg ? msg : "(error object is not a string)");
    }
    lua_settop(L, base - 1);
    return -1;
}

/* ---- states ------------------------------------------------------------- */

static void slot_close(struct l_slot *s)
{
    if (s->L)
        lua_close(s->L);
    s->L = NULL;
}

static int panic(lua_State *L)
{
    log_error("Lua panic (unprotected error): %s", lua_tostring(L, -1));
    abort();
}

/* What open_plugin() reports back besides raising. */
struct open_ctx {
    struct l_slot *s;
    unsigned stages;
    const char *phase;        /* what was running when it raised */
    bool refused;             /* the result is a message, not a Lua error */
};

static int refuse(lua_State *L, struct open_ctx *c, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    lua_pushvfstring(L, f, ap);
    va_end(ap);
    c->refused = true;
    return 1;
}

/* The plugin table's keys (on top of the stack): a list of names, or names
 * mapped to a line of help, as struct newsd_config_key in C.  Checked
 * against the section while the plugin loads; a table without one is
 * said once, not refused.  Returns what open_plugin() returns when the
 * section is refused, else 0. */
static int check_lua_keys(lua_State *L, struct open_ctx *c, struct l_plugin *lp)
{
    const struct plugin_section *sec = lp->sec;
    int t = lua_getfield(L, -1, "keys");
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        log_info("%s declares no configuration keys (no keys table): the keys of [plugin.%s] are not checked "
                 "for typing mistakes", lp->path, sec->name);
        return 0;
    }
    if (t != LUA_TTABLE)
        return refuse(L, c, "%s: the plugin table's 'keys' is a %s, not a table of key names", lp->path,
                      lua_typename(L, t));
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        n++;
        lua_pop(L, 1);
    }
    /* A userdata, so the array goes with the state if anything raises. */
    struct newsd_config_key *keys = lua_newuserdatauv(L, (n + 1) * sizeof *keys, 0);
    size_t i = 0;
    lua_pushnil(L);
    while (lua_next(L, -3)) {
        /* keys[1] = "words" or keys.words = "help"; a string key has a
         * string value, and a number key's value is the name. */
        int kt = lua_type(L, -2);
        if (kt == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING)
            keys[i++] = (struct newsd_config_key){lua_tostring(L, -2), lua_tostring(L, -1)};
        else if (kt == LUA_TNUMBER && lua_type(L, -1) == LUA_TSTRING)
            keys[i++] = (struct newsd_config_key){lua_tostring(L, -1), NULL};
        else
            return refuse(L, c, "%s: the plugin table's 'keys' holds a %s = %s; expected names (keys = "
                          "{\"words\", \"tag\"}) or names with help (keys = {words = \"...\"})",
                          lp->path, luaL_typename(L, -2), luaL_typename(L, -1));
        lua_pop(L, 1);
    }
    keys[i] = (struct newsd_config_key){NULL, NULL};
    /* The names stay valid: the keys table is on the stack until the pop. */
    const struct newsd_config_key *const tables[] = {config_plugin_core_keys, config_lua_limit_keys, keys};
    char *why = NULL;
    int rc = config_keys_check(sec, tables, 3, &why);
    lua_pop(L, 2);
    if (rc < 0) {
        refuse(L, c, "%s", why);
        free(why);
        return 1;
    }
    return 0;
}

/* Runs under slot_pcall (budget, cap, traceback): load and run the script,
 * take the stage functions from its table, init(conf).  Nothing here may
 * run unprotected: an allocation failing outside a pcall is a panic. */
static int open_plugin(lua_State *L)
{
    struct open_ctx *c = lua_touserdata(L, 1);
    struct l_slot *s = c->s;
    struct l_plugin *lp = s->lp;

    c->phase = "loading";
    if (l_sandbox_load(L, lp->path, lp->base) != LUA_OK) {
        /* "NAME.lua:LINE: message"; the operator gets the full path. */
        const char *msg = lua_tostring(L, -1);
        size_t bl = strlen(lp->base);
        if (strncmp(msg, lp->base, bl) == 0 && msg[bl] == ':')
            return refuse(L, c, "%s%s", lp->path, msg + bl);
        return refuse(L, c, "%s: %s", lp->path, msg);
    }
    c->phase = "running the script";
    lua_call(L, 0, 1);
    if (!lua_istable(L, -1))
        return refuse(L, c, "%s: the script must return its plugin table (return p), not a %s", lp->path,
                      luaL_typename(L, -1));
    static const unsigned fn_stage[FN_COUNT] = {0, NEWSD_STAGE_PARSE, NEWSD_STAGE_TAG, NEWSD_STAGE_SCORE,
                                                NEWSD_STAGE_ARCHIVE, 0};
    for (int i = 0; i < FN_COUNT; i++) {
        int t = lua_getfield(L, -1, fn_names[i]);
        if (t == LUA_TNIL) {
            lua_pop(L, 1);
            continue;
        }
        if (t != LUA_TFUNCTION)
            return refuse(L, c, "%s: the plugin table's '%s' is a %s, not a function", lp->path, fn_names[i],
                          lua_typename(L, t));
        s->ref[i] = luaL_ref(L, LUA_REGISTRYINDEX);
        c->stages |= fn_stage[i];
    }
    if (!c->stages)
        return refuse(L, c, "%s: the plugin table has none of parse, tag, score or archive: it would never run",
                      lp->path);
    if (s->ref[FN_COMMIT] != LUA_NOREF && s->ref[FN_ARCHIVE] == LUA_NOREF)
        return refuse(L, c, "%s: the plugin table has commit() but no archive()", lp->path);
    /* Before init: a mistyped key is what the writer must hear of. */
    if (lp->sec && s == &lp->slots[SLOT_MAIN] && check_lua_keys(L, c, lp))
        return 1;
    if (!lp->script_name && lua_getfield(L, -1, "name") == LUA_TSTRING)
        lp->script_name = xstrdup(lua_tostring(L, -1));
    if (s->ref[FN_INIT] != LUA_NOREF) {
        c->phase = "init";
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->ref[FN_INIT]);
        l_sandbox_push_conf(L, &lp->sb);
        lua_call(L, 1, 0);
    }
    /* What loading left behind is garbage; start articles with a clean heap. */
    lua_gc(L, LUA_GCCOLLECT);
    lua_pushnil(L);
    return 1;
}

/* Make the state: sandbox, then open_plugin().  *stages gets the stages the
 * table implements. */
static int slot_open(struct l_slot *s, struct l_plugin *lp, unsigned *stages, char **err)
{
    char *why = NULL;
    s->lp = lp;
    s->lim = (struct l_limits){.max_memory = lp->max_memory, .max_instructions = lp->max_instructions};
    s->rebuild = false;
    for (int i = 0; i < FN_COUNT; i++)
        s->ref[i] = LUA_NOREF;
    lua_State *L = lua_newstate(l_limits_alloc, &s->lim);
    if (!L) {
        *err = xasprintf("%s: cannot create a Lua state (max_memory = %zu bytes)", lp->path, lp->max_memory);
        return -1;
    }
    lua_atpanic(L, panic);
    l_limits_attach(&s->lim, L);
    s->L = L;
    lua_pushcfunction(L, l_sandbox_open);
    lua_pushlightuserdata(L, &lp->sb);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        *err = xasprintf("%s: cannot set up the Lua sandbox: %s", lp->path, lua_tostring(L, -1));
        goto fail;
    }
    struct open_ctx c = {s, 0, "loading", false};
    lua_pushcfunction(L, open_plugin);
    lua_pushlightuserdata(L, &c);
    if (slot_pcall(s, 1, 1, &why) < 0) {
        /* A refused start or reload says each mistake on one line
         * (check_config.c, newsctl reload).  The message already names the
         * script's file and line; the traceback under it adds only the
         * frames of newsd's loader. */
        char *tb = strstr(why, "\nstack traceback:");
        if (tb)
            *tb = '\0';
        *err = strcmp(c.phase, "init") == 0 ? xasprintf("%s: init failed: %s", lp->path, why)
                                             : xasprintf("%s: %s: %s", lp->path, c.phase, why);
        goto fail;
    }
    if (c.refused) {
        *err = xasprintf("%s", lua_tostring(L, -1));
        goto fail;
    }
    lua_pop(L, 1);
    *stages = c.stages;
    return 0;

fail:
    free(why);
    slot_close(s);
    return -1;
}

/* After a memory-cap hit: start this state over. */
static void slot_rebuild(struct l_slot *s)
{
    char *err = NULL;
    unsigned stages = 0;
    slot_close(s);
    if (slot_open(s, s->lp, &stages, &err) < 0) {
        log_error("cannot rebuild the Lua state after its memory cap was hit, the plugin is off on this "
                  "thread until the next reload: %s", err);
        free(err);
    }
}

/* ---- the descriptor's callbacks ----------------------------------------- */

/* The slot for this thread; slot 0 (locked) for threads that are not
 * workers.  *locked says whether to unlock after. */
static struct l_slot *slot_for_thread(struct l_plugin *lp, bool *locked)
{
    int i = thread_slot;
    if (i >= SLOT_WORKER0 && (size_t)i < lp->n_slots) {
        *locked = false;
        return &lp->slots[i];
    }
    uv_mutex_lock(&lp->main_lock);
    *locked = true;
    return &lp->slots[SLOT_MAIN];
}

/* The article userdata of the call in progress is anchored in the registry
 * under this address, so that it can be detached after the call however
 * the call ended (the stack below it is gone by then). */
static const char current_article;

/* Runs under slot_pcall: making the userdata allocates, and an allocation
 * failing outside a pcall is a panic. */
static int stage_call(lua_State *L)
{
    newsd_article *a = lua_touserdata(L, 1);
    lua_Integer ref = lua_tointeger(L, 2);
    l_article_push(L, a);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &current_article);
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    lua_insert(L, -2);
    lua_call(L, 1, 1);
    return 1;
}

/* Call fn(a) in s.  Returns NEWSD_OK / NEWSD_ERROR (after
 * newsd_article_fail) and, for archive(), NEWSD_DUPLICATE when the script
 * returns "duplicate". */
static int call_with_article(struct l_slot *s, enum l_fn fn, newsd_article *a)
{
    char *why = NULL;
    if (s->rebuild)
        slot_rebuild(s);
    if (!s->L)
        return newsd_article_fail(a, "its Lua state is gone (it hit its memory cap and could not be rebuilt)");
    lua_State *L = s->L;
    int top = lua_gettop(L);
    lua_pushcfunction(L, stage_call);
    lua_pushlightuserdata(L, a);
    lua_pushinteger(L, s->ref[fn]);
    int rc = slot_pcall(s, 2, 1, &why);
    /* Detach the userdata: a script that kept it gets an error, not a
     * freed article.  Neither the lookup nor clearing a present key
     * allocates. */
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &current_article) != LUA_TNIL) {
        l_article_invalidate(L, -1);
        lua_pushnil(L);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &current_article);
    }
    lua_pop(L, 1);
    if (rc < 0) {
        lua_settop(L, top);
        newsd_article_fail(a, "%s", why);
        free(why);
        return NEWSD_ERROR;
    }
    int result = NEWSD_OK;
    if (fn == FN_ARCHIVE && lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "duplicate") == 0)
        result = NEWSD_DUPLICATE;
    lua_settop(L, top);
    return result;
}

static int l_plugin_process(void *state, enum newsd_stage stage, newsd_article *a)
{
    struct l_plugin *lp = state;
    enum l_fn fn = stage == NEWSD_STAGE_PARSE ? FN_PARSE : stage == NEWSD_STAGE_TAG ? FN_TAG : FN_SCORE;
    bool locked;
    struct l_slot *s = slot_for_thread(lp, &locked);
    int rc = call_with_article(s, fn, a);
    if (locked)
        uv_mutex_unlock(&lp->main_lock);
    return rc;
}

/* archive() and commit() run one batch at a time (plugin.h), on whatever
 * thread the archive uses: they have a slot of their own. */
static struct l_slot *archive_slot(struct l_plugin *lp)
{
    return lp->n_slots > SLOT_ARCHIVE ? &lp->slots[SLOT_ARCHIVE] : &lp->slots[SLOT_MAIN];
}

static int l_plugin_archive(void *state, newsd_article *a)
{
    return call_with_article(archive_slot(state), FN_ARCHIVE, a);
}

static int l_plugin_commit(void *state)
{
    struct l_slot *s = archive_slot(state);
    char *why = NULL;
    if (s->ref[FN_COMMIT] == LUA_NOREF)
        return NEWSD_OK;
    if (s->rebuild)
        slot_rebuild(s);
    if (!s->L)
        return NEWSD_ERROR;
    lua_rawgeti(s->L, LUA_REGISTRYINDEX, s->ref[FN_COMMIT]);
    if (slot_pcall(s, 0, 1, &why) < 0) {
        log_error("commit failed: %s; the batch is retried", why);
        free(why);
        return NEWSD_ERROR;
    }
    /* commit() may say no without raising: return false, "why". */
    bool ok = !(lua_isboolean(s->L, -1) && !lua_toboolean(s->L, -1));
    lua_pop(s->L, 1);
    if (!ok)
        log_error("commit returned false; the batch is retried");
    return ok ? NEWSD_OK : NEWSD_ERROR;
}

static void l_plugin_free(void *state)
{
    struct l_plugin *lp = state;
    if (!lp)
        return;
    for (size_t i = 0; i < lp->n_slots; i++)
        slot_close(&lp->slots[i]);
    free(lp->slots);
    for (size_t i = 0; i < 2 * lp->sb.n_conf; i++)
        free(lp->sb.conf[i]);
    free(lp->sb.conf);
    uv_mutex_destroy(&lp->main_lock);
    free(lp->sb.instance);
    free(lp->script_name);
    free(lp->path);
    free(lp->sb.dir);
    free(lp);
}

/* ---- loading ------------------------------------------------------------ */

static int parse_limits(struct l_plugin *lp, const struct daemon_config *cfg, const struct plugin_section *sec,
                        char **err)
{
    if (budget_plugin_ms(cfg, sec, &lp->max_ms, err) < 0)
        return -1;
    const struct config_kv *kv = config_section_find(sec, "max_instructions");
    lp->max_instructions = DEFAULT_MAX_INSTRUCTIONS;
    lp->max_memory = DEFAULT_MAX_MEMORY;
    if (kv) {
        char *end;
        errno = 0;
        double d = strtod(kv->value, &end);
        if (errno || end == kv->value || *end || !(d >= 1000 && d <= 2e9)) {
            char at[PATH_MAX + 32];
            *err = xasprintf("%smax_instructions = %s: expected a number from 1000 to 2e9",
                             config_kv_where(kv, at, sizeof at), kv->value);
            return -1;
        }
        lp->max_instructions = (long long)d;
    }
    kv = config_section_find(sec, "max_memory");
    if (kv) {
        uint64_t v;
        if (config_parse_size(kv->value, &v) < 0 || v < (1u << 20) || v > ((uint64_t)16 << 30)) {
            char at[PATH_MAX + 32];
            *err = xasprintf("%smax_memory = %s: expected a size from 1M to 16G", config_kv_where(kv, at, sizeof at),
                             kv->value);
            return -1;
        }
        lp->max_memory = (size_t)v;
    }
    return 0;
}

struct l_plugin *l_plugin_load(const struct daemon_config *cfg, const struct plugin_section *sec,
                                   const char *path, unsigned flags, char **err)
{
    struct l_plugin *lp = xcalloc(1, sizeof *lp);
    char *why = NULL;
    unsigned stages = 0;
    /* A mutex that cannot be made means the process is out of resources
     * it cannot do without, like memory. */
    if (uv_mutex_init(&lp->main_lock) != 0)
        abort();
    lp->sb.instance = xstrdup(sec->name);
    lp->path = xstrdup(path);
    lp->sb.dir = xstrdup(path);
    lp->sb.conf = xcalloc(2 * sec->n_kv + 1, sizeof *lp->sb.conf);
    char *slash = strrchr(lp->sb.dir, '/');
    lp->base = strrchr(lp->path, '/') ? strrchr(lp->path, '/') + 1 : lp->path;
    if (slash)
        *slash = '\0';
    for (size_t i = 0; i < sec->n_kv; i++) {
        lp->sb.conf[2 * i] = xstrdup(sec->kv[i].key);
        lp->sb.conf[2 * i + 1] = xstrdup(sec->kv[i].value);
        lp->sb.n_conf++;
    }
    if (parse_limits(lp, cfg, sec, &why) < 0) {
        *err = xasprintf("%s: %s", path, why);
        free(why);
        goto fail;
    }

    /* The trial state: a syntax error or a failing init refuses the
     * configuration here, at start or reload, before anything runs. */
    unsigned workers = cfg->workers ? cfg->workers : uv_available_parallelism();
    unsigned reg = atomic_load(&registered_workers);
    if (reg > workers)
        workers = reg;
    lp->n_slots = (flags & L_LOAD_TRIAL_ONLY) ? 1 : SLOT_WORKER0 + workers;
    lp->slots = xcalloc(lp->n_slots, sizeof *lp->slots);
    log_set_plugin(lp->sb.instance);
    lp->sec = sec;
    int rc = slot_open(&lp->slots[SLOT_MAIN], lp, &stages, err);
    lp->sec = NULL;
    if (rc == 0 && !(flags & L_LOAD_TRIAL_ONLY)) {
        /* Only the states a stage needs: workers for parse/tag/score, the
         * archive slot for archive/commit. */
        for (size_t i = SLOT_ARCHIVE; i < lp->n_slots && rc == 0; i++) {
            bool need = i == SLOT_ARCHIVE ? (stages & NEWSD_STAGE_ARCHIVE)
                                          : (stages & ~(unsigned)NEWSD_STAGE_ARCHIVE);
            unsigned st = 0;
            if (need)
                rc = slot_open(&lp->slots[i], lp, &st, err);
        }
    }
    log_set_plugin(NULL);
    if (rc < 0)
        goto fail;

    lp->desc = (newsd_plugin){
        .abi_version = NEWSD_ABI_VERSION,
        .struct_size = sizeof(newsd_plugin),
        .name = lp->script_name ? lp->script_name : lp->sb.instance,
        .description = lp->path,
        .stages = stages,
        .flags = NEWSD_PLUGIN_THREAD_SAFE,   /* one state per thread */
        .process = l_plugin_process,
        .archive = l_plugin_archive,
        .commit = l_plugin_commit,
        .fini = l_plugin_free,
    };
    return lp;

fail:
    l_plugin_free(lp);
    return NULL;
}

const newsd_plugin *l_plugin_descriptor(const struct l_plugin *lp)
{
    return &lp->desc;
}
