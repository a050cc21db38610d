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
#include <sys/statvfs.h>
#include <unistd.h>
#include <zlib.h>

#include "atomic_file.h"
#include "log.h"
#include "period.h"
#include "value.h"

/* Format 2 ends every commit with a commit record; format 1 (pejl before
 * commit records) had none, and each of its records counts by itself. */
#define JOURNAL_HEADER "pejl-journal 2\n"
#define JOURNAL_HEADER_V1 "pejl-journal 1\n"
#define RECORD_MAX 384 /* key (129) + period + %.17g + status + vintage + crc, with room */

/* The CRC-32 of a line (IEEE 802.3, zlib's): every line is shorter than
 * RECORD_MAX, so its length fits zlib's uInt. */
static uint32_t line_crc(const char *line, size_t len)
{
    return (uint32_t)crc32(0L, (const Bytef *)line, (uInt)len);
}

struct journal {
    int fd;
    char *path;
    off_t size; /* bytes known good and durable */
    uint64_t records;
    char *staged;
    size_t staged_len, staged_cap, staged_count;
    size_t flushed;  /* staged bytes already written, not yet synced */
    int write_errno; /* an early write failed: the commit will */
    int cut_errno;   /* a failed commit is still in the file: nothing may follow it */
    off_t last_begin, last_end; /* the bytes of the last commit that succeeded */
    int commit_errno;           /* the last commit with records failed with it; 0: it did not */
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
    uint32_t crc = line_crc(buf, (size_t)(o - buf));
    *o++ = ' ';
    o = put_hex8(o, crc);
    *o++ = '\n';
    return (int)(o - buf);
}

/* A record without its CRC: indicator, period, value, status, vintage. */
#define RECORD_FIELDS 5

/* Replay reads every record ever written (start-up, --status, --report,
 * and --as-of over all of them), so the fields are taken apart in place,
 * without copying the line or a library call per field where a plain
 * form can be read directly. */
struct field {
    const char *text;
    size_t len;
};

/* The space-separated fields of `line` (runs of spaces count as one, as
 * strtok() took them); -1 unless there are exactly RECORD_FIELDS. */
static int split_fields(const char *line, size_t len, struct field f[RECORD_FIELDS])
{
    size_t n = 0, i = 0;
    while (i < len) {
        if (line[i] == ' ') {
            i++;
            continue;
        }
        if (n == RECORD_FIELDS)
            return -1;
        const char *sp = memchr(line + i, ' ', len - i);
        size_t end = sp ? (size_t)(sp - line) : len;
        f[n++] = (struct field){line + i, end - i};
        i = end;
    }
    return n == RECORD_FIELDS ? 0 : -1;
}

static const double exact_powers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* "-123.456": at most 15 digits, so the digits are an exact double and so
 * is the power of ten; one division then rounds correctly (Clinger's fast
 * path), giving strtod()'s result. 0 when the text is not of that form. */
static int plain_decimal(const char *text, size_t len, double *out)
{
    size_t i = text[0] == '-', digits = 0, decimals = 0;
    bool point = false;
    uint64_t m = 0;
    for (; i < len; i++) {
        if (text[i] == '.' && !point) {
            point = true;
        } else if (text[i] >= '0' && text[i] <= '9') {
            m = m * 10 + (uint64_t)(text[i] - '0');
            decimals += point;
            digits++;
        } else {
            return 0;
        }
    }
    if (digits == 0 || digits > 15)
        return 0;
    double v = (double)m / exact_powers[decimals];
    *out = text[0] == '-' ? -v : v;
    return 1;
}

static int parse_value(const char *text, size_t len, double *out)
{
    if (len == 3 && memcmp(text, "nan", 3) == 0) {
        *out = NAN;
        return 0;
    }
    if (plain_decimal(text, len, out))
        return 0;
    char copy[RECORD_MAX], *end; /* the rest (exponents, long mantissas): strtod */
    if (len >= sizeof copy)
        return -1;
    memcpy(copy, text, len);
    copy[len] = '\0';
    *out = strtod(copy, &end);
    return end == copy || *end || !isfinite(*out) ? -1 : 0;
}

