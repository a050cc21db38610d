/*
 * bare.c — the baseline: a bare librrd loop, one rrd_create_r2() and one
 * rrd_update_r() carrying all points per file. No journal, no durability.
 */
#include "ingest.h"

#include <limits.h>
#include <stdio.h>

#include <rrd.h>

#include "rrdview.h"

static int write_series(const struct bench_params *p, struct rrd_definition *def,
                        struct update_text *u, size_t series, struct variant_result *r)
{
    char path[PATH_MAX];
    synth_rrd_path(p->dir, series, path, sizeof path);
    update_text_fill(u, series);
    if (rrd_create_r2(path, RRD_STEP, def->start, 0, NULL, NULL, 3, def->argv) == 0 &&
        rrd_update_r(path, NULL, (int)u->months, u->argv) == 0)
        return 0;
    snprintf(r->error, sizeof r->error, "%s: %s", path,
             rrd_test_error() ? rrd_get_error() : "librrd failed");
    rrd_clear_error();
    return -1;
}

int run_bare(const struct bench_params *p, struct variant_result *r)
{
    struct rrd_definition def;
    struct update_text u;
    rrd_definition_init(&def);
    if (bench_mkdir(p->dir, "rrd", r->error, sizeof r->error) < 0)
        return -1;
    double t0 = bench_now();
    if (update_text_init(&u, p->n_months) < 0) {
        snprintf(r->error, sizeof r->error, "out of memory");
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < p->n_series; i++)
        rc = write_series(p, &def, &u, i, r);
    update_text_free(&u);
    r->wall_s = bench_now() - t0;
    return rc;
}
