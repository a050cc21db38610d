/*
 * alert_log.c — the alert state's snapshot and log (see alert_log.h).
 */
#include "alert_log.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "array.h"
#include "atomic_file.h"
#include "log.h"

#define COMMIT_TAG "@commit "
#define COMPACT_MIN (64 * 1024) /* a log smaller than this is never worth a compaction */

struct alert_log {
    char *snapshot, *path;
    int fd;              /* the log, open for appending, or -1 */
    bool appendable;     /* fd -1, but the log replayed can be opened for appending */
    off_t size;          /* of the log */
    off_t snapshot_size; /* of the last snapshot */
    uint64_t written;
};

static uint32_t line_crc(const char *line, size_t len)
{
    return (uint32_t)crc32(0L, (const Bytef *)line, (uInt)len);
}

/* ---- reading ---- */

/* A line without its newline ending in " CRC" that matches: its length
 * without them, or 0. */
static size_t checked(const char *line, size_t len)
{
    if (len < 10 || line[len - 9] != ' ')
        return 0;
    uint32_t crc = 0;
    for (size_t i = len - 8; i < len; i++) {
        int d = line[i] >= '0' && line[i] <= '9'   ? line[i] - '0'
                : line[i] >= 'a' && line[i] <= 'f' ? line[i] - 'a' + 10
                                                   : -1;
        if (d < 0)
            return 0;
        crc = crc << 4 | (uint32_t)d;
    }
    return line_crc(line, len - 9) == crc ? len - 9 : 0;
}

/* "@commit COUNT" (checked): COUNT, or -1. */
static long long commit_count(const char *line, size_t len)
{
    const size_t tag = sizeof COMMIT_TAG - 1;
    long long count = 0;
    if (len <= tag || len > tag + 18 || memcmp(line, COMMIT_TAG, tag) != 0)
        return -1;
    for (size_t i = tag; i < len; i++) {
        if (line[i] < '0' || line[i] > '9')
            return -1;
        count = count * 10 + (line[i] - '0');
    }
    return count;
}

struct span {
    const char *text;
    size_t len;
};

struct replay {
    struct alert_ledger *ledger;
    const char *name;
    bool glance;          /* records glanced at (alert_ledger_glance_record), not read in full */
    struct span *pending; /* records of the pass not yet committed */
    size_t n_pending, cap_pending;
    char *err;
    size_t errlen;
};

static int apply_pending(struct replay *rp)
{
    for (size_t i = 0; rp->glance && i < rp->n_pending; i++)
        if (alert_ledger_glance_record(rp->ledger, rp->pending[i].text, rp->pending[i].len) < 0)
            return -1;
    for (size_t i = 0; !rp->glance && i < rp->n_pending; i++) {
        json_error_t jerr;
        json_t *record = json_loadb(rp->pending[i].text, rp->pending[i].len, 0, &jerr);
        int rc = json_is_object(record)
                     ? alert_ledger_apply(rp->ledger, rp->name, record, rp->err, rp->errlen)
                     : -1;
        if (!json_is_object(record))
            snprintf(rp->err, rp->errlen,
                     "%s: a record with an intact checksum is not a JSON object (%s); pejld "
                     "wrote this file, so something else changed it: move it aside",
                     rp->name, record ? "not an object" : jerr.text);
        json_decref(record);
        if (rc < 0)
            return -1;
    }
    rp->n_pending = 0;
    return 0;
}

/* The header's generation, or -1 when the first line is not a header. */
static long long header_generation(const char *text, size_t len, size_t *header_len)
{
    const size_t tag = sizeof ALERT_LOG_HEADER - 1;
    const char *nl = memchr(text, '\n', len);
    long long g = 0;
    if (!nl || (size_t)(nl - text) <= tag || (size_t)(nl - text) > tag + 18 ||
        memcmp(text, ALERT_LOG_HEADER, tag) != 0)
        return -1;
    for (const char *c = text + tag; c < nl; c++) {
        if (*c < '0' || *c > '9')
            return -1;
        g = g * 10 + (*c - '0');
    }
    *header_len = (size_t)(nl - text) + 1;
    return g;
}

