/*
 * The limits of one Lua state (lua_host.c makes the states): per call an
 * instruction budget and a time budget, per state a memory cap.
 *
 * The instruction count alone does not bound time: one instruction can call
 * a C function that works for hours (a pattern that backtracks, string.rep
 * in a loop).  So the clock is read
 *   - by the count hook, every HOOK_STEP (1000) instructions;
 *   - by the allocator, after every L_LIMITS_WORK_STEP bytes allocated
 *     (whatever builds big strings or tables allocates);
 *   - by C functions that work without allocating, through
 *     l_limits_charge(): the pattern matcher (lua_match.c) per step, the
 *     sandbox's replacements (lua_bounded.c) per byte or element.
 * What remains unbounded between two readings is one C call on data that
 * fits in max_memory; a call that still does not end is the watchdog's
 * (budget.h).
 *
 * A limit hit raises an error, and a script can catch it with pcall(); so
 * once a limit is hit the hook is re-armed to fire on every instruction:
 * the next instruction outside the inner pcall raises again, and the call
 * ends.  The allocator cannot raise (it answers NULL) and neither may the
 * clock check inside it: it only arms the hook.
 */
#ifndef NEWSD_LUA_LIMITS_H
#define NEWSD_LUA_LIMITS_H

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct l_limits {
    lua_State *L;             /* NULL until the state exists */
    size_t max_memory, mem_used;
    long long max_instructions;
    /* The call in progress. */
    long long instr_left;
    int step;                 /* the count hook's interval */
    uint64_t deadline_ns;     /* 0: no call in progress, no clock checks */
    uint64_t work;            /* bytes and steps since the clock was read */
    bool mem_hit, budget_hit, time_hit;
};

/* The allocator of a state whose ud is a struct l_limits: refuses to grow
 * past max_memory, reads the clock as it goes. */
void *l_limits_alloc(void *ud, void *ptr, size_t osize, size_t nsize);

/* Tie the new state L to lim, so that l_limits_of(L) finds it (in the
 * state's extra space). */
void l_limits_attach(struct l_limits *lim, lua_State *L);
struct l_limits *l_limits_of(lua_State *L);

/* Before a call: clear the hits, arm the count hook, set the deadline
 * (CLOCK_MONOTONIC ns, metrics_now_ns()).  After it: disarm. */
void l_limits_arm(struct l_limits *lim, uint64_t deadline_ns);
void l_limits_disarm(struct l_limits *lim);

/* Work (bytes, steps) between two readings of the clock: a few
 * milliseconds at worst. */
#define L_LIMITS_WORK_STEP (1u << 20)

void l_limits_tick(lua_State *L);

/* A C function reports work (bytes scanned, steps, elements moved) before
 * or while doing it.  Raises "time budget exceeded" when the deadline has
 * passed; returns otherwise.  Inline: the pattern matcher calls it per
 * match. */
static inline void l_limits_charge(lua_State *L, size_t work)
{
    struct l_limits *lim = *(struct l_limits **)lua_getextraspace(L);
    if (lim->time_hit || (lim->work += work) >= L_LIMITS_WORK_STEP)
        l_limits_tick(L);
}

#endif
