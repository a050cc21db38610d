/*
 * spawn.h — runs a configured program for the exec collector, the way the
 * HTTP engine fetches a URL: without a shell (fork/exec of an absolute path
 * with its arguments), with a clean environment, stdin from /dev/null, a
 * timeout, and a cap on what it may write. Its stdout is the response; the
 * tail of its stderr goes into the error when it fails.
 */
#ifndef PEJL_SPAWN_H
#define PEJL_SPAWN_H

#include <stddef.h>
#include <stdint.h>

#include "loop.h"

#define SPAWN_STDERR_TAIL 2048

struct spawn_result {
    char *out; /* stdout, NUL-terminated (NULL on failure) */
    size_t len;
    char error[SPAWN_STDERR_TAIL + 256]; /* set on failure */
};

typedef void (*spawn_done_fn)(void *arg, const struct spawn_result *result);

struct spawn;

/* Starts argv[0] (an absolute path); `done` runs from the loop exactly once
 * unless spawn_cancel() comes first. NULL when it could not start at all. */
struct spawn *spawn_start(struct loop *loop, const char *const *argv, int64_t timeout_ms,
                          size_t max_bytes, spawn_done_fn done, void *arg);
/* Kills the program (if still running) and forgets it. */
void spawn_cancel(struct spawn *spawn);

/* In a forked child: die with `parent` (SIGKILL when it goes), and at once
 * if it is gone already. The child holds the parent's fds, the journal
 * lock among them, and must not keep them after a kill -9. SIGTERM and
 * SIGINT stop it again (the loop blocks them for its signalfd, and the
 * child inherits that): a stopping pejld's SIGTERM, or systemd's to the
 * whole unit, must not wait for a drawing to end. HUP and USR1 stay
 * blocked: they are the daemon's reload and flush, not a child's end. */
void spawn_die_with_parent(pid_t parent);

#endif
