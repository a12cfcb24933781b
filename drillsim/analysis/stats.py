"""Statistics over replications: medians, 90th percentiles and shares with confidence intervals.

Quantile intervals are distribution-free (order statistics whose ranks come from the binomial
distribution, exact up to 5,000 replications); mean intervals use
Student's t with its exact quantile (incomplete beta function, inverted numerically), so they are
honest even for n = 2 or 3; shares use the Wilson score interval, which behaves at 0% and 100%
where the normal interval does not.
Differences between variants are paired by replication: under common random numbers replication
``i`` of two variants shares its random streams, so the paired interval is much narrower. A
difference in time uses the paired t interval; a difference in a hit rate (a 0/1 outcome) uses
Tango's score interval, which stays honest when nearly every pair agrees (see
``paired_share_difference``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist

LEVEL = 0.95
_Z = NormalDist().inv_cdf(0.5 + LEVEL / 2)


@dataclass(frozen=True, slots=True)
class Interval:
    """A confidence interval (None bounds where the data cannot say, e.g. beyond the horizon)."""

    low: float | None
    high: float | None

    @property
    def width(self) -> float:
        """High minus low (inf when a bound is unknown)."""
        if self.low is None or self.high is None:
            return math.inf
        return self.high - self.low


@dataclass(frozen=True, slots=True)
class TimeStats:
    """A time over replications; ``None`` values (never reached) count as later than any time.

    Attributes:
        n: Replications.
        reached: Replications where the event happened.
        mean: Mean over the replications where it happened (None if none).
        median: Median over all replications (None when half or more never reached it: the
            interpolated median then involves an infinite time).
        p90: 90th percentile over all (None when 10% or more never reached it).
    """

    n: int
    reached: int
    mean: float | None
    mean_ci: Interval
    median: float | None
    median_ci: Interval
    p90: float | None
    p90_ci: Interval
    minimum: float | None
    maximum: float | None


@dataclass(frozen=True, slots=True)
class ShareStats:
    """How often something happened (an objective met), with its Wilson interval."""

    n: int
    successes: int
    share: float
    ci: Interval


@dataclass(frozen=True, slots=True)
class Difference:
    """Paired difference B - A over replications, with its interval and whether it is significant
    (the interval excludes 0)."""

    n: int
    mean: float
    ci: Interval
    significant: bool


def _t_outside_inside(t: float, df: float) -> tuple[float, float]:
    """``(P(|T| > t), P(|T| <= t))`` for Student's t with ``df`` degrees of freedom, both accurate.

    P(|T| > t) is the regularized incomplete beta I_x(df/2, 1/2) with x = df/(df+t^2). It is
    evaluated by Numerical Recipes' continued fraction (``betacf``) on whichever side of
    I_x(a, b) = 1 - I_{1-x}(b, a) converges fast, and the other probability is the complement, so
    the smaller of the two never comes from a subtraction.
    """
    a, b = df / 2, 0.5
    x, y = df / (df + t * t), t * t / (df + t * t)  # y = 1 - x without cancellation
    if y == 0.0:
        return 1.0, 0.0
    if x == 0.0:
        return 0.0, 1.0
    log_x = -math.log1p(t * t / df)
    front = math.exp(_log_gamma_half_ratio(a) - math.lgamma(b) + a * log_x + b * math.log(y))
    if x < (a + 1) / (a + b + 2):
        outside = front * _betacf(a, b, x) / a
        return outside, 1.0 - outside
    inside = front * _betacf(b, a, y) / b
    return 1.0 - inside, inside


def _log_gamma_half_ratio(a: float) -> float:
    """``log(Gamma(a + 1/2) / Gamma(a))``; for large ``a`` by its asymptotic series, since the
    difference of two lgamma values of size a*log(a) would lose about log10(a) digits."""
    if a < 20:
        return math.lgamma(a + 0.5) - math.lgamma(a)
    return (
        0.5 * math.log(a) - 1 / (8 * a) + 1 / (192 * a**3) - 1 / (640 * a**5) + 17 / (14336 * a**7)
    )


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta function (modified Lentz, Numerical Recipes)."""
    tiny, eps = 1e-300, 1e-16
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 100_000):
        for aa in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + aa * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + aa / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < eps:
            break
    return h


