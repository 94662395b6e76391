/* Open addressing with linear probing over positions of a name array. */
#include "name_index.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static const char *name_at(const void *items, size_t stride, size_t i)
{
    return *(char *const *)((const char *)items + i * stride);
}

/* FNV-1a, as in inbox.c.  Not keyed: crafted collisions could make a
 * probe walk the whole table, but the per-article caps bound the table. */
static size_t hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

size_t name_index_find(const struct name_index *ix, const void *items, size_t stride, size_t n,
                       const char *name)
{
    if (!ix->cap) {
        for (size_t i = 0; i < n; i++)
            if (strcmp(name_at(items, stride, i), name) == 0)
                return i;
        return SIZE_MAX;
    }
    for (size_t i = hash(name) & (ix->cap - 1);; i = (i + 1) & (ix->cap - 1)) {
        uint32_t s = ix->slots[i];
        if (!s)
            return SIZE_MAX;
        if (s <= n && strcmp(name_at(items, stride, s - 1), name) == 0)
            return s - 1;
    }
}

static void insert(struct name_index *ix, const void *items, size_t stride, size_t pos)
{
    size_t i = hash(name_at(items, stride, pos)) & (ix->cap - 1);
    while (ix->slots[i])
        i = (i + 1) & (ix->cap - 1);
    ix->slots[i] = (uint32_t)(pos + 1);
}

void name_index_rebuild(struct name_index *ix, const void *items, size_t stride, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n)   /* at most half full: probes stay short */
        cap *= 2;
    if (cap != ix->cap) {
        free(ix->slots);
        ix->slots = xcalloc(cap, sizeof *ix->slots);
        ix->cap = cap;
    } else {
        memset(ix->slots, 0, cap * sizeof *ix->slots);
    }
    for (size_t i = 0; i < n; i++)
        insert(ix, items, stride, i);
}

void name_index_add(struct name_index *ix, const void *items, size_t stride, size_t n)
{
    if (2 * n > ix->cap)
        name_index_rebuild(ix, items, stride, n);
    else
        insert(ix, items, stride, n - 1);
}

void name_index_free(struct name_index *ix)
{
    free(ix->slots);
    ix->slots = NULL;
    ix->cap = 0;
}
