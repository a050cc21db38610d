/*
 * test_notice.c — one alert rendered as an e-mail (RFC 5322 headers, CRLF,
 * RFC 2047 subject, UTF-8 text body, and the PNG graph beside it for
 * libcurl's MIME API to attach),
 * as Alertmanager's webhook JSON (version "4", compared in shape with a
 * real Alertmanager payload) and as Alertmanager's API v2 alert list.
 * Invalid UTF-8 in a summary must neither lose the notification nor the
 * summary.
 *
 * The alert, notice and receiver are built by hand; the graph is a small
 * file in a temp dir.
 */
#include <jansson.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "notice.h"
#include "tests/unit/unit_files.h"

#define NOW INT64_C(1795327200)       /* Sun, 22 Nov 2026 06:00:00 +0000 */
#define STARTS INT64_C(1794463200)    /* 2026-11-12T06:00:00Z */
#define SINCE INT64_C(1795068000)     /* 2026-11-19T06:00:00Z */
#define ENDS INT64_C(1795323600)      /* 2026-11-22T05:00:00Z */
#define FINGERPRINT "6d598f36e5fc322e"
#define HOST "pejl.example.net"

static const char summary_text[] = "ls_exports off track: 0.9 years behind the path to 350 mia. kr. "
                                   "(2030) \xe2\x80\x94 pejlem\xc3\xa6rke 5";

struct fixture {
    char *dir;
    struct alert alert, other;
    struct notice notice[2];
    struct receiver mail, hook;
    char *to[2];
    struct matcher match[2];
    struct route route;
};

/* ---- building ---- */

static void add_label(struct label_set *set, const char *name, const char *value)
{
    assert_true(set->n < ALERT_LABELS_MAX);
    snprintf(set->items[set->n].name, sizeof set->items[set->n].name, "%s", name);
    snprintf(set->items[set->n].value, sizeof set->items[set->n].value, "%s", value);
    set->n++;
}

static void set_label(struct label_set *set, const char *name, const char *value)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->items[i].name, name) == 0) {
            snprintf(set->items[i].value, sizeof set->items[i].value, "%s", value);
            return;
        }
    fail_msg("no label %s", name);
}

/* About 900 bytes of words, some of them not ASCII. */
static void long_description(char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    for (int i = 1; len < 880; i++)
        len += (size_t)snprintf(out + len, size - len,
                                "%sStep %d: 189 mia. kr. in 2024 against the path value 201 mia. kr.; "
                                "pejlem\xc3\xa6rke 5 lags.",
                                i > 1 ? " " : "", i);
    assert_true(len > 850 && len < 1000);
}

static void make_alert(struct alert *a)
{
    memset(a, 0, sizeof *a);
    snprintf(a->fingerprint, sizeof a->fingerprint, "%s", FINGERPRINT);
    snprintf(a->indicator, sizeof a->indicator, "ls_exports");
    snprintf(a->rule, sizeof a->rule, "progress");
    struct label_set labels = {0};
    add_label(&labels, "alertname", "pejl_progress");
    add_label(&labels, "indicator", "ls_exports");
    add_label(&labels, "pejlemaerke", "5");
    add_label(&labels, "rule", "progress");
    add_label(&labels, "severity", "critical");
    add_label(&labels, "target", "2030");
    assert_int_equal(alert_set_labels(a, &labels), 0); /* freed by teardown */
    a->state = a->pending = ALERT_CRITICAL;
    a->since = SINCE;
    a->starts_at = STARTS;
    a->evaluated_at = NOW;
    a->value = 0.9;
    snprintf(a->summary, sizeof a->summary, "%s", summary_text);
    static char description[ALERT_DESCRIPTION_MAX]; /* the same for every alert; never freed */
    long_description(description, sizeof description);
    a->description = description;
}

static void make_notice(struct notice *n, const struct alert *a)
{
    memset(n, 0, sizeof *n);
    n->alert = a;
    alert_label_set(a, &n->labels);
    n->state = a->state;
    n->starts_at = a->starts_at;
    n->language = LANGUAGE_EN;
    snprintf(n->title, sizeof n->title, "Life science-eksport");
    snprintf(n->target, sizeof n->target, "350 mia. kr. in 2030");
    snprintf(n->latest, sizeof n->latest, "2024: 189 mia. kr.");
    snprintf(n->source, sizeof n->source, "Life science-eksport (csv collector)");
    snprintf(n->graph_url, sizeof n->graph_url, "https://pejl.example.org/graphs/ls_exports.png");
    snprintf(n->generator_url, sizeof n->generator_url, "https://pejl.example.org/#ls_exports");
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->dir = unit_temp_dir("test_notice");
    make_alert(&f->alert);
    make_notice(&f->notice[0], &f->alert);
    /* The same alert's twin at another severity, for what a group has in common. */
    f->other = f->alert;
    struct label_set other;
    alert_label_set(&f->alert, &other);
    set_label(&other, "severity", "warning");
    f->other.labels = NULL; /* its own, not the alert's */
    assert_int_equal(alert_set_labels(&f->other, &other), 0);
    snprintf(f->other.fingerprint, sizeof f->other.fingerprint, "0123456789abcdef");
    f->other.state = ALERT_WARNING;
    snprintf(f->other.summary, sizeof f->other.summary, "ls_exports a little behind the path");
    make_notice(&f->notice[1], &f->other);
    f->to[0] = "ops@example.org";
    f->to[1] = "lead@example.org";
    f->mail = (struct receiver){.name = "ops-mail", .type = RECEIVER_EMAIL,
                                .url = "smtp://127.0.0.1:25", .from = "pejl@example.org",
                                .to = f->to, .n_to = 2};
    f->hook = (struct receiver){.name = "chat", .type = RECEIVER_WEBHOOK,
                                .url = "https://hooks.example.org/pejl"};
    f->match[0] = (struct matcher){.label = "pejlemaerke", .value = "5"};
    f->match[1] = (struct matcher){.label = "severity", .value = "critical"};
    f->route = (struct route){.match = f->match, .n_match = 2, .group_wait_s = 30,
                              .repeat_interval_s = 86400, .send_resolved = true};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    unit_remove_tree(f->dir);
    free(f->alert.labels);
    free(f->other.labels);
    free(f);
    return 0;
}

