/*
 * test_graph_plan.c — what an indicator's graph shows (graph_plan.c),
 * planned from a real config and store, without drawing: the line of a
 * plain series and the lines of a panel's members, the path target's
 * curves (its path from the baseline, the bar at the target year, the
 * projection) and the baseline rule, a second target drawn lighter, the
 * above_baseline and rank targets' rules, range thresholds, the time span,
 * the provisional stretch, the title, status and footer in Danish and in
 * English (the same figures as the evaluation), the message for a single
 * observation, and what is left out when a panel has more members than a
 * graph holds. No graph for an indicator with nothing stored.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "assess.h"
#include "config.h"
#include "diag.h"
#include "pejld.h"
#include "graph_plan.h"
#include "period.h"
#include "projection.h"
#include "store.h"
#include "words.h"
#include "unit_files.h"

#define NOW INT64_C(1767225600)     /* 2026-01-01 */
#define VINTAGE INT64_C(1735689600) /* 2025-01-01 */

struct fixture {
    char *dir;
    struct config *config;
    struct store *store;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->dir = unit_temp_dir("test_graph_plan");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    if (f->store)
        store_close(f->store);
    config_unref(f->config);
    unit_remove_tree(f->dir);
    free(f);
    return 0;
}

/* The indicator "ls" (annual, mia. kr.) with `rest` in its group, in
 * `language`; a second indicator "empty" that has nothing stored. */
static void configure_unit(struct fixture *f, const char *language, const char *unit,
                           const char *rest)
{
    char conf[1024], err[512];
    snprintf(conf, sizeof conf, "%s/pejld.conf", f->dir);
    FILE *out = fopen(conf, "w");
    assert_non_null(out);
    fprintf(out,
            "collector_dir = \"" PEJL_BUILD_DIR "/lib/pejl/collectors\";\n"
            "state_dir = \"%s/state\";\nlanguage = \"%s\";\n"
            "indicators = ( { id = \"ls\"; title = \"Life science-eksport\"; unit = \"%s\";\n"
            "  pejlemaerke = 5; frequency = \"annual\";\n"
            "  source = { collector = \"csv\"; url = \"file:x.csv\"; };\n%s },\n"
            "  { id = \"empty\"; title = \"Tom\"; unit = \"x\"; frequency = \"annual\";\n"
            "  source = { collector = \"csv\"; url = \"file:y.csv\"; }; } );\n",
            f->dir, language, unit, rest);
    fclose(out);
    struct pejl_diag diag = {0};
    f->config = config_load(conf, NULL, &diag);
    diag_print(&diag, stderr);
    diag_free(&diag);
    assert_non_null(f->config);
    struct store_settings store = pejld_store_settings(f->config);
    f->store = store_open(&store, err, sizeof err);
    if (!f->store)
        fail_msg("store_open: %s", err);
    assert_int_equal(store_use_settings(f->store, &store), 0);
}

static void configure(struct fixture *f, const char *language, const char *rest)
{
    configure_unit(f, language, "mia. kr.", rest);
}

static void must_store(void *arg, bool stored, const struct ingest_summary *summary,
                       const char *error)
{
    (void)arg, (void)summary;
    if (!stored)
        fail_msg("not stored: %s", error);
}

static void store_obs(struct fixture *f, const struct pejl_observation *obs, size_t n)
{
    assert_int_equal(
        store_stage(f->store, config_find(f->config, "ls"), obs, n, VINTAGE, must_store, NULL), 0);
    assert_int_equal(store_commit(f->store), 1);
}

/* Annual values from `first`, with `status` on the last `flagged`. */
static void store_years(struct fixture *f, int first, const double *values, size_t n,
                        uint32_t status, size_t flagged)
{
    struct pejl_observation obs[64];
    assert_true(n <= 64);
    for (size_t i = 0; i < n; i++)
        obs[i] = (struct pejl_observation){
            .period = {.year = (int16_t)(first + (int)i), .kind = PEJL_PERIOD_YEAR},
            .value = values[i],
            .status = i + flagged >= n ? status : 0};
    store_obs(f, obs, n);
}

