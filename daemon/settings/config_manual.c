/*
 * config_manual.c — `pejld --check-config` looks at the manual series: a
 * csv source whose url is a file: (figures that only exist in reports, kept
 * by hand, e.g. /etc/pejl/manual/wait-days.csv) must name a file that
 * exists and holds a header and at least one row. Otherwise the problem is
 * reported at the source's url, with the path and what to put there,
 * instead of as a failed collection once the daemon runs.
 *
 * Only --check-config asks (config_overrides.manual_files): the daemon
 * itself starts without the file and says so at the collection. Reads at
 * most a few lines of each file; uses nothing but libconfig and libc.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_loader.h"

#define MANUAL_HINT                                                                                \
    "put the figures there as CSV: a header line period,value,status and one row per period "      \
    "(e.g. 2023,169,), labelling published figures in # comments (the package installs "           \
    "templates in /etc/pejl/manual/)"

static int hex_digit(int c)
{
    return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* The path of a file: URL, %XX decoded; NULL when it names another host. */
static char *manual_path(struct loader *l, const config_setting_t *where, const char *url)
{
    const char *path = url + 5;
    if (strncmp(url, "file://", 7) == 0) {
        path = url + 7;
        if (*path != '/')
            return NULL; /* file://host/…: not a local file pejld can look at */
    }
    char *decoded = config_resolve_path(l, where, path);
    if (!decoded)
        return NULL;
    char *o = decoded;
    for (const char *c = decoded; *c; c++) {
        if (c[0] == '%' && isxdigit((unsigned char)c[1]) && isxdigit((unsigned char)c[2])) {
            *o++ = (char)(hex_digit((unsigned char)c[1]) * 16 + hex_digit((unsigned char)c[2]));
            c += 2;
        } else {
            *o++ = *c;
        }
    }
    *o = '\0';
    return decoded;
}

/* What a line holds: 0 nothing (blank, a # comment), 1 a row (it starts
 * with a period, which starts with a digit), 2 anything else (a header). */
static int line_kind(const char *line)
{
    if (strncmp(line, "\xef\xbb\xbf", 3) == 0)
        line += 3; /* a UTF-8 byte order mark */
    while (*line == ' ' || *line == '\t' || *line == '\r' || *line == '\n')
        line++;
    if (*line == '\0' || *line == '#')
        return 0;
    return isdigit((unsigned char)*line) ? 1 : 2;
}

/* Whether the file has a first line (*lines) and a row (return 1); -1 and
 * *err on error. Stops at the first row. */
static int find_row(const char *path, bool *lines, int *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        *err = errno;
        return -1;
    }
    char line[512];
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        bool whole = strchr(line, '\n') != NULL;
        int kind = line_kind(line);
        *lines |= kind != 0;
        found = kind == 1;
        while (!whole && fgets(line, sizeof line, f)) /* the rest of a long line */
            whole = strchr(line, '\n') != NULL;
    }
    if (ferror(f)) {
        *err = errno ? errno : EIO;
        found = -1;
    }
    fclose(f);
    return found;
}

static void check_manual_source(struct loader *l, const config_setting_t *ind)
{
    const config_setting_t *src = config_setting_get_member(ind, "source");
    const char *collector = NULL, *url = NULL, *id = NULL;
    if (!src || config_setting_type(src) != CONFIG_TYPE_GROUP ||
        !config_setting_lookup_string(src, "collector", &collector) ||
        strcmp(collector, "csv") != 0 || !config_setting_lookup_string(src, "url", &url) ||
        strncmp(url, "file:", 5) != 0 || !url[5])
        return; /* not a manual series, or already reported by the csv collector */
    if (!config_setting_lookup_string(ind, "id", &id))
        id = "indicator";
    const config_setting_t *where = config_setting_get_member(src, "url");
    char *path = manual_path(l, where, url);
    if (!path)
        return;
    int err = 0;
    bool lines = false;
    int n = find_row(path, &lines, &err);
    if (n < 0)
        diag_config_error(l->diag, where, "%s: manual series file %s %s: %s", id, path,
                          err == ENOENT ? "is missing" : "cannot be read", MANUAL_HINT);
    else if (n == 0 && !lines)
        diag_config_error(l->diag, where, "%s: manual series file %s is empty: %s", id, path,
                          MANUAL_HINT);
    else if (n == 0)
        diag_config_error(l->diag, where,
                          "%s: manual series file %s has a header but no rows: add one row per "
                          "period, e.g. 2023,169, (write 2023,.., for a figure not yet entered)",
                          id, path);
    free(path);
}

void config_check_manual_files(struct loader *l, const config_setting_t *root)
{
    const config_setting_t *list = config_setting_get_member(root, "indicators");
    if (!list || config_setting_type(list) != CONFIG_TYPE_LIST)
        return;
    for (int i = 0; i < config_setting_length(list); i++) {
        const config_setting_t *ind = config_setting_get_elem(list, (unsigned)i);
        if (config_setting_type(ind) == CONFIG_TYPE_GROUP)
            check_manual_source(l, ind);
    }
}
