/*
 * Fuzz target: the archives' query path.  A typed query (struct
 * newsd_query with any values, as a buggy client or plugin might make
 * it) goes through query_check(); a query it passes is answered three
 * ways, and each result is checked:
 *
 *   - archive_sqlite's answer() on a small database made at start-up
 *     (its sources are compiled in, as in tests/unit/test_archive_sqlite);
 *     its last article is left out of the full-text index, so searches
 *     also meet "pending" articles;
 *   - a scripted answer() that calls the newsd_answer_*() functions as the
 *     input says, so that the answer builder (query_answer.c) meets every
 *     mistake a plugin can make;
 *   - a scripted 1.0 query() whose response is the same script text
 *     (query_legacy.c).
 *
 * Input (text lines):
 *
 *   OP\n                 search, list, show, export, stats, original, ids,
 *                        or a number (ops of later minors)
 *   key=value\n          fields of struct newsd_query: q, mode (words),
 *                        id, limit, offset, cursor, tag, tag_prefix,
 *                        lang, since, until, min_score, action, hide_action
 *   \n
 *   SCRIPT               lines for the scripted answer (see script()),
 *                        and the 1.0 response as a whole
 *
 * Promises checked: query_check() refuses only with a reason, and passes
 * what it passed before; a result has a known status, OK with its answer
 * and anything else with a reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "fuzz_common.h"
#include "query.h"
#include "../../plugins/archive_sqlite/sq.h"

static struct sq *db;

static const char *const op_names[] = {"", "search", "list", "show", "export", "stats", "original", "ids"};

/* A few articles of two languages with tags, scores and meta, over two
 * days; German words with ß and umlauts for the full-text side. */
static void fill(struct sq *s)
{
    static const struct {
        const char *raw, *title, *body, *lang, *tag;
        double points;
    } arts[] = {
        {"a1", "Chinas KI-Fortschritte", "Huawei und Nvidia: die Lücke schließen, Straße der Chips.", "de",
         "topic:ai-chips", 3.0},
        {"a2", "Chip makers", "Samsung and TSMC build AI accelerators.", "en", "entity:org/TSMC", 0.5},
        {"a3", "Halbleiter", "Baidu, Naura und Moore Threads. Größe 4,6 Milliarden.", "de", "entity:org/Baidu", 1.5},
        {"a4", "Empty", "", "", NULL, 0},
        {"a5", "Noch nicht indiziert", "Dieser Artikel wartet auf den Index: Huawei.", "de", "topic:ai-chips", 2.0},
    };
    const long long t0 = 1795867200000LL;
    for (size_t i = 0; i < sizeof arts / sizeof *arts; i++) {
        struct newsd_article *a = article_new("fuzz.txt", t0 + (long long)i * 43200000LL);
        a->processed_ms = a->received_ms + 5;
        article_set_raw(a, (unsigned char *)strdup(arts[i].raw), strlen(arts[i].raw));
        newsd_article_set(a, NEWSD_FIELD_TITLE, arts[i].title);
        newsd_article_set(a, NEWSD_FIELD_BODY, arts[i].body);
        newsd_article_set(a, NEWSD_FIELD_LANG, arts[i].lang);
        a->plugin = "fuzz";
        if (arts[i].tag) {
            newsd_article_tag(a, arts[i].tag, 1.0);
            newsd_article_set_meta(a, "k", "v");
        }
        if (arts[i].points != 0)
            newsd_article_score(a, "RULE", arts[i].points, "because");
        if (sq_archive(s, a) != NEWSD_OK || sq_commit(s) != NEWSD_OK)
            abort();
        article_free(a);
        /* all but the last one in the full-text index */
        if (i + 2 == sizeof arts / sizeof *arts)
            while (sq_index_chunk(s->db, 8, NULL, NULL) > 0)
                ;
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_quiet();
    char path[4096];
    snprintf(path, sizeof path, "%s/archive/newsd.db", fuzz_scratch_dir());
    const struct sq_options opt = {.busy_timeout_ms = 100};
    if (sq_open(path, &opt, &db) != NEWSD_OK)
        abort();
    fill(db);
    return 0;
}

/* The scripted answer(): one call per line of the script.
 *
 *   total N | item JSON | cursor N | json JSON | member KEY JSON |
 *   path P | bytes DATA | fail STATUS REASON | return N
 */
static int script(void *state, const struct newsd_query *q, newsd_answer *ans)
{
    (void)q;
    char *text = strdup(state ? state : "");
    int rc = NEWSD_QUERY_OK;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *arg = strchr(line, ' ');
        if (arg)
            *arg++ = '\0';
        else
            arg = line + strlen(line);
        long long n = strtoll(arg, NULL, 10);
        if (strcmp(line, "total") == 0) {
            newsd_answer_total(ans, n);
        } else if (strcmp(line, "item") == 0) {
            newsd_answer_item(ans, arg);
        } else if (strcmp(line, "cursor") == 0) {
            newsd_answer_next_cursor(ans, n);
        } else if (strcmp(line, "json") == 0) {
            newsd_answer_json(ans, arg);
        } else if (strcmp(line, "member") == 0) {
            char *value = strchr(arg, ' ');
            if (value)
                *value++ = '\0';
            newsd_answer_member(ans, arg, value);
        } else if (strcmp(line, "path") == 0) {
            newsd_answer_original_path(ans, arg);
        } else if (strcmp(line, "bytes") == 0) {
            newsd_answer_original_bytes(ans, arg, strlen(arg));
        } else if (strcmp(line, "fail") == 0) {
            char *reason = strchr(arg, ' ');
            rc = newsd_answer_fail(ans, (enum newsd_query_status)n, "%s", reason ? reason + 1 : "");
        } else if (strcmp(line, "return") == 0) {
            rc = (int)n;
        }
    }
    free(text);
    return rc;
}

