/*
 * utf8.h — keeping text valid UTF-8 where it leaves pejld (JSON, e-mail):
 * a summary cut at its buffer's end may stop inside a character, and a
 * config string need not be UTF-8 at all.
 */
#ifndef PEJL_UTF8_H
#define PEJL_UTF8_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The length of the valid UTF-8 sequence at s (1-4), or 0 when invalid:
 * bad lead or continuation bytes, overlong forms, surrogates, > U+10FFFF. */
size_t utf8_sequence(const unsigned char *s, size_t left);
/* Replaces every byte that is not part of a valid sequence with '?'. */
void utf8_scrub(char *s);
bool utf8_valid(const char *s);
/* A JSON string of `s` scrubbed (jansson refuses invalid UTF-8); NULL only
 * without memory. */
json_t *utf8_json(const char *s);

#endif
