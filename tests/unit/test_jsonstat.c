/*
 * test_jsonstat.c — unit tests of the JSON-stat decoder that the jsonstat,
 * statbank and eurostat collectors share (collectors/jsonstat/): every
 * recorded response in tests/data/jsonstat/recorded, checked at cells whose
 * numbers were looked up by hand with jq; a hand-made document per rule;
 * the scanner against jansson and strtod; and the selection of series.
 *
 * Every input is decoded from a copy that ends right before an inaccessible
 * page, so reading one byte past `len` crashes the test even without ASan.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "collectors/jsonstat/jsonstat_decode.h"
#include "collectors/jsonstat/jsonstat_scan.h"
#include "unit_files.h"

#define ERROR_PREFIX "the server answered with an error instead of data: "

/* The outcome of one decode. */
struct outcome {
    int rc;
    struct jsonstat_dataset ds;
    char err[1024];
};

/* Decodes `len` bytes placed right before a PROT_NONE page. */
static struct outcome decode_bytes(const char *bytes, size_t len, const char *name)
{
    struct unit_guarded g = unit_guarded_copy(bytes, len);
    const char *copy = g.bytes;
    struct outcome out;
    out.rc = jsonstat_decode(copy, len, name, &out.ds, out.err, sizeof out.err);
    unit_guarded_free(&g);
    return out;
}

static char *data_path(const char *name)
{
    return unit_path(PEJL_TEST_DATA "/jsonstat", name);
}

static char *read_data(const char *name, size_t *len)
{
    char *path = data_path(name);
    char *bytes = unit_read_file(path, len);
    free(path);
    return bytes;
}

static struct outcome decode_file_named(const char *file, const char *dataset)
{
    size_t len;
    char *bytes = read_data(file, &len);
    struct outcome out = decode_bytes(bytes, len, dataset);
    free(bytes);
    return out;
}

static void assert_failed(const struct outcome *out, const char *message)
{
    if (out->rc == 0)
        fail_msg("decoded, expected: %s", message);
    assert_int_equal(out->rc, -1);
    assert_string_equal(out->err, message);
    assert_null(out->ds.dims);
    assert_null(out->ds.values);
    assert_null(out->ds.status_index);
    assert_null(out->ds.statuses);
    assert_int_equal(out->ds.n_cells, 0);
}

/* Decodes a file, asserting success; the caller frees out.ds. */
static struct outcome decode_file(const char *file)
{
    struct outcome out = decode_file_named(file, NULL);
    if (out.rc != 0)
        fail_msg("%s: %s", file, out.err);
    assert_string_equal(out.err, "");
    return out;
}

static void assert_file_error(const char *file, const char *dataset, const char *message)
{
    struct outcome out = decode_file_named(file, dataset);
    assert_failed(&out, message);
}

static struct outcome decode_text(const char *text)
{
    return decode_bytes(text, strlen(text), NULL);
}

static void assert_text_error(const char *text, const char *message)
{
    struct outcome out = decode_text(text);
    assert_failed(&out, message);
}

/* A minimal 2.0 dataset around the given members (a "time" dimension of `n` years). */
static char *dataset_with(const char *members, size_t n)
{
    char index[512] = "";
    for (size_t i = 0; i < n; i++)
        snprintf(index + strlen(index), sizeof index - strlen(index), "%s\"%zu\"", i ? "," : "",
                 2000 + i);
    char *text;
    if (asprintf(&text,
                 "{\"version\":\"2.0\",\"class\":\"dataset\",%s,\"id\":[\"time\"],\"size\":[%zu],"
                 "\"dimension\":{\"time\":{\"category\":{\"index\":[%s]}}}}",
                 members, n, index) < 0)
        fail_msg("asprintf failed");
    return text;
}

static void assert_members_error(const char *members, size_t n, const char *message)
{
    char *text = dataset_with(members, n);
    assert_text_error(text, message);
    free(text);
}

static void assert_same_double(double got, double expected, const char *what)
{
    if (isnan(expected) ? !isnan(got) : memcmp(&got, &expected, sizeof got) != 0)
        fail_msg("%s: %.17g, expected %.17g", what, got, expected);
}

/* The flat index of the cell at the given codes: pairs of dimension id and
 * category code, NULL-terminated; dimensions not named are at position 0. */
static size_t cell_at(const struct jsonstat_dataset *ds, ...)
{
    size_t positions[JSONSTAT_MAX_DIMS] = {0};
    va_list ap;
    va_start(ap, ds);
    for (const char *id; (id = va_arg(ap, const char *));) {
        const char *code = va_arg(ap, const char *);
        int d = jsonstat_find_dimension(ds, id);
        if (d < 0)
            fail_msg("no dimension %s", id);
        int c = jsonstat_find_category(&ds->dims[d], code);
        if (c < 0)
            fail_msg("no code %s in %s", code, id);
        positions[d] = (size_t)c;
    }
    va_end(ap);
    return jsonstat_flat_index(ds, positions);
}

static void assert_cell(const struct jsonstat_dataset *ds, size_t cell, double value,
                        const char *status)
{
    char what[64];
    snprintf(what, sizeof what, "cell %zu", cell);
    assert_true(cell < ds->n_cells);
    assert_same_double(ds->values[cell], value, what);
    if (status)
        assert_string_equal(jsonstat_status(ds, cell), status);
    else if (jsonstat_status(ds, cell))
        fail_msg("cell %zu has status \"%s\", expected none", cell, jsonstat_status(ds, cell));
}

static void assert_dimension(const struct jsonstat_dataset *ds, size_t i, const char *id,
                             size_t size, const char *label)
{
    assert_true(i < ds->n_dims);
    assert_string_equal(ds->dims[i].id, id);
    assert_int_equal(ds->dims[i].size, size);
    if (label)
        assert_string_equal(ds->dims[i].label, label);
    else
        assert_null(ds->dims[i].label);
}

static void assert_category(const struct jsonstat_dataset *ds, size_t dim, size_t i,
                            const char *code, const char *label)
{
    assert_true(i < ds->dims[dim].size);
    assert_string_equal(ds->dims[dim].categories[i].code, code);
    if (label)
        assert_string_equal(ds->dims[dim].categories[i].label, label);
    else
        assert_null(ds->dims[dim].categories[i].label);
}

static size_t count_missing(const struct jsonstat_dataset *ds)
{
    size_t n = 0;
    for (size_t i = 0; i < ds->n_cells; i++)
        n += isnan(ds->values[i]) != 0;
    return n;
}

static size_t count_statuses(const struct jsonstat_dataset *ds)
{
    size_t n = 0;
    for (size_t i = 0; i < ds->n_cells; i++)
        n += jsonstat_status(ds, i) != NULL;
    return n;
}

/* --- recorded: Statistics Denmark --- */

static void test_dst_straf42(void **state)
{
    (void)state;
    struct outcome out = decode_file("recorded/dst/STRAF42_data_jsonstat.json");
    struct jsonstat_dataset *ds = &out.ds;
    assert_string_equal(ds->label, "Decisions, total by national origin, Indhold and time");
    assert_string_equal(ds->source, "Statistics Denmark");
    assert_string_equal(ds->updated, "2025-03-25T07:00:00Z");
    assert_int_equal(ds->n_dims, 3);
    assert_dimension(ds, 0, "HERKOMST1", 1, "national origin");
    assert_category(ds, 0, 0, "00", "Total");
    assert_dimension(ds, 1, "ContentsCode", 1, "Indhold");
    assert_category(ds, 1, 0, "STRAF42", "Decisions, total");
    assert_true(ds->dims[1].is_metric && !ds->dims[1].is_time);
    assert_dimension(ds, 2, "Tid", 1, "time");
    assert_category(ds, 2, 0, "2023", "2023");
    assert_true(ds->dims[2].is_time && !ds->dims[0].is_time);
    assert_int_equal(jsonstat_time_dimension(ds, NULL), 2);
    assert_int_equal(ds->n_cells, 1);
    assert_cell(ds, 0, 233454, NULL);
    assert_null(ds->status_index);
    jsonstat_free(ds);
}

static void test_dst_straf42_latest_only(void **state)
{
    (void)state;
    struct outcome out = decode_file("recorded/dst/STRAF42_data_jsonstat_novars.json");
    assert_int_equal(out.ds.n_dims, 2);
    assert_dimension(&out.ds, 0, "ContentsCode", 1, "Indhold");
    assert_dimension(&out.ds, 1, "Tid", 1, "time");
    assert_category(&out.ds, 1, 0, "2024", "2024");
    assert_int_equal(jsonstat_time_dimension(&out.ds, NULL), 1);
    assert_cell(&out.ds, 0, 227774, NULL);
    jsonstat_free(&out.ds);
}

/* error_bodies.txt: "STATUS BODY" per line, after a comment line. */
static void test_dst_error_bodies(void **state)
{
    (void)state;
    static const char *const expected[] = {
        ERROR_PREFIX "EXTRACT-NOTFOUND: \"Tabel findes ikke: INVALIDTABLE999\"",
        ERROR_PREFIX "REQUEST-MISSING: \"Format ikke angivet, eller ikke gyldigt.\"",
        ERROR_PREFIX "REQUEST-MISSING: \"Der er ikke angivet nogen tabel-id.\"",
        ERROR_PREFIX "EXTRACT-NOTFOUND: \"Kan ikke finde variablen: INVALIDVAR\"",
        ERROR_PREFIX "EXTRACT-NOTFOUND: \"Kan ikke finde værdien: 999999 (OMRÅDE)\"",
        ERROR_PREFIX "REQUEST-EMPTY: \"Medsend gyldigt JSON-objekt når der postes. / Supply valid "
                     "JSON-object when posting.\"",
        ERROR_PREFIX "REQUEST-NOTFOUND: \"Siden kan ikke findes. / Page not found.\"",
    };
    size_t len, seen = 0;
    char *text = read_data("recorded/dst/error_bodies.txt", &len);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        const char *body = strchr(line, ' ');
        assert_non_null(body);
        assert_true(seen < sizeof expected / sizeof *expected);
        struct outcome out = decode_text(body + 1);
        assert_failed(&out, expected[seen++]);
    }
    assert_int_equal(seen, sizeof expected / sizeof *expected);
    free(text);
}

