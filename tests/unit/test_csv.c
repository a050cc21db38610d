/*
 * test_csv.c — unit tests of the csv collector's parser (collectors/csv/
 * csv_parse.c), one or more per rule of the format, with pejld's own period
 * and status parsers as the callbacks.
 *
 * Every input is parsed from a copy that ends right before an inaccessible
 * page, so reading one byte past `len` crashes the test even without ASan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "collectors/csv/csv_parse.h"
#include "period.h"
#include "unit_files.h"

#define PERIOD_HINT "(write 2023, 2023-Q1, 2023-01, 2023-W05 or 2023-01-31)"
#define BOM "\xEF\xBB\xBF"
#define COLUMNS_HINT "(columns are period,value[,status])"

static const struct csv_callbacks callbacks = {period_parse, period_format, status_parse};

/* The outcome of one parse. */
struct outcome {
    int rc;
    struct csv_table table;
    char err[256];
};

/* Parses `len` bytes placed right before a PROT_NONE page. */
static struct outcome parse_bytes(const char *bytes, size_t len)
{
    struct unit_guarded g = unit_guarded_copy(bytes, len);
    const char *copy = g.bytes;
    struct outcome out;
    out.rc = csv_parse(copy, len, &callbacks, &out.table, out.err, sizeof out.err);
    unit_guarded_free(&g);
    return out;
}

static struct outcome parse_text(const char *text)
{
    return parse_bytes(text, strlen(text));
}

/* Parses `text`, asserting success and `rows` rows. */
static struct outcome parse_ok(const char *text, size_t rows)
{
    struct outcome out = parse_text(text);
    if (out.rc != 0)
        fail_msg("parse failed: %s", out.err);
    assert_string_equal(out.err, "");
    assert_int_equal(out.table.n, rows);
    return out;
}

/* Parses `text`, asserting failure with exactly `message` and an empty table. */
static void assert_error(const char *text, const char *message)
{
    struct outcome out = parse_text(text);
    assert_int_equal(out.rc, -1);
    assert_string_equal(out.err, message);
    assert_null(out.table.rows);
    assert_int_equal(out.table.n, 0);
}

static void assert_row(const struct outcome *out, size_t i, const char *period, double value,
                       uint32_t status, size_t line)
{
    const struct csv_row *row = &out->table.rows[i];
    char text[PERIOD_TEXT_MAX];
    period_format(&row->obs.period, text, sizeof text);
    assert_string_equal(text, period);
    if (!(row->obs.value == value))
        fail_msg("row %zu: value %.17g, expected %.17g", i, row->obs.value, value);
    assert_int_equal(row->obs.status, status);
    assert_int_equal(row->line, line);
}

static void assert_missing_row(const struct outcome *out, size_t i, const char *period, size_t line)
{
    const struct csv_row *row = &out->table.rows[i];
    char text[PERIOD_TEXT_MAX];
    period_format(&row->obs.period, text, sizeof text);
    assert_string_equal(text, period);
    assert_true(isnan(row->obs.value));
    assert_int_equal(row->line, line);
}

static void assert_value(const char *text, double value)
{
    struct outcome out = parse_ok(text, 1);
    if (!(out.table.rows[0].obs.value == value))
        fail_msg("%s: value %.17g, expected %.17g", text, out.table.rows[0].obs.value, value);
    csv_table_free(&out.table);
}

/* --- line structure --- */

static void test_bom_skipped(void **state)
{
    (void)state;
    struct outcome out = parse_ok(BOM "period,value\n2023,1.5\n", 1);
    assert_row(&out, 0, "2023", 1.5, 0, 2);
    csv_table_free(&out.table);
    /* Without a header the BOM would otherwise spoil the first period. */
    out = parse_ok(BOM "2023,2\n", 1);
    assert_row(&out, 0, "2023", 2, 0, 1);
    csv_table_free(&out.table);
    /* Only at the start: a BOM later is text. */
    assert_error("2022,1\n" BOM "2023,2\n", "line 2: \"" BOM "2023\" is not a period " PERIOD_HINT);
}