/* ---- reading an e-mail ---- */

static int b64_value(char c)
{
    const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *at = c ? strchr(alphabet, c) : NULL;
    return at ? (int)(at - alphabet) : -1;
}

/* Standard base64 with padding; CR and LF are skipped. Caller frees. */
static unsigned char *b64_decode(const char *text, size_t len, size_t *out_len)
{
    unsigned char *out = malloc(len / 4 * 3 + 3);
    unsigned bits = 0, nbits = 0;
    size_t n = 0;
    bool padding = false;
    assert_non_null(out);
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '\r' || c == '\n')
            continue;
        if (c == '=') {
            padding = true;
            continue;
        }
        int v = b64_value(c);
        if (v < 0 || padding)
            fail_msg("not base64 at %zu: 0x%02x", i, (unsigned char)c);
        bits = (bits << 6) | (unsigned)v;
        nbits += 6;
        if (nbits >= 8) {
            nbits -= 8;
            out[n++] = (unsigned char)(bits >> nbits);
            bits &= (1u << nbits) - 1;
        }
    }
    *out_len = n;
    return out;
}

/* Every line ends in CRLF, with no bare CR or LF, and is at most 998 bytes. */
static void assert_crlf_lines(const char *text, size_t len)
{
    size_t start = 0;
    assert_true(len >= 2);
    assert_memory_equal(text + len - 2, "\r\n", 2);
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\r') {
            if (i + 1 >= len || text[i + 1] != '\n')
                fail_msg("bare CR at byte %zu", i);
        } else if (text[i] == '\n') {
            if (i == 0 || text[i - 1] != '\r')
                fail_msg("bare LF at byte %zu", i);
            if (i - 1 - start > 998)
                fail_msg("line at byte %zu is %zu bytes long", start, i - 1 - start);
            start = i + 1;
        }
    }
    assert_int_equal(strlen(text), len); /* no NUL inside */
}

/* The header block, up to the blank line; caller frees. */
static char *header_block(const char *msg)
{
    const char *end = strstr(msg, "\r\n\r\n");
    assert_non_null(end);
    return strndup(msg, (size_t)(end - msg) + 2);
}

/* The header `name`'s value, unfolded (CRLF before white space removed);
 * NULL when absent. Caller frees. */
static char *header(const char *msg, const char *name)
{
    char *block = header_block(msg), *value = NULL;
    size_t name_len = strlen(name);
    for (char *line = block; *line;) {
        if (strncasecmp(line, name, name_len) == 0 && line[name_len] == ':') {
            const char *p = line + name_len + 1;
            while (*p == ' ')
                p++;
            value = calloc(1, strlen(p) + 1);
            assert_non_null(value);
            size_t n = 0;
            for (; *p; p++) {
                if (p[0] == '\r' && p[1] == '\n') {
                    if (p[2] != ' ' && p[2] != '\t')
                        break;
                    p++;
                    continue;
                }
                value[n++] = *p;
            }
            break;
        }
        char *next = strstr(line, "\r\n");
        line = next ? next + 2 : line + strlen(line);
    }
    free(block);
    return value;
}

static size_t count(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* `text` with every CRLF turned into a space: wrapped lines joined again. */
static char *joined(const char *text)
{
    char *out = strdup(text), *w = out;
    assert_non_null(out);
    for (const char *p = text; *p; p++) {
        if (p[0] == '\r' && p[1] == '\n') {
            *w++ = ' ';
            p++;
        } else {
            *w++ = *p;
        }
    }
    *w = '\0';
    return out;
}

/* The line of the body that starts with `prefix`; "" when none. */
static void body_line(const char *body, const char *prefix, char *out, size_t size)
{
    out[0] = '\0';
    for (const char *line = body; *line;) {
        const char *end = strstr(line, "\r\n");
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (strncmp(line, prefix, strlen(prefix)) == 0) {
            snprintf(out, size, "%.*s", (int)len, line);
            return;
        }
        line = end ? end + 2 : line + len;
    }
}

/* Decodes a Subject of RFC 2047 "B" words; every word at most 75 characters. */
static void decode_subject(const char *value, char *out, size_t size)
{
    size_t n = 0;
    const char *p = value;
    out[0] = '\0';
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        size_t word = strcspn(p, " \t");
        if (word > 75)
            fail_msg("encoded word of %zu characters: %.*s", word, (int)word, p);
        if (strncmp(p, "=?UTF-8?B?", 10) != 0 || word < 12 || strncmp(p + word - 2, "?=", 2) != 0)
            fail_msg("not an RFC 2047 B word: %.*s", (int)word, p);
        size_t len;
        unsigned char *bytes = b64_decode(p + 10, word - 12, &len);
        assert_true(n + len < size);
        memcpy(out + n, bytes, len);
        n += len;
        out[n] = '\0';
        free(bytes);
        p += word;
    }
}

/* The e-mail's text message (its graph, if any, is dropped). */
static char *render_email(const struct receiver *r, const struct notice *n, size_t *len)
{
    struct notice_mail mail;
    assert_int_equal(notice_email(r, n, NOW, HOST, &mail), 0);
    assert_non_null(mail.message);
    assert_crlf_lines(mail.message, mail.len);
    char *msg = mail.message;
    *len = mail.len;
    mail.message = NULL;
    notice_mail_free(&mail);
    return msg;
}

/* ---- e-mail ---- */

