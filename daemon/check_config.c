/*
 * newsd --check-config: a start without the start.  Every plugin is loaded,
 * its keys checked and its init() run, archives included (archive_sqlite
 * opens and checks its database, archive_pg connects), and then fini():
 * what the check says is what a start or a reload would say.
 *
 * What an archive's init() leaves behind is what a start would leave, with
 * two exceptions, so the check never makes what a start would make
 * differently:
 *   - no state directory yet (a first start): the archives are tried in a
 *     temporary state directory, removed again afterwards;
 *   - run as root on a state directory that belongs to another user: files
 *     made now (a database's -wal and -shm) would be root's and lock out
 *     the daemon, so the archives are loaded and checked but not
 *     initialised, and the output says so.
 */
#include "check_config.h"
#include "config.h"
#include "plugins.h"
#include "xalloc.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    if (remove(path) < 0)
        fprintf(stderr, "newsd: cannot remove %s: %s\n", path, strerror(errno));
    return 0;
}

/* A fresh folder for a first start's archives, or NULL (said why). */
static char *temporary_state_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = xasprintf("%s/newsd-check-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "newsd: cannot make a temporary folder %s to try the archives in: %s\n", dir,
                strerror(errno));
        free(dir);
        return NULL;
    }
    return dir;
}

int check_config(const char *path, const char *state_dir_override)
{
    struct daemon_config cfg;
    struct plugin_set *set = NULL;
    char *err = NULL;

    if (config_load(path, state_dir_override, &cfg, &err) < 0) {
        fprintf(stderr, "newsd: %s\n", err);
        free(err);
        return 1;
    }
    /* What the archives make, they make as the daemon would. */
    umask(cfg.umask);

    unsigned flags = PLUGIN_LOAD_DRY_RUN;
    char *real_state_dir = NULL, *temp_dir = NULL;
    const char *archives = "archives opened, checked and closed";
    struct stat st;
    int found = stat(cfg.state_dir, &st);
    if (found < 0 && errno == ENOENT) {
        temp_dir = temporary_state_dir();
        if (!temp_dir) {
            config_free(&cfg);
            return 1;
        }
        real_state_dir = cfg.state_dir;
        cfg.state_dir = xstrdup(temp_dir);
        archives = "no state directory yet: archives tried in a temporary one";
    } else if (found == 0 && geteuid() == 0 && st.st_uid != 0) {
        flags |= PLUGIN_LOAD_NO_ARCHIVE_INIT;   /* still every plugin's mistakes */
        fprintf(stderr, "newsd: %s belongs to uid %u and this is root: the archives are loaded but not "
                "initialised, as files they made now would be root's; run the check as that user to check "
                "them too\n", cfg.state_dir, (unsigned)st.st_uid);
        archives = "archives not initialised (run as root)";
    }

    int rc = plugin_set_load(&cfg, flags, &set, &err);
    if (rc == 0)
        plugin_set_free(set);   /* fini() of every plugin: the archives close */
    if (temp_dir) {
        nftw(temp_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        free(cfg.state_dir);
        cfg.state_dir = real_state_dir;
        free(temp_dir);
    }
    if (rc < 0) {
        /* A line per plugin that failed. */
        for (char *line = strtok(err, "\n"); line; line = strtok(NULL, "\n"))
            fprintf(stderr, "newsd: %s\n", line);
        free(err);
        config_free(&cfg);
        return 1;
    }
    printf("%s: OK (%zu plugin%s, %s; state in %s)\n", cfg.path, cfg.n_plugins, cfg.n_plugins == 1 ? "" : "s", archives,
           cfg.state_dir);
    config_free(&cfg);
    return 0;
}
