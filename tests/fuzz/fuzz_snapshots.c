/*
 * fuzz_snapshots.c — the snapshots file (daemon/store/as_of.c) on arbitrary
 * bytes as STATE/snapshots. Besides the sanitizers' checks it aborts when
 * the reader breaks a promise of as_of.h: every snapshot it accepts has a
 * valid name and resolves to its moment (the first of that name), and a
 * file it accepts takes one more snapshot exactly (one line appended, read
 * back as the last); a file it refuses is refused again by the writer and
 * left as it was. Links pejlcore, which a fuzz build instruments.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "as_of.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(condition)                                                                           \
    do {                                                                                           \
        if (!(condition))                                                                          \
            abort();                                                                               \
    } while (0)

#define NEW_NAME "fuzz-new.name"
#define NEW_TIME 1748772000 /* 2025-06-01T10:00:00Z */

static char state[64], path[96]; /* made at the first input, removed at exit */

static void remove_dirs(void)
{
    unlink(path);
    rmdir(state);
}

static long long file_size(void)
{
    struct stat st;
    CHECK(stat(path, &st) == 0);
    return (long long)st.st_size;
}

/* Every snapshot resolves to the moment of the first of its name. */
static void check_names(const struct as_of_snapshot *all, size_t n)
{
    char err[2048];
    for (size_t i = 0; i < n; i++) {
        int64_t t = 0;
        CHECK(as_of_name_valid(all[i].name));
        CHECK(as_of_resolve(state, all[i].name, &t, err, sizeof err) == 0);
        size_t first = 0;
        while (strcmp(all[first].name, all[i].name) != 0)
            first++;
        CHECK(t == all[first].t);
    }
}

static void check_save(size_t n, bool had_new_name)
{
    char err[2048];
    struct as_of_snapshot *all;
    size_t m;
    long long before = file_size();
    int rc = as_of_snapshot_save(state, NEW_NAME, NEW_TIME, err, sizeof err);
    if (had_new_name) {
        CHECK(rc < 0 && file_size() == before);
        return;
    }
    CHECK(rc == 0);
    CHECK(as_of_snapshot_list(state, &all, &m, err, sizeof err) == 0);
    CHECK(m == n + 1 && strcmp(all[n].name, NEW_NAME) == 0 && all[n].t == NEW_TIME);
    free(all);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[2048];
    if (!state[0]) {
        snprintf(state, sizeof state, "%s/pejl-fuzz-snapshots.XXXXXX",
                 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
        CHECK(mkdtemp(state));
        snprintf(path, sizeof path, "%s/%s", state, AS_OF_FILE);
        atexit(remove_dirs);
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK(write(fd, data, size) == (ssize_t)size);
    close(fd);
    struct as_of_snapshot *all;
    size_t n;
    if (as_of_snapshot_list(state, &all, &n, err, sizeof err) < 0) {
        CHECK(err[0]);
        CHECK(as_of_snapshot_save(state, NEW_NAME, NEW_TIME, err, sizeof err) < 0);
        CHECK(file_size() == (long long)size);
        return 0;
    }
    check_names(all, n);
    bool had_new_name = false;
    for (size_t i = 0; i < n; i++)
        had_new_name |= strcmp(all[i].name, NEW_NAME) == 0;
    free(all);
    check_save(n, had_new_name);
    return 0;
}