static void test_email_headers(void **state)
{
    struct fixture *f = *state;
    size_t len;
    char *msg = render_email(&f->mail, &f->notice[0], &len), *v;

    assert_non_null(strstr(msg, "Date: Sun, 22 Nov 2026 06:00:00 +0000\r\n"));
    assert_string_equal(v = header(msg, "Date"), "Sun, 22 Nov 2026 06:00:00 +0000");
    free(v);
    assert_string_equal(v = header(msg, "From"), "pejl@example.org");
    free(v);
    assert_string_equal(v = header(msg, "To"), "ops@example.org, lead@example.org");
    free(v);
    assert_string_equal(v = header(msg, "MIME-Version"), "1.0");
    free(v);
    assert_string_equal(v = header(msg, "Auto-Submitted"), "auto-generated");
    free(v);
    assert_string_equal(v = header(msg, "Precedence"), "bulk");
    free(v);
    assert_string_equal(v = header(msg, "Content-Type"), "text/plain; charset=UTF-8");
    free(v);
    assert_string_equal(v = header(msg, "Content-Transfer-Encoding"), "8bit");
    free(v);

    v = header(msg, "Message-ID");
    assert_non_null(v);
    assert_true(v[0] == '<' && v[strlen(v) - 1] == '>');
    assert_non_null(strstr(v, FINGERPRINT));
    assert_non_null(strstr(v, "@" HOST ">"));
    assert_int_equal(count(v, "@"), 1);
    assert_null(strpbrk(v, " \t"));
    free(v);

    /* Headers are ASCII; the subject is there in encoded words. */
    char *block = header_block(msg);
    for (const char *p = block; *p; p++)
        if ((unsigned char)*p >= 0x80)
            fail_msg("8-bit byte in the headers at %zu", (size_t)(p - block));
    free(block);

    char subject[ALERT_SUMMARY_MAX + 64], decoded[ALERT_SUMMARY_MAX + 64];
    notice_subject(&f->notice[0], subject, sizeof subject);
    assert_string_equal(subject, "[pejl] CRITICAL ls_exports off track: 0.9 years behind the path to "
                                 "350 mia. kr. (2030) \xe2\x80\x94 pejlem\xc3\xa6rke 5");
    v = header(msg, "Subject");
    assert_non_null(v);
    decode_subject(v, decoded, sizeof decoded);
    assert_string_equal(decoded, subject);
    free(v);
    free(msg);
}

/* RFC 2047 section 2: "each line of a header field that contains one or
 * more 'encoded-word's is limited to 76 characters". */
static void test_email_subject_lines_fit_rfc2047(void **state)
{
    struct fixture *f = *state;
    size_t len;
    char *msg = render_email(&f->mail, &f->notice[0], &len);
    char *block = header_block(msg);
    const char *line = strstr(block, "Subject:");
    char longest[1000] = "";
    assert_non_null(line);
    do {
        const char *end = strstr(line, "\r\n");
        size_t n = (size_t)(end - line);
        if (n > strlen(longest))
            snprintf(longest, sizeof longest, "%.*s", (int)n, line);
        line = end + 2;
    } while (*line == ' ' || *line == '\t');
    free(block);
    free(msg);
    if (strlen(longest) > 76)
        fail_msg("Subject line of %zu characters: %s", strlen(longest), longest);
}

/* A UTF-8 subject is encoded exactly as pejl encoded it before its base64
 * came from libcrypto (these lines are from tests/data/outbox, written by
 * pejl at 8a32058). */
static void test_email_utf8_subject_bytes_unchanged(void **state)
{
    struct fixture *f = *state;
    size_t len;
    snprintf(f->alert.summary, sizeof f->alert.summary,
             "Eksport: 189 mia. kr. \xe2\x80\x94 langt fra m\xc3\xa5let p\xc3\xa5 350 mia. kr.");
    char *msg = render_email(&f->mail, &f->notice[0], &len);
    assert_non_null(strstr(
        msg, "\r\nSubject: =?UTF-8?B?W3BlamxdIENSSVRJQ0FMIEVrc3BvcnQ6IDE4OSBtaWEuIGtyLiA=?=\r\n"
             " =?UTF-8?B?4oCUIGxhbmd0IGZyYSBtw6VsZXQgcMOlIDM1MCBtaWEuIGtyLg==?=\r\n"
             "Message-ID: "));
    free(msg);
}

static void test_email_ascii_subject_is_plain(void **state)
{
    struct fixture *f = *state;
    size_t len;
    snprintf(f->alert.summary, sizeof f->alert.summary, "ls_exports: no data for 400 days");
    char *msg = render_email(&f->mail, &f->notice[0], &len), *v;
    assert_non_null(strstr(msg, "\r\nSubject: [pejl] CRITICAL ls_exports: no data for 400 days\r\n"));
    assert_string_equal(v = header(msg, "Subject"), "[pejl] CRITICAL ls_exports: no data for 400 days");
    free(v);
    free(msg);
}

static void test_email_body(void **state)
{
    struct fixture *f = *state;
    size_t len;
    char line[512];
    char *msg = render_email(&f->mail, &f->notice[0], &len);
    const char *body = strstr(msg, "\r\n\r\n") + 4;
    char *text = joined(body);

    assert_non_null(strstr(text, summary_text));
    assert_non_null(strstr(text, f->alert.description));
    assert_non_null(strstr(body, FINGERPRINT));

    body_line(body, "Indicator:", line, sizeof line);
    assert_non_null(strstr(line, "Life science-eksport"));
    assert_non_null(strstr(line, "ls_exports"));
    body_line(body, "Pejlem\xc3\xa6rke:", line, sizeof line);
    assert_string_equal(line,
                        "Pejlem\xc3\xa6rke:  5"); /* 11 characters: padded to 12 like the others */
    body_line(body, "State:", line, sizeof line);
    assert_non_null(strstr(line, "CRITICAL"));
    assert_non_null(strstr(line, "2026-11-19T06:00:00Z")); /* since */
    assert_non_null(strstr(line, "2026-11-12T06:00:00Z")); /* firing since */
    body_line(body, "Rule:", line, sizeof line);
    assert_non_null(strstr(line, "progress"));
    assert_non_null(strstr(line, "2030"));
    body_line(body, "Target:", line, sizeof line);
    assert_non_null(strstr(line, "350 mia. kr. in 2030"));
    body_line(body, "Latest:", line, sizeof line);
    assert_non_null(strstr(line, "2024: 189 mia. kr."));
    body_line(body, "Source:", line, sizeof line);
    assert_non_null(strstr(line, "Life science-eksport (csv collector)"));
    body_line(body, "Graph:", line, sizeof line);
    assert_non_null(strstr(line, "https://pejl.example.org/graphs/ls_exports.png"));

    /* The description is wrapped at 76 characters, cut only between words. */
    const char *d = strstr(body, "Step 1:");
    assert_non_null(d);
    size_t lines = 0;
    for (const char *end; (end = strstr(d, "\r\n")) && end != d; d = end + 2, lines++)
        if ((size_t)(end - d) > 76)
            fail_msg("description line of %zu bytes", (size_t)(end - d));
    assert_true(lines >= 10);
    free(text);
    free(msg);
}

