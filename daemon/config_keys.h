/*
 * Which keys a configuration section may hold, and the nearest valid key
 * to one that is not: "unknown key 'requird' (did you mean 'required'?)".
 *
 * A declared name ending in '.' or '*' is a family ("rule." accepts
 * rule.AI_CHIPS); see struct newsd_config_key in plugin.h.
 */
#ifndef NEWSD_CONFIG_KEYS_H
#define NEWSD_CONFIG_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include <newsd/plugin.h>

#include "config.h"

/* The keys newsd reads from every [plugin.NAME] section itself: so, lua,
 * required, max_ms.  A Lua plugin's limits are lua_host.h's. */
extern const struct newsd_config_key config_plugin_core_keys[];
/* ... and of Lua plugins only: max_instructions, max_memory. */
extern const struct newsd_config_key config_lua_limit_keys[];

/* Edit distance of a and b: insertions, deletions, substitutions and
 * swaps of two neighbours ("paht" → "path") cost one each. */
size_t config_key_distance(const char *a, const char *b);

/* True when key is name, or name is a family and key one of it. */
bool config_key_matches(const char *name, const char *key);

/* The nearest of the names offered to a mistyped key. */
struct key_suggestion {
    size_t distance;     /* SIZE_MAX: none offered yet */
    char text[128];      /* the suggestion: a name, or a family's member ("rule.B") */
};

void config_key_suggestion_init(struct key_suggestion *s);
void config_key_offer(struct key_suggestion *s, const char *key, const char *name);
/* The suggestion when it is close enough to be what the writer meant (at
 * most a third of the key's length in edits, rounded up, and at most 4),
 * else NULL. */
const char *config_key_suggested(const struct key_suggestion *s, const char *key);

/* Every key of s must be in one of the n tables (each ended by a NULL
 * name).  Returns 0, or -1 with *err (malloc'd) naming each unknown key as
 * "FILE:LINE: [plugin.NAME] unknown key 'K' (did you mean 'X'?)", joined
 * by "; ". */
int config_keys_check(const struct plugin_section *s, const struct newsd_config_key *const *tables, size_t n,
                      char **err);

#endif
