/*
 * indicator.c — what an indicator id may be, and which periods a source is
 * valid for.
 */
#include "indicator.h"

#include <string.h>

#include "period.h"
#include "series.h"

bool indicator_id_valid(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > INDICATOR_ID_MAX)
        return false;
    for (const char *c = id; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
            return false;
    return true;
}

const struct indicator *indicator_find(const struct indicator *indicators, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (indicators[i].id && strcmp(indicators[i].id, id) == 0)
            return &indicators[i];
    return NULL;
}

bool indicator_source_covers(const struct indicator_source *s, const struct pejl_period *p)
{
    if (s->from.kind != PEJL_PERIOD_NONE && period_start(p) < period_start(&s->from))
        return false;
    return s->until.kind == PEJL_PERIOD_NONE || period_end(p) <= period_end(&s->until);
}
