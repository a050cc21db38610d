/*
 * journal.c — the observation journal (see journal.h).
 */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "crc32.h"
#include "log.h"
#include "period.h"
#include "value.h"

#define JOURNAL_HEADER "pejl-journal 1\n"
#define RECORD_MAX 256 /* id (64) + period + %.17g + status + vintage + crc, with room */

struct journal {
    int fd;
    char *path;
    off_t size; /* bytes known good and durable */
    uint64_t records;
    char *staged;
    size_t staged_len, staged_cap, staged_count;
    size_t flushed;  /* staged bytes already written, not yet synced */
    int write_errno; /* an early write failed: the commit will */
};

/* ---- record text ---- */

static char *put_text(char *o, const char *text, size_t len)
{
    memcpy(o, text, len);
    return o + len;
}

static char *put_int(char *o, long long v)
{
    char tmp[24], *t = tmp + sizeof tmp;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do
        *--t = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--t = '-';
    return put_text(o, t, (size_t)(tmp + sizeof tmp - t));
}

static char *put_hex8(char *o, uint32_t v)
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 7; i >= 0; i--, v >>= 4)
        o[i] = hex[v & 15];
    return o + 8;
}

/* One record line; -1 when it would not fit. Runs once per stored value,
 * so no printf: the whole line costs a few hundred instructions. */
static int format_record(const struct journal_record *r, char *buf, size_t size)
{
    char period[PERIOD_TEXT_MAX], status[8], value[40];
    size_t id_len = strlen(r->indicator);
    size_t period_len = period_format(&r->obs.period, period, sizeof period);
    size_t status_len = status_format(r->obs.status, status, sizeof status);
    size_t value_len = value_format(r->obs.value, value, sizeof value);
    if (status_len == 0)
        status[0] = '-', status_len = 1;
    if (id_len + period_len + value_len + status_len + 24 + 11 > size)
        return -1;
    char *o = put_text(buf, r->indicator, id_len);
    *o++ = ' ';
    o = put_text(o, period, period_len);
    *o++ = ' ';
    o = put_text(o, value, value_len);
    *o++ = ' ';
    o = put_text(o, status, status_len);
    *o++ = ' ';
    o = put_int(o, r->vintage);
    uint32_t crc = crc32_update(0, buf, (size_t)(o - buf));
    *o++ = ' ';
    o = put_hex8(o, crc);
    *o++ = '\n';
    return (int)(o - buf);
}

/* A record without its CRC: indicator, period, value, status, vintage. */
#define RECORD_FIELDS 5

static int split_fields(char *line, char *fields[RECORD_FIELDS])
{
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
        if (n < RECORD_FIELDS)
            fields[n++] = tok;
        else
            return -1;
    return n == RECORD_FIELDS ? 0 : -1;
}

static int parse_value(const char *text, double *out)
{
    if (strcmp(text, "nan") == 0) {
        *out = NAN;
        return 0;
    }
    char *end;
    errno = 0;
    *out = strtod(text, &end);
    return end == text || *end || !isfinite(*out) ? -1 : 0;
}

/* Parses one line without its newline; -1 when it is not a valid record. */
static int parse_record(const char *line, size_t len, struct journal_record *r, char *id_buf)
{
    char copy[RECORD_MAX], *f[RECORD_FIELDS];
    if (len < 12 || len >= sizeof copy)
        return -1;
    unsigned crc;
    char *end;
    errno = 0;
    crc = (unsigned)strtoul(line + len - 8, &end, 16);
    if (line[len - 9] != ' ' || end != line + len || errno ||
        crc32_update(0, line, len - 9) != crc)
        return -1;
    memcpy(copy, line, len - 9);
    copy[len - 9] = '\0';
    if (split_fields(copy, f) < 0 || strlen(f[0]) > JOURNAL_KEY_MAX)
        return -1;
    if (period_parse(f[1], strlen(f[1]), &r->obs.period) < 0 ||
        parse_value(f[2], &r->obs.value) < 0 || status_parse(f[3], strlen(f[3]), &r->obs.status) < 0)
        return -1;
    r->vintage = strtoll(f[4], &end, 10);
    if (*end)
        return -1;
    strcpy(id_buf, f[0]);
    r->indicator = id_buf;
    return 0;
}

