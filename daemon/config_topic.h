/* [topic.NAME] sections: keyword-rule topics.  The section is shorthand
 * for a keyword_tagger instance named "topic.NAME" that tags topic:NAME
 * with the sum of the weights of the words found:
 *
 *   [topic.ai-chips]                    [plugin.topic.ai-chips] (as if)
 *   words = KI-Chip 2, Halbleiter   =   so = keyword_tagger.so
 *                                       tag = topic:ai-chips
 *                                       weights = true
 *                                       words = KI-Chip 2, Halbleiter
 *
 * so one implementation serves both.  The section may set every other key
 * of keyword_tagger (and weights = false); so, lua, tag and prefix are
 * what makes it a topic, so they are refused. */
#ifndef NEWSD_CONFIG_TOPIC_H
#define NEWSD_CONFIG_TOPIC_H

#include <stddef.h>

#define CONFIG_TOPIC_IMPLIED_COUNT 3

/* The keys a topic section has before its own: "so", "tag", "weights". */
extern const char *const config_topic_implied_keys[CONFIG_TOPIC_IMPLIED_COUNT];
/* The value of implied key i for topic (malloc'd). */
char *config_topic_implied(const char *topic, size_t i);
/* Why key may not be set in [topic.TOPIC] (malloc'd), or NULL when it may. */
char *config_topic_key_refused(const char *topic, const char *key);

#endif
