/*
 * Plugin host: dlopen, the ABI check, init/fini, and stage dispatch.  Lua
 * plugins are loaded by lua_host.c and dispatched here like C ones.
 *
 * Loading follows one rule: every failure says which plugin, which file and
 * what is wrong, and undoes everything done so far (dlclose included), so a
 * refused reload leaves the running set untouched.
 */
#include "plugins.h"
#include "budget.h"
#include "config_keys.h"
#include "plugin_config.h"
#include "plugin_stamp.h"
#include "inputs.h"
#include "sinks.h"
#include "stage.h"
#include "article.h"
#include "log.h"
#include "metrics.h"
#include "lua_host.h"
#include "xalloc.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Where bare names ("keyword_tagger.so") are looked up, in order. */
static size_t plugin_search_dirs(const struct daemon_config *cfg, char dirs[4][PATH_MAX])
{
    size_t n = 0;
    const char *env = getenv("NEWSD_PLUGIN_DIR");
    char exe[PATH_MAX];
    ssize_t len;

    if (cfg->plugin_dir)
        snprintf(dirs[n++], PATH_MAX, "%s", cfg->plugin_dir);
    if (env && *env)
        snprintf(dirs[n++], PATH_MAX, "%s", env);
    /* Beside an uninstalled binary (build/daemon/newsd → build/plugins), so
     * `make run` and the tests work from the build tree. */
    len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(dirs[n++], PATH_MAX, "%.*s/../plugins", PATH_MAX - 20, exe);
        }
    }
    snprintf(dirs[n++], PATH_MAX, "%s", NEWSD_PLUGIN_DIR);
    return n;
}

static char *resolve_so(const struct daemon_config *cfg, const struct config_kv *so, char **err)
{
    if (strchr(so->value, '/')) {
        char *path = config_resolve_path(so->origin_dir, so->value);
        if (!is_file(path)) {
            *err = xasprintf("%s: %s", path, access(path, F_OK) == 0 ? "not a regular file" : "no such file");
            free(path);
            return NULL;
        }
        return path;
    }
    char dirs[4][PATH_MAX];
    size_t n = plugin_search_dirs(cfg, dirs);
    for (size_t i = 0; i < n; i++) {
        char *path = xasprintf("%s/%s", dirs[i], so->value);
        if (is_file(path))
            return path;
        free(path);
    }
    size_t len = 0;
    char looked[4 * PATH_MAX + 16] = "";
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(looked + len, sizeof looked - len, "%s%s", i ? ", " : "", dirs[i]);
    *err = xasprintf("%s: not found in the plugin folders (%s); set [daemon] plugin_dir or give a path",
               so->value, looked);
    return NULL;
}

/* How large a descriptor of each minor is at least: the minor that added a
 * field at the end added a row.  1.0 ended with fini(), 1.1 with answer(). */
static const size_t descriptor_size[NEWSD_ABI_MINOR + 1] = {
    [0] = offsetof(newsd_plugin, answer),
    [1] = offsetof(newsd_plugin, config_keys),
    [2] = offsetof(newsd_plugin, deliver),   /* 1.2 added config_keys */
    [3] = offsetof(newsd_plugin, prepare),   /* 1.3 added deliver and run */
    [4] = offsetof(newsd_plugin, prepare),   /* 1.4 grew struct newsd_query only */
    [5] = sizeof(newsd_plugin),              /* 1.5 added prepare */
};

/* The version rule of plugin.h: our major, a minor up to ours, and at least
 * the descriptor that minor defines. */
