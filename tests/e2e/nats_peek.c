/*
 * The NATS client of tests_stream.py (Python has none in Debian 12):
 *
 *   nats_peek URL STREAM       print every message the JetStream stream
 *                              holds, one JSON object a line ({"seq",
 *                              "subject", "msg_id", "data"}): what
 *                              sink_nats published
 *   nats_peek --pub URL SUBJECT FILE...
 *                              publish each file's bytes to JetStream (with
 *                              "Newsd-Name: BASENAME"), waiting for each ack
 *   nats_peek --pub-ids URL SUBJECT FILE...
 *                              the same with "Nats-Msg-Id: BASENAME", so that
 *                              a publisher that retries after an outage
 *                              stores no message twice (bench/torture_nats.py)
 *   nats_peek --consumer URL STREAM DURABLE
 *                              print {"pending", "ack_pending", "redelivered"}
 *                              of a consumer: what input_nats left undone
 *
 * Exit 0, or 2 with the reason on stderr.
 */
#include <jansson.h>
#include <nats/nats.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, natsStatus st)
{
    const char *last = nats_GetLastError(NULL);
    fprintf(stderr, "nats_peek: %s: %s\n", what, last && *last ? last : natsStatus_GetText(st));
    return 2;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len == cap) {
            char *more = realloc(buf, cap = cap ? cap * 2 : 65536);
            if (!more)
                break;
            buf = more;
        }
        size_t n = fread(buf + *len, 1, cap - *len, f);
        *len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    return buf ? buf : malloc(1);
}

static int publish(const char *url, const char *subject, char **files, int n, bool with_ids)
{
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    natsStatus st = natsConnection_ConnectTo(&nc, url);
    if (st != NATS_OK)
        return fail(url, st);
    if ((st = natsConnection_JetStream(&js, nc, NULL)) != NATS_OK)
        return fail("JetStream", st);
    for (int i = 0; i < n; i++) {
        size_t len;
        char *data = slurp(files[i], &len);
        if (!data) {
            fprintf(stderr, "nats_peek: %s: cannot read\n", files[i]);
            return 2;
        }
        const char *base = strrchr(files[i], '/');
        natsMsg *m = NULL;
        jsErrCode jerr = 0;
        st = natsMsg_Create(&m, subject, NULL, data, (int)len);
        if (st == NATS_OK)
            st = natsMsgHeader_Set(m, "Newsd-Name", base ? base + 1 : files[i]);
        if (st == NATS_OK && with_ids)
            st = natsMsgHeader_Set(m, "Nats-Msg-Id", base ? base + 1 : files[i]);
        if (st == NATS_OK)
            st = js_PublishMsg(NULL, js, m, NULL, &jerr);
        natsMsg_Destroy(m);
        free(data);
        if (st != NATS_OK)
            return fail(files[i], st);
    }
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    return 0;
}

static int consumer(const char *url, const char *stream, const char *durable)
{
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    jsConsumerInfo *ci = NULL;
    natsStatus st = natsConnection_ConnectTo(&nc, url);
    if (st != NATS_OK)
        return fail(url, st);
    if ((st = natsConnection_JetStream(&js, nc, NULL)) != NATS_OK)
        return fail("JetStream", st);
    if ((st = js_GetConsumerInfo(&ci, js, stream, durable, NULL, NULL)) != NATS_OK)
        return fail(durable, st);
    printf("{\"pending\": %llu, \"ack_pending\": %lld, \"redelivered\": %lld}\n",
           (unsigned long long)ci->NumPending, (long long)ci->NumAckPending, (long long)ci->NumRedelivered);
    jsConsumerInfo_Destroy(ci);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "--pub") == 0)
        return publish(argv[2], argv[3], argv + 4, argc - 4, false);
    if (argc >= 4 && strcmp(argv[1], "--pub-ids") == 0)
        return publish(argv[2], argv[3], argv + 4, argc - 4, true);
    if (argc == 5 && strcmp(argv[1], "--consumer") == 0)
        return consumer(argv[2], argv[3], argv[4]);
    if (argc != 3) {
        fprintf(stderr, "usage: nats_peek URL STREAM\n");
        return 2;
    }
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    jsStreamInfo *si = NULL;
    natsStatus st = natsConnection_ConnectTo(&nc, argv[1]);
    if (st != NATS_OK)
        return fail(argv[1], st);
    if ((st = natsConnection_JetStream(&js, nc, NULL)) != NATS_OK)
        return fail("JetStream", st);
    if ((st = js_GetStreamInfo(&si, js, argv[2], NULL, NULL)) != NATS_OK)
        return fail(argv[2], st);
    for (uint64_t seq = si->State.FirstSeq; seq && seq <= si->State.LastSeq; seq++) {
        natsMsg *m = NULL;
        st = js_GetMsg(&m, js, argv[2], seq, NULL, NULL);
        if (st == NATS_NOT_FOUND)
            continue;   /* deleted */
        if (st != NATS_OK)
            return fail("get message", st);
        const char *id = NULL;
        natsMsgHeader_Get(m, "Nats-Msg-Id", &id);
        json_t *o = json_pack("{s:I, s:s, s:s?, s:s%}", "seq", (json_int_t)seq, "subject", natsMsg_GetSubject(m),
                              "msg_id", id, "data", natsMsg_GetData(m), (size_t)natsMsg_GetDataLength(m));
        char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
        if (!line)
            return fail("a message that is no UTF-8 text", NATS_ERR);
        puts(line);
        free(line);
        json_decref(o);
        natsMsg_Destroy(m);
    }
    jsStreamInfo_Destroy(si);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    return 0;
}
