/*
 * verify.h — checking indicators' sources against the sources' own
 * metadata (pejld --check-config --online, pejlctl verify): each
 * collector's verify_plan requests are fetched through the same fetcher as
 * collections (the HTTP engine: TLS, timeouts, size caps, redirects), its
 * verify hook reports what is wrong with the config line of the offending
 * key, and the periods a source covers are checked here against what the
 * indicator's targets need (a baseline without a value, the assessment
 * window before the latest period).
 *
 * Everything runs on the loop; nothing blocks it. Indicators are checked
 * side by side, each one's requests one after another; the whole check
 * ends by a deadline, when what has not answered is a problem. It stores
 * nothing and reads only the config it holds.
 */
#ifndef PEJL_VERIFY_H
#define PEJL_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "collect.h"
#include "diag.h"

#define VERIFY_DEFAULT_DEADLINE_MS (5 * 60 * 1000)

struct verify_settings {
    const char *file;                /* the config file, for FILE:LINE */
    struct collect_settings collect; /* file: relative to its dir; a hold on the config */
    int64_t deadline_ms;             /* 0: VERIFY_DEFAULT_DEADLINE_MS */
};

/* The report: every problem and warning as "FILE:LINE: id: message" (a
 * warning says "warning:" and what was not checked), in the order of the
 * indicators; `problems` counts the lines that are not warnings. */
typedef void (*verify_done_fn)(void *arg, const struct pejl_diag *report, size_t problems);

struct verification;

/* Starts checking `n` indicators; `done` runs from the loop exactly once
 * (unless cancelled), after which the verification frees itself. NULL
 * when it could not start. */
struct verification *verify_start(struct fetcher *fetcher, const struct verify_settings *settings,
                                  const struct indicator *const *indicators, size_t n,
                                  verify_done_fn done, void *arg);
/* Stops a verification whose `done` has not run; it never will. */
void verify_cancel(struct verification *v);

/* What the targets of `indicator` need of a source whose request gets the
 * periods first..last: each shortfall as a problem in `diag` at `file`,
 * `line`. Returns the number of problems. Exposed for tests. */
size_t verify_coverage(const struct indicator *indicator, const struct pejl_period *first,
                       const struct pejl_period *last, const char *file, int line,
                       struct pejl_diag *diag);

#endif
