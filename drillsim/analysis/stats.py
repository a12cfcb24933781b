"""Statistics over replications: medians, 90th percentiles and shares with confidence intervals.

Quantile intervals are distribution-free (binomial order statistics); mean intervals use
Student's t (Cornish-Fisher approximation of its quantile, exact enough for n >= 5); shares use
the Wilson score interval, which behaves at 0% and 100% where the normal interval does not.
Differences between variants are paired by replication: under common random numbers replication
``i`` of two variants shares its random streams, so the paired interval is much narrower.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
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
        median: Median over all replications (None when over half never reached it).
        p90: 90th percentile over all (None when over 10% never reached it).
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
    """Paired difference B - A over replications, with its interval and whether it is significant."""

    n: int
    mean: float
    ci: Interval
    significant: bool


def t_quantile(df: int, level: float = LEVEL) -> float:
    """Two-sided Student t quantile (Cornish-Fisher expansion in 1/df)."""
    z = NormalDist().inv_cdf(0.5 + level / 2)
    if df <= 0:
        return math.inf
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    return z + g1 / df + g2 / df**2 + g3 / df**3


def _order_ci(sorted_vals: Sequence[float], p: float) -> Interval:
    n = len(sorted_vals)
    half = _Z * math.sqrt(n * p * (1 - p))
    lo = max(0, math.floor(n * p - half) - 1)
    hi = min(n - 1, math.ceil(n * p + half))
    low, high = sorted_vals[lo], sorted_vals[hi]
    return Interval(None if math.isinf(low) else low, None if math.isinf(high) else high)


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
    return TimeStats(n, len(reached), mean, mean_ci, _finite(quantile(allv, 0.5)), _order_ci(allv, 0.5),
                     _finite(quantile(allv, 0.9)), _order_ci(allv, 0.9), reached[0], reached[-1])


def share_stats(successes: int, n: int) -> ShareStats:
    """Share with the Wilson score interval."""
    if n == 0:
        return ShareStats(0, 0, math.nan, Interval(None, None))
    p = successes / n
    denom = 1 + _Z**2 / n
    centre = (p + _Z**2 / (2 * n)) / denom
    half = _Z * math.sqrt(p * (1 - p) / n + _Z**2 / (4 * n * n)) / denom
    return ShareStats(n, successes, p, Interval(max(0.0, centre - half), min(1.0, centre + half)))


def paired_difference(a: Sequence[float], b: Sequence[float]) -> Difference:
    """Mean of ``b[i] - a[i]`` with a t interval; significant when the interval excludes 0."""
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