/* The scripted 1.0 query(): the script is the response; "error ..."
 * makes it fail with the rest as the reason. */
static int legacy(void *state, const char *request, char **response)
{
    const char *text = state ? state : "";
    (void)request;
    if (strncmp(text, "error ", 6) == 0) {
        *response = strdup(text + 6);
        return NEWSD_ERROR;
    }
    *response = strdup(text);
    return NEWSD_OK;
}

static void check_result(const struct newsd_query *q, const struct query_result *r, const char *who)
{
    FUZZ_CHECK(r->status >= NEWSD_QUERY_OK && r->status <= NEWSD_QUERY_UNSUPPORTED, "%s: status %d", who,
               (int)r->status);
    if (r->status != NEWSD_QUERY_OK) {
        FUZZ_CHECK(r->reason && *r->reason, "%s: %s failed without a reason", who, query_op_name(q->op));
        FUZZ_CHECK(!r->json && !r->original && !r->original_path, "%s: a failure with an answer", who);
    } else if (q->op == NEWSD_QUERY_ORIGINAL) {
        FUZZ_CHECK(r->original_path || r->original, "%s: original without bytes or path", who);
    } else {
        FUZZ_CHECK(json_is_object(r->json), "%s: %s answered without a JSON object", who, query_op_name(q->op));
        FUZZ_CHECK(!r->reason, "%s: OK with a reason", who);
    }
}

static int same_query(const struct newsd_query *a, const struct newsd_query *b)
{
    return a->op == b->op && a->id == b->id && a->q == b->q && a->words == b->words && a->limit == b->limit &&
           a->offset == b->offset && a->cursor == b->cursor && a->tag == b->tag && a->tag_prefix == b->tag_prefix &&
           a->lang == b->lang && a->since == b->since && a->until == b->until &&
           a->has_min_score == b->has_min_score && a->min_score == b->min_score && a->action == b->action &&
           a->hide_action == b->hide_action;
}

/* The query the head of the input describes; strings point into head. */
static void read_query(char *head, struct newsd_query *q)
{
    char *save = NULL;
    char *op = strtok_r(head, "\n", &save);
    enum newsd_query_op which = 0;
    for (size_t i = 1; op && i < sizeof op_names / sizeof *op_names; i++)
        if (strcmp(op, op_names[i]) == 0)
            which = (enum newsd_query_op)i;
    if (op && !which)
        which = (enum newsd_query_op)strtol(op, NULL, 10);
    query_init(q, which);
    for (char *line; (line = strtok_r(NULL, "\n", &save));) {
        char *v = strchr(line, '=');
        if (!v)
            continue;
        *v++ = '\0';
        if (strcmp(line, "q") == 0) q->q = v;
        else if (strcmp(line, "mode") == 0) q->words = strcmp(v, "words") == 0;
        else if (strcmp(line, "id") == 0) q->id = v;
        else if (strcmp(line, "limit") == 0) q->limit = strtoll(v, NULL, 10);
        else if (strcmp(line, "offset") == 0) q->offset = strtoll(v, NULL, 10);
        else if (strcmp(line, "cursor") == 0) q->cursor = strtoll(v, NULL, 10);
        else if (strcmp(line, "tag") == 0) q->tag = v;
        else if (strcmp(line, "tag_prefix") == 0) q->tag_prefix = v;
        else if (strcmp(line, "lang") == 0) q->lang = v;
        else if (strcmp(line, "since") == 0) q->since = v;
        else if (strcmp(line, "until") == 0) q->until = v;
        else if (strcmp(line, "action") == 0) q->action = v;
        else if (strcmp(line, "hide_action") == 0) q->hide_action = v;
        else if (strcmp(line, "min_score") == 0) {
            q->has_min_score = 1;
            q->min_score = strtod(v, NULL);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *head = fuzz_strndup(data, size);
    char *body = strstr(head, "\n\n");
    if (body) {
        *body = '\0';
        body += 2;
    }
    struct newsd_query q;
    read_query(head, &q);

    char *err = NULL;
    int st = query_check(&q, &err);
    if (st != NEWSD_QUERY_OK) {
        FUZZ_CHECK(st == NEWSD_QUERY_BAD_REQUEST && err && *err, "query_check() refused with %d, reason %s", st,
                   err ? err : "(none)");
        free(err);
        free(head);
        return 0;
    }
    FUZZ_CHECK(!err, "a checked query with a reason: %s", err);
    struct newsd_query again = q;
    FUZZ_CHECK(query_check(&again, &err) == NEWSD_QUERY_OK && same_query(&again, &q),
               "query_check() is not idempotent: %s", err ? err : "");

    struct query_result r;
    query_run_answer(sq_answer, db, "archive_sqlite", &q, &r);
    check_result(&q, &r, "archive_sqlite");
    query_result_free(&r);

    if (body) {
        query_run_answer(script, body, "scripted", &q, &r);
        check_result(&q, &r, "scripted answer()");
        query_result_free(&r);
        query_run_legacy(legacy, body, "legacy", &q, &r);
        check_result(&q, &r, "scripted query()");
        query_result_free(&r);
    }
    free(head);
    return 0;
}
