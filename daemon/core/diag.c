/*
 * diag.c — configuration problem lists (see diag.h).
 */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "log.h"

static void diag_vadd(struct pejl_diag *diag, const char *file, int line, const char *fmt,
                      va_list ap) __attribute__((format(printf, 4, 0)));

static void diag_vadd(struct pejl_diag *diag, const char *file, int line, const char *fmt,
                      va_list ap)
{
    char message[1024], *text;
    int prefix = diag->context ? snprintf(message, sizeof message, "%s: ", diag->context) : 0;
    vsnprintf(message + prefix, sizeof message - (size_t)prefix, fmt, ap);
    if (line > 0) {
        if (asprintf(&text, "%s:%d: %s", file, line, message) < 0)
            return;
    } else if (asprintf(&text, "%s: %s", file, message) < 0) {
        return;
    }
    if (array_grow((void **)&diag->lines, &diag->cap, diag->n + 1, sizeof *diag->lines) < 0) {
        free(text);
        return;
    }
    diag->lines[diag->n++] = text;
}

void diag_add(struct pejl_diag *diag, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(diag, file, line, fmt, ap);
    va_end(ap);
}

void diag_config_error(struct pejl_diag *diag, const config_setting_t *where, const char *fmt, ...)
{
    const char *file = where ? config_setting_source_file(where) : NULL;
    int line = where ? (int)config_setting_source_line(where) : 0;
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(diag, file ? file : diag->default_file, line, fmt, ap);
    va_end(ap);
}

void diag_print(const struct pejl_diag *diag, FILE *out)
{
    for (size_t i = 0; i < diag->n; i++)
        fprintf(out, "%s\n", diag->lines[i]);
}

void diag_log(const struct pejl_diag *diag)
{
    for (size_t i = 0; i < diag->n; i++)
        log_err("%s", diag->lines[i]);
}

void diag_free(struct pejl_diag *diag)
{
    for (size_t i = 0; i < diag->n; i++)
        free(diag->lines[i]);
    free(diag->lines);
    diag->lines = NULL;
    diag->n = diag->cap = 0;
}
