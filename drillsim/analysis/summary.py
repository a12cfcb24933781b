"""Compact per-replication summaries: what the statistics need, without the whole event log.

A summary holds the times of each milestone and objective, queue figures per agency, the
critical-path split of each objective and what did not finish: a few hundred numbers, so that
100,000 replications fit in memory. Whole logs are kept only for a chosen few replications.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, cast

from drillsim.analysis.measure import LogIndex, Prepared, measure_prepared, prepare
from drillsim.analysis.paths import PathPart, path_parts
from drillsim.scenario.model import TASK_MEASURES
from drillsim.sim.compile import CompiledScenario
from drillsim.sim.records import EventKind, EventRecord, ReplicationResult

K = EventKind
Pairs = tuple[tuple[str, float], ...]
Parts = tuple[tuple[PathPart, float], ...]
_ID = attrgetter("id")


@dataclass(frozen=True, slots=True)
class QueueStats:
    """A duty desk or a unit pool over one replication.

    Attributes:
        served: Messages handled / pieces of work started.
        total_wait: Seconds spent waiting, summed over everything served.
        max_wait: The longest single wait.
        busy: Resource-seconds in use (officer-seconds or unit-seconds).
        max_queue: The longest queue (waiting, not yet served).
        max_queue_at: Scenario time the longest queue first formed.
        unserved: Messages or requests still waiting when the replication ended.
        waited: The positive waits of everything served, sorted, packed as float64 (see
            :attr:`waits`). Zero waits are not stored (there are ``served - len(waits)`` of them),
            so a desk or pool that never made anyone wait keeps an empty string: 8 bytes per
            wait, exact quantiles, instead of a histogram's binned ones.
        active: Seconds during which something was waiting at or being served by it (the union
            of each alert's or request's time from joining to the end of its service), so that
            ``busy / (capacity * active)`` is how busy it was while it had work.
    """

    served: int = 0
    total_wait: float = 0.0
    max_wait: float = 0.0
    busy: float = 0.0
    max_queue: int = 0
    max_queue_at: float = 0.0
    unserved: int = 0
    waited: bytes = b""
    active: float = 0.0

    @property
    def waits(self) -> Sequence[float]:
        """The positive waits in seconds, ascending (a read-only view of ``waited``)."""
        return memoryview(self.waited).cast("d")

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-able dict; the packed waits become a list of seconds."""
        return {**{k: getattr(self, k) for k in _QUEUE_NUMBERS}, "waited": list(self.waits)}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> QueueStats:
        """Inverse of :meth:`to_json`."""
        if not any(d.values()):
            return _IDLE
        return cls(**{k: d[k] for k in _QUEUE_NUMBERS}, waited=pack_waits(d["waited"]))


_QUEUE_NUMBERS = (
    "served",
    "total_wait",
    "max_wait",
    "busy",
    "max_queue",
    "max_queue_at",
    "unserved",
    "active",
)


def pack_waits(waits: Iterable[float]) -> bytes:
    """Positive waits, sorted, as packed float64 (the form :class:`QueueStats` keeps them in)."""
    return array("d", sorted(w for w in waits if w > 0)).tobytes()


