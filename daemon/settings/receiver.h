/*
 * receiver.h — where notifications go and which go where: receivers
 * (e-mail over SMTP, a webhook in Alertmanager's webhook format, a
 * Prometheus Alertmanager) and routes (label matchers, group_wait,
 * repeat_interval, send_resolved), as the config describes them.
 *
 * Secrets (SMTP credentials, the webhook's HMAC key) are read from their
 * own files when the config is loaded; they live here and nowhere else,
 * and are never logged.
 */
#ifndef PEJL_RECEIVER_H
#define PEJL_RECEIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"

#define RECEIVER_NAME_MAX 64

enum receiver_type { RECEIVER_EMAIL, RECEIVER_WEBHOOK, RECEIVER_ALERTMANAGER };

struct receiver {
    char *name;
    enum receiver_type type;
    char *url;               /* smtp(s):// for e-mail, http(s):// otherwise */
    bool insecure_plaintext; /* allowed plain text to a host that is not loopback */
    bool starttls;           /* smtp://: require STARTTLS */
    /* e-mail */
    char *from;
    char **to;
    size_t n_to;
    bool attach_graph;
    bool group_mail; /* group = true: one mail per route group, as webhooks are */
    char *username, *password; /* credentials_file "user:password"; NULL: none */
    /* webhook */
    unsigned char *secret;     /* secret_file; NULL: unsigned */
    size_t secret_len;
    struct alert_label *headers;
    size_t n_headers;
    /* alertmanager: alerts are pushed again this often while they fire */
    int64_t resend_s;
    int line;
};

struct matcher {
    char *label, *value; /* the alert's label equals value */
};

struct route {
    size_t *receivers; /* indices into config->receivers */
    size_t n_receivers;
    struct matcher *match;
    size_t n_match;
    int64_t group_wait_s;      /* a new alert waits this long for others to join it */
    int64_t repeat_interval_s; /* a firing alert is sent again this often */
    bool send_resolved;
    int line;
};

struct outbox_settings {
    size_t max_entries;          /* bound on undelivered notifications */
    int64_t backoff_ms, max_backoff_ms; /* retry delays: doubling, with jitter, capped */
    int64_t timeout_ms;          /* one delivery attempt */
};

const char *receiver_type_name(enum receiver_type type);
bool config_route_matches(const struct route *route, const struct label_set *labels);
/* True for localhost, 127.0.0.0/8 and ::1 in a URL's host. */
bool url_host_is_loopback(const char *url);

#endif
