/* State directory layout, claims, failed/ moves and poison accounting. */
#include "spool.h"
#include "fdio.h"
#include "spool_access.h"
#include "state_lock.h"
#include "xalloc.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define JOURNAL_PREFIX ".inflight-"
#define ATTEMPTS_FILE ".attempts"
#define JOURNAL_RECORD (NAME_MAX + 1)
/* The stuck mark, after the record: the file's name, the plugin, the
 * cause, each NUL-padded in a field of its own. */
#define MARK_NAME JOURNAL_RECORD
#define MARK_PLUGIN 256
#define MARK_CAUSE 512
#define MARK_SIZE (MARK_NAME + MARK_PLUGIN + MARK_CAUSE)

#define DIR_MODE 0755
#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_CLOEXEC)

/* The folders below the state dir, by enum spool_folder (the state dir
 * itself has no name here). */
static const char *const folder_names[SPOOL_FOLDERS] = {
    [SPOOL_INBOX] = "inbox", [SPOOL_TMP] = "tmp", [SPOOL_WORK] = "work",
    [SPOOL_FAILED] = "failed", [SPOOL_ARCHIVE] = "archive",
};

const char *spool_folder_name(enum spool_folder f)
{
    static const char *const shown[SPOOL_FOLDERS] = {
        [SPOOL_STATE_DIR] = "the state directory", [SPOOL_INBOX] = "inbox/", [SPOOL_TMP] = "tmp/",
        [SPOOL_WORK] = "work/", [SPOOL_FAILED] = "failed/", [SPOOL_ARCHIVE] = "archive/",
    };
    return (unsigned)f < SPOOL_FOLDERS ? shown[f] : "?";
}

static int *folder_fd(struct spool *s, enum spool_folder f)
{
    switch (f) {
    case SPOOL_STATE_DIR: return &s->state_fd;
    case SPOOL_INBOX: return &s->inbox_fd;
    case SPOOL_TMP: return &s->tmp_fd;
    case SPOOL_WORK: return &s->work_fd;
    case SPOOL_FAILED: return &s->failed_fd;
    case SPOOL_ARCHIVE: return &s->archive_fd;
    case SPOOL_FOLDERS: break;
    }
    return NULL;
}

/* The folders producers drop into: newsd's group may write there (add the
 * producers to it), setgid so that what they drop keeps that group; no one
 * else has access.  Everything else newsd creates follows [daemon] umask
 * (0750 and 0640 by default). */
#define DROP_DIR_MODE 02770

/* Open STATE_DIR/name, creating it when missing: with 0755 less the umask,
 * or exactly with mode when that is not 0.  The mode of a folder that
 * exists is left alone (an operator's group settings stay). */
static int open_dir(int at, const char *name, mode_t mode, char **err, const char *state_dir)
{
    if (mkdirat(at, name, DIR_MODE) == 0) {
        /* mkdir() applies the umask and may drop setgid: set it outright. */
        if (mode && fchmodat(at, name, mode, 0) < 0) {
            *err = xasprintf("%s/%s: cannot set its mode to %04o: %s", state_dir, name, (unsigned)mode,
                             strerror(errno));
            return -1;
        }
    } else if (errno != EEXIST) {
        *err = xasprintf("%s/%s: cannot create: %s", state_dir, name, strerror(errno));
        return -1;
    }
    int fd = openat(at, name, DIR_FLAGS);
    if (fd < 0)
        *err = xasprintf("%s/%s: cannot open: %s", state_dir, name, strerror(errno));
    return fd;
}

static int mkdir_p(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return -ENAMETOOLONG;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, DIR_MODE) < 0 && errno != EEXIST)
            return -errno;
        *p = '/';
    }
    if (mkdir(buf, DIR_MODE) < 0 && errno != EEXIST)
        return -errno;
    return 0;
}

