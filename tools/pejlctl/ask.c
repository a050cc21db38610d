/*
 * ask.c — pejlctl's commands that talk to a running pejld over its
 * control socket (protocol: pejld(8), control.h): status, alerts,
 * silences, silence, unsilence, reload, metrics, collect, graph, report,
 * verify, snapshot, revisions. --as-of TIME (status, graph, report,
 * revisions) travels as the word "as-of=TIME", --period P as "period=P".
 *
 * The socket is --socket PATH, else $PEJL_SOCKET, else /run/pejl/pejld.sock
 * (systemd's RuntimeDirectory) when it exists, else /var/lib/pejl/pejld.sock
 * (a pejld run by hand on the default state directory): the order pejld
 * itself uses to choose where to listen. Exit codes: 0 done, 1 pejld said no (its
 * message on stderr), 64 usage, 69 pejld could not be reached.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "pejlctl.h"

#define RUNTIME_SOCKET "/run/pejl/pejld.sock"
#define STATE_SOCKET "/var/lib/pejl/pejld.sock"
#define EXIT_UNAVAILABLE PEJLCTL_EXIT_UNAVAILABLE


static int connect_to(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        fprintf(stderr, "pejlctl: socket path %s is too long\n", path);
        return -1;
    }
    memcpy(addr.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        int e = errno;
        fprintf(stderr, "pejlctl: cannot reach pejld at %s: %s\n", path, strerror(e));
        if (e == EACCES)
            fprintf(stderr, "pejlctl: the socket is for its owner and group pejl: "
                            "`adduser $USER pejl`, then log in again\n");
        else
            fprintf(stderr, "pejlctl: is pejld running? Name its socket with --socket PATH or "
                            "$PEJL_SOCKET (pejld logs \"control socket PATH\" at start)\n");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* Where pejld listens when nobody says: systemd's runtime directory, else
 * the default state directory's socket if one is there. */
const char *pejlctl_default_socket(void)
{
    struct stat st;
    if (stat(RUNTIME_SOCKET, &st) == 0 || stat(STATE_SOCKET, &st) != 0 || !S_ISSOCK(st.st_mode))
        return RUNTIME_SOCKET;
    return STATE_SOCKET;
}

int pejlctl_ask(const char *socket_path, char *const *words, int n, struct pejlctl_reply *r)
{
    char line[4096];
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        if (strpbrk(words[i], "\t\n")) {
            fprintf(stderr, "pejlctl: \"%s\": arguments cannot hold tabs or newlines\n", words[i]);
            return PEJLCTL_EXIT_USAGE;
        }
        int w = snprintf(line + len, sizeof line - len, "%s%s", i ? "\t" : "", words[i]);
        if (w < 0 || (size_t)w >= sizeof line - len - 1) {
            fprintf(stderr, "pejlctl: the request is too long\n");
            return PEJLCTL_EXIT_USAGE;
        }
        len += (size_t)w;
    }
    line[len++] = '\n';
    int fd = connect_to(socket_path);
    if (fd < 0)
        return EXIT_UNAVAILABLE;
    char *all = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&all, &size);
    bool ok = out && send(fd, line, len, MSG_NOSIGNAL) == (ssize_t)len;
    char buf[65536];
    for (ssize_t got; ok && (got = recv(fd, buf, sizeof buf, 0)) > 0;)
        fwrite(buf, 1, (size_t)got, out);
    close(fd);
    if (out)
        fclose(out);
    char *lf = ok && all ? strchr(all, '\n') : NULL, *end;
    if (!lf) {
        fprintf(stderr, "pejlctl: pejld closed the connection without an answer\n");
        free(all);
        return EXIT_UNAVAILABLE;
    }
    *lf = '\0';
    r->status = strtol(all, &end, 10);
    r->message = strdup(*end == ' ' ? end + 1 : end);
    r->body = strdup(lf + 1);
    free(all);
    return PEJLCTL_EXIT_OK;
}

static int run(const char *socket_path, char *const *words, int n, FILE *to)
{
    struct pejlctl_reply r = {0};
    int rc = pejlctl_ask(socket_path, words, n, &r);
    if (rc != PEJLCTL_EXIT_OK)
        return rc;
    if (r.status < 0) {
        fprintf(stderr, "pejlctl: %s\n", r.message);
        rc = PEJLCTL_EXIT_FAILURE;
    } else {
        fputs(r.body, to);
    }
    free(r.message);
    free(r.body);
    return rc;
}

