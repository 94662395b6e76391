/* The dashboard's counts across a restart; see trends_file.h. */
#include "trends_file.h"
#include "tag_trends.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAGIC "newsd-trends"
#define VERSION 1
/* Longer than any line this newsd writes (a tag name is short). */
#define LINE_MAX_BYTES 16384
#define MINUTE_MS 60000
#define HOUR_MS 3600000

/* ---- saving --------------------------------------------------------------------- */

static bool any(const uint32_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i])
            return true;
    return false;
}

/* The records of h and the tag trends into f; returns how many. */
static long long write_records(FILE *f, const struct web_history *h)
{
    long long n = 0;
    if (h->started) {
        fprintf(f, "history %lld %lld\n", (long long)h->first_minute, (long long)h->minute);
        int64_t from = h->minute - (HISTORY_MINUTES - 1);
        for (int64_t m = from > h->first_minute ? from : h->first_minute; m <= h->minute; m++) {
            const uint32_t *v = h->per_minute[m % HISTORY_MINUTES];
            if (!any(v, HIST_SERIES))
                continue;
            fprintf(f, "m %lld %u %u %u %u\n", (long long)m, v[HIST_RECEIVED], v[HIST_ARCHIVED], v[HIST_FAILED],
                    v[HIST_DUPLICATES]);
            n++;
        }
    }
    int64_t latest = tag_trends_latest_hour();
    fprintf(f, "trends %lld\n", (long long)latest);
    size_t names = tag_trends_names(NULL);
    for (size_t i = 0; i < names && latest >= 0; i++) {
        const uint32_t *by_hour;
        const char *name = tag_trends_row(i, &by_hour);
        json_t *js = json_string(name);
        char *quoted = js ? json_dumps(js, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
        json_decref(js);
        bool named = false;
        for (int64_t hour = latest - (TRENDS_HOURS - 1); quoted && hour <= latest; hour++) {
            uint32_t c = hour >= 0 ? by_hour[hour % TRENDS_HOURS] : 0;
            if (!c)
                continue;
            if (!named) {
                fprintf(f, "n %s\n", quoted);
                named = true;
                n++;
            }
            fprintf(f, "h %lld %u\n", (long long)hour, c);
            n++;
        }
        free(quoted);
    }
    return n;
}

int trends_file_save(const char *path, const struct web_history *h, char **err)
{
    char *tmp = xasprintf("%s.tmp", path);
    const char *step = "create";
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        *err = xasprintf("cannot %s %s: %s", step, tmp, strerror(e));
        if (fd >= 0)
            unlink(tmp);
        free(tmp);
        return -1;
    }
    fprintf(f, MAGIC " %d\n", VERSION);
    long long n = write_records(f, h);
    fprintf(f, "end %lld\n", n);
    int rc = 0;
    /* No fsync: this runs on the event loop, where a busy disk would stall
     * everything for the sake of counts.  A power cut may leave a torn
     * file; its missing "end" line makes the next start ignore it. */
    if (fflush(f) != 0 || ferror(f)) {
        step = "write";
        rc = -1;
    }
    int e = errno;
    if (fclose(f) != 0 && rc == 0) {
        e = errno;
        step = "close";
        rc = -1;
    }
    if (rc == 0 && rename(tmp, path) < 0) {
        e = errno;
        *err = xasprintf("cannot rename %s to %s: %s", tmp, path, strerror(e));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    if (rc < 0) {
        *err = xasprintf("cannot %s %s: %s", step, tmp, strerror(e));
        unlink(tmp);
    }
    free(tmp);
    return rc;
}

/* ---- loading -------------------------------------------------------------------- */

struct staged_hour {
    uint32_t name;     /* index into names */
    int64_t hour;
    uint32_t count;
};

/* What a file holds, checked before any of it is taken. */
struct staged {
    bool has_history, has_trends, ended;
    int64_t first_minute, minute, last_m;
    uint32_t (*per_minute)[HIST_SERIES];   /* by minute % HISTORY_MINUTES */
    int64_t latest_hour;
    char **names;
    size_t n_names, cap_names;
    struct staged_hour *hours;
    size_t n_hours, cap_hours;
    int64_t last_h;
    long long records;
};

static void staged_free(struct staged *s)
{
    free(s->per_minute);
    for (size_t i = 0; i < s->n_names; i++)
        free(s->names[i]);
    free(s->names);
    free(s->hours);
}

/* A whole number in [min, max] that is all of text (and a space or the
 * end after it); advances *p past it.  Returns false otherwise. */
static bool number(const char **p, long long min, long long max, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(*p, &end, 10);
    if (end == *p || errno || v < min || v > max || (*end && *end != ' '))
        return false;
    *out = v;
    *p = *end ? end + 1 : end;
    return true;
}

/* One line (without its newline) into s; NULL, or why it is wrong. */
static const char *parse_line(struct staged *s, const char *line)
{
    const char *p = line + 2;
    long long v[5];

    if (s->ended)
        return "a line after the end record";
    if (strncmp(line, "history ", 8) == 0) {
        p = line + 8;
        if (s->has_history || s->has_trends || !number(&p, 0, INT64_MAX / MINUTE_MS, &v[0]) ||
            !number(&p, v[0], INT64_MAX / MINUTE_MS, &v[1]) || *p)
            return "a bad history record";
        s->has_history = true;
        s->first_minute = v[0];
        s->minute = v[1];
        s->last_m = -1;
        s->per_minute = xcalloc(HISTORY_MINUTES, sizeof *s->per_minute);
        return NULL;
    }
    if (strncmp(line, "m ", 2) == 0) {
        if (!s->has_history || s->has_trends)
            return "a minute outside the history";
        if (!number(&p, s->minute - (HISTORY_MINUTES - 1), s->minute, &v[0]) || v[0] < s->first_minute ||
            v[0] <= s->last_m)
            return "a minute outside the history's window, or out of order";
        for (int i = 1; i < 5; i++)
            if (!number(&p, 0, UINT32_MAX, &v[i]))
                return "a bad count of a minute";
        if (*p)
            return "a bad minute record";
        s->last_m = v[0];
        uint32_t *dst = s->per_minute[v[0] % HISTORY_MINUTES];
        dst[HIST_RECEIVED] = (uint32_t)v[1];
        dst[HIST_ARCHIVED] = (uint32_t)v[2];
        dst[HIST_FAILED] = (uint32_t)v[3];
        dst[HIST_DUPLICATES] = (uint32_t)v[4];
        s->records++;
        return NULL;
    }
    if (strncmp(line, "trends ", 7) == 0) {
        p = line + 7;
        if (s->has_trends || !number(&p, -1, INT64_MAX / HOUR_MS, &v[0]) || *p)
            return "a bad trends record";
        s->has_trends = true;
        s->latest_hour = v[0];
        return NULL;
    }
    if (strncmp(line, "n ", 2) == 0) {
        if (!s->has_trends || s->latest_hour < 0)
            return "a name outside the trends";
        if (s->n_names == TRENDS_MAX_NAMES)
            return "more names than newsd follows";
        json_t *js = json_loads(p, JSON_DECODE_ANY, NULL);
        const char *name = json_string_value(js);
        if (!name || !*name || strlen(name) != json_string_length(js)) {
            json_decref(js);
            return "a name that is not a JSON string";
        }
        if (s->n_names == s->cap_names) {
            s->cap_names = s->cap_names ? s->cap_names * 2 : 64;
            s->names = xreallocarray(s->names, s->cap_names, sizeof *s->names);
        }
        s->names[s->n_names++] = xstrdup(name);
        json_decref(js);
        s->last_h = -1;
        s->records++;
        return NULL;
    }
    if (strncmp(line, "h ", 2) == 0) {
        if (!s->n_names)
            return "an hour before any name";
        if (!number(&p, s->latest_hour - (TRENDS_HOURS - 1), s->latest_hour, &v[0]) || v[0] < 0 ||
            v[0] <= s->last_h || !number(&p, 1, UINT32_MAX, &v[1]) || *p)
            return "a bad hour record, out of the window or out of order";
        if (s->n_hours == s->cap_hours) {
            s->cap_hours = s->cap_hours ? s->cap_hours * 2 : 256;
            s->hours = xreallocarray(s->hours, s->cap_hours, sizeof *s->hours);
        }
        s->hours[s->n_hours++] = (struct staged_hour){(uint32_t)(s->n_names - 1), v[0], (uint32_t)v[1]};
        s->last_h = v[0];
        s->records++;
        return NULL;
    }
    if (strncmp(line, "end ", 4) == 0) {
        p = line + 4;
        if (!number(&p, 0, LLONG_MAX, &v[0]) || *p)
            return "a bad end record";
        if (v[0] != s->records)
            return "an end record that does not count the records before it";
        s->ended = true;
        return NULL;
    }
    return "a line of no known record";
}

/* Read f into s; NULL, or why the file is ignored (*line_no: where). */
static const char *parse(FILE *f, struct staged *s, long *line_no, char **version)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    const char *why = NULL;
    *line_no = 0;
    while (!why && (len = getline(&line, &cap, f)) >= 0) {
        ++*line_no;
        if (len > LINE_MAX_BYTES || len == 0 || line[len - 1] != '\n' || strlen(line) != (size_t)len) {
            why = "a line too long, cut off or holding a NUL byte";
            break;
        }
        line[len - 1] = '\0';
        if (*line_no == 1) {
            if (strncmp(line, MAGIC " ", sizeof MAGIC) != 0)
                why = "not a newsd trends file";
            else if (strcmp(line + sizeof MAGIC, "1") != 0)
                *version = xstrdup(line + sizeof MAGIC);
            if (why || *version)
                break;
            continue;
        }
        why = parse_line(s, line);
    }
    if (!why && !*version && ferror(f))
        why = strerror(errno);
    else if (!why && !*version && *line_no == 0)
        why = "an empty file";
    else if (!why && !*version && !s->ended)
        why = "no end record: the file was cut off";
    free(line);
    return why;
}