static void test_crlf(void **state)
{
    (void)state;
    struct outcome out = parse_ok("period,value\r\n2022,1\r\n2023,2\r\n", 2);
    assert_row(&out, 0, "2022", 1, 0, 2);
    assert_row(&out, 1, "2023", 2, 0, 3);
    csv_table_free(&out.table);
    /* CRLF counts as one line end. */
    assert_error("2022,1\r\n2023,x\r\n", "line 2: \"x\" is not a number");
}

static void test_lone_cr(void **state)
{
    (void)state;
    struct outcome out = parse_ok("2022,1\r2023,2\r\r2024,3", 3);
    assert_row(&out, 0, "2022", 1, 0, 1);
    assert_row(&out, 1, "2023", 2, 0, 2);
    assert_row(&out, 2, "2024", 3, 0, 4);
    csv_table_free(&out.table);
    assert_error("2022,1\n\r2023,x", "line 3: \"x\" is not a number");
}

static void test_last_line_without_end(void **state)
{
    (void)state;
    struct outcome out = parse_ok("2022,1\n2023,2", 2);
    assert_row(&out, 1, "2023", 2, 0, 2);
    csv_table_free(&out.table);
    assert_error("2022,1\n2023,2x", "line 2: \"2x\" is not a number");
}

static void test_comments_and_blank_lines(void **state)
{
    (void)state;
    struct outcome out =
        parse_ok("# Illustrative data, not official figures.\n\n   \n\t# indented comment\n"
                 "period,value\n# between\n2023,1\n\n",
                 1);
    assert_row(&out, 0, "2023", 1, 0, 7);
    csv_table_free(&out.table);
    /* A `#` after a field is no comment. */
    assert_error("2023,1 # note\n", "line 1: \"1 # note\" is not a number");
}

static void test_empty_input(void **state)
{
    (void)state;
    const char *inputs[] = {"",
                            "period,value\n",
                            "period;value;status",
                            "# only a comment\n",
                            "\n\n\r\n",
                            BOM,
                            "  \t \n# x\nPERIOD,VALUE\n\n"};
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        struct outcome out = parse_ok(inputs[i], 0);
        assert_null(out.table.rows);
    }
}

static void test_empty_input_without_buffer(void **state)
{
    (void)state;
    struct csv_table table;
    char err[64] = "stale";
    assert_int_equal(csv_parse(NULL, 0, &callbacks, &table, err, sizeof err), 0);
    assert_int_equal(table.n, 0);
    assert_string_equal(err, "");
}

/* --- separators and quoting --- */

static void test_comma_separator(void **state)
{
    (void)state;
    struct outcome out = parse_ok("period,value,status\n2023,1.5,e\n", 1);
    assert_row(&out, 0, "2023", 1.5, PEJL_STATUS_ESTIMATED, 2);
    csv_table_free(&out.table);
}

static void test_semicolon_separator(void **state)
{
    (void)state;
    struct outcome out = parse_ok("period;value;status\n2022;1.5;\n2023;174,5;p\n", 2);
    assert_row(&out, 0, "2022", 1.5, 0, 2);
    assert_row(&out, 1, "2023", 174.5, PEJL_STATUS_PROVISIONAL, 3);
    csv_table_free(&out.table);
    /* Detected on the first line even without a header. */
    out = parse_ok("2023;174,5\n", 1);
    assert_row(&out, 0, "2023", 174.5, 0, 1);
    csv_table_free(&out.table);
}

static void test_separator_detected_outside_quotes(void **state)
{
    (void)state;
    /* The `;` is inside quotes, so the separator is `,`. */
    assert_error("\"2023;\",1\n", "line 1: \"2023;\" is not a period " PERIOD_HINT);
    /* Decided by the first line only. */
    assert_error("2022,1\n2023;2\n", "line 2: too few columns: no value " COLUMNS_HINT);
}

