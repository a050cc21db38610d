/*
 * test_notify_config.c — receivers, routes, outbox and external_url in
 * pejld.conf (daemon/settings/config_notify.c): a valid config with every kind of
 * receiver is read field by field, with its defaults; every class of
 * mistake is reported with the file, the line and a message that says
 * what to write; plain text to another host, receiver URLs in a scheme
 * that does not fit (or in upper case, or with none) and secret files that
 * others can read, or that are FIFOs, links, directories or too big, are
 * refused. Also config_route_matches() and url_host_is_loopback().
 *
 * Each case writes a config file (and its secret files) into a temp dir;
 * the collectors come from the build tree (PEJL_BUILD_DIR/lib/pejl/collectors).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "config_problems.h"

/* Lines 1 and 2: the collectors and one indicator; what a case adds starts on line 3. */
#define BASE                                                                                   \
    COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\"; " CSV_SOURCE \
               " } );\n"
/* An alertmanager receiver on line 3 for the route cases. */
#define AM_RECEIVER "receivers = ( { name = \"am\"; type = \"alertmanager\"; url = \"http://127.0.0.1:9093\"; } );\n"
#define WEBHOOK(rest) "receivers = ( { name = \"chat\"; type = \"webhook\"; url = \"https://hooks.example.org/pejl\";\n" rest " } );\n"
#define EMAIL(url, rest)                                                                        \
    "receivers = ( { name = \"mail\"; type = \"email\"; url = \"" url "\";\n"                 \
    "  from = \"pejl@example.org\"; to = [ \"ops@example.org\" ];\n" rest " } );\n"

/* A file next to the config, with `mode`. */
static void write_side_file(const char *name, const char *text, mode_t mode)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    unlink(path);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

static void remove_side_file(const char *name)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    unlink(path);
}

/* Loads `text` and asserts it is accepted; the caller unrefs. */
static struct config *load_ok(const char *text)
{
    struct pejl_diag diag = {0};
    write_config(text);
    struct config *c = config_load(conf_path, NULL, &diag);
    diag_print(&diag, stderr);
    assert_int_equal(diag.n, 0);
    assert_non_null(c);
    diag_free(&diag);
    return c;
}

static const struct receiver *receiver_named(const struct config *c, const char *name)
{
    for (size_t i = 0; i < c->n_receivers; i++)
        if (strcmp(c->receivers[i].name, name) == 0)
            return &c->receivers[i];
    fail_msg("no receiver %s", name);
    return NULL;
}

/* ---- a valid config ---- */

