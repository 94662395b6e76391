/*
 * Which companies and topics are rising: the entity:* and topic:* tags of
 * archived articles counted per hour over the last 7 days, for the web
 * dashboard's Trends page.  In memory on the loop thread, and kept across a
 * restart in STATE_DIR/trends.dat by the dashboard (trends_file.h); at most
 * TRENDS_MAX_NAMES names are followed, the first to come.
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
/* For trends_file.c, which saves and loads the counts. */
/* The hour (since the epoch) of the latest count, -1 before any. */
int64_t tag_trends_latest_hour(void);
/* Name i (0 .. tag_trends_names() - 1) and its counts by hour %
 * TRENDS_HOURS, valid for the hours of the window up to the latest hour;
 * the counts are a copy that the next call overwrites. */
const char *tag_trends_row(size_t i, const uint32_t **by_hour);
/* Count n taggings of name (an entity:* or topic:* tag, else ignored) in
 * hour, as tag_trends_add() counts each tag of an article. */
void tag_trends_count_at(const char *name, int64_t hour, uint32_t n);

/* Forget everything (unit tests). */
void tag_trends_reset(void);

#endif
