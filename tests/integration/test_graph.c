/*
 * test_graph.c — the target path a graph draws is the evaluation's path:
 * the RPN graph.c hands rrd_graph is exported with a real librrd
 * (rrd_xport) over 2024-2031 and compared, day by day, with evaluate_path_at()
 * from evaluate.c — for the exports target (174 in 2023 to 350 in 2030,
 * constant growth) and for a linear path. Also: a graph with one
 * observation, one of provisional values only and one whose target year
 * has passed are drawn (PNG signature, a sensible size), not refused.
 * And graph_plan.c's plan for a whole indicator: every label what it
 * should be however many there are, and a graph with more markers than
 * it can hold says on it what it left out.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <rrd.h>

#include "config.h"
#include "evaluate.h"
#include "graph_plan.h"
#include "pejld.h"
#include "period.h"
#include "store.h"
#include "graph.h"
#include "rrdview.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "%s/pejl-graph.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(tmpdir));
    setenv("TZ", "UTC", 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd);
}

/* An annual series in an RRD file, as pejld keeps it; returns its path. */
static char *annual_rrd(const char *id, int first, const double *values, size_t n, uint32_t status)
{
    struct stored_observation items[16];
    char err[256];
    for (size_t i = 0; i < n; i++)
        items[i] = (struct stored_observation){
            .obs = {.period = {.year = (int16_t)(first + (int)i), .kind = PEJL_PERIOD_YEAR},
                    .value = values[i], .status = status}};
    struct rrdview *v = rrdview_new(tmpdir, NULL);
    assert_int_equal(rrdview_rebuild(v, id, PEJL_PERIOD_YEAR, items, n, err, sizeof err), 0);
    char *path = rrdview_path(v, id);
    rrdview_free(v);
    return path;
}

static struct target exports_target(enum target_path path)
{
    struct target t;
    evaluate_target_defaults(&t);
    t.year = 2030;
    t.value = 350;
    t.path = path;
    t.baseline = (struct pejl_period){.year = 2023, .kind = PEJL_PERIOD_YEAR};
    t.baseline_value = 174;
    return t;
}

/* The curve graph_plan.c draws for a path target. */
static struct graph_curve curve_of(const struct target *t)
{
    struct pejl_period end = {.year = (int16_t)t->year, .kind = PEJL_PERIOD_YEAR};
    return (struct graph_curve){.t0 = period_end(&t->baseline), .t1 = period_end(&end),
                                .v0 = t->baseline_value, .v1 = t->value,
                                .log = t->path == PATH_CAGR};
}

static void check_path(enum target_path kind)
{
    double values[] = {131, 145, 160, 174, 189};
    char *path = annual_rrd("exports", 2019, values, 5, 0);
    struct target t = exports_target(kind);
    struct graph_curve c = curve_of(&t);
    char rpn[512], def[600], cdef[600];
    assert_int_equal(graph_curve_rpn(&c, "v", rpn, sizeof rpn), 0);
    snprintf(def, sizeof def, "DEF:v=%s:value:LAST", path);
    snprintf(cdef, sizeof cdef, "CDEF:p=%s", rpn);
    char *argv[] = {"xport", "--start", "1704067200", "--end", "1924992000", "--step", "86400",
                    "--maxrows", "5000", def, cdef, "XPORT:p:path", NULL};
    int columns;
    time_t start, end;
    unsigned long step, n_columns;
    char **legends;
    rrd_value_t *data;
    rrd_clear_error();
    assert_int_equal(rrd_xport(12, argv, &columns, &start, &end, &step, &n_columns, &legends, &data), 0);
    size_t rows = 0, compared = 0;
    for (time_t at = start + (time_t)step; at <= end; at += (time_t)step, rows++) {
        double drawn = data[rows], expected = evaluate_path_at(&t, 174, evaluate_year_of(at));
        if (isnan(drawn))
            continue;
        compared++;
        /* seconds against fractional years: leap days move it by well under 0.1 % */
        if (fabs(drawn / expected - 1) > 1e-3)
            fail_msg("%s path at %lld: drawn %.6f, evaluated %.6f", kind == PATH_CAGR ? "cagr" : "linear",
                     (long long)at, drawn, expected);
    }
    if (compared < 2000)
        fail_msg("only %zu of %zu rows compared (step %lu, %lld-%lld)", compared, rows, step, (long long)start, (long long)end);
    struct pejl_period y2026 = {.year = 2026, .kind = PEJL_PERIOD_YEAR};
    assert_float_equal(evaluate_path_at(&t, 174, evaluate_year_of(period_start(&y2026))),
                       kind == PATH_CAGR ? 212.46 : 224.29, 0.01);
    for (unsigned long i = 0; i < n_columns; i++)
        rrd_freemem(legends[i]);
    rrd_freemem(legends);
    rrd_freemem(data);
    free(path);
}

