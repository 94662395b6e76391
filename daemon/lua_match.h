/*
 * The pattern functions of the sandbox's string library, with a time
 * budget (lua_match.c says why they are a copy).
 */
#ifndef NEWSD_LUA_MATCH_H
#define NEWSD_LUA_MATCH_H

#include <lua.h>

/* Put find, match, gmatch and gsub into the table at idx (the string
 * library, which is also the strings' metatable's __index). */
void l_match_install(lua_State *L, int idx);

#endif
