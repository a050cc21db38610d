/*
 * plugin.c — collector modules (see plugin.h).
 */
#include "plugin.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "log.h"
#include "config.h"
#include "period.h"

struct plugins {
    char *dir;
    struct collector_module **modules; /* indicators point at these: never moved */
    size_t n;
};

_Static_assert(PEJL_LOG_ERROR == (int)LOG_LEVEL_ERROR &&
                   PEJL_LOG_WARNING == (int)LOG_LEVEL_WARNING &&
                   PEJL_LOG_INFO == (int)LOG_LEVEL_INFO && PEJL_LOG_DEBUG == (int)LOG_LEVEL_DEBUG,
               "a collector's log level is pejld's");

static void host_log(enum pejl_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void host_log(enum pejl_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmessage((enum log_level)level, fmt, ap);
    va_end(ap);
}

static const struct pejl_host host = {
    .abi_version = PEJL_COLLECTOR_ABI,
    .period_parse = period_parse,
    .period_format = period_format,
    .status_parse = status_parse,
    .duration_ms = duration_parse_ms,
    .config_error = diag_config_error,
    .log = host_log,
};

const struct pejl_host *plugin_host(void)
{
    return &host;
}

struct plugins *plugin_list_new(const char *dir)
{
    struct plugins *p = calloc(1, sizeof *p);
    if (p && !(p->dir = strdup(dir))) {
        free(p);
        return NULL;
    }
    return p;
}

static bool valid_name(const char *name)
{
    if (!*name || strlen(name) > 64)
        return false;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return false;
    return true;
}

static const char *check_api(const struct pejl_collector *api, const char *name, char *err,
                             size_t errlen)
{
    if (api->abi_version != PEJL_COLLECTOR_ABI) {
        snprintf(err, errlen,
                 "collector ABI version %u, pejld speaks %d; rebuild it against collector.h",
                 api->abi_version, PEJL_COLLECTOR_ABI);
        return err;
    }
    if (!api->name || strcmp(api->name, name) != 0) {
        snprintf(err, errlen, "module calls itself \"%s\", not \"%s\"",
                 api->name ? api->name : "(null)", name);
        return err;
    }
    if (!api->configure || !api->plan || !api->decode || !api->release) {
        snprintf(err, errlen, "module leaves a function of struct pejl_collector empty");
        return err;
    }
    return NULL;
}

static int load(struct plugins *p, const char *name, struct collector_module *m, char *err,
                size_t errlen)
{
    char why[256];
    if (asprintf(&m->path, "%s/%s.so", p->dir, name) < 0)
        return -1;
    if (access(m->path, R_OK) < 0) {
        snprintf(err, errlen, "no collector \"%s\": %s not found", name, m->path);
        return -1;
    }
    m->dl = dlopen(m->path, RTLD_NOW | RTLD_LOCAL);
    if (!m->dl) {
        snprintf(err, errlen, "%s: cannot load: %s", m->path, dlerror());
        return -1;
    }
    m->api = dlsym(m->dl, "pejl_collector");
    if (!m->api) {
        snprintf(err, errlen, "%s: not a pejl collector (no symbol pejl_collector)", m->path);
        return -1;
    }
    if (check_api(m->api, name, why, sizeof why)) {
        snprintf(err, errlen, "%s: %s", m->path, why);
        return -1;
    }
    return (m->name = strdup(name)) ? 0 : -1;
}

static void unload(struct collector_module *m)
{
    if (m->dl)
        dlclose(m->dl);
    free(m->name);
    free(m->path);
}

const struct collector_module *plugin_list_get(struct plugins *p, const char *name, char *err,
                                               size_t errlen)
{
    if (!valid_name(name)) {
        snprintf(err, errlen, "collector name \"%s\" is not [a-z0-9_]+", name);
        return NULL;
    }
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->modules[i]->name, name) == 0)
            return p->modules[i];
    struct collector_module *m = calloc(1, sizeof *m);
    struct collector_module **grown = realloc(p->modules, (p->n + 1) * sizeof *grown);
    snprintf(err, errlen, "%s: out of memory", name);
    if (grown)
        p->modules = grown;
    if (!m || !grown || load(p, name, m, err, errlen) < 0) {
        if (m)
            unload(m);
        free(m);
        return NULL;
    }
    p->modules[p->n] = m;
    return p->modules[p->n++];
}

void plugin_list_free(struct plugins *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        unload(p->modules[i]);
        free(p->modules[i]);
    }
    free(p->modules);
    free(p->dir);
    free(p);
}

char *plugin_default_dir(void)
{
    char exe[PATH_MAX], *dir;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return strdup("/usr/lib/pejl/collectors");
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    if (asprintf(&dir, "%s/../lib/pejl/collectors", exe) < 0)
        return NULL;
    return dir;
}
