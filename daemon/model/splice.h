/*
 * splice.h — one series from an indicator's several sources, each valid for
 * its periods from..until (a table replaced by another at a break: SITC2R4Y
 * for 2007–2021, SITC2R4 from 2022). Pure: no I/O.
 *
 * Where the splice happens: at the indicator's frequency, before the rest
 * of derive. With annual = "sum" each source's months or quarters are first
 * summed to calendar years on their own (complete years only, so a year
 * half in one table and half in the other, or cut by from/until, is no
 * year), and a source that gives years gives them as they are; the years
 * are then spliced. Otherwise the sources give the indicator's own periods
 * and those are spliced (a rolling sum is then taken over the spliced
 * periods). per_million, combine and scale follow, as for one source.
 *
 * The rules: an observation outside its source's from..until is dropped;
 * where two sources give the same period of the same member, the later
 * source in the list wins (a missing value does not beat a value); the
 * first period a series takes from another source than the period before
 * it carries the break status b (PEJL_STATUS_BREAK).
 */
#ifndef PEJL_SPLICE_H
#define PEJL_SPLICE_H

#include <stddef.h>
#include <stdint.h>

#include "indicator.h"

/* The observations one source gave, sorted by member, then period. */
struct splice_part {
    const struct pejl_observation *obs;
    size_t n;
};

/* A period of a member that more than one source gave. */
struct splice_overlap {
    const char *member; /* NULL for the own series */
    struct pejl_period period;
    double value[INDICATOR_MAX_SOURCES]; /* NAN where source i gave none */
};

/* Where the series moves on to source `source` (the first such period
 * among all members, and in how many members it happens). */
struct splice_seam {
    size_t source;
    struct pejl_period first;
    size_t members;
};

struct splice_result {
    struct pejl_observation *obs; /* sorted by member, then period */
    size_t n;
    struct splice_overlap *overlaps; /* in the order of obs */
    size_t n_overlaps;
    struct splice_seam seams[INDICATOR_MAX_SOURCES]; /* one per source moved on to */
    size_t n_seams;
};

/* Splices parts[i], the observations of ind->sources[i], for i < n_parts
 * (n_parts == ind->n_sources). Member pointers are those of the input. 0,
 * or -1 with `err` (out of memory, or what derive_annual_sums refuses). */
int splice_apply(const struct indicator *ind, const struct splice_part *parts, size_t n_parts,
                 struct splice_result *out, char *err, size_t errlen);
void splice_result_free(struct splice_result *r);

#endif