/* The graph goes beside the text message, byte for byte (libcurl makes
 * them one multipart message: see tests/integration/notify.sh); the text
 * says it is attached, and a text/plain message it stays. */
static void test_email_with_graph(void **state)
{
    struct fixture *f = *state;
    unsigned char png[300];
    static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    memcpy(png, signature, sizeof signature);
    for (size_t i = sizeof signature; i < sizeof png; i++)
        png[i] = (unsigned char)(i * 7);
    char *path = unit_path(f->dir, "ls_exports.png");
    unit_write_file(path, png, sizeof png, O_TRUNC);
    snprintf(f->notice[0].graph_path, sizeof f->notice[0].graph_path, "%s", path);
    f->mail.attach_graph = true;

    struct notice_mail mail;
    char line[512], *v;
    assert_int_equal(notice_email(&f->mail, &f->notice[0], NOW, HOST, &mail), 0);
    assert_crlf_lines(mail.message, mail.len);
    assert_null(strstr(mail.message, "multipart"));
    assert_string_equal(v = header(mail.message, "Content-Type"), "text/plain; charset=UTF-8");
    free(v);
    assert_string_equal(v = header(mail.message, "Content-Transfer-Encoding"), "8bit");
    free(v);
    body_line(strstr(mail.message, "\r\n\r\n") + 4, "Graph:", line, sizeof line);
    assert_string_equal(line, "Graph:       attached");
    assert_int_equal(mail.graph_len, sizeof png);
    assert_memory_equal(mail.graph, png, sizeof png);
    assert_string_equal(mail.graph_name, "ls_exports.png");
    notice_mail_free(&mail);

    /* attach_graph, but no graph: nothing attached, and the text says where it is. */
    f->notice[0].graph_path[0] = '\0';
    assert_int_equal(notice_email(&f->mail, &f->notice[0], NOW, HOST, &mail), 0);
    assert_null(mail.graph);
    assert_string_equal(mail.graph_name, "");
    body_line(strstr(mail.message, "\r\n\r\n") + 4, "Graph:", line, sizeof line);
    assert_null(strstr(line, "attached"));
    notice_mail_free(&mail);

    /* A graph that went away meanwhile: nothing attached as well. */
    snprintf(f->notice[0].graph_path, sizeof f->notice[0].graph_path, "%s/gone.png", f->dir);
    assert_int_equal(notice_email(&f->mail, &f->notice[0], NOW, HOST, &mail), 0);
    assert_null(mail.graph);
    notice_mail_free(&mail);
    free(path);
}

/* A receiver without attach_graph gets no attachment, so the body must not
 * claim one; it should point to the graph's URL instead. */
static void test_email_without_attach_graph_does_not_claim_attachment(void **state)
{
    struct fixture *f = *state;
    char *path = unit_path(f->dir, "ls_exports.png");
    unit_write_file(path, "\x89PNG\r\n\x1a\n....", 12, O_TRUNC);
    snprintf(f->notice[0].graph_path, sizeof f->notice[0].graph_path, "%s", path);
    f->mail.attach_graph = false;
    size_t len;
    char line[512];
    char *msg = render_email(&f->mail, &f->notice[0], &len);
    assert_null(strstr(msg, "multipart"));
    assert_null(strstr(msg, "image/png"));
    const char *body = strstr(msg, "\r\n\r\n") + 4;
    body_line(body, "Graph:", line, sizeof line);
    free(msg);
    free(path);
    if (strstr(line, "attached"))
        fail_msg("the body says \"%s\" but nothing is attached", line);
    assert_non_null(strstr(line, "https://pejl.example.org/graphs/ls_exports.png"));
}

static void test_email_resolved(void **state)
{
    struct fixture *f = *state;
    struct notice *n = &f->notice[0];
    n->resolved = true;
    n->state = ALERT_OK;
    n->ends_at = ENDS;
    char subject[ALERT_SUMMARY_MAX + 64], decoded[ALERT_SUMMARY_MAX + 64], line[512];
    notice_subject(n, subject, sizeof subject);
    assert_int_equal(strncmp(subject, "[pejl] RESOLVED ", 16), 0);
    assert_string_equal(subject + 16, summary_text);
    size_t len;
    char *msg = render_email(&f->mail, n, &len), *v = header(msg, "Subject");
    decode_subject(v, decoded, sizeof decoded);
    assert_string_equal(decoded, subject);
    free(v);
    body_line(strstr(msg, "\r\n\r\n") + 4, "State:", line, sizeof line);
    assert_non_null(strstr(line, "resolved"));
    assert_null(strstr(line, "CRITICAL"));
    /* Another episode's Message-ID differs from the firing one's. */
    char *resolved_id = header(msg, "Message-ID");
    free(msg);
    n->resolved = false;
    n->state = ALERT_CRITICAL;
    msg = render_email(&f->mail, n, &len);
    v = header(msg, "Message-ID");
    assert_string_not_equal(v, resolved_id);
    free(v);
    free(resolved_id);
    free(msg);
}

