/*
 * newsctl: the command-line client of newsd's control API (docs/api.md).
 *
 * Exit codes, for scripts: 0 ok, 1 the daemon answered with an error,
 * 2 usage, 3 cannot connect (not running, or no permission on the socket).
 */
#include "check.h"
#include "client.h"
#include "xalloc.h"
#include "render.h"

#include <curl/curl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_STATE_DIR "/var/lib/newsd"
#define SYSTEMD_SOCKET "/run/newsd/control.sock"
#define EXPORT_PAGE 500

struct opts {
    const char *socket;
    const char *state_dir, *db;
    bool json;
    const char *tag, *min_score, *max_score, *since, *until, *lang, *limit, *offset, *action;
    bool all;
    bool dead;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: newsctl [-s SOCKET | -d STATE_DIR] [--json] COMMAND [ARGS]\n"
            "\n"
            "commands:\n"
            "  status                        the running daemon: uptime, plugins, counters\n"
            "  health                        ok, or the current problems (exit 0 healthy, 1 not)\n"
            "  list [--tag T] [--min-score N] [--max-score N] [--since DATE] [--until DATE]\n"
            "       [--lang L] [--action A | --all] [--limit N] [--offset N]\n"
            "                                archived articles, newest first; without\n"
            "                                --action or --all, not those of the hidden\n"
            "                                action ([actions] hide, discard by default)\n"
            "  search TEXT [--tag T] [--min-score N] [--max-score N] [--since DATE]\n"
            "       [--until DATE] [--lang L] [--action A] [--limit N] [--offset N]\n"
            "                                full-text search, best match first, among the\n"
            "                                articles that pass the filters\n"
            "  show ID                       one article with its tags and score breakdown\n"
            "  export [--since DATE] [--until DATE]\n"
            "                                every archived record as JSON lines\n"
            "  reload                        reread the configuration (like SIGHUP)\n"
            "  reprocess ID | --all          run archived articles through the plugins again\n"
            "  outbox [--dead] [--limit N]   records the sinks have yet to deliver; --dead:\n"
            "                                the dead letters they gave up on\n"
            "  learn MODEL LABEL ID...       add archived articles as examples of LABEL to the\n"
            "                                topics model MODEL and train it again (the topics\n"
            "                                plugin uses it within a second)\n"
            "  web-url                       the web dashboard's address with its access token\n"
            "                                (needs [daemon] web_listen and read access to\n"
            "                                STATE_DIR/web.token)\n"
            "  check [--db FILE]             check the archive_sqlite database (default\n"
            "                                STATE_DIR/archive/newsd.db) on the file itself,\n"
            "                                not through the daemon; needs write access\n"
            "\n"
            "options:\n"
            "  -s, --socket SOCKET   the control socket (else $NEWSD_SOCKET, else\n"
            "                        " SYSTEMD_SOCKET " if present, else " DEFAULT_STATE_DIR "/control.sock)\n"
            "  -d, --state-dir DIR   the daemon's state directory: DIR/control.sock\n"
            "      --json            print the daemon's JSON answer as is\n"
            "  -V, --version         print newsctl's version (status shows the daemon's)\n"
            "  -h, --help            this text\n"
            "\n"
            "exit codes: 0 ok, 1 error from the daemon, 2 usage, 3 cannot connect\n");
}

static const char *default_socket(void)
{
    const char *env = getenv("NEWSD_SOCKET");
    if (env && *env)
        return env;
    if (access(SYSTEMD_SOCKET, F_OK) == 0)
        return SYSTEMD_SOCKET;
    return DEFAULT_STATE_DIR "/control.sock";
}

/* Print the daemon's error and return 1 (or 0 for a 2xx). */
static int check_reply(const struct reply *r, const char *what)
{
    if (r->status >= 200 && r->status < 300)
        return EXIT_OK;
    json_t *j = json_loads(r->body, 0, NULL);
    const char *msg = json_string_value(json_object_get(j, "error"));
    fprintf(stderr, "newsctl: %s: %s (HTTP %ld)\n", what, msg ? msg : r->body, r->status);
    json_decref(j);
    return EXIT_DAEMON;
}

