/*
 * fuzz_collector.c — one collector's decode entry point on arbitrary bytes,
 * as pejld calls it: the collector's sources are compiled in (one fuzzer per
 * collector: fuzz_worldbank, fuzz_ctgov, fuzz_statbank, fuzz_eurostat), its
 * `pejl_collector` is configured once with FUZZ_SOURCE (the body of a
 * source block, chosen by FUZZ_NAME), and every input is the body of a 200
 * response to its first request (of a 400 after a leading '!', so that
 * the API's error bodies are read too). Besides the sanitizers' checks it
 * aborts when an answer breaks a promise of collector.h: a failure says why
 * in one line; every observation has a valid period; a member key the
 * sink refuses (over PEJL_MEMBER_MAX bytes, as pejld's does) ends in an error, never a
 * crash; a followed request has a URL.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/collector.h"
#include "period.h"

/* The body of the source block each collector is configured with. */
#if defined(FUZZ_WORLDBANK)
#define FUZZ_SOURCE                                                                                \
    "indicator = \"SP.POP.TOTL\"; countries = [ \"DK\", \"SE\" ]; max_elements = 20000;"
#elif defined(FUZZ_CTGOV)
#define FUZZ_SOURCE                                                                                \
    "countries = { DK = \"Denmark\"; }; from = 2020; to = 2021; max_elements = 20000;"
#elif defined(FUZZ_STATBANK)
#define FUZZ_SOURCE "table = \"STRAF42\"; max_elements = 20000; max_cells = 100000;"
#elif defined(FUZZ_EUROSTAT)
#define FUZZ_SOURCE                                                                                \
    "dataset = \"demo_pjan\"; panel = \"geo\"; max_elements = 20000; max_cells = 100000;"
#else
#error "define FUZZ_WORLDBANK, FUZZ_CTGOV, FUZZ_STATBANK or FUZZ_EUROSTAT"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern const struct pejl_collector pejl_collector;

#define CHECK(condition)                                                                           \
    do {                                                                                           \
        if (!(condition))                                                                          \
            abort();                                                                               \
    } while (0)

static int64_t duration_ms(const char *text)
{
    (void)text;
    return 30000;
}

static void config_error(struct pejl_diag *diag, const config_setting_t *where, const char *fmt,
                         ...) __attribute__((format(printf, 3, 4)));

static void config_error(struct pejl_diag *diag, const config_setting_t *where, const char *fmt,
                         ...)
{
    (void)diag, (void)where;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    abort(); /* FUZZ_SOURCE is fixed and must be accepted */
}

static void log_line(enum pejl_log_level level, const char *fmt, ...)
{
    (void)level, (void)fmt;
}

static const struct pejl_host host = {.abi_version = PEJL_COLLECTOR_ABI,
                                      .period_parse = period_parse,
                                      .period_format = period_format,
                                      .status_parse = status_parse,
                                      .duration_ms = duration_ms,
                                      .config_error = config_error,
                                      .log = log_line};

/* As pejld's sink does: a member key it cannot take is refused, and the
 * collector must turn that into an error (the key's form is the sink's to
 * check, not a promise of the collector's). */
static int emit(const struct pejl_sink *sink, const struct pejl_observation *obs)
{
    (void)sink;
    CHECK(period_valid(&obs->period));
    return obs->member && strlen(obs->member) > PEJL_MEMBER_MAX ? -1 : 0;
}

static int follow(const struct pejl_sink *sink, const struct pejl_request *request)
{
    (void)sink;
    CHECK(request->url && request->url[0]);
    return 0;
}

static const char *header(const struct pejl_response *response, const char *name)
{
    (void)response, (void)name;
    return NULL;
}

/* The collector's state for FUZZ_SOURCE, made on the first input and kept. */
static void *source_state(void)
{
    static void *state;
    static config_t cf;
    if (state)
        return state;
    config_init(&cf);
    CHECK(config_read_string(&cf, "source = { " FUZZ_SOURCE " };") == CONFIG_TRUE);
    state = pejl_collector.configure(&host, config_lookup(&cf, "source"), NULL);
    CHECK(state);
    return state;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    void *state = source_state();
    const struct pejl_request *requests;
    CHECK(pejl_collector.plan(state, &requests) > 0);
    long status = 200;
    if (size > 0 && data[0] == '!') {
        status = 400;
        data++;
        size--;
    }
    char *body = malloc(size + 1); /* bodies are NUL-terminated (collector.h) */
    CHECK(body);
    memcpy(body, data, size);
    body[size] = '\0';
    struct pejl_response response = {.status = status, .body = body, .len = size, .header = header};
    struct pejl_sink sink = {.emit = emit, .follow = follow};
    char err[768] = "";
    int rc = pejl_collector.decode(state, &requests[0], &response, &sink, err, sizeof err);
    CHECK(rc == 0 || rc == -1);
    if (rc < 0)
        CHECK(err[0] && !strchr(err, '\n'));
    free(body);
    return 0;
}
