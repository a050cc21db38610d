/*
 * projection.c — a trend's projection with its prediction band and the
 * probability of reaching a target (see projection.h).
 *
 * For the fit y = a + b·t over n points (y = ln value, or the value), with
 * residual standard error s = sqrt(Σ(y - ŷ)² / (n - 2)), a new value at t
 * lies in ŷ(t) ± q · s · sqrt(1 + 1/n + (t - t̄)² / Σ(tᵢ - t̄)²), q the
 * (1 + level) / 2 quantile of Student's t with n - 2 degrees of freedom;
 * a log fit's band is that interval, exponentiated. The probability of
 * reaching the target is the t distribution's mass beyond it.
 */
#include "projection.h"

#include <stdio.h>

#include <math.h>

/* The continued fraction of the incomplete beta function, by Lentz's
 * method (converges fast for x < (a + 1) / (a + b + 2)). */
static double beta_fraction(double a, double b, double x)
{
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    d = 1 / (fabs(d) < tiny ? tiny : d);
    double h = d;
    for (int m = 1; m <= 300; m++) {
        double m2 = 2.0 * m, step = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
        d = 1 + step * d;
        c = 1 + step / c;
        d = 1 / (fabs(d) < tiny ? tiny : d);
        c = fabs(c) < tiny ? tiny : c;
        h *= d * c;
        step = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
        d = 1 + step * d;
        c = 1 + step / c;
        d = 1 / (fabs(d) < tiny ? tiny : d);
        c = fabs(c) < tiny ? tiny : c;
        double delta = d * c;
        h *= delta;
        if (fabs(delta - 1) < 1e-15)
            break;
    }
    return h;
}

/* The regularized incomplete beta function I_x(a, b). */
static double incomplete_beta(double a, double b, double x)
{
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    double front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
    return x < (a + 1) / (a + b + 2) ? front * beta_fraction(a, b, x) / a
                                     : 1 - front * beta_fraction(b, a, 1 - x) / b;
}

/* Student's t distribution function by the incomplete beta function:
 * P(T > |x|) = I_{df/(df+x²)}(df/2, 1/2) / 2. */
double projection_t_cdf(double x, double df)
{
    if (isnan(x) || !(df > 0))
        return NAN;
    if (isinf(x))
        return x > 0 ? 1 : 0;
    double tail = incomplete_beta(df / 2, 0.5, df / (df + x * x)) / 2;
    return x >= 0 ? 1 - tail : tail;
}

/* By bisection on the distribution function; the last answer is kept, as
 * a graph's band asks for the same quantile at each of its points. */
double projection_t_quantile(double p, double df)
{
    static double last_p = NAN, last_df = NAN, last_q = NAN;
    if (!(p > 0 && p < 1) || !(df > 0))
        return NAN;
    if (p == last_p && df == last_df)
        return last_q;
    double lo = -1e3, hi = 1e3;
    for (int i = 0; i < 100; i++) {
        double mid = (lo + hi) / 2;
        if (projection_t_cdf(mid, df) < p)
            lo = mid;
        else
            hi = mid;
    }
    last_p = p, last_df = df, last_q = (lo + hi) / 2;
    return last_q;
}

struct fit {
    double a, b, s, mean_t, sxx;
    size_t n;
    bool linear;
};

/* Least squares over the points; false with fewer than two, or all at one time. */
static bool fit_points(const double *years, const double *values, size_t n, struct fit *f)
{
    double st = 0, sy = 0;
    *f = (struct fit){.n = n};
    for (size_t i = 0; i < n; i++)
        f->linear |= !(values[i] > 0);
    if (n < 2)
        return false;
    for (size_t i = 0; i < n; i++)
        st += years[i], sy += f->linear ? values[i] : log(values[i]);
    f->mean_t = st / (double)n;
    double sxy = 0, mean_y = sy / (double)n;
    for (size_t i = 0; i < n; i++) {
        double dt = years[i] - f->mean_t, y = f->linear ? values[i] : log(values[i]);
        f->sxx += dt * dt, sxy += dt * (y - mean_y);
    }
    if (f->sxx == 0)
        return false;
    f->b = sxy / f->sxx;
    f->a = mean_y - f->b * f->mean_t;
    double rss = 0;
    for (size_t i = 0; i < n; i++) {
        double y = f->linear ? values[i] : log(values[i]), r = y - (f->a + f->b * years[i]);
        rss += r * r;
    }
    f->s = n > 2 ? sqrt(rss / (double)(n - 2)) : NAN;
    return true;
}

/* The standard error of a new value at `when`, on the fit's scale. */
static double prediction_se(const struct fit *f, double when)
{
    double dt = when - f->mean_t;
    return f->s * sqrt(1 + 1 / (double)f->n + dt * dt / f->sxx);
}

static double unscaled(const struct fit *f, double y)
{
    return f->linear ? y : exp(y);
}

static void band(const struct fit *f, double when, double level, double *low, double *high)
{
    double q = projection_t_quantile((1 + level) / 2, (double)f->n - 2);
    double y = f->a + f->b * when, se = prediction_se(f, when);
    *low = *high = NAN;
    if (f->n < 3 || isnan(q))
        return;
    *low = unscaled(f, y - q * se);
    *high = unscaled(f, y + q * se);
}

void projection_band_at(const double *years, const double *values, size_t n, double when,
                        double level, double *low, double *high)
{
    struct fit f;
    *low = *high = NAN;
    if (fit_points(years, values, n, &f))
        band(&f, when, level, low, high);
}

/* P(new value at `when` >= target), or <= for direction -1. */
static double reach_probability(const struct fit *f, double when, double target, int direction)
{
    if (f->n < 3 || (!f->linear && !(target > 0)))
        return NAN;
    double y = f->a + f->b * when, se = prediction_se(f, when);
    double goal = f->linear ? target : log(target);
    if (se == 0)
        return (direction < 0 ? y <= goal : y >= goal) ? 1 : 0;
    double below = projection_t_cdf((goal - y) / se, (double)f->n - 2);
    return direction < 0 ? below : 1 - below;
}

void projection_fit(const double *years, const double *values, size_t n, double when, double level,
                    double target, int direction, struct projection *out)
{
    struct fit f;
    *out = (struct projection){.centre = NAN, .low = NAN, .high = NAN, .probability = NAN};
    bool ok = fit_points(years, values, n, &f);
    out->linear = f.linear;
    if (!ok)
        return;
    out->centre = unscaled(&f, f.a + f.b * when);
    band(&f, when, level, &out->low, &out->high);
    out->probability = reach_probability(&f, when, target, direction);
}

void projection_chance_text(enum language language, double probability, char *buf, size_t size)
{
    bool english = language == LANGUAGE_EN;
    if (probability > 0 && probability < 0.005)
        snprintf(buf, size, "%s", english ? "below 1%" : "under 1 %");
    else if (probability < 1 && probability > 0.995)
        snprintf(buf, size, "%s", english ? "above 99%" : "over 99 %");
    else
        number_format_percent(language, probability * 100, 0, 0, buf, size);
}
