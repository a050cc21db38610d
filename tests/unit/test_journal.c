/*
 * test_journal.c — unit tests of daemon/store/journal.c on real files: the header
 * of a new journal, the exact record text, replay of committed records
 * (NAN, -0, values that need 17 digits, every status bit, vintages past
 * 2038), empty commits, discard and rollback to a mark, torn tails (partial
 * record, bad CRC, torn header) that start-up cuts away, damage followed by
 * intact records and trailing garbage that start-up refuses without touching
 * the file, the lock against a second opener, kill -9 in the middle of a
 * large ingest (every acknowledged record survives, the commit in flight
 * whole or not at all), and a commit that fails (EFBIG) being cut back.
 * Commits are all or none: a commit cut at every byte offset is dropped
 * with a log line, a commit record counting the wrong records does not
 * count; format 1 journals (before commit records) replay and are upgraded.
 * Also the cases these tests found broken: subnormal values, NUL tails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "journal.h"
#include "period.h"
#include "tests/unit/unit_files.h"

#define HEADER "pejl-journal 2\n"
#define HEADER_LEN ((long long)sizeof HEADER - 1)
#define HEADER_V1 "pejl-journal 1\n" /* pejl before commit records */

/* ---- fixtures ---- */

/* The CRC-32 journal lines end with (zlib's, as journal.c's). */
static unsigned crc_of(const char *text, size_t len)
{
    return (unsigned)crc32(0L, (const Bytef *)text, (uInt)len);
}

static struct pejl_period period_of(const char *text)
{
    struct pejl_period p = {0};
    if (period_parse(text, strlen(text), &p) != 0)
        fail_msg("period_parse(\"%s\") failed", text);
    return p;
}

static struct journal_record record(const char *id, const char *period, double value,
                                    uint32_t status, int64_t vintage)
{
    return (struct journal_record){
        .indicator = id,
        .obs = {.period = period_of(period), .value = value, .status = status},
        .vintage = vintage,
    };
}

