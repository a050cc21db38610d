/*
 * indicator.c — what an indicator id may be.
 */
#include "indicator.h"

#include <string.h>

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
