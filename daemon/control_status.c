/*
 * GET /status and GET /metrics: a struct status_snapshot rendered as JSON
 * and as Prometheus text (see status.h and docs/api.md).  The stage names
 * come from the stage table (stage.h).
 */
#include "status.h"
#include "action_counts.h"
#include "xalloc.h"
#include "query.h"
#include "metrics.h"
#include "inputs.h"
#include "sinks.h"
#include "stage.h"
#include "text.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *daemon_state_name(enum daemon_state st)
{
    switch (st) {
    case DAEMON_RUNNING:
        return "running";
    case DAEMON_RELOADING:
        return "reloading";
    case DAEMON_STOPPING:
        return "stopping";
    }
    return "?";
}

/* ---- /status --------------------------------------------------------------- */

static json_t *jstr(const char *s)
{
    json_t *j = s ? json_string(s) : NULL;
    return j ? j : json_null();
}

/* A problem's text is cut at a byte count (health.h): repair a character
 * cut in half rather than lose the whole text to jansson's UTF-8 check. */
static json_t *jtext(const char *s)
{
    char *t = text_utf8_repair(s);
    json_t *j = jstr(t);
    free(t);
    return j;
}

static json_t *jtime(int64_t ms)
{
    char buf[NEWSD_TIME_LEN];
    return ms ? json_string(newsd_format_time(ms, buf)) : json_null();
}

static const char *health_word(const struct status_snapshot *s)
{
    return s->n_problems ? "failing" : "ok";
}

/* /status carries the summary: the word and the problems' texts. */
static json_t *health_summary(const struct status_snapshot *s)
{
    json_t *texts = json_array();
    for (size_t i = 0; i < s->n_problems; i++)
        json_array_append_new(texts, jtext(s->problems[i].text));
    return json_pack("{s:s,s:o}", "status", health_word(s), "problems", texts);
}

char *status_render_health(const struct status_snapshot *s)
{
    json_t *list = json_array();
    for (size_t i = 0; i < s->n_problems; i++) {
        const struct health_problem *p = &s->problems[i];
        json_array_append_new(list, json_pack("{s:o,s:o,s:o,s:o}", "key", jtext(p->key), "problem",
                                              jtext(p->text), "since", jtime(p->since_ms), "until",
                                              jtime(p->until_ms)));
    }
    json_t *o = json_pack("{s:s,s:s,s:I,s:o,s:I,s:o}", "status", health_word(s), "state",
                          daemon_state_name(s->state), "pid", (json_int_t)s->pid, "checked", jtime(s->now_ms),
                          "in_flight", (json_int_t)s->in_flight, "problems", list);
    char *out = xjson_dumps(o, JSON_COMPACT);
    json_decref(o);
    return out;
}

/* The stages of a descriptor, in pipeline order. */
static json_t *stage_list(unsigned stages)
{
    json_t *a = json_array();
    for (unsigned i = 0; i < STAGE_COUNT; i++)
        if (stages & stage_at(i))
            json_array_append_new(a, json_string(stage_name(stage_at(i))));
    return a;
}

static bool is_lua(const struct plugin_instance *p)
{
    size_t n = p->path ? strlen(p->path) : 0;
    return n > 4 && strcmp(p->path + n - 4, ".lua") == 0;
}

/* "1.1": the ABI the plugin was built against (its descriptor's stamp). */
static json_t *abi_string(uint32_t stamp)
{
    char s[24];
    snprintf(s, sizeof s, "%u.%u", (unsigned)NEWSD_ABI_STAMP_MAJOR(stamp),
             (unsigned)NEWSD_ABI_STAMP_MINOR(stamp));
    return json_string(s);
}

