/* Wall-clock budgets of plugin calls (see budget.h). */
#include "budget.h"
#include "metrics.h"
#include "xalloc.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MS 1000000ull

static _Thread_local uint64_t article_deadline_ns;   /* 0: none */
static _Thread_local unsigned article_ms;
static _Thread_local const struct budget_call *current;
static _Thread_local struct budget_watch *watch;

int budget_plugin_ms(const struct daemon_config *cfg, const struct plugin_section *sec, unsigned *ms,
                     char **err)
{
    const struct config_kv *kv = config_section_find(sec, "max_ms");
    /* A zeroed configuration (tests, tools) gets the daemon's default. */
    *ms = cfg->max_plugin_ms ? cfg->max_plugin_ms : CONFIG_DEFAULT_MAX_PLUGIN_MS;
    if (!kv)
        return 0;
    char *end;
    errno = 0;
    unsigned long v = strtoul(kv->value, &end, 10);
    if (errno || end == kv->value || *end || kv->value[0] == '-' || v < 10 || v > 3600000) {
        char at[PATH_MAX + 32];
        *err = xasprintf("%smax_ms = %s: expected a whole number of milliseconds from 10 to 3600000",
                         config_kv_where(kv, at, sizeof at), kv->value);
        return -1;
    }
    *ms = (unsigned)v;
    return 0;
}

void budget_article_begin(const char *name, unsigned max_ms)
{
    uint64_t now = metrics_now_ns();
    article_ms = max_ms;
    article_deadline_ns = max_ms ? now + max_ms * MS : 0;
    if (watch) {
        atomic_store(&watch->article, name);
        atomic_store(&watch->article_ms, max_ms);
        atomic_store(&watch->core_since_ns, now);
    }
}

void budget_article_end(void)
{
    article_deadline_ns = 0;
    article_ms = 0;
    if (watch)
        atomic_store(&watch->core_since_ns, 0);
}

int budget_call_begin(struct budget_call *c, const char *plugin, unsigned max_ms)
{
    c->start_ns = metrics_now_ns();
    c->deadline_ns = max_ms ? c->start_ns + max_ms * MS : 0;
    c->limit_ms = max_ms;
    c->by_article = false;
    if (article_deadline_ns && (!c->deadline_ns || article_deadline_ns <= c->deadline_ns)) {
        c->deadline_ns = article_deadline_ns;
        c->limit_ms = article_ms;
        c->by_article = true;
        if (c->start_ns >= article_deadline_ns)
            return -1;
    }
    current = c;
    if (watch) {
        atomic_store(&watch->plugin, plugin);
        /* The plugin's own budget, not what is left of the article's: a
         * call that starts with 5 ms left is not stuck after 10 ms. */
        atomic_store(&watch->call_ms, max_ms);
        atomic_store(&watch->call_since_ns, c->start_ns);
    }
    return 0;
}

uint64_t budget_call_end(struct budget_call *c)
{
    uint64_t now = metrics_now_ns();
    if (watch) {
        /* Core time counts from here: a long call is not the core's. */
        if (atomic_load(&watch->core_since_ns))
            atomic_store(&watch->core_since_ns, now);
        atomic_store(&watch->call_since_ns, 0);
    }
    current = NULL;
    return now - c->start_ns;
}

const struct budget_call *budget_current_call(void)
{
    return current;
}

const char *budget_describe(const struct budget_call *c, char *buf, size_t size)
{
    if (c->by_article)
        snprintf(buf, size, "the article's time budget (max_article_ms = %u)", c->limit_ms);
    else
        snprintf(buf, size, "its time budget (max_ms = %u)", c->limit_ms);
    return buf;
}

void budget_watch_attach(struct budget_watch *w)
{
    watch = w;
}

bool budget_watch_stuck(struct budget_watch *w, uint64_t now_ns, unsigned factor, struct budget_stuck *out)
{
    uint64_t since = atomic_load(&w->call_since_ns);
    uint64_t budget = atomic_load(&w->call_ms);
    out->in_call = since != 0;
    if (!since) {
        since = atomic_load(&w->core_since_ns);
        budget = atomic_load(&w->article_ms);
    }
    if (!since || !budget || now_ns <= since || now_ns - since <= factor * budget * MS)
        return false;
    const char *plugin = atomic_load(&w->plugin);
    const char *article = atomic_load(&w->article);
    snprintf(out->plugin, sizeof out->plugin, "%s", out->in_call && plugin ? plugin : "");
    snprintf(out->article, sizeof out->article, "%s", article ? article : "");
    out->running_ms = (now_ns - since) / MS;
    out->budget_ms = (unsigned)budget;
    return true;
}