static void test_dst_tableinfo_is_not_jsonstat(void **state)
{
    (void)state;
    assert_file_error("recorded/dst/STRAF42_tableinfo_en.json", NULL,
                      "not JSON-stat: no \"value\" or \"dimension\", and no dataset inside that "
                      "has them");
}

/* --- recorded: Eurostat --- */

static void test_eurostat_demo_pjan(void **state)
{
    (void)state;
    static const char *const geo[] = {"BE", "DE", "ES", "FR", "IT", "HU", "NL", "CH", "UK"};
    struct outcome out = decode_file("recorded/eurostat/demo_pjan_9geo_4years.json");
    struct jsonstat_dataset *ds = &out.ds;
    assert_string_equal(ds->label, "Population on 1 January by age and sex");
    assert_string_equal(ds->source, "ESTAT");
    assert_string_equal(ds->updated, "2026-08-14T23:00:00+0200");
    assert_int_equal(ds->n_dims, 6);
    assert_dimension(ds, 0, "freq", 1, "Time frequency");
    assert_category(ds, 0, 0, "A", "Annual");
    assert_dimension(ds, 2, "age", 1, "Age class");
    assert_dimension(ds, 4, "geo", 9, "Geopolitical entity (reporting)");
    for (size_t i = 0; i < 9; i++)
        assert_string_equal(ds->dims[4].categories[i].code, geo[i]);
    assert_category(ds, 4, 8, "UK", "United Kingdom");
    assert_dimension(ds, 5, "time", 4, "Time");
    assert_category(ds, 5, 1, "2022", "2022");
    assert_int_equal(jsonstat_time_dimension(ds, NULL), 5);
    assert_false(ds->dims[5].is_time); /* no role: found by its name */
    assert_int_equal(ds->n_cells, 36);
    assert_cell(ds, 0, 11398589, NULL);
    assert_cell(ds, cell_at(ds, "geo", "FR", "time", "2018", NULL), 67026224, "p");
    assert_cell(ds, cell_at(ds, "geo", "FR", "time", "2022", NULL), 68091703, NULL);
    assert_cell(ds, cell_at(ds, "geo", "FR", "time", "2024", NULL), 68669303, "p");
    assert_cell(ds, cell_at(ds, "geo", "FR", "time", "2025", NULL), 68882600, "p");
    assert_cell(ds, cell_at(ds, "geo", "CH", "time", "2025", NULL), 9051029, NULL);
    assert_cell(ds, cell_at(ds, "geo", "UK", "time", "2018", NULL), 66273576, NULL);
    assert_cell(ds, cell_at(ds, "geo", "UK", "time", "2025", NULL), NAN, NULL);
    assert_int_equal(count_missing(ds), 3);
    assert_int_equal(count_statuses(ds), 3);
    assert_int_equal(ds->n_statuses, 2);
    assert_null(ds->statuses[0]);
    assert_string_equal(ds->statuses[1], "p");
    jsonstat_free(ds);
}

static void test_eurostat_nama_10_gdp(void **state)
{
    (void)state;
    struct outcome out = decode_file("recorded/eurostat/nama_10_gdp_DK.json");
    struct jsonstat_dataset *ds = &out.ds;
    assert_string_equal(ds->label, "GDP and main components (output, expenditure and income)");
    assert_int_equal(ds->n_dims, 5);
    assert_dimension(ds, 1, "unit", 32, "Unit of measure");
    assert_category(ds, 1, 0, "CLV_I20", "Chain linked volumes, index 2020=100");
    assert_category(ds, 1, 7, "CP_MEUR", "Current prices, million euro");
    assert_category(ds, 1, 31, "PD_PCH_PRE_NAC",
                    "Price index (implicit deflator), percentage change on previous period, "
                    "national currency");
    assert_dimension(ds, 2, "na_item", 2, "National accounts indicator (ESA 2010)");
    assert_category(ds, 2, 0, "B1GQ", "Gross domestic product at market prices");
    assert_category(ds, 2, 1, "B1G", "Value added, gross");
    assert_int_equal(ds->n_cells, 64);
    assert_cell(ds, 0, 111.757, NULL);
    assert_cell(ds, cell_at(ds, "unit", "CP_MEUR", "na_item", "B1GQ", NULL), 376430, NULL);
    assert_cell(ds, 15, 333780.7, NULL);
    assert_cell(ds, 16, 2804742.3, NULL);
    assert_cell(ds, cell_at(ds, "unit", "CON_PPCH_PRE", "na_item", "B1GQ", NULL), 2.5, "d");
    assert_cell(ds, cell_at(ds, "unit", "CON_PPCH_PRE", "na_item", "B1G", NULL), 2.62, "d");
    assert_cell(ds, 60, -3.9, NULL);
    assert_cell(ds, 63, -3.7, NULL);
    assert_int_equal(count_missing(ds), 0);
    assert_int_equal(count_statuses(ds), 2);
    jsonstat_free(ds);
}

static void test_eurostat_une_rt_m_no_data_position(void **state)
{
    (void)state;
    struct outcome out = decode_file("recorded/eurostat/une-rt-m-geo-de-lower-last3.json");
    struct jsonstat_dataset *ds = &out.ds;
    assert_int_equal(ds->n_dims, 7);
    assert_dimension(ds, 6, "time", 3, "Time");
    assert_category(ds, 6, 2, "2026-08", "2026-08");
    assert_category(ds, 3, 0, "PC_ACT", "Percentage of population in the labour force");
    assert_cell(ds, 0, 4.0, NULL);
    assert_cell(ds, 1, 4.0, NULL);
    assert_cell(ds, 2, NAN, NULL); /* extension.positions-with-no-data */
    assert_null(ds->status_index);
    jsonstat_free(ds);
}

static void test_eurostat_error_bodies(void **state)
{
    (void)state;
    assert_file_error("recorded/eurostat/ds-999999-statistics.json", NULL,
                      ERROR_PREFIX "status 404, \"ERR_NOT_FOUND_4: DS-999999 (DATA_FLOW:ALL,1.0) "
                                   "is not available for dissemination.\"");
    assert_file_error("recorded/eurostat/ds-045409-extraction-too-big.json", NULL,
                      ERROR_PREFIX "status 413, \"EXTRACTION_TOO_BIG: The requested extraction "
                                   "is too big, estimated 10305182 rows, max authorised is "
                                   "5000000, please change your filters to reduce the extraction "
                                   "size\"");
}

static void test_eurostat_asynchronous_warning(void **state)
{
    (void)state;
    assert_file_error("eurostat-asynchronous-warning.json", NULL,
                      "the server answered with a warning instead of data: status 413, "
                      "\"ASYNCHRONOUS_RESPONSE. Your request will be treated asynchronously. "
                      "Please try again later.\"");
}

static void test_error_body_shapes(void **state)
{
    (void)state;
    assert_text_error("{\"error\":[{\"status\":400,\"label\":\"a\"},{\"message\":\"b\\nc\"}]}",
                      ERROR_PREFIX "status 400, \"a\"; \"b?c\"");
    assert_text_error("{\"error\":{\"status\":500}}", ERROR_PREFIX "status 500, (no label)");
    assert_text_error("{\"error\":[7]}", ERROR_PREFIX "(no label)");
    assert_text_error("{\"errorTypeCode\":\"REQUEST-LIMIT\"}", ERROR_PREFIX "REQUEST-LIMIT: \"\"");
    assert_text_error("{\"warning\":{\"label\":\"later\"}}",
                      "the server answered with a warning instead of data: \"later\"");
    /* An empty error list, or a warning next to data, does not stop a dataset. */
    char *text = dataset_with("\"error\":[],\"warning\":{\"label\":\"x\"},\"value\":[1]", 1);
    struct outcome out = decode_text(text);
    assert_int_equal(out.rc, 0);
    assert_cell(&out.ds, 0, 1, NULL);
    jsonstat_free(&out.ds);
    free(text);
    assert_members_error("\"value\":[1,2]", 1,
                         "\"value\" has 2 entries, but the sizes make 1 cell; which cell each "
                         "entry is for is ambiguous");
    assert_members_error("\"value\":[1]", 2,
                         "\"value\" has 1 entry, but the sizes make 2 cells; which cell each entry "
                         "is for is ambiguous");
}

/* --- recorded: json-stat.org samples --- */

static void test_jsonstat_canada_status_array_of_one(void **state)
{
    (void)state;
    struct outcome out = decode_file("recorded/jsonstat/canada-2.0.json");
    struct jsonstat_dataset *ds = &out.ds;
    assert_int_equal(ds->n_dims, 5);
    assert_dimension(ds, 0, "country", 1, "country");
    assert_category(ds, 0, 0, "CA", "Canada"); /* no index: the one label names it */
    assert_true(ds->dims[0].is_geo);
    assert_dimension(ds, 1, "year", 1, "year");
    assert_category(ds, 1, 0, "2012", NULL); /* index without labels */
    assert_true(ds->dims[1].is_time);
    assert_int_equal(jsonstat_time_dimension(ds, NULL), 1);
    assert_dimension(ds, 2, "age", 20, "age group");
    assert_category(ds, 2, 19, "older", "90 and older");
    assert_dimension(ds, 3, "concept", 2, "concepts");
    assert_true(ds->dims[3].is_metric);
    assert_category(ds, 4, 2, "F", "female");
    assert_int_equal(ds->n_cells, 120);
    assert_cell(ds, 0, 34880.5, "a"); /* ["a"] applies to every cell */
    assert_cell(ds, 1, 17309.1, "a");
    assert_cell(ds, cell_at(ds, "age", "44", "concept", "PERCENT", "sex", "F", NULL), 6.7, "a");
    assert_cell(ds, 118, 0.4, "a");
    assert_cell(ds, 119, 1, "a");
    assert_int_equal(count_statuses(ds), 120);
    jsonstat_free(ds);
}

