/*
 * test_sha256.c — SHA-256 and HMAC-SHA256, which sign webhook bodies:
 * the FIPS 180-2 / NIST example messages, lengths around the padding
 * boundaries, data fed in uneven pieces, and the RFC 4231 HMAC vectors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sha256.h"

#define HEX_SIZE (2 * SHA256_DIGEST_SIZE + 1)

static void assert_digest(const unsigned char digest[SHA256_DIGEST_SIZE], const char *hex)
{
    char text[HEX_SIZE];
    hex_encode(digest, SHA256_DIGEST_SIZE, text);
    assert_string_equal(text, hex);
}

static void assert_sha256(const void *data, size_t len, const char *hex)
{
    unsigned char digest[SHA256_DIGEST_SIZE];
    sha256(data, len, digest);
    assert_digest(digest, hex);
}

static void test_nist_messages(void **state)
{
    (void)state;
    assert_sha256("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_sha256(NULL, 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_sha256("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    static const char m448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    assert_sha256(m448, strlen(m448),
                  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* One million 'a' in pieces of 1, 63, 64, 65 and 1000 bytes, so update
 * starts and ends both on and off block boundaries. */
static void test_million_a_in_pieces(void **state)
{
    (void)state;
    static const size_t pieces[] = {1, 63, 64, 65, 1000};
    static unsigned char a[1000];
    unsigned char digest[SHA256_DIGEST_SIZE];
    struct sha256 s;
    memset(a, 'a', sizeof a);
    sha256_init(&s);
    for (size_t left = 1000000, i = 0; left > 0; i++) {
        size_t n = pieces[i % 5] < left ? pieces[i % 5] : left;
        sha256_update(&s, a, n);
        left -= n;
    }
    sha256_final(&s, digest);
    assert_digest(digest, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* The first n bytes of "abc...z" repeated: n = 55 is the longest message
 * whose padding fits its one block, 56 needs a second block, and so on.
 * Expected digests were computed with coreutils when this test was written:
 *   printf '%s' "$(printf 'abcdefghijklmnopqrstuvwxyz%.0s' 1 2 3 4 5)" \
 *     | head -c N | sha256sum */
static void test_padding_boundaries(void **state)
{
    (void)state;
    static const struct {
        size_t len;
        const char *hex;
    } cases[] = {
        {55, "595615dbe4f0f407ae397d08b4c2cb870cb9b0e11937416f950c5160acf9c005"},
        {56, "784f623b787495078e93ff28a25b581df0584055a7e71d8cd90c454716b92f51"},
        {63, "5ca3e1ef5207490eac01a795e5cc94d59582a5118bf9534665c8668d87aa647c"},
        {64, "2fcd5a0d60e4c941381fcc4e00a4bf8be422c3ddfafb93c809e8d1e2bfffae8e"},
        {119, "faef67da856d6fd9c8d12f9ed0a4fefd3cf0ce085ab43e2907418d457e3c354b"},
        {120, "c9512b08619c19fbb503c7da6b46ef20301e5f7a7a5f43989182398536f5c5c8"},
    };
    unsigned char text[120];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (unsigned char)('a' + i % 26);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_sha256(text, cases[i].len, cases[i].hex);
}

/* Byte by byte must give what one call gives. */
static void test_byte_at_a_time(void **state)
{
    (void)state;
    static const char m448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    unsigned char digest[SHA256_DIGEST_SIZE];
    struct sha256 s;
    sha256_init(&s);
    for (size_t i = 0; i < strlen(m448); i++)
        sha256_update(&s, m448 + i, 1);
    sha256_final(&s, digest);
    assert_digest(digest, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void assert_hmac(const void *key, size_t key_len, const void *data, size_t len,
                        const char *hex)
{
    unsigned char mac[SHA256_DIGEST_SIZE];
    hmac_sha256(key, key_len, data, len, mac);
    assert_digest(mac, hex);
}

/* RFC 4231 section 4, test cases 1 to 4 (case 5 is a truncated MAC). */
static void test_rfc4231_short_keys(void **state)
{
    (void)state;
    unsigned char key[25], data[50];
    memset(key, 0x0b, 20);
    assert_hmac(key, 20, "Hi There", 8,
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    assert_hmac("Jefe", 4, "what do ya want for nothing?", 28,
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    memset(key, 0xaa, 20);
    memset(data, 0xdd, sizeof data);
    assert_hmac(key, 20, data, sizeof data,
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    for (size_t i = 0; i < sizeof key; i++)
        key[i] = (unsigned char)(i + 1);
    memset(data, 0xcd, sizeof data);
    assert_hmac(key, sizeof key, data, sizeof data,
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
}

/* RFC 4231 test cases 6 and 7: a 131-byte key, longer than the block, is
 * hashed first. */
static void test_rfc4231_long_key(void **state)
{
    (void)state;
    static const char case6[] = "Test Using Larger Than Block-Size Key - Hash Key First";
    static const char case7[] = "This is a test using a larger than block-size key and a larger "
                                "than block-size data. The key needs to be hashed before being "
                                "used by the HMAC algorithm.";
    unsigned char key[131];
    memset(key, 0xaa, sizeof key);
    assert_hmac(key, sizeof key, case6, strlen(case6),
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    assert_hmac(key, sizeof key, case7, strlen(case7),
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

static void test_hex_encode(void **state)
{
    (void)state;
    static const unsigned char bytes[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xcd, 0xef, 0xff};
    char text[2 * sizeof bytes + 1];
    memset(text, 'x', sizeof text);
    hex_encode(bytes, sizeof bytes, text);
    assert_string_equal(text, "00017f80abcdefff");
    hex_encode(bytes, 0, text);
    assert_string_equal(text, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nist_messages),
        cmocka_unit_test(test_million_a_in_pieces),
        cmocka_unit_test(test_padding_boundaries),
        cmocka_unit_test(test_byte_at_a_time),
        cmocka_unit_test(test_rfc4231_short_keys),
        cmocka_unit_test(test_rfc4231_long_key),
        cmocka_unit_test(test_hex_encode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
