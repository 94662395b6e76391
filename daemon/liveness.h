/*
 * Is newsd making progress?  A daemon that stopped claiming or finishing
 * while its status says "running" is the failure nobody notices, so the
 * daemon reports here what it does and this file turns the lack of it into
 * log lines and /health problems (health.h):
 *
 *   "claim"             claims fail (rename inbox/ -> work/ refused: EACCES,
 *                       EROFS, ENOSPC ...): logged once per cause, retried;
 *   "stall:claim"       files wait in the inbox and none was claimed for
 *                       stall_s although newsd had room to take them;
 *   "stall:processing"  articles are in flight and none finished for stall_s;
 *   "stall:commit"      archive commits have failed for stall_s (the batch
 *                       waits in work/ and is retried);
 *   "stall:work"        an article has been in work/ for work_age_s (one
 *                       stuck while the rest flow: a retry that never ends).
 *
 * Each becomes an incident (reported for health_hold_s) once it is over.
 * Times are monotonic ms (uv_hrtime), passed in so tests can drive them.
 */
#ifndef NEWSD_LIVENESS_H
#define NEWSD_LIVENESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct liveness {
    int64_t last_claim, last_progress;
    int claim_err;                /* -errno of the failing claims; 0: they work */
    int64_t claim_err_since;      /* wall clock ms */
    int64_t claim_stalled, processing_stalled;   /* monotonic ms since; 0: not stalled */
    int64_t commit_stalled;       /* monotonic ms since commits fail; 0: they work */
    int64_t work_stalled;         /* wall clock ms the oldest work/ file was claimed; 0: none too old */
};

/* What the daemon looks like now, for liveness_check(). */
struct liveness_view {
    int64_t now;                  /* monotonic ms */
    unsigned stall_s;
    bool can_claim;               /* running, and room for more in flight */
    unsigned in_flight;
    /* Files waiting in the inbox for at least min_age_s (a directory scan,
     * only called when nothing was claimed for stall_s). */
    size_t (*count_waiting)(void *ud, unsigned min_age_s);
    void *ud;
    int64_t commit_failing_since; /* monotonic ms of the first failed commit in a row; 0: commits work */
    unsigned work_age_s;
    /* work_checked: work/ was looked at this time (a scan, not every
     * round); then the oldest article there (name, claim time in wall
     * clock ms), oldest_work_ms 0 when it holds none. */
    bool work_checked;
    const char *oldest_work;
    int64_t oldest_work_ms, wall_now;
};

void liveness_init(struct liveness *l, int64_t now);
/* A claim succeeded. */
void liveness_claimed(struct liveness *l, int64_t now);
/* A claim of inbox_path/name failed with err (-errno); the caller offers
 * the name again later. */
void liveness_claim_failed(struct liveness *l, const char *inbox_path, const char *name, int err);
/* An article finished (archived, duplicate or failed), or the first one
 * went in flight: the processing clock restarts. */
void liveness_progress(struct liveness *l, int64_t now);
/* On the upkeep timer. */
void liveness_check(struct liveness *l, const struct liveness_view *v);

#endif
