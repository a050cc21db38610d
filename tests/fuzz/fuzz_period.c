/*
 * fuzz_period.c — pejld's period and status parsers (daemon/model/period.c) on
 * arbitrary bytes. A period that parses must be valid, print in its
 * canonical form within PERIOD_TEXT_MAX, parse back to the same period, and
 * span between one day and its kind's longest length; status letters that
 * parse must print and parse back to the same flags.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "period.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(condition)                                                                           \
    do {                                                                                           \
        if (!(condition))                                                                          \
            abort();                                                                               \
    } while (0)

static void check_period(const char *text, size_t len)
{
    struct pejl_period p, again;
    char printed[PERIOD_TEXT_MAX];
    if (period_parse(text, len, &p) < 0)
        return;
    CHECK(period_valid(&p));
    size_t n = period_format(&p, printed, sizeof printed);
    CHECK(n > 0 && n < sizeof printed && strlen(printed) == n);
    CHECK(period_parse(printed, n, &again) == 0);
    CHECK(period_equal(&p, &again));
    int64_t length = period_end(&p) - period_start(&p);
    CHECK(length >= 86400 && length <= (int64_t)period_kind_max_days(p.kind) * 86400);
    CHECK(period_compare(&p, &again) == 0);
}

static void check_status(const char *text, size_t len)
{
    uint32_t status, again;
    char printed[16];
    if (status_parse(text, len, &status) < 0)
        return;
    CHECK(status < (1u << 6));
    size_t n = status_format(status, printed, sizeof printed);
    CHECK(n == strlen(printed));
    CHECK(status_parse(printed, n, &again) == 0 && again == status);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_period((const char *)data, size);
    check_status((const char *)data, size);
    return 0;
}
