/*
 * exec.c — the `exec` collector: observations printed by a program.
 *
 *     source = { collector = "exec"; program = "/usr/local/lib/pejl/wait-days";
 *                args = [ "--country", "DK" ]; timeout = "30s"; };
 *
 * pejld runs the program itself (fork/exec, never a shell, clean
 * environment, timeout, output cap) and hands this collector its stdout,
 * which must be CSV as the csv collector reads it: period,value[,status].
 * A non-zero exit, a timeout or malformed output fails the collection with
 * the tail of the program's stderr in the log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/source_config.h"
#include "../csv/csv_parse.h"

struct exec_source {
    struct csv_callbacks callbacks;
    char **argv; /* program, then args, NULL-terminated */
    struct pejl_request request;
};

static const struct source_key keys[] = {
    {"program", KEY_STRING, true},
    {"args", KEY_STRING_ARRAY, false},
    {"timeout", KEY_DURATION, false},
    {NULL, 0, false},
};

static char **build_argv(const char *program, char **args, size_t n_args)
{
    char **argv = calloc(n_args + 2, sizeof *argv);
    if (!argv || !(argv[0] = strdup(program))) {
        free(argv);
        return NULL;
    }
    for (size_t i = 0; i < n_args; i++)
        argv[i + 1] = args[i]; /* ownership moves */
    return argv;
}

static void *exec_configure(const struct pejl_host *host, const config_setting_t *source,
                            struct pejl_diag *diag)
{
    struct source_reader r = {.host = host, .source = source, .diag = diag, .collector = "exec"};
    if (source_check(&r, keys) > 0)
        return NULL;
    const char *program = source_string(&r, "program");
    if (program[0] != '/')
        source_error(&r, "program", "program \"%s\" must be an absolute path (pejld runs it "
                                    "without a shell and without PATH lookup)", program);
    int64_t timeout = source_duration_ms(&r, "timeout", 0);
    if (r.problems)
        return NULL;
    struct exec_source *src = calloc(1, sizeof *src);
    size_t n_args = 0;
    char **args = source_strings(&r, "args", &n_args);
    if (!src || !(src->argv = build_argv(program, args, n_args))) {
        source_free_strings(args);
        free(src);
        source_error(&r, NULL, "out of memory");
        return NULL;
    }
    free(args); /* its strings now belong to argv */
    src->callbacks = (struct csv_callbacks){host->period_parse, host->period_format, host->status_parse};
    src->request = (struct pejl_request){.url = "exec:", .argv = (const char *const *)src->argv,
                                         .timeout_ms = timeout};
    return src;
}

static size_t exec_plan(void *state, const struct pejl_request **requests)
{
    struct exec_source *src = state;
    *requests = &src->request;
    return 1;
}

static int exec_decode(void *state, const struct pejl_request *request,
                       const struct pejl_response *response, const struct pejl_sink *sink,
                       char *err, size_t errlen)
{
    struct exec_source *src = state;
    struct csv_table table;
    (void)request;
    if (csv_parse(response->body, response->len, &src->callbacks, &table, err, errlen) < 0) {
        char why[512];
        snprintf(why, sizeof why, "%s", err);
        snprintf(err, errlen, "%s wrote malformed CSV: %s", src->argv[0], why);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < table.n && rc == 0; i++)
        rc = sink->emit(sink, &table.rows[i].obs);
    if (rc < 0)
        snprintf(err, errlen, "observation not accepted");
    csv_table_free(&table);
    return rc;
}

static void exec_release(void *state)
{
    struct exec_source *src = state;
    if (!src)
        return;
    source_free_strings(src->argv);
    free(src);
}

/* The program's file name: what it reads, only the config can say. */
static size_t exec_describe(void *state, char *buf, size_t size)
{
    const struct exec_source *src = state;
    const char *slash = strrchr(src->argv[0], '/');
    int n = snprintf(buf, size, "%s", slash ? slash + 1 : src->argv[0]);
    return n < 0 ? 0 : (size_t)n;
}

__attribute__((visibility("default"))) const struct pejl_collector pejl_collector = {
    .abi_version = PEJL_COLLECTOR_ABI,
    .name = "exec",
    .configure = exec_configure,
    .plan = exec_plan,
    .decode = exec_decode,
    .release = exec_release,
    .describe = exec_describe,
};
