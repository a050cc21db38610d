/*
 * fuzz_csv.c — csv_parse (collectors/csv/csv_parse.c) on arbitrary bytes
 * with pejld's own period and status parsers (daemon/model/period.c) as its
 * callbacks. Besides the sanitizers' checks it aborts when an answer breaks
 * a promise of csv_parse.h: a failure leaves the table empty with a one-line
 * reason; a success has every row's period valid, of one kind, strictly
 * increasing, and values that are finite or missing.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/csv/csv_parse.h"
#include "period.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(condition)                                                                           \
    do {                                                                                           \
        if (!(condition))                                                                          \
            abort();                                                                               \
    } while (0)

static const struct csv_callbacks callbacks = {period_parse, period_format, status_parse};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct csv_table table;
    char err[256];
    if (csv_parse((const char *)data, size, &callbacks, &table, err, sizeof err) < 0) {
        CHECK(err[0] && !strchr(err, '\n') && !strchr(err, '\r'));
        CHECK(!table.rows && table.n == 0);
        return 0;
    }
    CHECK(err[0] == '\0');
    for (size_t i = 0; i < table.n; i++) {
        const struct pejl_observation *obs = &table.rows[i].obs;
        CHECK(period_valid(&obs->period));
        CHECK(isnan(obs->value) || isfinite(obs->value));
        CHECK(obs->status < (1u << 6));
        CHECK(table.rows[i].line >= 1);
        if (i > 0) {
            const struct pejl_period *before = &table.rows[i - 1].obs.period;
            CHECK(before->kind == obs->period.kind);
            CHECK(period_compare(before, &obs->period) < 0);
        }
    }
    csv_table_free(&table);
    return 0;
}
