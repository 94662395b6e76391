/* See kafka_conf.h. */
#include "kafka_conf.h"

#include <string.h>

int kafka_conf_set(const newsd_config *conf, rd_kafka_conf_t *kc, const char *key, const char *name,
                   const char *value)
{
    char err[512];
    if (rd_kafka_conf_set(kc, name, value, err, sizeof err) != RD_KAFKA_CONF_OK)
        return newsd_config_error(conf, key, "%s", err);
    return NEWSD_OK;
}

int kafka_conf_passthrough(const newsd_config *conf, rd_kafka_conf_t *kc)
{
    for (size_t i = 0, n = newsd_config_count(conf); i < n; i++) {
        const char *k, *v;
        if (newsd_config_at(conf, i, &k, &v) != NEWSD_OK || strncmp(k, "kafka.", 6) != 0)
            continue;
        if (kafka_conf_set(conf, kc, k, k + 6, v) != NEWSD_OK)
            return NEWSD_ERROR;
    }
    return NEWSD_OK;
}

void kafka_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    (void)rk;
    /* librdkafka's syslog levels: 0-3 errors, 4 warnings, the rest chatter. */
    if (level <= 4)
        newsd_log(level <= 3 ? NEWSD_LOG_ERROR : NEWSD_LOG_WARNING, "librdkafka %s: %s", fac, buf);
}

int kafka_topic_ok(const char *topic)
{
    size_t n = topic ? strlen(topic) : 0;
    return n > 0 && n <= 249 &&
           strspn(topic, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}
