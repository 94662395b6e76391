/*
 * A bump allocator: many small allocations that live and die together (the
 * strings of one text analysis) cost one malloc per chunk instead of one
 * per string, and one free_all instead of a walk.
 */
#ifndef NEWSD_ARENA_H
#define NEWSD_ARENA_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

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
/* A NUL-terminated copy of s[0..n), or NULL when memory runs out.
 * Inline, with the copy of a short string spelled out: the text layer
 * copies a few hundred words of a few bytes per article, and a call to
 * memcpy for each cost more than the bytes. */
static inline char *arena_strndup(struct arena *ar, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    /* Strings need no alignment: take them byte-exact from the free room. */
    char *p;
    if (ar->next && (size_t)(ar->end - ar->next) > n) {
        p = ar->next;
        ar->next += n + 1;
    } else {
        p = arena_alloc(ar, n + 1);
        if (!p)
            return NULL;
    }
    if (n >= 8 && n <= 16) {   /* two overlapping loads, all inside the n bytes */
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        memcpy(p, &a, 8);
        memcpy(p + n - 8, &b, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        memcpy(p, &a, 4);
        memcpy(p + n - 4, &b, 4);
    } else if (n < 4) {
        for (size_t i = 0; i < n; i++)
            p[i] = s[i];
    } else {
        memcpy(p, s, n);
    }
    p[n] = '\0';
    return p;
}
/* Release every chunk; the arena is empty (and usable) again. */
void arena_free_all(struct arena *ar);

#endif
