/* Unit tests of an input's bad messages (issue 14): a message too big, an
 * empty one, one that is not valid UTF-8, and a poison message.
 *
 * Where this is decided: an input plugin names each message by its origin
 * (plugins/stream_common/inbox_name.c) and acknowledges it once
 * newsd_input_put() has made it a durable inbox file (daemon/inputs.c),
 * whatever its bytes; from there the core judges it exactly as a dropped
 * file (daemon/pipeline.c, parse.c) and a refused one goes to failed/
 * with a .reason (daemon/spool.c) whose "file:" line is that name.  So
 * each case runs that whole way here: a fake input's run() puts the
 * messages on its thread and "acks" each put that succeeded, then each
 * inbox file is claimed, run through pipeline_run() and, when refused,
 * failed with spool_fail(); the test reads failed/NAME.reason back.  The
 * poison message crashes a TAG plugin in a forked child max_attempts
 * times; the crashes are counted by the workers' journal as at a restart
 * (spool_recover_attempts) and spool_poison_cause() sets it aside; the
 * broker's redelivery of it (the ack lost in the crash) is acknowledged
 * without a second copy (newsd_input_put: held_as). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../plugins/stream_common/inbox_name.h"
#include "article.h"
#include "inputs.h"
#include "pipeline.h"
#include "plugins.h"
#include "spool.h"

#define MAX_BYTES 4096
#define MAX_ATTEMPTS 3

/* A message as a broker hands it over: its origin and its bytes. */
struct message {
    const char *topic;   /* Kafka topic, or NULL: a NATS stream message */
    int32_t partition;
    int64_t offset;      /* Kafka offset, or the JetStream stream sequence */
    const char *given;   /* the Newsd-Name header, or NULL */
    const char *data;
    size_t len;
};

static struct {
    const struct message *msgs;
    size_t n;
    char names[8][320];
    bool acked[8];
    _Atomic int done;
    json_int_t held;   /* /status: redeliveries acknowledged without a copy */
} feed;

/* What input_kafka's and input_nats's take() do, minus the broker: name
 * the message by its origin, put it, ack only a put that succeeded. */
static int run_feed(void *state, newsd_input *in)
{
    (void)state;
    for (size_t i = 0; i < feed.n; i++) {
        const struct message *m = &feed.msgs[i];
        if (m->topic)
            inbox_name_kafka(feed.names[i], sizeof feed.names[i], m->topic, m->partition, m->offset, m->given,
                             m->given ? strlen(m->given) : 0);
        else
            inbox_name_nats(feed.names[i], sizeof feed.names[i], "ARTICLES", (uint64_t)m->offset, m->given);
        feed.acked[i] = newsd_input_put(in, feed.names[i], m->data, m->len) == NEWSD_OK;
    }
    atomic_store(&feed.done, 1);
    while (newsd_input_wait(in, 1000) != NEWSD_INPUT_STOP)
        ;
    return NEWSD_OK;
}

