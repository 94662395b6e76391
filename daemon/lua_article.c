/*
 * The Lua article object: a thin userdata over struct newsd_article.
 *
 * Every method goes through the public newsd_article_* functions, so Lua
 * and C plugins see and change articles the same way.  What a stage does
 * not allow is refused with a Lua error naming the method and the stage
 * (checked here before the C call, which would only log and return
 * NEWSD_ERROR): a script author sees the mistake in the traceback.
 */
#include "lua_article.h"
#include "stage.h"
#include "text.h"

#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ARTICLE_MT "newsd.article"

struct l_article {
    struct newsd_article *a;   /* NULL once the callback returned */
};

/* The sandbox has no io library and no other C userdata, so a full
 * userdata of our size is an article: checking that is cheaper than the
 * metatable lookup of luaL_checkudata, and methods are the hot path. */
static struct newsd_article *live(lua_State *L)
{
    struct l_article *ud = lua_touserdata(L, 1);
    if (lua_type(L, 1) != LUA_TUSERDATA || lua_rawlen(L, 1) != sizeof *ud)
        ud = luaL_checkudata(L, 1, ARTICLE_MT);   /* raises the usual message */
    if (!ud->a)
        luaL_error(L, "article used outside its callback (keep the values you need, not the article)");
    return ud->a;
}

/* Stage 0 is the daemon itself (unit tests): everything is allowed there,
 * as in article.c.  The permissions are the stage table's (stage.h). */
static void require_stage(lua_State *L, struct newsd_article *a, enum newsd_change change, const char *method)
{
    if (a->stage != 0 && !(stage_may(a->stage) & change)) {
        char stages[64];
        luaL_error(L, "a:%s() is not allowed in the %s stage (%s only)", method, stage_name(a->stage),
                   stage_list_may(change, stages, sizeof stages));
    }
}

/* A string argument that becomes a C string: Lua strings may hold NUL
 * bytes, and the C side would silently keep only what comes before the
 * first ("ok\0nul" would tag "ok"), so such a string is an error. */
static const char *c_string(lua_State *L, int arg, const char *method, const char *what)
{
    size_t len;
    const char *s = luaL_checklstring(L, arg, &len);
    if (memchr(s, '\0', len))
        luaL_error(L, "a:%s(): the %s holds a NUL byte at offset %d", method, what,
                   (int)((const char *)memchr(s, '\0', len) - s));
    return s;
}

/* Why the C side refused a name that passed the checks before it, for the
 * Lua error: its form, its length, else the article is full (the limits
 * of article_limits.h). */
static int refused(lua_State *L, struct newsd_article *a, const char *method, const char *what,
                   const char *name, unsigned max, const char *key)
{
    if (!*name || !text_is_utf8((const unsigned char *)name, strlen(name)))
        return luaL_error(L, "a:%s(): the %s must be non-empty UTF-8", method, what);
    if (strlen(name) > a->limits.max_name_bytes)
        return luaL_error(L, "a:%s(): the %s is longer than %d bytes ([daemon] max_name_bytes)", method,
                          what, (int)a->limits.max_name_bytes);
    return luaL_error(L, "a:%s(): the article already has %d, the most [daemon] %s allows", method,
                      (int)max, key);
}

/* ---- fields ------------------------------------------------------------- */

/* a:title(), a:body() ...: the field; with an argument (parse stage, the
 * writable fields only) the field is replaced.  The field number is the
 * closure's upvalue, so one C function serves every field. */
static int l_field(lua_State *L)
{
    struct newsd_article *a = live(L);
    enum newsd_field f = (enum newsd_field)lua_tointeger(L, lua_upvalueindex(1));
    if (lua_gettop(L) < 2) {
        lua_pushstring(L, newsd_article_get(a, f));
        return 1;
    }
    const char *value = c_string(L, 2, "set a field", "value");
    if (f < NEWSD_FIELD_TITLE)
        return luaL_error(L, "this field is read-only");
    require_stage(L, a, NEWSD_CHANGE_FIELDS, "set a field");
    if (newsd_article_set(a, f, value) != NEWSD_OK)
        return luaL_error(L, "the new value is not valid UTF-8");
    return 0;
}

