/*
 * number_format.h — numbers as people read them, in Danish or English: on
 * graph axes, status lines, the report and e-mails alike, so that a figure
 * never appears in two conventions on one page. Pure functions, no I/O, no
 * locale (setlocale would change every printf in the daemon).
 *
 * Danish: decimal comma, '.' between thousands, "mio."/"mia.", a date as
 * "1. oktober 2025", a rank as "3.". English: decimal point, ',' between
 * thousands, "m"/"bn" (the short forms of the financial press; "6.0 m",
 * "1.2 bn"), a date as "1 October 2025", a rank as "3rd". Both languages
 * write a negative number with the real minus sign U+2212 ("−16,6"), and a
 * figure that is not a number (NaN, ±inf) as an en dash "–". Figures are
 * rounded half away from zero on their shortest decimal form, so 9.995 at
 * two decimals is "10,00" as a reader expects (printf says "9.99": the
 * double is a hair below). A result that rounds to zero has no sign.
 *
 * Every function writes a NUL-terminated text into buf and returns 0, or
 * -1 if size is 0 or the text does not fit (then buf holds "–" if that
 * fits: a cut-off figure would be a wrong one). Decimals are clamped to
 * 0..9. What is written for people only: the journal, CSV for programs
 * and the control socket keep value_format()'s exact form.
 */
#ifndef PEJL_NUMBER_FORMAT_H
#define PEJL_NUMBER_FORMAT_H

#include <stddef.h>

/* The language of graphs, reports and e-mails (`language` in the config). */
enum language { LANGUAGE_DA, LANGUAGE_EN };

/* A figure that is not a number, in any table or label: an en dash. */
#define NUMBER_FORMAT_NONE "–"

enum number_format_flags {
    NUMBER_FORMAT_GROUPED = 1, /* thousands separated: "6.044.961" / "6,044,961" */
    NUMBER_FORMAT_PLUS = 2,    /* a positive figure signed: "+2,3" (changes, gaps) */
    NUMBER_FORMAT_ASCII = 4,   /* the minus as '-' (for text a program reads back) */
};

/* The general form: `decimals` decimals, with the flags above. */
int number_format(enum language language, double v, int decimals, unsigned flags, char *buf,
                  size_t size);
/* "6,4", "−16,6", "6044961": no thousands separators. */
int number_format_fixed(enum language language, double v, int decimals, char *buf, size_t size);
/* "6.044.961", "63.000", "1.234,5": thousands separated (from four digits). */
int number_format_grouped(enum language language, double v, int decimals, char *buf, size_t size);
/* For axes and headlines: "6,0 mio." / "6.0 m" from a million, "1,2 mia." /
 * "1.2 bn" from a billion (10^9), else grouped: "70.000". `decimals` is for
 * the figure as written ("6,0" in "6,0 mio."). A figure that rounds up to
 * the next step moves there: 999.96 million at one decimal is "1,0 mia.". */
int number_format_compact(enum language language, double v, int decimals, char *buf, size_t size);
/* `percent` is already in per cent: 12.5 → "12,5 %" (Danish, a space as the
 * Danish norm has it) / "12.5%". Grouped; flags as above (PLUS for gaps). */
int number_format_percent(enum language language, double percent, int decimals, unsigned flags,
                          char *buf, size_t size);
/* A rank as an ordinal, rounded to a whole number: "3." / "3rd", "21st",
 * "12th"; "–" if it is not a finite number of at least 1 (after rounding). */
int number_format_rank(enum language language, double rank, char *buf, size_t size);
/* A formatted figure with its unit, as the report has always joined them:
 * "63.000 årsværk"; an empty or NULL unit adds nothing; English "%" goes
 * without the space ("12.5%"), Danish with it ("12,5 %"). A figure that is
 * NUMBER_FORMAT_NONE gets no unit. */
int number_format_unit(enum language language, const char *figure, const char *unit, char *buf,
                       size_t size);
/* For spreadsheets: the shortest text that reads back as the same double,
 * with the language's decimal mark and an ASCII minus, no separators:
 * "6044961", "-16,6" (Danish Excel reads it as a number); "" for NaN/inf. */
int number_format_spreadsheet(enum language language, double v, char *buf, size_t size);
/* The fewest decimals (0..9) that write every multiple of `step` exactly,
 * for an axis: 0.5 → 1, 2 → 0, 0.25 → 2, 2.5e6 shown in mio. → see compact.
 * 0 for a step that is not a positive finite number. */
int number_format_step_decimals(double step);
/* A calendar date: "1. oktober 2025" / "1 October 2025" (month 1..12,
 * day 1..31; -1 and "–" for anything else). */
int number_format_date(enum language language, int year, int month, int day, char *buf,
                       size_t size);

#endif
