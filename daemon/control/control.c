/*
 * control.c — the control socket and its line protocol (see control.h).
 */
#include "control.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

#define IDLE_MS 10000
#define CLIENTS_MAX 256
/* A client has this long to read its reply once it is ready: one that never
 * reads would otherwise keep its slot and its reply for ever. */
#define WRITE_MS 5000
/* The unread replies of all clients together: at most this much memory. A
 * reply that would go over it is "busy" instead; short ones always go. */
#define PENDING_MAX ((size_t)64 << 20)
#define SHORT_REPLY ((size_t)64 << 10)

struct control_client {
    struct control *control;
    int fd;
    char in[CONTROL_LINE_MAX + 1];
    size_t in_len;
    char *out;
    size_t out_len, out_sent;
    bool asked;                /* a request went to the handler: wait for its reply */
    bool answered;             /* the reply is written out, then the connection closes */
    bool gone;                 /* hung up while its reply was deferred */
    uint64_t timer;            /* dropped when it fires: idle before asking, slow after the reply */
    void (*hangup)(void *arg); /* told when it hangs up before its deferred reply */
    void *hangup_arg;
    struct control_client *next;
};

struct control {
    struct loop *loop;
    int fd;
    char *path;
    control_handler handler;
    void *arg;
    struct control_client *clients;
    size_t n_clients;
    size_t pending; /* bytes of replies not yet sent */
};

static void client_close(struct control_client *c)
{
    struct control *ctl = c->control;
    for (struct control_client **p = &ctl->clients; *p; p = &(*p)->next)
        if (*p == c) {
            *p = c->next;
            break;
        }
    ctl->n_clients--;
    ctl->pending -= c->out_len;
    if (c->timer)
        loop_cancel_timer(ctl->loop, c->timer);
    loop_remove_fd(ctl->loop, c->fd);
    close(c->fd);
    free(c->out);
    free(c);
}

static void flush_out(struct control_client *c)
{
    while (c->out_sent < c->out_len) {
        ssize_t n = send(c->fd, c->out + c->out_sent, c->out_len - c->out_sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            loop_modify_fd(c->control->loop, c->fd, EPOLLOUT);
            return;
        }
        if (n <= 0)
            break; /* the client went away: nothing more to say */
        c->out_sent += (size_t)n;
    }
    client_close(c);
}

static void on_write_deadline(struct loop *loop, void *arg)
{
    (void)loop;
    struct control_client *c = arg;
    c->timer = 0;
    log_debug("control: a client left %zu bytes of its reply unread for %d s; dropped",
              c->out_len - c->out_sent, WRITE_MS / 1000);
    client_close(c);
}

static void send_reply(struct control_client *c, char *text, size_t len)
{
    static const char busy[] =
        "-1 busy: other clients have not read their replies yet; try again\n";
    struct control *ctl = c->control;
    if (c->answered || c->gone) {
        free(text);
        if (c->gone)
            client_close(c);
        return;
    }
    if (len > SHORT_REPLY && ctl->pending + len > PENDING_MAX) {
        free(text);
        if (!(text = strdup(busy))) {
            client_close(c);
            return;
        }
        len = sizeof busy - 1;
    }
    c->answered = true;
    c->out = text;
    c->out_len = len;
    ctl->pending += len;
    if (c->timer)
        loop_cancel_timer(ctl->loop, c->timer);
    c->timer = loop_add_timer(ctl->loop, WRITE_MS, on_write_deadline, c);
    flush_out(c);
}

void control_reply(struct control_client *c, const char *message, const char *text)
{
    size_t lines = 0, len = strlen(text ? text : "");
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    if (len && text[len - 1] != '\n')
        lines++;
    char *out = NULL;
    if (len > CONTROL_REPLY_MAX) { /* an error, never a reply cut short */
        control_error(c, "the reply would be %zu bytes, more than the %zu a reply may carry", len,
                      (size_t)CONTROL_REPLY_MAX);
        return;
    }
    int n = asprintf(&out, "%zu %s\n%s%s", lines, message, text ? text : "",
                     len && text[len - 1] != '\n' ? "\n" : "");
    if (n < 0)
        client_close(c); /* without memory the client gets an empty read, not a half reply */
    else
        send_reply(c, out, (size_t)n);
}

