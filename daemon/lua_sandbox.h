/*
 * The sandbox of a Lua plugin state (lua_host.c makes the states).
 */
#ifndef NEWSD_LUA_SANDBOX_H
#define NEWSD_LUA_SANDBOX_H

#include <lua.h>
#include <stddef.h>

/* What a state's sandbox refers to; must outlive the state. */
struct l_sandbox {
    char *instance;           /* [plugin.NAME] */
    char *dir;                /* the script's folder: require() looks only here */
    char **conf;              /* key, value, key, value, ...: the section */
    size_t n_conf;
};

/* A lua_CFunction to run under lua_pcall with a lightuserdata to a struct
 * l_sandbox: opens the allowed libraries, installs the replacements and
 * the newsd module, registers the article metatable. */
int l_sandbox_open(lua_State *L);

/* Load the file at path as a text chunk named "@rel".  Returns a LUA_*
 * status with the chunk, or the message, pushed. */
int l_sandbox_load(lua_State *L, const char *path, const char *rel);

/* Push the section as a table of strings (init's conf, newsd.config). */
void l_sandbox_push_conf(lua_State *L, const struct l_sandbox *sb);

#endif