@lru_cache(maxsize=1024)
def t_quantile(df: int, level: float = LEVEL) -> float:
    """Two-sided quantile of Student's t with ``df`` degrees of freedom: P(|T| <= t) = level.

    Exact (about 1e-12 relative) for every df >= 1 and level in (0, 1): closed forms for df 1 and
    2, a four-term expansion for df >= 10,000, otherwise the t distribution (an incomplete beta
    function) inverted by safeguarded Newton.
    Small df matter here: 2 or 3 replications give df 1 or 2, where the 95% quantile is 12.7 or 4.3.
    """
    if df <= 0:
        return math.inf
    alpha = 1.0 - level  # exact in floating point for level >= 0.5
    if df == 1:  # Cauchy: tan(pi * level / 2), written so that level near 1 keeps its digits
        return math.tan(math.pi * level / 2) if level < 0.5 else 1 / math.tan(math.pi * alpha / 2)
    if df == 2:  # P(|T| <= t) = t / sqrt(2 + t^2)
        return math.sqrt(2 * level * level / ((1 - level) * (1 + level)))
    if df >= 10_000 and level >= 0.001:
        # Cornish-Fisher expansion in 1/df (Abramowitz & Stegun 26.7.5): its first omitted term is
        # below 1e-13 of t here, where the incomplete beta's continued fraction is slow and noisy.
        normal = NormalDist()
        z = -normal.inv_cdf(alpha / 2) if level >= 0.5 else normal.inv_cdf(0.5 + level / 2)
        g1 = (z**3 + z) / 4
        g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
        g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
        g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
        return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df
    # Newton on the log of the smaller probability (outside for level >= 0.5, else inside), which is
    # smooth and near-linear in t; a bracket [lo, hi] falls back to bisection if a step overshoots.
    use_inside = level < 0.5
    target = math.log(level if use_inside else alpha)
    log_norm = _log_gamma_half_ratio(df / 2) - 0.5 * math.log(df * math.pi)
    lo, hi = 0.0, math.inf
    t = NormalDist().inv_cdf(0.5 + level / 2 if use_inside else 1 - alpha / 2)
    for _ in range(200):
        outside, inside = _t_outside_inside(t, df)
        if (inside < level) if use_inside else (outside > alpha):  # t is still too small
            lo = t
        else:
            hi = t
        prob = inside if use_inside else outside
        new = math.nan
        if prob > 0.0:
            pdf = math.exp(log_norm - (df + 1) / 2 * math.log1p(t * t / df))
            slope = 2 * pdf / prob * (1 if use_inside else -1)  # d/dt log prob
            new = t - (math.log(prob) - target) / slope
            if abs(new - t) <= 1e-13 * t:  # Newton converges quadratically: new is as good as any
                return new
        if not lo < new < hi:  # also catches nan
            new = (lo + hi) / 2 if math.isfinite(hi) else 2 * t
        if hi - lo <= 1e-13 * hi < math.inf:  # bracketed as tightly as the tail can be evaluated
            return new
        t = new
    return t


EXACT_ORDER_N = 5_000
"""Up to this many replications the quantile interval's ranks come from the binomial itself."""


@lru_cache(maxsize=256)
def _order_ranks(n: int, p: float, level: float = LEVEL) -> tuple[int | None, int | None]:
    """0-based ranks of the order statistics bounding the p-quantile (None: beyond the sample).

    With B ~ Binomial(n, p) the number of values below the true quantile, the lower bound is the
    largest rank l with P(B <= l) <= (1 - level) / 2 and the upper the smallest u with
    P(B <= u) >= 1 - (1 - level) / 2, so P(l < B <= u) >= level (Conover's distribution-free
    interval). When even the extreme value is not far enough out, the bound is unknown: with 5
    replications the 90th percentile's upper bound lies beyond the largest value seen.
    """
    tail = (1 - level) / 2
    lo: int | None
    hi: int | None
    if n > EXACT_ORDER_N:  # normal approximation, continuity-corrected; binomial sums get slow
        half = NormalDist().inv_cdf(1 - tail) * math.sqrt(n * p * (1 - p))
        lo, hi = math.floor(n * p - half - 0.5), math.ceil(n * p + half + 0.5)
        return (lo if lo >= 0 else None), (hi if hi <= n - 1 else None)
    log_p, log_q = math.log(p), math.log1p(-p)
    cdf, lo, hi = 0.0, None, None
    for k in range(n + 1):
        log_choose = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
        cdf += math.exp(log_choose + k * log_p + (n - k) * log_q)
        if cdf <= tail:
            lo = k
        if cdf >= 1 - tail:
            hi = k
            break
    return lo, (hi if hi is not None and hi <= n - 1 else None)


