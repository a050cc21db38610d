/*
 * duration.h — durations as the config and pejlctl write them: "90s",
 * "15m", "6h", "1d", "1w", "1d12h", "250ms" or plain seconds, bounded so
 * that sums and conversions never overflow. No pejl words: core.
 */
#ifndef PEJL_DURATION_H
#define PEJL_DURATION_H

#include <stdint.h>

/* The longest duration anything may be set to (10 years), so that sums
 * and conversions to milliseconds never overflow; and the longest interval
 * between collections (a year and a day). */
#define PEJL_DURATION_MAX_MS (3660 * 86400000ll)
#define PEJL_INTERVAL_MAX_S (366 * 86400ll)

/* In seconds; -1 when malformed, not whole seconds, or above
 * PEJL_DURATION_MAX_MS. */
int64_t duration_parse(const char *text);
/* The same, also "250ms"; in milliseconds. */
int64_t duration_parse_ms(const char *text);

#endif