static int l_size(lua_State *L)
{
    struct newsd_article *a = live(L);
    lua_pushinteger(L, (lua_Integer)a->raw_len);
    return 1;
}

static int l_received(lua_State *L)
{
    struct newsd_article *a = live(L);
    lua_pushnumber(L, (lua_Number)newsd_article_received_ms(a) / 1000.0);
    return 1;
}

/* ---- searching ---------------------------------------------------------- */

static const char *folded(struct newsd_article *a);

/* Folded needles are cached per state: a plugin asks for the same words in
 * every article, and folding the needle (utf8proc) costs more than the
 * search itself.  Upvalue 1 is the cache table, 2 its size; it is started
 * afresh at NEEDLE_CACHE_MAX entries so generated needles cannot grow it
 * without end.  The search is then article.c's: the same folded text,
 * the same folding of the needle, the same word boundaries.  NULL for a
 * needle with a NUL byte, which no text holds (it would otherwise be
 * searched for up to the NUL only). */
#define NEEDLE_CACHE_MAX 4096

static const char *folded_needle(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 2, &len);
    if (memchr(s, '\0', len))
        return NULL;
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) == LUA_TSTRING)
        return lua_tostring(L, -1);
    lua_pop(L, 1);
    lua_Integer n = lua_tointeger(L, lua_upvalueindex(2));
    if (n >= NEEDLE_CACHE_MAX) {
        lua_newtable(L);
        lua_replace(L, lua_upvalueindex(1));
        n = 0;
    }
    char *f = text_casefold(lua_tostring(L, 2));
    if (!f)
        luaL_error(L, "cannot fold '%s' (not UTF-8?)", lua_tostring(L, 2));
    lua_pushstring(L, f);
    free(f);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, -2);
    lua_rawset(L, lua_upvalueindex(1));
    lua_pushinteger(L, n + 1);
    lua_replace(L, lua_upvalueindex(2));
    return lua_tostring(L, -1);
}

static int l_contains(lua_State *L)
{
    struct newsd_article *a = live(L);
    const char *needle = folded_needle(L);
    lua_pushboolean(L, needle && (!*needle || strstr(folded(a), needle) != NULL));
    return 1;
}

static int l_contains_word(lua_State *L)
{
    struct newsd_article *a = live(L);
    const char *needle = folded_needle(L);
    if (!needle) {
        lua_pushboolean(L, 0);
        return 1;
    }
    const char *hay = folded(a);
    size_t n = strlen(needle);
    int found = !*needle;
    for (const char *p = strstr(hay, needle); p && !found; p = strstr(p + 1, needle))
        found = !text_is_word_char_before(hay, p) && !text_is_word_char_at(p + n);
    lua_pushboolean(L, found);
    return 1;
}

/* a:find(pattern): string.match over the title, then the body; returns the
 * captures (or the whole match) of the first field that matches, else nil.
 * string.match is the original one, kept as an upvalue, so a script that
 * replaces string.match does not change what find() does. */
static int l_find(lua_State *L)
{
    struct newsd_article *a = live(L);
    luaL_checkstring(L, 2);
    static const enum newsd_field fields[] = {NEWSD_FIELD_TITLE, NEWSD_FIELD_BODY};
    for (size_t i = 0; i < 2; i++) {
        int top = lua_gettop(L);
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_pushstring(L, newsd_article_get(a, fields[i]));
        lua_pushvalue(L, 2);
        lua_call(L, 2, LUA_MULTRET);
        if (!lua_isnil(L, top + 1))
            return lua_gettop(L) - top;
        lua_settop(L, top);
    }
    lua_pushnil(L);
    return 1;
}

/* The case-folded title + body that contains() searches.  article.c builds
 * it on the first contains() with a non-empty needle; reusing that cache
 * keeps words() and contains() on exactly the same text. */
static const char *folded(struct newsd_article *a)
{
    if (!a->folded)
        (void)newsd_article_contains(a, " ");
    return a->folded ? a->folded : "";
}

static size_t cp_len(unsigned char c)
{
    return c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
}

/* Upvalues: 1 the article userdata, 2 the byte offset reached, 3 the text
 * pointer it refers to (lightuserdata): if a parse plugin rewrote the
 * title or body meanwhile, the iteration ends rather than read freed text. */