struct fixture {
    char dir[64];
    struct spool spool;
    struct plugin_set inputs, stages;
    struct plugin_instance input, crasher;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char *err = NULL;
    strcpy(f->dir, "/tmp/newsd-test-input-bad-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    assert_int_equal(spool_open(&f->spool, f->dir, &err), 0);
    f->input.name = "bus";
    f->input.desc = &f->input.desc_copy;
    f->input.desc_copy.name = "fake_input";
    f->input.desc_copy.run = run_feed;
    f->input.initialised = true;
    f->input.input_max_backlog = 1000;
    f->inputs.v = &f->input;
    f->inputs.n = 1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    spool_close(&f->spool);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    int rc = system(cmd);
    free(f);
    return rc;
}

/* The input thread puts msgs; returns once they are all in (or not). */
static void deliver(struct fixture *f, const struct message *msgs, size_t n)
{
    assert_true(n <= 8);
    memset(&feed, 0, sizeof feed);
    feed.msgs = msgs;
    feed.n = n;
    struct inputs *in = inputs_start(f->dir, &f->inputs);
    for (int i = 0; i < 500 && !atomic_load(&feed.done); i++)
        nanosleep(&(struct timespec){0, 10 * 1000000L}, NULL);
    json_t *status = inputs_status(in);
    feed.held = json_integer_value(json_object_get(json_array_get(status, 0), "redelivered_held"));
    json_decref(status);
    inputs_stop(in);
    assert_true(atomic_load(&feed.done));
}

/* Claim inbox/name and run the pipeline on it, as a worker does. */
static struct job *process(struct fixture *f, const char *name, struct plugin_set *plugins, int journal_fd)
{
    char work[128];
    snprintf(work, sizeof work, "%s/work", f->dir);
    struct pipeline_opts o = {
        .dir_fd = f->spool.work_fd,
        .dir_path = work,
        .max_bytes = MAX_BYTES,
        .plugins = plugins,
        .journal_fd = journal_fd,
    };
    struct job *j = job_new(name, now_ms());
    pipeline_run(&o, j);
    return j;
}

/* A refused job into failed/, as the daemon's fail_job() does; returns
 * failed/NAME.reason's text (malloc'd). */
static char *fail_and_read_reason(struct fixture *f, struct job *j)
{
    assert_int_equal(j->status, JOB_FAILED);
    assert_int_equal(spool_fail(&f->spool, j->name, j->article ? j->article->id : NULL, j->plugin, j->cause), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/failed/%s.reason", f->dir, j->name);
    FILE *r = fopen(path, "r");
    assert_non_null(r);
    char *text = calloc(1, 4096);
    size_t got = fread(text, 1, 4095, r);
    fclose(r);
    assert_true(got > 0);
    return text;
}

static bool in_failed(struct fixture *f, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/failed/%s", f->dir, name);
    return access(path, F_OK) == 0;
}

/* ---- the names ----------------------------------------------------------- */

static void test_names_say_the_origin(void **st)
{
    (void)st;
    char n[320];
    inbox_name_kafka(n, sizeof n, "articles", 2, 17, NULL, 0);
    assert_string_equal(n, "articles-p2-o17.txt");
    inbox_name_kafka(n, sizeof n, "articles", 0, 123456789012LL, "page.html", 9);
    assert_string_equal(n, "articles-p0-o123456789012-page.html");
    /* A header value is not NUL-terminated: only its glen bytes count. */
    inbox_name_kafka(n, sizeof n, "t", 1, 0, "a.jsonGARBAGE", 6);
    assert_string_equal(n, "t-p1-o0-a.json");
    inbox_name_nats(n, sizeof n, "ARTICLES", 42, NULL);
    assert_string_equal(n, "ARTICLES-42.txt");
    inbox_name_nats(n, sizeof n, "ARTICLES", 42, "");
    assert_string_equal(n, "ARTICLES-42.txt");
    /* A long Newsd-Name is cut so that origin and name stay within what
     * newsd_input_put() keeps (200 bytes). */
    char longname[400];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    inbox_name_nats(n, sizeof n, "ARTICLES", 7, longname);
    assert_true(strncmp(n, "ARTICLES-7-xxx", 14) == 0);
    assert_true(strlen(n) < 200);
}

/* ---- empty, too big, binary --------------------------------------------- */

static void test_empty_big_binary_to_failed_and_acked(void **st)
{
    struct fixture *f = *st;
    static char big[MAX_BYTES + 1];
    memset(big, 'a', sizeof big);
    for (size_t i = 60; i < sizeof big; i += 61)
        big[i] = '\n';
    /* Not UTF-8 (0x80-0xff bytes) and not text either: control bytes. */
    static const char binary[] = "\x7f" "ELF\x02\x01\x01\x03\x04\x05\xff\xfe\x90\x91\x06\x07\x0e\x0f\x10\x11";
    const struct message msgs[] = {
        {"articles", 0, 7, NULL, "", 0},
        {"articles", 1, 4711, "huge.txt", big, sizeof big},
        {NULL, 0, 99, "elf.txt", binary, sizeof binary - 1},
        {"articles", 2, 8, NULL, " \n\t\n", 4},
    };
    const struct {
        const char *name, *cause;
    } want[] = {
        {"articles-p0-o7.txt", "cause: empty file\n"},
        {"articles-p1-o4711-huge.txt", "over the size limit of 4096 bytes (max_article_bytes)"},
        {"ARTICLES-99-elf.txt", "cause: binary data"},
        {"articles-p2-o8.txt", "cause: empty file (only white space)"},
    };
    deliver(f, msgs, 4);
    struct plugin_set none = {0};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(feed.names[i], want[i].name);
        assert_true(feed.acked[i]);   /* acknowledged: it does not block the stream */
        assert_int_equal(spool_claim(&f->spool, want[i].name), 0);
        struct job *j = process(f, want[i].name, &none, -1);
        char *reason = fail_and_read_reason(f, j);
        char line[400];
        snprintf(line, sizeof line, "file: %s\n", want[i].name);
        if (!strstr(reason, line) || !strstr(reason, want[i].cause))
            fail_msg("failed/%s.reason lacks '%s' or '%s':\n%s", want[i].name, line, want[i].cause, reason);
        assert_true(in_failed(f, want[i].name));
        free(reason);
        job_free(j);
    }
}

/* ---- not valid UTF-8 ----------------------------------------------------- */

/* The core reads a file that is not UTF-8 as Windows-1252 (text.c); a
 * message gets the same: the same title, body and encoding as the file
 * dropped into the inbox by hand. */
static void test_not_utf8_as_a_file(void **st)
{
    struct fixture *f = *st;
    static const char cp1252[] = "Gr\xfc\xdf" "e aus K\xf6ln\n\n"
                                 "Der Preis stieg auf 5 \x80, meldete die Stadt \x84K\xf6ln\x93 am Montag. "
                                 "Die B\xfcrger \xe4rgerten sich \x96 wieder einmal.\n";
    const struct message msgs[] = {{"articles", 1, 5, NULL, cp1252, sizeof cp1252 - 1}};
    deliver(f, msgs, 1);
    assert_true(feed.acked[0]);
    assert_string_equal(feed.names[0], "articles-p1-o5.txt");

    char path[256];
    snprintf(path, sizeof path, "%s/inbox/dropped.txt", f->dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, cp1252, sizeof cp1252 - 1), (ssize_t)(sizeof cp1252 - 1));
    close(fd);

