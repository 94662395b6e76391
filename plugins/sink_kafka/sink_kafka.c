/*
 * sink_kafka: publish each record to a Kafka topic (a sink, ABI 1.3), with
 * librdkafka's idempotent producer.
 *
 *   brokers    = kafka1:9092,kafka2:9092
 *   topic      = newsd-records
 *   timeout_ms = 10000                 ; message.timeout.ms: the longest a record may take
 *   kafka.NAME = VALUE                 ; any other librdkafka property (security.protocol, ...)
 *
 * The message key is the article id, the value the record's JSON.  With
 * enable.idempotence the producer's own retries write a record once per
 * partition; a redelivery by newsd after a crash (at least once) is a new
 * message with the same key, which a compacted topic or the consumer drops.
 * A record counts as delivered when its delivery report says the brokers
 * have it (acks=all); a report with an error, or none within timeout_ms,
 * fails it and newsd offers it again with back-off.
 *
 * deliver() runs on the sink's own thread, one call at a time; it waits
 * for the report of every record of the batch before it returns, so no
 * report ever names a record newsd has forgotten.  A fatal error of the
 * idempotent producer (the brokers lost its state) makes the next batch
 * start with a new producer.
 */
#include <newsd/plugin.h>

#include <librdkafka/rdkafka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../stream_common/kafka_conf.h"

struct sink_kafka {
    char *brokers;
    char *topic;
    int64_t timeout_ms;
    rd_kafka_conf_t *conf;   /* the template each producer is made from */
    rd_kafka_t *rk;
    size_t outstanding;      /* records of this batch without a report */
};

static const struct newsd_config_key keys[] = {
    {"brokers", "the Kafka bootstrap servers, HOST:PORT, comma-separated"},
    {"topic", "the topic each record is published to"},
    {"timeout_ms", "the longest one record may take, retries included (default 10000)"},
    {"kafka.", "kafka.NAME = VALUE sets a librdkafka property"},
    {NULL, NULL},
};

static void sk_fini(void *state)
{
    struct sink_kafka *s = state;
    if (!s)
        return;
    /* deliver() left no record without its report, so nothing is lost here. */
    if (s->rk)
        rd_kafka_destroy(s->rk);
    if (s->conf)
        rd_kafka_conf_destroy(s->conf);
    free(s->brokers);
    free(s->topic);
    free(s);
}

/* The delivery report of one message: its opaque is the record. */
static void on_report(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    struct sink_kafka *s = opaque;
    newsd_delivery *d = m->_private;
    if (m->err)
        newsd_delivery_fail(d, "produce to %s on %s: %s", s->topic, s->brokers, rd_kafka_err2str(m->err));
    s->outstanding--;
}

static int sk_init(const newsd_config *conf, void **state)
{
    const char *brokers = newsd_config_get(conf, "brokers");
    const char *topic = newsd_config_get(conf, "topic");
    if (!brokers || !*brokers)
        return newsd_config_error(conf, "brokers", "missing: the bootstrap servers, e.g. 127.0.0.1:9092");
    if (!kafka_topic_ok(topic))
        return newsd_config_error(conf, "topic", "%s", topic ? "a Kafka topic is 1-249 of [a-zA-Z0-9._-]"
                                                             : "missing: the topic to publish to");
    struct sink_kafka *s = calloc(1, sizeof *s);
    if (!s)
        return NEWSD_ERROR;
    if (newsd_config_get_int(conf, "timeout_ms", 10000, 100, 3600000, &s->timeout_ms) != NEWSD_OK)
        goto fail;
    s->brokers = strdup(brokers);
    s->topic = strdup(topic);
    s->conf = rd_kafka_conf_new();
    if (!s->brokers || !s->topic || !s->conf)
        goto fail;
    char tmo[32];
    snprintf(tmo, sizeof tmo, "%lld", (long long)s->timeout_ms);
    /* The operator's kafka.* first, so that what makes the sink's promise
     * (idempotence, acks, the report) cannot be configured away. */
    if (kafka_conf_passthrough(conf, s->conf) != NEWSD_OK)
        goto fail;
    if (kafka_conf_set(conf, s->conf, "brokers", "bootstrap.servers", s->brokers) != NEWSD_OK ||
        kafka_conf_set(conf, s->conf, "timeout_ms", "message.timeout.ms", tmo) != NEWSD_OK ||
        kafka_conf_set(conf, s->conf, NULL, "enable.idempotence", "true") != NEWSD_OK ||
        kafka_conf_set(conf, s->conf, NULL, "acks", "all") != NEWSD_OK ||
        kafka_conf_set(conf, s->conf, NULL, "client.id", "newsd-sink_kafka") != NEWSD_OK)
        goto fail;
    rd_kafka_conf_set_dr_msg_cb(s->conf, on_report);
    rd_kafka_conf_set_log_cb(s->conf, kafka_log);
    rd_kafka_conf_set_opaque(s->conf, s);
    *state = s;
    return NEWSD_OK;
fail:
    sk_fini(s);
    return NEWSD_ERROR;
}

