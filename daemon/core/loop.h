/*
 * loop.h — the daemon's one event loop: file descriptors, timers, signals,
 * child processes and systemd's watchdog, on one thread, on sd-event.
 *
 * Everything pejld does happens in a callback from here. A callback must
 * never block: no sleeping, no waiting for a child, no network I/O outside
 * what the loop watches. librrd is not safe to use from two threads, and a
 * single loop removes that class of bug entirely.
 */
#ifndef PEJL_LOOP_H
#define PEJL_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct loop;

typedef void (*loop_fd_fn)(struct loop *loop, int fd, uint32_t events, void *arg);
typedef void (*loop_timer_fn)(struct loop *loop, void *arg);
typedef void (*loop_signal_fn)(struct loop *loop, int signo, void *arg);
typedef void (*loop_child_fn)(struct loop *loop, pid_t pid, int status, void *arg);
typedef void (*loop_hook_fn)(struct loop *loop, void *arg);

struct loop *loop_new(void);
void loop_free(struct loop *loop);

/* Runs until loop_stop(); returns 0, or -1 when sd-event itself fails. A
 * stopped loop may be run again. */
int loop_run(struct loop *loop);
void loop_stop(struct loop *loop);

/* Monotonic milliseconds. */
int64_t loop_now_ms(void);

/* Watches `fd` for `events` (EPOLLIN/EPOLLOUT); one watch per fd. */
int loop_add_fd(struct loop *loop, int fd, uint32_t events, loop_fd_fn fn, void *arg);
int loop_modify_fd(struct loop *loop, int fd, uint32_t events);
void loop_remove_fd(struct loop *loop, int fd);

/* Calls `fn` once after `delay_ms` (negative: at once). Timers due in one
 * pass fire by deadline, then in the order they were added. Returns a timer
 * id, or 0 when out of memory; the first timer a timer callback adds reuses
 * the slot of the one that fired and cannot fail. Cancelling an id that
 * fired already, or 0, does nothing. */
uint64_t loop_add_timer(struct loop *loop, int64_t delay_ms, loop_timer_fn fn, void *arg);
void loop_cancel_timer(struct loop *loop, uint64_t id);

/* Delivers `signo` through sd-event's signalfd; the signal is blocked for
 * the process. */
int loop_on_signal(struct loop *loop, int signo, loop_signal_fn fn, void *arg);

/* Calls `fn` with the waitpid() status when child `pid` has exited (watched
 * through a pidfd, reaped by the loop once `fn` returns). */
int loop_watch_child(struct loop *loop, pid_t pid, loop_child_fn fn, void *arg);
size_t loop_children(const struct loop *loop);

/* Pings systemd's watchdog (WATCHDOG=1) from the loop itself, twice or more
 * per WATCHDOG_USEC, so that a hung loop stops the pings. Returns 1 when
 * systemd asked for them, 0 when it did not, -1 on error (errno set). */
int loop_watchdog(struct loop *loop);

/* Runs `fn` before every wait: the place to commit what a pass produced. */
int loop_before_sleep(struct loop *loop, loop_hook_fn fn, void *arg);

#endif
