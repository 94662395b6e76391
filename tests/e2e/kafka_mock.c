/*
 * kafka_mock TOPIC PARTITIONS [TOPIC2 PARTITIONS2 ...]: a librdkafka mock
 * cluster of three brokers for tests_stream.py (there is no Kafka broker in
 * Debian).  It creates the topics, prints "bootstrap HOST:PORT,..." and
 * then every message of the first TOPIC as one JSON object a line
 * ({"partition", "offset", "key", "value"}), consumed from the start; the
 * other topics are only created (an input's source, whose messages nobody
 * needs to see twice).  Commands on stdin, one a line:
 *   down ID / up ID     take broker ID (1-3) down or bring it back
 *   errors N            fail the next N Produce requests (retriable)
 *   produce FILE        produce FILE's bytes to TOPIC (header Newsd-Name:
 *                       its base name), flushed; prints {"produced": FILE}
 *   produce_dir TOPIC DIR  produce every file of DIR (name order) to TOPIC,
 *                       as produce does but round robin over its partitions,
 *                       flushed once at the end; prints
 *                       {"produced": DIR, "count": N, "errors": N}
 *   committed GROUP [TOPIC]  print {"uncommitted": N}: messages of TOPIC
 *                       (default the first) past GROUP's committed offsets
 *                       (what an input left undone)
 * It ends at the end of stdin.
 */
#include <dirent.h>
#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PRODUCE_API_KEY 0
#define MAX_TOPICS 4

static int die(const char *what, const char *why)
{
    fprintf(stderr, "kafka_mock: %s: %s\n", what, why);
    return 2;
}

struct mock {
    rd_kafka_mock_cluster_t *mc;
    const char *topic, *boot;   /* topic: the first, the one printed */
    int partitions;
    rd_kafka_t *producer;
    const char *topics[MAX_TOPICS];
    int topic_partitions[MAX_TOPICS];
    int n_topics;
    unsigned next_partition;   /* produce_dir's round robin */
};

static bool ensure_producer(struct mock *k)
{
    char err[512];
    if (k->producer)
        return true;
    rd_kafka_conf_t *pc = rd_kafka_conf_new();
    rd_kafka_conf_set(pc, "bootstrap.servers", k->boot, err, sizeof err);
    /* produce_dir queues thousands before its one flush. */
    rd_kafka_conf_set(pc, "queue.buffering.max.messages", "1000000", err, sizeof err);
    k->producer = rd_kafka_new(RD_KAFKA_PRODUCER, pc, err, sizeof err);
    if (!k->producer)
        fprintf(stderr, "kafka_mock: producer: %s\n", err);
    return k->producer != NULL;
}

/* Queue path's bytes to topic (partition, or RD_KAFKA_PARTITION_UA: the
 * partitioner's choice), with its base name as Newsd-Name.  0, or -1 (said
 * on stderr). */