/* The same notice and `now` render to the same bytes. */
static void test_email_is_deterministic(void **state)
{
    struct fixture *f = *state;
    size_t len1, len2;
    char *a = render_email(&f->mail, &f->notice[0], &len1);
    char *b = render_email(&f->mail, &f->notice[0], &len2);
    assert_int_equal(len1, len2);
    assert_memory_equal(a, b, len1);
    free(a);
    free(b);
}

/* ---- webhook ---- */

static json_t *parse(const char *text, size_t len)
{
    json_error_t err;
    json_t *doc = json_loadb(text, len, 0, &err);
    if (!doc)
        fail_msg("not JSON: %s at %d: %s", err.text, err.position, text);
    return doc;
}

static const char *str(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("%s is not a string", key);
    return json_string_value(v);
}

static json_t *webhook(const struct fixture *f, size_t count_, const char *external_url)
{
    size_t len;
    char *text = notice_webhook(&f->hook, &f->route, f->notice, count_, external_url, &len);
    assert_non_null(text);
    assert_int_equal(strlen(text), len);
    json_t *doc = parse(text, len);
    free(text);
    return doc;
}

static void assert_labels_equal(const json_t *o, const struct label_set *set)
{
    assert_true(json_is_object(o));
    assert_int_equal(json_object_size(o), set->n);
    for (size_t i = 0; i < set->n; i++)
        assert_string_equal(str(o, set->items[i].name), set->items[i].value);
}

static void test_webhook_firing(void **state)
{
    struct fixture *f = *state;
    f->notice[1].graph_url[0] = '\0';
    json_t *doc = webhook(f, 2, "https://pejl.example.org/");
    assert_string_equal(str(doc, "version"), "4");
    assert_string_equal(str(doc, "status"), "firing");
    assert_string_equal(str(doc, "receiver"), "chat");
    const char *key = str(doc, "groupKey");
    assert_non_null(strstr(key, "pejlemaerke=\"5\""));
    assert_non_null(strstr(key, "severity=\"critical\""));
    assert_non_null(strstr(key, "chat"));
    assert_true(json_is_integer(json_object_get(doc, "truncatedAlerts")));
    assert_int_equal(json_integer_value(json_object_get(doc, "truncatedAlerts")), 0);
    assert_true(json_is_object(json_object_get(doc, "groupLabels")));
    assert_int_equal(json_object_size(json_object_get(doc, "groupLabels")), 0);
    assert_string_equal(str(doc, "externalURL"), "https://pejl.example.org/");

    /* What both alerts share: everything but severity … */
    json_t *common = json_object_get(doc, "commonLabels");
    assert_int_equal(json_object_size(common), 5);
    assert_string_equal(str(common, "alertname"), "pejl_progress");
    assert_string_equal(str(common, "indicator"), "ls_exports");
    assert_string_equal(str(common, "pejlemaerke"), "5");
    assert_string_equal(str(common, "rule"), "progress");
    assert_string_equal(str(common, "target"), "2030");
    assert_null(json_object_get(common, "severity"));
    /* … and every annotation but the summary and the graph. */
    json_t *notes = json_object_get(doc, "commonAnnotations");
    assert_int_equal(json_object_size(notes), 5);
    assert_string_equal(str(notes, "description"), f->alert.description);
    assert_string_equal(str(notes, "title"), "Life science-eksport");
    assert_string_equal(str(notes, "target"), "350 mia. kr. in 2030");
    assert_string_equal(str(notes, "latest"), "2024: 189 mia. kr.");
    assert_string_equal(str(notes, "source"), "Life science-eksport (csv collector)");
    assert_null(json_object_get(notes, "summary"));
    assert_null(json_object_get(notes, "graph"));

    json_t *alerts = json_object_get(doc, "alerts");
    assert_int_equal(json_array_size(alerts), 2);
    for (size_t i = 0; i < 2; i++) {
        json_t *a = json_array_get(alerts, i);
        assert_string_equal(str(a, "status"), "firing");
        assert_labels_equal(json_object_get(a, "labels"), &f->notice[i].labels);
        json_t *an = json_object_get(a, "annotations");
        assert_string_equal(str(an, "summary"), f->notice[i].alert->summary);
        assert_string_equal(str(an, "description"), f->alert.description);
        assert_string_equal(str(an, "title"), "Life science-eksport");
        assert_string_equal(str(an, "target"), "350 mia. kr. in 2030");
        assert_string_equal(str(an, "latest"), "2024: 189 mia. kr.");
        assert_string_equal(str(an, "source"), "Life science-eksport (csv collector)");
        assert_string_equal(str(a, "startsAt"), "2026-11-12T06:00:00Z");
        assert_string_equal(str(a, "endsAt"), "0001-01-01T00:00:00Z");
        assert_string_equal(str(a, "generatorURL"), "https://pejl.example.org/#ls_exports");
        assert_string_equal(str(a, "fingerprint"), f->notice[i].alert->fingerprint);
    }
    json_t *first = json_array_get(alerts, 0), *second = json_array_get(alerts, 1);
    assert_string_equal(str(json_object_get(first, "labels"), "severity"), "critical");
    assert_string_equal(str(json_object_get(second, "labels"), "severity"), "warning");
    assert_string_equal(str(json_object_get(first, "annotations"), "graph"),
                        "https://pejl.example.org/graphs/ls_exports.png");
    assert_null(json_object_get(json_object_get(second, "annotations"), "graph"));
    assert_string_equal(str(first, "fingerprint"), FINGERPRINT);
    json_decref(doc);
}

