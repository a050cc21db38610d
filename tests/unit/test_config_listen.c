/*
 * test_config_listen.c — listen = "host:port" in pejld.conf
 * (daemon/settings/config_listen.c): IPv4 and bracketed IPv6 addresses are
 * read into a socket address; host names, missing or out-of-range ports,
 * unbracketed IPv6 and other types are refused with the file, the line and
 * what to write. Without the key there is no HTTP endpoint.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config_problems.h"

#define ONE_INDICATOR                                                                              \
    "indicators = ( { id = \"a\"; title = \"A\"; unit = \"x\"; frequency = "                       \
    "\"annual\"; " CSV_SOURCE " } );\n"

static struct config *load_ok(const char *text)
{
    struct pejl_diag diag = {0};
    char full[1024];
    snprintf(full, sizeof full, "%s%s", text, ONE_INDICATOR);
    write_config(full);
    struct config *c = config_load(conf_path, NULL, &diag);
    for (size_t i = 0; i < diag.n; i++)
        fprintf(stderr, "  got: %s\n", diag.lines[i]);
    assert_non_null(c);
    diag_free(&diag);
    return c;
}

static void test_listen_absent_means_off(void **state)
{
    (void)state;
    struct config *c = load_ok(COLLECTORS);
    assert_null(c->listen);
    config_unref(c);
}

static void test_listen_ipv4_and_ipv6(void **state)
{
    (void)state;
    struct config *c = load_ok(COLLECTORS "listen = \"127.0.0.1:9817\";\n");
    const struct sockaddr_in *in4 = (const struct sockaddr_in *)&c->listen_addr;
    assert_string_equal(c->listen, "127.0.0.1:9817");
    assert_int_equal(in4->sin_family, AF_INET);
    assert_int_equal(ntohs(in4->sin_port), 9817);
    assert_int_equal(ntohl(in4->sin_addr.s_addr), INADDR_LOOPBACK);
    assert_int_equal(c->listen_addr_len, sizeof *in4);
    config_unref(c);

    c = load_ok(COLLECTORS "listen = \"[::1]:1\";\n");
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&c->listen_addr;
    assert_int_equal(in6->sin6_family, AF_INET6);
    assert_int_equal(ntohs(in6->sin6_port), 1);
    assert_true(IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr));
    config_unref(c);

    struct sockaddr_storage addr;
    socklen_t len;
    assert_int_equal(config_listen_parse("0.0.0.0:65535", &addr, &len), 0);
    assert_int_equal(config_listen_parse("[::]:80", &addr, &len), 0);
}

static void test_listen_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "localhost:9817",
        "127.0.0.1",
        "127.0.0.1:",
        "127.0.0.1:0",
        "127.0.0.1:65536",
        "127.0.0.1:-1",
        "127.0.0.1:+80",
        "127.0.0.1:80x",
        "::1:9817",
        "[::1]",
        "[::1:9817",
        "[nope]:80",
        ":9817",
        "",
        "127.0.0.1:9817 ",
        " 127.0.0.1:9817",
        "127.0.0.1:0009817",
        "300.0.0.1:80",
        "[127.0.0.1]:80",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char text[200];
        struct sockaddr_storage addr;
        socklen_t len;
        assert_int_equal(config_listen_parse(bad[i], &addr, &len), -1);
        snprintf(text, sizeof text, COLLECTORS "listen = \"%s\";\n", bad[i]);
        expect_problem(text, 2, "is not an address and port; write an IP address and a port");
    }
    expect_problem(COLLECTORS "listen = 9817;\n", 2, "\"listen\" must be a string, not an integer");
    expect_problem(COLLECTORS "listen = [ \"127.0.0.1:9817\" ];\n", 2, "must be a string");
}

int main(void)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(tmpdir, sizeof tmpdir, "%s/test_config_listen.XXXXXX", base);
    if (!mkdtemp(tmpdir))
        return 1;
    snprintf(conf_path, sizeof conf_path, "%s/pejld.conf", tmpdir);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listen_absent_means_off),
        cmocka_unit_test(test_listen_ipv4_and_ipv6),
        cmocka_unit_test(test_listen_malformed),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    unlink(conf_path);
    rmdir(tmpdir);
    return failed;
}