/* One request; on success *root holds the parsed answer (unless raw). */
static int call(const struct opts *o, const char *method, const char *path, const char *body,
                const char *what, json_t **root, struct reply *raw)
{
    struct reply r;
    int rc = client_request(o->socket, method, path, body, &r);
    if (rc != EXIT_OK)
        return rc;
    rc = check_reply(&r, what);
    if (rc == EXIT_OK && o->json && !raw) {
        fputs(r.body, stdout);
        if (r.len && r.body[r.len - 1] != '\n')
            putchar('\n');
    } else if (rc == EXIT_OK && root) {
        json_error_t je;
        *root = json_loads(r.body, 0, &je);
        if (!*root) {
            fprintf(stderr, "newsctl: %s: the daemon's answer is not JSON: %s\n", what, je.text);
            rc = EXIT_DAEMON;
        }
    }
    if (raw)
        *raw = r;
    else
        reply_free(&r);
    return rc;
}

/* ?a=b&c=d from the options that are set. */
/* Append key=value (escaped) to the request path buf of n bytes.  false
 * when it does not fit: buf is then left as it was, and the caller must not
 * send it, since a request cut short drops what came after the cut (a
 * search's filters) or splits an escape. */
static bool add_param(char *buf, size_t n, const char *key, const char *value)
{
    if (!value)
        return true;
    char *e = client_escape(value);
    size_t len = strlen(buf);
    int w = snprintf(buf + len, n - len, "%s%s=%s", strchr(buf, '?') ? "&" : "?", key, e);
    free(e);
    if (w < 0 || (size_t)w >= n - len) {
        buf[len] = '\0';
        return false;
    }
    return true;
}

/* What a command says when its arguments do not fit in one request. */
static int too_long(const char *what, size_t n)
{
    fprintf(stderr, "newsctl: %s: the arguments are too long for one request (at most %zu bytes, URL-escaped)\n",
            what, n);
    return EXIT_USAGE;
}

static int cmd_status(const struct opts *o)
{
    json_t *st = NULL;
    int rc = call(o, "GET", "/status", NULL, "status", &st, NULL);
    if (rc == EXIT_OK && !o->json)
        render_status(st);
    json_decref(st);
    return rc;
}

/* The dashboard's address with its token, read from the daemon's state
 * directory (0600: only newsd's user, or root, can print it). */
static int cmd_web_url(const struct opts *o)
{
    json_t *st = NULL;
    int rc = call(o, "GET", "/status", NULL, "web-url", &st, NULL);
    if (rc != EXIT_OK)
        return rc;
    const char *listen = json_string_value(json_object_get(st, "web_listen"));
    const char *state_dir = json_string_value(json_object_get(st, "state_dir"));
    if (!listen || !state_dir) {
        fprintf(stderr, "newsctl: web-url: the dashboard is off; set [daemon] web_listen = 127.0.0.1:9108 and "
                        "restart newsd\n");
        json_decref(st);
        return EXIT_DAEMON;
    }
    char path[4096], token[80];
    snprintf(path, sizeof path, "%s/web.token", state_dir);
    FILE *f = fopen(path, "r");
    if (!f || !fgets(token, sizeof token, f)) {
        fprintf(stderr, "newsctl: web-url: cannot read %s: %s (run as newsd's user)\n", path,
                f ? "empty" : strerror(errno));
        if (f)
            fclose(f);
        json_decref(st);
        return EXIT_DAEMON;
    }
    fclose(f);
    token[strcspn(token, "\r\n")] = '\0';
    printf("%s://%s/login?token=%s\n", json_is_true(json_object_get(st, "web_tls")) ? "https" : "http", listen,
           token);
    json_decref(st);
    return EXIT_OK;
}

/* 200 healthy, 503 not: both carry the same JSON, and the exit code says
 * which, so that `newsctl health` serves as a monitoring check. */
static int cmd_health(const struct opts *o)
{
    struct reply r;
    int rc = client_request(o->socket, "GET", "/health", NULL, &r);
    if (rc != EXIT_OK)
        return rc;
    if (r.status != 200 && r.status != 503) {
        rc = check_reply(&r, "health");
        reply_free(&r);
        return rc;
    }
    json_t *h = json_loads(r.body, 0, NULL);
    if (!h) {
        fprintf(stderr, "newsctl: health: the daemon's answer is not JSON\n");
        rc = EXIT_DAEMON;
    } else if (o->json) {
        fputs(r.body, stdout);
    } else {
        render_health(h);
    }
    json_decref(h);
    if (r.status == 503)
        rc = EXIT_DAEMON;
    reply_free(&r);
    return rc;
}

