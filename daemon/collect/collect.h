/*
 * collect.h — one collection of one indicator: ask its collector for the
 * requests, fetch each (and any the collector follows up with, such as the
 * next page), let the collector decode the bytes, and check the
 * observations before anyone stores them.
 *
 * A collection holds a reference to the config it started under (through
 * struct collect_settings: it does not see the config itself), so a reload
 * in the middle cannot pull the indicator out from under it. It stores
 * nothing itself.
 */
#ifndef PEJL_COLLECT_H
#define PEJL_COLLECT_H

#include <stdbool.h>
#include <stddef.h>

#include "fetch.h"
#include "indicator.h"
#include "splice.h"

#define COLLECT_MAX_OBSERVATIONS (10u * 1000 * 1000)
#define COLLECT_MAX_REQUESTS 1000
/* COLLECT_DEFAULT_MEMBERS and COLLECT_MAX_MEMBERS: in config.h, which reads max_members. */

struct collection_request;

/* What a collection needs of the config: the directory file:relative/path
 * resolves against, and a hold on what owns the indicator (the config),
 * taken at the start and let go when the collection is freed. */
struct collect_settings {
    const char *dir;
    void *owner;
    void (*hold)(void *owner);
    void (*release)(void *owner);
};

struct collection {
    struct collect_settings settings; /* its owner held */
    const struct indicator *indicator;
    struct pejl_observation *obs; /* sorted by member, then period, when done */
    size_t n, cap;
    char error[1024]; /* set when the collection failed */
    bool failed;
    size_t not_modified; /* responses that were 304s answered from the kept body */
    /* private */
    struct fetcher *fetcher;
    struct collection_request *requests;
    size_t n_requests, cap_requests, next_request;
    char **members; /* interned member keys the observations point at */
    size_t n_members;
    struct json_t *member_index; /* member key -> its index in members */
    bool members_over;           /* a member beyond the indicator's max_members */
    struct fetch *fetch;
    void (*done)(struct collection *c, void *arg);
    void *arg;
    /* An indicator with several sources (indicator.h) is collected one
     * source after another into obs, then spliced (splice.h): what is in
     * obs when done is the splice, `spliced` its overlaps and seams. */
    size_t source;                            /* the one being fetched */
    size_t source_end[INDICATOR_MAX_SOURCES]; /* where each one's obs end */
    struct splice_result spliced;             /* .obs taken into obs */
};

typedef void (*collect_done_fn)(struct collection *c, void *arg);

/* Starts collecting; `done` is called from the loop exactly once, after which
 * the caller frees the collection. NULL when it could not start. */
struct collection *collect_start(struct fetcher *fetcher, const struct collect_settings *settings,
                                 const struct indicator *indicator, collect_done_fn done,
                                 void *arg);
void collect_free(struct collection *c);

/* Sorts and checks decoded observations: right frequency, finite values,
 * one per member and period, valid member keys. 0, or -1 with `err`. */
int collect_check(const struct indicator *indicator, struct pejl_observation *obs, size_t n,
                  char *err, size_t errlen);
/* A member key pejld takes: series_member_valid() (1..64 bytes of UTF-8
 * without whitespace or control characters). */
bool collect_member_key_valid(const char *member);
/* A source in words (its collector's describe(), else the collector's name). */
void collect_source_name(const struct indicator_source *s, char *buf, size_t size);

#endif
