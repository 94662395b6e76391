/*
 * Wall-clock budgets of plugin calls, and the record the watchdog reads.
 *
 * Every parse/tag/score call runs against a deadline: its plugin's budget
 * (max_ms in its section, else [daemon] max_plugin_ms), cut short by what
 * is left of the article's (max_article_ms, counted from the moment a
 * worker takes the article).  How each kind of plugin is held to it:
 *
 *   Lua  stopped from inside at the deadline (lua_limits.c: the count
 *        hook, the allocator, the pattern matcher and the sandbox's
 *        replacements all look at the clock);
 *   C    cannot be stopped: a call that returns late has failed whatever it
 *        returned (plugins.c), and one that does not return is found by the
 *        loop's watchdog (daemon.c) in the worker's watch record.
 *
 * The deadlines are thread-local: a worker brackets each article
 * (budget_article_begin/end) and plugins.c each call.  Worker threads also
 * attach a watch record that the loop thread reads; its fields are atomics.
 * The names it points to (plugin instance, job file name) stay valid while
 * they are set: both are freed only by the loop, after the worker has
 * cleared them and handed the job back.
 */
#ifndef NEWSD_BUDGET_H
#define NEWSD_BUDGET_H

#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/* The budget of one plugin call: max_ms in its section, else [daemon]
 * max_plugin_ms.  Returns 0, or -1 with *err (malloc'd) for a bad value. */
int budget_plugin_ms(const struct daemon_config *cfg, const struct plugin_section *sec, unsigned *ms,
                     char **err);

/* ---- on the thread that runs the plugins ------------------------------- */

/* The article the thread works on from now, and its budget (0: none). */
void budget_article_begin(const char *name, unsigned max_ms);
void budget_article_end(void);

struct budget_call {
    uint64_t start_ns, deadline_ns;   /* deadline 0: none */
    unsigned limit_ms;        /* the budget that sets the deadline */
    bool by_article;          /* ... is the article's, not the plugin's */
};

/* Before a call of plugin (max_ms its budget; 0: none, as in a zeroed
 * plugin_instance).  Returns 0, or -1 when the article's budget is already
 * spent: then the call must not be made. */
int budget_call_begin(struct budget_call *c, const char *plugin, unsigned max_ms);
/* After it.  Returns the time it took in ns. */
uint64_t budget_call_end(struct budget_call *c);
/* The call in progress on this thread, or NULL (init at load, archive
 * calls, threads that never called budget_call_begin). */
const struct budget_call *budget_current_call(void);

/* "its time budget (max_ms = 500)" or "the article's time budget
 * (max_article_ms = 2000)", into buf. */
const char *budget_describe(const struct budget_call *c, char *buf, size_t size);

/* ---- the watchdog's view --------------------------------------------------- */

struct budget_watch {
    /* In newsd's own work on the article (reading, parsing, between
     * calls) since then; 0: no article in hand or in a call. */
    atomic_uint_fast64_t core_since_ns;
    atomic_uint article_ms;
    atomic_uint_fast64_t call_since_ns;      /* 0: not in a plugin call */
    atomic_uint call_ms;
    _Atomic(const char *) plugin;
    _Atomic(const char *) article;
};

/* This thread reports its articles and calls in w from now on. */
void budget_watch_attach(struct budget_watch *w);

struct budget_stuck {
    bool in_call;             /* in a plugin's call (else in the core) */
    char plugin[128];
    char article[NAME_MAX + 1];
    uint64_t running_ms;      /* in the call (or in the core) so far */
    unsigned budget_ms;       /* the call's (or the article's) budget */
};

/* Whether w's thread has been in its current call for more than factor
 * times the call's budget, or in newsd's own work on its article for more
 * than factor times the article's; *out says where. */
bool budget_watch_stuck(struct budget_watch *w, uint64_t now_ns, unsigned factor, struct budget_stuck *out);

#endif
