/*
 * The control API's work off the loop: archive queries and reprocessing run
 * on the libuv thread pool, because an archive may take its time (a search
 * over many articles, a server far away) and the loop must keep claiming.
 *
 * Reprocess: for each id, the archive's ORIGINAL query names the original
 * file (or carries its bytes); it is linked (or copied) into
 * work/.reprocess-<id> (spool.h: a name no producer's file can have in
 * work/) through a temporary name and a rename, so a crash never leaves
 * half a file there.  The loop then runs those files through the normal
 * pipeline with the article marked as reprocessing, and the archive
 * replaces its record.  A .reprocess-<id> file left by a crash is resumed
 * at the next start, still marked.
 */
#include "control_internal.h"
#include "fdio.h"
#include "log.h"
#include "spool.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Page size of the IDS queries of reprocess --all: a tenth of the op's
 * maximum keeps one answer a few hundred KiB. */
#define REPROCESS_IDS_PAGE 10000

bool control_set_can_query(const struct plugin_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        if (plugin_answers_queries(&set->v[i]))
            return true;
    return false;
}

/* ---- placing an original into work/ ---------------------------------------- */


static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -1;
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        int e = errno;
        close(in);
        errno = e;
        return -1;
    }
    unsigned char buf[65536];
    ssize_t r;
    int rc = 0;
    while ((r = read(in, buf, sizeof buf)) != 0) {
        if (r < 0) {
            if (errno == EINTR)
                continue;
            rc = -1;
            break;
        }
        if (write_all(out, buf, (size_t)r) < 0) {
            rc = -1;
            break;
        }
    }
    int e = errno;
    if (rc == 0 && fsync(out) < 0)
        rc = -1, e = errno;
    close(in);
    close(out);
    errno = e;
    return rc;
}

/* Write the original's bytes into a new file at path, durably. */
static int write_file(const char *path, const unsigned char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    int rc = write_all(fd, data, len), e = errno;
    if (rc == 0 && fsync(fd) < 0)
        rc = -1, e = errno;
    close(fd);
    errno = e;
    return rc;
}

/* Put the archive's original of id into work/.reprocess-<id>.  Returns the
 * name (malloc'd), or NULL with *why (malloc'd) and *status. */
static char *place_original(struct control *c, struct plugin_set *set, const char *id, int *status, char **why)
{
    struct newsd_query q;
    struct query_result res;

    query_init(&q, NEWSD_QUERY_ORIGINAL);
    q.id = id;
    if (plugin_set_query(set, &q, &res) != NEWSD_QUERY_OK) {
        *status = control_query_http_status(res.status);
        *why = res.reason;
        res.reason = NULL;
        query_result_free(&res);
        return NULL;
    }
    const char *path = res.original_path;
    char *name = xasprintf(SPOOL_REPROCESS_PREFIX "%s", id);
    char *dst = xasprintf("%s/%s", c->work_dir, name);
    char *tmp = xasprintf("%s/%s.tmp", c->work_dir, name);
    int rc;

    if (access(dst, F_OK) == 0) {
        *status = 409;
        *why = xstrdup("already queued for reprocessing");
        goto fail;
    }
    unlink(tmp);
    if (path) {
        /* A hard link costs nothing; the copy is for another file system. */
        rc = link(path, tmp);
        if (rc < 0 && (errno == EXDEV || errno == EPERM || errno == EMLINK))
            rc = copy_file(path, tmp);
    } else {
        rc = write_file(tmp, res.original, res.original_len);
    }
    /* rename over nothing: link() refuses an existing target, rename
     * would not, so check again right before (the loop is the only other
     * writer of such names, and it only removes them). */
    if (rc == 0 && access(dst, F_OK) == 0) {
        unlink(tmp);
        *status = 409;
        *why = xstrdup("already queued for reprocessing");
        goto fail;
    }
    if (rc < 0 || rename(tmp, dst) < 0) {
        int e = errno;
        unlink(tmp);
        *status = 500;
        *why = xasprintf("cannot put the original%s%s into %s: %s", path ? " " : "", path ? path : "",
                         c->work_dir, strerror(e));
        goto fail;
    }
    goto out;
fail:
    free(name);
    name = NULL;
out:
    query_result_free(&res);
    free(tmp);
    free(dst);
    return name;
}

static void add_name(struct request *r, char *name)
{
    r->names = xreallocarray(r->names, r->n_names + 1, sizeof *r->names);
    r->names[r->n_names++] = name;
}

/* A query's failure as the request's answer. */
static void answer_failure(struct request *r, struct query_result *res)
{
    r->status = control_query_http_status(res->status);
    r->answer = control_error_json(res->reason ? res->reason : "the archive could not answer");
}

