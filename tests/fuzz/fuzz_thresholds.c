/*
 * fuzz_thresholds.c — the small parsers an operator types into the config
 * and the command line: monitoring-plugins ranges (daemon/model/range.c) and
 * RFC 3339 times (daemon/model/timestamp.c), on arbitrary bytes. A range that
 * parses prints in the same syntax and parses back to the same range; a
 * time that parses prints (in UTC) and parses back to the same second.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "range.h"
#include "timestamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(condition)                                                                           \
    do {                                                                                           \
        if (!(condition))                                                                          \
            abort();                                                                               \
    } while (0)

static void check_range(const char *text)
{
    struct range r, again;
    char err[256], printed[RANGE_TEXT_MAX + 64];
    if (range_parse(text, &r, err, sizeof err) < 0) {
        CHECK(strstr(err, "write e.g.") != NULL);
        return;
    }
    CHECK(r.set && !isnan(r.start) && !isnan(r.end) && r.start <= r.end);
    range_format(&r, printed, sizeof printed);
    CHECK(range_parse(printed, &again, err, sizeof err) == 0);
    CHECK(again.inside == r.inside && again.start == r.start && again.end == r.end);
    CHECK(!range_alerts(&r, NAN));
}

static void check_time(const char *text)
{
    int64_t t, again;
    char printed[TIMESTAMP_TEXT_MAX];
    if (timestamp_parse(text, &t) < 0)
        return;
    timestamp_format(t, printed, sizeof printed);
    CHECK(timestamp_parse(printed, &again) == 0 && again == t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    check_range(text);
    check_time(text);
    free(text);
    return 0;
}
