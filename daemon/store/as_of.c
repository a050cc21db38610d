/*
 * as_of.c — moments, snapshots and value histories (see as_of.h).
 */
#include "as_of.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <dirent.h>

#include "array.h"
#include "atomic_file.h"
#include "journal.h"
#include "name_index.h"
#include "period.h"
#include "series.h"
#include "store.h"
#include "timestamp.h"

/* True when text begins like a date: dddd-dd-dd. */
static bool date_shaped(const char *text)
{
    static const char pattern[] = "dddd-dd-dd";
    for (size_t i = 0; pattern[i]; i++) {
        bool digit = text[i] >= '0' && text[i] <= '9';
        if (pattern[i] == 'd' ? !digit : text[i] != pattern[i])
            return false;
    }
    return true;
}

bool as_of_name_valid(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > AS_OF_NAME_MAX || date_shaped(name))
        return false;
    return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == len;
}

static int snapshots_path(const char *state_dir, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s/%s", state_dir, AS_OF_FILE);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* The whole file, NUL-terminated, in *text (free it); *text NULL when the
 * file does not exist. */
static int read_bounded(int fd, const char *path, char **text, char *err, size_t errlen)
{
    char *buf = malloc(AS_OF_FILE_MAX + 1);
    size_t len = 0;
    if (!buf) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    for (;;) {
        ssize_t got = read(fd, buf + len, AS_OF_FILE_MAX + 1 - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
            free(buf);
            return -1;
        }
        len += (size_t)got;
        if (got == 0 || len > AS_OF_FILE_MAX)
            break;
    }
    if (len > AS_OF_FILE_MAX) {
        snprintf(err, errlen,
                 "%s: larger than %d bytes; keep the snapshots you need (one per "
                 "line) and move the rest away",
                 path, AS_OF_FILE_MAX);
        free(buf);
        return -1;
    }
    buf[len] = '\0';
    *text = buf;
    return 0;
}

/* "NAME TIME" into *out; blank lines and # comments give 0 without one. */
static int parse_line(char *line, struct as_of_snapshot *out, bool *found)
{
    *found = false;
    line[strcspn(line, "#")] = '\0';
    char *name = strtok(line, " \t\r"), *time = name ? strtok(NULL, " \t\r") : NULL;
    if (!name)
        return 0;
    if (!time || strtok(NULL, " \t\r") || !as_of_name_valid(name) ||
        timestamp_parse(time, &out->t) < 0)
        return -1;
    snprintf(out->name, sizeof out->name, "%s", name);
    *found = true;
    return 0;
}

static int parse_snapshots(char *text, const char *path, struct as_of_snapshot **out, size_t *n,
                           char *err, size_t errlen)
{
    size_t cap = 0, line_no = 0;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line_no++;
        struct as_of_snapshot snapshot;
        bool found;
        if (parse_line(line, &snapshot, &found) < 0) {
            snprintf(err, errlen,
                     "%s:%zu: not \"NAME TIME\" (a name of [A-Za-z0-9._-], "
                     "2025-06-01T10:00:00Z); correct or remove the line",
                     path, line_no);
            return -1;
        }
        if (!found)
            continue;
        if (array_grow((void **)out, &cap, *n + 1, sizeof **out) < 0) {
            snprintf(err, errlen, "%s: out of memory", path);
            return -1;
        }
        (*out)[(*n)++] = snapshot;
    }
    return 0;
}