def _order_ci(sorted_vals: Sequence[float], p: float) -> Interval:
    """Distribution-free interval of the p-quantile between two order statistics of the sample."""
    lo, hi = _order_ranks(len(sorted_vals), p)
    low = None if lo is None else sorted_vals[lo]
    high = None if hi is None else sorted_vals[hi]
    return Interval(
        None if low is None or math.isinf(low) else low,
        None if high is None or math.isinf(high) else high,
    )


def quantile(sorted_vals: Sequence[float], p: float) -> float:
    """Linear-interpolated quantile (NumPy's default) of sorted values; inf propagates."""
    if not sorted_vals:
        return math.nan
    pos = (len(sorted_vals) - 1) * p
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_vals) - 1)
    a, b = sorted_vals[lo], sorted_vals[hi]
    if math.isinf(a) or math.isinf(b):
        return b if pos > lo else a
    return a + (b - a) * (pos - lo)


def _finite(x: float) -> float | None:
    return None if math.isinf(x) or math.isnan(x) else x


def time_stats(values: Sequence[float | None]) -> TimeStats:
    """Mean, median and 90th percentile of a time with intervals."""
    n = len(values)
    reached = sorted(v for v in values if v is not None)
    allv = reached + [math.inf] * (n - len(reached))
    if not reached:
        none = Interval(None, None)
        return TimeStats(n, 0, None, none, None, none, None, none, None, None)
    mean = sum(reached) / len(reached)
    if len(reached) > 1:
        sd = math.sqrt(sum((v - mean) ** 2 for v in reached) / (len(reached) - 1))
        half = t_quantile(len(reached) - 1) * sd / math.sqrt(len(reached))
        mean_ci = Interval(mean - half, mean + half)
    else:
        mean_ci = Interval(None, None)
    return TimeStats(
        n,
        len(reached),
        mean,
        mean_ci,
        _finite(quantile(allv, 0.5)),
        _order_ci(allv, 0.5),
        _finite(quantile(allv, 0.9)),
        _order_ci(allv, 0.9),
        reached[0],
        reached[-1],
    )


def share_stats(successes: int, n: int) -> ShareStats:
    """Share with the Wilson score interval."""
    if n == 0:
        return ShareStats(0, 0, math.nan, Interval(None, None))
    p = successes / n
    denom = 1 + _Z**2 / n
    centre = (p + _Z**2 / (2 * n)) / denom
    half = _Z * math.sqrt(p * (1 - p) / n + _Z**2 / (4 * n * n)) / denom
    # At 0 and n the bound is exactly 0 or 1 (centre and half cancel; rounding could leave 1e-17).
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return ShareStats(n, successes, p, Interval(low, high))


def paired_difference(a: Sequence[float], b: Sequence[float]) -> Difference:
    """Mean of ``b[i] - a[i]`` with a t interval; significant when the interval excludes 0.

    For times. A 0/1 outcome (a hit rate) takes ``paired_share_difference``: on 0/+-1 differences
    this interval is [0, 0] whenever no pair changed outcome.
    """
    if len(a) != len(b):
        raise ValueError("paired samples differ in length")
    d = [y - x for x, y in zip(a, b)]
    n = len(d)
    if n == 0:
        return Difference(0, math.nan, Interval(None, None), False)
    mean = sum(d) / n
    if n < 2:
        return Difference(n, mean, Interval(None, None), False)
    sd = math.sqrt(sum((x - mean) ** 2 for x in d) / (n - 1))
    half = t_quantile(n - 1) * sd / math.sqrt(n)
    ci = Interval(mean - half, mean + half)
    significant = sd > 0 and (ci.low > 0 or ci.high < 0)  # type: ignore[operator]
    if sd == 0 and mean != 0:
        significant = True  # every replication moved the same way by the same amount
    return Difference(n, mean, ci, significant)