/* The line journal.h documents for `r`, written independently of journal.c. */
/* The journal writes the shortest decimal that reads back as the same double. */
static void shortest(double v, char *buf, size_t size)
{
    for (int precision = 15; precision <= 17; precision++) {
        snprintf(buf, size, "%.*g", precision, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

static size_t record_line(const struct journal_record *r, char *buf, size_t size)
{
    char period[PERIOD_TEXT_MAX], status[8], value[32];
    period_format(&r->obs.period, period, sizeof period);
    if (status_format(r->obs.status, status, sizeof status) == 0)
        strcpy(status, "-");
    if (isnan(r->obs.value))
        strcpy(value, "nan");
    else
        shortest(r->obs.value, value, sizeof value);
    int n = snprintf(buf, size, "%s %s %s %s %lld", r->indicator, period, value, status,
                     (long long)r->vintage);
    n += snprintf(buf + n, size - (size_t)n, " %08x\n", crc_of(buf, (size_t)n));
    return (size_t)n;
}

static long long line_length(const struct journal_record *r)
{
    char line[512];
    return (long long)record_line(r, line, sizeof line);
}

/* The commit record journal.h documents, closing `count` records. */
static size_t commit_line(unsigned long long count, char *buf, size_t size)
{
    int n = snprintf(buf, size, "@commit %llu", count);
    n += snprintf(buf + n, size - (size_t)n, " %08x\n", crc_of(buf, (size_t)n));
    return (size_t)n;
}

static long long commit_length(unsigned long long count)
{
    char line[64];
    return (long long)commit_line(count, line, sizeof line);
}

/* What a replay delivered, copied out of journal.c's buffers. */
struct replayed {
    char id[JOURNAL_KEY_MAX + 1];
    struct pejl_observation obs;
    int64_t vintage;
};

struct replay_log {
    struct replayed *items;
    size_t n, cap;
};

static int log_record(void *arg, const struct journal_record *r)
{
    struct replay_log *log = arg;
    if (log->n == log->cap) {
        log->cap = log->cap ? log->cap * 2 : 16;
        log->items = realloc(log->items, log->cap * sizeof *log->items);
        assert_non_null(log->items);
    }
    struct replayed *item = &log->items[log->n++];
    assert_true(strlen(r->indicator) < sizeof item->id);
    strcpy(item->id, r->indicator);
    item->obs = r->obs;
    item->vintage = r->vintage;
    return 0;
}

static void log_free(struct replay_log *log)
{
    free(log->items);
    *log = (struct replay_log){0};
}

/* Exactly the same value: NAN matches NAN, -0 does not match +0. */
static bool same_bits(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return memcmp(&a, &b, sizeof a) == 0;
}

static void assert_replayed(const struct replayed *got, const struct journal_record *want)
{
    char gp[PERIOD_TEXT_MAX], wp[PERIOD_TEXT_MAX];
    period_format(&got->obs.period, gp, sizeof gp);
    period_format(&want->obs.period, wp, sizeof wp);
    assert_string_equal(got->id, want->indicator);
    if (!period_equal(&got->obs.period, &want->obs.period))
        fail_msg("%s: period %s, expected %s", want->indicator, gp, wp);
    if (!same_bits(got->obs.value, want->obs.value))
        fail_msg("%s %s: value %.17g, expected %.17g", want->indicator, wp, got->obs.value,
                 want->obs.value);
    assert_int_equal(got->obs.status, want->obs.status);
    assert_int_equal(got->vintage, want->vintage);
}

static void assert_log(const struct replay_log *log, const struct journal_record *want, size_t n)
{
    assert_int_equal(log->n, n);
    for (size_t i = 0; i < n; i++)
        assert_replayed(&log->items[i], &want[i]);
}

static struct journal *open_ok(const char *dir, struct replay_log *log)
{
    char err[1024] = "";
    struct journal *j = journal_open(dir, log_record, log, err, sizeof err);
    if (!j)
        fail_msg("journal_open(%s): %s", dir, err);
    return j;
}

static void commit_ok(struct journal *j)
{
    char err[1024] = "";
    if (journal_commit(j, err, sizeof err) != 0)
        fail_msg("journal_commit: %s", err);
}

/* Creates the journal in `dir` holding exactly `r[0..n)`. */
static void write_journal(const char *dir, const struct journal_record *r, size_t n)
{
    struct replay_log log = {0};
    struct journal *j = open_ok(dir, &log);
    assert_int_equal(log.n, 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(journal_stage(j, &r[i]), 0);
    commit_ok(j);
    journal_close(j);
    log_free(&log);
}

/* Reopens `dir` and asserts it replays exactly `r[0..n)`. */
static void assert_journal_holds(const char *dir, const struct journal_record *r, size_t n)
{
    struct replay_log log = {0};
    struct journal *j = open_ok(dir, &log);
    assert_log(&log, r, n);
    assert_int_equal(journal_records(j), n);
    journal_close(j);
    log_free(&log);
}

/* Asserts journal_open refuses `dir` and leaves the file byte for byte as it was;
 * the reason goes to `err`. */
static void assert_refused_untouched(const char *dir, char *err, size_t errlen)
{
    char *path = unit_path(dir, JOURNAL_FILE);
    size_t before_len, after_len;
    char *before = unit_read_file(path, &before_len);
    struct replay_log log = {0};
    err[0] = '\0';
    struct journal *j = journal_open(dir, log_record, &log, err, errlen);
    if (j) {
        journal_close(j);
        fail_msg("journal_open accepted a damaged journal (%zu records replayed)", log.n);
    }
    char *after = unit_read_file(path, &after_len);
    assert_int_equal(after_len, before_len);
    assert_memory_equal(after, before, before_len);
    free(before);
    free(after);
    free(path);
    log_free(&log);
}

static void assert_contains(const char *text, const char *part)
{
    if (!strstr(text, part))
        fail_msg("\"%s\" does not contain \"%s\"", text, part);
}

/* Five ordinary records. */
static void five_records(struct journal_record r[5])
{
    r[0] = record("rec_one", "2019", 1.25, 0, 1600000001);
    r[1] = record("rec_two", "2020", 2.5, PEJL_STATUS_PROVISIONAL, 1600000002);
    r[2] = record("rec_three", "2021", NAN, PEJL_STATUS_CONFIDENTIAL, 1600000003);
    r[3] = record("rec_four", "2022", -7.75, PEJL_STATUS_ESTIMATED, 1600000004);
    r[4] = record("rec_five", "2023", 1e6, 0, 1600000005);
}

/* ---- open, stage, commit, replay ---- */

static void test_open_creates_header(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    struct replay_log log = {0};
    struct journal *j = open_ok(dir, &log);
    assert_int_equal(log.n, 0);
    assert_int_equal(journal_records(j), 0);
    assert_int_equal(journal_staged(j), 0);
    assert_string_equal(journal_path(j), path);
    size_t len;
    char *text = unit_read_file(path, &len);
    assert_int_equal(len, HEADER_LEN);
    assert_string_equal(text, HEADER);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    free(text);
    journal_close(j);
    free(path);
    unit_remove_tree(dir);
}

static void test_record_text(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    struct journal_record r =
        record("ls_exports", "2023", 174, PEJL_STATUS_PROVISIONAL, 1763846400);
    write_journal(dir, &r, 1);
    char expected[128];
    const char *body = "ls_exports 2023 174 p 1763846400", *commit = "@commit 1";
    snprintf(expected, sizeof expected, "%s%s %08x\n%s %08x\n", HEADER, body,
             crc_of(body, strlen(body)), commit, crc_of(commit, strlen(commit)));
    size_t len;
    char *text = unit_read_file(path, &len);
    assert_string_equal(text, expected);
    assert_int_equal(len, strlen(expected));
    free(text);
    free(path);
    unit_remove_tree(dir);
}

static void test_commit_and_replay(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    const uint32_t all = PEJL_STATUS_PROVISIONAL | PEJL_STATUS_ESTIMATED | PEJL_STATUS_BREAK |
                         PEJL_STATUS_DEFINITION | PEJL_STATUS_UNRELIABLE | PEJL_STATUS_CONFIDENTIAL;
    const struct journal_record r[] = {
        record("ls_exports", "2023", 174, PEJL_STATUS_PROVISIONAL, 1763846400),
        record("ls_exports", "2023-Q1", 0.1 + 0.2, 0, 1700000000),
        record("ls_jobs", "2022-12", NAN, PEJL_STATUS_CONFIDENTIAL, 1),
        record("ls_jobs", "2024-W05", -0.0, all, 0),
        record("a-b_9", "2023-01-31", 1.0 / 3.0, PEJL_STATUS_ESTIMATED | PEJL_STATUS_BREAK,
               4102444800), /* 2100: past 2038 */
        record("ls_big", "9999", DBL_MAX, PEJL_STATUS_DEFINITION, 1700000001),
        record("ls_small", "1000", -DBL_MIN, PEJL_STATUS_UNRELIABLE, 1700000002),
        record("ls_exports", "2023", 174.00000000000003, 0, 1700000003), /* next double */
    };
    const size_t n = sizeof r / sizeof r[0];
    assert_true(0.1 + 0.2 != 0.3); /* the value really needs 17 digits */

    struct replay_log log = {0};
    struct journal *j = open_ok(dir, &log);
    long long expected_size = HEADER_LEN;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(journal_stage(j, &r[i]), 0);
        expected_size += line_length(&r[i]);
    }
    expected_size += commit_length(n);
    assert_int_equal(journal_staged(j), n);
    assert_int_equal(unit_file_size(path), HEADER_LEN); /* nothing written before commit */
    commit_ok(j);
    assert_int_equal(journal_staged(j), 0);
    assert_int_equal(journal_records(j), n);
    assert_int_equal(unit_file_size(path), expected_size);
    journal_close(j);

    assert_journal_holds(dir, r, n);
    assert_int_equal(unit_file_size(path), expected_size); /* replay writes nothing */
    log_free(&log);
    free(path);
    unit_remove_tree(dir);
}

static void test_commits_append(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    struct journal_record r[5];
    five_records(r);
    struct replay_log log = {0};
    struct journal *j = open_ok(dir, &log);
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(journal_stage(j, &r[i]), 0);
        commit_ok(j); /* one commit per record */
        assert_int_equal(journal_records(j), i + 1);
    }
    journal_close(j);
    assert_journal_holds(dir, r, 5);
    log_free(&log);
    unit_remove_tree(dir);
}

static void test_empty_commit_is_noop(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    struct journal_record r[5];
    five_records(r);
    struct replay_log log = {0};
    struct journal *j = open_ok(dir, &log);
    char err[256] = "untouched";

    assert_int_equal(journal_commit(j, err, sizeof err), 0);
    assert_int_equal(unit_file_size(path), HEADER_LEN);
    assert_string_equal(err, "untouched");

    assert_int_equal(journal_stage(j, &r[0]), 0);
    commit_ok(j);
    long long size = unit_file_size(path);
    assert_int_equal(size, HEADER_LEN + line_length(&r[0]) + commit_length(1));
    assert_int_equal(journal_commit(j, err, sizeof err), 0);
    assert_int_equal(unit_file_size(path), size);

    /* Discarded records are not committed either. */
    assert_int_equal(journal_stage(j, &r[1]), 0);
    assert_int_equal(journal_stage(j, &r[2]), 0);
    journal_discard(j);
    assert_int_equal(journal_staged(j), 0);
    assert_int_equal(journal_commit(j, err, sizeof err), 0);
    assert_int_equal(unit_file_size(path), size);
    assert_int_equal(journal_records(j), 1);
    journal_close(j);

    assert_journal_holds(dir, r, 1);
    log_free(&log);
    free(path);
    unit_remove_tree(dir);
}

static void test_rollback_to_mark(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    struct journal_record r[5];
    five_records(r);
    struct replay_log log = {0};
    struct journal *j = open_ok(dir, &log);

    struct journal_mark empty = journal_mark(j);
    assert_int_equal(journal_stage(j, &r[0]), 0);
    struct journal_mark mark = journal_mark(j);
    assert_int_equal(journal_stage(j, &r[1]), 0);
    assert_int_equal(journal_stage(j, &r[2]), 0);
    assert_int_equal(journal_staged(j), 3);
    journal_rollback(j, mark);
    assert_int_equal(journal_staged(j), 1);
    assert_int_equal(journal_stage(j, &r[3]), 0);
    commit_ok(j);
    assert_int_equal(journal_records(j), 2);

    /* A mark taken with nothing staged rolls back to nothing. */
    empty = journal_mark(j);
    assert_int_equal(journal_stage(j, &r[4]), 0);
    journal_rollback(j, empty);
    assert_int_equal(journal_staged(j), 0);
    commit_ok(j);
    journal_close(j);

    const struct journal_record want[] = {r[0], r[3]};
    assert_journal_holds(dir, want, 2);
    log_free(&log);
    unit_remove_tree(dir);
}

/* ---- torn tails ---- */

/* Three good records, then `tail` appended: reopening drops the tail, and a
 * record committed afterwards is replayed on its own (not glued to it). */
static void check_torn_tail(const char *tail, size_t tail_len)
{
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    struct journal_record r[5];
    five_records(r);
    write_journal(dir, r, 3);
    long long good = unit_file_size(path);
    unit_append(path, tail, tail_len);
    assert_int_equal(unit_file_size(path), good + (long long)tail_len);

    struct replay_log log = {0};
    struct journal *j = open_ok(dir, &log);
    assert_log(&log, r, 3);
    assert_int_equal(journal_records(j), 3);
    assert_int_equal(unit_file_size(path), good);
    assert_int_equal(journal_stage(j, &r[3]), 0);
    commit_ok(j);
    journal_close(j);
    assert_int_equal(unit_file_size(path), good + line_length(&r[3]) + commit_length(1));

    assert_journal_holds(dir, r, 4);
    log_free(&log);
    free(path);
    unit_remove_tree(dir);
}

static void test_torn_partial_record(void **state)
{
    (void)state;
    char line[512];
    struct journal_record torn = record("rec_torn", "2024", 99.5, 0, 1700000000);
    size_t len = record_line(&torn, line, sizeof line);
    assert_true(len > 10);
    check_torn_tail(line, 10);
}

static void test_torn_bad_crc(void **state)
{
    (void)state;
    char line[512];
    struct journal_record torn = record("rec_torn", "2024", 99.5, 0, 1700000000);
    size_t len = record_line(&torn, line, sizeof line);
    /* Complete line, last CRC digit wrong. */
    line[len - 2] = line[len - 2] == '0' ? '1' : '0';
    check_torn_tail(line, len);
}

static void test_torn_record_without_newline(void **state)
{
    (void)state;
    char line[512];
    struct journal_record torn = record("rec_torn", "2024", 99.5, 0, 1700000000);
    size_t len = record_line(&torn, line, sizeof line);
    /* Everything but the newline: the record never finished. */
    check_torn_tail(line, len - 1);
}

static void test_torn_header(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    unit_write_file(path, "pejl-jo", 7, O_TRUNC);

    struct replay_log log = {0};
    struct journal *j = open_ok(dir, &log);
    assert_int_equal(log.n, 0);
    size_t len;
    char *text = unit_read_file(path, &len);
    assert_int_equal(len, HEADER_LEN);
    assert_string_equal(text, HEADER);
    free(text);

    struct journal_record r[5];
    five_records(r);
    assert_int_equal(journal_stage(j, &r[0]), 0);
    commit_ok(j);
    journal_close(j);
    assert_journal_holds(dir, r, 1);
    assert_int_equal(unit_file_size(path), HEADER_LEN + line_length(&r[0]) + commit_length(1));
    log_free(&log);
    free(path);
    unit_remove_tree(dir);
}

/* ---- damage that must be refused ---- */

static void test_damage_in_middle_refused(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    struct journal_record r[5];
    five_records(r);
    write_journal(dir, r, 5);

    /* Flip one bit in the first byte of record 2 of 5. */
    long long at = HEADER_LEN + line_length(&r[0]);
    size_t len;
    char *text = unit_read_file(path, &len);
    assert_int_equal(text[at], 'r');
    text[at] ^= 1;
    unit_write_file(path, text, len, O_TRUNC);
    free(text);

    char err[1024];
    assert_refused_untouched(dir, err, sizeof err);
    char expect[96];
    snprintf(expect, sizeof expect, "damaged record at byte %lld", at);
    assert_contains(err, expect);
    snprintf(expect, sizeof expect, "truncate -s %lld", at);
    assert_contains(err, expect);
    assert_contains(err, "restore a backup");
    assert_contains(err, path);

    /* Refused every time, not only the first. */
    assert_refused_untouched(dir, err, sizeof err);
    free(path);
    unit_remove_tree(dir);
}

/* Deterministic bytes in 1..255 (NUL-free; NULs have their own test). */
static void garbage(unsigned char *buf, size_t len, uint32_t seed)
{
    for (size_t i = 0; i < len; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        buf[i] = (unsigned char)(1 + seed % 255);
    }
}

static void test_trailing_garbage_refused(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    struct journal_record r[5];
    five_records(r);
    write_journal(dir, r, 3);
    long long good = unit_file_size(path);
    unsigned char junk[4096];
    garbage(junk, sizeof junk, 0x9e3779b9u);
    unit_append(path, junk, sizeof junk);

    char err[1024];
    assert_refused_untouched(dir, err, sizeof err);
    char expect[96];
    snprintf(expect, sizeof expect, "4096 bytes after the last intact record (byte %lld)", good);
    assert_contains(err, expect);
    snprintf(expect, sizeof expect, "truncate -s %lld", good);
    assert_contains(err, expect);
    free(path);
    unit_remove_tree(dir);
}

/* A forked child that left the journal does not hold its lock: once the
 * parent's journal is closed (pejld killed), a new one opens at once even
 * while the child lives on (a graph drawer not yet dead). */
static void test_child_leaves_the_lock(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    struct replay_log log = {0};
    struct journal *first = open_ok(dir, &log);
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        journal_leave(first);
        close(ready[0]);
        if (write(ready[1], "x", 1) != 1)
            _exit(1);
        pause(); /* lives on until killed */
        _exit(0);
    }
    char c;
    close(ready[1]);
    assert_int_equal(read(ready[0], &c, 1), 1);
    close(ready[0]);
    journal_close(first);
    char err[1024] = "";
    struct journal *next = journal_open(dir, log_record, &log, err, sizeof err);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    if (!next)
        fail_msg("the child kept the lock: %s", err);
    journal_close(next);
    unit_remove_tree(dir);
}

static void test_second_open_locked(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    struct replay_log log = {0};
    struct journal *first = open_ok(dir, &log);
    char err[1024] = "";
    struct journal *second = journal_open(dir, log_record, &log, err, sizeof err);
    assert_null(second);
    assert_contains(err, "locked");
    assert_contains(err, dir);
    journal_close(first);

    /* The lock goes with the first journal. */
    struct journal *third = open_ok(dir, &log);
    journal_close(third);
    assert_int_equal(log.n, 0);
    unit_remove_tree(dir);
}

/* ---- kill -9 during a large ingest ---- */

#define KILL_BATCH 500   /* records per commit: a kill mid-write is likely */
#define KILL_MIN_ACKS 20 /* commits acknowledged before each kill */
#define KILL_ROUNDS 10

/* Record number k of the ingest, computable from k alone. */
static struct journal_record kill_record(uint64_t k, char id[24])
{
    char period[8];
    snprintf(id, 24, "kill_%llu", (unsigned long long)(k / 8000));
    snprintf(period, sizeof period, "%llu", 1000 + (unsigned long long)(k % 8000));
    double value = k % 97 == 0 ? NAN : (double)k / 7.0 - 1000.0;
    return record(id, period, value, (uint32_t)(k % 64), 1600000000 + (int64_t)k);
}

struct kill_check {
    uint64_t n;   /* records replayed so far */
    uint64_t bad; /* index + 1 of the first record that is not kill_record(index) */
};

static int check_kill_record(void *arg, const struct journal_record *r)
{
    struct kill_check *c = arg;
    char id[24];
    struct journal_record want = kill_record(c->n, id);
    if (!c->bad && (strcmp(r->indicator, want.indicator) != 0 ||
                    !period_equal(&r->obs.period, &want.obs.period) ||
                    !same_bits(r->obs.value, want.obs.value) || r->obs.status != want.obs.status ||
                    r->vintage != want.vintage))
        c->bad = c->n + 1;
    c->n++;
    return 0;
}

/* The child: resumes after what the journal holds and commits batches for
 * ever, acknowledging each commit's record count on `ack_fd`. */
static void kill_child(const char *dir, int ack_fd)
{
    char err[1024];
    struct kill_check check = {0};
    struct journal *j = journal_open(dir, check_kill_record, &check, err, sizeof err);
    if (!j)
        _exit(2);
    if (check.bad)
        _exit(3);
    for (uint64_t k = check.n;;) {
        for (uint64_t i = 0; i < KILL_BATCH; i++) {
            char id[24];
            struct journal_record r = kill_record(k + i, id);
            if (journal_stage(j, &r) < 0)
                _exit(4);
        }
        if (journal_commit(j, err, sizeof err) < 0)
            _exit(5);
        k += KILL_BATCH;
        if (write(ack_fd, &k, sizeof k) != (ssize_t)sizeof k)
            _exit(6);
    }
}

/* Reads one acknowledgement; false at end of file. */
static bool read_ack(int fd, uint64_t *ack)
{
    size_t got = 0;
    while (got < sizeof *ack) {
        ssize_t n = read(fd, (char *)ack + got, sizeof *ack - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (got != 0)
                fail_msg("torn acknowledgement (%zu bytes)", got);
            return false;
        }
        got += (size_t)n;
    }
    return true;
}

/* Waits until the journal grows past its size now: the child has begun
 * writing its next commit (a kill then likely tears it). */
static void wait_for_growth(const char *dir)
{
    char *path = unit_path(dir, JOURNAL_FILE);
    long long size = unit_file_size(path);
    for (long spins = 0; unit_file_size(path) == size && spins < 10000000; spins++)
        ;
    free(path);
}

/* One round: start the child, let it commit, kill it at an arbitrary moment
 * (after a random delay, or as soon as the next write begins when
 * `at_write`); returns the last acknowledged record count. */
static uint64_t kill_round(const char *dir, uint64_t acked, unsigned *seed, bool at_write)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        kill_child(dir, fds[1]);
        _exit(1);
    }
    close(fds[1]);
    uint64_t ack;
    for (int acks = 0; acks < KILL_MIN_ACKS; acks++) {
        if (!read_ack(fds[0], &ack)) {
            int status;
            waitpid(pid, &status, 0);
            fail_msg("the ingest child died early (wait status 0x%x)", (unsigned)status);
        }
        if (ack != acked + KILL_BATCH)
            fail_msg("acknowledged %llu after %llu", (unsigned long long)ack,
                     (unsigned long long)acked);
        acked = ack;
    }
    if (at_write)
        wait_for_growth(dir);
    else
        usleep((useconds_t)(rand_r(seed) % 5000)); /* somewhere in the next commits */
    assert_int_equal(kill(pid, SIGKILL), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
        fail_msg("the ingest child ended on its own (wait status 0x%x)", (unsigned)status);
    while (read_ack(fds[0], &ack)) /* acknowledgements still in the pipe */
        acked = ack;
    close(fds[0]);
    return acked;
}

