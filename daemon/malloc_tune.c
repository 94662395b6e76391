/* glibc's malloc as the daemon wants it; see malloc_tune.h. */
#include "malloc_tune.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

bool malloc_setting_from_env(const char *env_value, const char *tunables, const char *tunable)
{
    if (env_value)
        return true;
    size_t n = strlen(tunable);
    for (const char *p = tunables; p && *p;) {
        size_t k = strcspn(p, ":");
        /* An entry is NAME=VALUE; glibc ignores one without a value. */
        if (k > n && p[n] == '=' && memcmp(p, tunable, n) == 0)
            return true;
        p += k;
        p += *p == ':';
    }
    return false;
}

void malloc_tune(void)
{
    const char *tunables = getenv("GLIBC_TUNABLES");
    /* Per-article scratch memory (CLD2 in the lang plugin takes ~200 KB a
     * call) would otherwise go back to the kernel after every article and
     * come again: ~5 brk calls and ~20 µs an article.  1 MB of free heap
     * kept per arena costs little and stays flat.  A setting in the
     * environment still wins (to measure another figure). */
    if (!malloc_setting_from_env(getenv("MALLOC_TRIM_THRESHOLD_"), tunables, "glibc.malloc.trim_threshold"))
        mallopt(M_TRIM_THRESHOLD, 1 << 20);
    /* glibc gives each thread that allocates its own arena (up to 8 per
     * CPU), and each keeps its free memory and the 1 MB above: workers,
     * the libuv pool and the archive's indexer were ~8 arenas.  Two are
     * enough for a handful of threads that mostly run one at a time per
     * CPU: peak RSS of a 20,000-article backlog with archive_sqlite went
     * from ~32 to ~29 MB, throughput unchanged.  One arena for all took
     * the default config's peak in a 10,000-article backlog from 46 to ~42
     * MB (each arena keeps its own free chunks: SQLite's page caches, on
     * the archive's thread, grew apart from the workers' free memory), for
     * ~3 % more CPU time per article in bench.py --versus, within its
     * noise on this 2-core machine.  A setting in the environment still
     * wins (many workers on many CPUs may want more arenas). */
    if (!malloc_setting_from_env(getenv("MALLOC_ARENA_MAX"), tunables, "glibc.malloc.arena_max"))
        mallopt(M_ARENA_MAX, 1);
}
