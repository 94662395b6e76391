/*
 * POST /learn on the thread pool: the archived articles become examples of
 * a topics model, which is trained again from all its examples
 * (plugins/topics/store.h) and written through a rename.  The topics
 * plugin notices the new file within a second and classifies with it: no
 * restart, no reload.
 *
 * Each id is read with the archive's SHOW query, the record's title, body
 * and lang giving the text the plugin would analyse.  An id the archive
 * does not have fails the request before anything is written.
 */
#include "control_internal.h"
#include "log.h"
#include "xalloc.h"

#include "../plugins/topics/store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *field(json_t *rec, const char *key)
{
    const char *s = json_string_value(json_object_get(rec, key));
    return xstrdup(s ? s : "");
}

void control_learn(struct control *c, struct request *r)
{
    struct topics_examples ex = {0};

    if (!c->models_dir) {
        r->status = 500;
        r->answer = control_error_json("this newsd has no models folder");
        return;
    }
    for (size_t i = 0; i < r->n_learn_ids; i++) {
        struct newsd_query q;
        struct query_result res;
        query_init(&q, NEWSD_QUERY_SHOW);
        q.id = r->learn_ids[i];
        if (plugin_set_query(r->set, &q, &res) != NEWSD_QUERY_OK) {
            char *msg = xasprintf("%s: %s", r->learn_ids[i], res.reason ? res.reason : "the archive could not answer");
            r->status = control_query_http_status(res.status);
            r->answer = control_error_json(msg);
            free(msg);
            query_result_free(&res);
            examples_free(&ex);
            return;
        }
        if (examples_add(&ex, xstrdup(r->learn_label), field(res.json, "lang"), field(res.json, "title"),
                         field(res.json, "body")) < 0) {
            query_result_free(&res);
            examples_free(&ex);
            r->status = 500;
            r->answer = control_error_json("out of memory");
            return;
        }
        query_result_free(&res);
    }
    char err[512];
    size_t total = 0;
    size_t added = ex.n;
    if (store_learn(c->models_dir, r->learn_model, &ex, &total, err, sizeof err) < 0) {
        log_error("learn: model %s: %s", r->learn_model, err);
        r->status = 422;
        r->answer = control_error_json(err);
    } else {
        log_info("learn: model %s: %zu example(s) of %s added, trained again on %zu", r->learn_model, added,
                 r->learn_label, total);
        json_t *o = json_pack("{s:s,s:s,s:I,s:I}", "model", r->learn_model, "label", r->learn_label, "added",
                              (json_int_t)added, "examples", (json_int_t)total);
        r->status = 200;
        r->answer = xjson_dumps(o, JSON_COMPACT);
        json_decref(o);
    }
    examples_free(&ex);
}
