/*
 * number_format.c — numbers as people read them (see number_format.h).
 * The rounding is done on the decimal digits of the shortest text that
 * reads back as the double, not on the binary value, so a figure typed as
 * 9.995 rounds as 9.995 does on paper.
 */
#include "number_format.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MINUS "\xe2\x88\x92" /* U+2212 */
#define MAX_DECIMALS 9
/* DBL_MAX has 309 integer digits; with separators and decimals it fits. */
#define WORK 512

/* The decimal digits of |v| (no leading zeros, at most 17) and the power
 * of ten of the first: |v| = 0.d1d2... × 10^(exponent + 1). */
struct digits {
    char d[32];
    int n, exponent;
};

static void shortest_digits(double magnitude, struct digits *out)
{
    char text[40];
    for (int precision = 15; precision <= 17; precision++) {
        snprintf(text, sizeof text, "%.*e", precision - 1, magnitude);
        if (strtod(text, NULL) == magnitude)
            break;
    }
    /* "d.ddddde+XX" */
    out->n = 0;
    char *p = text;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            out->d[out->n++] = *p;
    out->d[out->n] = '\0';
    out->exponent = *p == 'e' ? atoi(p + 1) : 0;
    while (out->n > 1 && out->d[out->n - 1] == '0') /* trailing zeros say nothing */
        out->d[--out->n] = '\0';
}

/* Rounds to `decimals` places, half away from zero. The kept digits end at
 * the place 10^-decimals; what is past it is dropped. */
static void round_digits(struct digits *x, int decimals)
{
    int keep = x->exponent + 1 + decimals;
    if (keep >= x->n)
        return;
    if (keep < 0) {
        x->n = 1, x->d[0] = '0', x->d[1] = '\0', x->exponent = 0;
        return;
    }
    bool up = x->d[keep] >= '5';
    x->n = keep;
    x->d[keep] = '\0';
    for (int i = keep - 1; up && i >= 0; i--) {
        if (x->d[i] == '9') {
            x->d[i] = '0';
        } else {
            x->d[i]++;
            up = false;
        }
    }
    if (up) { /* 9.995 → 10.00: a new leading digit */
        memmove(x->d + 1, x->d, (size_t)x->n + 1);
        x->d[0] = '1';
        x->n++;
        x->exponent++;
    }
    if (x->n == 0) /* keep == 0 and rounded down */
        x->n = 1, x->d[0] = '0', x->d[1] = '\0', x->exponent = 0;
}

static bool digits_zero(const struct digits *x)
{
    for (int i = 0; i < x->n; i++)
        if (x->d[i] != '0')
            return false;
    return true;
}

/* The digit at the place 10^place, '0' outside the digits. */
static char digit_at(const struct digits *x, int place)
{
    int i = x->exponent - place;
    return i >= 0 && i < x->n ? x->d[i] : '0';
}

static int put(char *buf, size_t size, const char *text)
{
    size_t n = strlen(text);
    if (size == 0)
        return -1;
    if (n >= size) {
        snprintf(buf, size, "%s", strlen(NUMBER_FORMAT_NONE) < size ? NUMBER_FORMAT_NONE : "");
        return -1;
    }
    memcpy(buf, text, n + 1);
    return 0;
}

static int clamp_decimals(int decimals)
{
    return decimals < 0 ? 0 : decimals > MAX_DECIMALS ? MAX_DECIMALS : decimals;
}

/* The digits of a rounded magnitude into `out`: integer part (grouped or
 * not), the decimal mark and `decimals` decimals. */
static void write_digits(enum language language, const struct digits *x, int decimals, bool grouped,
                         char *out)
{
    char group = language == LANGUAGE_EN ? ',' : '.';
    char mark = language == LANGUAGE_EN ? '.' : ',';
    int top = x->exponent > 0 ? x->exponent : 0;
    size_t n = 0;
    for (int place = top; place >= 0; place--) {
        out[n++] = digit_at(x, place);
        if (grouped && place > 0 && place % 3 == 0 && top >= 3)
            out[n++] = group;
    }
    if (decimals > 0)
        out[n++] = mark;
    for (int place = -1; place >= -decimals; place--)
        out[n++] = digit_at(x, place);
    out[n] = '\0';
}

int number_format(enum language language, double v, int decimals, unsigned flags, char *buf,
                  size_t size)
{
    char text[WORK];
    if (!isfinite(v))
        return put(buf, size, NUMBER_FORMAT_NONE);
    decimals = clamp_decimals(decimals);
    struct digits x;
    shortest_digits(fabs(v), &x);
    round_digits(&x, decimals);
    const char *sign = "";
    if (!digits_zero(&x) && signbit(v))
        sign = flags & NUMBER_FORMAT_ASCII ? "-" : MINUS;
    else if (!digits_zero(&x) && (flags & NUMBER_FORMAT_PLUS))
        sign = "+";
    size_t s = strlen(sign);
    memcpy(text, sign, s);
    write_digits(language, &x, decimals, flags & NUMBER_FORMAT_GROUPED, text + s);
    return put(buf, size, text);
}

int number_format_fixed(enum language language, double v, int decimals, char *buf, size_t size)
{
    return number_format(language, v, decimals, 0, buf, size);
}

