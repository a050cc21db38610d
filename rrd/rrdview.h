/*
 * rrdview.h — the RRD files: a view of the journal for fetching and graphing.
 *
 * One file per indicator, RRD_DIR/ID.rrd, with a 1-day step. Each value is
 * written at its period's end (00:00 UTC after the period's last day), so the
 * LAST archive's row for that day holds exactly the published value. The
 * heartbeat is a little longer than the longest period of the indicator's
 * frequency, and a period after a missing one starts with an unknown point:
 * a missing period shows as unknown rather than being bridged.
 *
 * The view begins in 1980 (RRD_FIRST_TIME). librrd takes no time before
 * 1970 (a negative update time counts back from now, a negative start means
 * now) and rrdcached no file that begins before 1980. Periods that begin
 * earlier are kept in the journal only, said once per indicator in the log;
 * a series wholly before 1980 has no file. The LAST archive holds 40 years
 * of days, so of a longer series the file holds the last 40 years.
 *
 * An RRD cannot rewrite its past. New periods after the last one are
 * appended with one update; anything else (a revision, an older period
 * arriving late, a file that is missing, damaged or disagrees with the
 * journal) rebuilds the file from the series into a temp file that is
 * renamed over the old one. With rrdcached configured every access goes
 * through the daemon instead (rebuild: FORGET, CREATE, UPDATE).
 *
 * This module never decides what is true; it writes what the series says.
 */
#ifndef PEJL_RRDVIEW_H
#define PEJL_RRDVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "series.h"

#define RRD_STEP 86400
#define RRD_LAST_ROWS 14612 /* 40 years of days */
#define RRD_AVERAGE_STEPS 30
#define RRD_AVERAGE_ROWS 488 /* 40 years of 30-day averages */
#define RRD_FIRST_TIME 315532800 /* 1980-01-01 00:00 UTC: periods begin here or later */

struct rrdview;

/* Whether a period from `start` to `end` is in the file of a series whose
 * last period ends at `last_end`: from 1980 on, and within the 40 years
 * the LAST archive holds back from the last. */
static inline bool rrdview_holds(int64_t start, int64_t end, int64_t last_end)
{
    return start >= RRD_FIRST_TIME && end > last_end - (int64_t)RRD_LAST_ROWS * RRD_STEP;
}

/* librrd turns a GAUGE value into a rate times seconds and back, which can
 * move it by an ulp or two: 100.33333333333333 comes back as
 * 100.33333333333331. The RRD is a view for graphs and fetches; exact values
 * come from the journal. Two values agree when both are unknown or they
 * differ by at most 1e-12 relative. */
bool rrdview_value_equal(double a, double b);

struct rrd_sample {
    int64_t t; /* end of the row's day */
    double value;
};

/* `daemon` is a librrd daemon address (unix:/path, host:port) or NULL. */
struct rrdview *rrdview_new(const char *dir, const char *daemon);
void rrdview_free(struct rrdview *view);
const char *rrdview_daemon(const struct rrdview *view);

/* The file of a series, "ID.MEMBER" or "ID" (the id already validated):
 * DIR/ID.rrd, or DIR/ID.M.rrd with the member escaped by file_name_escape()
 * (plain codes unchanged, every other byte %XX), so no member leaves DIR
 * and no two members share a file. Caller frees; NULL without memory. */
char *rrdview_path(const struct rrdview *view, const char *id);

/* Writes items[from..n) of `kind`; appends when they all follow the file's
 * last update, rebuilds otherwise. `from` = 0 with an unknown file state
 * rebuilds. Returns 0, or -1 with `err`. */
int rrdview_write(struct rrdview *view, const char *id, enum pejl_period_kind kind,
                  const struct stored_observation *items, size_t n, size_t from, char *err,
                  size_t errlen);
int rrdview_rebuild(struct rrdview *view, const char *id, enum pejl_period_kind kind,
                    const struct stored_observation *items, size_t n, char *err, size_t errlen);
/* 0 when every period of `kind` from 1980 on that the LAST archive reaches
 * (40 years back from the last) agrees with its row; one fetch per file.
 * -1 with the first difference in `err` otherwise, or when the file is
 * missing or damaged: the caller rebuilds. */
int rrdview_check(struct rrdview *view, const char *id, enum pejl_period_kind kind,
                  const struct stored_observation *items, size_t n, char *err, size_t errlen);

/* Rows of the LAST archive ending in (start, end]. Caller frees *samples. */
int rrdview_fetch(struct rrdview *view, const char *id, int64_t start, int64_t end,
                  struct rrd_sample **samples, size_t *count, char *err, size_t errlen);

/* Asks rrdcached to write what it holds for `id` (no-op without a daemon). */
int rrdview_flush(struct rrdview *view, const char *id);

#endif
