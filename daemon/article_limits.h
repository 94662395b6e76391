/*
 * How much plugins may add to one article ([daemon] max_tags,
 * max_score_rules, max_meta, max_name_bytes in docs/operations.md).
 *
 * A plugin in a loop, or a tagger fed a crafted article, must not make one
 * article cost unbounded time and memory: in the tagger, in every plugin
 * after it that walks the tags, and in the archive that stores them.
 */
#ifndef NEWSD_ARTICLE_LIMITS_H
#define NEWSD_ARTICLE_LIMITS_H

struct article_limits {
    unsigned max_tags;          /* distinct tags per article */
    unsigned max_score_rules;   /* score rules per article */
    unsigned max_meta;          /* meta keys per article */
    unsigned max_name_bytes;    /* a tag name, rule name or meta key */
};

#define ARTICLE_LIMITS_DEFAULT ((struct article_limits){1000, 1000, 1000, 256})

/* The largest count a config may set: positions must fit the name index. */
#define ARTICLE_LIMITS_MAX_COUNT 1000000u
#define ARTICLE_LIMITS_MAX_NAME 65536u

#endif
