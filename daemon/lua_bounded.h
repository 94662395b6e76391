/*
 * The sandbox's replacements of library functions whose running time is
 * not bounded by anything the other limits see (lua_limits.h): their work
 * is charged to the time budget before they run, and a size no state could
 * hold is refused instead of looped over.  docs/plugins.md, "Sandbox and
 * limits", lists them for script authors.
 */
#ifndef NEWSD_LUA_BOUNDED_H
#define NEWSD_LUA_BOUNDED_H

#include <lua.h>

/* Replace the functions in the string, table and utf8 libraries (opened
 * before, as globals).  Runs under pcall: it allocates. */
void l_bounded_install(lua_State *L);

#endif
