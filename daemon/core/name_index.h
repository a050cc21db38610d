/*
 * name_index.h — a hash table from a name (a NUL-terminated string) to a
 * pointer: for finding a series, an indicator or a scheduled entry by its
 * id in constant time where a catalogue of thousands made linear searches
 * quadratic. Open addressing, linear probing, FNV-1a (fnv.h).
 *
 * The table does not copy names: each key must stay valid and unchanged
 * while it is in the table (it is normally the id inside the value). It
 * never removes an entry one by one; name_index_clear() empties it.
 * Uses nothing but fnv.h and array growth; knows nothing of pejl.
 */
#ifndef PEJL_NAME_INDEX_H
#define PEJL_NAME_INDEX_H

#include <stddef.h>
#include <stdint.h>

struct name_slot {
    const char *name; /* NULL: empty */
    void *value;
    uint64_t hash;
};

struct name_index {
    struct name_slot *slots;
    size_t cap, n; /* cap: 0 or a power of two */
};

/* The value stored under `name`, or NULL. */
void *name_index_get(const struct name_index *index, const char *name);
/* The same for the first `len` bytes of `name` (need not end there). */
void *name_index_get_len(const struct name_index *index, const char *name, size_t len);
/* Stores `value` under `name`, replacing what was there. -1: out of memory. */
int name_index_put(struct name_index *index, const char *name, void *value);
/* Calls fn for every value, in no particular order. */
void name_index_each(const struct name_index *index, void (*fn)(void *value, void *arg), void *arg);
/* Forgets every entry and frees the table (the values are the caller's). */
void name_index_clear(struct name_index *index);

#endif
