/*
 * fuzz_alert_ledger.c — the alert state file reader (daemon/alert/alert_ledger.c)
 * on arbitrary bytes. A document it accepts must save and parse back to
 * the same ledger (compared by its saved text), and a refused one must
 * leave the ledger empty with a message that names the file.
 *
 * Input starting with "pejl-alerts-log" is a log (daemon/alert/alert_log.c)
 * replayed over an empty ledger of its generation: it must never crash,
 * end inside the text, or (when refused) give a message without the name;
 * when accepted, what it applied must save and parse back the same.
 *
 * A document is also glanced at (alert_ledger_glance, what pejld --status
 * reads): never a crash or a read past the text; refused, nothing kept;
 * accepted by both readers, the same fields of every alert.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert_ledger.h"
#include "alert_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(condition)                                                                           \
    do {                                                                                           \
        if (!(condition))                                                                          \
            abort();                                                                               \
    } while (0)

/* The ledger as pejld would save it, for comparing two ledgers. */
static char *saved_text(const struct alert_ledger *l)
{
    char dir[] = "/tmp/pejl-fuzz-ledger.XXXXXX", path[64], err[512];
    CHECK(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/alerts.json", dir);
    CHECK(alert_ledger_save(l, path, 1, err, sizeof err) == 0);
    FILE *f = fopen(path, "r");
    CHECK(f);
    char *text = calloc(1, 1 << 22);
    CHECK(text);
    size_t n = fread(text, 1, (1 << 22) - 1, f);
    text[n] = '\0';
    fclose(f);
    unlink(path);
    rmdir(dir);
    return text;
}

static int fuzz_log(const char *text, size_t size)
{
    struct alert_ledger l = {0}, again = {0};
    char err[512] = "";
    size_t end = 0, dropped = 0;
    bool stale = false;
    /* the generation of its header, so that its records are applied */
    for (size_t i = sizeof ALERT_LOG_HEADER - 1; i < size && i < 32 && text[i] >= '0' && text[i] <= '9'; i++)
        l.generation = l.generation * 10 + (uint64_t)(text[i] - '0');
    if (alert_log_replay(&l, "alerts.log", text, size, &end, &dropped, &stale, err, sizeof err) < 0) {
        CHECK(strncmp(err, "alerts.log: ", 12) == 0);
        alert_ledger_free(&l);
        return 0;
    }
    CHECK(end <= size);
    CHECK(!alert_ledger_changed(&l));
    char *first = saved_text(&l);
    CHECK(alert_ledger_parse(&again, "alerts.json", first, strlen(first), err, sizeof err) == 0);
    char *second = saved_text(&again);
    CHECK(strcmp(first, second) == 0);
    free(first);
    free(second);
    alert_ledger_free(&l);
    alert_ledger_free(&again);
    return 0;
}

/* The glance agrees with the full reader where both accept the text. */
static void fuzz_glance(const uint8_t *data, size_t size, const struct alert_ledger *full,
                        bool accepted)
{
    struct alert_ledger seen = {0};
    char *copy = malloc(size ? size : 1); /* exactly `size` bytes */
    CHECK(copy);
    memcpy(copy, data, size);
    if (alert_ledger_glance(&seen, "alerts.json", copy, size) < 0) {
        CHECK(seen.n_alerts == 0 && seen.n_silences == 0);
    } else if (accepted) {
        CHECK(seen.n_alerts == full->n_alerts && seen.n_silences == full->n_silences);
        for (size_t i = 0; i < full->n_alerts; i++) {
            const struct alert *w = &full->alerts[i], *g = alert_ledger_find(&seen, w->fingerprint);
            CHECK(g && g->state == w->state && g->since == w->since &&
                  g->starts_at == w->starts_at && g->orphan == w->orphan &&
                  strcmp(g->summary, w->summary) == 0 && strcmp(g->rule, w->rule) == 0 &&
                  strcmp(g->indicator, w->indicator) == 0);
        }
    }
    alert_ledger_free(&seen);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct alert_ledger l = {0}, again = {0};
    if (size >= 15 && memcmp(data, "pejl-alerts-log", 15) == 0) {
        char *copy = malloc(size); /* exactly `size` bytes: a read past them is caught */
        CHECK(copy);
        memcpy(copy, data, size);
        fuzz_log(copy, size);
        free(copy);
        return 0;
    }
    char err[512] = "";
    if (alert_ledger_parse(&l, "alerts.json", (const char *)data, size, err, sizeof err) < 0) {
        CHECK(l.n_alerts == 0 && l.n_collections == 0 && l.n_silences == 0);
        CHECK(strncmp(err, "alerts.json: ", 13) == 0);
        fuzz_glance(data, size, &l, false);
        return 0;
    }
    fuzz_glance(data, size, &l, true);
    char *first = saved_text(&l);
    CHECK(alert_ledger_parse(&again, "alerts.json", first, strlen(first), err, sizeof err) == 0);
    char *second = saved_text(&again);
    CHECK(strcmp(first, second) == 0);
    free(first);
    free(second);
    alert_ledger_free(&l);
    alert_ledger_free(&again);
    return 0;
}
