/*
 * input_kafka: take articles from a Kafka topic (an input, ABI 1.3) as a
 * member of a consumer group, with librdkafka.
 *
 *   brokers    = kafka1:9092,kafka2:9092
 *   topic      = articles
 *   group      = newsd          ; instances with the same group share the partitions
 *   batch      = 64             ; messages put before their offsets are committed
 *   kafka.NAME = VALUE          ; any other librdkafka property
 *
 * Each message value is an article file's bytes.  It becomes the inbox
 * file "TOPIC-pPARTITION-oOFFSET.txt" (or "...-NAME" with a "Newsd-Name"
 * header), so a bad message's reason in failed/ names topic, partition and
 * offset.  Offsets are stored only for messages newsd_input_put() made
 * durable, and committed (synchronously) after each batch, before the next
 * poll: a rebalance, which librdkafka runs inside the poll, therefore finds
 * nothing uncommitted, and a crash repeats at most one batch (duplicates
 * by id).  A message that cannot be put (a full disk) ends the batch; the
 * consumer is closed and made again after a back-off, so it resumes at the
 * committed offset and nothing after the failed message is skipped.
 */
#include <newsd/plugin.h>

#include <librdkafka/rdkafka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../stream_common/inbox_name.h"
#include "../stream_common/kafka_conf.h"

#define POLL_MS 200
#define BACKOFF_MAX_MS 10000

struct input_kafka {
    char *brokers, *topic, *group;
    int64_t batch;
    rd_kafka_conf_t *conf;   /* the template each consumer is made from */
};

static const struct newsd_config_key keys[] = {
    {"brokers", "the Kafka bootstrap servers, HOST:PORT, comma-separated"},
    {"topic", "the topic to consume"},
    {"group", "the consumer group: instances with the same group share the partitions"},
    {"batch", "messages put before their offsets are committed (default 64)"},
    {"kafka.", "kafka.NAME = VALUE sets a librdkafka property"},
    {NULL, NULL},
};

static void ik_fini(void *state)
{
    struct input_kafka *s = state;
    if (!s)
        return;
    if (s->conf)
        rd_kafka_conf_destroy(s->conf);
    free(s->brokers);
    free(s->topic);
    free(s->group);
    free(s);
}

static int ik_init(const newsd_config *conf, void **state)
{
    const char *brokers = newsd_config_get(conf, "brokers"), *topic = newsd_config_get(conf, "topic");
    const char *group = newsd_config_get(conf, "group");
    if (!brokers || !*brokers)
        return newsd_config_error(conf, "brokers", "missing: the bootstrap servers, e.g. 127.0.0.1:9092");
    if (!kafka_topic_ok(topic))
        return newsd_config_error(conf, "topic", "%s", topic ? "a Kafka topic is 1-249 of [a-zA-Z0-9._-]"
                                                             : "missing: the topic to consume");
    if (!group || !*group)
        return newsd_config_error(conf, "group", "missing: the consumer group, e.g. newsd");
    struct input_kafka *s = calloc(1, sizeof *s);
    if (!s)
        return NEWSD_ERROR;
    if (newsd_config_get_int(conf, "batch", 64, 1, 100000, &s->batch) != NEWSD_OK)
        goto fail;
    s->brokers = strdup(brokers);
    s->topic = strdup(topic);
    s->group = strdup(group);
    s->conf = rd_kafka_conf_new();
    if (!s->brokers || !s->topic || !s->group || !s->conf)
        goto fail;
    if (kafka_conf_passthrough(conf, s->conf) != NEWSD_OK)
        goto fail;
    /* After kafka.*: what keeps the promise (no offset before the inbox
     * has the message) cannot be configured away. */
    if (kafka_conf_set(conf, s->conf, "brokers", "bootstrap.servers", s->brokers) != NEWSD_OK ||
        kafka_conf_set(conf, s->conf, "group", "group.id", s->group) != NEWSD_OK ||
        kafka_conf_set(conf, s->conf, NULL, "enable.auto.commit", "false") != NEWSD_OK ||
        kafka_conf_set(conf, s->conf, NULL, "enable.auto.offset.store", "false") != NEWSD_OK ||
        kafka_conf_set(conf, s->conf, NULL, "client.id", "newsd-input_kafka") != NEWSD_OK)
        goto fail;
    /* A new group starts at the beginning unless the operator says otherwise. */
    if (!newsd_config_get(conf, "kafka.auto.offset.reset") &&
        kafka_conf_set(conf, s->conf, NULL, "auto.offset.reset", "earliest") != NEWSD_OK)
        goto fail;
    rd_kafka_conf_set_log_cb(s->conf, kafka_log);
    *state = s;
    return NEWSD_OK;
fail:
    ik_fini(s);
    return NEWSD_ERROR;
}

static bool pause_ms(newsd_input *in, int64_t ms)
{
    for (int64_t slept = 0; slept < ms; slept += 50) {
        if (newsd_input_wait(in, 0) == NEWSD_INPUT_STOP)
            return false;
        struct timespec t = {0, 50 * 1000000L};
        nanosleep(&t, NULL);
    }
    return newsd_input_wait(in, 0) != NEWSD_INPUT_STOP;
}

