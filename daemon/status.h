/*
 * What /status and /metrics report, as data: the daemon keeps its counters
 * in one struct daemon_counters and, when the control API asks, fills a
 * struct status_snapshot (counters plus gauges read at that moment).
 * daemon/control_status.c renders a snapshot as the /status JSON and the
 * /metrics text (docs/api.md), so daemon.c holds no output format.
 */
#ifndef NEWSD_STATUS_H
#define NEWSD_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "health.h"
#include "plugins.h"

struct sinks;
struct inputs;

/* The daemon's run state (reload and shutdown: see daemon.c). */
enum daemon_state {
    DAEMON_RUNNING,
    DAEMON_RELOADING,   /* claiming paused until in-flight work drained */
    DAEMON_STOPPING,
};

/* Since start; only ever incremented, on the loop thread. */
struct daemon_counters {
    unsigned long long received;     /* claimed from the inbox or resumed from work/ */
    unsigned long long archived;
    unsigned long long duplicates;   /* the same bytes arrived again */
    unsigned long long replayed;     /* resumed from work/, already archived before the restart */
    unsigned long long failed;       /* moved to failed/ */
    unsigned long long reprocessed;  /* archived articles archived again */
    unsigned long long reloads_taken;
    unsigned long long reloads_refused;
};

/* The daemon at one moment on the loop thread.  The pointers are borrowed
 * from the daemon: valid until the loop runs on, so render at once. */
struct status_snapshot {
    struct daemon_counters counters;
    enum daemon_state state;
    long pid;
    int64_t started_ms, now_ms;      /* wall clock, ms since the epoch */
    unsigned in_flight;              /* claimed, not yet archived or failed */
    unsigned queue_depth;            /* of those, waiting for a worker thread */
    size_t reprocess_pending;        /* in work/, waiting to be claimed again */
    unsigned queries_running;        /* archive queries on the plugin set */
    unsigned window_s;               /* the throughput window, seconds */
    uint64_t finished_in_window;     /* archived, duplicates, failed in it */
    uint64_t plugin_failures;        /* failed plugin calls since start (metrics.c) */
    uint64_t commit_retries;         /* failed archive commits, retried */
    const char *config_path, *state_dir, *control_socket, *metrics_listen;   /* NULL: none */
    const char *web_listen;                                                   /* NULL: none */
    bool web_tls;                    /* the dashboard speaks HTTPS itself */
    const struct plugin_set *plugins;                                         /* in force */
    struct sinks *sinks;             /* their outboxes (sinks.h); NULL: none */
    struct inputs *inputs;           /* input plugins' threads (inputs.h); NULL: none */
    /* health.h's current problems (the control side fills them in). */
    const struct health_problem *problems;
    size_t n_problems;
};

/* "running", "reloading", "stopping". */
const char *daemon_state_name(enum daemon_state st);
/* GET /status: one line of JSON, malloc'd, without the final newline. */
char *status_render_json(const struct status_snapshot *s);
/* GET /health: {"status":"ok"|"failing", ..., "problems":[...]}, one line
 * of JSON, malloc'd; the HTTP status is 200 without problems, 503 with. */
char *status_render_health(const struct status_snapshot *s);
/* GET /metrics: Prometheus text format 0.0.4, malloc'd; the histograms of
 * metrics.c follow the snapshot's counters and gauges. */
char *status_render_metrics(const struct status_snapshot *s);

#endif
