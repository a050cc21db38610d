/*
 * jsonstat_decode.c — the JSON-stat decoder (see jsonstat_decode.h).
 *
 * Three steps: js_validate checks the whole document; the top level is
 * walked to find the dataset (or to recognise an error body, a collection or
 * a bundle); then the dataset's members are read. `dimension`, `id`, `size`
 * and `role` are small and go through jansson; `value` and `status` can be
 * millions of cells and are read by jsonstat_cells.c straight into arrays.
 * Members are found wherever they are: Eurostat puts `value` before the
 * sizes that give it meaning, so nothing is read before everything is found.
 */
#include "jsonstat_decode.h"
#include "jsonstat_internal.h"
#include "../common/decode_budget.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Status strings and labels quoted in a message are cut after this many bytes. */
#define QUOTE_CUT 300
/* Names listed in a message about a bundle. */
#define NAMES_SHOWN 20

int jsonstat_fail(struct jsonstat_decoder *d, const char *fmt, ...)
{
    if (d->errlen == 0)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->err, d->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

const char *jsonstat_shown(const char *text, size_t cut, char *shown, size_t size)
{
    size_t n = strlen(text);
    if (n > cut)
        n = cut;
    if (n + sizeof "..." > size)
        n = size - sizeof "...";
    while (n > 0 && n < strlen(text) && ((unsigned char)text[n] & 0xC0) == 0x80)
        n--;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        shown[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    strcpy(shown + n, text[n] ? "..." : "");
    return shown;
}

/* --- the members of an object that the decoder reads --- */

struct members {
    struct js_span class_, version, label, source, updated, id, size, role, dimension, value,
        status, error, warning, error_type, message;
};

static const struct member_name {
    const char *name;
    size_t offset;
} member_names[] = {
    {"class", offsetof(struct members, class_)},
    {"version", offsetof(struct members, version)},
    {"label", offsetof(struct members, label)},
    {"source", offsetof(struct members, source)},
    {"updated", offsetof(struct members, updated)},
    {"id", offsetof(struct members, id)},
    {"size", offsetof(struct members, size)},
    {"role", offsetof(struct members, role)},
    {"dimension", offsetof(struct members, dimension)},
    {"value", offsetof(struct members, value)},
    {"status", offsetof(struct members, status)},
    {"error", offsetof(struct members, error)},
    {"warning", offsetof(struct members, warning)},
    {"errorTypeCode", offsetof(struct members, error_type)},
    {"message", offsetof(struct members, message)},
};

static bool present(struct js_span s)
{
    return s.start != NULL;
}

static int find_members(struct jsonstat_decoder *d, struct js_span object, struct members *m)
{
    struct js_cursor cursor;
    struct js_span key, value;
    *m = (struct members){0};
    jsonstat_scan_enter(&cursor, object);
    while (jsonstat_scan_next_member(&cursor, &key, &value)) {
        for (size_t i = 0; i < sizeof member_names / sizeof *member_names; i++) {
            if (!jsonstat_scan_string_is(key, member_names[i].name))
                continue;
            struct js_span *slot = (struct js_span *)((char *)m + member_names[i].offset);
            if (present(*slot))
                return jsonstat_fail(d, "member \"%s\" appears twice", member_names[i].name);
            *slot = value;
        }
    }
    return 0;
}

/* The member, parsed by jansson; NULL after reporting why not. */
static json_t *load_member(struct jsonstat_decoder *d, struct js_span span, const char *what)
{
    json_error_t error;
    char shown[sizeof error.text + sizeof "..."], why[256];
    struct decode_budget budget = {.max_elements = d->limits->max_elements,
                                   .max_depth = DECODE_BUDGET_DEPTH};
    if (decode_budget_check(span.start, (size_t)(span.end - span.start), &budget,
                            "max_elements in the source", why, sizeof why) < 0) {
        jsonstat_fail(d, "\"%s\": %s", what, why);
        return NULL;
    }
    json_t *json = json_loadb(span.start, (size_t)(span.end - span.start),
                              JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &error);
    if (!json)
        jsonstat_fail(d, "\"%s\": %s", what,
                      jsonstat_shown(error.text, sizeof error.text, shown, sizeof shown));
    return json;
}

/* A string member's text, NULL if absent or not a string; -1 when out of memory. */
static int dup_string(struct jsonstat_decoder *d, struct js_span span, char **out)
{
    if (!present(span) || jsonstat_scan_type_of(span) != JS_STRING)
        return 0;
    *out = jsonstat_scan_string_dup(jsonstat_scan_string_contents(span));
    return *out ? 0 : jsonstat_fail(d, "out of memory");
}

/* --- what the top level is --- */

/* Writes ": status N, "label"" for each entry of an error or warning. */
static void describe_entries(json_t *entries, char *buf, size_t size)
{
    size_t i;
    json_t *entry;
    char shown[QUOTE_CUT + sizeof "..."], status[32];
    buf[0] = '\0';
    json_array_foreach(entries, i, entry)
    {
        json_t *code = json_object_get(entry, "status");
        json_t *label = json_object_get(entry, "label");
        if (!label)
            label = json_object_get(entry, "message");
        status[0] = '\0';
        if (json_is_integer(code))
            snprintf(status, sizeof status, "status %lld, ", (long long)json_integer_value(code));
        size_t n = strlen(buf); /* < size: snprintf always leaves room for the NUL */
        if (json_is_string(label))
            snprintf(buf + n, size - n, "%s%s\"%s\"", i ? "; " : ": ", status,
                     jsonstat_shown(json_string_value(label), QUOTE_CUT, shown, sizeof shown));
        else
            snprintf(buf + n, size - n, "%s%s(no label)", i ? "; " : ": ", status);
    }
}

/* Eurostat's {"error":[{status,id,label}]} and {"warning":{status,label}}. */
static int refuse_report(struct jsonstat_decoder *d, struct js_span span, const char *kind)
{
    json_t *json = load_member(d, span, kind);
    if (!json)
        return -1;
    json_t *entries = json;
    if (json_is_object(json)) {
        entries = json_array();
        json_array_append(entries, json);
    }
    char text[1024] = "";
    if (json_is_array(entries))
        describe_entries(entries, text, sizeof text);
    jsonstat_fail(d, "the server answered with %s instead of data%s",
                  strcmp(kind, "error") == 0 ? "an error" : "a warning",
                  text[0] ? text : ": (no details)");
    if (entries != json)
        json_decref(entries);
    json_decref(json);
    return -1;
}

/* Statistics Denmark's {"errorTypeCode":"…","message":"…"}. */
static int refuse_statbank_error(struct jsonstat_decoder *d, const struct members *m)
{
    char code[QUOTE_CUT + sizeof "..."] = "?", message[QUOTE_CUT + sizeof "..."] = "";
    char *text = NULL;
    if (dup_string(d, m->error_type, &text) < 0)
        return -1;
    if (text)
        jsonstat_shown(text, QUOTE_CUT, code, sizeof code);
    free(text);
    text = NULL;
    if (dup_string(d, m->message, &text) < 0)
        return -1;
    if (text)
        jsonstat_shown(text, QUOTE_CUT, message, sizeof message);
    free(text);
    return jsonstat_fail(d, "the server answered with an error instead of data: %s: \"%s\"", code,
                         message);
}

static bool is_empty_container(struct js_span span)
{
    struct js_cursor cursor;
    struct js_span element;
    jsonstat_scan_enter(&cursor, span);
    return !jsonstat_scan_next_element(&cursor, &element);
}

/* Error bodies: -1 after saying what the server said, else 0. */
static int refuse_error_body(struct jsonstat_decoder *d, const struct members *m)
{
    enum js_type error_type = jsonstat_scan_type_of(m->error);
    if (present(m->error) && (error_type == JS_ARRAY || error_type == JS_OBJECT) &&
        !is_empty_container(m->error))
        return refuse_report(d, m->error, "error");
    if (present(m->error_type))
        return refuse_statbank_error(d, m);
    if (present(m->warning) && !present(m->value) && jsonstat_scan_type_of(m->warning) == JS_OBJECT)
        return refuse_report(d, m->warning, "warning");
    return 0;
}

enum { CLASS_BUNDLE, CLASS_DATASET, CLASS_COLLECTION };

/* What `class` says the object is, or -1 if it is nothing with a dataset. */
static int check_class(struct jsonstat_decoder *d, struct js_span span)
{
    char shown[64];
    if (jsonstat_scan_type_of(span) != JS_STRING)
        return jsonstat_fail(d, "\"class\" is %s, not a string",
                             jsonstat_scan_type_name(jsonstat_scan_type_of(span)));
    struct js_span class_ = jsonstat_scan_string_contents(span);
    if (jsonstat_scan_string_is(class_, "dataset"))
        return CLASS_DATASET;
    if (jsonstat_scan_string_is(class_, "bundle"))
        return CLASS_BUNDLE;
    if (jsonstat_scan_string_is(class_, "collection"))
        return CLASS_COLLECTION;
    if (jsonstat_scan_string_is(class_, "dimension"))
        return jsonstat_fail(d, "a JSON-stat dimension, not a dataset");
    char *text = jsonstat_scan_string_dup(class_);
    if (!text)
        return jsonstat_fail(d, "out of memory");
    jsonstat_fail(d, "JSON-stat class \"%s\" is not a dataset",
                  jsonstat_shown(text, 40, shown, sizeof shown));
    free(text);
    return -1;
}

/* A member of a bundle is a dataset if it has "dimension" or "value". */
static bool looks_like_dataset(struct js_span value)
{
    struct js_cursor cursor;
    struct js_span key, member;
    if (jsonstat_scan_type_of(value) != JS_OBJECT)
        return false;
    jsonstat_scan_enter(&cursor, value);
    while (jsonstat_scan_next_member(&cursor, &key, &member))
        if (jsonstat_scan_string_is(key, "dimension") || jsonstat_scan_string_is(key, "value"))
            return true;
    return false;
}

/* Adds a dataset's name to the list a message shows. */
static void list_name(struct js_span key, size_t count, char *names, size_t size)
{
    char shown[64];
    size_t n = strlen(names);
    if (count > NAMES_SHOWN) {
        if (count == NAMES_SHOWN + 1)
            snprintf(names + n, size - n, ", …");
        return;
    }
    char *name = jsonstat_scan_string_dup(key);
    snprintf(names + n, size - n, "%s%s", count > 1 ? ", " : "",
             name ? jsonstat_shown(name, 40, shown, sizeof shown) : "?");
    free(name);
}

/* A 1.x bundle: the dataset called `dataset_name`, or its only dataset. */
static int choose_from_bundle(struct jsonstat_decoder *d, struct js_span top,
                              struct js_span *dataset)
{
    struct js_cursor cursor;
    struct js_span key, value;
    char names[512] = "", shown[64];
    size_t count = 0;
    bool found = false;
    jsonstat_scan_enter(&cursor, top);
    while (jsonstat_scan_next_member(&cursor, &key, &value)) {
        if (!looks_like_dataset(value))
            continue;
        list_name(key, ++count, names, sizeof names);
        if (!found && (!d->dataset_name || jsonstat_scan_string_is(key, d->dataset_name))) {
            *dataset = value;
            found = true;
        }
    }
    if (count == 0)
        return jsonstat_fail(d, "not JSON-stat: no \"value\" or \"dimension\", "
                                "and no dataset inside that has them");
    if (d->dataset_name && !found)
        return jsonstat_fail(d, "no dataset \"%s\" in this JSON-stat bundle; it has: %s",
                             jsonstat_shown(d->dataset_name, 40, shown, sizeof shown), names);
    if (!d->dataset_name && count > 1)
        return jsonstat_fail(d,
                             "a JSON-stat bundle of %zu datasets (%s); which one to read is "
                             "ambiguous: name it (dataset in the source, --dataset of pejlctl "
                             "inspect)",
                             count, names);
    return 0;
}

/* The value of the member called `name` of an object, or an empty span. */
static struct js_span member_of(struct js_span object, const char *name)
{
    struct js_cursor cursor;
    struct js_span key, value;
    if (jsonstat_scan_type_of(object) != JS_OBJECT)
        return (struct js_span){0};
    jsonstat_scan_enter(&cursor, object);
    while (jsonstat_scan_next_member(&cursor, &key, &value))
        if (jsonstat_scan_string_is(key, name))
            return value;
    return (struct js_span){0};
}

/* The contents of a string member, or an empty span. */
static struct js_span string_member(struct js_span object, const char *name)
{
    struct js_span value = member_of(object, name);
    if (!present(value) || jsonstat_scan_type_of(value) != JS_STRING)
        return (struct js_span){0};
    return jsonstat_scan_string_contents(value);
}

/* An item of a collection that holds a dataset rather than links to one:
 * class "dataset" with a "dimension" (the toolkit asks for id, size and
 * dimension; id and size are checked when it is read). */
static bool is_embedded_dataset(struct js_span item)
{
    struct js_span class_ = string_member(item, "class");
    return present(class_) && jsonstat_scan_string_is(class_, "dataset") &&
           present(member_of(item, "dimension"));
}

/* An item matches a name given for it by its href or its label. */
static bool item_is(struct js_span href, struct js_span label, const char *name)
{
    return (present(href) && jsonstat_scan_string_is(href, name)) ||
           (present(label) && jsonstat_scan_string_is(label, name));
}

/*
 * A 2.0 collection: the dataset embedded in link.item that is called
 * `dataset_name` (its href or label), or its only one. A collection of links
 * alone has nothing to read here.
 */
static int choose_from_collection(struct jsonstat_decoder *d, struct js_span top,
                                  struct js_span *dataset)
{
    static const char unnamed[] = "(no href or label)";
    struct js_cursor cursor;
    struct js_span item, items = member_of(member_of(top, "link"), "item");
    char names[512] = "", shown[64];
    size_t count = 0;
    bool found = false;
    if (present(items) && jsonstat_scan_type_of(items) == JS_ARRAY) {
        jsonstat_scan_enter(&cursor, items);
        while (jsonstat_scan_next_element(&cursor, &item)) {
            if (!is_embedded_dataset(item))
                continue;
            struct js_span href = string_member(item, "href"), label = string_member(item, "label");
            struct js_span name = present(href) ? href
                                  : present(label)
                                      ? label
                                      : (struct js_span){unnamed, unnamed + sizeof unnamed - 1};
            list_name(name, ++count, names, sizeof names);
            if (!found && (!d->dataset_name || item_is(href, label, d->dataset_name))) {
                *dataset = item;
                found = true;
            }
        }
    }
    if (count == 0)
        return jsonstat_fail(d, "a JSON-stat collection (a list of links), not a dataset; "
                                "point the source at one of its datasets");
    if (d->dataset_name && !found)
        return jsonstat_fail(d, "no dataset \"%s\" in this JSON-stat collection; it has: %s",
                             jsonstat_shown(d->dataset_name, 40, shown, sizeof shown), names);
    if (!d->dataset_name && count > 1)
        return jsonstat_fail(d,
                             "a JSON-stat collection of %zu embedded datasets (%s); which one to "
                             "read is ambiguous: name it (dataset in the source, --dataset of "
                             "pejlctl inspect)",
                             count, names);
    return 0;
}

/* Finds the dataset object of the document and its members, or says what
 * the document is instead. */
static int find_dataset(struct jsonstat_decoder *d, struct js_span top, struct members *m)
{
    struct js_span dataset;
    if (jsonstat_scan_type_of(top) != JS_OBJECT)
        return jsonstat_fail(d, "not JSON-stat: the document is %s, not an object",
                             jsonstat_scan_type_name(jsonstat_scan_type_of(top)));
    if (find_members(d, top, m) < 0 || refuse_error_body(d, m) < 0)
        return -1;
    int class_ = present(m->class_)                           ? check_class(d, m->class_)
                 : present(m->value) || present(m->dimension) ? CLASS_DATASET
                                                              : CLASS_BUNDLE;
    if (class_ < 0)
        return -1;
    if (class_ == CLASS_DATASET)
        return 0;
    if (class_ == CLASS_COLLECTION) {
        if (choose_from_collection(d, top, &dataset) < 0 || find_members(d, dataset, m) < 0)
            return -1;
        return refuse_error_body(d, m);
    }
    if (choose_from_bundle(d, top, &dataset) < 0 || find_members(d, dataset, m) < 0 ||
        refuse_error_body(d, m) < 0)
        return -1;
    int inner = present(m->class_) ? check_class(d, m->class_) : CLASS_DATASET;
    if (inner < 0 || inner == CLASS_DATASET)
        return inner < 0 ? -1 : 0;
    return jsonstat_fail(d, "a %s inside a bundle, not a dataset",
                         inner == CLASS_BUNDLE ? "bundle" : "collection");
}

/* --- dimensions --- */

static int dimension_fail(struct jsonstat_decoder *d, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* `id` NULL: the index of status.category, read as a dimension's. */
static int dimension_fail(struct jsonstat_decoder *d, const char *id, const char *fmt, ...)
{
    char shown[64], what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (!id)
        return jsonstat_fail(d, "\"status\": %s", what);
    return jsonstat_fail(d, "dimension \"%s\": %s", jsonstat_shown(id, 40, shown, sizeof shown),
                         what);
}

static int set_code(struct jsonstat_decoder *d, struct jsonstat_category *category,
                    const char *code)
{
    category->code = strdup(code);
    return category->code ? 0 : jsonstat_fail(d, "out of memory");
}

/* What a size or a position may be: a whole number however JSON writes it
 * (3, 3.0, 3e0), or a string of decimal digits ("3"), which the reference
 * toolkit reads as the number, as JavaScript does. */
enum whole { WHOLE, NOT_WHOLE, OUT_OF_RANGE };

/* `index_like`: a position in category.index must be written as JavaScript
 * writes an array index ("7", not "07"), or the toolkit would not find the
 * category at that position. `*out` is set even when out of range. */
static enum whole whole_number(json_t *json, bool index_like, uint64_t max, uint64_t *out)
{
    if (json_is_integer(json)) {
        json_int_t v = json_integer_value(json);
        *out = v < 0 ? 0 : (uint64_t)v;
        return v < 0 || (uint64_t)v > max ? OUT_OF_RANGE : WHOLE;
    }
    if (json_is_real(json)) {
        double v = json_real_value(json);
        if (v != floor(v))
            return NOT_WHOLE;
        *out = v < 0 ? 0 : v >= 1e19 ? UINT64_MAX : (uint64_t)v;
        return v < 0 || v > (double)max ? OUT_OF_RANGE : WHOLE;
    }
    if (!json_is_string(json))
        return NOT_WHOLE;
    const char *text = json_string_value(json);
    size_t n = json_string_length(json);
    if (n == 0 || strspn(text, "0123456789") != n || (index_like && n > 1 && text[0] == '0'))
        return NOT_WHOLE;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (v > (UINT64_MAX - 9) / 10) {
            *out = UINT64_MAX;
            return OUT_OF_RANGE;
        }
        v = v * 10 + (uint64_t)(text[i] - '0');
    }
    *out = v;
    return v > max ? OUT_OF_RANGE : WHOLE;
}

/* A position as the document writes it, for a message. */
static const char *position_text(json_t *position, char *buf, size_t size)
{
    if (json_is_integer(position))
        snprintf(buf, size, "%lld", (long long)json_integer_value(position));
    else if (json_is_real(position))
        snprintf(buf, size, "%.17g", json_real_value(position));
    else
        jsonstat_shown(json_string_value(position), 40, buf, size);
    return buf;
}

/* An entry of category.index as an array: a string, or a whole number, which
 * the toolkit (JavaScript) uses as its decimal text. Writes the code to `buf`
 * for a number; NULL if it is neither. */
static const char *array_code(json_t *entry, char *buf, size_t size)
{
    if (json_is_string(entry))
        return json_string_value(entry);
    if (json_is_integer(entry)) {
        snprintf(buf, size, "%lld", (long long)json_integer_value(entry));
        return buf;
    }
    double v = json_is_real(entry) ? json_real_value(entry) : 0.5;
    if (v != floor(v) || fabs(v) > 9007199254740992.0) /* beyond 2^53 JavaScript writes 1e+21 */
        return NULL;
    snprintf(buf, size, "%.0f", v == 0 ? 0.0 : v);
    return buf;
}

/* category.index as an array of codes. */
static int codes_from_array(struct jsonstat_decoder *d, struct jsonstat_dimension *dim,
                            json_t *index)
{
    char shown[64], number[32];
    size_t i;
    json_t *code;
    json_t *seen = json_object();
    if (!seen)
        return jsonstat_fail(d, "out of memory");
    int rc = 0;
    json_array_foreach(index, i, code)
    {
        const char *text = array_code(code, number, sizeof number);
        if (!text) {
            rc = dimension_fail(
                d, dim->id, "category.index entry %zu is neither a string nor a whole number", i);
            break;
        }
        if (json_object_get(seen, text)) {
            rc = dimension_fail(d, dim->id, "category \"%s\" is listed twice in category.index",
                                jsonstat_shown(text, 40, shown, sizeof shown));
            break;
        }
        if (json_object_set(seen, text, json_true()) < 0 ||
            set_code(d, &dim->categories[i], text) < 0) {
            rc = jsonstat_fail(d, "out of memory");
            break;
        }
    }
    json_decref(seen);
    return rc;
}

/* category.index as an object code → position. */
static int codes_from_object(struct jsonstat_decoder *d, struct jsonstat_dimension *dim,
                             json_t *index)
{
    char shown[64], other[64], written[64];
    const char *code;
    json_t *position;
    uint64_t at;
    json_object_foreach(index, code, position)
    {
        switch (whole_number(position, true, dim->size - 1, &at)) {
        case NOT_WHOLE:
            return dimension_fail(d, dim->id,
                                  "category \"%s\" has a position that is not a "
                                  "whole number",
                                  jsonstat_shown(code, 40, shown, sizeof shown));
        case OUT_OF_RANGE:
            return dimension_fail(d, dim->id, "category \"%s\" has position %s, outside 0 to %zu",
                                  jsonstat_shown(code, 40, shown, sizeof shown),
                                  position_text(position, written, sizeof written), dim->size - 1);
        case WHOLE:
            break;
        }
        struct jsonstat_category *category = &dim->categories[at];
        if (category->code)
            return dimension_fail(
                d, dim->id, "categories \"%s\" and \"%s\" both have position %llu",
                jsonstat_shown(category->code, 40, other, sizeof other),
                jsonstat_shown(code, 40, shown, sizeof shown), (unsigned long long)at);
        if (set_code(d, category, code) < 0)
            return -1;
    }
    return 0;
}

/* Whether JavaScript takes an object key for an array index ("0", "2023",
 * below 2^32 - 1, no leading zero): those it enumerates first, ascending. */
static bool is_array_index(const char *key, uint64_t *value)
{
    size_t n = strlen(key);
    if (n == 0 || n > 10 || strspn(key, "0123456789") != n || (n > 1 && key[0] == '0'))
        return false;
    *value = strtoull(key, NULL, 10);
    return *value < UINT64_C(4294967295);
}

/*
 * No category.index: the categories are category.label's, in its order. The
 * format allows that for one category; the toolkit reads any number so, in
 * the order JavaScript enumerates the object's keys: array indices first,
 * ascending, then the rest as written. Where that is not the order written,
 * a reader cannot know which order the publisher meant.
 */
static int codes_from_labels(struct jsonstat_decoder *d, struct jsonstat_dimension *dim,
                             json_t *labels)
{
    char shown[64], before[64];
    const char *code, *previous = NULL;
    json_t *label;
    bool after_text = false;
    uint64_t number, last = 0;
    size_t i = 0;
    json_object_foreach(labels, code, label)
    {
        if (is_array_index(code, &number)) {
            if (after_text || (previous && number < last))
                return dimension_fail(
                    d, dim->id,
                    "no category.index, and category.label lists \"%s\" after \"%s\"; "
                    "JavaScript readers put keys that are numbers first and ascending, so the "
                    "order of the categories is ambiguous: give category.index",
                    jsonstat_shown(code, 40, shown, sizeof shown),
                    jsonstat_shown(previous, 40, before, sizeof before));
            last = number;
        } else
            after_text = true;
        previous = code;
        if (set_code(d, &dim->categories[i++], code) < 0)
            return -1;
    }
    return 0;
}

static size_t index_count(json_t *index)
{
    return json_is_array(index) ? json_array_size(index) : json_object_size(index);
}

/* The codes, in index order. Counts are checked before anything is allocated:
 * a size alone, however large, costs nothing. */
static int read_codes(struct jsonstat_decoder *d, struct jsonstat_dimension *dim, json_t *category)
{
    json_t *index = json_object_get(category, "index");
    json_t *labels = json_object_get(category, "label");
    /* Beside an index, labels that are not an object are no labels (the
     * toolkit finds none in them); without one they would be the codes. */
    if (labels && !json_is_object(labels) && !index)
        return dimension_fail(d, dim->id, "category.label is not an object");
    if (index && !json_is_array(index) && !json_is_object(index))
        return dimension_fail(d, dim->id, "category.index is neither an object nor an array");
    if (index && index_count(index) != dim->size)
        return dimension_fail(d, dim->id,
                              "%zu %s in category.index but size %zu; which categories the "
                              "cells have is ambiguous",
                              index_count(index),
                              index_count(index) == 1 ? "category" : "categories", dim->size);
    if (!index && json_object_size(labels) != dim->size)
        return labels ? dimension_fail(d, dim->id,
                                       "%zu %s in category.label (there is no category.index) but "
                                       "size %zu; which categories the cells have is ambiguous",
                                       json_object_size(labels),
                                       json_object_size(labels) == 1 ? "category" : "categories",
                                       dim->size)
                      : dimension_fail(d, dim->id,
                                       "neither category.index nor category.label names the "
                                       "categories");
    if (!(dim->categories = calloc(dim->size ? dim->size : 1, sizeof *dim->categories)))
        return jsonstat_fail(d, "out of memory");
    if (!index)
        return codes_from_labels(d, dim, labels);
    return json_is_array(index) ? codes_from_array(d, dim, index)
                                : codes_from_object(d, dim, index);
}

static int read_labels(struct jsonstat_decoder *d, struct jsonstat_dimension *dim, json_t *category)
{
    json_t *labels = json_object_get(category, "label");
    for (size_t i = 0; labels && i < dim->size; i++) {
        json_t *label = json_object_get(labels, dim->categories[i].code);
        if (json_is_string(label) && !(dim->categories[i].label = strdup(json_string_value(label))))
            return jsonstat_fail(d, "out of memory");
    }
    return 0;
}

static int read_dimension(struct jsonstat_decoder *d, struct jsonstat_dimension *dim,
                          json_t *definition)
{
    if (!definition)
        return dimension_fail(d, dim->id, "listed in \"id\" but not in \"dimension\"");
    if (!json_is_object(definition))
        return dimension_fail(d, dim->id, "not an object");
    json_t *label = json_object_get(definition, "label");
    if (json_is_string(label) && !(dim->label = strdup(json_string_value(label))))
        return jsonstat_fail(d, "out of memory");
    json_t *category = json_object_get(definition, "category");
    if (!json_is_object(category))
        return dimension_fail(d, dim->id, "no \"category\" object");
    if (read_codes(d, dim, category) < 0)
        return -1;
    return read_labels(d, dim, category);
}

static int too_many_cells(struct jsonstat_decoder *d)
{
    size_t max = d->limits->max_cells;
    if (max >= JSONSTAT_MAX_CELLS)
        return jsonstat_fail(d, "the sizes make more than %zu cells", max);
    return jsonstat_fail(d,
                         "the sizes make more than %zu cells; select fewer, or raise max_cells "
                         "in the source",
                         max);
}

/*
 * A dimension's size: its entry in "size", or without "size" (which the
 * toolkit needs, but nothing else does) the number of categories it lists.
 * A definition that is missing or has no category counts 0 here and is
 * refused by read_dimension.
 */
static int size_of(struct jsonstat_decoder *d, const char *id, json_t *size, json_t *definition,
                   uint64_t *out)
{
    if (size) {
        switch (whole_number(size, false, JSONSTAT_MAX_CELLS, out)) {
        case WHOLE:
            return 0;
        case OUT_OF_RANGE:
            return dimension_fail(d, id, "size out of range");
        default:
            return dimension_fail(d, id, "size is not a whole number");
        }
    }
    json_t *category = json_object_get(definition, "category");
    json_t *index = json_object_get(category, "index"),
           *labels = json_object_get(category, "label");
    *out = 0;
    if (json_is_array(index) || json_is_object(index))
        *out = index_count(index);
    else if (!index && json_is_object(labels))
        *out = json_object_size(labels);
    else if (json_is_object(category))
        return dimension_fail(d, id,
                              "no \"size\", and neither category.index nor category.label to "
                              "count the categories by");
    return 0;
}

/* The dimension ids and sizes, and the number of cells they make. */
static int read_shape(struct jsonstat_decoder *d, json_t *ids, json_t *sizes, json_t *dimension)
{
    struct jsonstat_dataset *ds = d->out;
    char shown[64];
    if (!json_is_array(ids) || (sizes && !json_is_array(sizes)))
        return jsonstat_fail(d, "\"%s\" %s; it must be an array (at the top, or in \"dimension\")",
                             json_is_array(ids) ? "size" : "id",
                             (json_is_array(ids) ? sizes : ids) ? "is not an array" : "is missing");
    size_t n = json_array_size(ids);
    if (sizes && json_array_size(sizes) != n)
        return jsonstat_fail(d,
                             "\"size\" has %zu entries but \"id\" has %zu; which size is which "
                             "dimension's is ambiguous",
                             json_array_size(sizes), n);
    if (n == 0 || n > JSONSTAT_MAX_DIMS)
        return jsonstat_fail(d, "%zu dimensions; a dataset has 1 to %d", n, JSONSTAT_MAX_DIMS);
    if (!(ds->dims = calloc(n, sizeof *ds->dims)))
        return jsonstat_fail(d, "out of memory");
    ds->n_dims = n;
    ds->n_cells = 1;
    for (size_t i = 0; i < n; i++) {
        json_t *id = json_array_get(ids, i), *size = json_array_get(sizes, i);
        if (!json_is_string(id) || json_string_length(id) == 0)
            return jsonstat_fail(d, "\"id\" entry %zu is not a dimension id", i);
        for (size_t j = 0; j < i; j++)
            if (strcmp(ds->dims[j].id, json_string_value(id)) == 0)
                return jsonstat_fail(d, "dimension \"%s\" is listed twice in \"id\"",
                                     jsonstat_shown(ds->dims[j].id, 40, shown, sizeof shown));
        if (!(ds->dims[i].id = strdup(json_string_value(id))))
            return jsonstat_fail(d, "out of memory");
        uint64_t k;
        if (size_of(d, ds->dims[i].id, sizes ? size : NULL,
                    json_object_get(dimension, ds->dims[i].id), &k) < 0)
            return -1;
        ds->dims[i].size = (size_t)k;
        if (k && ds->n_cells > d->limits->max_cells / (size_t)k)
            return too_many_cells(d);
        ds->n_cells *= (size_t)k;
    }
    return 0;
}

static void mark_roles(struct jsonstat_dataset *ds, json_t *role)
{
    static const char *const kinds[] = {"time", "geo", "metric"};
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        json_t *ids = json_object_get(role, kinds[k]), *id;
        size_t i;
        json_array_foreach(ids, i, id)
        {
            int at = json_is_string(id) ? jsonstat_find_dimension(ds, json_string_value(id)) : -1;
            if (at < 0)
                continue; /* a role for a dimension that is not there changes nothing */
            struct jsonstat_dimension *dim = &ds->dims[at];
            *(k == 0 ? &dim->is_time : k == 1 ? &dim->is_geo : &dim->is_metric) = true;
        }
    }
}

/* The members of a dataset that 2.0 has at the top and 1.x inside "dimension". */
struct shape {
    json_t *dimension, *id, *size, *role;
};

static void shape_free(struct shape *s)
{
    json_decref(s->dimension);
    json_decref(s->id);
    json_decref(s->size);
    json_decref(s->role);
}

/* 1.x's member of "dimension" called `name`, or NULL: in 2.0 a dimension
 * may be called "id", "size" or "role", and then it has a category. */
static json_t *inner_member(json_t *dimension, const char *name)
{
    json_t *inner = json_object_get(dimension, name);
    if (strcmp(name, "role") == 0)
        return json_is_object(inner) && !json_object_get(inner, "category") ? inner : NULL;
    return json_is_array(inner) ? inner : NULL;
}

static int load_shape(struct jsonstat_decoder *d, const struct members *m, struct shape *s)
{
    if (!(s->dimension = load_member(d, m->dimension, "dimension")))
        return -1;
    if (!json_is_object(s->dimension))
        return jsonstat_fail(d, "\"dimension\" is not an object");
    const struct {
        struct js_span span;
        const char *name;
        json_t **slot;
    } parts[] = {{m->id, "id", &s->id}, {m->size, "size", &s->size}, {m->role, "role", &s->role}};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        json_t *inner = inner_member(s->dimension, parts[i].name);
        if (!present(parts[i].span)) {
            *parts[i].slot = json_incref(inner);
            continue;
        }
        if (!(*parts[i].slot = load_member(d, parts[i].span, parts[i].name)))
            return -1;
        /* The toolkit takes the top's; a reader of 1.x takes the other. */
        if (inner && i < 2 && !json_equal(inner, *parts[i].slot))
            return jsonstat_fail(d,
                                 "\"%s\" at the top (JSON-stat 2.0) and in \"dimension\" (1.x) "
                                 "differ; which one is meant is ambiguous",
                                 parts[i].name);
    }
    return 0;
}