static char *check_stamp(uint32_t stamp, uint32_t struct_size)
{
    uint32_t major = NEWSD_ABI_STAMP_MAJOR(stamp), minor = NEWSD_ABI_STAMP_MINOR(stamp);
    if (major != NEWSD_ABI_MAJOR)
        return xasprintf("built for newsd plugin ABI %u.%u, and this newsd speaks ABI %u.%u, another major "
                         "version: rebuild it against this newsd's plugin.h",
                         major, minor, NEWSD_ABI_MAJOR, NEWSD_ABI_MINOR);
    if (minor > NEWSD_ABI_MINOR)
        return xasprintf("needs newsd ABI >= %u.%u; this is %u.%u: upgrade newsd, or build the plugin with "
                         "-DNEWSD_ABI_TARGET_MINOR=%u if it uses nothing newer",
                         major, minor, NEWSD_ABI_MAJOR, NEWSD_ABI_MINOR, NEWSD_ABI_MINOR);
    if (struct_size < descriptor_size[minor])
        return xasprintf("descriptor is %u bytes, but ABI %u.%u descriptors have %zu: it was built against a "
                         "damaged or pre-release plugin.h; rebuild it",
                         struct_size, major, minor, descriptor_size[minor]);
    return NULL;
}

/* Copy the plugin's descriptor into p->desc_copy: a shorter (older) one
 * leaves the fields it did not know zero, which reads as absent. */
static void take_descriptor(struct plugin_instance *p, const newsd_plugin *d)
{
    size_t n = d->struct_size < sizeof p->desc_copy ? d->struct_size : sizeof p->desc_copy;
    memset(&p->desc_copy, 0, sizeof p->desc_copy);
    memcpy(&p->desc_copy, d, n);
    p->desc = &p->desc_copy;
}

/* The descriptor must be complete for the stages it claims. */
static char *check_descriptor(const newsd_plugin *d)
{
    if (!d->name || !*d->name)
        return xasprintf("descriptor has no name");
    if ((!d->stages && !d->deliver && !d->run) || (d->stages & ~STAGE_ALL))
        return xasprintf("descriptor declares no stage or an unknown one (stages = 0x%x)", d->stages);
    if ((d->stages & ~(unsigned)NEWSD_STAGE_ARCHIVE) && !d->process)
        return xasprintf("declares a parse, tag or score stage but has no process() callback");
    if ((d->stages & NEWSD_STAGE_ARCHIVE) && (!d->archive || !d->commit))
        return xasprintf("declares the archive stage but lacks archive() or commit()");
    if ((d->query || d->answer) && !(d->stages & NEWSD_STAGE_ARCHIVE))
        return xasprintf("answers queries but declares no archive stage");
    if (d->prepare && !(d->stages & NEWSD_STAGE_ARCHIVE))
        return xasprintf("has prepare() but declares no archive stage (prepare() would never be called)");
    return NULL;
}

uint32_t newsd_abi_version(void)
{
    return NEWSD_ABI_STAMP(NEWSD_ABI_MAJOR, NEWSD_ABI_MINOR);
}

const char *newsd_version(void)
{
    return NEWSD_VERSION;
}

/* Every key of the section must be one the plugin declared or one of
 * newsd's.  A plugin that declares none (built before 1.2) cannot be
 * checked: said once per load, not refused. */
static char *check_keys(const struct plugin_section *s, const struct plugin_instance *p)
{
    const struct newsd_config_key *own = p->desc->config_keys;
    if (!own) {
        log_info("plugin %s: %s declares no configuration keys (ABI %u.%u): the keys of [%s%s] are "
                 "not checked for typing mistakes", s->name, p->path,
                 NEWSD_ABI_STAMP_MAJOR(p->desc->abi_version), NEWSD_ABI_STAMP_MINOR(p->desc->abi_version),
                 CONFIG_SECTION_KIND(s), s->name);
        return NULL;
    }
    /* A Lua limit in a C plugin's section is no typing mistake: say so. */
    for (size_t i = 0; i < s->n_kv; i++)
        for (const struct newsd_config_key *k = config_lua_limit_keys; k->name; k++)
            if (strcmp(s->kv[i].key, k->name) == 0) {
                char at[PATH_MAX + 32];
                return xasprintf("%s[%s%s] %s limits Lua plugins; %s is a C plugin (its time budget "
                                 "is max_ms)", config_kv_where(&s->kv[i], at, sizeof at), CONFIG_SECTION_KIND(s), s->name, k->name,
                                 p->path);
            }
    const struct newsd_config_key *tables[4] = {config_plugin_core_keys, own};
    size_t n = 2;
    if (p->desc->deliver)
        tables[n++] = sink_core_keys;
    if (p->desc->run)
        tables[n++] = input_core_keys;
    char *why = NULL;
    return config_keys_check(s, tables, n, &why) < 0 ? why : NULL;
}

