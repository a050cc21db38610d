/*
 * csv_field.h — one field of a CSV line as RFC 4180 writes it: as is, or in
 * double quotes (quotes doubled) when it holds a comma, a quote or a line
 * break, so that a category code such as `A,B` stays one field.
 */
#ifndef PEJL_CSV_FIELD_H
#define PEJL_CSV_FIELD_H

#include <stdio.h>

void csv_field_write(FILE *f, const char *text);

#endif
