/*
 * abi_mismatch.c — a module that exports pejl_collector with an ABI version
 * pejld does not speak; test_config checks that pejld refuses it by name.
 */
#include "collectors/collector.h"

__attribute__((visibility("default"))) const struct pejl_collector pejl_collector = {
    .abi_version = 999,
    .name = "abi_mismatch",
};