void control_error(struct control_client *c, const char *fmt, ...)
{
    char message[512], *out = NULL;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    for (char *p = message; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    int n = asprintf(&out, "-1 %s\n", message);
    if (n < 0)
        client_close(c);
    else
        send_reply(c, out, (size_t)n);
}

bool control_parse(char *line, struct control_request *r)
{
    r->argc = 0;
    for (char *p = line; *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\t')
            return false;
    char *save = NULL;
    for (char *word = strtok_r(line, "\t", &save); word; word = strtok_r(NULL, "\t", &save)) {
        if (r->argc == CONTROL_ARGS_MAX)
            return false;
        r->argv[r->argc++] = word;
    }
    if (r->argc == 0)
        return false;
    for (char *p = r->argv[0]; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return true;
}

static void on_line(struct control_client *c, char *line)
{
    struct control_request r;
    c->asked = true;
    if (!control_parse(line, &r)) {
        control_error(c, "a request is COMMAND, then TAB-separated arguments, on one line");
        return;
    }
    c->control->handler(c->control->arg, c, &r);
}

static void on_readable(struct control_client *c)
{
    for (;;) {
        if (c->in_len == CONTROL_LINE_MAX) {
            control_error(c, "request longer than %d bytes", CONTROL_LINE_MAX);
            return;
        }
        ssize_t n = recv(c->fd, c->in + c->in_len, CONTROL_LINE_MAX - c->in_len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) { /* closed before a whole line: nobody to answer */
            if (!c->asked)
                client_close(c);
            return;
        }
        char *lf = memchr(c->in + c->in_len, '\n', (size_t)n);
        c->in_len += (size_t)n;
        if (lf) {
            *lf = '\0';
            loop_modify_fd(c->control->loop, c->fd, 0); /* one request per connection */
            on_line(c, c->in);
            return;
        }
    }
}

static void on_client(struct loop *loop, int fd, uint32_t events, void *arg)
{
    (void)loop, (void)fd;
    struct control_client *c = arg;
    if (events & EPOLLOUT)
        flush_out(c);
    else if (!c->asked)
        on_readable(c);
    else if (events & (EPOLLHUP | EPOLLERR)) {
        loop_remove_fd(c->control->loop, c->fd); /* the reply, when it comes, finds it gone */
        c->gone = true;
        if (c->hangup && !c->answered) { /* the work for it can stop: nobody waits */
            c->hangup(c->hangup_arg);
            client_close(c);
        }
    }
}

void control_on_hangup(struct control_client *c, void (*fn)(void *arg), void *arg)
{
    if (!c)
        return;
    c->hangup = fn;
    c->hangup_arg = arg;
}

static void on_idle(struct loop *loop, void *arg)
{
    (void)loop;
    struct control_client *c = arg;
    c->timer = 0;
    if (!c->asked)
        client_close(c); /* connected and said nothing */
}

static void accept_one(struct control *ctl, int fd)
{
    struct control_client *c = ctl->n_clients < CLIENTS_MAX ? calloc(1, sizeof *c) : NULL;
    if (!c) {
        static const char busy[] = "-1 too many clients; try again\n";
        (void)!send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        close(fd);
        return;
    }
    *c = (struct control_client){.control = ctl, .fd = fd, .next = ctl->clients};
    ctl->clients = c;
    ctl->n_clients++;
    c->timer = loop_add_timer(ctl->loop, IDLE_MS, on_idle, c);
    if (loop_add_fd(ctl->loop, fd, EPOLLIN, on_client, c) < 0)
        client_close(c);
}

static void on_listen(struct loop *loop, int fd, uint32_t events, void *arg)
{
    (void)loop, (void)events;
    for (;;) {
        int client = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (client < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                log_warn_errno("control: accept");
            return;
        }
        accept_one(arg, client);
    }
}

/* A socket file at `path`: another pejld's (refuse) or a dead one's (remove). */
static int claim_path(const struct sockaddr_un *addr, char *err, size_t errlen)
{
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe < 0)
        return 0;
    int live = connect(probe, (const struct sockaddr *)addr, sizeof *addr) == 0;
    int was = errno;
    close(probe);
    if (live) {
        snprintf(err, errlen, "%s: another pejld answers there", addr->sun_path);
        return -1;
    }
    if (was == ECONNREFUSED)
        unlink(addr->sun_path); /* left by a pejld that died */
    return 0;
}

struct control *control_open(struct loop *loop, const char *path, control_handler handler,
                             void *arg, char *err, size_t errlen)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        snprintf(err, errlen, "control socket path %s is too long (at most %zu bytes)", path,
                 sizeof addr.sun_path - 1);
        return NULL;
    }
    memcpy(addr.sun_path, path, strlen(path) + 1);
    struct control *ctl = calloc(1, sizeof *ctl);
    if (!ctl || !(ctl->path = strdup(path))) {
        free(ctl);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    *ctl = (struct control){.loop = loop, .fd = -1, .path = ctl->path, .handler = handler, .arg = arg};
    if (claim_path(&addr, err, errlen) < 0) {
        control_close(ctl);
        return NULL;
    }
    mode_t old = umask(0117); /* srw-rw----: the owner and its group */
    ctl->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int ok = ctl->fd >= 0 && bind(ctl->fd, (struct sockaddr *)&addr, sizeof addr) == 0 &&
             listen(ctl->fd, 64) == 0;
    umask(old);
    if (!ok || loop_add_fd(loop, ctl->fd, EPOLLIN, on_listen, ctl) < 0) {
        snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
        control_close(ctl);
        return NULL;
    }
    return ctl;
}

void control_close(struct control *ctl)
{
    if (!ctl)
        return;
    while (ctl->clients)
        client_close(ctl->clients);
    if (ctl->fd >= 0) {
        loop_remove_fd(ctl->loop, ctl->fd);
        close(ctl->fd);
        unlink(ctl->path);
    }
    free(ctl->path);
    free(ctl);
}
