/*
 * timestamp.c — RFC 3339 in UTC (see timestamp.h).
 */
#include "timestamp.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "period.h"

void timestamp_format(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, size, "@%lld", (long long)t);
}

json_t *timestamp_json(int64_t t)
{
    char text[TIMESTAMP_TEXT_MAX];
    if (t == 0)
        return json_null();
    timestamp_format(t, text, sizeof text);
    return json_string(text);
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* The zone after the seconds: "Z" or "±hh:mm", as seconds east of UTC. */
static int zone(const char *text, int *east)
{
    int hh, mm, used = 0;
    if (strcmp(text, "Z") == 0 || strcmp(text, "z") == 0) {
        *east = 0;
        return 0;
    }
    if ((text[0] != '+' && text[0] != '-') ||
        sscanf(text + 1, "%2d:%2d%n", &hh, &mm, &used) != 2 || used != 5 || text[6] ||
        hh > 23 || mm > 59)
        return -1;
    *east = (text[0] == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
    return 0;
}

/* True when text starts with `pattern`, 'd' standing for a digit. */
static bool shaped(const char *text, const char *pattern)
{
    for (; *pattern; pattern++, text++)
        if (*pattern == 'd' ? !(*text >= '0' && *text <= '9') : *text != *pattern)
            return false;
    return true;
}

int timestamp_parse(const char *text, int64_t *out)
{
    if (!text || !shaped(text, "dddd-dd-dd") || (text[10] && !shaped(text + 11, "dd:dd:dd")))
        return -1;
    int y, mo, d, h = 0, mi = 0, s = 0, used = 0, east = 0;
    if (sscanf(text, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10 ||
        mo < 1 || mo > 12 || d < 1 || y < 1900 || d > days_in_month(y, mo))
        return -1;
    const char *rest = text + used;
    if (*rest) {
        if ((*rest != 'T' && *rest != 't') ||
            sscanf(rest + 1, "%2d:%2d:%2d%n", &h, &mi, &s, &used) != 3 || used != 8 || h > 23 ||
            mi > 59 || s > 60 || zone(rest + 1 + used, &east) < 0)
            return -1;
    }
    *out = period_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s -
           east;
    return 0;
}