/* One complete line (no newline); 1: it is damaged. */
static int replay_line(struct replay *rp, const char *line, size_t len, size_t line_end,
                       size_t *end)
{
    size_t body = checked(line, len);
    long long count = body ? commit_count(line, body) : -1;
    if (count >= 0 && (size_t)count == rp->n_pending) {
        if (apply_pending(rp) < 0)
            return -1;
        *end = line_end;
        return 0;
    }
    if (!body || line[0] != '{')
        return 1;
    if (array_grow((void **)&rp->pending, &rp->cap_pending, rp->n_pending + 1,
                   sizeof *rp->pending) < 0) {
        snprintf(rp->err, rp->errlen, "%s: out of memory", rp->name);
        return -1;
    }
    rp->pending[rp->n_pending++] = (struct span){line, body};
    return 0;
}

static int replay_lines(struct replay *rp, const char *text, size_t len, size_t at, size_t *end,
                        size_t *dropped)
{
    while (at < len) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t line_end = nl ? (size_t)(nl - text) + 1 : len;
        int rc = nl ? replay_line(rp, text + at, (size_t)(nl - text) - at, line_end, end) : 1;
        if (rc < 0)
            return -1;
        if (rc > 0 && line_end < len) {
            snprintf(rp->err, rp->errlen,
                     "%s: damaged line at byte %zu is followed by more lines; a crash leaves "
                     "at most one, at the end, so pejld will not guess. Keep a copy, then cut "
                     "the file at byte %zu (truncate -s %zu), or move it aside to lose the "
                     "alert changes since the last snapshot",
                     rp->name, at, at, at);
            return -1;
        }
        at = line_end;
    }
    *dropped = rp->n_pending;
    return 0;
}

static int replay_text(struct alert_ledger *l, const char *name, const char *text, size_t len,
                       bool glance, size_t *end, size_t *dropped, bool *stale, char *err,
                       size_t errlen)
{
    size_t header = 0;
    long long g = header_generation(text, len, &header);
    *end = len, *dropped = 0, *stale = false;
    if (g < 0) {
        snprintf(err, errlen,
                 "%s: not a pejl alert log (its first line is not \"%sGENERATION\"); move it "
                 "aside",
                 name, ALERT_LOG_HEADER);
        return -1;
    }
    if ((uint64_t)g > l->generation) {
        snprintf(err, errlen,
                 "%s: continues snapshot generation %lld, but alerts.json is generation %" PRIu64
                 " (restored from a backup, or removed?); put the matching alerts.json back, "
                 "or move both aside to start with fresh alert state",
                 name, g, l->generation);
        return -1;
    }
    if ((uint64_t)g < l->generation) {
        *stale = true; /* a compaction's snapshot holds all of it */
        return 0;
    }
    struct replay rp = {.ledger = l, .name = name, .glance = glance, .err = err, .errlen = errlen};
    *end = header;
    int rc = replay_lines(&rp, text, len, header, end, dropped);
    free(rp.pending);
    alert_ledger_saved(l);
    return rc;
}

int alert_log_replay(struct alert_ledger *l, const char *name, const char *text, size_t len,
                     size_t *end, size_t *dropped, bool *stale, char *err, size_t errlen)
{
    return replay_text(l, name, text, len, false, end, dropped, stale, err, errlen);
}

static int read_all(int fd, char **text, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -1;
    *text = malloc((size_t)st.st_size + 1);
    if (!*text)
        return -1;
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, *text + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    *len = got;
    return 0;
}

static void warn_dropped(const char *path, size_t end, size_t len, size_t dropped)
{
    log_warn("alert log %s: %zu bytes at byte %zu do not count (%zu records without their "
             "commit line, and perhaps a torn one), written when pejld was stopped mid-save; "
             "everything committed is kept, and the rest is cut at the next save",
             path, len - end, end, dropped);
}

/* Replays the log. Nothing is written here: --status and --report read the
 * state while the daemon may be appending, and must not cut its tail. The
 * log is opened for appending (and an unfinished tail cut) by the first
 * save; appendable stays false when there is none or it is stale. */
