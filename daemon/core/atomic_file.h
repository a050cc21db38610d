/*
 * atomic_file.h — replacing a small state file so that a crash at any
 * moment leaves either the old or the new content, never a mix: write a
 * temporary file beside it, fsync it, rename it over the old one, fsync
 * the directory.
 */
#ifndef PEJL_ATOMIC_FILE_H
#define PEJL_ATOMIC_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Writes all of buf to fd, retrying short writes and EINTR; -1 on error. */
int atomic_file_write_all(int fd, const void *buf, size_t len);
/* Replaces `path` with `len` bytes of `data`, created with `mode`. */
int atomic_file_write(const char *path, const void *data, size_t len, mode_t mode, char *err,
                      size_t errlen);

/* pejld opens the files in its state directory with O_NOFOLLOW: whoever
 * can plant a link there must not make it read or write somewhere else.
 * After such an open failed: true, with the message in `err`, when `path`
 * was a symbolic link (ELOOP); false for any other error. */
bool atomic_file_state_link_error(const char *path, char *err, size_t errlen);

#endif
