/*
 * jsonstat_cells.c — reads a dataset's `value` and `status` straight into
 * out->values and out->status_index, without a tree: these are the members
 * that can hold millions of cells.
 *
 * `value` is an array of every cell or an object "flat index": value; none,
 * null or [] leaves every cell missing. A number is the value, and so is a
 * string holding one ("12.5"); null is missing; another string (":C", "..")
 * is missing with that string as its status, unless it has a comma among
 * digits ("1,5"), which is refused as ambiguous. `status` is one string for
 * every cell, an array (of one entry for every cell, or of all of them) or an
 * object keyed like `value`; an entry may be a position in the
 * status.category.index that jsonstat_decode.c loaded. It is read after
 * `value`, so an explicit status wins over a string value's, while null and
 * "" leave a cell's status as it was.
 *
 * Status strings are interned: each distinct one is stored once, and a cell
 * keeps a 16-bit index. A small hash (plus the last string seen, which is
 * what consecutive cells usually have) finds them.
 */
#include "jsonstat_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*cell_setter)(struct jsonstat_decoder *d, size_t cell, struct js_span value);

static int out_of_memory(struct jsonstat_decoder *d)
{
    return jsonstat_fail(d, "out of memory");
}

/* --- interned status strings --- */

static uint32_t hash_of(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void hash_insert(struct jsonstat_decoder *d, uint32_t index)
{
    size_t mask = d->n_slots - 1, at = hash_of(d->out->statuses[index]) & mask;
    while (d->slots[at])
        at = (at + 1) & mask;
    d->slots[at] = index + 1;
}

/* Makes room for `entries` strings, keeping the hash at most half full. */
static int hash_reserve(struct jsonstat_decoder *d, size_t entries)
{
    if (2 * entries <= d->n_slots)
        return 0;
    size_t n_slots = d->n_slots ? d->n_slots * 2 : 16;
    uint32_t *slots = calloc(n_slots, sizeof *slots);
    if (!slots)
        return out_of_memory(d);
    free(d->slots);
    d->slots = slots;
    d->n_slots = n_slots;
    for (uint32_t i = 1; i < d->out->n_statuses; i++)
        hash_insert(d, i);
    return 0;
}

static long hash_find(const struct jsonstat_decoder *d, const char *text)
{
    if (d->n_slots == 0)
        return -1;
    size_t mask = d->n_slots - 1;
    for (size_t at = hash_of(text) & mask; d->slots[at]; at = (at + 1) & mask)
        if (strcmp(d->out->statuses[d->slots[at] - 1], text) == 0)
            return (long)d->slots[at] - 1;
    return -1;
}

/* Appends a copy of `text` to out->statuses, whose entry 0 is NULL. */
static int add_status(struct jsonstat_decoder *d, const char *text, uint16_t *index)
{
    struct jsonstat_dataset *ds = d->out;
    if (ds->n_statuses > JSONSTAT_MAX_STATUSES)
        return jsonstat_fail(d, "more than %d different statuses", JSONSTAT_MAX_STATUSES);
    if (ds->n_statuses + 1 >= d->statuses_cap) {
        size_t cap = d->statuses_cap ? d->statuses_cap * 2 : 8;
        char **statuses = realloc(ds->statuses, cap * sizeof *statuses);
        if (!statuses)
            return out_of_memory(d);
        ds->statuses = statuses;
        d->statuses_cap = cap;
        if (ds->n_statuses == 0)
            ds->statuses[ds->n_statuses++] = NULL;
    }
    if (hash_reserve(d, ds->n_statuses + 1) < 0)
        return -1;
    if (!(ds->statuses[ds->n_statuses] = strdup(text)))
        return out_of_memory(d);
    *index = (uint16_t)ds->n_statuses++;
    hash_insert(d, *index);
    return 0;
}

/* The index of the status string `text`. */
static int intern_text(struct jsonstat_decoder *d, const char *text, uint16_t *index)
{
    if (d->last && strcmp(d->out->statuses[d->last], text) == 0) {
        *index = d->last;
        return 0;
    }
    long found = hash_find(d, text);
    if (found > 0)
        *index = (uint16_t)found;
    else if (add_status(d, text, index) < 0)
        return -1;
    d->last = *index;
    return 0;
}

/* The index of the status string whose JSON contents are `contents`. */
static int intern(struct jsonstat_decoder *d, struct js_span contents, uint16_t *index)
{
    size_t need = (size_t)(contents.end - contents.start) + 1;
    if (need > d->scratch_size) {
        char *scratch = realloc(d->scratch, need);
        if (!scratch)
            return out_of_memory(d);
        d->scratch = scratch;
        d->scratch_size = need;
    }
    jsonstat_scan_string_decode(contents, d->scratch);
    return intern_text(d, d->scratch, index);
}

/* --- cells --- */

static int set_status_index(struct jsonstat_decoder *d, size_t cell, uint16_t index)
{
    if (!d->out->status_index &&
        !(d->out->status_index = calloc(d->out->n_cells, sizeof *d->out->status_index)))
        return out_of_memory(d);
    d->out->status_index[cell] = index;
    return 0;
}

/* The index of a status string; 0 for "", which is no status. */
static int status_of_string(struct jsonstat_decoder *d, struct js_span string, uint16_t *index)
{
    struct js_span contents = jsonstat_scan_string_contents(string);
    *index = 0;
    return contents.start == contents.end ? 0 : intern(d, contents, index);
}

static int set_status(struct jsonstat_decoder *d, size_t cell, struct js_span string)
{
    uint16_t index;
    if (status_of_string(d, string, &index) < 0)
        return -1;
    return index ? set_status_index(d, cell, index) : 0;
}

/* The index of a status given as a position in status.category.index. */
static int status_of_position(struct jsonstat_decoder *d, size_t cell, struct js_span number,
                              uint16_t *index)
{
    double at;
    int len = number.end - number.start > 40 ? 40 : (int)(number.end - number.start);
    if (!d->status_codes)
        return jsonstat_fail(d, "the status of cell %zu is a number, not a string", cell);
    int rc = jsonstat_scan_number(number, &at);
    if (rc < 0)
        return out_of_memory(d);
    if (d->n_status_codes == 0)
        return jsonstat_fail(d,
                             "the status of cell %zu is %.*s, but status.category.index is empty",
                             cell, len, number.start);
    if (rc > 0 || at < 0 || at != floor(at) || at >= (double)d->n_status_codes)
        return jsonstat_fail(d,
                             "the status of cell %zu is %.*s, not a position in "
                             "status.category.index (0 to %zu)",
                             cell, len, number.start, d->n_status_codes - 1);
    const char *code = d->status_codes[(size_t)at].code;
    *index = 0;
    return *code == '\0' ? 0 : intern_text(d, code, index);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A decimal number as JavaScript's Number() and Python's float() read one:
 * [+-]digits[.digits][(e|E)[+-]digits], digits on one side of the point at
 * least ("5.", ".5"). Not hexadecimal, Infinity or NaN. */
static bool is_decimal(const char *p, const char *end)
{
    size_t digits = 0;
    if (p < end && (*p == '+' || *p == '-'))
        p++;
    for (; p < end && is_digit(*p); p++)
        digits++;
    if (p < end && *p == '.')
        for (p++; p < end && is_digit(*p); p++)
            digits++;
    if (digits == 0)
        return false;
    if (p < end && (*p == 'e' || *p == 'E')) {
        if (++p < end && (*p == '+' || *p == '-'))
            p++;
        if (p == end || !is_digit(*p))
            return false;
        while (p < end && is_digit(*p))
            p++;
    }
    return p == end;
}

/* The decimal's value as strtod gives it: 0, 1 if out of range, -1 if out
 * of memory. */
static int decimal_value(const char *p, const char *end, double *out)
{
    size_t n = (size_t)(end - p);
    char small[65];
    char *copy = n < sizeof small ? small : malloc(n + 1);
    if (!copy)
        return -1;
    memcpy(copy, p, n);
    copy[n] = '\0';
    *out = strtod(copy, NULL);
    if (copy != small)
        free(copy);
    return isfinite(*out) ? 0 : 1;
}

/* Digits with a comma among them, and nothing but a sign, digits, '.' and
 * ',': "1,5" and "1,500" may be 1.5 or 1500. */
static bool is_comma_number(const char *p, const char *end)
{
    bool comma = false;
    if (p < end && (*p == '-' || *p == '+'))
        p++;
    if (p == end || !is_digit(*p) || !is_digit(end[-1]))
        return false;
    for (; p < end; p++) {
        if (*p == ',')
            comma = true;
        else if (*p != '.' && !is_digit(*p))
            return false;
    }
    return comma;
}

/*
 * A value written as a string. The toolkit keeps it as it is; here a string
 * that is a decimal number (spaces around it allowed) is that number, one with a comma among its
 * digits is refused as ambiguous, and any other (":C", "..") is a missing value with the string as
 * its status.
 */
static int set_string_value(struct jsonstat_decoder *d, size_t cell, struct js_span string)
{
    char shown[64], text[48];
    struct js_span number = jsonstat_scan_string_contents(string);
    double *slot = &d->out->values[cell];
    while (number.start < number.end && *number.start == ' ')
        number.start++;
    while (number.end > number.start && number.end[-1] == ' ')
        number.end--;
    if (is_decimal(number.start, number.end)) {
        int rc = decimal_value(number.start, number.end, slot);
        if (rc > 0)
            return jsonstat_fail(d, "the value of cell %zu is out of range", cell);
        return rc < 0 ? out_of_memory(d) : 0;
    }
    if (is_comma_number(number.start, number.end)) {
        size_t n = (size_t)(number.end - number.start);
        snprintf(text, sizeof text, "%.*s", (int)(n < 40 ? n : 40), number.start);
        return jsonstat_fail(d,
                             "the value of cell %zu is \"%s\": digits with a comma may have a "
                             "decimal comma or a thousands separator, so the number is ambiguous",
                             cell, jsonstat_shown(text, 40, shown, sizeof shown));
    }
    *slot = NAN;
    return set_status(d, cell, string);
}

static int set_value(struct jsonstat_decoder *d, size_t cell, struct js_span value)
{
    double *slot = &d->out->values[cell];
    enum js_type type = jsonstat_scan_type_of(value);
    switch (type) {
    case JS_NUMBER:
        switch (jsonstat_scan_number(value, slot)) {
        case 0:
            return 0;
        case 1:
            return jsonstat_fail(d, "the value of cell %zu is out of range", cell);
        default:
            return out_of_memory(d);
        }
    case JS_NULL:
        *slot = NAN;
        return 0;
    case JS_STRING:
        return set_string_value(d, cell, value);
    default:
        return jsonstat_fail(d, "the value of cell %zu is %s, not a number", cell,
                             jsonstat_scan_type_name(type));
    }
}

/* The index of an entry of `status`; 0 (none: leave the cell's as it is)
 * for null and "". */
static int status_of_entry(struct jsonstat_decoder *d, size_t cell, struct js_span value,
                           uint16_t *index)
{
    enum js_type type = jsonstat_scan_type_of(value);
    *index = 0;
    if (type == JS_STRING)
        return status_of_string(d, value, index);
    if (type == JS_NULL)
        return 0;
    if (type == JS_NUMBER)
        return status_of_position(d, cell, value, index);
    return jsonstat_fail(d, "the status of cell %zu is %s, not a string", cell,
                         jsonstat_scan_type_name(type));
}

static int set_status_entry(struct jsonstat_decoder *d, size_t cell, struct js_span value)
{
    uint16_t index;
    if (status_of_entry(d, cell, value, &index) < 0)
        return -1;
    return index ? set_status_index(d, cell, index) : 0;
}

/* A key of a sparse member: the flat index in canonical decimal. */
static int cell_of_key(struct jsonstat_decoder *d, struct js_span key, const char *member,
                       size_t *cell)
{
    char digits[24], shown[64];
    const char *s = key.start;
    size_t n = (size_t)(key.end - key.start), v = 0;
    if (memchr(s, '\\', n) && n < sizeof digits) {
        n = jsonstat_scan_string_decode(key, digits);
        s = digits;
    }
    bool ok = n > 0 && n < sizeof digits && !(s[0] == '0' && n > 1);
    for (size_t i = 0; ok && i < n; i++) {
        ok = s[i] >= '0' && s[i] <= '9' && v <= (SIZE_MAX - 9) / 10;
        v = v * 10 + (size_t)(s[i] - '0');
    }
    if (!ok) {
        char *text = jsonstat_scan_string_dup(key);
        jsonstat_fail(d, "\"%s\" has a key \"%s\" that is not a cell number", member,
                      text ? jsonstat_shown(text, 40, shown, sizeof shown) : "?");
        free(text);
        return -1;
    }
    if (v >= d->out->n_cells)
        return jsonstat_fail(d, "\"%s\" has cell %zu, beyond the %zu %s the sizes make", member, v,
                             d->out->n_cells, d->out->n_cells == 1 ? "cell" : "cells");
    *cell = v;
    return 0;
}

static int read_sparse(struct jsonstat_decoder *d, struct js_span object, const char *member,
                       cell_setter set)
{
    struct js_cursor cursor;
    struct js_span key, value;
    size_t cell = 0, bytes = d->out->n_cells / 8 + 1;
    if (!d->seen && !(d->seen = malloc(bytes)))
        return out_of_memory(d);
    memset(d->seen, 0, bytes);
    jsonstat_scan_enter(&cursor, object);
    while (jsonstat_scan_next_member(&cursor, &key, &value)) {
        if (cell_of_key(d, key, member, &cell) < 0)
            return -1;
        if (d->seen[cell / 8] & (1u << (cell % 8)))
            return jsonstat_fail(d, "\"%s\" has cell %zu twice", member, cell);
        d->seen[cell / 8] |= (uint8_t)(1u << (cell % 8));
        if (set(d, cell, value) < 0)
            return -1;
    }
    return 0;
}

/* Calls `set` for each element; returns how many there are, or -1. Elements
 * past the last cell are only counted. */
static long read_dense(struct jsonstat_decoder *d, struct js_span array, cell_setter set)
{
    struct js_cursor cursor;
    struct js_span value;
    size_t n = 0;
    jsonstat_scan_enter(&cursor, array);
    while (jsonstat_scan_next_element(&cursor, &value)) {
        if (n < d->out->n_cells && set(d, n, value) < 0)
            return -1;
        n++;
    }
    return (long)n;
}

static int wrong_count(struct jsonstat_decoder *d, const char *member, size_t n)
{
    size_t cells = d->out->n_cells;
    return jsonstat_fail(d,
                         "\"%s\" has %zu %s, but the sizes make %zu %s; which cell each entry "
                         "is for is ambiguous",
                         member, n, n == 1 ? "entry" : "entries", cells,
                         cells == 1 ? "cell" : "cells");
}

static bool is_empty_array(struct js_span array)
{
    struct js_cursor cursor;
    struct js_span element;
    jsonstat_scan_enter(&cursor, array);
    return !jsonstat_scan_next_element(&cursor, &element);
}

int jsonstat_read_values(struct jsonstat_decoder *d, struct js_span value)
{
    struct jsonstat_dataset *ds = d->out;
    /* None, null or [] is the toolkit's metadata answer: every cell missing. */
    enum js_type type = value.start ? jsonstat_scan_type_of(value) : JS_NULL;
    bool none = type == JS_NULL || (type == JS_ARRAY && is_empty_array(value));
    if (type != JS_ARRAY && type != JS_OBJECT && !none)
        return jsonstat_fail(d, "\"value\" is %s; it must be an array or an object",
                             jsonstat_scan_type_name(type));
    if (!(ds->values = malloc((ds->n_cells ? ds->n_cells : 1) * sizeof *ds->values)))
        return out_of_memory(d);
    if (type == JS_OBJECT || none) {
        for (size_t i = 0; i < ds->n_cells; i++)
            ds->values[i] = NAN;
        return none ? 0 : read_sparse(d, value, "value", set_value);
    }
    long n = read_dense(d, value, set_value);
    if (n >= 0 && (size_t)n != ds->n_cells)
        return wrong_count(d, "value", (size_t)n);
    return n < 0 ? -1 : 0;
}

/* One status for every cell: a string, or a position in status.category. */
static int spread_status(struct jsonstat_decoder *d, struct js_span entry)
{
    struct jsonstat_dataset *ds = d->out;
    uint16_t index;
    if (ds->n_cells == 0)
        return 0;
    if (status_of_entry(d, 0, entry, &index) < 0 || (index && set_status_index(d, 0, index) < 0))
        return -1;
    for (size_t i = 1; index && i < ds->n_cells; i++)
        ds->status_index[i] = index;
    return 0;
}

static int read_status_array(struct jsonstat_decoder *d, struct js_span array)
{
    struct js_cursor cursor;
    struct js_span first;
    jsonstat_scan_enter(&cursor, array);
    bool single = jsonstat_scan_next_element(&cursor, &first) &&
                  !jsonstat_scan_next_element(&cursor, &(struct js_span){0});
    if (single && d->out->n_cells > 1)
        return spread_status(d, first);
    long n = read_dense(d, array, set_status_entry);
    if (n >= 0 && (size_t)n != d->out->n_cells)
        return wrong_count(d, "status", (size_t)n);
    return n < 0 ? -1 : 0;
}

int jsonstat_read_status(struct jsonstat_decoder *d, struct js_span status)
{
    enum js_type type = jsonstat_scan_type_of(status);
    switch (type) {
    case JS_NULL:
        return 0;
    case JS_STRING:
        return spread_status(d, status);
    case JS_ARRAY:
        return read_status_array(d, status);
    case JS_OBJECT:
        return read_sparse(d, status, "status", set_status_entry);
    default:
        return jsonstat_fail(d, "\"status\" is %s; it must be a string, an array or an object",
                             jsonstat_scan_type_name(type));
    }
}

void jsonstat_cells_done(struct jsonstat_decoder *d)
{
    for (size_t i = 0; d->status_codes && i < d->n_status_codes; i++)
        free(d->status_codes[i].code);
    free(d->status_codes);
    d->status_codes = NULL;
    free(d->scratch);
    free(d->seen);
    free(d->slots);
    d->scratch = NULL;
    d->seen = NULL;
    d->slots = NULL;
}