static void test_drawn_path_is_evaluated_path(void **state)
{
    (void)state;
    check_path(PATH_CAGR);
    check_path(PATH_LINEAR);
}

static void draw(const char *id, const double *values, size_t n, uint32_t status,
                 const char *message, int target_year)
{
    char *path = annual_rrd(id, 2019, values, n, status), png[400], err[512];
    snprintf(png, sizeof png, "%s/%s.png", tmpdir, id);
    struct target t = exports_target(PATH_CAGR);
    t.year = target_year;
    struct graph_spec spec = {.lines = {{.rrd_path = path, .label = "Observeret"}}, .n_lines = 1,
                              .curves = {curve_of(&t)}, .n_curves = 1, .image_path = png,
                              .title = "Pejlemærke 5 · Life science-eksport", .unit = "mia. kr.",
                              .status = "Status: i risiko", .footer = "Kilde: test",
                              .message = message, .start = 1546300800, .end = 1956528000,
                              .lower = NAN, .upper = NAN};
    spec.curves[0].label = "Målsti";
    spec.curves[0].color = "66A182";
    if (status & PEJL_STATUS_PROVISIONAL) {
        spec.provisional_from = 1546300800;
        spec.provisional_label = "Foreløbig";
    }
    /* drawn in a child, as pejld draws: librrd keeps font caches it never frees */
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int rc = graph_draw(&spec, err, sizeof err);
        if (rc < 0)
            fprintf(stderr, "%s: %s\n", id, err);
        _exit(rc < 0 ? 1 : 0);
    }
    int exit_status = -1;
    assert_int_equal(waitpid(pid, &exit_status, 0), pid);
    assert_true(WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0);
    FILE *f = fopen(png, "rb");
    unsigned char head[8];
    assert_non_null(f);
    assert_int_equal(fread(head, 1, 8, f), 8);
    assert_memory_equal(head, "\x89PNG\r\n\x1a\n", 8);
    fseek(f, 0, SEEK_END);
    assert_true(ftell(f) > 10000);
    fclose(f);
    free(path);
}

static void test_edge_graphs_render(void **state)
{
    (void)state;
    double one[] = {189}, some[] = {131, 145, 160};
    draw("single", one, 1, 0, "Kun én observation: 2019 = 189 mia. kr.", 2030);
    draw("provisional", some, 3, PEJL_STATUS_PROVISIONAL, NULL, 2030);
    draw("past_target", some, 3, 0, NULL, 2020);
}

/* ---- a whole indicator's graph, planned from its config and store ---- */

static void ignore_outcome(void *arg, bool stored, const struct ingest_summary *summary,
                           const char *error)
{
    (void)arg, (void)summary;
    if (!stored)
        fail_msg("not stored: %s", error);
}

/* An annual indicator `many` stored for `years` years from `first` under
 * `dir`, with the config `rest`. */
static struct config *stored_years(const char *dir, int first, int years, const char *rest,
                                   struct store **store)
{
    char conf[400], err[512];
    snprintf(conf, sizeof conf, "%s/pejld.conf", dir);
    FILE *f = fopen(conf, "w");
    assert_non_null(f);
    fprintf(f,
            "collector_dir = \"" PEJL_BUILD_DIR "/lib/pejl/collectors\";\n"
            "state_dir = \"%s/state\";\nlanguage = \"en\";\n"
            "indicators = ( { id = \"many\"; title = \"Many labels\"; unit = \"units\";\n"
            "  frequency = \"annual\"; source = { collector = \"csv\"; url = \"file:x.csv\"; };\n"
            "%s } );\n",
            dir, rest);
    fclose(f);
    struct pejl_diag diag = {0};
    struct config *c = config_load(conf, NULL, &diag);
    diag_print(&diag, stderr);
    diag_free(&diag);
    assert_non_null(c);
    struct store_settings settings = pejld_store_settings(c);
    *store = store_open(&settings, err, sizeof err);
    if (!*store)
        fail_msg("store_open: %s", err);
    assert_int_equal(store_use_settings(*store, &settings), 0);
    struct pejl_observation obs[80];
    assert_true(years <= 80);
    for (int i = 0; i < years; i++)
        obs[i] = (struct pejl_observation){
            .period = {.year = (int16_t)(first + i), .kind = PEJL_PERIOD_YEAR},
            .value = 150 + 15 * i};
    assert_int_equal(store_stage(*store, config_find(c, "many"), obs, (size_t)years, 1735689600,
                                 ignore_outcome, NULL),
                     0);
    assert_int_equal(store_commit(*store), 1);
    return c;
}

