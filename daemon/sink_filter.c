/* A sink's filter over archived records; see sink_filter.h. */
#include "sink_filter.h"
#include "xalloc.h"

#include <newsd/plugin.h>
#include <stdlib.h>
#include <string.h>

enum term_kind { TERM_ALL, TERM_ACTION, TERM_TAG, TERM_TAG_PREFIX };

struct term {
    enum term_kind kind;
    char *value;
};

struct sink_filter {
    char *text;
    struct term *v;
    size_t n;
};

void sink_filter_free(struct sink_filter *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++)
        free(f->v[i].value);
    free(f->v);
    free(f->text);
    free(f);
}

static int parse_term(const char *item, struct term *t, char **err)
{
    size_t len = strlen(item);
    if (strcmp(item, "all") == 0 || strcmp(item, "*") == 0) {
        *t = (struct term){TERM_ALL, NULL};
        return 0;
    }
    if (strncmp(item, "action=", 7) == 0 && item[7]) {
        *t = (struct term){TERM_ACTION, xstrdup(item + 7)};
        return 0;
    }
    if (strncmp(item, "tag:", 4) == 0 && len > 4) {
        bool prefix = item[len - 1] == '*';
        if (prefix && len == 5) {
            *err = xasprintf("'%s': a tag prefix needs a text before the '*' (or say 'all')", item);
            return -1;
        }
        *t = (struct term){prefix ? TERM_TAG_PREFIX : TERM_TAG, strndup(item + 4, len - 4 - prefix)};
        if (!t->value)
            abort();
        return 0;
    }
    *err = xasprintf("'%s' is no filter term: expected action=NAME, tag:NAME, tag:PREFIX* or all", item);
    return -1;
}

struct sink_filter *sink_filter_parse(const char *text, char **err)
{
    if (!text)
        text = SINK_FILTER_DEFAULT;
    size_t n = 0;
    char **items = newsd_list_split(text, &n);
    if (!items)
        abort();
    if (n == 0) {
        newsd_list_free(items);
        *err = xasprintf("the filter is empty: say which records to deliver (action=alert, tag:NAME, all)");
        return NULL;
    }
    struct sink_filter *f = xcalloc(1, sizeof *f);
    f->text = xstrdup(text);
    f->v = xcalloc(n, sizeof *f->v);
    for (size_t i = 0; i < n; i++) {
        if (parse_term(items[i], &f->v[f->n], err) < 0) {
            newsd_list_free(items);
            sink_filter_free(f);
            return NULL;
        }
        f->n++;
    }
    newsd_list_free(items);
    return f;
}

static bool has_tag(const json_t *rec, const char *name, bool prefix)
{
    size_t i, n = strlen(name);
    const json_t *t;
    json_array_foreach(json_object_get(rec, "tags"), i, t) {
        const char *tn = json_string_value(json_object_get(t, "name"));
        if (tn && (prefix ? strncmp(tn, name, n) == 0 : strcmp(tn, name) == 0))
            return true;
    }
    return false;
}

bool sink_filter_match(const struct sink_filter *f, const json_t *rec)
{
    for (size_t i = 0; i < f->n; i++) {
        const struct term *t = &f->v[i];
        switch (t->kind) {
        case TERM_ALL:
            return true;
        case TERM_ACTION: {
            const char *a = json_string_value(json_object_get(rec, "action"));
            if (a && strcmp(a, t->value) == 0)
                return true;
            break;
        }
        case TERM_TAG:
        case TERM_TAG_PREFIX:
            if (has_tag(rec, t->value, t->kind == TERM_TAG_PREFIX))
                return true;
            break;
        }
    }
    return false;
}

const char *sink_filter_text(const struct sink_filter *f)
{
    return f->text;
}
