/* tag_scorer: white space off both ends of a string, in place. */
#ifndef TAG_SCORER_TRIM_H
#define TAG_SCORER_TRIM_H

#include <string.h>

/* Blanks include line breaks: newsd joins continuation lines with '\n',
 * and list files end their lines with one.  Returns the first non-blank. */
static inline char *trim(char *s)
{
    s += strspn(s, " \t\r\n");
    size_t n = strlen(s);
    while (n > 0 && strchr(" \t\r\n", s[n - 1]))
        s[--n] = '\0';
    return s;
}

#endif