static void test_jsonstat_galicia_wrapped_1x(void **state)
{
    (void)state;
    static const char *const ids[] = {"birth", "age", "gender", "time", "residence", "concept"};
    static const char *const labels[] = {"place of birth",        "age group", "gender", "year",
                                         "province of residence", "concept"};
    static const size_t sizes[] = {6, 22, 3, 2, 5, 1};
    struct outcome out = decode_file("recorded/jsonstat/galicia-1.x-dataset-wrapped.json");
    struct jsonstat_dataset *ds = &out.ds;
    assert_string_equal(ds->source, "INE and IGE");
    assert_int_equal(ds->n_dims, 6);
    for (size_t i = 0; i < 6; i++)
        assert_dimension(ds, i, ids[i], sizes[i], labels[i]);
    assert_category(ds, 4, 1, "15", "A Coruña");
    assert_category(ds, 1, 21, "100", "100+");
    assert_category(ds, 3, 1, "2011", NULL);
    assert_category(ds, 5, 0, "pop", "population"); /* no index, one label */
    assert_true(ds->dims[4].is_geo && ds->dims[0].is_geo && ds->dims[5].is_metric);
    assert_int_equal(jsonstat_time_dimension(ds, NULL), 3);
    assert_int_equal(ds->n_cells, 3960);
    assert_cell(ds, 0, 2695880, NULL);
    assert_cell(ds, 1, 1096027, NULL);
    assert_cell(ds, cell_at(ds, "time", "2011", NULL), 2772928, NULL);
    assert_cell(ds, 3959, 11, NULL);
    assert_cell(ds, 3958, 3, NULL);
    assert_cell(ds, 1234, 2750, NULL);
    assert_int_equal(
        cell_at(ds, "birth", "A", "age", "100", "time", "2011", "residence", "32", NULL), 3278);
    assert_cell(ds, 3278, NAN, NULL);
    assert_cell(ds, 3288, NAN, NULL);
    assert_cell(ds, 3298, NAN, NULL);
    assert_cell(ds, 3947, NAN, NULL);
    assert_int_equal(count_missing(ds), 4);
    jsonstat_free(ds);
}

static void test_jsonstat_collection_refused(void **state)
{
    (void)state;
    assert_file_error("recorded/jsonstat/collection-2.0.json", NULL,
                      "a JSON-stat collection (a list of links), not a dataset; point the source "
                      "at one of its datasets");
}

/* --- bundles and classes --- */

static void test_bundle_of_two_needs_a_name(void **state)
{
    (void)state;
    const char *file = "bundle-1x-two-datasets.json";
    assert_file_error(file, NULL,
                      "a JSON-stat bundle of 2 datasets (employment, exports); which one to read "
                      "is ambiguous: name it (dataset in the source, --dataset of pejlctl "
                      "inspect)");
    assert_file_error(file, "imports",
                      "no dataset \"imports\" in this JSON-stat bundle; it has: "
                      "employment, exports");
    struct outcome out = decode_file_named(file, "exports");
    assert_int_equal(out.rc, 0);
    assert_string_equal(out.ds.label, "Eksport af lægemidler, mia. kr.");
    assert_int_equal(out.ds.n_dims, 1);
    assert_int_equal(jsonstat_time_dimension(&out.ds, NULL), 0); /* "Tid" by name */
    assert_cell(&out.ds, 0, 100.25, NULL);
    assert_cell(&out.ds, 1, NAN, NULL);
    assert_cell(&out.ds, 2, 300, NULL);
    jsonstat_free(&out.ds);
    out = decode_file_named(file, "employment");
    assert_int_equal(out.rc, 0);
    assert_category(&out.ds, 0, 0, "LS", "Life science");
    assert_true(out.ds.dims[1].is_time);
    assert_cell(&out.ds, 1, 2.5, NULL);
    jsonstat_free(&out.ds);
}

static void test_dataset_name_ignored_for_a_dataset(void **state)
{
    (void)state;
    struct outcome out = decode_file_named("recorded/dst/STRAF42_data_jsonstat.json", "dataset");
    assert_int_equal(out.rc, 0);
    jsonstat_free(&out.ds);
    out = decode_file_named("recorded/eurostat/demo_pjan_9geo_4years.json", "anything");
    assert_int_equal(out.rc, 0);
    jsonstat_free(&out.ds);
    /* In DST's wrapper the dataset is called "dataset", and only that. */
    assert_file_error("recorded/dst/STRAF42_data_jsonstat.json", "STRAF42",
                      "no dataset \"STRAF42\" in this JSON-stat bundle; it has: dataset");
}

static void test_classes_that_are_not_datasets(void **state)
{
    (void)state;
    assert_text_error("{\"version\":\"2.0\",\"class\":\"dimension\",\"label\":\"x\"}",
                      "a JSON-stat dimension, not a dataset");
    assert_text_error("{\"class\":\"cube\",\"value\":[]}",
                      "JSON-stat class \"cube\" is not a dataset");
    assert_text_error("{\"class\":2}", "\"class\" is a number, not a string");
    assert_text_error("{\"a\":{\"class\":\"bundle\",\"value\":[]}}",
                      "a bundle inside a bundle, not a dataset");
}

/* --- values and statuses --- */

static void test_sparse_string_values_and_status_object(void **state)
{
    (void)state;
    struct outcome out = decode_file("sparse-string-values-and-status-object.json");
    struct jsonstat_dataset *ds = &out.ds;
    assert_int_equal(ds->n_cells, 9);
    assert_cell(ds, 0, 1.25, NULL);
    assert_cell(ds, 1, NAN, "c"); /* ":C", but the status object says "c" */
    assert_cell(ds, 2, 3, "p");
    assert_cell(ds, 3, NAN, NULL); /* absent; status null */
    assert_cell(ds, 4, NAN, ".."); /* a string value with no explicit status */
    assert_cell(ds, 5, 1000, NULL);
    assert_cell(ds, 6, NAN, "c"); /* only a status, like Eurostat's confidential cells */
    assert_cell(ds, 7, NAN, NULL);
    assert_cell(ds, 8, -0.0025, "ep");
    jsonstat_free(ds);
}

static void test_status_one_string_for_all_cells(void **state)
{
    (void)state;
    struct outcome out = decode_file("status-one-string-for-all-cells.json");
    for (size_t i = 0; i < 3; i++)
        assert_cell(&out.ds, i, (double)i + 1, "e");
    assert_int_equal(out.ds.n_statuses, 2);
    jsonstat_free(&out.ds);
}

static void test_status_array_with_null_and_empty(void **state)
{
    (void)state;
    struct outcome out = decode_file("status-array-with-null-and-empty.json");
    assert_cell(&out.ds, 0, 10, "p");
    assert_cell(&out.ds, 1, NAN, ":"); /* null keeps the string value's status */
    assert_cell(&out.ds, 2, 30, NULL); /* "" is no status */
    assert_cell(&out.ds, 3, 40, "e");
    jsonstat_free(&out.ds);
}

static void test_dense_nulls_and_strings(void **state)
{
    (void)state;
    char *text = dataset_with("\"value\":[null,\":C\",\"..\",-0,0,\"\"]", 6);
    struct outcome out = decode_text(text);
    assert_int_equal(out.rc, 0);
    assert_cell(&out.ds, 0, NAN, NULL);
    assert_cell(&out.ds, 1, NAN, ":C");
    assert_cell(&out.ds, 2, NAN, "..");
    assert_cell(&out.ds, 3, -0.0, NULL);
    assert_cell(&out.ds, 4, 0.0, NULL);
    assert_cell(&out.ds, 5, NAN, NULL);
    assert_int_equal(out.ds.n_statuses, 3);
    jsonstat_free(&out.ds);
    free(text);
}

static void test_no_status_no_status_index(void **state)
{
    (void)state;
    char *text = dataset_with("\"value\":[1,2],\"status\":{\"0\":null,\"1\":\"\"}", 2);
    struct outcome out = decode_text(text);
    assert_int_equal(out.rc, 0);
    assert_null(out.ds.status_index);
    assert_null(out.ds.statuses);
    assert_int_equal(out.ds.n_statuses, 0);
    assert_null(jsonstat_status(&out.ds, 0));
    jsonstat_free(&out.ds);
    free(text);
}

