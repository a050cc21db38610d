/*
 * fuzz_tableinfo.c — Statistics Denmark's tableinfo parser and the statbank
 * collector's checks on it (what pejld --check-config --online runs on the
 * metadata it fetches), on arbitrary bytes. Besides the sanitizers' checks
 * it aborts when an answer breaks a promise of tableinfo.h or collector.h:
 * a refusal says why in one line; an accepted document has an id for every
 * variable and value; every problem reported has a message and a config
 * line, and a coverage is a pair of valid periods.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/statbank/statbank_verify.h"
#include "collectors/statbank/tableinfo.h"
#include "period.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(condition)                                                                           \
    do {                                                                                           \
        if (!(condition))                                                                          \
            abort();                                                                               \
    } while (0)

static void problem(const struct pejl_verify_sink *sink, int line, int warning, const char *fmt,
                    ...) __attribute__((format(printf, 4, 5)));

static void problem(const struct pejl_verify_sink *sink, int line, int warning, const char *fmt,
                    ...)
{
    char message[1024];
    va_list ap;
    (void)sink, (void)warning;
    va_start(ap, fmt);
    int n = vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    CHECK(n > 0 && line > 0);
}

static void coverage(const struct pejl_verify_sink *sink, int line, const struct pejl_period *first,
                     const struct pejl_period *last)
{
    (void)sink;
    CHECK(line > 0 && period_valid(first) && period_valid(last));
}

/* The checks, with a source as the live catalogue writes one. */
static void verify(const char *body, size_t len)
{
    static char *overtraed[] = {"TOT", "11*", "1O00", NULL}, *tid[] = {">=2020<2023", NULL};
    struct statbank_wanted_variable vars[] = {
        {.code = "OVERTRÆD", .values = overtraed, .n_values = 3, .line = 3},
        {.code = "Tid", .values = tid, .n_values = 1, .line = 4}};
    struct statbank_wanted w = {.table = "STRAF42",
                                .table_line = 2,
                                .panel_line = 5,
                                .variables = vars,
                                .n_variables = 2,
                                .max_elements = 20000};
    struct jsonstat_choice choice = {.panel = "KØN"};
    struct pejl_host host = {.period_parse = period_parse};
    struct pejl_verify_sink sink = {.problem = problem, .coverage = coverage};
    char err[512] = "";
    if (statbank_verify_tableinfo(&host, &w, &choice, body, len, &sink, err, sizeof err) < 0)
        CHECK(err[0] != '\0' && !strchr(err, '\n'));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tableinfo info;
    char err[512] = "";
    if (tableinfo_parse((const char *)data, size, 20000, &info, err, sizeof err) < 0) {
        CHECK(err[0] != '\0' && !strchr(err, '\n'));
        return 0;
    }
    CHECK(info.id != NULL);
    for (size_t i = 0; i < info.n_variables; i++) {
        CHECK(info.variables[i].id != NULL);
        CHECK(tableinfo_find(&info, info.variables[i].id) != NULL);
        for (size_t k = 0; k < info.variables[i].n_values; k++)
            CHECK(info.variables[i].values[k] != NULL);
    }
    tableinfo_free(&info);
    verify((const char *)data, size);
    return 0;
}
