/* INI configuration: main file, conf.d drop-ins, [daemon] keys, plugin sections. */
#include "config.h"
#include "config_keys.h"
#include "config_topic.h"
#include "log.h"
#include "web.h"
#include "xalloc.h"

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define PLUGIN_PREFIX "plugin."
#define TOPIC_PREFIX "topic."

struct load_ctx {
    struct daemon_config *cfg;
    const char *file;       /* file being read */
    unsigned line;          /* the line inih is at (read_line() counts them) */
    unsigned header_line;   /* of the last [section] line */
    char *file_dir;         /* its folder */
    char *error;            /* first semantic error of this file */
    char *state_dir_value;  /* state_dir as written, resolved later */
    char *state_dir_origin;
    char *plugin_dir_value;
    char *plugin_dir_origin;
    char *data_dir_value;
    char *data_dir_origin;
    bool control_socket_set;   /* seen, possibly empty (= no control API) */
    char *control_socket_value;
    char *control_socket_origin;
    const struct plugin_section *last_section; /* for multi-line values */
    const char *last_key;
    size_t last_len, last_cap; /* of last_key's value: lines are appended in place */
};

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    return strndup(path, (size_t)(slash - path));
}

char *config_resolve_path(const char *dir, const char *value)
{
    if (value[0] == '/' || !dir)
        return xstrdup(value);
    /* dir is canonical (it comes from realpath of the config file), so a
     * leading "../" can be taken off it: paths in logs and sidecars then
     * read /srv/newsd/var, not /srv/newsd/config/../var. */
    size_t dlen = strlen(dir);
    while (strncmp(value, "../", 3) == 0 && dlen > 1) {
        const char *slash = memrchr(dir, '/', dlen);
        if (!slash)
            break;
        dlen = slash == dir ? 1 : (size_t)(slash - dir);
        value += 3;
    }
    if (strcmp(value, "..") == 0 && dlen > 1) {
        const char *slash = memrchr(dir, '/', dlen);
        if (slash)
            return xasprintf("%.*s", slash == dir ? 1 : (int)(slash - dir), dir);
    }
    return xasprintf("%.*s%s%s", (int)dlen, dir, dlen == 1 && dir[0] == '/' ? "" : "/", value);
}

int config_parse_size(const char *s, uint64_t *out)
{
    char *end;
    /* strtoull() would skip blanks and take " -1" as 2^64 - 1. */
    if (s[0] < '0' || s[0] > '9')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    uint64_t mult = 1;
    switch (*end) {
    case '\0': break;
    case 'k': case 'K': mult = 1ull << 10; end++; break;
    case 'm': case 'M': mult = 1ull << 20; end++; break;
    case 'g': case 'G': mult = 1ull << 30; end++; break;
    case 't': case 'T': mult = 1ull << 40; end++; break;
    default: return -1;
    }
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end != '\0' || (v && mult > UINT64_MAX / v))
        return -1;
    *out = v * mult;
    return 0;
}

int config_parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

static int parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
        return -1;
    *out = (unsigned)v;
    return 0;
}

static void set_error(struct load_ctx *c, char *msg)
{
    if (c->error)
        free(msg);
    else
        c->error = msg;
}

/* The table of [daemon] keys: one place for names, ranges and targets. */
struct uint_key {
    const char *name;
    unsigned min, max;
    size_t offset;
};

