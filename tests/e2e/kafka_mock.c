/*
 * kafka_mock TOPIC PARTITIONS: a librdkafka mock cluster of three brokers
 * for tests_stream.py (there is no Kafka broker in Debian).  It creates
 * TOPIC, prints "bootstrap HOST:PORT,..." and then every message of TOPIC
 * as one JSON object a line ({"partition", "offset", "key", "value"}),
 * consumed from the start.  Commands on stdin, one a line:
 *   down ID / up ID     take broker ID (1-3) down or bring it back
 *   errors N            fail the next N Produce requests (retriable)
 *   produce FILE        produce FILE's bytes to TOPIC (header Newsd-Name:
 *                       its base name), flushed; prints {"produced": FILE}
 *   committed GROUP     print {"uncommitted": N}: messages of TOPIC past
 *                       GROUP's committed offsets (what an input left undone)
 * It ends at the end of stdin.
 */
#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PRODUCE_API_KEY 0

static int die(const char *what, const char *why)
{
    fprintf(stderr, "kafka_mock: %s: %s\n", what, why);
    return 2;
}

struct mock {
    rd_kafka_mock_cluster_t *mc;
    const char *topic, *boot;
    int partitions;
    rd_kafka_t *producer;
};

static void produce(struct mock *k, const char *path)
{
    char err[512];
    if (!k->producer) {
        rd_kafka_conf_t *pc = rd_kafka_conf_new();
        rd_kafka_conf_set(pc, "bootstrap.servers", k->boot, err, sizeof err);
        k->producer = rd_kafka_new(RD_KAFKA_PRODUCER, pc, err, sizeof err);
        if (!k->producer) {
            fprintf(stderr, "kafka_mock: producer: %s\n", err);
            return;
        }
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "kafka_mock: cannot read %s\n", path);
        return;
    }
    static char buf[4 << 20];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    rd_kafka_resp_err_t e = rd_kafka_producev(k->producer, RD_KAFKA_V_TOPIC(k->topic),
                                              RD_KAFKA_V_VALUE(len ? buf : NULL, len),
                                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                              RD_KAFKA_V_HEADER("Newsd-Name", base, -1), RD_KAFKA_V_END);
    if (e)
        fprintf(stderr, "kafka_mock: produce %s: %s\n", path, rd_kafka_err2str(e));
    rd_kafka_flush(k->producer, 10000);
    json_t *o = json_pack("{s:s}", "produced", path);
    char *line = json_dumps(o, JSON_COMPACT);
    puts(line);
    fflush(stdout);
    free(line);
    json_decref(o);
}

static void committed(struct mock *k, const char *group)
{
    char err[512];
    rd_kafka_conf_t *cc = rd_kafka_conf_new();
    rd_kafka_conf_set(cc, "bootstrap.servers", k->boot, err, sizeof err);
    rd_kafka_conf_set(cc, "group.id", group, err, sizeof err);
    rd_kafka_t *c = rd_kafka_new(RD_KAFKA_CONSUMER, cc, err, sizeof err);
    long long left = -1;
    if (c) {
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(k->partitions);
        for (int p = 0; p < k->partitions; p++)
            rd_kafka_topic_partition_list_add(l, k->topic, p);
        if (!rd_kafka_committed(c, l, 10000)) {
            left = 0;
            for (int p = 0; p < l->cnt; p++) {
                int64_t lo, hi;
                if (rd_kafka_query_watermark_offsets(c, k->topic, p, &lo, &hi, 10000))
                    continue;
                int64_t at = l->elems[p].offset >= 0 ? l->elems[p].offset : lo;
                left += hi - at;
            }
        }
        rd_kafka_topic_partition_list_destroy(l);
        rd_kafka_destroy(c);
    }
    printf("{\"uncommitted\": %lld}\n", left);
    fflush(stdout);
}

