/*
 * input_nats: take articles from a NATS JetStream stream (an input, ABI
 * 1.3), with libnats (cnats): a durable pull consumer with explicit acks.
 *
 *   url           = nats://127.0.0.1:4222   ; or several, comma-separated
 *   stream        = ARTICLES
 *   subject       = articles.>              ; what the consumer takes of the stream
 *   durable       = newsd                   ; the consumer's name: instances that share it share the work
 *   create_stream = false                   ; true: create the stream on subject when it is missing
 *   retention     = limits                  ; of a stream created here: limits, or workqueue
 *   batch         = 64                      ; messages fetched at once: the most in flight
 *   max_ack_pending = 1000                  ; unacked at once over all instances sharing durable
 *   ack_wait_s    = 30                      ; unacked this long (an instance killed): redelivered
 *
 * Each message body is an article file's bytes (text, JSON or HTML, what a
 * file in the inbox would hold).  It becomes the inbox file
 * "STREAM-SEQ.txt", or "STREAM-SEQ-NAME" when the message has a
 * "Newsd-Name: NAME" header, so a bad message's reason in failed/ names the
 * stream and the sequence it came from.  The message is acknowledged only
 * after newsd_input_put() made the file durable; one that cannot be put is
 * not acknowledged and comes again after the consumer's ack wait.  The
 * pipeline judges every file as it judges a dropped one (empty, too big,
 * binary, undecodable: failed/, with the reason), and the message is
 * acknowledged all the same, so a poison message does not block the
 * stream.
 *
 * Many instances (separate state dirs, separate machines) that name the
 * same durable share one pull consumer: the server hands each message to
 * one fetch.  The consumer's settings are the config's: created when
 * missing, updated when its ack wait or max_ack_pending differ, and then
 * bound to, so that instances starting together do not trip over each
 * other's creation.  max_ack_pending is the consumer's, not an instance's:
 * an instance killed with a batch in hand holds that many until the ack
 * wait, and the others go on only while the rest of the window is free.
 *
 * run() connects (libnats reconnects on its own); a fetch that fails for
 * another reason than "nothing yet" is retried after a back-off that
 * doubles from 100 ms to 10 s.
 */
#include <newsd/plugin.h>

#include <nats/nats.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../stream_common/inbox_name.h"
#include "../stream_common/nats_util.h"

#define FETCH_WAIT_MS 1000
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 10000

struct input_nats {
    char *url, *stream, *subject, *durable;
    int create_stream, work_queue;
    int64_t batch, max_ack_pending;
    int64_t ack_wait_s;
};

static const struct newsd_config_key keys[] = {
    {"url", "the NATS server(s), nats://HOST:PORT, comma-separated"},
    {"stream", "the JetStream stream to consume"},
    {"subject", "the subject (filter) the consumer takes of the stream"},
    {"durable", "the durable consumer's name, shared by the instances that share the work"},
    {"create_stream", "true: create the stream on subject when it is missing (default false)"},
    {"retention", "of a stream create_stream makes: limits (default) or workqueue (gone once acknowledged)"},
    {"batch", "messages fetched at once, the most in flight (default 64)"},
    {"max_ack_pending", "unacknowledged messages at once over every instance sharing durable (default 1000)"},
    {"ack_wait_s", "a message not acknowledged this long is delivered again (default 30)"},
    {NULL, NULL},
};

static void in_fini(void *state)
{
    struct input_nats *s = state;
    if (!s)
        return;
    free(s->url);
    free(s->stream);
    free(s->subject);
    free(s->durable);
    free(s);
}

static bool token_ok(const char *v, const char *bad)
{
    return v && *v && !strpbrk(v, bad);
}

