/*
 * notice.c — rendering notifications (see notice.h).
 */
#include "notice.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fnv.h"
#include "timestamp.h"
#include "utf8.h"

#define WRAP 76

/* A growing text; on allocation failure it stays failed and says so at the end. */
struct buffer {
    char *text;
    size_t len, cap;
    bool failed;
};

static void put(struct buffer *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = realloc(b->text, cap);
        if (!grown) {
            b->failed = true;
            return;
        }
        b->text = grown, b->cap = cap;
    }
    memcpy(b->text + b->len, s, n);
    b->len += n;
    b->text[b->len] = '\0';
}

static void puts_(struct buffer *b, const char *s)
{
    put(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void putf(struct buffer *b, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(b, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static char *finished(struct buffer *b, size_t *len)
{
    if (b->failed) {
        free(b->text);
        return NULL;
    }
    *len = b->len;
    return b->text ? b->text : calloc(1, 1);
}

/* ---- e-mail ---- */

/* The state as programs read it (the Message-ID's stem) … */
static const char *state_word(const struct notice *n)
{
    return n->resolved ? "RESOLVED" : alert_state_name(n->state);
}

/* … and as people read it: "KRITISK", "LØST". */
static const char *state_words(const struct notice *n)
{
    return rule_words_text(n->language, state_word(n));
}

void notice_subject(const struct notice *n, char *buf, size_t size)
{
    snprintf(buf, size, "[pejl] %s %s", state_words(n), n->alert->summary);
}

static bool ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80 || *s == '\r' || *s == '\n')
            return false;
    return true;
}

/* RFC 2047 encoded words of at most 39 bytes each (a line of 73
 * characters with "Subject: "), cut between characters. */
static void put_encoded_subject(struct buffer *b, const char *text)
{
    char subject[ALERT_SUMMARY_MAX + 64];
    snprintf(subject, sizeof subject, "%s", text);
    utf8_scrub(subject); /* so that every cut below finds a character boundary */
    size_t len = strlen(subject);
    puts_(b, "Subject:");
    for (size_t at = 0; at < len;) {
        size_t n = len - at < 39 ? len - at : 39;
        while (n > 1 && at + n < len && ((unsigned char)subject[at + n] & 0xc0) == 0x80)
            n--; /* do not split a UTF-8 sequence */
        unsigned char word[4 * 39 / 3 + 4 + 1]; /* base64 of n bytes and its NUL */
        EVP_EncodeBlock(word, (const unsigned char *)subject + at, (int)n);
        putf(b, " =?UTF-8?B?%s?=\r\n", (const char *)word);
        at += n;
    }
}

static void put_wrapped(struct buffer *b, const char *text)
{
    size_t col = 0;
    for (const char *p = text; *p;) {
        size_t word = strcspn(p, " \n");
        while (word > 900) { /* a line may not pass 998 bytes: cut a giant word */
            size_t cut = 900;
            while (cut > 1 && ((unsigned char)p[cut] & 0xc0) == 0x80)
                cut--;
            if (col > 0)
                puts_(b, "\r\n");
            put(b, p, cut);
            puts_(b, "\r\n");
            p += cut, word -= cut, col = 0;
        }
        if (col > 0 && col + 1 + word > WRAP) {
            puts_(b, "\r\n");
            col = 0;
        } else if (col > 0) {
            puts_(b, " ");
            col++;
        }
        put(b, p, word);
        col += word;
        p += word;
        if (*p == '\n')
            puts_(b, "\r\n"), col = 0;
        if (*p)
            p++;
    }
    puts_(b, "\r\n");
}

static void put_date(struct buffer *b, const char *name, int64_t t)
{
    char text[64];
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    putf(b, "%s: %s\r\n", name, text);
}

/* What tells one message from another: its subject, the stem of its
 * Message-ID and its X-Pejl-Fingerprint value (one or a list). */
struct mail_identity {
    const char *subject, *id_stem, *fingerprints;
};

static void put_fingerprints(struct buffer *b, const char *list)
{
    puts_(b, "X-Pejl-Fingerprint: ");
    for (size_t i = 0; *list; i++) { /* folded after every fourth, far below 998 bytes */
        size_t len = strcspn(list, ",");
        putf(b, "%s%.*s", i == 0 ? "" : i % 4 ? ", " : ",\r\n ", (int)len, list);
        list += len + (list[len] == ',');
    }
    puts_(b, "\r\n");
}

static void put_headers(struct buffer *b, const struct receiver *r, const struct mail_identity *m,
                        int64_t now, const char *host)
{
    put_date(b, "Date", now);
    putf(b, "From: %s\r\n", r->from);
    puts_(b, "To: ");
    for (size_t i = 0; i < r->n_to; i++)
        putf(b, "%s%s", i ? ",\r\n " : "", r->to[i]);
    puts_(b, "\r\n");
    if (ascii(m->subject) && strlen(m->subject) < 900)
        putf(b, "Subject: %s\r\n", m->subject);
    else
        put_encoded_subject(b, m->subject);
    putf(b, "Message-ID: <pejl.%s.%lld@%s>\r\n", m->id_stem, (long long)now, host);
    put_fingerprints(b, m->fingerprints);
    puts_(b, "MIME-Version: 1.0\r\n");
    /* RFC 3834: a machine wrote this; vacation responders stay quiet. */
    puts_(b, "Auto-Submitted: auto-generated\r\nPrecedence: bulk\r\n");
}

/* "Name:" in the notice's language, its value in a column: the name padded
 * to 12 characters (not bytes: "Pejlemærke:" is 11 of them). */
static void put_fact(struct buffer *b, const struct notice *n, const char *name, const char *value)
{
    if (!value || !*value)
        return;
    const char *words = rule_words_text(n->language, name);
    size_t chars = 0;
    for (const char *c = words; *c; c++)
        chars += ((unsigned char)*c & 0xc0) != 0x80;
    putf(b, "%s%*s %s\r\n", words, chars < 12 ? (int)(12 - chars) : 0, "", value);
}

static void put_state(struct buffer *b, const struct notice *n)
{
    char since[RULE_WORDS_MOMENT_MAX], starts[RULE_WORDS_MOMENT_MAX], line[256];
    rule_words_moment(n->language, n->alert->since, since, sizeof since);
    rule_words_moment(n->language, n->starts_at, starts, sizeof starts);
    if (n->resolved)
        snprintf(line, sizeof line, rule_words(n->language, "resolved since %s"), since);
    else
        snprintf(line, sizeof line, rule_words(n->language, "%s since %s, firing since %s"),
                 state_words(n), since, starts);
    put_fact(b, n, "State:", line);
}

static void put_body(struct buffer *b, const struct notice *n, bool attached)
{
    char line[256];
    const struct alert *a = n->alert;
    const char *target = alert_label_get(&n->labels, "target");
    put_wrapped(b, a->summary);
    puts_(b, "\r\n");
    snprintf(line, sizeof line, "%s (%s)", n->title, a->indicator);
    put_fact(b, n, "Indicator:", line);
    put_fact(b, n, "Pejlemærke:", alert_label_get(&n->labels, "pejlemaerke"));
    if (target)
        snprintf(line, sizeof line, rule_words(n->language, "%s, target %s"), a->rule, target);
    else
        snprintf(line, sizeof line, "%s", a->rule);
    put_fact(b, n, "Rule:", line);
    put_state(b, n);
    put_fact(b, n, "Latest:", n->latest);
    put_fact(b, n, "Target:", n->target);
    put_fact(b, n, "Source:", n->source);
    put_fact(b, n, "Graph:", attached ? rule_words_text(n->language, "attached") : n->graph_url);
    puts_(b, "\r\n");
    put_wrapped(b, alert_description(a));
    puts_(b, "\r\n");
    putf(b, rule_words(n->language, "Fingerprint %s."), a->fingerprint);
    puts_(b, "\r\n");
}

/* The whole file, or NULL when it is not there, empty or too big to mail. */
static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    long size;
    if (f && fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 && size < (16 << 20) &&
        fseek(f, 0, SEEK_SET) == 0 && (data = malloc((size_t)size)))
        *len = fread(data, 1, (size_t)size, f);
    if (f)
        fclose(f);
    return data;
}

/* The graph to attach, when the receiver wants it and it can be read. */
static void take_graph(const struct receiver *r, const struct notice *n, struct notice_mail *mail)
{
    if (!r->attach_graph || !n->graph_path[0])
        return;
    mail->graph = read_file(n->graph_path, &mail->graph_len);
    if (mail->graph)
        snprintf(mail->graph_name, sizeof mail->graph_name, "%s.png", n->alert->indicator);
}

int notice_email(const struct receiver *r, const struct notice *n, int64_t now, const char *host,
                 struct notice_mail *mail)
{
    struct buffer b = {0};
    *mail = (struct notice_mail){0};
    char subject[ALERT_SUMMARY_MAX + 32], stem[128];
    notice_subject(n, subject, sizeof subject);
    snprintf(stem, sizeof stem, "%s.%lld.%s", n->alert->fingerprint, (long long)n->starts_at,
             state_word(n));
    struct mail_identity m = {.subject = subject, .id_stem = stem, .fingerprints = n->alert->fingerprint};
    take_graph(r, n, mail);
    put_headers(&b, r, &m, now, host);
    puts_(&b, "Content-Type: text/plain; charset=UTF-8\r\n"
              "Content-Transfer-Encoding: 8bit\r\n\r\n");
    put_body(&b, n, mail->graph != NULL);
    mail->message = finished(&b, &mail->len);
    if (!mail->message) {
        notice_mail_free(mail);
        return -1;
    }
    return 0;
}

int notice_email_group(const struct receiver *r, const struct notice *n, size_t count,
                       const char *subject, const char *fingerprints, int64_t now,
                       const char *host, struct notice_mail *mail)
{
    struct buffer b = {0};
    char stem[64];
    *mail = (struct notice_mail){0};
    snprintf(stem, sizeof stem, "group.%016llx",
             (unsigned long long)fnv1a(FNV64_OFFSET, fingerprints, strlen(fingerprints)));
    struct mail_identity m = {.subject = subject, .id_stem = stem, .fingerprints = fingerprints};
    put_headers(&b, r, &m, now, host);
    puts_(&b, "Content-Type: text/plain; charset=UTF-8\r\n"
              "Content-Transfer-Encoding: 8bit\r\n\r\n");
    enum language language = count ? n[0].language : LANGUAGE_EN;
    putf(&b, rule_words(language, "%zu alerts, grouped by their route:"), count);
    puts_(&b, "\r\n");
    for (size_t i = 0; i < count; i++)
        putf(&b, "  %s %s\r\n", state_words(&n[i]), n[i].alert->summary);
    for (size_t i = 0; i < count; i++) {
        puts_(&b, "\r\n");
        putf(&b, rule_words(language, "-- %zu of %zu --"), i + 1, count);
        puts_(&b, "\r\n\r\n");
        put_body(&b, &n[i], false); /* graphs linked: one message, many graphs */
    }
    mail->message = finished(&b, &mail->len);
    return mail->message ? 0 : -1;
}

void notice_mail_free(struct notice_mail *mail)
{
    free(mail->message);
    free(mail->graph);
    *mail = (struct notice_mail){0};
}

/* ---- JSON ---- */

static json_t *labels_json(const struct label_set *set)
{
    json_t *o = json_object();
    for (size_t i = 0; i < set->n; i++)
        json_object_set_new(o, set->items[i].name, utf8_json(set->items[i].value));
    return o;
}

static void annotate(json_t *o, const char *key, const char *value)
{
    json_t *s = value && *value ? utf8_json(value) : NULL;
    if (s)
        json_object_set_new(o, key, s);
}

static json_t *annotations_json(const struct notice *n)
{
    json_t *o = json_object();
    annotate(o, "summary", n->alert->summary);
    annotate(o, "description", alert_description(n->alert));
    annotate(o, "title", n->title);
    annotate(o, "target", n->target);
    annotate(o, "latest", n->latest);
    annotate(o, "source", n->source);
    annotate(o, "graph", n->graph_url);
    return o;
}

static json_t *moment(int64_t t)
{
    char text[TIMESTAMP_TEXT_MAX];
    timestamp_format(t, text, sizeof text);
    return json_string(text);
}

static json_t *webhook_alert(const struct notice *n)
{
    json_t *o = json_object();
    json_object_set_new(o, "status", json_string(n->resolved ? "resolved" : "firing"));
    json_object_set_new(o, "labels", labels_json(&n->labels));
    json_object_set_new(o, "annotations", annotations_json(n));
    json_object_set_new(o, "startsAt", moment(n->starts_at));
    json_object_set_new(o, "endsAt", n->resolved ? moment(n->ends_at)
                                                 : json_string("0001-01-01T00:00:00Z"));
    json_object_set_new(o, "generatorURL", json_string(n->generator_url));
    json_object_set_new(o, "fingerprint", json_string(n->alert->fingerprint));
    return o;
}

/* What every alert of the group has in common (labels or annotations). */
static json_t *common(json_t *alerts, const char *member)
{
    json_t *first = json_object_get(json_array_get(alerts, 0), member), *value, *alert;
    json_t *shared = json_object();
    const char *key;
    size_t i;
    json_object_foreach(first, key, value) {
        bool everywhere = true;
        json_array_foreach(alerts, i, alert)
            everywhere &= json_equal(json_object_get(json_object_get(alert, member), key), value);
        if (everywhere)
            json_object_set(shared, key, value);
    }
    return shared;
}

static char *dumped(json_t *doc, size_t *len)
{
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (text)
        *len = strlen(text);
    return text;
}

char *notice_webhook(const struct receiver *r, const struct route *route, const struct notice *n,
                     size_t count, const char *external_url, size_t *len)
{
    json_t *alerts = json_array(), *doc = json_object();
    bool firing = false;
    struct buffer key = {0};
    for (size_t i = 0; i < count; i++) {
        json_array_append_new(alerts, webhook_alert(&n[i]));
        firing |= !n[i].resolved;
    }
    puts_(&key, "{}/{");
    for (size_t i = 0; route && i < route->n_match; i++)
        putf(&key, "%s%s=\"%s\"", i ? "," : "", route->match[i].label, route->match[i].value);
    putf(&key, "}:{receiver=\"%s\"}", r->name);
    json_object_set_new(doc, "version", json_string("4"));
    json_object_set_new(doc, "groupKey", json_string(key.text ? key.text : ""));
    json_object_set_new(doc, "truncatedAlerts", json_integer(0));
    json_object_set_new(doc, "status", json_string(firing ? "firing" : "resolved"));
    json_object_set_new(doc, "receiver", json_string(r->name));
    json_object_set_new(doc, "groupLabels", json_object());
    json_object_set_new(doc, "commonLabels", common(alerts, "labels"));
    json_object_set_new(doc, "commonAnnotations", common(alerts, "annotations"));
    json_object_set_new(doc, "externalURL", json_string(external_url ? external_url : ""));
    json_object_set_new(doc, "alerts", alerts);
    free(key.text);
    return dumped(doc, len);
}

char *notice_alertmanager(const struct notice *n, size_t count, int64_t ends_by, size_t *len)
{
    json_t *list = json_array();
    for (size_t i = 0; i < count; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "labels", labels_json(&n[i].labels));
        json_object_set_new(o, "annotations", annotations_json(&n[i]));
        json_object_set_new(o, "startsAt", moment(n[i].starts_at));
        json_object_set_new(o, "endsAt", moment(n[i].resolved ? n[i].ends_at : ends_by));
        if (n[i].generator_url[0])
            json_object_set_new(o, "generatorURL", json_string(n[i].generator_url));
        json_array_append_new(list, o);
    }
    return dumped(list, len);
}