int spool_open(struct spool *s, const char *state_dir, char **err)
{
    memset(s, 0, sizeof *s);
    s->state_fd = s->inbox_fd = s->tmp_fd = s->work_fd = s->failed_fd = s->archive_fd = s->lock_fd = -1;
    *err = NULL;

    int rc = mkdir_p(state_dir);
    if (rc < 0) {
        *err = xasprintf("%s: cannot create the state directory: %s", state_dir, strerror(-rc));
        return -1;
    }
    s->state_fd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->state_fd < 0) {
        *err = xasprintf("%s: cannot open the state directory: %s", state_dir, strerror(errno));
        return -1;
    }
    /* The canonical path: it appears in logs and sidecars, and
     * "config/../var" reads badly there. */
    char real[PATH_MAX];
    s->state_dir = xstrdup(realpath(state_dir, real) ? real : state_dir);
    /* Before anything in it is touched: a second daemon must not so much
     * as create a folder that the first is repairing. */
    if ((s->lock_fd = state_lock_take(s->state_fd, s->state_dir, err)) < 0) {
        spool_close(s);
        return -1;
    }
    s->inbox_path = xasprintf("%s/inbox", s->state_dir);
    if ((s->inbox_fd = open_dir(s->state_fd, "inbox", DROP_DIR_MODE, err, s->state_dir)) < 0 ||
        (s->tmp_fd = open_dir(s->state_fd, "tmp", DROP_DIR_MODE, err, s->state_dir)) < 0 ||
        (s->work_fd = open_dir(s->state_fd, "work", 0, err, s->state_dir)) < 0 ||
        (s->failed_fd = open_dir(s->state_fd, "failed", 0, err, s->state_dir)) < 0) {
        spool_close(s);
        return -1;
    }
    /* inbox and work must share a file system: a claim is a rename. */
    struct stat a, b;
    if (fstat(s->inbox_fd, &a) == 0 && fstat(s->work_fd, &b) == 0 && a.st_dev != b.st_dev) {
        *err = xasprintf("%s: inbox/ and work/ are on different file systems; newsd claims files by "
                         "rename, so they must share one", state_dir);
        spool_close(s);
        return -1;
    }
    if (spool_access_check(s, err) < 0) {
        spool_close(s);
        return -1;
    }
    spool_hold_archive(s);
    return 0;
}

void spool_close(struct spool *s)
{
    /* The lock last: the folders are let go before another daemon may
     * take them. */
    int *fds[] = {&s->state_fd, &s->inbox_fd, &s->tmp_fd, &s->work_fd, &s->failed_fd, &s->archive_fd,
                  &s->lock_fd};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
        if (*fds[i] >= 0)
            close(*fds[i]);
        *fds[i] = -1;
    }
    free(s->state_dir);
    free(s->inbox_path);
    s->state_dir = s->inbox_path = NULL;
    free(s->journal_fds);
    free(s->journal_workers);
    s->journal_fds = NULL;
    s->journal_workers = NULL;
    s->n_journals = 0;
}

/* ---- folders that went away ------------------------------------------- */

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Point *fd at the folder newfd names, keeping the number: workers and the
 * archiver hold copies of it, and dup3 swaps atomically under them. */
static int repoint(int *fd, int newfd)
{
    if (*fd < 0) {
        *fd = newfd;
        return 0;
    }
    int rc = dup3(newfd, *fd, O_CLOEXEC) < 0 ? -errno : 0;
    close(newfd);
    return rc;
}

static int journal_name(char *buf, size_t n, unsigned worker)
{
    return snprintf(buf, n, JOURNAL_PREFIX "%u", worker);
}

/* A new work/: the workers' journals would go on writing into files of the
 * old one, and poison accounting with them. */
static void journals_follow(struct spool *s)
{
    for (size_t i = 0; i < s->n_journals; i++) {
        char name[64];
        journal_name(name, sizeof name, s->journal_workers[i]);
        int fd = openat(s->work_fd, name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || repoint(&s->journal_fds[i], fd) < 0)
            log_warning("cannot make the in-flight journal %s/work/%s again: %s; poison articles are not "
                        "counted until the next start", s->state_dir, name, strerror(errno));
    }
}

/* Open what the path names now, making the folder when there is none.
 * Returns the new fd, or -errno. */
static int reopen(struct spool *s, enum spool_folder f, bool *made)
{
    int fd;
    *made = false;
    if (f == SPOOL_STATE_DIR) {
        /* mkdir_p() says EEXIST for nothing, so made is judged before. */
        *made = access(s->state_dir, F_OK) < 0;
        int rc = mkdir_p(s->state_dir);
        if (rc < 0)
            return rc;
        fd = open(s->state_dir, DIR_FLAGS | O_NOFOLLOW);
    } else {
        if (f != SPOOL_ARCHIVE && mkdirat(s->state_fd, folder_names[f], DIR_MODE) == 0) {
            *made = true;
            /* As at start: the drop folders are the producers' too (mkdir()
             * applies the umask and may drop setgid, so set it outright). */
            if ((f == SPOOL_INBOX || f == SPOOL_TMP) &&
                fchmodat(s->state_fd, folder_names[f], DROP_DIR_MODE, 0) < 0)
                log_warning("%s/%s: cannot set its mode to %04o: %s", s->state_dir, folder_names[f],
                            (unsigned)DROP_DIR_MODE, strerror(errno));
        }
        fd = openat(s->state_fd, folder_names[f], DIR_FLAGS | O_NOFOLLOW);
    }
    return fd < 0 ? -errno : fd;
}

