"""Durations as trainers write them (``90s``, ``5m``, ``1h30m``) and random durations.

A duration is held as float seconds. A *distribution* is one of the shapes below, written in a
scenario either as a plain duration (fixed) or as a one-key mapping::

    5m                                   # fixed
    {fixed: 5m}
    {uniform: [1m, 4m]}                  # low, high
    {triangular: [1m, 2m, 5m]}           # low, mode, high
    {exponential: 2m}                    # mean
    {lognormal: {median: 3m, p90: 8m}}   # median and 90th percentile, as standards state them
    {empirical: [2m, 3m, 3m, 7m]}        # observed samples, drawn with equal weight

Sampling takes a uniform number ``u`` in [0, 1) from a named random stream and applies the inverse
CDF, so that one draw is always one uniform: variants that change one distribution never shift
another stream (common random numbers).
"""

from __future__ import annotations

import difflib
import math
import re
from decimal import Decimal
from functools import cached_property
from statistics import NormalDist
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    Tag,
    WithJsonSchema,
    model_validator,
)

from drillsim.i18n import Msg, Msgn

#: The longest duration accepted anywhere (30 days): longer values are typos such as ``10^9h``.
MAX_SECONDS = 30 * 24 * 3600.0

#: The widest lognormal accepted: p90 at most 1,000 times the median. Its sigma is then at most
#: ln(1000) / z90 = 5.39, its mean at most exp(sigma^2 / 2) = 2 million times the median, and no
#: quantity the samplers compute (exp of mu + sigma z, the mean) can overflow. Published response
#: times have p90 / median between 1.5 and 5.
MAX_LOGNORMAL_RATIO = 1000.0

_UNITS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}
_NUM = r"(?:\d+(?:\.\d+)?|\.\d+)"
_DURATION_RE = re.compile(
    rf"^\s*(?:({_NUM})\s*d)?\s*(?:({_NUM})\s*h)?\s*(?:({_NUM})\s*m)?\s*(?:({_NUM})\s*s)?\s*$"
)
DURATION_PATTERN = r"^\s*(\d+(\.\d+)?\s*[dhms]\s*)+$"
DURATION_HINT = Msg("scenario.duration_hint")
"""How to write a duration: "write a duration such as 90s, 5m, 1h30m or 2d (...)"."""

#: z-score of the 90th percentile of the standard normal distribution.
Z90 = NormalDist().inv_cdf(0.9)
_STD_NORMAL = NormalDist()


def parse_duration(value: Any) -> float:
    """Turn ``1h30m`` into 5400.0 seconds; raise ValueError with a trainer-readable reason.

    Bare numbers are refused (is ``5`` seconds or minutes?), as are negative values, unknown
    units and anything over 30 days.
    """
    if isinstance(value, bool):
        # ValueError, not TypeError: pydantic turns only ValueError into a located problem.
        raise ValueError(  # noqa: TRY004
            Msg("scenario.duration_not_bool", value=repr(value), hint=DURATION_HINT)
        )
    if isinstance(value, (int, float)):
        if value == 0:
            return 0.0
        raise ValueError(Msg("scenario.duration_no_unit", value=repr(value), number=str(value)))
    if not isinstance(value, str):
        raise ValueError(  # noqa: TRY004
            Msg("scenario.duration_type", type=type(value).__name__)
        )
    text = value.strip()
    if text.startswith("-"):
        raise ValueError(Msg("scenario.duration_negative", value=repr(value)))
    m = _DURATION_RE.match(text)
    if not text or not m or not any(m.groups()):
        raise ValueError(Msg("scenario.duration_unreadable", value=repr(value), hint=DURATION_HINT))
    seconds = sum(float(g) * _UNITS[u] for g, u in zip(m.groups(), "dhms") if g is not None)
    if not math.isfinite(seconds) or seconds > MAX_SECONDS:
        raise ValueError(Msg("scenario.duration_too_long", value=repr(value)))
    return seconds


