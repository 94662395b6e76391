/*
 * The control API's work off the loop: archive queries and reprocessing run
 * on the libuv thread pool, because an archive may take its time (a search
 * over many articles, a server far away) and the loop must keep claiming.
 *
 * Reprocess: for each id, the archive's "original" query op names the
 * original file (or carries its bytes); it is linked (or copied) into
 * work/reprocess-<id> through a dot-name and a rename, so a crash never
 * leaves half a file there.  The loop then runs those files through the
 * normal pipeline with the article marked as reprocessing, and the archive
 * replaces its record.  A reprocess-<id> file left by a crash is resumed
 * at the next start, still marked.
 */
#include "control_internal.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool control_set_can_query(const struct plugin_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct plugin_instance *p = &set->v[i];
        if ((p->desc->stages & NEWSD_STAGE_ARCHIVE) && p->desc->query && p->initialised)
            return true;
    }
    return false;
}

/* ---- placing an original into work/ ---------------------------------------- */

static int b64_value(int ch)
{
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == '+' || ch == '-') return 62;
    if (ch == '/' || ch == '_') return 63;
    return -1;
}

static unsigned char *b64_decode(const char *s, size_t *len)
{
    size_t n = strlen(s), o = 0;
    unsigned char *out = malloc(n / 4 * 3 + 4);
    unsigned acc = 0, bits = 0;
    if (!out)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '=' || s[i] == '\n' || s[i] == '\r')
            continue;
        int v = b64_value((unsigned char)s[i]);
        if (v < 0) {
            free(out);
            return NULL;
        }
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    *len = o;
    return out;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

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

/* Put the archive's original of id into work/reprocess-<id>.  Returns the
 * name (malloc'd), or NULL with *why (malloc'd) and *status. */
static char *place_original(struct control *c, struct plugin_set *set, const char *id, int *status, char **why)
{
    char *req = NULL, *resp = NULL, *name = NULL, *tmp = NULL, *dst = NULL;
    json_t *root = NULL;

    if (asprintf(&req, "{\"op\":\"original\",\"id\":\"%s\"}", id) < 0)
        abort();
    if (plugin_set_query(set, req, &resp) != NEWSD_OK) {
        char *msg = NULL;
        *status = control_archive_error(resp, &msg);
        *why = msg;
        goto out;
    }
    root = json_loads(resp ? resp : "", 0, NULL);
    const char *path = json_string_value(json_object_get(root, "path"));
    const char *b64 = json_string_value(json_object_get(root, "base64"));
    if (!path && !b64) {
        *status = 502;
        *why = strdup("the archive's answer to the \"original\" op has neither \"path\" nor \"base64\"");
        goto out;
    }
    if (asprintf(&name, "reprocess-%s", id) < 0 || asprintf(&dst, "%s/%s", c->work_dir, name) < 0 ||
        asprintf(&tmp, "%s/.%s.tmp", c->work_dir, name) < 0)
        abort();
    if (access(dst, F_OK) == 0) {
        *status = 409;
        *why = strdup("already queued for reprocessing");
        goto fail;
    }
    unlink(tmp);
    int rc;
    if (path) {
        /* A hard link costs nothing; the copy is for another file system. */
        rc = link(path, tmp);
        if (rc < 0 && (errno == EXDEV || errno == EPERM || errno == EMLINK))
            rc = copy_file(path, tmp);
    } else {
        size_t len = 0;
        unsigned char *raw = b64_decode(b64, &len);
        rc = -1;
        errno = EINVAL;
        if (raw) {
            int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
            rc = fd < 0 ? -1 : write_all(fd, raw, len);
            if (fd >= 0) {
                int e = errno;
                if (rc == 0 && fsync(fd) < 0)
                    rc = -1, e = errno;
                close(fd);
                errno = e;
            }
            free(raw);
        }
    }
    /* rename over nothing: link() refuses an existing target, rename
     * would not, so check again right before (the loop is the only other
     * writer of such names, and it only removes them). */
    if (rc == 0 && access(dst, F_OK) == 0) {
        unlink(tmp);
        *status = 409;
        *why = strdup("already queued for reprocessing");
        goto fail;
    }
    if (rc < 0 || rename(tmp, dst) < 0) {
        int e = errno;
        unlink(tmp);
        *status = 500;
        if (asprintf(why, "cannot put the original%s%s into %s: %s", path ? " " : "", path ? path : "",
                     c->work_dir, strerror(e)) < 0)
            abort();
        goto fail;
    }
    goto out;
fail:
    free(name);
    name = NULL;
out:
    json_decref(root);
    free(req);
    free(resp);
    free(tmp);
    free(dst);
    return name;
}

