/*
 * decode_budget.c — counting JSON elements before decoding (see
 * decode_budget.h).
 *
 * One pass, byte by byte outside strings and with memchr inside them: a
 * quote, an opening bracket or the first byte of a number or literal starts
 * an element. Closing brackets only lower the depth; anything else is
 * skipped, as the parser will reject it anyway.
 */
#include "decode_budget.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* p just after an opening quote; returns the byte after the closing one. */
static const char *skip_string(const char *p, const char *end)
{
    while (p < end) {
        const char *quote = memchr(p, '"', (size_t)(end - p));
        if (!quote)
            return end;
        const char *q = quote;
        while (q > p && q[-1] == '\\')
            q--;
        if ((quote - q) % 2 == 0)
            return quote + 1;
        p = quote + 1;
    }
    return end;
}

static bool starts_scalar(char c)
{
    return (c >= '0' && c <= '9') || c == '-' || c == 't' || c == 'f' || c == 'n';
}

static bool ends_scalar(char c)
{
    return c == ',' || c == ']' || c == '}' || c == ':' || c == '"' || c == '[' || c == '{' ||
           c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static const char *skip_scalar(const char *p, const char *end)
{
    while (p < end && !ends_scalar(*p))
        p++;
    return p;
}

static int too_many(size_t max, const char *key, char *err, size_t errlen)
{
    snprintf(err, errlen,
             "more than %zu JSON elements (values and member names) in the response; if that "
             "is what the source really sends, raise %s",
             max, key);
    return -1;
}

int decode_budget_check(const char *text, size_t len, const struct decode_budget *budget,
                        const char *key, char *err, size_t errlen)
{
    const char *p = text, *end = text + len;
    size_t elements = 0, depth = 0;
    while (p < end) {
        char c = *p;
        if (c == '"' || c == '{' || c == '[' || starts_scalar(c)) {
            if (++elements > budget->max_elements)
                return too_many(budget->max_elements, key, err, errlen);
        }
        if (c == '"') {
            p = skip_string(p + 1, end);
            continue;
        }
        if (starts_scalar(c)) {
            p = skip_scalar(p, end);
            continue;
        }
        if ((c == '{' || c == '[') && ++depth > budget->max_depth) {
            snprintf(err, errlen, "nested deeper than %zu levels: not a response pejl reads",
                     budget->max_depth);
            return -1;
        }
        if ((c == '}' || c == ']') && depth > 0)
            depth--;
        p++;
    }
    return 0;
}
