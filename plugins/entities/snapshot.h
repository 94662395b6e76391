/* snapshot: the gazetteer files as loaded, and their reload.
 *
 * Workers share one snapshot read-only; each holds a reference while it
 * tags an article.  At most once a second a worker stats the files; when
 * one changed, it reads them all into a new snapshot and swaps it in (the
 * old one goes when its last reader lets go).  A file that does not read
 * leaves the current snapshot in place and is logged once, naming the file
 * and line, until it changes again.
 *
 * The automaton depends on the language the names are stemmed in, so a
 * snapshot holds one matcher per analysis language (those built together
 * share one automaton, matcher.h).  Building one tokenises every name
 * (~0.1 s a language for the bundled lists), and the workers that need it
 * wait: so the languages named at start are built then, in one build; a
 * reload builds the languages the old snapshot had before it swaps the new
 * one in; and only a language met for the first time is built on first
 * use, on an automaton of its own. */
#ifndef ENTITIES_SNAPSHOT_H
#define ENTITIES_SNAPSHOT_H

#include "gazetteer.h"
#include "matcher.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/stat.h>

#define SNAPSHOT_LANGS 16

struct file_stamp {
    int exists;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
};

struct snapshot {
    atomic_uint refs;
    struct gazetteer gz;
    struct file_stamp *stamps;
    const struct ent_tokeniser *tk;
    pthread_mutex_t lock;  /* guards m[] and building[] */
    struct matcher *m[SNAPSHOT_LANGS];
    size_t n_m;
    /* The languages a worker builds now, without the lock: the workers
     * of other languages go on, those of the same one wait for built. */
    char building[SNAPSHOT_LANGS][GZ_LANG_MAX];
    size_t n_building;
    pthread_cond_t built;
};

struct gz_source {
    char **paths;
    size_t n_paths;
    const struct ent_tokeniser *tk;
    pthread_mutex_t lock;       /* guards cur, rejected */
    struct snapshot *cur;
    struct file_stamp *rejected; /* the stamps of a version that did not read, or NULL */
    atomic_llong next_check_ms;
    atomic_flag checking;
    int64_t interval_ms;
};

/* Take ownership of paths (malloc'd strings in a malloc'd array), read
 * them and build the matchers of the n_langs languages of langs (at most
 * SNAPSHOT_LANGS).  0, or -1 with the cause (FILE:LINE: ..., or out of
 * memory) in err. */
int source_init(struct gz_source *s, char **paths, size_t n, const struct ent_tokeniser *tk,
                const char *const *langs, size_t n_langs, char *err, size_t errlen);
void source_fini(struct gz_source *s);
/* The current snapshot, with a reference; first reloads when the files
 * changed and a check is due.  Never NULL. */
struct snapshot *source_acquire(struct gz_source *s);
/* Stat and reload now (tests; the daemon waits for the interval).
 * 1 when a new snapshot was taken, 0 when nothing changed, -1 when the
 * files changed but did not read (err says why). */
int source_reload(struct gz_source *s, char *err, size_t errlen);
void snapshot_release(struct snapshot *snap);
/* Build the matchers of langs that snap lacks, in that order and on one
 * automaton, before snap is shared (source_init(), a reload).  0, or -1
 * when out of memory (none of them is built then). */
int snapshot_prepare(struct snapshot *snap, const char *const *langs, size_t n);
/* The matcher for lang, built on first use (by the first worker that
 * needs it, while the others go on; one that needs the same language
 * waits for it).  NULL when out of memory. */
const struct matcher *snapshot_matcher(struct snapshot *snap, const char *lang);

#endif