/* Reads the snapshots from an open file (or none, fd -1). */
static int read_snapshots(int fd, const char *path, struct as_of_snapshot **out, size_t *n,
                          char *err, size_t errlen)
{
    char *text = NULL;
    *out = NULL;
    *n = 0;
    if (fd < 0)
        return 0;
    if (read_bounded(fd, path, &text, err, errlen) < 0)
        return -1;
    int rc = parse_snapshots(text, path, out, n, err, errlen);
    free(text);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

static int open_error(const char *path, char *err, size_t errlen)
{
    if (!atomic_file_state_link_error(path, err, errlen))
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return -1;
}

int as_of_snapshot_list(const char *state_dir, struct as_of_snapshot **out, size_t *n, char *err,
                        size_t errlen)
{
    char path[4096];
    *out = NULL;
    *n = 0;
    if (snapshots_path(state_dir, path, sizeof path) < 0) {
        snprintf(err, errlen, "%s: path too long", state_dir);
        return -1;
    }
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno != ENOENT)
        return open_error(path, err, errlen);
    int rc = read_snapshots(fd, path, out, n, err, errlen);
    if (fd >= 0)
        close(fd);
    return rc;
}

static const struct as_of_snapshot *find_snapshot(const struct as_of_snapshot *all, size_t n,
                                                  const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(all[i].name, name) == 0)
            return &all[i];
    return NULL;
}

/* "no snapshot named X in FILE (it has: a, b)" */
static void unknown_name(const char *state_dir, const char *name, const struct as_of_snapshot *all,
                         size_t n, char *err, size_t errlen)
{
    int used =
        snprintf(err, errlen, "no snapshot named \"%s\" in %s/%s; ", name, state_dir, AS_OF_FILE);
    if (n == 0)
        used += snprintf(err + used, errlen - (size_t)used,
                         "none saved yet (pejlctl snapshot NAME saves one)");
    else
        used += snprintf(err + used, errlen - (size_t)used, "the snapshots are:");
    for (size_t i = 0; i < n && used > 0 && (size_t)used < errlen; i++)
        used += snprintf(err + used, errlen - (size_t)used, " %s", all[i].name);
    if (used > 0 && (size_t)used < errlen)
        snprintf(err + used, errlen - (size_t)used,
                 "; or write a date (2025-06-01) or a time (2025-06-01T10:00:00Z)");
}

static int resolve_time(const char *spec, int64_t *t, char *err, size_t errlen)
{
    if (timestamp_parse(spec, t) < 0) {
        snprintf(err, errlen,
                 "%s: not a date (2025-06-01) or an RFC 3339 time "
                 "(2025-06-01T10:00:00Z, 2025-06-01T12:00:00+02:00)",
                 spec);
        return -1;
    }
    if (spec[10] == '\0')
        *t += 86400 - 1; /* a date: what was known by the end of that day */
    return 0;
}

int as_of_resolve(const char *state_dir, const char *spec, int64_t *t, char *err, size_t errlen)
{
    if (date_shaped(spec))
        return resolve_time(spec, t, err, errlen);
    if (!as_of_name_valid(spec)) {
        snprintf(err, errlen,
                 "%s: not a date (2025-06-01), an RFC 3339 time "
                 "(2025-06-01T10:00:00Z) or a snapshot name ([A-Za-z0-9._-], at most %d)",
                 spec, AS_OF_NAME_MAX);
        return -1;
    }
    struct as_of_snapshot *all;
    size_t n;
    if (as_of_snapshot_list(state_dir, &all, &n, err, errlen) < 0)
        return -1;
    const struct as_of_snapshot *found = find_snapshot(all, n, spec);
    if (found)
        *t = found->t;
    else
        unknown_name(state_dir, spec, all, n, err, errlen);
    free(all);
    return found ? 0 : -1;
}

static int append_line(int fd, const char *path, const char *name, int64_t t, char *err,
                       size_t errlen)
{
    char when[TIMESTAMP_TEXT_MAX], line[AS_OF_NAME_MAX + TIMESTAMP_TEXT_MAX + 4];
    timestamp_format(t, when, sizeof when);
    int len = snprintf(line, sizeof line, "%s %s\n", name, when);
    if (write(fd, line, (size_t)len) != len || fsync(fd) < 0) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno ? errno : EIO));
        return -1;
    }
    return 0;
}

