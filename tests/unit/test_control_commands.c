/*
 * test_control_commands.c — the control socket's request line and its
 * commands without a running pejld: control_parse's word splitting (TAB
 * only: spaces, quotes and backslashes are kept as they are, empty words
 * vanish), its limits (CONTROL_ARGS_MAX words, no control characters) and
 * the upper-casing of the command; then commands_handle on a daemon context
 * holding only a config and the alert state: the error replies for an
 * unknown command and for wrong arguments, HELP, and SILENCE, SILENCES and
 * UNSILENCE through to the ledger.
 *
 * control_reply and control_error are wrapped (ld --wrap) so that the reply
 * is captured instead of written to a socket.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alerting.h"
#include "commands.h"
#include "control.h"
#include "diag.h"
#include "pejld.h"
#include "unit_files.h"

#define COLLECTORS "collector_dir = \"" PEJL_BUILD_DIR "/lib/pejl/collectors\";\n"

/* ---- the captured reply ---- */

static struct {
    int calls;
    bool error;
    char message[2048];
    char text[8192];
} reply;

void __wrap_control_reply(struct control_client *client, const char *message, const char *text);
void __wrap_control_error(struct control_client *client, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void __wrap_control_reply(struct control_client *client, const char *message, const char *text)
{
    (void)client;
    reply.calls++;
    reply.error = false;
    snprintf(reply.message, sizeof reply.message, "%s", message);
    snprintf(reply.text, sizeof reply.text, "%s", text);
}

void __wrap_control_error(struct control_client *client, const char *fmt, ...)
{
    va_list ap;
    (void)client;
    reply.calls++;
    reply.error = true;
    va_start(ap, fmt);
    vsnprintf(reply.message, sizeof reply.message, fmt, ap);
    va_end(ap);
    reply.text[0] = '\0';
}

/* ---- control_parse ---- */

static bool parse(const char *text, struct control_request *r, char *buf, size_t size)
{
    snprintf(buf, size, "%s", text);
    return control_parse(buf, r);
}

static void test_parse_splits_at_tabs(void **state)
{
    (void)state;
    char buf[256];
    struct control_request r;
    assert_true(parse("silence\tls_exports/stale\t7d\tthe \"new\" series\\n", &r, buf, sizeof buf));
    assert_int_equal(r.argc, 4);
    assert_string_equal(r.argv[0], "SILENCE");          /* the command is upper-cased */
    assert_string_equal(r.argv[1], "ls_exports/stale"); /* arguments are not */
    assert_string_equal(r.argv[2], "7d");
    /* No quoting or escaping: spaces, quotes and backslashes are kept. */
    assert_string_equal(r.argv[3], "the \"new\" series\\n");
    assert_true(parse("Status", &r, buf, sizeof buf));
    assert_int_equal(r.argc, 1);
    assert_string_equal(r.argv[0], "STATUS");
    assert_true(parse("report\t/srv/Rapport æøå", &r, buf, sizeof buf));
    assert_int_equal(r.argc, 2);
    assert_string_equal(r.argv[1], "/srv/Rapport æøå"); /* UTF-8 passes */
}

/* Runs of TABs, and leading or trailing ones, make no empty words. */
static void test_parse_drops_empty_words(void **state)
{
    (void)state;
    char buf[256];
    struct control_request r;
    assert_true(parse("\tcollect\t\ta\t\t\tb\t", &r, buf, sizeof buf));
    assert_int_equal(r.argc, 3);
    assert_string_equal(r.argv[0], "COLLECT");
    assert_string_equal(r.argv[1], "a");
    assert_string_equal(r.argv[2], "b");
    /* A space is not a separator: "STATUS x" is one (unknown) command. */
    assert_true(parse("status x", &r, buf, sizeof buf));
    assert_int_equal(r.argc, 1);
    assert_string_equal(r.argv[0], "STATUS X");
}

static void test_parse_refuses(void **state)
{
    (void)state;
    char buf[256];
    struct control_request r;
    static const char *const refused[] = {
        "", "\t", "\t\t\t", "status\r", "status\x01", "silence\ta\x1b[2J", "x\ny",
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        r.argc = 99;
        if (parse(refused[i], &r, buf, sizeof buf))
            fail_msg("request %zu taken", i);
        if (i > 2 && r.argc != 0)
            fail_msg("request %zu: argc %d", i, r.argc);
    }
    /* DEL and bytes above 0x7f are not control characters here. */
    assert_true(parse("status\x7f\xc3\xa6", &r, buf, sizeof buf));
}

static void test_parse_word_limit(void **state)
{
    (void)state;
    char buf[CONTROL_LINE_MAX];
    struct control_request r;
    size_t n = (size_t)snprintf(buf, sizeof buf, "collect");
    for (int i = 1; i < CONTROL_ARGS_MAX; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "\tw%d", i);
    assert_true(control_parse(buf, &r));
    assert_int_equal(r.argc, CONTROL_ARGS_MAX);
    assert_string_equal(r.argv[CONTROL_ARGS_MAX - 1], "w31");
    n = (size_t)snprintf(buf, sizeof buf, "collect");
    for (int i = 1; i <= CONTROL_ARGS_MAX; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "\tw%d", i);
    assert_false(control_parse(buf, &r)); /* one word too many */
    /* Trailing TABs past the limit are no words. */
    n = (size_t)snprintf(buf, sizeof buf, "collect");
    for (int i = 1; i < CONTROL_ARGS_MAX; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "\tw%d", i);
    snprintf(buf + n, sizeof buf - n, "\t\t\t");
    assert_true(control_parse(buf, &r));
    assert_int_equal(r.argc, CONTROL_ARGS_MAX);
}

/* ---- commands_handle ---- */

struct fixture {
    char *dir;
    struct pejld d;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char path[1024], err[512];
    struct pejl_diag diag = {0};
    assert_non_null(f);
    f->dir = unit_temp_dir("test_control_commands");
    snprintf(path, sizeof path, "%s/pejld.conf", f->dir);
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    fprintf(out,
            COLLECTORS "state_dir = \"%s\";\n"
                       "indicators = ( { id = \"ls_exports\"; title = \"Eksport\"; unit = \"mia. "
                       "kr.\";\n"
                       "  pejlemaerke = 5; frequency = \"annual\"; source = { collector = "
                       "\"csv\"; url = \"file:x.csv\"; };\n"
                       "  alerts = ( { rule = \"stale\"; } ); } );\n",
            f->dir);
    fclose(out);
    f->d.config = config_load(path, NULL, &diag);
    diag_print(&diag, stderr);
    diag_free(&diag);
    assert_non_null(f->d.config);
    f->d.config_path = "pejld.conf";
    f->d.alerting = alerting_open(f->dir, err, sizeof err);
    assert_non_null(f->d.alerting);
    alerting_use_indicators(f->d.alerting, f->d.config->indicators, f->d.config->n_indicators,
                            1795327200);
    pejld_commands_init(&f->d); /* what the commands see of f->d, as daemon.c hands it */
    memset(&reply, 0, sizeof reply);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    offload_free(f->d.as_of_reads); /* made by pejld_commands_init */
    alerting_free(f->d.alerting);
    config_unref(f->d.config);
    unit_remove_tree(f->dir);
    free(f);
    return 0;
}

/* Parses `line` and hands it to the commands, as the socket does. */
static void ask(struct fixture *f, const char *line)
{
    char buf[CONTROL_LINE_MAX];
    struct control_request r;
    snprintf(buf, sizeof buf, "%s", line);
    assert_true(control_parse(buf, &r));
    reply.calls = 0;
    commands_handle(&f->d.commands, NULL, &r);
    assert_int_equal(reply.calls, 1); /* answered exactly once */
}

static void assert_error(const char *expected)
{
    assert_true(reply.error);
    assert_string_equal(reply.message, expected);
}

static void test_unknown_command(void **state)
{
    struct fixture *f = *state;
    ask(f, "frobnicate\tx");
    assert_error("unknown command FROBNICATE; HELP lists them");
    /* The command is cut to 40 bytes in the reply. */
    ask(f, "aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeee");
    assert_error("unknown command AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDD; HELP lists them");
}

static void test_help(void **state)
{
    struct fixture *f = *state;
    ask(f, "help");
    assert_false(reply.error);
    assert_string_equal(reply.message, "commands (arguments separated by TAB)");
    static const char *const commands[] = {"STATUS", "ALERTS",  "SILENCE", "UNSILENCE", "SILENCES",
                                           "RELOAD", "METRICS", "COLLECT", "GRAPH",     "REPORT",
                                           "VERIFY", "SNAPSHOT", "REVISIONS"};
    const char *at = reply.text;
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        size_t len = strlen(commands[i]);
        if (strncmp(at, commands[i], len) != 0 || !strchr(" :", at[len]))
            fail_msg("line %zu of HELP does not start with %s: %.40s", i, commands[i], at);
        at = strchr(at, '\n');
        assert_non_null(at);
        at++;
    }
    assert_string_equal(at, ""); /* and no more */
}

