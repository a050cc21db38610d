/*
 * base64.c — MIME base64 for e-mail attachments (see base64.h), from
 * RFC 4648 section 4 and RFC 2045 section 6.8.
 */
#include "base64.h"

#include <stdint.h>
#include <stdlib.h>

#define LINE_BYTES 57 /* 57 bytes make 76 characters, the longest line allowed */
#define LINE_CHARS 78 /* ... plus CRLF */

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Characters for a line of 1..57 bytes, CRLF included. */
static size_t line_size(size_t bytes)
{
    return (bytes + 2) / 3 * 4 + 2;
}

size_t base64_encoded_size(size_t len)
{
    size_t full = len / LINE_BYTES, rest = len % LINE_BYTES;
    size_t tail = rest ? line_size(rest) : 0;
    if (full > (SIZE_MAX - 1 - tail) / LINE_CHARS)
        return SIZE_MAX;
    return full * LINE_CHARS + tail;
}

/* 1..3 bytes as 4 characters, '=' standing for the bytes missing. */
static void encode_group(const unsigned char *in, size_t n, char *out)
{
    uint32_t v = (uint32_t)in[0] << 16;
    if (n > 1)
        v |= (uint32_t)in[1] << 8;
    if (n > 2)
        v |= in[2];
    out[0] = alphabet[v >> 18];
    out[1] = alphabet[(v >> 12) & 63];
    out[2] = n > 1 ? alphabet[(v >> 6) & 63] : '=';
    out[3] = n > 2 ? alphabet[v & 63] : '=';
}

/* One line of 1..57 bytes with its CRLF; returns the end of what it wrote. */
static char *encode_line(const unsigned char *in, size_t n, char *out)
{
    for (size_t i = 0; i < n; i += 3, out += 4)
        encode_group(in + i, n - i < 3 ? n - i : 3, out);
    *out++ = '\r';
    *out++ = '\n';
    return out;
}

char *base64_mime(const void *data, size_t len, size_t *out_len)
{
    const unsigned char *in = data;
    size_t size = base64_encoded_size(len);
    if (size == SIZE_MAX)
        return NULL;
    char *text = malloc(size + 1), *end = text;
    if (!text)
        return NULL;
    for (size_t i = 0; i < len; i += LINE_BYTES)
        end = encode_line(in + i, len - i < LINE_BYTES ? len - i : LINE_BYTES, end);
    *end = '\0';
    if (out_len)
        *out_len = size;
    return text;
}