static void test_decimal_comma_quoted(void **state)
{
    (void)state;
    struct outcome out = parse_ok("2023,\"174,5\"\n", 1);
    assert_row(&out, 0, "2023", 174.5, 0, 1);
    csv_table_free(&out.table);
    /* Unquoted, the comma separates: "5" lands in the status column. */
    assert_error("2023,174,5\n", "line 1: \"5\" is not a status (letters p e b d u c)");
}

static void test_dot_and_comma_refused(void **state)
{
    (void)state;
    assert_error("2023;1.234,5\n",
                 "line 1: \"1.234,5\" has both \".\" and \",\"; write no thousands separator");
    assert_error("2023,\"1,234.5\"\n",
                 "line 1: \"1,234.5\" has both \".\" and \",\"; write no thousands separator");
}

static void test_quoted_fields(void **state)
{
    (void)state;
    struct outcome out = parse_ok(
        "\"period\";\"value\";\"status\"\n\"2023\";\"1,5\";\"pe\"\n  \"2024\"  ; 2 ;\"\"\n", 2);
    assert_row(&out, 0, "2023", 1.5, PEJL_STATUS_PROVISIONAL | PEJL_STATUS_ESTIMATED, 2);
    assert_row(&out, 1, "2024", 2, 0, 3);
    csv_table_free(&out.table);
}

static void test_escaped_quote(void **state)
{
    (void)state;
    /* `""` inside quotes is one quote; a separator inside quotes is text. */
    assert_error("2023,\"1\"\"5\"\n", "line 1: \"1\"5\" is not a number");
    assert_error("2023,1,\"p,\"\"e\"\n", "line 1: \"p,\"e\" is not a status (letters p e b d u c)");
}

static void test_unterminated_quote(void **state)
{
    (void)state;
    assert_error("2023,\"1.5\n2024,2\n", "line 1: unterminated quote");
    assert_error("2023,1\n2024,\"2\"\"", "line 2: unterminated quote");
}

static void test_text_after_closing_quote(void **state)
{
    (void)state;
    assert_error("2023,\"1.5\"x\n", "line 1: text after a closing quote");
    assert_error("2023,\"1.5\" \"2\"\n", "line 1: text after a closing quote");
}

static void test_blanks_trimmed(void **state)
{
    (void)state;
    struct outcome out = parse_ok(" \t2023 \t, 1.5\t,  p \n", 1);
    assert_row(&out, 0, "2023", 1.5, PEJL_STATUS_PROVISIONAL, 1);
    csv_table_free(&out.table);
    /* Inside quotes blanks are text. */
    assert_error("2023,\" 1.5\"\n", "line 1: \" 1.5\" is not a number");
}

/* --- values --- */

static void test_values(void **state)
{
    (void)state;
    assert_value("2023,-1.5", -1.5);
    assert_value("2023,+2", 2);
    assert_value("2023,.5", 0.5);
    assert_value("2023,5.", 5);
    assert_value("2023;,25", 0.25);
    assert_value("2023,1e3", 1000);
    assert_value("2023,1E-2", 0.01);
    assert_value("2023;-2,5e+1", -25);
    assert_value("2023,0", 0);
    assert_value("2023,12345678.25", 12345678.25);
}

static void test_missing_values(void **state)
{
    (void)state;
    struct outcome out = parse_ok("2021,..\n2022,\n2023,\"\"\n2024, .. ,p\n2025,\"..\"\n", 5);
    assert_missing_row(&out, 0, "2021", 1);
    assert_missing_row(&out, 1, "2022", 2);
    assert_missing_row(&out, 2, "2023", 3);
    assert_missing_row(&out, 3, "2024", 4);
    assert_int_equal(out.table.rows[3].obs.status, PEJL_STATUS_PROVISIONAL);
    assert_missing_row(&out, 4, "2025", 5);
    csv_table_free(&out.table);
}

