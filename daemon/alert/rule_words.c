/*
 * rule_words.c — the Danish of alerts and notifications (see rule_words.h).
 */
#include "rule_words.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timestamp.h"

/* English, Danish. Keys are whole sentences or clauses as rule.c, notice.c
 * and notifier.c write them, so that Danish word order is free. */
static const struct rule_phrase phrases[] = {
    /* rule.c: descriptions */
    {" No figure has been stored yet.", " Der er endnu ikke gemt noget tal."},
    {" Latest: %s = %s%s%s%s", " Seneste: %s = %s%s%s%s"},
    {" Target: %s %s in %d, on a constant-growth path from %s in %s.",
     " Mål: %s %s i %d ad en sti med konstant vækst fra %s i %s."},
    {" Target: %s %s in %d, on a linear path from %s in %s.",
     " Mål: %s %s i %d ad en lineær sti fra %s i %s."},
    {" Target: above the %s level in %d.", " Mål: over niveauet i %s i %d."},
    {" Target: top %d of the panel in %d.", " Mål: top %d i panelet i %d."},
    {" Target: a trend up.", " Mål: en stigende trend."},
    {" Target: a trend down.", " Mål: en faldende trend."},
    {" Source: %s", " Kilde: %s"},
    {" (illustrative data, not official statistics)",
     " (illustrative tal, ikke officiel statistik)"},
    {", last collected %s", ", sidst hentet %s"},
    {" Thresholds: warning %s, critical %s.", " Tærskler: advarsel %s, kritisk %s."},
    {"none", "ingen"}, /* a threshold not set (range_format) */
    {", unchanged since %s", ", uændret siden %s"},
    {", was %s in %s", ", var %s i %s"},
    {" Growth over the last %d years: %s %%/yr; required for the target: %s %%/yr (ratio %s: %s).",
     " Vækst over de seneste %d år: %s %%/år; krævet for målet: %s %%/år (forhold %s: %s)."},
    {" Still required from the latest value: %s %%/yr.",
     " Stadig krævet fra den seneste værdi: %s %%/år."},
    {" Path value %s (gap %s %%).", " Stiens værdi %s (afvigelse %s %%)."},
    {" Time distance: %s years ahead of the path.", " Tidsafstand: %s år foran stien."},
    {" Time distance: %s years behind the path.", " Tidsafstand: %s år bag stien."},
    {" Projection for %d: %s (%s %% against the target).",
     " Fremskrivning for %d: %s (%s %% i forhold til målet)."},
    {" Growth over the last %d years: %s %%/yr (%s).",
     " Vækst over de seneste %d år: %s %%/år (%s)."},
    {" 12-month mean %s (%s to %s) against the baseline %s: %s %% (%s).",
     " 12-måneders gennemsnit %s (%s til %s) mod basisniveauet %s: %s %% (%s)."},
    {" Level %s against the baseline %s: %s %% (%s).",
     " Niveau %s mod basisniveauet %s: %s %% (%s)."},
    {" Rank %s in %s%s (%s).", " Placering %s i %s%s (%s)."},
    {" The target year has passed: this is the final assessment.",
     " Målåret er passeret: dette er den endelige vurdering."},
    {" Note: %s.", " Bemærk: %s."},
    {" A newer period should have been published by now: check the source and the collector's log.",
     " En nyere periode burde være offentliggjort nu: tjek kilden og collectorens log."},
    {" Stored data are kept while collections fail.",
     " Gemte data bevares, mens indsamlinger mislykkes."},
    {" The source updated a figure it had marked provisional (provisional = true).",
     " Kilden opdaterede et tal, den havde markeret som foreløbigt (provisional = true)."},
    {" The source published a changed figure; the journal keeps both.",
     " Kilden offentliggjorde et ændret tal; journalen gemmer begge."},
    {" %s: published %s, pejl has no figure.", " %s: offentliggjort %s, pejl har intet tal."},
    {" %s: published %s, pejl %s (%s %%).", " %s: offentliggjort %s, pejl %s (%s %%)."},
    {" The source's basket or codes in the config do not reproduce the official figure for %s: "
     "check them against the publisher's definition.",
     " Kildens kurv eller koder i konfigurationen genskaber ikke det officielle tal for %s: "
     "tjek dem mod udgiverens definition."},
    /* rule.c: summaries */
    {"%s: progress unknown: %s", "%s: fremdrift ukendt: %s"},
    {"%s %s: %s years ahead of the path to %s %s (%d)", "%s %s: %s år foran stien mod %s %s (%d)"},
    {"%s %s: %s years behind the path to %s %s (%d)", "%s %s: %s år bag stien mod %s %s (%d)"},
    {"%s %s: growth %s %%/yr against %s %%/yr required for %s %s (%d)",
     "%s %s: vækst %s %%/år mod %s %%/år krævet for %s %s (%d)"},
    {"%s %s: %s %%/yr over %d years (trend up)", "%s %s: %s %%/år over %d år (stigende trend)"},
    {"%s %s: %s %%/yr over %d years (trend down)", "%s %s: %s %%/år over %d år (faldende trend)"},
    {"%s %s: %s %% against the baseline level (above it in %d)",
     "%s %s: %s %% mod basisniveauet (over det i %d)"},
    {"%s %s: rank %s%s (target top %d in %d)", "%s %s: placering %s%s (mål top %d i %d)"},
    {"%s: %s unknown: %s", "%s: %s ukendt: %s"},
    {"%s: %s %% below the path to %s %s (%d)", "%s: %s %% under stien mod %s %s (%d)"},
    {"%s: %s %% above the path to %s %s (%d)", "%s: %s %% over stien mod %s %s (%d)"},
    {"%s: projected %s %s in %d, %s %% short of the target of %s",
     "%s: fremskrevet %s %s i %d, %s %% under målet på %s"},
    {"%s: projected %s %s in %d, %s %% above the target of %s",
     "%s: fremskrevet %s %s i %d, %s %% over målet på %s"},
    {"%s: %s %% below the baseline level", "%s: %s %% under basisniveauet"},
    {"%s: %s %% above the baseline level", "%s: %s %% over basisniveauet"},
    {"%s: rank %s%s (target top %d in %d)", "%s: placering %s%s (mål top %d i %d)"},
    {"%s: no figure yet", "%s: intet tal endnu"},
    {"%s: %s %s in %s", "%s: %s %s i %s"},
    {"%s: no figure yet, so no age", "%s: intet tal endnu, så ingen alder"},
    {"%s: newest figure is for %s, %s days after the period ended (expected within %lld)",
     "%s: nyeste tal er for %s, %s dage efter periodens slutning (ventet inden for %lld)"},
    {"%s: the last collection succeeded", "%s: den seneste indsamling lykkedes"},
    {"%s: %u collection in a row failed: %s", "%s: %u indsamling i træk mislykkedes: %s"},
    {"%s: %u collections in a row failed: %s", "%s: %u indsamlinger i træk mislykkedes: %s"},
    {"%s: %s of %s updated from %s to %s (%s %%, provisional)",
     "%s: %s af %s opdateret fra %s til %s (%s %%, foreløbigt)"},
    {"%s: the last collection revised nothing", "%s: den seneste indsamling reviderede intet"},
    {"%s: %s of %s revised from %s to %s (%s %%)", "%s: %s af %s revideret fra %s til %s (%s %%)"},
    {"%s: pejl has no figure yet for any of its %zu published period",
     "%s: pejl har endnu intet tal for sin %zu offentliggjorte periode"},
    {"%s: pejl has no figure yet for any of its %zu published periods",
     "%s: pejl har endnu intet tal for nogen af sine %zu offentliggjorte perioder"},
    {"%s: pejl's %s figure %s %s matches the published one (%s)",
     "%s: pejls tal for %s, %s %s, stemmer med det offentliggjorte (%s)"},
    {"%s: pejl's %s figure %s %s is %s %% below the published %s%s (%s)",
     "%s: pejls tal for %s, %s %s, er %s %% under det offentliggjorte %s%s (%s)"},
    {"%s: pejl's %s figure %s %s is %s %% above the published %s%s (%s)",
     "%s: pejls tal for %s, %s %s, er %s %% over det offentliggjorte %s%s (%s)"},
    {": the basket or codes do not reproduce the official figure",
     ": kurven eller koderne genskaber ikke det officielle tal"},
    /* evaluate.c's notes (evaluation.why) */
    {"no usable data", "ingen brugbare data"},
    {"no data", "ingen data"},
    {"values that are not positive: linear trend instead of log-linear",
     "værdier, der ikke er positive: lineær trend i stedet for log-lineær"},
    {"the baseline period has no value (yet)", "basisperioden har (endnu) ingen værdi"},
    {"the baseline period is after the latest figure: the path starts later",
     "basisperioden ligger efter det seneste tal: stien begynder senere"},
    {"too few observations for the assessment window", "for få observationer i vurderingsvinduet"},
    {"growth is undefined for values that are not positive",
     "vækst er udefineret for værdier, der ikke er positive"},
    {"final: the target year's figure meets the target", "endelig: målårets tal når målet"},
    {"final: the target year's figure misses the target", "endelig: målårets tal når ikke målet"},
    /* states, as a notice names them */
    {"WARNING", "ADVARSEL"},
    {"CRITICAL", "KRITISK"},
    {"UNKNOWN", "UKENDT"},
    {"RESOLVED", "LØST"},
    /* notice.c: the e-mail */
    {"Indicator:", "Indikator:"},
    {"Pejlemærke:", "Pejlemærke:"}, /* the strategy's own word, in both */
    {"Rule:", "Regel:"},
    {"State:", "Tilstand:"},
    {"Latest:", "Seneste:"},
    {"Target:", "Mål:"},
    {"Source:", "Kilde:"},
    {"Graph:", "Graf:"},
    {"attached", "vedhæftet"},
    {"%s, target %s", "%s, mål %s"},
    {"%s since %s, firing since %s", "%s siden %s, aktiv siden %s"},
    {"resolved since %s", "løst siden %s"},
    {"Fingerprint %s.", "Fingeraftryk %s."},
    {"%zu alerts, grouped by their route:", "%zu alarmer, samlet efter deres rute:"},
    {"-- %zu of %zu --", "-- %zu af %zu --"},
    /* notifier.c: the facts of a notice */
    {"%s %s in %d (from %s)", "%s %s i %d (fra %s)"},
    {"above the %s level in %d", "over niveauet i %s i %d"},
    {"top %d of the panel in %d", "top %d i panelet i %d"},
    {"a trend up", "en stigende trend"},
    {"a trend down", "en faldende trend"},
};