/* verify: the report on stdout; exit 1 when pejld found problems. */
static int verify(const char *socket_path, char *const *words, int n)
{
    struct pejlctl_reply r = {0};
    int rc = pejlctl_ask(socket_path, words, n, &r);
    if (rc != PEJLCTL_EXIT_OK)
        return rc;
    if (r.status < 0 || strncmp(r.message, "problems", 8) == 0)
        rc = PEJLCTL_EXIT_FAILURE;
    fputs(r.body, stdout);
    fprintf(r.status < 0 ? stderr : stdout, "%s%s\n", r.status < 0 ? "pejlctl: " : "", r.message);
    free(r.message);
    free(r.body);
    return rc;
}

/* ---- graph: the PNG comes as base64 lines ---- */

static int sextet(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26
           : c >= '0' && c <= '9' ? c - '0' + 52 : c == '+' ? 62 : c == '/' ? 63 : -1;
}

static size_t base64_decode(const char *text, unsigned char *out)
{
    size_t n = 0;
    unsigned bits = 0, have = 0;
    for (const char *p = text; *p; p++) {
        int v = sextet((unsigned char)*p);
        if (v < 0)
            continue; /* line ends and padding */
        bits = (bits << 6) | (unsigned)v;
        if ((have += 6) >= 8) {
            have -= 8;
            out[n++] = (unsigned char)(bits >> have);
        }
    }
    return n;
}

static int save_graph(const char *socket_path, const char *id, char *as_of, const char *file)
{
    char *words[] = {"GRAPH", (char *)id, as_of};
    struct pejlctl_reply r = {0};
    int rc = pejlctl_ask(socket_path, words, as_of ? 3 : 2, &r);
    if (rc == PEJLCTL_EXIT_OK && r.status < 0) {
        fprintf(stderr, "pejlctl: %s\n", r.message);
        rc = PEJLCTL_EXIT_FAILURE;
    }
    if (rc == PEJLCTL_EXIT_OK) {
        unsigned char *png = malloc(strlen(r.body) + 1);
        size_t n = png ? base64_decode(r.body, png) : 0;
        FILE *f = png ? fopen(file, "wb") : NULL;
        if (!f || fwrite(png, 1, n, f) != n || fclose(f) != 0) {
            fprintf(stderr, "pejlctl: cannot write %s: %s\n", file, strerror(errno));
            rc = PEJLCTL_EXIT_FAILURE;
        } else {
            printf("%s: %zu bytes\n", file, n);
        }
        free(png);
    }
    free(r.message);
    free(r.body);
    return rc;
}

/* ---- the subcommands ---- */

/* Each command's synopsis and what it does, for `pejlctl COMMAND --help`. */
static const struct {
    const char *name, *synopsis, *text;
} usages[] = {
    {"status", "status [ID] [--json] [--as-of T]",
     "The status table of every indicator, or one; --as-of: as known at T (a date,\n"
     "a time or a snapshot's name)"},
    {"alerts", "alerts [--json]", "Alerts away from OK, with state, since when and summary"},
    {"silences", "silences [--json]", "The silences in force"},
    {"silence", "silence MATCHER --for 7d --comment TEXT [--force]",
     "Silence alerts; MATCHER is ID, ID/RULE or */RULE; --force: one not in\n"
     "pejld's config yet. Prints the silence's id and end"},
    {"unsilence", "unsilence ID", "End a silence"},
    {"reload", "reload", "Reload pejld's config (validated first; a broken one changes nothing)"},
    {"metrics", "metrics", "Prometheus text exposition of the figures and alerts"},
    {"collect", "collect [ID...]", "Collect now; returns when done, with the outcome"},
    {"graph", "graph ID [-o FILE] [--as-of T]", "Save the indicator's PNG (default ID.png)"},
    {"report", "report DIR [--as-of T] [--compare-to T]",
     "Have pejld write a report folder there; --compare-to: first what changed since T"},
    {"snapshot", "snapshot NAME [TIME]", "Name this moment (or TIME) for --as-of NAME"},
    {"revisions", "revisions ID [--period P] [--json] [--as-of T]",
     "Every value each period has had, with its vintage and the change from the first"},
    {"verify", "verify [ID...]",
     "Check the sources against their own metadata (exit 1 when there are problems)"},
};

