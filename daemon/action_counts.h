/*
 * Articles archived per action (actions.h), for /status ("actions") and
 * /metrics (newsd_articles_by_action_total): how many alerts, how many set
 * aside.  Names are kept as they come (a reload may bring new ones) in an
 * append-only table, so readers need no lock.
 */
#ifndef NEWSD_ACTION_COUNTS_H
#define NEWSD_ACTION_COUNTS_H

#include <jansson.h>

#include "metrics.h"

/* One more article archived (or reprocessed) with this action; "" counts
 * as "none". */
void action_counts_add(const char *action);
/* {"alert": N, "archive": N, ...} (new reference). */
json_t *action_counts_json(void);
void action_counts_write_prom(struct strbuf *sb);

#endif
