/* glibc's malloc settings of the daemon (trim threshold, one arena),
 * unless the environment sets them.  In a function of its own so that the
 * in-process benchmarks run the plugins on the heap the daemon gives them:
 * without it, analysis_bench handed its per-article scratch back to the
 * kernel after every article and faulted it in again, which the daemon
 * does not. */
#ifndef NEWSD_MALLOC_TUNE_H
#define NEWSD_MALLOC_TUNE_H

#include <stdbool.h>

void malloc_tune(void);

/* Whether the environment chose a malloc setting itself: env_value is the
 * old-style variable's value (getenv("MALLOC_ARENA_MAX"), NULL when
 * unset), tunables GLIBC_TUNABLES's ("glibc.malloc.arena_max=2:...",
 * NULL when unset), tunable the setting's name there.  glibc reads both at
 * start, but a mallopt() afterwards would override them. */
bool malloc_setting_from_env(const char *env_value, const char *tunables, const char *tunable);

#endif