/* ---- replay ---- */

struct replay {
    struct journal *journal;
    journal_replay_fn fn;
    void *arg;
    off_t offset;   /* of the line being read */
    off_t good_end; /* end of the last valid record */
    off_t bad_at;   /* first invalid line, or -1 */
    size_t bad_len;
};

static int replay_line(struct replay *rp, const char *line, size_t len)
{
    struct journal_record r;
    char id[JOURNAL_KEY_MAX + 1];
    if (rp->offset == 0) {
        if (len + 1 == sizeof JOURNAL_HEADER - 1 && memcmp(line, JOURNAL_HEADER, len) == 0) {
            rp->good_end = (off_t)len + 1;
            return 0;
        }
        return -2; /* a complete first line that is not our header */
    } else if (parse_record(line, len, &r, id) == 0) {
        if (rp->bad_at >= 0)
            return -1; /* damage with intact records after it */
        rp->good_end = rp->offset + (off_t)len + 1;
        rp->journal->records++;
        return rp->fn(rp->arg, &r);
    }
    if (rp->bad_at < 0)
        rp->bad_at = rp->offset;
    return 0;
}

static int replay_file(struct replay *rp, FILE *f, char *err, size_t errlen)
{
    char line[RECORD_MAX + 2];
    bool long_line = false;
    int rc;
    while (fgets(line, sizeof line, f)) {
        size_t len = (size_t)(ftello(f) - rp->offset);
        bool complete = len > 0 && line[len - 1] == '\n';
        if (long_line || !complete || memchr(line, '\0', len)) {
            /* An over-long or unterminated line is not a record. */
            if (rp->bad_at < 0)
                rp->bad_at = rp->offset;
            long_line = !complete;
        } else if ((rc = replay_line(rp, line, len - 1)) < 0) {
            if (rc == -2)
                snprintf(err, errlen,
                         "%s: not a pejl journal (its first line is not \"pejl-journal 1\"); "
                         "move it away or point state_dir elsewhere",
                         rp->journal->path);
            else if (rp->bad_at >= 0)
                snprintf(err, errlen,
                         "%s: damaged record at byte %lld is followed by intact records; "
                         "pejld will not guess. Keep a copy, then cut the file at byte %lld "
                         "(truncate -s %lld) to drop the damaged part, or restore a backup",
                         rp->journal->path, (long long)rp->bad_at, (long long)rp->bad_at,
                         (long long)rp->bad_at);
            else
                snprintf(err, errlen, "%s: replay stopped at byte %lld", rp->journal->path,
                         (long long)rp->offset);
            return -1;
        }
        rp->offset += (off_t)len;
    }
    return 0;
}

/* True when every byte from `from` to the end of the file is NUL: what a
 * file system can leave when a crash lands after the size was extended but
 * before the data reached the disk. Such a tail held nothing acknowledged. */