static void test_many_distinct_statuses(void **state)
{
    (void)state;
    enum { N = 3000 };
    char *members = malloc(N * 16 + 64), *p = members;
    p += sprintf(p, "\"value\":{},\"status\":[");
    for (int i = 0; i < N; i++)
        p += sprintf(p, "%s\"s%d\"", i ? "," : "", i % 1000);
    strcpy(p, "]");
    /* 3000 cells: three dimensions of 10, 10, 30. */
    char *text;
    if (asprintf(&text,
                 "{\"class\":\"dataset\",%s,\"id\":[\"a\",\"b\",\"time\"],\"size\":[10,10,30],"
                 "\"dimension\":{\"a\":{\"category\":{\"index\":[\"0\",\"1\",\"2\",\"3\",\"4\","
                 "\"5\",\"6\",\"7\",\"8\",\"9\"]}},\"b\":{\"category\":{\"index\":[\"0\",\"1\","
                 "\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]}},\"time\":{\"category\":{"
                 "\"index\":{%s}}}}}",
                 members,
                 "\"t0\":0,\"t1\":1,\"t2\":2,\"t3\":3,\"t4\":4,\"t5\":5,\"t6\":6,"
                 "\"t7\":7,\"t8\":8,\"t9\":9,\"t10\":10,\"t11\":11,\"t12\":12,\"t13\":13,"
                 "\"t14\":14,\"t15\":15,\"t16\":16,\"t17\":17,\"t18\":18,\"t19\":19,"
                 "\"t20\":20,\"t21\":21,\"t22\":22,\"t23\":23,\"t24\":24,\"t25\":25,"
                 "\"t26\":26,\"t27\":27,\"t28\":28,\"t29\":29") < 0)
        fail_msg("asprintf");
    struct outcome out = decode_text(text);
    if (out.rc != 0)
        fail_msg("%s", out.err);
    assert_int_equal(out.ds.n_statuses, 1001);
    assert_string_equal(jsonstat_status(&out.ds, 0), "s0");
    assert_string_equal(jsonstat_status(&out.ds, 1999), "s999");
    assert_string_equal(jsonstat_status(&out.ds, 2345), "s345");
    assert_ptr_equal(jsonstat_status(&out.ds, 345), jsonstat_status(&out.ds, 2345));
    jsonstat_free(&out.ds);
    free(text);
    free(members);
}

static void test_too_many_distinct_statuses(void **state)
{
    (void)state;
    enum { N = 65536 }; /* 256 x 256 cells, each with a status of its own */
    char *statuses = malloc((size_t)N * 10 + 16), *p = statuses;
    for (int i = 0; i < N; i++)
        p += sprintf(p, "%s\"%x\"", i ? "," : "", i);
    char codes[2048] = "";
    for (int i = 0; i < 256; i++)
        snprintf(codes + strlen(codes), sizeof codes - strlen(codes), "%s\"%d\"", i ? "," : "", i);
    char *text;
    if (asprintf(&text,
                 "{\"value\":{},\"status\":[%s],\"id\":[\"a\",\"time\"],\"size\":[256,256],"
                 "\"dimension\":{\"a\":{\"category\":{\"index\":[%s]}},"
                 "\"time\":{\"category\":{\"index\":[%s]}}}}",
                 statuses, codes, codes) < 0)
        fail_msg("asprintf");
    assert_text_error(text, "more than 65535 different statuses");
    /* One fewer is fine: the last cell repeats the first status. */
    memcpy(strstr(text, "\"ffff\""), "\"0\"   ", 6);
    struct outcome out = decode_text(text);
    if (out.rc != 0)
        fail_msg("%s", out.err);
    assert_int_equal(out.ds.n_statuses, 65536);
    assert_string_equal(jsonstat_status(&out.ds, 65535), "0");
    assert_string_equal(jsonstat_status(&out.ds, 65534), "fffe");
    jsonstat_free(&out.ds);
    free(text);
    free(statuses);
}

static void test_empty_result(void **state)
{
    (void)state;
    struct outcome out = decode_file("empty-result-size-zero.json");
    struct jsonstat_dataset *ds = &out.ds;
    assert_int_equal(ds->n_cells, 0);
    assert_int_equal(ds->n_dims, 3);
    assert_dimension(ds, 2, "time", 0, "Time");
    assert_null(ds->status_index);
    assert_int_equal(jsonstat_time_dimension(ds, NULL), 2);
    struct jsonstat_panel panel;
    char err[256];
    assert_int_equal(jsonstat_select(ds, &(struct jsonstat_query){0}, &panel, err, sizeof err), 0);
    assert_int_equal(panel.n_series, 1);
    assert_int_equal(panel.series[0].n, 0);
    jsonstat_panel_free(&panel);
    jsonstat_free(ds);
    /* An empty result may say so with an empty array as well. */
    char *text = dataset_with("\"value\":[]", 0);
    out = decode_text(text);
    assert_int_equal(out.rc, 0);
    assert_int_equal(out.ds.n_cells, 0);
    jsonstat_free(&out.ds);
    free(text);
}

/* --- what is not JSON-stat --- */

static void test_html_page(void **state)
{
    (void)state;
    const char *message = "an HTML page, not JSON (the server may be overloaded)";
    assert_file_error("html-server-overloaded.html", NULL, message);
    assert_text_error("<html>", message);
    assert_text_error("\xEF\xBB\xBF \r\n\t<!DOCTYPE html>", message);
}

static void test_empty_and_blank_documents(void **state)
{
    (void)state;
    assert_text_error("", "an empty document, not JSON");
    assert_text_error(" \n\t\r ", "an empty document, not JSON");
    assert_text_error("\xEF\xBB\xBF", "an empty document, not JSON");
}

static void test_not_an_object(void **state)
{
    (void)state;
    assert_text_error("[1,2]", "not JSON-stat: the document is an array, not an object");
    assert_text_error("\"dataset\"", "not JSON-stat: the document is a string, not an object");
    assert_text_error(" 42 ", "not JSON-stat: the document is a number, not an object");
    assert_text_error("null", "not JSON-stat: the document is null, not an object");
    assert_text_error("{}",
                      "not JSON-stat: no \"value\" or \"dimension\", and no dataset inside that "
                      "has them");
    assert_text_error("{\"x\":{\"y\":1}}",
                      "not JSON-stat: no \"value\" or \"dimension\", and no dataset inside that "
                      "has them");
}

static void test_bom_is_skipped(void **state)
{
    (void)state;
    size_t len;
    char *bytes = read_data("recorded/dst/STRAF42_data_jsonstat.json", &len);
    char *with_bom = malloc(len + 3);
    memcpy(with_bom, "\xEF\xBB\xBF", 3);
    memcpy(with_bom + 3, bytes, len);
    struct outcome out = decode_bytes(with_bom, len + 3, NULL);
    assert_int_equal(out.rc, 0);
    assert_cell(&out.ds, 0, 233454, NULL);
    jsonstat_free(&out.ds);
    free(with_bom);
    free(bytes);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    assert_file_error("invalid-utf8-in-category-label.json", NULL,
                      "invalid JSON at line 1, offset 139: invalid UTF-8 in a string");
    static const char *const bad[] = {
        "\xC3\x28",         /* a lead byte without its continuation */
        "\x80",             /* a lone continuation byte */
        "\xC0\xAF",         /* overlong '/' */
        "\xE0\x80\xAF",     /* overlong, three bytes */
        "\xED\xA0\x80",     /* an encoded surrogate */
        "\xF4\x90\x80\x80", /* above U+10FFFF */
        "\xF5\x80\x80\x80", /* no such lead byte */
        "\xE2\x82",         /* cut short before the closing quote */
        "\xFF",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char text[128];
        snprintf(text, sizeof text, "{\"label\":\"a%s\",\"value\":[]}", bad[i]);
        assert_text_error(text, "invalid JSON at line 1, offset 11: invalid UTF-8 in a string");
        snprintf(text, sizeof text, "{\"k%s\":1}", bad[i]);
        assert_text_error(text, "invalid JSON at line 1, offset 3: invalid UTF-8 in a string");
        json_error_t error;
        assert_null(json_loads(text, 0, &error)); /* jansson agrees */
    }
}

static void test_valid_utf8_and_escapes(void **state)
{
    (void)state;
    char *text = dataset_with("\"label\":\"\\u00e6\\u00f8\\u00e5 \xE2\x82\xAC \\ud834\\udd1e "
                              "\xF0\x9D\x84\x9E \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t\","
                              "\"value\":[\"\\u003aC\"]",
                              1);
    struct outcome out = decode_text(text);
    assert_int_equal(out.rc, 0);
    assert_string_equal(out.ds.label, "æøå € \xF0\x9D\x84\x9E \xF0\x9D\x84\x9E \"q\" \\ / "
                                      "\b\f\n\r\t");
    assert_cell(&out.ds, 0, NAN, ":C");
    jsonstat_free(&out.ds);
    free(text);
    assert_text_error("{\"label\":\"\\ud834\",\"value\":[]}",
                      "invalid JSON at line 1, offset 10: a high surrogate \\u escape without a "
                      "low one");
    assert_text_error("{\"label\":\"\\udd1e\",\"value\":[]}",
                      "invalid JSON at line 1, offset 10: a low surrogate \\u escape without a "
                      "high one");
    assert_text_error("{\"label\":\"a\\u0000b\",\"value\":[]}",
                      "invalid JSON at line 1, offset 11: \\u0000 in a string");
    assert_text_error("{\"label\":\"\\x41\"}",
                      "invalid JSON at line 1, offset 10: an unknown escape in a string");
    assert_text_error("{\"label\":\"\\u12G4\"}",
                      "invalid JSON at line 1, offset 10: \\u needs four hex digits");
    assert_text_error("{\"label\":\"tab\there\"}",
                      "invalid JSON at line 1, offset 13: a control character in a string");
}

/* Every prefix of a recorded document that cuts into its JSON must fail. */
static void test_truncated_documents(void **state)
{
    (void)state;
    static const char *const files[] = {
        "recorded/dst/STRAF42_data_jsonstat.json",
        "recorded/eurostat/demo_pjan_9geo_4years.json",
        "recorded/eurostat/nama_10_gdp_DK.json",
        "recorded/eurostat/une-rt-m-geo-de-lower-last3.json",
        "recorded/jsonstat/canada-2.0.json",
        "recorded/jsonstat/galicia-1.x-dataset-wrapped.json",
        "sparse-string-values-and-status-object.json",
    };
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        size_t len;
        char *bytes = read_data(files[f], &len);
        size_t last = len;
        while (last > 0 && strchr(" \t\r\n", bytes[last - 1]))
            last--;
        for (size_t n = 0; n < last; n++) {
            struct outcome out = decode_bytes(bytes, n, NULL);
            if (out.rc == 0)
                fail_msg("%s cut to %zu bytes decoded", files[f], n);
            assert_null(out.ds.values);
            assert_true(out.err[0] != '\0');
        }
        struct outcome out = decode_bytes(bytes, last, NULL);
        assert_int_equal(out.rc, 0);
        jsonstat_free(&out.ds);
        free(bytes);
    }
}