static int read_dimensions(struct jsonstat_decoder *d, const struct members *m)
{
    struct shape s = {0};
    int rc = load_shape(d, m, &s);
    if (rc == 0)
        rc = read_shape(d, s.id, s.size, s.dimension);
    for (size_t i = 0; rc == 0 && i < d->out->n_dims; i++) {
        struct jsonstat_dimension *dim = &d->out->dims[i];
        rc = read_dimension(d, dim, json_object_get(s.dimension, dim->id));
    }
    if (rc == 0)
        mark_roles(d->out, s.role);
    shape_free(&s);
    return rc;
}

/* --- statuses wrapped with their meanings --- */

/* status.category.index, the symbols a status given as a position names. */
static int load_status_codes(struct jsonstat_decoder *d, struct js_span span)
{
    json_t *category = load_member(d, span, "status.category");
    if (!category)
        return -1;
    json_t *index = json_object_get(category, "index");
    struct jsonstat_dimension codes = {.size = index_count(index)};
    int rc = 0;
    if (index && !json_is_array(index) && !json_is_object(index))
        rc = jsonstat_fail(d, "\"status\": category.index is neither an object nor an array");
    else if (index &&
             !(codes.categories = calloc(codes.size ? codes.size : 1, sizeof *codes.categories)))
        rc = jsonstat_fail(d, "out of memory");
    else if (index) {
        d->status_codes = codes.categories; /* freed by jsonstat_cells_done, even half made */
        d->n_status_codes = codes.size;
        rc = json_is_array(index) ? codes_from_array(d, &codes, index)
                                  : codes_from_object(d, &codes, index);
    }
    json_decref(category);
    return rc;
}