static struct graph_plan *plan(struct fixture *f, const char *id)
{
    char err[512] = "x";
    struct graph_settings graphs = pejld_graph_settings(f->config);
    struct graph_plan *p = graph_plan_new(&graphs, f->store, id, NOW, err, sizeof err);
    if (!p)
        fail_msg("%s not planned: \"%s\"", id, err);
    return p;
}

static int64_t year_end(int year)
{
    struct pejl_period y = {.year = (int16_t)year, .kind = PEJL_PERIOD_YEAR};
    return period_end(&y);
}

static int64_t year_start(int year)
{
    struct pejl_period y = {.year = (int16_t)year, .kind = PEJL_PERIOD_YEAR};
    return period_start(&y);
}

static const double exports[] = {131, 145, 160, 174, 189, 205}; /* 2019-2024 */

#define PATH_TARGET                                                                                \
    "  targets = ( { year = 2030; value = 350.0; baseline = { period = \"2023\"; value = 174.0; "  \
    "}; path = \"cagr\"; } );\n"

/* The status line as the evaluation's figures say it. */
static void expected_status(const struct fixture *f, const struct words *w, char *buf, size_t size)
{
    const struct indicator *ind = config_find(f->config, "ls");
    struct evaluation e[2];
    assert_non_null(assess(ind, f->store, NOW, e));
    char latest[PERIOD_TEXT_MAX], value[32], distance[32], projection[32], shortfall[32];
    period_format(&e[0].latest, latest, sizeof latest);
    words_number(w, e[0].latest_value, 1, value, sizeof value);
    words_number(w, fabs(e[0].time_distance_years), 1, distance, sizeof distance);
    words_number(w, e[0].projection, 1, projection, sizeof projection);
    words_number(w, e[0].shortfall_pct, 1, shortfall, sizeof shortfall);
    assert_false(isnan(e[0].time_distance_years));
    /* the probability of reaching 350 at the trend of the window's values
     * (exports[], 2019-2024, each at its year's end), projection.c's */
    double years[6], p;
    for (int i = 0; i < 6; i++)
        years[i] = 2020 + i;
    struct projection pr;
    projection_fit(years, exports, 6, 2031, PROJECTION_LEVEL, 350, +1, &pr);
    p = pr.probability * 100;
    char chance[32]; /* a whole per cent, written as the report writes it */
    assert_true(p >= 1 && p <= 99);
    snprintf(chance, sizeof chance, w == words_for(LANGUAGE_EN) ? "%.0f%%" : "%.0f %%", p);
    snprintf(buf, size, "%s: %s · %s %s: %s · %s %s · %s %s 2030: %s (%s\u00a0%%) · %s 2030: %s",
             w->status, w->categories[e[0].progress], w->latest, latest, value, distance,
             e[0].time_distance_years >= 0 ? w->years_ahead : w->years_behind, w->projection,
             w->in_year, projection, shortfall,
             w == words_for(LANGUAGE_EN) ? "probability of reaching the target"
                                         : "sandsynlighed for at nå målet",
             chance);
}