/* "plugin X: FILE: init failed: what the plugin logged", with where it
 * is about: the plugin's own message may name its place already (the
 * newsd_config_get_* errors do); one that starts with a key ("path: cannot
 * create ...") gets that key's FILE:LINE; else the section's. */
static char *init_failure(const struct plugin_section *s, const char *path, char *logged)
{
    char at[PATH_MAX + 64] = "";
    bool placed = false;
    for (size_t i = 0; logged && i < s->n_kv && !placed; i++) {
        const struct config_kv *kv = &s->kv[i];
        size_t fn = kv->file ? strlen(kv->file) : 0, n = strlen(kv->key);
        if (fn && strncmp(logged, kv->file, fn) == 0 && logged[fn] == ':') {
            placed = true;
        } else if (kv->file && strncmp(logged, kv->key, n) == 0 &&
                   (logged[n] == ':' || strncmp(logged + n, " =", 2) == 0)) {
            config_kv_where(kv, at, sizeof at);
            placed = true;
        }
    }
    char *msg;
    if (placed)
        msg = xasprintf("plugin %s: %s: init failed: %s%s", s->name, path, at, logged);
    else
        msg = xasprintf("plugin %s: %s: init failed ([%s%s] at %s:%u): %s", s->name, path, CONFIG_SECTION_KIND(s), s->name,
                        s->file ? s->file : "?", s->line, logged ? logged : "it gave no reason");
    free(logged);
    return msg;
}

static void instance_release(struct plugin_instance *p)
{
    if (p->initialised && p->desc->fini) {
        log_set_plugin(p->name);
        p->desc->fini(p->state);
        log_set_plugin(NULL);
    }
    if (p->serialise)
        uv_mutex_destroy(&p->lock);
    sink_policy_free(p->sink);
    if (p->dl)
        dlclose(p->dl);
    free(p->name);
    free(p->path);
    memset(p, 0, sizeof *p);
}