static void test_valid_notifications_load(void **state)
{
    (void)state;
    write_side_file("smtp.cred", "pejl-user:pa:ss word\n", 0600);
    write_side_file("webhook.secret", "s3cr3t-key\n", 0600);
    struct config *c = load_ok(
        BASE
        "external_url = \"https://pejl.example.org/\";\n"                                     /* 3 */
        "receivers = (\n"                                                                       /* 4 */
        " { name = \"ops-mail\"; type = \"email\"; url = \"smtp://127.0.0.1:25\";\n"            /* 5 */
        "   from = \"pejl@example.org\"; to = [ \"ops@example.org\", \"lead@example.org\" ];\n" /* 6 */
        "   attach_graph = true; credentials_file = \"smtp.cred\"; },\n"                       /* 7 */
        " { name = \"relay\"; type = \"email\"; url = \"smtp://mail.example.org:587\";\n"       /* 8 */
        "   from = \"pejl@example.org\"; to = [ \"ops@example.org\" ]; },\n"                    /* 9 */
        " { name = \"chat\"; type = \"webhook\"; url = \"https://hooks.example.org/pejl\";\n"   /* 10 */
        "   secret_file = \"webhook.secret\"; headers = { X-Team = \"analysis\"; X-Env = \"prod\"; }; },\n"
        " { name = \"am\"; type = \"alertmanager\"; url = \"http://127.0.0.1:9093\";\n"        /* 12 */
        "   resend_interval = \"30m\"; } );\n"                                                  /* 13 */
        "routes = (\n"                                                                          /* 14 */
        " { receivers = [ \"ops-mail\", \"chat\" ];\n"                                          /* 15 */
        "   match = { severity = \"critical\"; pejlemaerke = 5; }; },\n"                       /* 16 */
        " { receivers = [ \"am\" ]; group_wait = \"1m\"; repeat_interval = \"2h\";\n"          /* 17 */
        "   send_resolved = false; } );\n");                                                    /* 18 */

    assert_string_equal(c->external_url, "https://pejl.example.org/");
    assert_int_equal(c->n_receivers, 4);

    const struct receiver *mail = &c->receivers[0];
    assert_ptr_equal(mail, receiver_named(c, "ops-mail"));
    assert_int_equal(mail->type, RECEIVER_EMAIL);
    assert_string_equal(receiver_type_name(mail->type), "email");
    assert_string_equal(mail->url, "smtp://127.0.0.1:25");
    assert_false(mail->starttls); /* loopback: no STARTTLS unless asked */
    assert_false(mail->insecure_plaintext);
    assert_string_equal(mail->from, "pejl@example.org");
    assert_int_equal(mail->n_to, 2);
    assert_string_equal(mail->to[0], "ops@example.org");
    assert_string_equal(mail->to[1], "lead@example.org");
    assert_true(mail->attach_graph);
    assert_string_equal(mail->username, "pejl-user"); /* split at the first colon */
    assert_string_equal(mail->password, "pa:ss word");
    assert_null(mail->secret);
    assert_int_equal(mail->n_headers, 0);
    assert_int_equal(mail->line, 5);

    const struct receiver *relay = receiver_named(c, "relay");
    assert_int_equal(relay->type, RECEIVER_EMAIL);
    assert_true(relay->starttls); /* another host: STARTTLS by default */
    assert_false(relay->attach_graph);
    assert_null(relay->username);
    assert_null(relay->password);
    assert_int_equal(relay->n_to, 1);

    const struct receiver *chat = receiver_named(c, "chat");
    assert_int_equal(chat->type, RECEIVER_WEBHOOK);
    assert_string_equal(receiver_type_name(chat->type), "webhook");
    assert_string_equal(chat->url, "https://hooks.example.org/pejl");
    assert_true(chat->starttls); /* the default for a URL off this machine, whatever the type */
    assert_int_equal(chat->secret_len, strlen("s3cr3t-key"));
    assert_memory_equal(chat->secret, "s3cr3t-key", chat->secret_len); /* newline stripped */
    assert_int_equal(chat->n_headers, 2);
    assert_string_equal(chat->headers[0].name, "X-Team");
    assert_string_equal(chat->headers[0].value, "analysis");
    assert_string_equal(chat->headers[1].name, "X-Env");
    assert_string_equal(chat->headers[1].value, "prod");
    assert_null(chat->from);
    assert_int_equal(chat->n_to, 0);
    assert_null(chat->username);

    const struct receiver *am = receiver_named(c, "am");
    assert_int_equal(am->type, RECEIVER_ALERTMANAGER);
    assert_string_equal(receiver_type_name(am->type), "alertmanager");
    assert_string_equal(am->url, "http://127.0.0.1:9093");
    assert_false(am->starttls);
    assert_int_equal(am->resend_s, 1800);
    assert_null(am->secret);
    assert_int_equal(am->line, 12);
    assert_int_equal(relay->resend_s, 3600); /* the default */

    assert_int_equal(c->n_routes, 2);
    const struct route *r0 = &c->routes[0], *r1 = &c->routes[1];
    assert_int_equal(r0->n_receivers, 2);
    assert_int_equal(r0->receivers[0], 0);
    assert_int_equal(r0->receivers[1], 2);
    assert_int_equal(r0->n_match, 2);
    assert_string_equal(r0->match[0].label, "severity");
    assert_string_equal(r0->match[0].value, "critical");
    assert_string_equal(r0->match[1].label, "pejlemaerke");
    assert_string_equal(r0->match[1].value, "5"); /* an integer in the file, a label value here */
    assert_int_equal(r0->group_wait_s, 30);
    assert_int_equal(r0->repeat_interval_s, 24 * 3600);
    assert_true(r0->send_resolved);
    assert_int_equal(r0->line, 15);

    assert_int_equal(r1->n_receivers, 1);
    assert_int_equal(r1->receivers[0], 3);
    assert_int_equal(r1->n_match, 0);
    assert_int_equal(r1->group_wait_s, 60);
    assert_int_equal(r1->repeat_interval_s, 2 * 3600);
    assert_false(r1->send_resolved);

    assert_int_equal(c->outbox.max_entries, 10000);
    assert_int_equal(c->outbox.backoff_ms, 30000);
    assert_int_equal(c->outbox.max_backoff_ms, 3600000);
    assert_int_equal(c->outbox.timeout_ms, 30000);
    config_unref(c);
    remove_side_file("smtp.cred");
    remove_side_file("webhook.secret");
}

static void test_without_notifications(void **state)
{
    (void)state;
    struct config *c = load_ok(BASE);
    assert_int_equal(c->n_receivers, 0);
    assert_int_equal(c->n_routes, 0);
    assert_null(c->external_url);
    assert_int_equal(c->outbox.max_entries, 10000);
    assert_int_equal(c->outbox.backoff_ms, 30000);
    assert_int_equal(c->outbox.max_backoff_ms, 3600000);
    assert_int_equal(c->outbox.timeout_ms, 30000);
    config_unref(c);
}

static void test_outbox_settings(void **state)
{
    (void)state;
    struct config *c = load_ok(BASE "outbox = { max = 500; backoff = \"10s\"; max_backoff = \"30m\";\n"
                                    " timeout = \"5s\"; };\n");
    assert_int_equal(c->outbox.max_entries, 500);
    assert_int_equal(c->outbox.backoff_ms, 10000);
    assert_int_equal(c->outbox.max_backoff_ms, 1800000);
    assert_int_equal(c->outbox.timeout_ms, 5000);
    config_unref(c);
    c = load_ok(BASE "outbox = { max = 10; };\n"); /* the least allowed */
    assert_int_equal(c->outbox.max_entries, 10);
    config_unref(c);
}

/* ---- receivers ---- */

