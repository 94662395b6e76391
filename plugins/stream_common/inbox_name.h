/* The inbox file name an input gives a message: where it came from, so
 * that a message the pipeline refuses lands in failed/ under a name (and
 * with a .reason whose "file:" line) that says the topic, partition and
 * offset (Kafka) or the stream and sequence (NATS); a "Newsd-Name" header,
 * when the producer sent one, is kept at the end, and with it the
 * extension the pipeline reads the format from.  Without one the name
 * ends in ".txt": the pipeline still recognises JSON and HTML by content.
 * No broker library needed, so the unit tests compile it in. */
#ifndef NEWSD_PLUGINS_INBOX_NAME_H
#define NEWSD_PLUGINS_INBOX_NAME_H

#include <stddef.h>
#include <stdint.h>

/* The longest Newsd-Name part kept (newsd_input_put() cleans and cuts
 * names at 200 bytes; the origin comes first, so it always survives). */
#define INBOX_NAME_GIVEN_MAX 160

/* "TOPIC-pPARTITION-oOFFSET.txt" or "TOPIC-pPARTITION-oOFFSET-GIVEN";
 * given need not be NUL-terminated (glen bytes; NULL or 0: none). */
void inbox_name_kafka(char *out, size_t cap, const char *topic, int32_t partition, int64_t offset,
                      const char *given, size_t glen);

/* "STREAM-SEQ.txt" or "STREAM-SEQ-GIVEN" (given NUL-terminated, or NULL). */
void inbox_name_nats(char *out, size_t cap, const char *stream, uint64_t seq, const char *given);

#endif
