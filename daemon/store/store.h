/*
 * store.h — where collected observations become stored ones: the journal
 * (truth), the in-memory series (current values) and the RRD view.
 *
 * A collection's observations are first staged: each is classified as new,
 * revised or unchanged, and the changes are written into the journal's next
 * group commit (and nowhere else: a large commit goes to the file early,
 * and its commit record last, so a crash before that keeps none of it).
 * store_commit() — called once per pass of the event loop — makes them
 * durable with one fsync, then applies them to the series as it reads them
 * back from the journal (what a replay would give), brings the RRD files up
 * to date and tells each collection its outcome. Nothing counts as stored
 * before the fsync has returned.
 */
#ifndef PEJL_STORE_H
#define PEJL_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "indicator.h"
#include "series.h"

struct store;
struct rrdview;

/* What a collection did to the store. `revised` counts changes to figures
 * that were final when first seen; a figure first seen provisional that
 * changes counts in `provisional_updated` instead. A missing cell (NAN) is
 * counted in `missing` and stored nowhere: it retracts nothing. */
struct ingest_summary {
    size_t received, added, revised, unchanged;
    /* the largest revision, in % of the value it replaced (0: none) */
    double revision_pct;
    char revised_series[SERIES_KEY_MAX + 1];
    struct pejl_period revised_period;
    double revised_from, revised_to;
    size_t missing, provisional_updated;
    struct figure_change provisional; /* the largest provisional update */
};

/* "57 observations: 56 new, 0 revised, 0 unchanged, 1 missing": the summary
 * in words, for the log and pejlctl collect (missing cells and provisional
 * updates only when there are any). */
void store_summary_text(const struct ingest_summary *summary, char *buf, size_t size);

/* Told once per staged collection, after its commit succeeded or failed. */
typedef void (*store_done_fn)(void *arg, bool stored, const struct ingest_summary *summary,
                              const char *error);

/* What the store needs of the config: where its files are, and the
 * indicators whose RRD files it keeps in step with the journal. Read during
 * the call that takes it, never kept. */
struct store_settings {
    const char *state_dir, *rrd_dir, *graph_dir;
    const char *rrdcached; /* librrd daemon address, or NULL */
    const struct indicator *indicators;
    size_t n_indicators;
};

/* Creates the state, RRD and graph directories and replays the journal. */
struct store *store_open(const struct store_settings *settings, char *err, size_t errlen);
void store_close(struct store *store);
/* In a forked child that only reads the store: see journal_leave(). */
void store_leave_journal(struct store *store);
/* The series, read from the journal beside a running pejld (no lock,
 * nothing written), and the RRD files to draw from as they are: for
 * pejld --status and --report. */
struct store *store_read(const struct store_settings *settings, char *err, size_t errlen);
/* The same as it was known at `as_of` (unix time; 0: now): only records of
 * a vintage <= as_of are replayed, so each period holds the value it had
 * then, and a period first seen later is not there. Its RRD view is
 * today's: draw an as-of graph from the series (store_series_set()).
 * as_of.h says how a moment or a snapshot's name becomes `as_of`. */
struct store *store_read_as_of(const struct store_settings *settings, int64_t as_of, char *err,
                               size_t errlen);

/* Points the RRD view at the settings' rrd_dir/rrdcached and checks every
 * indicator's file against its series, rebuilding what disagrees. */
int store_use_settings(struct store *store, const struct store_settings *settings);
/* Points the RRD view at the settings' rrd_dir, a folder of the caller's,
 * and writes every indicator's files there from the series, unchecked: so
 * that a store read as of a moment draws the graphs of that moment. */
int store_draw_from(struct store *store, const struct store_settings *settings);

int store_stage(struct store *store, const struct indicator *indicator,
                const struct pejl_observation *obs, size_t n, int64_t vintage, store_done_fn done,
                void *arg);
/* Commits everything staged; returns the number of collections told. */
size_t store_commit(struct store *store);
bool store_has_staged(const struct store *store);

const struct series *store_series(const struct store *store, const char *id);
/* The stored value of a series (indicator, member or NULL) at the latest
 * period ending no later than `end`: the lookup derive needs. */
bool store_value_at(void *store, const char *indicator, const char *member, int64_t end,
                    double *value, uint32_t *status, bool *exact);
struct rrdview *store_rrdview(struct store *store);
const struct series_set *store_series_set(const struct store *store);
const char *store_journal_path(const struct store *store);
/* The journal's durable bytes and records, and whether its next commit can
 * be written (journal_health()), for the metrics and /healthz. */
uint64_t store_journal_bytes(const struct store *store);
uint64_t store_journal_records(const struct store *store);
int store_journal_health(const struct store *store, char *why, size_t whylen);

/* Creates `path` and its parents with mode 0750 when missing. */
int store_make_directories(const char *path, char *err, size_t errlen);

#endif