/* Thread pool: {"id"} or {"all"}; the answer is set in r->answer/status. */
static void reprocess(struct control *c, struct request *r)
{
    int status = 200;
    char *why = NULL;

    if (r->reprocess_id) {
        char *name = place_original(c, r->set, r->reprocess_id, &status, &why);
        if (!name) {
            r->status = status;
            r->answer = control_error_json(why);
            free(why);
            return;
        }
        add_name(r, name);
        json_t *o = json_pack("{s:i,s:[]}", "queued", 1, "errors");
        r->status = 200;
        r->answer = xjson_dumps(o, JSON_COMPACT);
        json_decref(o);
        return;
    }

    json_t *errors = json_array();
    int64_t cursor = 0;
    for (;;) {
        /* The archive pages ids by cursor: next_cursor of one answer starts
         * the next, null at the end. */
        struct newsd_query q;
        struct query_result res;
        query_init(&q, NEWSD_QUERY_IDS);
        q.limit = REPROCESS_IDS_PAGE;
        q.cursor = cursor;
        if (plugin_set_query(r->set, &q, &res) != NEWSD_QUERY_OK) {
            answer_failure(r, &res);
            query_result_free(&res);
            json_decref(errors);
            return;
        }
        json_t *ids = json_object_get(res.json, "ids");
        if (!json_is_array(ids)) {
            /* Only a 1.0 archive's answer can be of another shape. */
            query_result_free(&res);
            json_decref(errors);
            r->status = 502;
            r->answer = control_error_json("the archive's answer to the \"ids\" op is not {\"ids\": [...]}");
            return;
        }
        size_t i;
        json_t *v;
        json_array_foreach(ids, i, v) {
            const char *id = json_string_value(v);
            if (!id || !newsd_id_valid(id))
                continue;
            char *name = place_original(c, r->set, id, &status, &why);
            if (name) {
                add_name(r, name);
            } else {
                json_t *e = json_pack("{s:s,s:s?}", "id", id, "error", why);
                json_array_append_new(errors, e ? e : json_pack("{s:s,s:s}", "id", id, "error",
                                                                "(the reason is not valid UTF-8)"));
                free(why);
                why = NULL;
            }
        }
        json_t *next = json_object_get(res.json, "next_cursor");
        bool more = json_is_integer(next) && json_integer_value(next) > cursor;
        if (more)
            cursor = json_integer_value(next);
        query_result_free(&res);
        if (!more)
            break;
    }
    json_t *o = json_pack("{s:I,s:o}", "queued", (json_int_t)r->n_names, "errors", errors);
    r->status = 200;
    r->answer = xjson_dumps(o, JSON_COMPACT);
    json_decref(o);
}

/* Most bytes of an original the dashboard hands out (articles are at most
 * max_article_bytes, 16 MiB by default). */
#define ORIGINAL_MAX ((size_t)256 << 20)

static int read_whole(const char *path, unsigned char **out, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > ORIGINAL_MAX) {
        int e = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
        close(fd);
        errno = e;
        return -1;
    }
    unsigned char *buf = xmalloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    *out = buf;
    *len = got;
    return 0;
}

/* EP_ORIGINAL: the bytes into r->original; the answer says only whether. */
static void original(struct request *r)
{
    struct query_result res;
    if (plugin_set_query(r->set, &r->query, &res) != NEWSD_QUERY_OK) {
        answer_failure(r, &res);
        query_result_free(&res);
        return;
    }
    if (res.original) {
        r->original = res.original;
        r->original_len = res.original_len;
        res.original = NULL;
    } else if (!res.original_path || read_whole(res.original_path, &r->original, &r->original_len) < 0) {
        r->status = 500;
        char *msg = xasprintf("cannot read the original %s: %s", res.original_path ? res.original_path : "",
                              strerror(errno));
        r->answer = control_error_json(msg);
        free(msg);
        query_result_free(&res);
        return;
    }
    r->status = 200;
    r->answer = xstrdup("{\"original\":true}");
    query_result_free(&res);
}

static void on_work(uv_work_t *w)
{
    struct request *r = w->data;
    struct control *c = r->srv->ctl;

    if (r->ep == EP_REPROCESS) {
        reprocess(c, r);
        return;
    }
    if (r->ep == EP_LEARN) {
        control_learn(c, r);
        return;
    }
    if (r->ep == EP_ORIGINAL) {
        original(r);
        return;
    }
    struct query_result res;
    if (plugin_set_query(r->set, &r->query, &res) == NEWSD_QUERY_OK) {
        r->status = 200;
        r->answer = xjson_dumps(res.json, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!r->answer) {
            r->status = 500;
            r->answer = control_error_json("newsd is out of memory for the answer");
        }
    } else {
        answer_failure(r, &res);
    }
    query_result_free(&res);
}

static void on_work_done(uv_work_t *w, int status)
{
    struct request *r = w->data;
    struct control *c = r->srv->ctl;
    char *answer = r->answer;

    (void)status;
    r->answer = NULL;
    r->set = NULL;
    if (r->n_names) {
        c->ops->reprocess(c->ud, r->names, r->n_names);
        r->names = NULL;
        r->n_names = 0;
    }
    /* Answer first, release after: the release may let a shutdown finish,
     * which needs this connection resumed. */
    control_answer(r, r->status, answer ? answer : control_error_json("no answer"));
    c->ops->release(c->ud);
}

void control_work_start(struct control *c, struct request *r)
{
    r->work.data = r;
    int rc = uv_queue_work(c->loop, &r->work, on_work, on_work_done);
    if (rc < 0) {
        c->ops->release(c->ud);
        r->set = NULL;
        char *msg = xasprintf("cannot start the query: %s", uv_strerror(rc));
        control_answer(r, 500, control_error_json(msg));
        free(msg);
    }
}
