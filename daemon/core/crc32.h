/*
 * crc32.h — CRC-32 (IEEE 802.3, zlib's and gzip's: reflected polynomial
 * 0xEDB88320) of short lines, computed eight bytes at a time (slicing-by-8).
 *
 * The journal and the alert log check one CRC per record of some 45 bytes;
 * zlib's crc32() spends most of its time there setting up for long buffers
 * (about 170 ns a call on this machine, a third of an as-of status over
 * 1.2 million records). The value is zlib's crc32(0, data, len) exactly:
 * files written by either read the same.
 */
#ifndef PEJL_CRC32_H
#define PEJL_CRC32_H

#include <stddef.h>
#include <stdint.h>

uint32_t crc32_line(const void *data, size_t len);

#endif