static int in_init(const newsd_config *conf, void **state)
{
    const char *url = newsd_config_get(conf, "url"), *stream = newsd_config_get(conf, "stream");
    const char *subject = newsd_config_get(conf, "subject"), *durable = newsd_config_get(conf, "durable");
    if (!url || !*url)
        return newsd_config_error(conf, "url", "missing: the NATS server, e.g. nats://127.0.0.1:4222");
    if (!token_ok(stream, " \t.*>/\\"))
        return newsd_config_error(conf, "stream", "%s", stream ? "a stream name without blanks, '.', '*', '>' "
                                                                 "or slashes" : "missing: the stream to consume");
    if (!token_ok(subject, " \t\r\n"))
        return newsd_config_error(conf, "subject", "%s", subject ? "a subject without blanks"
                                                                   : "missing: the subject to consume");
    if (!token_ok(durable, " \t.*>/\\"))
        return newsd_config_error(conf, "durable", "%s", durable ? "a consumer name without blanks, '.', '*', "
                                                                   "'>' or slashes"
                                                                 : "missing: the durable consumer's name");
    const char *retention = newsd_config_get(conf, "retention");
    if (retention && strcmp(retention, "limits") != 0 && strcmp(retention, "workqueue") != 0)
        return newsd_config_error(conf, "retention", "'%s': expected limits or workqueue", retention);
    struct input_nats *s = calloc(1, sizeof *s);
    if (!s)
        return NEWSD_ERROR;
    s->work_queue = retention && strcmp(retention, "workqueue") == 0;
    if (newsd_config_get_bool(conf, "create_stream", 0, &s->create_stream) != NEWSD_OK ||
        newsd_config_get_int(conf, "batch", 64, 1, 10000, &s->batch) != NEWSD_OK ||
        newsd_config_get_int(conf, "max_ack_pending", 1000, 1, 1000000, &s->max_ack_pending) != NEWSD_OK ||
        newsd_config_get_int(conf, "ack_wait_s", 30, 1, 86400, &s->ack_wait_s) != NEWSD_OK)
        goto fail;
    if (s->max_ack_pending < s->batch) {
        newsd_config_error(conf, "max_ack_pending", "%lld is below batch (%lld): a fetch could never be filled",
                           (long long)s->max_ack_pending, (long long)s->batch);
        goto fail;
    }
    s->url = strdup(url);
    s->stream = strdup(stream);
    s->subject = strdup(subject);
    s->durable = strdup(durable);
    if (!s->url || !s->stream || !s->subject || !s->durable)
        goto fail;
    *state = s;
    return NEWSD_OK;
fail:
    in_fini(s);
    return NEWSD_ERROR;
}

/* Sleep ms, or less when newsd stops.  Returns false on the stop. */
static bool pause_ms(newsd_input *in, int64_t ms)
{
    int64_t slept = 0;
    while (slept < ms) {
        if (newsd_input_wait(in, 0) == NEWSD_INPUT_STOP)
            return false;
        struct timespec t = {0, 50 * 1000000L};
        nanosleep(&t, NULL);
        slept += 50;
    }
    return newsd_input_wait(in, 0) != NEWSD_INPUT_STOP;
}

/* The stream, created on subject when configured so and missing. */
static natsStatus ensure_stream(struct input_nats *s, jsCtx *js)
{
    jsErrCode jerr = 0;
    natsStatus st = nats_stream_ensure(js, s->stream, s->subject, s->create_stream, s->work_queue, &jerr);
    if (st == NATS_NOT_FOUND && !s->create_stream)
        newsd_log(NEWSD_LOG_ERROR, "%s: no JetStream stream %s (create_stream = true creates it)", s->url,
                  s->stream);
    return st;
}

/* The durable consumer as configured: created when missing, updated when
 * its ack wait or max_ack_pending differ (a config changed, or the 0.4.0
 * default of max_ack_pending = batch).  Two instances that create it at
 * once send the same config, which the server takes as one creation. */