static int cmd_list(const struct opts *o, const char *search)
{
    char path[8192] = "";
    json_t *page = NULL;
    snprintf(path, sizeof path, "%s", search ? "/search" : "/list");
    bool fits = add_param(path, sizeof path, "q", search) && add_param(path, sizeof path, "tag", o->tag) &&
                add_param(path, sizeof path, "min_score", o->min_score) &&
                add_param(path, sizeof path, "max_score", o->max_score) &&
                add_param(path, sizeof path, "since", o->since) && add_param(path, sizeof path, "until", o->until) &&
                add_param(path, sizeof path, "lang", o->lang) && add_param(path, sizeof path, "action", o->action) &&
                /* A search hides no action unless asked: --all is list's. */
                (search || add_param(path, sizeof path, "all", o->all ? "1" : NULL)) &&
                add_param(path, sizeof path, "limit", o->limit) && add_param(path, sizeof path, "offset", o->offset);
    if (!fits)
        return too_long(search ? "search" : "list", sizeof path);
    int rc = call(o, "GET", path, NULL, search ? "search" : "list", &page, NULL);
    if (rc == EXIT_OK && !o->json)
        render_list(page, search ? "hits" : "items");
    json_decref(page);
    return rc;
}

static int cmd_show(const struct opts *o, const char *id)
{
    char path[512];
    char *e = client_escape(id);
    json_t *rec = NULL;
    snprintf(path, sizeof path, "/show/%s", e);
    free(e);
    int rc = call(o, "GET", path, NULL, "show", &rec, NULL);
    if (rc == EXIT_OK && !o->json)
        render_record(rec);
    json_decref(rec);
    return rc;
}

/* JSON lines, page by page (the archive pages export by cursor). */
static int cmd_export(const struct opts *o)
{
    long long cursor = 0;
    struct opts quiet = *o;
    quiet.json = false;
    for (;;) {
        char path[4096], num[32];
        json_t *page = NULL;
        snprintf(path, sizeof path, "/export");
        char limit[32];
        snprintf(limit, sizeof limit, "%d", EXPORT_PAGE);
        snprintf(num, sizeof num, "%lld", cursor);
        /* Without its cursor the request would ask for the first page
         * again, for ever. */
        if (!add_param(path, sizeof path, "since", o->since) || !add_param(path, sizeof path, "until", o->until) ||
            !add_param(path, sizeof path, "limit", limit) || !add_param(path, sizeof path, "cursor", num))
            return too_long("export", sizeof path);
        int rc = call(&quiet, "GET", path, NULL, "export", &page, NULL);
        if (rc != EXIT_OK)
            return rc;
        size_t i;
        json_t *rec;
        json_array_foreach(json_object_get(page, "records"), i, rec) {
            char *line = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
            if (line)
                puts(line);
            free(line);
        }
        json_t *next = json_object_get(page, "next_cursor");
        bool more = json_is_integer(next) && json_integer_value(next) > cursor;
        if (more)
            cursor = json_integer_value(next);
        json_decref(page);
        if (!more)
            return fflush(stdout) == 0 ? EXIT_OK : EXIT_DAEMON;
    }
}

static int cmd_reload(const struct opts *o)
{
    struct reply r;
    int rc = client_request(o->socket, "POST", "/reload", "{}", &r);
    if (rc != EXIT_OK)
        return rc;
    if (o->json) {
        fputs(r.body, stdout);
    } else if (r.status == 200) {
        printf("reloaded: the new configuration is in force\n");
    }
    if (r.status != 200) {
        json_t *j = json_loads(r.body, 0, NULL);
        const char *msg = json_string_value(json_object_get(j, "error"));
        fprintf(stderr, "newsctl: reload %s: %s\n", r.status == 422 ? "refused, the running configuration "
                "stays in force" : "not done", msg ? msg : r.body);
        json_decref(j);
        rc = EXIT_DAEMON;
    }
    reply_free(&r);
    return rc;
}