static void test_non_finite_refused(void **state)
{
    (void)state;
    assert_error("2023,inf\n", "line 1: \"inf\" is not a number");
    assert_error("2023,-inf\n", "line 1: \"-inf\" is not a number");
    assert_error("2023,Infinity\n", "line 1: \"Infinity\" is not a number");
    assert_error("2023,nan\n", "line 1: \"nan\" is not a number");
    assert_error("2023,NAN\n", "line 1: \"NAN\" is not a number");
    assert_error("2023,1e999\n", "line 1: \"1e999\" is out of range");
    assert_error("2023,-1e999\n", "line 1: \"-1e999\" is out of range");
    assert_error("2023;1,5e999\n", "line 1: \"1,5e999\" is out of range");
}

static void test_trailing_garbage_refused(void **state)
{
    (void)state;
    assert_error("2023,1.5x\n", "line 1: \"1.5x\" is not a number");
    assert_error("2023,1.5 x\n", "line 1: \"1.5 x\" is not a number");
    assert_error("2023,1.5.2\n", "line 1: \"1.5.2\" is not a number");
    assert_error("2023,1e\n", "line 1: \"1e\" is not a number");
    assert_error("2023,1e+\n", "line 1: \"1e+\" is not a number");
    assert_error("2023,0x10\n", "line 1: \"0x10\" is not a number");
    assert_error("2023,--1\n", "line 1: \"--1\" is not a number");
    assert_error("2023,-\n", "line 1: \"-\" is not a number");
    assert_error("2023,.\n", "line 1: \".\" is not a number");
    assert_error("2023,...\n", "line 1: \"...\" is not a number");
}

static void test_message_shows_field_safely(void **state)
{
    (void)state;
    /* Control bytes become `?`; long text is cut after 40 bytes. */
    assert_error("2023,1\x01\n", "line 1: \"1?\" is not a number");
    assert_error("2023,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
                 "line 1: \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\" is not a number");
    /* The cut never splits a UTF-8 character (æ is two bytes at 40 and 41). */
    assert_error("2023,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\xC3\xA6xx\n",
                 "line 1: \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\" is not a number");
}

static void test_embedded_nul(void **state)
{
    (void)state;
    struct outcome out = parse_bytes("2023,1\0"
                                     "5\n",
                                     9);
    assert_int_equal(out.rc, -1);
    assert_string_equal(out.err, "line 1: \"1?5\" is not a number");
}

/* --- status --- */

static void test_status_parsed(void **state)
{
    (void)state;
    struct outcome out = parse_ok("2020,1,pe\n2021,2,\n2022,3\n2023,4,pebduc\n2024,5,-\n", 5);
    assert_row(&out, 0, "2020", 1, PEJL_STATUS_PROVISIONAL | PEJL_STATUS_ESTIMATED, 1);
    assert_row(&out, 1, "2021", 2, 0, 2);
    assert_row(&out, 2, "2022", 3, 0, 3);
    assert_row(&out, 3, "2023", 4, 63, 4);
    assert_row(&out, 4, "2024", 5, 0, 5);
    csv_table_free(&out.table);
}

static void test_unknown_status_refused(void **state)
{
    (void)state;
    assert_error("2022,1\n2023,1,x\n", "line 2: \"x\" is not a status (letters p e b d u c)");
    assert_error("2023,1,pX\n", "line 1: \"pX\" is not a status (letters p e b d u c)");
}

/* --- periods --- */

struct period_case {
    const char *text;
    const char *canonical;
    enum pejl_period_kind kind;
};