static natsStatus ensure_consumer(struct input_nats *s, jsCtx *js)
{
    jsConsumerConfig cc;
    jsConsumerConfig_Init(&cc);
    cc.Durable = s->durable;
    cc.AckPolicy = js_AckExplicit;
    cc.AckWait = s->ack_wait_s * 1000000000LL;   /* nanoseconds */
    cc.MaxAckPending = s->max_ack_pending;
    cc.FilterSubject = s->subject;
    jsConsumerInfo *ci = NULL;
    jsErrCode jerr = 0;
    natsStatus st = js_GetConsumerInfo(&ci, js, s->stream, s->durable, NULL, &jerr);
    if (st == NATS_NOT_FOUND) {
        st = js_AddConsumer(&ci, js, s->stream, &cc, NULL, &jerr);
        if (st == NATS_OK)
            newsd_log(NEWSD_LOG_INFO, "%s: created durable consumer %s on stream %s (max_ack_pending %lld, "
                      "ack wait %lld s)", s->url, s->durable, s->stream, (long long)s->max_ack_pending,
                      (long long)s->ack_wait_s);
    } else if (st == NATS_OK && (ci->Config->AckWait != cc.AckWait || ci->Config->MaxAckPending != cc.MaxAckPending)) {
        long long was_pending = (long long)ci->Config->MaxAckPending, was_wait = (long long)ci->Config->AckWait;
        jsConsumerInfo_Destroy(ci);
        ci = NULL;
        st = js_UpdateConsumer(&ci, js, s->stream, &cc, NULL, &jerr);
        if (st == NATS_OK)
            newsd_log(NEWSD_LOG_NOTICE, "%s: consumer %s on stream %s updated to the config: max_ack_pending %lld "
                      "(was %lld), ack wait %lld s (was %lld s)", s->url, s->durable, s->stream,
                      (long long)s->max_ack_pending, was_pending, (long long)s->ack_wait_s,
                      was_wait / 1000000000LL);
    }
    jsConsumerInfo_Destroy(ci);
    return st;
}

static natsStatus subscribe(struct input_nats *s, jsCtx *js, natsSubscription **sub)
{
    natsStatus st = ensure_stream(s, js);
    if (st == NATS_OK)
        st = ensure_consumer(s, js);
    if (st != NATS_OK)
        return st;
    /* Bound to the consumer as it is: its settings were made above. */
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = s->stream;
    so.Consumer = s->durable;
    jsErrCode jerr = 0;
    return js_PullSubscribe(sub, js, s->subject, s->durable, NULL, &so, &jerr);
}

/* Put one message into the inbox; acknowledge it once that is durable. */
static int take(struct input_nats *s, newsd_input *in, natsMsg *m, uint64_t *pending)
{
    jsMsgMetaData *meta = NULL;
    char name[300];
    uint64_t seq = 0;
    if (natsMsg_GetMetaData(&meta, m) == NATS_OK) {
        seq = meta->Sequence.Stream;
        *pending = meta->NumPending;
    }
    const char *given = NULL;
    if (natsMsgHeader_Get(m, "Newsd-Name", &given) != NATS_OK)
        given = NULL;
    inbox_name_nats(name, sizeof name, s->stream, seq, given);
    jsMsgMetaData_Destroy(meta);
    if (newsd_input_put(in, name, natsMsg_GetData(m), (size_t)natsMsg_GetDataLength(m)) != NEWSD_OK)
        return NEWSD_ERROR;   /* not acked: it comes again */
    natsStatus st = natsMsg_Ack(m, NULL);
    if (st != NATS_OK)
        newsd_log(NEWSD_LOG_WARNING, "%s: ack of %s failed (%s): it comes again, and its id makes the repeat "
                  "a duplicate", s->url, name, nats_reason(st));
    return NEWSD_OK;
}

/* Set as the connected callback, which makes natsConnection_Connect()
 * return at once while the server is away (NATS_NOT_YET_CONNECTED; libnats
 * goes on trying in its own thread).  Without it, Connect() with endless
 * retries would block run() until the server came, through any stop. */
static void on_connected(natsConnection *nc, void *closure)
{
    (void)nc;
    const struct input_nats *s = closure;
    newsd_log(NEWSD_LOG_NOTICE, "%s: connected (it was away when newsd started)", s->url);
}

