/*
 * inspect.c — `pejlctl inspect [--flat] [--dataset NAME] FILE|URL`: decodes a
 * JSON-stat document with the collectors' decoder and shows what a source
 * configuration can select from it: each dimension with its size and role,
 * then its category codes and labels. --flat prints every cell as CSV
 * instead, in JSON-stat's row-major order, so a figure can be checked
 * against the publisher's own table.
 */
#include "pejlctl.h"

#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/jsonstat/jsonstat_decode.h"

static const char usage_text[] =
    "usage: pejlctl inspect [--flat] [--dataset NAME] FILE|URL\n"
    "  Decodes a JSON-stat document (a path, - for stdin, a file: or http(s): URL)\n"
    "  and lists its dimensions with their category codes and labels.\n"
    "  --flat          print every cell as CSV instead: the dimension ids, value, status\n"
    "  --dataset NAME  the dataset to read from a JSON-stat 1.x bundle of several\n";

struct inspect_options {
    bool flat;
    const char *dataset;
    const char *where;
};

/* -1 to go on, or the exit code to leave with at once. */
static int parse_options(int argc, char **argv, struct inspect_options *o)
{
    static const struct option long_options[] = {{"flat", no_argument, NULL, 'f'},
                                                 {"dataset", required_argument, NULL, 'd'},
                                                 {"help", no_argument, NULL, 'h'},
                                                 {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
        switch (c) {
        case 'f':
            o->flat = true;
            break;
        case 'd':
            o->dataset = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return PEJLCTL_EXIT_OK;
        case ':':
            fprintf(stderr, "pejlctl inspect: %s needs a value\n%s", argv[optind - 1], usage_text);
            return PEJLCTL_EXIT_USAGE;
        default:
            fprintf(stderr, "pejlctl inspect: unknown option %s\n%s", argv[optind - 1], usage_text);
            return PEJLCTL_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "pejlctl inspect: %s\n%s",
                optind == argc ? "no file or URL given" : "one file or URL at a time", usage_text);
        return PEJLCTL_EXIT_USAGE;
    }
    o->where = argv[optind];
    return -1;
}

/* --- the dimension listing --- */

/* Characters on screen, counting a UTF-8 sequence as one. */
static size_t text_width(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Prints document text on one line: control bytes become '?'. */
static void print_text(const char *s)
{
    for (; *s; s++)
        putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

static void print_roles(const struct jsonstat_dimension *dim)
{
    const char *roles[3];
    size_t n = 0;
    if (dim->is_time)
        roles[n++] = "time";
    if (dim->is_geo)
        roles[n++] = "geo";
    if (dim->is_metric)
        roles[n++] = "metric";
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? "+" : ", role ", roles[i]);
}

static void print_dimension(const struct jsonstat_dimension *dim)
{
    size_t width = 0;
    printf("dimension ");
    print_text(dim->id);
    printf(": size %zu", dim->size);
    print_roles(dim);
    if (dim->label) {
        printf(", label \"");
        print_text(dim->label);
        printf("\"");
    }
    printf("\n");
    for (size_t i = 0; i < dim->size; i++)
        if (text_width(dim->categories[i].code) > width)
            width = text_width(dim->categories[i].code);
    for (size_t i = 0; i < dim->size; i++) {
        const struct jsonstat_category *c = &dim->categories[i];
        printf("    ");
        print_text(c->code);
        if (c->label) {
            printf("%*s  ", (int)(width - text_width(c->code)), "");
            print_text(c->label);
        }
        printf("\n");
    }
}

static void print_time(const struct jsonstat_dataset *ds)
{
    int time = jsonstat_time_dimension(ds, NULL);
    if (time < 0)
        printf("time      none found (no role time, no dimension called time, Tid, year or "
               "TIME_PERIOD)\n");
    else {
        printf("time      ");
        print_text(ds->dims[time].id);
        printf(" (%s)\n", ds->dims[time].is_time ? "role time" : "by its name");
    }
}

static void print_listing(const struct jsonstat_dataset *ds)
{
    size_t with_value = 0, with_status = 0;
    for (size_t i = 0; i < ds->n_cells; i++) {
        with_value += !isnan(ds->values[i]);
        with_status += jsonstat_status(ds, i) != NULL;
    }
    const struct {
        const char *name, *text;
    } fields[] = {
        {"label     ", ds->label}, {"source    ", ds->source}, {"updated   ", ds->updated}};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        if (!fields[i].text)
            continue;
        fputs(fields[i].name, stdout);
        print_text(fields[i].text);
        putchar('\n');
    }
    printf("cells     %zu: %zu with a value, %zu with a status\n", ds->n_cells, with_value,
           with_status);
    print_time(ds);
    for (size_t i = 0; i < ds->n_dims; i++) {
        printf("\n");
        print_dimension(&ds->dims[i]);
    }
}

/* --- every cell as CSV --- */

static void print_field(const char *text)
{
    if (!strpbrk(text, ",\"\r\n")) {
        fputs(text, stdout);
        return;
    }
    putchar('"');
    for (; *text; text++) {
        if (*text == '"')
            putchar('"');
        putchar(*text);
    }
    putchar('"');
}

/* The shortest of %.15g, %.16g and %.17g that reads back as the same double. */
static void format_value(double value, char *buf, size_t size)
{
    for (int precision = 15; precision <= 17; precision++) {
        snprintf(buf, size, "%.*g", precision, value);
        if (strtod(buf, NULL) == value)
            return;
    }
}

static void print_cell(const struct jsonstat_dataset *ds, size_t cell, const size_t *positions)
{
    char value[32] = "";
    const char *status = jsonstat_status(ds, cell);
    for (size_t d = 0; d < ds->n_dims; d++) {
        print_field(ds->dims[d].categories[positions[d]].code);
        putchar(',');
    }
    if (!isnan(ds->values[cell]))
        format_value(ds->values[cell], value, sizeof value);
    fputs(value, stdout);
    putchar(',');
    if (status)
        print_field(status);
    putchar('\n');
}

static int print_flat(const struct jsonstat_dataset *ds)
{
    size_t *positions = calloc(ds->n_dims, sizeof *positions);
    if (!positions)
        return -1;
    for (size_t d = 0; d < ds->n_dims; d++) {
        print_field(ds->dims[d].id);
        putchar(',');
    }
    printf("value,status\n");
    for (size_t cell = 0; cell < ds->n_cells; cell++) {
        print_cell(ds, cell, positions);
        for (size_t d = ds->n_dims; d-- > 0;) { /* the next position, last dimension fastest */
            if (++positions[d] < ds->dims[d].size)
                break;
            positions[d] = 0;
        }
    }
    free(positions);
    return 0;
}

/* --- the command --- */

static int decode_body(const struct inspect_options *o, const struct pejlctl_body *body,
                       struct jsonstat_dataset *ds)
{
    char err[1024];
    if (jsonstat_decode(body->bytes, body->len, o->dataset, ds, err, sizeof err) < 0) {
        if (body->http_status >= 400)
            fprintf(stderr, "pejlctl: %s: HTTP %ld: %s\n", o->where, body->http_status, err);
        else
            fprintf(stderr, "pejlctl: %s: %s\n", o->where, err);
        return -1;
    }
    if (body->http_status >= 400) {
        fprintf(stderr, "pejlctl: %s: HTTP %ld\n", o->where, body->http_status);
        jsonstat_free(ds);
        return -1;
    }
    return 0;
}

int inspect_main(int argc, char **argv)
{
    struct inspect_options o = {0};
    struct pejlctl_body body;
    struct jsonstat_dataset ds;
    char err[1024];
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (pejlctl_fetch(o.where, &body, err, sizeof err) < 0) {
        fprintf(stderr, "pejlctl: %s\n", err);
        return PEJLCTL_EXIT_FAILURE;
    }
    rc = decode_body(&o, &body, &ds);
    pejlctl_body_free(&body);
    if (rc < 0)
        return PEJLCTL_EXIT_FAILURE;
    if (o.flat)
        rc = print_flat(&ds);
    else
        print_listing(&ds);
    jsonstat_free(&ds);
    if (rc < 0 || fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "pejlctl: %s: %s\n", o.where,
                rc < 0 ? "out of memory" : "cannot write the output");
        return PEJLCTL_EXIT_FAILURE;
    }
    return PEJLCTL_EXIT_OK;
}
