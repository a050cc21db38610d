/*
 * value.c — shortest round-trip printing of values (see value.h).
 */
#include "value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

size_t value_format(double value, char *buf, size_t size)
{
    int n = 0;
    if (isnan(value))
        return (size_t)snprintf(buf, size, "nan");
    for (int precision = 15; precision <= 17; precision++) {
        n = snprintf(buf, size, "%.*g", precision, value);
        if (strtod(buf, NULL) == value)
            break;
    }
    return n < 0 ? 0 : (size_t)n;
}
