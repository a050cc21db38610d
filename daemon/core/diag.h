/*
 * diag.h — a list of configuration problems, each "FILE:LINE: message".
 *
 * Validation never stops at the first problem: everything wrong with a
 * config is collected here and printed at once (pejld --check-config, or the
 * log on a failed reload).
 */
#ifndef PEJL_DIAG_H
#define PEJL_DIAG_H

#include <libconfig.h>
#include <stddef.h>
#include <stdio.h>

struct pejl_diag {
    char **lines;
    size_t n, cap;
    const char *default_file; /* for settings that carry no file of their own */
    const char *context;      /* prefixed to problems, e.g. the indicator id */
};

void diag_add(struct pejl_diag *diag, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The host-table form: file and line come from the setting. */
void diag_config_error(struct pejl_diag *diag, const config_setting_t *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_print(const struct pejl_diag *diag, FILE *out);
void diag_log(const struct pejl_diag *diag);
void diag_free(struct pejl_diag *diag);

#endif
