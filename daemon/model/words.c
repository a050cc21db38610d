/*
 * words.c — Danish and English labels (see words.h).
 */
#include "words.h"

static const struct words danish = {
    .pejlemaerke = "Pejlemærke", .observed = "Observeret", .provisional = "Foreløbig",
    .target_path = "Målsti mod", .projection = "Fremskrivning (trend)", .target = "Mål",
    .in_year = "i", .baseline = "Basisår", .level_of = "Niveau", .top = "Top",
    .warning = "Advarsel", .critical = "Kritisk", .source = "Kilde", .data_to = "data til og med",
    .collected = "hentet", .status = "Status", .years_ahead = "år foran stien",
    .years_behind = "år bag stien", .only_one = "Kun én observation",
    .trend_up = "stigende trend", .trend_down = "faldende trend", .no_data = "ingen data endnu",
    .indicator = "Indikator", .latest = "Seneste", .path_value = "Stiens værdi", .gap = "Afvigelse",
    .progress = "Fremdrift", .time_distance = "Tidsafstand", .alert = "Alarm",
    .last_collected = "Sidst hentet", .period = "periode", .value = "værdi", .vintage = "årgang",
    .stale = "forældet",
    .not_shown = "Ikke vist", .of = "af", .at_most = "højst", .left_lines = "serier",
    .left_curves = "målstier, mærker og fremskrivninger",
    .left_rules = "basislinjer, niveauer og tærskler",
    .periods_before = "perioder før", .journal_only = "(kun i journalen og data-filen)",
    .categories = {"ukendt", "på sporet", "i risiko", "ikke på sporet", "bevæger sig væk"},
    .compared_mean = "12 mdr. gns.", .compared_with = "sammenlignet med basisår",
    .published = "Offentliggjort", .published_figures = "Offentliggjorte tal", .pejl_figure = "pejl", .difference = "Forskel",
    .decimal = ',',
    .illustrative = "Illustrative tal — ikke officiel statistik", .as_at = "status pr.",
    .sources = "Kilder", .data_to_cap = "Data til og med",
};

static const struct words english = {
    .pejlemaerke = "Pejlemærke", .observed = "Observed", .provisional = "Provisional",
    .target_path = "Target path to", .projection = "Projection (trend)", .target = "Target",
    .in_year = "in", .baseline = "Baseline", .level_of = "Level of", .top = "Top",
    .warning = "Warning", .critical = "Critical", .source = "Source", .data_to = "data to",
    .collected = "collected", .status = "Status", .years_ahead = "years ahead of the path",
    .years_behind = "years behind the path", .only_one = "Only one observation",
    .trend_up = "trend up", .trend_down = "trend down", .no_data = "no data yet",
    .indicator = "Indicator", .latest = "Latest", .path_value = "Path value", .gap = "Gap",
    .progress = "Progress", .time_distance = "Time distance", .alert = "Alert",
    .last_collected = "Last collected", .period = "period", .value = "value", .vintage = "vintage",
    .stale = "stale",
    .not_shown = "Not shown", .of = "of", .at_most = "at most", .left_lines = "series",
    .left_curves = "target paths, marks and projections",
    .left_rules = "baselines, levels and thresholds",
    .periods_before = "periods before", .journal_only = "(in the journal and the data file only)",
    .categories = {"unknown", "on track", "at risk", "off track", "moving away"},
    .compared_mean = "12-mo mean", .compared_with = "compared with the baseline",
    .published = "Published", .published_figures = "Published figures", .pejl_figure = "pejl", .difference = "Difference",
    .decimal = '.',
    .illustrative = "Illustrative data — not official statistics", .as_at = "status as at",
    .sources = "Sources", .data_to_cap = "Data to",
};

const struct words *words_for(enum language language)
{
    return language == LANGUAGE_EN ? &english : &danish;
}

void words_number(const struct words *w, double v, int digits, char *buf, size_t size)
{
    number_format_grouped(w == &english ? LANGUAGE_EN : LANGUAGE_DA, v, digits, buf, size);
}
