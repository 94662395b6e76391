/* The stage table of the public header, as lookups (see stage.h). */
#include "stage.h"

#include <stddef.h>
#include <stdio.h>

static const struct {
    unsigned bit;
    const char *name;
    unsigned may;
} stages[] = {
#define ROW_(NAME, name, bit, may) {NEWSD_STAGE_##NAME, #name, (may)},
    NEWSD_STAGE_MAP(ROW_)
#undef ROW_
};

const char *stage_name(unsigned stage)
{
    for (size_t i = 0; i < STAGE_COUNT; i++)
        if (stages[i].bit == stage)
            return stages[i].name;
    return "?";
}

unsigned stage_at(unsigned i)
{
    return i < STAGE_COUNT ? stages[i].bit : 0;
}

unsigned stage_may(unsigned stage)
{
    for (size_t i = 0; i < STAGE_COUNT; i++)
        if (stages[i].bit == stage)
            return stages[i].may;
    return 0;
}

char *stage_list_may(enum newsd_change c, char *out, size_t size)
{
    size_t n = 0, total = 0, len = 0;
    for (size_t i = 0; i < STAGE_COUNT; i++)
        total += (stages[i].may & c) != 0;
    out[0] = '\0';
    for (size_t i = 0; i < STAGE_COUNT && len < size; i++) {
        if (!(stages[i].may & c))
            continue;
        n++;
        const char *sep = n == 1 ? "" : n == total ? " and " : ", ";
        len += (size_t)snprintf(out + len, size - len, "%s%s", sep, stages[i].name);
    }
    if (!total)
        snprintf(out, size, "no");
    return out;
}
