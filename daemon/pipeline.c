/* The worker side of an article: read, identify, parse, run the plugins. */
#include "pipeline.h"
#include "xalloc.h"
#include "log.h"
#include "parse.h"
#include "retry.h"
#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct job *job_new(const char *name, int64_t received_ms)
{
    struct job *j = xcalloc(1, sizeof *j);
    j->name = xstrdup(name);
    j->received_ms = received_ms;
    return j;
}

void job_free(struct job *j)
{
    if (!j)
        return;
    article_free(j->article);
    free(j->cause);
    free(j->failed_id);
    free(j->name);
    free(j);
}

NEWSD_PRINTF(2, 0)
static void set_cause(struct job *j, const char *fmt, va_list ap)
{
    free(j->cause);
    if (vasprintf(&j->cause, fmt, ap) < 0)
        j->cause = NULL;
}

void job_fail(struct job *j, const char *plugin, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_cause(j, fmt, ap);
    va_end(ap);
    j->status = JOB_FAILED;
    j->plugin = NULL;
    if (plugin) {
        snprintf(j->plugin_name, sizeof j->plugin_name, "%s", plugin);
        j->plugin = j->plugin_name;
    }
}

void job_retry(struct job *j, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_cause(j, fmt, ap);
    va_end(ap);
    j->status = JOB_RETRY;
    j->fault = err;
}

/* An error of the work file itself: put off when it is transient (the
 * file is newsd's own and fine; the process or the disk is not), else the
 * article fails with why. */
static void file_error(const struct pipeline_opts *o, struct job *j, const char *what, int err)
{
    if (retry_transient(err))
        job_retry(j, err, "cannot %s %s%s%s: %s (%s)", what, o->dir_path ? o->dir_path : "",
                  o->dir_path ? "/" : "", j->name, strerror(err), strerrorname_np(err));
    else
        job_fail(j, NULL, "cannot %s: %s", what, strerror(err));
}

static const char *file_kind(mode_t m)
{
    if (S_ISDIR(m))
        return "is a directory, not a regular file";
    if (S_ISFIFO(m))
        return "is a FIFO (named pipe), not a regular file";
    if (S_ISSOCK(m))
        return "is a socket, not a regular file";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "is a device node, not a regular file";
    if (S_ISLNK(m))
        return "is a symbolic link; newsd only takes regular files (the link's target was not touched)";
    return "is not a regular file";
}

/* Open without following links or blocking on FIFOs, then insist on a
 * regular file within the size limit.  Returns the fd or -1 (job failed). */
static int open_checked(const struct pipeline_opts *o, struct job *j, struct stat *st)
{
    int fd = openat(o->dir_fd, j->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int e = errno;
        struct stat lst;
        if ((e == ELOOP || e == ENXIO || e == ENOTDIR) && fstatat(o->dir_fd, j->name, &lst, AT_SYMLINK_NOFOLLOW) == 0)
            job_fail(j, NULL, "%s", file_kind(lst.st_mode));
        else
            file_error(o, j, "open", e);
        return -1;
    }
    if (fstat(fd, st) < 0) {
        file_error(o, j, "stat", errno);
        close(fd);
        return -1;
    }
    if (!S_ISREG(st->st_mode)) {
        job_fail(j, NULL, "%s", file_kind(st->st_mode));
        close(fd);
        return -1;
    }
    if ((uint64_t)st->st_size > o->max_bytes) {
        job_fail(j, NULL, "file is %lld bytes, over the size limit of %llu bytes (max_article_bytes)",
                 (long long)st->st_size, (unsigned long long)o->max_bytes);
        close(fd);
        return -1;
    }
    return fd;
}

/* Read the whole file; a file that grows past the limit while we read is
 * refused like one that was too big to begin with. */
