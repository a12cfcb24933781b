"""The statistics over replications agree with independently known values.

Reference numbers are hard-coded with their source (SciPy 1.17.1 unless stated otherwise); none is
recomputed here with the expression the code itself uses.
"""

from __future__ import annotations

import math
import random
from statistics import NormalDist

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drillsim.analysis.stats import (
    Interval,
    _order_ci,
    _order_ranks,
    paired_difference,
    share_stats,
    t_quantile,
    time_stats,
)

# scipy.stats.t.ppf(0.5 + level / 2, df) for level 0.95 and 0.99.
T_REFERENCE = {
    1: (12.706204736174694, 63.656741162871526),
    2: (4.302652729749462, 9.924843200918287),
    3: (3.1824463052837078, 5.840909309733355),
    5: (2.5705818356363146, 4.032142983555228),
    10: (2.228138851986274, 3.16927267261695),
    30: (2.0422724563012378, 2.7499956535672254),
    100: (1.9839715185235518, 2.6258905214380173),
    1000: (1.9623390808264083, 2.580754698065951),
}


@pytest.mark.parametrize("df", sorted(T_REFERENCE))
def test_t_quantile_matches_scipy(df: int) -> None:
    q95, q99 = T_REFERENCE[df]
    assert t_quantile(df, 0.95) == pytest.approx(q95, rel=1e-9)
    assert t_quantile(df, 0.99) == pytest.approx(q99, rel=1e-9)
    assert t_quantile(df) == t_quantile(df, 0.95)  # the default level is 95%


def test_t_quantile_matches_printed_tables() -> None:
    # Student t table (e.g. Abramowitz & Stegun, Table 26.10), two-sided 95%, three decimals.
    for df, printed in [(1, 12.706), (2, 4.303), (3, 3.182), (4, 2.776), (6, 2.447), (20, 2.086)]:
        assert abs(t_quantile(df, 0.95) - printed) < 5e-4
    assert t_quantile(0) == math.inf


