"""Waits at every duty desk and unit pool, per alert and per request, pooled over replications.

A desk's alert waits from the moment its agency learned of the incident (DETECTED or ALERTED)
until a duty officer takes the message up (HANDLING_STARTED); a pool's request waits from the
moment the work could start there (TASK_READY, or the agency's ON_SCENE when later) until units
are assigned (TASK_STARTED). Every alert or request of every replication is one observation.
One still waiting when its replication ended counts as longer than any wait, as a time never
reached does in :func:`drillsim.analysis.stats.time_stats`: the median (90th percentile) is then
unknown once half (a tenth) of them were still waiting.

Intervals: alerts of one replication share its random draws, so they are not independent and
the order-statistic interval of ``stats.quantile`` would be too narrow. Quantile intervals here
follow Woodruff (1952, "Confidence intervals for medians and other position measures", JASA 47):
the share of observations at or below the estimate is a ratio estimator over replications (the
clusters), its standard error is taken between replications, and the interval p +- z*se on the
probability scale is mapped back through the pooled quantile function (as in Francisco & Fuller
1991, "Quantile estimation with a complex survey design", Ann. Statist. 19). The mean wait's
interval is the same ratio estimator's, with Student's t on replications - 1 degrees of freedom.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import overload

import numpy as np

from drillsim.analysis.stats import LEVEL, Interval, quantile, t_quantile
from drillsim.analysis.summary import QueueStats, ReplicationSummary
from drillsim.scenario.model import Scenario

_NONE = Interval(None, None)


@dataclass(frozen=True, slots=True)
class QueueSummary:
    """A duty desk or unit pool over the replications of one variant.

    Attributes:
        agency: Agency id.
        resource: ``desk`` (duty officers) or ``units``.
        capacity: Duty officers or units.
        utilisation: Resource-seconds in use over capacity times the replications' length.
        mean_wait: Mean wait per alert or request served, seconds.
        worst_wait: Longest single wait in any replication.
        longest_queue: Longest queue in any replication, and ``longest_queue_at`` when it formed.
        served_per_replication: Alerts handled (desk) or requests given units, per replication.
        name: The agency's display name.
        requests_per_replication: Alerts or requests per replication, served or still waiting.
        unserved_per_replication: Still waiting when the replication ended, per replication.
        waited_share: Share of the alerts or requests that waited at all (still waiting included).
        median_wait, p90_wait: Pooled over every alert or request of every replication (None when
            half, or a tenth, were still waiting at the end), each with its Woodruff interval.
        observations: Alerts or requests pooled.
        busy_while_needed: Resource-seconds in use over capacity times the time it had work (some
            alert or request waiting or in service): how busy it was while it was needed. A desk
            that takes five alerts at once and is quiet for the rest of a four-hour run is busy
            little of the run but fully while needed.
    """

    agency: str
    resource: str
    capacity: int
    utilisation: float
    mean_wait: float
    worst_wait: float
    longest_queue: int
    longest_queue_at: float | None
    served_per_replication: float
    name: str = ""
    requests_per_replication: float = 0.0
    unserved_per_replication: float = 0.0
    waited_share: float = 0.0
    mean_wait_ci: Interval = _NONE
    median_wait: float | None = None
    median_wait_ci: Interval = _NONE
    p90_wait: float | None = None
    p90_wait_ci: Interval = _NONE
    observations: int = 0
    replications: int = 0
    busy_while_needed: float = 0.0

    @property
    def had_traffic(self) -> bool:
        """True when anything came to this desk or pool in any replication."""
        return self.observations > 0


class PooledWaits(Sequence[float]):
    """Every wait of a desk or pool over the replications, ascending, without building the list:
    the zero waits, then the positive waits (sorted), then +inf for each still waiting at the end.

    Read by index like a sorted list, so :func:`stats.quantile` applies to it unchanged.
    """

    def __init__(self, queues: Sequence[QueueStats]) -> None:
        self.queues = queues
        self.lengths = np.fromiter(
            (len(q.waits) for q in queues), dtype=np.int64, count=len(queues)
        )
        raw = np.frombuffer(b"".join(q.waited for q in queues), dtype=np.float64)
        self.order = np.argsort(raw, kind="stable")
        self.positive = raw[self.order]
        self.zero_counts = np.fromiter(
            (q.served - len(q.waits) for q in queues), dtype=np.int64, count=len(queues)
        )
        self.unserved_counts = np.fromiter(
            (q.unserved for q in queues), dtype=np.int64, count=len(queues)
        )
        self.zeros = int(self.zero_counts.sum())
        self.unserved = int(self.unserved_counts.sum())

    def __len__(self) -> int:
        return self.zeros + len(self.positive) + self.unserved

    @overload
    def __getitem__(self, i: int) -> float: ...
    @overload
    def __getitem__(self, i: slice) -> list[float]: ...

    def __getitem__(self, i: int | slice) -> float | list[float]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        if i < self.zeros:
            return 0.0
        i -= self.zeros
        return float(self.positive[i]) if i < len(self.positive) else math.inf

    def at_or_below(self, x: float) -> np.ndarray:
        """Per replication: how many of its alerts or requests waited ``x`` seconds or less."""
        reps = np.repeat(np.arange(len(self.queues)), self.lengths)[self.order]
        below = np.bincount(reps[self.positive <= x], minlength=len(self.queues))
        return below + (self.zero_counts if x >= 0 else 0)

    @property
    def per_replication(self) -> np.ndarray:
        """Alerts or requests in each replication (served or still waiting)."""
        return self.zero_counts + self.lengths + self.unserved_counts


def _finite(x: float) -> float | None:
    return None if math.isinf(x) or math.isnan(x) else x


def pooled_quantile(waits: PooledWaits, p: float) -> tuple[float | None, Interval]:
    """The p-quantile of the pooled waits (linear interpolation, as everywhere in drillsim) and
    its Woodruff interval with the standard error taken between replications."""
    if not len(waits):
        return None, _NONE
    q = quantile(waits, p)
    m = len(waits.queues)
    if math.isinf(q) or m < 2:
        return _finite(q), _NONE
    n = waits.per_replication.astype(float)
    c = waits.at_or_below(q).astype(float)
    share = c.sum() / n.sum()
    var = m / (m - 1) * float(((c - share * n) ** 2).sum()) / float(n.sum()) ** 2
    z = -_normal_quantile((1 - LEVEL) / 2)
    lo, hi = p - z * math.sqrt(var), p + z * math.sqrt(var)
    low = quantile(waits, lo) if lo >= 0 else 0.0  # no wait is shorter than none
    high = quantile(waits, hi) if hi <= 1 else None
    return _finite(q), Interval(_finite(low), None if high is None else _finite(high))


def _normal_quantile(p: float) -> float:
    return NormalDist().inv_cdf(p)


def mean_wait_interval(queues: Sequence[QueueStats]) -> Interval:
    """Interval of the mean wait per alert served: a ratio of sums over replications (the
    clusters), with the between-replication standard error and Student's t."""
    m = len(queues)
    w = np.fromiter((q.total_wait for q in queues), dtype=float, count=m)
    n = np.fromiter((q.served for q in queues), dtype=float, count=m)
    if m < 2 or n.sum() == 0:
        return _NONE
    r = w.sum() / n.sum()
    se = math.sqrt(m / (m - 1) * float(((w - r * n) ** 2).sum())) / float(n.sum())
    half = t_quantile(m - 1) * se
    return Interval(max(0.0, float(r - half)), float(r + half))


