/*
 * The web dashboard's pages, rendered on the loop thread from what the
 * daemon has at hand (a status snapshot, failed/, the sinks' outboxes).
 * Each returns a whole HTML document, malloc'd.
 */
#ifndef NEWSD_WEB_PAGES_H
#define NEWSD_WEB_PAGES_H

#include "status.h"

#include <jansson.h>

struct web_history;
/* Articles per minute (h), counters and gauges, and the archive's stats
 * answer as of stats_ms (NULL: none yet, or no archive answers queries);
 * reloads itself. */
char *web_page_overview(const struct status_snapshot *s, const struct web_history *h, const json_t *stats,
                        int64_t stats_ms);
/* STATE_DIR/failed/ with each file's .reason and a retry form carrying
 * csrf; note (may be NULL) is shown above the table. */
char *web_page_failed(const char *state_dir, const char *csrf, const char *note);
/* The sinks' outboxes: waiting entries and dead letters. */
char *web_page_alerts(struct sinks *sinks);
/* The most tagged entities and topics over 24 h and 7 days up to now_ms
 * (web_trends.c). */
char *web_page_trends(int64_t now_ms);
/* A page that says what went wrong (401, 403, 404 ...). */
char *web_page_error(const char *title, const char *msg);

#endif