static void test_plain_series_in_danish(void **state)
{
    struct fixture *f = *state;
    configure(f, "da", PATH_TARGET);
    store_years(f, 2019, exports, 6, 0, 0);
    struct graph_plan *p = plan(f, "ls");
    const struct graph_spec *s = graph_plan_spec(p);
    assert_int_equal(s->n_lines, 1);
    assert_string_equal(s->lines[0].label, "Observeret");
    char rrd[1200];
    snprintf(rrd, sizeof rrd, "%s/state/rrd/ls.rrd", f->dir);
    assert_string_equal(s->lines[0].rrd_path, rrd);
    assert_string_equal(s->title, "Pejlemærke 5 · Life science-eksport");
    assert_string_equal(s->unit, "mia. kr.");
    assert_string_equal(s->provisional_label, "Foreløbig");
    assert_int_equal(s->provisional_from, 0);
    /* The path, the bar at the target year, the projection. */
    assert_int_equal(s->n_curves, 3);
    assert_string_equal(s->curves[0].label, "Målsti mod 350 i 2030");
    assert_int_equal(s->curves[0].t0, year_end(2023));
    assert_int_equal(s->curves[0].t1, year_end(2030));
    assert_float_equal(s->curves[0].v0, 174, 1e-9);
    assert_float_equal(s->curves[0].v1, 350, 1e-9);
    assert_true(s->curves[0].log);
    assert_false(s->curves[0].dashed);
    assert_string_equal(s->curves[1].label, "Mål 350 mia. kr. i 2030");
    assert_int_equal(s->curves[1].t1 - s->curves[1].t0, 60 * 86400);
    assert_float_equal(s->curves[1].v0, 350, 1e-9);
    assert_string_equal(s->curves[2].label, "Fremskrivning (trend)");
    assert_int_equal(s->curves[2].t0, year_end(2024)); /* from the latest */
    assert_float_equal(s->curves[2].v0, 205, 1e-9);
    assert_true(s->curves[2].dashed);
    assert_int_equal(s->n_rules, 1);
    assert_string_equal(s->rules[0].label, "Basisår 2023");
    assert_true(s->rules[0].vertical);
    assert_int_equal(s->rules[0].time, year_end(2023));
    char status[512];
    expected_status(f, words_for(LANGUAGE_DA), status, sizeof status);
    assert_string_equal(s->status, status);
    assert_non_null(strchr(strstr(s->status, "2030: "), ',')); /* a decimal comma */
    assert_string_equal(s->footer, "Kilde: x.csv"); /* the csv collector names its file */
    assert_string_equal(s->vintage,
                        "Data til og med 2024 · hentet 2025-01-01 · status pr. 2026-01-01");
    assert_null(s->message);
    /* From a year's margin before 2019 to half of one after the target year
     * (the target year's label, at its end, stays inside). */
    assert_int_equal(s->start, year_start(2019) - 366 * 86400);
    assert_int_equal(s->end, year_end(2030) + 183 * 86400);
    assert_true(isnan(s->lower) && isnan(s->upper));
    graph_plan_free(p);
}

static void test_plain_series_in_english(void **state)
{
    struct fixture *f = *state;
    configure(f, "en", PATH_TARGET);
    store_years(f, 2019, exports, 6, 0, 0);
    struct graph_plan *p = plan(f, "ls");
    const struct graph_spec *s = graph_plan_spec(p);
    assert_string_equal(s->lines[0].label, "Observed");
    assert_string_equal(s->curves[0].label, "Target path to 350 in 2030");
    assert_string_equal(s->curves[1].label, "Target 350 mia. kr. in 2030");
    assert_string_equal(s->curves[2].label, "Projection (trend)");
    assert_string_equal(s->rules[0].label, "Baseline 2023");
    assert_string_equal(s->title, "Pejlemærke 5 · Life science-eksport");
    char status[512];
    expected_status(f, words_for(LANGUAGE_EN), status, sizeof status);
    assert_string_equal(s->status, status);
    assert_null(strchr(strstr(s->status, "2030: "), ',')); /* a decimal point */
    assert_string_equal(s->footer, "Source: x.csv");
    assert_string_equal(s->vintage,
                        "Data to 2024 · collected 2025-01-01 · status as at 2026-01-01");
    graph_plan_free(p);
}

/* A linear path is straight; a second target is dashed and lighter and
 * has no projection or baseline rule of its own. */
