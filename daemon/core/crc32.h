/*
 * crc32.h — CRC-32 checksums; the journal uses one per record to tell a torn
 * or damaged record from a good one.
 */
#ifndef PEJL_CRC32_H
#define PEJL_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* crc32_update(0, "123456789", 9) == 0xcbf43926 */
uint32_t crc32_update(uint32_t crc, const void *data, size_t len);

#endif
