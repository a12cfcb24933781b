"""Durations and distributions: parsing, canonical text, validation, quantiles and sampling bounds."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from drillsim.scenario.durations import MAX_SECONDS, Dist, format_duration, parse_duration

DIST = TypeAdapter(Dist)

parts = st.tuples(*(st.none() | st.integers(0, 30) for _ in range(4)))


@st.composite
def duration_texts(draw: st.DrawFn) -> str:
    """Any duration text the format accepts: some of d, h, m, s in order, maybe with decimals and spaces."""
    values = draw(parts.filter(lambda p: any(v is not None for v in p)))
    sep = draw(st.sampled_from(["", " "]))
    frac = draw(st.sampled_from(["", ".5", ".25"]))
    text = sep.join(
        f"{v}{frac if u == 's' else ''}{u}" for v, u in zip(values, "dhms") if v is not None
    )
    return text


@given(duration_texts())
def test_parse_format_parse_round_trip(text: str) -> None:
    """Any text the format accepts (at most 30 days) comes back the same after format and parse."""
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        assert "longer than 30 days" in str(exc)
        return
    assert parse_duration(format_duration(seconds)) == seconds


@given(st.floats(0, MAX_SECONDS, allow_nan=False))
def test_format_parse_round_trip_on_floats(seconds: float) -> None:
    assert parse_duration(format_duration(seconds)) == pytest.approx(seconds, rel=1e-12, abs=1e-9)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("5m", 300),
        ("1h30m", 5400),
        ("2d", 172800),
        (" 1h 5s ", 3605),
        ("0.5m", 30),
        (0, 0),
    ],
)
def test_parse(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("-5m", "negative"),
        ("5 minutes", "cannot read"),
        ("10^9h", "cannot read"),
        ("1000000h", "longer than 30 days"),
        (5, "has no unit"),
        (True, "expected a duration"),
        ("", "cannot read"),
        ("5m1h", "cannot read"),
        (None, "expected"),
    ],
)
def test_parse_refuses(text: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_duration(text)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"uniform": ["5m", "1m"]}, "above high"),
        ({"triangular": ["1m", "9m", "5m"]}, "low <= mode <= high"),
        ({"lognormal": {"median": "5m", "p90": "4m"}}, "must be above the median"),
        ({"exponential": "0s"}, "above 0s"),
        ({"unifrom": ["1m", "2m"]}, "did you mean 'uniform'"),
        ({"uniform": ["1m", "2m"], "fixed": "1m"}, "exactly one"),
        ({"empirical": []}, "at least 1"),
    ],
)
def test_impossible_distributions(value: object, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        DIST.validate_python(value)


dists = st.one_of(
    st.integers(0, 3600).map(lambda s: f"{s}s"),
    st.lists(st.integers(0, 3600), min_size=2, max_size=2).map(
        lambda v: {"uniform": [f"{x}s" for x in sorted(v)]}
    ),
    st.lists(st.integers(0, 3600), min_size=3, max_size=3).map(
        lambda v: {"triangular": [f"{x}s" for x in sorted(v)]}
    ),
    st.integers(1, 3600).map(lambda m: {"exponential": f"{m}s"}),
    st.tuples(st.integers(1, 3600), st.integers(1, 3600)).map(
        lambda t: {"lognormal": {"median": f"{t[0]}s", "p90": f"{t[0] + min(t[1], 999 * t[0])}s"}}
    ),  # p90 <= 1000x
    st.lists(st.integers(0, 3600), min_size=1, max_size=5).map(
        lambda v: {"empirical": [f"{x}s" for x in v]}
    ),
)


@given(dists, st.floats(0, 1, exclude_max=True))
def test_samples_stay_within_bounds(value: object, u: float) -> None:
    d = DIST.validate_python(value)
    low, high = d.bounds()
    x = d.sample(u)
    assert low - 1e-9 <= x <= min(high, MAX_SECONDS) + 1e-9
    assert math.isfinite(x)


@given(dists, st.floats(0, 1, exclude_max=True), st.floats(0, 1, exclude_max=True))
def test_quantile_is_monotone(value: object, u: float, v: float) -> None:
    d = DIST.validate_python(value)
    lo, hi = sorted((u, v))
    assert d.quantile(lo) <= d.quantile(hi) + 1e-9


def test_empirical_quantile_is_monotone() -> None:
    d = DIST.validate_python({"empirical": ["1s", "0s"]})
    assert d.quantile(0.0) <= d.quantile(0.5)


def test_lognormal_quantiles_match_its_parameters() -> None:
    d = DIST.validate_python({"lognormal": {"median": "3m", "p90": "8m"}})
    assert d.quantile(0.5) == pytest.approx(180)
    assert d.quantile(0.9) == pytest.approx(480)


@given(dists)
def test_distribution_round_trips_through_json(value: object) -> None:
    d = DIST.validate_python(value)
    assert DIST.validate_python(DIST.dump_python(d, mode="json")) == d
