/*
 * secret_file.c — reading a secret file (see secret_file.h).
 */
#include "secret_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* O_NONBLOCK: a FIFO opens at once instead of waiting for a writer;
 * O_NOFOLLOW: a symbolic link is refused, not followed. */
static int open_secret(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    if (fd >= 0)
        return fd;
    if (errno == ELOOP && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
        snprintf(err, errlen, "%s is a symbolic link; name the file itself", path);
    else
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    return -1;
}

/* The open file is one a secret may be in. */
static int check_secret(int fd, const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(fd, &st) < 0) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > SECRET_FILE_MAX) {
        snprintf(err, errlen, "%s must be a regular file under %d bytes", path, SECRET_FILE_MAX);
        return -1;
    }
    if (st.st_mode & 077) {
        snprintf(err, errlen, "%s can be read by others (mode %03o); chmod 600 it", path,
                 (unsigned)(st.st_mode & 0777));
        return -1;
    }
    return 0;
}

/* Up to SECRET_FILE_MAX bytes; a file that grew past that since fstat is refused. */
static int read_secret(int fd, const char *path, char *text, size_t *len, char *err, size_t errlen)
{
    *len = 0;
    for (;;) {
        ssize_t n = read(fd, text + *len, SECRET_FILE_MAX + 1 - *len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
            return -1;
        }
        *len += (size_t)n;
        if (n == 0 || *len > SECRET_FILE_MAX)
            break;
    }
    text[*len] = '\0';
    if (*len > SECRET_FILE_MAX) {
        snprintf(err, errlen, "%s must be a regular file under %d bytes", path, SECRET_FILE_MAX);
        return -1;
    }
    while (*len > 0 && (text[*len - 1] == '\n' || text[*len - 1] == '\r'))
        text[--*len] = '\0';
    if (*len == 0) {
        snprintf(err, errlen, "%s is empty", path);
        return -1;
    }
    return 0;
}

char *secret_file_read(const char *path, size_t *len, char *err, size_t errlen)
{
    char buffer[SECRET_FILE_MAX + 2], *secret = NULL;
    int fd = open_secret(path, err, errlen);
    if (fd < 0)
        return NULL;
    if (check_secret(fd, path, err, errlen) == 0 &&
        read_secret(fd, path, buffer, len, err, errlen) == 0) {
        secret = malloc(*len + 1);
        if (secret)
            memcpy(secret, buffer, *len + 1);
        else
            snprintf(err, errlen, "%s: out of memory", path);
    }
    close(fd);
    explicit_bzero(buffer, sizeof buffer); /* no copy of the secret is left behind */
    return secret;
}

void secret_file_free(char *secret, size_t len)
{
    if (!secret)
        return;
    explicit_bzero(secret, len);
    free(secret);
}