static int cmd_reprocess(const struct opts *o, const char *id)
{
    json_t *req = o->all ? json_pack("{s:b}", "all", 1) : json_pack("{s:s}", "id", id);
    char *body = json_dumps(req, JSON_COMPACT);
    json_t *ans = NULL;
    json_decref(req);
    int rc = call(o, "POST", "/reprocess", body, "reprocess", &ans, NULL);
    free(body);
    if (rc == EXIT_OK && !o->json) {
        json_t *errors = json_object_get(ans, "errors");
        printf("queued %lld archived article(s) for reprocessing with the current plugins\n",
               (long long)json_integer_value(json_object_get(ans, "queued")));
        size_t i;
        json_t *e;
        json_array_foreach(errors, i, e)
            fprintf(stderr, "  %s: %s\n", json_string_value(json_object_get(e, "id")),
                    json_string_value(json_object_get(e, "error")));
    }
    json_decref(ans);
    return rc;
}

static int cmd_outbox(const struct opts *o)
{
    char path[256];
    json_t *ans = NULL;
    snprintf(path, sizeof path, "/outbox%s", o->dead ? "?dead=1" : "");
    if (!add_param(path, sizeof path, "limit", o->limit))
        return too_long("outbox", sizeof path);
    int rc = call(o, "GET", path, NULL, "outbox", &ans, NULL);
    if (rc == EXIT_OK && !o->json)
        render_outbox(ans, o->dead);
    json_decref(ans);
    return rc;
}

static int cmd_learn(const struct opts *o, const char *model, const char *label, char **ids, int n)
{
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, json_string(ids[i]));
    json_t *req = json_pack("{s:s,s:s,s:o}", "model", model, "label", label, "ids", arr);
    if (!req) {
        fprintf(stderr, "newsctl: learn: MODEL, LABEL and the ids must be UTF-8\n");
        return EXIT_USAGE;
    }
    char *body = json_dumps(req, JSON_COMPACT);
    json_t *ans = NULL;
    json_decref(req);
    int rc = call(o, "POST", "/learn", body, "learn", &ans, NULL);
    free(body);
    if (rc == EXIT_OK && !o->json)
        printf("model %s: %lld example(s) of %s added; trained again on %lld examples (the topics plugin "
               "reads it within a second)\n",
               model, (long long)json_integer_value(json_object_get(ans, "added")), label,
               (long long)json_integer_value(json_object_get(ans, "examples")));
    json_decref(ans);
    return rc;
}

static int need_args(const char *cmd, int have, int want)
{
    if (have == want)
        return 0;
    fprintf(stderr, "newsctl: %s takes %d argument%s, got %d (newsctl --help)\n", cmd, want,
            want == 1 ? "" : "s", have);
    return -1;
}

