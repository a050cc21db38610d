/*
 * worldbank_verify.h — checking a worldbank source against the API's own
 * lists: each country (GET /v2/country/XX?format=json) and the indicator
 * (GET /v2/indicator/CODE?format=json) must be known; the API answers an
 * unknown one with its error body ([{"message":[…]}], HTTP 200). Used by
 * pejld --check-config --online and pejlctl verify. No I/O.
 */
#ifndef PEJL_WORLDBANK_VERIFY_H
#define PEJL_WORLDBANK_VERIFY_H

#include "../common/decode_budget.h"
#include "../common/source_config.h"

struct worldbank_wanted {
    char **items; /* "country/DK", …, "indicator/SP.POP.TOTL" (the last) */
    char **urls;
    struct pejl_request *requests;
    size_t n;
    int countries_line, indicator_line;
    const char *why_not; /* when there are no requests */
};

/* Keeps what verification needs of an accepted source block. 0, or -1
 * when out of memory. */
int worldbank_wanted_read(const config_setting_t *source, const char *default_url,
                          struct worldbank_wanted *w);
void worldbank_wanted_free(struct worldbank_wanted *w);

/* Checks the answer to request `tag`. 0, or -1 with `err` when it is not
 * the World Bank's JSON. */
int worldbank_verify_response(const struct worldbank_wanted *w, const struct decode_budget *budget,
                              uintptr_t tag, const struct pejl_response *response,
                              const struct pejl_verify_sink *sink, char *err, size_t errlen);

#endif