def _short(seconds: float) -> str:
    """A duration in a message: canonical, or ``1e-20s`` for one too small to read that way."""
    return format_duration(seconds) if seconds == 0 or seconds >= 1e-3 else f"{seconds:.3g}s"


def _times(ratio: float) -> int | str:
    """The ratio as a message field: a whole number (in the reader's number form), or ``2.5e+26``."""
    return round(ratio) if ratio < 1e15 else f"{ratio:.1e}"


def format_duration(seconds: float) -> str:
    """Canonical text for a duration: ``5400`` gives ``1h30m``; fractions of a second are kept.

    ``parse_duration(format_duration(x)) == x`` for every x the format accepts (to float precision
    of the seconds part).
    """
    if seconds < 0:
        raise ValueError(Msg("scenario.duration_negative", value=repr(seconds)))
    if seconds == 0:
        return "0s"
    minutes_total = int(seconds) // 60 * 60
    d, rem = divmod(minutes_total, 86400)
    h, m = divmod(rem, 3600)
    parts = [f"{v}{u}" for v, u in ((d, "d"), (h, "h"), (m // 60, "m")) if v]
    # Exact difference (Sterbenz), so parse_duration adds it back to exactly `seconds`.
    sec = seconds - minutes_total
    if sec:
        text = repr(float(sec)) if sec != int(sec) else str(int(sec))
        if "e" in text:
            text = format(Decimal(sec), "f")
        parts.append(f"{text}s")
    return "".join(parts)


def clock(seconds: float) -> str:
    """``H:MM:SS`` for timelines and tables (scenario time since exercise start)."""
    total = int(round(seconds))  # noqa: RUF046 -- numpy<2 rounds its floats to floats
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}"


Seconds = Annotated[
    float,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": DURATION_PATTERN,
            "description": "A duration such as 90s, 5m, 1h30m.",
            "examples": ["5m"],
        }
    ),
]
"""A duration field: written ``5m``, held as seconds, written back canonically."""

Probability = Annotated[float, Field(ge=0.0, le=1.0)]