char *status_render_json(const struct status_snapshot *s)
{
    const struct daemon_counters *c = &s->counters;
    json_t *plugins = json_array(), *archives = json_array();
    const char *query_by = NULL;

    for (size_t i = 0; s->plugins && i < s->plugins->n; i++) {
        const struct plugin_instance *p = &s->plugins->v[i];
        bool queries = plugin_answers_queries(p);
        json_array_append_new(plugins, json_pack("{s:o,s:s,s:o,s:o,s:o,s:b,s:b,s:o}",
            "name", jstr(p->name), "kind", is_lua(p) ? "lua" : "c", "plugin", jstr(p->desc->name),
            "file", jstr(p->path), "stages", stage_list(p->desc->stages), "required", p->required,
            "queries", queries, "abi", abi_string(p->desc->abi_version)));
        if (p->desc->stages & NEWSD_STAGE_ARCHIVE) {
            json_array_append_new(archives, json_pack("{s:o,s:o,s:b}", "name", jstr(p->name),
                                                      "plugin", jstr(p->desc->name), "queries", queries));
            if (queries && !query_by)
                query_by = p->name;
        }
    }
    json_t *o = json_pack("{s:s,s:I,s:s,s:I,s:I,s:o,s:o,s:o,s:o}",
        "version", NEWSD_VERSION, "pid", (json_int_t)s->pid, "state", daemon_state_name(s->state),
        "uptime_s", (json_int_t)((s->now_ms - s->started_ms) / 1000), "started_ms", (json_int_t)s->started_ms,
        "config", jstr(s->config_path), "state_dir", jstr(s->state_dir),
        "control_socket", jstr(s->control_socket), "metrics_listen", jstr(s->metrics_listen));
    json_object_set_new(o, "web_listen", jstr(s->web_listen));
    json_object_set_new(o, "web_tls", json_boolean(s->web_tls));
    json_object_set_new(o, "plugins", plugins);
    json_object_set_new(o, "counters", json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
        "received", (json_int_t)c->received, "archived", (json_int_t)c->archived,
        "duplicates", (json_int_t)c->duplicates, "replayed", (json_int_t)c->replayed,
        "failed", (json_int_t)c->failed,
        "reprocessed", (json_int_t)c->reprocessed, "in_flight", (json_int_t)s->in_flight,
        "queue_depth", (json_int_t)s->queue_depth,
        "reprocess_pending", (json_int_t)s->reprocess_pending,
        "queries_running", (json_int_t)s->queries_running,
        "reloads", (json_int_t)c->reloads_taken,
        "plugin_failures", (json_int_t)s->plugin_failures,
        "commit_retries", (json_int_t)s->commit_retries));
    json_object_set_new(o, "actions", action_counts_json());
    json_object_set_new(o, "throughput", json_pack("{s:i,s:I,s:f}", "window_s", (int)s->window_s,
        "finished", (json_int_t)s->finished_in_window,
        "per_s", s->window_s ? (double)s->finished_in_window / s->window_s : 0.0));
    json_object_set_new(o, "archive", json_pack("{s:o,s:o}", "backends", archives, "queries", jstr(query_by)));
    json_object_set_new(o, "health", health_summary(s));
    json_object_set_new(o, "sinks", sinks_status(s->sinks));
    json_object_set_new(o, "inputs", inputs_status(s->inputs));
    char *out = xjson_dumps(o, JSON_COMPACT);
    json_decref(o);
    return out;
}

/* ---- /metrics -------------------------------------------------------------- */

char *status_render_metrics(const struct status_snapshot *s)
{
    const struct daemon_counters *c = &s->counters;
    struct strbuf sb = {0};
    const struct {
        const char *name, *help;
        unsigned long long value;
    } counters[] = {
        {"newsd_articles_received_total", "Articles claimed from the inbox (and resumed from work/).",
         c->received},
        {"newsd_articles_archived_total", "Articles archived.", c->archived},
        {"newsd_articles_duplicates_total", "Articles whose bytes were already archived.", c->duplicates},
        {"newsd_articles_replayed_total",
         "Articles resumed from work/ at start that were archived before the restart.", c->replayed},
        {"newsd_articles_failed_total", "Articles moved to failed/.", c->failed},
        {"newsd_articles_reprocessed_total", "Archived articles run through the plugins again.",
         c->reprocessed},
    };
    for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++) {
        prom_header(&sb, counters[i].name, "counter", counters[i].help);
        prom_value(&sb, counters[i].name, "", (double)counters[i].value);
    }
    prom_header(&sb, "newsd_reloads_total", "counter", "Configuration reloads, by outcome.");
    prom_value(&sb, "newsd_reloads_total", "result=\"taken\"", (double)c->reloads_taken);
    prom_value(&sb, "newsd_reloads_total", "result=\"refused\"", (double)c->reloads_refused);

    const struct {
        const char *name, *help;
        double value;
    } gauges[] = {
        {"newsd_articles_in_flight", "Articles claimed and not yet archived or failed.", s->in_flight},
        {"newsd_queue_depth", "Articles waiting for a worker thread.", s->queue_depth},
        {"newsd_reprocess_pending", "Articles waiting in work/ to be reprocessed.",
         (double)s->reprocess_pending},
        {"newsd_throughput_articles_per_second",
         "Articles finished (archived, duplicate or failed) per second over the last minute.",
         s->window_s ? (double)s->finished_in_window / s->window_s : 0.0},
        {"newsd_plugins_loaded", "Plugin instances in the running configuration.",
         s->plugins ? (double)s->plugins->n : 0.0},
        {"newsd_health_problems", "Current problems reported by /health (0: healthy).",
         (double)s->n_problems},
        {"newsd_start_time_seconds", "Start time of the daemon, seconds since the epoch.",
         (double)(s->started_ms / 1000)},
    };
    for (size_t i = 0; i < sizeof gauges / sizeof gauges[0]; i++) {
        prom_header(&sb, gauges[i].name, "gauge", gauges[i].help);
        prom_value(&sb, gauges[i].name, "", gauges[i].value);
    }
    sinks_metrics(s->sinks, &sb);
    inputs_metrics(s->inputs, &sb);
    metrics_write_histograms(&sb);
    action_counts_write_prom(&sb);
    return sb_take(&sb);
}
