/*
 * The sandbox of a Lua plugin state: which libraries a script sees, and
 * the replacements that keep it inside (text-only load, require within the
 * plugin's folder, setmetatable without __gc, print to the log, the
 * bounded library functions of lua_bounded.c), plus the `newsd` module.
 * See docs/plugins.md, "Sandbox and limits".
 */
#include "lua_sandbox.h"
#include "log.h"
#include "lua_article.h"
#include "lua_bounded.h"
#include "xalloc.h"

#include <lauxlib.h>
#include <lualib.h>

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* load() that only ever loads text: a crafted binary chunk can break out of
 * any Lua sandbox.  Arity is kept, since an explicit nil env differs from
 * none. */
static int safe_load(lua_State *L)
{
    int n = lua_gettop(L);
    if (n < 3)
        lua_settop(L, 3);
    lua_pushliteral(L, "t");
    lua_replace(L, 3);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

static bool valid_module_name(const char *name)
{
    bool need_word = true;
    for (const char *p = name; *p; p++) {
        if (*p == '.') {
            if (need_word)
                return false;
            need_word = true;
        } else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_') {
            need_word = false;
        } else {
            return false;
        }
    }
    return !need_word;
}

/* Load a script as text, named by its path relative to the plugin's folder
 * ("helper.lua"): Lua cuts chunk names to 60 bytes, which would leave a
 * traceback with "..." where a long absolute path begins. */
int l_sandbox_load(lua_State *L, const char *path, const char *rel)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        lua_pushfstring(L, "cannot open %s: %s", path, strerror(errno));
        return LUA_ERRFILE;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        luaL_addlstring(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        lua_pushfstring(L, "cannot read %s", path);
        return LUA_ERRFILE;
    }
    luaL_pushresult(&b);
    size_t len;
    const char *text = lua_tolstring(L, -1, &len);
    lua_pushfstring(L, "@%s", rel);
    int rc = luaL_loadbufferx(L, text, len, lua_tostring(L, -1), "t");
    lua_replace(L, -3);   /* the chunk (or message) in place of the text */
    lua_pop(L, 1);
    return rc;
}

/* require(name): only NAME.lua (dots become folders) inside the plugin's own
 * folder, loaded as text, cached per state.  No C modules, no search path. */
static int sandbox_require(lua_State *L)
{
    const struct l_sandbox *sb = lua_touserdata(L, lua_upvalueindex(1));
    const char *name = luaL_checkstring(L, 1);
    if (!valid_module_name(name))
        return luaL_error(L, "require '%s': module names are words separated by dots", name);
    lua_getfield(L, LUA_REGISTRYINDEX, "newsd.modules");
    if (lua_getfield(L, -1, name) != LUA_TNIL)
        return 1;
    lua_pop(L, 1);
    char *path = xasprintf("%s/%s.lua", sb->dir, name);
    for (char *p = path + strlen(sb->dir) + 1; *p; p++)
        if (*p == '.' && strcmp(p, ".lua") != 0)
            *p = '/';
    int rc = l_sandbox_load(L, path, path + strlen(sb->dir) + 1);
    free(path);
    if (rc != LUA_OK)
        return luaL_error(L, "require '%s' (only modules in the plugin's folder %s): %s", name, sb->dir,
                          lua_tostring(L, -1));
    lua_pushstring(L, name);
    lua_call(L, 1, 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, name);
    return 1;
}

/* setmetatable() refusing __gc: a finalizer runs whenever the collector
 * gets to it, possibly outside any protected call and budget (an endless
 * loop there would hang a worker), and at lua_close().  Lua only honours a
 * __gc present when the metatable is set, so checking here is enough. */
static int safe_setmetatable(lua_State *L)
{
    if (lua_istable(L, 2)) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "setmetatable: __gc metamethods are not available to plugins");
        lua_pop(L, 1);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/* print(...) goes to the log (info), not to stdout. */
static int sandbox_print(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        if (i > 1)
            luaL_addchar(&b, '\t');
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    log_info("%s", lua_tostring(L, -1));
    return 0;
}

