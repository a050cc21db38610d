/*
 * test_url.c — daemon/core/url.c: url_redact() shows scheme, host, port and the
 * first path segment of a URL and nothing else — not the user information,
 * the rest of the path, the query or the fragment — for well-formed URLs,
 * for URLs libcurl cannot parse and for strings that are no URL at all;
 * the secret of each case must not appear in what is shown. Also
 * url_check_scheme(): the schemes a config may name; url_redact_in(): a URL
 * quoted in a message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "url.h"

struct redaction {
    const char *url, *shown, *secret;
};

static void test_redact_well_formed(void **state)
{
    (void)state;
    static const struct redaction cases[] = {
        {"https://user:PASSWORD@hooks.example.org/pejl", "https://***@hooks.example.org/pejl",
         "PASSWORD"},
        {"https://TOKEN@hooks.example.org/", "https://***@hooks.example.org/", "TOKEN"},
        {"https://:PASSWORD@hooks.example.org", "https://***@hooks.example.org/", "PASSWORD"},
        {"https://hooks.slack.com/services/T000/B000/XXXXSECRET",
         "https://hooks.slack.com/services/***", "XXXXSECRET"},
        {"https://hooks.example.org/hook?token=SECRET&x=1", "https://hooks.example.org/hook?***",
         "SECRET"},
        {"https://hooks.example.org/a/SECRET/?q#frag", "https://hooks.example.org/a/***?***",
         "SECRET"},
        {"https://hooks.example.org/a#SECRET", "https://hooks.example.org/a", "SECRET"},
        {"http://u:SECRET@[::1]:9093/api/v2/alerts", "http://***@[::1]:9093/api/***", "SECRET"},
        {"smtp://pejl:SECRET@mail.example.org:587", "smtp://***@mail.example.org:587/", "SECRET"},
        {"https://user%40corp:SE%2FCRET@h.example.org/x", "https://***@h.example.org/x",
         "SE%2FCRET"},
        {"HTTPS://User:SECRET@Host.example.org/a/b", "https://***@Host.example.org/a/***",
         "SECRET"},
        {"file:///var/lib/pejl/data/ls.csv", "file:///var/lib/pejl/data/ls.csv", NULL},
        {"file:data/ls.csv", "file:data/ls.csv", NULL},
        {"exec:", "exec:", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[URL_SHOWN_MAX];
        url_redact(cases[i].url, out, sizeof out);
        if (strcmp(out, cases[i].shown) != 0)
            fail_msg("%s: shown as %s, not %s", cases[i].url, out, cases[i].shown);
        if (cases[i].secret && strstr(out, cases[i].secret))
            fail_msg("%s: %s shown", cases[i].url, cases[i].secret);
    }
}

/* What libcurl cannot parse shows as its scheme at most. */
static void test_redact_malformed(void **state)
{
    (void)state;
    static const struct redaction cases[] = {
        {"https://user:PA/SSWORD@hooks.example.org/x", "https:***", "PA"},
        {"https://user:PA?SS@hooks.example.org/x", "https:***", "PA"},
        {"https://user:PA#SS@hooks.example.org/x", "https:***", "PA"},
        {"https://user:PA SS@hooks.example.org/x", "https:***", "PA"},
        {"https://hooks.example.org/a b/SECRET", "https:***", "SECRET"},
        {"https://hooks.example.org/x\nSECRET", "https:***", "SECRET"},
        {"https://", "https:***", NULL},
        {"https://a@SECRET@h.example.org/x", "https:***", "SECRET"},
        {"user:SECRET@hooks.example.org/x", "user:***", "SECRET"},
        {"hooks.example.org/services/SECRET", "***", "SECRET"},
        {"//user:SECRET@hooks.example.org/x", "***", "SECRET"},
        {"", "***", NULL},
        {":SECRET", "***", "SECRET"},
        {"9http://SECRET", "***", "SECRET"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[URL_SHOWN_MAX];
        url_redact(cases[i].url, out, sizeof out);
        if (strcmp(out, cases[i].shown) != 0)
            fail_msg("%s: shown as %s, not %s", cases[i].url, out, cases[i].shown);
        if (cases[i].secret && strstr(out, cases[i].secret))
            fail_msg("%s: %s shown", cases[i].url, cases[i].secret);
    }
}

/* A small buffer cuts what is shown, never overruns; a long first segment too. */
static void test_redact_bounded(void **state)
{
    (void)state;
    char out[16], url[3000];
    memset(out, 'x', sizeof out);
    url_redact("https://user:SECRET@hooks.example.org/services/x", out, sizeof out);
    assert_string_equal(out, "https://***@hoo");
    snprintf(url, sizeof url, "https://h.example.org/%02000d/SECRET?SECRET", 7);
    char big[URL_SHOWN_MAX];
    url_redact(url, big, sizeof big);
    assert_int_equal(strlen(big), URL_SHOWN_MAX - 1);
    assert_null(strstr(big, "SECRET"));
    assert_ptr_equal(url_redact("https://h/", big, 0), big);
}

/* A message that quotes a URL (a collector's error) shows it redacted,
 * every time it appears, and stays within its buffer. */
static void test_redact_in_text(void **state)
{
    (void)state;
    const char *url = "http://user:SECRET@h.example.org/v1/KEY?k=SECRET";
    char text[200], small[40];
    snprintf(text, sizeof text, "%s answered HTTP 404 (%s)", url, url);
    url_redact_in(text, sizeof text, url);
    assert_string_equal(text, "http://***@h.example.org/v1/***?*** answered HTTP 404 "
                              "(http://***@h.example.org/v1/***?***)");
    snprintf(text, sizeof text, "x %s", url);
    url_redact_in(text, sizeof text, url);
    assert_string_equal(text, "x http://***@h.example.org/v1/***?***");
    snprintf(text, sizeof text, "no URL here");
    url_redact_in(text, sizeof text, url);
    assert_string_equal(text, "no URL here");
    url_redact_in(text, sizeof text, ""); /* an empty URL matches nothing */
    assert_string_equal(text, "no URL here");
    snprintf(small, sizeof small, "%s", "ab"); /* a shown URL longer than the quoted one */
    url_redact_in(small, sizeof small, "ab");
    assert_string_equal(small, "***");
    char tiny[3] = "ab"; /* what does not fit is cut at the end */
    url_redact_in(tiny, sizeof tiny, "ab");
    assert_string_equal(tiny, "**");
    char cut[8] = "a-b-a-b";
    url_redact_in(cut, sizeof cut, "a");
    assert_string_equal(cut, "***-b-*");
}

static void test_check_scheme(void **state)
{
    (void)state;
    static const char *const sources[] = {"https", "http", "file", NULL};
    char err[600];
    assert_int_equal(url_check_scheme("https://api.statbank.dk/v1", sources, err, sizeof err), 0);
    assert_int_equal(url_check_scheme("http://127.0.0.1/x", sources, err, sizeof err), 0);
    assert_int_equal(url_check_scheme("file:x.csv", sources, err, sizeof err), 0);
    assert_int_equal(url_check_scheme("ftp://user:SECRET@h/x", sources, err, sizeof err), -1);
    assert_string_equal(err, "\"ftp://***@h/x\": write https://, http:// or file:, not ftp:");
    assert_int_equal(url_check_scheme("HTTPS://h/x", sources, err, sizeof err), -1);
    assert_string_equal(err, "\"https://h/x\": write the scheme in lower case, https:");
    assert_int_equal(url_check_scheme("h.example.org/x", sources, err, sizeof err), -1);
    assert_string_equal(err, "\"***\" has no scheme; write https://, http:// or file:");
    assert_int_equal(url_check_scheme("httpsx://h/", sources, err, sizeof err), -1);
    assert_int_equal(url_check_scheme("http:", sources, err, sizeof err),
                     0); /* libcurl judges the rest */
    assert_true(url_has_scheme("file:x", "file"));
    assert_false(url_has_scheme("files:x", "file"));
    assert_false(url_has_scheme("FILE:x", "file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_redact_well_formed),
        cmocka_unit_test(test_redact_malformed),
        cmocka_unit_test(test_redact_bounded),
        cmocka_unit_test(test_redact_in_text),
        cmocka_unit_test(test_check_scheme),
    };
    return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