static void add_name(struct request *r, char *name)
{
    char **v = realloc(r->names, (r->n_names + 1) * sizeof *v);
    if (!v)
        abort();
    r->names = v;
    r->names[r->n_names++] = name;
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
        r->answer = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        return;
    }

    json_t *errors = json_array();
    json_int_t cursor = 0;
    for (;;) {
        /* The archive pages ids by cursor: next_cursor of one answer starts
         * the next, null at the end. */
        char *req = NULL, *resp = NULL;
        if (asprintf(&req, "{\"op\":\"ids\",\"limit\":10000,\"cursor\":%lld}", (long long)cursor) < 0)
            abort();
        int rc = plugin_set_query(r->set, req, &resp);
        free(req);
        if (rc != NEWSD_OK) {
            char *msg = NULL;
            r->status = control_archive_error(resp, &msg);
            r->answer = control_error_json(msg);
            free(msg);
            free(resp);
            json_decref(errors);
            return;
        }
        json_t *root = json_loads(resp ? resp : "", 0, NULL);
        free(resp);
        json_t *ids = json_is_array(root) ? root : json_object_get(root, "ids");
        if (!json_is_array(ids)) {
            json_decref(root);
            json_decref(errors);
            r->status = 502;
            r->answer = control_error_json("the archive's answer to the \"ids\" op is not {\"ids\": [...]}");
            return;
        }
        size_t i;
        json_t *v;
        json_array_foreach(ids, i, v) {
            const char *id = json_string_value(v);
            if (!id || !control_valid_id(id))
                continue;
            char *name = place_original(c, r->set, id, &status, &why);
            if (name) {
                add_name(r, name);
            } else {
                json_array_append_new(errors, json_pack("{s:s,s:s?}", "id", id, "error", why));
                free(why);
                why = NULL;
            }
        }
        json_t *next = json_is_object(root) ? json_object_get(root, "next_cursor") : NULL;
        bool more = json_is_integer(next) && json_integer_value(next) > cursor;
        if (more)
            cursor = json_integer_value(next);
        json_decref(root);
        if (!more)
            break;
    }
    json_t *o = json_pack("{s:I,s:o}", "queued", (json_int_t)r->n_names, "errors", errors);
    r->status = 200;
    r->answer = json_dumps(o, JSON_COMPACT);
    json_decref(o);
}

static void on_work(uv_work_t *w)
{
    struct request *r = w->data;
    struct control *c = r->srv->ctl;

    if (r->ep == EP_REPROCESS) {
        reprocess(c, r);
        return;
    }
    char *resp = NULL;
    if (plugin_set_query(r->set, r->query, &resp) == NEWSD_OK) {
        r->status = 200;
        r->answer = resp ? resp : strdup("null");
    } else {
        char *msg = NULL;
        r->status = control_archive_error(resp, &msg);
        r->answer = control_error_json(msg);
        free(msg);
        free(resp);
    }
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
        char *msg;
        if (asprintf(&msg, "cannot start the query: %s", uv_strerror(rc)) < 0)
            abort();
        control_answer(r, 500, control_error_json(msg));
        free(msg);
    }
}
