/*
 * fuzz_tableinfo.c — Statistics Denmark's tableinfo parser (statbank's
 * verify) on arbitrary bytes. Besides the sanitizers' checks it aborts when
 * an answer breaks a promise of tableinfo.h: a refusal says why in one
 * line; an accepted document has an id for every variable and value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/statbank/tableinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(condition)                                                                           \
    do {                                                                                           \
        if (!(condition))                                                                          \
            abort();                                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tableinfo info;
    char err[512] = "";
    if (tableinfo_parse((const char *)data, size, 20000, &info, err, sizeof err) < 0) {
        CHECK(err[0] != '\0' && !strchr(err, '\n'));
        return 0;
    }
    CHECK(info.id != NULL);
    for (size_t i = 0; i < info.n_variables; i++) {
        CHECK(info.variables[i].id != NULL);
        CHECK(tableinfo_find(&info, info.variables[i].id) != NULL);
        for (size_t k = 0; k < info.variables[i].n_values; k++)
            CHECK(info.variables[i].values[k] != NULL);
    }
    tableinfo_free(&info);
    return 0;
}
