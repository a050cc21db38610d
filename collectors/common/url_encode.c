/*
 * url_encode.c — percent-encoding (see url_encode.h).
 */
#include "url_encode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *url_encode(const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = malloc(strlen(text) * 3 + 1), *o = out;
    if (!out)
        return NULL;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            strchr("-._~", *c)) {
            *o++ = (char)*c;
        } else {
            *o++ = '%';
            *o++ = hex[*c >> 4];
            *o++ = hex[*c & 15];
        }
    }
    *o = '\0';
    return out;
}
