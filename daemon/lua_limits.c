/* The limits of one Lua state (see lua_limits.h). */
#include "lua_limits.h"
#include "metrics.h"

#include <lauxlib.h>

#include <stdlib.h>

/* Instructions between two readings of the clock: a few microseconds of
 * plain Lua, so the hook's cost (a call and a vDSO clock read) stays
 * within a percent or two of it. */
#define HOOK_STEP 1000

struct l_limits *l_limits_of(lua_State *L)
{
    return *(struct l_limits **)lua_getextraspace(L);
}

void l_limits_attach(struct l_limits *lim, lua_State *L)
{
    *(struct l_limits **)lua_getextraspace(L) = lim;
    lim->L = L;
}

static void limit_hook(lua_State *L, lua_Debug *ar);

/* Every instruction from now on raises: see the file comment of the
 * header.  lua_sethook may be called at any time, even in the allocator. */
static void rearm_every_instruction(struct l_limits *lim)
{
    lim->step = 1;
    if (lim->L)
        lua_sethook(lim->L, limit_hook, LUA_MASKCOUNT, 1);
}

static bool past_deadline(struct l_limits *lim)
{
    lim->work = 0;
    if (!lim->deadline_ns || metrics_now_ns() < lim->deadline_ns)
        return false;
    lim->time_hit = true;
    rearm_every_instruction(lim);
    return true;
}

static void limit_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    struct l_limits *lim = l_limits_of(L);
    if (lim->mem_hit)
        luaL_error(L, "memory cap exceeded");
    if (lim->budget_hit)
        luaL_error(L, "instruction budget exceeded");
    if (lim->time_hit || past_deadline(lim))
        luaL_error(L, "time budget exceeded");
    lim->instr_left -= lim->step;
    if (lim->instr_left <= 0) {
        lim->budget_hit = true;
        rearm_every_instruction(lim);
        luaL_error(L, "instruction budget exceeded");
    }
    if (lim->instr_left < lim->step) {
        lim->step = (int)lim->instr_left;
        lua_sethook(L, limit_hook, LUA_MASKCOUNT, lim->step);
    }
}

void *l_limits_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct l_limits *lim = ud;
    size_t old = ptr ? osize : 0;   /* without ptr, osize is a type tag */
    if (nsize == 0) {
        free(ptr);
        lim->mem_used -= old;
        return NULL;
    }
    if (nsize > old && lim->mem_used - old + nsize > lim->max_memory) {
        lim->mem_hit = true;
        rearm_every_instruction(lim);
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (!p)
        return NULL;
    lim->mem_used = lim->mem_used - old + nsize;
    if (nsize > old && (lim->work += nsize - old) >= L_LIMITS_WORK_STEP)
        past_deadline(lim);
    return p;
}

void l_limits_arm(struct l_limits *lim, uint64_t deadline_ns)
{
    lim->mem_hit = lim->budget_hit = lim->time_hit = false;
    lim->instr_left = lim->max_instructions;
    lim->step = lim->instr_left < HOOK_STEP ? (int)lim->instr_left : HOOK_STEP;
    lim->deadline_ns = deadline_ns;
    lim->work = 0;
    lua_sethook(lim->L, limit_hook, LUA_MASKCOUNT, lim->step);
}

void l_limits_disarm(struct l_limits *lim)
{
    lua_sethook(lim->L, NULL, 0, 0);
    lim->deadline_ns = 0;
}

/* l_limits_charge() found a hit or enough work to read the clock. */
void l_limits_tick(lua_State *L)
{
    struct l_limits *lim = l_limits_of(L);
    if (lim->time_hit || past_deadline(lim))
        luaL_error(L, "time budget exceeded");
}
