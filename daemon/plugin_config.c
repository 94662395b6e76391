/* The newsd_config_* functions of the plugin ABI: a plugin's view of its section. */
#include "plugin_config.h"
#include "log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

const char *newsd_config_name(const newsd_config *conf)
{
    return conf->section->name;
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
    if (errno || end == v || *end || d != d) {
        log_error("[plugin.%s] %s = %s: expected a number", conf->section->name, key, v);
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
        log_error("[plugin.%s] %s = %s: expected true or false", conf->section->name, key, v);
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