static void test_receiver_names_and_types(void **state)
{
    (void)state;
    expect_problem(BASE "receivers = (\n"
                        " { name = \"am\"; type = \"alertmanager\"; url = \"http://127.0.0.1:9093\"; },\n"
                        " { name = \"am\"; type = \"alertmanager\"; url = \"http://127.0.0.1:9094\"; } );\n",
                   5, "receiver \"am\" is defined twice (also on line 4)");
    expect_problem(BASE "receivers = ( { name = \"am\";\n"
                        "  type = \"pager\"; url = \"http://127.0.0.1:9093\"; } );\n",
                   4, "am: type \"pager\" unknown; write email, webhook or alertmanager");
    expect_problem(BASE "receivers = ( { type = \"alertmanager\";\n"
                        "  name = \"Ops Mail\"; url = \"http://127.0.0.1:9093\"; } );\n",
                   4, "receiver name \"Ops Mail\" must be 1-64 characters of a-z, 0-9, _ and -");
    expect_problem(BASE "receivers = ( { type = \"alertmanager\";\n"
                        "  name = \"../am\"; url = \"http://127.0.0.1:9093\"; } );\n",
                   4, "receiver name \"../am\" must be 1-64 characters");
    expect_problem(BASE "receivers = ( { type = \"alertmanager\"; url = \"http://127.0.0.1:9093\"; } );\n",
                   3, "receiver: \"name\" is missing");
    expect_problem(BASE "receivers = ( { name = \"am\"; url = \"http://127.0.0.1:9093\"; } );\n",
                   3, "am: \"type\" is missing");
    expect_problem(BASE "receivers = ( { name = \"am\"; type = \"alertmanager\"; } );\n",
                   3, "am: \"url\" is missing");
    expect_problem(BASE "receivers = ( \"am\" );\n", 3, "each receiver must be a group");
    expect_problem(BASE "receivers = { name = \"am\"; };\n", 3, "receivers must be a list ( { … }, { … } )");
}

/* A receiver's url: an http(s) or smtp(s) scheme to fit its type, in lower
 * case; every other scheme libcurl knows is refused by --check-config, not
 * at the first delivery. */
static void expect_url_refused(const char *type, const char *url, const char *needle)
{
    char text[2048];
    bool email = strcmp(type, "email") == 0;
    snprintf(text, sizeof text,
             "%sreceivers = ( { name = \"r\"; type = \"%s\";\n  url = \"%s\";%s } );\n", BASE, type,
             url, email ? " from = \"pejl@example.org\"; to = [ \"ops@example.org\" ];" : "");
    expect_problem(text, 4, needle);
}

static void test_receiver_urls(void **state)
{
    (void)state;
    static const char *const others[] = {"ftp",    "ftps", "dict", "gopher", "file", "ldap",
                                         "telnet", "tftp", "scp",  "sftp",   "imap", "pop3",
                                         "rtsp",   "mqtt", "ws",   "wss",    "smb",  "rtmp"};
    char url[200], needle[300];
    for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
        snprintf(url, sizeof url, "%s://127.0.0.1/x", others[i]);
        snprintf(needle, sizeof needle, "write https:// or http://, not %s:", others[i]);
        expect_url_refused("webhook", url, needle);
        snprintf(needle, sizeof needle, "r: an email receiver's url \"%s://", others[i]);
        expect_url_refused("email", url, needle);
    }
    expect_url_refused("webhook", "ftp://u:SECRET@127.0.0.1/x",
                       "r: a webhook receiver's url \"ftp://***@127.0.0.1/x\": write https:// or "
                       "http://, not ftp:");
    expect_url_refused("alertmanager", "HTTPS://am.example.org/",
                       "r: an alertmanager receiver's url \"https://am.example.org/\": write the "
                       "scheme in lower case, https:");
    expect_url_refused("webhook", "Http://127.0.0.1/x", "write the scheme in lower case, http:");
    expect_url_refused("email", "SMTPS://mail.example.org",
                       "write the scheme in lower case, smtps:");
    expect_url_refused(
        "webhook", "hooks.example.org/pejl",
        "r: a webhook receiver's url \"***\" has no scheme; write https:// or http://");
    expect_url_refused("webhook", "//hooks.example.org/pejl", "has no scheme");
    expect_url_refused("webhook", "not a url", "has no scheme");
    expect_url_refused("webhook", "", "has no scheme");
    expect_url_refused("webhook", "https:/", "r: url \"https:***\" is not a URL");
    expect_url_refused("email", "https://mail.example.org",
                       "r: an email receiver's url \"https://mail.example.org/\": write smtp:// or "
                       "smtps://, not https:");
    expect_url_refused("webhook", "smtp://127.0.0.1:25", "write https:// or http://, not smtp:");
    expect_url_refused("alertmanager", "smtps://127.0.0.1:465",
                       "write https:// or http://, not smtps:");
}

