/*
 * collector.h — the ABI between pejld and its collector modules.
 *
 * A collector is a pure adapter: given its `source { … }` block it says which
 * requests it needs, and given the bytes of each response it produces
 * observations. It never opens a file, a socket or a process: pejld owns all
 * I/O (timeouts, retries, size caps, TLS). That keeps every collector testable
 * on recorded bytes and lets a third party write one against this header only.
 *
 * A module is a shared object in the collectors directory, named NAME.so, that
 * exports one symbol, `pejl_collector`, of type `const struct pejl_collector`.
 * pejld refuses a module whose `abi_version` differs from PEJL_COLLECTOR_ABI.
 * Bump PEJL_COLLECTOR_ABI on any change to a struct or function type here.
 *
 * The source block is handed over as a libconfig setting (libconfig is part of
 * the design card), so a collector reports errors with the file and line.
 */
#ifndef PEJL_COLLECTOR_H
#define PEJL_COLLECTOR_H

#include <stddef.h>
#include <stdint.h>
#include <libconfig.h>

#define PEJL_COLLECTOR_ABI 3

/* Calendar period kinds; an indicator's frequency is one of these. */
enum pejl_period_kind {
    PEJL_PERIOD_NONE = 0,
    PEJL_PERIOD_YEAR = 1,
    PEJL_PERIOD_QUARTER = 2,
    PEJL_PERIOD_MONTH = 3,
    PEJL_PERIOD_WEEK = 4, /* ISO 8601 week, belongs to its ISO year */
    PEJL_PERIOD_DAY = 5,
};

/* A calendar period: 2023, 2023-Q1, 2023-01, 2023-W05, 2023-01-31. */
struct pejl_period {
    int16_t year;  /* 1000..9999 */
    uint8_t kind;  /* enum pejl_period_kind */
    uint8_t index; /* quarter 1-4, month 1-12, week 1-53; 0 for a year */
    uint8_t day;   /* day of month for PEJL_PERIOD_DAY, else 0 */
};

/* Status flags of an observation (Eurostat's letters). */
enum pejl_status {
    PEJL_STATUS_PROVISIONAL = 1u << 0, /* p */
    PEJL_STATUS_ESTIMATED = 1u << 1,   /* e */
    PEJL_STATUS_BREAK = 1u << 2,       /* b: break in series */
    PEJL_STATUS_DEFINITION = 1u << 3,  /* d: definition differs */
    PEJL_STATUS_UNRELIABLE = 1u << 4,  /* u: low reliability */
    PEJL_STATUS_CONFIDENTIAL = 1u << 5 /* c */
};

/* Longest panel member key in bytes: a category code as its source writes it
 * ("DK", "M+K", "K64.2", "PC_EU27_2020_MEUR_CP"), valid UTF-8 without
 * whitespace or control characters; pejld refuses any other. */
#define PEJL_MEMBER_MAX 64

/* One figure as a source publishes it. A missing value is NAN. */
struct pejl_observation {
    struct pejl_period period;
    double value;
    uint32_t status; /* enum pejl_status bits */
    /* NULL for the indicator's own series; for a panel (the same measure for
     * several countries) the member it belongs to, e.g. "DK". */
    const char *member;
};

/* What a collector asks pejld to fetch. Strings are owned by the collector
 * (pejld copies a request before plan's or follow's caller returns). */
struct pejl_request {
    const char *url;          /* http(s)://, file:///abs, file:relative (to the config), or
                                 exec: (run argv, read its stdout) */
    const char *method;       /* NULL means GET */
    const char *body;         /* request body, or NULL */
    const char *content_type; /* of the body, or NULL */
    const char *const *argv;  /* exec: program (absolute path) and arguments, NULL-terminated */
    int64_t timeout_ms;       /* 0: pejld's configured timeout */
    uintptr_t tag;            /* the collector's own; handed back with the response */
};

/* What came back. For file: and exec: the status is 200. Responses with
 * status 429 or 5xx never reach a collector: pejld retries them. Other
 * non-2xx responses do, so that a collector can report the API's own error. */
struct pejl_response {
    long status;
    const char *body; /* NUL-terminated; `len` excludes the NUL */
    size_t len;
    /* A response header by name (case-insensitive), or NULL. */
    const char *(*header)(const struct pejl_response *response, const char *name);
    const void *core; /* pejld's; do not touch */
};

enum pejl_log_level { PEJL_LOG_ERROR = 0, PEJL_LOG_WARNING, PEJL_LOG_INFO, PEJL_LOG_DEBUG };

struct pejl_diag; /* pejld's list of configuration problems */

