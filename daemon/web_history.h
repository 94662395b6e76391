/*
 * The dashboard's articles per minute over the last 24 hours: received,
 * archived, failed and duplicates, from the daemon's counters sampled every
 * few seconds (a minute gets what the counters grew by from the last sample
 * before it to its last sample).  In memory, and kept across a restart in
 * STATE_DIR/trends.dat (trends_file.h).
 */
#ifndef NEWSD_WEB_HISTORY_H
#define NEWSD_WEB_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "metrics.h"   /* struct strbuf */

#define HISTORY_MINUTES 1440

enum history_series { HIST_RECEIVED, HIST_ARCHIVED, HIST_FAILED, HIST_DUPLICATES, HIST_SERIES };

struct web_history {
    bool started;
    bool resumed;                      /* loaded from the last run: no sample of this run yet */
    int64_t first_minute;              /* minutes since the epoch of the first sample */
    int64_t minute;                    /* ... of the current minute */
    uint64_t base[HIST_SERIES];        /* the counters at the last sample of the minute before */
    uint64_t last[HIST_SERIES];        /* ... and at the last sample */
    uint32_t carry[HIST_SERIES];       /* the current minute's counts from before base: the last run's */
    uint32_t per_minute[HISTORY_MINUTES][HIST_SERIES];   /* by minute % HISTORY_MINUTES */
};

/* The counters (since start, never falling) at now_ms. */
void web_history_note(struct web_history *h, int64_t now_ms, const uint64_t counters[HIST_SERIES]);
/* Append an SVG chart of the last 24 hours (one polyline per series; the
 * svg element's data-points says how many minutes saw any article) and
 * a table of the totals. */
void web_history_svg(const struct web_history *h, struct strbuf *sb);

#endif
