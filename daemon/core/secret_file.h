/*
 * secret_file.h — the one reader of files that hold a secret (an SMTP
 * user:password, a webhook's HMAC key): whatever config names them for.
 *
 * A secret file must be a regular file, not a symbolic link, readable by
 * its owner only, and small. It is opened so that nothing at its path can
 * block the reader (a FIFO waits for a writer on a plain open) or point it
 * elsewhere, and is checked on the open descriptor, not by name. The
 * secret never reaches an error text.
 */
#ifndef PEJL_SECRET_FILE_H
#define PEJL_SECRET_FILE_H

#include <stddef.h>

/* Longest secret file accepted, in bytes. */
#define SECRET_FILE_MAX 4096

/* The secret in `path` without its trailing newlines, NUL-terminated; *len
 * is its length. NULL with a reason that names `path` when the file is
 * missing, not a regular file, a symbolic link, over SECRET_FILE_MAX bytes,
 * readable by group or others, or empty. Free it with secret_file_free. */
char *secret_file_read(const char *path, size_t *len, char *err, size_t errlen);
/* Wipes the `len` bytes of `secret` and frees it; NULL is fine. */
void secret_file_free(char *secret, size_t len);

#endif
