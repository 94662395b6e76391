/* See spool_access.h. */
#include "spool_access.h"
#include "spool.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct folder {
    const char *name;
    int fd;
};

/* Names are copied: getpwuid() and getgrgid() reuse one static buffer. */
#define NAME_BUF 64

static const char *user_name(uid_t uid, char buf[NAME_BUF])
{
    struct passwd *pw = getpwuid(uid);
    if (pw)
        snprintf(buf, NAME_BUF, "%s", pw->pw_name);
    else
        snprintf(buf, NAME_BUF, "%u", (unsigned)uid);
    return buf;
}

static const char *group_name(gid_t gid, char buf[NAME_BUF])
{
    struct group *gr = getgrgid(gid);
    if (gr)
        snprintf(buf, NAME_BUF, "%s", gr->gr_name);
    else
        snprintf(buf, NAME_BUF, "%u", (unsigned)gid);
    return buf;
}

static char *not_writable(const struct spool *s, const struct folder *f, int e)
{
    if (e == EROFS)
        return xasprintf("%s/%s is on a read-only mount, and newsd moves files out of it: remount it "
                         "read-write (mount -o remount,rw ...), or use a state directory on a "
                         "writable file system", s->state_dir, f->name);
    struct stat st;
    char ub[NAME_BUF], ob[NAME_BUF], gb[NAME_BUF];
    const char *me = user_name(geteuid(), ub);
    if (fstat(f->fd, &st) < 0)
        return xasprintf("%s/%s is not writable by newsd (user %s): %s", s->state_dir, f->name, me,
                         strerror(e));
    return xasprintf("%s/%s is not writable by newsd (user %s): it belongs to %s:%s with mode %04o. "
                     "Fix: chown %s %s/%s, or add %s to group %s and chmod g+rwx %s/%s",
                     s->state_dir, f->name, me, user_name(st.st_uid, ob), group_name(st.st_gid, gb),
                     (unsigned)(st.st_mode & 07777), me, s->state_dir, f->name, me, gb, s->state_dir,
                     f->name);
}

/* The mount a folder is on: st_dev cannot tell a bind mount of the same
 * file system apart, and rename(2) fails with EXDEV across it all the
 * same.  Returns 0 when the kernel does not say (before Linux 5.8). */
static uint64_t mount_id(int fd)
{
    struct statx stx;
    if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 || !(stx.stx_mask & STATX_MNT_ID))
        return 0;
    return stx.stx_mnt_id;
}

int spool_access_check(const struct spool *s, char **err)
{
    const struct folder folders[] = {
        {"inbox", s->inbox_fd}, {"tmp", s->tmp_fd}, {"work", s->work_fd}, {"failed", s->failed_fd},
    };
    const size_t n = sizeof folders / sizeof *folders;

    for (size_t i = 0; i < n; i++) {
        /* AT_EACCESS: the rights of the effective user, who does the
         * renames; W_OK also reports a read-only mount (EROFS). */
        if (faccessat(folders[i].fd, ".", W_OK | X_OK, AT_EACCESS) < 0) {
            *err = not_writable(s, &folders[i], errno);
            return -1;
        }
    }
    /* Files move inbox -> work -> failed, and producers rename tmp ->
     * inbox: one mount for all four. */
    uint64_t work = mount_id(s->work_fd);
    for (size_t i = 0; work && i < n; i++) {
        uint64_t id = mount_id(folders[i].fd);
        if (id && id != work) {
            *err = xasprintf("%s/%s and %s/work are on different mounts (a bind mount?): newsd moves "
                             "files between them with rename(2), which cannot cross mounts. Mount the "
                             "whole state directory %s once instead of its folders",
                             s->state_dir, folders[i].name, s->state_dir, s->state_dir);
            return -1;
        }
    }
    return 0;
}
