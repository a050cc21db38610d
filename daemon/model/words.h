/*
 * words.h — the labels people read on graphs and in reports, in Danish
 * (the default: the readers brief Life Science Rådet) or English, chosen
 * by `language = "da"|"en"` in the config. Figures are written with the
 * language's decimal mark.
 */
#ifndef PEJL_WORDS_H
#define PEJL_WORDS_H

#include <stddef.h>

#include "evaluate.h"
#include "number_format.h" /* enum language */

struct words {
    const char *pejlemaerke, *observed, *provisional, *target_path, *projection, *target,
        *in_year, *baseline, *level_of, *top, *warning, *critical, *source, *data_to,
        *collected, *status, *years_ahead, *years_behind, *only_one, *trend_up, *trend_down,
        *no_data, *indicator, *latest, *path_value, *gap, *progress, *time_distance, *alert,
        *last_collected, *period, *value, *vintage, *stale;
    /* what a graph could not show: "Not shown: 1 of 9 series (at most 8)" */
    const char *not_shown, *of, *at_most, *left_lines, *left_curves, *left_rules, *periods_before,
        *journal_only;
    const char *categories[5]; /* by enum progress */
    /* a compared figure (the 12-month mean of a monthly series against a
     * baseline year) and the figures the indicator's owner published */
    const char *compared_mean, *compared_with, *published, *published_figures, *pejl_figure,
        *difference;
    char decimal;
    /* where figures come from and whether they are real */
    const char *illustrative, *as_at, *sources, *data_to_cap;
};

const struct words *words_for(enum language language);
/* A figure with `digits` decimals in the language's form (number_format.h):
 * "0,2", "−16,6", "63.000"; "–" for none. */
void words_number(const struct words *w, double v, int digits, char *buf, size_t size);

#endif