static void test_truncated_messages(void **state)
{
    (void)state;
    assert_text_error("{\"value\":[1,2", "invalid JSON at line 1, offset 13: the document ends "
                                         "inside an array (truncated?)");
    assert_text_error("{\"value\":[1,2],\n\"dim",
                      "invalid JSON at line 2, offset 20: the document ends inside a string "
                      "(truncated?)");
    assert_text_error("{\"value\":", "invalid JSON at line 1, offset 9: the document ends where a "
                                     "value should be (truncated?)");
    assert_text_error("{\"value\"", "invalid JSON at line 1, offset 8: the document ends inside "
                                    "an object (truncated?)");
    assert_text_error("{\"value\":[]}}",
                      "invalid JSON at line 1, offset 12: text after the end of the JSON value");
}

/* --- wrong shapes --- */

static void test_wrong_shapes_from_files(void **state)
{
    (void)state;
    static const struct {
        const char *file, *message;
    } cases[] = {
        {"value-is-a-string.json", "\"value\" is a string; it must be an array or an object"},
        {"size-longer-than-id.json",
         "\"size\" has 3 entries but \"id\" has 2; which size is which dimension's is ambiguous"},
        {"index-position-out-of-range.json",
         "dimension \"time\": category \"2023\" has position 2, outside 0 to 1"},
        {"index-duplicate-position.json",
         "dimension \"time\": categories \"2022\" and \"2023\" both have position 0"},
        {"index-array-duplicate-code.json",
         "dimension \"time\": category \"2023\" is listed twice in category.index"},
        {"index-size-differs-from-size.json",
         "dimension \"time\": 3 categories in category.index but size 2; which categories the "
         "cells have is ambiguous"},
        {"id-names-a-missing-dimension.json",
         "dimension \"geo\": listed in \"id\" but not in \"dimension\""},
        {"dense-value-shorter-than-cells.json", "\"value\" has 2 entries, but the sizes make 4 "
                                                "cells; which cell each entry is for is ambiguous"},
        {"sparse-key-beyond-last-cell.json",
         "\"value\" has cell 4, beyond the 4 cells the sizes make"},
        {"sparse-key-not-a-cell-number.json",
         "\"value\" has a key \"01\" that is not a cell number"},
        {"sizes-make-too-many-cells.json", "the sizes make more than 100000000 cells"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_file_error(cases[i].file, NULL, cases[i].message);
}

static void test_wrong_values(void **state)
{
    (void)state;
    assert_members_error("\"value\":[1,2,3]", 2,
                         "\"value\" has 3 entries, but the sizes make 2 "
                         "cells; which cell each entry is for is ambiguous");
    assert_members_error("\"value\":[1,true]", 2, "the value of cell 1 is true, not a number");
    assert_members_error("\"value\":[[1],2]", 2, "the value of cell 0 is an array, not a number");
    assert_members_error("\"value\":{\"1\":{}}", 2,
                         "the value of cell 1 is an object, not a number");
    assert_members_error("\"value\":[1e400,2]", 2, "the value of cell 0 is out of range");
    assert_members_error("\"value\":[1,-1e309]", 2, "the value of cell 1 is out of range");
    assert_members_error("\"value\":{\"1\":1,\"1\":2}", 2, "\"value\" has cell 1 twice");
    assert_members_error("\"value\":{\"1\":1,\"\\u0031\":2}", 2, "\"value\" has cell 1 twice");
    assert_members_error("\"value\":{\"-1\":1}", 2,
                         "\"value\" has a key \"-1\" that is not a cell number");
    assert_members_error("\"value\":{\"\":1}", 2,
                         "\"value\" has a key \"\" that is not a cell "
                         "number");
    assert_members_error("\"value\":{\"99999999999999999999999\":1}", 2,
                         "\"value\" has a key \"99999999999999999999999\" that is not a cell "
                         "number");
    assert_members_error("\"value\":{\"18446744073709551616\":1}", 2,
                         "\"value\" has a key \"18446744073709551616\" that is not a cell number");
    assert_members_error("\"value\":true", 2,
                         "\"value\" is true; it must be an array or an "
                         "object");
    assert_members_error("\"value\":[1,2],\"value\":[1,2]", 2, "member \"value\" appears twice");
}

static void test_wrong_statuses(void **state)
{
    (void)state;
    assert_members_error("\"value\":[1,2],\"status\":3", 2,
                         "\"status\" is a number; it must be a string, an array or an object");
    assert_members_error("\"value\":[1,2],\"status\":[\"a\",\"b\",\"c\"]", 2,
                         "\"status\" has 3 entries, but the sizes make 2 cells; which cell each "
                         "entry is for is ambiguous");
    assert_members_error("\"value\":[1,2,3],\"status\":[\"a\",\"b\"]", 3,
                         "\"status\" has 2 entries, but the sizes make 3 cells; which cell each "
                         "entry is for is ambiguous");
    assert_members_error("\"value\":[1,2],\"status\":[\"a\",7]", 2,
                         "the status of cell 1 is a number, not a string");
    assert_members_error("\"value\":[1,2],\"status\":[false]", 2,
                         "the status of cell 0 is false, not a string");
    assert_members_error("\"value\":[1,2],\"status\":{\"2\":\"p\"}", 2,
                         "\"status\" has cell 2, beyond the 2 cells the sizes make");
    assert_members_error("\"value\":[1,2],\"status\":{\"0\":\"p\",\"0\":\"e\"}", 2,
                         "\"status\" has cell 0 twice");
}

static void test_wrong_dimensions(void **state)
{
    (void)state;
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"{\"value\":[1],\"dimension\":[]}", "\"dimension\" is not an object"},
        {"{\"value\":[1],\"dimension\":{}}",
         "\"id\" is missing; it must be an array (at the top, or in \"dimension\")"},
        {"{\"value\":[1],\"id\":[\"a\"],\"dimension\":{}}",
         "dimension \"a\": listed in \"id\" but not in \"dimension\""},
        {"{\"value\":[1],\"id\":[\"a\"],\"size\":{},\"dimension\":{}}",
         "\"size\" is not an array; it must be an array (at the top, or in \"dimension\")"},
        {"{\"value\":[1],\"id\":\"a\",\"size\":[1],\"dimension\":{}}",
         "\"id\" is not an array; it must be an array (at the top, or in \"dimension\")"},
        {"{\"value\":[1],\"id\":[],\"size\":[],\"dimension\":{}}",
         "0 dimensions; a dataset has 1 to 64"},
        {"{\"value\":[1],\"id\":[1],\"size\":[1],\"dimension\":{}}",
         "\"id\" entry 0 is not a dimension id"},
        {"{\"value\":[1],\"id\":[\"a\",\"a\"],\"size\":[1,1],\"dimension\":{}}",
         "dimension \"a\" is listed twice in \"id\""},
        {"{\"value\":[1],\"id\":[\"a\"],\"size\":[-1],\"dimension\":{}}",
         "dimension \"a\": size out of range"},
        {"{\"value\":[1],\"id\":[\"a\"],\"size\":[1.5],\"dimension\":{}}",
         "dimension \"a\": size is not a whole number"},
        {"{\"value\":[1],\"id\":[\"a\"],\"size\":[1],\"dimension\":{\"a\":1}}",
         "dimension \"a\": not an object"},
        {"{\"value\":[1],\"id\":[\"a\"],\"size\":[1],\"dimension\":{\"a\":{}}}",
         "dimension \"a\": no \"category\" object"},
        {"{\"value\":[1],\"id\":[\"a\"],\"size\":[1],\"dimension\":{\"a\":{\"category\":{"
         "\"index\":\"x\"}}}}",
         "dimension \"a\": category.index is neither an object nor an array"},
        {"{\"value\":[1],\"id\":[\"a\"],\"size\":[1],\"dimension\":{\"a\":{\"category\":{"
         "\"label\":[\"y\"]}}}}",
         "dimension \"a\": category.label is not an object"},
        {"{\"value\":[1],\"id\":[\"a\"],\"size\":[1],\"dimension\":{\"a\":{\"category\":{}}}}",
         "dimension \"a\": neither category.index nor category.label names the categories"},
        {"{\"value\":[1],\"id\":[\"a\"],\"size\":[1],\"dimension\":{\"a\":{\"category\":{"
         "\"index\":{\"x\":\"zero\"}}}}}",
         "dimension \"a\": category \"x\" has a position that is not a whole number"},
        {"{\"value\":[1],\"id\":[\"a\"],\"size\":[1],\"dimension\":{\"a\":{\"category\":{"
         "\"index\":[true]}}}}",
         "dimension \"a\": category.index entry 0 is neither a string nor a whole number"},
        {"{\"value\":[1],\"id\":[\"a\"],\"size\":[1],\"dimension\":{\"a\":{\"category\":{"
         "\"index\":{\"x\":0,\"x\":0}}}}}",
         "\"dimension\": duplicate object key near '\"x\"'"},
        {"{\"value\":[1],\"dimension\":{\"a\":{}},\"dimension\":{}}",
         "member \"dimension\" appears twice"},
        /* A size alone must not allocate: 100 million categories are not there. */
        {"{\"value\":{},\"id\":[\"a\"],\"size\":[100000000],\"dimension\":{\"a\":{"
         "\"category\":{\"index\":[\"x\"]}}}}",
         "dimension \"a\": 1 category in category.index but size 100000000; which categories the "
         "cells have is ambiguous"},
        {"{\"value\":{},\"id\":[\"a\"],\"size\":[100000000],\"dimension\":{\"a\":{"
         "\"category\":{\"label\":{\"x\":\"X\"}}}}}",
         "dimension \"a\": 1 category in category.label (there is no category.index) but size "
         "100000000; which categories the cells have is ambiguous"},
        {"{\"value\":[1]}", "the dataset has no \"dimension\" member"},
        {"{\"dimension\":{}}",
         "\"id\" is missing; it must be an array (at the top, or in \"dimension\")"},
        {"{\"class\":\"dataset\"}", "the dataset has no \"dimension\" member"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_text_error(cases[i].text, cases[i].message);
}

static void test_too_many_dimensions(void **state)
{
    (void)state;
    char ids[1024] = "", sizes[512] = "";
    for (int i = 0; i < 65; i++) {
        snprintf(ids + strlen(ids), sizeof ids - strlen(ids), "%s\"d%d\"", i ? "," : "", i);
        snprintf(sizes + strlen(sizes), sizeof sizes - strlen(sizes), "%s1", i ? "," : "");
    }
    char *text;
    if (asprintf(&text, "{\"value\":[1],\"id\":[%s],\"size\":[%s],\"dimension\":{}}", ids, sizes) <
        0)
        fail_msg("asprintf");
    assert_text_error(text, "65 dimensions; a dataset has 1 to 64");
    free(text);
}

static void test_nesting_depth(void **state)
{
    (void)state;
    char text[600];
    size_t n = 0;
    n += (size_t)sprintf(text, "{\"value\":");
    for (int i = 0; i < 200; i++)
        text[n++] = '[';
    text[n] = '\0';
    assert_text_error(text, "invalid JSON at line 1, offset 136: nested deeper than 128 levels");
    /* 128 levels are fine as JSON, though not as a value. */
    n = (size_t)sprintf(text, "{\"value\":");
    for (int i = 0; i < 127; i++)
        text[n++] = '[';
    for (int i = 0; i < 127; i++)
        text[n++] = ']';
    text[n++] = '}';
    text[n] = '\0';
    assert_text_error(text, "the dataset has no \"dimension\" member");
}

/* --- what a decode may cost --- */

/* A dataset whose one dimension "time" has `n` categories, indexed by an
 * array, with a label each when `labelled`; made at test time. */
static char *dataset_of_categories(size_t n, bool labelled, size_t *len)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    assert_non_null(f);
    fprintf(f,
            "{\"class\":\"dataset\",\"id\":[\"time\"],\"size\":[%zu],\"value\":{},"
            "\"dimension\":{\"time\":{\"category\":{\"index\":[",
            n);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s\"%zu\"", i ? "," : "", i);
    fprintf(f, "]");
    for (size_t i = 0; labelled && i < n; i++)
        fprintf(f, "%s\"%zu\":\"x\"", i ? "," : ",\"label\":{", i);
    fprintf(f, "%s}}}}", labelled ? "}" : "");
    fclose(f);
    *len = size;
    return text;
}

