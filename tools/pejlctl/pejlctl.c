/*
 * pejlctl.c — the command table and main(): `pejlctl COMMAND [ARGS]`.
 * Each subcommand parses its own options; this file only finds it.
 */
#include "pejlctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct pejlctl_command commands[] = {
    {"status", "the status table of a running pejld [ID] [--json] [--as-of TIME]", ask_main},
    {"alerts", "alerts away from OK [--json]", ask_main},
    {"silences", "the silences [--json]", ask_main},
    {"silence", "silence alerts: MATCHER --for 7d --comment TEXT", ask_main},
    {"unsilence", "end a silence: ID", ask_main},
    {"reload", "reload pejld's config (validated first)", ask_main},
    {"metrics", "Prometheus text exposition of the figures and alerts", ask_main},
    {"collect", "collect now [ID...]; returns when done, with the outcome", ask_main},
    {"graph", "an indicator's PNG: ID [-o FILE] [--as-of TIME]", ask_main},
    {"report", "have pejld write a report folder: DIR [--as-of TIME] [--compare-to TIME]", ask_main},
    {"snapshot", "name this moment for --as-of: NAME [TIME]", ask_main},
    {"revisions", "every value of each period with its vintage: ID [--period P] [--json]",
     ask_main},
    {"verify", "check the sources against their own metadata [ID...]; exit 1 on problems",
     ask_main},
    {"check", "a Nagios/Icinga check of the alerts [ID...]: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN",
     check_main},
    {"inspect", "decode a JSON-stat file or URL: its dimensions, or every cell as CSV",
     inspect_main},
};

#define N_COMMANDS (sizeof commands / sizeof *commands)

static void usage(FILE *to)
{
    fprintf(to, "usage: pejlctl [--socket PATH] COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(to, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(to, "\n`pejlctl COMMAND --help` describes a command; `pejlctl --version`.\n");
}

static const struct pejlctl_command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* --socket PATH (or --socket=PATH) before the command: the same as after
 * it, passed on as $PEJL_SOCKET. Returns how many words it took, or -1. */
static int global_options(int argc, char **argv)
{
    int used = 0;
    while (used + 1 < argc && strncmp(argv[used + 1], "--socket", 8) == 0) {
        const char *arg = argv[used + 1];
        const char *path = arg[8] == '=' ? arg + 9 : arg[8] == '\0' && used + 2 < argc ? argv[used + 2] : NULL;
        if (!path || !*path || setenv("PEJL_SOCKET", path, 1) < 0) {
            fprintf(stderr, "pejlctl: --socket needs a path\n");
            return -1;
        }
        used += arg[8] == '=' ? 1 : 2;
    }
    return used;
}

int main(int argc, char **argv)
{
    int globals = global_options(argc, argv);
    if (globals < 0)
        return PEJLCTL_EXIT_USAGE;
    argv[globals] = argv[0];
    argc -= globals, argv += globals;
    if (argc < 2) {
        usage(stderr);
        return PEJLCTL_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        const struct pejlctl_command *command = argc > 2 ? find_command(argv[2]) : NULL;
        if (command)
            return command->run(2, (char *[]){argv[2], "--help", NULL});
        usage(stdout);
        return PEJLCTL_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("pejlctl %s\n", PEJL_VERSION);
        return PEJLCTL_EXIT_OK;
    }
    const struct pejlctl_command *command = find_command(name);
    if (!command) {
        fprintf(stderr, "pejlctl: unknown command \"%s\"\n", name);
        usage(stderr);
        return PEJLCTL_EXIT_USAGE;
    }
    return command->run(argc - 1, argv + 1);
}