static void test_kill9_during_ingest(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    print_message("kill -9 seed %u\n", seed);
    uint64_t acked = 0;
    int torn_rounds = 0;
    for (int round = 0; round < KILL_ROUNDS; round++) {
        acked = kill_round(dir, acked, &seed, round % 2 == 1);
        long long size_at_kill = unit_file_size(path);
        char err[1024] = "";
        struct kill_check check = {0};
        struct journal *j = journal_open(dir, check_kill_record, &check, err, sizeof err);
        if (!j)
            fail_msg("round %d: journal_open after kill -9: %s", round, err);
        if (check.bad)
            fail_msg("round %d: record %llu is not the one written", round,
                     (unsigned long long)(check.bad - 1));
        /* Every acknowledged record, then the commit in flight whole or not at all. */
        if (check.n != acked && check.n != acked + KILL_BATCH)
            fail_msg("round %d: %llu records replayed, %llu acknowledged", round,
                     (unsigned long long)check.n, (unsigned long long)acked);
        assert_int_equal(journal_records(j), check.n);
        if (unit_file_size(path) < size_at_kill)
            torn_rounds++;
        journal_close(j);
        acked = check.n; /* the next child resumes after them */
    }
    print_message("kill -9: %llu records after %d rounds, %d with a torn tail cut\n",
                  (unsigned long long)acked, KILL_ROUNDS, torn_rounds);
    free(path);
    unit_remove_tree(dir);
}