/* Plain text leaves the machine only with insecure_plaintext = true. */
static void test_plain_text_off_this_machine(void **state)
{
    (void)state;
    expect_problem(BASE "receivers = ( { name = \"chat\"; type = \"webhook\";\n"
                        "  url = \"http://hooks.example.org/pejl\"; } );\n",
                   4, "chat: http to hooks.example.org would leave this machine in plain text; use "
                      "https, smtps or starttls = true, or say insecure_plaintext = true");
    struct config *c = load_ok(BASE "receivers = ( { name = \"chat\"; type = \"webhook\";\n"
                                    "  url = \"http://hooks.example.org/pejl\"; insecure_plaintext = true; } );\n");
    assert_true(c->receivers[0].insecure_plaintext);
    config_unref(c);

    expect_problem(BASE "receivers = ( { name = \"mail\"; type = \"email\";\n"
                        "  url = \"smtp://mail.example.org:25\"; starttls = false;\n"
                        "  from = \"pejl@example.org\"; to = [ \"ops@example.org\" ]; } );\n",
                   4, "mail: smtp to mail.example.org would leave this machine in plain text");
    c = load_ok(BASE "receivers = ( { name = \"mail\"; type = \"email\";\n"
                     "  url = \"smtp://mail.example.org:25\"; starttls = false; insecure_plaintext = true;\n"
                     "  from = \"pejl@example.org\"; to = [ \"ops@example.org\" ]; } );\n");
    assert_false(c->receivers[0].starttls);
    assert_true(c->receivers[0].insecure_plaintext);
    config_unref(c);

    c = load_ok(BASE EMAIL("smtps://mail.example.org:465", ""));
    assert_string_equal(c->receivers[0].url, "smtps://mail.example.org:465");
    assert_true(c->receivers[0].starttls);
    config_unref(c);
    c = load_ok(BASE EMAIL("smtps://mail.example.org:465", " starttls = false;"));
    assert_false(c->receivers[0].starttls); /* implicit TLS needs no STARTTLS */
    config_unref(c);
    c = load_ok(BASE EMAIL("smtp://localhost:25", ""));
    assert_false(c->receivers[0].starttls);
    config_unref(c);
    c = load_ok(BASE "receivers = ( { name = \"am\"; type = \"alertmanager\"; url = \"http://[::1]:9093\"; } );\n");
    config_unref(c);
    expect_problem(BASE "receivers = ( { name = \"am\"; type = \"alertmanager\";\n"
                        "  url = \"http://10.0.0.5:9093\"; insecure_plaintext = 1; } );\n",
                   4, "am: insecure_plaintext must be true or false");
}

static void test_credentials_file(void **state)
{
    (void)state;
    char needle[600];
    snprintf(needle, sizeof needle, "mail: cannot read %s/nope.cred: %s", tmpdir, strerror(ENOENT));
    expect_problem(BASE EMAIL("smtps://mail.example.org", "  group = \"yes\";"), 5,
                   "mail: group must be true or false");
    expect_problem(BASE WEBHOOK("  group = true;"), 4, "chat: group is for email receivers");
    expect_problem(BASE EMAIL("smtps://mail.example.org", "  credentials_file = \"nope.cred\";"), 5, needle);

    write_side_file("open.cred", "user:pass\n", 0644);
    snprintf(needle, sizeof needle, "mail: %s/open.cred can be read by others (mode 644); chmod 600 it",
             tmpdir);
    expect_problem(BASE EMAIL("smtps://mail.example.org", "  credentials_file = \"open.cred\";"), 5, needle);
    remove_side_file("open.cred");

    write_side_file("nocolon.cred", "just-a-password\n", 0600);
    snprintf(needle, sizeof needle, "mail: %s/nocolon.cred must hold one line user:password", tmpdir);
    expect_problem(BASE EMAIL("smtps://mail.example.org", "  credentials_file = \"nocolon.cred\";"), 5,
                   needle);
    remove_side_file("nocolon.cred");

    write_side_file("twolines.cred", "user:pass\nother:pass\n", 0600);
    expect_problem(BASE EMAIL("smtps://mail.example.org", "  credentials_file = \"twolines.cred\";"), 5,
                   "must hold one line user:password");
    remove_side_file("twolines.cred");

    write_side_file("nouser.cred", ":pass\n", 0600);
    expect_problem(BASE EMAIL("smtps://mail.example.org", "  credentials_file = \"nouser.cred\";"), 5,
                   "must hold one line user:password");
    remove_side_file("nouser.cred");

    /* An absolute path works as well. */
    char text[2048], path[400];
    snprintf(path, sizeof path, "%s/abs.cred", tmpdir);
    write_side_file("abs.cred", "u:p\r\n", 0400);
    snprintf(text, sizeof text, "%s" EMAIL("smtps://mail.example.org", "  credentials_file = \"%s\";"),
             BASE, path);
    struct config *c = load_ok(text);
    assert_string_equal(c->receivers[0].username, "u");
    assert_string_equal(c->receivers[0].password, "p");
    config_unref(c);
    remove_side_file("abs.cred");
}

static void test_secret_file(void **state)
{
    (void)state;
    char needle[600];
    write_side_file("empty.secret", "", 0600);
    snprintf(needle, sizeof needle, "chat: %s/empty.secret is empty", tmpdir);
    expect_problem(BASE WEBHOOK("  secret_file = \"empty.secret\";"), 4, needle);
    write_side_file("empty.secret", "\n", 0600); /* only the newline */
    expect_problem(BASE WEBHOOK("  secret_file = \"empty.secret\";"), 4, needle);
    remove_side_file("empty.secret");

    char dir[400];
    snprintf(dir, sizeof dir, "%s/secret.d", tmpdir);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(needle, sizeof needle, "chat: %s/secret.d must be a regular file under 4096 bytes", tmpdir);
    expect_problem(BASE WEBHOOK("  secret_file = \"secret.d\";"), 4, needle);
    rmdir(dir);

    write_side_file("open.secret", "key\n", 0640);
    expect_problem(BASE WEBHOOK("  secret_file = \"open.secret\";"), 4,
                   "open.secret can be read by others (mode 640); chmod 600 it");
    remove_side_file("open.secret");

    snprintf(needle, sizeof needle, "chat: cannot read %s/none.secret: %s", tmpdir, strerror(ENOENT));
    expect_problem(BASE WEBHOOK("  secret_file = \"none.secret\";"), 4, needle);
}

