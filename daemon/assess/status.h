/*
 * status.h — the status table: every indicator with a target, its latest
 * period and value, the target, the path value, the gap, the progress
 * category, the time distance and the projection, evaluated from what is
 * stored, and the worst alert of the row. Indicators without a target get
 * one row with their latest value, its age and their alerts. Printed at
 * the end of pejld --once and by pejld --status.
 */
#ifndef PEJL_STATUS_H
#define PEJL_STATUS_H

#include <stdint.h>
#include <stdio.h>

#include "alerting.h"
#include "indicator.h"
#include "store.h"

/* A row per target of each of the `n_indicators` (the config's catalogue);
 * `alerting` may be NULL (no alert column then). */
void status_print(FILE *out, const struct indicator *indicators, size_t n_indicators,
                  const struct store *store, const struct alerting *alerting, int64_t now);
/* The same as a JSON array, one object per indicator and target. */
int status_print_json(FILE *out, const struct indicator *indicators, size_t n_indicators,
                      const struct store *store, const struct alerting *alerting, int64_t now);

#endif
