/*
 * file_name.h — turning arbitrary text (a category code from a statistics
 * office, say) into one component of a file name that stays in its
 * directory: no '/', no NUL, no leading '.', no control characters, and
 * different texts always give different names.
 *
 * Bytes of [A-Za-z0-9_-] are kept (so plain codes keep their plain file
 * names); every other byte is written "%XX", upper-case hex ('%' itself is
 * "%25"). That is injective, and the same text always gives the same bytes.
 * A name that would not fit its budget is cut at a whole "%XX" and ends in
 * "~" and 32 hex digits of the text's SHA-256: '~' is never written by the
 * escape itself, so such a name cannot equal a plain one.
 */
#ifndef PEJL_FILE_NAME_H
#define PEJL_FILE_NAME_H

#include <stddef.h>

/* The shortest budget file_name_escape() accepts: room for the hash. */
#define FILE_NAME_HASHED_MIN 40

/* Writes the escaped form of `text` to `buf` (NUL-terminated, at most
 * size - 1 bytes). Returns its length, or 0 when `text` is empty or `size`
 * is less than FILE_NAME_HASHED_MIN. */
size_t file_name_escape(const char *text, char *buf, size_t size);

#endif
