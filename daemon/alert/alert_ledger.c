/*
 * alert_ledger.c — the alert state file (see alert_ledger.h).
 */
#include "alert_ledger.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array.h"
#include "atomic_file.h"
#include "fnv.h"
#include "indicator.h"
#include "period.h"
#include "timestamp.h"
#include "utf8.h"

static int grow(void **items, size_t *cap, size_t n, size_t size)
{
    return array_grow(items, cap, n + 1, size);
}

/* ---- the hashes ---- */

static uint64_t hash_text(uint64_t h, const char *s)
{
    return fnv1a(h, s, strlen(s) + 1);
}

static uint64_t alert_key(const struct alert_ledger *l, size_t i)
{
    return hash_text(FNV64_OFFSET, l->alerts[i].fingerprint);
}

static uint64_t collection_key(const struct alert_ledger *l, size_t i)
{
    return hash_text(FNV64_OFFSET, l->collections[i].indicator);
}

static uint64_t mark_hash(const char *fingerprint, const char *receiver)
{
    return hash_text(hash_text(FNV64_OFFSET, fingerprint), receiver);
}

static uint64_t mark_key(const struct alert_ledger *l, size_t i)
{
    return mark_hash(l->marks[i].fingerprint, l->marks[i].receiver);
}

typedef uint64_t key_fn(const struct alert_ledger *l, size_t i);

static void index_put(struct ledger_index *x, uint64_t h, size_t i)
{
    size_t slot = (size_t)h & (x->cap - 1);
    while (x->slots[slot])
        slot = (slot + 1) & (x->cap - 1);
    x->slots[slot] = (uint32_t)(i + 1);
}

/* Makes room for `need` entries (at most half full); rehashes the first
 * `have` when the table grows or `force`. */
static int index_fit(struct ledger_index *x, const struct alert_ledger *l, size_t have, size_t need,
                     key_fn *key, bool force)
{
    size_t cap = x->cap ? x->cap : 64;
    while (cap < 2 * need)
        cap *= 2;
    if (need >= UINT32_MAX || cap > SIZE_MAX / sizeof *x->slots)
        return -1;
    if (cap == x->cap && !force)
        return 0;
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    free(x->slots);
    x->slots = slots;
    x->cap = cap;
    for (size_t i = 0; i < have; i++)
        index_put(x, key(l, i), i);
    return 0;
}

/* Adds entry `n - 1`, the last one, to the hash. */
static int index_add(struct ledger_index *x, const struct alert_ledger *l, size_t n, key_fn *key)
{
    if (index_fit(x, l, n - 1, n, key, false) < 0)
        return -1;
    index_put(x, key(l, n - 1), n - 1);
    return 0;
}

static int index_rebuild(struct ledger_index *x, const struct alert_ledger *l, size_t n,
                         key_fn *key)
{
    return index_fit(x, l, n, n, key, true);
}

/* The slots to probe for hash `h`: from *slot on, until an empty one. */
static bool index_next(const struct ledger_index *x, uint64_t h, size_t *probe, size_t *i)
{
    if (!x->cap)
        return false;
    size_t slot = ((size_t)h + *probe) & (x->cap - 1);
    if (!x->slots[slot] || *probe >= x->cap)
        return false;
    *i = x->slots[slot] - 1;
    (*probe)++;
    return true;
}

struct alert *alert_ledger_find(const struct alert_ledger *l, const char *fingerprint)
{
    uint64_t h = hash_text(FNV64_OFFSET, fingerprint);
    size_t probe = 0, i;
    if (!l->by_fingerprint.cap) /* no memory for the hash: scan */
        for (i = 0; i < l->n_alerts; i++)
            if (strcmp(l->alerts[i].fingerprint, fingerprint) == 0)
                return &l->alerts[i];
    while (index_next(&l->by_fingerprint, h, &probe, &i))
        if (i < l->n_alerts && strcmp(l->alerts[i].fingerprint, fingerprint) == 0)
            return &l->alerts[i];
    return NULL;
}

struct alert *alert_ledger_add(struct alert_ledger *l, const struct alert *a)
{
    if (grow((void **)&l->alerts, &l->cap_alerts, l->n_alerts, sizeof *l->alerts) < 0)
        return NULL;
    l->alerts[l->n_alerts++] = *a;
    l->alerts[l->n_alerts - 1].dirty = false;
    if (index_add(&l->by_fingerprint, l, l->n_alerts, alert_key) < 0) {
        free(l->by_fingerprint.slots); /* scans from now on */
        l->by_fingerprint = (struct ledger_index){0};
    }
    alert_ledger_touch(l, &l->alerts[l->n_alerts - 1]);
    return &l->alerts[l->n_alerts - 1];
}

static struct collection_entry *collection_find(const struct alert_ledger *l, const char *indicator)
{
    uint64_t h = hash_text(FNV64_OFFSET, indicator);
    size_t probe = 0, i;
    if (!l->by_indicator.cap)
        for (i = 0; i < l->n_collections; i++)
            if (strcmp(l->collections[i].indicator, indicator) == 0)
                return &l->collections[i];
    while (index_next(&l->by_indicator, h, &probe, &i))
        if (i < l->n_collections && strcmp(l->collections[i].indicator, indicator) == 0)
            return &l->collections[i];
    return NULL;
}

struct collection_record *alert_ledger_collection(struct alert_ledger *l, const char *indicator,
                                                  bool create)
{
    struct collection_entry *found = collection_find(l, indicator);
    if (found)
        return &found->record;
    if (!create || grow((void **)&l->collections, &l->cap_collections, l->n_collections,
                        sizeof *l->collections) < 0)
        return NULL;
    struct collection_entry *e = &l->collections[l->n_collections++];
    *e = (struct collection_entry){.record = {.revision_pct = NAN}};
    snprintf(e->indicator, sizeof e->indicator, "%s", indicator);
    if (index_add(&l->by_indicator, l, l->n_collections, collection_key) < 0) {
        free(l->by_indicator.slots);
        l->by_indicator = (struct ledger_index){0};
    }
    alert_ledger_touch_collection(l, indicator);
    return &e->record;
}