static const struct uint_key uint_keys[] = {
    {"workers", 0, 256, offsetof(struct daemon_config, workers)},
    {"settle_ms", 0, 3600000, offsetof(struct daemon_config, settle_ms)},
    {"queue_size", 1, 1000000, offsetof(struct daemon_config, queue_size)},
    {"batch_size", 1, 100000, offsetof(struct daemon_config, batch_size)},
    {"batch_ms", 0, 60000, offsetof(struct daemon_config, batch_ms)},
    {"max_attempts", 1, 1000, offsetof(struct daemon_config, max_attempts)},
    {"rescan_s", 1, 86400, offsetof(struct daemon_config, rescan_s)},
    {"max_tags", 1, ARTICLE_LIMITS_MAX_COUNT, offsetof(struct daemon_config, article_limits.max_tags)},
    {"max_score_rules", 1, ARTICLE_LIMITS_MAX_COUNT,
     offsetof(struct daemon_config, article_limits.max_score_rules)},
    {"max_meta", 1, ARTICLE_LIMITS_MAX_COUNT, offsetof(struct daemon_config, article_limits.max_meta)},
    {"max_name_bytes", 1, ARTICLE_LIMITS_MAX_NAME, offsetof(struct daemon_config, article_limits.max_name_bytes)},
    {"max_plugin_ms", 10, 3600000, offsetof(struct daemon_config, max_plugin_ms)},
    {"max_article_ms", 10, 86400000, offsetof(struct daemon_config, max_article_ms)},
    {"stall_s", 1, 86400, offsetof(struct daemon_config, stall_s)},
    {"work_age_s", 0, 86400 * 7, offsetof(struct daemon_config, work_age_s)},
    {"health_hold_s", 0, 86400, offsetof(struct daemon_config, health_hold_s)},
    {"control_timeout_s", 1, 3600, offsetof(struct daemon_config, control_timeout_s)},
    {"control_queries", 1, 64, offsetof(struct daemon_config, control_queries)},
    {"control_query_queue", 0, 100000, offsetof(struct daemon_config, control_query_queue)},
};

/* The [daemon] keys that are not in uint_keys. */
static const char *const other_daemon_keys[] = {
    "state_dir", "plugin_dir", "control_socket", "metrics_listen", "max_article_bytes", "umask", "log_level",
    "web_listen", "web_behind_proxy", "web_tls_cert", "web_tls_key",
};

static void unknown_daemon_key(struct load_ctx *c, const char *name)
{
    struct key_suggestion sug;
    config_key_suggestion_init(&sug);
    for (size_t i = 0; i < sizeof uint_keys / sizeof uint_keys[0]; i++)
        config_key_offer(&sug, name, uint_keys[i].name);
    for (size_t i = 0; i < sizeof other_daemon_keys / sizeof other_daemon_keys[0]; i++)
        config_key_offer(&sug, name, other_daemon_keys[i]);
    const char *near = config_key_suggested(&sug, name);
    set_error(c, xasprintf("[daemon] unknown key '%s'%s%s%s", name, near ? " (did you mean '" : "",
                           near ? near : "", near ? "'?)" : ""));
}

static int daemon_key(struct load_ctx *c, const char *name, const char *value)
{
    struct daemon_config *cfg = c->cfg;

    for (size_t i = 0; i < sizeof uint_keys / sizeof uint_keys[0]; i++) {
        const struct uint_key *k = &uint_keys[i];
        if (strcmp(name, k->name) != 0)
            continue;
        if (parse_uint(value, k->min, k->max, (unsigned *)((char *)cfg + k->offset)) < 0) {
            set_error(c, xasprintf("[daemon] %s = %s: expected a whole number from %u to %u",
                                   name, value, k->min, k->max));
            return 0;
        }
        return 1;
    }
    if (strcmp(name, "state_dir") == 0) {
        free(c->state_dir_value);
        free(c->state_dir_origin);
        c->state_dir_value = xstrdup(value);
        c->state_dir_origin = xstrdup(c->file_dir);
    } else if (strcmp(name, "plugin_dir") == 0) {
        free(c->plugin_dir_value);
        free(c->plugin_dir_origin);
        c->plugin_dir_value = xstrdup(value);
        c->plugin_dir_origin = xstrdup(c->file_dir);
    } else if (strcmp(name, "data_dir") == 0) {
        free(c->data_dir_value);
        free(c->data_dir_origin);
        c->data_dir_value = xstrdup(value);
        c->data_dir_origin = xstrdup(c->file_dir);
    } else if (strcmp(name, "control_socket") == 0) {
        free(c->control_socket_value);
        free(c->control_socket_origin);
        c->control_socket_set = true;
        c->control_socket_value = xstrdup(value);
        c->control_socket_origin = xstrdup(c->file_dir);
    } else if (strcmp(name, "metrics_listen") == 0) {
        free(cfg->metrics_listen);
        cfg->metrics_listen = *value ? xstrdup(value) : NULL;
    } else if (strcmp(name, "web_listen") == 0) {
        free(cfg->web_listen);
        cfg->web_listen = *value ? xstrdup(value) : NULL;
    } else if (strcmp(name, "web_tls_cert") == 0 || strcmp(name, "web_tls_key") == 0) {
        char **slot = name[8] == 'c' ? &cfg->web_tls_cert : &cfg->web_tls_key;
        free(*slot);
        *slot = *value ? config_resolve_path(c->file_dir, value) : NULL;
    } else if (strcmp(name, "web_behind_proxy") == 0) {
        if (config_parse_bool(value, &cfg->web_behind_proxy) < 0) {
            set_error(c, xasprintf("[daemon] web_behind_proxy = %s: expected true or false", value));
            return 0;
        }
    } else if (strcmp(name, "max_article_bytes") == 0) {
        if (config_parse_size(value, &cfg->max_article_bytes) < 0 || cfg->max_article_bytes == 0) {
            set_error(c, xasprintf("[daemon] max_article_bytes = %s: expected a size such as 16M, 512K or 100000", value));
            return 0;
        }
    } else if (strcmp(name, "umask") == 0) {
        char *end;
        errno = 0;
        unsigned long m = strtoul(value, &end, 8);
        if (!*value || *end || errno || m > 0777) {
            set_error(c, xasprintf("[daemon] umask = %s: expected an octal mask from 0 to 0777, such as 027",
                                   value));
            return 0;
        }
        cfg->umask = (unsigned)m;
    } else if (strcmp(name, "log_level") == 0) {
        int level = log_level_parse(value);
        if (level < 0) {
            set_error(c, xasprintf("[daemon] log_level = %s: expected error, warning, notice, info or debug", value));
            return 0;
        }
        cfg->log_level = level;
    } else {
        unknown_daemon_key(c, name);
        return 0;
    }
    return 1;
}