static struct config *stored_indicator(const char *dir, const char *rest, struct store **store)
{
    return stored_years(dir, 2017, 8, rest, store);
}

/* "many"'s graph as at 2026-01-01. */
static struct graph_plan *plan_many(const struct config *c, struct store *store, char *err,
                                    size_t errlen)
{
    struct graph_settings graphs = pejld_graph_settings(c);
    return graph_plan_new(&graphs, store, "many", 1767225600, err, errlen);
}

/* More labels than the plan once had room for (16): every one is the label
 * it should be; they used to overwrite each other from the 17th on. */
static void test_many_labels_planned_whole(void **state)
{
    (void)state;
    char dir[300], err[512];
    snprintf(dir, sizeof dir, "%s/many", tmpdir);
    assert_int_equal(mkdir(dir, 0700), 0);
    struct store *store;
    struct config *c = stored_indicator(
        dir,
        "  targets = ( { year = 2030; value = 350.0; baseline = { period = \"2023\"; value = "
        "174.0; }; "
        "path = \"cagr\"; },\n"
        "    { year = 2028; value = 300.0; baseline = { period = \"2021\"; value = 150.0; }; path "
        "= "
        "\"linear\"; },\n"
        "    { kind = \"above_baseline\"; baseline = { period = \"2022\"; }; year = 2029; } );\n"
        "  alerts = ( { rule = \"range\"; warning = \"200:300\"; critical = \"150:\"; },\n"
        "    { rule = \"range\"; warning = \"~:500\"; critical = \"@400:450\"; labels = { k = "
        "\"b\"; }; } );",
        &store);
    struct graph_plan *plan = plan_many(c, store, err, sizeof err);
    if (!plan)
        fail_msg("not planned: %s", err);
    const struct graph_spec *spec = graph_plan_spec(plan);
    static const char *const curves[] = {"Target path to 350 in 2030", "Target 350 units in 2030",
                                         "Projection (trend)", "Target path to 300 in 2028",
                                         "Target 300 units in 2028"};
    static const char *const rules[] = {"Baseline 2023", "Level of 2022 (Target 2029)",
                                        "Warning 200",   "Warning 300",
                                        "Critical 150",  "Warning 500",
                                        "Critical 400",  "Critical 450"};
    assert_int_equal(spec->n_curves, 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(spec->curves[i].label, curves[i]);
    assert_int_equal(spec->n_rules, 8);
    for (size_t i = 0; i < 8; i++)
        assert_string_equal(spec->rules[i].label, rules[i]);
    assert_string_equal(spec->title, "Many labels");
    assert_non_null(strstr(spec->status, "Status: "));
    assert_non_null(strstr(spec->status, " · Projection (trend) in 2030: "));
    assert_string_equal(spec->footer, "Source: x.csv"); /* the csv collector's describe() */
    assert_string_equal(spec->vintage,
                        "Data to 2024 · collected 2025-01-01 · status as at 2026-01-01");
    assert_null(spec->watermark); /* real figures */
    assert_null(spec->message); /* everything fits: nothing to say */
    graph_plan_free(plan);

    /* one threshold more than a graph marks: the graph says it left it out */
    store_close(store);
    config_unref(c);
    snprintf(dir, sizeof dir, "%s/toomany", tmpdir);
    assert_int_equal(mkdir(dir, 0700), 0);
    c = stored_indicator(
        dir,
        "  targets = ( { year = 2030; value = 350.0; baseline = { period = \"2023\"; value = "
        "174.0; }; "
        "path = \"cagr\"; },\n"
        "    { kind = \"above_baseline\"; baseline = { period = \"2022\"; }; year = 2029; } );\n"
        "  alerts = ( { rule = \"range\"; warning = \"200:300\"; critical = \"150:170\"; },\n"
        "    { rule = \"range\"; warning = \"~:500\"; critical = \"@400:450\"; labels = { k = "
        "\"b\"; }; } );",
        &store);
    plan = plan_many(c, store, err, sizeof err);
    assert_non_null(plan);
    spec = graph_plan_spec(plan);
    assert_int_equal(spec->n_rules, 8);
    assert_string_equal(spec->rules[7].label, "Critical 400");
    assert_string_equal(spec->message,
                        "Not shown: 1 of 9 baselines, levels and thresholds (at most 8)");
    graph_plan_free(plan);
    store_close(store);
    config_unref(c);
}

/* Planned `many` stored for `years` from `first`: the message it carries. */
static void check_left_out(const char *name, int first, int years, const char *message)
{
    char dir[300], err[512];
    struct store *store;
    snprintf(dir, sizeof dir, "%s/%s", tmpdir, name);
    assert_int_equal(mkdir(dir, 0700), 0);
    struct config *c = stored_years(dir, first, years, "", &store);
    struct graph_plan *plan = plan_many(c, store, err, sizeof err);
    if (!plan)
        fail_msg("not planned: %s", err);
    assert_string_equal(graph_plan_spec(plan)->message, message);
    graph_plan_free(plan);
    store_close(store);
    config_unref(c);
}

/* Periods the RRD files do not hold — before 1980, or over 40 years before
 * the last — are not drawn: the graph says so rather than starting later
 * without a word. */
static void test_periods_before_the_view_said(void **state)
{
    (void)state;
    check_left_out("early", 1975, 8,
                   "Not shown: periods before 1980 (in the journal and the data file only)");
    check_left_out("long", 1960, 65,
                   "Not shown: periods before 1984 (in the journal and the data file only)");
}

/* ---- drawn where the evaluation reads it ---- */

/* "many" (150, 165, … 255 for 2017-2024) with a path from 2023's 240 to
 * 600 in 2030: behind it in 2024 (255 against the path's 273.6 at the end
 * of 2024), though 2024's value is above the path where 2024 begins. */
static struct config *behind_path(const char *name, struct store **store)
{
    char dir[300];
    snprintf(dir, sizeof dir, "%s/%s", tmpdir, name);
    assert_int_equal(mkdir(dir, 0700), 0);
    return stored_indicator(dir,
                            "  targets = ( { year = 2030; value = 600.0; baseline = { period = "
                            "\"2023\"; }; path = \"cagr\"; } );",
                            store);
}

static int64_t year_end(int year)
{
    struct pejl_period y = {.year = (int16_t)year, .kind = PEJL_PERIOD_YEAR};
    return period_end(&y);
}

/* What the plan draws, exported day by day over 2024 with rrd_xport: the
 * observed line ("l0") is at or below the path ("c0") all through 2024,
 * and is 2023's and 2024's values at those years' ends. A value drawn as a
 * step across its year (as before) is above the path for a third of it. */
static void test_line_drawn_where_evaluated(void **state)
{
    (void)state;
    char err[512], start[32], end[32];
    struct store *store;
    struct config *c = behind_path("behind", &store);
    struct graph_plan *plan = plan_many(c, store, err, sizeof err);
    if (!plan)
        fail_msg("not planned: %s", err);
    const struct graph_spec *spec = graph_plan_spec(plan);
    assert_non_null(strstr(spec->status, "years behind the path"));
    char **defs = graph_data_defs(spec);
    assert_non_null(defs);
    const char *argv[32] = {"xport",  "--start", start,       "--end", end,
                            "--step", "86400",   "--maxrows", "5000"};
    int argc = 9;
    snprintf(start, sizeof start, "%lld", (long long)year_end(2023) - 86400);
    snprintf(end, sizeof end, "%lld", (long long)year_end(2024));
    for (size_t i = 0; defs[i] && argc < 28; i++)
        argv[argc++] = defs[i];
    argv[argc++] = "XPORT:l0:observed";
    argv[argc++] = "XPORT:c0:path";
    int columns;
    time_t from, to;
    unsigned long step, n_columns;
    char **legends;
    rrd_value_t *data;
    rrd_clear_error();
    if (rrd_xport(argc, (char **)argv, &columns, &from, &to, &step, &n_columns, &legends, &data) !=
        0)
        fail_msg("rrd_xport: %s", rrd_get_error());
    assert_int_equal(step, 86400);
    size_t compared = 0;
    for (size_t row = 0; from + (time_t)((row + 1) * step) <= to; row++) {
        int64_t at = from + (int64_t)((row + 1) * step);
        double drawn = data[2 * row], path = data[2 * row + 1];
        if (at == year_end(2023))
            assert_float_equal(drawn, 240, 1e-9);
        if (at == year_end(2024))
            assert_float_equal(drawn, 255, 1e-9);
        if (at <= year_end(2023) || isnan(path))
            continue;
        compared++;
        if (drawn > path + 1e-9)
            fail_msg("at %lld the line is drawn at %.3f, above the path's %.3f, though the "
                     "evaluation has it behind",
                     (long long)at, drawn, path);
    }
    assert_int_equal(compared, 366); /* every day of 2024 */
    for (unsigned long i = 0; i < n_columns; i++)
        rrd_freemem(legends[i]);
    rrd_freemem(legends);
    rrd_freemem(data);
    graph_data_defs_free(defs);
    graph_plan_free(plan);
    store_close(store);
    config_unref(c);
}

/* The words pdftotext finds in `pdf`, with their boxes. */
struct word {
    double x0, y0, x1, y1;
    char text[64];
};

static size_t pdf_words(const char *pdf, struct word *words, size_t max)
{
    char cmd[600], line[512];
    snprintf(cmd, sizeof cmd, "pdftotext -bbox '%s' -", pdf);
    FILE *f = popen(cmd, "r");
    size_t n = 0;
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        struct word w;
        if (n < max &&
            sscanf(line, " <word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\">%63[^<]",
                   &w.x0, &w.y0, &w.x1, &w.y1, w.text) == 5)
            words[n++] = w;
    }
    if (pclose(f) != 0)
        fail_msg("pdftotext failed (poppler-utils: scripts/install-deps installs it)");
    return n;
}

