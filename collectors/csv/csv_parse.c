/*
 * csv_parse.c — the CSV observation parser (see csv_parse.h).
 *
 * The rules, in the order a line meets them:
 *  - A UTF-8 byte order mark at the very start is skipped.
 *  - A line ends at LF, CRLF or a lone CR; quotes do not span lines. A line
 *    longer than CSV_LINE_MAX bytes is an error, found by looking at no more
 *    than CSV_LINE_MAX + 1 bytes of it.
 *  - Blank lines and lines whose first non-blank character is `#` are skipped.
 *  - The first other line decides the separator: `;` if it has a `;` outside
 *    quotes, else `,`. If its first field is `period` (any case) it is a
 *    header, whose columns must be period, value and optionally status, in
 *    that order; rows may then have no more columns than the header.
 *  - Fields may be double-quoted (`""` is a quote; separators inside are
 *    text). Blanks (space, tab) around fields are trimmed, not inside quotes.
 *  - A value is [+-]digits[(.|,)digits][(e|E)[+-]digits]; `..` or empty is a
 *    missing value (NAN). Having both `.` and `,` is an error: there are no
 *    thousands separators. Values that are not finite are errors.
 *  - Periods and status letters are parsed by the callbacks.
 *  - All rows have the same period kind; they are sorted by period and no
 *    period may occur twice.
 *
 * strtod is called on a NUL-terminated copy with `.` as the decimal point,
 * which is right because pejld runs in the C locale (it never sets
 * LC_NUMERIC); the copy's syntax is checked first, so strtod never sees hex,
 * inf or nan.
 */
#include "csv_parse.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CSV_COLUMNS_MAX 3
/* Fields split per line: one more than allowed, so a surplus column can be named. */
#define CSV_SPLIT_MAX (CSV_COLUMNS_MAX + 1)
/* A field quoted in a message is cut after this many bytes. */
#define SHOWN_CUT 40
#define SHOWN_SIZE (SHOWN_CUT + sizeof "...")
#define PERIOD_SHOWN_SIZE 32
#define COLUMNS_HINT "(columns are period,value[,status])"
#define PERIOD_HINT "(write 2023, 2023-Q1, 2023-01, 2023-W05 or 2023-01-31)"

static const char *const column_names[CSV_COLUMNS_MAX] = {"period", "value", "status"};

struct csv_line {
    const char *text; /* into the caller's buffer; not NUL-terminated */
    size_t len;       /* without the line end */
    size_t number;    /* 1-based */
};

/* A field after unquoting and trimming, NUL-terminated in the scratch buffer. */
struct csv_field {
    char *text;
    size_t len;
};

struct csv_record {
    struct csv_field field[CSV_SPLIT_MAX];
    size_t count;
};

struct csv_parser {
    const char *cursor, *end;
    size_t line_number;
    char separator; /* 0 until the first line that is not skipped */
    size_t columns; /* most columns a row may have */
    char *scratch;  /* CSV_LINE_MAX + 1 bytes: the fields of one line */
    const struct csv_callbacks *callbacks;
    struct csv_table *table;
    char *err;
    size_t errlen;
};

