/*
 * rrdtool.c — the series written by the rrdtool command line the way a user
 * scripting it would: one `rrdtool -` process (remote-control mode) spawned
 * without a shell, fed one `create` and one `update` carrying all points per
 * file on stdin. Its replies go to a file, checked afterwards, so a full
 * pipe can never stall it.
 */
#include "ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rrdview.h"

const char rrdtool_mode[] = "one `rrdtool -` process (remote control), all commands on stdin";

static int write_commands(const struct bench_params *p, FILE *in)
{
    struct rrd_definition def;
    struct update_text u;
    char path[PATH_MAX];
    rrd_definition_init(&def);
    if (update_text_init(&u, p->n_months) < 0)
        return -1;
    for (size_t i = 0; i < p->n_series; i++) {
        synth_rrd_path(p->dir, i, path, sizeof path);
        update_text_fill(&u, i);
        fprintf(in, "create %s --start %lld --step %d %s %s %s\nupdate %s", path,
                (long long)def.start, RRD_STEP, def.ds, def.last, def.average, path);
        for (size_t j = 0; j < u.months; j++)
            fprintf(in, " %s", u.argv[j]);
        fputc('\n', in);
    }
    update_text_free(&u);
    return ferror(in) ? -1 : 0;
}

static pid_t spawn_rrdtool(int stdin_fd, const char *out_path, char *err, size_t errlen)
{
    static char *const argv[] = {"rrdtool", "-", NULL};
    posix_spawn_file_actions_t actions;
    pid_t pid = -1;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int rc = posix_spawnp(&pid, "rrdtool", &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc == 0)
        return pid;
    snprintf(err, errlen, "cannot run rrdtool: %s", strerror(rc));
    return -1;
}

/* Every command answered OK; the first ERROR line otherwise. */
static int check_replies(const char *out_path, size_t expected, struct variant_result *r)
{
    FILE *f = fopen(out_path, "r");
    char line[1024];
    size_t ok = 0;
    if (!f) {
        snprintf(r->error, sizeof r->error, "%s: %s", out_path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "OK ", 3) == 0) {
            ok++;
        } else if (strncmp(line, "ERROR", 5) == 0) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(r->error, sizeof r->error, "rrdtool: %s", line);
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    if (ok == expected)
        return 0;
    snprintf(r->error, sizeof r->error, "rrdtool answered %zu commands of %zu", ok, expected);
    return -1;
}

/* Feeds the commands, waits for rrdtool; its RSS and status are kept in r. */
static int drive(const struct bench_params *p, const char *out_path, struct variant_result *r)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) {
        snprintf(r->error, sizeof r->error, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = spawn_rrdtool(fds[0], out_path, r->error, sizeof r->error);
    close(fds[0]);
    FILE *in = pid > 0 ? fdopen(fds[1], "w") : NULL;
    if (!in) {
        close(fds[1]);
        return -1; /* a spawned rrdtool sees EOF and exits */
    }
    int fed = write_commands(p, in);
    int closed = fclose(in);
    int status;
    struct rusage usage = {0};
    if (waitpid(pid, &status, 0) < 0 || getrusage(RUSAGE_CHILDREN, &usage) < 0)
        status = -1;
    r->children_rss_kb = usage.ru_maxrss;
    if (fed == 0 && closed == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    snprintf(r->error, sizeof r->error, "rrdtool failed (status 0x%x) or its stdin closed early",
             (unsigned)status);
    return -1;
}

int run_rrdtool(const struct bench_params *p, struct variant_result *r)
{
    char out_path[PATH_MAX];
    if (strpbrk(p->dir, " \t\"'\\")) {
        snprintf(r->error, sizeof r->error, "%s: `rrdtool -` splits on blanks", p->dir);
        return -1;
    }
    if (bench_mkdir(p->dir, "rrd", r->error, sizeof r->error) < 0)
        return -1;
    snprintf(out_path, sizeof out_path, "%s/rrdtool.out", p->dir);
    setenv("LC_ALL", "C", 1);
    signal(SIGPIPE, SIG_IGN); /* a dead rrdtool must show as an error, not kill us */
    double t0 = bench_now();
    int rc = drive(p, out_path, r);
    r->wall_s = bench_now() - t0;
    return rc < 0 ? -1 : check_replies(out_path, 2 * p->n_series, r);
}