/* newsd.log(level, fmt, ...): fmt is string.format's. */
static int newsd_log_l(lua_State *L)
{
    const char *lname = luaL_checkstring(L, 1);
    int level = log_level_parse(lname);
    if (level < 0)
        return luaL_error(L, "newsd.log: unknown level '%s' (error, warning, notice, info, debug)", lname);
    if (level > log_get_level())
        return 0;   /* not formatted at all when it would not be written */
    int n = lua_gettop(L);
    if (n > 2) {
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_insert(L, 2);
        lua_call(L, n - 1, 1);
    } else {
        luaL_checkstring(L, 2);
    }
    log_msg(level, "%s", lua_tostring(L, -1));
    return 0;
}

/* newsd.time(): seconds since the epoch, with fractions. */
static int newsd_time_l(lua_State *L)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec / 1e9);
    return 1;
}

void l_sandbox_push_conf(lua_State *L, const struct l_sandbox *sb)
{
    lua_createtable(L, 0, (int)sb->n_conf);
    for (size_t i = 0; i < sb->n_conf; i++) {
        lua_pushstring(L, sb->conf[2 * i + 1]);
        lua_setfield(L, -2, sb->conf[2 * i]);
    }
}

static void open_lib(lua_State *L, const char *name, lua_CFunction open)
{
    luaL_requiref(L, name, open, 1);
    lua_pop(L, 1);
}

/* Runs under pcall: building the sandbox allocates and may fail. */
int l_sandbox_open(lua_State *L)
{
    const struct l_sandbox *sb = lua_touserdata(L, 1);
    open_lib(L, LUA_GNAME, luaopen_base);
    open_lib(L, LUA_STRLIBNAME, luaopen_string);
    open_lib(L, LUA_TABLIBNAME, luaopen_table);
    open_lib(L, LUA_MATHLIBNAME, luaopen_math);
    open_lib(L, LUA_UTF8LIBNAME, luaopen_utf8);
    l_bounded_install(L);

    /* os: time, date and clock only (no execute, exit, getenv, remove ...). */
    luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 0);
    lua_createtable(L, 0, 3);
    static const char *const os_keep[] = {"time", "date", "clock"};
    for (size_t i = 0; i < 3; i++) {
        lua_getfield(L, -2, os_keep[i]);
        lua_setfield(L, -2, os_keep[i]);
    }
    lua_setglobal(L, "os");
    lua_pop(L, 1);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_pushnil(L);
    lua_setfield(L, -2, LUA_OSLIBNAME);   /* the full os table stays out of reach */
    lua_pop(L, 1);

    lua_pushnil(L);
    lua_setglobal(L, "dofile");
    lua_pushnil(L);
    lua_setglobal(L, "loadfile");
    lua_getglobal(L, "load");
    lua_pushcclosure(L, safe_load, 1);
    lua_setglobal(L, "load");
    lua_getglobal(L, "setmetatable");
    lua_pushcclosure(L, safe_setmetatable, 1);
    lua_setglobal(L, "setmetatable");
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, "newsd.modules");
    lua_pushlightuserdata(L, (void *)sb);
    lua_pushcclosure(L, sandbox_require, 1);
    lua_setglobal(L, "require");
    lua_pushcfunction(L, sandbox_print);
    lua_setglobal(L, "print");

    lua_createtable(L, 0, 6);
    lua_getglobal(L, "string");
    lua_getfield(L, -1, "format");
    lua_pushcclosure(L, newsd_log_l, 1);
    lua_setfield(L, -3, "log");
    lua_pop(L, 1);
    lua_pushcfunction(L, newsd_time_l);
    lua_setfield(L, -2, "time");
    l_sandbox_push_conf(L, sb);
    lua_setfield(L, -2, "config");
    lua_pushstring(L, sb->instance);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, sb->dir);
    lua_setfield(L, -2, "plugin_dir");
    lua_pushstring(L, NEWSD_VERSION);
    lua_setfield(L, -2, "version");
    lua_setglobal(L, "newsd");

    l_article_open(L);
    return 0;
}
