/*
 * Library functions with their work charged to the time budget (see
 * lua_bounded.h).  Each replacement checks what the stock function would
 * loop over, charges it (l_limits_charge raises past the deadline), and
 * runs the stock function, kept as upvalue 1, so results and error
 * messages stay Lua's own.
 *
 * Sizes are refused rather than charged when no state could hold them:
 * one charge happens before the loop, and a loop of 10^12 steps started
 * a millisecond before the deadline would run for hours.  The bound for
 * elements is max_memory / 16, the size of one Lua value; metatables
 * (__len, __index) can make a table claim any length without holding it.
 */
#include "lua_bounded.h"
#include "lua_limits.h"
#include "lua_match.h"

#include <lauxlib.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define VALUE_SIZE 16

/* Run the stock function (upvalue 1) in this call's frame: the stock
 * functions of these libraries use no upvalues, and so their errors name
 * the function the script called ("bad argument #1 to 'insert'"). */
static int call_stock(lua_State *L)
{
    return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

/* string.rep that refuses a result over a quarter of max_memory (building
 * it takes twice its size, and the state holds more than that string), and
 * answers "" at once for an empty result (the stock one loops n times even
 * for string.rep("", 1e15)). */
static int bounded_rep(lua_State *L)
{
    size_t l, lsep;
    luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0 || (l == 0 && (n == 1 || lsep == 0))) {
        lua_pushliteral(L, "");
        return 1;
    }
    uint64_t limit = l_limits_of(L)->max_memory / 4, unit = (uint64_t)l + lsep;
    /* n * unit - lsep <= limit, without overflow */
    if ((uint64_t)n > (limit + lsep) / unit) {
        char size[32];
        snprintf(size, sizeof size, "%.0f", (double)n * (double)unit - (double)lsep);
        return luaL_error(L, "string.rep: the result would be %s bytes, over the limit of %I bytes (a quarter "
                          "of max_memory)", size, (lua_Integer)limit);
    }
    l_limits_charge(L, (size_t)((uint64_t)n * unit - lsep));
    return call_stock(L);
}

/* Refuse a loop over n elements no state could hold; charge it. */
static void charge_elements(lua_State *L, const char *fn, lua_Unsigned n, double work)
{
    lua_Unsigned limit = l_limits_of(L)->max_memory / VALUE_SIZE;
    if (n > limit)
        luaL_error(L, "table.%s: %I elements, over the limit of %I (max_memory / %d)", fn, (lua_Integer)n,
                   (lua_Integer)limit, VALUE_SIZE);
    l_limits_charge(L, work < (double)SIZE_MAX ? (size_t)work : SIZE_MAX);
}

/* #t for a table (which may call its __len), or -1 when arg 1 is not a
 * table: then the stock function raises its own error. */
static lua_Integer length_of(lua_State *L)
{
    return lua_type(L, 1) == LUA_TTABLE ? luaL_len(L, 1) : -1;
}

/* table.insert, table.remove: they shift up to #t elements. */
static int bounded_shift(lua_State *L)
{
    lua_Integer n = length_of(L);
    if (n > 0)
        charge_elements(L, lua_tostring(L, lua_upvalueindex(2)), (lua_Unsigned)n, (double)n);
    return call_stock(L);
}

/* table.sort: n log n comparisons. */
static int bounded_sort(lua_State *L)
{
    lua_Integer n = length_of(L);
    if (n > 1)
        charge_elements(L, "sort", (lua_Unsigned)n, (double)n * log2((double)n));
    return call_stock(L);
}

/* Argument idx as an integer (floats with an integral value too, as the
 * stock functions take them), or dflt when absent; false when it is
 * neither: then the stock function raises its own error. */
static bool int_arg(lua_State *L, int idx, lua_Integer dflt, lua_Integer *out)
{
    int ok = 1;
    *out = lua_isnoneornil(L, idx) ? dflt : lua_tointegerx(L, idx, &ok);
    return ok;
}

/* table.concat(t, sep, i, j): j - i + 1 elements. */
static int bounded_concat(lua_State *L)
{
    lua_Integer n = length_of(L), i, j;
    if (n >= 0 && int_arg(L, 3, 1, &i) && int_arg(L, 4, n, &j) && j >= i)
        charge_elements(L, "concat", (lua_Unsigned)j - (lua_Unsigned)i + 1u, (double)j - (double)i + 1);
    return call_stock(L);
}

/* table.move(a1, f, e, t [,a2]): e - f + 1 elements. */
static int bounded_move(lua_State *L)
{
    lua_Integer f, e;
    if (!lua_isnoneornil(L, 2) && !lua_isnoneornil(L, 3) && int_arg(L, 2, 0, &f) && int_arg(L, 3, 0, &e) && e >= f)
        charge_elements(L, "move", (lua_Unsigned)e - (lua_Unsigned)f + 1u, (double)e - (double)f + 1);
    return call_stock(L);
}

/* utf8.len, utf8.offset, utf8.codepoint: they scan their string. */
static int bounded_scan(lua_State *L)
{
    size_t len;
    if (lua_type(L, 1) == LUA_TSTRING) {
        lua_tolstring(L, 1, &len);
        l_limits_charge(L, len);
    }
    return call_stock(L);
}

/* t[name] = fn with the stock t[name] as upvalue 1 (and name as 2). */
static void wrap(lua_State *L, int t, const char *name, lua_CFunction fn)
{
    t = lua_absindex(L, t);
    lua_getfield(L, t, name);
    lua_pushstring(L, name);
    lua_pushcclosure(L, fn, 2);
    lua_setfield(L, t, name);
}

void l_bounded_install(lua_State *L)
{
    lua_getglobal(L, "string");
    l_match_install(L, -1);
    wrap(L, -1, "rep", bounded_rep);
    lua_pop(L, 1);

    lua_getglobal(L, "table");
    wrap(L, -1, "insert", bounded_shift);
    wrap(L, -1, "remove", bounded_shift);
    wrap(L, -1, "sort", bounded_sort);
    wrap(L, -1, "concat", bounded_concat);
    wrap(L, -1, "move", bounded_move);
    lua_pop(L, 1);

    lua_getglobal(L, "utf8");
    wrap(L, -1, "len", bounded_scan);
    wrap(L, -1, "offset", bounded_scan);
    wrap(L, -1, "codepoint", bounded_scan);
    lua_pop(L, 1);
}
