/*
 * value.c — shortest round-trip printing of values (see value.h).
 *
 * Most published figures have a few decimals (174, 70.4, 0.25). For those
 * the digits are found by scaling: if round(v * 10^k) / 10^k is v itself,
 * that integer with k decimals is the shortest text strtod reads back as v
 * (both are the correctly rounded value of the same fraction). This runs
 * once per journal record and RRD point, so it avoids printf; anything else
 * falls back to the first of %.1g … %.17g that reads back as v.
 */
#include "value.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXACT_LIMIT 9007199254740992.0 /* 2^53: every integer below is a double */

static const double powers[] = {1, 10, 100, 1000, 10000, 100000, 1000000};

/* Writes `digits` with a decimal point `decimals` from the right. */
static size_t put_scaled(uint64_t digits, int decimals, bool negative, char *buf, size_t size)
{
    char tmp[32], *end = tmp + sizeof tmp, *o = end;
    int written = 0;
    do {
        *--o = (char)('0' + digits % 10);
        digits /= 10;
        if (++written == decimals)
            *--o = '.';
    } while (digits > 0 || written < decimals);
    if (*o == '.')
        *--o = '0';
    if (negative)
        *--o = '-';
    size_t n = (size_t)(end - o);
    if (n >= size)
        return 0;
    memcpy(buf, o, n);
    buf[n] = '\0';
    return n;
}

static size_t fast_format(double value, char *buf, size_t size)
{
    double magnitude = fabs(value);
    for (int k = 0; k < (int)(sizeof powers / sizeof *powers); k++) {
        double scaled = round(magnitude * powers[k]);
        if (scaled >= EXACT_LIMIT)
            return 0;
        if (scaled / powers[k] == magnitude)
            return put_scaled((uint64_t)scaled, k, signbit(value), buf, size);
    }
    return 0;
}

size_t value_format(double value, char *buf, size_t size)
{
    int n = 0;
    if (isnan(value))
        return (size_t)snprintf(buf, size, "nan");
    size_t fast = isfinite(value) ? fast_format(value, buf, size) : 0;
    if (fast)
        return fast;
    for (int precision = 1; precision <= 17; precision++) { /* rare: the fast path missed */
        n = snprintf(buf, size, "%.*g", precision, value);
        if (strtod(buf, NULL) == value)
            break;
    }
    return n < 0 ? 0 : (size_t)n;
}
