/*
 * duration.c — durations written as text (see duration.h).
 */
#include "duration.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

int64_t duration_parse_ms(const char *text)
{
    int64_t total = 0;
    const char *s = text;
    if (!*s)
        return -1;
    while (*s) {
        if (!isdigit((unsigned char)*s))
            return -1;
        errno = 0;
        char *end;
        long long n = strtoll(s, &end, 10);
        if (errno || n > INT32_MAX)
            return -1;
        int64_t unit;
        size_t width = 1;
        switch (*end) {
        case 's': unit = 1000; break;
        case 'm': unit = end[1] == 's' ? 1 : 60000; width = end[1] == 's' ? 2 : 1; break;
        case 'h': unit = 3600000; break;
        case 'd': unit = 86400000; break;
        case 'w': unit = 7 * 86400000ll; break;
        case '\0':
            if (s != text)
                return -1; /* "1h30" is ambiguous */
            return n * 1000 > PEJL_DURATION_MAX_MS ? -1 : n * 1000;
        default: return -1;
        }
        if (n * unit > PEJL_DURATION_MAX_MS - total) /* the sum, never overflowed */
            return -1;
        total += n * unit;
        s = end + width;
    }
    return total;
}

int64_t duration_parse(const char *text)
{
    int64_t ms = duration_parse_ms(text);
    return ms < 0 || ms % 1000 ? -1 : ms / 1000;
}
