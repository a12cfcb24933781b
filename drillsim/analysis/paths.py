"""Critical paths: the chain of events that actually determined an outcome's time.

Walk back from the outcome's record through ``cause`` links to the inject. Each step of the
chain (cause -> effect) is one segment of time, put in a category by what the effect was. The
segments are clipped to the objective's clock start, so they add up exactly to the measured time.
"""

from __future__ import annotations

import sys
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

CATEGORY_LABELS: dict[str, str] = {
    "detection": "detection",
    "handling": "message handling at a duty desk",
    "link": "link delay",
    "retries": "failed tries and retries",
    "activation": "activation",
    "travel": "travel",
    "units": "waiting for units",
    "prerequisite": "waiting for a prerequisite",
    "work": "doing the work",
    "before_inject": "before the inject",
}

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


def split(segments: Sequence[Segment]) -> dict[str, float]:
    """Seconds per category (only categories with time)."""
    out: dict[str, float] = {}
    for s in segments:
        if s.duration > 0:
            out[s.category] = out.get(s.category, 0.0) + s.duration
    return out


def by_agency(segments: Sequence[Segment]) -> dict[str, float]:
    """Seconds per agency (desk, mobilisation, units, work)."""
    out: dict[str, float] = {}
    for s in segments:
        if s.agency and s.duration > 0:
            out[s.agency] = out.get(s.agency, 0.0) + s.duration
    return out


def by_link(segments: Sequence[Segment]) -> dict[str, float]:
    """Seconds per link (delay and retries)."""
    out: dict[str, float] = {}
    for s in segments:
        if s.link and s.duration > 0:
            out[s.link] = out.get(s.link, 0.0) + s.duration
    return out


def by_part(segments: Sequence[Segment]) -> dict[str, float]:
    """Seconds per ``category@agency`` (``category@from->to`` for links, ``category@`` for time that
    belongs to no one): what to fix, and where. Sums to the path's length, so the splits by
    category, agency and link can all be derived from it (see ``summary.ObjectiveResult``)."""
    out: dict[str, float] = {}
    for s in segments:
        if s.duration > 0:
            key = sys.intern(
                f"{s.category}@{s.link or s.agency or ''}"
            )  # interned: kept per replication
            out[key] = out.get(key, 0.0) + s.duration
    return out