/* Services pejld offers a collector. */
struct pejl_host {
    uint32_t abi_version;
    /* Parses a period in any accepted form; returns 0, or -1 if `text` is none. */
    int (*period_parse)(const char *text, size_t len, struct pejl_period *out);
    /* Writes the canonical form (2023-Q1); returns its length. */
    size_t (*period_format)(const struct pejl_period *p, char *buf, size_t size);
    /* Parses status letters (p e b d u c); returns 0, or -1 on an unknown letter. */
    int (*status_parse)(const char *text, size_t len, uint32_t *out);
    /* Parses "250ms", "30s", "5m", "1d12h"; milliseconds, or -1 when malformed. */
    int64_t (*duration_ms)(const char *text);
    /* Records a configuration problem at `where` (its file and line are added). */
    void (*config_error)(struct pejl_diag *diag, const config_setting_t *where, const char *fmt,
                         ...) __attribute__((format(printf, 3, 4)));
    void (*log)(enum pejl_log_level level, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
};

/* Where decode puts its results. */
struct pejl_sink {
    /* Takes one observation; returns 0, or -1 to stop decoding. */
    int (*emit)(const struct pejl_sink *sink, const struct pejl_observation *obs);
    /* Asks for one more request in this collection (the next page);
     * returns 0, or -1 when pejld will not (too many requests). */
    int (*follow)(const struct pejl_sink *sink, const struct pejl_request *request);
    void *core; /* pejld's; do not touch */
};

/* Where a verification reports (see verify in struct pejl_collector). */
struct pejl_verify_sink {
    /* A problem with the request, at `line` of the config (0: the source
     * block's own line). A warning says what could not be checked; it does
     * not fail the check. */
    void (*problem)(const struct pejl_verify_sink *sink, int line, int warning, const char *fmt,
                    ...) __attribute__((format(printf, 4, 5)));
    /* The first and last period the configured request gets, as the
     * metadata says; `line` is where the time range is configured. pejld
     * checks them against what the indicator's targets need. */
    void (*coverage)(const struct pejl_verify_sink *sink, int line, const struct pejl_period *first,
                     const struct pejl_period *last);
    void *core; /* pejld's; do not touch */
};

struct pejl_collector {
    uint32_t abi_version; /* PEJL_COLLECTOR_ABI */
    const char *name;     /* equals the file name without .so */

    /* Validates `source` (the whole block, `collector` key included) and
     * returns the collector's private state, or NULL after reporting every
     * problem with host->config_error. Must accept only keys it knows, and
     * copy what it keeps: `source` is freed when configuration ends. */
    void *(*configure)(const struct pejl_host *host, const config_setting_t *source,
                       struct pejl_diag *diag);

    /* The requests one collection starts with; *requests points into `state`. */
    size_t (*plan)(void *state, const struct pejl_request **requests);

    /* Decodes the response to `request` (one of plan's or follow's, as
     * pejld's copy). Returns 0, or -1 with a one-line reason in `err` that
     * names what is wrong and where. Must not keep `response` or `request`. */
    int (*decode)(void *state, const struct pejl_request *request,
                  const struct pejl_response *response, const struct pejl_sink *sink, char *err,
                  size_t errlen);

    void (*release)(void *state);

    /* Optional (ABI 3; NULL: the source has no metadata to check against).
     * The requests for the source's own metadata (a table's variables and
     * codes, a country list) that pejld --check-config --online and pejlctl
     * verify fetch; *requests points into `state`. 0: nothing to fetch (say
     * why through verify with a NULL response). */
    size_t (*verify_plan)(void *state, const struct pejl_request **requests);
    /* Checks the configured request against the metadata in `response` (to
     * one of verify_plan's requests) and reports every problem to `sink`,
     * with the config line of the offending key. Returns 0, or -1 with a
     * one-line reason in `err` when the metadata cannot be read. With a
     * NULL `request` and `response` (verify_plan gave nothing), it only
     * says, as a warning, why nothing was checked. */
    int (*verify)(void *state, const struct pejl_request *request,
                  const struct pejl_response *response, const struct pejl_verify_sink *sink,
                  char *err, size_t errlen);

    /* Optional (NULL: pejld names the collector): the source in words a
     * reader knows, from the configured request — the institution and its
     * table or dataset, "Danmarks Statistik, SITC2R4", "Eurostat,
     * sts_inpr_m". Writes at most `size` bytes, NUL-terminated, and returns
     * the length it needed (as snprintf). An indicator's `source_name` in
     * the config wins over it. */
    size_t (*describe)(void *state, char *buf, size_t size);
};

#endif
