/*
 * A bump allocator: many small allocations that live and die together (the
 * strings of one text analysis) cost one malloc per chunk instead of one
 * per string, and one free_all instead of a walk.
 */
#ifndef NEWSD_ARENA_H
#define NEWSD_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
    struct arena_chunk *chunks;   /* newest first */
    char *next, *end;             /* free room of the newest chunk */
    size_t chunk_size;            /* the size of the next chunk (grows) */
};

/* An empty arena whose first chunk will hold about first_size bytes. */
void arena_init(struct arena *ar, size_t first_size);
/* n bytes aligned for any object, or NULL when memory runs out. */
void *arena_alloc(struct arena *ar, size_t n);
/* A NUL-terminated copy of s[0..n), or NULL when memory runs out. */
char *arena_strndup(struct arena *ar, const char *s, size_t n);
/* Release every chunk; the arena is empty (and usable) again. */
void arena_free_all(struct arena *ar);

#endif