/* Is folder f (held open) still the one at its path?  1 with *f filled
 * when not (and repaired when possible), 0 when it is. */
/* The state dir was made again: the old lock is on a file that is gone,
 * so another daemon could start here.  Lock the new folder too. */
static void relock(struct spool *s)
{
    char *err = NULL;
    int fd = state_lock_take(s->state_fd, s->state_dir, &err);
    if (fd < 0) {
        log_error("%s", err);
        free(err);
        return;
    }
    if (s->lock_fd >= 0)
        close(s->lock_fd);
    s->lock_fd = fd;
}

static int check_one(struct spool *s, enum spool_folder f, struct spool_fault *out)
{
    int *fd = folder_fd(s, f);
    struct stat held, now;
    int rc;

    if (*fd < 0) {
        /* Only the archive's folder is held optionally: adopt it once it is there. */
        if (f == SPOOL_ARCHIVE)
            spool_hold_archive(s);
        return 0;
    }
    if (fstat(*fd, &held) < 0)
        return 0;   /* cannot happen for an open fd; nothing to judge by */
    if (f == SPOOL_STATE_DIR)
        rc = stat(s->state_dir, &now);
    else
        rc = fstatat(s->state_fd, folder_names[f], &now, AT_SYMLINK_NOFOLLOW);
    if (held.st_nlink > 0 && rc == 0 && same_file(&held, &now))
        return 0;

    *out = (struct spool_fault){
        .folder = f,
        .name = f == SPOOL_STATE_DIR ? s->state_dir : spool_folder_name(f),
        .kind = held.st_nlink == 0 ? SPOOL_DELETED : SPOOL_MOVED,
    };
    if (f == SPOOL_ARCHIVE) {
        /* The plugin holds its own files; it must open them again (the
         * daemon reloads it), and the folder it makes is adopted then. */
        close(*fd);
        *fd = openat(s->state_fd, folder_names[f], DIR_FLAGS | O_NOFOLLOW);
        return 1;
    }
    bool made;
    int nfd = reopen(s, f, &made);
    if (nfd < 0) {
        out->err = nfd;
        return 1;
    }
    rc = repoint(fd, nfd);
    if (rc < 0) {
        out->err = rc;
        return 1;
    }
    out->made = made;
    out->adopted = !made;
    if (f == SPOOL_WORK)
        journals_follow(s);
    if (f == SPOOL_STATE_DIR)
        relock(s);
    return 1;
}

void spool_hold_archive(struct spool *s)
{
    if (s->archive_fd < 0)
        s->archive_fd = openat(s->state_fd, folder_names[SPOOL_ARCHIVE], DIR_FLAGS | O_NOFOLLOW);
}

int spool_check(struct spool *s, spool_fault_cb cb, void *ud)
{
    int faults = 0;
    /* The state dir first: the others are made again inside the new one. */
    for (int f = 0; f < SPOOL_FOLDERS; f++) {
        struct spool_fault fault;
        if (check_one(s, (enum spool_folder)f, &fault) == 0)
            continue;
        faults++;
        if (cb)
            cb(ud, &fault);
    }
    return faults;
}

int spool_claim(struct spool *s, const char *name)
{
    if (renameat2(s->inbox_fd, name, s->work_fd, name, RENAME_NOREPLACE) < 0)
        return -errno;
    return 0;
}

/* A file name may hold any byte but '/' and NUL, line breaks included, and
 * both work/.attempts and the failed/ sidecars are one entry per line: a
 * name is written there with a backslash doubled and a line break as
 * backslash + 'n'.  (An .attempts file of an older newsd, whose names are
 * written as they are, reads the same unless a name holds a backslash.) */