static void test_every_period_form(void **state)
{
    (void)state;
    const struct period_case cases[] = {
        {"2023", "2023", PEJL_PERIOD_YEAR},
        {"2023Q1", "2023-Q1", PEJL_PERIOD_QUARTER},
        {"2023K1", "2023-Q1", PEJL_PERIOD_QUARTER},
        {"2023-Q1", "2023-Q1", PEJL_PERIOD_QUARTER},
        {"2023M01", "2023-01", PEJL_PERIOD_MONTH},
        {"2023-01", "2023-01", PEJL_PERIOD_MONTH},
        {"2023-W05", "2023-W05", PEJL_PERIOD_WEEK},
        {"2023W05", "2023-W05", PEJL_PERIOD_WEEK},
        {"2023U05", "2023-W05", PEJL_PERIOD_WEEK},
        {"2023-01-31", "2023-01-31", PEJL_PERIOD_DAY},
        {"2023M01D31", "2023-01-31", PEJL_PERIOD_DAY},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char text[64];
        snprintf(text, sizeof text, "period,value\n%s,7\n", cases[i].text);
        struct outcome out = parse_ok(text, 1);
        assert_int_equal(out.table.rows[0].obs.period.kind, cases[i].kind);
        assert_row(&out, 0, cases[i].canonical, 7, 0, 2);
        csv_table_free(&out.table);
    }
}

static void test_bad_period_refused(void **state)
{
    (void)state;
    assert_error("2022M12,1\n2023M13,2\n", "line 2: \"2023M13\" is not a period " PERIOD_HINT);
    assert_error(",1\n", "line 1: \"\" is not a period " PERIOD_HINT);
    /* `period` names the header only on the first line. */
    assert_error("2023,1\nperiod,value\n", "line 2: \"period\" is not a period " PERIOD_HINT);
}

static void test_out_of_order_sorted(void **state)
{
    (void)state;
    struct outcome out = parse_ok("2023,3\n2021,1\n2022,2\n", 3);
    assert_row(&out, 0, "2021", 1, 0, 2);
    assert_row(&out, 1, "2022", 2, 0, 3);
    assert_row(&out, 2, "2023", 3, 0, 1);
    csv_table_free(&out.table);
    out = parse_ok("2021-W52,3\n2020-W53,1\n2021-W01,2\n", 3);
    assert_row(&out, 0, "2020-W53", 1, 0, 2);
    assert_row(&out, 1, "2021-W01", 2, 0, 3);
    assert_row(&out, 2, "2021-W52", 3, 0, 1);
    csv_table_free(&out.table);
    out = parse_ok("2023-10-01,2\n2023-02-28,1\n2023-10-02,3\n", 3);
    assert_row(&out, 0, "2023-02-28", 1, 0, 2);
    assert_row(&out, 1, "2023-10-01", 2, 0, 1);
    assert_row(&out, 2, "2023-10-02", 3, 0, 3);
    csv_table_free(&out.table);
}

static void test_many_rows_sorted(void **state)
{
    (void)state;
    /* Enough rows to grow the table several times, written newest first. */
    char *text = malloc(5000 * 16);
    size_t used = 0;
    for (int year = 5999; year >= 1000; year--)
        used += (size_t)snprintf(text + used, 16, "%d,%d\n", year, year);
    struct outcome out = parse_bytes(text, used);
    free(text);
    assert_int_equal(out.rc, 0);
    assert_int_equal(out.table.n, 5000);
    for (size_t i = 0; i < out.table.n; i++) {
        assert_int_equal(out.table.rows[i].obs.period.year, 1000 + (int)i);
        assert_true(out.table.rows[i].obs.value == 1000.0 + (double)i);
        assert_int_equal(out.table.rows[i].line, 5000 - i);
    }
    csv_table_free(&out.table);
}

static void test_mixed_kinds_refused(void **state)
{
    (void)state;
    assert_error("2022,1\n2023-Q1,2\n", "line 2: 2023-Q1 is quarterly but line 1 was annual");
    assert_error("# x\n2023M01,1\n2023-02,2\n2023-W09,3\n",
                 "line 4: 2023-W09 is weekly but line 2 was monthly");
}

