/*
 * tag_scorer's watched names: a set of entity names looked up in constant
 * time (inline lists and list files alike), and list files that reload
 * when they change.
 *
 *   watchlist.rivals = rivals.txt            ; one name per line, # comments
 *   watch.RIVALS = 1.5, 4 : @rivals, Huawei  ; @NAME: the names of that file
 *
 * A name is "Huawei" (an entity of any kind) or "org/Nvidia" (of that
 * kind; "entity:org/Nvidia" reads the same); ASCII letters compare without
 * regard to case.  A list file is checked at most once a second while
 * articles come; a changed file is read whole and swapped in, and one
 * that does not read (gone, not UTF-8) keeps the previous names and logs
 * FILE:LINE and why.
 */
#ifndef TAG_SCORER_WATCHLIST_H
#define TAG_SCORER_WATCHLIST_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

struct nameset;

/* An empty set; NULL when out of memory. */
struct nameset *nameset_new(void);
void nameset_free(struct nameset *s);
/* Add a name ("Huawei", "org/Nvidia", "entity:org/Nvidia"); 0, or -1 when
 * out of memory. */
int nameset_add(struct nameset *s, const char *name);
size_t nameset_count(const struct nameset *s);
/* Is the entity tag "entity:KIND/NAME" watched: "NAME" or "KIND/NAME" in
 * the set?  0 for a tag that is not an entity's. */
int nameset_has_entity(const struct nameset *s, const char *tag);

/* Room for a message about a list file. */
#define WATCHLIST_ERR_MAX 512

struct watchlist {
    char *name;                 /* "rivals" of watchlist.rivals */
    char *key;                  /* "watchlist.rivals", for errors */
    char *path;                 /* resolved */
    pthread_rwlock_t lock;      /* guards set: readers look up, a reload swaps */
    struct nameset *set;
    atomic_llong next_check_ms; /* CLOCK_MONOTONIC; the thread that moves it checks the file */
    pthread_mutex_t reload;     /* one reload at a time; guards the identity below */
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
};

/* Read the file into a new set: 0, or -1 with err "FILE:LINE: why" or
 * "FILE: why". */
int watchlist_read(const char *path, struct nameset **out, char err[WATCHLIST_ERR_MAX]);

/* Set w up and read its file (init): 0, or -1 with err. */
int watchlist_open(struct watchlist *w, const char *name, const char *key, const char *path,
                   char err[WATCHLIST_ERR_MAX]);
void watchlist_close(struct watchlist *w);

/* At most once a second (now_ms, CLOCK_MONOTONIC): read the file again if
 * it changed, and swap the names in.  Returns 1 when it swapped, 0 when
 * nothing changed, -1 when the changed file did not read (err says why,
 * the old names stay). */
int watchlist_refresh(struct watchlist *w, long long now_ms, char err[WATCHLIST_ERR_MAX]);

/* The lookup of nameset_has_entity() under the list's read lock. */
int watchlist_has_entity(struct watchlist *w, const char *tag);

#endif