static int produce_file(struct mock *k, const char *topic, int32_t partition, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "kafka_mock: cannot read %s\n", path);
        return -1;
    }
    static char buf[4 << 20];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    rd_kafka_resp_err_t e;
    for (;;) {
        e = rd_kafka_producev(k->producer, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
                              RD_KAFKA_V_VALUE(len ? buf : NULL, len),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                              RD_KAFKA_V_HEADER("Newsd-Name", base, -1), RD_KAFKA_V_END);
        if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL)
            break;
        rd_kafka_poll(k->producer, 100);
    }
    if (e)
        fprintf(stderr, "kafka_mock: produce %s: %s\n", path, rd_kafka_err2str(e));
    return e ? -1 : 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int regular(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* Round robin over the partitions: the partitioner would put a burst into
 * one, and a mock partition keeps only its last few MB (older messages
 * are dropped, consumed or not). */
static void produce_dir(struct mock *k, const char *topic, const char *dir)
{
    int partitions = 1;
    for (int t = 0; t < k->n_topics; t++)
        if (strcmp(k->topics[t], topic) == 0)
            partitions = k->topic_partitions[t];
    struct dirent **names = NULL;
    int n = ensure_producer(k) ? scandir(dir, &names, regular, by_name) : -1;
    int errors = 0;
    for (int i = 0; i < n; i++) {
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        errors += produce_file(k, topic, (int32_t)(k->next_partition++ % partitions), path) != 0;
        free(names[i]);
    }
    free(names);
    if (k->producer && rd_kafka_flush(k->producer, 120000))
        fprintf(stderr, "kafka_mock: produce_dir %s: not all delivered within 120 s\n", dir);
    json_t *o = json_pack("{s:s,s:i,s:i}", "produced", dir, "count", n < 0 ? 0 : n, "errors",
                          n < 0 ? 1 : errors);
    char *line = json_dumps(o, JSON_COMPACT);
    puts(line);
    fflush(stdout);
    free(line);
    json_decref(o);
}

static void produce(struct mock *k, const char *path)
{
    if (!ensure_producer(k))
        return;
    produce_file(k, k->topic, RD_KAFKA_PARTITION_UA, path);
    rd_kafka_flush(k->producer, 10000);
    json_t *o = json_pack("{s:s}", "produced", path);
    char *line = json_dumps(o, JSON_COMPACT);
    puts(line);
    fflush(stdout);
    free(line);
    json_decref(o);
}

static void committed(struct mock *k, const char *group, const char *topic)
{
    char err[512];
    int partitions = -1;
    for (int t = 0; t < k->n_topics; t++)
        if (strcmp(k->topics[t], topic) == 0)
            partitions = k->topic_partitions[t];
    if (partitions < 0) {
        fprintf(stderr, "kafka_mock: committed: no topic %s\n", topic);
        printf("{\"uncommitted\": -1}\n");
        fflush(stdout);
        return;
    }
    rd_kafka_conf_t *cc = rd_kafka_conf_new();
    rd_kafka_conf_set(cc, "bootstrap.servers", k->boot, err, sizeof err);
    rd_kafka_conf_set(cc, "group.id", group, err, sizeof err);
    rd_kafka_t *c = rd_kafka_new(RD_KAFKA_CONSUMER, cc, err, sizeof err);
    long long left = -1;
    if (c) {
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(partitions);
        for (int p = 0; p < partitions; p++)
            rd_kafka_topic_partition_list_add(l, topic, p);
        if (!rd_kafka_committed(c, l, 10000)) {
            left = 0;
            for (int p = 0; p < l->cnt; p++) {
                int64_t lo, hi;
                if (rd_kafka_query_watermark_offsets(c, topic, p, &lo, &hi, 10000))
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
    char arg[4096], arg2[4096];
    int got;
    if (sscanf(line, "produce_dir %4095s %4095[^\n]", arg, arg2) == 2)
        produce_dir(k, arg, arg2);
    else if (sscanf(line, "produce %4095[^\n]", arg) == 1)
        produce(k, arg);
    else if ((got = sscanf(line, "committed %4095s %4095s", arg, arg2)) >= 1)
        committed(k, arg, got == 2 ? arg2 : k->topic);
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
    if (argc < 3 || argc % 2 != 1 || argc > 1 + 2 * MAX_TOPICS)
        return die("usage", "kafka_mock TOPIC PARTITIONS [TOPIC2 PARTITIONS2 ...] (at most 4 topics)");
    rd_kafka_conf_t *hc = rd_kafka_conf_new();
    rd_kafka_t *host = rd_kafka_new(RD_KAFKA_PRODUCER, hc, err, sizeof err);
    if (!host)
        return die("the cluster's host handle", err);
    rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(host, 3);
    if (!mc)
        return die("mock cluster", "cannot be created");
    struct mock k = {mc, argv[1], NULL, atoi(argv[2]), NULL, {0}, {0}, 0, 0};
    for (int a = 1; a + 1 < argc; a += 2) {
        if (rd_kafka_mock_topic_create(mc, argv[a], atoi(argv[a + 1]), 3))
            return die(argv[a], "cannot be created");
        k.topics[k.n_topics] = argv[a];
        k.topic_partitions[k.n_topics++] = atoi(argv[a + 1]);
    }
    const char *boot = rd_kafka_mock_cluster_bootstraps(mc);
    k.boot = boot;
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