int alert_ledger_add_silence(struct alert_ledger *l, const struct silence *s)
{
    if (grow((void **)&l->silences, &l->cap_silences, l->n_silences, sizeof *l->silences) < 0)
        return -1;
    l->silences[l->n_silences++] = *s;
    l->rewrite = true;
    return 0;
}

size_t alert_ledger_expire_silences(struct alert_ledger *l, int64_t now)
{
    size_t kept = 0, n = l->n_silences;
    for (size_t i = 0; i < n; i++)
        if (!silence_expired(&l->silences[i], now))
            l->silences[kept++] = l->silences[i];
    l->n_silences = kept;
    l->rewrite |= kept != n;
    return n - kept;
}

struct notify_mark *alert_ledger_mark(struct alert_ledger *l, const char *fingerprint,
                                      const char *receiver, bool create)
{
    uint64_t h = mark_hash(fingerprint, receiver);
    size_t probe = 0, i;
    if (!l->by_mark.cap)
        for (i = 0; i < l->n_marks; i++)
            if (strcmp(l->marks[i].fingerprint, fingerprint) == 0 &&
                strcmp(l->marks[i].receiver, receiver) == 0)
                return &l->marks[i];
    while (index_next(&l->by_mark, h, &probe, &i))
        if (i < l->n_marks && strcmp(l->marks[i].fingerprint, fingerprint) == 0 &&
            strcmp(l->marks[i].receiver, receiver) == 0)
            return &l->marks[i];
    if (!create || grow((void **)&l->marks, &l->cap_marks, l->n_marks, sizeof *l->marks) < 0)
        return NULL;
    struct notify_mark *m = &l->marks[l->n_marks++];
    *m = (struct notify_mark){.state = ALERT_OK};
    snprintf(m->fingerprint, sizeof m->fingerprint, "%s", fingerprint);
    snprintf(m->receiver, sizeof m->receiver, "%s", receiver);
    if (index_add(&l->by_mark, l, l->n_marks, mark_key) < 0) {
        free(l->by_mark.slots);
        l->by_mark = (struct ledger_index){0};
    }
    alert_ledger_touch_mark(l, m);
    return m;
}

/* ---- what changed ---- */

static void remember_dirty(struct alert_ledger *l, bool *dirty, size_t **list, size_t *n,
                           size_t *cap, size_t i)
{
    if (*dirty || l->rewrite)
        return;
    if (array_grow((void **)list, cap, *n + 1, sizeof **list) < 0) {
        l->rewrite = true; /* no memory to list it: save everything */
        return;
    }
    (*list)[(*n)++] = i;
    *dirty = true;
}

void alert_ledger_touch(struct alert_ledger *l, const struct alert *a)
{
    size_t i = (size_t)(a - l->alerts);
    remember_dirty(l, &l->alerts[i].dirty, &l->dirty_alerts, &l->n_dirty_alerts,
                   &l->cap_dirty_alerts, i);
}

void alert_ledger_touch_collection(struct alert_ledger *l, const char *indicator)
{
    struct collection_entry *e = collection_find(l, indicator);
    if (e)
        remember_dirty(l, &e->dirty, &l->dirty_collections, &l->n_dirty_collections,
                       &l->cap_dirty_collections, (size_t)(e - l->collections));
}

void alert_ledger_touch_mark(struct alert_ledger *l, const struct notify_mark *m)
{
    size_t i = (size_t)(m - l->marks);
    remember_dirty(l, &l->marks[i].dirty, &l->dirty_marks, &l->n_dirty_marks, &l->cap_dirty_marks,
                   i);
}

void alert_ledger_rewrite(struct alert_ledger *l)
{
    l->rewrite = true;
}

int alert_ledger_reindex(struct alert_ledger *l)
{
    int rc = 0;
    l->rewrite = true; /* entries went: the indexes of the dirty lists are stale */
    if (index_rebuild(&l->by_fingerprint, l, l->n_alerts, alert_key) < 0)
        rc = -1;
    if (index_rebuild(&l->by_indicator, l, l->n_collections, collection_key) < 0)
        rc = -1;
    if (index_rebuild(&l->by_mark, l, l->n_marks, mark_key) < 0)
        rc = -1;
    return rc;
}

bool alert_ledger_changed(const struct alert_ledger *l)
{
    return l->rewrite || l->n_dirty_alerts || l->n_dirty_collections || l->n_dirty_marks;
}

/* Only the listed entries carry the flag, unless entries moved (a rewrite,
 * which costs the whole file anyway). */
void alert_ledger_saved(struct alert_ledger *l)
{
    bool all = l->rewrite;
    for (size_t k = 0; k < (all ? l->n_alerts : l->n_dirty_alerts); k++)
        l->alerts[all ? k : l->dirty_alerts[k]].dirty = false;
    for (size_t k = 0; k < (all ? l->n_collections : l->n_dirty_collections); k++)
        l->collections[all ? k : l->dirty_collections[k]].dirty = false;
    for (size_t k = 0; k < (all ? l->n_marks : l->n_dirty_marks); k++)
        l->marks[all ? k : l->dirty_marks[k]].dirty = false;
    l->n_dirty_alerts = l->n_dirty_collections = l->n_dirty_marks = 0;
    l->rewrite = false;
}

