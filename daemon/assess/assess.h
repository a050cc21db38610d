/*
 * assess.h — every target of one indicator evaluated against what is
 * stored, at one moment: the single place where the status table, the
 * alerts, and later the graphs and reports get their figures from.
 */
#ifndef PEJL_ASSESS_H
#define PEJL_ASSESS_H

#include <stdint.h>

#include "evaluate.h"
#include "indicator.h"
#include "store.h"

/* Fills out[0..ind->n_targets) and returns the newest stored observation
 * of the indicator's own series, or of its members for a panel kept only
 * as members (NULL when none). */
const struct stored_observation *assess(const struct indicator *ind, const struct store *store,
                                        int64_t now, struct evaluation *out);

/* Each of the indicator's published figures beside pejl's own, into
 * out[0..ind->n_published). */
void assess_published(const struct indicator *ind, const struct store *store,
                      struct published_check *out);

#endif