/* A dimension of 300,000 categories (the had 3 million and cost 589
 * MiB) is refused before jansson builds its tree: the message names the
 * member, the limit and the key that raises it. Under the limit it decodes. */
static void test_dimension_over_element_budget(void **state)
{
    (void)state;
    size_t len;
    char *text = dataset_of_categories(300000, false, &len);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct outcome out = decode_bytes(text, len, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stderr, "  300000 categories, %zu bytes: %.3f s\n", len,
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    assert_failed(&out, "\"dimension\": more than 250000 JSON elements (values and member names) "
                        "in the response; if that is what the source really sends, raise "
                        "max_elements in the source");
    free(text);
    text = dataset_of_categories(60000, true, &len); /* 240,000 elements and a few */
    out = decode_bytes(text, len, NULL);
    assert_int_equal(out.rc, 0);
    assert_int_equal(out.ds.dims[0].size, 60000);
    assert_string_equal(out.ds.dims[0].categories[59999].label, "x");
    jsonstat_free(&out.ds);
    free(text);
}

/* Limits of one's own: fewer elements, and fewer cells than the sizes make. */
static void test_decode_limits(void **state)
{
    (void)state;
    size_t len;
    char *text = read_data("recorded/eurostat/demo_pjan_9geo_4years.json", &len);
    struct jsonstat_dataset ds;
    char err[512];
    struct jsonstat_limits limits = {.max_elements = 250000, .max_cells = 35};
    assert_int_equal(jsonstat_decode_within(text, len, NULL, &limits, &ds, err, sizeof err), -1);
    assert_string_equal(err, "the sizes make more than 35 cells; select fewer, or raise "
                             "max_cells in the source");
    limits = (struct jsonstat_limits){.max_elements = 20, .max_cells = 36};
    assert_int_equal(jsonstat_decode_within(text, len, NULL, &limits, &ds, err, sizeof err), -1);
    assert_non_null(strstr(err, "\"dimension\": more than 20 JSON elements"));
    limits.max_elements = 1000;
    assert_int_equal(jsonstat_decode_within(text, len, NULL, &limits, &ds, err, sizeof err), 0);
    assert_int_equal(ds.n_cells, 36);
    jsonstat_free(&ds);
    free(text);
}

/* --- the scanner against jansson and strtod --- */

static void test_validator_agrees_with_jansson(void **state)
{
    (void)state;
    static const char *const cases[] = {"0",
                                        "-0",
                                        "1.5",
                                        "-1.5e+3",
                                        "1E-2",
                                        "01",
                                        "1.",
                                        ".5",
                                        "-",
                                        "+1",
                                        "1e",
                                        "1e+",
                                        "0x10",
                                        "Infinity",
                                        "NaN",
                                        "true",
                                        "false",
                                        "null",
                                        "nul",
                                        "tru",
                                        "[]",
                                        "{}",
                                        "[1,]",
                                        "[,1]",
                                        "{\"a\":1,}",
                                        "{\"a\"}",
                                        "{\"a\":}",
                                        "{a:1}",
                                        "{'a':1}",
                                        "[1 2]",
                                        "[1,2",
                                        "[1,2]]",
                                        "\"\\t\"",
                                        "\"\t\"",
                                        "\"\\u00e6\"",
                                        "\"\\u00\"",
                                        "\"\\ud800\\udc00\"",
                                        "\"\\udc00\"",
                                        "\"\\ud800x\"",
                                        "\"a\\\"b\"",
                                        "\"a\\",
                                        "\"\\q\"",
                                        "[1]x",
                                        " [ 1 , { \"a\" : [ ] } ] ",
                                        "{\"a\":{\"b\":{\"c\":[true,false,null]}}}",
                                        "\"\xC3\xA6\"",
                                        "\"\xC3\"",
                                        "\"\xEF\xBF\xBF\"",
                                        "\"\xF0\x90\x80\x80\"",
                                        "[1e5,2E+5,3e-05]",
                                        "[-]",
                                        "[--1]",
                                        "[1.2.3]",
                                        "\"\x7f\"",
                                        "\"\x1f\"",
                                        "[\"a\",\"b\"",
                                        "{\"\":0}",
                                        "[0.0e0]",
                                        "[1,\n2,\r\n3]"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct js_span top;
        char err[256];
        json_error_t error;
        bool ours = jsonstat_scan_validate(cases[i], strlen(cases[i]), &top, err, sizeof err) == 0;
        json_t *json = json_loads(cases[i], JSON_DECODE_ANY, &error);
        if (ours != (json != NULL))
            fail_msg("%s: ours %s, jansson %s", cases[i], ours ? "valid" : err,
                     json ? "valid" : error.text);
        json_decref(json);
    }
}

static void assert_number(const char *literal)
{
    char text[512];
    snprintf(text, sizeof text,
             "{\"value\":[%s],\"id\":[\"t\"],\"size\":[1],"
             "\"dimension\":{\"t\":{\"category\":{\"index\":[\"x\"]}}}}",
             literal);
    struct outcome out = decode_text(text);
    if (out.rc != 0)
        fail_msg("%s: %s", literal, out.err);
    assert_same_double(out.ds.values[0], strtod(literal, NULL), literal);
    jsonstat_free(&out.ds);
}

static void test_numbers_are_strtods(void **state)
{
    (void)state;
    static const char *const literals[] = {
        "0",
        "-0",
        "0.0",
        "-0.0e5",
        "1",
        "-1",
        "0.1",
        "0.2",
        "0.30000000000000004",
        "111.757",
        "2804742.3",
        "-3.9",
        "1e22",
        "1e23",
        "-1e-22",
        "1e-23",
        "9007199254740992",
        "9007199254740993",
        "9007199254740994",
        "18446744073709551615",
        "18446744073709551616",
        "1234567890123456789",
        "12345678901234567890",
        "0.000000000000000000000000001",
        "2.2250738585072014e-308",
        "2.2250738585072011e-308",
        "4.9e-324",
        "2e-324",
        "1e-400",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "123456789012345678901234567890",
        "0.1000000000000000055511151231257827",
        "3.141592653589793238462643383279",
        "1.00000000000000011102230246251565404236316680908203125",
        "7.038531e-26",
        "8.5e22",
        "5e-1",
        "1e0",
        "1E+2",
        "25E-5",
        "100000000000000000000000e-10"};
    for (size_t i = 0; i < sizeof literals / sizeof *literals; i++)
        assert_number(literals[i]);
}

/* xorshift64*: the same pseudo-random numbers on every run. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static void append_digits(char **p, uint64_t *seed, int n, bool leading_zero_ok)
{
    for (int i = 0; i < n; i++) {
        int d = (int)(next_random(seed) % 10);
        if (i == 0 && !leading_zero_ok && d == 0)
            d = 1 + (int)(next_random(seed) % 9);
        *(*p)++ = (char)('0' + d);
    }
}

/* A random JSON number: up to 20 integer digits, up to 20 fraction digits,
 * an exponent that keeps it below 1e300. */
static void random_number(uint64_t *seed, char *buf)
{
    char *p = buf;
    if (next_random(seed) % 2)
        *p++ = '-';
    int int_digits = (int)(next_random(seed) % 21);
    if (int_digits == 0)
        *p++ = '0';
    else
        append_digits(&p, seed, int_digits, false);
    int frac_digits = (int)(next_random(seed) % 21);
    if (frac_digits) {
        *p++ = '.';
        append_digits(&p, seed, frac_digits, true);
    }
    if (next_random(seed) % 3 == 0)
        p += sprintf(p, "e%d", (int)(next_random(seed) % 560) - 300 - int_digits);
    else if (next_random(seed) % 4 == 0)
        p += sprintf(p, "e%d", (int)(next_random(seed) % 50) - 25);
    *p = '\0';
}

static void test_random_numbers_are_strtods(void **state)
{
    (void)state;
    enum { N = 100000 }; /* 10 x 100 x 100 cells */
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    char *values = malloc((size_t)N * 64), *p = values, number[64];
    double *expected = malloc(N * sizeof *expected);
    for (size_t i = 0; i < N; i++) {
        random_number(&seed, number);
        expected[i] = strtod(number, NULL);
        p += sprintf(p, "%s%s", i ? "," : "", number);
    }
    char codes[1024] = "";
    for (int i = 0; i < 100; i++)
        snprintf(codes + strlen(codes), sizeof codes - strlen(codes), "%s\"%d\"", i ? "," : "", i);
    char *text;
    if (asprintf(&text,
                 "{\"value\":[%s],\"id\":[\"a\",\"b\",\"c\"],\"size\":[10,100,100],\"dimension\":"
                 "{\"a\":{\"category\":{\"index\":[\"0\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\","
                 "\"8\",\"9\"]}},\"b\":{\"category\":{\"index\":[%s]}},"
                 "\"c\":{\"category\":{\"index\":[%s]}}}}",
                 values, codes, codes) < 0)
        fail_msg("asprintf");
    struct outcome out = decode_text(text);
    if (out.rc != 0)
        fail_msg("%s", out.err);
    for (size_t i = 0; i < N; i++)
        assert_same_double(out.ds.values[i], expected[i], "a random number");
    jsonstat_free(&out.ds);
    free(text);
    free(expected);
    free(values);
}

/* --- looking things up --- */

static void test_time_dimension(void **state)
{
    (void)state;
    struct outcome out = decode_file("recorded/eurostat/demo_pjan_9geo_4years.json");
    assert_int_equal(jsonstat_time_dimension(&out.ds, "geo"), 4);
    assert_int_equal(jsonstat_time_dimension(&out.ds, "Time"), -1); /* ids are case-sensitive */
    jsonstat_free(&out.ds);
    out = decode_file("time-dimension-named-time-period.json");
    assert_int_equal(jsonstat_time_dimension(&out.ds, NULL), 1);
    jsonstat_free(&out.ds);
    out = decode_file("no-time-dimension.json");
    assert_int_equal(jsonstat_time_dimension(&out.ds, NULL), -1);
    assert_int_equal(jsonstat_time_dimension(&out.ds, "period"), 1);
    jsonstat_free(&out.ds);
    /* role time wins over a dimension called "time". */
    out = decode_text("{\"value\":[1],\"id\":[\"time\",\"aar\"],\"size\":[1,1],"
                      "\"role\":{\"time\":[\"aar\"],\"geo\":[\"nowhere\"]},\"dimension\":{"
                      "\"time\":{\"category\":{\"index\":[\"x\"]}},"
                      "\"aar\":{\"category\":{\"index\":[\"2023\"]}}}}");
    assert_int_equal(out.rc, 0);
    assert_int_equal(jsonstat_time_dimension(&out.ds, NULL), 1);
    jsonstat_free(&out.ds);
}

static void test_find_and_flat_index(void **state)
{
    (void)state;
    struct outcome out = decode_file("recorded/jsonstat/galicia-1.x-dataset-wrapped.json");
    const struct jsonstat_dataset *ds = &out.ds;
    assert_int_equal(jsonstat_find_dimension(ds, "residence"), 4);
    assert_int_equal(jsonstat_find_dimension(ds, "Residence"), -1);
    assert_int_equal(jsonstat_find_category(&ds->dims[1], "95"), 20);
    assert_int_equal(jsonstat_find_category(&ds->dims[1], "96"), -1);
    size_t positions[6] = {5, 21, 2, 1, 4, 0};
    assert_int_equal(jsonstat_flat_index(ds, positions), 3959);
    size_t first[6] = {0};
    assert_int_equal(jsonstat_flat_index(ds, first), 0);
    size_t one_age[6] = {0, 1, 0, 0, 0, 0};
    assert_int_equal(jsonstat_flat_index(ds, one_age), 3 * 2 * 5);
    assert_null(jsonstat_status(ds, 0));
    jsonstat_free(&out.ds);
}

/* --- selecting series --- */

static struct jsonstat_panel select_ok(const struct jsonstat_dataset *ds,
                                       const struct jsonstat_query *query)
{
    struct jsonstat_panel panel;
    char err[512];
    if (jsonstat_select(ds, query, &panel, err, sizeof err) != 0)
        fail_msg("select: %s", err);
    return panel;
}

static void assert_select_error(const struct jsonstat_dataset *ds,
                                const struct jsonstat_query *query, const char *message)
{
    struct jsonstat_panel panel;
    char err[1024];
    assert_int_equal(jsonstat_select(ds, query, &panel, err, sizeof err), -1);
    assert_string_equal(err, message);
    assert_null(panel.series);
    assert_int_equal(panel.n_series, 0);
}

static void assert_series_cell(const struct jsonstat_series *s, size_t i, const char *period,
                               double value, const char *status)
{
    assert_true(i < s->n);
    assert_string_equal(s->cells[i].period, period);
    assert_same_double(s->cells[i].value, value, period);
    if (status)
        assert_string_equal(s->cells[i].status, status);
    else
        assert_null(s->cells[i].status);
}

static void test_select_geo_panel(void **state)
{
    (void)state;
    struct outcome out = decode_file("recorded/eurostat/demo_pjan_9geo_4years.json");
    struct jsonstat_panel panel = select_ok(&out.ds, &(struct jsonstat_query){
                                                         .free_dimension = "geo",
                                                     });
    assert_int_equal(panel.time_dimension, 5);
    assert_int_equal(panel.free_dimension, 4);
    assert_int_equal(panel.n_series, 9);
    const struct jsonstat_series *fr = &panel.series[3];
    assert_string_equal(fr->category->code, "FR");
    assert_string_equal(fr->category->label, "France");
    assert_int_equal(fr->n, 4);
    assert_series_cell(fr, 0, "2018", 67026224, "p");
    assert_series_cell(fr, 1, "2022", 68091703, NULL);
    assert_series_cell(fr, 2, "2024", 68669303, "p");
    assert_series_cell(fr, 3, "2025", 68882600, "p");
    const struct jsonstat_series *uk = &panel.series[8];
    assert_string_equal(uk->category->code, "UK");
    assert_series_cell(uk, 0, "2018", 66273576, NULL);
    assert_series_cell(uk, 1, "2022", NAN, NULL);
    assert_series_cell(uk, 3, "2025", NAN, NULL);
    assert_series_cell(&panel.series[0], 0, "2018", 11398589, NULL);
    jsonstat_panel_free(&panel);
    /* Picking the dimensions of one category is allowed, with their code. */
    struct jsonstat_pick picks[] = {{"unit", "NR"}, {"sex", "T"}};
    panel = select_ok(
        &out.ds, &(struct jsonstat_query){.free_dimension = "geo", .picks = picks, .n_picks = 2});
    assert_series_cell(&panel.series[1], 3, "2025", 83577140, NULL);
    jsonstat_panel_free(&panel);
    jsonstat_free(&out.ds);
}

static void test_select_one_series(void **state)
{
    (void)state;
    struct outcome out = decode_file("recorded/eurostat/nama_10_gdp_DK.json");
    struct jsonstat_pick picks[] = {{"unit", "CP_MEUR"}, {"na_item", "B1GQ"}};
    struct jsonstat_panel panel =
        select_ok(&out.ds, &(struct jsonstat_query){.picks = picks, .n_picks = 2});
    assert_int_equal(panel.free_dimension, -1);
    assert_int_equal(panel.n_series, 1);
    assert_null(panel.series[0].category);
    assert_int_equal(panel.series[0].n, 1);
    assert_series_cell(&panel.series[0], 0, "2023", 376430, NULL);
    jsonstat_panel_free(&panel);
    struct jsonstat_pick contribution[] = {{"na_item", "B1G"}, {"unit", "CON_PPCH_PRE"}};
    panel = select_ok(&out.ds, &(struct jsonstat_query){
                                   .time_dimension = "time", .picks = contribution, .n_picks = 2});
    assert_series_cell(&panel.series[0], 0, "2023", 2.62, "d");
    jsonstat_panel_free(&panel);
    jsonstat_free(&out.ds);

    out = decode_file("recorded/dst/STRAF42_data_jsonstat.json");
    panel = select_ok(&out.ds, &(struct jsonstat_query){0});
    assert_int_equal(panel.time_dimension, 2);
    assert_series_cell(&panel.series[0], 0, "2023", 233454, NULL);
    jsonstat_panel_free(&panel);
    jsonstat_free(&out.ds);
}

static void test_select_galicia_panel(void **state)
{
    (void)state;
    struct outcome out = decode_file("recorded/jsonstat/galicia-1.x-dataset-wrapped.json");
    struct jsonstat_pick picks[] = {{"birth", "T"}, {"age", "T"}, {"gender", "T"}};
    struct jsonstat_panel panel = select_ok(
        &out.ds,
        &(struct jsonstat_query){.free_dimension = "residence", .picks = picks, .n_picks = 3});
    assert_int_equal(panel.n_series, 5);
    assert_string_equal(panel.series[0].category->code, "T");
    assert_series_cell(&panel.series[0], 0, "2001", 2695880, NULL);
    assert_series_cell(&panel.series[0], 1, "2011", 2772928, NULL);
    assert_string_equal(panel.series[1].category->label, "A Coruña");
    assert_series_cell(&panel.series[1], 0, "2001", 1096027, NULL);
    jsonstat_panel_free(&panel);
    /* The nulls: birth A, age 100, gender T, residence 32 in 2011. */
    struct jsonstat_pick abroad[] = {
        {"birth", "A"}, {"age", "100"}, {"gender", "T"}, {"residence", "32"}};
    panel = select_ok(&out.ds, &(struct jsonstat_query){.picks = abroad, .n_picks = 4});
    assert_series_cell(&panel.series[0], 1, "2011", NAN, NULL);
    jsonstat_panel_free(&panel);
    jsonstat_free(&out.ds);
}

static void test_select_sparse_statuses(void **state)
{
    (void)state;
    struct outcome out = decode_file("sparse-string-values-and-status-object.json");
    struct jsonstat_panel panel =
        select_ok(&out.ds, &(struct jsonstat_query){.free_dimension = "geo"});
    assert_series_cell(&panel.series[0], 1, "2022", NAN, "c");
    assert_series_cell(&panel.series[1], 1, "2022", NAN, "..");
    assert_series_cell(&panel.series[2], 2, "2023", -0.0025, "ep");
    jsonstat_panel_free(&panel);
    jsonstat_free(&out.ds);
}

static void test_select_errors(void **state)
{
    (void)state;
    struct outcome out = decode_file("recorded/eurostat/nama_10_gdp_DK.json");
    const struct jsonstat_dataset *ds = &out.ds;
    const char *ids = "the dimensions are freq, unit, na_item, geo, time";
    const char *units = "CLV_I20, CLV_I15, CLV_I10, CLV_I05, PC_GDP, PC_EU27_2020_MEUR_CP, "
                        "PC_EU27_2020_MPPS_CP, CP_MEUR, CP_MNAC, CP_MPPS_EU27_2020, CLV20_MEUR, "
                        "CLV15_MEUR, CLV10_MEUR, CLV05_MEUR, CLV20_MNAC, CLV15_MNAC, CLV10_MNAC, "
                        "CLV05_MNAC, CLV_PCH_PRE, PYP_MEUR, … (32 in all)";
    char message[1024];

    struct jsonstat_pick nace[] = {{"nace_r2", "C21"}};
    snprintf(message, sizeof message, "no dimension \"nace_r2\"; %s", ids);
    assert_select_error(ds, &(struct jsonstat_query){.picks = nace, .n_picks = 1}, message);

    struct jsonstat_pick bad_unit[] = {{"unit", "XX"}, {"na_item", "B1G"}};
    snprintf(message, sizeof message, "no code \"XX\" in dimension \"unit\"; its codes are %s",
             units);
    assert_select_error(ds, &(struct jsonstat_query){.picks = bad_unit, .n_picks = 2}, message);

    struct jsonstat_pick only_item[] = {{"na_item", "B1G"}};
    snprintf(message, sizeof message, "dimension \"unit\" has 32 categories; select one of %s",
             units);
    assert_select_error(ds, &(struct jsonstat_query){.picks = only_item, .n_picks = 1}, message);

    struct jsonstat_pick only_unit[] = {{"unit", "CP_MEUR"}};
    assert_select_error(ds, &(struct jsonstat_query){.picks = only_unit, .n_picks = 1},
                        "dimension \"na_item\" has 2 categories; select one of B1GQ, B1G");

    struct jsonstat_pick twice[] = {{"unit", "CP_MEUR"}, {"na_item", "B1G"}, {"unit", "PC_GDP"}};
    assert_select_error(ds, &(struct jsonstat_query){.picks = twice, .n_picks = 3},
                        "dimension \"unit\" is selected twice");

    struct jsonstat_pick year[] = {{"time", "2023"}};
    assert_select_error(
        ds, &(struct jsonstat_query){.free_dimension = "unit", .picks = year, .n_picks = 1},
        "\"time\" is the time dimension; it cannot be fixed to one code");
    struct jsonstat_pick free_picked[] = {{"unit", "CP_MEUR"}};
    assert_select_error(
        ds, &(struct jsonstat_query){.free_dimension = "unit", .picks = free_picked, .n_picks = 1},
        "\"unit\" is the free dimension; it cannot be fixed to one code");
    assert_select_error(ds, &(struct jsonstat_query){.free_dimension = "time"},
                        "\"time\" is the time dimension; it cannot also be the free one");
    snprintf(message, sizeof message, "no dimension \"country\" to vary; %s", ids);
    assert_select_error(ds, &(struct jsonstat_query){.free_dimension = "country"}, message);
    snprintf(message, sizeof message, "no dimension \"year\" for time; %s", ids);
    assert_select_error(ds, &(struct jsonstat_query){.time_dimension = "year"}, message);
    jsonstat_free(&out.ds);

    out = decode_file("no-time-dimension.json");
    assert_select_error(&out.ds, &(struct jsonstat_query){0},
                        "no time dimension (none has role time or is called time, Tid, year or "
                        "TIME_PERIOD); name it: the dimensions are geo, period");
    struct jsonstat_panel panel =
        select_ok(&out.ds, &(struct jsonstat_query){.time_dimension = "period"});
    assert_series_cell(&panel.series[0], 1, "2023", 2, NULL);
    jsonstat_panel_free(&panel);
    jsonstat_free(&out.ds);
}

static void test_select_error_is_cut_not_overflowed(void **state)
{
    (void)state;
    struct outcome out = decode_file("recorded/eurostat/nama_10_gdp_DK.json");
    struct jsonstat_pick bad[] = {{"unit", "XX"}};
    struct jsonstat_panel panel;
    char err[16];
    assert_int_equal(jsonstat_select(&out.ds, &(struct jsonstat_query){.picks = bad, .n_picks = 1},
                                     &panel, err, sizeof err),
                     -1);
    assert_string_equal(err, "no code \"XX\" in");
    jsonstat_free(&out.ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dst_straf42),
        cmocka_unit_test(test_dimension_over_element_budget),
        cmocka_unit_test(test_decode_limits),
        cmocka_unit_test(test_dst_straf42_latest_only),
        cmocka_unit_test(test_dst_error_bodies),
        cmocka_unit_test(test_dst_tableinfo_is_not_jsonstat),
        cmocka_unit_test(test_eurostat_demo_pjan),
        cmocka_unit_test(test_eurostat_nama_10_gdp),
        cmocka_unit_test(test_eurostat_une_rt_m_no_data_position),
        cmocka_unit_test(test_eurostat_error_bodies),
        cmocka_unit_test(test_eurostat_asynchronous_warning),
        cmocka_unit_test(test_error_body_shapes),
        cmocka_unit_test(test_jsonstat_canada_status_array_of_one),
        cmocka_unit_test(test_jsonstat_galicia_wrapped_1x),
        cmocka_unit_test(test_jsonstat_collection_refused),
        cmocka_unit_test(test_bundle_of_two_needs_a_name),
        cmocka_unit_test(test_dataset_name_ignored_for_a_dataset),
        cmocka_unit_test(test_classes_that_are_not_datasets),
        cmocka_unit_test(test_sparse_string_values_and_status_object),
        cmocka_unit_test(test_status_one_string_for_all_cells),
        cmocka_unit_test(test_status_array_with_null_and_empty),
        cmocka_unit_test(test_dense_nulls_and_strings),
        cmocka_unit_test(test_no_status_no_status_index),
        cmocka_unit_test(test_many_distinct_statuses),
        cmocka_unit_test(test_too_many_distinct_statuses),
        cmocka_unit_test(test_empty_result),
        cmocka_unit_test(test_html_page),
        cmocka_unit_test(test_empty_and_blank_documents),
        cmocka_unit_test(test_not_an_object),
        cmocka_unit_test(test_bom_is_skipped),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_valid_utf8_and_escapes),
        cmocka_unit_test(test_truncated_documents),
        cmocka_unit_test(test_truncated_messages),
        cmocka_unit_test(test_wrong_shapes_from_files),
        cmocka_unit_test(test_wrong_values),
        cmocka_unit_test(test_wrong_statuses),
        cmocka_unit_test(test_wrong_dimensions),
        cmocka_unit_test(test_too_many_dimensions),
        cmocka_unit_test(test_nesting_depth),
        cmocka_unit_test(test_validator_agrees_with_jansson),
        cmocka_unit_test(test_numbers_are_strtods),
        cmocka_unit_test(test_random_numbers_are_strtods),
        cmocka_unit_test(test_time_dimension),
        cmocka_unit_test(test_find_and_flat_index),
        cmocka_unit_test(test_select_geo_panel),
        cmocka_unit_test(test_select_one_series),
        cmocka_unit_test(test_select_galicia_panel),
        cmocka_unit_test(test_select_sparse_statuses),
        cmocka_unit_test(test_select_errors),
        cmocka_unit_test(test_select_error_is_cut_not_overflowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
