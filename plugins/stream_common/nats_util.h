/* What sink_nats and input_nats share of libnats: the reason of a failure,
 * and a JetStream stream that must be there. */
#ifndef NEWSD_PLUGINS_NATS_UTIL_H
#define NEWSD_PLUGINS_NATS_UTIL_H

#include <nats/nats.h>
#include <stdbool.h>

/* The thread's last libnats error text, else the status's. */
const char *nats_reason(natsStatus st);

/* The stream named stream: NATS_OK when it is there, or when create is
 * set and it was created on subject (file storage, and work-queue
 * retention when work_queue is set; logged); otherwise the failure,
 * NATS_NOT_FOUND when it is missing and create is not set.  An existing
 * stream is left as it is (its subjects and retention are the
 * operator's). */
natsStatus nats_stream_ensure(jsCtx *js, const char *stream, const char *subject, bool create, bool work_queue,
                              jsErrCode *jerr);

#endif
