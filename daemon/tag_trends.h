/*
 * Which companies and topics are rising: the entity:* and topic:* tags of
 * archived articles counted per hour over the last 7 days, for the web
 * dashboard's Trends page.  In memory on the loop thread (a restart starts
 * afresh); at most TRENDS_MAX_NAMES names are followed, the first to come.
 */
#ifndef NEWSD_TAG_TRENDS_H
#define NEWSD_TAG_TRENDS_H

#include <stddef.h>
#include <stdint.h>

#include "article.h"

#define TRENDS_HOURS 168
#define TRENDS_MAX_NAMES 4096

/* An archived article (not a reprocessed one: it was counted once). */
void tag_trends_add(const struct newsd_article *a, int64_t now_ms);

struct trend_row {
    const char *name;              /* borrowed: valid until the next tag_trends_add() */
    uint32_t total;                /* over the window */
    uint32_t per_hour[TRENDS_HOURS];   /* oldest first; the window's hours only */
};

/* The names starting with prefix, most tagged over the last hours (1 to
 * TRENDS_HOURS) up to now_ms first; at most max rows into out.  Returns
 * the number of rows. */
size_t tag_trends_top(const char *prefix, unsigned hours, int64_t now_ms, struct trend_row *out, size_t max);
/* Names followed so far, and whether some were not for lack of room. */
size_t tag_trends_names(int *full);
/* Forget everything (unit tests). */
void tag_trends_reset(void);

#endif
