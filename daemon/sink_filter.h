/*
 * Which archived records a sink takes: the [plugin.NAME] filter key.
 *
 *   filter = action=alert                 ; the record's action (default)
 *   filter = tag:topic:ai-chips           ; an exact tag
 *   filter = tag:entity:org/PREFIX*, action=alert ; a tag prefix ('*' at
 *                                         the end); terms are ORed
 *   filter = all                          ; every archived record
 *
 * Matched on the record (docs/record.md), so what a sink sees is what the
 * archive holds.
 */
#ifndef NEWSD_SINK_FILTER_H
#define NEWSD_SINK_FILTER_H

#include <jansson.h>
#include <stdbool.h>

#define SINK_FILTER_DEFAULT "action=alert"

struct sink_filter;

/* Parse a filter (NULL: SINK_FILTER_DEFAULT).  Returns NULL with *err
 * (malloc'd) naming the term at fault. */
struct sink_filter *sink_filter_parse(const char *text, char **err);
void sink_filter_free(struct sink_filter *f);
/* True when one of the terms matches the record. */
bool sink_filter_match(const struct sink_filter *f, const json_t *record);
/* The filter as given, for /status. */
const char *sink_filter_text(const struct sink_filter *f);

#endif
