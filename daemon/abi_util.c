/*
 * The small shared helpers of the plugin ABI (since 1.1): UTF-8 and id
 * checks and list splitting, so that plugins stop carrying copies of
 * their own.  The config getters live in plugin_config.c.
 */
#include <newsd/plugin.h>

#include "text.h"

#include <stdlib.h>
#include <string.h>

int newsd_utf8_valid(const char *s, size_t len)
{
    /* One validator for the daemon and its plugins: what a plugin checks
     * here is exactly what the article functions will accept. */
    if (!s)
        return len == 0;
    return text_is_utf8((const unsigned char *)s, len);
}

int newsd_id_valid(const char *s)
{
    if (!s)
        return 0;
    size_t i = 0;
    for (; i < NEWSD_ID_LEN; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0; /* also stops at the NUL of a shorter string */
    return s[i] == '\0';
}

/* Line breaks separate items like commas: newsd joins the indented
 * continuation lines of a value with '\n', so a long list can go on over
 * several lines. */
static int is_separator(char c)
{
    return c == ',' || c == '\n';
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Calls item(arg, start, len) for each non-empty trimmed item, in order. */
static size_t each_item(const char *list, void (*item)(void *, const char *, size_t), void *arg)
{
    size_t n = 0;
    for (const char *p = list; *p;) {
        size_t len = 0;
        while (p[len] && !is_separator(p[len]))
            len++;
        const char *next = p[len] ? p + len + 1 : p + len;
        while (len > 0 && is_blank(*p)) {
            p++;
            len--;
        }
        while (len > 0 && is_blank(p[len - 1]))
            len--;
        if (len > 0) {
            if (item)
                item(arg, p, len);
            n++;
        }
        p = next;
    }
    return n;
}

struct split_fill {
    char **items;
    char *text;   /* where the next item's bytes go */
    size_t i;
};

static void fill_item(void *arg, const char *s, size_t len)
{
    struct split_fill *f = arg;
    memcpy(f->text, s, len);
    f->text[len] = '\0';
    f->items[f->i++] = f->text;
    f->text += len + 1;
}

char **newsd_list_split(const char *list, size_t *n)
{
    if (!list)
        list = "";
    /* One block, the pointers first and the items' text after them: one
     * allocation that can fail, and newsd_list_free() is a single free(). */
    size_t count = each_item(list, NULL, NULL);
    size_t ptrs = (count + 1) * sizeof(char *);
    char **items = malloc(ptrs + strlen(list) + 1);
    if (!items)
        return NULL;
    struct split_fill f = {.items = items, .text = (char *)items + ptrs};
    each_item(list, fill_item, &f);
    items[count] = NULL;
    if (n)
        *n = count;
    return items;
}

void newsd_list_free(char **items)
{
    free(items);
}
