/*
 * ingest.c — bench_ingest: N synthetic series of M monthly values written
 * to RRD files by pejl's journal + RRD path and, for comparison, by a bare
 * librrd loop and by the rrdtool command line. Each run happens in a child
 * process of its own and a fresh directory; the figures (report.c) are the
 * median of R repetitions. Exit status 1 on any failure of a run or of the
 * checks on what it wrote.
 *
 *     bench_ingest [-n N[,N...]]... [-m M] [-r R] [-V VARIANT[,VARIANT...]]
 *
 * The run directories live in one temp dir, removed when the benchmark
 * ends: removing files between runs would slow the next run's file creation
 * on ext4 without a journal (ext4 skips inodes freed in the last 5 minutes
 * when their inode table block is dirty, scanning past each of them on
 * every allocation), charging one variant for another's clean-up.
 */
#include "ingest.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const struct variant variants[V_COUNT] = {
    [V_BARE] = {"bare", "bare librrd", run_bare, false},
    [V_PEJL] = {"pejl", "pejl (1 commit)", run_pejl_group, true},
    [V_PEJL_EACH] = {"pejl-each", "pejl (N commits)", run_pejl_each, true},
    [V_RRDTOOL] = {"rrdtool", "rrdtool CLI", run_rrdtool, false},
};

/* Set by SIGINT/SIGTERM: stop after the current run and clean up. */
static volatile sig_atomic_t interrupted;

struct run_ctx {
    const struct variant *variant;
    struct bench_params params;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: bench_ingest [-n N[,N...]]... [-m M] [-r R] [-V VARIANT[,VARIANT...]]\n"
            "  -n N   series per run; repeatable or a comma list (default 1000,2000,4000)\n"
            "  -m M   monthly periods per series, 1..%d (default 240)\n"
            "  -r R   repetitions of every run, 1..%d; the median is shown (default 3)\n"
            "  -V     variants: bare,pejl,pejl-each,rrdtool (default all)\n"
            "Temp dirs go under $TMPDIR, else /var/tmp.\n",
            BENCH_MONTHS_MAX, BENCH_REPEATS_MAX);
}

static int parse_count(const char *text, size_t max, size_t *out)
{
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *end || v < 1 || v > max || text[0] == '-')
        return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_sizes(char *list, struct bench_options *o)
{
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save))
        if (o->n_sizes == BENCH_SIZES_MAX ||
            parse_count(tok, 10000000, &o->sizes[o->n_sizes++]) < 0)
            return -1;
    return 0;
}

static int parse_variants(char *list, struct bench_options *o)
{
    memset(o->enabled, 0, sizeof o->enabled);
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        size_t v = 0;
        while (v < V_COUNT && strcmp(tok, variants[v].key) != 0)
            v++;
        if (v == V_COUNT)
            return -1;
        o->enabled[v] = true;
    }
    return 0;
}