static int in_run(void *state, newsd_input *in)
{
    struct input_nats *s = state;
    natsOptions *opts = NULL;
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    natsSubscription *sub = NULL;
    int64_t backoff = BACKOFF_MIN_MS, errors = 0;
    natsStatus st = natsOptions_Create(&opts);
    if (st == NATS_OK)
        st = natsOptions_SetURL(opts, s->url);
    if (st == NATS_OK)
        st = natsOptions_SetName(opts, "newsd-input_nats");
    if (st == NATS_OK)
        st = natsOptions_SetMaxReconnect(opts, -1);
    if (st == NATS_OK)
        st = natsOptions_SetReconnectWait(opts, 500);
    if (st == NATS_OK)
        st = natsOptions_SetRetryOnFailedConnect(opts, true, on_connected, s);
    if (st == NATS_OK) {
        st = natsConnection_Connect(&nc, opts);
        if (st == NATS_NOT_YET_CONNECTED)
            st = NATS_OK;
    }
    if (st == NATS_OK)
        st = natsConnection_JetStream(&js, nc, NULL);
    if (st != NATS_OK) {
        newsd_log(NEWSD_LOG_ERROR, "%s: %s", s->url, nats_reason(st));
        natsConnection_Destroy(nc);
        natsOptions_Destroy(opts);
        return NEWSD_ERROR;
    }
    for (;;) {
        int go = newsd_input_wait(in, 1000);
        if (go == NEWSD_INPUT_STOP)
            break;
        if (go == NEWSD_INPUT_FULL)
            continue;
        if (!sub && (st = subscribe(s, js, &sub)) != NATS_OK) {
            sub = NULL;
            newsd_log(NEWSD_LOG_WARNING, "%s: consumer %s on stream %s: %s; trying again in %lld ms", s->url,
                      s->durable, s->stream, nats_reason(st), (long long)backoff);
            newsd_input_gauge(in, "errors", ++errors);
            if (!pause_ms(in, backoff))
                break;
            backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
            continue;
        }
        natsMsgList list = {0};
        st = natsSubscription_Fetch(&list, sub, (int)s->batch, FETCH_WAIT_MS, NULL);
        if (st == NATS_TIMEOUT) {
            newsd_input_gauge(in, "lag", 0);
            continue;
        }
        if (st != NATS_OK) {
            newsd_log(NEWSD_LOG_WARNING, "%s: fetch from %s: %s; trying again in %lld ms", s->url, s->stream,
                      nats_reason(st), (long long)backoff);
            newsd_input_gauge(in, "errors", ++errors);
            if (!pause_ms(in, backoff))
                break;
            backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
            continue;
        }
        backoff = BACKOFF_MIN_MS;
        uint64_t pending = 0;
        bool put_failed = false;
        for (int i = 0; i < list.Count; i++) {
            newsd_input_gauge(in, "in_flight", list.Count - i);
            if (take(s, in, list.Msgs[i], &pending) != NEWSD_OK) {
                newsd_input_gauge(in, "errors", ++errors);
                put_failed = true;
                break;   /* the rest come again after the ack wait */
            }
        }
        newsd_input_gauge(in, "in_flight", 0);
        newsd_input_gauge(in, "lag", (int64_t)pending);
        natsMsgList_Destroy(&list);
        /* The inbox cannot be written (a full disk): wait before the next fetch. */
        if (put_failed && !pause_ms(in, BACKOFF_MAX_MS))
            break;
    }
    natsSubscription_Destroy(sub);   /* the durable consumer stays on the server */
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    natsOptions_Destroy(opts);
    return NEWSD_OK;
}

NEWSD_PLUGIN(
    .name = "input_nats",
    .description = "take articles from a NATS JetStream durable consumer (explicit acks after the inbox)",
    .init = in_init,
    .fini = in_fini,
    .config_keys = keys,
    .run = in_run,
);