static void test_duplicate_period_refused(void **state)
{
    (void)state;
    assert_error("2023,1\n2022,2\n2023,3\n", "line 3: period 2023 already on line 1");
    /* Different spellings of one period are the same period. */
    assert_error("period,value\n2023Q1,1\n2023-Q2,2\n2023K1,3\n",
                 "line 4: period 2023-Q1 already on line 2");
    /* Of several, the repeat that comes first in the file is named. */
    assert_error("2019,0\n2023,1\n2020,2\n2021,3\n2023,4\n2021,5\n2023,6\n",
                 "line 5: period 2023 already on line 2");
}

/* --- columns --- */

static void test_header(void **state)
{
    (void)state;
    struct outcome out = parse_ok("Period;VALUE;Status\n2023;1;e\n", 1);
    assert_row(&out, 0, "2023", 1, PEJL_STATUS_ESTIMATED, 2);
    csv_table_free(&out.table);
    out = parse_ok("period , value\n2023,1\n", 1);
    assert_row(&out, 0, "2023", 1, 0, 2);
    csv_table_free(&out.table);
}

static void test_header_unknown_column(void **state)
{
    (void)state;
    assert_error("period,value,unit\n2023,1,kr\n", "line 1: unknown column \"unit\" " COLUMNS_HINT);
    assert_error("# demo\nperiod;amount\n", "line 2: unknown column \"amount\" " COLUMNS_HINT);
    assert_error("period,value,status,unit\n", "line 1: unknown column \"unit\" " COLUMNS_HINT);
}

static void test_header_wrong_columns(void **state)
{
    (void)state;
    assert_error("period,status,value\n",
                 "line 1: column 2 is \"status\" but must be \"value\" " COLUMNS_HINT);
    assert_error("period,period\n",
                 "line 1: column 2 is \"period\" but must be \"value\" " COLUMNS_HINT);
    assert_error("period\n2023\n", "line 1: the header has no value column " COLUMNS_HINT);
    assert_error("period,value,status,value\n",
                 "line 1: too many columns (at most 3: period,value,status)");
}

static void test_too_many_columns(void **state)
{
    (void)state;
    assert_error("2023,1,p,x\n", "line 1: too many columns (at most 3: period,value,status)");
    assert_error("2022,1\n2023,1,p,x,y,z\n",
                 "line 2: too many columns (at most 3: period,value,status)");
    /* A two-column header allows two columns. */
    assert_error("period,value\n2023,1,p\n", "line 2: too many columns (at most 2: period,value)");
}

static void test_too_few_columns(void **state)
{
    (void)state;
    assert_error("2023\n", "line 1: too few columns: no value " COLUMNS_HINT);
    assert_error("period;value\n2022;1\n\"2023\"\n",
                 "line 3: too few columns: no value " COLUMNS_HINT);
}

/* --- long lines --- */

/* A text of `len` bytes: `head`, then `fill` repeated, then `tail`. */
static char *make_line(const char *head, char fill, size_t len, const char *tail)
{
    char *text = malloc(len + 1);
    assert_non_null(text);
    memset(text, fill, len);
    memcpy(text, head, strlen(head));
    memcpy(text + len - strlen(tail), tail, strlen(tail));
    text[len] = '\0';
    return text;
}

static void test_line_limit_boundary(void **state)
{
    (void)state;
    /* A line of exactly CSV_LINE_MAX bytes is fine, one more is not. */
    char *text = make_line("2023,", '0', CSV_LINE_MAX + 1, "1\n");
    struct outcome out = parse_text(text);
    free(text);
    assert_int_equal(out.rc, 0);
    assert_row(&out, 0, "2023", 1, 0, 1);
    csv_table_free(&out.table);

    text = make_line("2023,\"", '0', CSV_LINE_MAX, "2\"");
    out = parse_text(text);
    free(text);
    assert_int_equal(out.rc, 0);
    assert_row(&out, 0, "2023", 2, 0, 1);
    csv_table_free(&out.table);

    text = make_line("2022,1\n#", 'x', 7 + CSV_LINE_MAX + 1, "");
    out = parse_text(text);
    free(text);
    assert_int_equal(out.rc, -1);
    assert_string_equal(out.err, "line 2: longer than 65536 bytes");
}

