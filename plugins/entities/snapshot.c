#include "snapshot.h"

#include <newsd/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

_Static_assert(SNAPSHOT_LANGS <= MATCHER_LANGS_MAX, "the languages built at once share one automaton");

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void stamp_of(const char *path, struct file_stamp *st)
{
    struct stat sb;
    *st = (struct file_stamp){0};
    if (stat(path, &sb) != 0)
        return;
    *st = (struct file_stamp){1, sb.st_dev, sb.st_ino, sb.st_size, sb.st_mtim};
}

static int stamps_equal(const struct file_stamp *a, const struct file_stamp *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].exists != b[i].exists || a[i].dev != b[i].dev || a[i].ino != b[i].ino ||
            a[i].size != b[i].size || a[i].mtime.tv_sec != b[i].mtime.tv_sec ||
            a[i].mtime.tv_nsec != b[i].mtime.tv_nsec)
            return 0;
    return 1;
}

static void snapshot_free(struct snapshot *snap)
{
    for (size_t i = 0; i < snap->n_m; i++) {
        matcher_free(snap->m[i]);
        free(snap->m[i]);
    }
    gz_free(&snap->gz);
    free(snap->stamps);
    pthread_mutex_destroy(&snap->lock);
    pthread_cond_destroy(&snap->built);
    free(snap);
}

void snapshot_release(struct snapshot *snap)
{
    if (snap && atomic_fetch_sub(&snap->refs, 1) == 1)
        snapshot_free(snap);
}

/* Read every file into a new snapshot.  The stamps are taken before the
 * reads: a file saved again while it is read then differs next time. */
static struct snapshot *snapshot_load(const struct gz_source *s, struct file_stamp *stamps, char *err,
                                      size_t errlen)
{
    struct snapshot *snap = calloc(1, sizeof *snap);
    if (!snap) {
        snprintf(err, errlen, "out of memory");
        free(stamps);
        return NULL;
    }
    atomic_init(&snap->refs, 1);
    gz_init(&snap->gz);
    pthread_mutex_init(&snap->lock, NULL);
    pthread_cond_init(&snap->built, NULL);
    snap->tk = s->tk;
    snap->stamps = stamps;
    for (size_t i = 0; i < s->n_paths; i++)
        if (gz_load_file(&snap->gz, s->paths[i], err, errlen) < 0) {
            snapshot_free(snap);
            return NULL;
        }
    gz_seal(&snap->gz);
    return snap;
}

static struct file_stamp *stamps_now(const struct gz_source *s)
{
    struct file_stamp *st = calloc(s->n_paths + 1, sizeof *st);
    for (size_t i = 0; st && i < s->n_paths; i++)
        stamp_of(s->paths[i], &st[i]);
    return st;
}

/* The languages snap has matchers for or builds now, copied into buf. */
static size_t snapshot_langs(struct snapshot *snap, char buf[][GZ_LANG_MAX], const char **langs)
{
    pthread_mutex_lock(&snap->lock);
    size_t n = 0;
    for (size_t i = 0; i < snap->n_m; i++)
        strcpy(buf[n++], snap->m[i]->lang);
    for (size_t i = 0; i < snap->n_building; i++)
        strcpy(buf[n++], snap->building[i]);
    pthread_mutex_unlock(&snap->lock);
    for (size_t i = 0; i < n; i++)
        langs[i] = buf[i];
    return n;
}

int source_init(struct gz_source *s, char **paths, size_t n, const struct ent_tokeniser *tk,
                const char *const *langs, size_t n_langs, char *err, size_t errlen)
{
    *s = (struct gz_source){.paths = paths, .n_paths = n, .tk = tk, .interval_ms = 1000};
    pthread_mutex_init(&s->lock, NULL);
    atomic_flag_clear(&s->checking);
    atomic_init(&s->next_check_ms, now_ms() + s->interval_ms);
    struct file_stamp *st = stamps_now(s);
    if (!st) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->cur = snapshot_load(s, st, err, errlen);
    if (!s->cur)
        return -1;
    if (snapshot_prepare(s->cur, langs, n_langs) < 0) {
        snprintf(err, errlen, "out of memory (the matchers of the languages built at start)");
        return -1;
    }
    return 0;
}

void source_fini(struct gz_source *s)
{
    snapshot_release(s->cur);
    free(s->rejected);
    for (size_t i = 0; i < s->n_paths; i++)
        free(s->paths[i]);
    free(s->paths);
    pthread_mutex_destroy(&s->lock);
    *s = (struct gz_source){0};
}

int source_reload(struct gz_source *s, char *err, size_t errlen)
{
    struct file_stamp *st = stamps_now(s);
    if (!st)
        return 0;  /* out of memory: try again at the next check */
    pthread_mutex_lock(&s->lock);
    int same = stamps_equal(st, s->cur->stamps, s->n_paths) ||
               (s->rejected && stamps_equal(st, s->rejected, s->n_paths));
    pthread_mutex_unlock(&s->lock);
    if (same) {
        free(st);
        return 0;
    }
    struct file_stamp *copy = malloc((s->n_paths + 1) * sizeof *copy);
    if (!copy) {
        free(st);
        return 0;
    }
    memcpy(copy, st, s->n_paths * sizeof *copy);
    struct snapshot *fresh = snapshot_load(s, st, err, errlen);
    if (fresh) {
        /* The languages in use, built before the swap: the other workers
         * go on with the old snapshot meanwhile, on one automaton.  Out
         * of memory leaves each of them to its next article, on an
         * automaton of its own. */
        char buf[SNAPSHOT_LANGS][GZ_LANG_MAX];
        const char *langs[SNAPSHOT_LANGS];
        pthread_mutex_lock(&s->lock);
        struct snapshot *cur = s->cur;
        atomic_fetch_add(&cur->refs, 1);
        pthread_mutex_unlock(&s->lock);
        size_t n_langs = snapshot_langs(cur, buf, langs);
        snapshot_release(cur);
        (void)snapshot_prepare(fresh, langs, n_langs);
    }
    pthread_mutex_lock(&s->lock);
    struct snapshot *old = NULL;
    if (fresh) {
        old = s->cur;
        s->cur = fresh;
        free(s->rejected);
        s->rejected = NULL;
        free(copy);
    } else {
        free(s->rejected);
        s->rejected = copy;
    }
    pthread_mutex_unlock(&s->lock);
    snapshot_release(old);
    return fresh ? 1 : -1;
}

