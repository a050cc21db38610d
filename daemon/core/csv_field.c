/*
 * csv_field.c — writing one CSV field (see csv_field.h).
 */
#include "csv_field.h"

#include <string.h>

void csv_field_write(FILE *f, const char *text)
{
    if (!text[strcspn(text, ",\"\r\n")]) {
        fputs(text, f);
        return;
    }
    fputc('"', f);
    for (; *text; text++) {
        if (*text == '"')
            fputc('"', f);
        fputc(*text, f);
    }
    fputc('"', f);
}