/* With the file locked: refuses a name that exists, else appends it. */
static int save_locked(int fd, const char *path, const char *name, int64_t t, char *err,
                       size_t errlen)
{
    struct as_of_snapshot *all;
    size_t n;
    if (read_snapshots(fd, path, &all, &n, err, errlen) < 0)
        return -1;
    const struct as_of_snapshot *dup = find_snapshot(all, n, name);
    if (dup) {
        char when[TIMESTAMP_TEXT_MAX];
        timestamp_format(dup->t, when, sizeof when);
        snprintf(err, errlen,
                 "%s: a snapshot named \"%s\" exists already (%s); choose another "
                 "name",
                 path, name, when);
    }
    free(all);
    return dup ? -1 : append_line(fd, path, name, t, err, errlen);
}

int as_of_snapshot_save(const char *state_dir, const char *name, int64_t t, char *err,
                        size_t errlen)
{
    char path[4096];
    if (!as_of_name_valid(name)) {
        snprintf(err, errlen,
                 "%s: not a snapshot name: write 1 to %d of A-Z a-z 0-9 . _ -, "
                 "not beginning like a date (board-2025-06, not 2025-06-01)",
                 name, AS_OF_NAME_MAX);
        return -1;
    }
    if (snapshots_path(state_dir, path, sizeof path) < 0) {
        snprintf(err, errlen, "%s: path too long", state_dir);
        return -1;
    }
    int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640);
    if (fd < 0)
        return open_error(path, err, errlen);
    int rc = -1;
    if (flock(fd, LOCK_EX) < 0)
        snprintf(err, errlen, "%s: cannot lock: %s", path, strerror(errno));
    else
        rc = save_locked(fd, path, name, t, err, errlen);
    close(fd); /* and with it the lock */
    return rc;
}

struct store *as_of_store_with_views(const struct store_settings *settings, int64_t as_of,
                                     char *dir, size_t dirsize, char *err, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    int n = snprintf(dir, dirsize, "%s/pejl-as-of.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (n < 0 || (size_t)n >= dirsize || !mkdtemp(dir)) {
        snprintf(err, errlen, "cannot create a folder for the graphs' RRD files in %s: %s",
                 tmp && *tmp ? tmp : "/tmp", strerror(errno));
        dir[0] = '\0';
        return NULL;
    }
    struct store *store = store_read_as_of(settings, as_of, err, errlen);
    struct store_settings views = *settings;
    views.rrd_dir = dir;
    views.rrdcached = NULL; /* files of our own, not the daemon's */
    if (store && store_draw_from(store, &views) < 0) {
        snprintf(err, errlen, "out of memory");
        store_close(store);
        store = NULL;
    }
    if (!store) {
        as_of_views_remove(dir);
        dir[0] = '\0';
    }
    return store;
}

void as_of_views_remove(const char *dir)
{
    DIR *d = dir && *dir ? opendir(dir) : NULL;
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            unlinkat(dirfd(d), e->d_name, 0); /* a folder mkdtemp made: all ours */
    closedir(d);
    rmdir(dir);
}

int as_of_snapshot_save_dated(const char *state_dir, const char *prefix, int64_t t, char *name,
                              size_t namesize, char *err, size_t errlen)
{
    char day[TIMESTAMP_TEXT_MAX];
    timestamp_format(t, day, sizeof day);
    for (int n = 1; n <= 99; n++) {
        if (n == 1)
            snprintf(name, namesize, "%s-%.10s", prefix, day);
        else
            snprintf(name, namesize, "%s-%.10s.%d", prefix, day, n);
        if (as_of_snapshot_save(state_dir, name, t, err, errlen) == 0)
            return 0;
        if (!strstr(err, "exists already"))
            return -1;
    }
    return -1; /* 99 that day: the last error says so */
}

/* The history: one growing array of values per series, found by key. */
struct history_series {
    char key[SERIES_KEY_MAX + 1];
    struct as_of_vintage *items;
    size_t n, cap;
};

