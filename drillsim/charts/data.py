"""Plain input records for the chart builders.

These are frozen dataclasses with no matplotlib import, so the analysis layer can build them
without pulling in a plotting library. All times are in **seconds** (the engine's unit); the
charts convert to minutes for display. ``None`` for a time means "never reached within the
horizon".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

#: Time categories, in display order. One palette (``drillsim.charts.style``) colours them the
#: same way in every chart. ``desk_wait`` is the queue in front of a duty desk; the critical-path
#: split folds it into ``desk_handling`` unless the analysis reports it separately.
CATEGORIES: tuple[str, ...] = (
    "detection",
    "desk_wait",
    "desk_handling",
    "link",
    "retry",
    "activation",
    "travel",
    "unit_wait",
    "prerequisite_wait",
    "work",
)

#: The nine categories of a critical-path split (``CATEGORIES`` without the desk queue).
CRITICAL_PATH_CATEGORIES: tuple[str, ...] = tuple(c for c in CATEGORIES if c != "desk_wait")

#: Categories that are waiting rather than doing; drawn hatched in warm reds.
WAIT_CATEGORIES: frozenset[str] = frozenset({"desk_wait", "unit_wait", "prerequisite_wait"})

MarkerKind = Literal["inject", "target"]
TornadoMetric = Literal["success_pp", "median_time"]
SplitMode = Literal["share", "minutes"]


def _check_category(kind: str) -> None:
    if kind not in CATEGORIES:
        raise ValueError(f"unknown time category {kind!r}; expected one of {', '.join(CATEGORIES)}")


def _check_time(name: str, value: float | None) -> None:
    if value is not None and (math.isnan(value) or value < 0):
        raise ValueError(f"{name} must be a non-negative number of seconds or None, got {value!r}")


def reached_times(times: Iterable[float | None]) -> list[float]:
    """The reached times (not None, finite), sorted ascending."""
    return sorted(t for t in times if t is not None and math.isfinite(t))


@dataclass(frozen=True, slots=True)
class GanttBar:
    """One segment of an agency's timeline in a single replication.

    Attributes:
        row: Display name of the agency (one Gantt row per distinct name).
        start: Start, seconds since the first inject.
        end: End, seconds (>= start).
        kind: One of ``CATEGORIES``.
        label: Optional short text drawn inside the bar when it fits (e.g. a task name).
    """

    row: str
    start: float
    end: float
    kind: str
    label: str = ""

    def __post_init__(self) -> None:
        _check_category(self.kind)
        _check_time("start", self.start)
        if not self.end >= self.start:
            raise ValueError(f"bar end {self.end!r} is before its start {self.start!r}")


@dataclass(frozen=True, slots=True)
class GanttMarker:
    """A vertical marker on a Gantt: an inject (incident) or an objective target.

    Attributes:
        time: Seconds since the first inject.
        label: Incident or objective name shown next to the line.
        kind: ``inject`` (grey dashed line) or ``target`` (red dotted line).
        row: When set, the marker is drawn on that row only (a diamond) instead of a full line.
    """

    time: float
    label: str
    kind: MarkerKind = "inject"
    row: str | None = None

    def __post_init__(self) -> None:
        _check_time("time", self.time)


@dataclass(frozen=True, slots=True)
class GraphNode:
    """An agency in the coordination graph.

    Attributes:
        id: Stable agency id (edges refer to it).
        label: Display name.
        delay: Mean queueing delay at the agency's duty desk, seconds (colour); None if no data.
        highlighted: Draw with a thick red outline (a bottleneck).
        detecting: The agency detects incidents; layer 0 of the layered layout.
        group: What it is grouped under when a large graph is summarised (its sector, say).
        members: For a group node of a summarised graph, how many agencies it stands for
            (0 for an agency).
    """

    id: str
    label: str
    delay: float | None = None
    highlighted: bool = False
    detecting: bool = False
    group: str = ""
    members: int = 0

    def __post_init__(self) -> None:
        _check_time("delay", self.delay)
        if self.members < 0:
            raise ValueError(f"members must be 0 or more, got {self.members!r}")


@dataclass(frozen=True, slots=True)
class GraphEdge:
    """A communication link between two agencies.

    Attributes:
        source: Sending agency id.
        target: Receiving agency id.
        time: Time spent on the link, seconds (edge width and label).
        highlighted: Draw in red (a bottleneck link).
        backup: A backup channel; drawn dashed.
        simulated: ``time`` is the simulated time the link costs on critical paths; False when
            it is only the configured delay (a link on no critical path), drawn lighter.
        count: How many links it stands for (more than 1 in a summarised graph: the links
            between a group and another node; ``time`` is then their mean).
    """

    source: str
    target: str
    time: float = 0.0
    highlighted: bool = False
    backup: bool = False
    simulated: bool = True
    count: int = 1

    def __post_init__(self) -> None:
        _check_time("time", self.time)
        if self.count < 1:
            raise ValueError(f"count must be 1 or more, got {self.count!r}")


def _frozen_mapping(values: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(values))


@dataclass(frozen=True)
class PathSplit:
    """Where one objective's critical-path time goes, by category.

    Attributes:
        label: Objective name (row label).
        seconds: Seconds per category (keys from ``CATEGORIES``); missing keys count as 0.
    """

    label: str
    seconds: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for kind, value in self.seconds.items():
            _check_category(kind)
            _check_time(kind, value)
        object.__setattr__(self, "seconds", _frozen_mapping(self.seconds))

    @property
    def total(self) -> float:
        """Total critical-path seconds."""
        return float(sum(self.seconds.values()))


@dataclass(frozen=True, slots=True)
class Sensitivity:
    """The effect of one suggested improvement on an objective.

    Attributes:
        label: The improvement, e.g. "Second duty officer at the district police desk".
        delta: Percentage points of success share (``success_pp``) or seconds of median time
            (``median_time``); the sign is the raw change (new minus base).
        ci_low: Lower end of the confidence interval of ``delta`` (same unit), if known.
        ci_high: Upper end, if known.
    """

    label: str
    delta: float
    ci_low: float | None = None
    ci_high: float | None = None

    def __post_init__(self) -> None:
        if (self.ci_low is None) != (self.ci_high is None):
            raise ValueError("give both ci_low and ci_high, or neither")
        if self.ci_low is not None and self.ci_high is not None and self.ci_low > self.ci_high:
            raise ValueError("ci_low must not exceed ci_high")


@dataclass(frozen=True, slots=True)
class IntervalStats:
    """Summary of a time over replications (seconds); also used for one variant.

    Attributes:
        label: Variant or row name.
        median: Median time, None if it was never reached in most replications.
        p10: 10th percentile.
        p90: 90th percentile (None when more than 10% never reached it).
        ci_low: Lower end of the confidence interval of the median, if known.
        ci_high: Upper end, if known.
        never_share: Share (0..1) of replications that never reached it.
    """

    label: str
    median: float | None
    p10: float | None
    p90: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    never_share: float = 0.0

    def __post_init__(self) -> None:
        for name in ("median", "p10", "p90", "ci_low", "ci_high"):
            _check_time(name, getattr(self, name))
        if not 0.0 <= self.never_share <= 1.0:
            raise ValueError(f"never_share must be within 0..1, got {self.never_share!r}")


@dataclass(frozen=True, slots=True)
class VariantComparison:
    """One objective's time under each variant.

    Attributes:
        objective: Objective name (panel title).
        variants: One ``IntervalStats`` per variant, in display order (baseline first).
        target: The objective's target, seconds, if any.
    """

    objective: str
    variants: tuple[IntervalStats, ...]
    target: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "variants", tuple(self.variants))
        _check_time("target", self.target)


@dataclass(frozen=True, slots=True)
class ObservedRow:
    """A simulated distribution next to the time observed in the live drill.

    Attributes:
        simulated: Simulated p10, median and p90 (seconds); ``label`` names the agency/event.
        observed: Observed live-drill time, seconds; None if not observed.
        percentile: Percentile (0..100) of the observed time within the simulated distribution.
    """

    simulated: IntervalStats
    observed: float | None = None
    percentile: float | None = None

    def __post_init__(self) -> None:
        _check_time("observed", self.observed)
        if self.percentile is not None and not 0.0 <= self.percentile <= 100.0:
            raise ValueError(f"percentile must be within 0..100, got {self.percentile!r}")

    @property
    def label(self) -> str:
        """Row label (the simulated stats' label)."""
        return self.simulated.label
