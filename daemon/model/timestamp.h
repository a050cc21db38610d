/*
 * timestamp.h — moments as RFC 3339 text in UTC ("2026-11-22T06:00:00Z"),
 * the form Alertmanager, JSON state files and --now use.
 */
#ifndef PEJL_TIMESTAMP_H
#define PEJL_TIMESTAMP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define TIMESTAMP_TEXT_MAX 32

void timestamp_format(int64_t t, char *buf, size_t size);
/* The moment as a JSON string, or JSON null for 0 ("never"). */
json_t *timestamp_json(int64_t t);
/* "2026-11-22T06:00:00Z", "2026-11-22T06:00:00+01:00" or a date
 * "2026-11-22" (its midnight UTC); -1 when malformed. */
int timestamp_parse(const char *text, int64_t *out);

#endif