/* ---- a commit that fails ---- */

/* In a child (the file size limit must not reach the test process): a commit
 * that cannot be written returns -1 and leaves the file as it was; the next
 * commit works. Returns the child's exit code, 0 when all held. */
static int failed_commit_child(const char *dir, long long good_size,
                               const struct journal_record *late)
{
    char err[1024] = "";
    struct replay_log log = {0};
    struct journal *j = journal_open(dir, log_record, &log, err, sizeof err);
    if (!j || log.n != 3)
        return 10;
    for (uint64_t k = 0; k < 400; k++) { /* about 20 KB */
        char id[24];
        struct journal_record r = kill_record(k, id);
        if (journal_stage(j, &r) < 0)
            return 11;
    }
    struct rlimit old, small;
    if (getrlimit(RLIMIT_FSIZE, &old) < 0)
        return 12;
    small = old;
    small.rlim_cur = (rlim_t)good_size + 2000; /* part of the commit gets written */
    signal(SIGXFSZ, SIG_IGN);
    if (setrlimit(RLIMIT_FSIZE, &small) < 0)
        return 13;
    if (journal_commit(j, err, sizeof err) != -1)
        return 14;
    if (!strstr(err, "cannot write 400 records") || !strstr(err, strerror(EFBIG)))
        return 15;
    if (journal_staged(j) != 0 || journal_records(j) != 3)
        return 16;
    char *path = unit_path(dir, JOURNAL_FILE);
    struct stat st;
    if (stat(path, &st) < 0 || st.st_size != good_size)
        return 17;
    free(path);
    if (setrlimit(RLIMIT_FSIZE, &old) < 0)
        return 18;
    if (journal_stage(j, late) < 0 || journal_commit(j, err, sizeof err) != 0)
        return 19;
    journal_close(j);
    free(log.items);
    return 0;
}

static void test_failed_commit_cut_back(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    struct journal_record r[5];
    five_records(r);
    write_journal(dir, r, 3);
    long long good = unit_file_size(path);

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(failed_commit_child(dir, good, &r[3]));
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);

    /* The three from before and the one committed after the failure. */
    assert_journal_holds(dir, r, 4);
    assert_int_equal(unit_file_size(path), good + line_length(&r[3]) + commit_length(1));
    free(path);
    unit_remove_tree(dir);
}

/* ---- found by these tests, fixed in journal.c ---- */

/* A subnormal value (1e-310) makes strtod set ERANGE; replay once refused
 * such a record, cutting an acknowledged observation away as "torn". */
static void test_subnormal_value_round_trips(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    const struct journal_record r[] = {
        record("ls_tiny", "2020", 1.0, 0, 1700000000),
        record("ls_tiny", "2021", 1e-310, 0, 1700000001),
        record("ls_tiny", "2022", -4.9406564584124654e-324, 0, 1700000002),
        record("ls_tiny", "2023", 2.0, 0, 1700000003),
    };
    assert_true(fpclassify(r[1].obs.value) == FP_SUBNORMAL);
    /* Subnormal as the last record: it must not be dropped as torn. */
    write_journal(dir, r, 2);
    assert_journal_holds(dir, r, 2);
    unit_remove_tree(dir);

    /* Followed by other records: the journal must still open. */
    dir = unit_temp_dir("journal");
    write_journal(dir, r, 4);
    assert_journal_holds(dir, r, 4);
    unit_remove_tree(dir);
}

/* Replay reads plain decimals itself (no strtod per record): every value
 * text a journal may hold must read as strtod() reads it, bit for bit —
 * short and long mantissas, exponents, signs, zeros; and vintages as
 * strtoll() reads them. The lines are written by hand, not by journal.c. */
static void test_value_texts_read_as_strtod(void **state)
{
    (void)state;
    static const char *const values[] = {
        "0",
        "-0",
        "0.1",
        "160.8",
        "-123.456",
        "5.",
        ".5",
        "007.25",
        "1e3",
        "1.5E-7",
        "+2.5",
        "0x1p3",
        "123456789012345",
        "999999999999999.9",
        "1234567890123456",
        "0.30000000000000004",
        "9007199254740993",
        "1e22",
        "1e23",
        "0.000000000000000000001",
        "4.9406564584124654e-324",
        "-1.7976931348623157e308",
    };
    static const char *const vintages[] = {
        "1700000000",           "-5", "+7", "0", "9223372036854775807", "-9223372036854775808",
        "000000000000000000042"};
    const size_t n = sizeof values / sizeof *values;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(HEADER, f);
    for (size_t i = 0; i < n; i++) {
        char line[256];
        int len = snprintf(line, sizeof line, "ls_text %d %s - %s", 2000 + (int)i, values[i],
                           vintages[i % (sizeof vintages / sizeof *vintages)]);
        fprintf(f, "%s %08x\n", line, crc_of(line, (size_t)len));
    }
    char commit[64];
    commit_line(n, commit, sizeof commit);
    fputs(commit, f);
    fclose(f);

    struct replay_log log = {0};
    struct journal *j = open_ok(dir, &log);
    assert_int_equal(log.n, n);
    for (size_t i = 0; i < n; i++) {
        double want = strtod(values[i], NULL);
        long long vintage = strtoll(vintages[i % (sizeof vintages / sizeof *vintages)], NULL, 10);
        if (!same_bits(log.items[i].obs.value, want))
            fail_msg("\"%s\" read as %.17g, strtod reads %.17g", values[i], log.items[i].obs.value,
                     want);
        assert_int_equal(log.items[i].vintage, vintage);
    }
    journal_close(j);
    log_free(&log);
    free(path);
    unit_remove_tree(dir);
}

