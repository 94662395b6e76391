/*
 * The dashboard's pages over the archive's query answers (docs/api.md):
 * Search (a search or list answer) and Article (a show answer, the
 * record of docs/record.md).  Every field of an answer is hostile text.
 */
#ifndef NEWSD_WEB_ARCHIVE_PAGES_H
#define NEWSD_WEB_ARCHIVE_PAGES_H

#include <jansson.h>

/* The search form's fields, as the browser sent them (NULL: absent). */
struct web_search_form {
    const char *q, *tag, *lang, *action, *min_score, *max_score, *since, *until;
    const char *offset;   /* the page: how many hits to skip */
};

/* The form, then the hits of answer (a search answer when f->q is set,
 * else a list answer), or error (the archive's reason) when not NULL. */
char *web_page_search(const struct web_search_form *f, const json_t *answer, const char *error);
/* One record: its fields, the body with entities marked, tags by
 * namespace, the score rule by rule, near-duplicate links. */
char *web_page_article(const json_t *rec);

#endif
