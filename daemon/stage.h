/*
 * The stages as the daemon sees them, generated from NEWSD_STAGE_MAP in the
 * public header: their names and what each may change.  The article
 * accessors, the Lua binding, the loader and the status output all ask
 * here, so a stage or a permission is changed in one place.
 */
#ifndef NEWSD_STAGE_H
#define NEWSD_STAGE_H

#include <stdbool.h>
#include <stddef.h>

#include <newsd/plugin.h>

/* Every stage bit. */
#define STAGE_ALL_(NAME, name, bit, may) | NEWSD_STAGE_##NAME
#define STAGE_ALL (0u NEWSD_STAGE_MAP(STAGE_ALL_))

/* The number of stages. */
#define STAGE_COUNT_(NAME, name, bit, may) + 1
enum { STAGE_COUNT = 0 NEWSD_STAGE_MAP(STAGE_COUNT_) };

/* "parse", "tag", ...; "?" for anything that is not one stage. */
const char *stage_name(unsigned stage);
/* The i-th stage in pipeline order (i < STAGE_COUNT). */
unsigned stage_at(unsigned i);
/* What a stage may change (enum newsd_change bits); 0 for no stage. */
unsigned stage_may(unsigned stage);
/* The stages that may make change c, as words: "parse, tag and score"
 * ("no" when none may).  Written to out; returns out. */
char *stage_list_may(enum newsd_change c, char *out, size_t size);

#endif