static struct plugin_section *find_section(struct daemon_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->n_plugins; i++)
        if (strcmp(cfg->plugins[i].name, name) == 0)
            return &cfg->plugins[i];
    return NULL;
}

static bool valid_plugin_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-'))
            return false;
    return true;
}

static struct plugin_section *new_section(struct load_ctx *c, char *name)
{
    struct daemon_config *cfg = c->cfg;
    cfg->plugins = xreallocarray(cfg->plugins, cfg->n_plugins + 1, sizeof *cfg->plugins);
    struct plugin_section *s = &cfg->plugins[cfg->n_plugins++];
    memset(s, 0, sizeof *s);
    s->name = name;
    s->file = xstrdup(c->file);
    s->line = c->header_line ? c->header_line : c->line;
    c->last_section = NULL;
    return s;
}

/* Set name = value in s: a new key, a continuation line of the last one,
 * or a later file's (conf.d) replacement. */
static int section_key(struct load_ctx *c, struct plugin_section *s, const char *name, const char *value);

static int plugin_key(struct load_ctx *c, const char *section, const char *name, const char *value)
{
    struct plugin_section *s = find_section(c->cfg, section);

    if (!s) {
        if (!valid_plugin_name(section)) {
            set_error(c, xasprintf("[plugin.%s]: a plugin name may hold only letters, digits, '_' and '-'", section));
            return 0;
        }
        s = new_section(c, xstrdup(section));
    }
    if (!name)   /* an empty section still declares the plugin */
        return 1;
    return section_key(c, s, name, value);
}

/* [topic.NAME]: the plugin instance "topic.NAME", which no [plugin.X]
 * can name ('.' is not allowed there), with the keys config_topic.h
 * implies. */
static int topic_key(struct load_ctx *c, const char *topic, const char *name, const char *value)
{
    if (!valid_plugin_name(topic)) {
        set_error(c, xasprintf("[topic.%s]: a topic name may hold only letters, digits, '_' and '-'", topic));
        return 0;
    }
    char *instance = xasprintf("topic.%s", topic);
    struct plugin_section *s = find_section(c->cfg, instance);
    if (!s) {
        s = new_section(c, instance);
        s->topic = true;
        for (size_t i = 0; i < CONFIG_TOPIC_IMPLIED_COUNT; i++) {
            char *v = config_topic_implied(topic, i);
            section_key(c, s, config_topic_implied_keys[i], v);
            free(v);
            s->kv[s->n_kv - 1].line = s->line;
        }
        c->last_section = NULL;
    } else {
        free(instance);
    }
    if (!name)
        return 1;
    char *why = config_topic_key_refused(topic, name);
    if (why) {
        set_error(c, xasprintf("[topic.%s] %s: %s", topic, name, why));
        free(why);
        return 0;
    }
    return section_key(c, s, name, value);
}

