/* Inputs, their threads and the newsd_input_*() functions; see inputs.h. */
#include "inputs.h"
#include "fdio.h"
#include "log.h"
#include "pipeline.h"
#include "plugin_config.h"
#include "plugins.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

/* How long a count of the backlog is trusted: counting is a readdir of up
 * to max_backlog names, too much for every message of a burst. */
#define BACKLOG_CACHE_MS 20
/* The longest newsd_input_wait() sleeps before it looks again. */
#define WAIT_STEP_MS 50
#define MAX_GAUGES 8
#define GAUGE_NAME_MAX 32

const struct newsd_config_key input_core_keys[] = {
    {"max_backlog", "stop fetching while inbox/ and work/ hold this many files (default 1000)"},
    {NULL, NULL},
};

int input_policy_parse(const struct plugin_section *s, int64_t *max_backlog, char **err)
{
    struct newsd_config conf = {s, NULL, NEWSD_RUN_DAEMON};
    log_capture_begin();
    int rc = newsd_config_get_int(&conf, "max_backlog", INPUT_DEFAULT_MAX_BACKLOG, 1, 10000000, max_backlog);
    char *logged = log_capture_end();
    if (rc != NEWSD_OK) {
        *err = logged ? logged : xasprintf("[plugin.%s] max_backlog does not parse", s->name);
        return -1;
    }
    free(logged);
    return 0;
}

struct gauge {
    char name[GAUGE_NAME_MAX];
    int64_t value;
};

struct newsd_input {
    struct plugin_instance *p;
    int tmp_fd, inbox_fd, work_fd, failed_fd;
    uv_thread_t thread;
    bool started;
    uv_mutex_t mu;            /* guards what follows */
    uv_cond_t cv;
    bool stop, running;
    uint64_t seq;             /* names of the files in tmp/ */
    uint64_t put, put_errors, full_waits, held;
    int64_t backlog, backlog_at_ms;
    struct gauge gauges[MAX_GAUGES];
    size_t n_gauges;
};

struct inputs {
    struct newsd_input *v;
    size_t n;
};

/* ---- back-pressure ------------------------------------------------------- */

