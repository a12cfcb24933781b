"""Critical paths: the chain of events that actually determined an outcome's time.

Walk back from the outcome's record through ``cause`` links to the inject. Each step of the
chain (cause -> effect) is one segment of time, put in a category by what the effect was. The
segments are clipped to the objective's clock start, so they add up exactly to the measured time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from drillsim.sim.records import EventKind, EventRecord

K = EventKind

CATEGORIES: tuple[str, ...] = (
    "detection",
    "handling",
    "link",
    "retries",
    "activation",
    "travel",
    "units",
    "prerequisite",
    "work",
    "before_inject",
)
"""Where time goes, in the order of a response. ``before_inject`` only appears when the clock
starts before the inject at the root of the chain (objectives measured from an earlier inject)."""

_BY_KIND = {
    K.DETECTED: "detection",
    K.HANDLING_STARTED: "handling",
    K.MESSAGE_SENT: "handling",
    K.ALERTED: "link",
    K.DUPLICATE_ALERT: "link",
    K.TRY_FAILED: "retries",
    K.RETRY_SENT: "retries",
    K.ALERT_LOST: "retries",
    K.ACTIVATED: "activation",
    K.ON_SCENE: "travel",
    K.TASK_READY: "prerequisite",
    K.TASK_STARTED: "units",
    K.TASK_FINISHED: "work",
    K.TASK_DONE: "work",
}


@dataclass(frozen=True, slots=True)
class Segment:
    """One step of a critical path.

    Attributes:
        start: Scenario time the step began (the cause's time, clipped to the clock start).
        end: Scenario time of the effect.
        category: One of :data:`CATEGORIES`.
        agency: The agency whose desk, mobilisation, units or work the time belongs to.
        link: ``from->to`` for link delay and retries.
        record: Id of the effect record.
    """

    start: float
    end: float
    category: str
    agency: str | None
    link: str | None
    record: int

    @property
    def duration(self) -> float:
        """Length of the step in seconds."""
        return self.end - self.start


def chain(records: Sequence[EventRecord], end: int) -> list[EventRecord]:
    """Records from the root (an inject) to ``end``, following ``cause`` links."""
    out = []
    rid: int | None = end
    while rid is not None:
        r = records[rid]
        out.append(r)
        rid = r.cause
    out.reverse()
    return out


def critical_path(
    records: Sequence[EventRecord], end: int, clock_start: float, measured_task: str | None = None
) -> list[Segment]:
    """Segments of the chain behind record ``end``, clipped to ``clock_start``.

    Work on a task other than ``measured_task`` counts as waiting for a prerequisite: from the
    objective's point of view, that is what it was.
    """
    steps = chain(records, end)
    segments: list[Segment] = []
    root = steps[0]
    if root.time > clock_start:
        segments.append(Segment(clock_start, root.time, "before_inject", None, None, root.id))
    for cause, effect in pairwise(steps):
        lo = max(cause.time, clock_start)
        if effect.time <= lo:
            if effect.time < clock_start:
                continue
            lo = effect.time
        segments.append(_segment(effect, lo, measured_task))
    return segments


def _segment(effect: EventRecord, start: float, measured_task: str | None) -> Segment:
    category = _BY_KIND.get(effect.kind, "work")
    link = effect.link if category in ("link", "retries") else None
    agency = None if link else effect.agency
    if category == "work" and measured_task is not None and effect.task != measured_task:
        category = "prerequisite"
    return Segment(start, effect.time, category, agency, link, effect.id)


@dataclass(frozen=True, slots=True)
class PathPart:
    """Where a share of a critical path's time went: a category at an agency, on a link, or at no
    one (``before_inject``). Written ``category@agency``, ``category@from->to`` or ``category@``
    in the summaries (:meth:`parse` and ``str`` convert, nowhere else)."""

    category: str
    agency: str | None = None
    link: tuple[str, str] | None = None

    @property
    def place(self) -> str:
        """The agency id, ``from->to``, or empty."""
        if self.link is not None:
            return f"{self.link[0]}->{self.link[1]}"
        return self.agency or ""

    def __str__(self) -> str:
        return f"{self.category}@{self.place}"

    @staticmethod
    def parse(text: str) -> PathPart:
        """The part written as ``text`` (the form :meth:`__str__` gives)."""
        known = _PARSED.get(text)
        if known is None:
            category, at, place = text.partition("@")
            if not at or not category:
                raise ValueError(f"not a critical-path part (category@place): {text!r}")
            known = _PARSED[text] = _part(category, place)
        return known


def _part(category: str, place: str) -> PathPart:
    src, arrow, dst = place.partition("->")
    if arrow:
        return PathPart(category, None, (src, dst))
    return PathPart(category, place or None, None)


_PARSED: dict[str, PathPart] = {}
"""One object per part text: a summary keeps its parts for every replication."""
_MADE: dict[tuple[str, str | None, str | None], PathPart] = {}


def part_of(segment: Segment) -> PathPart:
    """The part a segment's time belongs to: its link if it has one, else its agency."""
    key = (segment.category, segment.agency, segment.link)
    known = _MADE.get(key)
    if known is None:
        known = _MADE[key] = _part(segment.category, segment.link or segment.agency or "")
    return known


def path_parts(
    records: Sequence[EventRecord], end: int, clock_start: float, measured_task: str | None = None
) -> dict[PathPart, float]:
    """``by_part(critical_path(records, end, clock_start, measured_task))``, the same sums in the
    same order, without building the segments: every replication's summary needs it per
    objective."""
    steps = chain(records, end)
    out: dict[PathPart, float] = {}
    root = steps[0]
    if root.time > clock_start:
        key = _made("before_inject", None, None)
        out[key] = root.time - clock_start
    for cause, effect in pairwise(steps):
        lo = max(cause.time, clock_start)
        if effect.time <= lo:
            continue  # clipped away, or no time taken
        category = _BY_KIND.get(effect.kind, "work")
        link = effect.link if category in ("link", "retries") else None
        agency = None if link else effect.agency
        if category == "work" and measured_task is not None and effect.task != measured_task:
            category = "prerequisite"
        key = _made(category, agency, link)
        out[key] = out.get(key, 0.0) + (effect.time - lo)
    return out


def _made(category: str, agency: str | None, link: str | None) -> PathPart:
    """The part of a segment of that category, agency and link (one object per part)."""
    known = _MADE.get((category, agency, link))
    if known is None:
        known = _MADE[(category, agency, link)] = _part(category, link or agency or "")
    return known


def by_part(segments: Sequence[Segment]) -> dict[PathPart, float]:
    """Seconds per part (category at an agency, on a link, or at no one): what to fix, and where.
    Sums to the path's length, so the splits by category, agency and link can all be derived
    from it (see ``summary.ObjectiveResult``)."""
    out: dict[PathPart, float] = {}
    for s in segments:
        if s.duration > 0:
            key = part_of(s)
            out[key] = out.get(key, 0.0) + s.duration
    return out
