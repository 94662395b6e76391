/* Articles archived per action (action_counts.h). */
#include "action_counts.h"
#include "actions.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* More names than any configuration has (at most ACTIONS_MAX at a time);
 * past it, articles count under the last row, "other". */
#define MAX_ROWS 64

struct row {
    char name[ACTION_NAME_MAX + 1];
    atomic_uint_fast64_t n;
};

static struct row rows[MAX_ROWS];
static atomic_size_t n_rows;   /* rows below it are complete */
static pthread_mutex_t append_lock = PTHREAD_MUTEX_INITIALIZER;

static struct row *find(const char *name, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].name, name) == 0)
            return &rows[i];
    return NULL;
}

static struct row *row_of(const char *name)
{
    size_t n = atomic_load_explicit(&n_rows, memory_order_acquire);
    struct row *r = find(name, n);
    if (r)
        return r;
    pthread_mutex_lock(&append_lock);
    n = atomic_load_explicit(&n_rows, memory_order_acquire);
    if (!(r = find(name, n))) {
        if (n >= MAX_ROWS - 1)   /* the last row is "other" */
            name = "other";
        if (!(r = find(name, n)) && n < MAX_ROWS) {
            r = &rows[n];
            snprintf(r->name, sizeof r->name, "%s", name);
            atomic_store_explicit(&n_rows, n + 1, memory_order_release);
        }
    }
    pthread_mutex_unlock(&append_lock);
    return r;
}

void action_counts_add(const char *action)
{
    struct row *r = row_of(action && *action ? action : "none");
    if (r)
        atomic_fetch_add_explicit(&r->n, 1, memory_order_relaxed);
}

json_t *action_counts_json(void)
{
    json_t *o = json_object();
    size_t n = atomic_load_explicit(&n_rows, memory_order_acquire);
    for (size_t i = 0; i < n; i++)
        json_object_set_new(o, rows[i].name,
                            json_integer((json_int_t)atomic_load_explicit(&rows[i].n, memory_order_relaxed)));
    return o;
}

void action_counts_write_prom(struct strbuf *sb)
{
    prom_header(sb, "newsd_articles_by_action_total", "counter",
                "Articles archived (and reprocessed), by the action their score total gave them.");
    size_t n = atomic_load_explicit(&n_rows, memory_order_acquire);
    for (size_t i = 0; i < n; i++) {
        char esc[80], labels[96];
        prom_escape(rows[i].name, esc, sizeof esc);
        snprintf(labels, sizeof labels, "action=\"%s\"", esc);
        prom_value(sb, "newsd_articles_by_action_total", labels,
                   (double)atomic_load_explicit(&rows[i].n, memory_order_relaxed));
    }
}
