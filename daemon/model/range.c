/*
 * range.c — monitoring-plugins ranges (see range.h).
 */
#include "range.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"

#define SYNTAX "write e.g. \"10\", \"10:\", \"~:10\", \"10:20\" or \"@10:20\""

/* One finite number filling [text, stop); false otherwise. */
static bool number(const char *text, const char *stop, double *out)
{
    char *end;
    if (text == stop || strchr(" \t\n+", *text))
        return false;
    errno = 0;
    *out = strtod(text, &end);
    return end == stop && errno == 0 && isfinite(*out) && !memchr(text, 'x', (size_t)(stop - text)) &&
           !memchr(text, 'X', (size_t)(stop - text));
}

int range_parse(const char *text, struct range *r, char *err, size_t errlen)
{
    *r = (struct range){.set = true, .start = 0, .end = INFINITY};
    const char *p = text ? text : "", *colon;
    if (*p == '@')
        r->inside = true, p++;
    size_t len = strlen(p);
    if (len == 0 || len >= RANGE_TEXT_MAX)
        goto bad;
    if (!(colon = strchr(p, ':'))) {
        if (!number(p, p + len, &r->end))
            goto bad;
    } else {
        const char *after = colon + 1;
        if (colon - p == 1 && *p == '~')
            r->start = -INFINITY;
        else if (!number(p, colon, &r->start))
            goto bad;
        if (*after && !number(after, p + len, &r->end))
            goto bad;
    }
    if (r->start > r->end) {
        snprintf(err, errlen, "range \"%s\": the start is above the end; %s", text, SYNTAX);
        return -1;
    }
    return 0;
bad: /* quote at most RANGE_TEXT_MAX bytes, so the advice always fits */
    snprintf(err, errlen, "range \"%.*s%s\" is not a threshold; %s", RANGE_TEXT_MAX, text ? text : "",
             text && strlen(text) > RANGE_TEXT_MAX ? "…" : "", SYNTAX);
    r->set = false;
    return -1;
}

bool range_alerts(const struct range *r, double value)
{
    if (!r->set || isnan(value))
        return false;
    bool within = value >= r->start && value <= r->end;
    return r->inside ? within : !within;
}

/* The shortest text that reads back as the same double: "300", "0.1". */
static void bound(double v, char *buf, size_t size)
{
    value_format(v, buf, size);
}

void range_format(const struct range *r, char *buf, size_t size)
{
    char start[32] = "~", end[32] = "";
    if (!r->set) {
        snprintf(buf, size, "none");
        return;
    }
    if (isfinite(r->start))
        bound(r->start, start, sizeof start);
    if (isfinite(r->end))
        bound(r->end, end, sizeof end);
    if (r->start == 0 && isfinite(r->end))
        snprintf(buf, size, "%s%s", r->inside ? "@" : "", end);
    else
        snprintf(buf, size, "%s%s:%s", r->inside ? "@" : "", start, end);
}