void alert_ledger_free(struct alert_ledger *l)
{
    free(l->by_fingerprint.slots);
    free(l->by_indicator.slots);
    free(l->by_mark.slots);
    free(l->dirty_alerts);
    free(l->dirty_collections);
    free(l->dirty_marks);
    free(l->marks);
    for (size_t i = 0; i < l->n_alerts; i++)
        alert_free(&l->alerts[i]);
    free(l->alerts);
    free(l->collections);
    free(l->silences);
    *l = (struct alert_ledger){0};
}

/* ---- writing ---- */

/* Text as JSON: a summary cut at its buffer's end may end inside a UTF-8
 * sequence, and a config string need not be UTF-8; invalid bytes become '?'. */
static json_t *text(const char *s)
{
    return utf8_json(s);
}

static json_t *figure(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *labels_json(const struct alert *a)
{
    struct label_set set;
    json_t *o = json_object();
    alert_label_set(a, &set);
    for (size_t i = 0; i < set.n; i++)
        json_object_set_new(o, set.items[i].name, text(set.items[i].value));
    return o;
}

static json_t *history_json(const struct alert *a)
{
    json_t *list = json_array();
    for (size_t i = 0; i < a->n_history; i++) {
        const struct alert_transition *t = &a->history[i];
        json_array_append_new(list, json_pack("{s:o, s:s, s:s, s:o}", "at", timestamp_json(t->at), "from",
                                              alert_state_name(t->from), "to",
                                              alert_state_name(t->to), "summary", text(t->summary)));
    }
    return list;
}

json_t *alert_to_json(const struct alert *a)
{
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:I}", "fingerprint", a->fingerprint, "indicator",
                  a->indicator, "rule", a->rule, "labels", labels_json(a), "state",
                  alert_state_name(a->state), "pending", alert_state_name(a->pending),
                  "pending_count", (json_int_t)a->pending_count);
    json_object_set_new(o, "pending_since", timestamp_json(a->pending_since));
    json_object_set_new(o, "since", timestamp_json(a->since));
    json_object_set_new(o, "starts_at", timestamp_json(a->starts_at));
    json_object_set_new(o, "ends_at", timestamp_json(a->ends_at));
    json_object_set_new(o, "evaluated_at", timestamp_json(a->evaluated_at));
    json_object_set_new(o, "last_notified", timestamp_json(a->last_notified));
    json_object_set_new(o, "value", figure(a->value));
    json_object_set_new(o, "summary", text(a->summary));
    json_object_set_new(o, "description", text(alert_description(a)));
    json_object_set_new(o, "orphan", json_boolean(a->orphan));
    json_object_set_new(o, "history", history_json(a));
    return o;
}

json_t *silence_to_json(const struct silence *s)
{
    json_t *o = json_pack("{s:s, s:s, s:s}", "id", s->id, "indicator", s->indicator, "rule", s->rule);
    json_object_set_new(o, "starts_at", timestamp_json(s->starts_at));
    json_object_set_new(o, "ends_at", timestamp_json(s->ends_at));
    json_object_set_new(o, "comment", text(s->comment));
    json_object_set_new(o, "created_by", text(s->created_by));
    return o;
}

json_t *alert_ledger_collection_json(const struct collection_record *c)
{
    char period[PERIOD_TEXT_MAX] = "";
    json_t *o = json_pack("{s:I}", "consecutive_failures", (json_int_t)c->consecutive_failures);
    json_object_set_new(o, "last_attempt", timestamp_json(c->last_attempt));
    json_object_set_new(o, "last_success", timestamp_json(c->last_success));
    json_object_set_new(o, "last_error", text(c->last_error));
    json_object_set_new(o, "revision_pct", figure(c->revision_pct));
    if (isfinite(c->revision_pct)) {
        period_format(&c->revised_period, period, sizeof period);
        json_object_set_new(o, "revised_series", json_string(c->revised_series));
        json_object_set_new(o, "revised_period", json_string(period));
        json_object_set_new(o, "revised_from", figure(c->revised_from));
        json_object_set_new(o, "revised_to", figure(c->revised_to));
    }
    if (c->provisional.pct > 0) {
        period_format(&c->provisional.period, period, sizeof period);
        json_object_set_new(o, "provisional_update",
                            json_pack("{s:o, s:s, s:s, s:o, s:o}", "pct",
                                      figure(c->provisional.pct), "series", c->provisional.series,
                                      "period", period, "from", figure(c->provisional.from), "to",
                                      figure(c->provisional.to)));
    }
    return o;
}

json_t *alert_ledger_mark_json(const struct notify_mark *m)
{
    json_t *o = json_pack("{s:s, s:s, s:s}", "fingerprint", m->fingerprint, "receiver",
                          m->receiver, "state", alert_state_name(m->state));
    json_object_set_new(o, "at", timestamp_json(m->at));
    json_object_set_new(o, "starts_at", timestamp_json(m->starts_at));
    return o;
}

static json_t *ledger_json(const struct alert_ledger *l, int64_t now)
{
    json_t *alerts = json_array(), *collections = json_object(), *silences = json_array();
    json_t *marks = json_array();
    for (size_t i = 0; i < l->n_marks; i++)
        json_array_append_new(marks, alert_ledger_mark_json(&l->marks[i]));
    for (size_t i = 0; i < l->n_alerts; i++)
        json_array_append_new(alerts, alert_to_json(&l->alerts[i]));
    for (size_t i = 0; i < l->n_collections; i++)
        json_object_set_new(collections, l->collections[i].indicator,
                            alert_ledger_collection_json(&l->collections[i].record));
    for (size_t i = 0; i < l->n_silences; i++)
        json_array_append_new(silences, silence_to_json(&l->silences[i]));
    return json_pack("{s:s, s:o, s:I, s:o, s:o, s:o, s:o}", "format", ALERT_LEDGER_FORMAT,
                     "saved_at", timestamp_json(now), "generation", (json_int_t)l->generation,
                     "alerts", alerts, "collections", collections, "silences", silences, "notified",
                     marks);
}

