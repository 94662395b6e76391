/*
 * A first-in first-out queue of pointers: a ring that doubles when full.
 * No locking (the daemon's reprocess queue lives on the loop thread).  The
 * queue never holds NULL, so fifo_pop() can say "empty" with NULL.  Growth
 * cannot fail: it goes through the xalloc.h helpers.
 */
#ifndef NEWSD_FIFO_H
#define NEWSD_FIFO_H

#include <stddef.h>

struct fifo {
    void **v;
    size_t head;   /* index of the oldest item */
    size_t n;      /* items held */
    size_t cap;    /* slots in v: 0 or a power of two */
};

/* An empty queue; a zeroed struct fifo is one too. */
#define FIFO_INIT {NULL, 0, 0, 0}

/* Append item (not NULL) at the tail. */
void fifo_push(struct fifo *q, void *item);
/* Take the oldest item; NULL when the queue is empty. */
void *fifo_pop(struct fifo *q);
/* How many items wait. */
size_t fifo_count(const struct fifo *q);
/* Pass every waiting item, oldest first, to destroy (if not NULL), then
 * release the ring; q is left empty and may be used again. */
void fifo_free(struct fifo *q, void (*destroy)(void *item));

#endif