/*
 * `status` as older Eurostat services write it, {"value": …, "category":
 * {"index": …, "label": …}}: "value" holds the cells' statuses in any form
 * `status` itself takes, as symbols or as positions in category.index;
 * category.label says what the symbols mean (not kept). Any other `status`
 * is read as it is.
 */
static int read_status(struct jsonstat_decoder *d, struct js_span status)
{
    struct js_cursor cursor;
    struct js_span key, value, cells = {0}, category = {0};
    if (jsonstat_scan_type_of(status) != JS_OBJECT)
        return jsonstat_read_status(d, status);
    jsonstat_scan_enter(&cursor, status);
    while (jsonstat_scan_next_member(&cursor, &key, &value)) {
        bool is_value = jsonstat_scan_string_is(key, "value");
        if (!is_value && !jsonstat_scan_string_is(key, "category"))
            continue;
        struct js_span *slot = is_value ? &cells : &category;
        if (present(*slot))
            return jsonstat_fail(d, "\"status\" has \"%s\" twice", is_value ? "value" : "category");
        *slot = value;
    }
    if (!present(cells))
        return jsonstat_read_status(d, status);
    if (present(category) && load_status_codes(d, category) < 0)
        return -1;
    return jsonstat_read_status(d, cells);
}

/* --- the dataset --- */