int main(int argc, char **argv)
{
    enum { O_JSON = 256, O_TAG, O_MIN, O_SINCE, O_UNTIL, O_LANG, O_LIMIT, O_OFFSET, O_ALL, O_DB, O_DEAD, O_ACTION,
           O_MAX };
    static const struct option lopts[] = {
        {"socket", required_argument, NULL, 's'},
        {"state-dir", required_argument, NULL, 'd'},
        {"json", no_argument, NULL, O_JSON},
        {"tag", required_argument, NULL, O_TAG},
        {"min-score", required_argument, NULL, O_MIN},
        {"max-score", required_argument, NULL, O_MAX},
        {"since", required_argument, NULL, O_SINCE},
        {"until", required_argument, NULL, O_UNTIL},
        {"lang", required_argument, NULL, O_LANG},
        {"limit", required_argument, NULL, O_LIMIT},
        {"offset", required_argument, NULL, O_OFFSET},
        {"all", no_argument, NULL, O_ALL},
        {"db", required_argument, NULL, O_DB},
        {"dead", no_argument, NULL, O_DEAD},
        {"action", required_argument, NULL, O_ACTION},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {0},
    };
    struct opts o = {0};
    /* -d DIR: DIR/control.sock; static, so early exits leak nothing. */
    static char sock_buf[4096];
    int c;

    while ((c = getopt_long(argc, argv, "s:d:hV", lopts, NULL)) != -1) {
        switch (c) {
        case 's': o.socket = optarg; break;
        case 'd':
            if ((size_t)snprintf(sock_buf, sizeof sock_buf, "%s/control.sock", optarg) >= sizeof sock_buf) {
                fprintf(stderr, "newsctl: -d %s: path too long\n", optarg);
                return EXIT_USAGE;
            }
            o.socket = sock_buf;
            o.state_dir = optarg;
            break;
        case O_JSON: o.json = true; break;
        case O_TAG: o.tag = optarg; break;
        case O_MIN: o.min_score = optarg; break;
        case O_MAX: o.max_score = optarg; break;
        case O_SINCE: o.since = optarg; break;
        case O_UNTIL: o.until = optarg; break;
        case O_LANG: o.lang = optarg; break;
        case O_LIMIT: o.limit = optarg; break;
        case O_OFFSET: o.offset = optarg; break;
        case O_ALL: o.all = true; break;
        case O_DB: o.db = optarg; break;
        case O_DEAD: o.dead = true; break;
        case O_ACTION: o.action = optarg; break;
        case 'h': usage(stdout); return EXIT_OK;
        /* The client's own version; `newsctl status` shows the daemon's. */
        case 'V': printf("newsctl %s\n", NEWSD_VERSION); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!o.socket)
        o.socket = default_socket();
    const char *cmd = argv[optind];
    int nargs = argc - optind - 1;
    char **args = argv + optind + 1;
    int rc = EXIT_USAGE;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (strcmp(cmd, "status") == 0) {
        if (need_args(cmd, nargs, 0) == 0)
            rc = cmd_status(&o);
    } else if (strcmp(cmd, "health") == 0) {
        if (need_args(cmd, nargs, 0) == 0)
            rc = cmd_health(&o);
    } else if (strcmp(cmd, "list") == 0) {
        if (need_args(cmd, nargs, 0) == 0)
            rc = cmd_list(&o, NULL);
    } else if (strcmp(cmd, "search") == 0) {
        if (nargs < 1) {
            fprintf(stderr, "newsctl: search needs TEXT (newsctl search 'Huawei Chips')\n");
        } else {
            /* Several words without quotes are one query. */
            size_t len = 1;
            for (int i = 0; i < nargs; i++)
                len += strlen(args[i]) + 1;
            char *q = xcalloc(1, len);
            for (int i = 0; i < nargs; i++) {
                if (i)
                    strcat(q, " ");
                strcat(q, args[i]);
            }
            rc = cmd_list(&o, q);
            free(q);
        }
    } else if (strcmp(cmd, "show") == 0) {
        if (need_args(cmd, nargs, 1) == 0)
            rc = cmd_show(&o, args[0]);
    } else if (strcmp(cmd, "export") == 0) {
        if (need_args(cmd, nargs, 0) == 0)
            rc = cmd_export(&o);
    } else if (strcmp(cmd, "reload") == 0) {
        if (need_args(cmd, nargs, 0) == 0)
            rc = cmd_reload(&o);
    } else if (strcmp(cmd, "web-url") == 0) {
        if (need_args(cmd, nargs, 0) == 0)
            rc = cmd_web_url(&o);
    } else if (strcmp(cmd, "check") == 0) {
        if (need_args(cmd, nargs, 0) == 0) {
            char *db = o.db ? xstrdup(o.db)
                            : xasprintf("%s/archive/newsd.db", o.state_dir ? o.state_dir : DEFAULT_STATE_DIR);
            rc = check_archive(db, o.json);
            free(db);
        }
    } else if (strcmp(cmd, "reprocess") == 0) {
        if (o.all ? nargs != 0 : nargs != 1)
            fprintf(stderr, "newsctl: reprocess takes one ID or --all\n");
        else
            rc = cmd_reprocess(&o, o.all ? NULL : args[0]);
    } else if (strcmp(cmd, "outbox") == 0) {
        if (need_args(cmd, nargs, 0) == 0)
            rc = cmd_outbox(&o);
    } else if (strcmp(cmd, "learn") == 0) {
        if (nargs < 3)
            fprintf(stderr, "newsctl: learn takes MODEL LABEL ID... (newsctl --help)\n");
        else
            rc = cmd_learn(&o, args[0], args[1], args + 2, nargs - 2);
    } else {
        fprintf(stderr, "newsctl: unknown command '%s' (newsctl --help)\n", cmd);
    }
    curl_global_cleanup();
    return rc;
}
