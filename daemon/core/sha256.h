/*
 * sha256.h — SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), to sign
 * webhook bodies ("X-Pejl-Signature: sha256=<hex HMAC>") so receivers can
 * tell that a notification really comes from pejld. No crypto library is a
 * dependency of the project (only libcurl, jansson, librrd, libconfig and
 * cmocka are), hence this small implementation.
 *
 * It only produces signatures: never use it for anything that needs a
 * constant-time comparison of secrets.
 */
#ifndef PEJL_SHA256_H
#define PEJL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32

struct sha256 {
    uint32_t state[8];       /* the hash value H(i) */
    uint64_t bytes;          /* message bytes hashed so far */
    unsigned char block[64]; /* a partial block waiting for more data */
    size_t used;             /* bytes of `block` in use, always below 64 */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* Pads, writes the digest to out and leaves `s` to be initialised again. */
void sha256_final(struct sha256 *s, unsigned char out[SHA256_DIGEST_SIZE]);
/* The digest of one buffer: sha256("abc", 3, out) gives ba7816bf... */
void sha256(const void *data, size_t len, unsigned char out[SHA256_DIGEST_SIZE]);
/* HMAC-SHA256 of data under key; keys longer than 64 bytes are hashed first. */
void hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                 unsigned char out[SHA256_DIGEST_SIZE]);
/* lower-case hex of `len` bytes into out (2*len+1 bytes) */
void hex_encode(const unsigned char *bytes, size_t len, char *out);

#endif
