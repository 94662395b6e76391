/* See nats_util.h. */
#include "nats_util.h"

#include <newsd/plugin.h>

const char *nats_reason(natsStatus st)
{
    const char *last = nats_GetLastError(NULL);
    return last && *last ? last : natsStatus_GetText(st);
}

natsStatus nats_stream_ensure(jsCtx *js, const char *stream, const char *subject, bool create, bool work_queue,
                              jsErrCode *jerr)
{
    jsStreamInfo *si = NULL;
    natsStatus st = js_GetStreamInfo(&si, js, stream, NULL, jerr);
    if (st == NATS_NOT_FOUND && create) {
        jsStreamConfig cfg;
        jsStreamConfig_Init(&cfg);
        cfg.Name = stream;
        const char *subjects[] = {subject};
        cfg.Subjects = subjects;
        cfg.SubjectsLen = 1;
        cfg.Storage = js_FileStorage;
        if (work_queue)
            cfg.Retention = js_WorkQueuePolicy;
        st = js_AddStream(&si, js, &cfg, NULL, jerr);
        if (st == NATS_OK)
            newsd_log(NEWSD_LOG_INFO, "created JetStream stream %s on %s%s", stream, subject,
                      work_queue ? " (work queue: a message leaves it once acknowledged)" : "");
    }
    jsStreamInfo_Destroy(si);
    return st;
}