int alert_ledger_save(const struct alert_ledger *l, const char *path, int64_t now, char *err,
                      size_t errlen)
{
    json_t *doc = ledger_json(l, now);
    char *text = doc ? json_dumps(doc, JSON_INDENT(1) | JSON_REAL_PRECISION(17)) : NULL;
    json_decref(doc);
    if (!text) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    int rc = atomic_file_write(path, text, strlen(text), 0600, err, errlen);
    free(text);
    return rc;
}

/* ---- reading ---- */

struct reader {
    const char *path;
    char where[64]; /* e.g. "alerts[3]" */
    char *err;
    size_t errlen;
    bool failed;
};

__attribute__((format(printf, 2, 3))) static void refuse(struct reader *r, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    if (r->failed)
        return; /* the first problem is the one to read */
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(r->err, r->errlen,
             "%s: %s%s%s; pejld wrote this file, so something else changed it: move it aside "
             "to start with fresh alert state (active alerts will be raised again)",
             r->path, r->where, r->where[0] ? ": " : "", what);
    r->failed = true;
}

static void read_text(struct reader *r, json_t *o, const char *key, char *out, size_t size)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v) || json_string_length(v) >= size)
        refuse(r, "\"%s\" must be a string of fewer than %zu bytes", key, size);
    else
        memcpy(out, json_string_value(v), json_string_length(v) + 1);
}

static void read_description(struct reader *r, json_t *o, struct alert *a)
{
    json_t *v = json_object_get(o, "description");
    if (!json_is_string(v) || json_string_length(v) >= ALERT_DESCRIPTION_MAX)
        refuse(r, "\"description\" must be a string of fewer than %d bytes", ALERT_DESCRIPTION_MAX);
    else if (alert_set_description(a, json_string_value(v)) < 0)
        refuse(r, "out of memory");
}

static int64_t read_moment(struct reader *r, json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    int64_t t = 0;
    if (json_is_null(v))
        return 0;
    if (!json_is_string(v) || timestamp_parse(json_string_value(v), &t) < 0)
        refuse(r, "\"%s\" must be an RFC 3339 time or null", key);
    return t;
}

static double read_figure(struct reader *r, json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (json_is_null(v))
        return NAN;
    if (!json_is_number(v))
        refuse(r, "\"%s\" must be a number or null", key);
    return json_number_value(v);
}

static enum alert_state read_state(struct reader *r, json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    int s = json_is_string(v) ? alert_state_from_name(json_string_value(v)) : -1;
    if (s < 0)
        refuse(r, "\"%s\" must be OK, WARNING, CRITICAL or UNKNOWN", key);
    return s < 0 ? ALERT_UNKNOWN : (enum alert_state)s;
}

static unsigned read_count(struct reader *r, json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > UINT_MAX)
        refuse(r, "\"%s\" must be a count", key);
    return json_is_integer(v) ? (unsigned)json_integer_value(v) : 0;
}

static void read_labels(struct reader *r, json_t *o, struct alert *a)
{
    json_t *labels = json_object_get(o, "labels"), *value;
    const char *name;
    struct label_set all, *set = &all;
    set->n = 0;
    if (!json_is_object(labels) || json_object_size(labels) > ALERT_LABELS_MAX) {
        refuse(r, "\"labels\" must be an object of at most %d labels", ALERT_LABELS_MAX);
        return;
    }
    json_object_foreach(labels, name, value) {
        struct label *l = &set->items[set->n++];
        if (strlen(name) >= sizeof l->name || !json_is_string(value) ||
            json_string_length(value) >= sizeof l->value) {
            refuse(r, "label \"%s\" is not a short name with a short string value", name);
            return;
        }
        snprintf(l->name, sizeof l->name, "%s", name);
        memcpy(l->value, json_string_value(value), json_string_length(value) + 1);
    }
    if (alert_set_labels(a, set) < 0)
        refuse(r, "out of memory");
}

static void read_history(struct reader *r, json_t *o, struct alert *a)
{
    json_t *list = json_object_get(o, "history"), *item;
    size_t i;
    if (!json_is_array(list) || json_array_size(list) > ALERT_HISTORY_MAX) {
        refuse(r, "\"history\" must be a list of at most %d transitions", ALERT_HISTORY_MAX);
        return;
    }
    json_array_foreach(list, i, item) {
        struct alert_transition *t = alert_history_add(a);
        if (!t) {
            refuse(r, "out of memory");
            return;
        }
        t->at = read_moment(r, item, "at");
        t->from = read_state(r, item, "from");
        t->to = read_state(r, item, "to");
        read_text(r, item, "summary", t->summary, sizeof t->summary);
    }
}

static void read_alert(struct reader *r, json_t *o, struct alert *a)
{
    *a = (struct alert){0};
    if (!json_is_object(o)) {
        refuse(r, "an alert must be an object");
        return;
    }
    read_text(r, o, "fingerprint", a->fingerprint, sizeof a->fingerprint);
    read_text(r, o, "indicator", a->indicator, sizeof a->indicator);
    read_text(r, o, "rule", a->rule, sizeof a->rule);
    read_labels(r, o, a);
    a->state = read_state(r, o, "state");
    a->pending = read_state(r, o, "pending");
    a->pending_count = read_count(r, o, "pending_count");
    a->pending_since = read_moment(r, o, "pending_since");
    a->since = read_moment(r, o, "since");
    a->starts_at = read_moment(r, o, "starts_at");
    a->ends_at = read_moment(r, o, "ends_at");
    a->evaluated_at = read_moment(r, o, "evaluated_at");
    a->last_notified = read_moment(r, o, "last_notified");
    a->value = read_figure(r, o, "value");
    read_text(r, o, "summary", a->summary, sizeof a->summary);
    read_description(r, o, a);
    json_t *orphan = json_object_get(o, "orphan");
    if (!json_is_boolean(orphan))
        refuse(r, "\"orphan\" must be true or false");
    a->orphan = json_is_true(orphan);
    read_history(r, o, a);
}