static void test_webhook_resolved(void **state)
{
    struct fixture *f = *state;
    for (size_t i = 0; i < 2; i++) {
        f->notice[i].resolved = true;
        f->notice[i].state = ALERT_OK;
        f->notice[i].ends_at = ENDS;
    }
    json_t *doc = webhook(f, 2, NULL);
    assert_string_equal(str(doc, "status"), "resolved");
    assert_string_equal(str(doc, "externalURL"), "");
    json_t *a;
    size_t i;
    json_array_foreach(json_object_get(doc, "alerts"), i, a) {
        assert_string_equal(str(a, "status"), "resolved");
        assert_string_equal(str(a, "startsAt"), "2026-11-12T06:00:00Z");
        assert_string_equal(str(a, "endsAt"), "2026-11-22T05:00:00Z");
    }
    json_decref(doc);

    /* One still firing: the group fires. */
    f->notice[1].resolved = false;
    f->notice[1].state = ALERT_WARNING;
    doc = webhook(f, 2, NULL);
    assert_string_equal(str(doc, "status"), "firing");
    assert_string_equal(str(json_array_get(json_object_get(doc, "alerts"), 0), "status"), "resolved");
    assert_string_equal(str(json_array_get(json_object_get(doc, "alerts"), 1), "status"), "firing");
    json_decref(doc);

    /* One alert: everything is common; without a route the key has no matchers. */
    size_t len;
    char *text = notice_webhook(&f->hook, NULL, f->notice, 1, NULL, &len);
    assert_non_null(text);
    doc = parse(text, len);
    free(text);
    assert_labels_equal(json_object_get(doc, "commonLabels"), &f->notice[0].labels);
    assert_non_null(strstr(str(doc, "groupKey"), "chat"));
    assert_int_equal(json_object_size(json_object_get(doc, "commonAnnotations")), 7);
    json_decref(doc);
}

/* Every member of a real Alertmanager payload, and of its alerts, is in ours
 * with the same JSON type. */
static void test_webhook_shape_matches_alertmanager(void **state)
{
    struct fixture *f = *state;
    json_error_t err;
    json_t *fixture = json_load_file(PEJL_TEST_DATA "/notify/webhook-v4-example.json", 0, &err);
    if (!fixture)
        fail_msg("fixture: %s", err.text);
    json_t *doc = webhook(f, 2, "https://pejl.example.org/"), *value;
    const char *key;
    json_object_foreach(fixture, key, value) {
        json_t *ours = json_object_get(doc, key);
        if (!ours)
            fail_msg("no %s in our payload", key);
        assert_int_equal(json_typeof(ours), json_typeof(value));
    }
    json_t *their_alert = json_array_get(json_object_get(fixture, "alerts"), 0);
    json_t *our_alert = json_array_get(json_object_get(doc, "alerts"), 0);
    json_object_foreach(their_alert, key, value) {
        json_t *ours = json_object_get(our_alert, key);
        if (!ours)
            fail_msg("no %s in our alert", key);
        assert_int_equal(json_typeof(ours), json_typeof(value));
    }
    /* Label and annotation values are strings, as Alertmanager's are. */
    json_object_foreach(json_object_get(our_alert, "labels"), key, value)
        assert_true(json_is_string(value));
    json_object_foreach(json_object_get(our_alert, "annotations"), key, value)
        assert_true(json_is_string(value));
    json_decref(doc);
    json_decref(fixture);
}

/* ---- Alertmanager API v2 ---- */

static void test_alertmanager_v2(void **state)
{
    struct fixture *f = *state;
    f->notice[1].resolved = true;
    f->notice[1].state = ALERT_OK;
    f->notice[1].ends_at = ENDS;
    f->notice[1].generator_url[0] = '\0';
    size_t len;
    char *text = notice_alertmanager(f->notice, 2, NOW + 3600, &len);
    assert_non_null(text);
    assert_int_equal(strlen(text), len);
    json_t *doc = parse(text, len);
    free(text);
    assert_true(json_is_array(doc));
    assert_int_equal(json_array_size(doc), 2);
    json_t *firing = json_array_get(doc, 0), *resolved = json_array_get(doc, 1), *value;
    const char *key;
    for (size_t i = 0; i < 2; i++) {
        json_t *a = json_array_get(doc, i);
        assert_labels_equal(json_object_get(a, "labels"), &f->notice[i].labels);
        json_t *an = json_object_get(a, "annotations");
        assert_true(json_is_object(an));
        assert_string_equal(str(an, "summary"), f->notice[i].alert->summary);
        assert_string_equal(str(an, "title"), "Life science-eksport");
        assert_string_equal(str(a, "startsAt"), "2026-11-12T06:00:00Z");
        /* only what POST /api/v2/alerts takes */
        json_object_foreach(a, key, value)
            if (strcmp(key, "labels") && strcmp(key, "annotations") && strcmp(key, "startsAt") &&
                strcmp(key, "endsAt") && strcmp(key, "generatorURL"))
                fail_msg("unexpected member %s", key);
    }
    assert_string_equal(str(firing, "endsAt"), "2026-11-22T07:00:00Z"); /* ends_by */
    assert_string_equal(str(resolved, "endsAt"), "2026-11-22T05:00:00Z"); /* ends_at */
    assert_string_equal(str(firing, "generatorURL"), "https://pejl.example.org/#ls_exports");
    assert_null(json_object_get(resolved, "generatorURL"));
    json_decref(doc);

    text = notice_alertmanager(f->notice, 0, NOW, &len);
    assert_non_null(text);
    assert_string_equal(text, "[]");
    free(text);
}

/* ---- invalid UTF-8 ---- */

/* A summary cut in the middle of "æ": the notification still goes out,
 * summary and all (alert.c scrubs its own summaries, but the renderer
 * must not depend on every caller doing so). */
static void test_invalid_utf8_summary_webhook(void **state)
{
    struct fixture *f = *state;
    snprintf(f->alert.summary, sizeof f->alert.summary, "ls_exports off track \xe2\x80\x94 pejlem\xc3");
    size_t len;
    char *text = notice_webhook(&f->hook, &f->route, f->notice, 1, NULL, &len);
    assert_non_null(text);
    json_t *doc = parse(text, len);
    free(text);
    json_t *an = json_object_get(json_array_get(json_object_get(doc, "alerts"), 0), "annotations");
    json_t *summary = json_object_get(an, "summary");
    bool kept = json_is_string(summary) &&
                strncmp(json_string_value(summary), "ls_exports off track \xe2\x80\x94 pejlem", 28) == 0;
    json_decref(doc);
    if (!kept)
        fail_msg("the summary with invalid UTF-8 was dropped from the webhook alert");
}