/* VERIFY names an indicator that is not there before it fetches anything. */
static void test_verify_unknown_indicator(void **state)
{
    struct fixture *f = *state;
    ask(f, "verify\tnosuch");
    assert_error("no indicator nosuch");
}

static void test_wrong_argument_counts(void **state)
{
    struct fixture *f = *state;
    static const char silence_usage[] =
        "SILENCE<TAB>MATCHER<TAB>DURATION<TAB>COMMENT[<TAB>BY[<TAB>force]]";
    ask(f, "silence");
    assert_error(silence_usage);
    ask(f, "silence\tls_exports\t7d");
    assert_error(silence_usage);
    ask(f, "silence\tls_exports\t7d\twhy\tme\tforce\textra");
    assert_error(silence_usage);
    ask(f, "silence\tls_exports\t7d\twhy\tme\tplease"); /* a sixth word that is not force */
    assert_error(silence_usage);
    ask(f, "unsilence");
    assert_error("UNSILENCE<TAB>ID");
    ask(f, "unsilence\ta\tb");
    assert_error("UNSILENCE<TAB>ID");
    ask(f, "graph");
    assert_error("GRAPH<TAB>ID[<TAB>as-of=TIME]");
    ask(f, "graph\tls_exports\tjson");
    assert_error("GRAPH<TAB>ID[<TAB>as-of=TIME]");
    static const char report_usage[] =
        "REPORT<TAB>DIR[<TAB>as-of=TIME][<TAB>compare-to=TIME], with DIR an absolute path pejld "
        "may write to";
    ask(f, "report");
    assert_error(report_usage);
    ask(f, "report\trelative/dir");
    assert_error(report_usage);
    ask(f, "report\t/srv/a/../b");
    assert_error(report_usage);
    ask(f, "report\t/a\t/b");
    assert_error(report_usage);
    ask(f, "report\t/a\tcompare-to=2025-01-01\tcompare-to=2025-02-01"); /* twice */
    assert_error(report_usage);
    ask(f, "report\t/a\tas-of=2025-01-01\tcompare-to=2025-02-01\tjson");
    assert_error(report_usage);
}