struct snapshot *source_acquire(struct gz_source *s)
{
    int64_t now = now_ms();
    if (now >= atomic_load(&s->next_check_ms) && !atomic_flag_test_and_set(&s->checking)) {
        /* One worker checks; the others go on with the snapshot they find. */
        atomic_store(&s->next_check_ms, now + s->interval_ms);
        char err[600];
        int rc = source_reload(s, err, sizeof err);
        if (rc > 0)
            newsd_log(NEWSD_LOG_INFO, "gazetteer reloaded: %zu entries", s->cur->gz.n);
        else if (rc < 0)
            newsd_log(NEWSD_LOG_ERROR, "gazetteer not reloaded, the previous list stays in use: %s", err);
        atomic_flag_clear(&s->checking);
    }
    pthread_mutex_lock(&s->lock);
    struct snapshot *snap = s->cur;
    atomic_fetch_add(&snap->refs, 1);
    pthread_mutex_unlock(&s->lock);
    return snap;
}

static struct matcher *find_matcher(const struct snapshot *snap, const char *lang)
{
    for (size_t i = 0; i < snap->n_m; i++)
        if (strcmp(snap->m[i]->lang, lang) == 0)
            return snap->m[i];
    return NULL;
}

static int is_building(const struct snapshot *snap, const char *lang)
{
    for (size_t i = 0; i < snap->n_building; i++)
        if (strcmp(snap->building[i], lang) == 0)
            return 1;
    return 0;
}

/* Build the matchers of langs (n of them, on one automaton) with
 * snap->lock released (held on entry and on return): a build takes ~0.1 s
 * a language, and held, it kept every worker waiting, whatever the
 * language of its article.  0, or -1 when out of memory. */
static int build_unlocked(struct snapshot *snap, const char *const *langs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        strcpy(snap->building[snap->n_building++], langs[i]);
    pthread_mutex_unlock(&snap->lock);
    struct matcher *ms[SNAPSHOT_LANGS];
    size_t made = 0;
    while (made < n && (ms[made] = malloc(sizeof *ms[made])))
        made++;
    int rc = made == n ? matcher_build_langs(ms, langs, n, &snap->gz, snap->tk) : -1;
    pthread_mutex_lock(&snap->lock);
    for (size_t k = 0; k < n; k++) {
        size_t i = 0;
        while (strcmp(snap->building[i], langs[k]) != 0)
            i++;
        memmove(snap->building[i], snap->building[i + 1], (--snap->n_building - i) * sizeof snap->building[0]);
    }
    for (size_t k = 0; k < made; k++) {
        if (rc == 0)
            snap->m[snap->n_m++] = ms[k];
        else
            free(ms[k]);
    }
    pthread_cond_broadcast(&snap->built);
    return rc;
}

const struct matcher *snapshot_matcher(struct snapshot *snap, const char *lang)
{
    if (!lang)
        lang = "";
    pthread_mutex_lock(&snap->lock);
    const struct matcher *found = find_matcher(snap, lang);
    while (!found && strlen(lang) < GZ_LANG_MAX) {
        int room = snap->n_m + snap->n_building < SNAPSHOT_LANGS;
        if (is_building(snap, lang) || (!room && snap->n_building > 0)) {
            /* Its build, or builds that hold the last free slots: one
             * that fails leaves its slot. */
            pthread_cond_wait(&snap->built, &snap->lock);
            found = find_matcher(snap, lang);
            continue;
        }
        if (room && build_unlocked(snap, &lang, 1) == 0)
            found = find_matcher(snap, lang);
        break;
    }
    /* More languages than slots (or no memory for this one's): the names
     * unstemmed serve the rest, or else the first language's. */
    if (!found)
        found = find_matcher(snap, "");
    if (!found && snap->n_m == SNAPSHOT_LANGS)
        found = snap->m[0];
    pthread_mutex_unlock(&snap->lock);
    return found;
}

int snapshot_prepare(struct snapshot *snap, const char *const *langs, size_t n)
{
    pthread_mutex_lock(&snap->lock);
    /* All in one build, on one automaton (matcher.h).  Built in threads of
     * their own, de and en took 150-330 ms against 180-240 in turn: the
     * tokeniser's mallocs queue for the daemon's single malloc arena. */
    const char *todo[SNAPSHOT_LANGS];
    size_t n_todo = 0;
    for (size_t i = 0; i < n && snap->n_m + snap->n_building + n_todo < SNAPSHOT_LANGS; i++) {
        int dup = strlen(langs[i]) >= GZ_LANG_MAX || find_matcher(snap, langs[i]) || is_building(snap, langs[i]);
        for (size_t k = 0; !dup && k < n_todo; k++)
            dup = strcmp(todo[k], langs[i]) == 0;
        if (!dup)
            todo[n_todo++] = langs[i];
    }
    int rc = n_todo ? build_unlocked(snap, todo, n_todo) : 0;
    pthread_mutex_unlock(&snap->lock);
    return rc;
}