    struct plugin_set none = {0};
    assert_int_equal(spool_claim(&f->spool, "articles-p1-o5.txt"), 0);
    assert_int_equal(spool_claim(&f->spool, "dropped.txt"), 0);
    struct job *msg = process(f, "articles-p1-o5.txt", &none, -1);
    struct job *file = process(f, "dropped.txt", &none, -1);
    assert_int_equal(file->status, JOB_OK);
    assert_int_equal(msg->status, JOB_OK);
    const char *const *m = (const char *const *)msg->article->fields, *const *d = (const char *const *)file->article->fields;
    assert_string_equal(m[NEWSD_FIELD_ENCODING], "windows-1252");
    assert_string_equal(m[NEWSD_FIELD_ENCODING], d[NEWSD_FIELD_ENCODING]);
    assert_string_equal(m[NEWSD_FIELD_TITLE], "Grüße aus Köln");
    assert_string_equal(m[NEWSD_FIELD_TITLE], d[NEWSD_FIELD_TITLE]);
    assert_string_equal(m[NEWSD_FIELD_BODY], d[NEWSD_FIELD_BODY]);
    assert_non_null(strstr(m[NEWSD_FIELD_BODY], "5 €, meldete die Stadt „Köln“"));
    assert_string_equal(msg->article->id, file->article->id);   /* the id is of the bytes */
    job_free(msg);
    job_free(file);
}

/* ---- poison -------------------------------------------------------------- */

static int crash_process(void *state, enum newsd_stage stage, newsd_article *a)
{
    (void)state;
    (void)stage;
    if (strstr(newsd_article_get(a, NEWSD_FIELD_BODY), "GIFTPILLE"))
        abort();
    return NEWSD_OK;
}

/* One worker's run on name in a child that dies in the plugin: the crash
 * the poison accounting must survive.  Returns the child's signal. */
static int crash_once(struct fixture *f, const char *name)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* cmocka catches SIGABRT to report a failed test; a crash here
         * must kill the child as it kills newsd. */
        signal(SIGABRT, SIG_DFL);
        int journal = spool_journal_open(&f->spool, 0);
        struct job *j = process(f, name, &f->stages, journal);
        _exit(j->status == JOB_OK ? 0 : 1);   /* not reached: the plugin aborts */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static unsigned attempts_after_restart(struct fixture *f, const char *name)
{
    struct attempt *v = NULL;
    size_t n = 0;
    assert_int_equal(spool_recover_attempts(&f->spool, &v, &n), 0);
    unsigned count = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].name, name) == 0)
            count = v[i].count;
    spool_attempts_free(v, n);
    return count;
}

