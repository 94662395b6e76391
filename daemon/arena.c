/* The bump allocator of arena.h. */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
    struct arena_chunk *next;
    alignas(max_align_t) char data[];
};

#define ARENA_MIN_CHUNK 4096

void arena_init(struct arena *ar, size_t first_size)
{
    ar->chunks = NULL;
    ar->next = ar->end = NULL;
    ar->chunk_size = first_size < ARENA_MIN_CHUNK ? ARENA_MIN_CHUNK : first_size;
}

void *arena_alloc(struct arena *ar, size_t n)
{
    size_t align = alignof(max_align_t);
    /* Strings are taken byte-exact, so the free room may start unaligned. */
    size_t pad = ar->next ? (size_t)(-(uintptr_t)ar->next & (align - 1)) : 0;
    if (!ar->next || (size_t)(ar->end - ar->next) < pad || (size_t)(ar->end - ar->next) - pad < n) {
        size_t size = ar->chunk_size;
        while (size < n) {
            if (size > SIZE_MAX / 2 - sizeof(struct arena_chunk))
                return NULL;
            size *= 2;
        }
        struct arena_chunk *c = malloc(sizeof *c + size);
        if (!c)
            return NULL;
        c->next = ar->chunks;
        ar->chunks = c;
        ar->next = c->data;
        ar->end = c->data + size;
        pad = 0;
        /* Doubling keeps the number of chunks logarithmic in the total. */
        if (ar->chunk_size <= SIZE_MAX / 4)
            ar->chunk_size *= 2;
    }
    void *p = ar->next + pad;
    ar->next += pad + n;
    return p;
}

void arena_free_all(struct arena *ar)
{
    struct arena_chunk *c = ar->chunks;
    while (c) {
        struct arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    ar->chunks = NULL;
    ar->next = ar->end = NULL;
}
