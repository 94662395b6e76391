/* The newsd_config_* functions of the plugin ABI: a plugin's view of its section. */
#include "plugin_config.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

const char *newsd_config_name(const newsd_config *conf)
{
    return conf->section->name;
}

/* "FILE:LINE: " of key in its section, for the errors below: the key's
 * own file, a conf.d drop-in included.  "" when unknown. */
static const char *where(const newsd_config *conf, const char *key, char *buf, size_t size)
{
    return config_kv_where(config_section_find(conf->section, key), buf, size);
}

const char *newsd_config_get(const newsd_config *conf, const char *key)
{
    const struct config_kv *kv = config_section_find(conf->section, key);
    return kv ? kv->value : NULL;
}

const char *newsd_config_state_dir(const newsd_config *conf)
{
    return conf->state_dir;
}

int newsd_config_run_mode(const newsd_config *conf)
{
    return conf->run_mode;
}

int newsd_config_get_double(const newsd_config *conf, const char *key, double def, double *out)
{
    const char *v = newsd_config_get(conf, key);
    char *end;
    if (!v) {
        *out = def;
        return NEWSD_OK;
    }
    errno = 0;
    double d = strtod(v, &end);
    /* "inf" and "nan" parse, but a plugin's arithmetic on them would
     * reach an article as a weight or points that newsd refuses. */
    if (errno || end == v || *end || !isfinite(d)) {
        char at[PATH_MAX + 32];
        log_error("%s[%s%s] %s = %s: expected a number", where(conf, key, at, sizeof at),
                  CONFIG_SECTION_KIND(conf->section), conf->section->name, key, v);
        return NEWSD_ERROR;
    }
    *out = d;
    return NEWSD_OK;
}

int newsd_config_get_bool(const newsd_config *conf, const char *key, int def, int *out)
{
    const char *v = newsd_config_get(conf, key);
    bool b;
    if (!v) {
        *out = def;
        return NEWSD_OK;
    }
    if (config_parse_bool(v, &b) < 0) {
        char at[PATH_MAX + 32];
        log_error("%s[%s%s] %s = %s: expected true or false", where(conf, key, at, sizeof at),
                  CONFIG_SECTION_KIND(conf->section), conf->section->name, key, v);
        return NEWSD_ERROR;
    }
    *out = b;
    return NEWSD_OK;
}

size_t newsd_config_count(const newsd_config *conf)
{
    return conf->section->n_kv;
}

int newsd_config_at(const newsd_config *conf, size_t i, const char **key, const char **value)
{
    if (i >= conf->section->n_kv)
        return NEWSD_ERROR;
    *key = conf->section->kv[i].key;
    *value = conf->section->kv[i].value;
    return NEWSD_OK;
}

char *newsd_config_path(const newsd_config *conf, const char *key)
{
    const struct config_kv *kv = config_section_find(conf->section, key);
    return kv ? config_resolve_path(kv->origin_dir, kv->value) : NULL;
}

/* "from 1 to 10", "at least 1", "at most 10", or "" for the whole int64_t
 * range: the expected part of an error message. */
static void describe_range(int64_t min, int64_t max, char *out, size_t size)
{
    if (min == INT64_MIN && max == INT64_MAX)
        snprintf(out, size, "%s", "");
    else if (max == INT64_MAX)
        snprintf(out, size, " of at least %" PRId64, min);
    else if (min == INT64_MIN)
        snprintf(out, size, " of at most %" PRId64, max);
    else
        snprintf(out, size, " from %" PRId64 " to %" PRId64, min, max);
}

