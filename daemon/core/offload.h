/*
 * offload.h — work too slow for the event loop (reading the whole journal
 * back for an as-of view) done in a forked child, its document read back
 * by the loop through a pipe. The loop goes on serving everything else
 * while the child works; the caller is told once, from the loop.
 *
 * Bounded on every side: at most `max_jobs` children at a time (one more
 * is "busy", never queued), each killed after `timeout_ms`, and a document
 * larger than `max_bytes` is an error, never cut short. Children are
 * reaped by the loop; no descriptor outlives its job.
 *
 * The child is a fork of the daemon, not an exec: it sees the daemon's
 * memory as it was at the fork, dies with the daemon (PR_SET_PDEATHSIG),
 * runs `in_child` first (what it must let go of: the journal lock, a
 * connection that is the parent's), then the work, and _exit()s. It writes
 * the document, or on failure its error message, and nothing else.
 *
 * For tests only: when PEJL_TEST_OFFLOAD_HOLD names a file, every child
 * waits (in the child, never the loop) until that file exists or its
 * timeout kills it, so that a test can hold a job running for as long as
 * it likes without timing anything.
 *
 * May use: core only.
 */
#ifndef PEJL_OFFLOAD_H
#define PEJL_OFFLOAD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "loop.h"

#define OFFLOAD_HOLD_ENV "PEJL_TEST_OFFLOAD_HOLD"

/* Runs in the child: writes the document to `out`; 0, or -1 with `err`. */
typedef int (*offload_work_fn)(FILE *out, void *arg, char *err, size_t errlen);
/* Runs from the loop, exactly once unless the job is cancelled: the
 * document (NUL-terminated, `len` bytes), or NULL and why not. */
typedef void (*offload_done_fn)(void *arg, const char *document, size_t len, const char *error);

struct offload_settings {
    const char *what; /* what a job is, for messages: "as-of read" */
    size_t max_jobs;
    int64_t timeout_ms;
    size_t max_bytes;
    void (*in_child)(void *arg); /* NULL: nothing to let go of */
    void *in_child_arg;
};

enum offload_start { OFFLOAD_STARTED, OFFLOAD_BUSY, OFFLOAD_FAILED };

struct offload;
struct offload_job;

struct offload *offload_new(struct loop *loop, const struct offload_settings *settings);
/* Kills and reaps what still runs; their `done` never runs. */
void offload_free(struct offload *offload);

/* Forks a child that runs `work(out, work_arg)`; `done(done_arg, …)` runs
 * from the loop when it has ended. BUSY (max_jobs run already) or FAILED
 * with a message in `err`; then nothing runs. */
enum offload_start offload_start(struct offload *offload, offload_work_fn work, void *work_arg,
                                 offload_done_fn done, void *done_arg, struct offload_job **job,
                                 char *err, size_t errlen);
/* Kills the child if it still runs; `done` will not run. */
void offload_cancel(struct offload_job *job);
size_t offload_running(const struct offload *offload);

#endif