/* Panel members are category codes of up to 64 bytes (M+K, ../x, KØN): the
 * key is one space-free field, written as is and read back as written. */
static void test_member_keys_round_trip(void **state)
{
    (void)state;
    char longest[JOURNAL_KEY_MAX + 1];
    memset(longest, 'i', 64);
    longest[64] = '.';
    memset(longest + 65, 'C', 64);
    longest[129] = '\0';
    assert_int_equal(strlen(longest), JOURNAL_KEY_MAX);
    const struct journal_record r[] = {
        record("codes.M+K", "2023", 1.5, 0, 1700000000),
        record("codes.../x", "2023", 2.5, PEJL_STATUS_PROVISIONAL, 1700000001),
        record("codes.KØN,\"%41\"", "2023-Q4", 3.5, 0, 1700000002),
        record(longest, "2023-12-31", -1e300, 0, 1700000003),
    };
    char *dir = unit_temp_dir("journal");
    write_journal(dir, r, 4);
    char path[512], want[2048], got[2048];
    size_t n = strlen(HEADER);
    memcpy(want, HEADER, n);
    for (size_t i = 0; i < 4; i++)
        n += record_line(&r[i], want + n, sizeof want - n);
    n += commit_line(4, want + n, sizeof want - n);
    snprintf(path, sizeof path, "%s/journal", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t len = fread(got, 1, sizeof got, f);
    fclose(f);
    assert_int_equal(len, n);
    assert_memory_equal(got, want, n);
    assert_journal_holds(dir, r, 4);
    unit_remove_tree(dir);
}

/* A torn tail of NULs (what a file system leaves when a crash lands after
 * the size grew but before the data reached the disk) is dropped; replay
 * once measured lines with strlen() and never saw the NULs. */
static void test_torn_tail_of_nuls_dropped(void **state)
{
    (void)state;
    char zeros[100] = {0};
    check_torn_tail(zeros, sizeof zeros);
}

/* A large group commit cut short by a power failure can leave many
 * kilobytes of NULs; they held nothing acknowledged and are dropped too. */
static void test_long_tail_of_nuls_dropped(void **state)
{
    (void)state;
    static char zeros[64 * 1024];
    check_torn_tail(zeros, sizeof zeros);
}

/* A file whose first line is not the header is not ours: refused, untouched. */
static void test_not_a_journal_refused(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    const char text[] = "ls_exports,2023,174\n";
    unit_append(path, text, sizeof text - 1);
    char err[1024];
    assert_refused_untouched(dir, err, sizeof err);
    assert_contains(err, "not a pejl journal");
    free(path);
    unit_remove_tree(dir);
}

/* Staging what replay would refuse (an infinite value) is refused at once. */
static void test_infinite_value_not_staged(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    struct replay_log log = {0};
    struct journal *j = open_ok(dir, &log);
    struct journal_record r = record("ls_inf", "2020", INFINITY, 0, 1700000000);
    assert_int_equal(journal_stage(j, &r), -1);
    assert_int_equal(journal_staged(j), 0);
    journal_close(j);
    log_free(&log);
    unit_remove_tree(dir);
}

/* ---- large group commits ---- */

/* Stages `n` distinct daily records of one series. */
static void stage_days(struct journal *j, int n)
{
    for (int i = 0; i < n; i++) {
        char period[16];
        snprintf(period, sizeof period, "%d-%02d-%02d", 1900 + i / 336, i % 336 / 28 + 1, i % 28 + 1);
        struct journal_record r = record("ls_big_batch_with_a_long_name", period, i * 0.5, 0, 1700000000);
        assert_int_equal(journal_stage(j, &r), 0);
    }
}

/* A batch over a megabyte is written before its commit (so it does not sit
 * in memory); it still counts only after the commit, and a rollback past
 * the early write cuts the file back. */
static void test_large_batch_written_early(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    struct replay_log log = {0};
    struct journal *j = open_ok(dir, &log);
    struct journal_mark empty = journal_mark(j);
    stage_days(j, 30000); /* about 2 MB of text */
    assert_true(unit_file_size(path) > HEADER_LEN + (1 << 20)); /* written early */
    journal_rollback(j, empty);
    assert_int_equal(unit_file_size(path), HEADER_LEN);
    assert_int_equal(journal_staged(j), 0);
    stage_days(j, 30000);
    commit_ok(j);
    assert_int_equal(journal_records(j), 30000);
    journal_close(j);
    log_free(&log);
    j = open_ok(dir, &log);
    assert_int_equal(log.n, 30000);
    assert_float_equal(log.items[29999].obs.value, 14999.5, 0);
    journal_close(j);
    log_free(&log);
    free(path);
    unit_remove_tree(dir);
}

/* ---- commits are all or none ---- */

/* What journal.c logs while `fn` runs, from stderr. Caller frees. */
static char *stderr_of(void (*fn)(void *arg), void *arg)
{
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, "stderr");
    fflush(stderr);
    int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    assert_int_equal(dup2(fd, 2), 2);
    close(fd);
    fn(arg);
    fflush(stderr);
    assert_int_equal(dup2(saved, 2), 2);
    close(saved);
    size_t len;
    char *text = unit_read_file(path, &len);
    free(path);
    unit_remove_tree(dir);
    return text;
}

struct reopen {
    const char *dir;
    struct replay_log *log;
};

static void reopen_and_close(void *arg)
{
    struct reopen *ro = arg;
    journal_close(open_ok(ro->dir, ro->log));
}

/* Three records committed, then a commit of three more cut at every byte
 * offset: each cut replays the first three only, logs that the unfinished
 * commit was dropped, and leaves the file at the end of the first commit;
 * the whole second commit replays whole. A large commit is written before
 * its fsync, so a crash can leave any prefix of it on disk. */
static void test_unfinished_commit_dropped_at_every_offset(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    struct journal_record r[6];
    five_records(r);
    r[5] = record("rec_six", "2024", 6.5, 0, 1600000006);
    write_journal(dir, r, 3);
    long long good = unit_file_size(path);
    struct replay_log log = {0};
    struct journal *j = open_ok(dir, &log);
    for (size_t i = 3; i < 6; i++)
        assert_int_equal(journal_stage(j, &r[i]), 0);
    commit_ok(j);
    journal_close(j);
    log_free(&log);
    size_t full_len;
    char *full = unit_read_file(path, &full_len);

    for (size_t cut = (size_t)good + 1; cut < full_len; cut++) {
        unit_write_file(path, full, cut, O_TRUNC);
        struct reopen ro = {dir, &log};
        char *said = stderr_of(reopen_and_close, &ro);
        if (log.n != 3)
            fail_msg("cut at byte %zu of %zu: %zu records replayed, expected 3", cut, full_len,
                     log.n);
        assert_log(&log, r, 3);
        assert_int_equal(unit_file_size(path), good);
        assert_contains(said, "dropping");
        free(said);
        log_free(&log);
    }
    unit_write_file(path, full, full_len, O_TRUNC);
    assert_journal_holds(dir, r, 6);
    assert_int_equal(unit_file_size(path), (long long)full_len);
    free(full);
    free(path);
    unit_remove_tree(dir);
}

/* Records of a commit that failed and could not be cut away, then a later
 * commit: the later commit record counts fewer records than precede it, so
 * it does not make the failed ones count. Both are dropped as unfinished. */
