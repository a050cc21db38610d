/*
 * period.c — calendar periods (see period.h).
 *
 * Accepted forms: 2023; 2023Q1 2023K1 2023-Q1; 2023M01 2023-01;
 * 2023-W05 2023W05 2023U05; 2023-01-31 2023M01D31. Years 1000..9999.
 */
#include "period.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char status_letters[] = "pebduc";

int64_t period_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Howard Hinnant's algorithm: exact for the proleptic Gregorian calendar. */
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* ISO weekday of a day number: Monday 1 .. Sunday 7 (1970-01-01 was a Thursday). */
static int iso_weekday(int64_t days)
{
    int64_t w = (days + 3) % 7;
    if (w < 0)
        w += 7;
    return (int)w + 1;
}

static int64_t iso_week1_monday(int year)
{
    int64_t jan4 = period_days_from_civil(year, 1, 4);
    return jan4 - (iso_weekday(jan4) - 1);
}

static int iso_weeks_in_year(int year)
{
    return (int)((iso_week1_monday(year + 1) - iso_week1_monday(year)) / 7);
}

bool period_valid(const struct pejl_period *p)
{
    if (p->year < 1000 || p->year > 9999)
        return false;
    switch (p->kind) {
    case PEJL_PERIOD_YEAR:
        return p->index == 0 && p->day == 0;
    case PEJL_PERIOD_QUARTER:
        return p->index >= 1 && p->index <= 4 && p->day == 0;
    case PEJL_PERIOD_MONTH:
        return p->index >= 1 && p->index <= 12 && p->day == 0;
    case PEJL_PERIOD_WEEK:
        return p->index >= 1 && p->index <= iso_weeks_in_year(p->year) && p->day == 0;
    case PEJL_PERIOD_DAY:
        return p->index >= 1 && p->index <= 12 && p->day >= 1 &&
               p->day <= days_in_month(p->year, p->index);
    default:
        return false;
    }
}

/* Reads exactly `n` digits at *s; advances it. */
static int take_digits(const char **s, const char *end, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (*s >= end || !isdigit((unsigned char)**s))
            return -1;
        v = v * 10 + (**s - '0');
        (*s)++;
    }
    *out = v;
    return 0;
}

static int take_char(const char **s, const char *end, const char *choices)
{
    if (*s >= end || !strchr(choices, **s) || **s == '\0')
        return -1;
    (*s)++;
    return 0;
}

static int parse_after_year(const char *s, const char *end, struct pejl_period *p)
{
    int a = 0, b = 0;
    if (s == end) {
        p->kind = PEJL_PERIOD_YEAR;
        return 0;
    }
    bool dash = *s == '-';
    if (dash)
        s++;
    if (take_char(&s, end, "QqKk") == 0) {
        p->kind = PEJL_PERIOD_QUARTER;
        if (take_digits(&s, end, 1, &a) < 0)
            return -1;
    } else if (take_char(&s, end, "WwUu") == 0) {
        p->kind = PEJL_PERIOD_WEEK;
        if (take_digits(&s, end, 2, &a) < 0)
            return -1;
    } else if (!dash && take_char(&s, end, "Mm") == 0) {
        p->kind = PEJL_PERIOD_MONTH;
        if (take_digits(&s, end, 2, &a) < 0)
            return -1;
        if (take_char(&s, end, "Dd") == 0) {
            p->kind = PEJL_PERIOD_DAY;
            if (take_digits(&s, end, 2, &b) < 0)
                return -1;
        }
    } else if (dash) {
        p->kind = PEJL_PERIOD_MONTH;
        if (take_digits(&s, end, 2, &a) < 0)
            return -1;
        if (take_char(&s, end, "-") == 0) {
            p->kind = PEJL_PERIOD_DAY;
            if (take_digits(&s, end, 2, &b) < 0)
                return -1;
        }
    } else {
        return -1;
    }
    if (s != end || a > 255 || b > 255)
        return -1;
    p->index = (uint8_t)a;
    p->day = (uint8_t)b;
    return 0;
}

int period_parse(const char *text, size_t len, struct pejl_period *out)
{
    const char *s = text, *end = text + len;
    struct pejl_period p = {0};
    int year;
    if (take_digits(&s, end, 4, &year) < 0)
        return -1;
    p.year = (int16_t)year;
    if (parse_after_year(s, end, &p) < 0 || !period_valid(&p))
        return -1;
    *out = p;
    return 0;
}

