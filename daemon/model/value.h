/*
 * value.h — printing an observation's value: the shortest decimal that
 * reads back as exactly the same double (70.4, not 70.400000000000006).
 */
#ifndef PEJL_VALUE_H
#define PEJL_VALUE_H

#include <stddef.h>

/* Writes `value` (finite, or "nan"); returns the length. */
size_t value_format(double value, char *buf, size_t size);

#endif
