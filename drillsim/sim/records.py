"""The event log: flat, typed, causal records written by the engine's own processes.

Every record names the record that enabled it (``cause``), so the chain of events behind any
outcome (its critical path) can be walked back to the inject. Fields are accessed by name only;
``LOG_FORMAT`` is bumped whenever a field or kind changes meaning.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Literal

LOG_FORMAT = 1
"""Version of the event-log schema (JSON Lines / CSV columns)."""


class EventKind(StrEnum):
    """What happened. The comment says which record is the ``cause``."""

    INJECT = "inject"  # an incident fires (cause: none)
    DETECTED = "detected"  # the detecting agency knows (cause: inject)
    HANDLING_STARTED = (
        "handling_started"  # a duty officer takes up an alert (cause: the sender's alert,
    )
    #                                        so the wait at the desk is the time between the two)
    MESSAGE_SENT = (
        "message_sent"  # handled; first try goes out on the main channel (cause: handling)
    )
    TRY_FAILED = "try_failed"  # a try did not get through (cause: the try)
    RETRY_SENT = "retry_sent"  # a further try, detail says the channel (cause: failed try)
    ALERT_LOST = "alert_lost"  # every try spent; the sender gives up (cause: last failed try)
    ALERTED = "alerted"  # the first alert of an incident reaches an agency (cause: the try)
    DUPLICATE_ALERT = "duplicate_alert"  # a later copy over a redundant path (cause: the try)
    ACTIVATED = "activated"  # the agency mobilises (cause: its first alert)
    ON_SCENE = "on_scene"  # ready to work at the incident (cause: activated or alerted)
    TASK_READY = "task_ready"  # trigger, prerequisites and an agency ready; waits for units
    TASK_STARTED = "task_started"  # units taken (cause: ready, or the agency that became ready)
    TASK_FINISHED = "task_finished"  # one piece of work done, units freed (cause: started)
    TASK_DONE = "task_done"  # all work of a task for an incident done (cause: last finished)
    UNFINISHED = "unfinished"  # at the end of a run: what never finished and why
    LIMIT = "limit"  # the run hit a protective limit and stopped


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One step of the response.

    Attributes:
        id: Sequence number within the replication (0, 1, 2, ...).
        time: Scenario seconds since the exercise start.
        kind: What happened.
        agency: The agency acting (the sender, for message records).
        link: ``from->to`` for message records.
        task: Task id for task records.
        incident: The incident (inject) this step belongs to.
        casualty: ``red-2`` style id for per-casualty work.
        cause: Id of the record that enabled this one (None for injects).
        units: Units taken (TASK_STARTED) or freed (TASK_FINISHED).
        detail: Short free text (channel, reason).
    """

    id: int
    time: float
    kind: EventKind
    agency: str | None = None
    link: str | None = None
    task: str | None = None
    incident: str | None = None
    casualty: str | None = None
    cause: int | None = None
    units: int = 0
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON Lines / CSV."""
        d = asdict(self)
        d["kind"] = self.kind.value
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EventRecord:
        """Inverse of :meth:`to_dict`."""
        return cls(**{**d, "kind": EventKind(d["kind"])})


RECORD_FIELDS: tuple[str, ...] = tuple(EventRecord.__dataclass_fields__)

EndReason = Literal["complete", "horizon", "event_limit"]


@dataclass(frozen=True, slots=True)
class Unfinished:
    """A triggered task (or casualty flow) that did not finish, with the reason in plain words."""

    task: str
    incident: str
    reason: str
    casualties: int = 0


@dataclass(frozen=True, slots=True)
class ReplicationResult:
    """What one replication produced: the log and how it ended.

    Attributes:
        replication: Index within the run.
        run_seed: The run's seed; with ``replication`` it reproduces this result exactly.
        end_time: Scenario time of the last event (or the horizon).
        ended_by: ``complete`` (nothing more could happen), ``horizon`` or ``event_limit``.
        records: The whole event log, in time order.
        unfinished: Triggered tasks that did not finish, with reasons.
    """

    replication: int
    run_seed: int
    end_time: float
    ended_by: EndReason
    records: tuple[EventRecord, ...]
    unfinished: tuple[Unfinished, ...] = field(default=())
