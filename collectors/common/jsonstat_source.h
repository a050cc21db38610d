/*
 * jsonstat_source.h — what the jsonstat, statbank and eurostat collectors
 * share beyond the decoder: reading `select`, `time` and `panel` from the
 * source block, and turning a decoded dataset into observations (time codes
 * through the host's period parser, status letters kept, a panel's free
 * dimension as the member). Compiled into each of those modules.
 */
#ifndef PEJL_JSONSTAT_SOURCE_H
#define PEJL_JSONSTAT_SOURCE_H

#include "../jsonstat/jsonstat_decode.h"
#include "source_config.h"

struct jsonstat_choice {
    struct jsonstat_pick *picks;
    size_t n_picks;
    char *time;    /* time dimension id, or NULL */
    char *panel;   /* free dimension id, or NULL */
    char *dataset; /* for 1.x bundles, or NULL */
    struct jsonstat_limits limits; /* max_elements, max_cells */
};

/* Longest dimension id or category code `select` takes, in bytes. */
#define JSONSTAT_DIMENSION_ID_MAX 64

/* Reads select = { dim = "code"; … } or its list form for ids libconfig
 * cannot name, select = ( [ "KØN", "TOT" ], … ) (each element a dimension
 * id and one category code, UTF-8 without control characters, each id
 * once), and time, panel, dataset, max_elements and max_cells (the keys the
 * caller's key table allowed). Returns the number of problems. */
int jsonstat_choice_read(struct source_reader *r, struct jsonstat_choice *choice);
void jsonstat_choice_free(struct jsonstat_choice *choice);

/* Adds a pick (copies both strings); 0 or -1. */
int jsonstat_choice_pick(struct jsonstat_choice *choice, const char *dimension, const char *code);

/* Decodes `response` and emits what `choice` selects. `what` names the
 * source in errors ("Statistics Denmark table IPOP2021"). 0, or -1 with err. */
int jsonstat_emit(const struct pejl_host *host, const struct jsonstat_choice *choice,
                  const struct pejl_response *response, const struct pejl_sink *sink,
                  const char *what, char *err, size_t errlen);

#endif