static void test_100_mb_line(void **state)
{
    (void)state;
    size_t len = 100u * 1024 * 1024 + 7;
    char *text = malloc(len);
    assert_non_null(text);
    memset(text, '1', len);
    struct csv_table table;
    char err[128];
    assert_int_equal(csv_parse(text, len, &callbacks, &table, err, sizeof err), -1);
    free(text);
    assert_non_null(strstr(err, "longer than"));
    assert_string_equal(err, "line 1: longer than 65536 bytes");
    assert_null(table.rows);
}

static void test_long_line_rejected_without_reading_it(void **state)
{
    (void)state;
    /* Only the first 128 KiB of a 100 MB buffer can be read: touching the
     * rest crashes, so passing shows the line was judged on its start. */
    size_t len = 100u * 1024 * 1024, readable = 128u * 1024;
    char *map = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    assert_true(map != MAP_FAILED);
    assert_int_equal(mprotect(map, readable, PROT_READ | PROT_WRITE), 0);
    memset(map, '7', readable);
    memcpy(map, "2022,1\r\n", 8);
    struct csv_table table;
    char err[128];
    int rc = csv_parse(map, len, &callbacks, &table, err, sizeof err);
    munmap(map, len);
    assert_int_equal(rc, -1);
    assert_string_equal(err, "line 2: longer than 65536 bytes");
    assert_null(table.rows);
}

/* --- error buffer --- */

static void test_small_error_buffer(void **state)
{
    (void)state;
    struct csv_table table;
    char err[12];
    assert_int_equal(csv_parse("2023,x", 6, &callbacks, &table, err, sizeof err), -1);
    assert_string_equal(err, "line 1: \"x\"");
    assert_int_equal(csv_parse("2023,x", 6, &callbacks, &table, err, 5), -1);
    assert_string_equal(err, "line");
    assert_int_equal(csv_parse("2023,x", 6, &callbacks, &table, NULL, 0), -1);
    assert_null(table.rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bom_skipped),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_lone_cr),
        cmocka_unit_test(test_last_line_without_end),
        cmocka_unit_test(test_comments_and_blank_lines),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_empty_input_without_buffer),
        cmocka_unit_test(test_comma_separator),
        cmocka_unit_test(test_semicolon_separator),
        cmocka_unit_test(test_separator_detected_outside_quotes),
        cmocka_unit_test(test_decimal_comma_quoted),
        cmocka_unit_test(test_dot_and_comma_refused),
        cmocka_unit_test(test_quoted_fields),
        cmocka_unit_test(test_escaped_quote),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_text_after_closing_quote),
        cmocka_unit_test(test_blanks_trimmed),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_missing_values),
        cmocka_unit_test(test_non_finite_refused),
        cmocka_unit_test(test_trailing_garbage_refused),
        cmocka_unit_test(test_message_shows_field_safely),
        cmocka_unit_test(test_embedded_nul),
        cmocka_unit_test(test_status_parsed),
        cmocka_unit_test(test_unknown_status_refused),
        cmocka_unit_test(test_every_period_form),
        cmocka_unit_test(test_bad_period_refused),
        cmocka_unit_test(test_out_of_order_sorted),
        cmocka_unit_test(test_many_rows_sorted),
        cmocka_unit_test(test_mixed_kinds_refused),
        cmocka_unit_test(test_duplicate_period_refused),
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_header_unknown_column),
        cmocka_unit_test(test_header_wrong_columns),
        cmocka_unit_test(test_too_many_columns),
        cmocka_unit_test(test_too_few_columns),
        cmocka_unit_test(test_line_limit_boundary),
        cmocka_unit_test(test_100_mb_line),
        cmocka_unit_test(test_long_line_rejected_without_reading_it),
        cmocka_unit_test(test_small_error_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
