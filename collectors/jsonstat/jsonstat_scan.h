/*
 * jsonstat_scan.h — the JSON scanner under the JSON-stat decoder. It checks a
 * whole document against RFC 8259 (UTF-8 included) in one pass that builds
 * nothing, and then walks the checked document by byte ranges ("spans"), so
 * the decoder reads big arrays straight into its own and leaves only small
 * members to jansson.
 *
 * It never reads outside the bytes it is given, allocates only for a copy
 * (js_string_dup) or a number longer than JS_NUMBER_MAX bytes, keeps no
 * state between calls and lets no document nest deeper than JS_DEPTH_MAX.
 * The walking functions (js_enter and after) are only for spans inside a
 * document js_validate accepted; on any other bytes they stay in bounds but
 * their answers mean nothing.
 */
#ifndef PEJL_JSONSTAT_SCAN_H
#define PEJL_JSONSTAT_SCAN_H

#include <stdbool.h>
#include <stddef.h>

/* Deepest nesting of arrays and objects accepted. */
#define JS_DEPTH_MAX 128
/* Numbers up to this long are converted without an allocation. */
#define JS_NUMBER_MAX 64

/* The bytes of one JSON value; for a key, the bytes between its quotes. */
struct js_span {
    const char *start, *end;
};

enum js_type { JS_OBJECT, JS_ARRAY, JS_STRING, JS_NUMBER, JS_TRUE, JS_FALSE, JS_NULL };

/*
 * Checks that the `len` bytes at `buf` are one JSON value with nothing but
 * whitespace around it; sets *top to that value. Strings must be valid UTF-8
 * without \u0000 (as jansson wants them). Returns 0, or -1 with "at line L,
 * offset O: what is wrong" in `err`.
 */
int jsonstat_scan_validate(const char *buf, size_t len, struct js_span *top, char *err,
                           size_t errlen);

enum js_type jsonstat_scan_type_of(struct js_span value);
/* "an object", "a string"… for messages. */
const char *jsonstat_scan_type_name(enum js_type type);

/* Walks the members of an object or the elements of an array. */
struct js_cursor {
    const char *p, *end;
};

void jsonstat_scan_enter(struct js_cursor *cursor, struct js_span container);
bool jsonstat_scan_next_member(struct js_cursor *cursor, struct js_span *key,
                               struct js_span *value);
bool jsonstat_scan_next_element(struct js_cursor *cursor, struct js_span *value);

/* The contents of a string value, between its quotes. */
struct js_span jsonstat_scan_string_contents(struct js_span string);
/* Decodes escapes into `out`, which has room for the contents' length + 1;
 * NUL-terminates and returns the decoded length. */
size_t jsonstat_scan_string_decode(struct js_span contents, char *out);
/* The decoded contents in a new string, or NULL when out of memory. */
char *jsonstat_scan_string_dup(struct js_span contents);
bool jsonstat_scan_string_is(struct js_span contents, const char *text);

/* Converts a number span: 0, 1 if it is out of the range of a double, -1 if
 * out of memory. */
int jsonstat_scan_number(struct js_span number, double *out);

#endif