static void test_second_target(void **state)
{
    struct fixture *f = *state;
    configure(f, "en",
              "  targets = ( { year = 2030; value = 350.0; baseline = { period = \"2023\"; value "
              "= 174.0; }; path = \"linear\"; },\n"
              "    { year = 2028; value = 300.0; baseline = { period = \"2021\"; value = 150.0; "
              "}; } );\n");
    store_years(f, 2019, exports, 6, 0, 0);
    struct graph_plan *p = plan(f, "ls");
    const struct graph_spec *s = graph_plan_spec(p);
    assert_int_equal(s->n_curves, 5);
    assert_false(s->curves[0].log);
    assert_string_equal(s->curves[3].label, "Target path to 300 in 2028");
    assert_true(s->curves[3].dashed);
    assert_string_not_equal(s->curves[3].color, s->curves[0].color);
    assert_int_equal(s->curves[3].t0, year_end(2021));
    assert_float_equal(s->curves[3].v0, 150, 1e-9);
    assert_string_equal(s->curves[4].label, "Target 300 mia. kr. in 2028");
    assert_int_equal(s->n_rules, 1);
    graph_plan_free(p);
}

static void test_levels_ranks_and_thresholds(void **state)
{
    struct fixture *f = *state;
    configure(f, "en",
              "  targets = ( { kind = \"above_baseline\"; baseline = { period = \"2020\"; }; "
              "year = 2029; } );\n"
              "  alerts = ( { rule = \"range\"; warning = \"10\"; critical = \"@400:450\"; } );\n");
    store_years(f, 2019, exports, 6, 0, 0);
    struct graph_plan *p = plan(f, "ls");
    const struct graph_spec *s = graph_plan_spec(p);
    assert_int_equal(s->n_curves, 0);
    assert_int_equal(s->n_rules, 4);
    assert_string_equal(s->rules[0].label, "Level of 2020 (Target 2029)");
    assert_false(s->rules[0].vertical);
    assert_float_equal(s->rules[0].value, 145, 1e-9); /* the stored 2020 value */
    /* "10" is 0..10: the 0 end is no threshold worth a line. */
    assert_string_equal(s->rules[1].label, "Warning 10");
    assert_string_equal(s->rules[2].label, "Critical 400");
    assert_string_equal(s->rules[3].label, "Critical 450");
    assert_non_null(strstr(s->status, "Status: "));
    assert_non_null(strstr(s->status, " · Gap "));
    /* The span reaches the target year. */
    assert_int_equal(s->end, year_end(2029) + 183 * 86400);
    graph_plan_free(p);
}

static void store_panel(struct fixture *f, const char *const *members, size_t n_members)
{
    struct pejl_observation obs[256];
    size_t n = 0;
    assert_true(n_members * 3 <= 256);
    for (size_t m = 0; m < n_members; m++)
        for (int y = 0; y < 3; y++)
            obs[n++] = (struct pejl_observation){
                .period = {.year = (int16_t)(2022 + y), .kind = PEJL_PERIOD_YEAR},
                .value = (double)(m + 1 + (size_t)y),
                .member = members[m]};
    store_obs(f, obs, n);
}

static bool has_line(const struct graph_spec *s, const char *label)
{
    for (size_t i = 0; i < s->n_lines; i++)
        if (strcmp(s->lines[i].label, label) == 0)
            return true;
    return false;
}

/* A panel kept only as members: a line per member, named by it; a rank
 * target draws its top N and spans the axis from first place. */
static void test_panel(void **state)
{
    struct fixture *f = *state;
    configure(f, "da",
              "  max_members = 40;\n"
              "  targets = ( { kind = \"rank\"; top = 5; year = 2030; among = \"panel\"; } );\n");
    static const char *const members[] = {"DK", "SE", "NO"};
    store_panel(f, members, 3);
    struct graph_plan *p = plan(f, "ls");
    const struct graph_spec *s = graph_plan_spec(p);
    assert_int_equal(s->n_lines, 3);
    for (size_t i = 0; i < 3; i++) {
        if (!has_line(s, members[i]))
            fail_msg("no line for %s", members[i]);
        char end[32];
        snprintf(end, sizeof end, "/ls.%s.rrd", s->lines[i].label);
        assert_non_null(strstr(s->lines[i].rrd_path, end));
    }
    assert_int_equal(s->n_rules, 1);
    assert_string_equal(s->rules[0].label, "Top 5 (Mål i 2030)");
    assert_float_equal(s->lower, 0, 1e-9);
    assert_float_equal(s->upper, 8, 1e-9);
    assert_null(s->message);
    graph_plan_free(p);
}

