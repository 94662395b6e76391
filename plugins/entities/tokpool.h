/* tokpool: the token arrays of articles gone, kept for the next ones.
 *
 * An article's tokens are some 50 KB for 5 KB of text; a fresh array each
 * time made the allocator hand back and fault in pages, and the first
 * writes to them were a fifth of the plugin's time spent on its tokens.
 * A worker takes an array for an article and gives it back after; arrays
 * grown past TOKPOOL_KEEP_TOKENS (a long article) are freed instead, so the
 * pool stays at a few arrays of modest size. */
#ifndef ENTITIES_TOKPOOL_H
#define ENTITIES_TOKPOOL_H

#include "tokens.h"

#include <pthread.h>

#define TOKPOOL_KEEP_TOKENS 16384   /* 768 KB */

struct tokpool_item {
    struct tokpool_item *next;
    struct ent_toks toks;
};

struct tokpool {
    pthread_mutex_t lock;
    struct tokpool_item *idle;
};

void tokpool_init(struct tokpool *p);
/* Frees every idle array; none may be taken. */
void tokpool_fini(struct tokpool *p);
/* An empty token array with the room of one used before, or a new one;
 * NULL when out of memory. */
struct tokpool_item *tokpool_take(struct tokpool *p);
/* Give it back (NULL is fine). */
void tokpool_give(struct tokpool *p, struct tokpool_item *it);

#endif