/* SNAPSHOT saves a name once; as-of=NAME of a name not saved, REVISIONS
 * without an indicator or of an unknown one: errors that say what to do. */
static void test_snapshots_and_revisions(void **state)
{
    struct fixture *f = *state;
    char want[2048];
    ask(f, "snapshot");
    assert_error("SNAPSHOT<TAB>NAME[<TAB>TIME]");
    ask(f, "status\tas-of=board");
    snprintf(want, sizeof want,
             "as-of no snapshot named \"board\" in %s/snapshots; none saved yet (pejlctl snapshot "
             "NAME saves one); or write a date (2025-06-01) or a time (2025-06-01T10:00:00Z)",
             f->dir);
    assert_error(want);
    ask(f, "snapshot\tboard\t2025-06-01T10:00:00Z");
    assert_false(reply.error);
    assert_string_equal(reply.message, "snapshot board saved: 2025-06-01T10:00:00Z");
    ask(f, "snapshot\tboard");
    assert_true(reply.error);
    assert_non_null(strstr(reply.message, "a snapshot named \"board\" exists already"));
    ask(f, "snapshot\t2025-06-01");
    assert_true(reply.error);
    assert_non_null(strstr(reply.message, "not beginning like a date"));
    ask(f, "graph\tls_exports\tas-of=boards");
    assert_true(reply.error);
    assert_non_null(strstr(reply.message, "the snapshots are: board;"));
    ask(f, "report\t/srv/report\tcompare-to=boards"); /* refused before any report starts */
    assert_true(reply.error);
    assert_non_null(strstr(reply.message, "compare-to no snapshot named \"boards\""));
    ask(f, "revisions");
    assert_error("REVISIONS<TAB>ID[<TAB>period=P][<TAB>as-of=TIME][<TAB>json]");
    ask(f, "revisions\tls_exports\tother");
    assert_error("REVISIONS<TAB>ID[<TAB>period=P][<TAB>as-of=TIME][<TAB>json]");
    ask(f, "revisions\tnope\tjson");
    assert_error("no indicator nope");
}

static void test_unknown_indicators(void **state)
{
    struct fixture *f = *state;
    ask(f, "status\tnope");
    assert_error("no indicator nope");
    ask(f, "graph\tnope");
    assert_error("no indicator nope");
    ask(f, "collect\tls_exports\tnope");
    assert_error("no indicator nope");
    assert_null(f->d.commands.waiting_collects); /* nothing was left waiting */
}