/* A rank among a panel reads like a league table: every member's rank
 * per period from the members' values (1 = most), the ranked member (DK)
 * the strong own line, the others as tracks ordered by their latest rank,
 * the top N as a zone rather than a rule. */
static void test_rank_league_table(void **state)
{
    struct fixture *f = *state;
    configure(f, "da",
              "  max_members = 40; derive = { rank = \"DK\"; };\n"
              "  targets = ( { kind = \"rank\"; top = 2; year = 2030; among = \"panel\"; } );\n");
    static const char *const members[] = {"DK", "SE", "NO"};
    static const double values[3][3] = {{5, 10, 8}, {9, 9, 9}, {1, 1, 12}}; /* 2022-2024 */
    static const double dk_rank[] = {2, 1, 3};
    struct pejl_observation obs[12];
    size_t n = 0;
    for (size_t m = 0; m < 3; m++)
        for (int y = 0; y < 3; y++)
            obs[n++] = (struct pejl_observation){
                .period = {.year = (int16_t)(2022 + y), .kind = PEJL_PERIOD_YEAR},
                .value = values[m][y],
                .member = members[m]};
    for (int y = 0; y < 3; y++)
        obs[n++] = (struct pejl_observation){
            .period = {.year = (int16_t)(2022 + y), .kind = PEJL_PERIOD_YEAR}, .value = dk_rank[y]};
    store_obs(f, obs, n);
    struct graph_plan *p = plan(f, "ls");
    const struct graph_spec *s = graph_plan_spec(p);
    assert_int_equal(s->n_lines, 1);
    assert_string_equal(s->lines[0].label, "3 DK");
    assert_int_equal(s->strong, 0);
    assert_int_equal(s->rank_of, 3);
    assert_int_equal(s->rank_top, 2);
    assert_string_equal(s->zone_label, "Top 2 (Mål i 2030)");
    assert_int_equal(s->n_rules, 0);
    assert_int_equal(s->n_tracks, 2);
    assert_string_equal(s->tracks[0].label, "1 NO");
    assert_string_equal(s->tracks[1].label, "2 SE");
    assert_non_null(strstr(s->status, "Seneste 2024: 3")); /* a place, not "3,0" */
    assert_null(strstr(s->status, "3,0"));
    /* the latest places named at the right edge, Denmark strong */
    assert_int_equal(s->n_edge_labels, 3);
    static const char *const edge[] = {"NO", "SE", "DK"};
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(s->edge_labels[i].text, edge[i]);
        assert_int_equal(s->edge_labels[i].rank, (int)i + 1);
        assert_int_equal(s->edge_labels[i].strong, i == 2);
    }
    static const double no[] = {3, 3, 1}, se[] = {1, 2, 2};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(s->tracks[0].times[i], year_end(2022 + (int)i));
        assert_float_equal(s->tracks[0].values[i], no[i], 1e-9);
        assert_float_equal(s->tracks[1].values[i], se[i], 1e-9);
    }
    graph_plan_free(p);
}

/* A rank kept by hand (no panel, a trend target; its unit names a place)
 * is drawn as a league table too: rank 1 at the top, a place below the
 * lowest it reaches, its latest place whole in the status line. */
