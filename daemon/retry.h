/*
 * Transient faults: errors of newsd's own files that mean "try later", not
 * "this article is bad", and the articles waiting for that later.
 *
 * EMFILE, ENFILE, ENOMEM, ENOBUFS (the process or the system is short of
 * descriptors or memory), ENOSPC, EDQUOT (the disk is full), EIO (the disk
 * failed, this once or until it is replaced), EAGAIN and EINTR, when newsd
 * opens or reads a work file, writes a journal or a sidecar, or renames,
 * are transient.  The article stays where it is (inbox/ or work/) and is
 * tried again after a delay that doubles from 100 ms to 10 s; it is never
 * moved to failed/ for it, and not counted as a poison attempt (those count
 * crashes).  A shortage (the first four) is the whole process's: the daemon
 * also claims nothing new until the delay is over.
 *
 * The queue holds jobs (still counted as in flight) by due time; a timer
 * says when the first is due, and the loop takes the due ones.
 */
#ifndef NEWSD_RETRY_H
#define NEWSD_RETRY_H

#include <stdbool.h>
#include <uv.h>

#include "pipeline.h"

bool retry_transient(int err);
/* The process or the system is short of descriptors or memory. */
bool retry_shortage(int err);
/* The delay before try number retries + 1 (retries: the ones so far). */
unsigned retry_delay_ms(unsigned retries);

struct retry_queue;

/* Called on the loop when a job has become due; take it with
 * retry_queue_pop_due(). */
typedef void (*retry_due_cb)(void *ud);

void retry_queue_start(struct retry_queue **out, uv_loop_t *loop, retry_due_cb due, void *ud);
/* Hold j for delay_ms (the queue owns it until it is popped or taken). */
void retry_queue_add(struct retry_queue *q, struct job *j, unsigned delay_ms);
/* A job whose time has come, or NULL. */
struct job *retry_queue_pop_due(struct retry_queue *q);
unsigned retry_queue_count(const struct retry_queue *q);
/* Every job, due or not, as a list linked through next (shutdown). */
struct job *retry_queue_take_all(struct retry_queue *q);
/* Close the timer (take the jobs first); q is freed once it is closed. */
void retry_queue_stop(struct retry_queue *q);

#endif