/* `spec` drawn as `format` by a child, as pejld draws; the plot area's frame. */
static struct graph_frame draw_as(const struct graph_spec *spec, const char *pdf,
                                  const char *format)
{
    struct graph_frame frame = {0};
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        char err[512];
        struct graph_spec copy = *spec;
        copy.image_path = pdf;
        copy.format = format;
        int rc = graph_draw_framed(&copy, &frame, err, sizeof err);
        if (rc < 0)
            fprintf(stderr, "%s: %s\n", pdf, err);
        _exit(rc < 0 || write(fds[1], &frame, sizeof frame) != (ssize_t)sizeof frame);
    }
    close(fds[1]);
    int status = -1;
    assert_int_equal(read(fds[0], &frame, sizeof frame), (ssize_t)sizeof frame);
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_true(frame.width > 0 && frame.end > frame.start);
    return frame;
}

static struct graph_frame draw_pdf(const struct graph_spec *spec, const char *pdf)
{
    return draw_as(spec, pdf, "PDF");
}

static double x_of(const struct graph_frame *f, int64_t t)
{
    return (double)f->left +
           (double)(t - f->start) * (double)f->width / (double)(f->end - f->start);
}

/* The centre of the time axis' label `year` (below the plot area, within
 * two lines of text at the default zoom of 2), NAN if none. */