static void test_manual_rank(void **state)
{
    struct fixture *f = *state;
    static const double places[] = {7, 6, 5, 5, 4, 4}; /* 2019-2024 */
    configure_unit(f, "da", "placering (1 = hurtigst)",
                   "  target = { kind = \"trend\"; direction = \"down\"; };\n");
    store_years(f, 2019, places, 6, 0, 0);
    struct graph_plan *p = plan(f, "ls");
    const struct graph_spec *s = graph_plan_spec(p);
    assert_int_equal(s->rank_of, 8);
    assert_int_equal(s->n_edge_labels, 0);
    assert_non_null(strstr(s->status, "Seneste 2024: 4 "));
    graph_plan_free(p);
}

/* A trend target draws the trend fitted over its window, and says which
 * way it must go; a stale indicator says so in its status line. */
static void test_trend_drawn(void **state)
{
    struct fixture *f = *state;
    configure(f, "da", "  target = { kind = \"trend\"; direction = \"down\"; };\n");
    store_years(f, 2019, exports, 6, 0, 0);
    struct graph_plan *p = plan(f, "ls");
    const struct graph_spec *s = graph_plan_spec(p);
    assert_int_equal(s->n_curves, 1);
    assert_non_null(strstr(s->curves[0].label, "Tendens 2019–2024: +"));
    assert_non_null(strstr(s->curves[0].label, "(krav: faldende)"));
    assert_string_equal(s->curves[0].color, "D55E00"); /* rising, but must fall */
    /* Danish number forms: "+9,4 %/år" */
    assert_non_null(strstr(s->curves[0].label, ": +9,4 %/år"));
    /* the status line writes the growth as the legend does, signed */
    assert_non_null(strstr(s->status, " · +9,4\u00a0%/år")); /* kept on one line */
    assert_int_equal(s->curves[0].t0, year_end(2019));
    assert_int_equal(s->curves[0].t1, year_end(2024));
    assert_true(s->curves[0].v0 < s->curves[0].v1);
    assert_non_null(s->status_color);
    graph_plan_free(p);
    /* as at 2027 the 2024 figure is stale, and the graph says so */
    struct graph_settings graphs = pejld_graph_settings(f->config);
    char err[256];
    p = graph_plan_new(&graphs, f->store, "ls", NOW + 2 * 365 * 86400, err, sizeof err);
    assert_non_null(p);
    assert_non_null(strstr(graph_plan_spec(p)->status, "FORÆLDET: ingen ny periode siden 2024"));
    graph_plan_free(p);
}

/* A path target's projection comes with its 80 % band to the target
 * year, around the projection, from projection.c. */
static void test_projection_band(void **state)
{
    struct fixture *f = *state;
    configure(f, "en", PATH_TARGET);
    static const double bumpy[] = {131, 150, 155, 180, 186, 205};
    store_years(f, 2019, bumpy, 6, 0, 0);
    struct graph_plan *p = plan(f, "ls");
    const struct graph_spec *s = graph_plan_spec(p);
    assert_true(s->band.n >= 2);
    assert_string_equal(s->band.label, "80 % of outcomes at the trend");
    assert_int_equal(s->band.times[0], year_end(2024));
    assert_int_equal(s->band.times[s->band.n - 1], year_end(2030));
    double years[6];
    for (int i = 0; i < 6; i++)
        years[i] = 2020 + i;
    struct projection pr;
    projection_fit(years, bumpy, 6, 2031, PROJECTION_LEVEL, 350, 1, &pr);
    assert_float_equal(s->band.low[s->band.n - 1], pr.low, 1e-6);
    assert_float_equal(s->band.high[s->band.n - 1], pr.high, 1e-6);
    assert_true(pr.low < pr.centre && pr.centre < pr.high);
    assert_non_null(strstr(s->status, "probability of reaching the target 2030: "));
    graph_plan_free(p);
}

