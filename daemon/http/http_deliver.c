/*
 * http_deliver.c — deliveries on the HTTP engine (see http_deliver in
 * http.h): a notification POSTed once with its headers, or an e-mail sent
 * over SMTP with STARTTLS and AUTH. The outbox retries; the engine does not.
 * An e-mail with an attachment is made multipart by libcurl's MIME API
 * (boundaries, part headers, base64), not by us.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_internal.h"
#include "url.h"

/* SMTP reads the message through this. */
static size_t on_upload(char *buffer, size_t size, size_t n, void *arg)
{
    struct http_transfer *t = arg;
    size_t room = size * n, left = t->body_len - t->sent, len = left < room ? left : room;
    memcpy(buffer, t->body + t->sent, len);
    t->sent += len;
    return len;
}

/* The text, then the attachment: libcurl writes the multipart/mixed
 * message around them. -1 when out of memory. */
static int setup_mime(struct http_transfer *t, CURL *c)
{
    curl_mime_free(t->mime);
    curl_mime *mime = t->mime = curl_mime_init(c);
    curl_mimepart *text = mime ? curl_mime_addpart(mime) : NULL;
    curl_mimepart *graph = text ? curl_mime_addpart(mime) : NULL;
    if (!graph || curl_mime_data(text, t->body, t->body_len) != CURLE_OK ||
        curl_mime_type(text, "text/plain; charset=UTF-8") != CURLE_OK ||
        curl_mime_encoder(text, "8bit") != CURLE_OK ||
        curl_mime_data(graph, (const char *)t->attachment, t->attachment_len) != CURLE_OK ||
        curl_mime_filename(graph, t->attachment_name) != CURLE_OK ||
        curl_mime_encoder(graph, "base64") != CURLE_OK)
        return -1;
    char type[256];
    snprintf(type, sizeof type, "image/png; name=\"%s\"", t->attachment_name);
    if (curl_mime_type(graph, type) != CURLE_OK)
        return -1;
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->extra_headers); /* the mail's, for SMTP */
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
    return 0;
}

static int setup_smtp(struct http_transfer *t, CURL *c)
{
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, t->mail_from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, t->rcpt);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    if (t->attachment) {
        if (setup_mime(t, c) < 0)
            return -1;
    } else {
        curl_easy_setopt(c, CURLOPT_READFUNCTION, on_upload);
        curl_easy_setopt(c, CURLOPT_READDATA, t);
        curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)t->body_len);
    }
    curl_easy_setopt(c, CURLOPT_USE_SSL, t->require_tls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
    if (t->username) {
        curl_easy_setopt(c, CURLOPT_USERNAME, t->username);
        curl_easy_setopt(c, CURLOPT_PASSWORD, t->password);
    }
    return 0;
}

/* A delivery speaks its URL's scheme and nothing else (the config allows
 * these four); an https receiver is never spoken to in plain text. */
static const char *own_protocol(const char *url)
{
    static const char *const schemes[] = {"https", "http", "smtps", "smtp"};
    for (size_t i = 0; i < sizeof schemes / sizeof *schemes; i++)
        if (url_has_scheme(url, schemes[i]))
            return schemes[i];
    return "https"; /* anything else fails with libcurl's "not supported" */
}

int http_setup_delivery(struct http_transfer *t)
{
    const struct http_settings *s = &t->engine->settings;
    CURL *c = http_easy_common(t, t->timeout_ms ? t->timeout_ms : s->timeout_ms);
    if (!c)
        return -1;
    t->sent = 0;
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, own_protocol(t->url));
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L); /* a receiver that moved says so */
    if (t->mail_from)
        return setup_smtp(t, c);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, t->body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)t->body_len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->extra_headers);
    return 0;
}

static struct curl_slist *slist_of(const char *const *lines, bool *ok)
{
    struct curl_slist *list = NULL;
    for (size_t i = 0; lines && lines[i]; i++) {
        struct curl_slist *grown = curl_slist_append(list, lines[i]);
        if (!grown) {
            *ok = false;
            return list;
        }
        list = grown;
    }
    return list;
}

struct http_transfer *http_deliver(struct http_engine *e, const struct http_delivery *d,
                                   http_done_fn done, void *arg)
{
    struct http_transfer *t = calloc(1, sizeof *t);
    bool ok = true;
    char type[256];
    if (!t)
        return NULL;
    *t = (struct http_transfer){.engine = e, .done = done, .arg = arg, .delivery = true,
                                .require_tls = d->require_tls, .body_len = d->len,
                                .timeout_ms = d->timeout_ms};
    t->url = strdup(d->url);
    t->body = malloc(d->len + 1);
    t->mail_from = http_dup_or_null(d->mail_from);
    t->username = http_dup_or_null(d->username);
    t->password = http_dup_or_null(d->password);
    t->rcpt = slist_of(d->rcpt, &ok);
    t->extra_headers = slist_of(d->mail_from ? d->mail_headers : d->headers, &ok);
    if (d->mail_from && d->attachment) {
        t->attachment = malloc(d->attachment_len ? d->attachment_len : 1);
        t->attachment_name = strdup(d->attachment_name ? d->attachment_name : "graph.png");
        ok = ok && t->attachment && t->attachment_name;
        if (t->attachment)
            memcpy(t->attachment, d->attachment, d->attachment_len);
        t->attachment_len = d->attachment_len;
    }
    if (d->content_type && !d->mail_from) {
        snprintf(type, sizeof type, "Content-Type: %s", d->content_type);
        struct curl_slist *grown = curl_slist_append(t->extra_headers, type);
        ok = ok && grown;
        t->extra_headers = grown ? grown : t->extra_headers;
    }
    t->shown_url = http_shown_url(t->url);
    t->host = t->url ? http_host_get(e, t->url) : NULL;
    if (!ok || !t->url || !t->shown_url || !t->body || !t->host ||
        (d->mail_from && !t->mail_from) || (d->username && (!t->username || !t->password))) {
        http_transfer_free(t);
        return NULL;
    }
    memcpy(t->body, d->body, d->len);
    t->body[d->len] = '\0';
    http_track(e, t);
    return t;
}