@dataclass(frozen=True, slots=True)
class ObjectiveResult:
    """One objective in one replication: its time, whether met, and where its time went.

    ``parts`` holds the critical path's seconds per :class:`PathPart` (a category at an agency,
    on a link, or at no one), in the order of their text; the splits by category, agency and link
    are derived from it, so a summary stores each number once.
    """

    time: float | None
    met: bool
    parts: Parts = ()

    def _sum(self, key: Callable[[PathPart], str | None]) -> Pairs:
        out: dict[str, float] = {}
        for part, secs in self.parts:
            k = key(part)
            if k:
                out[k] = out.get(k, 0.0) + secs
        return tuple(sorted(out.items()))

    @property
    def split(self) -> Pairs:
        """Seconds per category."""
        return self._sum(lambda p: p.category)

    @property
    def agencies(self) -> Pairs:
        """Seconds per agency (desk, mobilisation, units, work)."""
        return self._sum(lambda p: p.agency)

    @property
    def links(self) -> Pairs:
        """Seconds per link (delay and retries)."""
        return self._sum(lambda p: p.place if p.link else None)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-able dict: each part as its text (``category@place``)."""
        return {
            "time": self.time,
            "met": self.met,
            "parts": [[str(p), secs] for p, secs in self.parts],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ObjectiveResult:
        """Inverse of :meth:`to_json`."""
        parts = tuple((PathPart.parse(str(k)), float(x)) for k, x in d["parts"])
        return cls(d["time"], d["met"], parts)


@dataclass(frozen=True, slots=True)
class ReplicationSummary:
    """Everything the statistics need from one replication.

    Agency and task tuples are in file order (a task's first start and last finish over all its
    incidents); ``instance_*`` tuples follow :func:`task_instances`: one (incident, task) pair
    per task an inject brings in, so a task's times can be counted from its own inject.
    """

    replication: int
    ended_by: str
    end_time: float
    events: int
    objectives: tuple[ObjectiveResult, ...]
    alerted: tuple[float | None, ...]
    activated: tuple[float | None, ...]
    on_scene: tuple[float | None, ...]
    task_start: tuple[float | None, ...]
    task_done: tuple[float | None, ...]
    instance_start: tuple[float | None, ...]
    instance_done: tuple[float | None, ...]
    desks: tuple[QueueStats, ...]
    units: tuple[QueueStats, ...]
    alerts_lost: int
    failed_tries: int
    duplicates: tuple[int, ...]
    unfinished: tuple[tuple[str, str, str], ...]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-able dict (tuples become lists)."""
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["objectives"] = [o.to_json() for o in self.objectives]
        d["desks"] = [q.to_json() for q in self.desks]
        d["units"] = [q.to_json() for q in self.units]
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ReplicationSummary:
        """Inverse of :meth:`to_json`."""

        objs = tuple(ObjectiveResult.from_json(o) for o in d["objectives"])
        return cls(
            replication=d["replication"],
            ended_by=d["ended_by"],
            end_time=d["end_time"],
            events=d["events"],
            objectives=objs,
            alerted=tuple(d["alerted"]),
            activated=tuple(d["activated"]),
            on_scene=tuple(d["on_scene"]),
            task_start=tuple(d["task_start"]),
            task_done=tuple(d["task_done"]),
            instance_start=tuple(d["instance_start"]),
            instance_done=tuple(d["instance_done"]),
            desks=tuple(QueueStats.from_json(q) for q in d["desks"]),
            units=tuple(QueueStats.from_json(q) for q in d["units"]),
            alerts_lost=d["alerts_lost"],
            failed_tries=d["failed_tries"],
            duplicates=tuple(d["duplicates"]),
            unfinished=tuple(tuple(u) for u in d["unfinished"]),
        )


def summarize(result: ReplicationResult, compiled: CompiledScenario) -> ReplicationSummary:
    """Reduce one replication's log to its summary (see :class:`Summarizer` for many)."""
    return Summarizer(compiled)(result)


class Summarizer:
    """Summaries of one compiled scenario's replications.

    What does not depend on the replication (ids, task instances, prepared objectives) is worked
    out once; each log is then read in one pass that groups its records by kind, and every figure
    is taken from the group it needs, so a summary costs time linear in the records (plus the
    agencies and tasks it lists), not records times agencies.
    """

    __slots__ = ("agencies", "compiled", "instances", "measured", "messages", "objectives", "tasks")

    def __init__(self, compiled: CompiledScenario) -> None:
        sc = compiled.scenario
        self.compiled = compiled
        self.agencies = [a.id for a in sc.agencies]
        self.tasks = [t.id for t in sc.tasks]
        self.instances = task_instances(compiled)
        self.messages = _messages(compiled)
        self.objectives = [prepare(o, sc) for o in sc.objectives]
        self.measured = [measured_task(o) for o in sc.objectives]

    def __call__(self, result: ReplicationResult) -> ReplicationSummary:
        """The summary of one replication of the scenario."""
        recs = result.records
        log = LogIndex(recs)
        by_kind = log.by_kind
        agencies = self.agencies
        alerts = _in_log_order(by_kind[K.DETECTED], by_kind[K.ALERTED])
        alerted = _first_times(alerts)
        activated = _first_times(by_kind[K.ACTIVATED])
        on_scene = _first_times(by_kind[K.ON_SCENE])
        duplicates = Counter(r.agency for r in by_kind[K.DUPLICATE_ALERT])
        started, done = by_kind[K.TASK_STARTED], by_kind[K.TASK_DONE]
        return ReplicationSummary(
            replication=result.replication,
            ended_by=result.ended_by,
            end_time=result.end_time,
            events=len(recs),
            objectives=tuple(
                _objective(log, p, t) for p, t in zip(self.objectives, self.measured, strict=True)
            ),
            alerted=tuple(alerted.get(a) for a in agencies),
            activated=tuple(activated.get(a) for a in agencies),
            on_scene=tuple(on_scene.get(a) for a in agencies),
            task_start=_task_times(started, self.tasks, first=True),
            task_done=_task_times(done, self.tasks, first=False),
            instance_start=_instance_times(started, self.instances),
            instance_done=_instance_times(done, self.instances),
            desks=desk_stats(recs, agencies, self.messages, log, alerts),
            units=unit_stats(recs, agencies, log),
            alerts_lost=len(by_kind[K.ALERT_LOST]),
            failed_tries=len(by_kind[K.TRY_FAILED]),
            duplicates=tuple(duplicates[a] for a in agencies),
            unfinished=tuple((u.task, u.incident, u.reason) for u in result.unfinished),
        )