static double axis_label_x(const struct word *words, size_t n, const struct graph_frame *f,
                           const char *year)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(words[i].text, year) == 0 && words[i].y0 >= (double)(f->top + f->height) &&
            words[i].y0 < (double)(f->top + f->height) + 50)
            return (words[i].x0 + words[i].x1) / 2;
    return NAN;
}

/* The baseline marker and the target bar sit where their years' labels
 * are, and those are where the evaluation places the years: at their ends
 * (the line at 1 January 2024 is 2023's). Before, the baseline 2023 was
 * drawn at the label 2024 and the 2030 target past the label 2030. */
static void test_marks_on_their_years(void **state)
{
    (void)state;
    char err[512], pdf[400];
    struct store *store;
    struct config *c = behind_path("marks", &store);
    struct graph_plan *plan = plan_many(c, store, err, sizeof err);
    assert_non_null(plan);
    const struct graph_spec *spec = graph_plan_spec(plan);
    snprintf(pdf, sizeof pdf, "%s/marks.pdf", tmpdir);
    struct graph_frame f = draw_pdf(spec, pdf);
    static struct word words[400];
    size_t n = pdf_words(pdf, words, 400);
    const struct graph_rule *baseline = &spec->rules[0];
    const struct graph_curve *bar = &spec->curves[1];
    assert_string_equal(baseline->label, "Baseline 2023");
    assert_string_equal(bar->label, "Target 600 units in 2030");
    assert_int_equal(baseline->time, year_end(2023));
    assert_int_equal(bar->t1, year_end(2030));
    size_t labels = 0;
    for (int year = 2010; year <= 2035; year++) {
        char y[8];
        snprintf(y, sizeof y, "%d", year);
        double at = axis_label_x(words, n, &f, y);
        if (isnan(at))
            continue; /* every 2 years on a graph this long */
        labels++;
        if (fabs(at - x_of(&f, year_end(year))) > 2 * 2) /* 2 px at scale 1; drawn at 2 */
            fail_msg("label %s at x %.1f, its year's end at %.1f", y, at, x_of(&f, year_end(year)));
    }
    assert_true(labels >= 6);
    assert_false(isnan(axis_label_x(words, n, &f, "2030")));
    graph_plan_free(plan);
    store_close(store);
    config_unref(c);
}