static void command(struct mock *k, const char *line)
{
    rd_kafka_mock_cluster_t *mc = k->mc;
    int n;
    char arg[4096];
    if (sscanf(line, "produce %4095[^\n]", arg) == 1)
        produce(k, arg);
    else if (sscanf(line, "committed %4095s", arg) == 1)
        committed(k, arg);
    else if (sscanf(line, "down %d", &n) == 1)
        rd_kafka_mock_broker_set_down(mc, n);
    else if (sscanf(line, "up %d", &n) == 1)
        rd_kafka_mock_broker_set_up(mc, n);
    else if (sscanf(line, "errors %d", &n) == 1) {
        rd_kafka_resp_err_t *errs = calloc((size_t)n, sizeof *errs);
        for (int i = 0; errs && i < n; i++)
            errs[i] = RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS;
        if (errs)
            rd_kafka_mock_push_request_errors_array(mc, PRODUCE_API_KEY, (size_t)n, errs);
        free(errs);
    } else {
        fprintf(stderr, "kafka_mock: unknown command: %s", line);
        return;
    }
    fprintf(stderr, "kafka_mock: done: %s", line);
}

static void print_message(const rd_kafka_message_t *m)
{
    json_t *o = json_pack("{s:i, s:I, s:s%, s:s%}", "partition", (int)m->partition, "offset",
                          (json_int_t)m->offset, "key", m->key ? (const char *)m->key : "", m->key_len,
                          "value", m->payload ? (const char *)m->payload : "", m->len);
    if (!o)   /* a key or value that is no UTF-8 text: said, not shown */
        o = json_pack("{s:i, s:I, s:n, s:n, s:b}", "partition", (int)m->partition, "offset",
                      (json_int_t)m->offset, "key", "value", "binary", 1);
    char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
    if (line) {
        puts(line);
        fflush(stdout);
    }
    free(line);
    json_decref(o);
}

int main(int argc, char **argv)
{
    char err[512];
    if (argc != 3)
        return die("usage", "kafka_mock TOPIC PARTITIONS");
    rd_kafka_conf_t *hc = rd_kafka_conf_new();
    rd_kafka_t *host = rd_kafka_new(RD_KAFKA_PRODUCER, hc, err, sizeof err);
    if (!host)
        return die("the cluster's host handle", err);
    rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(host, 3);
    if (!mc)
        return die("mock cluster", "cannot be created");
    if (rd_kafka_mock_topic_create(mc, argv[1], atoi(argv[2]), 3))
        return die(argv[1], "cannot be created");
    const char *boot = rd_kafka_mock_cluster_bootstraps(mc);
    printf("bootstrap %s\n", boot);
    fflush(stdout);

    rd_kafka_conf_t *cc = rd_kafka_conf_new();
    if (rd_kafka_conf_set(cc, "bootstrap.servers", boot, err, sizeof err) ||
        rd_kafka_conf_set(cc, "group.id", "kafka_mock", err, sizeof err) ||
        rd_kafka_conf_set(cc, "auto.offset.reset", "earliest", err, sizeof err))
        return die("consumer", err);
    rd_kafka_t *c = rd_kafka_new(RD_KAFKA_CONSUMER, cc, err, sizeof err);
    if (!c)
        return die("consumer", err);
    rd_kafka_poll_set_consumer(c);
    rd_kafka_topic_partition_list_t *subs = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(subs, argv[1], RD_KAFKA_PARTITION_UA);
    if (rd_kafka_subscribe(c, subs))
        return die(argv[1], "cannot subscribe");
    rd_kafka_topic_partition_list_destroy(subs);

    struct mock k = {mc, argv[1], boot, atoi(argv[2]), NULL};
    /* Unbuffered: a second command that came with the first must not wait
     * in stdio's buffer, unseen by poll(). */
    setvbuf(stdin, NULL, _IONBF, 0);
    char line[4200];
    for (;;) {
        struct pollfd p = {.fd = 0, .events = POLLIN};
        if (poll(&p, 1, 0) > 0) {
            if (!fgets(line, sizeof line, stdin))
                break;
            command(&k, line);
        }
        rd_kafka_message_t *m = rd_kafka_consumer_poll(c, 100);
        if (!m)
            continue;
        if (!m->err)
            print_message(m);
        rd_kafka_message_destroy(m);
    }
    if (k.producer)
        rd_kafka_destroy(k.producer);
    rd_kafka_consumer_close(c);
    rd_kafka_destroy(c);
    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(host);
    return 0;
}
