"""A readable timeline of one replication for the terminal (plain text, no colour codes).

The words around the event log's details are said in the reader's language; the details
themselves (a channel, a reason) are the engine's, as the event log records them.
"""

from __future__ import annotations

from collections.abc import Sequence

from drillsim.i18n import Msg
from drillsim.scenario.durations import clock, format_duration
from drillsim.scenario.model import Scenario
from drillsim.sim.records import EventKind, EventRecord

K = EventKind


def describe(r: EventRecord, records: Sequence[EventRecord], names: dict[str, str]) -> Msg | str:
    """One line of what happened, in a trainer's words."""
    target = names.get(r.link.split("->")[1], r.link.split("->")[1]) if r.link else ""
    sender = names.get(r.link.split("->")[0], "") if r.link else ""
    waited = r.time - records[r.cause].time if r.cause is not None else 0.0
    case = f" [{r.casualty}]" if r.casualty else ""
    queued = Msg("timeline.queued", wait=format_duration(round(waited))) if waited >= 1 else ""
    done = Msg("timeline.done_detail", detail=r.detail) if r.detail else ""
    at_base = r.detail == "works from base"
    fields = {
        "incident": r.incident or "",
        "target": target,
        "sender": sender,
        "detail": r.detail,
        "task": r.task or "",
        "case": case,
    }
    text: dict[EventKind, Msg | str] = {
        K.INJECT: Msg("timeline.inject", **fields),
        K.DETECTED: Msg("timeline.detected", **fields),
        K.HANDLING_STARTED: Msg("timeline.handling_started", queued=queued, **fields),
        K.MESSAGE_SENT: Msg("timeline.message_sent", **fields),
        K.TRY_FAILED: Msg("timeline.try_failed", **fields),
        K.RETRY_SENT: Msg("timeline.retry_sent", **fields),
        K.ALERT_LOST: Msg("timeline.alert_lost", **fields),
        K.ALERTED: Msg("timeline.alerted", **fields),
        K.DUPLICATE_ALERT: Msg("timeline.duplicate_alert", **fields),
        K.ACTIVATED: Msg("timeline.activated"),
        K.ON_SCENE: Msg("timeline.ready_at_base") if at_base else Msg("timeline.on_scene"),
        K.TASK_READY: Msg("timeline.task_ready", **fields),
        K.TASK_STARTED: Msg("timeline.task_started", units=str(r.units), **fields),
        K.TASK_FINISHED: Msg("timeline.task_finished", **fields),
        K.TASK_DONE: Msg("timeline.task_done", done=done, **fields),
        K.UNFINISHED: Msg("timeline.unfinished", **fields),
        K.LIMIT: r.detail,
    }
    return text[r.kind]


def timeline(
    records: Sequence[EventRecord], scenario: Scenario, *, verbose: bool = False, lang: str = "en"
) -> list[str]:
    """Lines ``H:MM:SS  agency  what happened`` in ``lang``; without ``verbose``, desk and ready
    steps are skipped."""
    names = {a.id: a.label for a in scenario.agencies}
    several = len(scenario.incidents) > 1
    quiet = {K.HANDLING_STARTED, K.TASK_READY, K.TASK_FINISHED}
    rows = []
    for r in records:
        if r.kind in quiet and not verbose:
            continue
        who = names.get(r.agency or "", r.agency or "")
        what = describe(r, records, names)
        what = what.say(lang) if isinstance(what, Msg) else what
        if several and r.incident and r.kind not in (K.INJECT, K.DETECTED, K.UNFINISHED):
            what += f" [{r.incident}]"
        rows.append((clock(r.time), who, what))
    width = min(40, max((len(w) for _, w, _ in rows), default=0))
    return [f"{t:>8}  {w:<{width}}  {what}" for t, w, what in rows]
