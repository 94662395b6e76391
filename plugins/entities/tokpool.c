#include "tokpool.h"

#include <stdlib.h>

void tokpool_init(struct tokpool *p)
{
    pthread_mutex_init(&p->lock, NULL);
    p->idle = NULL;
}

static void item_free(struct tokpool_item *it)
{
    toks_free(&it->toks);
    free(it);
}

void tokpool_fini(struct tokpool *p)
{
    while (p->idle) {
        struct tokpool_item *it = p->idle;
        p->idle = it->next;
        item_free(it);
    }
    pthread_mutex_destroy(&p->lock);
}

struct tokpool_item *tokpool_take(struct tokpool *p)
{
    pthread_mutex_lock(&p->lock);
    struct tokpool_item *it = p->idle;
    if (it)
        p->idle = it->next;
    pthread_mutex_unlock(&p->lock);
    if (!it)
        return calloc(1, sizeof *it);
    toks_clear(&it->toks);
    return it;
}

void tokpool_give(struct tokpool *p, struct tokpool_item *it)
{
    if (!it)
        return;
    if (it->toks.cap > TOKPOOL_KEEP_TOKENS) {
        item_free(it);
        return;
    }
    pthread_mutex_lock(&p->lock);
    it->next = p->idle;
    p->idle = it;
    pthread_mutex_unlock(&p->lock);
}