/* Writes `v` as exactly `width` digits. */
static char *put_digits(char *o, unsigned v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        o[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return o + width;
}

/* Called for every journal record and RRD point: no printf. */
size_t period_format(const struct pejl_period *p, char *buf, size_t size)
{
    char text[PERIOD_TEXT_MAX], *o = put_digits(text, (unsigned)p->year, 4);
    switch (p->kind) {
    case PEJL_PERIOD_YEAR:
        break;
    case PEJL_PERIOD_QUARTER:
        *o++ = '-', *o++ = 'Q';
        o = put_digits(o, p->index, 1);
        break;
    case PEJL_PERIOD_MONTH:
        *o++ = '-';
        o = put_digits(o, p->index, 2);
        break;
    case PEJL_PERIOD_WEEK:
        *o++ = '-', *o++ = 'W';
        o = put_digits(o, p->index, 2);
        break;
    case PEJL_PERIOD_DAY:
        *o++ = '-';
        o = put_digits(o, p->index, 2);
        *o++ = '-';
        o = put_digits(o, p->day, 2);
        break;
    default:
        o = text, *o++ = '?';
    }
    size_t n = (size_t)(o - text);
    if (size == 0)
        return n;
    size_t copy = n < size ? n : size - 1;
    memcpy(buf, text, copy);
    buf[copy] = '\0';
    return n;
}

static int64_t start_day(const struct pejl_period *p)
{
    switch (p->kind) {
    case PEJL_PERIOD_QUARTER:
        return period_days_from_civil(p->year, (unsigned)(p->index - 1) * 3 + 1, 1);
    case PEJL_PERIOD_MONTH:
        return period_days_from_civil(p->year, p->index, 1);
    case PEJL_PERIOD_WEEK:
        return iso_week1_monday(p->year) + (int64_t)(p->index - 1) * 7;
    case PEJL_PERIOD_DAY:
        return period_days_from_civil(p->year, p->index, p->day);
    default:
        return period_days_from_civil(p->year, 1, 1);
    }
}

static int64_t end_day(const struct pejl_period *p)
{
    switch (p->kind) {
    case PEJL_PERIOD_QUARTER:
        return p->index == 4 ? period_days_from_civil(p->year + 1, 1, 1)
                             : period_days_from_civil(p->year, (unsigned)p->index * 3 + 1, 1);
    case PEJL_PERIOD_MONTH:
        return p->index == 12 ? period_days_from_civil(p->year + 1, 1, 1)
                              : period_days_from_civil(p->year, p->index + 1u, 1);
    case PEJL_PERIOD_WEEK:
        return start_day(p) + 7;
    case PEJL_PERIOD_DAY:
        return start_day(p) + 1;
    default:
        return period_days_from_civil(p->year + 1, 1, 1);
    }
}

int64_t period_start(const struct pejl_period *p)
{
    return start_day(p) * 86400;
}

int64_t period_end(const struct pejl_period *p)
{
    return end_day(p) * 86400;
}

int period_kind_max_days(enum pejl_period_kind kind)
{
    static const int max_days[] = {0, 366, 92, 31, 7, 1};
    return kind >= PEJL_PERIOD_YEAR && kind <= PEJL_PERIOD_DAY ? max_days[kind] : 0;
}

int period_compare(const struct pejl_period *a, const struct pejl_period *b)
{
    int64_t ea = period_end(a), eb = period_end(b);
    if (ea != eb)
        return ea < eb ? -1 : 1;
    return a->kind == b->kind ? 0 : (a->kind < b->kind ? -1 : 1);
}

bool period_equal(const struct pejl_period *a, const struct pejl_period *b)
{
    return a->year == b->year && a->kind == b->kind && a->index == b->index && a->day == b->day;
}

static const char *const kind_names[] = {NULL, "annual", "quarterly", "monthly", "weekly", "daily"};

const char *period_kind_name(enum pejl_period_kind kind)
{
    return kind >= PEJL_PERIOD_YEAR && kind <= PEJL_PERIOD_DAY ? kind_names[kind] : "none";
}

enum pejl_period_kind period_kind_from_name(const char *name)
{
    for (int k = PEJL_PERIOD_YEAR; k <= PEJL_PERIOD_DAY; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return (enum pejl_period_kind)k;
    return PEJL_PERIOD_NONE;
}

int status_parse(const char *text, size_t len, uint32_t *out)
{
    uint32_t status = 0;
    if (len == 1 && text[0] == '-') {
        *out = 0;
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        const char *hit = text[i] ? strchr(status_letters, text[i]) : NULL;
        if (!hit)
            return -1;
        status |= 1u << (hit - status_letters);
    }
    *out = status;
    return 0;
}

size_t status_format(uint32_t status, char *buf, size_t size)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof status_letters - 1; i++)
        if ((status & (1u << i)) && n + 1 < size)
            buf[n++] = status_letters[i];
    if (size)
        buf[n < size ? n : size - 1] = '\0';
    return n;
}
