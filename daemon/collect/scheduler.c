/*
 * scheduler.c — collection timing (see scheduler.h).
 *
 * Every indicator present in the config holds one timer. When the loop
 * cannot give it one (out of memory), the indicator is "lost": that is
 * logged, scheduler_sync() says so, and it is scheduled again at the next
 * sync and whenever a collection finishes; never silently dropped.
 */
#include "scheduler.h"

#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "duration.h" /* PEJL_INTERVAL_MAX_S, the longest interval the config allows */
#include "log.h"
#include "name_index.h"

struct entry {
    char id[INDICATOR_ID_MAX + 1];
    int64_t interval_s;
    uint64_t timer;
    bool running;
    bool again;   /* asked to run now while running: run once more after */
    bool present; /* seen in the latest sync */
    bool started; /* collected at least once: a lost timer waits an interval */
    bool lost;    /* no timer: the loop had no memory for one */
    struct scheduler *owner;
};

struct scheduler {
    struct loop *loop;
    scheduler_start_fn start;
    void *arg;
    struct entry **entries;
    size_t n, cap;
    /* id -> entry: a lookup per collection must not walk every entry. Rebuilt
     * after entries are dropped; empty (searched instead) when out of memory. */
    struct name_index by_id;
    bool indexed;
};

int64_t scheduler_jitter_ms(int64_t interval_s)
{
    if (interval_s > PEJL_INTERVAL_MAX_S) /* the config refuses more: no overflow below */
        interval_s = PEJL_INTERVAL_MAX_S;
    int64_t base = interval_s * 1000, spread = base / 5; /* ±10 % */
    if (spread <= 0)
        return base;
    uint32_t bound = spread > UINT32_MAX ? UINT32_MAX : (uint32_t)spread;
    return base - spread / 2 + (int64_t)arc4random_uniform(bound);
}

struct scheduler *scheduler_new(struct loop *loop, scheduler_start_fn start, void *arg)
{
    struct scheduler *s = calloc(1, sizeof *s);
    if (s)
        *s = (struct scheduler){.loop = loop, .start = start, .arg = arg, .indexed = true};
    return s;
}

/* The index of every entry again, after some were dropped. */
static void reindex(struct scheduler *s)
{
    name_index_clear(&s->by_id);
    s->indexed = true;
    for (size_t i = 0; i < s->n && s->indexed; i++)
        s->indexed = name_index_put(&s->by_id, s->entries[i]->id, s->entries[i]) == 0;
    if (!s->indexed)
        name_index_clear(&s->by_id);
}

/* Drops entry i; the caller reindexes. */
static void drop(struct scheduler *s, size_t i)
{
    loop_cancel_timer(s->loop, s->entries[i]->timer);
    free(s->entries[i]);
    s->entries[i] = s->entries[--s->n];
}

void scheduler_free(struct scheduler *s)
{
    if (!s)
        return;
    while (s->n)
        drop(s, 0);
    name_index_clear(&s->by_id);
    free(s->entries);
    free(s);
}

static struct entry *find(const struct scheduler *s, const char *id)
{
    if (s->indexed)
        return name_index_get(&s->by_id, id);
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->entries[i]->id, id) == 0)
            return s->entries[i];
    return NULL;
}

static size_t find_index(const struct scheduler *s, const struct entry *e)
{
    size_t i = 0;
    while (i < s->n && s->entries[i] != e)
        i++;
    return i;
}

static void on_due(struct loop *loop, void *arg);

/* Gives `e` its next run in `delay_ms`; -1, logged, when the loop cannot. */
static int schedule(struct scheduler *s, struct entry *e, int64_t delay_ms)
{
    e->timer = loop_add_timer(s->loop, delay_ms, on_due, e);
    if (e->timer && e->lost)
        log_info("%s: scheduled again", e->id);
    else if (!e->timer && !e->lost)
        log_err("%s: cannot schedule its next collection (out of memory); trying again when a "
                "collection ends or the config is reloaded",
                e->id);
    e->lost = !e->timer;
    return e->timer ? 0 : -1;
}

/* Schedules again the indicators that could not get a timer. */
static int schedule_lost(struct scheduler *s)
{
    int rc = 0;
    for (size_t i = 0; i < s->n; i++) {
        struct entry *e = s->entries[i];
        if (!e->present || e->timer)
            continue;
        int64_t delay = e->started ? scheduler_jitter_ms(e->interval_s) : 0;
        if (schedule(s, e, delay) < 0)
            rc = -1;
    }
    return rc;
}

static void on_due(struct loop *loop, void *arg)
{
    (void)loop;
    struct entry *e = arg;
    struct scheduler *s = e->owner;
    e->timer = 0;
    schedule(s, e, scheduler_jitter_ms(e->interval_s)); /* reuses the slot that fired */
    if (e->running) {
        log_warn("%s: previous collection still running; skipping this one", e->id);
        return;
    }
    e->running = true;
    e->started = true;
    if (s->start(s->arg, e->id) < 0)
        e->running = false;
}

static struct entry *add(struct scheduler *s, const struct indicator *ind, int64_t first_ms)
{
    if (array_grow((void **)&s->entries, &s->cap, s->n + 1, sizeof *s->entries) < 0)
        return NULL;
    struct entry *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    strcpy(e->id, ind->id);
    if (s->indexed && name_index_put(&s->by_id, e->id, e) < 0) {
        name_index_clear(&s->by_id); /* searched from now on */
        s->indexed = false;
    }
    e->owner = s;
    e->interval_s = ind->interval_s;
    e->present = true;
    s->entries[s->n++] = e;
    int64_t delay = first_ms > 0 ? (int64_t)arc4random_uniform((uint32_t)first_ms) : 0;
    schedule(s, e, delay); /* lost, if it fails: scheduled again later */
    return e;
}

int scheduler_sync(struct scheduler *s, const struct indicator *indicators, size_t n_indicators,
                   int64_t first_within_ms)
{
    for (size_t i = 0; i < s->n; i++)
        s->entries[i]->present = false;
    for (size_t i = 0; i < n_indicators; i++) {
        const struct indicator *ind = &indicators[i];
        struct entry *e = find(s, ind->id);
        if (!e && !(e = add(s, ind, first_within_ms)))
            return -1;
        e->interval_s = ind->interval_s;
        e->present = true;
    }
    size_t before = s->n;
    for (size_t i = 0; i < s->n;) {
        if (s->entries[i]->present || s->entries[i]->running)
            i++;
        else
            drop(s, i);
    }
    if (s->n != before)
        reindex(s);
    return schedule_lost(s);
}

/* Due at once; on_due puts the regular interval back after it. The
 * cancelled timer's slot is reused, so this fails only for an indicator
 * that was lost already, and then it stays lost (and retried). */
static int due_now(struct scheduler *s, struct entry *e)
{
    loop_cancel_timer(s->loop, e->timer);
    return schedule(s, e, 0);
}

void scheduler_finished(struct scheduler *s, const char *id)
{
    struct entry *e = find(s, id);
    if (!e)
        return;
    e->running = false;
    if (!e->present) { /* removed by a reload while it ran */
        drop(s, find_index(s, e));
        reindex(s);
    } else if (e->again) {
        e->again = false;
        due_now(s, e);
    }
    schedule_lost(s);
}

int scheduler_run_now(struct scheduler *s, const char *id)
{
    struct entry *e = find(s, id);
    if (!e || !e->present)
        return -1;
    if (e->running) {
        e->again = true;
        return 0;
    }
    return due_now(s, e);
}

bool scheduler_running(const struct scheduler *s, const char *id)
{
    const struct entry *e = find(s, id);
    return e && e->running;
}
