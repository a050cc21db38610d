/*
 * harness.c — runs one variant in a forked child so that its peak RSS
 * (ru_maxrss from wait4) and CPU time are its own, and gives every run a
 * fresh temp directory that is removed afterwards.
 */
#include "ingest.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int bench_mkdir(const char *dir, const char *sub, char *err, size_t errlen)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    if (mkdir(path, 0750) == 0 || errno == EEXIST)
        return 0;
    snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
    return -1;
}

static int write_result(int fd, const struct variant_result *r)
{
    const char *p = (const char *)r;
    size_t left = sizeof *r;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        left -= (size_t)n;
    }
    return 0;
}

static bool read_result(int fd, struct variant_result *r)
{
    char *p = (char *)r;
    size_t left = sizeof *r;
    while (left > 0) {
        ssize_t n = read(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        left -= (size_t)n;
    }
    return true;
}

static void describe_status(int status, struct variant_result *r)
{
    if (WIFSIGNALED(status))
        snprintf(r->error, sizeof r->error, "the variant's process died of signal %d (%s)",
                 WTERMSIG(status), strsignal(WTERMSIG(status)));
    else if (r->error[0] == '\0')
        snprintf(r->error, sizeof r->error, "the variant's process exited with status %d",
                 WEXITSTATUS(status));
}

static void child(bench_body_fn body, void *ctx, int fd)
{
    struct variant_result r = {0};
    r.ok = body(ctx, &r) == 0;
    _exit(write_result(fd, &r) == 0 && r.ok ? 0 : 1);
}

int harness_run(bench_body_fn body, void *ctx, struct variant_result *r)
{
    int fds[2];
    *r = (struct variant_result){0};
    fflush(NULL); /* or the child would print the parent's buffered output again */
    if (pipe(fds) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        child(body, ctx, fds[1]);
    }
    close(fds[1]);
    bool got = pid > 0 && read_result(fds[0], r);
    close(fds[0]);
    int status = 0;
    struct rusage usage = {0};
    if (pid < 0 || wait4(pid, &status, 0, &usage) < 0) {
        snprintf(r->error, sizeof r->error, "fork/wait: %s", strerror(errno));
        r->ok = false;
        return -1;
    }
    if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        r->ok = false;
        describe_status(status, r);
    }
    r->cpu_s = (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6 +
               (double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec / 1e6;
    r->peak_rss_kb = r->children_rss_kb > 0 ? r->children_rss_kb : usage.ru_maxrss;
    return r->ok ? 0 : -1;
}

const char *harness_temp_base(void)
{
    const char *base = getenv("TMPDIR");
    return base && *base ? base : "/var/tmp";
}

int harness_temp_create(char *buf, size_t size)
{
    if (snprintf(buf, size, "%s/pejl-bench.XXXXXX", harness_temp_base()) >= (int)size)
        return -1;
    return mkdtemp(buf) ? 0 : -1;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    if (remove(path) < 0)
        fprintf(stderr, "bench_ingest: cannot remove %s: %s\n", path, strerror(errno));
    return 0;
}

void harness_temp_remove(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *harness_fs_name(const char *dir)
{
    struct statfs fs;
    if (statfs(dir, &fs) < 0)
        return "?";
    switch ((unsigned long)fs.f_type) {
    case 0xEF53:
        return "ext2/3/4";
    case 0x01021994:
        return "tmpfs: fdatasync costs nothing here";
    case 0x58465342:
        return "xfs";
    case 0x9123683EUL:
        return "btrfs";
    case 0x794c7630:
        return "overlayfs";
    default:
        return "other";
    }
}