static int words_next(lua_State *L)
{
    struct l_article *ud = lua_touserdata(L, lua_upvalueindex(1));
    if (!ud->a)
        return luaL_error(L, "article used outside its callback (keep the values you need, not the article)");
    const char *text = folded(ud->a);
    if (text != lua_touserdata(L, lua_upvalueindex(3)))
        return 0;
    const char *p = text + lua_tointeger(L, lua_upvalueindex(2));
    while (*p && !text_is_word_char_at(p))
        p += cp_len((unsigned char)*p);
    if (!*p)
        return 0;
    const char *start = p;
    while (*p && text_is_word_char_at(p))
        p += cp_len((unsigned char)*p);
    lua_pushinteger(L, p - text);
    lua_replace(L, lua_upvalueindex(2));
    lua_pushlstring(L, start, (size_t)(p - start));
    return 1;
}

/* for w in a:words() do ... end: the case-folded words of title and body,
 * in order (runs of letters and digits; "KI-Chip" gives "ki", "chip"). */
static int l_words(lua_State *L)
{
    struct newsd_article *a = live(L);
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    lua_pushlightuserdata(L, (void *)folded(a));
    lua_pushcclosure(L, words_next, 3);
    return 1;
}

/* ---- the text layer (since 1.2) ------------------------------------------ */

static const newsd_analysis *analysis_of(lua_State *L, struct newsd_article *a)
{
    const newsd_analysis *an = newsd_article_analysis(a);
    if (!an)
        luaL_error(L, "not enough memory to analyse the article's text");
    return an;
}

/* a:tokens(), a:stems(): the words and numbers of title and body, in
 * order, as written or as their stems (upvalue 1: true for stems), from
 * the analysis every plugin shares.  Punctuation is left out.  A fresh
 * table each call: its memory counts against the plugin's cap. */
static int l_tokens(lua_State *L)
{
    struct newsd_article *a = live(L);
    int stems = lua_toboolean(L, lua_upvalueindex(1));
    const newsd_analysis *an = analysis_of(L, a);
    size_t n, stride;
    const struct newsd_token *base = newsd_analysis_tokens(an, &n, &stride);
    lua_createtable(L, n < 1u << 20 ? (int)n : 1 << 20, 0);
    lua_Integer k = 0;
    for (size_t i = 0; i < n; i++) {
        const struct newsd_token *t = newsd_token_in(base, stride, i);
        if (t->kind == NEWSD_TOKEN_PUNCT)
            continue;
        if (stems)
            lua_pushlstring(L, t->stem, t->stem_length);
        else
            lua_pushlstring(L, t->text, t->length);
        lua_rawseti(L, -2, ++k);
    }
    return 1;
}