const char *rule_words_text(enum language language, const char *english)
{
    if (language == LANGUAGE_EN || !english)
        return english;
    for (size_t i = 0; i < sizeof phrases / sizeof *phrases; i++)
        if (phrases[i].english[0] == english[0] && strcmp(phrases[i].english, english) == 0)
            return phrases[i].danish;
    return english;
}

const char *rule_words(enum language language, const char *english)
{
    return rule_words_text(language, english);
}

const struct rule_phrase *rule_words_table(size_t *count)
{
    *count = sizeof phrases / sizeof *phrases;
    return phrases;
}

const char *rule_words_number(enum language language, double v, char *buf, size_t size)
{
    if (language == LANGUAGE_EN) {
        if (isnan(v))
            snprintf(buf, size, "-");
        else if (fabs(v) >= 1e4)
            snprintf(buf, size, "%.0f", v);
        else
            snprintf(buf, size, "%.4g", v);
        return buf;
    }
    if (!isfinite(v) || fabs(v) >= 1e4) {
        number_format_grouped(language, v, 0, buf, size);
        return buf;
    }
    char four[32]; /* four significant digits, as English has them */
    snprintf(four, sizeof four, "%.4g", v);
    double w = strtod(four, NULL);
    number_format_grouped(language, w, number_format_step_decimals(fabs(w)), buf, size);
    return buf;
}

const char *rule_words_fixed(enum language language, double v, int decimals, bool plus, char *buf,
                             size_t size)
{
    if (language == LANGUAGE_EN)
        snprintf(buf, size, plus ? "%+.*f" : "%.*f", decimals, v);
    else
        number_format(language, v, decimals,
                      NUMBER_FORMAT_GROUPED | (plus ? NUMBER_FORMAT_PLUS : 0), buf, size);
    return buf;
}

const char *rule_words_moment(enum language language, int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char date[48];
    if (language == LANGUAGE_EN || !gmtime_r(&tt, &tm) ||
        number_format_date(language, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, date,
                           sizeof date) < 0) {
        timestamp_format(t, buf, size);
        return buf;
    }
    snprintf(buf, size, "%s kl. %02d.%02d UTC", date, tm.tm_hour, tm.tm_min);
    return buf;
}
