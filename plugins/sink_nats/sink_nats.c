/*
 * sink_nats: publish each record to NATS JetStream (a sink, ABI 1.3), with
 * libnats (cnats).
 *
 *   url        = nats://127.0.0.1:4222   ; or several, comma-separated
 *   subject    = newsd.records
 *   stream     = NEWSD                   ; optional: create it (on subject) if missing
 *   timeout_ms = 5000                    ; the wait for JetStream's ack
 *
 * Every message carries the header "Nats-Msg-Id: ID", the article id, so
 * JetStream drops a repeat inside the stream's duplicate window: the
 * redelivery that at-least-once delivery brings after a crash or a lost
 * ack is published once.  A record counts as delivered only once JetStream
 * acknowledged it (stored it); no ack within timeout_ms, no stream for the
 * subject and a server that is down fail the record, and newsd offers it
 * again with back-off.
 *
 * The connection is made in init() but does not have to succeed there: a
 * server that is down at start delays publication, it does not refuse the
 * configuration.  libnats reconnects on its own, without end.
 *
 * deliver() runs on the sink's own thread, one call at a time; the
 * connection and the JetStream context belong to this instance.
 */
#include <newsd/plugin.h>

#include <nats/nats.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../stream_common/nats_util.h"

struct sink_nats {
    char *url;
    char *subject;
    char *stream;           /* NULL: the stream is the operator's business */
    bool stream_ready;      /* the stream was found or created */
    int64_t timeout_ms;
    natsOptions *opts;
    natsConnection *nc;
    jsCtx *js;
};

static const struct newsd_config_key keys[] = {
    {"url", "the NATS server(s), nats://HOST:PORT, comma-separated"},
    {"subject", "the subject each record is published to"},
    {"stream", "a JetStream stream to create on subject when it is missing (optional)"},
    {"timeout_ms", "the longest wait for JetStream's ack of one record (default 5000)"},
    {NULL, NULL},
};

static void sn_fini(void *state)
{
    struct sink_nats *s = state;
    if (!s)
        return;
    jsCtx_Destroy(s->js);
    natsConnection_Destroy(s->nc);
    natsOptions_Destroy(s->opts);
    free(s->url);
    free(s->subject);
    free(s->stream);
    free(s);
}

/* A subject of tokens without blanks or wildcards: a record goes to one
 * subject, and a wildcard would be a subscription, not a destination. */
static bool subject_ok(const char *subj)
{
    if (!*subj || subj[0] == '.' || subj[strlen(subj) - 1] == '.' || strstr(subj, ".."))
        return false;
    return !strpbrk(subj, " \t\r\n*>");
}

static int sn_init(const newsd_config *conf, void **state)
{
    const char *url = newsd_config_get(conf, "url");
    const char *subject = newsd_config_get(conf, "subject");
    const char *stream = newsd_config_get(conf, "stream");
    if (!url || !*url)
        return newsd_config_error(conf, "url", "missing: the NATS server, e.g. nats://127.0.0.1:4222");
    if (!subject || !subject_ok(subject))
        return newsd_config_error(conf, "subject", "%s", subject ? "expected a subject without blanks or wildcards"
                                                                 : "missing: the subject to publish to");
    if (stream && (!*stream || strpbrk(stream, " \t.*>/\\")))
        return newsd_config_error(conf, "stream", "a stream name without blanks, '.', '*', '>' or slashes");
    struct sink_nats *s = calloc(1, sizeof *s);
    if (!s)
        return NEWSD_ERROR;
    if (newsd_config_get_int(conf, "timeout_ms", 5000, 1, 600000, &s->timeout_ms) != NEWSD_OK)
        goto fail;
    s->url = strdup(url);
    s->subject = strdup(subject);
    s->stream = stream ? strdup(stream) : NULL;
    if (!s->url || !s->subject || (stream && !s->stream))
        goto fail;
    natsStatus st = natsOptions_Create(&s->opts);
    if (st == NATS_OK)
        st = natsOptions_SetURL(s->opts, s->url);
    if (st == NATS_OK)
        st = natsOptions_SetName(s->opts, "newsd-sink_nats");
    if (st == NATS_OK)
        st = natsOptions_SetTimeout(s->opts, s->timeout_ms);
    /* Reconnect without end: an outage delays records, the outbox keeps them. */
    if (st == NATS_OK)
        st = natsOptions_SetMaxReconnect(s->opts, -1);
    if (st == NATS_OK)
        st = natsOptions_SetReconnectWait(s->opts, 500);
    if (st == NATS_OK)
        st = natsOptions_SetRetryOnFailedConnect(s->opts, true, NULL, NULL);
    if (st != NATS_OK) {
        newsd_config_error(conf, "url", "%s", nats_reason(st));
        goto fail;
    }
    st = natsConnection_Connect(&s->nc, s->opts);
    if (st != NATS_OK && st != NATS_NOT_YET_CONNECTED) {
        newsd_config_error(conf, "url", "%s: %s", s->url, nats_reason(st));
        goto fail;
    }
    if (st == NATS_NOT_YET_CONNECTED)
        newsd_log(NEWSD_LOG_WARNING, "%s: not reachable yet; records wait in the outbox until it is", s->url);
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = s->timeout_ms;
    st = natsConnection_JetStream(&s->js, s->nc, &jo);
    if (st != NATS_OK) {
        newsd_log(NEWSD_LOG_ERROR, "%s: no JetStream context: %s", s->url, nats_reason(st));
        goto fail;
    }
    *state = s;
    return NEWSD_OK;
fail:
    sn_fini(s);
    return NEWSD_ERROR;
}

