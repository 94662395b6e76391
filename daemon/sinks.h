/*
 * Sinks: plugins with a deliver() callback (ABI 1.3), each fed from its own
 * durable outbox (outbox.h) by a thread of its own.
 *
 * The archive thread stages the records of a batch that pass a sink's
 * filter into its outbox and syncs them before the archive's commit
 * (sinks_stage); when the commit succeeded the loop releases them, when it
 * failed it takes them back (sinks_settle).  So an archived article always
 * has its outbox entry, and a crash can repeat a delivery but not lose one.
 *
 * Why a thread per sink and not the loop: a sink is a plugin, and the ABI
 * gives plugins no event loop; deliver() may block (a command that runs, a
 * broker's client library that flushes) and must not stall the inbox or the
 * control API.  The webhook sink drives libcurl's multi interface inside
 * its deliver(), so one thread sends a whole batch in parallel.
 */
#ifndef NEWSD_SINKS_H
#define NEWSD_SINKS_H

#include <jansson.h>
#include <stdbool.h>

#include <newsd/plugin.h>

#include "config.h"
#include "metrics.h"
#include "outbox.h"
#include "sink_filter.h"

struct job;
struct plugin_set;

/* The keys newsd reads itself from a sink's [plugin.NAME] section. */
extern const struct newsd_config_key sink_core_keys[];

#define SINK_DEFAULT_BATCH 16
#define SINK_DEFAULT_RETRY_MIN_MS 1000
#define SINK_DEFAULT_RETRY_MAX_MS 300000
#define SINK_DEFAULT_DEAD_AFTER_S 86400

struct sink_policy {
    struct sink_filter *filter;
    struct outbox_policy outbox;
    unsigned batch;          /* records per deliver() call */
};

/* A sink section's own keys (filter, batch, retry_min_ms, retry_max_ms,
 * dead_after_s).  Returns NULL with *err (malloc'd) naming file, line,
 * key and cause. */
struct sink_policy *sink_policy_parse(const struct plugin_section *s, char **err);
void sink_policy_free(struct sink_policy *p);

struct sinks;

/* Open the outboxes (STATE_DIR/outbox/NAME) of the set's sinks and start
 * their threads.  A sink whose outbox cannot be opened is logged and makes
 * every commit fail until it can (sinks_stage tries again): no alert is
 * dropped for a folder that is missing for a while.  Never NULL. */
struct sinks *sinks_start(const char *state_dir, struct plugin_set *set);
/* Stop the threads (waiting for a deliver() that runs) and close.  NULL
 * is fine. */
void sinks_stop(struct sinks *s);
bool sinks_any(const struct sinks *s);

/* Archive thread, after archive() and before commit(): stage the archived
 * (not duplicate, not failed) jobs of the list that pass each filter, and
 * sync.  Returns 0, or -1 with *err (malloc'd): the commit must fail. */
int sinks_stage(struct sinks *s, struct job *head, char **err);
/* Loop thread, when the commit ended: release (committed) or take back
 * what sinks_stage() wrote, and wake the threads. */
void sinks_settle(struct sinks *s, bool committed);

/* For /status ("sinks": [...]), /metrics and GET /outbox. */
json_t *sinks_status(struct sinks *s);
void sinks_metrics(struct sinks *s, struct strbuf *sb);
json_t *sinks_outbox(struct sinks *s, bool dead, size_t limit);

#endif
