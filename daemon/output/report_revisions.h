/*
 * report_revisions.h — the report's revision history: data/ID-vintages.csv
 * (every value each period has had, with its vintage) and the section
 * "Revisioner" / "Revisions" (the largest revisions since the comparison
 * date, or of all the journal holds).
 *
 * The vintages file is in the LONG form, one row per value a period has
 * had, in the order first seen:
 *
 *     member,period,vintage,value,status,change_pct
 *     ,2022,2025-03-01T06:00:00Z,120,,
 *     ,2022,2025-06-01T06:00:00Z,125,,4.1666666666667
 *
 * change_pct is the change from the period's first published value (empty
 * on that first row). The long form, not a triangle of one column per
 * vintage date, because a catalogue's vintages are collection times that
 * differ per indicator: a triangle would be mostly empty cells; a
 * spreadsheet's pivot makes the triangle from the long form.
 *
 * Read from the journal (as_of.h's history), up to the report's as-of
 * moment; never from the series in memory, which know only the last value.
 */
#ifndef PEJL_REPORT_REVISIONS_H
#define PEJL_REPORT_REVISIONS_H

#include <stdint.h>
#include <stdio.h>

#include "indicator.h"
#include "words.h"

struct report_revisions;

/* The history of STATE_DIR/journal up to `until` (0: all), and its
 * revisions after `since` (0: all). NULL with `err` when it cannot be read. */
struct report_revisions *report_revisions_read(const char *state_dir, int64_t since, int64_t until,
                                               char *err, size_t errlen);
void report_revisions_free(struct report_revisions *rv);

/* DIR/data/ID-vintages.csv for `ind`: its own series and its members'. */
int report_revisions_write_csv(const struct report_revisions *rv, const char *dir,
                               const struct indicator *ind, char *err, size_t errlen);

/* The section of index.html / report.md: the largest revisions (at most
 * REPORT_REVISIONS_SHOWN), old and new value, both vintages and the
 * change in %; a sentence when there are none. */
#define REPORT_REVISIONS_SHOWN 10
void report_revisions_html(FILE *f, const struct report_revisions *rv,
                           const struct indicator *indicators, size_t n_indicators,
                           enum language language);
void report_revisions_markdown(FILE *f, const struct report_revisions *rv,
                               const struct indicator *indicators, size_t n_indicators,
                               enum language language);

#endif