static int fail(struct csv_parser *p, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes "line N: <message>" to the error buffer (no prefix if line is 0); returns -1. */
static int fail(struct csv_parser *p, size_t line, const char *fmt, ...)
{
    if (p->errlen == 0)
        return -1;
    int n = line ? snprintf(p->err, p->errlen, "line %zu: ", line) : 0;
    if (n < 0 || (size_t)n >= p->errlen)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* The field as a message may quote it: control bytes replaced, long text cut
 * at a UTF-8 character boundary. */
static const char *show_field(const struct csv_field *f, char shown[SHOWN_SIZE])
{
    size_t n = f->len;
    if (n > SHOWN_CUT) {
        n = SHOWN_CUT;
        while (n > 0 && ((unsigned char)f->text[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)f->text[i];
        shown[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    strcpy(shown + n, n < f->len ? "..." : "");
    return shown;
}

static const char *kind_name(uint8_t kind)
{
    static const char *const names[] = {"none",    "annual", "quarterly",
                                        "monthly", "weekly", "daily"};
    return kind < sizeof names / sizeof *names ? names[kind] : "none";
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static const char *skip_blanks(const char *s, const char *end)
{
    while (s < end && is_blank(*s))
        s++;
    return s;
}

/* --- lines --- */

/* Length of the line at `s`, looking at no more than `window` bytes. */
static size_t line_length(const char *s, size_t window)
{
    const char *lf = memchr(s, '\n', window);
    size_t n = lf ? (size_t)(lf - s) : window;
    const char *cr = memchr(s, '\r', n);
    return cr ? (size_t)(cr - s) : n;
}

static void skip_line_end(struct csv_parser *p)
{
    if (p->cursor == p->end)
        return;
    if (*p->cursor++ == '\r' && p->cursor < p->end && *p->cursor == '\n')
        p->cursor++;
}

/* Finds the next line; returns 1, 0 at the end of the buffer, or -1 if it is too long. */
static int next_line(struct csv_parser *p, struct csv_line *line)
{
    size_t left = (size_t)(p->end - p->cursor);
    if (left == 0)
        return 0;
    size_t window = left < CSV_LINE_MAX + 1 ? left : CSV_LINE_MAX + 1;
    line->text = p->cursor;
    line->number = ++p->line_number;
    line->len = line_length(p->cursor, window);
    if (line->len > CSV_LINE_MAX)
        return fail(p, line->number, "longer than %d bytes", CSV_LINE_MAX);
    p->cursor += line->len;
    skip_line_end(p);
    return 1;
}

static bool is_skipped(const struct csv_line *line)
{
    const char *end = line->text + line->len;
    const char *s = skip_blanks(line->text, end);
    return s == end || *s == '#';
}

static char detect_separator(const struct csv_line *line)
{
    bool quoted = false;
    for (size_t i = 0; i < line->len; i++) {
        if (line->text[i] == '"')
            quoted = !quoted;
        else if (line->text[i] == ';' && !quoted)
            return ';';
    }
    return ',';
}

/* --- fields --- */

static void read_plain(char separator, const char **s, const char *end, struct csv_field *field)
{
    const char *stop = memchr(*s, separator, (size_t)(end - *s));
    if (!stop)
        stop = end;
    const char *last = stop;
    while (last > *s && is_blank(last[-1]))
        last--;
    field->len = (size_t)(last - *s);
    memcpy(field->text, *s, field->len);
    *s = stop;
}

static int read_quoted(struct csv_parser *p, size_t line, const char **s, const char *end,
                       struct csv_field *field)
{
    const char *c = *s + 1;
    size_t n = 0;
    for (;;) {
        if (c == end)
            return fail(p, line, "unterminated quote");
        if (*c == '"' && !(c + 1 < end && c[1] == '"'))
            break;
        c += *c == '"' ? 2 : 1; /* `""` is one quote: keep the second */
        field->text[n++] = c[-1];
    }
    c = skip_blanks(c + 1, end);
    if (c < end && *c != p->separator)
        return fail(p, line, "text after a closing quote");
    field->len = n;
    *s = c;
    return 0;
}

/* Reads the field at *s into *out; leaves *s at the separator or the line's end.
 * A field never takes more scratch than its bytes plus the separator after it. */
static int read_field(struct csv_parser *p, size_t line, const char **s, const char *end,
                      char **out, struct csv_field *field)
{
    *s = skip_blanks(*s, end);
    field->text = *out;
    if (*s < end && **s == '"') {
        if (read_quoted(p, line, s, end, field) < 0)
            return -1;
    } else {
        read_plain(p->separator, s, end, field);
    }
    field->text[field->len] = '\0';
    *out += field->len + 1;
    return 0;
}

/* Splits a line into up to CSV_SPLIT_MAX fields; the rest of the line is ignored. */
static int split_record(struct csv_parser *p, const struct csv_line *line, struct csv_record *rec)
{
    const char *s = line->text, *end = line->text + line->len;
    char *out = p->scratch;
    rec->count = 0;
    while (rec->count < CSV_SPLIT_MAX) {
        if (read_field(p, line->number, &s, end, &out, &rec->field[rec->count++]) < 0)
            return -1;
        if (s == end)
            return 0;
        s++; /* the separator */
    }
    return 0;
}

/* --- header --- */

static bool field_is(const struct csv_field *f, const char *name)
{
    size_t n = strlen(name);
    if (f->len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = f->text[i];
        if ((c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c) != name[i])
            return false;
    }
    return true;
}

static int column_index(const struct csv_field *f)
{
    for (int i = 0; i < CSV_COLUMNS_MAX; i++)
        if (field_is(f, column_names[i]))
            return i;
    return -1;
}

static int too_many_columns(struct csv_parser *p, size_t line, size_t most)
{
    return fail(p, line, "too many columns (at most %zu: %s)", most,
                most == 2 ? "period,value" : "period,value,status");
}

static int check_header(struct csv_parser *p, size_t line, const struct csv_record *rec)
{
    char shown[SHOWN_SIZE];
    for (size_t i = 0; i < rec->count; i++) {
        int known = column_index(&rec->field[i]);
        if (known < 0)
            return fail(p, line, "unknown column \"%s\" " COLUMNS_HINT,
                        show_field(&rec->field[i], shown));
        if (i >= CSV_COLUMNS_MAX)
            return too_many_columns(p, line, CSV_COLUMNS_MAX);
        if ((size_t)known != i)
            return fail(p, line, "column %zu is \"%s\" but must be \"%s\" " COLUMNS_HINT, i + 1,
                        column_names[known], column_names[i]);
    }
    if (rec->count < 2)
        return fail(p, line, "the header has no value column " COLUMNS_HINT);
    p->columns = rec->count;
    return 0;
}

/* --- rows --- */

static int parse_period(struct csv_parser *p, size_t line, const struct csv_field *f,
                        struct pejl_period *out)
{
    char shown[SHOWN_SIZE];
    if (p->callbacks->period_parse(f->text, f->len, out) == 0)
        return 0;
    return fail(p, line, "\"%s\" is not a period " PERIOD_HINT, show_field(f, shown));
}

static size_t span_digits(const char *s, size_t len, size_t i)
{
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

/* [+-]digits[(.|,)digits][(e|E)[+-]digits], with at least one mantissa digit. */
static bool is_decimal_number(const char *s, size_t len)
{
    size_t i = len > 0 && (s[0] == '+' || s[0] == '-') ? 1 : 0;
    size_t int_end = span_digits(s, len, i);
    size_t frac_end = int_end;
    if (int_end < len && (s[int_end] == '.' || s[int_end] == ','))
        frac_end = span_digits(s, len, int_end + 1);
    size_t fraction_digits = frac_end > int_end ? frac_end - int_end - 1 : 0;
    if (int_end - i + fraction_digits == 0)
        return false;
    i = frac_end;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i += i + 1 < len && (s[i + 1] == '+' || s[i + 1] == '-') ? 2 : 1;
        size_t exponent_end = span_digits(s, len, i);
        if (exponent_end == i)
            return false;
        i = exponent_end;
    }
    return i == len;
}

static bool is_missing(const struct csv_field *f)
{
    return f->len == 0 || (f->len == 2 && memcmp(f->text, "..", 2) == 0);
}

static int parse_value(struct csv_parser *p, size_t line, struct csv_field *f, double *out)
{
    char shown[SHOWN_SIZE];
    *out = NAN;
    if (is_missing(f))
        return 0;
    show_field(f, shown);
    char *comma = memchr(f->text, ',', f->len);
    if (comma && memchr(f->text, '.', f->len))
        return fail(p, line, "\"%s\" has both \".\" and \",\"; write no thousands separator",
                    shown);
    if (!is_decimal_number(f->text, f->len))
        return fail(p, line, "\"%s\" is not a number", shown);
    if (comma)
        *comma = '.';
    double value = strtod(f->text, NULL);
    if (!isfinite(value))
        return fail(p, line, "\"%s\" is out of range", shown);
    *out = value;
    return 0;
}

static int parse_status(struct csv_parser *p, size_t line, const struct csv_field *f, uint32_t *out)
{
    char shown[SHOWN_SIZE];
    *out = 0;
    if (!f || f->len == 0 || p->callbacks->status_parse(f->text, f->len, out) == 0)
        return 0;
    return fail(p, line, "\"%s\" is not a status (letters p e b d u c)", show_field(f, shown));
}

/* All periods of a file must be of one kind: the first row's. */
static int check_kind(struct csv_parser *p, const struct csv_row *row)
{
    const struct csv_row *first = p->table->rows;
    char text[PERIOD_SHOWN_SIZE];
    if (p->table->n == 0 || first->obs.period.kind == row->obs.period.kind)
        return 0;
    p->callbacks->period_format(&row->obs.period, text, sizeof text);
    return fail(p, row->line, "%s is %s but line %zu was %s", text, kind_name(row->obs.period.kind),
                first->line, kind_name(first->obs.period.kind));
}

static int table_push(struct csv_parser *p, const struct csv_row *row)
{
    struct csv_table *t = p->table;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        struct csv_row *rows =
            cap <= SIZE_MAX / sizeof *rows ? realloc(t->rows, cap * sizeof *rows) : NULL;
        if (!rows)
            return fail(p, row->line, "out of memory");
        t->rows = rows;
        t->cap = cap;
    }
    t->rows[t->n++] = *row;
    return 0;
}

static int parse_row(struct csv_parser *p, size_t line, struct csv_record *rec)
{
    struct csv_row row = {.line = line};
    if (rec->count > p->columns)
        return too_many_columns(p, line, p->columns);
    if (rec->count < 2)
        return fail(p, line, "too few columns: no value " COLUMNS_HINT);
    if (parse_period(p, line, &rec->field[0], &row.obs.period) < 0 ||
        parse_value(p, line, &rec->field[1], &row.obs.value) < 0 ||
        parse_status(p, line, rec->count > 2 ? &rec->field[2] : NULL, &row.obs.status) < 0 ||
        check_kind(p, &row) < 0)
        return -1;
    return table_push(p, &row);
}

static int parse_line(struct csv_parser *p, const struct csv_line *line)
{
    struct csv_record rec;
    bool first = p->separator == 0;
    if (first)
        p->separator = detect_separator(line);
    if (split_record(p, line, &rec) < 0)
        return -1;
    if (first && field_is(&rec.field[0], "period"))
        return check_header(p, line->number, &rec);
    return parse_row(p, line->number, &rec);
}

static int parse_lines(struct csv_parser *p)
{
    struct csv_line line;
    int found;
    while ((found = next_line(p, &line)) > 0)
        if (!is_skipped(&line) && parse_line(p, &line) < 0)
            return -1;
    return found;
}

/* --- order --- */

static int order(long a, long b)
{
    return (a > b) - (a < b);
}

/* Within one kind, year then index then day is the order of period ends. */
static int compare_periods(const struct pejl_period *a, const struct pejl_period *b)
{
    int c = order(a->year, b->year);
    if (c == 0)
        c = order(a->kind, b->kind);
    if (c == 0)
        c = order(a->index, b->index);
    return c ? c : order(a->day, b->day);
}

static int compare_rows(const void *a, const void *b)
{
    const struct csv_row *x = a, *y = b;
    int c = compare_periods(&x->obs.period, &y->obs.period);
    return c ? c : order((long)x->line, (long)y->line);
}

/* Reports the repeated period whose second occurrence comes first in the file. */
static int check_duplicates(struct csv_parser *p)
{
    const struct csv_table *t = p->table;
    const struct csv_row *repeat = NULL;
    char text[PERIOD_SHOWN_SIZE];
    for (size_t i = 1; i < t->n; i++)
        if (compare_periods(&t->rows[i - 1].obs.period, &t->rows[i].obs.period) == 0 &&
            (!repeat || t->rows[i].line < repeat->line))
            repeat = &t->rows[i];
    if (!repeat)
        return 0;
    p->callbacks->period_format(&repeat->obs.period, text, sizeof text);
    return fail(p, repeat->line, "period %s already on line %zu", text, repeat[-1].line);
}

static const char *skip_bom(const char *buf, size_t len)
{
    return len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? buf + 3 : buf;
}

int csv_parse(const char *buf, size_t len, const struct csv_callbacks *callbacks,
              struct csv_table *out, char *err, size_t errlen)
{
    struct csv_parser p = {.columns = CSV_COLUMNS_MAX,
                           .callbacks = callbacks,
                           .table = out,
                           .err = err,
                           .errlen = errlen};
    *out = (struct csv_table){0};
    if (errlen)
        err[0] = '\0';
    if (len == 0)
        return 0;
    p.cursor = skip_bom(buf, len);
    p.end = buf + len;
    p.scratch = malloc(CSV_LINE_MAX + 1);
    if (!p.scratch)
        return fail(&p, 0, "out of memory");
    int rc = parse_lines(&p);
    free(p.scratch);
    if (rc == 0 && out->n > 1) {
        qsort(out->rows, out->n, sizeof *out->rows, compare_rows);
        rc = check_duplicates(&p);
    }
    if (rc < 0)
        csv_table_free(out);
    return rc;
}

void csv_table_free(struct csv_table *table)
{
    free(table->rows);
    *table = (struct csv_table){0};
}
