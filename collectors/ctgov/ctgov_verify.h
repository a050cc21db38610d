/*
 * ctgov_verify.h — checking a ctgov source's country names against
 * ClinicalTrials.gov: one count query per country (countTotal=true,
 * pageSize=1, the country as LocationCountry and nothing else) must answer
 * a number. The API does not refuse a name it does not know — it counts
 * no study — so a count of 0 is reported as a problem that says exactly
 * that. The source's terms are not part of those counts: a warning says
 * they were not checked. Used by pejld --check-config --online and pejlctl
 * verify. No I/O.
 */
#ifndef PEJL_CTGOV_VERIFY_H
#define PEJL_CTGOV_VERIFY_H

#include "../common/decode_budget.h"
#include "../common/source_config.h"

struct ctgov_wanted {
    char **names; /* LocationCountry, one per request */
    char **urls;
    int *lines;
    struct pejl_request *requests;
    size_t n;
    const char *why_not; /* when there are no requests */
    char *terms;         /* the source's terms, joined, or NULL */
    int terms_line;
};

int ctgov_wanted_read(const config_setting_t *source, const char *default_url,
                      struct ctgov_wanted *w);
void ctgov_wanted_free(struct ctgov_wanted *w);

int ctgov_verify_response(const struct ctgov_wanted *w, const struct decode_budget *budget,
                          uintptr_t tag, const struct pejl_response *response,
                          const struct pejl_verify_sink *sink, char *err, size_t errlen);

#endif
