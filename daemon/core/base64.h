/*
 * base64.h — base64 (RFC 4648, standard alphabet, with padding) in the
 * shape MIME (RFC 2045) wants for e-mail attachments: lines of at most 76
 * characters, each ended by CRLF.
 */
#ifndef PEJL_BASE64_H
#define PEJL_BASE64_H

#include <stddef.h>

/* Characters base64_mime writes for `len` bytes, not counting the NUL;
 * SIZE_MAX when the text and its NUL would not fit in a size_t. */
size_t base64_encoded_size(size_t len);
/* `len` bytes of data as a malloc'd, NUL-terminated text whose every line
 * (the last one too) ends in CRLF; "" for len 0. Stores the length without
 * the NUL in *out_len unless out_len is NULL. NULL when out of memory or
 * when the text would not fit in a size_t. */
char *base64_mime(const void *data, size_t len, size_t *out_len);

#endif
