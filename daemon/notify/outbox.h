/*
 * outbox.h — notifications on their way out, durable and at least once.
 *
 * Every notification is written to STATE/outbox/ID.json (write-temp,
 * fsync, rename) before anything is sent, then delivered from the event
 * loop without blocking it (http_deliver). A delivery that fails is tried
 * again with exponential backoff and jitter, for as long as it takes; one
 * a receiver refuses for good (HTTP 4xx) is moved to STATE/outbox/failed/
 * with a loud log line. A delivered one is recorded in
 * STATE/notifications.log (what, to whom, when), then its file is removed:
 * a crash in between sends it once more, with the same content, so the
 * receiver can tell. After a restart whatever is in the outbox is sent.
 *
 * The outbox is bounded (outbox.max): when full, outbox_add refuses and
 * the caller keeps the notification due — nothing is dropped.
 *
 * An e-mail with a graph is kept as its text message ("payload") and the
 * PNG ("graph", base64, with "graph_name"); libcurl's MIME API makes them
 * one multipart message when it is sent. Entries without "graph" (every
 * one queued before) go out as the message they hold.
 */
#ifndef PEJL_OUTBOX_H
#define PEJL_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "loop.h"
#include "receiver.h"

struct outbox;

struct outbox_item {
    const char *receiver;
    const char *summary;      /* one line, for the log */
    const char *fingerprints; /* "fp1,fp2", for the log */
    const char *payload;      /* the message or body, as sent */
    size_t len;
    /* e-mail: a PNG libcurl attaches to the text message `payload`; NULL: none */
    const unsigned char *graph;
    size_t graph_len;
    const char *graph_name; /* "ID.png" */
};

/* What deliveries need of the config. The receivers are borrowed: they
 * must stay valid until the next outbox_use_settings() (a reload calls it
 * in the same step that replaces the config) or outbox_free(). */
struct outbox_delivery {
    const struct receiver *receivers;
    size_t n_receivers;
    struct outbox_settings limits; /* the config's outbox = { … } */
    int tries;                     /* the HTTP engine's attempts per delivery */
};

struct outbox *outbox_open(const char *state_dir, struct loop *loop, struct http_engine *http,
                           char *err, size_t errlen);
void outbox_free(struct outbox *ob);
/* The receivers and settings deliveries use from now on (copied; the
 * receivers borrowed, see above). Nothing is delivered before the first. */
void outbox_use_settings(struct outbox *ob, const struct outbox_delivery *delivery);
/* Queues one notification; -1 when the outbox is full (`urgent` may pass
 * the bound: the notice that it is full) or it could not be written. */
int outbox_add(struct outbox *ob, const struct outbox_item *item, bool urgent);
size_t outbox_size(const struct outbox *ob);
bool outbox_full(const struct outbox *ob);
/* True when nothing is in flight and every entry left has been tried
 * http.tries times by this process (pejld --once waits for that, and
 * leaves the rest to the daemon). */
bool outbox_settled(const struct outbox *ob);
/* Called when the outbox becomes settled (for --once). */
void outbox_on_settled(struct outbox *ob, void (*fn)(void *arg), void *arg);

/* "sha256=" and the lower-case hex HMAC-SHA256 (libcrypto's) of `body`
 * under the receiver's secret: the X-Pejl-Signature value, where `body` is
 * the X-Pejl-Timestamp value, a dot and the webhook's body. -1 when
 * libcrypto fails (the body is then not sent unsigned). */
#define OUTBOX_SIGNATURE_SIZE (sizeof "sha256=" + 64)
int outbox_signature(const void *secret, size_t secret_len, const void *body, size_t len,
                     char out[OUTBOX_SIGNATURE_SIZE]);

#endif