static char *escape_name(const char *name)
{
    char *out = xmalloc(2 * strlen(name) + 1), *o = out;
    for (const char *p = name; *p; p++) {
        if (*p == '\\' || *p == '\n') {
            *o++ = '\\';
            *o++ = *p == '\n' ? 'n' : '\\';
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

/* The inverse, in place; an unknown escape stays as it is. */
static void unescape_name(char *s)
{
    char *o = s;
    for (const char *p = s; *p; p++) {
        if (*p == '\\' && (p[1] == 'n' || p[1] == '\\')) {
            *o++ = p[1] == 'n' ? '\n' : '\\';
            p++;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
}

static void iso_now(char out[32])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03ldZ", ts.tv_nsec / 1000000);
}


static int write_sidecar(struct spool *s, const char *path, const char *name, const char *id,
                         const char *plugin, const char *cause)
{
    char when[32], *text;
    char *shown = escape_name(name);
    /* One field a line for a script that reads it, whatever the cause
     * holds (a Lua traceback). */
    char *flat = xstrdup(cause);
    flat[text_one_line(flat, strlen(flat))] = '\0';
    iso_now(when);
    int len = asprintf(&text,
                       "file: %s\n"
                       "cause: %s\n"
                       "%s%s%s"
                       "%s%s%s"
                       "time: %s\n"
                       "retry: fix the cause, then move the file back into %s\n",
                       shown, flat, plugin ? "plugin: " : "", plugin ? plugin : "", plugin ? "\n" : "",
                       id ? "id: " : "", id ? id : "", id ? "\n" : "", when, s->inbox_path);
    free(shown);
    free(flat);
    if (len < 0)
        return -ENOMEM;
    int fd = openat(s->failed_fd, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    int rc = fd < 0 ? -errno : write_all(fd, text, (size_t)len);
    if (fd >= 0 && rc == 0 && fsync(fd) < 0)
        rc = -errno;
    if (fd >= 0)
        close(fd);
    free(text);
    return rc;
}

int spool_fail(struct spool *s, const char *name, const char *id,
               const char *plugin, const char *cause)
{
    char target[NAME_MAX + 1], sidecar[NAME_MAX + 1];
    int rc = -EEXIST;
    /* A reprocess file's dot would hide it in failed/, and keep it out of
     * the inbox when moved back (where it is an ordinary article). */
    const char *shown = name[0] == '.' ? name + 1 : name;

    /* Never overwrite an earlier failure of the same name: take name, then
     * name.1, name.2 ... whose sidecar is free as well. */
    for (unsigned i = 0; i < 10000 && rc == -EEXIST; i++) {
        int n = i ? snprintf(target, sizeof target, "%.200s.%u", shown, i)
                  : snprintf(target, sizeof target, "%.240s", shown);
        if (n < 0)
            return -EINVAL;
        snprintf(sidecar, sizeof sidecar, "%.240s.reason", target);
        if (faccessat(s->failed_fd, target, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
            continue;
        rc = write_sidecar(s, sidecar, name, id, plugin, cause);
        if (rc == -EEXIST)
            continue;
        if (rc < 0)
            return rc;
        if (renameat2(s->work_fd, name, s->failed_fd, target, RENAME_NOREPLACE) < 0) {
            rc = -errno;
            unlinkat(s->failed_fd, sidecar, 0);
            if (rc != -EEXIST)
                return rc;
        }
    }
    if (rc == 0)
        fsync(s->failed_fd);
    return rc;
}

/* A directory stream over one of our folders, from the start; the folder's
 * own fd stays open for the *at() calls.  NULL with errno set. */
static DIR *list_dir(int dir_fd)
{
    int fd = dup(dir_fd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        errno = e;
        return NULL;
    }
    rewinddir(d);
    return d;
}

void spool_clean_tmp(struct spool *s, time_t max_age)
{
    DIR *d = list_dir(s->tmp_fd);
    time_t now = time(NULL);
    struct dirent *e;

    if (!d)
        return;
    while ((e = readdir(d))) {
        struct stat st;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (fstatat(s->tmp_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR(st.st_mode))
            continue;
        if (now - st.st_mtime > max_age) {
            if (unlinkat(s->tmp_fd, e->d_name, 0) == 0)
                log_notice("removed stale producer file tmp/%s (untouched for %ld hours)", e->d_name,
                           (long)((now - st.st_mtime) / 3600));
        }
    }
    closedir(d);
}

int spool_oldest_work(struct spool *s, char name[NAME_MAX + 1], int64_t *claimed_ms)
{
    DIR *d = list_dir(s->work_fd);
    struct dirent *e;
    int found = 0;

    if (!d)
        return -errno;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' && !spool_is_reprocess_name(e->d_name))
            continue;
        struct stat st;
        if (fstatat(s->work_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;   /* archived and unlinked meanwhile */
        /* The claim renamed it into work/, and a rename sets ctime. */
        int64_t t = (int64_t)st.st_ctim.tv_sec * 1000 + st.st_ctim.tv_nsec / 1000000;
        if (!found || t < *claimed_ms) {
            *claimed_ms = t;
            snprintf(name, NAME_MAX + 1, "%s", e->d_name);
            found = 1;
        }
    }
    closedir(d);
    return found;
}

int spool_list_work(struct spool *s, char ***names, size_t *n)
{
    DIR *d = list_dir(s->work_fd);
    char **v = NULL;
    size_t count = 0, cap = 0;
    struct dirent *e;

    if (!d)
        return -errno;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' && !spool_is_reprocess_name(e->d_name))
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            v = xreallocarray(v, cap, sizeof *v);
        }
        v[count++] = xstrdup(e->d_name);
    }
    closedir(d);
    *names = v;
    *n = count;
    return 0;
}

bool spool_is_reprocess_name(const char *name)
{
    size_t p = strlen(SPOOL_REPROCESS_PREFIX);
    return strncmp(name, SPOOL_REPROCESS_PREFIX, p) == 0 && newsd_id_valid(name + p);
}

/* ---- poison accounting ------------------------------------------------- */

static unsigned *attempt_slot(struct attempt **v, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i].name, name) == 0)
            return &(*v)[i].count;
    struct attempt *nv = xreallocarray(*v, *n + 1, sizeof *nv);
    *v = nv;
    nv[*n] = (struct attempt){xstrdup(name), 0};
    return &nv[(*n)++].count;
}

static void read_attempts_file(struct spool *s, struct attempt **v, size_t *n)
{
    int fd = openat(s->work_fd, ATTEMPTS_FILE, O_RDONLY | O_CLOEXEC);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
    char *line = NULL;
    size_t cap = 0;

    if (!f) {
        if (fd >= 0)
            close(fd);
        return;
    }
    while (getline(&line, &cap, f) >= 0) {
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        char *name = tab + 1;
        name[strcspn(name, "\n")] = '\0';
        unescape_name(name);
        *attempt_slot(v, n, name) += (unsigned)strtoul(line, NULL, 10);
    }
    free(line);
    fclose(f);
}

static void read_journals(struct spool *s, struct attempt **v, size_t *n)
{
    DIR *d = list_dir(s->work_fd);
    struct dirent *e;

    if (!d)
        return;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, JOURNAL_PREFIX, strlen(JOURNAL_PREFIX)) != 0)
            continue;
        char rec[JOURNAL_RECORD + 1] = "";
        int jfd = openat(s->work_fd, e->d_name, O_RDONLY | O_CLOEXEC);
        if (jfd < 0)
            continue;
        ssize_t r = pread(jfd, rec, JOURNAL_RECORD, 0);
        close(jfd);
        if (r > 0 && rec[0]) {
            rec[r] = '\0';
            *attempt_slot(v, n, rec) += 1;
        }
        unlinkat(s->work_fd, e->d_name, 0);
    }
    closedir(d);
}

int spool_recover_attempts(struct spool *s, struct attempt **out, size_t *n_out)
{
    struct attempt *v = NULL;
    size_t n = 0;

    read_attempts_file(s, &v, &n);
    read_journals(s, &v, &n);

    /* Keep only names still in work/: the others were archived or failed. */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (v[i].count && fstatat(s->work_fd, v[i].name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            v[kept++] = v[i];
        else
            free(v[i].name);
    }
    n = kept;

    /* Rewrite the counts durably: they must outlive the next crash too. */
    int fd = openat(s->work_fd, ATTEMPTS_FILE ".new", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        *out = v;
        *n_out = n;
        return -errno;
    }
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *name = escape_name(v[i].name);
        char *line = xasprintf("%u\t%s\n", v[i].count, name);
        rc = write_all(fd, line, strlen(line));
        free(line);
        free(name);
    }
    if (rc == 0 && fsync(fd) < 0)
        rc = -errno;
    close(fd);
    if (rc == 0 && renameat(s->work_fd, ATTEMPTS_FILE ".new", s->work_fd, ATTEMPTS_FILE) < 0)
        rc = -errno;
    if (rc == 0)
        fsync(s->work_fd);
    *out = v;
    *n_out = n;
    return rc;
}

void spool_attempts_free(struct attempt *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].name);
    free(v);
}