/* The producer, made at the first batch (and again after a fatal error),
 * not in init(): a check of the configuration connects to nothing. */
static int producer(struct sink_kafka *s, char *why, size_t why_size)
{
    if (s->rk) {
        char fatal[256];
        rd_kafka_resp_err_t err = rd_kafka_fatal_error(s->rk, fatal, sizeof fatal);
        if (!err)
            return NEWSD_OK;
        newsd_log(NEWSD_LOG_WARNING, "%s: the idempotent producer failed for good (%s); starting a new one",
                  s->brokers, fatal);
        rd_kafka_destroy(s->rk);
        s->rk = NULL;
    }
    rd_kafka_conf_t *c = rd_kafka_conf_dup(s->conf);
    if (!c) {
        snprintf(why, why_size, "out of memory");
        return NEWSD_ERROR;
    }
    s->rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, why, why_size);
    if (!s->rk) {
        rd_kafka_conf_destroy(c);
        return NEWSD_ERROR;
    }
    return NEWSD_OK;
}

static int sk_deliver(void *state, newsd_delivery *const *batch, size_t n)
{
    struct sink_kafka *s = state;
    char why[512];
    if (producer(s, why, sizeof why) != NEWSD_OK) {
        for (size_t i = 0; i < n; i++)
            newsd_delivery_fail(batch[i], "no Kafka producer for %s: %s", s->brokers, why);
        return NEWSD_OK;
    }
    s->outstanding = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *json = newsd_delivery_json(batch[i], &len);
        const char *id = newsd_delivery_id(batch[i]);
        rd_kafka_resp_err_t err;
        for (;;) {
            err = rd_kafka_producev(s->rk, RD_KAFKA_V_TOPIC(s->topic), RD_KAFKA_V_KEY(id, strlen(id)),
                                    RD_KAFKA_V_VALUE((void *)json, len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                    RD_KAFKA_V_HEADER("Content-Type", "application/json", -1),
                                    RD_KAFKA_V_OPAQUE(batch[i]), RD_KAFKA_V_END);
            if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
                break;
            rd_kafka_poll(s->rk, 100);   /* reports free room in the queue */
        }
        if (err)
            newsd_delivery_fail(batch[i], "produce to %s on %s: %s", s->topic, s->brokers, rd_kafka_err2str(err));
        else
            s->outstanding++;
    }
    /* message.timeout.ms bounds every record's report, so this ends. */
    while (s->outstanding)
        rd_kafka_flush(s->rk, 1000);
    return NEWSD_OK;
}

NEWSD_PLUGIN(
    .name = "sink_kafka",
    .description = "publish records to Kafka with an idempotent producer (key: the article id)",
    .init = sk_init,
    .fini = sk_fini,
    .config_keys = keys,
    .deliver = sk_deliver,
);