/* Drawn from months, a year fills the span between two ticks, so its
 * label sits inside that year (at its start when labels skip years, in its
 * middle otherwise), not at the tick where it ends as for annual values:
 * August 2025 must not read as 2024. */
static void test_month_years_labelled_inside(void **state)
{
    (void)state;
    char err[512], pdf[400];
    struct store *store;
    struct config *c = behind_path("months", &store);
    struct graph_plan *plan = plan_many(c, store, err, sizeof err);
    assert_non_null(plan);
    struct graph_spec spec = *graph_plan_spec(plan);
    static int64_t month_ends[12 * 40];
    size_t n_ends = 0;
    for (int64_t t = spec.start; n_ends < 12 * 40 && t <= spec.end; t += 30 * 86400)
        month_ends[n_ends++] = t;
    spec.period_ends = month_ends, spec.n_period_ends = n_ends;
    snprintf(pdf, sizeof pdf, "%s/months.pdf", tmpdir);
    struct graph_frame f = draw_pdf(&spec, pdf);
    static struct word words[400];
    size_t n = pdf_words(pdf, words, 400), labels = 0;
    for (int year = 2010; year <= 2035; year++) {
        char y[8];
        snprintf(y, sizeof y, "%d", year);
        double at = axis_label_x(words, n, &f, y);
        if (isnan(at))
            continue;
        labels++;
        double start = x_of(&f, year_end(year - 1)), end = x_of(&f, year_end(year));
        if (at < start - 2 || at > end - 2)
            fail_msg("label %s at x %.1f, outside its year %.1f-%.1f", y, at, start, end);
    }
    assert_true(labels >= 6);
    graph_plan_free(plan);
    store_close(store);
    config_unref(c);
}

/* An illustrative indicator's graph carries the mark in its plot area
 * (between the frame's edges, as pdftotext finds the words), and the
 * source line its config names. */
