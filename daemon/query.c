/* Archive queries: the typed query contract of the plugin ABI (WIP: moving here from plugins.c). */
#include "plugins.h"
#include "log.h"
#include "xalloc.h"

#include <stdlib.h>

int plugin_set_query(struct plugin_set *set, const char *request, char **response)
{
    *response = NULL;
    for (size_t i = 0; i < set->n; i++) {
        struct plugin_instance *p = &set->v[i];
        if (!(p->desc->stages & NEWSD_STAGE_ARCHIVE) || !p->desc->query || !p->initialised)
            continue;
        log_set_plugin(p->name);
        int rc = p->desc->query(p->state, request, response);
        log_set_plugin(NULL);
        if (rc != NEWSD_OK && !*response)
            *response = xasprintf("archive plugin %s could not answer", p->name);
        return rc == NEWSD_OK ? NEWSD_OK : NEWSD_ERROR;
    }
    *response = xasprintf("no configured archive plugin answers queries (archive_sqlite does)");
    return NEWSD_ERROR;
}