static int parse_options(int argc, char **argv, struct bench_options *o)
{
    int c;
    while ((c = getopt(argc, argv, "n:m:r:V:h")) != -1) {
        int rc = 0;
        switch (c) {
        case 'n':
            rc = parse_sizes(optarg, o);
            break;
        case 'm':
            rc = parse_count(optarg, BENCH_MONTHS_MAX, &o->months);
            break;
        case 'r':
            rc = parse_count(optarg, BENCH_REPEATS_MAX, &o->repeats);
            break;
        case 'V':
            rc = parse_variants(optarg, o);
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            rc = -1;
        }
        if (rc < 0) {
            usage(stderr);
            return -1;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return -1;
    }
    if (o->n_sizes == 0) {
        static const size_t defaults[] = {1000, 2000, 4000};
        memcpy(o->sizes, defaults, sizeof defaults);
        o->n_sizes = 3;
    }
    return 0;
}

/* Runs in the child: the timed work, then the checks. */
static int run_body(void *arg, struct variant_result *r)
{
    const struct run_ctx *ctx = arg;
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (ctx->variant->run(&ctx->params, r) < 0)
        return -1;
    if (ctx->variant->journal && verify_journal(&ctx->params, r) < 0)
        return -1;
    return verify_rrd_files(&ctx->params, r);
}

static void run_once(const char *top, enum variant_key v, size_t n, size_t months, size_t rep,
                     struct variant_result *r)
{
    char dir[PATH_MAX];
    *r = (struct variant_result){0};
    if (snprintf(dir, sizeof dir, "%s/n%zu-%s-%zu", top, n, variants[v].key, rep) >=
        (int)sizeof dir) {
        snprintf(r->error, sizeof r->error, "%s: path too long", top);
        return;
    }
    if (mkdir(dir, 0750) < 0) {
        snprintf(r->error, sizeof r->error, "cannot create %s: %s", dir, strerror(errno));
        return;
    }
    sync(); /* start every run on a quiet disk: earlier runs' data written back */
    struct run_ctx ctx = {.variant = &variants[v],
                          .params = {.n_series = n, .n_months = months, .dir = dir}};
    harness_run(run_body, &ctx, r);
}

/* The median run by wall time, with the range and the highest peak RSS. */
static void summarize(const struct variant_result *runs, size_t n, struct variant_result *out)
{
    size_t order[BENCH_REPEATS_MAX];
    long rss = 0;
    for (size_t i = 0; i < n; i++) {
        if (!runs[i].ok) {
            *out = runs[i];
            return;
        }
        size_t k = i;
        for (; k > 0 && runs[order[k - 1]].wall_s > runs[i].wall_s; k--)
            order[k] = order[k - 1];
        order[k] = i;
        rss = runs[i].peak_rss_kb > rss ? runs[i].peak_rss_kb : rss;
    }
    *out = runs[order[n / 2]];
    out->peak_rss_kb = rss;
    out->wall_min_s = runs[order[0]].wall_s;
    out->wall_max_s = runs[order[n - 1]].wall_s;
}

/* Every enabled variant at size i, repetitions interleaved so that drift in
 * the machine's load spreads over all variants alike. */
static void run_size(const struct bench_options *o, const char *top, size_t i,
                     struct variant_result (*results)[V_COUNT], struct variant_result *runs)
{
    for (size_t rep = 0; rep < o->repeats && !interrupted; rep++)
        for (int v = 0; v < V_COUNT && !interrupted; v++)
            if (o->enabled[v])
                run_once(top, v, o->sizes[i], o->months, rep, &runs[v * o->repeats + rep]);
    for (int v = 0; v < V_COUNT && !interrupted; v++) {
        if (!o->enabled[v])
            continue;
        summarize(&runs[v * o->repeats], o->repeats, &results[i][v]);
        report_row(o, i, v, (const struct variant_result(*)[V_COUNT])results);
    }
}

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static int run_all(const struct bench_options *o, const char *top,
                   struct variant_result (*results)[V_COUNT])
{
    struct variant_result *runs = calloc(V_COUNT * o->repeats, sizeof *runs);
    if (!runs)
        return -1;
    report_columns();
    for (size_t i = 0; i < o->n_sizes && !interrupted; i++)
        run_size(o, top, i, results, runs);
    free(runs);
    if (interrupted)
        return -1;
    report_summary(o, (const struct variant_result(*)[V_COUNT])results);
    int failed = 0;
    for (size_t i = 0; i < o->n_sizes; i++)
        for (int v = 0; v < V_COUNT; v++)
            failed |= o->enabled[v] && !results[i][v].ok;
    return failed ? -1 : 0;
}

int main(int argc, char **argv)
{
    struct bench_options o = {.months = 240, .repeats = 3, .enabled = {true, true, true, true}};
    char top[PATH_MAX];
    if (parse_options(argc, argv, &o) < 0)
        return 64;
    struct variant_result(*results)[V_COUNT] = calloc(o.n_sizes, sizeof *results);
    if (!results || harness_temp_create(top, sizeof top) < 0) {
        fprintf(stderr, "bench_ingest: cannot create a temp dir under %s\n", harness_temp_base());
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    report_header(&o, top);
    int rc = run_all(&o, top, results);
    harness_temp_remove(top);
    free(results);
    if (interrupted)
        fprintf(stderr, "bench_ingest: interrupted; %s removed\n", top);
    return interrupted ? 130 : rc < 0 ? 1 : 0;
}