static void test_poison_set_aside_after_ack(void **st)
{
    struct fixture *f = *st;
    f->crasher.name = "crashy";
    f->crasher.desc = &f->crasher.desc_copy;
    f->crasher.desc_copy.name = "crashy";
    f->crasher.desc_copy.stages = NEWSD_STAGE_TAG;
    f->crasher.desc_copy.process = crash_process;
    f->crasher.initialised = true;
    f->stages.v = &f->crasher;
    f->stages.n = 1;
    f->stages.stages = NEWSD_STAGE_TAG;

    static const char poison[] = "Vergifteter Artikel\n\nDieser Text enth\xc3\xa4lt die GIFTPILLE.\n";
    static const char good[] = "Ein guter Artikel\n\nDieser Text geht durch.\n";
    const struct message msgs[] = {
        {"articles", 1, 99, NULL, poison, sizeof poison - 1},
        {"articles", 1, 100, NULL, good, sizeof good - 1},
    };
    deliver(f, msgs, 2);
    /* Both acknowledged before any processing: the input's part is done,
     * and what happens to the poison message is the core's. */
    assert_true(feed.acked[0] && feed.acked[1]);
    const char *name = "articles-p1-o99.txt";
    assert_int_equal(spool_claim(&f->spool, name), 0);
    /* Delivered again while in work/: held, not put twice. */
    deliver(f, msgs, 1);
    assert_true(feed.acked[0]);
    assert_int_equal(feed.held, 1);
    char inbox_copy[256];
    snprintf(inbox_copy, sizeof inbox_copy, "%s/inbox/%s", f->dir, name);
    assert_int_equal(access(inbox_copy, F_OK), -1);

    unsigned attempts = attempts_after_restart(f, name);
    char *cause = NULL;
    int crashes = 0;
    while (!(cause = spool_poison_cause(attempts, MAX_ATTEMPTS))) {
        assert_true(crashes < MAX_ATTEMPTS);
        assert_int_equal(crash_once(f, name), SIGABRT);
        crashes++;
        attempts = attempts_after_restart(f, name);
        assert_int_equal(attempts, (unsigned)crashes);
    }
    assert_int_equal(crashes, MAX_ATTEMPTS);
    struct job *j = job_new(name, now_ms());
    job_fail(j, NULL, "%s", cause);
    free(cause);
    char *reason = fail_and_read_reason(f, j);
    if (!strstr(reason, "file: articles-p1-o99.txt\n") || !strstr(reason, "newsd crashed 3 times") ||
        !strstr(reason, "max_attempts = 3"))
        fail_msg("the poison message's reason:\n%s", reason);
    free(reason);
    job_free(j);
    assert_true(in_failed(f, name));
    assert_int_equal(attempts_after_restart(f, name), 0);   /* gone from work/: no count left */

    /* The broker delivers it again (its ack was lost in a crash): newsd
     * holds it in failed/ under the same name, so it is acknowledged and
     * not put again, or it would crash the plugin once more, before its
     * ack, and come back for ever. */
    deliver(f, msgs, 1);
    assert_true(feed.acked[0]);
    assert_int_equal(feed.held, 1);
    char again[256];
    snprintf(again, sizeof again, "%s/inbox/%s", f->dir, name);
    assert_int_equal(access(again, F_OK), -1);
    /* The same name with other bytes is another message: put. */
    const struct message other[] = {{"articles", 1, 99, NULL, good, sizeof good - 1}};
    deliver(f, other, 1);
    assert_true(feed.acked[0]);
    assert_int_equal(feed.held, 0);
    assert_int_equal(access(again, F_OK), 0);

    /* The message behind it is not held up: it goes through the same plugin. */
    assert_int_equal(spool_claim(&f->spool, "articles-p1-o100.txt"), 0);
    struct job *next = process(f, "articles-p1-o100.txt", &f->stages, -1);
    assert_int_equal(next->status, JOB_OK);
    job_free(next);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_say_the_origin),
        cmocka_unit_test_setup_teardown(test_empty_big_binary_to_failed_and_acked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_utf8_as_a_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_poison_set_aside_after_ack, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
