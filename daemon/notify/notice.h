/*
 * notice.h — one alert as it goes out in a notification, and the three
 * shapes it goes out in: an e-mail (RFC 5322, UTF-8 plain text, the
 * indicator's PNG graph attached on request), the Prometheus Alertmanager
 * webhook JSON (version "4") and Alertmanager's API v2 alert list.
 *
 * Pure functions: the caller gathers the facts (notifier.c) and sends the
 * text (outbox.c). The same notice always renders to the same bytes, given
 * the same `now`, so a re-sent notification is recognisably the same. The
 * e-mail's MIME structure with the graph attached is libcurl's (curl_mime,
 * in http_deliver.c): here it is a text message and the PNG beside it.
 *
 * An e-mail is written in the notice's language (rule_words.h): its subject,
 * facts and dates; the summary and description come in that language from
 * the rule. Its headers (Date, Message-ID, X-Pejl-Fingerprint) do not
 * change with the language, nor do the JSON payloads' labels and keys;
 * their annotations carry the alert's text as it is.
 */
#ifndef PEJL_NOTICE_H
#define PEJL_NOTICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "receiver.h"
#include "rule_words.h"

struct notice {
    const struct alert *alert;
    struct label_set labels; /* as sent: a resolved notice keeps the severity it fired with */
    enum alert_state state;  /* the state notified (OK: resolved) */
    bool resolved;
    int64_t starts_at, ends_at;
    /* annotations beyond summary and description */
    char title[160];         /* the indicator's title */
    char target[160];        /* "350 mia. kr. in 2030" */
    char latest[96];         /* "2024: 189 mia. kr." */
    char source[288];        /* "Danmarks Statistik, SITC2R4" (+ illustrative) */
    char graph_path[512];    /* the PNG to attach; "" when none */
    char graph_url[512];     /* where people see it; "" when pejl has no external_url */
    char generator_url[512];
    enum language language; /* of the e-mail's words, figures and dates (not of headers,
                               labels or JSON keys: those are for programs) */
};

/* An e-mail as it is queued: the text message, and the graph libcurl
 * attaches to it when it is sent. */
struct notice_mail {
    char *message; /* RFC 5322: headers, a blank line, the UTF-8 text */
    size_t len;
    unsigned char *graph; /* the PNG to attach; NULL: none */
    size_t graph_len;
    char graph_name[INDICATOR_ID_MAX + 5]; /* "ID.png"; "" without a graph */
};

/* The e-mail; -1 when out of memory. The graph is attached when `r` asks
 * for it and it can be read; the text says "Graph: attached" then, and its
 * URL otherwise. `host` goes into the Message-ID. */
int notice_email(const struct receiver *r, const struct notice *n, int64_t now, const char *host,
                 struct notice_mail *mail);
/* One e-mail for a group of notices (a receiver with group = true): the
 * list of them first, then each one's facts; graphs are linked, not
 * attached. `fingerprints`: theirs, comma-separated. -1 when out of memory. */
int notice_email_group(const struct receiver *r, const struct notice *n, size_t count,
                       const char *subject, const char *fingerprints, int64_t now,
                       const char *host, struct notice_mail *mail);
void notice_mail_free(struct notice_mail *mail);
/* The e-mail's subject line, unencoded (for logs and tests). */
void notice_subject(const struct notice *n, char *buf, size_t size);
/* Alertmanager's webhook JSON for a group of notices to receiver `r` by `route`. */
char *notice_webhook(const struct receiver *r, const struct route *route, const struct notice *n,
                     size_t count, const char *external_url, size_t *len);
/* Alertmanager's POST /api/v2/alerts body; a firing alert is pushed with
 * endsAt `ends_by` (Alertmanager resolves it then unless pushed again). */
char *notice_alertmanager(const struct notice *n, size_t count, int64_t ends_by, size_t *len);

#endif
