/*
 * statbank_verify.h — checking a statbank source against its table's own
 * metadata (tableinfo): what pejld --check-config --online and pejlctl
 * verify ask of the statbank collector.
 *
 * At configure time the source's table, variables and their config lines
 * are kept (statbank_wanted_read); a tableinfo response is then checked:
 * every variable exists, every value exists (else the nearest codes are
 * named), every variable the API cannot eliminate is requested, and every
 * variable with several values is the panel or selected; the periods the
 * time selection gets go back to pejld as coverage. No I/O.
 */
#ifndef PEJL_STATBANK_VERIFY_H
#define PEJL_STATBANK_VERIFY_H

#include "../common/jsonstat_source.h"
#include "tableinfo.h"

struct statbank_wanted_variable {
    char *code;
    char **values; /* selectors: codes, "*", "2020*", ">=2020M01<2021M01" */
    size_t n_values;
    int line;
};

struct statbank_wanted {
    char *table;
    int table_line, panel_line;
    struct statbank_wanted_variable *variables;
    size_t n_variables;
    char *metadata_url; /* the tableinfo request, or NULL (then why_not says why) */
    const char *why_not;
    size_t max_elements;
};

/* Keeps what verification needs of an accepted source block. `url` is the
 * source's url (NULL: the API). 0, or -1 when out of memory. */
int statbank_wanted_read(const config_setting_t *source, const char *url, const char *lang,
                         struct statbank_wanted *w);
void statbank_wanted_free(struct statbank_wanted *w);

/* Checks the source against tableinfo `body`; problems go to `sink`.
 * `choice` gives the panel and select. 0, or -1 with `err` when the body
 * is not a tableinfo document. */
int statbank_verify_tableinfo(const struct pejl_host *host, const struct statbank_wanted *w,
                              const struct jsonstat_choice *choice, const char *body, size_t len,
                              const struct pejl_verify_sink *sink, char *err, size_t errlen);

#endif
