/*
 * jsonstat.c — the `jsonstat` collector: any URL or file that returns
 * JSON-stat (1.x or 2.0).
 *
 *     source = { collector = "jsonstat"; url = "file:data/production.json";
 *                dataset = "oecd";                       # only for 1.x bundles
 *                select = { geo = "DK"; unit = "I21"; }; # every other dimension of size > 1
 *                time = "time";                          # default: role time, else time/Tid/year
 *                panel = "geo"; };                       # optional: one member per geo code
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/jsonstat_source.h"

struct jsonstat_source {
    const struct pejl_host *host;
    struct jsonstat_choice choice;
    char *url;
    struct pejl_request request;
};

static const struct source_key keys[] = {
    {"url", KEY_STRING, true},     {"dataset", KEY_STRING, false},
    {"select", KEY_PICKS, false},  {"time", KEY_STRING, false},
    {"panel", KEY_STRING, false},  {"max_elements", KEY_INT, false},
    {"max_cells", KEY_INT, false}, {NULL, 0, false},
};

static void jsonstat_release(void *state)
{
    struct jsonstat_source *src = state;
    if (!src)
        return;
    jsonstat_choice_free(&src->choice);
    free(src->url);
    free(src);
}

static void *jsonstat_configure(const struct pejl_host *host, const config_setting_t *source,
                                struct pejl_diag *diag)
{
    struct source_reader r = {.host = host, .source = source, .diag = diag, .collector = "jsonstat"};
    struct jsonstat_source *src = calloc(1, sizeof *src);
    if (!src || source_check(&r, keys) > 0 || jsonstat_choice_read(&r, &src->choice) > 0 ||
        !(src->url = strdup(source_string(&r, "url")))) {
        jsonstat_release(src);
        return NULL;
    }
    src->host = host;
    src->request = (struct pejl_request){.url = src->url};
    return src;
}

static size_t jsonstat_plan(void *state, const struct pejl_request **requests)
{
    struct jsonstat_source *src = state;
    *requests = &src->request;
    return 1;
}

static int jsonstat_decode_response(void *state, const struct pejl_request *request,
                                    const struct pejl_response *response,
                                    const struct pejl_sink *sink, char *err, size_t errlen)
{
    struct jsonstat_source *src = state;
    (void)request;
    return jsonstat_emit(src->host, &src->choice, response, sink, src->url, err, errlen);
}

/* Where the document comes from (a host or a file name), and the dataset
 * of a bundle: "statbank.dk", "data.ssb.no, oecd". */
static size_t jsonstat_describe(void *state, char *buf, size_t size)
{
    const struct jsonstat_source *src = state;
    size_t n = source_url_place(src->url, buf, size);
    if (!src->choice.dataset)
        return n;
    int more =
        snprintf(n < size ? buf + n : NULL, n < size ? size - n : 0, ", %s", src->choice.dataset);
    return more < 0 ? n : n + (size_t)more;
}

__attribute__((visibility("default"))) const struct pejl_collector pejl_collector = {
    .abi_version = PEJL_COLLECTOR_ABI,
    .name = "jsonstat",
    .configure = jsonstat_configure,
    .plan = jsonstat_plan,
    .decode = jsonstat_decode_response,
    .release = jsonstat_release,
    .describe = jsonstat_describe,
};
