/*
 * csv_parse.h — turns the bytes of a CSV file of observations into a table of
 * observations sorted by period, or into one line saying what is wrong where.
 *
 * The format is `period,value[,status]`, with an optional header row, `;` or
 * `,` as separator, a decimal point or decimal comma, `..` or an empty field
 * for a missing value, and `#` comment lines (see csv_parse.c for every rule).
 *
 * The parser is pure: it never does I/O, keeps no global state, never reads
 * past `len` (the buffer need not be NUL-terminated) and never examines more
 * than CSV_LINE_MAX + 1 bytes of one line, so a hostile file cannot make it
 * slow or large. Periods and status letters are parsed by pejld's own
 * parsers, handed in as callbacks, so the module links nothing of pejld.
 */
#ifndef PEJL_CSV_PARSE_H
#define PEJL_CSV_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "../collector.h"

/* Longest line accepted, in bytes, without its line end. */
#define CSV_LINE_MAX 65536

typedef int (*csv_period_parse_fn)(const char *text, size_t len, struct pejl_period *out);
typedef size_t (*csv_period_format_fn)(const struct pejl_period *p, char *buf, size_t size);
typedef int (*csv_status_parse_fn)(const char *text, size_t len, uint32_t *out);

/* The services the parser borrows from pejld (the same as in struct pejl_host). */
struct csv_callbacks {
    csv_period_parse_fn period_parse;   /* 0, or -1 if the text is no period */
    csv_period_format_fn period_format; /* canonical form, for messages */
    csv_status_parse_fn status_parse;   /* 0, or -1 on an unknown letter */
};

/* One observation and the line (1-based) it was read from. */
struct csv_row {
    struct pejl_observation obs;
    size_t line;
};

/* The observations of one file, sorted by period; every period once. */
struct csv_table {
    struct csv_row *rows;
    size_t n, cap;
};

/*
 * Parses `len` bytes at `buf` into `*out`, which is overwritten (not freed).
 * Returns 0, or -1 with `*out` empty and a one-line reason in `err` that
 * starts with the line it concerns: "line 5: ...".
 */
int csv_parse(const char *buf, size_t len, const struct csv_callbacks *callbacks,
              struct csv_table *out, char *err, size_t errlen);

void csv_table_free(struct csv_table *table);

#endif
