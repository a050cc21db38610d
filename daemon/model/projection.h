/*
 * projection.h — the projection of a series to its target year with its
 * uncertainty: the same least-squares trend as evaluate_projection_at()
 * (log-linear, or linear when a value is not positive), an 80 % prediction
 * band from the fit's residuals (Student's t with n - 2 degrees of
 * freedom, widened for the distance from the fitted years) and the
 * probability that the value at that year reaches the target if the trend
 * holds. The graph and the report show these same figures. Pure: no I/O.
 */
#ifndef PEJL_PROJECTION_H
#define PEJL_PROJECTION_H

#include <stdbool.h>
#include <stddef.h>

#include "number_format.h"

/* The band's coverage: 80 % (10 % of the outcomes below it, 10 % above). */
#define PROJECTION_LEVEL 0.80

struct projection {
    double centre;      /* the fitted trend at `when` (NAN: fewer than two points) */
    double low, high;   /* the band at `when`; NAN with fewer than three points */
    double probability; /* P(value at `when` reaches the target), 0..1; NAN as low/high */
    bool linear;        /* a value was not positive: a linear fit */
};

/* The fit over (years[i], values[i]), i < n, at fractional year `when`:
 * the band at `level` (0..1) and the probability of a value at least
 * `target` (`direction` +1), or at most it (-1). */
void projection_fit(const double *years, const double *values, size_t n, double when, double level,
                    double target, int direction, struct projection *out);
/* The band's edges at fractional year `when` as the same fit gives them,
 * for drawing the band over time: NAN as above. */
void projection_band_at(const double *years, const double *values, size_t n, double when,
                        double level, double *low, double *high);

/* Student's t distribution with `df` degrees of freedom: P(T <= x), and
 * the x with P(T <= x) = p. Exported for the tests. */
/* The probability of reaching a target as people read it: a whole per
 * cent ("3 %", "3%"), but "under 1 %" / "over 99 %" rather than a 0 or 100
 * the fit cannot promise. */
void projection_chance_text(enum language language, double probability, char *buf, size_t size);
double projection_t_cdf(double x, double df);
double projection_t_quantile(double p, double df);

#endif