def _messages(compiled: CompiledScenario) -> dict[str, int]:
    """Messages an agency's desk handles for each incident it knows: one per outgoing recipient."""
    return {a.id: len(a.out_edges) for a in compiled.agencies if a.out_edges}


def measured_task(objective: Any) -> str | None:
    """The task whose own work an objective measures (other tasks' work is a prerequisite)."""
    m = objective.measure
    return m.target if m.kind in TASK_MEASURES else None


def _objective(log: LogIndex, prepared: Prepared, task: str | None) -> ObjectiveResult:
    m = measure_prepared(log, prepared)
    if m.time is None or m.end is None:
        return ObjectiveResult(None, False)
    parts = path_parts(log.records, m.end, m.clock_start, task)
    return ObjectiveResult(m.time, m.met, _pairs(parts))


def _pairs(d: dict[PathPart, float]) -> Parts:
    return tuple(sorted(d.items(), key=lambda kv: str(kv[0])))


def _first_times(recs: list[EventRecord]) -> dict[str, float]:
    """Agency -> time of its first record in ``recs``."""
    first: dict[str, float] = {}
    for r in recs:
        if r.agency not in first:
            first[r.agency] = r.time  # type: ignore[index]
    return first


def _in_log_order(*groups: list[EventRecord]) -> list[EventRecord]:
    """The records of several kinds' groups, merged back into log order."""
    return sorted((r for g in groups for r in g), key=_ID)


def _task_times(recs: list[EventRecord], tasks: list[str], first: bool) -> tuple[float | None, ...]:
    """Per task, the time of its first (``first``) or last record in ``recs``."""
    found: dict[str, float] = {}
    for r in recs:
        if r.task is not None and (not first or r.task not in found):
            found[r.task] = r.time
    return tuple(found.get(t) for t in tasks)


def task_instances(compiled: CompiledScenario) -> tuple[tuple[str, str], ...]:
    """(incident id, task id) of every task an inject brings in, prerequisites included:
    incidents in time order, their tasks in file order (the engine's own task instances)."""
    return tuple((inc.id, compiled.tasks[t].id) for inc in compiled.incidents for t in inc.tasks)


def _instance_times(
    recs: list[EventRecord], instances: tuple[tuple[str, str], ...]
) -> tuple[float | None, ...]:
    """Time of the first of ``recs`` for each (incident, task) instance."""
    found: dict[tuple[str, str], float] = {}
    for r in recs:
        if r.task is not None and r.incident is not None:
            found.setdefault((r.incident, r.task), r.time)
    return tuple(found.get(i) for i in instances)


def _queue(entries: list[tuple[float, int]]) -> tuple[int, float]:
    """Longest queue and when it first formed, from (+1 at join, -1 at service) events."""
    longest, at, length = 0, 0.0, 0
    for t, step in sorted(entries):
        length += step
        if length > longest:
            longest, at = length, t
    return longest, at


def desk_stats(
    recs: Sequence[EventRecord],
    agencies: list[str],
    messages: dict[str, int] | None = None,
    log: LogIndex | None = None,
    alerts: list[EventRecord] | None = None,
) -> tuple[QueueStats, ...]:
    """Duty-desk figures per agency: a message queues from its sender's alert to HANDLING_STARTED.

    ``messages`` gives each agency's messages per incident it knows (its outgoing recipients);
    with it, messages not yet taken up when the run ended are counted as ``unserved``. ``log``
    and ``alerts`` its DETECTED and ALERTED records in log order, when the caller has them.
    """
    by_kind = (log or LogIndex(recs)).by_kind
    sent = {r.cause: r.time for r in by_kind[K.MESSAGE_SENT]}
    end = recs[-1].time if recs else 0.0
    acc = _Accs(agencies)
    handled: dict[int, int] = {}  # alert record -> its messages taken up
    for r in by_kind[K.HANDLING_STARTED]:
        a = acc.get(r.agency)  # type: ignore[arg-type]
        if a is not None:
            cause = cast(int, r.cause)  # handling always answers a message record
            done = sent.get(r.id, r.time)
            a.serve(recs[cause].time, r.time, done - r.time, done)
            handled[cause] = handled.get(cause, 0) + 1
    if messages:
        if alerts is None:
            alerts = _in_log_order(by_kind[K.DETECTED], by_kind[K.ALERTED])
        for r in alerts:
            a = acc.get(r.agency)  # type: ignore[arg-type]
            if a is not None:
                for _ in range(messages.get(r.agency, 0) - handled.get(r.id, 0)):  # type: ignore[arg-type]
                    a.left_waiting(r.time, end)
    return acc.stats(agencies)


