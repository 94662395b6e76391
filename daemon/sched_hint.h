/*
 * Scheduling hint for the threads an article waits on in turn: the loop
 * (claims, results, the hand-over to the archive) and the archive's
 * thread-pool thread (archive(), commit()).
 *
 * Each of them runs a short piece of work per wake-up and then blocks,
 * while the workers and other programs use whole slices.  At a steady
 * rate an article passes through ~4 such wake-ups, and on a busy machine
 * each one waited for the running task's slice to end (the archiver's
 * debug line: "waited ... for the thread", "back on the loop ... later").
 * Since Linux 6.12 (EEVDF) a SCHED_OTHER thread may ask for a shorter
 * slice (sched_attr.sched_runtime): its deadline comes sooner, so a
 * wake-up preempts a thread with the default slice, without more weight
 * (its share of the CPU is unchanged; no privilege is needed).  Older
 * kernels accept the call and ignore the value.
 *
 * SCHED_FLAG_RESET_ON_FORK: threads these threads create (libuv's pool,
 * inputs and sinks started on a reload) keep the default slice.  Not at a
 * negative nice value, which the flag would reset to 0 in those threads:
 * they then inherit the short slice.
 */
#ifndef NEWSD_SCHED_HINT_H
#define NEWSD_SCHED_HINT_H

/* Ask for a short slice for the calling thread.  who names it in the log
 * line of a failure (debug: only a hint, nothing depends on it). */
void sched_hint_short_slice(const char *who);

#endif