int number_format_grouped(enum language language, double v, int decimals, char *buf, size_t size)
{
    return number_format(language, v, decimals, NUMBER_FORMAT_GROUPED, buf, size);
}

/* |v| as it is written in units of `scale`, rounded, back in units of 1. */
static double rounded(double v, double scale, int decimals)
{
    char text[WORK];
    number_format(LANGUAGE_EN, fabs(v) / scale, decimals, NUMBER_FORMAT_ASCII, text, sizeof text);
    return strtod(text, NULL) * scale;
}

int number_format_compact(enum language language, double v, int decimals, char *buf, size_t size)
{
    /* Each step is taken from its scale on, or where the next smaller form
     * would round up to it (999.999,6 → "1 mio.", not "1.000.000"). */
    static const struct {
        double scale, below;
        const char *da, *en;
    } steps[] = {{1e9, 1e6, "mia.", "bn"}, {1e6, 1, "mio.", "m"}};
    if (!isfinite(v))
        return put(buf, size, NUMBER_FORMAT_NONE);
    decimals = clamp_decimals(decimals);
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        if (fabs(v) < steps[i].scale && rounded(v, steps[i].below, decimals) < steps[i].scale)
            continue;
        char figure[WORK], text[WORK + 8];
        number_format_grouped(language, v / steps[i].scale, decimals, figure, sizeof figure);
        snprintf(text, sizeof text, "%s %s", figure,
                 language == LANGUAGE_EN ? steps[i].en : steps[i].da);
        return put(buf, size, text);
    }
    return number_format_grouped(language, v, decimals, buf, size);
}

int number_format_unit(enum language language, const char *figure, const char *unit, char *buf,
                       size_t size)
{
    char text[WORK];
    if (!unit || !*unit || strcmp(figure, NUMBER_FORMAT_NONE) == 0)
        return put(buf, size, figure);
    const char *space = language == LANGUAGE_EN && strcmp(unit, "%") == 0 ? "" : " ";
    if (snprintf(text, sizeof text, "%s%s%s", figure, space, unit) >= (int)sizeof text) {
        put(buf, size, NUMBER_FORMAT_NONE);
        return -1;
    }
    return put(buf, size, text);
}

int number_format_percent(enum language language, double percent, int decimals, unsigned flags,
                          char *buf, size_t size)
{
    char figure[WORK];
    number_format(language, percent, decimals, flags | NUMBER_FORMAT_GROUPED, figure,
                  sizeof figure);
    return number_format_unit(language, figure, "%", buf, size);
}

static const char *english_suffix(long n)
{
    if (n % 100 >= 11 && n % 100 <= 13)
        return "th";
    switch (n % 10) {
    case 1:
        return "st";
    case 2:
        return "nd";
    case 3:
        return "rd";
    default:
        return "th";
    }
}

int number_format_rank(enum language language, double rank, char *buf, size_t size)
{
    char figure[WORK], text[WORK + 4];
    if (!isfinite(rank) || number_format_fixed(LANGUAGE_EN, rank, 0, figure, sizeof figure) < 0)
        return put(buf, size, NUMBER_FORMAT_NONE);
    double whole = strtod(figure, NULL);
    if (whole < 1 || whole > 1e15) /* no place 0, and no "1e+300th" */
        return put(buf, size, NUMBER_FORMAT_NONE);
    if (language == LANGUAGE_EN)
        snprintf(text, sizeof text, "%s%s", figure, english_suffix((long)fmod(whole, 1000)));
    else
        snprintf(text, sizeof text, "%s.", figure);
    return put(buf, size, text);
}

int number_format_spreadsheet(enum language language, double v, char *buf, size_t size)
{
    char text[40];
    if (!isfinite(v))
        return put(buf, size, "");
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(text, sizeof text, "%.*g", precision, v == 0 ? 0.0 : v); /* no "-0" */
        if (strtod(text, NULL) == v)
            break;
    }
    char *dot = strchr(text, '.');
    if (dot && language != LANGUAGE_EN)
        *dot = ',';
    return put(buf, size, text);
}

int number_format_step_decimals(double step)
{
    if (!isfinite(step) || step <= 0)
        return 0;
    struct digits x;
    shortest_digits(step, &x);
    int decimals = x.n - 1 - x.exponent; /* places after the point of the last digit */
    return clamp_decimals(decimals);
}

int number_format_date(enum language language, int year, int month, int day, char *buf, size_t size)
{
    static const char *const da[] = {"januar",    "februar", "marts",    "april",
                                     "maj",       "juni",    "juli",     "august",
                                     "september", "oktober", "november", "december"};
    static const char *const en[] = {"January",   "February", "March",    "April",
                                     "May",       "June",     "July",     "August",
                                     "September", "October",  "November", "December"};
    char text[64];
    if (month < 1 || month > 12 || day < 1 || day > 31) {
        put(buf, size, NUMBER_FORMAT_NONE);
        return -1;
    }
    if (language == LANGUAGE_EN)
        snprintf(text, sizeof text, "%d %s %d", day, en[month - 1], year);
    else
        snprintf(text, sizeof text, "%d. %s %d", day, da[month - 1], year);
    return put(buf, size, text);
}