static void test_commit_count_must_match(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    struct journal_record r[5];
    five_records(r);
    write_journal(dir, r, 3);
    long long good = unit_file_size(path);
    char line[512];
    unit_append(path, line, record_line(&r[3], line, sizeof line)); /* the failed commit */
    unit_append(path, line, record_line(&r[4], line, sizeof line)); /* the later one */
    unit_append(path, line, commit_line(1, line, sizeof line));
    assert_journal_holds(dir, r, 3);
    assert_int_equal(unit_file_size(path), good);
    free(path);
    unit_remove_tree(dir);
}

/* Damage inside a commit, followed by intact records and the commit
 * record, still stops start-up. */
static void test_damage_inside_commit_refused(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    struct journal_record r[5];
    five_records(r);
    write_journal(dir, r, 5);
    long long at = HEADER_LEN + line_length(&r[0]) + line_length(&r[1]) + 3;
    size_t len;
    char *text = unit_read_file(path, &len);
    text[at] ^= 1;
    unit_write_file(path, text, len, O_TRUNC);
    free(text);
    char err[1024];
    assert_refused_untouched(dir, err, sizeof err);
    assert_contains(err, "is followed by intact records");
    free(path);
    unit_remove_tree(dir);
}

/* pejld --status reads beside the daemon: an unfinished commit is not read,
 * and nothing is cut. */
static void test_read_skips_unfinished_commit(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    struct journal_record r[5];
    five_records(r);
    write_journal(dir, r, 3);
    char line[512];
    unit_append(path, line, record_line(&r[3], line, sizeof line));
    unit_append(path, line, record_line(&r[4], line, sizeof line));
    long long size = unit_file_size(path);
    struct replay_log log = {0};
    char err[1024] = "";
    if (journal_read(dir, log_record, &log, err, sizeof err) != 0)
        fail_msg("journal_read: %s", err);
    assert_log(&log, r, 3);
    assert_int_equal(unit_file_size(path), size);
    log_free(&log);
    free(path);
    unit_remove_tree(dir);
}

/* ---- format 1: journals written before commit records ---- */

/* A journal as pejl wrote it before commit records: format 1 header, no
 * commit records. */
static void write_format1(const char *path, const struct journal_record *r, size_t n)
{
    unit_write_file(path, HEADER_V1, sizeof HEADER_V1 - 1, O_TRUNC);
    for (size_t i = 0; i < n; i++) {
        char line[512];
        unit_append(path, line, record_line(&r[i], line, sizeof line));
    }
}

/* Each record of a format 1 journal counts by itself; opening it upgrades
 * it to format 2 (a commit record for all of them, then the header), and
 * the upgraded journal replays the same records. */
static void test_format1_replays_and_upgrades(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    struct journal_record r[5];
    five_records(r);
    write_format1(path, r, 4);
    long long size = unit_file_size(path);

    struct replay_log log = {0};
    char err[1024] = "";
    assert_int_equal(journal_read(dir, log_record, &log, err, sizeof err), 0);
    assert_log(&log, r, 4); /* read-only: every record, nothing written */
    assert_int_equal(unit_file_size(path), size);
    log_free(&log);

    struct journal *j = open_ok(dir, &log);
    assert_log(&log, r, 4);
    assert_int_equal(journal_records(j), 4);
    size_t len;
    char *text = unit_read_file(path, &len);
    assert_memory_equal(text, HEADER, HEADER_LEN);
    char seal[64];
    commit_line(4, seal, sizeof seal);
    assert_int_equal(len, size + (long long)strlen(seal));
    assert_memory_equal(text + size, seal, strlen(seal));
    free(text);
    assert_int_equal(journal_stage(j, &r[4]), 0);
    commit_ok(j);
    journal_close(j);
    log_free(&log);
    assert_journal_holds(dir, r, 5);
    free(path);
    unit_remove_tree(dir);
}

/* A journal the pejl of before zlib's crc32() wrote (tests/data/journal):
 * it opens without a byte cut or added, and every record replays as it was
 * written. The values are those tests/data/journal/README.md lists. */
static void test_journal_from_before_zlib_loads(void **state)
{
    (void)state;
    const struct journal_record r[] = {
        record("eksport", "2023", 189.4, 0, 1717000000),
        record("eksport", "2024", 0.1 + 0.2, PEJL_STATUS_PROVISIONAL, 1717000000),
        record("ledighed.m", "2024M12", -0.0, PEJL_STATUS_ESTIMATED | PEJL_STATUS_BREAK,
               4102444800LL),
        record("co2", "2024Q3", NAN, PEJL_STATUS_CONFIDENTIAL, 1735689600),
        record("co2", "2024Q4", 1e-300, PEJL_STATUS_DEFINITION | PEJL_STATUS_UNRELIABLE,
               1735689601),
    };
    size_t old_len, len;
    char *old = unit_read_file(PEJL_TEST_DATA "/journal/format2-before-zlib/journal", &old_len);
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    unit_write_file(path, old, old_len, O_TRUNC);

    struct replay_log log = {0};
    char err[1024] = "";
    assert_int_equal(journal_read(dir, log_record, &log, err, sizeof err), 0);
    assert_log(&log, r, 5);
    log_free(&log);
    struct journal *j = open_ok(dir, &log);
    assert_log(&log, r, 5);
    assert_int_equal(journal_records(j), 5);
    journal_close(j);
    log_free(&log);
    char *text = unit_read_file(path, &len);
    assert_int_equal(len, old_len);
    assert_memory_equal(text, old, old_len);
    free(text);
    free(old);
    free(path);
    unit_remove_tree(dir);
}

/* A format 1 journal with a torn last record (the old pejld killed
 * mid-write) loses that record only; one whose upgrade was interrupted
 * after the commit record (still "pejl-journal 1") reads the same. */
static void test_format1_torn_and_half_upgraded(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    struct journal_record r[5];
    five_records(r);
    write_format1(path, r, 3);
    char line[512];
    size_t len = record_line(&r[3], line, sizeof line);
    unit_append(path, line, len - 5);
    assert_journal_holds(dir, r, 3);

    write_format1(path, r, 3);
    unit_append(path, line, commit_line(3, line, sizeof line));
    unit_append(path, line, record_line(&r[3], line, sizeof line)); /* an old pejld again */
    assert_journal_holds(dir, r, 4);
    free(path);
    unit_remove_tree(dir);
}

/* ---- a cut back that fails ---- */

/* test_journal is linked with --wrap=ftruncate,--wrap=fdatasync: these
 * make the journal's calls fail on demand (global: the linker routes plain
 * calls here). */
int __real_ftruncate(int fd, off_t length);
int __wrap_ftruncate(int fd, off_t length);
int __real_fdatasync(int fd);
int __wrap_fdatasync(int fd);
static bool ftruncate_fails, fdatasync_fails;

int __wrap_ftruncate(int fd, off_t length)
{
    if (ftruncate_fails) {
        errno = EIO;
        return -1;
    }
    return __real_ftruncate(fd, length);
}

int __wrap_fdatasync(int fd)
{
    if (fdatasync_fails) {
        errno = EIO;
        return -1;
    }
    return __real_fdatasync(fd);
}

static void commit_fails(struct journal *j, const char *reason)
{
    char err[1024] = "";
    assert_int_equal(journal_commit(j, err, sizeof err), -1);
    assert_contains(err, reason);
}

static void commit_with_failed_cut(void *arg)
{
    struct journal *j = arg;
    struct journal_record r[5];
    five_records(r);
    assert_int_equal(journal_stage(j, &r[2]), 0);
    fdatasync_fails = ftruncate_fails = true;
    commit_fails(j, "cannot write 1 records");
    fdatasync_fails = false;
}

/* A commit fails and its bytes cannot be cut away: no later commit may
 * append after them (its commit record would make them count), until a
 * cut succeeds. */