/* Files in one folder, counting up to cap. */
static int64_t count_files(int dir_fd, int64_t cap)
{
    int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    int64_t n = 0;
    struct dirent *e;
    while (n < cap && (e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static int64_t backlog(struct newsd_input *in)
{
    int64_t now = now_ms(), cap = in->p->input_max_backlog;
    uv_mutex_lock(&in->mu);
    bool fresh = now - in->backlog_at_ms < BACKLOG_CACHE_MS;
    int64_t n = in->backlog;
    uv_mutex_unlock(&in->mu);
    if (fresh)
        return n;
    n = count_files(in->inbox_fd, cap);
    if (n < cap)
        n += count_files(in->work_fd, cap - n);
    uv_mutex_lock(&in->mu);
    in->backlog = n;
    in->backlog_at_ms = now;
    uv_mutex_unlock(&in->mu);
    return n;
}

int newsd_input_wait(newsd_input *in, int64_t timeout_ms)
{
    int64_t until = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    bool counted_full = false;
    for (;;) {
        uv_mutex_lock(&in->mu);
        bool stop = in->stop;
        uv_mutex_unlock(&in->mu);
        if (stop)
            return NEWSD_INPUT_STOP;
        if (backlog(in) < in->p->input_max_backlog)
            return NEWSD_INPUT_FETCH;
        if (!counted_full) {
            counted_full = true;
            uv_mutex_lock(&in->mu);
            in->full_waits++;
            uv_mutex_unlock(&in->mu);
        }
        int64_t left = until - now_ms();
        if (left <= 0)
            return NEWSD_INPUT_FULL;
        uv_mutex_lock(&in->mu);
        if (!in->stop)
            uv_cond_timedwait(&in->cv, &in->mu, (uint64_t)(left < WAIT_STEP_MS ? left : WAIT_STEP_MS) * 1000000u);
        uv_mutex_unlock(&in->mu);
    }
}


/* ---- redeliveries ------------------------------------------------------- */

/* The file name in dir_fd holds exactly these bytes. */
static bool same_file(int dir_fd, const char *name, const unsigned char *data, size_t len)
{
    int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    bool same = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == len;
    unsigned char buf[65536];
    for (size_t at = 0; same && at < len;) {
        ssize_t r = read(fd, buf, len - at < sizeof buf ? len - at : sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        same = r > 0 && memcmp(buf, data + at, (size_t)r) == 0;
        at += r > 0 ? (size_t)r : 0;
    }
    close(fd);
    return same;
}

/* Where newsd already holds this message under its name (inbox/, work/
 * or failed/), or NULL.  An input names a message by its origin (topic,
 * partition, offset; stream, sequence), so the same name with the same
 * bytes is the same message delivered again: the broker did not hear the
 * ack before newsd stopped.  Taking it again would be harmless for an
 * article (its id deduplicates) but not for a poison message: the plugin
 * that crashed on it would crash again before the ack of the copy, the
 * broker would deliver it once more, and the stream would never get past
 * it.  The file there is durable, so the message can be acknowledged. */
static const char *held_as(struct newsd_input *in, const char *name, const void *data, size_t len)
{
    const struct {
        int fd;
        const char *folder;
    } places[] = {{in->inbox_fd, "inbox/"}, {in->work_fd, "work/"}, {in->failed_fd, "failed/"}};
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++)
        if (places[i].fd >= 0 && same_file(places[i].fd, name, data, len))
            return places[i].folder;
    return NULL;
}

/* ---- putting a message into the inbox ------------------------------------ */

/* The file name: no '/', no control characters, no leading '.' (a hidden
 * name is one the inbox ignores), at most 200 bytes so a suffix fits. */
static void clean_name(const char *name, char out[256])
{
    size_t n = 0;
    for (const char *c = name ? name : ""; *c && n < 200; c++) {
        bool bad = *c == '/' || (unsigned char)*c < 0x20 || *c == 0x7f || (n == 0 && *c == '.');
        out[n++] = bad ? '_' : *c;
    }
    out[n] = '\0';
    if (!n)
        snprintf(out, 256, "message");
}

/* name, then name-1.ext, name-2.ext ...: the extension stays last, since
 * the pipeline reads the format from it. */
static void nth_name(const char *name, unsigned i, char out[256])
{
    if (!i) {
        snprintf(out, 256, "%s", name);
        return;
    }
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name)
        dot = name + strlen(name);
    snprintf(out, 256, "%.*s-%u%s", (int)(dot - name), name, i, dot);
}

int newsd_input_put(newsd_input *in, const char *name, const void *data, size_t len)
{
    char clean[256], tmp[300], target[256];
    clean_name(name, clean);
    const char *held = held_as(in, clean, data, len);
    if (held) {
        uv_mutex_lock(&in->mu);
        in->held++;
        uv_mutex_unlock(&in->mu);
        log_info("input %s: %s is in %s already, with the same bytes: delivered again, acknowledged without a "
                 "second copy", in->p->name, clean, held);
        return NEWSD_OK;
    }
    uv_mutex_lock(&in->mu);
    uint64_t seq = ++in->seq;
    uv_mutex_unlock(&in->mu);
    snprintf(tmp, sizeof tmp, ".input-%s-%llu-%llu", in->p->name, (unsigned long long)getpid(),
             (unsigned long long)seq);
    int rc = 0;
    int fd = openat(in->tmp_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        rc = -errno;
    if (!rc)
        rc = write_all(fd, data, len);
    if (!rc && fsync(fd) < 0)
        rc = -errno;
    if (fd >= 0 && close(fd) < 0 && !rc)
        rc = -errno;
    const char *step = "write to tmp/";
    if (!rc) {
        step = "rename into inbox/";
        rc = -EEXIST;
        for (unsigned i = 0; i < 10000 && rc == -EEXIST; i++) {
            nth_name(clean, i, target);
            rc = renameat2(in->tmp_fd, tmp, in->inbox_fd, target, RENAME_NOREPLACE) < 0 ? -errno : 0;
        }
    }
    if (!rc && fsync(in->inbox_fd) < 0) {
        /* Renamed but not known to be durable: the message is not acked,
         * and the file may be taken as well; the id deduplicates. */
        step = "fsync of inbox/";
        rc = -errno;
    }
    if (rc && fd >= 0 && strcmp(step, "fsync of inbox/") != 0)
        unlinkat(in->tmp_fd, tmp, 0);
    uv_mutex_lock(&in->mu);
    if (rc)
        in->put_errors++;
    else
        in->put++;
    in->backlog++;   /* until the next count */
    uv_mutex_unlock(&in->mu);
    if (rc) {
        log_error("input %s: %s: %s failed: %s; not acknowledged, it comes again", in->p->name, clean, step,
                  strerror(-rc));
        return NEWSD_ERROR;
    }
    return NEWSD_OK;
}

/* The gauge's slot, or -1; under in->mu. */
static int gauge_index(const struct newsd_input *in, const char *name)
{
    for (size_t i = 0; i < in->n_gauges; i++)
        if (strcmp(in->gauges[i].name, name) == 0)
            return (int)i;
    return -1;
}

void newsd_input_gauge(newsd_input *in, const char *name, int64_t value)
{
    if (!name || !*name || strlen(name) >= GAUGE_NAME_MAX || strspn(name, "abcdefghijklmnopqrstuvwxyz_") != strlen(name))
        return;
    uv_mutex_lock(&in->mu);
    int i = gauge_index(in, name);
    if (i < 0 && in->n_gauges < MAX_GAUGES) {
        i = (int)in->n_gauges++;
        snprintf(in->gauges[i].name, GAUGE_NAME_MAX, "%s", name);
    }
    if (i >= 0)
        in->gauges[i].value = value;
    uv_mutex_unlock(&in->mu);
}

/* ---- the threads --------------------------------------------------------- */

static void input_main(void *arg)
{
    struct newsd_input *in = arg;
    log_set_plugin(in->p->name);
    int rc = in->p->desc->run(in->p->state, in);
    uv_mutex_lock(&in->mu);
    bool stopping = in->stop;
    in->running = false;
    uv_mutex_unlock(&in->mu);
    if (rc != NEWSD_OK)
        log_error("input %s ended with an error (see above); it starts again at the next reload", in->p->name);
    else if (!stopping)
        log_warning("input %s ended on its own; it starts again at the next reload", in->p->name);
    log_set_plugin(NULL);
}

static int open_folder(const char *state_dir, const char *name)
{
    char *path = xasprintf("%s/%s", state_dir, name);
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(path);
    return fd;
}

struct inputs *inputs_start(const char *state_dir, struct plugin_set *set)
{
    struct inputs *s = xcalloc(1, sizeof *s);
    for (size_t i = 0; set && i < set->n; i++)
        s->n += set->v[i].desc->run && set->v[i].initialised;
    if (!s->n)
        return s;
    s->v = xcalloc(s->n, sizeof *s->v);
    size_t k = 0;
    for (size_t i = 0; i < set->n; i++) {
        struct plugin_instance *p = &set->v[i];
        if (!p->desc->run || !p->initialised)
            continue;
        struct newsd_input *in = &s->v[k++];
        in->p = p;
        in->running = true;
        in->tmp_fd = open_folder(state_dir, "tmp");
        in->inbox_fd = open_folder(state_dir, "inbox");
        in->work_fd = open_folder(state_dir, "work");
        in->failed_fd = open_folder(state_dir, "failed");   /* -1: no check there (held_as) */
        /* Fails only without memory, like xalloc.h's functions. */
        if (uv_mutex_init(&in->mu) != 0 || uv_cond_init(&in->cv) != 0)
            abort();
        if (in->tmp_fd < 0 || in->inbox_fd < 0 || in->work_fd < 0) {
            log_error("input %s: cannot open tmp/, inbox/ or work/ of %s: %s; not started", p->name, state_dir,
                      strerror(errno));
            in->running = false;
            continue;
        }
        if (uv_thread_create(&in->thread, input_main, in) != 0) {
            log_error("input %s: cannot start its thread; not started", p->name);
            in->running = false;
            continue;
        }
        in->started = true;
        log_info("input %s (%s): started, max_backlog %lld", p->name, p->desc->name,
                 (long long)p->input_max_backlog);
    }
    return s;
}

void inputs_stop(struct inputs *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        struct newsd_input *in = &s->v[i];
        uv_mutex_lock(&in->mu);
        in->stop = true;
        uv_cond_broadcast(&in->cv);
        uv_mutex_unlock(&in->mu);
    }
    for (size_t i = 0; i < s->n; i++) {
        struct newsd_input *in = &s->v[i];
        if (in->started)
            uv_thread_join(&in->thread);
        uv_cond_destroy(&in->cv);
        uv_mutex_destroy(&in->mu);
        int fds[] = {in->tmp_fd, in->inbox_fd, in->work_fd, in->failed_fd};
        for (size_t f = 0; f < sizeof fds / sizeof fds[0]; f++)
            if (fds[f] >= 0)
                close(fds[f]);
    }
    free(s->v);
    free(s);
}

/* ---- figures ------------------------------------------------------------- */

json_t *inputs_status(struct inputs *s)
{
    json_t *a = json_array();
    for (size_t i = 0; s && i < s->n; i++) {
        struct newsd_input *in = &s->v[i];
        uv_mutex_lock(&in->mu);
        json_t *o = json_pack("{s:s,s:s,s:b,s:I,s:I,s:I,s:I,s:I,s:I}", "name", in->p->name, "plugin",
                              in->p->desc->name, "running", in->running, "max_backlog",
                              (json_int_t)in->p->input_max_backlog, "backlog", (json_int_t)in->backlog, "put",
                              (json_int_t)in->put, "put_errors", (json_int_t)in->put_errors, "full_waits",
                              (json_int_t)in->full_waits, "redelivered_held", (json_int_t)in->held);
        for (size_t g = 0; g < in->n_gauges; g++)
            json_object_set_new(o, in->gauges[g].name, json_integer(in->gauges[g].value));
        uv_mutex_unlock(&in->mu);
        json_array_append_new(a, o);
    }
    return a;
}

void inputs_metrics(struct inputs *s, struct strbuf *sb)
{
    static const struct {
        const char *name, *type, *help;
    } m[] = {
        {"newsd_input_put_total", "counter", "Messages an input put durably into the inbox."},
        {"newsd_input_put_errors_total", "counter", "Messages an input could not put (not acknowledged)."},
        {"newsd_input_backlog", "gauge", "Files in inbox/ and work/ as the input last counted them."},
        {"newsd_input_full_waits_total", "counter", "Times an input waited for the backlog to fall."},
        {"newsd_input_redelivered_held_total", "counter",
         "Messages delivered again that newsd held already (same name and bytes): acknowledged, not put."},
    };
    if (!s || !s->n)
        return;
    for (size_t k = 0; k < sizeof m / sizeof m[0]; k++) {
        prom_header(sb, m[k].name, m[k].type, m[k].help);
        for (size_t i = 0; i < s->n; i++) {
            struct newsd_input *in = &s->v[i];
            char esc[256], labels[300];
            prom_escape(in->p->name, esc, sizeof esc);
            snprintf(labels, sizeof labels, "input=\"%s\"", esc);
            uv_mutex_lock(&in->mu);
            double v[] = {(double)in->put, (double)in->put_errors, (double)in->backlog, (double)in->full_waits,
                          (double)in->held};
            uv_mutex_unlock(&in->mu);
            prom_value(sb, m[k].name, labels, v[k]);
        }
    }
    /* The plugins' own figures (lag, in_flight, errors ...): a series per
     * name, with a header once however many inputs report it. */
    for (size_t i = 0; i < s->n; i++) {
        uv_mutex_lock(&s->v[i].mu);
        for (size_t g = 0; g < s->v[i].n_gauges; g++) {
            const char *name = s->v[i].gauges[g].name;
            bool seen = false;
            for (size_t j = 0; j < i && !seen; j++)
                seen = gauge_index(&s->v[j], name) >= 0;
            if (seen)
                continue;
            char series[64];
            snprintf(series, sizeof series, "newsd_input_%s", name);
            prom_header(sb, series, "gauge", "A figure the input plugin reports (newsd_input_gauge()).");
            for (size_t j = i; j < s->n; j++) {
                if (j != i)
                    uv_mutex_lock(&s->v[j].mu);
                int at = gauge_index(&s->v[j], name);
                if (at >= 0) {
                    char esc[256], labels[300];
                    prom_escape(s->v[j].p->name, esc, sizeof esc);
                    snprintf(labels, sizeof labels, "input=\"%s\"", esc);
                    prom_value(sb, series, labels, (double)s->v[j].gauges[at].value);
                }
                if (j != i)
                    uv_mutex_unlock(&s->v[j].mu);
            }
        }
        uv_mutex_unlock(&s->v[i].mu);
    }
}
