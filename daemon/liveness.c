/* Claim errors and stalls as log lines and /health problems; see liveness.h. */
#include "liveness.h"
#include "health.h"
#include "log.h"

#include <string.h>
#include <time.h>

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void liveness_init(struct liveness *l, int64_t now)
{
    memset(l, 0, sizeof *l);
    l->last_claim = l->last_progress = now;
}

void liveness_claimed(struct liveness *l, int64_t now)
{
    l->last_claim = now;
    if (!l->claim_err)
        return;
    char since[NEWSD_TIME_LEN], until[NEWSD_TIME_LEN];
    newsd_format_time(l->claim_err_since, since);
    newsd_format_time(wall_ms(), until);
    log_notice("claiming works again (it failed from %s: %s)", since, strerror(-l->claim_err));
    health_incident("claim", "claiming failed from %s to %s: %s", since, until, strerror(-l->claim_err));
    l->claim_err = 0;
}

void liveness_claim_failed(struct liveness *l, const char *inbox_path, const char *name, int err)
{
    /* Every file in the inbox meets the same cause: say it once. */
    if (l->claim_err != err)
        log_error("cannot claim %s/%s (a rename into work/): %s; files stay in the inbox and newsd tries "
                  "again every second", inbox_path, name, strerror(-err));
    else
        log_debug("cannot claim %s/%s: %s; trying again later", inbox_path, name, strerror(-err));
    if (!l->claim_err)
        l->claim_err_since = wall_ms();
    l->claim_err = err;
    health_set("claim", "claiming fails: files cannot be moved from inbox/ into work/: %s", strerror(-err));
}

void liveness_progress(struct liveness *l, int64_t now)
{
    l->last_progress = now;
}

/* A stall that ended: an incident, and a line saying so. */
static void stall_over(int64_t *since, int64_t now, const char *key, const char *what)
{
    if (!*since)
        return;
    long long s = (long long)((now - *since) / 1000);
    log_notice("%s moves again (it had stalled for %lld s)", what, s);
    char until[NEWSD_TIME_LEN];
    newsd_format_time(wall_ms(), until);
    health_incident(key, "%s stalled for %lld s, until %s", what, s, until);
    *since = 0;
}

void liveness_check(struct liveness *l, const struct liveness_view *v)
{
    int64_t limit = (int64_t)v->stall_s * 1000;

    if (v->in_flight && v->now - l->last_progress >= limit) {
        long long quiet = (long long)((v->now - l->last_progress) / 1000);
        if (!l->processing_stalled) {
            l->processing_stalled = l->last_progress;
            log_error("processing stalled: %u articles in flight, none finished for %lld s (a plugin or the "
                      "archive stuck?)", v->in_flight, quiet);
        }
        health_set("stall:processing", "processing stalled: %u articles in flight, none finished for %lld s",
                   v->in_flight, quiet);
    } else {
        stall_over(&l->processing_stalled, v->now, "stall:processing", "processing");
    }

    if (v->commit_failing_since && v->now - v->commit_failing_since >= limit) {
        long long failing = (long long)((v->now - v->commit_failing_since) / 1000);
        if (!l->commit_stalled) {
            l->commit_stalled = v->commit_failing_since;
            log_error("archive commits have failed for %lld s; the articles wait in work/ and are retried "
                      "(the archive's reason is logged above)", failing);
        }
        health_set("stall:commit", "archive commits have failed for %lld s; the articles wait in work/",
                   failing);
    } else if (!v->commit_failing_since) {
        stall_over(&l->commit_stalled, v->now, "stall:commit", "archive commits");
    }

    if (v->work_checked && v->oldest_work_ms && v->work_age_s && v->wall_now - v->oldest_work_ms >= (int64_t)v->work_age_s * 1000) {
        long long age = (long long)((v->wall_now - v->oldest_work_ms) / 1000);
        if (!l->work_stalled)
            log_error("%s has been in work/ for %lld s (work_age_s = %u): stuck in a retry, or a plugin "
                      "or the archive keeps refusing it?", v->oldest_work, age, v->work_age_s);
        l->work_stalled = v->oldest_work_ms;
        health_set("stall:work", "%s has been in work/ for %lld s", v->oldest_work, age);
    } else if (v->work_checked) {
        /* Looked at, and nothing is that old (any more). */
        if (l->work_stalled) {
            char until[NEWSD_TIME_LEN];
            newsd_format_time(v->wall_now, until);
            log_notice("no article has been in work/ for %u s any more", v->work_age_s);
            health_incident("stall:work", "an article was in work/ for more than %u s, until %s", v->work_age_s,
                            until);
            l->work_stalled = 0;
        }
    }

    size_t waiting = 0;
    if (v->can_claim && v->now - l->last_claim >= limit)
        waiting = v->count_waiting(v->ud, v->stall_s);
    if (waiting) {
        long long quiet = (long long)((v->now - l->last_claim) / 1000);
        if (!l->claim_stalled) {
            l->claim_stalled = l->last_claim;
            log_error("claiming stalled: %zu files in the inbox, none claimed for %lld s although newsd has "
                      "room for them", waiting, quiet);
        }
        health_set("stall:claim", "claiming stalled: %zu files in inbox/, none claimed for %lld s", waiting,
                   quiet);
    } else {
        stall_over(&l->claim_stalled, v->now, "stall:claim", "claiming");
    }
}