/* The largest provisional update of the last collection; absent in files of
 * pejl before it told them apart from revisions. */
static void read_provisional_update(struct reader *r, json_t *o, struct figure_change *u)
{
    json_t *v = json_object_get(o, "provisional_update");
    char period[PERIOD_TEXT_MAX] = "";
    if (!v)
        return;
    if (!json_is_object(v)) {
        refuse(r, "\"provisional_update\" must be an object");
        return;
    }
    u->pct = read_figure(r, v, "pct");
    read_text(r, v, "series", u->series, sizeof u->series);
    read_text(r, v, "period", period, sizeof period);
    if (!r->failed && period_parse(period, strlen(period), &u->period) < 0)
        refuse(r, "\"provisional_update\" has no period");
    u->from = read_figure(r, v, "from");
    u->to = read_figure(r, v, "to");
    if (!r->failed && !(u->pct > 0))
        refuse(r, "\"provisional_update\" needs a pct above 0");
}

static void read_collection(struct reader *r, json_t *o, struct collection_record *c)
{
    if (!json_is_object(o)) {
        refuse(r, "a collection record must be an object");
        return;
    }
    read_provisional_update(r, o, &c->provisional);
    c->consecutive_failures = read_count(r, o, "consecutive_failures");
    c->last_attempt = read_moment(r, o, "last_attempt");
    c->last_success = read_moment(r, o, "last_success");
    read_text(r, o, "last_error", c->last_error, sizeof c->last_error);
    c->revision_pct = read_figure(r, o, "revision_pct");
    if (isnan(c->revision_pct))
        return;
    char period[PERIOD_TEXT_MAX] = "";
    read_text(r, o, "revised_series", c->revised_series, sizeof c->revised_series);
    read_text(r, o, "revised_period", period, sizeof period);
    if (!r->failed && period_parse(period, strlen(period), &c->revised_period) < 0)
        refuse(r, "\"revised_period\" is not a period");
    c->revised_from = read_figure(r, o, "revised_from");
    c->revised_to = read_figure(r, o, "revised_to");
}

static void read_silence(struct reader *r, json_t *o, struct silence *s)
{
    *s = (struct silence){0};
    if (!json_is_object(o)) {
        refuse(r, "a silence must be an object");
        return;
    }
    read_text(r, o, "id", s->id, sizeof s->id);
    read_text(r, o, "indicator", s->indicator, sizeof s->indicator);
    read_text(r, o, "rule", s->rule, sizeof s->rule);
    s->starts_at = read_moment(r, o, "starts_at");
    s->ends_at = read_moment(r, o, "ends_at");
    read_text(r, o, "comment", s->comment, sizeof s->comment);
    read_text(r, o, "created_by", s->created_by, sizeof s->created_by);
    if (!r->failed && s->rule[0] && rule_kind_from_name(s->rule) < 0)
        refuse(r, "rule \"%s\" unknown", s->rule);
    if (!r->failed && s->indicator[0] && !indicator_id_valid(s->indicator))
        refuse(r, "\"%s\" is not an indicator id", s->indicator);
}

static void read_alerts(struct reader *r, json_t *alerts, struct alert_ledger *l)
{
    json_t *item;
    size_t i;
    json_array_foreach(alerts, i, item) {
        struct alert a;
        snprintf(r->where, sizeof r->where, "alerts[%zu]", i);
        read_alert(r, item, &a);
        if (!r->failed && alert_ledger_find(l, a.fingerprint))
            refuse(r, "fingerprint %s is there twice", a.fingerprint);
        if (!r->failed && !alert_ledger_add(l, &a))
            refuse(r, "out of memory");
        if (r->failed) {
            alert_free(&a);
            return;
        }
    }
}

static void read_collections(struct reader *r, json_t *collections, struct alert_ledger *l)
{
    json_t *item;
    const char *key;
    json_object_foreach(collections, key, item) {
        snprintf(r->where, sizeof r->where, "collections.%.40s", key);
        struct collection_record *c =
            indicator_id_valid(key) ? alert_ledger_collection(l, key, true) : NULL;
        if (!c) {
            refuse(r, "not an indicator id, or out of memory");
            return;
        }
        read_collection(r, item, c);
    }
}

static void read_silences(struct reader *r, json_t *silences, struct alert_ledger *l)
{
    json_t *item;
    size_t i;
    json_array_foreach(silences, i, item) {
        struct silence s;
        snprintf(r->where, sizeof r->where, "silences[%zu]", i);
        read_silence(r, item, &s);
        if (r->failed)
            return;
        if (alert_ledger_add_silence(l, &s) < 0) {
            refuse(r, "out of memory");
            return;
        }
    }
}

static void read_mark(struct reader *r, json_t *item, struct alert_ledger *l)
{
    struct notify_mark m = {0};
    if (!json_is_object(item)) {
        refuse(r, "a mark must be an object");
        return;
    }
    read_text(r, item, "fingerprint", m.fingerprint, sizeof m.fingerprint);
    read_text(r, item, "receiver", m.receiver, sizeof m.receiver);
    m.state = read_state(r, item, "state");
    m.at = read_moment(r, item, "at");
    m.starts_at = read_moment(r, item, "starts_at");
    if (r->failed)
        return;
    struct notify_mark *slot = alert_ledger_mark(l, m.fingerprint, m.receiver, true);
    if (!slot) {
        refuse(r, "out of memory");
        return;
    }
    m.dirty = slot->dirty;
    *slot = m;
}

