/*
 * ingest.h — bench_ingest's parts: the synthetic series, the variants that
 * write them to RRD files (bare librrd, pejl's store, the rrdtool command
 * line), the checks run on what they wrote, and the harness that runs each
 * variant in a child of its own to measure its wall time and peak RSS.
 *
 * A benchmark, not a test: nothing here is part of the test suite, and it
 * must never touch anything outside the temp directories it creates.
 */
#ifndef PEJL_BENCH_INGEST_H
#define PEJL_BENCH_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <sys/types.h>
#include <time.h>

#include "../collectors/collector.h"

/* The LAST archive holds 14612 days: 480 months fit, with room. */
#define BENCH_MONTHS_MAX 480
#define BENCH_VINTAGE 1763856000 /* 2025-11-23: when the synthetic values were "seen" */

/* One run of one variant: N series of M months, in a fresh directory. */
struct bench_params {
    size_t n_series;
    size_t n_months;
    const char *dir; /* the run's temp dir; RRD files go to DIR/rrd */
};

/* What a run measured; filled in the child, completed by the harness. */
struct variant_result {
    bool ok;
    char error[PATH_MAX + 512];
    double wall_s;        /* the work, timed inside the child */
    double cpu_s;         /* user + system, the child and its children */
    long peak_rss_kb;     /* ru_maxrss of the child (or of its children, below) */
    long children_rss_kb; /* set when the work ran in child processes (rrdtool) */
    uint64_t files_bytes; /* size of all RRD files together */
    /* pejl only: where the time went */
    double stage_s, commit_s, journal_write_s, fsync_s;
    unsigned long fsyncs;
    /* over the repetitions (ingest.c): wall_s is their median */
    double wall_min_s, wall_max_s;
};

/* ---- synth.c: the series and the RRD definition (rrdview.c's) ---- */

void synth_id(size_t series, char *buf, size_t size);
struct pejl_period synth_period(size_t month);
int64_t synth_time(size_t month); /* the month's end, 00:00 UTC */
double synth_value(size_t series, size_t month);
void synth_observations(size_t series, size_t months, struct pejl_observation *obs);
void synth_rrd_path(const char *dir, size_t series, char *buf, size_t size);

/* DS and RRAs exactly as rrdview.c creates them for a monthly indicator. */
struct rrd_definition {
    char ds[64], last[64], average[64];
    const char *argv[3];
    time_t start;
};
void rrd_definition_init(struct rrd_definition *def);

/* One series' updates as "T:V" strings, formatted as rrdview.c does. */
struct update_text {
    char *text;
    const char **argv;
    size_t months;
};
int update_text_init(struct update_text *u, size_t months);
void update_text_fill(struct update_text *u, size_t series);
void update_text_free(struct update_text *u);

/* ---- the variants: 0, or -1 with result->error ---- */

int run_bare(const struct bench_params *p, struct variant_result *r);       /* bare.c */
int run_pejl_group(const struct bench_params *p, struct variant_result *r); /* pejl.c */
int run_pejl_each(const struct bench_params *p, struct variant_result *r);
int run_rrdtool(const struct bench_params *p, struct variant_result *r); /* rrdtool.c */
extern const char rrdtool_mode[];

/* The variants in the order they run; bare first, as the others' yardstick. */
enum variant_key { V_BARE, V_PEJL, V_PEJL_EACH, V_RRDTOOL, V_COUNT };

struct variant {
    const char *key;  /* for -V */
    const char *name; /* as printed */
    int (*run)(const struct bench_params *p, struct variant_result *r);
    bool journal; /* writes DIR/state/journal */
};
extern const struct variant variants[V_COUNT];

#define BENCH_SIZES_MAX 16
#define BENCH_REPEATS_MAX 9

struct bench_options {
    size_t sizes[BENCH_SIZES_MAX], n_sizes, months, repeats;
    bool enabled[V_COUNT];
};

/* ---- report.c: the tables; results[i][v] for sizes[i] and variant v ---- */

void report_header(const struct bench_options *o, const char *top);
void report_columns(void);
void report_row(const struct bench_options *o, size_t i, enum variant_key v,
                const struct variant_result (*results)[V_COUNT]);
void report_summary(const struct bench_options *o, const struct variant_result (*results)[V_COUNT]);

/* ---- verify.c: checks run after the timed work ---- */

/* Every file exists (sizes summed), and sampled files hold every value. */
int verify_rrd_files(const struct bench_params *p, struct variant_result *r);
/* DIR/state/journal has a header line and N*M records. */
int verify_journal(const struct bench_params *p, struct variant_result *r);

/* ---- harness.c ---- */

double bench_now(void); /* CLOCK_MONOTONIC seconds */
int bench_mkdir(const char *dir, const char *sub, char *err, size_t errlen);

/* Runs body(ctx, r) in a child; fills r, peak RSS and CPU time included. */
typedef int (*bench_body_fn)(void *ctx, struct variant_result *r);
int harness_run(bench_body_fn body, void *ctx, struct variant_result *r);

/* The run's directory under $TMPDIR or /var/tmp; removed with everything in it. */
const char *harness_temp_base(void);
int harness_temp_create(char *buf, size_t size);
void harness_temp_remove(const char *dir);
const char *harness_fs_name(const char *dir);

#endif
