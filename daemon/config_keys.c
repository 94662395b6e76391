/* Key checks of configuration sections, with the nearest valid key. */
#include "config_keys.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keys are short; a longer one is compared by its first bytes. */
#define KEY_CMP_MAX 64

const struct newsd_config_key config_plugin_core_keys[] = {
    {"so", "the C plugin to load (FILE.so)"},
    {"lua", "the Lua plugin to load (FILE.lua)"},
    {"required", "true: an article this plugin fails on goes to failed/"},
    {"max_ms", "time budget of one call, in milliseconds"},
    {NULL, NULL},
};

const struct newsd_config_key config_lua_limit_keys[] = {
    {"max_instructions", "instruction budget of one call"},
    {"max_memory", "memory cap of each of the plugin's Lua states"},
    {NULL, NULL},
};

size_t config_key_distance(const char *a, const char *b)
{
    size_t n = strnlen(a, KEY_CMP_MAX), m = strnlen(b, KEY_CMP_MAX);
    /* Three rows of the optimal-string-alignment table suffice. */
    size_t rows[3][KEY_CMP_MAX + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t d = prev[j - 1] + cost;
            if (prev[j] + 1 < d)
                d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < d)
                d = prev2[j - 2] + 1;
            cur[j] = d;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

/* The length of a family's prefix with its dot ("rule." of "rule." and of
 * "rule.*"), or 0 when name is a single key. */
static size_t family_prefix(const char *name)
{
    size_t len = strlen(name);
    if (len && name[len - 1] == '*')
        len--;
    else if (!len || name[len - 1] != '.')
        return 0;
    return len;
}

bool config_key_matches(const char *name, const char *key)
{
    size_t p = family_prefix(name);
    if (!p)
        return strcmp(name, key) == 0;
    return strncmp(name, key, p) == 0 && key[p] != '\0';
}

void config_key_suggestion_init(struct key_suggestion *s)
{
    s->distance = SIZE_MAX;
    s->text[0] = '\0';
}

void config_key_offer(struct key_suggestion *s, const char *key, const char *name)
{
    size_t p = family_prefix(name);
    size_t d;
    char text[sizeof s->text];

    if (!p) {
        d = config_key_distance(key, name);
        snprintf(text, sizeof text, "%s", name);
    } else {
        /* "rul.B" is compared head to head ("rul." with "rule.") and the
         * member's own name kept: the suggestion is "rule.B". */
        const char *dot = strchr(key, name[p - 1]);
        if (dot && dot[1]) {
            size_t head = (size_t)(dot - key) + 1;
            char h[KEY_CMP_MAX + 1];
            snprintf(h, sizeof h, "%.*s", (int)(head < KEY_CMP_MAX ? head : KEY_CMP_MAX), key);
            char pre[KEY_CMP_MAX + 1];
            snprintf(pre, sizeof pre, "%.*s", (int)(p < KEY_CMP_MAX ? p : KEY_CMP_MAX), name);
            d = config_key_distance(h, pre);
            snprintf(text, sizeof text, "%.*s%s", (int)p, name, dot + 1);
        } else {
            /* "rule" alone: the family without its member's name. */
            char pre[KEY_CMP_MAX + 1];
            snprintf(pre, sizeof pre, "%.*s", (int)(p - 1 < KEY_CMP_MAX ? p - 1 : KEY_CMP_MAX), name);
            d = config_key_distance(key, pre) + 1;
            snprintf(text, sizeof text, "%.*sNAME", (int)p, name);
        }
    }
    if (d < s->distance) {
        s->distance = d;
        memcpy(s->text, text, sizeof text);
    }
}

const char *config_key_suggested(const struct key_suggestion *s, const char *key)
{
    /* A third of the key, rounded up: "tga" may be "tag", "x" is not "so";
     * and never more than 4 edits, however long the key. */
    size_t third = (strlen(key) + 2) / 3;
    if (s->distance == SIZE_MAX || s->distance == 0 || s->distance > 4 || s->distance > third)
        return NULL;
    return s->text;
}

static bool declared(const struct newsd_config_key *const *tables, size_t n, const char *key)
{
    for (size_t t = 0; t < n; t++)
        for (const struct newsd_config_key *k = tables[t]; k && k->name; k++)
            if (config_key_matches(k->name, key))
                return true;
    return false;
}

int config_keys_check(const struct plugin_section *s, const struct newsd_config_key *const *tables, size_t n,
                      char **err)
{
    char *msg = NULL;
    for (size_t i = 0; i < s->n_kv; i++) {
        const struct config_kv *kv = &s->kv[i];
        if (declared(tables, n, kv->key))
            continue;
        struct key_suggestion sug;
        config_key_suggestion_init(&sug);
        for (size_t t = 0; t < n; t++)
            for (const struct newsd_config_key *k = tables[t]; k && k->name; k++)
                config_key_offer(&sug, kv->key, k->name);
        const char *near = config_key_suggested(&sug, kv->key);
        char *one = xasprintf("%s:%u: [%s%s] unknown key '%s'%s%s%s", kv->file ? kv->file : "?", kv->line,
                              CONFIG_SECTION_KIND(s), s->name, kv->key, near ? " (did you mean '" : "", near ? near : "",
                              near ? "'?)" : "");
        if (msg) {
            char *joined = xasprintf("%s; %s", msg, one);
            free(msg);
            free(one);
            msg = joined;
        } else {
            msg = one;
        }
    }
    if (!msg)
        return 0;
    *err = msg;
    return -1;
}
