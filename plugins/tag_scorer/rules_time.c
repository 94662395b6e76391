/* tag_scorer: the durations of fresh rules and the published times they
 * count from (rules.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* timegm(), strptime() */
#endif
#include "rules.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int rules_parse_duration(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || !isfinite(v) || v <= 0)
        return -1;
    static const struct { const char *unit; double s; } units[] = {
        {"", 1}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}, {"w", 7 * 86400},
    };
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (strcmp(end, units[i].unit) == 0) {
            *out = v * units[i].s;
            return 0;
        }
    return -1;
}

/* Digits: exactly n of them at *p, as a number. */
static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

/* ISO 8601: YYYY-MM-DD[THH:MM[:SS[.fff]][Z|+HH:MM|+HHMM]] (a blank for the
 * T too); a date alone is midnight UTC. */
static int parse_iso(const char *s, long long *ms)
{
    struct tm tm = {0};
    int y, mo, d, h = 0, mi = 0, se = 0, off = 0;
    double frac = 0;
    const char *p = s;
    if (digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &mo) < 0 || *p++ != '-' ||
        digits(&p, 2, &d) < 0)
        return -1;
    if (*p == 'T' || *p == ' ') {
        p++;
        if (digits(&p, 2, &h) < 0 || *p++ != ':' || digits(&p, 2, &mi) < 0)
            return -1;
        if (*p == ':') {
            p++;
            if (digits(&p, 2, &se) < 0)
                return -1;
            if (*p == '.' || *p == ',') {
                const char *f = ++p;
                long long num = 0;
                int nd = 0;
                for (; isdigit((unsigned char)*p); p++)
                    if (nd < 9) {
                        num = num * 10 + (*p - '0');
                        nd++;
                    }
                if (p == f)
                    return -1;
                frac = (double)num / pow(10, nd);
            }
        }
        if (*p == 'Z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
            if (digits(&p, 2, &oh) < 0)
                return -1;
            if (*p == ':')
                p++;
            if (*p && digits(&p, 2, &om) < 0)
                return -1;
            off = sign * (oh * 60 + om);
        }
    }
    if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || se > 60)
        return -1;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    time_t t = timegm(&tm);
    *ms = ((long long)t - (long long)off * 60) * 1000 + (long long)(frac * 1000);
    return 0;
}

/* RFC 2822, as feeds write it: "Tue, 10 Jun 2003 04:00:00 GMT" or
 * "... +0200" (the day name optional). */
static int parse_rfc2822(const char *s, long long *ms)
{
    static const char *const formats[] = {"%a, %d %b %Y %H:%M:%S", "%d %b %Y %H:%M:%S"};
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
        struct tm tm = {0};
        const char *rest = strptime(s, formats[i], &tm);
        if (!rest)
            continue;
        rest += strspn(rest, " ");
        int off = 0;
        if (*rest == '+' || *rest == '-') {
            int sign = *rest == '-' ? -1 : 1, hhmm;
            rest++;
            if (digits(&rest, 4, &hhmm) < 0)
                return -1;
            off = sign * (hhmm / 100 * 60 + hhmm % 100);
        } else if (strcmp(rest, "GMT") == 0 || strcmp(rest, "UT") == 0 || strcmp(rest, "UTC") == 0 ||
                   strcmp(rest, "Z") == 0) {
            rest += strlen(rest);
        }
        if (*rest)
            return -1;
        *ms = ((long long)timegm(&tm) - (long long)off * 60) * 1000;
        return 0;
    }
    return -1;
}

int rules_parse_time(const char *s, long long *ms)
{
    return parse_iso(s, ms) == 0 || parse_rfc2822(s, ms) == 0 ? 0 : -1;
}