def queue_summary(
    scenario: Scenario, agency: int, resource: str, summaries: Sequence[ReplicationSummary]
) -> QueueSummary:
    """One desk (``resource='desk'``) or unit pool (``'units'``) of the agency at ``agency``."""
    a = scenario.agencies[agency]
    capacity = a.duty_officers if resource == "desk" else a.units
    qs = [(s.desks if resource == "desk" else s.units)[agency] for s in summaries]
    span = sum(s.end_time for s in summaries) or 1.0
    reps = max(1, len(summaries))
    served = sum(q.served for q in qs)
    worst = max(qs, key=lambda q: (q.max_queue, -q.max_queue_at), default=None)
    pooled = PooledWaits(qs)
    median, median_ci = pooled_quantile(pooled, 0.5)
    p90, p90_ci = pooled_quantile(pooled, 0.9)
    total = len(pooled)
    return QueueSummary(
        agency=a.id,
        resource=resource,
        capacity=capacity,
        utilisation=sum(q.busy for q in qs) / (capacity * span) if capacity else 0.0,
        mean_wait=sum(q.total_wait for q in qs) / served if served else 0.0,
        worst_wait=max((q.max_wait for q in qs), default=0.0),
        longest_queue=worst.max_queue if worst else 0,
        longest_queue_at=worst.max_queue_at if worst and worst.max_queue else None,
        served_per_replication=served / reps,
        name=a.label,
        requests_per_replication=total / reps,
        unserved_per_replication=pooled.unserved / reps,
        waited_share=(len(pooled.positive) + pooled.unserved) / total if total else 0.0,
        mean_wait_ci=mean_wait_interval(qs),
        median_wait=median,
        median_wait_ci=median_ci,
        p90_wait=p90,
        p90_wait_ci=p90_ci,
        observations=total,
        replications=len(summaries),
        busy_while_needed=_busy_while_needed(qs, capacity),
    )


def _busy_while_needed(qs: Sequence[QueueStats], capacity: int) -> float:
    active = sum(q.active for q in qs)
    return (
        min(1.0, sum(q.busy for q in qs) / (capacity * active)) if capacity and active > 0 else 0.0
    )


def queue_summaries(
    scenario: Scenario, summaries: Sequence[ReplicationSummary]
) -> list[QueueSummary]:
    """Every agency's duty desk and unit pool, in file order (idle ones included)."""
    return [
        queue_summary(scenario, i, resource, summaries)
        for i in range(len(scenario.agencies))
        for resource in ("desk", "units")
    ]


def by_p90(queues: Sequence[QueueSummary]) -> list[QueueSummary]:
    """The desks and pools that had any traffic, longest 90th-percentile wait first.

    An unknown p90 (a tenth or more still waiting at the end) is the longest; ties go by the
    median the same way, then the mean wait, then the longest queue, then file order.
    """

    def key(q: QueueSummary) -> tuple[bool, float, bool, float, float, int]:
        return (
            q.p90_wait is not None,
            -(q.p90_wait or 0.0),
            q.median_wait is not None,
            -(q.median_wait or 0.0),
            -q.mean_wait,
            -q.longest_queue,
        )

    return sorted((q for q in queues if q.had_traffic), key=key)
