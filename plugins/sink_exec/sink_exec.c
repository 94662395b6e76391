/*
 * sink_exec: deliver each record by running a command with the record's
 * JSON on its standard input (a sink, ABI 1.3).
 *
 *   command    = /usr/local/bin/notify --channel news   ; split into words, no shell
 *   shell      = false       ; true: run command with /bin/sh -c
 *   timeout_ms = 10000       ; then the command's process group is killed
 *   max_output = 64k         ; of its stdout and stderr, kept for the log
 *
 * Exit status 0 is delivered; anything else (a status, a signal, the
 * timeout) fails the delivery, which newsd retries with back-off.  The
 * environment has NEWSD_ID (the article id, the same at every attempt)
 * and NEWSD_ATTEMPT.  Output past max_output is read and dropped, so a
 * talkative command never blocks on a full pipe nor fills memory.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pipe2, environ */
#endif
#include <newsd/plugin.h>

#include "argv.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct sink_exec {
    char **argv;
    char *command;       /* as configured, for the log */
    int64_t timeout_ms;
    uint64_t max_output;
};

static const struct newsd_config_key keys[] = {
    {"command", "the command; the record's JSON is its standard input"},
    {"shell", "true: run command with /bin/sh -c (default false: split into words)"},
    {"timeout_ms", "kill the command after this long (default 10000)"},
    {"max_output", "bytes of its output kept for the log (default 64k)"},
    {NULL, NULL},
};

static void sink_fini(void *state)
{
    struct sink_exec *s = state;
    if (!s)
        return;
    argv_free(s->argv);
    free(s->command);
    free(s);
}

static int sink_init(const newsd_config *conf, void **state)
{
    const char *cmd = newsd_config_get(conf, "command");
    int shell;
    if (!cmd || !*cmd) {
        newsd_log(NEWSD_LOG_ERROR, "command: missing; say which command receives each record");
        return NEWSD_ERROR;
    }
    struct sink_exec *s = calloc(1, sizeof *s);
    if (!s)
        return NEWSD_ERROR;
    if (newsd_config_get_bool(conf, "shell", 0, &shell) != NEWSD_OK ||
        newsd_config_get_int(conf, "timeout_ms", 10000, 1, 3600000, &s->timeout_ms) != NEWSD_OK ||
        newsd_config_get_size(conf, "max_output", 64 * 1024, 64u * 1024 * 1024, &s->max_output) != NEWSD_OK) {
        sink_fini(s);
        return NEWSD_ERROR;
    }
    s->command = strdup(cmd);
    const char *why = NULL;
    if (shell) {
        s->argv = calloc(4, sizeof *s->argv);
        if (s->argv && (s->argv[0] = strdup("/bin/sh")) && (s->argv[1] = strdup("-c")))
            s->argv[2] = strdup(cmd);
        if (!s->argv || !s->argv[2])
            why = "out of memory";
    } else {
        s->argv = argv_split(cmd, &why);
    }
    if (why || !s->command) {
        newsd_log(NEWSD_LOG_ERROR, "command: %s", why ? why : "out of memory");
        sink_fini(s);
        return NEWSD_ERROR;
    }
    *state = s;
    return NEWSD_OK;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What the command printed, bounded. */
struct output {
    char *buf;
    size_t len, cap;
    uint64_t total;
};

static void output_add(struct output *o, const char *p, size_t n)
{
    o->total += n;
    if (o->len < o->cap) {
        size_t k = n < o->cap - o->len ? n : o->cap - o->len;
        memcpy(o->buf + o->len, p, k);
        o->len += k;
    }
}

/* The environment plus NEWSD_ID and NEWSD_ATTEMPT (malloc'd array; the two
 * strings are in vars). */
static char **child_env(char vars[2][96], const char *id, unsigned attempt)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + 3, sizeof *env);
    if (!env)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "NEWSD_ID=", 9) != 0 && strncmp(environ[i], "NEWSD_ATTEMPT=", 14) != 0)
            env[k++] = environ[i];
    snprintf(vars[0], 96, "NEWSD_ID=%s", id);
    snprintf(vars[1], 96, "NEWSD_ATTEMPT=%u", attempt);
    env[k++] = vars[0];
    env[k++] = vars[1];
    return env;
}

static int spawn(const struct sink_exec *s, char **env, int in_fd, int out_fd, pid_t *pid)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none, def;
    sigemptyset(&none);
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE);
    sigaddset(&def, SIGINT);
    sigaddset(&def, SIGTERM);
    sigaddset(&def, SIGHUP);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
    posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    posix_spawn_file_actions_adddup2(&fa, out_fd, 2);
    posix_spawnattr_init(&at);
    /* Its own process group, so the timeout kills what it started too. */
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &def);
    int rc = posix_spawnp(pid, s->argv[0], &fa, &at, s->argv, env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    return rc;
}

