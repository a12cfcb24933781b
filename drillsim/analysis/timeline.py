"""A readable timeline of one replication for the terminal (plain text, no colour codes)."""

from __future__ import annotations

from collections.abc import Sequence

from drillsim.scenario.durations import clock, format_duration
from drillsim.scenario.model import Scenario
from drillsim.sim.records import EventKind, EventRecord

K = EventKind


def describe(r: EventRecord, records: Sequence[EventRecord], names: dict[str, str]) -> str:
    """One line of what happened, in a trainer's words."""
    target = names.get(r.link.split("->")[1], r.link.split("->")[1]) if r.link else ""
    sender = names.get(r.link.split("->")[0], "") if r.link else ""
    waited = r.time - records[r.cause].time if r.cause is not None else 0.0
    case = f" [{r.casualty}]" if r.casualty else ""
    text = {
        K.INJECT: f"inject {r.incident}",
        K.DETECTED: f"detects {r.incident}",
        K.HANDLING_STARTED: f"duty desk takes up the alert to {target}"
        + (f" (queued {format_duration(round(waited))})" if waited >= 1 else ""),
        K.MESSAGE_SENT: f"sends the alert to {target} by {r.detail}",
        K.TRY_FAILED: f"alert to {target} did not get through ({r.detail})",
        K.RETRY_SENT: f"tries {target} again ({r.detail})",
        K.ALERT_LOST: f"gives up alerting {target} ({r.detail})",
        K.ALERTED: f"alerted by {sender} ({r.detail})",
        K.DUPLICATE_ALERT: f"gets the same alert again from {sender}",
        K.ACTIVATED: "activates",
        K.ON_SCENE: "ready at base" if r.detail == "works from base" else "on scene",
        K.TASK_READY: f"{r.task}{case} could start: waiting for units",
        K.TASK_STARTED: f"starts {r.task}{case} with {r.units} unit(s)",
        K.TASK_FINISHED: f"finishes {r.task}{case}",
        K.TASK_DONE: f"{r.task} done" + (f" ({r.detail})" if r.detail else ""),
        K.UNFINISHED: f"NOT FINISHED {r.task} ({r.incident}): {r.detail}",
        K.LIMIT: r.detail,
    }[r.kind]
    return text


def timeline(
    records: Sequence[EventRecord], scenario: Scenario, *, verbose: bool = False
) -> list[str]:
    """Lines ``H:MM:SS  agency  what happened``; without ``verbose``, desk and ready steps are skipped."""
    names = {a.id: a.label for a in scenario.agencies}
    several = len(scenario.incidents) > 1
    quiet = {K.HANDLING_STARTED, K.TASK_READY, K.TASK_FINISHED}
    rows = []
    for r in records:
        if r.kind in quiet and not verbose:
            continue
        who = names.get(r.agency or "", r.agency or "")
        what = describe(r, records, names)
        if several and r.incident and r.kind not in (K.INJECT, K.DETECTED, K.UNFINISHED):
            what += f" [{r.incident}]"
        rows.append((clock(r.time), who, what))
    width = min(40, max((len(w) for _, w, _ in rows), default=0))
    return [f"{t:>8}  {w:<{width}}  {what}" for t, w, what in rows]
