/*
 * test_signature.c — the webhook signature (outbox_signature): "sha256="
 * and the lower-case hex HMAC-SHA256 of the body, now computed by
 * libcrypto. The RFC 4231 vectors (cases 1 to 7: short keys, a key longer
 * than the block, data longer than the block) pin it to the HMAC pejl's own
 * SHA-256 computed before, so receivers' checks keep passing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "outbox.h"

static void assert_signature(const void *key, size_t key_len, const void *data, size_t len,
                             const char *hex)
{
    char got[OUTBOX_SIGNATURE_SIZE];
    memset(got, 'x', sizeof got);
    assert_int_equal(outbox_signature(key, key_len, data, len, got), 0);
    assert_int_equal(strlen(got), 7 + 64);
    assert_memory_equal(got, "sha256=", 7);
    assert_memory_equal(got + 7, hex, strlen(hex)); /* case 5 gives 32 digits only */
}

/* RFC 4231 section 4, test cases 1 to 4. */
static void test_rfc4231_short_keys(void **state)
{
    (void)state;
    unsigned char key[25], data[50];
    memset(key, 0x0b, 20);
    assert_signature(key, 20, "Hi There", 8,
                     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    assert_signature("Jefe", 4, "what do ya want for nothing?", 28,
                     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    memset(key, 0xaa, 20);
    memset(data, 0xdd, sizeof data);
    assert_signature(key, 20, data, sizeof data,
                     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    for (size_t i = 0; i < sizeof key; i++)
        key[i] = (unsigned char)(i + 1);
    memset(data, 0xcd, sizeof data);
    assert_signature(key, sizeof key, data, sizeof data,
                     "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
}

/* RFC 4231 test case 5: the MAC truncated to 128 bits there. */
static void test_rfc4231_truncated(void **state)
{
    (void)state;
    unsigned char key[20];
    memset(key, 0x0c, sizeof key);
    assert_signature(key, sizeof key, "Test With Truncation", 20,
                     "a3b6167473100ee06e0c796c2955552b");
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
    assert_signature(key, sizeof key, case6, strlen(case6),
                     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    assert_signature(key, sizeof key, case7, strlen(case7),
                     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

/* An empty body is signed too, and bytes past a NUL count: the body is
 * signed by its length, not as a C string. (Values from
 * `printf ... | openssl dgst -sha256 -hmac s3cret`.) */
static void test_empty_body_and_nul_bytes(void **state)
{
    (void)state;
    assert_signature("s3cret", 6, "", 0,
                     "91dfac70c5348b04e1babb8b421ac92cec08b565b49ca16130dccb72503647b7");
    assert_signature("s3cret", 6, "{\"a\":1}\0tail", 12,
                     "9c2612de514f9e914c7afd0b45e07a54eedbc1f360e84d3f1829e01542617662");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4231_short_keys),
        cmocka_unit_test(test_rfc4231_truncated),
        cmocka_unit_test(test_rfc4231_long_key),
        cmocka_unit_test(test_empty_body_and_nul_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