static int section_key(struct load_ctx *c, struct plugin_section *s, const char *name, const char *value)
{

    for (size_t i = 0; i < s->n_kv; i++) {
        struct config_kv *kv = &s->kv[i];
        if (strcmp(kv->key, name) != 0)
            continue;
        if (c->last_section == s && c->last_key && strcmp(c->last_key, name) == 0 &&
            strcmp(kv->origin_dir, c->file_dir) == 0) {
            /* inih hands an indented continuation line over as the same key
             * again: join the lines, as the writer meant one value.  The
             * buffer grows by doubling: a word list of 40,000 lines took
             * seconds when each line copied the whole value. */
            size_t add = strlen(value);
            if (c->last_len + 1 + add + 1 > c->last_cap) {
                c->last_cap = 2 * (c->last_len + 1 + add + 1);
                kv->value = xrealloc(kv->value, c->last_cap);
            }
            kv->value[c->last_len] = '\n';
            memcpy(kv->value + c->last_len + 1, value, add + 1);
            c->last_len += 1 + add;
        } else {
            /* a later file (conf.d) overrides */
            free(kv->value);
            free(kv->origin_dir);
            free(kv->file);
            kv->value = xstrdup(value);
            kv->origin_dir = xstrdup(c->file_dir);
            kv->file = xstrdup(c->file);
            kv->line = c->line;
            c->last_len = strlen(value);
            c->last_cap = c->last_len + 1;
        }
        c->last_section = s;
        c->last_key = kv->key;
        return 1;
    }
    s->kv = xreallocarray(s->kv, s->n_kv + 1, sizeof *s->kv);
    s->kv[s->n_kv] = (struct config_kv){xstrdup(name), xstrdup(value), xstrdup(c->file_dir), xstrdup(c->file),
                                        c->line};
    c->last_section = s;
    c->last_key = s->kv[s->n_kv].key;
    c->last_len = strlen(value);
    c->last_cap = c->last_len + 1;
    s->n_kv++;
    return 1;
}

/* A key of [actions] (actions.h); its place is kept for the checks that
 * can only run once every file is read. */
static int actions_key(struct load_ctx *c, const char *name, const char *value)
{
    char where[160], *err = NULL;
    snprintf(where, sizeof where, "%s:%u", c->file, c->line);
    if (actions_add(&c->cfg->actions, name, value, where, &err) < 0) {
        set_error(c, err);
        return 0;
    }
    return 1;
}

static int on_ini_line(void *user, const char *section, const char *name, const char *value)
{
    struct load_ctx *c = user;

    if (strcmp(section, "daemon") == 0) {
        c->last_section = NULL;
        return name ? daemon_key(c, name, value) : 1;
    }
    if (strncmp(section, PLUGIN_PREFIX, strlen(PLUGIN_PREFIX)) == 0)
        return plugin_key(c, section + strlen(PLUGIN_PREFIX), name, value);
    if (strncmp(section, TOPIC_PREFIX, strlen(TOPIC_PREFIX)) == 0)
        return topic_key(c, section + strlen(TOPIC_PREFIX), name, value);
    if (strcmp(section, "actions") == 0) {
        c->last_section = NULL;
        return name ? actions_key(c, name, value) : 1;
    }
    if (!*section)
        set_error(c, xasprintf("key '%s' outside of any section", name ? name : "?"));
    else
        set_error(c, xasprintf("unknown section [%s] (expected [daemon], [actions], [plugin.NAME] or [topic.NAME])", section));
    return 0;
}

/* inih's reader, as fgets(), counting lines: its handler is not told the
 * line (Debian builds it without INI_HANDLER_LINENO), and every key keeps
 * its own for the checks after the plugins are loaded.  A whole line per
 * call, so inih's count (the line of a syntax error) is ours too: a line
 * longer than its buffer would come in pieces, the rest of it read as
 * lines of its own, so it is refused here, saying why. */