/* Without "value" (or with null or []) a dataset is the toolkit's metadata
 * answer: every cell is missing. */
static int decode_dataset(struct jsonstat_decoder *d, const struct members *m)
{
    struct jsonstat_dataset *ds = d->out;
    if (!present(m->dimension))
        return jsonstat_fail(d, "the dataset has no \"dimension\" member");
    if (dup_string(d, m->label, &ds->label) < 0 || dup_string(d, m->source, &ds->source) < 0 ||
        dup_string(d, m->updated, &ds->updated) < 0 || read_dimensions(d, m) < 0 ||
        jsonstat_read_values(d, m->value) < 0)
        return -1;
    return present(m->status) ? read_status(d, m->status) : 0;
}

static const char *skip_bom_and_space(const char *p, const char *end)
{
    if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    return p;
}

int jsonstat_decode(const char *buf, size_t len, const char *dataset_name,
                    struct jsonstat_dataset *out, char *err, size_t errlen)
{
    static const struct jsonstat_limits defaults = {.max_elements = DECODE_BUDGET_ELEMENTS,
                                                    .max_cells = JSONSTAT_MAX_CELLS};
    return jsonstat_decode_within(buf, len, dataset_name, &defaults, out, err, errlen);
}

int jsonstat_decode_within(const char *buf, size_t len, const char *dataset_name,
                           const struct jsonstat_limits *limits, struct jsonstat_dataset *out,
                           char *err, size_t errlen)
{
    char fallback[1];
    struct jsonstat_decoder d = {.dataset_name = dataset_name,
                                 .limits = limits,
                                 .out = out,
                                 .err = errlen ? err : fallback,
                                 .errlen = errlen ? errlen : sizeof fallback};
    struct js_span top;
    struct members m;
    *out = (struct jsonstat_dataset){0};
    d.err[0] = '\0';
    const char *end = buf + len, *first = skip_bom_and_space(buf, end);
    int rc;
    if (first == end)
        rc = jsonstat_fail(&d, "an empty document, not JSON");
    else if (*first == '<')
        rc = jsonstat_fail(&d, "an HTML page, not JSON (the server may be overloaded)");
    else if (jsonstat_scan_validate(first, (size_t)(end - first), &top, d.err, d.errlen) < 0)
        rc = -1;
    else
        rc = find_dataset(&d, top, &m) < 0 ? -1 : decode_dataset(&d, &m);
    jsonstat_cells_done(&d);
    if (rc < 0)
        jsonstat_free(out);
    return rc;
}