static bool tail_is_nul(int fd, off_t from)
{
    char buf[4096];
    ssize_t n;
    while ((n = pread(fd, buf, sizeof buf, from)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            if (buf[i] != '\0')
                return false;
        from += n;
    }
    return n == 0;
}

static int drop_torn_tail(struct journal *j, const struct replay *rp, off_t file_size, char *err,
                          size_t errlen)
{
    if (rp->good_end == file_size)
        return 0;
    if (file_size - rp->good_end > RECORD_MAX + 1 && !tail_is_nul(j->fd, rp->good_end)) {
        snprintf(err, errlen,
                 "%s: %lld bytes after the last intact record (byte %lld) are not records; "
                 "a torn write leaves at most one. Is this a pejl journal? Keep a copy and "
                 "restore a backup, or cut it with truncate -s %lld",
                 j->path, (long long)(file_size - rp->good_end), (long long)rp->good_end,
                 (long long)rp->good_end);
        return -1;
    }
    log_warn("journal %s: dropping %lld bytes of a torn last record at byte %lld "
             "(written when pejld was stopped mid-write; nothing acknowledged is lost)",
             j->path, (long long)(file_size - rp->good_end), (long long)rp->good_end);
    if (ftruncate(j->fd, rp->good_end) < 0 || fdatasync(j->fd) < 0) {
        snprintf(err, errlen, "%s: cannot cut the torn record: %s", j->path, strerror(errno));
        return -1;
    }
    return 0;
}

static int ensure_header(struct journal *j, char *err, size_t errlen)
{
    if (j->size > 0)
        return 0;
    if (write_all(j->fd, JOURNAL_HEADER, sizeof JOURNAL_HEADER - 1) < 0 || fdatasync(j->fd) < 0) {
        snprintf(err, errlen, "%s: cannot write: %s", j->path, strerror(errno));
        return -1;
    }
    j->size = sizeof JOURNAL_HEADER - 1;
    return 0;
}

static int replay(struct journal *j, journal_replay_fn fn, void *arg, char *err, size_t errlen)
{
    int fd = dup(j->fd);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        snprintf(err, errlen, "%s: %s", j->path, strerror(errno));
        return -1;
    }
    struct replay rp = {.journal = j, .fn = fn, .arg = arg, .bad_at = -1};
    int rc = replay_file(&rp, f, err, errlen);
    off_t file_size = rp.offset;
    fclose(f);
    if (rc < 0)
        return -1;
    if (drop_torn_tail(j, &rp, file_size, err, errlen) < 0)
        return -1;
    j->size = rp.good_end;
    return ensure_header(j, err, errlen);
}

static int replay_readonly(struct journal *j, journal_replay_fn fn, void *arg, char *err,
                           size_t errlen)
{
    FILE *f = fdopen(dup(j->fd), "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", j->path, strerror(errno));
        return -1;
    }
    struct replay rp = {.journal = j, .fn = fn, .arg = arg, .bad_at = -1};
    int rc = replay_file(&rp, f, err, errlen);
    fclose(f);
    return rc;
}

