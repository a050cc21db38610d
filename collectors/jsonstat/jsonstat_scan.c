/*
 * jsonstat_scan.c — the JSON scanner (see jsonstat_scan.h).
 *
 * js_validate is an iterative state machine with an explicit stack of open
 * containers, so a hostile document cannot exhaust the C stack. The walking
 * functions trust the validation: they find the end of a string by its
 * unescaped quote and the end of a container by counting brackets outside
 * strings, which is all a checked document needs.
 *
 * Numbers: a decimal mantissa of at most 19 significant digits that fits in
 * 53 bits, scaled by an exact power of ten up to 1e22, is one IEEE operation
 * on exact operands and so the correctly rounded result strtod also returns
 * (Clinger's fast path); everything else goes to strtod itself. That needs
 * doubles evaluated in their own precision (FLT_EVAL_METHOD 0, as on x86-64
 * and arm64); elsewhere every number goes to strtod.
 */
#include "jsonstat_scan.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
#define JS_FAST_NUMBERS 1
#else
#define JS_FAST_NUMBERS 0
#endif

/* A byte that stands for itself in a string and needs no closer look. */
static bool is_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && is_space(*p))
        p++;
    return p;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The code unit of the 4 hex digits at p, or -1. */
static long hex4(const char *p, const char *end)
{
    long v = 0;
    if (end - p < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        int h = hex_digit(p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* --- validation --- */

struct validator {
    const char *start, *p, *end;
    size_t depth;
    char open[JS_DEPTH_MAX]; /* '{' or '[' per open container */
    const char *where, *why;
};

static bool fail_at(struct validator *v, const char *where, const char *why)
{
    v->where = where;
    v->why = why;
    return false;
}

static bool is_continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* Length of the valid UTF-8 sequence of 2 to 4 bytes at s, or 0 (RFC 3629:
 * no overlong forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_sequence(const unsigned char *s, const unsigned char *end)
{
    size_t avail = (size_t)(end - s);
    unsigned char c = s[0];
    if (c >= 0xC2 && c <= 0xDF)
        return avail >= 2 && is_continuation(s[1]) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        return avail >= 3 && s[1] >= lo && s[1] <= hi && is_continuation(s[2]) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        return avail >= 4 && s[1] >= lo && s[1] <= hi && is_continuation(s[2]) &&
                       is_continuation(s[3])
                   ? 4
                   : 0;
    }
    return 0;
}

/* A \u escape at p (p[1] == 'u'), with its low surrogate if it needs one;
 * returns the bytes it takes, or 0 after recording why it is wrong. */
static size_t check_unicode_escape(struct validator *v, const char *p)
{
    long unit = hex4(p + 2, v->end);
    if (unit < 0)
        return fail_at(v, p, "\\u needs four hex digits"), 0;
    if (unit == 0)
        return fail_at(v, p, "\\u0000 in a string"), 0;
    if (unit >= 0xDC00 && unit <= 0xDFFF)
        return fail_at(v, p, "a low surrogate \\u escape without a high one"), 0;
    if (unit < 0xD800 || unit > 0xDBFF)
        return 6;
    long low = p + 7 < v->end && p[6] == '\\' && p[7] == 'u' ? hex4(p + 8, v->end) : -1;
    if (low < 0xDC00 || low > 0xDFFF)
        return fail_at(v, p, "a high surrogate \\u escape without a low one"), 0;
    return 12;
}

/* v->p at an escape's backslash; advances past the escape. */
static bool check_escape(struct validator *v)
{
    const char *p = v->p;
    if (p + 1 >= v->end)
        return fail_at(v, v->end, "the document ends inside a string (truncated?)");
    size_t n = 2;
    switch (p[1]) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
        break;
    case 'u':
        n = check_unicode_escape(v, p);
        if (n == 0)
            return false;
        break;
    default:
        return fail_at(v, p, "an unknown escape in a string");
    }
    v->p = p + n;
    return true;
}

/* v->p at the opening quote; advances past the closing one. */
static bool check_string(struct validator *v)
{
    const unsigned char *p = (const unsigned char *)v->p + 1;
    const unsigned char *end = (const unsigned char *)v->end;
    for (;;) {
        while (p < end && is_plain(*p))
            p++;
        if (p == end)
            return fail_at(v, v->end, "the document ends inside a string (truncated?)");
        if (*p == '"') {
            v->p = (const char *)p + 1;
            return true;
        }
        if (*p == '\\') {
            v->p = (const char *)p;
            if (!check_escape(v))
                return false;
            p = (const unsigned char *)v->p;
        } else if (*p < 0x20) {
            return fail_at(v, (const char *)p, "a control character in a string");
        } else {
            size_t n = utf8_sequence(p, end);
            if (n == 0)
                return fail_at(v, (const char *)p, "invalid UTF-8 in a string");
            p += n;
        }
    }
}

static const char *skip_digits(const char *p, const char *end)
{
    while (p < end && is_digit(*p))
        p++;
    return p;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool check_number(struct validator *v)
{
    const char *p = v->p, *end = v->end;
    if (*p == '-')
        p++;
    if (p == end || !is_digit(*p))
        return fail_at(v, p, "a number without digits");
    p = *p == '0' ? p + 1 : skip_digits(p, end);
    if (p < end && *p == '.') {
        if (++p == end || !is_digit(*p))
            return fail_at(v, p, "a number without digits after its '.'");
        p = skip_digits(p, end);
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        if (++p < end && (*p == '+' || *p == '-'))
            p++;
        if (p == end || !is_digit(*p))
            return fail_at(v, p, "a number without digits in its exponent");
        p = skip_digits(p, end);
    }
    v->p = p;
    return true;
}

static bool check_literal(struct validator *v, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(v->end - v->p) < n || memcmp(v->p, word, n) != 0)
        return fail_at(v, v->p, "not a JSON value");
    v->p += n;
    return true;
}

/* A member name and its colon; leaves v->p where its value should start. */
static bool check_key(struct validator *v)
{
    v->p = skip_space(v->p, v->end);
    if (v->p == v->end)
        return fail_at(v, v->end, "the document ends inside an object (truncated?)");
    if (*v->p != '"')
        return fail_at(v, v->p, "an object member without a quoted name");
    if (!check_string(v))
        return false;
    v->p = skip_space(v->p, v->end);
    if (v->p == v->end || *v->p != ':')
        return fail_at(v, v->p,
                       v->p == v->end ? "the document ends inside an object (truncated?)"
                                      : "a member name without ':' after it");
    v->p++;
    return true;
}

/* Opens a container at v->p; 1 if it was empty and is closed again, 0 if a
 * value must follow, -1 on an error. */
static int open_container(struct validator *v)
{
    char open = *v->p, close = open == '{' ? '}' : ']';
    if (v->depth == JS_DEPTH_MAX)
        return fail_at(v, v->p, "nested deeper than 128 levels"), -1;
    v->p = skip_space(v->p + 1, v->end);
    if (v->p < v->end && *v->p == close) {
        v->p++;
        return 1;
    }
    v->open[v->depth++] = open;
    if (open == '{' && !check_key(v))
        return -1;
    return 0;
}

/* Reads a value at v->p: 1 if complete, 0 if it opened a container whose
 * first value comes next, -1 on an error. */
static int check_value(struct validator *v)
{
    v->p = skip_space(v->p, v->end);
    if (v->p == v->end)
        return fail_at(v, v->end,
                       v->depth ? "the document ends where a value should be (truncated?)"
                                : "no JSON value in the document"),
               -1;
    switch (*v->p) {
    case '{':
    case '[':
        return open_container(v);
    case '"':
        return check_string(v) ? 1 : -1;
    case 't':
        return check_literal(v, "true") ? 1 : -1;
    case 'f':
        return check_literal(v, "false") ? 1 : -1;
    case 'n':
        return check_literal(v, "null") ? 1 : -1;
    default:
        if (*v->p == '-' || is_digit(*v->p))
            return check_number(v) ? 1 : -1;
        return fail_at(v, v->p, "not a JSON value"), -1;
    }
}

/* After a complete value: closes containers and passes a comma (and the next
 * member name). Sets *done at the end of the top-level value. */
static bool after_value(struct validator *v, bool *done)
{
    for (;;) {
        v->p = skip_space(v->p, v->end);
        if (v->depth == 0) {
            *done = true;
            return v->p == v->end || fail_at(v, v->p, "text after the end of the JSON value");
        }
        char open = v->open[v->depth - 1], close = open == '{' ? '}' : ']';
        if (v->p == v->end)
            return fail_at(v, v->end,
                           open == '{' ? "the document ends inside an object (truncated?)"
                                       : "the document ends inside an array (truncated?)");
        if (*v->p == close) {
            v->depth--;
            v->p++;
            continue;
        }
        if (*v->p != ',')
            return fail_at(v, v->p,
                           open == '{' ? "expected ',' or '}' after an object member"
                                       : "expected ',' or ']' after an array element");
        v->p++;
        *done = false;
        return open == '[' || check_key(v);
    }
}

static void describe_failure(const struct validator *v, char *err, size_t errlen)
{
    size_t line = 1;
    for (const char *p = v->start; p < v->where; p++)
        line += *p == '\n';
    snprintf(err, errlen, "invalid JSON at line %zu, offset %zu: %s", line,
             (size_t)(v->where - v->start), v->why);
}

int jsonstat_scan_validate(const char *buf, size_t len, struct js_span *top, char *err,
                           size_t errlen)
{
    struct validator v = {.start = buf, .p = buf, .end = buf + len};
    bool done = false;
    const char *first = skip_space(buf, v.end);
    while (!done) {
        int complete = check_value(&v);
        if (complete < 0 || (complete == 1 && !after_value(&v, &done))) {
            describe_failure(&v, err, errlen);
            return -1;
        }
    }
    const char *last = v.end;
    while (last > first && is_space(last[-1]))
        last--;
    *top = (struct js_span){first, last};
    return 0;
}

/* --- walking a checked document --- */

enum js_type jsonstat_scan_type_of(struct js_span value)
{
    if (value.start >= value.end)
        return JS_NULL;
    switch (*value.start) {
    case '{':
        return JS_OBJECT;
    case '[':
        return JS_ARRAY;
    case '"':
        return JS_STRING;
    case 't':
        return JS_TRUE;
    case 'f':
        return JS_FALSE;
    case 'n':
        return JS_NULL;
    default:
        return JS_NUMBER;
    }
}

const char *jsonstat_scan_type_name(enum js_type type)
{
    static const char *const names[] = {"an object", "an array", "a string", "a number",
                                        "true",      "false",    "null"};
    return names[type];
}

/* p at an opening quote; returns the byte after the closing one. */
static const char *skip_string(const char *p, const char *end)
{
    const char *from = p + 1;
    for (;;) {
        const char *quote = memchr(from, '"', (size_t)(end - from));
        if (!quote)
            return end;
        const char *q = quote;
        while (q > from && q[-1] == '\\')
            q--;
        if ((quote - q) % 2 == 0)
            return quote + 1;
        from = quote + 1;
    }
}

/* Bytes a skip must stop at: in a container, quotes and brackets; after a
 * number or literal, what may follow it. Tables, because these loops run
 * over every byte of the biggest members. */
static const bool structural[256] = {
    ['"'] = true, ['['] = true, [']'] = true, ['{'] = true, ['}'] = true};
static const bool scalar_end[256] = {[','] = true,  [']'] = true,  ['}'] = true,  [' '] = true,
                                     ['\n'] = true, ['\r'] = true, ['\t'] = true, [':'] = true};

static const char *skip_container(const char *p, const char *end)
{
    size_t depth = 0;
    while (p < end) {
        while (p < end && !structural[(unsigned char)*p])
            p++;
        if (p == end)
            break;
        char c = *p;
        if (c == '"') {
            p = skip_string(p, end);
            continue;
        }
        if (c == '{' || c == '[')
            depth++;
        else if (--depth == 0)
            return p + 1;
        p++;
    }
    return end;
}

/* p at the first byte of a value; returns the byte after it. */
static const char *skip_value(const char *p, const char *end)
{
    if (*p == '"')
        return skip_string(p, end);
    if (*p == '{' || *p == '[')
        return skip_container(p, end);
    while (p < end && !scalar_end[(unsigned char)*p])
        p++;
    return p;
}

void jsonstat_scan_enter(struct js_cursor *cursor, struct js_span container)
{
    cursor->p = container.start + 1;
    cursor->end = container.end > cursor->p ? container.end - 1 : cursor->p;
}

/* Moves to the next value or member name; false at the end. */
static bool next_item(struct js_cursor *cursor)
{
    const char *p = skip_space(cursor->p, cursor->end);
    if (p < cursor->end && *p == ',')
        p = skip_space(p + 1, cursor->end);
    cursor->p = p;
    return p < cursor->end;
}

bool jsonstat_scan_next_element(struct js_cursor *cursor, struct js_span *value)
{
    if (!next_item(cursor))
        return false;
    value->start = cursor->p;
    value->end = cursor->p = skip_value(cursor->p, cursor->end);
    return true;
}

bool jsonstat_scan_next_member(struct js_cursor *cursor, struct js_span *key, struct js_span *value)
{
    if (!next_item(cursor) || *cursor->p != '"')
        return false;
    const char *after_key = skip_string(cursor->p, cursor->end);
    key->start = cursor->p + 1;
    key->end = after_key > key->start ? after_key - 1 : key->start;
    const char *p = skip_space(after_key, cursor->end);
    if (p < cursor->end && *p == ':')
        p = skip_space(p + 1, cursor->end);
    if (p >= cursor->end)
        return false;
    value->start = p;
    value->end = cursor->p = skip_value(p, cursor->end);
    return true;
}

/* --- strings --- */

struct js_span jsonstat_scan_string_contents(struct js_span string)
{
    if (string.end - string.start < 2)
        return (struct js_span){string.start, string.start};
    return (struct js_span){string.start + 1, string.end - 1};
}

static char *put_utf8(char *o, unsigned long cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | (cp >> 12));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (cp >> 18));
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* The \u escape at p (a checked one); sets *cp and returns the bytes taken. */
static size_t unicode_escape(const char *p, const char *end, unsigned long *cp)
{
    long unit = hex4(p + 2, end);
    if (unit < 0) {
        *cp = 0xFFFD;
        return (size_t)(end - p) < 6 ? (size_t)(end - p) : 6;
    }
    *cp = (unsigned long)unit;
    if (unit < 0xD800 || unit > 0xDBFF || end - p < 12)
        return 6;
    long low = hex4(p + 8, end);
    if (low < 0xDC00 || low > 0xDFFF)
        return 6;
    *cp = 0x10000 + (((unsigned long)unit - 0xD800) << 10) + ((unsigned long)low - 0xDC00);
    return 12;
}

static char simple_escape(char c)
{
    switch (c) {
    case 'b':
        return '\b';
    case 'f':
        return '\f';
    case 'n':
        return '\n';
    case 'r':
        return '\r';
    case 't':
        return '\t';
    default:
        return c; /* " \ / */
    }
}

size_t jsonstat_scan_string_decode(struct js_span contents, char *out)
{
    char *o = out;
    const char *p = contents.start, *end = contents.end;
    while (p < end) {
        const char *slash = memchr(p, '\\', (size_t)(end - p));
        size_t run = slash ? (size_t)(slash - p) : (size_t)(end - p);
        memcpy(o, p, run);
        o += run;
        p += run;
        if (p + 1 >= end) /* no escape, or a lone backslash at the end */
            break;
        if (p[1] == 'u') {
            unsigned long cp;
            p += unicode_escape(p, end, &cp);
            o = put_utf8(o, cp);
        } else {
            *o++ = simple_escape(p[1]);
            p += 2;
        }
    }
    *o = '\0';
    return (size_t)(o - out);
}

char *jsonstat_scan_string_dup(struct js_span contents)
{
    char *s = malloc((size_t)(contents.end - contents.start) + 1);
    if (s)
        jsonstat_scan_string_decode(contents, s);
    return s;
}

bool jsonstat_scan_string_is(struct js_span contents, const char *text)
{
    size_t n = (size_t)(contents.end - contents.start);
    if (!memchr(contents.start, '\\', n))
        return strlen(text) == n && memcmp(contents.start, text, n) == 0;
    char *decoded = jsonstat_scan_string_dup(contents);
    bool same = decoded && strcmp(decoded, text) == 0;
    free(decoded);
    return same;
}

/* --- numbers --- */

static int number_by_strtod(struct js_span number, double *out)
{
    size_t n = (size_t)(number.end - number.start);
    char small[JS_NUMBER_MAX + 1];
    char *copy = n <= JS_NUMBER_MAX ? small : malloc(n + 1);
    if (!copy)
        return -1;
    memcpy(copy, number.start, n);
    copy[n] = '\0';
    *out = strtod(copy, NULL);
    if (copy != small)
        free(copy);
    return isfinite(*out) ? 0 : 1;
}

#if JS_FAST_NUMBERS
static const double exact_power_of_ten[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                            1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Adds the digits at *p to the mantissa; false once it has more than 19
 * significant digits. Each digit after the point lowers *exponent. */
static bool take_mantissa_digits(const char **p, const char *end, bool fraction, uint64_t *m,
                                 int *significant, long *exponent)
{
    for (; *p < end && is_digit(**p); (*p)++) {
        unsigned d = (unsigned)(**p - '0');
        if (fraction)
            (*exponent)--;
        if (*m == 0 && d == 0)
            continue;
        if (++*significant > 19)
            return false;
        *m = *m * 10 + d;
    }
    return true;
}

static long take_exponent(const char *p, const char *end)
{
    bool negative = p < end && *p == '-';
    if (p < end && (*p == '-' || *p == '+'))
        p++;
    long e = 0;
    for (; p < end && is_digit(*p); p++)
        if (e < 100000)
            e = e * 10 + (*p - '0');
    return negative ? -e : e;
}
#endif

int jsonstat_scan_number(struct js_span number, double *out)
{
#if JS_FAST_NUMBERS
    const char *p = number.start, *end = number.end;
    bool negative = p < end && *p == '-';
    uint64_t m = 0;
    int significant = 0;
    long exponent = 0;
    p += negative;
    if (!take_mantissa_digits(&p, end, false, &m, &significant, &exponent))
        return number_by_strtod(number, out);
    if (p < end && *p == '.') {
        p++;
        if (!take_mantissa_digits(&p, end, true, &m, &significant, &exponent))
            return number_by_strtod(number, out);
    }
    if (p < end && (*p == 'e' || *p == 'E'))
        exponent += take_exponent(p + 1, end);
    if (m == 0) {
        *out = negative ? -0.0 : 0.0;
        return 0;
    }
    if (m > (UINT64_C(1) << 53) || exponent < -22 || exponent > 22)
        return number_by_strtod(number, out);
    double x = (double)m;
    x = exponent < 0 ? x / exact_power_of_ten[-exponent] : x * exact_power_of_ten[exponent];
    *out = negative ? -x : x;
    return 0;
#else
    return number_by_strtod(number, out);
#endif
}