/* A vintage: decimal seconds, as strtoll() reads them. */
static int parse_vintage(const char *text, size_t len, int64_t *out)
{
    int64_t v = 0;
    size_t i = text[0] == '-';
    if (len > i && len - i <= 18) { /* no overflow possible */
        for (; i < len && text[i] >= '0' && text[i] <= '9'; i++)
            v = v * 10 + (text[i] - '0');
        if (i == len) {
            *out = text[0] == '-' ? -v : v;
            return 0;
        }
    }
    char copy[32], *end;
    if (len >= sizeof copy)
        return -1;
    memcpy(copy, text, len);
    copy[len] = '\0';
    *out = strtoll(copy, &end, 10);
    return *end ? -1 : 0;
}

/* The eight hex digits of a CRC. */
static int parse_crc(const char *text, uint32_t *crc)
{
    *crc = 0;
    for (int i = 0; i < 8; i++) {
        char c = text[i];
        int digit = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
        if (digit < 0)
            return -1;
        *crc = *crc << 4 | (uint32_t)digit;
    }
    return 0;
}

/* Parses one line without its newline; -1 when it is not a valid record. */
static int parse_record(const char *line, size_t len, struct journal_record *r, char *id_buf)
{
    struct field f[RECORD_FIELDS];
    uint32_t crc;
    if (len < 12 || len >= RECORD_MAX || line[len - 9] != ' ' ||
        parse_crc(line + len - 8, &crc) < 0 || line_crc(line, len - 9) != crc)
        return -1;
    if (split_fields(line, len - 9, f) < 0 || f[0].len > JOURNAL_KEY_MAX)
        return -1;
    if (period_parse(f[1].text, f[1].len, &r->obs.period) < 0 ||
        parse_value(f[2].text, f[2].len, &r->obs.value) < 0 ||
        status_parse(f[3].text, f[3].len, &r->obs.status) < 0 ||
        parse_vintage(f[4].text, f[4].len, &r->vintage) < 0)
        return -1;
    memcpy(id_buf, f[0].text, f[0].len);
    id_buf[f[0].len] = '\0';
    r->indicator = id_buf;
    return 0;
}

/* ---- commit records ---- */

/* "@commit COUNT CRC": the records since the previous commit record (or
 * the header) were all written; COUNT says how many there are. '@' cannot
 * begin an indicator id, so no record reads as one. */
#define COMMIT_TAG "@commit "
#define COMMIT_MAX 40

static int format_commit(uint64_t count, char *buf)
{
    char *o = put_text(buf, COMMIT_TAG, sizeof COMMIT_TAG - 1);
    o = put_int(o, (long long)count);
    uint32_t crc = line_crc(buf, (size_t)(o - buf));
    *o++ = ' ';
    o = put_hex8(o, crc);
    *o++ = '\n';
    return (int)(o - buf);
}

/* Parses one line without its newline; -1 when it is not a commit record. */
static int parse_commit(const char *line, size_t len, uint64_t *count)
{
    const size_t tag = sizeof COMMIT_TAG - 1;
    if (len < tag + 1 + 9 || len >= COMMIT_MAX || memcmp(line, COMMIT_TAG, tag) != 0 ||
        line[len - 9] != ' ')
        return -1;
    uint32_t crc = 0;
    for (size_t i = len - 8; i < len; i++) {
        int digit = line[i] >= '0' && line[i] <= '9'   ? line[i] - '0'
                    : line[i] >= 'a' && line[i] <= 'f' ? line[i] - 'a' + 10
                                                       : -1;
        if (digit < 0)
            return -1;
        crc = crc << 4 | (uint32_t)digit;
    }
    if (line_crc(line, len - 9) != crc)
        return -1;
    *count = 0;
    for (size_t i = tag; i < len - 9; i++) {
        if (line[i] < '0' || line[i] > '9' || *count > UINT64_MAX / 10 - 1)
            return -1;
        *count = *count * 10 + (uint64_t)(line[i] - '0');
    }
    return 0;
}

/* ---- replay ---- */

/* A record read but not yet applied: its commit record has not been seen.
 * Compact (the id lives once in a pool) because a batch can be large. */
