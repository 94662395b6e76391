/*
 * nats_peek URL STREAM: print every message a JetStream stream holds, one
 * JSON object a line ({"seq", "subject", "msg_id", "data"}), so that
 * tests_stream.py reads back what sink_nats published without a NATS
 * client in Python.  Exit 0, or 2 with the reason on stderr.
 */
#include <jansson.h>
#include <nats/nats.h>
#include <stdio.h>

static int fail(const char *what, natsStatus st)
{
    const char *last = nats_GetLastError(NULL);
    fprintf(stderr, "nats_peek: %s: %s\n", what, last && *last ? last : natsStatus_GetText(st));
    return 2;
}

int main(int argc, char **argv)
{
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
