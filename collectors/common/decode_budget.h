/*
 * decode_budget.h — what decoding one response may cost, checked before a
 * tree is built. jansson makes an allocation of a hundred bytes and more of
 * every JSON value, so 60 MB of "[]," would cost gigabytes and seconds of the
 * loop: a linear scan that allocates nothing counts the elements (values and
 * member names) and the nesting depth first, and a document over the budget
 * is refused with a message that names the limit and the key that raises it.
 *
 * Pure and stateless; compiled into every module that decodes JSON with
 * jansson (the collectors, and the JSON-stat decoder for its small members).
 * The count is exact for valid JSON; on other bytes it stays in bounds and
 * the parser that follows says what is wrong.
 */
#ifndef PEJL_DECODE_BUDGET_H
#define PEJL_DECODE_BUDGET_H

#include <stddef.h>

/* A full World Bank page (1000 rows) is about 27,000 elements; a
 * ClinicalTrials.gov count a dozen. Costs jansson some 30 MB at most. */
#define DECODE_BUDGET_ELEMENTS 250000
/* Most elements a source's max_elements may allow. */
#define DECODE_BUDGET_ELEMENTS_MAX 50000000
/* Deepest nesting accepted; the APIs pejl reads nest 6 levels at most. */
#define DECODE_BUDGET_DEPTH 64

struct decode_budget {
    size_t max_elements; /* values and member names */
    size_t max_depth;    /* of arrays and objects */
};

/*
 * 0 if the `len` bytes at `text` stay within `budget`; -1 with "more than N
 * JSON elements …" or "nested deeper than N levels" in `err`, where `key`
 * names the source key that raises the element limit ("max_elements").
 */
int decode_budget_check(const char *text, size_t len, const struct decode_budget *budget,
                        const char *key, char *err, size_t errlen);

#endif
