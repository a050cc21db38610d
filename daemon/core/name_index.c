/*
 * name_index.c — name → pointer hash table (see name_index.h).
 */
#include "name_index.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fnv.h"

static bool same_name(const struct name_slot *slot, uint64_t hash, const char *name, size_t len)
{
    return slot->hash == hash && strncmp(slot->name, name, len) == 0 && slot->name[len] == '\0';
}

/* The slot holding `name`, or the empty slot where it would go. */
static size_t slot_of(const struct name_slot *slots, size_t cap, uint64_t hash, const char *name,
                      size_t len)
{
    size_t i = (size_t)hash & (cap - 1);
    while (slots[i].name && !same_name(&slots[i], hash, name, len))
        i = (i + 1) & (cap - 1);
    return i;
}

void *name_index_get_len(const struct name_index *index, const char *name, size_t len)
{
    if (index->n == 0)
        return NULL;
    uint64_t hash = fnv1a(FNV64_OFFSET, name, len);
    const struct name_slot *slot =
        &index->slots[slot_of(index->slots, index->cap, hash, name, len)];
    return slot->name ? slot->value : NULL;
}

void *name_index_get(const struct name_index *index, const char *name)
{
    return name_index_get_len(index, name, strlen(name));
}

/* Doubles the table (from 16 slots), keeping it at most 70 % full. */
static int grow(struct name_index *index)
{
    size_t cap = index->cap ? index->cap * 2 : 16;
    if (cap > SIZE_MAX / sizeof *index->slots)
        return -1;
    struct name_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < index->cap; i++) {
        const struct name_slot *old = &index->slots[i];
        if (old->name)
            slots[slot_of(slots, cap, old->hash, old->name, strlen(old->name))] = *old;
    }
    free(index->slots);
    index->slots = slots;
    index->cap = cap;
    return 0;
}

int name_index_put(struct name_index *index, const char *name, void *value)
{
    if ((index->n + 1) * 10 > index->cap * 7 && grow(index) < 0)
        return -1;
    size_t len = strlen(name);
    uint64_t hash = fnv1a(FNV64_OFFSET, name, len);
    struct name_slot *slot = &index->slots[slot_of(index->slots, index->cap, hash, name, len)];
    if (!slot->name)
        index->n++;
    *slot = (struct name_slot){.name = name, .value = value, .hash = hash};
    return 0;
}

void name_index_each(const struct name_index *index, void (*fn)(void *value, void *arg), void *arg)
{
    for (size_t i = 0; i < index->cap; i++)
        if (index->slots[i].name)
            fn(index->slots[i].value, arg);
}

void name_index_clear(struct name_index *index)
{
    free(index->slots);
    *index = (struct name_index){0};
}