struct line_reader {
    FILE *f;
    struct load_ctx *c;
    char *buf;
    size_t cap;
};

static char *read_line(char *str, int num, void *stream)
{
    struct line_reader *r = stream;
    ssize_t n = getline(&r->buf, &r->cap, r->f);
    if (n < 0)
        return NULL;
    r->c->line++;
    const char *p = r->buf + strspn(r->buf, " \t");
    if (*p == '[')
        r->c->header_line = r->c->line;
    if (n + 1 > num) {
        set_error(r->c, xasprintf("the line is longer than %d bytes: split a long value over indented "
                                  "continuation lines", num - 2));
        snprintf(str, (size_t)num, "%s", "!\n");   /* a syntax error, on this line */
        return str;
    }
    memcpy(str, r->buf, (size_t)n + 1);
    return str;
}

static int read_file(struct load_ctx *c, const char *file, char **err)
{
    c->file = file;
    c->file_dir = dir_of(file);
    c->last_section = NULL;
    c->last_key = NULL;
    c->line = 0;
    c->header_line = 0;

    int rc = -1;
    FILE *f = fopen(file, "r");
    if (f) {
        struct line_reader r = {f, c, NULL, 0};
        rc = ini_parse_stream(read_line, &r, on_ini_line, c);
        int saved = errno;
        free(r.buf);
        fclose(f);
        errno = saved;
    }
    free(c->file_dir);
    c->file_dir = NULL;

    if (rc == -1) {
        *err = xasprintf("%s: cannot open: %s", file, strerror(errno));
    } else if (rc == -2) {
        *err = xasprintf("%s: out of memory while reading", file);
    } else if (rc > 0) {
        *err = c->error ? xasprintf("%s:%d: %s", file, rc, c->error)
                        : xasprintf("%s:%d: not a valid INI line (expected [section], key = value or a ; comment)", file, rc);
    }
    free(c->error);
    c->error = NULL;
    return rc == 0 ? 0 : -1;
}

static int ini_filter(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return d->d_name[0] != '.' && n > 4 && strcmp(d->d_name + n - 4, ".ini") == 0;
}

static int read_conf_d(struct load_ctx *c, const char *dir, char **err)
{
    char *confd = xasprintf("%s/conf.d", dir);
    struct dirent **names;
    int n = scandir(confd, &names, ini_filter, alphasort);
    int rc = 0;

    if (n < 0) {
        if (errno != ENOENT && errno != ENOTDIR) {
            *err = xasprintf("%s: cannot read: %s", confd, strerror(errno));
            rc = -1;
        }
        free(confd);
        return rc;
    }
    for (int i = 0; i < n; i++) {
        if (rc == 0) {
            char *file = xasprintf("%s/%s", confd, names[i]->d_name);
            rc = read_file(c, file, err);
            free(file);
        }
        free(names[i]);
    }
    free(names);
    free(confd);
    return rc;
}

int config_load(const char *path, const char *state_dir_override,
                struct daemon_config *out, char **err)
{
    struct daemon_config cfg = {
        .max_article_bytes = 16u << 20,
        .settle_ms = 500,
        .log_level = NEWSD_LOG_INFO,
        /* Claimed articles the workers have not finished wait here, and
         * finished ones for their batch: when the archive is the slower
         * stage every one of them ends up holding its text and record.
         * 32 keeps a few per worker ready (a claim costs ~30 µs of the
         * loop's time) and took ~2 MB off the default config's peak in a
         * 10,000-article backlog (256: 768 articles in flight at most). */
        .queue_size = 32,
        .batch_size = 256,
        .batch_ms = 0,
        .max_attempts = 3,
        .rescan_s = 30,
        .article_limits = ARTICLE_LIMITS_DEFAULT,
        .max_plugin_ms = CONFIG_DEFAULT_MAX_PLUGIN_MS,
        .max_article_ms = CONFIG_DEFAULT_MAX_ARTICLE_MS,
        .stall_s = 60,
        .work_age_s = 900,
        .health_hold_s = 300,
        /* The archive is the producers' articles and more: not for every
         * local user.  Group newsd reads (operators), others nothing. */
        .umask = 027,
        .control_timeout_s = 10,
        /* The archive's queries share libuv's thread pool (4 threads) with
         * the commits; sqlite answers one at a time anyway. */
        .control_queries = 2,
        .control_query_queue = 16,
    };
    struct load_ctx c = {.cfg = &cfg};
    char abs[PATH_MAX];

