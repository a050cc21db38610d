/*
 * test_jsonstat_liberal.c — the JSON-stat decoder on what real publishers
 * write beside the letter of JSON-stat 2.0 and what the reference toolkit
 * (jsonstat-toolkit's JSONstat()) reads anyway: sizes and positions as
 * strings, categories given by their labels alone, statuses wrapped in a
 * value and a category, values written as strings, no size, no value, 1.x
 * members inside "dimension". Each form has a hand-made document in
 * tests/data/jsonstat (liberal-*.json); each case that stays ambiguous has
 * one too (ambiguous-*.json) and must be refused saying what is ambiguous
 * and where. test_jsonstat.c covers the rest of the decoder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "collectors/jsonstat/jsonstat_decode.h"
#include "unit_files.h"

struct outcome {
    int rc;
    struct jsonstat_dataset ds;
    char err[1024];
};

/* Decodes `len` bytes placed right before a PROT_NONE page, within `limits`
 * (NULL: jsonstat_decode's own). */
static struct outcome decode_bytes(const char *bytes, size_t len,
                                   const struct jsonstat_limits *limits)
{
    struct unit_guarded g = unit_guarded_copy(bytes, len);
    struct outcome out;
    if (limits)
        out.rc =
            jsonstat_decode_within(g.bytes, len, NULL, limits, &out.ds, out.err, sizeof out.err);
    else
        out.rc = jsonstat_decode(g.bytes, len, NULL, &out.ds, out.err, sizeof out.err);
    unit_guarded_free(&g);
    return out;
}

static struct outcome decode_file(const char *file)
{
    char *path = unit_path(PEJL_TEST_DATA "/jsonstat", file);
    size_t len;
    char *bytes = unit_read_file(path, &len);
    struct outcome out = decode_bytes(bytes, len, NULL);
    free(bytes);
    free(path);
    return out;
}

static struct jsonstat_dataset decoded_file(const char *file)
{
    struct outcome out = decode_file(file);
    if (out.rc != 0)
        fail_msg("%s: %s", file, out.err);
    return out.ds;
}

static void assert_refused(const struct outcome *out, const char *message)
{
    if (out->rc == 0)
        fail_msg("decoded, expected: %s", message);
    assert_string_equal(out->err, message);
    assert_null(out->ds.dims);
    assert_null(out->ds.values);
    assert_null(out->ds.status_index);
}

static void assert_file_refused(const char *file, const char *message)
{
    struct outcome out = decode_file(file);
    assert_refused(&out, message);
}

static void assert_text_refused(const char *text, const char *message)
{
    struct outcome out = decode_bytes(text, strlen(text), NULL);
    assert_refused(&out, message);
}

static struct jsonstat_dataset decoded_text(const char *text)
{
    struct outcome out = decode_bytes(text, strlen(text), NULL);
    if (out.rc != 0)
        fail_msg("%s: %s", text, out.err);
    return out.ds;
}

/* A 2.0 dataset of one dimension "time" of `n` years (2000, 2001…), with
 * `members` added. */