static int instance_load(const struct daemon_config *cfg, const struct plugin_section *s,
                         unsigned flags, struct plugin_instance *p, char **err)
{
    const struct config_kv *so = config_section_find(s, "so");
    const struct config_kv *lua = config_section_find(s, "lua");
    const struct config_kv *req = config_section_find(s, "required");
    char *why = NULL;

    memset(p, 0, sizeof *p);
    p->name = xstrdup(s->name);

    if (lua && so) {
        *err = xasprintf("plugin %s: both so = %s and lua = %s; a plugin is either C or Lua", s->name,
                   so->value, lua->value);
        goto fail;
    }
    if (lua ? !*lua->value : (!so || !*so->value)) {
        *err = xasprintf("plugin %s: no 'so = FILE.so' or 'lua = FILE.lua' key says which plugin to load", s->name);
        goto fail;
    }
    if (req && config_parse_bool(req->value, &p->required) < 0) {
        char at[PATH_MAX + 32];
        *err = xasprintf("plugin %s: %s[%s%s] required = %s: expected true or false", s->name,
                         config_kv_where(req, at, sizeof at), CONFIG_SECTION_KIND(s), s->name, req->value);
        goto fail;
    }
    if (budget_plugin_ms(cfg, s, &p->max_ms, &why) < 0) {
        *err = xasprintf("plugin %s: %s", s->name, why);
        goto fail;
    }
    if (lua) {
        /* Found like a .so (same folders); the host presents it as a C
         * descriptor, so everything below dispatches it unchanged. */
        p->path = resolve_so(cfg, lua, &why);
        if (!p->path) {
            *err = xasprintf("plugin %s: %s", s->name, why);
            goto fail;
        }
        struct l_plugin *lp = l_plugin_load(cfg, s, p->path,
                                                (flags & (PLUGIN_LOAD_NO_ARCHIVE_INIT | PLUGIN_LOAD_DRY_RUN))
                                                    ? L_LOAD_TRIAL_ONLY : 0,
                                                &why);
        if (!lp) {
            *err = xasprintf("plugin %s: %s", s->name, why);
            goto fail;
        }
        p->desc = l_plugin_descriptor(lp);
        p->state = lp;
        p->initialised = true;
        log_debug("plugin %s: loaded Lua %s (%s)", p->name, p->path, p->desc->name);
        return 0;
    }
    p->path = resolve_so(cfg, so, &why);
    if (!p->path) {
        *err = xasprintf("plugin %s: %s", s->name, why);
        goto fail;
    }
    /* The stamp first, from the file: a plugin of another ABI is refused
     * before any of its code (constructors included) runs, and before
     * dlopen() could only say which newer function this newsd lacks. */
    uint32_t stamp, struct_size;
    if (plugin_file_stamp(p->path, &stamp, &struct_size) == 0 && (why = check_stamp(stamp, struct_size))) {
        *err = xasprintf("plugin %s: %s: %s", s->name, p->path, why);
        goto fail;
    }
    /* RTLD_NOW: a missing symbol is an error now, not a crash on first use. */
    p->dl = dlopen(p->path, RTLD_NOW | RTLD_LOCAL);
    if (!p->dl) {
        *err = xasprintf("plugin %s: cannot load %s: %s", s->name, p->path, dlerror());
        goto fail;
    }
    const newsd_plugin *d = dlsym(p->dl, NEWSD_PLUGIN_SYMBOL);
    if (!d) {
        *err = xasprintf("plugin %s: %s is not a newsd plugin (it exports no %s symbol; use NEWSD_PLUGIN())",
                   s->name, p->path, NEWSD_PLUGIN_SYMBOL);
        goto fail;
    }
    /* The loaded descriptor is the authority; the file's stamp may be
     * unreadable (another object format, a stripped section table). */
    why = check_stamp(d->abi_version, d->struct_size);
    if (!why) {
        take_descriptor(p, d);
        why = check_descriptor(p->desc);
    }
    if (why) {
        *err = xasprintf("plugin %s: %s: %s", s->name, p->path, why);
        goto fail;
    }
    /* Before init: a mistyped key is what the writer must hear of, not
     * what init makes of the key's absence. */
    if ((why = check_keys(s, p))) {
        *err = xasprintf("plugin %s: %s", s->name, why);
        goto fail;
    }
    if (p->desc->deliver && !(p->sink = sink_policy_parse(s, &why))) {
        *err = xasprintf("plugin %s: %s", s->name, why);
        goto fail;
    }
    if (p->desc->run && input_policy_parse(s, &p->input_max_backlog, &why) < 0) {
        *err = xasprintf("plugin %s: %s", s->name, why);
        goto fail;
    }
    if ((flags & PLUGIN_LOAD_NO_ARCHIVE_INIT) &&
        (p->desc->stages == NEWSD_STAGE_ARCHIVE || ((p->desc->deliver || p->desc->run) && !p->desc->stages))) {
        /* --try: checked, but an archive's init may create folders in the
         * state directory, so it is not called. */
        log_debug("plugin %s: checked %s (%s); archive not initialised", p->name, p->path, p->desc->name);
        return 0;
    }
    p->serialise = !(p->desc->flags & NEWSD_PLUGIN_THREAD_SAFE);
    if (p->serialise && uv_mutex_init(&p->lock) != 0) {
        p->serialise = false;
        *err = xasprintf("plugin %s: cannot create its lock", s->name);
        goto fail;
    }
    if (p->desc->init) {
        /* --check-config as root also passes NO_ARCHIVE_INIT: a check. */
        int mode = (flags & PLUGIN_LOAD_DRY_RUN)           ? NEWSD_RUN_CHECK
                   : (flags & PLUGIN_LOAD_NO_ARCHIVE_INIT) ? NEWSD_RUN_TRY
                                                           : NEWSD_RUN_DAEMON;
        struct newsd_config conf = {s, cfg->state_dir, mode};
        log_set_plugin(p->name);
        log_capture_begin();
        int rc = p->desc->init(&conf, &p->state);
        char *logged = log_capture_end();
        log_set_plugin(NULL);
        if (rc != NEWSD_OK) {
            *err = init_failure(s, p->path, logged);
            goto fail;
        }
        free(logged);
    }
    p->initialised = true;
    log_debug("plugin %s: loaded %s (%s)", p->name, p->path, p->desc->name);
    return 0;

fail:
    free(why);
    instance_release(p);
    return -1;
}