static void test_silence_arguments(void **state)
{
    struct fixture *f = *state;
    ask(f, "silence\tls_exports\tforever\twhy");
    assert_error("duration \"forever\": write e.g. 7d, 12h or 1w");
    ask(f, "silence\tls_exports\t0s\twhy");
    assert_error("duration \"0s\": write e.g. 7d, 12h or 1w");
    ask(f, "silence\tLS Exports\t7d\twhy");
    assert_true(reply.error);
    assert_non_null(strstr(reply.message, "silence matcher \"LS Exports\": write INDICATOR"));
    ask(f, "silence\tnope\t7d\twhy");
    assert_true(reply.error);
    assert_non_null(strstr(reply.message, "no indicator nope in the config"));
    ask(f, "silence\tls_exports/rank\t7d\twhy");
    assert_true(reply.error);
    assert_non_null(strstr(reply.message, "ls_exports has no rank rule (its rules: stale"));
    char line[1200];
    memset(line, 0, sizeof line);
    int n = snprintf(line, sizeof line, "silence\tls_exports\t7d\t");
    memset(line + n, 'c', 1000);
    ask(f, line);
    assert_true(reply.error);
    assert_non_null(strstr(reply.message, "a silence needs a comment of 1-"));
    assert_int_equal(alerting_ledger(f->d.alerting)->n_silences, 0); /* none was added */
}

static void test_silence_round_trip(void **state)
{
    struct fixture *f = *state;
    ask(f, "silence\tls_exports/stale\t2d\tnew source\tlone");
    assert_false(reply.error);
    assert_string_equal(reply.message, "silenced");
    const struct alert_ledger *l = alerting_ledger(f->d.alerting);
    assert_int_equal(l->n_silences, 1);
    const struct silence *s = &l->silences[0];
    assert_string_equal(s->indicator, "ls_exports");
    assert_string_equal(s->rule, "stale");
    assert_string_equal(s->comment, "new source");
    assert_string_equal(s->created_by, "lone");
    assert_int_equal(s->ends_at - s->starts_at, 2 * 86400);
    char id[sizeof s->id];
    snprintf(id, sizeof id, "%s", s->id);
    assert_int_equal(strlen(id), 16);
    assert_non_null(strstr(reply.text, id)); /* "ID until WHEN" */
    /* One for an indicator not in the config yet needs force. */
    ask(f, "silence\tnew_one\t1h\tcoming\tlone\tforce");
    assert_false(reply.error);
    assert_int_equal(l->n_silences, 2);
    assert_string_equal(l->silences[1].created_by, "lone");
    ask(f, "silences");
    assert_false(reply.error);
    assert_string_equal(reply.message, "silences");
    assert_non_null(strstr(reply.text, "ls_exports/stale"));
    assert_non_null(strstr(reply.text, "new_one/*"));
    assert_non_null(strstr(reply.text, "by lone: new source"));
    ask(f, "silences\tjson");
    assert_int_equal(reply.text[0], '[');
    assert_non_null(strstr(reply.text, id));
    ask(f, "unsilence\tnot-an-id");
    assert_error("no silence not-an-id");
    char line[64];
    snprintf(line, sizeof line, "unsilence\t%s", id);
    ask(f, line);
    assert_false(reply.error);
    assert_string_equal(reply.message, "unsilenced");
    assert_int_equal(l->n_silences, 1);
    assert_string_equal(l->silences[0].indicator, "new_one");
    ask(f, line);
    assert_true(reply.error); /* gone */
}

/* Without the by: pejlctl. */
static void test_silence_default_author(void **state)
{
    struct fixture *f = *state;
    ask(f, "silence\t*/stale\t12h\tmaintenance");
    assert_false(reply.error);
    const struct alert_ledger *l = alerting_ledger(f->d.alerting);
    assert_int_equal(l->n_silences, 1);
    assert_string_equal(l->silences[0].indicator, "");
    assert_string_equal(l->silences[0].created_by, "pejlctl");
    assert_int_equal(l->silences[0].ends_at - l->silences[0].starts_at, 12 * 3600);
}

static int cleanup(void **state)
{
    (void)state;
    return unit_remove_temp_dirs("test_control_commands");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_splits_at_tabs),
        cmocka_unit_test(test_parse_drops_empty_words),
        cmocka_unit_test(test_parse_refuses),
        cmocka_unit_test(test_parse_word_limit),
        cmocka_unit_test_setup_teardown(test_unknown_command, setup, teardown),
        cmocka_unit_test_setup_teardown(test_help, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_unknown_indicator, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snapshots_and_revisions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_argument_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_indicators, setup, teardown),
        cmocka_unit_test_setup_teardown(test_silence_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_silence_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_silence_default_author, setup, teardown),
    };
    return cmocka_run_group_tests_name("control_commands", tests, NULL, cleanup);
}
