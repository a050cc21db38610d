/*
 * rule_words.h — the words of alerts and of the notifications that carry
 * them (summaries, descriptions, e-mail facts), in the configured language
 * (`language = "da"|"en"`), with that language's number forms
 * (number_format.h) and dates.
 *
 * As gettext does it: the English text is the key and its own English
 * translation, so rule.c and notice.c are written in English and checked
 * by the compiler (format_arg); one table holds the Danish of each, with
 * the same conversions in the same order (test_rule_words checks every
 * entry). Text without a Danish entry stays English rather than vanish.
 *
 * English keeps the figures as alerts have always written them (dot
 * decimals, '-' minus, no separators), so English mails and logs read as
 * before; Danish writes them as the report does ("−2,7", "5.912.000").
 *
 * Pure functions, no I/O; may use core and model only.
 */
#ifndef PEJL_RULE_WORDS_H
#define PEJL_RULE_WORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "number_format.h" /* enum language */

/* `english` (a printf format or plain text) in `language`. */
const char *rule_words(enum language language, const char *english) __attribute__((format_arg(2)));
/* The same for text that is not a format: a note of evaluate.c ("no data"),
 * a state name ("CRITICAL"). */
const char *rule_words_text(enum language language, const char *english);

/* A figure as people write it: 189, 151.8, 0.907, 5912000 (English, as
 * always); Danish "151,8", "5.912.000", "−2,5". NaN: "-" / "–". */
const char *rule_words_number(enum language language, double v, char *buf, size_t size);
/* A figure with `decimals` decimals ("%.1f"); `plus`: signed ("%+.1f"). */
const char *rule_words_fixed(enum language language, double v, int decimals, bool plus, char *buf,
                             size_t size);
/* A moment for people: "2025-10-01T06:00:00Z" / "1. oktober 2025 kl. 06.00 UTC". */
#define RULE_WORDS_MOMENT_MAX 64
const char *rule_words_moment(enum language language, int64_t t, char *buf, size_t size);

/* The table, for the test that every Danish entry takes the English one's
 * conversions. */
struct rule_phrase {
    const char *english, *danish;
};
const struct rule_phrase *rule_words_table(size_t *count);

#endif