int plugin_set_load(const struct daemon_config *cfg, unsigned flags,
                    struct plugin_set **out, char **err)
{
    struct plugin_set *set = xcalloc(1, sizeof *set);
    set->v = xcalloc(cfg->n_plugins + 1, sizeof *set->v);
    set->actions = cfg->actions;

    *err = NULL;
    for (size_t i = 0; i < cfg->n_plugins; i++) {
        const struct plugin_section *s = &cfg->plugins[i];
        char *why = NULL;
        if (instance_load(cfg, s, flags, &set->v[set->n], &why) < 0) {
            /* The check goes on to the other plugins: one run shows every
             * mistake, a line each (check_config.c).  A start or reload
             * stops at the first. */
            why[text_one_line(why, strlen(why))] = '\0';
            char *all = *err ? xasprintf("%s\n%s", *err, why) : why;
            if (*err)
                free(why);
            free(*err);
            *err = all;
            if (flags & PLUGIN_LOAD_DRY_RUN)
                continue;
            plugin_set_free(set);
            return -1;
        }
        set->stages |= set->v[set->n].desc->stages;
        set->n++;
    }
    if (*err) {
        plugin_set_free(set);
        return -1;
    }
    if (!(set->stages & NEWSD_STAGE_ARCHIVE)) {
        *err = xasprintf("%s: no archive plugin is configured; newsd removes an inbox file only after an archive "
                   "plugin has stored it, so one is required (e.g. [plugin.archive] so = archive_fs.so)",
                   cfg->path);
        plugin_set_free(set);
        return -1;
    }
    *out = set;
    return 0;
}

void plugin_set_free(struct plugin_set *set)
{
    if (!set)
        return;
    /* fini in reverse order: later plugins may depend on earlier ones */
    for (size_t i = set->n; i-- > 0;)
        instance_release(&set->v[i]);
    free(set->v);
    free(set);
}

/* One process() call under its time budget (budget.h).  A C call cannot
 * be stopped, so one that ends late has failed whatever it returned: the
 * rule is the same for both kinds, only Lua's calls end at the deadline. */
static int run_one(struct plugin_instance *p, enum newsd_stage stage, struct newsd_article *a)
{
    struct budget_call bc;
    char limit[96];
    int rc;

    /* The wait for a serialised plugin's lock is not its time. */
    if (p->serialise)
        uv_mutex_lock(&p->lock);
    if (budget_call_begin(&bc, p->name, p->max_ms) < 0) {
        rc = newsd_article_fail(a, "not run: %s is spent", budget_describe(&bc, limit, sizeof limit));
    } else {
        rc = p->desc->process(p->state, stage, a);
        uint64_t took = budget_call_end(&bc);
        metrics_plugin_time(p->name, took);   /* newsd_plugin_seconds */
        if (rc == NEWSD_OK && bc.deadline_ns && bc.start_ns + took > bc.deadline_ns)
            rc = newsd_article_fail(a, "took %llu ms, over %s", (unsigned long long)(took / 1000000),
                                    budget_describe(&bc, limit, sizeof limit));
    }
    if (p->serialise)
        uv_mutex_unlock(&p->lock);
    return rc;
}

int plugin_set_run_stage(struct plugin_set *set, enum newsd_stage stage,
                         struct newsd_article *a, const char **plugin, char **cause)
{
    for (size_t i = 0; i < set->n; i++) {
        struct plugin_instance *p = &set->v[i];
        if (!(p->desc->stages & stage))
            continue;

        size_t n_tags = a->n_tags, n_rules = a->n_rules, n_meta = a->n_meta;
        a->stage = stage;
        a->plugin = p->name;
        free(a->fail_reason);
        a->fail_reason = NULL;
        log_set_plugin(p->name);
        int rc = run_one(p, stage, a);
        a->stage = 0;
        a->plugin = NULL;

        if (rc == NEWSD_OK) {
            log_debug("%s: %zu tags, %zu rules, %zu meta added", stage_name(stage),
                      a->n_tags - n_tags, a->n_rules - n_rules, a->n_meta - n_meta);
            log_set_plugin(NULL);
            continue;
        }
        const char *reason = a->fail_reason ? a->fail_reason : "failed without giving a reason";
        metrics_plugin_failure(p->name);
        article_truncate(a, n_tags, n_rules, n_meta);
        if (p->required) {
            log_set_plugin(NULL);
            *plugin = p->name;
            *cause = xasprintf("required plugin %s failed in the %s stage: %s", p->name, stage_name(stage), reason);
            return -1;
        }
        log_warning("%s stage failed: %s; its result is skipped (set required = true to stop such articles)",
                    stage_name(stage), reason);
        log_set_plugin(NULL);
    }
    return 0;
}

