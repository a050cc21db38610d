/*
 * control.h — pejld's control socket: a unix stream socket (mode 0660,
 * created under a tight umask; a stale socket left by a dead pejld is
 * replaced, a live one refused) and its line protocol, in the style of
 * rrdcached and collectd's unixsock:
 *
 *   request:  COMMAND[<TAB>ARGUMENT]...<LF>       one per connection, at most 4096 bytes
 *   reply:    N<SP>message<LF>, then N lines       N < 0: an error, and no lines follow
 *
 * Every socket is non-blocking and served by the event loop; a client that
 * sends nothing is dropped after 10 s, one that does not read its reply 5 s
 * after it is ready; an over-long or malformed request is answered with an
 * error, and a reply may be deferred (COLLECT answers when the collections
 * are done) without holding anything else up. A reply carries at most
 * CONTROL_REPLY_MAX bytes (a longer one is an error, never cut short), and
 * the replies clients have not read yet hold at most 64 MiB together.
 */
#ifndef PEJL_CONTROL_H
#define PEJL_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#include "loop.h"

#define CONTROL_LINE_MAX 4096
#define CONTROL_ARGS_MAX 32
#define CONTROL_REPLY_MAX ((size_t)32 << 20)

struct control;
struct control_client;

struct control_request {
    char *argv[CONTROL_ARGS_MAX]; /* argv[0] the command, upper-cased */
    int argc;
};

/* Handles one request: answers now with control_reply(), or later (keep
 * `client`) — but answers exactly once. */
typedef void (*control_handler)(void *arg, struct control_client *client,
                                const struct control_request *request);

/* COMMAND<TAB>ARG...: `line` (one request, its LF cut off) split in place
 * into `r`; false when it is not one line of text. Exposed for the fuzzer. */
bool control_parse(char *line, struct control_request *r);

struct control *control_open(struct loop *loop, const char *path, control_handler handler,
                             void *arg, char *err, size_t errlen);
void control_close(struct control *control);

/* The reply: "N message" and the N lines of `text` (split at LF; a final
 * LF ends the last line, it does not add an empty one). */
void control_reply(struct control_client *client, const char *message, const char *text);
void control_error(struct control_client *client, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* While `client`'s reply is deferred: when it hangs up first, `fn(arg)`
 * runs and the client is closed; its reply must not be given after that.
 * Answering it forgets `fn`. */
void control_on_hangup(struct control_client *client, void (*fn)(void *arg), void *arg);

#endif