def _t_two_sided_cdf(df: int, t: float) -> float:
    """P(|T| <= t) by the finite series of Abramowitz & Stegun 26.7.3 (odd df) and 26.7.4 (even df)."""
    theta = math.atan(t / math.sqrt(df))
    s, c = math.sin(theta), math.cos(theta)
    acc, term = 1.0, 1.0
    if df % 2:
        for k in range(1, (df - 3) // 2 + 1):
            term *= 2 * k / (2 * k + 1) * c * c
            acc += term
        return 2 / math.pi * (theta + (s * c * acc if df > 1 else 0.0))
    for k in range(1, (df - 2) // 2 + 1):
        term *= (2 * k - 1) / (2 * k) * c * c
        acc += term
    return s * acc


@given(st.integers(3, 9), st.floats(0.001, 0.9999))
def test_t_quantile_inverts_the_closed_form_cdf(df: int, level: float) -> None:
    t = t_quantile(df, level)
    assert _t_two_sided_cdf(df, t) == pytest.approx(level, rel=1e-9)


@given(st.integers(1, 5000), st.floats(0.5, 0.999))
def test_t_quantile_decreases_in_df_towards_the_normal_quantile(df: int, level: float) -> None:
    z = NormalDist().inv_cdf(0.5 + level / 2)
    t, t_more = t_quantile(df, level), t_quantile(2 * df, level)
    assert t_more <= t and z < t
    assert t_quantile(df, min(0.9995, level + 0.0005)) > t  # and increases in the level
    if df >= 30:  # first-order term of the expansion in 1/df: t - z ~ (z^3 + z) / (4 df)
        assert t - z < 2 * (z**3 + z) / (4 * df)


def test_t_quantile_at_huge_df_is_the_normal_quantile() -> None:
    for level in (0.5, 0.95, 0.99, 0.999):
        z = NormalDist().inv_cdf(0.5 + level / 2)
        assert t_quantile(10**7, level) == pytest.approx(z, rel=1e-6)


# (successes, n) -> Wilson 95% interval: scipy.stats.binomtest(k, n).proportion_ci(0.95, "wilson").
WILSON_SCIPY = {
    (0, 1): (0.0, 0.7934506856227626),
    (1, 1): (0.20654931437723745, 1.0),
    (0, 10): (0.0, 0.27753279986288926),
    (10, 10): (0.7224672001371109, 1.0),
    (3, 10): (0.10779126740630102, 0.6032218525388546),
    (50, 100): (0.4038315303659956, 0.5961684696340044),
}

# Newcombe (1998), "Two-sided confidence intervals for the single proportion", Stat Med 17:857,
# Table I, method 3 (Wilson score, no continuity correction), four decimals.
WILSON_NEWCOMBE = {
    (81, 263): (0.2553, 0.3662),
    (15, 148): (0.0624, 0.1605),
    (0, 20): (0.0, 0.1611),
    (1, 29): (0.0061, 0.1718),
}


@pytest.mark.parametrize(("k", "n"), sorted(WILSON_SCIPY))
def test_wilson_interval_matches_scipy(k: int, n: int) -> None:
    s = share_stats(k, n)
    low, high = WILSON_SCIPY[(k, n)]
    assert s.n == n and s.successes == k and s.share == k / n
    assert s.ci.low == pytest.approx(low, rel=1e-9, abs=1e-12)
    assert s.ci.high == pytest.approx(high, rel=1e-9)


@pytest.mark.parametrize(("k", "n"), sorted(WILSON_NEWCOMBE))
def test_wilson_interval_matches_newcombe(k: int, n: int) -> None:
    low, high = WILSON_NEWCOMBE[(k, n)]
    ci = share_stats(k, n).ci
    assert abs(ci.low - low) < 5e-5 and abs(ci.high - high) < 5e-5  # type: ignore[operator]


def test_wilson_interval_at_0_and_100_percent_is_one_sided() -> None:
    assert share_stats(0, 20).ci.low == 0.0 and share_stats(20, 20).ci.high == 1.0
    empty = share_stats(0, 0)
    assert empty.n == 0 and math.isnan(empty.share) and empty.ci == Interval(None, None)


@given(st.integers(1, 10_000), st.data())
def test_wilson_interval_contains_the_share(n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(0, n))
    s = share_stats(k, n)
    assert 0.0 <= s.ci.low <= s.share <= s.ci.high <= 1.0  # type: ignore[operator]
    assert s.ci.width > 0


def test_time_stats_with_never_reached_values() -> None:
    s = time_stats([3.0, 1.0, None, 4.0, 2.0])  # sorted: 1 2 3 4 never
    assert (s.n, s.reached, s.minimum, s.maximum) == (5, 4, 1.0, 4.0)
    assert s.mean == 2.5  # over the four that were reached
    # scipy.stats.t.interval(0.95, 3, loc=2.5, scale=scipy.stats.sem([1, 2, 3, 4]))
    assert s.mean_ci.low == pytest.approx(0.4457397432394794, rel=1e-9)
    assert s.mean_ci.high == pytest.approx(4.554260256760521, rel=1e-9)
    assert s.median == 3.0  # the middle of five, "never" counted as the latest
    assert s.p90 is None  # 20% never reached: the 90th percentile lies beyond the horizon
    # Order statistics (scipy.stats.binom): 5 values cannot bound a median at 95% (cdf(0, 5, .5) =
    # 0.031 > 0.025); the p90 is bounded below by the 3rd value (cdf(2, 5, .9) = 0.0086), not above.
    assert s.median_ci == Interval(None, None)
    assert s.p90_ci == Interval(3.0, None)


def test_time_stats_all_reached() -> None:
    s = time_stats([float(v) for v in (7, 3, 10, 1, 5, 9, 2, 8, 4, 6)])
    assert (s.n, s.reached, s.minimum, s.maximum) == (10, 10, 1.0, 10.0)
    assert s.median == 5.5 and s.p90 == pytest.approx(9.1)  # numpy.percentile(range(1, 11), [50, 90])
    assert s.mean == 5.5
    # scipy.stats.t.interval(0.95, 9, loc=5.5, scale=scipy.stats.sem(range(1, 11)))
    assert s.mean_ci.low == pytest.approx(3.334149410331831, rel=1e-9)
    assert s.mean_ci.high == pytest.approx(7.665850589668169, rel=1e-9)
    # binom.cdf(1, 10, .5) = 0.011 <= 0.025 < cdf(2); cdf(7) = 0.945 < 0.975 <= cdf(8): 2nd and 9th values;
    # ten values cannot bound the p90 from above (cdf(9, 10, .9) = 0.651).
    assert s.median_ci == Interval(2.0, 9.0) and s.p90_ci == Interval(7.0, None)


def test_time_stats_two_values_use_the_df_1_quantile() -> None:
    s = time_stats([2.0, 1.0])
    # scipy.stats.t.interval(0.95, 1, loc=1.5, scale=scipy.stats.sem([1, 2]))
    assert s.mean_ci.low == pytest.approx(-4.853102368087347, rel=1e-9)
    assert s.mean_ci.high == pytest.approx(7.853102368087347, rel=1e-9)


def test_time_stats_mostly_or_never_reached() -> None:
    s = time_stats([None, None, 7.0, None])
    assert (s.reached, s.mean, s.minimum, s.maximum) == (1, 7.0, 7.0, 7.0)
    assert s.mean_ci == Interval(None, None)  # one value says nothing about the spread
    assert s.median is None and s.p90 is None  # three quarters never reached
    assert time_stats([1.0, 2.0, None, None]).median is None  # half never reached: median infinite
    assert time_stats([1.0, 2.0, 3.0, None, None]).median == 3.0  # two of five: still finite
    none = time_stats([None, None])
    assert (none.n, none.reached, none.mean, none.median, none.p90, none.minimum) == (2, 0, None, None, None, None)
    assert none.median_ci == Interval(None, None)


@given(st.lists(st.one_of(st.none(), st.floats(0, 1e6)), min_size=1, max_size=60))
def test_time_stats_intervals_contain_their_estimates(values: list[float | None]) -> None:
    s = time_stats(values)
    for est, ci in ((s.median, s.median_ci), (s.p90, s.p90_ci)):
        if est is not None:  # a None bound is one the data cannot give: open on that side
            assert (-math.inf if ci.low is None else ci.low) <= est <= (math.inf if ci.high is None else ci.high)
    if s.reached >= 2:
        assert s.mean_ci.low <= s.mean <= s.mean_ci.high  # type: ignore[operator]
    if s.median is not None:
        assert s.minimum <= s.median <= s.maximum  # type: ignore[operator]


def test_order_ci_indices_on_a_small_sample() -> None:
    vals = [float(i) for i in range(20)]
    # n = 20, p = 0.5: scipy.stats.binom.cdf(5, 20, .5) = 0.0207 <= 0.025 < cdf(6) and
    # cdf(13) = 0.9423 < 0.975 <= cdf(14) = 0.9793: 0-based ranks 5 and 14, coverage 0.9586.
    assert _order_ci(vals, 0.5) == Interval(5.0, 14.0)
    assert _order_ci(vals[:19] + [math.inf], 0.5).high == 14.0
    assert _order_ci(vals[:14] + [math.inf] * 6, 0.5).high is None  # never reached counts as later


@pytest.mark.parametrize(("n", "p", "ranks"), [
    # scipy.stats.binom: largest k with cdf(k) <= 0.025, smallest k with cdf(k) >= 0.975
    (50, 0.9, (40, 49)), (1000, 0.9, (880, 918)), (5000, 0.5, (2430, 2569)),
    # 5 to 20 replications cannot bound the 90th percentile from above: cdf(n - 1) = 1 - 0.9^n < 0.975
    (5, 0.9, (2, None)), (10, 0.9, (6, None)), (20, 0.9, (14, None)),
])
def test_order_ranks_are_the_binomial_ones(n: int, p: float, ranks: tuple[int | None, int | None]) -> None:
    assert _order_ranks(n, p) == ranks


def test_order_ranks_beyond_the_exact_range_are_no_narrower_than_exact() -> None:
    # scipy: binom.ppf(0.025, n, p) - 1 and binom.ppf(0.975, n, p) for n = 6000 and 100000 at p = 0.9
    for n, (lo, hi) in ((6000, (5353, 5445)), (100_000, (89813, 90186))):
        got_lo, got_hi = _order_ranks(n, 0.9)
        assert got_lo is not None and got_hi is not None
        assert lo - 2 <= got_lo <= lo and hi <= got_hi <= hi + 2


# Exact coverage of _order_ci for the median, P(lo + 1 <= B <= hi) with B ~ Binomial(n, 0.5):
# scipy.stats.binom.cdf(hi, n, p) - scipy.stats.binom.cdf(lo, n, p).
ORDER_COVERAGE = {(20, 0.5): 0.9586, (50, 0.5): 0.9672, (50, 0.9): 0.9703}


@pytest.mark.parametrize(("n", "p"), sorted(ORDER_COVERAGE))
def test_order_ci_covers_the_true_quantile_at_its_nominal_rate(n: int, p: float) -> None:
    rng = random.Random(20240601 + n)
    true_q = -math.log(1 - p)  # quantile of the exponential with rate 1: ln 2 for the median
    samples = 2000
    covered = 0
    for _ in range(samples):
        ci = _order_ci(sorted(rng.expovariate(1.0) for _ in range(n)), p)
        covered += ci.low <= true_q <= ci.high  # type: ignore[operator]
    rate = covered / samples
    # Tolerance 0.015: about four binomial standard errors of a 2,000-sample rate near 0.97.
    assert abs(rate - ORDER_COVERAGE[(n, p)]) < 0.015
    assert rate >= 0.95 - 0.015


def test_paired_difference_by_hand() -> None:
    d = paired_difference([10.0, 12.0, 9.0, 15.0], [11.0, 15.0, 9.0, 18.0])  # differences 1 3 0 3
    assert d.n == 4 and d.mean == 1.75
    # scipy.stats.ttest_rel(b, a).confidence_interval(0.95); p = 0.102
    assert d.ci.low == pytest.approx(-0.6368347289627807, rel=1e-9)
    assert d.ci.high == pytest.approx(4.13683472896278, rel=1e-9)
    assert not d.significant


def test_paired_difference_with_three_replications_is_not_overconfident() -> None:
    # Differences 0.59, 1, 1.41: t statistic 4.22, between the old approximate df-2 quantile (4.17)
    # and the exact one (4.303), so p = 0.0517 (scipy.stats.ttest_rel) and not significant.
    d = paired_difference([5.0, 6.0, 7.0], [5.59, 7.0, 8.41])
    assert d.mean == pytest.approx(1.0)
    # scipy.stats.ttest_rel(b, a).confidence_interval(0.95)
    assert d.ci.low == pytest.approx(-0.018496461817635756, rel=1e-9)
    assert d.ci.high == pytest.approx(2.0184964618176355, rel=1e-9)
    assert not d.significant


def test_paired_difference_edge_cases() -> None:
    d = paired_difference([3.0, 4.0], [4.0, 7.0])  # n = 2, df = 1
    # scipy.stats.ttest_rel(b, a).confidence_interval(0.95)
    assert d.ci.low == pytest.approx(-10.706204736174694, rel=1e-9)
    assert d.ci.high == pytest.approx(14.706204736174694, rel=1e-9)
    shift = paired_difference([1.0, 2.0, 3.0], [2.0, 3.0, 4.0])
    assert shift.mean == 1.0 and shift.ci == Interval(1.0, 1.0) and shift.significant
    one = paired_difference([1.0], [3.0])
    assert one.mean == 2.0 and one.ci == Interval(None, None) and not one.significant
    assert paired_difference([], []).n == 0
    with pytest.raises(ValueError, match="length"):
        paired_difference([1.0], [1.0, 2.0])


@given(st.lists(st.tuples(st.floats(-1e4, 1e4), st.floats(-1e4, 1e4)), min_size=2, max_size=40))
def test_paired_difference_interval_contains_the_mean_and_flips_with_the_order(
        pairs: list[tuple[float, float]]) -> None:
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    d, r = paired_difference(a, b), paired_difference(b, a)
    assert d.ci.low <= d.mean <= d.ci.high  # type: ignore[operator]
    # x - y is exactly -(y - x) in floating point, so the mirror image is exact.
    assert r.mean == -d.mean and r.ci == Interval(-d.ci.high, -d.ci.low)  # type: ignore[operator]
    assert r.significant == d.significant