static char *dataset_with(const char *members, size_t n)
{
    char index[256] = "";
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

static void assert_members_refused(const char *members, size_t n, const char *message)
{
    char *text = dataset_with(members, n);
    assert_text_refused(text, message);
    free(text);
}

static struct jsonstat_dataset decoded_members(const char *members, size_t n)
{
    char *text = dataset_with(members, n);
    struct jsonstat_dataset ds = decoded_text(text);
    free(text);
    return ds;
}

static void assert_cell(const struct jsonstat_dataset *ds, size_t cell, double value,
                        const char *status)
{
    assert_true(cell < ds->n_cells);
    if (isnan(value) ? !isnan(ds->values[cell]) : ds->values[cell] != value)
        fail_msg("cell %zu: %.17g, expected %.17g", cell, ds->values[cell], value);
    const char *got = jsonstat_status(ds, cell);
    if (status && (!got || strcmp(got, status) != 0))
        fail_msg("cell %zu: status %s, expected \"%s\"", cell, got ? got : "none", status);
    if (!status && got)
        fail_msg("cell %zu: status \"%s\", expected none", cell, got);
}

static void assert_codes(const struct jsonstat_dimension *dim, const char *id, size_t size, ...)
{
    va_list ap;
    assert_string_equal(dim->id, id);
    assert_int_equal(dim->size, size);
    va_start(ap, size);
    for (size_t i = 0; i < size; i++)
        assert_string_equal(dim->categories[i].code, va_arg(ap, const char *));
    va_end(ap);
}

/* --- what the toolkit reads, read alike --- */

static void test_size_and_index_as_strings(void **state)
{
    (void)state;
    struct jsonstat_dataset ds = decoded_file("liberal-size-and-index-as-strings.json");
    assert_int_equal(ds.n_cells, 6);
    assert_codes(&ds.dims[0], "geo", 2, "DK", "SE");
    assert_string_equal(ds.dims[0].categories[1].label, "Sweden");
    assert_codes(&ds.dims[1], "time", 3, "2021", "2022", "2023"); /* "2" and 1.0 are positions */
    assert_cell(&ds, 5, 6, NULL);
    jsonstat_free(&ds);
}

static void test_1x_sizes_as_strings_inside_dimension(void **state)
{
    (void)state;
    struct jsonstat_dataset ds = decoded_file("liberal-1x-sizes-as-strings.json");
    assert_int_equal(ds.n_cells, 4);
    assert_codes(&ds.dims[0], "Tid", 2, "2022", "2023");
    assert_true(ds.dims[0].is_time);
    assert_codes(&ds.dims[1], "KØN", 2, "M", "K");
    assert_string_equal(ds.dims[1].categories[1].label, "Kvinder");
    assert_cell(&ds, 2, 3.5, NULL); /* 2023, M */
    jsonstat_free(&ds);
}

static void test_label_only_categories(void **state)
{
    (void)state;
    struct jsonstat_dataset ds = decoded_file("liberal-label-only-categories.json");
    assert_codes(&ds.dims[0], "sex", 3, "T", "M", "F");
    assert_string_equal(ds.dims[0].categories[2].label, "Females");
    assert_codes(&ds.dims[1], "year", 2, "2022", "2023");
    assert_cell(&ds, 3, 21, NULL); /* M, 2023 */
    jsonstat_free(&ds);
}

static void test_label_only_order_ambiguous(void **state)
{
    (void)state;
    assert_file_refused("ambiguous-label-only-numbers-out-of-order.json",
                        "dimension \"year\": no category.index, and category.label lists \"2021\" "
                        "after \"2023\"; JavaScript readers put keys that are numbers first and "
                        "ascending, so the order of the categories is ambiguous: give "
                        "category.index");
    /* A key that is a number after one that is not: JavaScript moves it first. */
    assert_text_refused(
        "{\"id\":[\"a\"],\"size\":[2],\"value\":[1,2],\"dimension\":{\"a\":{\"category\":{"
        "\"label\":{\"x\":\"X\",\"7\":\"Seven\"}}}}}",
        "dimension \"a\": no category.index, and category.label lists \"7\" after \"x\"; "
        "JavaScript readers put keys that are numbers first and ascending, so the order of the "
        "categories is ambiguous: give category.index");
    /* Numbers first and ascending, then the others as written: no doubt. */
    struct jsonstat_dataset ds =
        decoded_text("{\"id\":[\"a\"],\"size\":[5],\"value\":[1,2,3,4,5],\"dimension\":{\"a\":{"
                     "\"category\":{\"label\":{\"2\":\"2\",\"10\":\"10\",\"z\":\"Z\",\"b\":\"B\","
                     "\"007\":\"not a number to JavaScript\"}}}}}");
    assert_codes(&ds.dims[0], "a", 5, "2", "10", "z", "b", "007");
    jsonstat_free(&ds);
}

static void test_label_only_counts(void **state)
{
    (void)state;
    /* Beside an index, labels that are not an object are only no labels. */
    struct jsonstat_dataset ds =
        decoded_text("{\"id\":[\"a\"],\"size\":[1],\"value\":[1],\"dimension\":{\"a\":{"
                     "\"category\":{\"index\":[\"x\"],\"label\":[\"y\"]}}}}");
    assert_codes(&ds.dims[0], "a", 1, "x");
    assert_null(ds.dims[0].categories[0].label);
    jsonstat_free(&ds);
    assert_text_refused("{\"id\":[\"a\"],\"size\":[3],\"value\":[1,2,3],\"dimension\":{\"a\":{"
                        "\"category\":{\"label\":{\"x\":\"X\",\"y\":\"Y\"}}}}}",
                        "dimension \"a\": 2 categories in category.label (there is no "
                        "category.index) but size 3; which categories the cells have is "
                        "ambiguous");
    assert_text_refused("{\"id\":[\"a\"],\"size\":[1],\"value\":[1],\"dimension\":{\"a\":{"
                        "\"category\":{}}}}",
                        "dimension \"a\": neither category.index nor category.label names the "
                        "categories");
}

static void test_status_value_and_category(void **state)
{
    (void)state;
    struct jsonstat_dataset ds = decoded_file("liberal-status-value-and-category.json");
    assert_int_equal(ds.n_cells, 6);
    assert_cell(&ds, 0, 1, NULL);
    assert_cell(&ds, 1, 2, "p");
    assert_cell(&ds, 2, 3, "e");
    assert_cell(&ds, 3, 4, "p"); /* position 1 in status.category.index */
    assert_cell(&ds, 4, 5, NULL);
    assert_cell(&ds, 5, NAN, "e");
    jsonstat_free(&ds);
}

static void test_status_value_and_category_forms(void **state)
{
    (void)state;
    static const char category[] = "\"category\":{\"index\":{\"e\":0,\"p\":\"1\"}}";
    char members[256];
    /* One entry for every cell, by position. */
    snprintf(members, sizeof members, "\"value\":[1,2,3],\"status\":{\"value\":[1],%s}", category);
    struct jsonstat_dataset ds = decoded_members(members, 3);
    for (size_t i = 0; i < 3; i++)
        assert_cell(&ds, i, (double)i + 1, "p");
    jsonstat_free(&ds);
    /* Keyed by cell, and a category with labels only. */
    ds = decoded_members("\"value\":[1,2,3],\"status\":{\"value\":{\"2\":\"e\"},"
                         "\"category\":{\"label\":{\"e\":\"estimated\"}}}",
                         3);
    assert_cell(&ds, 0, 1, NULL);
    assert_cell(&ds, 2, 3, "e");
    jsonstat_free(&ds);
    /* One string for all. */
    ds = decoded_members("\"value\":[1,2],\"status\":{\"value\":\"c\"}", 2);
    assert_cell(&ds, 1, 2, "c");
    jsonstat_free(&ds);
    snprintf(members, sizeof members, "\"value\":[1,2],\"status\":{\"value\":[0,2],%s}", category);
    assert_members_refused(members, 2,
                           "the status of cell 1 is 2, not a position in status.category.index "
                           "(0 to 1)");
    assert_members_refused("\"value\":[1,2],\"status\":{\"value\":[0,1],\"category\":{"
                           "\"index\":[]}}",
                           2, "the status of cell 0 is 0, but status.category.index is empty");
    assert_members_refused("\"value\":[1,2],\"status\":{\"value\":[0,1]}", 2,
                           "the status of cell 0 is a number, not a string");
    assert_members_refused("\"value\":[1,2],\"status\":{\"value\":[\"a\",\"b\",\"c\"]}", 2,
                           "\"status\" has 3 entries, but the sizes make 2 cells; which cell each "
                           "entry is for is ambiguous");
    assert_members_refused("\"value\":[1,2],\"status\":{\"value\":[\"a\"],\"category\":{"
                           "\"index\":[\"a\",\"a\"]}}",
                           2, "\"status\": category \"a\" is listed twice in category.index");
    /* Plain statuses that are numbers stay refused: nothing says what they mean. */
    assert_members_refused("\"value\":[1,2],\"status\":[1,2]", 2,
                           "the status of cell 0 is a number, not a string");
}

static void test_values_as_strings(void **state)
{
    (void)state;
    struct jsonstat_dataset ds = decoded_file("liberal-values-as-strings.json");
    assert_cell(&ds, 0, 12.5, NULL);
    assert_cell(&ds, 1, -3, NULL);
    assert_cell(&ds, 2, NAN, ":"); /* a symbol, not a number: missing, with it as status */
    assert_cell(&ds, 3, 1000, NULL);
    assert_cell(&ds, 4, NAN, NULL);
    assert_cell(&ds, 5, 7, NULL); /* spaces around a number are no symbol */
    jsonstat_free(&ds);
    ds = decoded_members("\"value\":{\"1\":\"0.1\"},\"status\":{\"1\":\"p\"}", 2);
    assert_cell(&ds, 0, NAN, NULL);
    assert_cell(&ds, 1, 0.1, "p");
    jsonstat_free(&ds);
}

static void test_value_strings_ambiguous(void **state)
{
    (void)state;
    assert_file_refused("ambiguous-value-comma-number.json",
                        "the value of cell 0 is \"1,5\": digits with a comma may have a decimal "
                        "comma or a thousands separator, so the number is ambiguous");
    assert_members_refused("\"value\":[\"1\",\"-2.000,5\"]", 2,
                           "the value of cell 1 is \"-2.000,5\": digits with a comma may have a "
                           "decimal comma or a thousands separator, so the number is ambiguous");
    assert_members_refused("\"value\":[\"1e400\",1]", 2, "the value of cell 0 is out of range");
    /* Decimal numbers as JavaScript's Number() and Python's float() read them. */
    struct jsonstat_dataset ds =
        decoded_members("\"value\":[\"+1\",\".5\",\"5.\",\"-.5E+1\",\"007\"]", 5);
    assert_cell(&ds, 0, 1, NULL);
    assert_cell(&ds, 1, 0.5, NULL);
    assert_cell(&ds, 2, 5, NULL);
    assert_cell(&ds, 3, -5, NULL);
    assert_cell(&ds, 4, 7, NULL);
    jsonstat_free(&ds);
    /* Not numbers: symbols, kept as statuses. */
    ds = decoded_members(
        "\"value\":[\"0x10\",\"1,\",\".\",\"+\",\"1e\",\"Infinity\",\"NaN\",\"1 2\"]", 8);
    static const char *const symbols[] = {"0x10", "1,", ".", "+", "1e", "Infinity", "NaN", "1 2"};
    for (size_t i = 0; i < 8; i++)
        assert_cell(&ds, i, NAN, symbols[i]);
    jsonstat_free(&ds);
}

static void test_no_size(void **state)
{
    (void)state;
    struct jsonstat_dataset ds = decoded_file("liberal-no-size.json");
    assert_int_equal(ds.n_cells, 2);
    assert_codes(&ds.dims[0], "geo", 1, "DK");
    assert_codes(&ds.dims[1], "time", 2, "2022", "2023");
    assert_cell(&ds, 0, NAN, NULL);
    assert_cell(&ds, 1, 7, NULL);
    jsonstat_free(&ds);
    assert_text_refused("{\"id\":[\"a\"],\"value\":[1],\"dimension\":{\"a\":{\"category\":{}}}}",
                        "dimension \"a\": no \"size\", and neither category.index nor "
                        "category.label to count the categories by");
    assert_text_refused("{\"id\":[\"a\"],\"value\":[1],\"dimension\":{}}",
                        "dimension \"a\": listed in \"id\" but not in \"dimension\"");
}

static void test_no_value(void **state)
{
    (void)state;
    struct jsonstat_dataset ds = decoded_file("liberal-no-value-metadata.json");
    assert_int_equal(ds.n_cells, 2);
    assert_cell(&ds, 0, NAN, NULL);
    assert_cell(&ds, 1, NAN, NULL);
    jsonstat_free(&ds);
    /* null and [] are the toolkit's "no value" too. */
    ds = decoded_members("\"value\":null", 3);
    assert_cell(&ds, 2, NAN, NULL);
    jsonstat_free(&ds);
    ds = decoded_members("\"value\":[],\"status\":\"p\"", 3);
    assert_cell(&ds, 2, NAN, "p");
    jsonstat_free(&ds);
}

static void test_index_array_of_numbers(void **state)
{
    (void)state;
    struct jsonstat_dataset ds = decoded_file("liberal-index-array-of-numbers.json");
    assert_codes(&ds.dims[0], "year", 3, "2021", "2022", "2023");
    assert_string_equal(ds.dims[0].categories[1].label, "year 2022");
    jsonstat_free(&ds);
    assert_text_refused("{\"id\":[\"a\"],\"size\":[2],\"value\":[1,2],\"dimension\":{\"a\":{"
                        "\"category\":{\"index\":[7,\"7\"]}}}}",
                        "dimension \"a\": category \"7\" is listed twice in category.index");
    assert_text_refused("{\"id\":[\"a\"],\"size\":[1],\"value\":[1],\"dimension\":{\"a\":{"
                        "\"category\":{\"index\":[1.5]}}}}",
                        "dimension \"a\": category.index entry 0 is neither a string nor a whole "
                        "number");
}

static void test_sizes_and_positions_as_numbers(void **state)
{
    (void)state;
    static const char head[] = "{\"id\":[\"a\"],\"value\":[1,2],\"dimension\":{\"a\":{";
    static const struct {
        const char *rest, *message;
    } refused[] = {
        {"\"category\":{\"index\":[\"x\",\"y\"]}}},\"size\":[\"2.0\"]}",
         "dimension \"a\": size is not a whole number"},
        {"\"category\":{\"index\":[\"x\",\"y\"]}}},\"size\":[\"-2\"]}",
         "dimension \"a\": size is not a whole number"},
        {"\"category\":{\"index\":[\"x\",\"y\"]}}},\"size\":[\"\"]}",
         "dimension \"a\": size is not a whole number"},
        {"\"category\":{\"index\":[\"x\",\"y\"]}}},\"size\":[\"100000001\"]}",
         "dimension \"a\": size out of range"},
        {"\"category\":{\"index\":[\"x\",\"y\"]}}},\"size\":[2.5]}",
         "dimension \"a\": size is not a whole number"},
        {"\"category\":{\"index\":{\"x\":\"01\",\"y\":0}}}},\"size\":[2]}",
         "dimension \"a\": category \"x\" has a position that is not a whole number"},
        {"\"category\":{\"index\":{\"x\":\"0\",\"y\":0}}}},\"size\":[2]}",
         "dimension \"a\": categories \"x\" and \"y\" both have position 0"},
        {"\"category\":{\"index\":{\"x\":\"0\",\"y\":\"9\"}}}},\"size\":[2]}",
         "dimension \"a\": category \"y\" has position 9, outside 0 to 1"},
        {"\"category\":{\"index\":{\"x\":0,\"y\":-1}}}},\"size\":[2]}",
         "dimension \"a\": category \"y\" has position -1, outside 0 to 1"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        char *text;
        if (asprintf(&text, "%s%s", head, refused[i].rest) < 0)
            fail_msg("asprintf");
        assert_text_refused(text, refused[i].message);
        free(text);
    }
    struct jsonstat_dataset ds =
        decoded_text("{\"id\":[\"a\"],\"size\":[2e0],\"value\":[1,2],\"dimension\":{\"a\":{"
                     "\"category\":{\"index\":{\"y\":1e0,\"x\":\"0\"}}}}}");
    assert_codes(&ds.dims[0], "a", 2, "x", "y");
    jsonstat_free(&ds);
}

static void test_top_and_dimension_members(void **state)
{
    (void)state;
    assert_file_refused("ambiguous-id-top-and-dimension-differ.json",
                        "\"id\" at the top (JSON-stat 2.0) and in \"dimension\" (1.x) differ; "
                        "which one is meant is ambiguous");
    assert_text_refused("{\"id\":[\"a\"],\"size\":[1],\"value\":[1],\"dimension\":{\"size\":[2],"
                        "\"a\":{\"category\":{\"index\":[\"x\"]}}}}",
                        "\"size\" at the top (JSON-stat 2.0) and in \"dimension\" (1.x) differ; "
                        "which one is meant is ambiguous");
    /* The same in both places is no doubt; nor is a 2.0 dimension called "size". */
    struct jsonstat_dataset ds =
        decoded_text("{\"id\":[\"size\"],\"value\":[1],\"dimension\":{\"id\":[\"size\"],"
                     "\"size\":{\"category\":{\"index\":[\"x\"]}}}}");
    assert_codes(&ds.dims[0], "size", 1, "x");
    jsonstat_free(&ds);
}

static void test_ignored_members(void **state)
{
    (void)state;
    struct jsonstat_dataset ds = decoded_file("liberal-ignored-members.json");
    assert_int_equal(ds.n_cells, 4);
    assert_true(ds.dims[0].is_geo && ds.dims[1].is_metric && ds.dims[2].is_time);
    assert_codes(&ds.dims[0], "area", 2, "T", "N");
    assert_cell(&ds, 3, 41, "p");
    jsonstat_free(&ds);
}

static void test_collection_of_embedded_datasets(void **state)
{
    (void)state;
    struct jsonstat_dataset ds = decoded_file("liberal-collection-one-embedded-dataset.json");
    assert_string_equal(ds.label, "Exports");
    assert_codes(&ds.dims[0], "time", 2, "2022", "2023");
    assert_cell(&ds, 1, 11, "p");
    jsonstat_free(&ds);
    static const char two[] = "ambiguous-collection-two-embedded-datasets.json";
    assert_file_refused(two, "a JSON-stat collection of 2 embedded datasets "
                             "(https://example.org/exports.json, Imports); which one to read is "
                             "ambiguous: name it (dataset in the source, --dataset of pejlctl "
                             "inspect)");
    /* Named by its href or its label. */
    char *path = unit_path(PEJL_TEST_DATA "/jsonstat", two);
    size_t len;
    char *bytes = unit_read_file(path, &len);
    char err[512];
    assert_int_equal(jsonstat_decode(bytes, len, "Imports", &ds, err, sizeof err), 0);
    assert_cell(&ds, 0, 2, NULL);
    jsonstat_free(&ds);
    assert_int_equal(
        jsonstat_decode(bytes, len, "https://example.org/exports.json", &ds, err, sizeof err), 0);
    assert_cell(&ds, 0, 1, NULL);
    jsonstat_free(&ds);
    assert_int_equal(jsonstat_decode(bytes, len, "Exports2", &ds, err, sizeof err), -1);
    assert_string_equal(err, "no dataset \"Exports2\" in this JSON-stat collection; it has: "
                             "https://example.org/exports.json, Imports");
    free(bytes);
    free(path);
    /* Links alone are still no dataset. */
    assert_file_refused("recorded/jsonstat/collection-2.0.json",
                        "a JSON-stat collection (a list of links), not a dataset; point the "
                        "source at one of its datasets");
}

/* Real responses of other statistical offices, recorded by pyjstat's tests:
 * Statistics Sweden's PX-Web JSON-stat 1.x, the ONS's 1.x bundle of one
 * sparse dataset, and an ONS one whose size has fewer entries than id. */
static void test_other_offices(void **state)
{
    (void)state;
    struct jsonstat_dataset ds = decoded_file("recorded/pyjstat/statswe.json");
    assert_int_equal(ds.n_cells, 1120);
    assert_string_equal(ds.dims[2].categories[19].code, "90+");
    assert_cell(&ds, 1119, 137, NULL);       /* 90+, women, 1996 */
    assert_cell(&ds, 28 * 2 * 19, 25, NULL); /* 90+, men, 1969 */
    assert_int_equal(jsonstat_time_dimension(&ds, NULL), 5);
    jsonstat_free(&ds);
    ds = decoded_file("recorded/pyjstat/ons.json");
    assert_int_equal(ds.n_cells, 261);
    assert_string_equal(ds.dims[1].categories[32].code, "CI_0000252");
    assert_string_equal(ds.dims[1].categories[32].label, "Age 31");
    assert_cell(&ds, 98, 1512, NULL);
    jsonstat_free(&ds);
    /* Which size belongs to which dimension cannot be known. */
    assert_file_refused(
        "recorded/pyjstat/QS104EW.json",
        "\"size\" has 3 entries but \"id\" has 4; which size is which dimension's is ambiguous");
}

/* Real documents recorded in 26fe/jsonstat.py's tests: an answer of
 * Eurostat's older web service (wdds), whose status is {"value": [...],
 * "category": {"label": {":": "not available"}}}; json-stat.org's collection
 * of two embedded datasets; the CSO's (Ireland) 1.x dataset. */
static void test_older_eurostat_and_collection(void **state)
{
    (void)state;
    struct jsonstat_dataset ds =
        decoded_file("recorded/jsonstat.py/eurostat-wdds-nama_gdp_c-geo_IT.json");
    assert_int_equal(ds.n_cells, 69);
    assert_string_equal(ds.dims[3].categories[0].code, "1946");
    assert_cell(&ds, 0, NAN, ":");     /* 1946 */
    assert_cell(&ds, 43, NAN, ":");    /* 1989 */
    assert_cell(&ds, 44, 15800, NULL); /* 1990 */
    assert_cell(&ds, 68, NAN, ":");    /* 2014 */
    size_t with_status = 0;
    for (size_t i = 0; i < ds.n_cells; i++)
        with_status += jsonstat_status(&ds, i) != NULL;
    assert_int_equal(with_status, 45);
    jsonstat_free(&ds);

    static const char col[] = "recorded/jsonstat.py/oecd-canada-col.json";
    assert_file_refused(col, "a JSON-stat collection of 2 embedded datasets "
                             "(https://json-stat.org/samples/oecd.json, "
                             "https://json-stat.org/samples/canada.jso...); which one to read is "
                             "ambiguous: name it (dataset in the source, --dataset of pejlctl "
                             "inspect)");
    char *path = unit_path(PEJL_TEST_DATA "/jsonstat", col);
    size_t len;
    char *bytes = unit_read_file(path, &len);
    char err[512];
    assert_int_equal(jsonstat_decode(bytes, len, "Population by sex and age group. Canada. 2012",
                                     &ds, err, sizeof err),
                     0);
    assert_int_equal(ds.n_cells, 120);
    assert_cell(&ds, 0, 34880.5, "a");
    jsonstat_free(&ds);
    free(bytes);
    free(path);

    ds = decoded_file("recorded/jsonstat.py/cso_ie-NQQ25.json");
    assert_int_equal(ds.n_cells, 8 * 76 * 2);
    assert_cell(&ds, 0, 19960, NULL);
    assert_cell(&ds, 8 * 76 * 2 - 1, 12521, NULL);
    jsonstat_free(&ds);
}

/* The new paths are bounded like the old ones. */
static void test_limits_on_new_paths(void **state)
{
    (void)state;
    struct jsonstat_limits limits = {.max_elements = 100, .max_cells = 4};
    static const char no_size[] =
        "{\"id\":[\"a\",\"b\"],\"value\":{},\"dimension\":{"
        "\"a\":{\"category\":{\"label\":{\"x\":\"X\",\"y\":\"Y\",\"z\":\"Z\"}}},"
        "\"b\":{\"category\":{\"index\":[\"1\",\"2\"]}}}}";
    struct outcome out = decode_bytes(no_size, strlen(no_size), &limits);
    assert_refused(&out, "the sizes make more than 4 cells; select fewer, or raise max_cells in "
                         "the source");
    static const char wrapped[] =
        "{\"id\":[\"a\"],\"size\":[1],\"value\":[1],\"dimension\":{\"a\":{\"category\":{"
        "\"index\":[\"x\"]}}},\"status\":{\"value\":[0],\"category\":{\"index\":"
        "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]}}}";
    limits.max_elements = 10;
    out = decode_bytes(wrapped, strlen(wrapped), &limits);
    assert_int_equal(out.rc, -1);
    if (strncmp(out.err, "\"status.category\": ", 19) != 0 ||
        !strstr(out.err, "max_elements in the source"))
        fail_msg("unexpected: %s", out.err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_size_and_index_as_strings),
        cmocka_unit_test(test_1x_sizes_as_strings_inside_dimension),
        cmocka_unit_test(test_label_only_categories),
        cmocka_unit_test(test_label_only_order_ambiguous),
        cmocka_unit_test(test_label_only_counts),
        cmocka_unit_test(test_status_value_and_category),
        cmocka_unit_test(test_status_value_and_category_forms),
        cmocka_unit_test(test_values_as_strings),
        cmocka_unit_test(test_value_strings_ambiguous),
        cmocka_unit_test(test_no_size),
        cmocka_unit_test(test_no_value),
        cmocka_unit_test(test_index_array_of_numbers),
        cmocka_unit_test(test_sizes_and_positions_as_numbers),
        cmocka_unit_test(test_top_and_dimension_members),
        cmocka_unit_test(test_ignored_members),
        cmocka_unit_test(test_collection_of_embedded_datasets),
        cmocka_unit_test(test_other_offices),
        cmocka_unit_test(test_older_eurostat_and_collection),
        cmocka_unit_test(test_limits_on_new_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
