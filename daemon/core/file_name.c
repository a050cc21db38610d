/*
 * file_name.c — escaping text into a file name component (see file_name.h).
 * Uses libcrypto's SHA-256 for names too long to keep whole.
 */
#include "file_name.h"

#include <openssl/sha.h>
#include <stdbool.h>
#include <string.h>

static const char hex[] = "0123456789ABCDEF";

static bool kept(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

/* Escapes as much of `text` as fits in `room` bytes, never splitting a
 * "%XX"; returns the bytes written and sets *whole when all of it fit. */
static size_t escape_into(const unsigned char *text, char *buf, size_t room, bool *whole)
{
    size_t o = 0;
    for (; *text; text++) {
        size_t need = kept(*text) ? 1 : 3;
        if (o + need > room) {
            *whole = false;
            return o;
        }
        if (need == 1) {
            buf[o++] = (char)*text;
        } else {
            buf[o++] = '%';
            buf[o++] = hex[*text >> 4];
            buf[o++] = hex[*text & 15];
        }
    }
    *whole = true;
    return o;
}

size_t file_name_escape(const char *text, char *buf, size_t size)
{
    if (!text[0] || size < FILE_NAME_HASHED_MIN) {
        if (size)
            buf[0] = '\0';
        return 0;
    }
    bool whole;
    size_t n = escape_into((const unsigned char *)text, buf, size - 1, &whole);
    if (!whole) { /* "~" and 16 bytes of the digest in hex */
        unsigned char md[SHA256_DIGEST_LENGTH];
        SHA256((const unsigned char *)text, strlen(text), md);
        n = escape_into((const unsigned char *)text, buf, size - 1 - 33, &whole);
        buf[n++] = '~';
        for (int i = 0; i < 16; i++) {
            buf[n++] = hex[md[i] >> 4];
            buf[n++] = hex[md[i] & 15];
        }
    }
    buf[n] = '\0';
    return n;
}
