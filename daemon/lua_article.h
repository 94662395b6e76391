/*
 * The article as Lua sees it: a userdata with methods that mirror the C ABI
 * accessors (include/newsd/plugin.h), checked against the current stage.
 *
 * A fresh userdata is made for each callback and cut loose from the article
 * when the callback returns, so a script that keeps it (in a global, in a
 * closure) gets a clear error instead of touching a freed article.
 */
#ifndef NEWSD_LUA_ARTICLE_H
#define NEWSD_LUA_ARTICLE_H

#include <lua.h>

#include "article.h"

/* Register the article metatable in L (once per state). */
void l_article_open(lua_State *L);

/* Push a new article userdata for a. */
void l_article_push(lua_State *L, struct newsd_article *a);

/* Detach the userdata at idx from its article: later use raises
 * "article used outside its callback". */
void l_article_invalidate(lua_State *L, int idx);

#endif
