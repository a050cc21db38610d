/*
 * report.c — bench_ingest's tables: a row per size and variant with the
 * ratios to the bare librrd loop, pejl's split of its time, the time per
 * series for each N (linearity) and whether the aim was met.
 */
#include "ingest.h"

#include <stdio.h>
#include <string.h>

#ifndef PEJL_BENCH_BUILD_TYPE
#define PEJL_BENCH_BUILD_TYPE ""
#endif

#define AIM_RATIO 1.3

static bool optimized_build(void)
{
    static const char *const optimized[] = {"Release", "RelWithDebInfo", "MinSizeRel"};
    for (size_t i = 0; i < sizeof optimized / sizeof *optimized; i++)
        if (strcmp(PEJL_BENCH_BUILD_TYPE, optimized[i]) == 0)
            return true;
    return false;
}

void report_header(const struct bench_options *o, const char *top)
{
    printf("bench_ingest: M = %zu monthly values per series, median of %zu runs; "
           "build type \"%s\"%s\n",
           o->months, o->repeats, PEJL_BENCH_BUILD_TYPE,
           optimized_build() ? "" : " (pejl code NOT optimized; librrd is)");
    printf("runs in %s (%s), removed at the end\n", top, harness_fs_name(top));
    printf("rrdtool CLI = %s\n", rrdtool_mode);
    printf("wall = the timed work in the variant's own process; cpu = user+sys incl. children;\n"
           "peak RSS = ru_maxrss of that process (rrdtool CLI: of the rrdtool process)\n\n");
}

void report_columns(void)
{
    printf("%-6s %-4s %-17s %8s %13s %7s %12s  %13s  %11s  %s\n", "N", "M", "variant", "wall_s",
           "wall_range", "cpu_s", "peak_rss_MB", "ratio_vs_bare", "rss_vs_bare", "files");
}

static const struct variant_result *bare_of(const struct bench_options *o, size_t i,
                                            const struct variant_result (*results)[V_COUNT])
{
    return o->enabled[V_BARE] && results[i][V_BARE].ok ? &results[i][V_BARE] : NULL;
}

static void print_ratios(const struct variant_result *r, const struct variant_result *bare)
{
    if (r->ok && bare && bare->wall_s > 0 && bare->peak_rss_kb > 0)
        printf("  %13.2f  %11.2f", r->wall_s / bare->wall_s,
               (double)r->peak_rss_kb / (double)bare->peak_rss_kb);
    else
        printf("  %13s  %11s", "-", "-");
}

static const char *files_verdict(const struct variant_result *r, const struct variant_result *bare)
{
    if (!r->ok)
        return "FAILED";
    if (!bare)
        return "checked";
    return r->files_bytes == bare->files_bytes ? "checked, sizes = bare" : "checked, SIZES DIFFER";
}

void report_row(const struct bench_options *o, size_t i, enum variant_key v,
                const struct variant_result (*results)[V_COUNT])
{
    const struct variant_result *r = &results[i][v], *bare = bare_of(o, i, results);
    char range[32];
    snprintf(range, sizeof range, "%.2f-%.2f", r->wall_min_s, r->wall_max_s);
    printf("%-6zu %-4zu %-17s %8.2f %13s %7.2f %12.1f", o->sizes[i], o->months, variants[v].name,
           r->wall_s, r->ok ? range : "-", r->cpu_s, (double)r->peak_rss_kb / 1024.0);
    print_ratios(r, bare);
    printf("  %s\n", files_verdict(r, bare));
    if (!r->ok)
        fprintf(stderr, "bench_ingest: N=%zu %s FAILED: %s\n", o->sizes[i], variants[v].name,
                r->error);
    fflush(stdout);
}

static void print_split(const struct bench_options *o,
                        const struct variant_result (*results)[V_COUNT])
{
    printf("\npejl split: %-6s %-17s %8s %9s %15s %12s %7s %13s\n", "N", "variant", "stage_s",
           "commit_s", "journal_write_s", "fdatasync_s", "fsyncs", "series+rrd_s");
    for (size_t i = 0; i < o->n_sizes; i++)
        for (int v = V_PEJL; v <= V_PEJL_EACH; v++) {
            const struct variant_result *r = &results[i][v];
            if (!o->enabled[v] || !r->ok)
                continue;
            printf("            %-6zu %-17s %8.2f %9.2f %15.3f %12.3f %7lu %13.2f\n", o->sizes[i],
                   variants[v].name, r->stage_s, r->commit_s, r->journal_write_s, r->fsync_s,
                   r->fsyncs, r->commit_s - r->journal_write_s - r->fsync_s);
        }
}

static void print_linearity(const struct bench_options *o, enum variant_key v,
                            const struct variant_result (*results)[V_COUNT])
{
    double lo = 1e300, hi = 0;
    printf("linearity, ms per series: %-17s", variants[v].name);
    for (size_t i = 0; i < o->n_sizes; i++) {
        if (!results[i][v].ok) {
            printf(" N=%zu failed", o->sizes[i]);
            continue;
        }
        double ms = results[i][v].wall_s * 1e3 / (double)o->sizes[i];
        printf(" N=%zu %.3f", o->sizes[i], ms);
        lo = ms < lo ? ms : lo;
        hi = ms > hi ? ms : hi;
    }
    printf("  (max/min %.2f)\n", hi > 0 ? hi / lo : 0);
}

static void print_aim(const struct bench_options *o,
                      const struct variant_result (*results)[V_COUNT])
{
    if (!o->enabled[V_BARE] || !o->enabled[V_PEJL])
        return;
    printf("aim: pejl (1 commit) within %.1fx of bare librrd (median; fastest runs):", AIM_RATIO);
    for (size_t i = 0; i < o->n_sizes; i++) {
        const struct variant_result *b = &results[i][V_BARE], *p = &results[i][V_PEJL];
        bool ok = b->ok && p->ok;
        double ratio = ok ? p->wall_s / b->wall_s : 0;
        double best = ok ? p->wall_min_s / b->wall_min_s : 0;
        printf(" N=%zu %.2fx; %.2fx %s", o->sizes[i], ratio, best,
               ok && ratio <= AIM_RATIO ? "met" : "MISSED");
    }
    printf("\n");
}

void report_summary(const struct bench_options *o, const struct variant_result (*results)[V_COUNT])
{
    if (o->enabled[V_PEJL] || o->enabled[V_PEJL_EACH])
        print_split(o, results);
    printf("\n");
    for (int v = 0; v < V_COUNT; v++)
        if (o->enabled[v])
            print_linearity(o, v, results);
    print_aim(o, results);
}
