/*
 * unit_files.h — file helpers shared by the unit tests that need a real
 * directory: a fresh temp dir under $TMPDIR (ctest points it at the test
 * build dir), whole-file reads and appends, and recursive removal.
 *
 * Everything here aborts the test (cmocka fail_msg) on an unexpected error,
 * so a test never runs on against a half-made fixture. Include it after
 * <cmocka.h>.
 */
#ifndef PEJL_UNIT_FILES_H
#define PEJL_UNIT_FILES_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static inline const char *unit_tmpdir(void)
{
    const char *tmp = getenv("TMPDIR");
    return tmp && *tmp ? tmp : "/tmp";
}

/* A new empty directory "$TMPDIR/<prefix>-<pid>.XXXXXX". Caller frees. */
static inline char *unit_temp_dir(const char *prefix)
{
    char *path;
    if (asprintf(&path, "%s/%s-%ld.XXXXXX", unit_tmpdir(), prefix, (long)getpid()) < 0)
        fail_msg("asprintf failed");
    if (!mkdtemp(path))
        fail_msg("mkdtemp(%s): %s", path, strerror(errno));
    return path;
}

static inline int unit_remove_entry(const char *path, const struct stat *st, int flag,
                                    struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* rm -rf `path`, then frees it. */
static inline void unit_remove_tree(char *path)
{
    if (path && nftw(path, unit_remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0)
        fail_msg("cannot remove %s: %s", path, strerror(errno));
    free(path);
}

/* Removes what unit_temp_dir(prefix) made in this process and a failed test
 * left behind; for a cmocka group teardown. */
static inline int unit_remove_temp_dirs(const char *prefix)
{
    char mine[128];
    snprintf(mine, sizeof mine, "%s-%ld.", prefix, (long)getpid());
    DIR *dir = opendir(unit_tmpdir());
    if (!dir)
        return -1;
    for (struct dirent *e; (e = readdir(dir));) {
        char *path;
        if (strncmp(e->d_name, mine, strlen(mine)) != 0 ||
            asprintf(&path, "%s/%s", unit_tmpdir(), e->d_name) < 0)
            continue;
        nftw(path, unit_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        free(path);
    }
    closedir(dir);
    return 0;
}

static inline char *unit_path(const char *dir, const char *name)
{
    char *path;
    if (asprintf(&path, "%s/%s", dir, name) < 0)
        fail_msg("asprintf failed");
    return path;
}

static inline long long unit_file_size(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        fail_msg("stat(%s): %s", path, strerror(errno));
    return (long long)st.st_size;
}

/* The whole file, NUL-terminated (it may hold NULs itself); caller frees. */
static inline char *unit_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("fopen(%s): %s", path, strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, (cap *= 2) + 1);
    }
    fclose(f);
    if (!buf)
        fail_msg("out of memory reading %s", path);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static inline void unit_write_file(const char *path, const void *data, size_t len, int flags)
{
    int fd = open(path, O_WRONLY | O_CREAT | flags, 0600);
    if (fd < 0)
        fail_msg("open(%s): %s", path, strerror(errno));
    if (write(fd, data, len) != (ssize_t)len)
        fail_msg("write(%s): %s", path, strerror(errno));
    close(fd);
}

static inline void unit_append(const char *path, const void *data, size_t len)
{
    unit_write_file(path, data, len, O_APPEND);
}

/* A copy of `len` bytes placed right before a PROT_NONE page, so a parser
 * that reads past its input crashes even without ASan. */
struct unit_guarded {
    char *map;
    size_t size;
    char *bytes;
};

static inline struct unit_guarded unit_guarded_copy(const char *bytes, size_t len)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t readable = (len + page - 1) / page * page;
    struct unit_guarded g = {.size = readable + page};
    g.map = mmap(NULL, g.size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g.map == MAP_FAILED || mprotect(g.map + readable, page, PROT_NONE) != 0)
        fail_msg("cannot map a guarded buffer: %s", strerror(errno));
    g.bytes = g.map + readable - len;
    if (len)
        memcpy(g.bytes, bytes, len);
    return g;
}

static inline void unit_guarded_free(struct unit_guarded *g)
{
    munmap(g->map, g->size);
}

#endif
