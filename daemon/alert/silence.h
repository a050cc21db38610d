/*
 * silence.h — a silence: alerts that match it keep their state but are not
 * notified until it ends. A matcher names an indicator and/or a rule:
 * "ls_exports", "ls_exports/stale", or a star for every indicator with a
 * rule ("*" "/collect").
 */
#ifndef PEJL_SILENCE_H
#define PEJL_SILENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"

struct indicator;

#define SILENCE_COMMENT_MAX 256

struct silence {
    char id[17];
    char indicator[INDICATOR_ID_MAX + 1]; /* "" matches any */
    char rule[RULE_NAME_MAX];             /* "" matches any */
    int64_t starts_at, ends_at;
    char comment[SILENCE_COMMENT_MAX];
    char created_by[64];
};

/* Parses "INDICATOR", "INDICATOR/RULE" or star-slash-RULE into s's matcher. */
int silence_parse_matcher(const char *text, struct silence *s, char *err, size_t errlen);
/* Whether the config's `indicators` have an indicator and rule the matcher
 * names: a silence that can match nothing is most likely a typo, refused
 * unless forced. */
int silence_check_rules(const struct silence *s, const struct indicator *indicators, size_t n,
                        char *err, size_t errlen);
bool silence_matches(const struct silence *s, const struct alert *a, int64_t now);
bool silence_expired(const struct silence *s, int64_t now);

#endif