/* One archive callback (archive() or prepare()) of p over a, timed, with
 * the article and the log saying whose call it is.  A NEWSD_ERROR sets
 * *plugin and *cause (malloc'd). */
static int call_archive(struct plugin_instance *p, int (*cb)(void *, newsd_article *),
                        struct newsd_article *a, const char **plugin, char **cause)
{
    free(a->fail_reason);
    a->fail_reason = NULL;
    a->stage = NEWSD_STAGE_ARCHIVE;
    a->plugin = p->name;
    log_set_plugin(p->name);
    uint64_t t0 = metrics_now_ns();
    int rc = cb(p->state, a);
    metrics_plugin_time(p->name, metrics_now_ns() - t0);
    log_set_plugin(NULL);
    a->stage = 0;
    a->plugin = NULL;
    if (rc != NEWSD_OK && rc != NEWSD_DUPLICATE) {
        metrics_plugin_failure(p->name);
        *plugin = p->name;
        *cause = xasprintf("archive plugin %s could not store the article: %s", p->name,
                     a->fail_reason ? a->fail_reason : "no reason given (see the log)");
        return NEWSD_ERROR;
    }
    return rc;
}

int plugin_set_archive(struct plugin_set *set, struct newsd_article *a,
                       const char **plugin, char **cause)
{
    int result = NEWSD_DUPLICATE;
    for (size_t i = 0; i < set->n; i++) {
        struct plugin_instance *p = &set->v[i];
        if (!(p->desc->stages & NEWSD_STAGE_ARCHIVE))
            continue;
        int rc = call_archive(p, p->desc->archive, a, plugin, cause);
        if (rc == NEWSD_ERROR)
            return NEWSD_ERROR;
        if (rc == NEWSD_OK)
            result = NEWSD_OK;
    }
    return result;
}

int plugin_set_prepare(struct plugin_set *set, struct newsd_article *a,
                       const char **plugin, char **cause)
{
    for (size_t i = 0; i < set->n; i++) {
        struct plugin_instance *p = &set->v[i];
        if (!(p->desc->stages & NEWSD_STAGE_ARCHIVE) || !p->desc->prepare)
            continue;
        /* Under the plugin's budget, so that the watchdog sees a stuck
         * prepare() as the plugin's call, not newsd's own work.  With the
         * article's budget spent it is skipped: archive() does the same
         * work when nothing was prepared. */
        struct budget_call bc;
        if (budget_call_begin(&bc, p->name, p->max_ms) < 0)
            continue;
        /* A duplicate is archive()'s to say: from prepare() it means
         * nothing. */
        int rc = call_archive(p, p->desc->prepare, a, plugin, cause);
        budget_call_end(&bc);
        if (rc == NEWSD_ERROR)
            return NEWSD_ERROR;
    }
    return NEWSD_OK;
}

int plugin_set_commit(struct plugin_set *set, const char **plugin)
{
    for (size_t i = 0; i < set->n; i++) {
        struct plugin_instance *p = &set->v[i];
        if (!(p->desc->stages & NEWSD_STAGE_ARCHIVE))
            continue;
        log_set_plugin(p->name);
        int rc = p->desc->commit(p->state);
        log_set_plugin(NULL);
        if (rc != NEWSD_OK) {
            *plugin = p->name;
            return NEWSD_ERROR;
        }
    }
    return NEWSD_OK;
}