struct pending_record {
    struct pejl_period period;
    uint32_t status;
    uint32_t id_at; /* offset of the indicator id in pending.ids */
    double value;
    int64_t vintage;
};

struct pending {
    struct pending_record *items;
    size_t n, cap;
    char *ids; /* NUL-separated; consecutive records share the last one */
    size_t ids_len, ids_cap, last_id;
};

struct replay {
    struct journal *journal;
    journal_replay_fn fn;
    void *arg;
    int version;            /* of the header; 0 before it is read */
    off_t offset;           /* of the line being read */
    off_t committed_end;    /* end of the last record that counts */
    off_t valid_end;        /* end of the last intact line, committed or not */
    off_t bad_at;           /* first invalid line, or -1 */
    uint64_t since_commit;  /* records after the last commit record */
    struct pending pending; /* version 2: those records, to apply at their commit */
};

static int grow(void **items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t new_cap = *cap ? *cap : 64;
    while (new_cap < need)
        new_cap *= 2;
    void *grown = new_cap <= SIZE_MAX / size ? realloc(*items, new_cap * size) : NULL;
    if (!grown)
        return -1;
    *items = grown;
    *cap = new_cap;
    return 0;
}

static int pending_add(struct pending *p, const struct journal_record *r)
{
    size_t id_len = strlen(r->indicator) + 1;
    if (p->n == 0 || strcmp(p->ids + p->last_id, r->indicator) != 0) {
        if (p->ids_len + id_len > UINT32_MAX ||
            grow((void **)&p->ids, &p->ids_cap, p->ids_len + id_len, 1) < 0)
            return -1;
        memcpy(p->ids + p->ids_len, r->indicator, id_len);
        p->last_id = p->ids_len;
        p->ids_len += id_len;
    }
    if (grow((void **)&p->items, &p->cap, p->n + 1, sizeof *p->items) < 0)
        return -1;
    p->items[p->n++] = (struct pending_record){.period = r->obs.period,
                                               .status = r->obs.status,
                                               .id_at = (uint32_t)p->last_id,
                                               .value = r->obs.value,
                                               .vintage = r->vintage};
    return 0;
}

static void pending_clear(struct pending *p)
{
    p->n = 0;
    p->ids_len = 0;
}

static void pending_free(struct pending *p)
{
    free(p->items);
    free(p->ids);
    *p = (struct pending){0};
}

/* A commit record arrived: its records count now. */
static int apply_pending(struct replay *rp)
{
    struct pending *p = &rp->pending;
    for (size_t i = 0; i < p->n; i++) {
        const struct pending_record *pr = &p->items[i];
        struct journal_record r = {
            .indicator = p->ids + pr->id_at,
            .obs = {.period = pr->period, .value = pr->value, .status = pr->status},
            .vintage = pr->vintage,
        };
        rp->journal->records++;
        if (rp->fn && rp->fn(rp->arg, &r) < 0)
            return -1;
    }
    pending_clear(p);
    return 0;
}

static int read_header(struct replay *rp, const char *line, size_t len)
{
    if (len + 1 != sizeof JOURNAL_HEADER - 1)
        return -2;
    if (memcmp(line, JOURNAL_HEADER, len) == 0)
        rp->version = 2;
    else if (memcmp(line, JOURNAL_HEADER_V1, len) == 0)
        rp->version = 1;
    else
        return -2; /* a complete first line that is not our header */
    rp->committed_end = rp->valid_end = (off_t)len + 1;
    return 0;
}

/* An intact line of `len` bytes: damage before it is not a torn tail. */
static int intact(struct replay *rp, size_t len)
{
    if (rp->bad_at >= 0)
        return -1;
    rp->valid_end = rp->offset + (off_t)len + 1;
    return 0;
}

/* Records held in memory until their commit record comes. The records of
 * a larger commit (a format 1 journal's upgrade commits all of them at
 * once) are read from the file a second time instead. */
#define PENDING_MAX 65536

/* Version 1 (before commit records): every record counts by itself.
 * Version 2: a record counts once its commit record follows. */