static rd_kafka_t *consumer(struct input_kafka *s)
{
    char err[512];
    rd_kafka_conf_t *c = rd_kafka_conf_dup(s->conf);
    rd_kafka_t *rk = c ? rd_kafka_new(RD_KAFKA_CONSUMER, c, err, sizeof err) : NULL;
    if (!rk) {
        newsd_log(NEWSD_LOG_ERROR, "%s: no Kafka consumer: %s", s->brokers, c ? err : "out of memory");
        if (c)
            rd_kafka_conf_destroy(c);
        return NULL;
    }
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *t = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(t, s->topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t e = rd_kafka_subscribe(rk, t);
    rd_kafka_topic_partition_list_destroy(t);
    if (e) {
        newsd_log(NEWSD_LOG_ERROR, "%s: subscribe to %s: %s", s->brokers, s->topic, rd_kafka_err2str(e));
        rd_kafka_destroy(rk);
        return NULL;
    }
    return rk;
}

/* Messages of the assigned partitions not yet consumed, from the cached
 * high watermarks. */
static int64_t lag(rd_kafka_t *rk)
{
    rd_kafka_topic_partition_list_t *a = NULL;
    int64_t sum = 0;
    if (rd_kafka_assignment(rk, &a) || !a)
        return 0;
    if (!rd_kafka_position(rk, a))
        for (int i = 0; i < a->cnt; i++) {
            int64_t lo, hi;
            if (a->elems[i].offset >= 0 &&
                !rd_kafka_get_watermark_offsets(rk, a->elems[i].topic, a->elems[i].partition, &lo, &hi) &&
                hi > a->elems[i].offset)
                sum += hi - a->elems[i].offset;
        }
    rd_kafka_topic_partition_list_destroy(a);
    return sum;
}

/* Put one message; store its offset once that is durable. */
static int take(struct input_kafka *s, newsd_input *in, rd_kafka_message_t *m)
{
    char name[320];
    const void *given = NULL;
    size_t glen = 0;
    rd_kafka_headers_t *h = NULL;
    if (rd_kafka_message_headers(m, &h) || rd_kafka_header_get_last(h, "Newsd-Name", &given, &glen)) {
        given = NULL;
        glen = 0;
    }
    inbox_name_kafka(name, sizeof name, s->topic, m->partition, m->offset, given, glen);
    if (newsd_input_put(in, name, m->payload ? m->payload : "", m->len) != NEWSD_OK)
        return NEWSD_ERROR;
    /* offset_store() itself stores offset + 1, the next message to read. */
    rd_kafka_resp_err_t e = rd_kafka_offset_store(m->rkt, m->partition, m->offset);
    if (e)
        newsd_log(NEWSD_LOG_WARNING, "%s: offset of %s not stored (%s): it comes again, as a duplicate",
                  s->brokers, name, rd_kafka_err2str(e));
    return NEWSD_OK;
}

static int ik_run(void *state, newsd_input *in)
{
    struct input_kafka *s = state;
    rd_kafka_t *rk = NULL;
    int64_t backoff = 100, errors = 0;
    for (;;) {
        int go = newsd_input_wait(in, 1000);
        if (go == NEWSD_INPUT_STOP)
            break;
        if (go == NEWSD_INPUT_FULL) {
            if (rk)
                rd_kafka_poll(rk, 0);   /* serve the group's heartbeats and callbacks */
            continue;
        }
        if (!rk && !(rk = consumer(s))) {
            newsd_input_gauge(in, "errors", ++errors);
            if (!pause_ms(in, backoff))
                break;
            backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
            continue;
        }
        int64_t taken = 0;
        bool put_failed = false;
        while (taken < s->batch) {
            rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, taken ? 0 : POLL_MS);
            if (!m)
                break;
            if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                rd_kafka_message_destroy(m);
                continue;
            }
            if (m->err) {
                newsd_log(NEWSD_LOG_WARNING, "%s: consume %s: %s", s->brokers, s->topic, rd_kafka_message_errstr(m));
                newsd_input_gauge(in, "errors", ++errors);
                rd_kafka_message_destroy(m);
                break;
            }
            newsd_input_gauge(in, "in_flight", 1);
            int rc = take(s, in, m);
            rd_kafka_message_destroy(m);
            if (rc != NEWSD_OK) {
                put_failed = true;
                break;
            }
            taken++;
            if (newsd_input_wait(in, 0) != NEWSD_INPUT_FETCH)
                break;
        }
        newsd_input_gauge(in, "in_flight", 0);
        if (taken) {
            rd_kafka_resp_err_t e = rd_kafka_commit(rk, NULL, 0);
            if (e && e != RD_KAFKA_RESP_ERR__NO_OFFSET) {
                newsd_log(NEWSD_LOG_WARNING, "%s: commit to group %s: %s (the batch comes again, as duplicates)",
                          s->brokers, s->group, rd_kafka_err2str(e));
                newsd_input_gauge(in, "errors", ++errors);
            }
            backoff = 100;
        }
        newsd_input_gauge(in, "lag", lag(rk));
        if (put_failed) {
            /* Start again at the committed offset: nothing after the
             * message that could not be put is skipped. */
            newsd_input_gauge(in, "errors", ++errors);
            rd_kafka_consumer_close(rk);
            rd_kafka_destroy(rk);
            rk = NULL;
            if (!pause_ms(in, BACKOFF_MAX_MS))
                break;
        }
    }
    if (rk) {
        rd_kafka_commit(rk, NULL, 0);
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
    }
    return NEWSD_OK;
}

NEWSD_PLUGIN(
    .name = "input_kafka",
    .description = "take articles from a Kafka consumer group (offsets committed after the inbox)",
    .init = ik_init,
    .fini = ik_fini,
    .config_keys = keys,
    .run = ik_run,
);
