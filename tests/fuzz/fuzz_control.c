/*
 * fuzz_control.c — the control socket's request parser (control_parse in
 * daemon/control/control.c) on arbitrary bytes, framed as on_readable frames them:
 * at most CONTROL_LINE_MAX bytes, cut at the first LF. A request it
 * accepts has 1 to CONTROL_ARGS_MAX words, each non-empty, inside the line,
 * without TAB or control characters, and the command upper-cased; it
 * refuses exactly the lines with a control character other than TAB, with
 * no words, or with more than CONTROL_ARGS_MAX.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(condition)                                                                           \
    do {                                                                                           \
        if (!(condition))                                                                          \
            abort();                                                                               \
    } while (0)

static bool has_control_character(const char *line)
{
    for (const char *p = line; *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\t')
            return true;
    return false;
}

/* Words between TABs, empty ones not counted. */
static int words_in(const char *line)
{
    int n = 0;
    for (const char *p = line; *p; p++)
        n += *p != '\t' && (p == line || p[-1] == '\t');
    return n;
}

static void check_request(const char *line, size_t len, const struct control_request *r)
{
    CHECK(r->argc >= 1 && r->argc <= CONTROL_ARGS_MAX);
    for (int i = 0; i < r->argc; i++) {
        const char *w = r->argv[i];
        CHECK(w >= line && w < line + len && *w);
        CHECK(!strchr(w, '\t') && !has_control_character(w));
        CHECK(i == 0 || w > r->argv[i - 1]);
    }
    for (const char *p = r->argv[0]; *p; p++)
        CHECK(!islower((unsigned char)*p));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = malloc(CONTROL_LINE_MAX + 1), *copy = malloc(CONTROL_LINE_MAX + 1);
    struct control_request r;
    CHECK(line && copy);
    size_t n = size < CONTROL_LINE_MAX ? size : CONTROL_LINE_MAX;
    memcpy(line, data, n);
    line[n] = '\0';
    char *lf = memchr(line, '\n', n);
    if (lf)
        *lf = '\0';
    size_t len = strlen(line);
    memcpy(copy, line, len + 1);
    int words = words_in(copy);
    bool fine = !has_control_character(copy) && words >= 1 && words <= CONTROL_ARGS_MAX;
    if (control_parse(line, &r)) {
        CHECK(fine && r.argc == words);
        check_request(line, len, &r);
    } else {
        CHECK(!fine);
    }
    free(copy);
    free(line);
    return 0;
}