static int take_record(struct replay *rp, const struct journal_record *r)
{
    rp->since_commit++;
    if (rp->version == 2 && rp->since_commit > PENDING_MAX) {
        pending_free(&rp->pending); /* read again at the commit record */
        return 0;
    }
    if (rp->version == 2)
        return pending_add(&rp->pending, r);
    rp->committed_end = rp->valid_end;
    rp->journal->records++;
    return rp->fn ? rp->fn(rp->arg, r) : 0;
}

/* Calls fn for every line (without its newline) in [from, to) of `fd`,
 * read in blocks with pread() (the descriptor's offset is not moved). */
static int each_line(int fd, off_t from, off_t to,
                     int (*fn)(void *arg, const char *line, size_t len), void *arg)
{
    char buf[64 * 1024];
    size_t have = 0;
    off_t next = from;
    while (next < to) {
        size_t want = sizeof buf - have;
        if (to - next < (off_t)want)
            want = (size_t)(to - next);
        ssize_t n = pread(fd, buf + have, want, next);
        if (n <= 0)
            return -1;
        have += (size_t)n;
        next += n;
        size_t used = 0;
        for (char *nl; (nl = memchr(buf + used, '\n', have - used)); used = (size_t)(nl - buf) + 1)
            if (fn(arg, buf + used, (size_t)(nl - buf) - used) < 0)
                return -1;
        if (used == 0 && have == sizeof buf)
            return -1; /* no record is that long */
        memmove(buf, buf + used, have - used);
        have -= used;
    }
    return have == 0 ? 0 : -1;
}

static int apply_again(void *arg, const char *line, size_t len)
{
    struct replay *rp = arg;
    struct journal_record r;
    char id[JOURNAL_KEY_MAX + 1];
    if (parse_record(line, len, &r, id) < 0)
        return -1; /* it was valid a moment ago: the file changed */
    rp->journal->records++;
    return rp->fn ? rp->fn(rp->arg, &r) : 0;
}

/* Applies the records between the last commit and the commit record at
 * rp->offset, read again from the file (the replay's offset is its own). */
static int apply_from_file(struct replay *rp)
{
    return each_line(rp->journal->fd, rp->committed_end, rp->offset, apply_again, rp);
}

static int take_commit(struct replay *rp)
{
    /* (In format 1 the records were applied as they came, and
     * committed_end already is the commit record's offset.) */
    int rc = rp->version == 2 && rp->since_commit > PENDING_MAX ? apply_from_file(rp)
                                                                : apply_pending(rp);
    rp->committed_end = rp->valid_end;
    rp->since_commit = 0;
    return rc;
}

static int replay_line(struct replay *rp, const char *line, size_t len)
{
    struct journal_record r;
    char id[JOURNAL_KEY_MAX + 1];
    uint64_t count;
    if (rp->offset == 0)
        return read_header(rp, line, len);
    /* A count that disagrees means records are missing or belong to
     * another commit: not a valid commit record. */
    if (parse_commit(line, len, &count) == 0 && count == rp->since_commit)
        return intact(rp, len) < 0 ? -1 : take_commit(rp);
    if (parse_record(line, len, &r, id) == 0)
        return intact(rp, len) < 0 ? -1 : take_record(rp, &r);
    if (rp->bad_at < 0)
        rp->bad_at = rp->offset;
    return 0;
}

static void replay_error(const struct replay *rp, int rc, char *err, size_t errlen)
{
    const char *path = rp->journal->path;
    if (rc == -2)
        snprintf(err, errlen,
                 "%s: not a pejl journal (its first line is neither \"pejl-journal 2\" nor "
                 "\"pejl-journal 1\"); move it away or point state_dir elsewhere",
                 path);
    else if (rp->bad_at >= 0)
        snprintf(err, errlen,
                 "%s: damaged record at byte %lld is followed by intact records; "
                 "pejld will not guess. Keep a copy, then cut the file at byte %lld "
                 "(truncate -s %lld) to drop the damaged part, or restore a backup",
                 path, (long long)rp->bad_at, (long long)rp->bad_at, (long long)rp->bad_at);
    else
        snprintf(err, errlen,
                 "%s: replay stopped at byte %lld: out of memory, or the file changed while "
                 "it was read",
                 path, (long long)rp->offset);
}

