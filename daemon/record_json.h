/* The article record as JSON text: what newsd_article_to_json() returns. */
#ifndef NEWSD_RECORD_JSON_H
#define NEWSD_RECORD_JSON_H

#include "article.h"

/* The record, pretty-printed with two spaces as jansson's JSON_INDENT(2)
 * | JSON_PRESERVE_ORDER prints it (byte for byte), NUL-terminated; the
 * caller frees it.  NULL when out of memory. */
char *record_json(const struct newsd_article *a);

#endif
