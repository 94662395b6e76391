/*
 * An index by name over an array of structs whose first member is their
 * char * name (an article's tags, its meta entries): a lookup costs O(1),
 * so a plugin that adds many names does not pay for every name again.
 *
 * The index holds positions, not copies: the array may be reallocated
 * freely, and positions stay valid as long as items are only appended.
 * After items are removed from the end, name_index_rebuild().
 */
#ifndef NEWSD_NAME_INDEX_H
#define NEWSD_NAME_INDEX_H

#include <stddef.h>
#include <stdint.h>

struct name_index {
    uint32_t *slots;   /* position + 1; 0 = empty */
    size_t cap;        /* a power of two, or 0 */
};

/* The position of the item named name among the first n of items (each
 * stride bytes), or SIZE_MAX.  Without slots (never built, or freed to
 * save memory: name_index_free()) the items are scanned. */
size_t name_index_find(const struct name_index *ix, const void *items, size_t stride, size_t n,
                       const char *name);
/* Index item n - 1, just appended (its name is not in the index yet). */
void name_index_add(struct name_index *ix, const void *items, size_t stride, size_t n);
/* Index the first n items afresh. */
void name_index_rebuild(struct name_index *ix, const void *items, size_t stride, size_t n);
void name_index_free(struct name_index *ix);

#endif