/* Run the command once for d.  Returns NEWSD_OK or fails d. */
static int run_one(const struct sink_exec *s, newsd_delivery *d)
{
    int in[2] = {-1, -1}, out[2] = {-1, -1};
    char vars[2][96];
    size_t json_len;
    const char *json = newsd_delivery_json(d, &json_len);
    struct output o = {.cap = (size_t)s->max_output};
    pid_t pid = -1;
    int status = 0, rc;
    bool exited = false, timed_out = false;

    char **env = child_env(vars, newsd_delivery_id(d), newsd_delivery_attempt(d));
    o.buf = malloc(o.cap + 1);
    if (!env || !o.buf || pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
        rc = newsd_delivery_fail(d, "cannot prepare the command: %s", strerror(errno ? errno : ENOMEM));
        goto out;
    }
    int err = spawn(s, env, in[0], out[1], &pid);
    close(in[0]);
    close(out[1]);
    in[0] = out[1] = -1;
    if (err) {
        pid = -1;
        rc = newsd_delivery_fail(d, "cannot run %s: %s", s->argv[0], strerror(err));
        goto out;
    }
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    int64_t deadline = mono_ms() + s->timeout_ms;
    size_t written = 0;
    if (json_len == 0) {
        close(in[1]);
        in[1] = -1;
    }
    /* Feed stdin, drain the output, until the command exited and its
     * output closed, or the time is up. */
    while (!exited || out[0] >= 0) {
        int64_t left = deadline - mono_ms();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        struct pollfd pf[2];
        nfds_t n = 0;
        if (out[0] >= 0)
            pf[n++] = (struct pollfd){.fd = out[0], .events = POLLIN};
        if (in[1] >= 0)
            pf[n++] = (struct pollfd){.fd = in[1], .events = POLLOUT};
        /* With both pipes closed only the exit is awaited: look often. */
        int wait = n ? (int)(left < 100 ? left : 100) : (int)(left < 10 ? left : 10);
        if (n && poll(pf, n, wait) < 0 && errno != EINTR)
            break;
        if (!n)
            poll(NULL, 0, wait);
        for (nfds_t i = 0; i < n; i++) {
            if (pf[i].fd == out[0] && (pf[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                char buf[8192];
                ssize_t r = read(out[0], buf, sizeof buf);
                if (r > 0) {
                    output_add(&o, buf, (size_t)r);
                } else if (r == 0 || errno != EAGAIN) {
                    close(out[0]);
                    out[0] = -1;
                }
            } else if (pf[i].fd == in[1] && pf[i].revents) {
                ssize_t w = write(in[1], json + written, json_len - written);
                if (w > 0)
                    written += (size_t)w;
                if ((w < 0 && errno != EAGAIN) || written == json_len) {
                    /* Done, or the command does not read (EPIPE): fine. */
                    close(in[1]);
                    in[1] = -1;
                }
            }
        }
        if (!exited && waitpid(pid, &status, WNOHANG) == pid)
            exited = true;
    }
    if (timed_out) {
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
        pid = -1;
        rc = newsd_delivery_fail(d, "%s did not finish within %lld ms; killed", s->argv[0],
                                 (long long)s->timeout_ms);
        goto out;
    }
    if (!exited) {
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    pid = -1;
    o.buf[o.len] = '\0';
    /* The last line it printed says most about a failure. */
    char *tail = o.buf + o.len;
    while (tail > o.buf && (tail[-1] == '\n' || tail[-1] == '\r'))
        *--tail = '\0';
    while (tail > o.buf && tail[-1] != '\n' && (size_t)(o.buf + o.len - tail) < 200)
        tail--;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        if (o.total)
            newsd_log(NEWSD_LOG_DEBUG, "%s delivered %s; it printed %llu bytes: %s", s->argv[0],
                      newsd_delivery_id(d), (unsigned long long)o.total, tail);
        rc = NEWSD_OK;
    } else if (WIFEXITED(status)) {
        rc = newsd_delivery_fail(d, "%s exited with status %d%s%s", s->argv[0], WEXITSTATUS(status),
                                 *tail ? ": " : "", tail);
    } else {
        rc = newsd_delivery_fail(d, "%s was killed by signal %d%s%s", s->argv[0],
                                 WIFSIGNALED(status) ? WTERMSIG(status) : 0, *tail ? ": " : "", tail);
    }
out:
    if (pid > 0) {
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    for (int i = 0; i < 2; i++) {
        if (in[i] >= 0)
            close(in[i]);
        if (out[i] >= 0)
            close(out[i]);
    }
    free(o.buf);
    free(env);
    return rc;
}

/* One command at a time: a receiver that cannot keep up is not flooded. */
static int sink_deliver(void *state, newsd_delivery *const *batch, size_t n)
{
    for (size_t i = 0; i < n; i++)
        run_one(state, batch[i]);
    return NEWSD_OK;
}

NEWSD_PLUGIN(
    .name = "sink_exec",
    .description = "deliver records to a command's standard input",
    .init = sink_init,
    .fini = sink_fini,
    .config_keys = keys,
    .deliver = sink_deliver,
);
