/*
 * derive.h — indicators built from several series, evaluated by the core
 * after a collection and before anything is stored. Pure: no I/O; other
 * indicators' stored series come in through a lookup callback.
 *
 * Configured per indicator (all optional), applied in this order:
 *
 *   derive = {
 *     annual = "sum";            # 1. months/quarters → calendar-year sums (complete years only;
 *                                #    a yearly value is taken as it is: a spliced annual table)
 *     rolling = 12;              #    or: sums over the last n periods (all n present)
 *     per_million = "population";# 2. ÷ that indicator's value for the same member and
 *                                #    period × 1e6; the nearest earlier period when the same
 *                                #    one is missing (the value is then marked estimated)
 *     combine = "sum";           # 3. the indicator's own series = the sum of its members
 *     rank = "DK";               #    or: the rank of member DK among the members (1 = most)
 *     scale = 0.000001;          # 4. every value × scale (DKK 1,000 → bn DKK), ranks excepted
 *   };
 *
 * Steps 1–2 apply to every series, members and own; step 3 writes the own
 * series; scaling comes last, where it costs the least precision (it
 * commutes with every other step). A derived value is provisional when any
 * input was; a sum or rank is only made for periods where every member has
 * a value. A break (b) in a member carries into a sum or rank of it, and a
 * rolling sum keeps the break of its own period (not of the window's).
 */
#ifndef PEJL_DERIVE_H
#define PEJL_DERIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "collector.h"

enum derive_temporal { TEMPORAL_NONE, TEMPORAL_ANNUAL_SUM, TEMPORAL_ROLLING_SUM };
enum derive_combine { COMBINE_NONE, COMBINE_SUM, COMBINE_RANK };

struct derive_spec {
    bool active;
    double scale; /* 1 when not set */
    enum derive_temporal temporal;
    int rolling; /* periods, for TEMPORAL_ROLLING_SUM */
    char *per_million; /* indicator id, or NULL */
    enum derive_combine combine;
    char rank_member[PEJL_MEMBER_MAX + 1];
};

/* One observation of another indicator's series: the value at the latest
 * period ending no later than `end`; false when there is none. */
typedef bool (*derive_lookup_fn)(void *arg, const char *indicator, const char *member,
                                 int64_t end, double *value, uint32_t *status, bool *exact);

struct derive_input {
    const struct derive_spec *spec;
    enum pejl_period_kind frequency; /* the indicator's: what comes out */
    derive_lookup_fn lookup;
    void *lookup_arg;
};

/* Applies the spec to obs[0..n) (sorted by member, then period, as collect
 * leaves them) into a new array *out (caller frees) of *n_out observations,
 * sorted the same way; member pointers are those of the input. 0, or -1
 * with `err`. */
int derive_apply(const struct derive_input *in, const struct pejl_observation *obs, size_t n,
                 struct pejl_observation **out, size_t *n_out, char *err, size_t errlen);

/* Step 1 with annual = "sum" alone, for one source's observations before a
 * splice (splice.h): the same contract as derive_apply. */
int derive_annual_sums(const struct pejl_observation *obs, size_t n, struct pejl_observation **out,
                       size_t *n_out, char *err, size_t errlen);

void derive_spec_free(struct derive_spec *spec);

#endif