/* Events inside the drawn time: a vertical mark each, dated. */
static void test_events(void **state)
{
    struct fixture *f = *state;
    configure(f, "da",
              "  events = ( { date = \"2022-06-01\"; text = \"Strategi\"; },\n"
              "             { date = \"1990-01-01\"; text = \"Før grafen\"; } );\n");
    store_years(f, 2019, exports, 6, 0, 0);
    struct graph_plan *p = plan(f, "ls");
    const struct graph_spec *s = graph_plan_spec(p);
    assert_int_equal(s->n_rules, 1);
    assert_true(s->rules[0].vertical);
    assert_int_equal(s->rules[0].time, 1654041600); /* 2022-06-01 */
    /* its date in words, and where an annual graph puts its years: an
     * event in June sits left of its year's label, which marks the year's
     * end, where the year's value is drawn */
    assert_string_equal(s->rules[0].label, "1. juni 2022: Strategi");
    assert_string_equal(s->time_note, "Årstal ved årets udgang, hvor årets værdi står");
    graph_plan_free(p);
}

/* More members than a graph holds: the rest said on it, in its language. */
static void test_panel_too_big(void **state)
{
    struct fixture *f = *state;
    configure(f, "da", "  max_members = 40;\n");
    char names[GRAPH_MAX_LINES + 2][8];
    const char *members[GRAPH_MAX_LINES + 2];
    for (size_t i = 0; i < GRAPH_MAX_LINES + 2; i++) {
        snprintf(names[i], sizeof names[i], "M%02zu", i);
        members[i] = names[i];
    }
    store_panel(f, members, GRAPH_MAX_LINES + 2);
    struct graph_plan *p = plan(f, "ls");
    const struct graph_spec *s = graph_plan_spec(p);
    assert_int_equal(s->n_lines, GRAPH_MAX_LINES);
    char expected[128];
    snprintf(expected, sizeof expected, "Ikke vist: 2 af %d serier (højst %d)", GRAPH_MAX_LINES + 2,
             GRAPH_MAX_LINES);
    assert_string_equal(s->message, expected);
    graph_plan_free(p);
}

/* More curves than a graph holds: the last target's are said, not drawn. */
static void test_curves_left_out(void **state)
{
    struct fixture *f = *state;
    configure(f, "en",
              "  targets = ( { year = 2030; value = 350.0; baseline = { period = \"2023\"; value "
              "= 174.0; }; },\n"
              "    { year = 2028; value = 300.0; baseline = { period = \"2021\"; value = 150.0; "
              "}; },\n"
              "    { year = 2027; value = 250.0; baseline = { period = \"2020\"; value = 145.0; "
              "}; } );\n");
    store_years(f, 2019, exports, 6, 0, 0);
    struct graph_plan *p = plan(f, "ls");
    const struct graph_spec *s = graph_plan_spec(p);
    assert_int_equal(s->n_curves, GRAPH_MAX_CURVES);
    assert_string_equal(s->curves[5].label, "Target path to 250 in 2027");
    assert_string_equal(s->message,
                        "Not shown: 1 of 7 target paths, marks and projections (at most 6)");
    graph_plan_free(p);
}

static void test_one_observation(void **state)
{
    struct fixture *f = *state;
    configure(f, "da", PATH_TARGET);
    double one[] = {189};
    store_years(f, 2024, one, 1, 0, 0);
    struct graph_plan *p = plan(f, "ls");
    const struct graph_spec *s = graph_plan_spec(p);
    assert_string_equal(s->message, "Kun én observation: 2024 = 189 mia. kr.");
    assert_int_equal(s->start, year_start(2024) - 366 * 86400);
    graph_plan_free(p);
}

static void test_one_observation_in_english(void **state)
{
    struct fixture *f = *state;
    configure(f, "en", "");
    double one[] = {7};
    store_years(f, 2024, one, 1, 0, 0);
    struct graph_plan *p = plan(f, "ls");
    const struct graph_spec *s = graph_plan_spec(p);
    assert_string_equal(s->message, "Only one observation: 2024 = 7 mia. kr.");
    assert_null(s->status); /* no target: no status line */
    assert_int_equal(s->n_curves, 0);
    assert_int_equal(s->n_rules, 0);
    /* Without a target the span reaches today. */
    assert_int_equal(s->end, NOW + 183 * 86400);
    graph_plan_free(p);
}

