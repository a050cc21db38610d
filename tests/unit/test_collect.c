/*
 * test_collect.c — one collection as pejld runs it (daemon/collect/collect.c): a
 * real loop and HTTP engine fetch a file:// JSON-stat panel made at test
 * time, the jsonstat collector from the build tree decodes it, and the
 * collection is accepted or refused whole. Here: the cap on panel members
 * (max_members), which keeps a source from making an RRD file per key it
 * likes, and the cost of interning thousands of members.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "collect.h"
#include "config.h"
#include "loop.h"
#include "pejld.h"
#include "tests/unit/unit_files.h"

struct run {
    struct loop *loop;
    bool failed;
    size_t n_obs, n_members;
    char error[1024];
};

static void on_done(struct collection *c, void *arg)
{
    struct run *r = arg;
    r->failed = c->failed;
    r->n_obs = c->n;
    r->n_members = c->n_members;
    snprintf(r->error, sizeof r->error, "%s", c->error);
    collect_free(c);
    loop_stop(r->loop);
}

/* A JSON-stat panel of `n` geo codes G0… (or codes[0..n), JSON-escaped)
 * with one value each for 2023. */
static void write_panel(const char *path, size_t n, const char *const *codes)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "{\"class\":\"dataset\",\"id\":[\"geo\",\"time\"],\"size\":[%zu,1],\"value\":[", n);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%zu", i ? "," : "", i);
    fprintf(f, "],\"dimension\":{\"time\":{\"category\":{\"index\":[\"2023\"]}},"
               "\"geo\":{\"category\":{\"index\":[");
    for (size_t i = 0; i < n; i++)
        if (codes)
            fprintf(f, "%s\"%s\"", i ? "," : "", codes[i]);
        else
            fprintf(f, "%s\"G%zu\"", i ? "," : "", i);
    fprintf(f, "]}}}}");
    assert_int_equal(fclose(f), 0);
}

/* Collects indicator "panel" of a config whose indicator block ends in
 * `extra`, over a panel of `n` members (G0…, or `codes`). */
static struct run collect_codes(size_t n, const char *extra, const char *const *codes)
{
    char *dir = unit_temp_dir("collect");
    char *data = unit_path(dir, "panel.json"), *conf = unit_path(dir, "pejld.conf");
    write_panel(data, n, codes);
    FILE *f = fopen(conf, "w");
    assert_non_null(f);
    fprintf(f,
            "collector_dir = \"%s/lib/pejl/collectors\";\n"
            "indicators = ( { id = \"panel\"; title = \"P\"; frequency = \"annual\"; %s\n"
            "  source = { collector = \"jsonstat\"; url = \"file:panel.json\"; panel = \"geo\"; }; "
            "} );\n",
            PEJL_BUILD_DIR, extra);
    assert_int_equal(fclose(f), 0);
    struct pejl_diag diag = {0};
    struct config *config = config_load(conf, NULL, &diag);
    diag_print(&diag, stderr);
    assert_non_null(config);
    struct run r = {.loop = loop_new()};
    struct fetcher fetcher = {
        .loop = r.loop, .exec_timeout_ms = 5000, .max_bytes = config->http.max_bytes};
    fetcher.http = http_new(r.loop, &config->http);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct collect_settings settings = pejld_collect_settings(config);
    assert_non_null(collect_start(&fetcher, &settings, config_find(config, "panel"), on_done, &r));
    loop_run(r.loop);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stderr, "  %zu members: %.3f s: %s\n", n,
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
            r.failed ? r.error : "accepted");
    http_free(fetcher.http);
    loop_free(r.loop);
    config_unref(config);
    diag_free(&diag);
    unit_remove_tree(dir);
    free(data);
    free(conf);
    return r;
}

static struct run collect_panel(size_t n, const char *extra)
{
    return collect_codes(n, extra, NULL);
}

#define OVER_300 "more than 300 panel members in one collection"

static void test_members_up_to_the_cap(void **state)
{
    (void)state;
    struct run r = collect_panel(300, "");
    assert_false(r.failed);
    assert_int_equal(r.n_obs, 300);
    assert_int_equal(r.n_members, 300);
}

/* One member too many refuses the whole collection, naming the limit and
 * the key that raises it. */
static void test_members_over_the_cap(void **state)
{
    (void)state;
    struct run r = collect_panel(301, "");
    assert_true(r.failed);
    assert_string_equal(r.error,
                        OVER_300 " (max_members = 300: an RRD file each); if the source "
                                 "really has that many, raise max_members of the indicator");
}

/* max_members raises the cap; 20,000 members are interned without a
 * linear search each (it took 20 s of the loop). */
static void test_many_members_when_allowed(void **state)
{
    (void)state;
    struct run r = collect_panel(20000, "max_members = 20000;");
    assert_false(r.failed);
    assert_int_equal(r.n_members, 20000);
    r = collect_panel(20001, "max_members = 20000;");
    assert_true(r.failed);
    assert_non_null(strstr(r.error, "more than 20000 panel members"));
}

#define C16 "CCCCCCCCCCCCCCCC"

/* Real category codes are members: any UTF-8 code of 1..64 bytes without
 * whitespace or control characters. */
static void test_real_codes_are_members(void **state)
{
    (void)state;
    const char *const codes[] = {"M+K",      "D+E", "K64.2", "../x",         "PC_EU27_2020_MEUR_CP",
                                 "K\u00d8N", "A,B", "\\\"%", C16 C16 C16 C16};
    struct run r = collect_codes(9, "", codes);
    assert_false(r.failed);
    assert_int_equal(r.n_members, 9);
}

/* A code too long, or holding a space or a control character, is no
 * member: the collection is refused, naming it. */
static void test_bad_codes_refused(void **state)
{
    (void)state;
    const char *const bad[] = {C16 C16 C16 C16 "C", "a b",      "a\\tb",   "\\u007f",
                               "x\\u0085",          "\\u00a0x", "x\\u3000"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *codes[] = {"DK", bad[i]};
        struct run r = collect_codes(2, "", codes);
        assert_true(r.failed);
        assert_non_null(strstr(r.error, "panel member"));
    }
}

static void test_member_key_valid(void **state)
{
    (void)state;
    assert_true(collect_member_key_valid("M+K"));
    assert_true(collect_member_key_valid("K64.2"));
    assert_true(collect_member_key_valid("KØBENHAVN"));
    assert_true(collect_member_key_valid(C16 C16 C16 C16));
    assert_false(collect_member_key_valid(C16 C16 C16 C16 "C"));
    assert_false(collect_member_key_valid(""));
    assert_false(collect_member_key_valid("a b"));
    assert_false(collect_member_key_valid("a\tb"));
    assert_false(collect_member_key_valid("\x7f"));
    assert_false(collect_member_key_valid("\xc2\x85")); /* U+0085, a C1 control */
    assert_false(collect_member_key_valid("\xff"));     /* not UTF-8 */
    assert_false(collect_member_key_valid("\xc0\xae")); /* an overlong '.' */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_members_up_to_the_cap),
        cmocka_unit_test(test_members_over_the_cap),
        cmocka_unit_test(test_many_members_when_allowed),
        cmocka_unit_test(test_real_codes_are_members),
        cmocka_unit_test(test_bad_codes_refused),
        cmocka_unit_test(test_member_key_valid),
    };
    return cmocka_run_group_tests_name("collect", tests, NULL, NULL);
}