static void test_illustrative_mark_in_plot_area(void **state)
{
    (void)state;
    char err[512], pdf[400], dir[300];
    struct store *store;
    snprintf(dir, sizeof dir, "%s/illustrative", tmpdir);
    assert_int_equal(mkdir(dir, 0700), 0);
    struct config *c = stored_indicator(dir,
                                        "  illustrative = true; source_name = \"Eurostat, "
                                        "sts_inpr_m\";\n  targets = ( { year = 2030; value = "
                                        "600.0; baseline = { period = \"2023\"; }; } );",
                                        &store);
    struct graph_plan *plan = plan_many(c, store, err, sizeof err);
    assert_non_null(plan);
    const struct graph_spec *spec = graph_plan_spec(plan);
    assert_string_equal(spec->watermark, "Illustrative data — not official statistics");
    assert_string_equal(spec->footer, "Source: Eurostat, sts_inpr_m");
    snprintf(pdf, sizeof pdf, "%s/illustrative.pdf", tmpdir);
    struct graph_frame f = draw_pdf(spec, pdf);
    static struct word words[400];
    size_t n = pdf_words(pdf, words, 400);
    static const char *const mark[] = {"Illustrative", "data",     "—",
                                       "not",          "official", "statistics"};
    size_t found = 0;
    for (size_t i = 0; i + 6 <= n && found == 0; i++) {
        size_t k = 0;
        while (k < 6 && strcmp(words[i + k].text, mark[k]) == 0)
            k++;
        if (k < 6)
            continue;
        for (k = 0; k < 6; k++) {
            const struct word *w = &words[i + k];
            if (w->x0 < (double)f.left || w->x1 > (double)(f.left + f.width) ||
                w->y0 < (double)f.top || w->y1 > (double)(f.top + f.height))
                fail_msg(
                    "\"%s\" at (%.0f-%.0f, %.0f-%.0f), outside the plot area (%ld-%ld, %ld-%ld)",
                    w->text, w->x0, w->x1, w->y0, w->y1, f.left, f.left + f.width, f.top,
                    f.top + f.height);
        }
        found++;
    }
    if (!found)
        fail_msg("no mark in the graph's words");
    /* librrd's SVG has glyph outlines, not words: they are in its <desc> */
    char svg[400];
    snprintf(svg, sizeof svg, "%s/illustrative.svg", tmpdir);
    draw_as(spec, svg, "SVG");
    FILE *in = fopen(svg, "r");
    static char text[1 << 20];
    assert_non_null(in);
    size_t len = fread(text, 1, sizeof text - 1, in);
    fclose(in);
    text[len] = '\0';
    assert_non_null(strstr(text, "<title>Many labels</title>\n<desc>Illustrative data — not "
                                 "official statistics\nStatus: "));
    assert_non_null(strstr(text, "\nSource: Eurostat, sts_inpr_m\nData to 2024 · collected "
                                 "2025-01-01 · status as at 2026-01-01</desc>"));
    graph_plan_free(plan);
    store_close(store);
    config_unref(c);
}

/* A source line longer than the image is broken into lines, not cut off
 * at the edge: every word of it is on the PDF, inside the image. */
static void test_long_source_line_not_cut(void **state)
{
    (void)state;
    char err[512], pdf[400], dir[300];
    struct store *store;
    snprintf(dir, sizeof dir, "%s/longsource", tmpdir);
    assert_int_equal(mkdir(dir, 0700), 0);
    struct config *c = stored_indicator(
        dir,
        "  source_name = \"Styrelsen for Forskning og Uddannelse pba. Danmarks Statistik, "
        "Forskning og udvikling i erhvervslivet, FUERHV01 og FUERHV02, særkørsel for "
        "Life Science Rådet, sidste ord\";",
        &store);
    struct graph_plan *plan = plan_many(c, store, err, sizeof err);
    assert_non_null(plan);
    snprintf(pdf, sizeof pdf, "%s/longsource.pdf", tmpdir);
    struct graph_frame f = draw_pdf(graph_plan_spec(plan), pdf);
    static struct word words[600];
    size_t n = pdf_words(pdf, words, 600), seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (words[i].x1 > (double)(f.left + f.width) + 20)
            fail_msg("\"%s\" ends at x %.0f, past the image", words[i].text, words[i].x1);
        seen += strcmp(words[i].text, "FUERHV02,") == 0 || strcmp(words[i].text, "sidste") == 0 ||
                strcmp(words[i].text, "ord") == 0;
    }
    assert_int_equal(seen, 3);
    graph_plan_free(plan);
    store_close(store);
    config_unref(c);
}

/* A value axis labelled as the language writes numbers: fractions with
 * the fewest decimals that tell the ticks apart ("0,62", not librrd's
 * "0,620"), negatives with the minus sign U+2212 (librrd's printf writes
 * '-'), each label right of the vertical label, left of the plot area and
 * level with its tick (the frame's value range says where that is). */
