/* newsctl's human-readable output: tables and records from the JSON the
 * control API answers (docs/api.md).  --json bypasses all of this. */
#ifndef NEWSCTL_RENDER_H
#define NEWSCTL_RENDER_H

#include <jansson.h>

void render_status(const json_t *st);
/* GET /health's answer: "ok", or one line per problem */
void render_health(const json_t *h);
/* search hits or list items: {"total", "offset", "hits"|"items": [...]} */
void render_list(const json_t *page, const char *key);
/* one record as docs/record.md describes it */
void render_record(const json_t *rec);

/* GET /outbox's answer: per sink, the records waiting (or, dead, the dead
 * letters) with their attempts and last error */
void render_outbox(const json_t *ans, int dead);

#endif
