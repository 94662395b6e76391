/* What sink_kafka and input_kafka share of librdkafka: setting properties
 * with errors that name the INI key, the operator's kafka.* keys, and
 * librdkafka's log in newsd's. */
#ifndef NEWSD_PLUGINS_KAFKA_CONF_H
#define NEWSD_PLUGINS_KAFKA_CONF_H

#include <newsd/plugin.h>

#include <librdkafka/rdkafka.h>

/* Set property name; a refusal is a configuration error about key (NULL:
 * the section).  Returns NEWSD_OK or NEWSD_ERROR. */
int kafka_conf_set(const newsd_config *conf, rd_kafka_conf_t *kc, const char *key, const char *name,
                   const char *value);

/* Every kafka.NAME = VALUE of the section as property NAME.  Call it
 * before the plugin's own properties, so that those cannot be configured
 * away. */
int kafka_conf_passthrough(const newsd_config *conf, rd_kafka_conf_t *kc);

/* For rd_kafka_conf_set_log_cb: warnings and errors into newsd's log. */
void kafka_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf);

/* A topic name Kafka accepts: 1-249 of [a-zA-Z0-9._-]. */
int kafka_topic_ok(const char *topic);

#endif