static int replay_log(struct alert_log *g, struct alert_ledger *l, bool glance, char *err,
                      size_t errlen)
{
    int fd = open(g->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    char *text = NULL;
    size_t len = 0, end = 0, dropped = 0;
    bool stale = false;
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        if (!atomic_file_state_link_error(g->path, err, errlen))
            snprintf(err, errlen, "%s: %s", g->path, strerror(errno));
        return -1;
    }
    if (read_all(fd, &text, &len) < 0) {
        snprintf(err, errlen, "%s: cannot read: %s", g->path, strerror(errno));
        close(fd);
        return -1;
    }
    close(fd);
    int rc = replay_text(l, g->path, text, len, glance, &end, &dropped, &stale, err, errlen);
    free(text);
    if (rc == 0 && !stale && end < len)
        warn_dropped(g->path, end, len, dropped);
    g->appendable = rc == 0 && !stale;
    g->size = (off_t)end;
    return rc;
}

/* Opens the log for appending at its committed end, cutting what followed. */
static int open_for_append(struct alert_log *g, char *err, size_t errlen)
{
    struct stat st;
    g->appendable = false; /* once: a failure here makes the next save compact */
    int fd = open(g->path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) < 0 ||
        (st.st_size != g->size && (ftruncate(fd, g->size) < 0 || fdatasync(fd) < 0))) {
        snprintf(err, errlen, "%s: cannot open for appending: %s", g->path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    g->fd = fd;
    return 0;
}

struct alert_log *alert_log_open(struct alert_ledger *l, const char *snapshot, const char *log,
                                 char *err, size_t errlen)
{
    struct alert_log *g = calloc(1, sizeof *g);
    struct stat st;
    if (!g || !(g->snapshot = strdup(snapshot)) || !(g->path = strdup(log))) {
        snprintf(err, errlen, "out of memory");
        alert_log_close(g);
        return NULL;
    }
    g->fd = -1;
    if (alert_ledger_load(l, snapshot, err, errlen) < 0 ||
        replay_log(g, l, false, err, errlen) < 0) {
        alert_ledger_free(l);
        alert_log_close(g);
        return NULL;
    }
    g->snapshot_size = stat(snapshot, &st) == 0 ? st.st_size : 0;
    return g;
}

/* The snapshot glanced at (alert_ledger_glance); -1 when it cannot be. */
static int glance_snapshot(struct alert_ledger *l, const char *path)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    char *text = NULL;
    size_t len = 0;
    int rc = fd >= 0 ? read_all(fd, &text, &len) : -1;
    if (fd >= 0)
        close(fd);
    rc = rc == 0 ? alert_ledger_glance(l, path, text, len) : -1;
    free(text);
    return rc;
}

int alert_log_glance(struct alert_ledger *l, const char *snapshot, const char *log)
{
    char err[512];
    struct alert_log g = {.path = (char *)log, .fd = -1};
    if (glance_snapshot(l, snapshot) < 0)
        return -1;
    if (replay_log(&g, l, true, err, sizeof err) < 0) {
        alert_ledger_free(l);
        return -1;
    }
    return 0;
}

void alert_log_close(struct alert_log *g)
{
    if (!g)
        return;
    if (g->fd >= 0)
        close(g->fd);
    free(g->snapshot);
    free(g->path);
    free(g);
}

uint64_t alert_log_written(const struct alert_log *g)
{
    return g->written;
}

/* ---- writing ---- */

struct buffer {
    char *text;
    size_t len, cap;
};

static int put(struct buffer *b, const char *s, size_t len)
{
    if (array_grow((void **)&b->text, &b->cap, b->len + len + 1, 1) < 0)
        return -1;
    memcpy(b->text + b->len, s, len);
    b->len += len;
    return 0;
}

/* Appends `line` with its " CRC\n". */
static int put_line(struct buffer *b, const char *line, size_t len)
{
    char tail[11];
    snprintf(tail, sizeof tail, " %08x\n", (unsigned)line_crc(line, len));
    return put(b, line, len) < 0 || put(b, tail, 10) < 0 ? -1 : 0;
}