/* Create the configured stream on the subject unless it is there.  An
 * existing stream is left as it is (its subjects are the operator's). */
static int ensure_stream(struct sink_nats *s, char *why, size_t why_size)
{
    if (!s->stream || s->stream_ready)
        return NEWSD_OK;
    jsErrCode jerr = 0;
    natsStatus st = nats_stream_ensure(s->js, s->stream, s->subject, true, false, &jerr);
    if (st != NATS_OK) {
        snprintf(why, why_size, "stream %s on %s: %s (JetStream error %d)", s->stream, s->url,
                 nats_reason(st), (int)jerr);
        return NEWSD_ERROR;
    }
    s->stream_ready = true;
    return NEWSD_OK;
}

/* Publish one record and wait for its ack.  Returns NATS_OK, or the
 * status of a failure (the record is then marked failed). */
static natsStatus publish_one(struct sink_nats *s, newsd_delivery *d, const jsPubOptions *po)
{
    size_t len;
    const char *json = newsd_delivery_json(d, &len);
    if (len > (size_t)INT32_MAX) {
        newsd_delivery_fail(d, "record of %zu bytes is too big for a NATS message", len);
        return NATS_INVALID_ARG;
    }
    natsMsg *msg = NULL;
    natsStatus st = natsMsg_Create(&msg, s->subject, NULL, json, (int)len);
    if (st == NATS_OK)
        st = natsMsgHeader_Set(msg, "Nats-Msg-Id", newsd_delivery_id(d));
    if (st == NATS_OK)
        st = natsMsgHeader_Set(msg, "Content-Type", "application/json");
    jsPubAck *pa = NULL;
    jsErrCode jerr = 0;
    if (st == NATS_OK)
        st = js_PublishMsg(&pa, s->js, msg, (jsPubOptions *)po, &jerr);
    if (st == NATS_NO_RESPONDERS)
        newsd_delivery_fail(d, "publish to %s on %s: no JetStream stream takes this subject", s->subject, s->url);
    else if (st != NATS_OK)
        newsd_delivery_fail(d, "publish to %s on %s: %s%s", s->subject, s->url, nats_reason(st),
                            jerr ? " (JetStream refused it)" : "");
    jsPubAck_Destroy(pa);
    natsMsg_Destroy(msg);
    return st;
}

/* A failure that the rest of the batch would meet too, each after its
 * own timeout: the server is away or does not answer. */
static bool server_away(natsStatus st)
{
    return st == NATS_TIMEOUT || st == NATS_CONNECTION_CLOSED || st == NATS_CONNECTION_DISCONNECTED ||
           st == NATS_NOT_YET_CONNECTED || st == NATS_NO_SERVER || st == NATS_NO_RESPONDERS;
}

static int sn_deliver(void *state, newsd_delivery *const *batch, size_t n)
{
    struct sink_nats *s = state;
    char why[512];
    natsConnStatus cs = natsConnection_Status(s->nc);
    if (cs != NATS_CONN_STATUS_CONNECTED) {
        snprintf(why, sizeof why, "%s: not connected (%s)", s->url,
                 cs == NATS_CONN_STATUS_RECONNECTING ? "reconnecting" : "connecting");
        for (size_t i = 0; i < n; i++)
            newsd_delivery_fail(batch[i], "%s", why);
        return NEWSD_OK;
    }
    if (ensure_stream(s, why, sizeof why) != NEWSD_OK) {
        for (size_t i = 0; i < n; i++)
            newsd_delivery_fail(batch[i], "%s", why);
        return NEWSD_OK;
    }
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = s->timeout_ms;
    /* One at a time: each waits for its ack, so a failure belongs to one
     * record: one round trip per record (async publish is a later step). */
    for (size_t i = 0; i < n; i++) {
        natsStatus st = publish_one(s, batch[i], &po);
        if (!server_away(st))
            continue;
        for (size_t j = i + 1; j < n; j++)
            newsd_delivery_fail(batch[j], "not published: %s went away during the batch (%s)", s->url,
                                natsStatus_GetText(st));
        break;
    }
    return NEWSD_OK;
}

NEWSD_PLUGIN(
    .name = "sink_nats",
    .description = "publish records to NATS JetStream (Nats-Msg-Id: the article id)",
    .init = sn_init,
    .fini = sn_fini,
    .config_keys = keys,
    .deliver = sn_deliver,
);