/* One line at rp->offset: `len` bytes, its newline last when `complete`.
 * An over-long, unterminated or NUL-holding line is not a record. */
static int take_line(struct replay *rp, const char *line, size_t len, bool complete, char *err,
                     size_t errlen)
{
    int rc;
    if (!complete || len > RECORD_MAX + 1 || memchr(line, '\0', len)) {
        if (rp->bad_at < 0)
            rp->bad_at = rp->offset;
    } else if ((rc = replay_line(rp, line, len - 1)) < 0) {
        replay_error(rp, rc, err, errlen);
        return -1;
    }
    rp->offset += (off_t)len;
    return 0;
}

/* The journal is read in blocks this large, with pread() at an offset kept
 * here: one system call per block, not per record (ftello() per line made
 * a lseek() per record, 98 % of pejld --status's system time). */
#define READ_BLOCK (256 * 1024)

struct line_reader {
    char *buf;
    size_t have;    /* bytes in buf from rp->offset on */
    off_t read_at;  /* file offset after them */
    bool long_line; /* skipping the rest of an over-long line */
};

/* Hands every complete line in the buffer to take_line(); keeps the rest. */
static int take_lines(struct replay *rp, struct line_reader *lr, char *err, size_t errlen)
{
    size_t used = 0;
    for (char *nl; (nl = memchr(lr->buf + used, '\n', lr->have - used));) {
        size_t len = (size_t)(nl - lr->buf) + 1 - used;
        if (lr->long_line) { /* the end of a line already found bad */
            rp->offset += (off_t)len;
            lr->long_line = false;
        } else if (take_line(rp, lr->buf + used, len, true, err, errlen) < 0) {
            return -1;
        }
        used += len;
    }
    if (lr->have - used > RECORD_MAX + 1 || (lr->long_line && lr->have > used)) {
        /* Too long to be a record, whatever follows: bad, and skipped. */
        if (!lr->long_line && rp->bad_at < 0)
            rp->bad_at = rp->offset;
        rp->offset += (off_t)(lr->have - used);
        lr->long_line = true;
        used = lr->have;
    }
    memmove(lr->buf, lr->buf + used, lr->have - used);
    lr->have -= used;
    return 0;
}