/* "notified" came with notifications; a file from before has none. */
static void read_marks(struct reader *r, json_t *marks, struct alert_ledger *l)
{
    json_t *item;
    size_t i;
    if (marks && !json_is_array(marks)) {
        refuse(r, "\"notified\" must be a list");
        return;
    }
    json_array_foreach(marks, i, item)
    {
        snprintf(r->where, sizeof r->where, "notified[%zu]", i);
        read_mark(r, item, l);
        if (r->failed)
            return;
    }
}

/* "generation" came with the log (alert_log.h); a file from before is 0. */
static void read_generation(struct reader *r, json_t *doc, struct alert_ledger *l)
{
    json_t *v = json_object_get(doc, "generation");
    if (v && (!json_is_integer(v) || json_integer_value(v) < 0))
        refuse(r, "\"generation\" must be a count");
    l->generation = v ? (uint64_t)json_integer_value(v) : 0;
}

static void read_all(struct reader *r, json_t *doc, struct alert_ledger *l)
{
    json_t *format = json_object_get(doc, "format"), *alerts = json_object_get(doc, "alerts");
    json_t *collections = json_object_get(doc, "collections");
    json_t *silences = json_object_get(doc, "silences");
    if (!json_is_string(format) || strcmp(json_string_value(format), ALERT_LEDGER_FORMAT) != 0)
        refuse(r, "\"format\" is not \"" ALERT_LEDGER_FORMAT "\"");
    else if (!json_is_array(alerts) || !json_is_object(collections) || !json_is_array(silences))
        refuse(r, "\"alerts\", \"collections\" and \"silences\" must be a list, an object and "
                  "a list");
    if (r->failed)
        return;
    read_alerts(r, alerts, l);
    if (!r->failed)
        read_collections(r, collections, l);
    if (!r->failed)
        read_silences(r, silences, l);
    if (!r->failed)
        read_marks(r, json_object_get(doc, "notified"), l);
    if (!r->failed)
        read_generation(r, doc, l);
}

static int parsed(struct alert_ledger *l, struct reader *r, json_t *doc, const json_error_t *jerr)
{
    if (!doc) {
        snprintf(r->where, sizeof r->where, "line %d", jerr->line);
        refuse(r, "%s", jerr->text);
    } else {
        read_all(r, doc, l);
        json_decref(doc);
    }
    if (r->failed)
        alert_ledger_free(l);
    alert_ledger_saved(l); /* as read: nothing to save */
    return r->failed ? -1 : 0;
}

int alert_ledger_parse(struct alert_ledger *l, const char *name, const char *text, size_t len,
                       char *err, size_t errlen)
{
    json_error_t jerr;
    struct reader r = {.path = name, .err = err, .errlen = errlen};
    return parsed(l, &r, json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr), &jerr);
}

/* The whole file in one buffer: jansson parses a buffer several times
 * faster than a FILE, which it reads a character at a time through getc().
 * NULL with errno set when it cannot be read. */
static char *read_file(int fd, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return NULL;
    size_t size = (size_t)st.st_size, got = 0;
    char *text = malloc(size + 1);
    while (text && got < size) {
        ssize_t n = read(fd, text + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno;
            free(text);
            errno = saved;
            return NULL;
        }
        if (n == 0)
            break; /* cut while read: what was there */
        got += (size_t)n;
    }
    *len = got;
    return text;
}

int alert_ledger_load(struct alert_ledger *l, const char *path, char *err, size_t errlen)
{
    json_error_t jerr;
    struct reader r = {.path = path, .err = err, .errlen = errlen};
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    size_t len = 0;
    char *text = fd >= 0 ? read_file(fd, &len) : NULL;
    if (!text) {
        int saved = errno;
        if (fd >= 0)
            close(fd);
        else if (saved == ENOENT)
            return 0; /* the first start */
        errno = saved;
        if (!atomic_file_state_link_error(path, err, errlen))
            snprintf(err, errlen, "%s: %s", path, strerror(saved));
        return -1;
    }
    close(fd);
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    free(text);
    return parsed(l, &r, doc, &jerr);
}

/* ---- log records ---- */

static void apply_alert(struct reader *r, json_t *o, struct alert_ledger *l)
{
    struct alert a;
    read_alert(r, o, &a);
    struct alert *old = r->failed ? NULL : alert_ledger_find(l, a.fingerprint);
    if (old) {
        alert_free(old);
        *old = a;
    } else if (!r->failed && !alert_ledger_add(l, &a)) {
        refuse(r, "out of memory");
    }
    if (r->failed)
        alert_free(&a);
}

static void apply_collection(struct reader *r, json_t *record, struct alert_ledger *l)
{
    json_t *id = json_object_get(record, "collection");
    const char *key = json_is_string(id) ? json_string_value(id) : "";
    struct collection_record *c =
        indicator_id_valid(key) ? alert_ledger_collection(l, key, true) : NULL;
    if (!c) {
        refuse(r, "\"collection\" must be an indicator id (or out of memory)");
        return;
    }
    *c = (struct collection_record){.revision_pct = NAN};
    read_collection(r, json_object_get(record, "record"), c);
}

int alert_ledger_apply(struct alert_ledger *l, const char *name, json_t *record, char *err,
                       size_t errlen)
{
    struct reader r = {.path = name, .err = err, .errlen = errlen};
    json_t *v;
    if ((v = json_object_get(record, "alert")))
        apply_alert(&r, v, l);
    else if (json_object_get(record, "collection"))
        apply_collection(&r, record, l);
    else if ((v = json_object_get(record, "mark")))
        read_mark(&r, v, l);
    else
        refuse(&r, "a record must hold an \"alert\", a \"collection\" or a \"mark\"");
    return r.failed ? -1 : 0;
}

/* ---- glancing: what the status table shows, without a tree ---- */

