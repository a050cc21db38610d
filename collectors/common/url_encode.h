/*
 * url_encode.h — percent-encoding of query values for collectors that build
 * URLs (RFC 3986 unreserved characters stay, everything else is %XX).
 */
#ifndef PEJL_URL_ENCODE_H
#define PEJL_URL_ENCODE_H

/* A newly allocated encoded copy, or NULL when out of memory. */
char *url_encode(const char *text);

#endif
