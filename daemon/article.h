/*
 * The article: what the pipeline builds from one inbox file and hands to
 * plugins through the opaque newsd_article handle of the public ABI.
 *
 * An article is owned by one thread at a time (a worker, then the archive
 * thread), so it has no locks.
 */
#ifndef NEWSD_ARTICLE_H
#define NEWSD_ARTICLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <newsd/plugin.h>

#include "actions.h"
#include "article_limits.h"
#include "name_index.h"
#include "parse.h"

#define ARTICLE_ID_LEN 32

struct article_tag {
    char *name;
    double weight;
    const char *plugin;   /* plugin_names.h: shared, not the article's */
};

struct article_rule {
    char *rule;
    double points;
    char *reason;
    const char *plugin;   /* plugin_names.h: shared, not the article's */
};

struct article_meta {
    char *key;
    char *value;
};

#define ARTICLE_N_FIELDS (NEWSD_FIELD_PUBLISHED + 1)

struct newsd_article {
    char id[ARTICLE_ID_LEN + 1];
    char *fields[ARTICLE_N_FIELDS];   /* NULL reads as "" */
    unsigned char *raw;
    size_t raw_len;
    char *path;              /* the original file in work/, or NULL */
    bool reprocessing;       /* newsd_article_reprocessing() */
    int64_t received_ms;
    int64_t processed_ms;

    struct article_tag *tags;
    size_t n_tags, cap_tags;
    struct article_rule *rules;
    size_t n_rules, cap_rules;
    struct article_meta *meta;
    size_t n_meta, cap_meta;
    struct name_index tag_index, meta_index;

    char action[ACTION_NAME_MAX + 1]; /* set once the SCORE stage is over; "" before */

    struct article_limits limits;   /* ARTICLE_LIMITS_DEFAULT unless the pipeline sets them */
    unsigned limits_logged;         /* which refusals this article has logged (article.c) */

    char *folded;            /* case-folded title + body, built on demand */
    newsd_analysis *analysis; /* the text layer (analysis.c), built on demand */
    char *extraction;        /* how the HTML parser chose the text, or NULL (--try) */

    /* Set by the plugin host around each callback. */
    enum newsd_stage stage;  /* 0 outside plugin calls: everything allowed */
    const char *plugin;      /* the calling plugin's instance name */
    char *fail_reason;       /* set by newsd_article_fail() */
};

struct newsd_article *article_new(const char *source, int64_t received_ms);
void article_free(struct newsd_article *a);

/* Take the raw bytes (ownership moves to the article) and compute the id. */
void article_set_raw(struct newsd_article *a, unsigned char *raw, size_t len);
/* Move the parsed fields into the article; p is left cleared. */
void article_take_parsed(struct newsd_article *a, struct parsed_article *p);

/* The action of the article's score total under t (actions.h): called by
 * the pipeline once the SCORE stage is over. */
void article_choose_action(struct newsd_article *a, const struct action_table *t);

/* Free the text layer's analysis (built again if a plugin asks). */
void article_drop_analysis(struct newsd_article *a);
/* Free the case-folded copy of title and body that contains() searches
 * (built again if a plugin asks). */
void article_drop_folded(struct newsd_article *a);

/* An article done with its stages waits for its archive batch, with
 * hundreds of others: give back what only adding needs (the arrays' room
 * to grow, the name indexes; adding again grows and indexes anew). */
void article_compact(struct newsd_article *a);

/* Drop tags, rules and meta added after the given counts: a plugin whose
 * call failed leaves no half result behind. */
void article_truncate(struct newsd_article *a, size_t n_tags, size_t n_rules, size_t n_meta);

#endif