static unsigned char *read_all(const struct pipeline_opts *o, struct job *j, int fd, size_t hint, size_t *len)
{
    size_t cap = hint + 1, n = 0;
    unsigned char *buf = xmalloc(cap + 1);
    for (;;) {
        if (n == cap) {
            if (cap >= o->max_bytes + 1) {
                job_fail(j, NULL, "file grew past the size limit of %llu bytes while being read",
                         (unsigned long long)o->max_bytes);
                free(buf);
                return NULL;
            }
            cap *= 2;
            buf = xrealloc(buf, cap + 1);
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            file_error(o, j, "read", errno);
            free(buf);
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        /* All the bytes fstat() promised and a short read: that is the end,
         * no second read() just to be told so (a short read before that
         * point, as network file systems may give, reads on).  A file that
         * grows after this is the producer's race, as it was after a read
         * of 0; archive_fs's size check of its link catches it. */
        if (n >= hint && n < cap)
            break;
    }
    if (n > o->max_bytes) {
        job_fail(j, NULL, "file grew past the size limit of %llu bytes while being read",
                 (unsigned long long)o->max_bytes);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

void pipeline_run(const struct pipeline_opts *o, struct job *j)
{
    struct stat st;
    size_t len = 0;
    struct parsed_article parsed = {0};
    char *err = NULL;

    log_set_article(j->name, NULL);
    int fd = open_checked(o, j, &st);
    if (fd < 0)
        goto out;
    unsigned char *raw = read_all(o, j, fd, (size_t)st.st_size, &len);
    close(fd);
    if (!raw)
        goto out;

    j->article = article_new(j->name, j->received_ms);
    j->article->reprocessing = j->reprocessing;
    if (o->limits)
        j->article->limits = *o->limits;
    article_set_raw(j->article, raw, len);
    j->article->path = o->dir_path ? xasprintf("%s/%s", o->dir_path, j->name) : xstrdup(j->name);
    log_set_article(j->name, j->article->id);

    /* Committed before parsing and plugins: if either kills the process,
     * the next start knows which file was in its hands.  Without it a
     * crash would go uncounted, so a journal that cannot be written puts
     * the article off like any transient fault. */
    int jrc = spool_journal_begin(o->journal_fd, j->name);
    if (jrc < 0) {
        char link[64], path[PATH_MAX];
        snprintf(link, sizeof link, "/proc/self/fd/%d", o->journal_fd);
        ssize_t n = readlink(link, path, sizeof path - 1);
        path[n > 0 ? n : 0] = '\0';
        job_retry(j, -jrc, "cannot write the in-flight journal %s: %s (%s)", n > 0 ? path : "work/.inflight-N",
                  strerror(-jrc), strerrorname_np(-jrc));
        goto out;
    }
    if (parse_article(raw, len, j->name, &parsed, &err) < 0) {
        spool_journal_end(o->journal_fd);
        job_fail(j, NULL, "%s", err ? err : "cannot be parsed");
        free(err);
        goto out;
    }
    /* The log context names the file and the article. */
    if (parsed.warnings)
        log_warning("%s", parsed.warnings);
    article_take_parsed(j->article, &parsed);

    static const enum newsd_stage stages[] = {NEWSD_STAGE_PARSE, NEWSD_STAGE_TAG, NEWSD_STAGE_SCORE};
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
        const char *plugin = NULL;
        char *cause = NULL;
        if (!(o->plugins->stages & stages[i]))
            continue;
        if (plugin_set_run_stage(o->plugins, stages[i], j->article, &plugin, &cause) < 0) {
            job_fail(j, plugin, "%s", cause);
            free(cause);
            break;
        }
    }
    /* The text layer served these stages.  An article then waits for its
     * archive batch, with hundreds of others, and needs only its record:
     * tokens and stems held there were most of the daemon's memory in a
     * burst, and the case-folded copy of the text another copy of it.  An
     * archive plugin that asks builds them again. */
    article_drop_analysis(j->article);
    article_drop_folded(j->article);
    article_compact(j->article);
    if (j->status == JOB_PENDING) {
        /* The action is the core's, from the total the score stage left:
         * no plugin's order can change it (actions.h). */
        article_choose_action(j->article, &o->plugins->actions);
        j->article->processed_ms = now_ms();
        j->status = JOB_OK;
        /* The record is final: an archive's per-article work can run here,
         * on this worker, instead of on the single archive thread. */
        const char *plugin = NULL;
        char *cause = NULL;
        if (o->prepare_archive && plugin_set_prepare(o->plugins, j->article, &plugin, &cause) < 0) {
            job_fail(j, plugin, "%s", cause);
            free(cause);
        }
    }
    /* Only now: prepare() is a plugin's call on this worker too, and an
     * article that kills the process there must be counted as one that
     * does so in a stage, or every start would crash on it again. */
    spool_journal_end(o->journal_fd);
out:
    log_set_article(NULL, NULL);
}