def unit_stats(
    recs: Sequence[EventRecord], agencies: list[str], log: LogIndex | None = None
) -> tuple[QueueStats, ...]:
    """Unit figures per agency: work queues from when it could start but for units (its cause:
    the TASK_READY, or the agency's ON_SCENE when that came later)."""
    by_kind = (log or LogIndex(recs)).by_kind
    finish = {r.cause: r.time for r in by_kind[K.TASK_FINISHED]}
    end = recs[-1].time if recs else 0.0
    acc = _Accs(agencies)
    started_ready = set()
    for r in by_kind[K.TASK_STARTED]:
        a = acc.get(r.agency)  # type: ignore[arg-type]
        if a is not None:
            done = finish.get(r.id, end)
            a.serve(recs[r.cause].time, r.time, r.units * (done - r.time), done)  # type: ignore[index]
            started_ready.add((r.task, r.incident, r.casualty))
    for r in by_kind[K.TASK_READY]:  # ready work that never got units is still queued at the end
        if (r.task, r.incident, r.casualty) not in started_ready:
            a = acc.get(r.agency)  # type: ignore[arg-type]
            if a is not None:
                a.left_waiting(r.time, end)
    return acc.stats(agencies)


class _Accs:
    """The accumulators of the desks or pools of the listed agencies, made on first use (most
    agencies of a large graph have no traffic: they share the idle figures)."""

    __slots__ = ("_accs", "_known")

    def __init__(self, agencies: list[str]) -> None:
        self._known = set(agencies)
        self._accs: dict[str, _Acc] = {}

    def get(self, agency: str) -> _Acc | None:
        """The accumulator of ``agency``; None for an agency not listed."""
        acc = self._accs.get(agency)
        if acc is None and agency in self._known:
            acc = self._accs[agency] = _Acc()
        return acc

    def stats(self, agencies: list[str]) -> tuple[QueueStats, ...]:
        """The figures of each listed agency, in order."""
        accs = self._accs
        return tuple(accs[a].stats() if a in accs else _IDLE for a in agencies)


class _Acc:
    """What one desk or pool accumulates while the log is read."""

    __slots__ = ("busy", "longest", "served", "spans", "steps", "total", "unserved", "waits")

    def __init__(self) -> None:
        self.served, self.total, self.longest, self.busy, self.unserved = 0, 0.0, 0.0, 0.0, 0
        self.waits: list[float] = []
        self.steps: list[tuple[float, int]] = []  # +1 at joining the queue, -1 at service
        self.spans: list[tuple[float, float]] = []  # from joining to the end of service

    def serve(self, joined: float, started: float, busy: float, done: float) -> None:
        wait = started - joined
        self.spans.append((joined, done))
        self.served += 1
        self.total += wait
        self.longest = max(self.longest, wait)
        self.busy += busy
        if wait > 0:  # a zero wait never joined the queue
            self.waits.append(wait)
            self.steps.append((joined, 1))
            self.steps.append((started, -1))

    def left_waiting(self, joined: float, end: float) -> None:
        self.unserved += 1
        self.spans.append((joined, end))
        self.steps.append((joined, 1))

    def stats(self) -> QueueStats:
        if not self.served and not self.steps:
            return _IDLE  # one shared object for every idle desk or pool: summaries stay small
        longest, at = _queue(self.steps)
        return QueueStats(
            self.served,
            self.total,
            self.longest,
            self.busy,
            longest,
            at,
            self.unserved,
            pack_waits(self.waits),
            _union(self.spans),
        )


def _union(spans: list[tuple[float, float]]) -> float:
    """Total length of the union of the intervals."""
    total, reach = 0.0, float("-inf")
    for lo, hi in sorted(spans):
        if hi > reach:
            total += hi - max(lo, reach)
            reach = hi
    return total


_IDLE = QueueStats()
