/*
 * jsonstat_internal.h — what the decoder's files share: the decoder's state
 * for one call of jsonstat_decode and its error helpers. Not for collectors;
 * they use jsonstat_decode.h only.
 */
#ifndef PEJL_JSONSTAT_INTERNAL_H
#define PEJL_JSONSTAT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "jsonstat_decode.h"
#include "jsonstat_scan.h"

struct jsonstat_decoder {
    const char *dataset_name;
    const struct jsonstat_limits *limits;
    struct jsonstat_dataset *out;
    char *err;
    size_t errlen;
    /* jsonstat_cells.c's working state, freed by jsonstat_cells_done */
    char *scratch; /* a decoded status string */
    size_t scratch_size;
    uint8_t *seen;       /* a bit per cell: given in a sparse member */
    uint32_t *slots;     /* hash of out->statuses: index + 1, or 0 when free */
    size_t n_slots;      /* a power of two, or 0 */
    size_t statuses_cap; /* room in out->statuses */
    uint16_t last;       /* the status interned last, or 0 */
    /* the symbols of status.category.index, which a status may name by position */
    struct jsonstat_category *status_codes;
    size_t n_status_codes;
};

/* Writes the message to the error buffer; returns -1. */
int jsonstat_fail(struct jsonstat_decoder *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* `text` as a message may quote it: control bytes replaced, cut after `cut`
 * bytes at a UTF-8 boundary with "..." added; `shown` has `size` bytes. */
const char *jsonstat_shown(const char *text, size_t cut, char *shown, size_t size);

/* jsonstat_cells.c: `value` and `status`, once the sizes are known. */
int jsonstat_read_values(struct jsonstat_decoder *d, struct js_span value);
int jsonstat_read_status(struct jsonstat_decoder *d, struct js_span status);
void jsonstat_cells_done(struct jsonstat_decoder *d);

#endif