/* A whole decimal number and nothing else: no blanks, no '+', no "0x". */
static int parse_int64(const char *s, int64_t *out)
{
    const char *digits = s[0] == '-' ? s + 1 : s;
    if (*digits < '0' || *digits > '9')
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

int newsd_config_get_int(const newsd_config *conf, const char *key, int64_t def, int64_t min,
                         int64_t max, int64_t *out)
{
    const char *name = conf->section->name;
    if (min > max) {
        /* The plugin's own mistake, but its init() must still fail. */
        log_error("[%s%s] %s: the plugin asks for a number from %" PRId64 " to %" PRId64
                  ", an empty range", CONFIG_SECTION_KIND(conf->section), name, key, min, max);
        return NEWSD_ERROR;
    }
    const char *v = newsd_config_get(conf, key);
    if (!v) {
        *out = def;
        return NEWSD_OK;
    }
    int64_t n;
    if (parse_int64(v, &n) < 0 || n < min || n > max) {
        char range[64];
        describe_range(min, max, range, sizeof range);
        char at[PATH_MAX + 32];
        log_error("%s[%s%s] %s = %s: expected a whole number%s", where(conf, key, at, sizeof at),
                  CONFIG_SECTION_KIND(conf->section), name, key,
                  v, range);
        return NEWSD_ERROR;
    }
    *out = n;
    return NEWSD_OK;
}

/* A size as a person writes it: "16G" rather than 17179869184 when it is a
 * whole number of one of the units. */
static void format_size(uint64_t bytes, char *out, size_t size)
{
    static const char units[] = "TGMk";
    for (int i = 0; units[i]; i++) {
        unsigned shift = 10u * (unsigned)(4 - i);
        if (bytes && bytes % (UINT64_C(1) << shift) == 0) {
            snprintf(out, size, "%" PRIu64 "%c", bytes >> shift, units[i]);
            return;
        }
    }
    snprintf(out, size, "%" PRIu64, bytes);
}

int newsd_config_get_size(const newsd_config *conf, const char *key, uint64_t def, uint64_t max,
                          uint64_t *out)
{
    const char *v = newsd_config_get(conf, key);
    if (!v) {
        *out = def;
        return NEWSD_OK;
    }
    /* The daemon's own parser, so max_article_bytes, a Lua plugin's
     * max_memory and a plugin's sizes read alike. */
    uint64_t n;
    if (config_parse_size(v, &n) < 0 || n > max) {
        char limit[48] = "";
        if (max != UINT64_MAX) {
            char m[32];
            format_size(max, m, sizeof m);
            snprintf(limit, sizeof limit, " of at most %s", m);
        }
        char at[PATH_MAX + 32];
        log_error("%s[%s%s] %s = %s: expected a size in bytes%s (a whole number, optionally "
                  "followed by k, M, G or T)", where(conf, key, at, sizeof at), CONFIG_SECTION_KIND(conf->section),
                  conf->section->name, key, v, limit);
        return NEWSD_ERROR;
    }
    *out = n;
    return NEWSD_OK;
}

char *newsd_config_state_path(const newsd_config *conf, const char *key, const char *def)
{
    const char *v = newsd_config_get(conf, key);
    /* An empty value cannot name a file or folder; like an absent one it
     * means "the default", which is what `dir =` meant to the archives. */
    if (!v || !*v)
        v = def;
    if (!v)
        return NULL;
    if (v[0] == '/')
        return xstrdup(v);
    /* Joined as written, without taking "../" off against the state
     * directory: it may be a symbolic link, where that would name another
     * folder. */
    return xasprintf("%s/%s", conf->state_dir, v);
}

int newsd_config_error(const newsd_config *conf, const char *key, const char *fmt, ...)
{
    const struct config_kv *kv = key ? config_section_find(conf->section, key) : NULL;
    char at[PATH_MAX + 32] = "";
    if (kv)
        config_kv_where(kv, at, sizeof at);
    else if (conf->section->file)
        snprintf(at, sizeof at, "%s:%u: ", conf->section->file, conf->section->line);
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    log_error("%s[%s%s]%s%s: %s", at, CONFIG_SECTION_KIND(conf->section), conf->section->name, key ? " " : "", key ? key : "",
              msg ? msg : fmt);
    free(msg);
    return NEWSD_ERROR;
}
