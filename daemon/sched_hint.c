/* A short scheduler slice for latency-bound threads; see sched_hint.h. */
#include "sched_hint.h"
#include "log.h"

#include <errno.h>
#include <string.h>

#ifdef __linux__
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

/* About twice what these threads ran per time slice at a steady rate
 * (schedstat: the loop 0.15 ms, the archive's pool threads 0.12 ms on
 * average, 100 articles/s, default config), under the default slice
 * (0.75-3 ms by the number of CPUs; 1.4 on a 2-CPU VM).  Running longer
 * than it costs nothing but an earlier preemption. */
#define SLICE_NS 300000

/* struct sched_attr (linux/sched/types.h), as far as SCHED_OTHER uses it;
 * glibc has no wrapper for sched_setattr before 2.41. */
struct hint_attr {
    uint32_t size, policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime, deadline, period;
};

#define HINT_RESET_ON_FORK 0x01

void sched_hint_short_slice(const char *who)
{
    /* Only the slice changes: the policy and nice value stay what the
     * service manager gave (a daemon run under SCHED_BATCH or at nice 10
     * stays so); real-time and deadline threads have no such slice. */
    struct hint_attr a = {0};
    if (syscall(SYS_sched_getattr, 0, &a, sizeof a, 0) < 0) {
        log_debug("%s: no short scheduler slice: %s", who, strerror(errno));
        return;
    }
    if (a.policy != SCHED_OTHER && a.policy != SCHED_BATCH)
        return;
    a.size = sizeof a;
    /* Reset-on-fork also gives the threads created later (the libuv pool,
     * inputs and sinks a reload starts) nice 0 in place of a negative
     * nice: a daemon given Nice=-5 keeps it there and lets them inherit
     * the short slice instead.  A flag the service manager set stays. */
    a.flags = a.nice < 0 ? a.flags & HINT_RESET_ON_FORK : HINT_RESET_ON_FORK;
    a.runtime = SLICE_NS;
    if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
        log_debug("%s: no short scheduler slice: %s", who, strerror(errno));
}
#else
void sched_hint_short_slice(const char *who)
{
    (void)who;
}
#endif
