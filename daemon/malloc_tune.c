/* glibc's malloc as the daemon wants it; see malloc_tune.h. */
#include "malloc_tune.h"

#include <malloc.h>
#include <stdlib.h>

void malloc_tune(void)
{
    /* Per-article scratch memory (CLD2 in the lang plugin takes ~200 KB a
     * call) would otherwise go back to the kernel after every article and
     * come again: ~5 brk calls and ~20 µs an article.  1 MB of free heap
     * kept per arena costs little and stays flat.  MALLOC_TRIM_THRESHOLD_
     * in the environment still wins (to measure another figure). */
    if (!getenv("MALLOC_TRIM_THRESHOLD_"))
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
     * noise on this 2-core machine.  MALLOC_ARENA_MAX in the environment
     * still wins. */
    if (!getenv("MALLOC_ARENA_MAX"))
        mallopt(M_ARENA_MAX, 1);
}