static int open_locked(struct journal *j, const char *state_dir, char *err, size_t errlen)
{
    if (asprintf(&j->path, "%s/%s", state_dir, JOURNAL_FILE) < 0) {
        j->path = NULL;
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    j->fd = open(j->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (j->fd < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", j->path, strerror(errno));
        return -1;
    }
    if (flock(j->fd, LOCK_EX | LOCK_NB) < 0) {
        snprintf(err, errlen, "%s: %s (is another pejld using %s?)", j->path,
                 errno == EWOULDBLOCK ? "locked" : strerror(errno), state_dir);
        return -1;
    }
    return 0;
}

struct journal *journal_open(const char *state_dir, journal_replay_fn fn, void *arg, char *err,
                             size_t errlen)
{
    struct journal *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->fd = -1;
    if (open_locked(j, state_dir, err, errlen) < 0 || replay(j, fn, arg, err, errlen) < 0) {
        journal_close(j);
        return NULL;
    }
    if (lseek(j->fd, 0, SEEK_END) != j->size) {
        snprintf(err, errlen, "%s: its size does not match what was read", j->path);
        journal_close(j);
        return NULL;
    }
    return j;
}

/* Replays without locking or repairing anything: what pejld --status reads
 * while the daemon may be writing. A torn tail is simply not read. */
int journal_read(const char *state_dir, journal_replay_fn fn, void *arg, char *err, size_t errlen)
{
    struct journal j = {.fd = -1};
    if (asprintf(&j.path, "%s/%s", state_dir, JOURNAL_FILE) < 0)
        return -1;
    j.fd = open(j.path, O_RDONLY | O_CLOEXEC);
    int rc = -1;
    if (j.fd < 0)
        snprintf(err, errlen, "%s: %s", j.path, strerror(errno));
    else
        rc = replay_readonly(&j, fn, arg, err, errlen);
    if (j.fd >= 0)
        close(j.fd);
    free(j.path);
    return rc;
}

void journal_close(struct journal *j)
{
    if (!j)
        return;
    if (j->fd >= 0)
        close(j->fd);
    free(j->path);
    free(j->staged);
    free(j);
}

/* ---- commit ---- */

/* Staged text beyond this goes to the file before the commit (without
 * fsync), so a large group commit holds a megabyte, not the whole batch. */
#define STAGE_FLUSH_BYTES (1u << 20)

/* Writes staged text early. A failure is remembered and fails the commit. */
static void flush_staged(struct journal *j)
{
    if (j->write_errno == 0 && write_all(j->fd, j->staged, j->staged_len) < 0)
        j->write_errno = errno ? errno : EIO;
    j->flushed += j->staged_len;
    j->staged_len = 0;
}

/* Cuts the file back to its last durable end: nothing pending counts. */
static void cut_back(struct journal *j)
{
    if (j->flushed > 0 && ftruncate(j->fd, j->size) < 0)
        log_err("journal %s: cannot cut back a failed commit: %s", j->path, strerror(errno));
    j->flushed = 0;
    j->staged_len = 0;
    j->staged_count = 0;
    j->write_errno = 0;
}

int journal_stage(struct journal *j, const struct journal_record *r)
{
    if (isinf(r->obs.value) || !period_valid(&r->obs.period))
        return -1; /* replay would refuse it: never write it */
    if (j->staged_cap - j->staged_len < RECORD_MAX) {
        size_t cap = j->staged_cap ? j->staged_cap * 2 : 64 * 1024;
        char *grown = realloc(j->staged, cap);
        if (!grown)
            return -1;
        j->staged = grown;
        j->staged_cap = cap;
    }
    int n = format_record(r, j->staged + j->staged_len, RECORD_MAX);
    if (n < 0)
        return -1;
    j->staged_len += (size_t)n;
    j->staged_count++;
    if (j->staged_len >= STAGE_FLUSH_BYTES)
        flush_staged(j);
    return 0;
}

size_t journal_staged(const struct journal *j)
{
    return j->staged_count;
}

struct journal_mark journal_mark(const struct journal *j)
{
    return (struct journal_mark){j->flushed + j->staged_len, j->staged_count};
}

void journal_rollback(struct journal *j, struct journal_mark mark)
{
    if (mark.len >= j->flushed) {
        j->staged_len = mark.len - j->flushed;
    } else { /* part of what goes back was written early: cut the file too */
        if (ftruncate(j->fd, j->size + (off_t)mark.len) < 0 && j->write_errno == 0)
            j->write_errno = errno;
        j->flushed = mark.len;
        j->staged_len = 0;
    }
    j->staged_count = mark.count;
}

void journal_discard(struct journal *j)
{
    cut_back(j);
}

int journal_commit(struct journal *j, char *err, size_t errlen)
{
    if (j->staged_count == 0)
        return 0;
    flush_staged(j);
    if (j->write_errno == 0 && fdatasync(j->fd) < 0)
        j->write_errno = errno;
    if (j->write_errno) {
        snprintf(err, errlen, "%s: cannot write %zu records: %s", j->path, j->staged_count,
                 strerror(j->write_errno));
        cut_back(j); /* nothing of this commit counts */
        return -1;
    }
    j->size += (off_t)j->flushed;
    j->records += j->staged_count;
    j->flushed = 0;
    j->staged_count = 0;
    return 0;
}

const char *journal_path(const struct journal *j)
{
    return j->path;
}

uint64_t journal_records(const struct journal *j)
{
    return j->records;
}
