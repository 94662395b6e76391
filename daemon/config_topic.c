#include "config_topic.h"
#include "xalloc.h"

#include <string.h>

const char *const config_topic_implied_keys[CONFIG_TOPIC_IMPLIED_COUNT] = {"so", "tag", "weights"};

char *config_topic_implied(const char *topic, size_t i)
{
    switch (i) {
    case 0: return xstrdup("keyword_tagger.so");
    case 1: return xasprintf("topic:%s", topic);
    default: return xstrdup("true");
    }
}

char *config_topic_key_refused(const char *topic, const char *key)
{
    if (strcmp(key, "so") == 0 || strcmp(key, "lua") == 0)
        return xasprintf("a [topic.NAME] section is always keyword_tagger; for another plugin "
                         "write [plugin.%s] with %s = ...", topic, key);
    if (strcmp(key, "tag") == 0 || strcmp(key, "prefix") == 0)
        return xasprintf("[topic.%s] always tags topic:%s; for another tag write [plugin.NAME] "
                         "so = keyword_tagger.so with %s = ...", topic, topic, key);
    return NULL;
}