/* The trailing provisional stretch starts where it starts; an earlier
 * provisional value followed by a final one does not count. */
static void test_provisional_stretch(void **state)
{
    struct fixture *f = *state;
    configure(f, "en", "");
    store_years(f, 2019, exports, 6, PEJL_STATUS_PROVISIONAL, 2);
    struct graph_plan *p = plan(f, "ls");
    assert_int_equal(graph_plan_spec(p)->provisional_from, year_start(2023));
    assert_string_equal(graph_plan_spec(p)->provisional_label, "Provisional");
    graph_plan_free(p);
}

static void test_no_graph(void **state)
{
    struct fixture *f = *state;
    configure(f, "en", "");
    store_years(f, 2019, exports, 6, 0, 0);
    char err[64] = "x";
    struct graph_settings graphs = pejld_graph_settings(f->config);
    assert_null(graph_plan_new(&graphs, f->store, "empty", NOW, err, sizeof err));
    assert_string_equal(err, ""); /* nothing stored: no graph, no error */
    strcpy(err, "x");
    assert_null(graph_plan_new(&graphs, f->store, "nope", NOW, err, sizeof err));
    assert_string_equal(err, "");
}

static int cleanup(void **state)
{
    (void)state;
    return unit_remove_temp_dirs("test_graph_plan");
}

/* Published figures are marked at their period's end, where the evaluation
 * places the period's value, under one legend entry; one before the drawn
 * periods is said on the graph, not dropped without a word. */
static void test_published_marks(void **state)
{
    struct fixture *f = *state;
    configure(f, "da",
              "  published = ( { period = \"2023\"; value = 174.0; source = \"S\"; },\n"
              "    { period = \"2010\"; value = 65.0; source = \"S\"; } );\n");
    store_years(f, 2019, exports, 6, 0, 0);
    struct graph_plan *p = plan(f, "ls");
    const struct graph_spec *s = graph_plan_spec(p);
    assert_int_equal(s->n_marks, 1);
    assert_int_equal(s->marks[0].time, year_end(2023));
    assert_float_equal(s->marks[0].value, 174.0, 0);
    assert_string_equal(s->marks_label, "Offentliggjort");
    assert_non_null(s->message);
    assert_non_null(strstr(s->message, "Offentliggjorte tal: 1"));
    graph_plan_free(p);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

/* A status as at a day before the data were fetched (--now in the past)
 * shows no fetch date after its own day: only the status day. */
static void test_no_fetch_date_after_the_status_day(void **state)
{
    struct fixture *f = *state;
    char err[512];
    configure(f, "da", PATH_TARGET);
    store_years(f, 2019, exports, 6, 0, 0);
    struct graph_settings graphs = pejld_graph_settings(f->config);
    struct graph_plan *p =
        graph_plan_new(&graphs, f->store, "ls", VINTAGE - 86400, err, sizeof err);
    assert_non_null(p);
    assert_string_equal(graph_plan_spec(p)->vintage,
                        "Data til og med 2024 · status pr. 2024-12-31");
    graph_plan_free(p);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    const struct CMUnitTest tests[] = {
        T(test_rank_league_table),
        T(test_manual_rank),
        T(test_trend_drawn),
        T(test_projection_band),
        T(test_events),
        T(test_plain_series_in_danish),
        T(test_plain_series_in_english),
        T(test_no_fetch_date_after_the_status_day),
        T(test_second_target),
        T(test_levels_ranks_and_thresholds),
        T(test_panel),
        T(test_panel_too_big),
        T(test_curves_left_out),
        T(test_one_observation),
        T(test_one_observation_in_english),
        T(test_provisional_stretch),
        T(test_no_graph),
        T(test_published_marks),
    };
    return cmocka_run_group_tests_name("graph_plan", tests, NULL, cleanup);
}
