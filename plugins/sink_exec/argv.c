/* Splitting sink_exec's command into words; see argv.h. */
#include "argv.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void argv_free(char **argv)
{
    if (!argv)
        return;
    for (char **p = argv; *p; p++)
        free(*p);
    free(argv);
}

char **argv_split(const char *cmd, const char **err)
{
    size_t n = 0, cap = 8, len = 0;
    char **v = calloc(cap, sizeof *v);
    char *word = malloc(strlen(cmd) + 1);
    bool in_word = false;
    const char *p = cmd;

    if (!v || !word)
        goto oom;
    for (;;) {
        char c = *p;
        if (c == '\0' || c == ' ' || c == '\t' || c == '\n') {
            if (in_word) {
                word[len] = '\0';
                if (n + 2 > cap) {
                    char **nv = realloc(v, (cap *= 2) * sizeof *v);
                    if (!nv)
                        goto oom;
                    v = nv;
                }
                if (!(v[n++] = strdup(word)))
                    goto oom;
                v[n] = NULL;
                len = 0;
                in_word = false;
            }
            if (c == '\0')
                break;
            p++;
            continue;
        }
        in_word = true;
        if (c == '\'') {
            const char *end = strchr(p + 1, '\'');
            if (!end) {
                *err = "a single quote is not closed";
                goto fail;
            }
            memcpy(word + len, p + 1, (size_t)(end - p - 1));
            len += (size_t)(end - p - 1);
            p = end + 1;
        } else if (c == '"') {
            for (p++; *p && *p != '"'; p++) {
                if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
                    p++;
                word[len++] = *p;
            }
            if (*p != '"') {
                *err = "a double quote is not closed";
                goto fail;
            }
            p++;
        } else if (c == '\\') {
            if (!p[1]) {
                *err = "the command ends with a backslash";
                goto fail;
            }
            word[len++] = p[1];
            p += 2;
        } else {
            word[len++] = c;
            p++;
        }
    }
    free(word);
    if (n == 0) {
        *err = "the command is empty";
        argv_free(v);
        return NULL;
    }
    return v;
oom:
    *err = "out of memory";
fail:
    free(word);
    argv_free(v);
    return NULL;
}