/* The status table needs a few fields of each alert; building jansson's
 * tree of the whole state (a value, a hash table and a copy of each string
 * per field) to read them cost a second per million bytes, most of
 * `pejld --status`. A glance steps over the text by its structure (strings
 * and brackets) and has only the values it keeps decoded, by jansson where
 * a string holds escapes or non-ASCII bytes. Whatever it does not expect
 * makes it give up (-1): the caller then reads the state in full, which
 * says what is wrong. It checks less than the full reader (the fields it
 * skips), so it is for reading, never for a state to be saved again. */

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
        p++;
    return p;
}

/* After the string at p ('"'), or NULL when it does not end. */
static const char *skip_string(const char *p, const char *end)
{
    for (p++; p < end; p++)
        if (*p == '\\')
            p++;
        else if (*p == '"')
            return p + 1;
    return NULL;
}

/* After the value at p, or NULL when it does not end in the text. */
static const char *skip_value(const char *p, const char *end)
{
    size_t depth = 0;
    if (p < end && *p != '{' && *p != '[' && *p != '"') { /* a number or a literal */
        while (p < end && (isalnum((unsigned char)*p) || *p == '-' || *p == '+' || *p == '.'))
            p++;
        return p;
    }
    for (; p < end; p++) {
        if (*p == '"') {
            if (!(p = skip_string(p, end)))
                return NULL;
            if (depth == 0)
                return p;
            p--;
        } else if (*p == '{' || *p == '[') {
            depth++;
        } else if ((*p == '}' || *p == ']') && --depth == 0) {
            return p + 1;
        }
    }
    return NULL;
}

/* A value: its text up to `end`. An object or a list comes with end NULL
 * (the text up to `limit` holds it): a glance_fn that reads it sets end,
 * else it is stepped over after; so each byte is looked at about once. */
struct glance_value {
    const char *key; /* as written: pejld writes keys without escapes */
    size_t key_len;
    const char *text, *end, *limit;
};

typedef int glance_fn(void *arg, struct glance_value *v);

/* Hands the value at `text` to fn; after it, or NULL. */
static const char *glance_value(struct glance_value *v, const char *text, const char *limit,
                                glance_fn *fn, void *arg)
{
    v->text = text, v->limit = limit;
    bool container = text < limit && (*text == '{' || *text == '[');
    v->end = container ? NULL : skip_value(text, limit);
    if ((!container && (!v->end || v->end == text)) || fn(arg, v) < 0)
        return NULL;
    return v->end ? v->end : skip_value(text, limit);
}

/* Calls fn for each member of the object at p (`{` after spaces); after it,
 * or NULL when it is not an object or fn said -1. */
static const char *glance_members(const char *p, const char *end, glance_fn *fn, void *arg)
{
    p = skip_space(p, end);
    if (p >= end || *p != '{')
        return NULL;
    p = skip_space(p + 1, end);
    if (p < end && *p == '}')
        return p + 1;
    for (;;) {
        const char *key_end = p < end && *p == '"' ? skip_string(p, end) : NULL;
        const char *colon = key_end ? skip_space(key_end, end) : NULL;
        if (!colon || colon >= end || *colon != ':')
            return NULL;
        struct glance_value v = {.key = p + 1, .key_len = (size_t)(key_end - p) - 2};
        if (!(p = glance_value(&v, skip_space(colon + 1, end), end, fn, arg)))
            return NULL;
        p = skip_space(p, end);
        if (p < end && *p == ',')
            p = skip_space(p + 1, end);
        else
            return p < end && *p == '}' ? p + 1 : NULL;
    }
}

/* The same for the items of the array at p. */
static const char *glance_items(const char *p, const char *end, glance_fn *fn, void *arg)
{
    p = skip_space(p, end);
    if (p >= end || *p != '[')
        return NULL;
    p = skip_space(p + 1, end);
    if (p < end && *p == ']')
        return p + 1;
    for (;;) {
        struct glance_value v = {0};
        if (!(p = glance_value(&v, p, end, fn, arg)))
            return NULL;
        p = skip_space(p, end);
        if (p < end && *p == ',')
            p = skip_space(p + 1, end);
        else
            return p < end && *p == ']' ? p + 1 : NULL;
    }
}

static bool key_is(const struct glance_value *v, const char *name)
{
    return strlen(name) == v->key_len && memcmp(v->key, name, v->key_len) == 0;
}

/* A string value into out (fewer than `size` bytes); -1 when it is not one. */
static int glance_text(const struct glance_value *v, char *out, size_t size)
{
    size_t len = v->end ? (size_t)(v->end - v->text) : 0;
    if (len < 2 || v->text[0] != '"')
        return -1;
    bool plain = true; /* printable ASCII without escapes is the string itself */
    for (const char *c = v->text + 1; plain && c < v->end - 1; c++)
        plain = *c >= 0x20 && *c < 0x7f && *c != '\\';
    if (plain) {
        if (len - 2 >= size)
            return -1;
        memcpy(out, v->text + 1, len - 2);
        out[len - 2] = '\0';
        return 0;
    }
    json_t *s = json_loadb(v->text, len, JSON_DECODE_ANY, NULL);
    int rc = json_is_string(s) && json_string_length(s) < size ? 0 : -1;
    if (rc == 0)
        memcpy(out, json_string_value(s), json_string_length(s) + 1);
    json_decref(s);
    return rc;
}

static int glance_moment(const struct glance_value *v, int64_t *out)
{
    char text[TIMESTAMP_TEXT_MAX];
    *out = 0;
    if (v->end - v->text == 4 && memcmp(v->text, "null", 4) == 0)
        return 0;
    return glance_text(v, text, sizeof text) < 0 || timestamp_parse(text, out) < 0 ? -1 : 0;
}

static int glance_state(const struct glance_value *v, enum alert_state *out)
{
    char name[16];
    int s = glance_text(v, name, sizeof name) < 0 ? -1 : alert_state_from_name(name);
    *out = s < 0 ? ALERT_UNKNOWN : (enum alert_state)s;
    return s < 0 ? -1 : 0;
}