    *err = NULL;
    if (!realpath(path, abs)) {
        *err = xasprintf("%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    cfg.path = xstrdup(abs);
    cfg.dir = dir_of(abs);

    int rc = read_file(&c, cfg.path, err);
    if (rc == 0)
        rc = read_conf_d(&c, cfg.dir, err);

    if (rc == 0)
        rc = actions_finish(&cfg.actions, err);
    if (rc == 0 && !cfg.web_tls_cert != !cfg.web_tls_key) {
        *err = xasprintf("%s: [daemon] web_tls_cert and web_tls_key go together: set both (HTTPS) or neither",
                         cfg.path);
        rc = -1;
    }
    if (rc == 0 && cfg.web_listen &&
        web_listen_check(cfg.web_listen, cfg.web_behind_proxy || cfg.web_tls_cert, err) < 0) {
        char *why = *err;
        *err = xasprintf("%s: [daemon] %s", cfg.path, why);
        free(why);
        rc = -1;
    }
    if (rc == 0) {
        if (state_dir_override)
            cfg.state_dir = config_resolve_path(NULL, state_dir_override);
        else if (c.state_dir_value)
            cfg.state_dir = config_resolve_path(c.state_dir_origin, c.state_dir_value);
        else
            cfg.state_dir = xstrdup("/var/lib/newsd");
        if (c.plugin_dir_value)
            cfg.plugin_dir = config_resolve_path(c.plugin_dir_origin, c.plugin_dir_value);
        if (c.data_dir_value && *c.data_dir_value)
            cfg.data_dir = config_resolve_path(c.data_dir_origin, c.data_dir_value);
        /* The socket lives with the state unless placed elsewhere (under
         * systemd: /run/newsd/control.sock); empty turns the API off. */
        if (!c.control_socket_set)
            cfg.control_socket = xasprintf("%s/control.sock", cfg.state_dir);
        else if (*c.control_socket_value)
            cfg.control_socket = config_resolve_path(c.control_socket_origin, c.control_socket_value);
    }
    free(c.control_socket_value);
    free(c.control_socket_origin);
    free(c.state_dir_value);
    free(c.state_dir_origin);
    free(c.plugin_dir_value);
    free(c.plugin_dir_origin);
    free(c.data_dir_value);
    free(c.data_dir_origin);
    if (rc < 0) {
        config_free(&cfg);
        return -1;
    }
    *out = cfg;
    return 0;
}

void config_free(struct daemon_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->n_plugins; i++) {
        struct plugin_section *s = &cfg->plugins[i];
        for (size_t j = 0; j < s->n_kv; j++) {
            free(s->kv[j].key);
            free(s->kv[j].value);
            free(s->kv[j].origin_dir);
            free(s->kv[j].file);
        }
        free(s->kv);
        free(s->name);
        free(s->file);
    }
    free(cfg->plugins);
    free(cfg->path);
    free(cfg->dir);
    free(cfg->state_dir);
    free(cfg->plugin_dir);
    free(cfg->data_dir);
    free(cfg->control_socket);
    free(cfg->metrics_listen);
    free(cfg->web_listen);
    free(cfg->web_tls_cert);
    free(cfg->web_tls_key);
    memset(cfg, 0, sizeof *cfg);
}

const char *config_kv_where(const struct config_kv *kv, char *buf, size_t size)
{
    if (!kv || !kv->file || !size)
        return "";
    snprintf(buf, size, "%s:%u: ", kv->file, kv->line);
    return buf;
}

const struct config_kv *config_section_find(const struct plugin_section *s, const char *key)
{
    for (size_t i = 0; i < s->n_kv; i++)
        if (strcmp(s->kv[i].key, key) == 0)
            return &s->kv[i];
    return NULL;
}
