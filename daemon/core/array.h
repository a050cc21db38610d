/*
 * array.h — the one way pejl grows an array: geometric, with every size
 * computation checked for overflow, so that no caller writes its own
 * `cap ? cap * 2 : N` (and forgets the check that `cap * size` fits).
 * It never shrinks an array and never touches an element.
 */
#ifndef PEJL_ARRAY_H
#define PEJL_ARRAY_H

#include <stddef.h>

/* The capacity an empty array first gets. */
#define ARRAY_FIRST_CAP 8

/* Make room for `need` elements of `size` bytes in *items (capacity *cap),
 * doubling the capacity until it holds them. 0 on success (also when there
 * is room already); -1 with errno ENOMEM when the bytes would overflow a
 * size_t or realloc fails, *items and *cap untouched. */
int array_grow(void **items, size_t *cap, size_t need, size_t size);

#endif