struct glanced_alert {
    struct alert *a;
    unsigned seen; /* a bit per field of `glanced`, to tell a missing one */
};

enum { GLANCED_ALL = (1u << 10) - 1 };

static int glance_alert_field(void *arg, struct glance_value *v)
{
    struct glanced_alert *g = arg;
    struct alert *a = g->a;
    static const char *const glanced[] = {"fingerprint", "indicator", "rule",    "state",
                                          "since",       "starts_at", "ends_at", "evaluated_at",
                                          "summary",     "orphan"};
    size_t k = 0;
    while (k < sizeof glanced / sizeof *glanced && !key_is(v, glanced[k]))
        k++;
    g->seen |= 1u << k;
    if (!v->end && k < sizeof glanced / sizeof *glanced)
        return -1; /* an object or a list where pejld writes none */
    switch (k) {
    case 0:
        return glance_text(v, a->fingerprint, sizeof a->fingerprint);
    case 1:
        return glance_text(v, a->indicator, sizeof a->indicator);
    case 2:
        return glance_text(v, a->rule, sizeof a->rule);
    case 3:
        return glance_state(v, &a->state);
    case 4:
        return glance_moment(v, &a->since);
    case 5:
        return glance_moment(v, &a->starts_at);
    case 6:
        return glance_moment(v, &a->ends_at);
    case 7:
        return glance_moment(v, &a->evaluated_at);
    case 8:
        return glance_text(v, a->summary, sizeof a->summary);
    case 9:
        a->orphan = v->end - v->text == 4 && memcmp(v->text, "true", 4) == 0;
        return a->orphan || (v->end - v->text == 5 && memcmp(v->text, "false", 5) == 0) ? 0 : -1;
    default:
        return 0; /* not shown: skipped */
    }
}

/* An alert object's shown fields into `a` (the rest zero); -1 when one is
 * missing or not as pejld writes it. */
static int glance_alert(struct glance_value *v, struct alert *a)
{
    struct glanced_alert g = {.a = a};
    *a = (struct alert){0};
    if (!(v->end = glance_members(v->text, v->limit, glance_alert_field, &g)))
        return -1;
    a->pending = a->state;
    return (g.seen & GLANCED_ALL) == GLANCED_ALL ? 0 : -1;
}

/* Adds the alert, or replaces the one of its fingerprint (a log record). */
static int glance_put(struct alert_ledger *l, struct glance_value *v, bool replace)
{
    struct alert a;
    if (glance_alert(v, &a) < 0)
        return -1;
    struct alert *old = alert_ledger_find(l, a.fingerprint);
    if (old && !replace)
        return -1; /* twice in a snapshot: the full reader says so */
    if (old) {
        alert_free(old);
        *old = a;
        return 0;
    }
    return alert_ledger_add(l, &a) ? 0 : -1;
}

static int glance_snapshot_alert(void *arg, struct glance_value *v)
{
    return glance_put(arg, v, false);
}

struct glanced_snapshot {
    struct alert_ledger *ledger;
    const char *name;
    bool format, alerts, silences;
};

/* The silences (few, and each field matters) as the full reader reads them. */
static int glance_silences(struct alert_ledger *l, const char *name, struct glance_value *v)
{
    char err[64];
    if (!v->end && !(v->end = skip_value(v->text, v->limit)))
        return -1;
    json_t *list = json_loadb(v->text, (size_t)(v->end - v->text), JSON_DECODE_ANY, NULL);
    struct reader r = {.path = name, .err = err, .errlen = sizeof err};
    bool is_list = json_is_array(list);
    if (is_list)
        read_silences(&r, list, l);
    json_decref(list);
    return is_list && !r.failed ? 0 : -1;
}

static int glance_snapshot_member(void *arg, struct glance_value *v)
{
    struct glanced_snapshot *g = arg;
    char format[sizeof ALERT_LEDGER_FORMAT];
    if (key_is(v, "format")) {
        g->format =
            glance_text(v, format, sizeof format) == 0 && strcmp(format, ALERT_LEDGER_FORMAT) == 0;
        return g->format ? 0 : -1;
    }
    if (key_is(v, "alerts")) {
        g->alerts = true;
        return (v->end = glance_items(v->text, v->limit, glance_snapshot_alert, g->ledger)) ? 0
                                                                                            : -1;
    }
    if (key_is(v, "silences")) {
        g->silences = true;
        return glance_silences(g->ledger, g->name, v);
    }
    if (key_is(v, "generation")) {
        char *digits_end;
        unsigned long long n = strtoull(v->text, &digits_end, 10);
        g->ledger->generation = n;
        return digits_end == v->end && isdigit((unsigned char)v->text[0]) ? 0 : -1;
    }
    return 0; /* collections, marks: not shown */
}

int alert_ledger_glance(struct alert_ledger *l, const char *name, const char *text, size_t len)
{
    struct glanced_snapshot g = {.ledger = l, .name = name};
    const char *end = glance_members(text, text + len, glance_snapshot_member, &g);
    bool whole = end && skip_space(end, text + len) == text + len;
    alert_ledger_saved(l);
    if (whole && g.format && g.alerts && g.silences)
        return 0;
    alert_ledger_free(l);
    return -1;
}

static int glance_record_member(void *arg, struct glance_value *v)
{
    if (key_is(v, "alert"))
        return glance_put(arg, v, true);
    return key_is(v, "collection") || key_is(v, "record") || key_is(v, "mark") ? 0 : -1;
}

int alert_ledger_glance_record(struct alert_ledger *l, const char *text, size_t len)
{
    const char *end = glance_members(text, text + len, glance_record_member, l);
    return end && skip_space(end, text + len) == text + len ? 0 : -1;
}