struct as_of_history {
    struct name_index index;
    struct history_series **series;
    size_t n, cap;
    const char *only; /* while reading: the one key wanted, or NULL */
};

static struct history_series *history_add(struct as_of_history *h, const char *key)
{
    struct history_series *s = calloc(1, sizeof *s);
    if (!s || array_grow((void **)&h->series, &h->cap, h->n + 1, sizeof *h->series) < 0) {
        free(s);
        return NULL;
    }
    snprintf(s->key, sizeof s->key, "%s", key);
    if (name_index_put(&h->index, s->key, s) < 0) {
        free(s);
        return NULL;
    }
    h->series[h->n++] = s;
    return s;
}

/* `key` itself, or a member of it ("x.DK" for "x"). */
static bool wanted(const char *only, const char *key)
{
    size_t len = strlen(only);
    return strncmp(key, only, len) == 0 && (key[len] == '\0' || key[len] == '.');
}

static int history_record(void *arg, const struct journal_record *r)
{
    struct as_of_history *h = arg;
    if (isnan(r->obs.value) || (h->only && !wanted(h->only, r->indicator)))
        return 0;
    struct history_series *s = name_index_get(&h->index, r->indicator);
    if (!s && !(s = history_add(h, r->indicator)))
        return -1;
    if (array_grow((void **)&s->items, &s->cap, s->n + 1, sizeof *s->items) < 0)
        return -1;
    s->items[s->n++] = (struct as_of_vintage){.period = r->obs.period,
                                              .value = r->obs.value,
                                              .status = r->obs.status,
                                              .vintage = r->vintage};
    return 0;
}

/* A stable merge sort by period end: each period's values keep the order
 * the journal recorded them in (qsort promises no such thing). */
static void merge_sort(struct as_of_vintage *items, struct as_of_vintage *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t half = n / 2;
    merge_sort(items, tmp, half);
    merge_sort(items + half, tmp, n - half);
    size_t i = 0, j = half, k = 0;
    while (i < half && j < n)
        tmp[k++] =
            period_end(&items[j].period) < period_end(&items[i].period) ? items[j++] : items[i++];
    while (i < half)
        tmp[k++] = items[i++];
    memcpy(items, tmp, k * sizeof *items); /* the rest, items[j..n), is in place */
}

static int sort_history(struct as_of_history *h)
{
    for (size_t i = 0; i < h->n; i++) {
        struct history_series *s = h->series[i];
        struct as_of_vintage *tmp = malloc((s->n ? s->n : 1) * sizeof *tmp);
        if (!tmp)
            return -1;
        merge_sort(s->items, tmp, s->n);
        free(tmp);
    }
    return 0;
}

struct as_of_history *as_of_history_read(const char *state_dir, const char *key, char *err,
                                         size_t errlen)
{
    struct as_of_history *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    h->only = key;
    err[0] = '\0';
    if (journal_read(state_dir, history_record, h, err, errlen) < 0 || sort_history(h) < 0) {
        if (!*err)
            snprintf(err, errlen, "out of memory reading the journal's history");
        as_of_history_free(h);
        return NULL;
    }
    h->only = NULL;
    return h;
}

void as_of_history_free(struct as_of_history *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++) {
        free(h->series[i]->items);
        free(h->series[i]);
    }
    free(h->series);
    name_index_clear(&h->index);
    free(h);
}

const struct as_of_vintage *as_of_history_series(const struct as_of_history *h, const char *key,
                                                 size_t *n)
{
    const struct history_series *s = name_index_get(&h->index, key);
    *n = s ? s->n : 0;
    return s && s->n ? s->items : NULL;
}

void as_of_history_each(const struct as_of_history *h, void (*fn)(const char *key, void *arg),
                        void *arg)
{
    for (size_t i = 0; i < h->n; i++)
        fn(h->series[i]->key, arg);
}
