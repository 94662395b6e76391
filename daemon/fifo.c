/* A growable ring of pointers (see fifo.h). */
#include "fifo.h"
#include "xalloc.h"

#include <assert.h>
#include <stdlib.h>

#define FIFO_MIN_CAP 16

/* Double the ring, unwrapping it so the oldest item is at index 0. */
static void grow(struct fifo *q)
{
    size_t cap = q->cap ? q->cap * 2 : FIFO_MIN_CAP;
    assert(cap > q->cap);
    void **v = xreallocarray(NULL, cap, sizeof *v);
    for (size_t i = 0; i < q->n; i++)
        v[i] = q->v[(q->head + i) & (q->cap - 1)];
    free(q->v);
    q->v = v;
    q->head = 0;
    q->cap = cap;
}

void fifo_push(struct fifo *q, void *item)
{
    assert(item != NULL);
    assert(q->n <= q->cap);
    if (q->n == q->cap)
        grow(q);
    q->v[(q->head + q->n) & (q->cap - 1)] = item;
    q->n++;
}

void *fifo_pop(struct fifo *q)
{
    if (!q->n)
        return NULL;
    void *item = q->v[q->head];
    q->v[q->head] = NULL;
    q->head = (q->head + 1) & (q->cap - 1);
    q->n--;
    return item;
}

size_t fifo_count(const struct fifo *q)
{
    return q->n;
}

void fifo_free(struct fifo *q, void (*destroy)(void *item))
{
    void *item;
    while ((item = fifo_pop(q)))
        if (destroy)
            destroy(item);
    free(q->v);
    *q = (struct fifo)FIFO_INIT;
}
