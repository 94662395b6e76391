/*
 * Inputs: plugins with a run() callback (ABI 1.3) that bring articles in
 * from a broker.  Each runs on a thread of its own and puts messages into
 * the inbox with newsd_input_put(): tmp/, fsync, rename into inbox/, fsync
 * of the folder, and only then may the plugin acknowledge upstream.  So an
 * acknowledged message is a durable inbox file, and from there the
 * pipeline's own promise holds; a crash before the ack means a redelivery,
 * which the content-hash id deduplicates; and a redelivery newsd still
 * holds under the same name with the same bytes (inbox/, work/, failed/)
 * is acknowledged without a second copy, so that a poison message, whose
 * crash comes before its ack, does not come back for ever.
 *
 * Back-pressure: newsd_input_wait() holds the input while the files in
 * inbox/ and work/ number the section's max_backlog or more, so a broker
 * with millions of messages does not become millions of files.
 *
 * Why a thread per input and not the loop: client libraries of brokers
 * (libnats, librdkafka) block in their fetch calls, and the ABI gives
 * plugins no event loop.
 */
#ifndef NEWSD_INPUTS_H
#define NEWSD_INPUTS_H

#include <jansson.h>
#include <stdint.h>

#include <newsd/plugin.h>

#include "config.h"
#include "metrics.h"

struct plugin_set;

/* The keys newsd reads itself from an input's [plugin.NAME] section. */
extern const struct newsd_config_key input_core_keys[];

#define INPUT_DEFAULT_MAX_BACKLOG 1000

/* An input section's own keys (max_backlog).  Returns 0, or -1 with *err
 * (malloc'd) naming the file, line, key and cause. */
int input_policy_parse(const struct plugin_section *s, int64_t *max_backlog, char **err);

struct inputs;

/* Start a thread per input plugin of the set, calling its run().  Never
 * NULL; an input whose thread cannot start is logged and skipped. */
struct inputs *inputs_start(const char *state_dir, struct plugin_set *set);
/* Tell every run() to return (newsd_input_wait says STOP), wait for them
 * and free.  NULL is fine. */
void inputs_stop(struct inputs *in);

/* For /status ("inputs": [...]) and /metrics (newsd_input_*). */
json_t *inputs_status(struct inputs *in);
void inputs_metrics(struct inputs *in, struct strbuf *sb);

#endif
