/* Transient faults and the articles waiting to be tried again; see retry.h. */
#include "retry.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>

#define RETRY_FIRST_MS 100
/* Short enough that an article is on its way again within seconds of the
 * fault clearing; long enough that a fault of hours costs little. */
#define RETRY_MAX_MS 10000

bool retry_shortage(int err)
{
    return err == EMFILE || err == ENFILE || err == ENOMEM || err == ENOBUFS;
}

bool retry_transient(int err)
{
    return retry_shortage(err) || err == ENOSPC || err == EDQUOT || err == EIO || err == EAGAIN ||
           err == EINTR;
}

unsigned retry_delay_ms(unsigned retries)
{
    unsigned ms = RETRY_FIRST_MS;
    for (unsigned i = 0; i < retries && ms < RETRY_MAX_MS; i++)
        ms *= 2;
    return ms < RETRY_MAX_MS ? ms : RETRY_MAX_MS;
}

struct retry_queue {
    uv_timer_t timer;
    struct job *head;      /* by due time, earliest first */
    unsigned n;
    retry_due_cb due;
    void *ud;
};

static void on_timer(uv_timer_t *t);

/* Wake at the first due time; from the timer itself only for a job in the
 * future, since a due one that the loop did not take (a reload is under
 * way) is taken by its next pump, not by polling. */
static void arm(struct retry_queue *q, bool from_timer)
{
    if (!q->head) {
        uv_timer_stop(&q->timer);
        return;
    }
    uint64_t now = uv_now(q->timer.loop);
    uint64_t due = (uint64_t)q->head->due_ms;
    if (due <= now && from_timer)
        return;
    uv_timer_start(&q->timer, on_timer, due > now ? due - now : 0, 0);
}

static void on_timer(uv_timer_t *t)
{
    struct retry_queue *q = t->data;
    q->due(q->ud);
    arm(q, true);
}

void retry_queue_start(struct retry_queue **out, uv_loop_t *loop, retry_due_cb due, void *ud)
{
    struct retry_queue *q = xcalloc(1, sizeof *q);
    uv_timer_init(loop, &q->timer);
    q->timer.data = q;
    q->due = due;
    q->ud = ud;
    *out = q;
}

void retry_queue_add(struct retry_queue *q, struct job *j, unsigned delay_ms)
{
    j->due_ms = (int64_t)(uv_now(q->timer.loop) + delay_ms);
    struct job **p = &q->head;
    while (*p && (*p)->due_ms <= j->due_ms)
        p = &(*p)->next;
    j->next = *p;
    *p = j;
    q->n++;
    arm(q, false);
}

struct job *retry_queue_pop_due(struct retry_queue *q)
{
    struct job *j = q->head;
    if (!j || (uint64_t)j->due_ms > uv_now(q->timer.loop)) {
        arm(q, false);
        return NULL;
    }
    q->head = j->next;
    j->next = NULL;
    q->n--;
    arm(q, false);
    return j;
}

unsigned retry_queue_count(const struct retry_queue *q)
{
    return q->n;
}

struct job *retry_queue_take_all(struct retry_queue *q)
{
    struct job *j = q->head;
    q->head = NULL;
    q->n = 0;
    uv_timer_stop(&q->timer);
    return j;
}

static void on_closed(uv_handle_t *h)
{
    free(h->data);
}

void retry_queue_stop(struct retry_queue *q)
{
    uv_close((uv_handle_t *)&q->timer, on_closed);
}