/* Take what s holds that the windows at now_ms still show. */
static void take(const struct staged *s, struct web_history *h, int64_t now_ms)
{
    int64_t now_minute = now_ms / MINUTE_MS, now_hour = now_ms / HOUR_MS;
    /* A history from the future (the clock went back) or older than the
     * window is left out, as web_history_note() would drop it. */
    if (s->has_history && s->minute <= now_minute && s->minute > now_minute - HISTORY_MINUTES) {
        memset(h, 0, sizeof *h);
        h->started = h->resumed = true;
        h->first_minute = s->first_minute;
        h->minute = s->minute;
        memcpy(h->per_minute, s->per_minute, sizeof h->per_minute);
    }
    for (size_t i = 0; i < s->n_hours; i++) {
        const struct staged_hour *sh = &s->hours[i];
        if (sh->hour <= now_hour && sh->hour > now_hour - TRENDS_HOURS)
            tag_trends_count_at(s->names[sh->name], sh->hour, sh->count);
    }
}

int trends_file_load(const char *path, struct web_history *h, int64_t now_ms, char **err)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        *err = xasprintf("cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    struct staged s = {0};
    long line_no = 0;
    char *version = NULL;
    const char *why = parse(f, &s, &line_no, &version);
    fclose(f);
    int rc = 1;
    if (version) {
        *err = xasprintf("%s is of version %.40s, and this newsd reads version %d", path, version, VERSION);
        rc = -1;
    } else if (why) {
        *err = xasprintf("%s, line %ld: %s", path, line_no, why);
        rc = -1;
    } else {
        take(&s, h, now_ms);
    }
    free(version);
    staged_free(&s);
    return rc;
}
