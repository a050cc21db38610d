/*
 * url.h — URLs that come from outside pejl's own code (the config, a
 * collector's plan, a server's redirect): which schemes pejl speaks, and
 * how a URL is shown wherever it could be read by someone other than the
 * config's owner — a log line, an error text, notifications.log, status.
 *
 * A receiver's URL often carries its credential (https://user:PASSWORD@…,
 * a token as a path segment or a query value), so a URL is never printed
 * whole: url_redact() is the one way to show one.
 */
#ifndef PEJL_URL_H
#define PEJL_URL_H

#include <stdbool.h>
#include <stddef.h>

/* Room for what url_redact shows; a longer result is cut at a character. */
#define URL_SHOWN_MAX 512

/* `url` as it may be shown: scheme, host and port and the first path
 * segment; user information, the rest of the path and the query become
 * "***", the fragment is left out. A file: URL keeps its path (a local
 * path is no secret, and the one thing the reader needs). What libcurl
 * cannot parse shows as its scheme and "***" only. Returns `out`. */
const char *url_redact(const char *url, char *out, size_t size);

/* Replaces every occurrence of `url` in the text `text` (a NUL-ended
 * string in a buffer of `size` bytes) by url_redact(url): for messages
 * written by code that quotes a URL it was given, such as a collector's
 * error. What would not fit is cut at the end of `text`. */
void url_redact_in(char *text, size_t size, const char *url);

/* True when `url` starts with "scheme:" (`scheme` in lower case, matched
 * exactly: the config checks refuse an upper-case scheme). */
bool url_has_scheme(const char *url, const char *scheme);

/* 0 when `url`'s scheme is one of `allowed` (NULL-ended, e.g. "https",
 * "http", "file"); -1 with a reason that shows `url` redacted and says
 * what to write instead when it has no scheme, another one, or one in
 * upper case. */
int url_check_scheme(const char *url, const char *const *allowed, char *err, size_t errlen);

#endif