/* a:sentences(): the sentences (headings, list items) as strings. */
static int l_sentences(lua_State *L)
{
    struct newsd_article *a = live(L);
    const newsd_analysis *an = analysis_of(L, a);
    const char *text = newsd_analysis_text(an, NULL);
    size_t n = newsd_analysis_sentence_count(an);
    lua_createtable(L, n < 1u << 20 ? (int)n : 1 << 20, 0);
    for (size_t i = 0; i < n; i++) {
        struct newsd_sentence s = {.struct_size = sizeof s};
        if (newsd_analysis_sentence_at(an, i, &s) != NEWSD_OK)
            continue;
        lua_pushlstring(L, text + s.offset, s.length);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* ---- tags, scores, meta ------------------------------------------------- */

static int l_tag(lua_State *L)
{
    struct newsd_article *a = live(L);
    const char *name = c_string(L, 2, "tag", "name");
    double weight = luaL_optnumber(L, 3, 1.0);
    require_stage(L, a, NEWSD_CHANGE_TAGS, "tag");
    if (!isfinite(weight) || weight < 0)
        return luaL_error(L, "a:tag(): the weight must be a finite number >= 0, not %f", weight);
    if (newsd_article_tag(a, name, weight) != NEWSD_OK)
        return refused(L, a, "tag", "name", name, a->limits.max_tags, "max_tags");
    return 0;
}

static void push_tag(lua_State *L, const struct newsd_tag *t)
{
    lua_createtable(L, 0, 3);
    lua_pushstring(L, t->name);
    lua_setfield(L, -2, "name");
    lua_pushnumber(L, t->weight);
    lua_setfield(L, -2, "weight");
    lua_pushstring(L, t->plugin);
    lua_setfield(L, -2, "plugin");
}

/* a:tags([prefix]): the tags whose name starts with prefix, in the order
 * they were set, as {name=, weight=, plugin=} tables. */
static int l_tags(lua_State *L)
{
    struct newsd_article *a = live(L);
    size_t plen = 0;
    const char *prefix = luaL_optlstring(L, 2, "", &plen);
    /* No tag name holds a NUL byte, so such a prefix starts none. */
    size_t n = memchr(prefix, '\0', plen) ? 0 : newsd_article_tag_count(a);
    lua_createtable(L, (int)(n < 64 ? n : 64), 0);
    lua_Integer k = 0;
    for (size_t i = 0; i < n; i++) {
        struct newsd_tag t;
        if (newsd_article_tag_at(a, i, &t) != NEWSD_OK || strncmp(t.name, prefix, plen) != 0)
            continue;
        push_tag(L, &t);
        lua_rawseti(L, -2, ++k);
    }
    return 1;
}

/* a:has_tag(name): the tag's weight when present (a number is true in
 * Lua), else nil, as every lookup that finds nothing (plugin.h, "Missing
 * values"). */
static int l_has_tag(lua_State *L)
{
    struct newsd_article *a = live(L);
    size_t len;
    const char *name = luaL_checklstring(L, 2, &len);
    /* No tag holds a NUL byte, so such a name is simply not there. */
    double w = memchr(name, '\0', len) ? -1 : newsd_article_tag_weight(a, name);
    if (w < 0)
        lua_pushnil(L);
    else
        lua_pushnumber(L, w);
    return 1;
}

static int l_score(lua_State *L)
{
    struct newsd_article *a = live(L);
    const char *rule = c_string(L, 2, "score", "rule name");
    double points = luaL_checknumber(L, 3);
    const char *reason = lua_isnoneornil(L, 4) ? "" : c_string(L, 4, "score", "reason");
    require_stage(L, a, NEWSD_CHANGE_SCORE, "score");
    if (!isfinite(points))
        return luaL_error(L, "a:score(): points must be a finite number, not %f", points);
    if (!isfinite(newsd_article_score_total(a) + points))
        return luaL_error(L, "a:score(): %f more points would make the total not a finite number",
                          points);
    if (newsd_article_score(a, rule, points, reason) != NEWSD_OK) {
        if (!text_is_utf8((const unsigned char *)reason, strlen(reason)))
            return luaL_error(L, "a:score(): the reason must be UTF-8");
        return refused(L, a, "score", "rule name", rule, a->limits.max_score_rules, "max_score_rules");
    }
    return 0;
}

static int l_score_total(lua_State *L)
{
    struct newsd_article *a = live(L);
    lua_pushnumber(L, newsd_article_score_total(a));
    return 1;
}

/* a:action(): the action newsd chose from the total ("alert", ...); nil
 * before the SCORE stage is over, as there is none yet. */
static int l_action(lua_State *L)
{
    struct newsd_article *a = live(L);
    const char *action = newsd_article_action(a);
    if (*action)
        lua_pushstring(L, action);
    else
        lua_pushnil(L);
    return 1;
}

/* a:scores(): the breakdown so far, as {rule=, points=, reason=, plugin=}. */
static int l_scores(lua_State *L)
{
    struct newsd_article *a = live(L);
    size_t n = newsd_article_score_count(a);
    lua_createtable(L, (int)(n < 64 ? n : 64), 0);
    for (size_t i = 0; i < n; i++) {
        struct newsd_score_rule r;
        if (newsd_article_score_at(a, i, &r) != NEWSD_OK)
            continue;
        lua_createtable(L, 0, 4);
        lua_pushstring(L, r.rule);
        lua_setfield(L, -2, "rule");
        lua_pushnumber(L, r.points);
        lua_setfield(L, -2, "points");
        lua_pushstring(L, r.reason);
        lua_setfield(L, -2, "reason");
        lua_pushstring(L, r.plugin);
        lua_setfield(L, -2, "plugin");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* a:meta(key) reads (nil when unset); a:meta(key, value) sets. */
static int l_meta(lua_State *L)
{
    struct newsd_article *a = live(L);
    size_t key_len;
    const char *key = luaL_checklstring(L, 2, &key_len);
    if (lua_isnoneornil(L, 3)) {
        /* No key holds a NUL byte, so such a key is simply not set. */
        const char *v = memchr(key, '\0', key_len) ? NULL : newsd_article_meta(a, key);
        if (v)
            lua_pushstring(L, v);
        else
            lua_pushnil(L);
        return 1;
    }
    key = c_string(L, 2, "meta", "key");
    const char *value = c_string(L, 3, "meta", "value");
    require_stage(L, a, NEWSD_CHANGE_META, "meta");
    if (newsd_article_set_meta(a, key, value) != NEWSD_OK) {
        if (!text_is_utf8((const unsigned char *)value, strlen(value)))
            return luaL_error(L, "a:meta(): the value must be UTF-8");
        return refused(L, a, "meta", "key", key, a->limits.max_meta, "max_meta");
    }
    return 0;
}

static int l_tostring(lua_State *L)
{
    struct l_article *ud = luaL_checkudata(L, 1, ARTICLE_MT);
    if (ud->a)
        lua_pushfstring(L, "article %s (%s)", ud->a->id, newsd_article_get(ud->a, NEWSD_FIELD_SOURCE));
    else
        lua_pushliteral(L, "article (callback returned)");
    return 1;
}

static const luaL_Reg methods[] = {
    {"size", l_size},
    {"received", l_received},
    {"words", l_words},
    {"tag", l_tag},
    {"tags", l_tags},
    {"has_tag", l_has_tag},
    {"score", l_score},
    {"score_total", l_score_total},
    {"scores", l_scores},
    {"action", l_action},
    {"meta", l_meta},
    {"sentences", l_sentences},
    {NULL, NULL},
};

static const struct {
    const char *name;
    enum newsd_field field;
} field_methods[] = {
    {"id", NEWSD_FIELD_ID},
    {"source", NEWSD_FIELD_SOURCE},
    {"format", NEWSD_FIELD_FORMAT},
    {"encoding", NEWSD_FIELD_ENCODING},
    {"title", NEWSD_FIELD_TITLE},
    {"body", NEWSD_FIELD_BODY},
    {"lang", NEWSD_FIELD_LANG},
    {"url", NEWSD_FIELD_URL},
    {"author", NEWSD_FIELD_AUTHOR},
    {"published", NEWSD_FIELD_PUBLISHED},
};

void l_article_open(lua_State *L)
{
    luaL_newmetatable(L, ARTICLE_MT);
    lua_createtable(L, 0, 24);
    luaL_setfuncs(L, methods, 0);
    lua_newtable(L);
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, l_contains, 2);
    lua_setfield(L, -2, "contains");
    lua_newtable(L);
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, l_contains_word, 2);
    lua_setfield(L, -2, "contains_word");
    lua_pushboolean(L, 0);
    lua_pushcclosure(L, l_tokens, 1);
    lua_setfield(L, -2, "tokens");
    lua_pushboolean(L, 1);
    lua_pushcclosure(L, l_tokens, 1);
    lua_setfield(L, -2, "stems");
    for (size_t i = 0; i < sizeof field_methods / sizeof field_methods[0]; i++) {
        lua_pushinteger(L, field_methods[i].field);
        lua_pushcclosure(L, l_field, 1);
        lua_setfield(L, -2, field_methods[i].name);
    }
    /* find() keeps the pristine string.match (string is opened first). */
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_getfield(L, -1, LUA_STRLIBNAME);
    lua_getfield(L, -1, "match");
    lua_pushcclosure(L, l_find, 1);
    lua_setfield(L, -4, "find");
    lua_pop(L, 2);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "the article is not yours to inspect");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
}

void l_article_push(lua_State *L, struct newsd_article *a)
{
    struct l_article *ud = lua_newuserdatauv(L, sizeof *ud, 0);
    ud->a = a;
    luaL_setmetatable(L, ARTICLE_MT);
}

void l_article_invalidate(lua_State *L, int idx)
{
    struct l_article *ud = lua_touserdata(L, idx);
    if (ud)
        ud->a = NULL;
}
