/*
 * url.c — schemes and redaction of URLs (see url.h).
 */
#include "url.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

/* Length of the scheme that starts `url` (RFC 3986: ALPHA *( ALPHA /
 * DIGIT / "+" / "-" / "." ) then ":"), 0 when it has none. */
static size_t scheme_length(const char *url)
{
    size_t n = 0;
    if (!isalpha((unsigned char)url[0]))
        return 0;
    while (isalnum((unsigned char)url[n]) || url[n] == '+' || url[n] == '-' || url[n] == '.')
        n++;
    return url[n] == ':' ? n : 0;
}

bool url_has_scheme(const char *url, const char *scheme)
{
    size_t n = strlen(scheme);
    return strncmp(url, scheme, n) == 0 && url[n] == ':';
}

/* The allowed schemes as "https://, http:// or file:" for a message. */
static void list_schemes(const char *const *allowed, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; allowed[i] && used < size; i++) {
        const char *sep = i == 0 ? "" : allowed[i + 1] ? ", " : " or ";
        bool file = strcmp(allowed[i], "file") == 0;
        int n = snprintf(out + used, size - used, "%s%s%s", sep, allowed[i], file ? ":" : "://");
        used += n > 0 ? (size_t)n : 0;
    }
}

int url_check_scheme(const char *url, const char *const *allowed, char *err, size_t errlen)
{
    char shown[URL_SHOWN_MAX], schemes[128], lower[32];
    size_t n = scheme_length(url);
    list_schemes(allowed, schemes, sizeof schemes);
    for (size_t i = 0; n && allowed[i]; i++)
        if (strlen(allowed[i]) == n && strncmp(url, allowed[i], n) == 0)
            return 0;
    url_redact(url, shown, sizeof shown);
    if (n == 0) {
        snprintf(err, errlen, "\"%s\" has no scheme; write %s", shown, schemes);
        return -1;
    }
    for (size_t i = 0; i < n && i < sizeof lower - 1; i++)
        lower[i] = (char)tolower((unsigned char)url[i]);
    lower[n < sizeof lower - 1 ? n : sizeof lower - 1] = '\0';
    for (size_t i = 0; allowed[i]; i++)
        if (strcmp(lower, allowed[i]) == 0) {
            snprintf(err, errlen, "\"%s\": write the scheme in lower case, %s:", shown, lower);
            return -1;
        }
    snprintf(err, errlen, "\"%s\": write %s, not %.*s:", shown, schemes, (int)n, url);
    return -1;
}

/* ---- redaction ---- */

/* A URL in the parts libcurl reads it as (what it would connect to). */
struct shown_parts {
    char *scheme, *user, *password, *options, *host, *port, *path, *query;
};

static void parts_free(struct shown_parts *p)
{
    char *all[] = {p->scheme, p->user, p->password, p->options,
                   p->host,   p->port, p->path,     p->query};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        curl_free(all[i]);
}

/* On failure *p holds nothing (parts_free is still safe). */
static int parse(const char *url, struct shown_parts *p)
{
    CURLU *u = curl_url();
    int rc = -1;
    *p = (struct shown_parts){0};
    if (u && curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &p->scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PATH, &p->path, 0) == CURLUE_OK) {
        curl_url_get(u, CURLUPART_USER, &p->user, 0);
        curl_url_get(u, CURLUPART_PASSWORD, &p->password, 0);
        curl_url_get(u, CURLUPART_OPTIONS, &p->options, 0);
        curl_url_get(u, CURLUPART_HOST, &p->host, 0);
        curl_url_get(u, CURLUPART_PORT, &p->port, 0);
        curl_url_get(u, CURLUPART_QUERY, &p->query, 0);
        rc = 0;
    }
    curl_url_cleanup(u);
    if (rc < 0) {
        parts_free(p);
        *p = (struct shown_parts){0};
    }
    return rc;
}

/* The first segment of `path` and whether more follows it. */
static size_t first_segment(const char *path, bool *more)
{
    const char *start = path[0] == '/' ? path + 1 : path, *slash = strchr(start, '/');
    size_t n = slash ? (size_t)(slash - start) : strlen(start);
    *more = slash != NULL;
    return n;
}

static void show_parts(const struct shown_parts *p, char *out, size_t size)
{
    bool file = strcmp(p->scheme, "file") == 0, more = false;
    const char *path = p->path[0] == '/' ? p->path + 1 : p->path;
    size_t segment = file ? strlen(path) : first_segment(p->path, &more);
    snprintf(out, size, "%s://%s%s%s%s/%.*s%s%s", p->scheme,
             p->user || p->password || p->options ? "***@" : "", p->host ? p->host : "",
             p->port ? ":" : "", p->port ? p->port : "", (int)segment, path, more ? "/***" : "",
             p->query ? "?***" : "");
}

/* Nothing in an exec: or file:relative/path URL is a secret. */
static bool shown_whole(const char *url)
{
    return strcmp(url, "exec:") == 0 || (url_has_scheme(url, "file") && url[5] != '/');
}

const char *url_redact(const char *url, char *out, size_t size)
{
    struct shown_parts p = {0};
    size_t n = url ? scheme_length(url) : 0;
    if (size == 0)
        return out;
    if (n == 0)
        snprintf(out, size, "***"); /* without a scheme, nothing tells a host from a secret */
    else if (shown_whole(url))
        snprintf(out, size, "%s", url);
    else if (parse(url, &p) == 0)
        show_parts(&p, out, size);
    else
        snprintf(out, size, "%.*s:***", (int)(n < 32 ? n : 32), url);
    parts_free(&p);
    return out;
}

void url_redact_in(char *text, size_t size, const char *url)
{
    char shown[URL_SHOWN_MAX], *at;
    size_t len = url ? strlen(url) : 0, used = 0;
    if (len == 0 || size == 0)
        return;
    url_redact(url, shown, sizeof shown);
    size_t shown_len = strlen(shown);
    while ((at = strstr(text + used, url))) {
        size_t head = (size_t)(at - text), tail = strlen(at + len);
        size_t room = size - 1 - head; /* for the shown URL and what followed */
        size_t keep_shown = shown_len < room ? shown_len : room;
        size_t keep_tail = tail < room - keep_shown ? tail : room - keep_shown;
        memmove(at + keep_shown, at + len, keep_tail);
        memcpy(at, shown, keep_shown);
        text[head + keep_shown + keep_tail] = '\0';
        used = head + keep_shown;
    }
}
