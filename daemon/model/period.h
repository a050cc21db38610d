/*
 * period.h — calendar periods: parsing every form the sources write, the one
 * canonical printed form, and the period's start and end in UTC.
 *
 * Every period in pejl goes through here: collectors (through the host
 * table), the journal, the RRD view and the graphs. Periods are calendar
 * periods in UTC; an observation is stamped at its period's end.
 */
#ifndef PEJL_PERIOD_H
#define PEJL_PERIOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "collector.h"

/* Longest canonical form, "2023-01-31", plus NUL. */
#define PERIOD_TEXT_MAX 16

int period_parse(const char *text, size_t len, struct pejl_period *out);
size_t period_format(const struct pejl_period *p, char *buf, size_t size);
bool period_valid(const struct pejl_period *p);

/* First second of the period, and the first second after it (UTC). */
int64_t period_start(const struct pejl_period *p);
int64_t period_end(const struct pejl_period *p);
/* Longest possible length of a period of this kind, in days. */
int period_kind_max_days(enum pejl_period_kind kind);

int period_compare(const struct pejl_period *a, const struct pejl_period *b);
bool period_equal(const struct pejl_period *a, const struct pejl_period *b);

/* Frequency names used in the config: annual, quarterly, monthly, weekly, daily. */
const char *period_kind_name(enum pejl_period_kind kind);
enum pejl_period_kind period_kind_from_name(const char *name);

/* Status letters: p e b d u c. "" and "-" mean none. */
int status_parse(const char *text, size_t len, uint32_t *out);
size_t status_format(uint32_t status, char *buf, size_t size);

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t period_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