static void check_value_axis(const char *id, const double *values, size_t n, char decimal,
                             double scale, const char *const *want, size_t n_want)
{
    char *path = annual_rrd(id, 2019, values, n, 0), pdf[400];
    double low = values[0], high = values[0];
    for (size_t i = 1; i < n; i++)
        low = fmin(low, values[i]), high = fmax(high, values[i]);
    struct graph_spec spec = {.lines = {{.rrd_path = path, .label = "Observeret"}},
                              .n_lines = 1,
                              .title = "En brøk",
                              .unit = "andel",
                              .start = 1546300800,
                              .end = 1735689600,
                              .lower = NAN,
                              .upper = NAN,
                              .data_low = low,
                              .data_high = high,
                              .strong = -1,
                              .decimal = decimal};
    snprintf(pdf, sizeof pdf, "%s/%s.pdf", tmpdir, id);
    struct graph_frame f = draw_pdf(&spec, pdf);
    static struct word words[400];
    size_t nw = pdf_words(pdf, words, 400), found = 0;
    for (size_t i = 0; i < nw; i++) {
        const struct word *w = &words[i];
        if (w->x1 > (double)f.left || w->y0 > (double)(f.top + f.height) + 20 ||
            !strpbrk(w->text, "0123456789"))
            continue; /* not a label of the value axis */
        if (strchr(w->text, '-'))
            fail_msg("%s: label %s with a hyphen for a minus", id, w->text);
        char number[64], *o = number;
        for (const char *c = w->text; *c && o < number + 60; c++)
            if (strncmp(c, "−", strlen("−")) == 0)
                *o++ = '-', c += strlen("−") - 1;
            else if (*c != (decimal == ',' ? '.' : ',')) /* not between thousands */
                *o++ = *c == decimal ? '.' : *c;
        *o = '\0';
        double v = strtod(number, NULL) * scale; /* "5,9" of "5,9 mio." */
        double y = (double)f.top + (double)f.height * (f.high - v) / (f.high - f.low);
        if (fabs((w->y0 + w->y1) / 2 - y) > 3)
            fail_msg("%s: label %s at y %.1f, its tick at %.1f", id, w->text, (w->y0 + w->y1) / 2,
                     y);
        for (size_t k = 0; k < n_want; k++)
            found += strcmp(w->text, want[k]) == 0;
    }
    if (found != n_want)
        fail_msg("%s: %zu of the %zu labels wanted (%s ...)", id, found, n_want, want[0]);
    free(path);
}

static void test_value_axis_numbers(void **state)
{
    (void)state;
    static const double fraction[] = {0.61, 0.63, 0.65, 0.64, 0.66, 0.68};
    static const char *const fraction_da[] = {"0,60", "0,62", "0,64", "0,66", "0,68", "0,70"};
    check_value_axis("fraction", fraction, 6, ',', 1, fraction_da, 6);
    static const double change[] = {-0.05, 0, 0.04, 0.08, 0.1, 0.12};
    static const char *const change_da[] = {"−0,10", "−0,05", "0,00", "0,05", "0,10", "0,15"};
    static const char *const change_en[] = {"−0.10", "−0.05", "0.00", "0.05", "0.10", "0.15"};
    check_value_axis("change_da", change, 6, ',', 1, change_da, 6);
    check_value_axis("change_en", change, 6, '.', 1, change_en, 6);
    /* a step of 0,025 would write three decimals: 0,05 reads as well */
    static const double share[] = {0, 0.05, 0.1, 0.12, 0.15, 0.165};
    static const char *const share_da[] = {"0,00", "0,05", "0,10", "0,15", "0,20"};
    check_value_axis("share", share, 6, ',', 1, share_da, 5);
    /* English thousands grouped as Danish ones are */
    static const double staff[] = {41000, 45000, 52000, 61000, 66000, 70000};
    static const char *const staff_en[] = {"40,000", "50,000", "60,000", "70,000"};
    check_value_axis("staff", staff, 6, '.', 1, staff_en, 4);
    /* millions as the report writes them, 0 as 0 (librrd: "5.700.000", "0 mio.") */
    static const double people[] = {5.65e6, 5.75e6, 5.8e6, 5.9e6, 6.0e6, 6.1e6};
    static const char *const people_da[] = {"5,6", "5,8", "6,0", "6,2"};
    check_value_axis("people", people, 6, ',', 1e6, people_da, 4);
    static const double firms[] = {0, 20e6, 40e6, 60e6, 80e6, 90e6};
    static const char *const firms_da[] = {"0", "20", "40", "60", "80", "100"};
    check_value_axis("firms", firms, 6, ',', 1e6, firms_da, 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drawn_path_is_evaluated_path),
        cmocka_unit_test(test_edge_graphs_render),
        cmocka_unit_test(test_many_labels_planned_whole),
        cmocka_unit_test(test_periods_before_the_view_said),
        cmocka_unit_test(test_line_drawn_where_evaluated),
        cmocka_unit_test(test_marks_on_their_years),
        cmocka_unit_test(test_month_years_labelled_inside),
        cmocka_unit_test(test_illustrative_mark_in_plot_area),
        cmocka_unit_test(test_long_source_line_not_cut),
        cmocka_unit_test(test_value_axis_numbers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