static void test_failed_cut_back_stops_commits(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    struct journal_record r[5];
    five_records(r);
    write_journal(dir, r, 2);
    long long good = unit_file_size(path);
    struct replay_log log = {0};
    struct journal *j = open_ok(dir, &log);

    char *said = stderr_of(commit_with_failed_cut, j);
    assert_contains(said, "cannot cut a failed commit back");
    free(said);
    long long failed = unit_file_size(path);
    assert_true(failed > good); /* what could not be cut away */

    assert_int_equal(journal_stage(j, &r[3]), 0);
    commit_fails(j, "cannot be cut away");
    assert_int_equal(unit_file_size(path), failed); /* nothing appended */
    assert_int_equal(journal_staged(j), 0);

    ftruncate_fails = false; /* the disk is fixed: the next commit cuts first */
    assert_int_equal(journal_stage(j, &r[3]), 0);
    commit_ok(j);
    assert_int_equal(journal_records(j), 3);
    journal_close(j);
    log_free(&log);
    assert_int_equal(unit_file_size(path), good + line_length(&r[3]) + commit_length(1));
    const struct journal_record want[] = {r[0], r[1], r[3]};
    assert_journal_holds(dir, want, 3);
    free(path);
    unit_remove_tree(dir);
}

static void commit_with_failed_sync(void *arg)
{
    struct journal *j = arg;
    struct journal_record r[5];
    five_records(r);
    assert_int_equal(journal_stage(j, &r[2]), 0);
    fdatasync_fails = true;
    commit_fails(j, "cannot write 1 records");
    fdatasync_fails = false;
}

/* /healthz asks whether the journal can be written: not after a commit
 * failed, again once one succeeded; its size is the durable bytes. */
static void test_health_follows_commits(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    struct journal_record r[5];
    five_records(r);
    struct replay_log log = {0};
    struct journal *j = open_ok(dir, &log);
    char why[512] = "";
    assert_int_equal(journal_health(j, why, sizeof why), 0);
    assert_int_equal(journal_bytes(j), unit_file_size(path));

    free(stderr_of(commit_with_failed_sync, j));
    assert_int_equal(journal_health(j, why, sizeof why), -1);
    assert_contains(why, "cannot be written");
    assert_contains(why, strerror(EIO));
    assert_int_equal(journal_bytes(j), HEADER_LEN);

    assert_int_equal(journal_stage(j, &r[3]), 0);
    commit_ok(j);
    assert_int_equal(journal_health(j, why, sizeof why), 0);
    assert_int_equal(journal_bytes(j), unit_file_size(path));
    assert_int_equal(journal_bytes(j), HEADER_LEN + line_length(&r[3]) + commit_length(1));
    journal_close(j);
    log_free(&log);
    free(path);
    unit_remove_tree(dir);
}

/* In a child (the limit must not reach the test process): with no
 * descriptor left, journal_read cannot open the file, and says why. (It
 * once duplicated the descriptor for a stream, handed dup()'s -1 to
 * fdopen() and blamed EBADF; it reads the one descriptor now.) */
static int read_out_of_fds_child(const char *dir)
{
    int lowest = open("/dev/null", O_RDONLY);
    if (lowest < 0)
        return 10;
    close(lowest);
    struct rlimit few = {.rlim_cur = (rlim_t)lowest, .rlim_max = (rlim_t)lowest};
    if (setrlimit(RLIMIT_NOFILE, &few) < 0)
        return 11;
    char err[1024] = "";
    struct replay_log log = {0};
    if (journal_read(dir, log_record, &log, err, sizeof err) != -1)
        return 12;
    if (!strstr(err, strerror(EMFILE)))
        return 13;
    return 0;
}

static void test_read_out_of_descriptors(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    struct journal_record r[5];
    five_records(r);
    write_journal(dir, r, 1);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(read_out_of_fds_child(dir));
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    unit_remove_tree(dir);
}

/* ---- links in the state directory ---- */

/* A journal that is a symbolic link is refused, by pejld and by readers,
 * and what it points to is left alone. */
static void test_symlink_journal_refused(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *elsewhere = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE), *target = unit_path(elsewhere, JOURNAL_FILE);
    struct journal_record r[5];
    five_records(r);
    write_journal(elsewhere, r, 2);
    long long size = unit_file_size(target);
    assert_int_equal(symlink(target, path), 0);

    struct replay_log log = {0};
    char err[1024] = "";
    assert_null(journal_open(dir, log_record, &log, err, sizeof err));
    assert_contains(err, path);
    assert_contains(err, "a symbolic link");
    err[0] = '\0';
    assert_int_equal(journal_read(dir, log_record, &log, err, sizeof err), -1);
    assert_contains(err, "a symbolic link");
    assert_int_equal(log.n, 0);
    assert_int_equal(unit_file_size(target), size);

    /* A dangling link is not created through either. */
    assert_int_equal(unlink(target), 0);
    assert_null(journal_open(dir, log_record, &log, err, sizeof err));
    assert_contains(err, "a symbolic link");
    assert_int_equal(access(target, F_OK), -1);
    free(path);
    free(target);
    unit_remove_tree(elsewhere);
    unit_remove_tree(dir);
}

/* A commit larger than replay keeps in memory (a format 1 journal's
 * upgrade commits all its records at once) is read again from the file at
 * its commit record: every record, in order, by pejld and by readers; and
 * one without its commit record is dropped whole. */
static void test_huge_commit_read_again(void **state)
{
    (void)state;
    enum { N = 70000 }; /* more than journal.c's PENDING_MAX */
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    size_t cap = (size_t)N * 80 + 64, len = sizeof HEADER_V1 - 1;
    char *text = malloc(cap);
    assert_non_null(text);
    memcpy(text, HEADER_V1, len);
    for (int i = 0; i < N; i++) {
        char period[16];
        snprintf(period, sizeof period, "%d-%02d", 1900 + i / 12 % 8000, i % 12 + 1);
        struct journal_record r =
            record(i < N / 2 ? "ls_first" : "ls_second", period, i * 0.5, 0, 1700000000 + i);
        len += record_line(&r, text + len, cap - len);
    }
    unit_write_file(path, text, len, O_TRUNC);

    struct replay_log log = {0};
    journal_close(open_ok(dir, &log)); /* the upgrade: one commit of N records */
    assert_int_equal(log.n, N);
    log_free(&log);
    char err[1024] = "";
    assert_int_equal(journal_read(dir, log_record, &log, err, sizeof err), 0);
    assert_int_equal(log.n, N);
    log_free(&log);
    struct journal *j = open_ok(dir, &log);
    assert_int_equal(log.n, N);
    for (size_t i = 0; i < N; i += 9999) {
        assert_string_equal(log.items[i].id, i < N / 2 ? "ls_first" : "ls_second");
        assert_float_equal(log.items[i].obs.value, (double)i * 0.5, 0);
        assert_int_equal(log.items[i].vintage, 1700000000 + (int64_t)i);
    }
    journal_close(j);
    log_free(&log);

    /* Format 1 with the commit record of an upgrade a crash interrupted:
     * each record counts once, not again at the commit record. */
    char seal[64];
    size_t seal_len = commit_line(N, seal, sizeof seal);
    unit_write_file(path, text, len, O_TRUNC);
    unit_append(path, seal, seal_len);
    j = open_ok(dir, &log);
    assert_int_equal(log.n, N);
    journal_close(j);
    log_free(&log);

    /* The same records in format 2 without a commit record: none of them. */
    memcpy(text, HEADER, HEADER_LEN);
    unit_write_file(path, text, len, O_TRUNC);
    j = open_ok(dir, &log);
    assert_int_equal(log.n, 0);
    assert_int_equal(unit_file_size(path), HEADER_LEN);
    journal_close(j);
    free(text);
    free(path);
    unit_remove_tree(dir);
}

/* ---- a large journal, read in blocks ---- */

/* Read system calls this process made so far (/proc/self/io's syscr). */
static long long read_calls(void)
{
    FILE *f = fopen("/proc/self/io", "r");
    long long n = -1;
    char line[128];
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "syscr: %lld", &n) == 1)
            break;
    if (f)
        fclose(f);
    return n;
}

enum { LARGE_SERIES = 1000, LARGE_MONTHS = 48 };

/* The journal of LARGE_SERIES indicators (every third with a member) of
 * LARGE_MONTHS monthly values, one commit per indicator, then a commit of
 * revisions; written independently of journal.c. Returns its length. */
