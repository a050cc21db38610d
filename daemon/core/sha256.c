/*
 * sha256.c — SHA-256 and HMAC-SHA256 for webhook signatures (see sha256.h),
 * written from FIPS 180-4 section 6.2 and RFC 2104. Section numbers in the
 * comments are those of FIPS 180-4.
 */
#include "sha256.h"

#include <string.h>

#define BLOCK 64
#define LENGTH_AT 56 /* the 64-bit message length fills the last 8 bytes */

/* 4.2.2: the first 32 bits of the fractional parts of the cube roots of
 * the first 64 primes. */
static const uint32_t K[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u,
    0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu,
    0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu,
    0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau, 0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu,
    0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
    0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u, 0x19a4c116u,
    0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u,
    0xc67178f2u,
};

/* 5.3.3: the first 32 bits of the fractional parts of the square roots of
 * the first 8 primes. */
static const uint32_t H0[8] = {
    0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
    0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
};

/* 3.2: ROTR^n(x), for 0 < n < 32. */
static uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

/* 4.1.2, functions (4.2) to (4.7). */
static uint32_t ch(uint32_t x, uint32_t y, uint32_t z)
{
    return (x & y) ^ (~x & z);
}

static uint32_t maj(uint32_t x, uint32_t y, uint32_t z)
{
    return (x & y) ^ (x & z) ^ (y & z);
}

static uint32_t big_sigma0(uint32_t x)
{
    return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22);
}

static uint32_t big_sigma1(uint32_t x)
{
    return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25);
}

static uint32_t small_sigma0(uint32_t x)
{
    return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3);
}

static uint32_t small_sigma1(uint32_t x)
{
    return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10);
}

/* The words are big-endian (3.1). */
static uint32_t load32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void store32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* 6.2.2 step 1: the message schedule W0..W63 of one block. */
static void schedule(const unsigned char *block, uint32_t w[64])
{
    for (int t = 0; t < 16; t++)
        w[t] = load32(block + 4 * t);
    for (int t = 16; t < 64; t++)
        w[t] = small_sigma1(w[t - 2]) + w[t - 7] + small_sigma0(w[t - 15]) + w[t - 16];
}

/* 6.2.2 steps 2 to 4: folds one 64-byte block into the hash value. */
static void compress(uint32_t state[8], const unsigned char *block)
{
    uint32_t w[64], v[8]; /* v: the working variables a..h */
    schedule(block, w);
    memcpy(v, state, sizeof v);
    for (int t = 0; t < 64; t++) {
        uint32_t t1 = v[7] + big_sigma1(v[4]) + ch(v[4], v[5], v[6]) + K[t] + w[t];
        uint32_t t2 = big_sigma0(v[0]) + maj(v[0], v[1], v[2]);
        memmove(v + 1, v, 7 * sizeof *v);
        v[4] += t1;
        v[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++)
        state[i] += v[i];
}

void sha256_init(struct sha256 *s)
{
    memcpy(s->state, H0, sizeof s->state);
    s->bytes = 0;
    s->used = 0;
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
    const unsigned char *p = data;
    if (len == 0)
        return; /* data may be NULL then */
    s->bytes += len;
    if (s->used > 0) {
        size_t take = BLOCK - s->used < len ? BLOCK - s->used : len;
        memcpy(s->block + s->used, p, take);
        s->used += take, p += take, len -= take;
        if (s->used < BLOCK)
            return;
        compress(s->state, s->block);
        s->used = 0;
    }
    for (; len >= BLOCK; p += BLOCK, len -= BLOCK)
        compress(s->state, p);
    memcpy(s->block, p, len);
    s->used = len;
}

/* 5.1.1: a 1 bit, zeros, then the message length in bits, big-endian. */
static void pad(struct sha256 *s)
{
    uint64_t bits = s->bytes * 8;
    s->block[s->used++] = 0x80;
    if (s->used > LENGTH_AT) {
        memset(s->block + s->used, 0, BLOCK - s->used);
        compress(s->state, s->block);
        s->used = 0;
    }
    memset(s->block + s->used, 0, LENGTH_AT - s->used);
    store32(s->block + LENGTH_AT, (uint32_t)(bits >> 32));
    store32(s->block + LENGTH_AT + 4, (uint32_t)bits);
    compress(s->state, s->block);
}

void sha256_final(struct sha256 *s, unsigned char out[SHA256_DIGEST_SIZE])
{
    pad(s);
    for (int i = 0; i < 8; i++)
        store32(out + 4 * i, s->state[i]);
    memset(s, 0, sizeof *s);
}

void sha256(const void *data, size_t len, unsigned char out[SHA256_DIGEST_SIZE])
{
    struct sha256 s;
    sha256_init(&s);
    sha256_update(&s, data, len);
    sha256_final(&s, out);
}

/* RFC 2104 section 2: H((K ^ pad) || text), the key padded to a block. */
static void keyed(const unsigned char key[BLOCK], unsigned char pad_byte, const void *data,
                  size_t len, unsigned char out[SHA256_DIGEST_SIZE])
{
    unsigned char padded[BLOCK];
    struct sha256 s;
    for (int i = 0; i < BLOCK; i++)
        padded[i] = key[i] ^ pad_byte;
    sha256_init(&s);
    sha256_update(&s, padded, sizeof padded);
    sha256_update(&s, data, len);
    sha256_final(&s, out);
}

void hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                 unsigned char out[SHA256_DIGEST_SIZE])
{
    unsigned char k[BLOCK] = {0}, inner[SHA256_DIGEST_SIZE];
    if (key_len > BLOCK)
        sha256(key, key_len, k);
    else if (key_len > 0)
        memcpy(k, key, key_len);
    keyed(k, 0x36, data, len, inner);
    keyed(k, 0x5c, inner, sizeof inner, out);
}

void hex_encode(const unsigned char *bytes, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 0xf];
    }
    out[2 * len] = '\0';
}
