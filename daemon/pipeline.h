/*
 * One article's way through the plugins, on a worker thread:
 * open → checks → read → id → parse → parse/tag/score plugins.
 *
 * A job is the unit that moves between the loop and the workers; it owns
 * its article.  The loop alone touches the files' places (claim, failed/,
 * unlink); the pipeline only reads.
 */
#ifndef NEWSD_PIPELINE_H
#define NEWSD_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "article.h"
#include "plugins.h"

enum job_status {
    JOB_PENDING,
    JOB_OK,       /* ready for the archive */
    JOB_FAILED,   /* goes to failed/: cause (and plugin) say why */
    JOB_RETRY,    /* a transient fault of newsd's own files (retry.h):
                     cause says which; the file stays and is tried again */
};

struct job {
    struct job *next;
    char *name;              /* file name in work/ (as dropped in inbox/) */
    int64_t received_ms;
    unsigned attempts;       /* earlier crashes while processing it */
    bool reprocessing;       /* an archived article run again (newsctl reprocess) */
    bool resumed;            /* left in work/ by the previous run, taken up at start */
    enum job_status status;
    struct newsd_article *article;
    char *cause;             /* malloc'd */
    const char *plugin;      /* static or owned by the plugin set */
    char plugin_name[64];    /* copy, so it outlives a reload */
    int archive_rc;          /* set by the archiver */
    int fault;               /* JOB_RETRY: the errno */
    unsigned retries;        /* times it was put off by a transient fault */
    int64_t due_ms;          /* in the retry queue: when (uv_now) */
    char *failed_id;         /* JOB_FAILED put off: the id for the sidecar */
};

struct pipeline_opts {
    int dir_fd;                 /* folder the job names are in (AT_FDCWD for --try) */
    const char *dir_path;       /* its path, for newsd_article_path(); NULL: the name is one */
    uint64_t max_bytes;
    const struct article_limits *limits;   /* NULL: ARTICLE_LIMITS_DEFAULT */
    struct plugin_set *plugins;
    int journal_fd;             /* -1: no poison accounting (--try) */
    bool prepare_archive;       /* run the archives' prepare() (not for --try) */
};

struct job *job_new(const char *name, int64_t received_ms);
void job_free(struct job *j);
void job_fail(struct job *j, const char *plugin, const char *fmt, ...) NEWSD_PRINTF(3, 4);
/* Status JOB_RETRY: a transient fault (errno err) of newsd's own files. */
void job_retry(struct job *j, int err, const char *fmt, ...) NEWSD_PRINTF(3, 4);

/* Run the pipeline; sets j->status. */
void pipeline_run(const struct pipeline_opts *o, struct job *j);

int64_t now_ms(void);

#endif
