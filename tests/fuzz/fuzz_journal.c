/*
 * fuzz_journal.c — journal replay (daemon/store/journal.c) on arbitrary bytes as
 * STATE/journal. Besides the sanitizers' checks it aborts when replay breaks
 * a promise of journal.h:
 *   - a refused journal is left byte for byte as it was, with a reason that
 *     names the file;
 *   - what journal_open replays, journal_read (the read-only reader beside
 *     a running pejld) replays too, record for record;
 *   - after journal_open (which may cut an unfinished commit and upgrade a
 *     format 1 journal) the file replays the same records again, and a
 *     record committed then replays after them.
 * Links pejlcore, which a fuzz build instruments for coverage. Files go to
 * /dev/shm when there is one: every input costs a few fdatasync()s.
 */
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"
#include "log.h"
#include "period.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(condition)                                                                           \
    do {                                                                                           \
        if (!(condition))                                                                          \
            abort();                                                                               \
    } while (0)

/* The records a replay delivered, as a count and a running hash. */
struct digest {
    uint64_t n, hash;
};

static void mix(struct digest *d, const void *bytes, size_t len)
{
    const unsigned char *p = bytes;
    for (size_t i = 0; i < len; i++)
        d->hash = (d->hash ^ p[i]) * 0x100000001b3ull;
}

static int note(void *arg, const struct journal_record *r)
{
    struct digest *d = arg;
    char period[PERIOD_TEXT_MAX];
    CHECK(period_valid(&r->obs.period));
    CHECK(!isinf(r->obs.value));
    size_t len = period_format(&r->obs.period, period, sizeof period);
    mix(d, r->indicator, strlen(r->indicator) + 1);
    mix(d, period, len);
    double v = isnan(r->obs.value) ? NAN : r->obs.value; /* one NaN */
    mix(d, &v, sizeof v);
    mix(d, &r->obs.status, sizeof r->obs.status);
    mix(d, &r->vintage, sizeof r->vintage);
    d->n++;
    return 0;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    CHECK(f);
    char *buf = malloc(1 << 20);
    CHECK(buf);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static void write_all_to(const char *path, const uint8_t *data, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK(write(fd, data, size) == (ssize_t)size);
    close(fd);
}

static struct journal *open_digest(const char *dir, struct digest *d, char *err, size_t errlen)
{
    *d = (struct digest){0, 0xcbf29ce484222325ull};
    return journal_open(dir, note, d, err, errlen);
}

/* Opened: the same records as the reader's, again on reopening, and one
 * more after a commit. */
static void check_opened(const char *dir, struct journal *j, const struct digest *opened,
                         const struct digest *read)
{
    char err[1024];
    struct digest again;
    CHECK(opened->n == read->n && opened->hash == read->hash);
    CHECK(journal_records(j) == opened->n);
    journal_close(j);
    j = open_digest(dir, &again, err, sizeof err);
    CHECK(j);
    CHECK(again.n == opened->n && again.hash == opened->hash);
    struct journal_record r = {
        .indicator = "fuzz_added",
        .obs = {.period = {.year = 2020, .kind = PEJL_PERIOD_YEAR}, .value = 1.5},
        .vintage = 1700000000};
    CHECK(journal_stage(j, &r) == 0);
    CHECK(journal_commit(j, err, sizeof err) == 0);
    journal_close(j);
    j = open_digest(dir, &again, err, sizeof err);
    CHECK(j);
    CHECK(again.n == opened->n + 1);
    journal_close(j);
}

static char dir[64]; /* made at the first input, removed at exit */

static void remove_dir(void)
{
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128], err[1024];
    if (!dir[0]) {
        log_set_level(LOG_LEVEL_ERROR); /* torn tails are expected here */
        snprintf(dir, sizeof dir, "%s/pejl-fuzz-journal.XXXXXX",
                 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
        CHECK(mkdtemp(dir));
        atexit(remove_dir);
    }
    snprintf(path, sizeof path, "%s/%s", dir, JOURNAL_FILE);
    write_all_to(path, data, size);

    struct digest read = {0, 0xcbf29ce484222325ull}, opened;
    int read_rc = journal_read(dir, note, &read, err, sizeof err);
    struct journal *j = open_digest(dir, &opened, err, sizeof err);
    if (j) {
        CHECK(read_rc == 0);
        check_opened(dir, j, &opened, &read);
    } else {
        size_t len;
        char *now = read_all(path, &len);
        CHECK(len == size && memcmp(now, data, size) == 0);
        CHECK(strstr(err, path));
        free(now);
    }
    unlink(path);
    return 0;
}