static void test_invalid_utf8_summary_alertmanager(void **state)
{
    struct fixture *f = *state;
    snprintf(f->alert.summary, sizeof f->alert.summary, "ls_exports off track \xe2\x80\x94 pejlem\xc3");
    size_t len;
    char *text = notice_alertmanager(f->notice, 1, NOW, &len);
    assert_non_null(text);
    json_t *doc = parse(text, len);
    free(text);
    json_t *summary = json_object_get(json_object_get(json_array_get(doc, 0), "annotations"), "summary");
    bool kept = json_is_string(summary);
    json_decref(doc);
    if (!kept)
        fail_msg("the summary with invalid UTF-8 was dropped from the Alertmanager alert");
}

static void test_invalid_utf8_summary_email(void **state)
{
    struct fixture *f = *state;
    snprintf(f->alert.summary, sizeof f->alert.summary, "ls_exports off track \xe2\x80\x94 pejlem\xc3");
    size_t len;
    char *msg = render_email(&f->mail, &f->notice[0], &len);
    char *v = header(msg, "Subject");
    assert_non_null(v);
    free(v);
    assert_non_null(strstr(msg, "ls_exports off track"));
    free(msg);
}

/* A long run of stray continuation bytes: notice_email must come back (in
 * a child process, so a hang fails the test instead of stalling the run). */
static void test_invalid_utf8_run_email_returns(void **state)
{
    struct fixture *f = *state;
    memset(f->alert.summary, 0, sizeof f->alert.summary);
    f->alert.summary[0] = 'x';
    memset(f->alert.summary + 1, 0x80, 60);
    fflush(NULL);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        alarm(1);
        struct notice_mail mail;
        _exit(notice_email(&f->mail, &f->notice[0], NOW, HOST, &mail) == 0 ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(child, &status, 0), child);
    if (WIFSIGNALED(status))
        fail_msg("notice_email did not return: signal %d (SIGALRM is %d)", WTERMSIG(status), SIGALRM);
    if (WEXITSTATUS(status) != 0)
        fail_msg("notice_email failed");
}

/* group = true: one message for the group, each alert's facts in turn. */
static void test_email_group(void **state)
{
    struct fixture *f = *state;
    struct notice_mail mail;
    f->mail.attach_graph = true; /* a group's graphs are linked all the same */
    assert_int_equal(notice_email_group(&f->mail, f->notice, 2, "[pejl] two alerts (+1)",
                                        "aaaaaaaaaaaaaaaa,bbbbbbbbbbbbbbbb,cccccccccccccccc,"
                                        "dddddddddddddddd,eeeeeeeeeeeeeeee",
                                        NOW, HOST, &mail),
                     0);
    assert_null(mail.graph);
    assert_crlf_lines(mail.message, mail.len);
    char *v;
    assert_string_equal(v = header(mail.message, "Subject"), "[pejl] two alerts (+1)");
    free(v);
    assert_string_equal(v = header(mail.message, "X-Pejl-Fingerprint"),
                        "aaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbb, cccccccccccccccc, dddddddddddddddd, "
                        "eeeeeeeeeeeeeeee");
    free(v);
    assert_string_equal(v = header(mail.message, "Auto-Submitted"), "auto-generated");
    free(v);
    assert_non_null(strstr(mail.message, ",\r\n eeeeeeeeeeeeeeee\r\n")); /* folded after four */
    const char *body = strstr(mail.message, "\r\n\r\n");
    assert_non_null(body);
    assert_non_null(strstr(body, "2 alerts, grouped by their route:\r\n"));
    const char *first = strstr(body, "-- 1 of 2 --"), *second = strstr(body, "-- 2 of 2 --");
    assert_non_null(first);
    assert_non_null(second);
    assert_true(first < second);
    char head[2][21]; /* the summaries wrap: their first words */
    snprintf(head[0], sizeof head[0], "%.20s", f->notice[0].alert->summary);
    snprintf(head[1], sizeof head[1], "%.20s", f->notice[1].alert->summary);
    assert_string_not_equal(head[0], head[1]);
    assert_non_null(strstr(first, head[0]));
    assert_true(strstr(first, head[0]) < second);
    assert_non_null(strstr(second, head[1]));
    assert_null(strstr(body, "Graph:       attached"));
    notice_mail_free(&mail);
}

/* ---- in Danish (language = "da") ---- */

/* What the rule writes in Danish for this alert (test_rule.c checks that). */
static const char danish_summary[] =
    "ls_exports ikke p\xc3\xa5 sporet: 0,9 \xc3\xa5r bag stien mod 350 mia. kr. (2030)";

static void make_danish(struct fixture *f)
{
    snprintf(f->alert.summary, sizeof f->alert.summary, "%s", danish_summary);
    f->alert.description = "Stiens v\xc3\xa6rdi 201,5 (afvigelse \xe2\x88\x92"
                           "6,2 %).";
    for (int i = 0; i < 2; i++)
        f->notice[i].language = LANGUAGE_DA;
    snprintf(f->notice[0].target, sizeof f->notice[0].target, "350 mia. kr. i 2030 (fra 2023)");
    snprintf(f->notice[0].latest, sizeof f->notice[0].latest, "2024: 63.000 personer");
}

static void expect_line(const char *body, const char *prefix, const char *whole)
{
    char line[512];
    body_line(body, prefix, line, sizeof line);
    assert_string_equal(line, whole);
}

/* The subject, the facts and their dates in Danish; the headers programs
 * read (Date, Message-ID, X-Pejl-Fingerprint) as in English. */