class _Dist(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @property
    def is_fixed(self) -> bool:
        """True when every draw gives the same value (no random stream is used)."""
        return False

    def quantile(self, u: float) -> float:
        """Inverse CDF: the value below which a share ``u`` of draws fall."""
        raise NotImplementedError

    def mean(self) -> float:
        """Expected value in seconds."""
        raise NotImplementedError

    def bounds(self) -> tuple[float, float]:
        """Smallest and largest value a draw can take (``inf`` when unbounded)."""
        raise NotImplementedError

    def sample(self, u: float) -> float:
        """Draw one value from a uniform ``u`` in [0, 1), capped at 30 days."""
        return min(self.quantile(u), MAX_SECONDS)


class Fixed(_Dist):
    """Always the same duration."""

    fixed: Seconds

    @property
    def is_fixed(self) -> bool:
        return True

    def quantile(self, u: float) -> float:
        return self.fixed

    def mean(self) -> float:
        return self.fixed

    def bounds(self) -> tuple[float, float]:
        return (self.fixed, self.fixed)


class Uniform(_Dist):
    """Any value between low and high with equal chance."""

    uniform: tuple[Seconds, Seconds] = Field(description="[low, high]")

    @model_validator(mode="after")
    def _order(self) -> Uniform:
        low, high = self.uniform
        if low > high:
            raise ValueError(
                Msg("scenario.uniform_order", low=format_duration(low), high=format_duration(high))
            )
        return self

    def quantile(self, u: float) -> float:
        low, high = self.uniform
        return low + u * (high - low)

    def mean(self) -> float:
        return sum(self.uniform) / 2

    def bounds(self) -> tuple[float, float]:
        return self.uniform


class Triangular(_Dist):
    """Lowest, most likely and highest value: the usual three-point estimate."""

    triangular: tuple[Seconds, Seconds, Seconds] = Field(description="[low, mode, high]")

    @model_validator(mode="after")
    def _order(self) -> Triangular:
        low, mode, high = self.triangular
        if not low <= mode <= high:
            raise ValueError(
                Msg(
                    "scenario.triangular_order",
                    values=", ".join(format_duration(v) for v in self.triangular),
                )
            )
        return self

    def quantile(self, u: float) -> float:
        low, mode, high = self.triangular
        span = high - low
        if span == 0:
            return low
        cut = (mode - low) / span
        if u < cut:
            return low + math.sqrt(u * span * (mode - low))
        return high - math.sqrt((1 - u) * span * (high - mode))

    def mean(self) -> float:
        return sum(self.triangular) / 3

    def bounds(self) -> tuple[float, float]:
        return (self.triangular[0], self.triangular[2])


class Exponential(_Dist):
    """Memoryless waiting time with the given mean (P90 = mean x 2.303)."""

    exponential: Seconds = Field(description="mean")

    @model_validator(mode="after")
    def _positive(self) -> Exponential:
        if self.exponential <= 0:
            raise ValueError(Msg("scenario.exponential_positive"))
        return self

    def quantile(self, u: float) -> float:
        return -self.exponential * math.log1p(-u)

    def mean(self) -> float:
        return self.exponential

    def bounds(self) -> tuple[float, float]:
        return (0.0, math.inf)


class LogNormalSpec(BaseModel):
    """Median and 90th percentile: how response-time standards are stated (NFPA fractiles)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    median: Seconds
    p90: Seconds


class LogNormal(_Dist):
    """Right-skewed duration given its median and 90th percentile."""

    lognormal: LogNormalSpec

    @model_validator(mode="after")
    def _order(self) -> LogNormal:
        if self.lognormal.median <= 0:
            raise ValueError(Msg("scenario.lognormal_median_positive"))
        if self.lognormal.p90 <= self.lognormal.median:
            raise ValueError(
                Msg(
                    "scenario.lognormal_order",
                    p90=format_duration(self.lognormal.p90),
                    median=format_duration(self.lognormal.median),
                )
            )
        ratio = self.lognormal.p90 / self.lognormal.median
        if not ratio <= MAX_LOGNORMAL_RATIO:
            raise ValueError(
                Msg(
                    "scenario.lognormal_too_wide",
                    p90=_short(self.lognormal.p90),
                    ratio=_times(ratio),
                    median=_short(self.lognormal.median),
                    mean=round(math.exp((math.log(MAX_LOGNORMAL_RATIO) / Z90) ** 2 / 2)),
                )
            )
        return self

    @property
    def mu(self) -> float:
        """Mean of the underlying normal (log seconds)."""
        return math.log(self.lognormal.median)

    @property
    def sigma(self) -> float:
        """Standard deviation of the underlying normal."""
        return (math.log(self.lognormal.p90) - self.mu) / Z90

    def quantile(self, u: float) -> float:
        u = min(max(u, 1e-12), 1 - 1e-12)
        return math.exp(self.mu + self.sigma * _STD_NORMAL.inv_cdf(u))

    def mean(self) -> float:
        return math.exp(self.mu + self.sigma**2 / 2)

    def bounds(self) -> tuple[float, float]:
        return (0.0, math.inf)


class Empirical(_Dist):
    """Observed durations (from earlier drills), each drawn with equal chance."""

    empirical: tuple[Seconds, ...] = Field(min_length=1)

    @cached_property
    def ordered(self) -> tuple[float, ...]:
        """The samples in order: the inverse CDF, whatever order the file lists them in (sorted once)."""
        return tuple(sorted(self.empirical))

    def quantile(self, u: float) -> float:
        ordered = self.ordered
        return ordered[min(int(u * len(ordered)), len(ordered) - 1)]

    def mean(self) -> float:
        return sum(self.empirical) / len(self.empirical)

    def bounds(self) -> tuple[float, float]:
        return (min(self.empirical), max(self.empirical))


_SHAPES = ("fixed", "uniform", "triangular", "exponential", "lognormal", "empirical")


def _shape_of(value: Any) -> str | None:
    if isinstance(value, (str, int, float)):
        return "fixed"
    if isinstance(value, _Dist):
        for shape in _SHAPES:
            if shape in type(value).model_fields:
                return shape
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        if key in _SHAPES:
            return key
    return None


def _shorthand(value: Any) -> Any:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return {"fixed": value}
    if isinstance(value, dict) and len(value) != 1:
        keys = ", ".join(map(str, value)) or Msg("scenario.nothing")
        raise ValueError(
            Msg("scenario.distribution_one_shape", shapes=", ".join(_SHAPES), keys=keys)
        )
    if isinstance(value, dict):
        key = next(iter(value))
        if key not in _SHAPES:
            close = difflib.get_close_matches(str(key), _SHAPES, n=1)
            shapes = ", ".join(_SHAPES)
            raise ValueError(
                Msg(
                    "scenario.distribution_unknown_guess",
                    key=repr(key),
                    guess=repr(close[0]),
                    shapes=shapes,
                )
                if close
                else Msg("scenario.distribution_unknown", key=repr(key), shapes=shapes)
            )
    return value


Distribution = Annotated[
    Annotated[Fixed, Tag("fixed")]
    | Annotated[Uniform, Tag("uniform")]
    | Annotated[Triangular, Tag("triangular")]
    | Annotated[Exponential, Tag("exponential")]
    | Annotated[LogNormal, Tag("lognormal")]
    | Annotated[Empirical, Tag("empirical")],
    Discriminator(_shape_of),
    BeforeValidator(_shorthand),
]
"""A random (or fixed) duration; see the module docstring for the accepted forms."""

DistributionSchema: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "pattern": DURATION_PATTERN},
        {
            "type": "object",
            "properties": {"fixed": {"type": "string", "pattern": DURATION_PATTERN}},
            "required": ["fixed"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"uniform": {"type": "array", "minItems": 2, "maxItems": 2}},
            "required": ["uniform"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"triangular": {"type": "array", "minItems": 3, "maxItems": 3}},
            "required": ["triangular"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"exponential": {"type": "string"}},
            "required": ["exponential"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {
                "lognormal": {
                    "type": "object",
                    "properties": {"median": {"type": "string"}, "p90": {"type": "string"}},
                    "required": ["median", "p90"],
                    "additionalProperties": False,
                }
            },
            "required": ["lognormal"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"empirical": {"type": "array", "minItems": 1}},
            "required": ["empirical"],
            "additionalProperties": False,
        },
    ],
    "description": "A duration (5m) or a distribution: {uniform: [low, high]}, {triangular: [low, mode, high]}, "
    "{exponential: mean}, {lognormal: {median, p90}}, {empirical: [samples]}.",
}

Dist = Annotated[Distribution, WithJsonSchema(DistributionSchema)]
"""The distribution type used in scenario fields (with a JSON Schema that accepts the shorthand)."""


def fixed(seconds: float) -> Fixed:
    """A fixed distribution, for code that builds scenarios."""
    return Fixed(fixed=seconds)


def describe(dist: _Dist, lang: str = "en") -> str:
    """Short human text such as ``triangular 1m-2m-5m`` for reports, in ``lang`` (the shape's
    name is the format's own word, as the scenario file writes it)."""
    shape = _shape_of(dist)
    if shape is None:
        raise TypeError(f"not a distribution: {dist!r}")  # every distribution model has a shape
    data = dist.model_dump(mode="json")[shape]
    if shape == "fixed":
        return str(data)
    if shape == "lognormal":
        return Msg("scenario.dist_lognormal", median=data["median"], p90=data["p90"]).say(lang)
    if shape == "empirical":
        n = len(data)
        return Msgn("scenario.dist_empirical", "scenario.dist_empirical_plural", n).say(lang)
    if isinstance(data, list):
        return f"{shape} " + "-".join(data)
    return Msg("scenario.dist_mean", shape=shape, mean=data).say(lang)
