/*
 * atomic_file.c — write-temp, fsync, rename, fsync the directory
 * (see atomic_file.h).
 */
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int atomic_file_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The rename is durable only once the directory entry is. */
static int sync_directory_of(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int atomic_file_write(const char *path, const void *data, size_t len, mode_t mode, char *err,
                      size_t errlen)
{
    char *tmp = NULL;
    if (asprintf(&tmp, "%s.tmp", path) < 0) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    unlink(tmp); /* left by a crash, perhaps with another mode: start afresh */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    const char *step = "create";
    if (fd >= 0) {
        step = atomic_file_write_all(fd, data, len) < 0 ? "write" : fsync(fd) < 0 ? "fsync" : NULL;
        if (close(fd) < 0 && !step)
            step = "close";
        if (!step && rename(tmp, path) < 0)
            step = "rename";
    }
    if (step) {
        snprintf(err, errlen, "cannot %s %s: %s", step, tmp, strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    if (sync_directory_of(path) < 0) {
        snprintf(err, errlen, "cannot fsync the directory of %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

bool atomic_file_state_link_error(const char *path, char *err, size_t errlen)
{
    if (errno != ELOOP)
        return false;
    snprintf(err, errlen,
             "%s: a symbolic link, and pejld does not follow links in its state directory; "
             "move it aside and put the file itself there (or point state_dir at the real "
             "directory)",
             path);
    return true;
}