void jsonstat_free(struct jsonstat_dataset *ds)
{
    for (size_t i = 0; ds->dims && i < ds->n_dims; i++) {
        struct jsonstat_dimension *dim = &ds->dims[i];
        for (size_t j = 0; dim->categories && j < dim->size; j++) {
            free(dim->categories[j].code);
            free(dim->categories[j].label);
        }
        free(dim->categories);
        free(dim->id);
        free(dim->label);
    }
    free(ds->dims);
    for (size_t i = 0; ds->statuses && i < ds->n_statuses; i++)
        free(ds->statuses[i]);
    free(ds->statuses);
    free(ds->status_index);
    free(ds->values);
    free(ds->label);
    free(ds->source);
    free(ds->updated);
    *ds = (struct jsonstat_dataset){0};
}

/* --- looking things up --- */

const char *jsonstat_status(const struct jsonstat_dataset *ds, size_t cell)
{
    if (!ds->status_index || cell >= ds->n_cells)
        return NULL;
    return ds->statuses[ds->status_index[cell]];
}

size_t jsonstat_flat_index(const struct jsonstat_dataset *ds, const size_t *positions)
{
    size_t flat = 0;
    for (size_t i = 0; i < ds->n_dims; i++)
        flat = flat * ds->dims[i].size + positions[i];
    return flat;
}

int jsonstat_find_dimension(const struct jsonstat_dataset *ds, const char *id)
{
    for (size_t i = 0; i < ds->n_dims; i++)
        if (strcmp(ds->dims[i].id, id) == 0)
            return (int)i;
    return -1;
}

int jsonstat_find_category(const struct jsonstat_dimension *dim, const char *code)
{
    for (size_t i = 0; i < dim->size; i++)
        if (dim->categories[i].code && strcmp(dim->categories[i].code, code) == 0)
            return i <= INT32_MAX ? (int)i : -1;
    return -1;
}

int jsonstat_time_dimension(const struct jsonstat_dataset *ds, const char *explicit_id)
{
    static const char *const time_names[] = {"time", "tid", "year", "time_period"};
    if (explicit_id)
        return jsonstat_find_dimension(ds, explicit_id);
    for (size_t i = 0; i < ds->n_dims; i++)
        if (ds->dims[i].is_time)
            return (int)i;
    for (size_t i = 0; i < ds->n_dims; i++)
        for (size_t k = 0; k < sizeof time_names / sizeof *time_names; k++)
            if (strcasecmp(ds->dims[i].id, time_names[k]) == 0)
                return (int)i;
    return -1;
}
