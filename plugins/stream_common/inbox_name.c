/* The inbox names of input_kafka and input_nats; see inbox_name.h. */
#include "inbox_name.h"

#include <stdio.h>
#include <string.h>

void inbox_name_kafka(char *out, size_t cap, const char *topic, int32_t partition, int64_t offset,
                      const char *given, size_t glen)
{
    if (given && glen)
        snprintf(out, cap, "%s-p%d-o%lld-%.*s", topic, (int)partition, (long long)offset,
                 (int)(glen < INBOX_NAME_GIVEN_MAX ? glen : INBOX_NAME_GIVEN_MAX), given);
    else
        snprintf(out, cap, "%s-p%d-o%lld.txt", topic, (int)partition, (long long)offset);
}

void inbox_name_nats(char *out, size_t cap, const char *stream, uint64_t seq, const char *given)
{
    if (given && *given)
        snprintf(out, cap, "%s-%llu-%.*s", stream, (unsigned long long)seq, INBOX_NAME_GIVEN_MAX, given);
    else
        snprintf(out, cap, "%s-%llu.txt", stream, (unsigned long long)seq);
}