def _tango_lower(gained: int, lost: int, n: int, z: float) -> float:
    """Lower bound of Tango's score interval for (gained - lost) / n, by bisection.

    The score statistic for H0: difference = d is
    T(d) = (gained - lost - n d) / sqrt(n (2 q + d (1 - d))), where q is the maximum-likelihood
    probability of a "lost" pair under H0, the root of 2n q^2 + W q - lost d (1 - d) = 0 with
    W = -gained - lost + (2n - gained + lost) d (Tango 1998). Below the estimate the
    numerator is positive; the bound is where it falls to z standard errors. At d = -1 the
    variance is 0 and the numerator n + gained - lost > 0 unless every pair was lost.
    """
    if lost == n:
        return -1.0
    lo, hi = -1.0, (gained - lost) / n
    for _ in range(200):
        mid = (lo + hi) / 2
        if not lo < mid < hi:
            break
        w = -gained - lost + (2 * n - gained + lost) * mid
        k = lost * mid * (1 - mid)
        root = math.sqrt(max(w * w + 8 * n * k, 0.0))
        # The two forms of the same root; each avoids cancellation on its side of W = 0.
        q = 2 * k / (w + root) if w > 0 else (root - w) / (4 * n)
        se = math.sqrt(max(n * (2 * q + mid * (1 - mid)), 0.0))
        if gained - lost - n * mid > z * se:
            lo = mid
        else:
            hi = mid
    return hi


def tango_interval(gained: int, lost: int, n: int, level: float = LEVEL) -> Interval:
    """Tango's score interval for a difference of paired proportions, from the 2x2 counts.

    ``gained``: pairs where B succeeds and A fails; ``lost``: A succeeds and B fails; ``n``: all
    pairs (the concordant ones, both or neither, are ``n - gained - lost``). The difference is
    (gained - lost) / n. The interval is the set of differences d that the score test of
    H0: B - A = d does not reject (Tango T., "Equivalence test and confidence interval for the
    difference in proportions for the paired-sample design", Statistics in Medicine 17:891-908,
    1998); at d = 0 that test is McNemar's, so the interval excludes 0 exactly when
    |gained - lost| / sqrt(gained + lost) > z.

    Unlike the t interval on 0/+-1 differences, it is never a single point: with every pair
    concordant it is +-z^2 / (n + z^2) (as far as a difference could still be), and it stays within
    [-1, 1]. Newcombe's hybrid score interval (method 10 of Newcombe, Statistics in Medicine
    17:2635-2650, 1998), the other interval Fagerland, Lydersen & Laake (Statistics in Medicine
    33:2850-2875, 2014) weigh up, collapses when the correlation is near 1 and both shares are near
    1/2, which is common random numbers' usual case: it covered 68-84% at n = 20-30 there, Tango's
    over 99% (docs/mechanisms.md, section 10).
    """
    if not (0 <= gained and 0 <= lost and gained + lost <= n):
        raise ValueError(f"paired counts gained={gained}, lost={lost} do not fit n={n}")
    if n == 0:
        return Interval(None, None)
    z = NormalDist().inv_cdf(0.5 + level / 2)
    # The upper bound is the lower bound of the mirrored table (A and B swapped), negated, so
    # swapping the variants negates the interval exactly.
    return Interval(_tango_lower(gained, lost, n, z), -_tango_lower(lost, gained, n, z))


def paired_share_difference(
    a: Sequence[float | bool], b: Sequence[float | bool], level: float = LEVEL
) -> Difference:
    """Difference in hit rate B - A of paired 0/1 outcomes (replication i of A with i of B).

    The mean is (gained - lost) / n, the interval Tango's score interval (``tango_interval``),
    significant when it excludes 0. Use it for every 0/1 outcome (objective met, never reached);
    ``paired_difference`` stays for times.
    """
    if len(a) != len(b):
        raise ValueError("paired samples differ in length")
    if any(x not in (0, 1) for x in (*a, *b)):
        raise ValueError("paired shares need 0/1 outcomes")
    n = len(a)
    if n == 0:
        return Difference(0, math.nan, Interval(None, None), False)
    gained = sum(1 for x, y in zip(a, b) if y and not x)
    lost = sum(1 for x, y in zip(a, b) if x and not y)
    ci = tango_interval(gained, lost, n, level)
    return Difference(n, (gained - lost) / n, ci, ci.low > 0 or ci.high < 0)  # type: ignore[operator]
