/*
 * utf8.c — UTF-8 validation and repair (see utf8.h).
 */
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

size_t utf8_sequence(const unsigned char *s, size_t left)
{
    unsigned c = s[0];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || len > left)
        return 0;
    unsigned long cp = len == 1 ? c : len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] >> 6) != 2)
            return 0;
        cp = cp << 6 | (s[k] & 0x3f);
    }
    static const unsigned long least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

void utf8_scrub(char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t len = utf8_sequence((const unsigned char *)s + i, n - i);
        if (len == 0)
            s[i++] = '?';
        else
            i += len;
    }
}

bool utf8_valid(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0, len; i < n; i += len)
        if (!(len = utf8_sequence((const unsigned char *)s + i, n - i)))
            return false;
    return true;
}

json_t *utf8_json(const char *s)
{
    char *copy = strdup(s);
    if (!copy)
        return NULL;
    utf8_scrub(copy);
    json_t *j = json_string(copy);
    free(copy);
    return j;
}