static void test_email_danish(void **state)
{
    struct fixture *f = *state;
    size_t len;
    char *english = render_email(&f->mail, &f->notice[0], &len);
    make_danish(f);
    char subject[ALERT_SUMMARY_MAX + 64], decoded[ALERT_SUMMARY_MAX + 64];
    notice_subject(&f->notice[0], subject, sizeof subject);
    assert_string_equal(subject,
                        "[pejl] KRITISK ls_exports ikke p\xc3\xa5 sporet: 0,9 \xc3\xa5r bag "
                        "stien mod 350 mia. kr. (2030)");
    char *msg = render_email(&f->mail, &f->notice[0], &len), *v = header(msg, "Subject");
    decode_subject(v, decoded, sizeof decoded);
    assert_string_equal(decoded, subject);
    free(v);
    const char *same[] = {"Date", "Message-ID", "X-Pejl-Fingerprint", "Auto-Submitted"};
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        char *da = header(msg, same[i]), *en = header(english, same[i]);
        assert_string_equal(da, en);
        free(da), free(en);
    }
    assert_string_equal(v = header(msg, "Date"), "Sun, 22 Nov 2026 06:00:00 +0000");
    free(v);
    const char *body = strstr(msg, "\r\n\r\n") + 4;
    assert_int_equal(strncmp(body, danish_summary, strlen("ls_exports ikke p\xc3\xa5 sporet: 0,9")),
                     0);
    expect_line(body, "Indikator:", "Indikator:   Life science-eksport (ls_exports)");
    expect_line(body, "Pejlem\xc3\xa6rke:", "Pejlem\xc3\xa6rke:  5");
    expect_line(body, "Regel:", "Regel:       progress, m\xc3\xa5l 2030");
    expect_line(body, "Tilstand:",
                "Tilstand:    KRITISK siden 19. november 2026 kl. 06.00 UTC, "
                "aktiv siden 12. november 2026 kl. 06.00 UTC");
    expect_line(body, "Seneste:", "Seneste:     2024: 63.000 personer");
    expect_line(body, "M\xc3\xa5l:", "M\xc3\xa5l:         350 mia. kr. i 2030 (fra 2023)");
    expect_line(body, "Kilde:", "Kilde:       Life science-eksport (csv collector)");
    expect_line(body, "Graf:", "Graf:        https://pejl.example.org/graphs/ls_exports.png");
    expect_line(body, "Stiens",
                "Stiens v\xc3\xa6rdi 201,5 (afvigelse \xe2\x88\x92"
                "6,2 %).");
    expect_line(body, "Fingeraftryk", "Fingeraftryk " FINGERPRINT ".");
    const char *english_words[] = {"Indicator:", "State:", "since", "Fingerprint", "2026-11"};
    for (size_t i = 0; i < sizeof english_words / sizeof *english_words; i++)
        if (strstr(body, english_words[i]))
            fail_msg("\"%s\" in a Danish mail: %s", english_words[i], body);
    free(msg);
    free(english);
}

static void test_email_danish_resolved_and_group(void **state)
{
    struct fixture *f = *state;
    struct notice_mail mail;
    size_t len;
    make_danish(f);
    struct notice *n = &f->notice[0];
    n->resolved = true, n->state = ALERT_OK, n->ends_at = ENDS;
    char subject[ALERT_SUMMARY_MAX + 64];
    notice_subject(n, subject, sizeof subject);
    assert_string_equal(subject + strlen("[pejl] L\xc3\x98ST "), danish_summary);
    assert_int_equal(strncmp(subject, "[pejl] L\xc3\x98ST ", 13), 0);
    char *msg = render_email(&f->mail, n, &len);
    expect_line(strstr(msg, "\r\n\r\n") + 4,
                "Tilstand:", "Tilstand:    l\xc3\xb8st siden 19. november 2026 kl. 06.00 UTC");
    char *id = header(msg, "Message-ID");
    assert_non_null(strstr(id, ".RESOLVED.")); /* the Message-ID's stem stays as programs read it */
    free(id);
    free(msg);
    n->resolved = false, n->state = ALERT_CRITICAL;
    assert_int_equal(notice_email_group(&f->mail, f->notice, 2, "[pejl] to alarmer (+1)",
                                        FINGERPRINT ",0123456789abcdef", NOW, HOST, &mail),
                     0);
    const char *body = strstr(mail.message, "\r\n\r\n") + 4;
    assert_int_equal(
        strncmp(body, "2 alarmer, samlet efter deres rute:\r\n  KRITISK ls_exports", 57), 0);
    assert_non_null(strstr(body, "\r\n  ADVARSEL ls_exports a little behind the path\r\n"));
    assert_non_null(strstr(body, "\r\n-- 1 af 2 --\r\n"));
    assert_non_null(strstr(body, "\r\n-- 2 af 2 --\r\n"));
    notice_mail_free(&mail);
}

#define TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_email_headers),
        TEST(test_email_subject_lines_fit_rfc2047),
        TEST(test_email_utf8_subject_bytes_unchanged),
        TEST(test_email_ascii_subject_is_plain),
        TEST(test_email_body),
        TEST(test_email_with_graph),
        TEST(test_email_without_attach_graph_does_not_claim_attachment),
        TEST(test_email_resolved),
        TEST(test_email_is_deterministic),
        TEST(test_email_group),
        TEST(test_email_danish),
        TEST(test_email_danish_resolved_and_group),
        TEST(test_webhook_firing),
        TEST(test_webhook_resolved),
        TEST(test_webhook_shape_matches_alertmanager),
        TEST(test_alertmanager_v2),
        TEST(test_invalid_utf8_summary_webhook),
        TEST(test_invalid_utf8_summary_alertmanager),
        TEST(test_invalid_utf8_summary_email),
        TEST(test_invalid_utf8_run_email_returns),
    };
    int failed = cmocka_run_group_tests_name("notice", tests, NULL, NULL);
    unit_remove_temp_dirs("test_notice");
    return failed;
}