/* Appends a record {key: value} (value consumed). */
static int put_record(struct buffer *b, json_t *record)
{
    char *text = record ? json_dumps(record, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    int rc = text ? put_line(b, text, strlen(text)) : -1;
    free(text);
    json_decref(record);
    return rc;
}

static int put_changes(struct buffer *b, const struct alert_ledger *l)
{
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < l->n_dirty_alerts; k++)
        rc = put_record(b,
                        json_pack("{s:o}", "alert", alert_to_json(&l->alerts[l->dirty_alerts[k]])));
    for (size_t k = 0; rc == 0 && k < l->n_dirty_collections; k++) {
        const struct collection_entry *e = &l->collections[l->dirty_collections[k]];
        rc = put_record(b, json_pack("{s:s, s:o}", "collection", e->indicator, "record",
                                     alert_ledger_collection_json(&e->record)));
    }
    for (size_t k = 0; rc == 0 && k < l->n_dirty_marks; k++)
        rc = put_record(
            b, json_pack("{s:o}", "mark", alert_ledger_mark_json(&l->marks[l->dirty_marks[k]])));
    if (rc == 0) {
        char commit[48];
        int n = snprintf(commit, sizeof commit, COMMIT_TAG "%zu",
                         l->n_dirty_alerts + l->n_dirty_collections + l->n_dirty_marks);
        rc = put_line(b, commit, (size_t)n);
    }
    return rc;
}

/* One pass's changes, on disk when this returns 0; a failed append is cut
 * off again so that the next one does not follow a torn line. */
static int append(struct alert_log *g, const struct alert_ledger *l, char *err, size_t errlen)
{
    struct buffer b = {0};
    if (put_changes(&b, l) < 0) {
        free(b.text);
        snprintf(err, errlen, "%s: out of memory", g->path);
        return -1;
    }
    if (atomic_file_write_all(g->fd, b.text, b.len) < 0 || fdatasync(g->fd) < 0) {
        snprintf(err, errlen, "%s: cannot write: %s", g->path, strerror(errno));
        if (ftruncate(g->fd, g->size) < 0) {
            close(g->fd); /* the next save compacts, which replaces the log */
            g->fd = -1;
        }
        free(b.text);
        return -1;
    }
    g->size += (off_t)b.len;
    g->written += b.len;
    free(b.text);
    return 0;
}

/* A fresh log for the snapshot just written, open for appending. */
static int fresh_log(struct alert_log *g, uint64_t generation, char *err, size_t errlen)
{
    char header[48];
    int n = snprintf(header, sizeof header, ALERT_LOG_HEADER "%" PRIu64 "\n", generation);
    if (g->fd >= 0)
        close(g->fd);
    g->fd = -1;
    g->appendable = false;
    if (atomic_file_write(g->path, header, (size_t)n, 0600, err, errlen) < 0)
        return -1;
    g->fd = open(g->path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
    if (g->fd < 0) {
        snprintf(err, errlen, "%s: %s", g->path, strerror(errno));
        return -1;
    }
    g->size = n;
    g->written += (uint64_t)n;
    return 0;
}

/* The whole ledger as a new snapshot, then a new log for it. */
static int compact(struct alert_log *g, struct alert_ledger *l, int64_t now, char *err,
                   size_t errlen)
{
    struct stat st;
    l->generation++;
    if (alert_ledger_save(l, g->snapshot, now, err, errlen) < 0) {
        l->generation--;
        return -1;
    }
    g->snapshot_size = stat(g->snapshot, &st) == 0 ? st.st_size : 0;
    g->written += (uint64_t)g->snapshot_size;
    if (fresh_log(g, l->generation, err, errlen) < 0)
        log_err("alert state saved in %s, but its log could not be started: %s; the next save "
                "writes the whole file again",
                g->snapshot, err);
    return 0; /* the snapshot holds everything: saved either way */
}

int alert_log_save(struct alert_log *g, struct alert_ledger *l, int64_t now, char *err,
                   size_t errlen)
{
    if (!alert_ledger_changed(l))
        return 0;
    off_t limit = g->snapshot_size > COMPACT_MIN ? g->snapshot_size : COMPACT_MIN;
    if (g->fd < 0 && g->appendable && !l->rewrite && open_for_append(g, err, errlen) < 0)
        log_warn("%s; the alert state is saved whole instead", err);
    int rc = l->rewrite || g->fd < 0 || g->size > limit ? compact(g, l, now, err, errlen)
                                                        : append(g, l, err, errlen);
    if (rc == 0)
        alert_ledger_saved(l);
    return rc;
}
