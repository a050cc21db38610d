/*
 * array.c — geometric array growth with overflow checks (see array.h).
 */
#include "array.h"

#include <errno.h>
#include <stdlib.h>

int array_grow(void **items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t grown = *cap ? *cap : ARRAY_FIRST_CAP;
    while (grown < need)
        if (__builtin_mul_overflow(grown, 2, &grown))
            goto overflow;
    size_t bytes;
    if (__builtin_mul_overflow(grown, size, &bytes))
        goto overflow;
    void *p = realloc(*items, bytes);
    if (!p)
        return -1;
    *items = p;
    *cap = grown;
    return 0;
overflow:
    errno = ENOMEM;
    return -1;
}