char *spool_poison_cause(unsigned attempts, unsigned max_attempts)
{
    if (attempts < max_attempts)
        return NULL;
    return xasprintf("newsd crashed %u times while processing this file, so it was set aside to let the other "
                     "articles through (max_attempts = %u); look for the crash in the log before retrying",
                     attempts, max_attempts);
}

int spool_journal_open(struct spool *s, unsigned worker)
{
    char name[64];
    journal_name(name, sizeof name, worker);
    int fd = openat(s->work_fd, name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -errno;
    /* The record's blocks are taken now, while there is room: rewriting
     * them later needs no new space, so a full disk does not stop the
     * articles at their journal (a failure here is met again, and put off,
     * at the first article). */
    spool_journal_end(fd);
    s->journal_fds = xreallocarray(s->journal_fds, s->n_journals + 1, sizeof *s->journal_fds);
    s->journal_workers = xreallocarray(s->journal_workers, s->n_journals + 1, sizeof *s->journal_workers);
    s->journal_fds[s->n_journals] = fd;
    s->journal_workers[s->n_journals++] = worker;
    return fd;
}

/* One pwrite of a fixed-size record: the record is whole or absent, and the
 * file never needs a truncate. */
int spool_journal_begin(int fd, const char *name)
{
    char rec[JOURNAL_RECORD] = "";
    snprintf(rec, sizeof rec, "%s", name);
    if (fd >= 0 && pwrite(fd, rec, sizeof rec, 0) < 0)
        return -errno;
    return 0;
}

void spool_journal_end(int fd)
{
    static const char empty[JOURNAL_RECORD];
    if (fd >= 0 && pwrite(fd, empty, sizeof empty, 0) < 0)
        log_warning("cannot clear the in-flight journal: %s", strerror(errno));
}

/* ---- stuck calls ----------------------------------------------------------- */

int spool_journal_mark(int fd, const char *name, const char *plugin, const char *cause)
{
    char mark[MARK_SIZE] = "";
    if (fd < 0)
        return -EBADF;
    snprintf(mark, MARK_NAME, "%s", name);
    snprintf(mark + MARK_NAME, MARK_PLUGIN, "%s", plugin ? plugin : "");
    snprintf(mark + MARK_NAME + MARK_PLUGIN, MARK_CAUSE, "%s", cause);
    /* Whole or absent, like the record; synced, since the exit that
     * follows is a restart the mark must survive even if the machine's
     * goes with it. */
    errno = 0;
    if (pwrite(fd, mark, sizeof mark, JOURNAL_RECORD) != (ssize_t)sizeof mark || fdatasync(fd) < 0)
        return errno ? -errno : -EIO;
    return 0;
}

/* The mark of one journal, if it has one; then cleared. */
static void recover_mark(struct spool *s, const char *journal, unsigned *moved)
{
    char mark[MARK_SIZE + 1] = "";
    int fd = openat(s->work_fd, journal, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t r = pread(fd, mark, MARK_SIZE, JOURNAL_RECORD);
    if (r != MARK_SIZE || !mark[0]) {
        close(fd);
        return;
    }
    mark[MARK_NAME - 1] = mark[MARK_NAME + MARK_PLUGIN - 1] = mark[MARK_SIZE - 1] = '\0';
    const char *name = mark, *plugin = mark + MARK_NAME, *cause = mark + MARK_NAME + MARK_PLUGIN;
    struct stat st;
    if (fstatat(s->work_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        int rc = spool_fail(s, name, NULL, *plugin ? plugin : NULL, cause);
        if (rc < 0) {
            /* The journal's record still counts it as a crash. */
            log_error("article %s: set aside by the last run (%s), but cannot move it to %s/failed: %s", name,
                      cause, s->state_dir, strerror(-rc));
            close(fd);
            return;
        }
        log_warning("article %s: %s; moved to failed/ (marked by the last run)", name, cause);
        (*moved)++;
    }
    char zero[MARK_SIZE] = "";
    if (pwrite(fd, zero, sizeof zero, JOURNAL_RECORD) < 0)
        log_warning("cannot clear the stuck mark in work/%s: %s", journal, strerror(errno));
    close(fd);
}

int spool_recover_stuck(struct spool *s, unsigned *moved)
{
    DIR *d = list_dir(s->work_fd);
    struct dirent *e;

    *moved = 0;
    if (!d)
        return -errno;
    while ((e = readdir(d)))
        if (strncmp(e->d_name, JOURNAL_PREFIX, strlen(JOURNAL_PREFIX)) == 0)
            recover_mark(s, e->d_name, moved);
    closedir(d);
    return 0;
}
