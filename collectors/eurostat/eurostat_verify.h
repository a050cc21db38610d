/*
 * eurostat_verify.h — checking a eurostat source against the dataset's
 * own codes: what pejld --check-config --online and pejlctl verify ask of
 * the eurostat collector.
 *
 * Two requests: the dataset's last period with no filters (its JSON-stat
 * dimensions list every code: Eurostat's metadata without the SDMX
 * structure API), and the configured data request, whose time dimension
 * says which periods the source really gives. Every filter names a
 * dimension and codes that exist (else the nearest are named); every other
 * dimension with several codes is filtered to one, the panel or selected.
 * A dataset too big for Eurostat to list unfiltered (413, or its
 * "asynchronous" answer) leaves the codes unchecked, with a warning. No I/O.
 */
#ifndef PEJL_EUROSTAT_VERIFY_H
#define PEJL_EUROSTAT_VERIFY_H

#include "../common/jsonstat_source.h"

struct eurostat_filter {
    char *dimension;
    char **codes;
    size_t n_codes;
    int line;
};

struct eurostat_wanted {
    char *dataset;
    int dataset_line, panel_line, since_line;
    struct eurostat_filter *filters;
    size_t n_filters;
    char *codes_url; /* the last period, unfiltered; NULL: why_not says why */
    const char *why_not;
    struct pejl_request requests[2]; /* codes, then the data request */
};

#define EUROSTAT_VERIFY_CODES 0
#define EUROSTAT_VERIFY_DATA 1

/* Keeps what verification needs of an accepted source block; `data_url`
 * is the collection's request. 0, or -1 when out of memory. */
int eurostat_wanted_read(const config_setting_t *source, const char *default_url,
                         const char *data_url, struct eurostat_wanted *w);
void eurostat_wanted_free(struct eurostat_wanted *w);
size_t eurostat_wanted_plan(struct eurostat_wanted *w, const struct pejl_request **requests);

/* Checks the source against the response to request `tag`. 0, or -1 with
 * `err` when the response is no JSON-stat dataset. */
int eurostat_verify_response(const struct pejl_host *host, const struct eurostat_wanted *w,
                             const struct jsonstat_choice *choice, uintptr_t tag,
                             const struct pejl_response *response,
                             const struct pejl_verify_sink *sink, char *err, size_t errlen);

#endif