static size_t large_journal(char **out)
{
    size_t cap = (size_t)LARGE_SERIES * (LARGE_MONTHS + 2) * 96, len = HEADER_LEN;
    char *text = malloc(cap);
    assert_non_null(text);
    memcpy(text, HEADER, len);
    for (int s = 0; s <= LARGE_SERIES; s++) {
        char id[48], period[16];
        int n = s < LARGE_SERIES ? LARGE_MONTHS : LARGE_SERIES / 10;
        for (int m = 0; m < n; m++) {
            int of = s < LARGE_SERIES ? s : m * 10; /* the last commit revises */
            snprintf(id, sizeof id, of % 3 ? "ind%d" : "ind%d.DK", of);
            snprintf(period, sizeof period, "%d-%02d", 2000 + m / 12, m % 12 + 1);
            struct journal_record r = record(id, period, of + m / 7.0 + (s == LARGE_SERIES),
                                             m % 5 ? 0 : PEJL_STATUS_PROVISIONAL,
                                             1700000000 + s);
            len += record_line(&r, text + len, cap - len);
        }
        len += commit_line((unsigned long long)n, text + len, cap - len);
    }
    *out = text;
    return len;
}

static void assert_large_replayed(const struct replay_log *log)
{
    assert_int_equal(log->n, LARGE_SERIES * LARGE_MONTHS + LARGE_SERIES / 10);
    for (size_t i = 0; i < log->n; i++) {
        bool revision = i >= LARGE_SERIES * LARGE_MONTHS;
        int m = revision ? (int)(i - LARGE_SERIES * LARGE_MONTHS) : (int)i % LARGE_MONTHS;
        int of = revision ? m * 10 : (int)i / LARGE_MONTHS;
        char id[48];
        snprintf(id, sizeof id, of % 3 ? "ind%d" : "ind%d.DK", of);
        assert_string_equal(log->items[i].id, id);
        assert_int_equal(log->items[i].obs.period.year, 2000 + m / 12);
        assert_int_equal(log->items[i].obs.period.index, m % 12 + 1);
        assert_true(log->items[i].obs.value == of + m / 7.0 + revision);
        assert_int_equal(log->items[i].obs.status, m % 5 ? 0 : PEJL_STATUS_PROVISIONAL);
        assert_int_equal(log->items[i].vintage, 1700000000 + (revision ? LARGE_SERIES : of));
    }
}

/* Replay of 48,000 records in 1,001 commits gives every record, in order,
 * with a handful of read calls: it once read through a stdio stream and
 * asked ftello() for the offset of every line (a system call per record). */
static void test_large_journal_read_in_blocks(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    char *text;
    size_t len = large_journal(&text);
    unit_write_file(path, text, len, O_TRUNC);

    struct replay_log log = {0};
    char err[1024] = "";
    long long before = read_calls();
    assert_int_equal(journal_read(dir, log_record, &log, err, sizeof err), 0);
    long long reads = read_calls() - before;
    assert_true(before >= 0);
    if (reads > (long long)(len / (64 * 1024)) + 8)
        fail_msg("%lld read calls for a journal of %zu bytes", reads, len);
    assert_large_replayed(&log);
    log_free(&log);

    struct journal *j = open_ok(dir, &log);
    assert_large_replayed(&log);
    assert_int_equal(journal_records(j), log.n);
    assert_int_equal(unit_file_size(path), (long long)len);
    journal_close(j);
    log_free(&log);
    free(text);
    free(path);
    unit_remove_tree(dir);
}

/* A damaged line longer than the replay's read block, followed by intact
 * records, is refused at its first byte; as the last line it is more than
 * a torn write leaves, and refused too. Neither touches the file. */
static void test_line_longer_than_a_read_block(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("journal");
    char *path = unit_path(dir, JOURNAL_FILE);
    struct journal_record r[5];
    five_records(r);
    char text[2048];
    size_t good = HEADER_LEN, junk_len = 600 * 1024;
    memcpy(text, HEADER, good);
    for (int i = 0; i < 2; i++)
        good += record_line(&r[i], text + good, sizeof text - good);
    good += commit_line(2, text + good, sizeof text - good);
    size_t tail = good + record_line(&r[2], text + good, sizeof text - good);
    tail += commit_line(1, text + tail, sizeof text - tail);
    char *junk = malloc(junk_len);
    assert_non_null(junk);
    memset(junk, 'x', junk_len);
    junk[junk_len - 1] = '\n';

    unit_write_file(path, text, good, O_TRUNC);
    unit_append(path, junk, junk_len);
    unit_append(path, text + good, tail - good); /* intact records after the damage */
    struct replay_log log = {0};
    char err[1024] = "", want[80];
    assert_null(journal_open(dir, log_record, &log, err, sizeof err));
    snprintf(want, sizeof want, "damaged record at byte %zu ", good);
    if (!strstr(err, want))
        fail_msg("expected \"%s\" in: %s", want, err);
    log_free(&log);

    unit_write_file(path, text, good, O_TRUNC);
    unit_append(path, junk, junk_len - 1); /* no newline: the last line */
    assert_null(journal_open(dir, log_record, &log, err, sizeof err));
    snprintf(want, sizeof want, "after the last intact record (byte %zu)", good);
    if (!strstr(err, want))
        fail_msg("expected \"%s\" in: %s", want, err);
    assert_int_equal(unit_file_size(path), (long long)(good + junk_len - 1));
    log_free(&log);
    free(junk);
    free(path);
    unit_remove_tree(dir);
}

/* What a failed test left behind. */
static int remove_temp_dirs(void **state)
{
    (void)state;
    return unit_remove_temp_dirs("journal");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_creates_header),
        cmocka_unit_test(test_record_text),
        cmocka_unit_test(test_commit_and_replay),
        cmocka_unit_test(test_commits_append),
        cmocka_unit_test(test_empty_commit_is_noop),
        cmocka_unit_test(test_rollback_to_mark),
        cmocka_unit_test(test_torn_partial_record),
        cmocka_unit_test(test_torn_bad_crc),
        cmocka_unit_test(test_torn_record_without_newline),
        cmocka_unit_test(test_torn_header),
        cmocka_unit_test(test_damage_in_middle_refused),
        cmocka_unit_test(test_trailing_garbage_refused),
        cmocka_unit_test(test_second_open_locked),
        cmocka_unit_test(test_child_leaves_the_lock),
        cmocka_unit_test(test_kill9_during_ingest),
        cmocka_unit_test(test_failed_commit_cut_back),
        cmocka_unit_test(test_large_batch_written_early),
        cmocka_unit_test(test_subnormal_value_round_trips),
        cmocka_unit_test(test_member_keys_round_trip),
        cmocka_unit_test(test_value_texts_read_as_strtod),
        cmocka_unit_test(test_torn_tail_of_nuls_dropped),
        cmocka_unit_test(test_long_tail_of_nuls_dropped),
        cmocka_unit_test(test_not_a_journal_refused),
        cmocka_unit_test(test_infinite_value_not_staged),
        cmocka_unit_test(test_unfinished_commit_dropped_at_every_offset),
        cmocka_unit_test(test_commit_count_must_match),
        cmocka_unit_test(test_damage_inside_commit_refused),
        cmocka_unit_test(test_read_skips_unfinished_commit),
        cmocka_unit_test(test_format1_replays_and_upgrades),
        cmocka_unit_test(test_format1_torn_and_half_upgraded),
        cmocka_unit_test(test_journal_from_before_zlib_loads),
        cmocka_unit_test(test_failed_cut_back_stops_commits),
        cmocka_unit_test(test_health_follows_commits),
        cmocka_unit_test(test_read_out_of_descriptors),
        cmocka_unit_test(test_symlink_journal_refused),
        cmocka_unit_test(test_huge_commit_read_again),
        cmocka_unit_test(test_large_journal_read_in_blocks),
        cmocka_unit_test(test_line_longer_than_a_read_block),
    };
    return cmocka_run_group_tests(tests, NULL, remove_temp_dirs);
}