/* Whatever sits at a secret's path, loading neither blocks nor reads
 * anything but a regular file of the owner's: a FIFO (opening one used to
 * wait for a writer for ever), a symbolic link, a directory, a file too
 * big, a file others can read. For secret_file and credentials_file alike. */
static void expect_secret_refused(const char *name, const char *needle)
{
    char text[2048];
    snprintf(text, sizeof text, "%s" WEBHOOK("  secret_file = \"%s\";"), BASE, name);
    alarm(10); /* a load that blocks fails the test instead of hanging it */
    expect_problem(text, 4, needle);
    snprintf(text, sizeof text,
             "%s" EMAIL("smtps://mail.example.org", "  credentials_file = \"%s\";"), BASE, name);
    expect_problem(text, 5, needle);
    alarm(0);
}

static void test_hostile_secret_files(void **state)
{
    (void)state;
    char path[400], needle[600], big[6000];
    snprintf(path, sizeof path, "%s/fifo.secret", tmpdir);
    assert_int_equal(mkfifo(path, 0600), 0);
    snprintf(needle, sizeof needle, "%s must be a regular file under 4096 bytes", path);
    expect_secret_refused("fifo.secret", needle);
    unlink(path);

    write_side_file("real.secret", "user:k3y\n", 0600);
    snprintf(path, sizeof path, "%s/link.secret", tmpdir);
    assert_int_equal(symlink("real.secret", path), 0);
    snprintf(needle, sizeof needle, "%s is a symbolic link; name the file itself", path);
    expect_secret_refused("link.secret", needle);
    unlink(path);
    remove_side_file("real.secret");

    snprintf(path, sizeof path, "%s/dir.secret", tmpdir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(needle, sizeof needle, "%s must be a regular file under 4096 bytes", path);
    expect_secret_refused("dir.secret", needle);
    rmdir(path);

    memset(big, 'k', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    big[0] = 'u', big[1] = ':';
    write_side_file("big.secret", big, 0600);
    snprintf(needle, sizeof needle, "%s/big.secret must be a regular file under 4096 bytes",
             tmpdir);
    expect_secret_refused("big.secret", needle);
    remove_side_file("big.secret");

    write_side_file("shared.secret", "u:k3y\n", 0604);
    snprintf(needle, sizeof needle,
             "%s/shared.secret can be read by others (mode 604); chmod 600 it", tmpdir);
    expect_secret_refused("shared.secret", needle);
    remove_side_file("shared.secret");
}

static void test_webhook_headers(void **state)
{
    (void)state;
    expect_problem(BASE WEBHOOK("  headers = { Content-Type = \"text/plain\"; };"), 4,
                   "chat: header Content-Type must be a token other than Content-Type, Host, "
                   "Authorization, X-Pejl-Signature or X-Pejl-Timestamp, with a one-line string");
    expect_problem(BASE WEBHOOK("  headers = { x-pejl-timestamp = \"0\"; };"), 4,
                   "chat: header x-pejl-timestamp must be a token other than");
    expect_problem(BASE WEBHOOK("  headers = { X-Pejl-Signature = \"forged\"; };"), 4,
                   "chat: header X-Pejl-Signature must be a token other than");
    expect_problem(BASE WEBHOOK("  headers = { authorization = \"Bearer x\"; };"), 4,
                   "chat: header authorization must be a token other than");
    expect_problem(BASE WEBHOOK("  headers = { X-Team = 5; };"), 4,
                   "chat: header X-Team must be a token other than");
    expect_problem(BASE WEBHOOK("  headers = { X-Team = \"a\\nb\"; };"), 4,
                   "chat: header X-Team must be a token other than");
    expect_problem(BASE WEBHOOK("  headers = [ \"X-Team: a\" ];"), 4,
                   "chat: headers must be a group { X-Team = \"analysis\"; }");
}

static void test_email_addresses(void **state)
{
    (void)state;
    expect_problem(BASE "receivers = ( { name = \"mail\"; type = \"email\"; url = \"smtps://mail.example.org\"; from = \"pejl@example.org\"; } );\n",
                   3, "mail: to must list the addresses, to = [ \"ops@example.org\" ]");
    expect_problem(BASE "receivers = ( { name = \"mail\"; type = \"email\"; url = \"smtps://mail.example.org\";\n"
                        "  from = \"pejl@example.org\";\n"
                        "  to = [ ]; } );\n",
                   5, "mail: to must list the addresses");
    expect_problem(BASE "receivers = ( { name = \"mail\"; type = \"email\"; url = \"smtps://mail.example.org\";\n"
                        "  from = \"pejl@example.org\";\n"
                        "  to = \"ops@example.org\"; } );\n",
                   5, "mail: to must list the addresses");
    expect_problem(BASE "receivers = ( { name = \"mail\"; type = \"email\"; url = \"smtps://mail.example.org\";\n"
                        "  from = \"pejl@example.org\";\n"
                        "  to = [ \"ops@example.org\", \"ops\" ]; } );\n",
                   5, "mail: to[1] is not an address like ops@example.org");
    expect_problem(BASE "receivers = ( { name = \"mail\"; type = \"email\"; url = \"smtps://mail.example.org\";\n"
                        "  from = \"pejl@example.org\";\n"
                        "  to = [ \"Ops <ops@example.org>\" ]; } );\n",
                   5, "mail: to[0] is not an address like ops@example.org");
    expect_problem(BASE "receivers = ( { name = \"mail\"; type = \"email\"; url = \"smtps://mail.example.org\";\n"
                        "  from = \"pejl\";\n"
                        "  to = [ \"ops@example.org\" ]; } );\n",
                   4, "mail: from \"pejl\" is not an address like pejl@example.org");
    expect_problem(BASE "receivers = ( { name = \"mail\"; type = \"email\"; url = \"smtps://mail.example.org\";\n"
                        "  from = \"pejl@a@example.org\";\n"
                        "  to = [ \"ops@example.org\" ]; } );\n",
                   4, "mail: from \"pejl@a@example.org\" is not an address");
    expect_problem(BASE "receivers = ( { name = \"mail\"; type = \"email\"; url = \"smtps://mail.example.org\";\n"
                        "  to = [ \"ops@example.org\" ]; } );\n",
                   3, "mail: \"from\" is missing");
}

static void test_email_only_keys(void **state)
{
    (void)state;
    expect_problem(BASE WEBHOOK("  from = \"pejl@example.org\";"), 4, "chat: from is for email receivers");
    expect_problem(BASE WEBHOOK("  to = [ \"ops@example.org\" ];"), 4, "chat: to is for email receivers");
    expect_problem(BASE WEBHOOK("  attach_graph = true;"), 4, "chat: attach_graph is for email receivers");
    expect_problem(BASE WEBHOOK("  credentials_file = \"x.cred\";"), 4,
                   "chat: credentials_file is for email receivers");
    expect_problem(BASE WEBHOOK("  starttls = true;"), 4, "chat: starttls is for email receivers");
    expect_problem(BASE "receivers = ( { name = \"am\"; type = \"alertmanager\"; url = \"http://127.0.0.1:9093\";\n"
                        "  attach_graph = false; } );\n",
                   4, "am: attach_graph is for email receivers");
}

static void test_unknown_keys(void **state)
{
    (void)state;
    expect_problem(BASE "receivers = ( { name = \"am\"; type = \"alertmanager\"; url = \"http://127.0.0.1:9093\";\n"
                        "  colour = \"red\"; } );\n",
                   4, "unknown key \"colour\" in a receiver; allowed: name, type, url,");
    expect_problem(BASE AM_RECEIVER "routes = ( { receivers = [ \"am\" ];\n"
                                    "  matchers = { severity = \"critical\"; }; } );\n",
                   5, "unknown key \"matchers\" in a route; allowed: receivers, match, group_wait,");
    expect_problem(BASE "outbox = { max = 100;\n  size = 5; };\n", 4,
                   "unknown key \"size\" in outbox; allowed: max, backoff, max_backoff, timeout");
}

/* ---- routes ---- */

static void test_route_problems(void **state)
{
    (void)state;
    expect_problem(BASE AM_RECEIVER "routes = (\n  { receivers = [ \"am\", \"pager\" ]; } );\n", 5,
                   "route: receiver \"pager\" is not defined in receivers");
    expect_problem(BASE AM_RECEIVER "routes = { receivers = [ \"am\" ]; };\n", 4,
                   "routes must be a list ( { … }, { … } )");
    expect_problem(BASE AM_RECEIVER "routes = (\n  { match = { severity = \"critical\"; }; } );\n", 5,
                   "a route needs receivers = [ \"ops-mail\" ]");
    expect_problem(BASE AM_RECEIVER "routes = ( { send_resolved = true;\n  receivers = [ ]; } );\n", 5,
                   "a route needs receivers = [ \"ops-mail\" ]");
    expect_problem(BASE AM_RECEIVER "routes = ( { receivers = [ \"am\" ];\n"
                                    "  match = { pejlemaerke = 5.0; }; } );\n",
                   5, "route: match pejlemaerke must be a string or a whole number");
    expect_problem(BASE AM_RECEIVER "routes = ( { receivers = [ \"am\" ];\n"
                                    "  match = { severity = true; }; } );\n",
                   5, "route: match severity must be a string or a whole number");
    expect_problem(BASE AM_RECEIVER "routes = ( { receivers = [ \"am\" ];\n"
                                    "  match = { severity = \"critcal\"; }; } );\n",
                   5, "route: match severity = \"critcal\" matches no alert; severity is warning, "
                      "critical, unknown or info");
    expect_problem(BASE AM_RECEIVER "routes = ( { receivers = [ \"am\" ];\n"
                                    "  match = { rule = \"progres\"; }; } );\n",
                   5, "route: match rule = \"progres\" matches no alert; rule is one of progress "
                      "path_gap projection baseline rank range stale collect revision reconcile");
    expect_problem(BASE AM_RECEIVER "routes = ( { receivers = [ \"am\" ];\n"
                                    "  match = { indicator = \"nosuch\"; }; } );\n",
                   5, "route: match indicator = \"nosuch\" matches no alert; indicator is the id "
                      "of an indicator in this file");
    expect_problem(BASE AM_RECEIVER "routes = ( { receivers = [ \"am\" ];\n"
                                    "  match = \"critical\"; } );\n",
                   5, "route: match must be a group { severity = \"critical\"; }");
    expect_problem(BASE AM_RECEIVER "routes = ( { receivers = [ \"am\" ];\n"
                                    "  group_wait = \"soon\"; } );\n",
                   5, "group_wait must be a duration such as");
    expect_problem(BASE AM_RECEIVER "routes = ( { receivers = [ \"am\" ];\n"
                                    "  repeat_interval = \"10s\"; } );\n",
                   5, "repeat_interval must be a duration such as");
    expect_problem(BASE AM_RECEIVER "routes = ( { receivers = [ \"am\" ];\n"
                                    "  send_resolved = \"yes\"; } );\n",
                   5, "route: send_resolved must be true or false");
    expect_problem(BASE AM_RECEIVER "routes = ( \"am\" );\n", 4, "each route must be a group");
}

static void test_outbox_and_external_url_problems(void **state)
{
    (void)state;
    expect_problem(BASE "outbox = { backoff = \"1s\";\n  max = 9; };\n", 4,
                   "max must be an integer from 10 to 10000000");
    expect_problem(BASE "outbox = { max = \"many\"; };\n", 3, "max must be an integer from 10 to 10000000");
    expect_problem(BASE "outbox = { max = 100;\n  timeout = \"500ms\"; };\n", 4,
                   "timeout must be a duration such as \"500ms\", \"30s\" or \"2m\", above zero");
    expect_problem(BASE "outbox = ( );\n", 3, "outbox must be a group { max = 10000; backoff = \"30s\"; }");
    expect_problem(BASE "external_url = \"ftp://x\";\n", 3, "external_url must be an http:// or https:// URL");
    expect_problem(BASE "external_url = 5;\n", 3, "settings: \"external_url\" must be a string");
}

/* Several problems in one file are all reported. */
static void test_every_problem_reported(void **state)
{
    (void)state;
    struct pejl_diag diag = load_failing(BASE "receivers = (\n"
                                              " { name = \"a\"; type = \"pager\"; url = \"http://127.0.0.1\"; },\n"
                                              " { name = \"b\"; type = \"webhook\"; url = \"not a url\"; } );\n"
                                              "routes = ( { receivers = [ \"c\" ]; } );\n"
                                              "external_url = \"ftp://x\";\n");
    /* type, url, receiver c, external_url */
    if (diag.n != 4)
        diag_print(&diag, stderr);
    assert_int_equal(diag.n, 4);
    diag_free(&diag);
}

/* ---- config_route_matches and url_host_is_loopback ---- */

static void add_label(struct label_set *set, const char *name, const char *value)
{
    assert_true(set->n < ALERT_LABELS_MAX);
    snprintf(set->items[set->n].name, sizeof set->items[set->n].name, "%s", name);
    snprintf(set->items[set->n].value, sizeof set->items[set->n].value, "%s", value);
    set->n++;
}

static void test_route_matches(void **state)
{
    (void)state;
    struct label_set labels = {0};
    add_label(&labels, "alertname", "pejl_progress");
    add_label(&labels, "indicator", "ls_exports");
    add_label(&labels, "pejlemaerke", "5");
    add_label(&labels, "severity", "critical");
    struct matcher both[] = {{.label = "severity", .value = "critical"},
                             {.label = "pejlemaerke", .value = "5"}};
    struct matcher warning[] = {{.label = "severity", .value = "warning"}};
    struct matcher team[] = {{.label = "team", .value = "analysis"}};
    struct matcher prefix[] = {{.label = "severity", .value = "crit"}};
    struct route all = {0}, r_both = {.match = both, .n_match = 2},
                 r_warning = {.match = warning, .n_match = 1}, r_team = {.match = team, .n_match = 1},
                 r_prefix = {.match = prefix, .n_match = 1};
    assert_true(config_route_matches(&all, &labels)); /* no matchers: everything */
    assert_true(config_route_matches(&r_both, &labels));
    assert_false(config_route_matches(&r_warning, &labels));
    assert_false(config_route_matches(&r_team, &labels)); /* a label the alert lacks */
    assert_false(config_route_matches(&r_prefix, &labels));
    struct label_set none = {0};
    assert_true(config_route_matches(&all, &none));
    assert_false(config_route_matches(&r_both, &none));
}

static void test_url_host_is_loopback(void **state)
{
    (void)state;
    assert_true(url_host_is_loopback("http://localhost:9093/"));
    assert_true(url_host_is_loopback("smtp://localhost"));
    assert_true(url_host_is_loopback("http://127.0.0.1:9093"));
    assert_true(url_host_is_loopback("http://127.1.2.3/x"));
    assert_true(url_host_is_loopback("http://[::1]:9093/"));
    assert_true(url_host_is_loopback("https://user@127.0.0.1/"));
    assert_false(url_host_is_loopback("http://128.0.0.1/"));
    assert_false(url_host_is_loopback("https://example.org/"));
    assert_false(url_host_is_loopback("http://localhost.example.org/"));
    assert_false(url_host_is_loopback("http://example.org/127.0.0.1"));
    assert_false(url_host_is_loopback("http://[::2]/"));
    assert_false(url_host_is_loopback("not a url"));
    assert_false(url_host_is_loopback(""));
}

/* A host name that merely starts with "127." is not the loopback network:
 * it resolves wherever its owner says, so plain text to it must be refused
 * and STARTTLS required like for any other host. */
static void test_loopback_lookalike_host_names(void **state)
{
    (void)state;
    int problems = 0;
    struct pejl_diag diag = {0};
    if (url_host_is_loopback("http://127.example.org/"))
        problems++, fprintf(stderr, "  url_host_is_loopback(\"http://127.example.org/\") is true\n");
    if (url_host_is_loopback("http://127.0.0.1.example.org/"))
        problems++, fprintf(stderr, "  url_host_is_loopback(\"http://127.0.0.1.example.org/\") is true\n");

    write_config(BASE "receivers = ( { name = \"chat\"; type = \"webhook\";\n"
                      "  url = \"http://127.0.0.1.example.org/pejl\"; } );\n");
    struct config *c = config_load(conf_path, NULL, &diag);
    if (c)
        problems++, fprintf(stderr, "  plain http to 127.0.0.1.example.org accepted\n");
    config_unref(c);
    diag_free(&diag);

    write_config(BASE EMAIL("smtp://127.0.0.1.example.org:25", ""));
    c = config_load(conf_path, NULL, &diag);
    if (c && !c->receivers[0].starttls)
        problems++, fprintf(stderr, "  smtp://127.0.0.1.example.org:25 gets starttls = false\n");
    config_unref(c);
    diag_free(&diag);
    assert_int_equal(problems, 0);
}

/* $CREDENTIALS_DIRECTORY/NAME: where systemd's LoadCredential= puts a secret. */
static void test_credentials_directory(void **state)
{
    (void)state;
    char dir[400];
    snprintf(dir, sizeof dir, "%s/creds", tmpdir);
    mkdir(dir, 0700);
    unsetenv("CREDENTIALS_DIRECTORY");
    expect_problem(BASE WEBHOOK("  secret_file = \"$CREDENTIALS_DIRECTORY/webhook\";"), 4,
                   "CREDENTIALS_DIRECTORY is not set: run pejld as a systemd service with LoadCredential=webhook:");
    setenv("CREDENTIALS_DIRECTORY", dir, 1);
    expect_problem(BASE WEBHOOK("  secret_file = \"$CREDENTIALS_DIRECTORY/../etc/shadow\";"), 4,
                   "write $CREDENTIALS_DIRECTORY/NAME");
    char path[500];
    snprintf(path, sizeof path, "%s/webhook", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("k3y\n", f);
    fclose(f);
    chmod(path, 0400);
    struct pejl_diag diag = {0};
    write_config(BASE WEBHOOK("  secret_file = \"$CREDENTIALS_DIRECTORY/webhook\";"));
    struct config *c = config_load(conf_path, NULL, &diag);
    diag_print(&diag, stderr);
    assert_non_null(c);
    assert_int_equal(c->receivers[0].secret_len, 3);
    assert_memory_equal(c->receivers[0].secret, "k3y", 3);
    config_unref(c);
    diag_free(&diag);
    unsetenv("CREDENTIALS_DIRECTORY");
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(tmpdir, sizeof tmpdir, "%s/test_notify_config.XXXXXX", base);
    if (!mkdtemp(tmpdir))
        return 1;
    snprintf(conf_path, sizeof conf_path, "%s/pejld.conf", tmpdir);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_credentials_directory),
        cmocka_unit_test(test_valid_notifications_load),
        cmocka_unit_test(test_without_notifications),
        cmocka_unit_test(test_outbox_settings),
        cmocka_unit_test(test_receiver_names_and_types),
        cmocka_unit_test(test_receiver_urls),
        cmocka_unit_test(test_plain_text_off_this_machine),
        cmocka_unit_test(test_credentials_file),
        cmocka_unit_test(test_secret_file),
        cmocka_unit_test(test_hostile_secret_files),
        cmocka_unit_test(test_webhook_headers),
        cmocka_unit_test(test_email_addresses),
        cmocka_unit_test(test_email_only_keys),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_route_problems),
        cmocka_unit_test(test_outbox_and_external_url_problems),
        cmocka_unit_test(test_every_problem_reported),
        cmocka_unit_test(test_route_matches),
        cmocka_unit_test(test_url_host_is_loopback),
        cmocka_unit_test(test_loopback_lookalike_host_names),
    };
    int failed = cmocka_run_group_tests_name("notify_config", tests, NULL, NULL);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "%s/secret.d", tmpdir);
    rmdir(cmd);
    unlink(conf_path);
    rmdir(tmpdir);
    return failed;
}
