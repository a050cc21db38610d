/*
 * range.h — thresholds in the monitoring-plugins range syntax, so ops read
 * them at a glance: "10" (alert outside 0..10), "10:" (below 10), "~:10"
 * (above 10), "10:20" (outside 10..20), "@10:20" (inside 10..20).
 *
 * Parsing never accepts a partial text: "10x", "20:10", "nan" and "" are
 * errors with a message that shows the syntax.
 */
#ifndef PEJL_RANGE_H
#define PEJL_RANGE_H

#include <stdbool.h>
#include <stddef.h>

#define RANGE_TEXT_MAX 64

struct range {
    bool set;       /* false: no threshold (never alerts) */
    bool inside;    /* '@': alert inside [start, end] instead of outside */
    double start;   /* -INFINITY for "~" */
    double end;     /* INFINITY when omitted ("10:") */
};

/* Parses `text` into `r`; -1 with a message in err when malformed. */
int range_parse(const char *text, struct range *r, char *err, size_t errlen);
/* True when `value` is in the alerting part of the range (never for NAN). */
bool range_alerts(const struct range *r, double value);
/* The range as written in the syntax above, for messages. */
void range_format(const struct range *r, char *buf, size_t size);

#endif
