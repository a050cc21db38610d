/*
 * pejlctl.h — pejlctl's subcommands and what they share. pejlctl is the
 * command-line tool next to pejld; `inspect` works without a daemon, on a
 * file or a URL. A subcommand is a main() of its own, listed in pejlctl.c.
 *
 * Exit codes, for every subcommand: 0 done, 1 the work failed (a message on
 * stderr names what), 64 a usage error (EX_USAGE).
 */
#ifndef PEJLCTL_H
#define PEJLCTL_H

#include <stdbool.h>
#include <stddef.h>

#define PEJLCTL_EXIT_OK 0
#define PEJLCTL_EXIT_FAILURE 1
#define PEJLCTL_EXIT_USAGE 64

/* Largest body pejlctl reads, as pejld (FETCH_DEFAULT_MAX_BYTES). */
#define PEJLCTL_MAX_BODY (64u << 20)

struct pejlctl_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv); /* argv[0] is the subcommand's name */
};

int inspect_main(int argc, char **argv);
/* ask.c: the commands that talk to a running pejld over its control socket */
int ask_main(int argc, char **argv);
/* check.c: a Nagios/Icinga check (monitoring-plugins exit codes) */
int check_main(int argc, char **argv);

#define PEJLCTL_EXIT_UNAVAILABLE 69

/* pejld's answer to one request. */
struct pejlctl_reply {
    long status;   /* N, or -1 */
    char *message; /* after N */
    char *body;    /* the N lines */
};
/* Sends one request (words joined by TAB) and reads the whole reply:
 * PEJLCTL_EXIT_OK, or 64 for a request that cannot be sent, or 69 when
 * pejld cannot be reached (said on stderr). The caller frees message and body. */
int pejlctl_ask(const char *socket_path, char *const *words, int n, struct pejlctl_reply *r);
/* The socket when neither --socket nor $PEJL_SOCKET names one. */
const char *pejlctl_default_socket(void);

/* fetch.c: the bytes of a local path, `-` (stdin), a file: URL or an
 * http(s) URL (TLS verified, redirects to http(s) only, PEJLCTL_MAX_BODY). */
struct pejlctl_body {
    char *bytes; /* NUL-terminated; the body may hold NULs itself */
    size_t len;
    long http_status; /* 0 unless fetched over HTTP */
};

int pejlctl_fetch(const char *where, struct pejlctl_body *out, char *err, size_t errlen);
void pejlctl_body_free(struct pejlctl_body *body);

#endif