static int replay_file(struct replay *rp, int fd, char *err, size_t errlen)
{
    struct line_reader lr = {.buf = malloc(READ_BLOCK)};
    ssize_t n = 0;
    int rc = lr.buf ? 0 : -1;
    if (!lr.buf)
        snprintf(err, errlen, "%s: out of memory", rp->journal->path);
    while (rc == 0 && (n = pread(fd, lr.buf + lr.have, READ_BLOCK - lr.have, lr.read_at)) > 0) {
        lr.have += (size_t)n;
        lr.read_at += n;
        rc = take_lines(rp, &lr, err, errlen);
    }
    if (rc == 0 && n < 0) {
        snprintf(err, errlen, "%s: cannot read at byte %lld: %s", rp->journal->path,
                 (long long)lr.read_at, strerror(errno));
        rc = -1;
    }
    if (rc == 0 && lr.long_line)
        rp->offset += (off_t)lr.have;
    else if (rc == 0 && lr.have > 0) /* an unterminated last line */
        rc = take_line(rp, lr.buf, lr.have, false, err, errlen);
    free(lr.buf);
    return rc;
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

/* Everything after the last commit held nothing acknowledged: intact
 * records whose commit record never came, then at most one torn line (or
 * NULs). More than that is not what an interrupted write leaves. */
static int drop_unfinished(struct journal *j, const struct replay *rp, off_t file_size, char *err,
                           size_t errlen)
{
    if (rp->committed_end == file_size)
        return 0;
    if (file_size - rp->valid_end > RECORD_MAX + 1 && !tail_is_nul(j->fd, rp->valid_end)) {
        snprintf(err, errlen,
                 "%s: %lld bytes after the last intact record (byte %lld) are not records; "
                 "a torn write leaves at most one. Is this a pejl journal? Keep a copy and "
                 "restore a backup, or cut it with truncate -s %lld",
                 j->path, (long long)(file_size - rp->valid_end), (long long)rp->valid_end,
                 (long long)rp->valid_end);
        return -1;
    }
    if (rp->version == 2 && rp->since_commit > 0)
        log_warn("journal %s: dropping an unfinished commit at byte %lld: %llu records "
                 "(%lld bytes) without their commit record, written when pejld was stopped "
                 "mid-commit; none of it was acknowledged, so none of it is kept",
                 j->path, (long long)rp->committed_end, (unsigned long long)rp->since_commit,
                 (long long)(file_size - rp->committed_end));
    else
        log_warn("journal %s: dropping %lld bytes of a torn last record at byte %lld "
                 "(written when pejld was stopped mid-write; nothing acknowledged is lost)",
                 j->path, (long long)(file_size - rp->committed_end), (long long)rp->committed_end);
    if (ftruncate(j->fd, rp->committed_end) < 0 || fdatasync(j->fd) < 0) {
        snprintf(err, errlen, "%s: cannot cut the unfinished commit: %s", j->path, strerror(errno));
        return -1;
    }
    return 0;
}

static int ensure_header(struct journal *j, char *err, size_t errlen)
{
    if (j->size > 0)
        return 0;
    if (atomic_file_write_all(j->fd, JOURNAL_HEADER, sizeof JOURNAL_HEADER - 1) < 0 ||
        fdatasync(j->fd) < 0) {
        snprintf(err, errlen, "%s: cannot write: %s", j->path, strerror(errno));
        return -1;
    }
    j->size = sizeof JOURNAL_HEADER - 1;
    return 0;
}

/* The version digit of the header, in place. pwrite() would append on an
 * O_APPEND descriptor (Linux), so the flag is off for the one write. */
static int rewrite_version(struct journal *j)
{
    int flags = fcntl(j->fd, F_GETFL);
    if (flags < 0 || fcntl(j->fd, F_SETFL, flags & ~O_APPEND) < 0)
        return -1;
    const size_t digit = sizeof JOURNAL_HEADER - 3; /* before the newline */
    ssize_t n = pwrite(j->fd, &JOURNAL_HEADER[digit], 1, (off_t)digit);
    int saved = errno;
    if (fcntl(j->fd, F_SETFL, flags) < 0 || n != 1) {
        errno = n != 1 ? saved : errno;
        return -1;
    }
    return fdatasync(j->fd);
}

/* A version 1 journal becomes version 2: a commit record first seals the
 * records before it (each of which counted by itself), then the header
 * says 2. A crash in between leaves a version 1 journal with a commit
 * record in it, which reads the same and is upgraded next time. */
static int upgrade(struct journal *j, const struct replay *rp, char *err, size_t errlen)
{
    char seal[COMMIT_MAX];
    int n = format_commit(rp->since_commit, seal);
    if (rp->since_commit > 0 &&
        (atomic_file_write_all(j->fd, seal, (size_t)n) < 0 || fdatasync(j->fd) < 0)) {
        snprintf(err, errlen, "%s: cannot upgrade it to format 2: %s", j->path, strerror(errno));
        return -1;
    }
    if (rp->since_commit > 0)
        j->size += n;
    if (rewrite_version(j) < 0) {
        snprintf(err, errlen, "%s: cannot upgrade it to format 2: %s", j->path, strerror(errno));
        return -1;
    }
    log_info("journal %s: upgraded from format 1 to 2 (commit records); pejl releases before "
             "format 2 cannot read it any more",
             j->path);
    return 0;
}

static int replay(struct journal *j, journal_replay_fn fn, void *arg, char *err, size_t errlen)
{
    struct replay rp = {.journal = j, .fn = fn, .arg = arg, .bad_at = -1};
    int rc = replay_file(&rp, j->fd, err, errlen);
    off_t file_size = rp.offset;
    if (rc == 0)
        rc = drop_unfinished(j, &rp, file_size, err, errlen);
    pending_free(&rp.pending);
    if (rc < 0)
        return -1;
    j->size = rp.committed_end;
    if (ensure_header(j, err, errlen) < 0)
        return -1;
    return rp.version == 1 ? upgrade(j, &rp, err, errlen) : 0;
}

static int replay_readonly(struct journal *j, journal_replay_fn fn, void *arg, char *err,
                           size_t errlen)
{
    struct replay rp = {.journal = j, .fn = fn, .arg = arg, .bad_at = -1};
    int rc = replay_file(&rp, j->fd, err, errlen);
    pending_free(&rp.pending); /* an unfinished commit: not read */
    return rc;
}

static void open_error(const char *path, char *err, size_t errlen)
{
    if (!atomic_file_state_link_error(path, err, errlen))
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
}

static int open_locked(struct journal *j, const char *state_dir, char *err, size_t errlen)
{
    if (asprintf(&j->path, "%s/%s", state_dir, JOURNAL_FILE) < 0) {
        j->path = NULL;
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    j->fd = open(j->path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (j->fd < 0) {
        open_error(j->path, err, errlen);
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
    j.fd = open(j.path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int rc = -1;
    if (j.fd < 0)
        open_error(j.path, err, errlen);
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

void journal_leave(struct journal *j)
{
    if (j && j->fd >= 0) {
        close(j->fd); /* the lock is the open file's: pejld's copy keeps it */
        j->fd = -1;
    }
}

/* ---- commit ---- */

/* Staged text beyond this goes to the file before the commit (without
 * fsync), so a large group commit holds a megabyte, not the whole batch. */
#define STAGE_FLUSH_BYTES (1u << 20)

/* Writes staged text early. A failure is remembered and fails the commit.
 * Nothing is written while bytes of a failed commit may still be in the
 * file: the next commit record would make them count. */
static void flush_staged(struct journal *j)
{
    if (j->write_errno == 0 && j->cut_errno)
        j->write_errno = j->cut_errno;
    if (j->write_errno == 0 && atomic_file_write_all(j->fd, j->staged, j->staged_len) < 0)
        j->write_errno = errno ? errno : EIO;
    j->flushed += j->staged_len;
    j->staged_len = 0;
}

static void forget_staged(struct journal *j)
{
    j->flushed = 0;
    j->staged_len = 0;
    j->staged_count = 0;
    j->write_errno = 0;
}

/* Cuts the file back to its last durable end: nothing pending counts. If
 * the cut fails, the journal takes no more records until one succeeds. */
static void cut_back(struct journal *j)
{
    if ((j->flushed > 0 || j->cut_errno) && ftruncate(j->fd, j->size) < 0) {
        j->cut_errno = errno ? errno : EIO;
        log_err("journal %s: cannot cut a failed commit back to byte %lld: %s; no more records "
                "are written until the cut succeeds (it is tried again at every commit)",
                j->path, (long long)j->size, strerror(j->cut_errno));
    } else {
        j->cut_errno = 0;
    }
    forget_staged(j);
}

/* A cut that failed before, tried again before anything is written. */
static int retry_cut(struct journal *j)
{
    if (j->cut_errno && ftruncate(j->fd, j->size) == 0) {
        j->cut_errno = 0;
        log_info("journal %s: the failed commit is cut away now; writing again", j->path);
    }
    return j->cut_errno ? -1 : 0;
}

/* Room for one more record (or commit record) in the staging buffer. */
static int reserve(struct journal *j)
{
    if (j->staged_cap - j->staged_len >= RECORD_MAX)
        return 0;
    size_t cap = j->staged_cap ? j->staged_cap * 2 : 64 * 1024;
    char *grown = realloc(j->staged, cap);
    if (!grown)
        return -1;
    j->staged = grown;
    j->staged_cap = cap;
    return 0;
}

int journal_stage(struct journal *j, const struct journal_record *r)
{
    if (isinf(r->obs.value) || !period_valid(&r->obs.period))
        return -1; /* replay would refuse it: never write it */
    if (reserve(j) < 0)
        return -1;
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
        if (j->write_errno == 0 && ftruncate(j->fd, j->size + (off_t)mark.len) < 0)
            j->write_errno = errno; /* the commit fails and cuts back to j->size */
        j->flushed = mark.len;
        j->staged_len = 0;
    }
    j->staged_count = mark.count;
}

void journal_discard(struct journal *j)
{
    cut_back(j);
}

/* The commit record closes what is staged: replay applies the records
 * before it all together, or (without it) none of them. */
static void stage_commit_record(struct journal *j)
{
    if (reserve(j) < 0) {
        if (j->write_errno == 0)
            j->write_errno = ENOMEM;
        return;
    }
    j->staged_len += (size_t)format_commit(j->staged_count, j->staged + j->staged_len);
}

int journal_commit(struct journal *j, char *err, size_t errlen)
{
    j->last_begin = j->last_end = j->size; /* until this commit succeeds: none */
    if (j->staged_count == 0)
        return 0;
    if (retry_cut(j) < 0) {
        snprintf(err, errlen,
                 "%s: %zu records not written: the bytes of a failed commit after byte %lld cannot "
                 "be cut away (%s), and records appended after them would be read as part of "
                 "them. Fix the disk's error (full? read-only?); pejld tries again at every "
                 "commit, or restart it",
                 j->path, j->staged_count, (long long)j->size, strerror(j->cut_errno));
        j->commit_errno = j->cut_errno;
        forget_staged(j); /* nothing of them was written */
        return -1;
    }
    stage_commit_record(j);
    flush_staged(j);
    if (j->write_errno == 0 && fdatasync(j->fd) < 0)
        j->write_errno = errno;
    if (j->write_errno) {
        snprintf(err, errlen, "%s: cannot write %zu records: %s", j->path, j->staged_count,
                 strerror(j->write_errno));
        j->commit_errno = j->write_errno;
        cut_back(j); /* nothing of this commit counts */
        return -1;
    }
    j->last_begin = j->size;
    j->size += (off_t)j->flushed;
    j->last_end = j->size;
    j->records += j->staged_count;
    j->commit_errno = 0;
    j->flushed = 0;
    j->staged_count = 0;
    return 0;
}

struct committed_reader {
    journal_replay_fn fn;
    void *arg;
};

static int read_committed(void *arg, const char *line, size_t len)
{
    const struct committed_reader *cr = arg;
    struct journal_record r;
    char id[JOURNAL_KEY_MAX + 1];
    uint64_t count;
    if (parse_record(line, len, &r, id) == 0)
        return cr->fn(cr->arg, &r);
    return parse_commit(line, len, &count) == 0 ? 0 : -1;
}

int journal_each_committed(const struct journal *j, journal_replay_fn fn, void *arg, char *err,
                           size_t errlen)
{
    struct committed_reader cr = {fn, arg};
    errno = 0;
    if (j->fd >= 0 && each_line(j->fd, j->last_begin, j->last_end, read_committed, &cr) == 0)
        return 0;
    snprintf(err, errlen, "%s: cannot read back or apply the commit at bytes %lld..%lld: %s", j->path,
             (long long)j->last_begin, (long long)j->last_end,
             errno ? strerror(errno) : "not the records written");
    return -1;
}

const char *journal_path(const struct journal *j)
{
    return j->path;
}

uint64_t journal_records(const struct journal *j)
{
    return j->records;
}

uint64_t journal_bytes(const struct journal *j)
{
    return (uint64_t)j->size;
}

int journal_health(const struct journal *j, char *why, size_t whylen)
{
    struct statvfs fs;
    if (j->cut_errno || j->commit_errno) {
        snprintf(why, whylen, "the journal %s cannot be written: %s", j->path,
                 strerror(j->cut_errno ? j->cut_errno : j->commit_errno));
        return -1;
    }
    if (fstatvfs(j->fd, &fs) < 0) {
        snprintf(why, whylen, "the journal %s: %s", j->path, strerror(errno));
        return -1;
    }
    if (fs.f_flag & ST_RDONLY) {
        snprintf(why, whylen, "the journal %s is on a read-only file system", j->path);
        return -1;
    }
    if (fs.f_bavail == 0) {
        snprintf(why, whylen, "the disk of the journal %s is full", j->path);
        return -1;
    }
    return 0;
}