static void ask_usage(const char *name, FILE *to)
{
    for (size_t i = 0; i < sizeof usages / sizeof *usages; i++)
        if (strcmp(usages[i].name, name) == 0)
            fprintf(to, "usage: pejlctl [--socket PATH] %s\n%s.\n", usages[i].synopsis, usages[i].text);
    fprintf(to, "exit: 0 done, 1 pejld said no, 64 usage, 69 pejld not reachable\n");
}

int ask_main(int argc, char **argv)
{
    static const struct option options[] = {
        {"socket", required_argument, NULL, 's'}, {"json", no_argument, NULL, 'j'},
        {"for", required_argument, NULL, 'f'},    {"comment", required_argument, NULL, 'c'},
        {"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'},
        {"force", no_argument, NULL, 'F'},        {"as-of", required_argument, NULL, 'A'},
        {"period", required_argument, NULL, 'P'}, {"compare-to", required_argument, NULL, 'C'},
        {NULL, 0, NULL, 0}};
    const char *name = argv[0], *socket_path = getenv("PEJL_SOCKET"), *duration = NULL,
               *comment = NULL, *output = NULL, *as_of = NULL, *period = NULL, *compare_to = NULL;
    bool json = false, force = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:o:h", options, NULL)) != -1) {
        switch (c) {
        case 's': socket_path = optarg; break;
        case 'j': json = true; break;
        case 'f': duration = optarg; break;
        case 'c': comment = optarg; break;
        case 'o': output = optarg; break;
        case 'F':
            force = true;
            break;
        case 'A': as_of = optarg; break;
        case 'P': period = optarg; break;
        case 'C': compare_to = optarg; break;
        case 'h': ask_usage(name, stdout); return PEJLCTL_EXIT_OK;
        default: ask_usage(name, stderr); return PEJLCTL_EXIT_USAGE;
        }
    }
    if (!socket_path || !*socket_path)
        socket_path = pejlctl_default_socket();
    char **rest = argv + optind, *words[40];
    int n_rest = argc - optind, n = 0;
    char upper[32], as_of_word[600], period_word[64], compare_word[600];
    snprintf(as_of_word, sizeof as_of_word, "as-of=%s", as_of ? as_of : "");
    snprintf(period_word, sizeof period_word, "period=%s", period ? period : "");
    snprintf(compare_word, sizeof compare_word, "compare-to=%s", compare_to ? compare_to : "");
    if (compare_to && strcmp(name, "report") != 0) { /* the report's first section only */
        ask_usage(name, stderr);
        return PEJLCTL_EXIT_USAGE;
    }
    snprintf(upper, sizeof upper, "%s", name);
    for (char *p = upper; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    words[n++] = upper;
    if (strcmp(name, "graph") == 0) {
        char file[512];
        if (n_rest != 1) {
            ask_usage(name, stderr);
            return PEJLCTL_EXIT_USAGE;
        }
        snprintf(file, sizeof file, "%s.png", rest[0]);
        return save_graph(socket_path, rest[0], as_of ? as_of_word : NULL, output ? output : file);
    }
    if (strcmp(name, "silence") == 0) {
        if (n_rest != 1 || !duration || !comment) {
            ask_usage(name, stderr);
            return PEJLCTL_EXIT_USAGE;
        }
        const char *user = getenv("USER");
        words[n++] = rest[0], words[n++] = (char *)duration, words[n++] = (char *)comment;
        words[n++] = (char *)(user && *user ? user : "pejlctl");
        if (force) /* an indicator or rule not in pejld's config yet */
            words[n++] = "force";
        return run(socket_path, words, n, stdout);
    }
    char absolute[4096];
    if (strcmp(name, "report") == 0 && n_rest == 1 && rest[0][0] != '/') {
        char cwd[2048];
        if (!getcwd(cwd, sizeof cwd)) {
            fprintf(stderr, "pejlctl: cannot tell the current directory\n");
            return PEJLCTL_EXIT_FAILURE;
        }
        snprintf(absolute, sizeof absolute, "%s/%s", cwd, rest[0]); /* pejld runs elsewhere */
        rest[0] = absolute;
    }
    for (int i = 0; i < n_rest && n < 34; i++) /* room for json, as-of, period, compare-to */
        words[n++] = rest[i];
    if (json)
        words[n++] = "json";
    if (as_of)
        words[n++] = as_of_word;
    if (period)
        words[n++] = period_word;
    if (compare_to)
        words[n++] = compare_word;
    if (strcmp(name, "verify") == 0)
        return verify(socket_path, words, n);
    return run(socket_path, words, n, stdout);
}
