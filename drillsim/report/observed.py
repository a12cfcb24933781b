"""After the live drill: where each observed time falls in the simulated distribution.

The CSV has the columns ``agency,event,time``: ``event`` is one of alerted, activated,
on_scene, task_started, task_done (for tasks, ``agency`` holds the task id). ``time`` is read as
``drillsim msel import`` reads a scenario time (:func:`drillsim.msel.times.read_time`):

- ``35m``, ``1h30m``: a duration since the exercise start;
- ``H+0:35``, ``T+0:35``, ``+00:35``, ``H+2``, ``M+30``, ``D+1 H+2``: a time relative to the start;
- ``09:50``, ``9:50:30``, ``9h50``, ``9:50 AM``, ``2025-05-14 09:50``: the clock time seen on the
  day, counted from ``start`` (``drillsim report --start HH:MM``). A clock time needs ``start``,
  and must not be before it; rows with dates count whole days from the earliest date.

Every unreadable cell is reported at once as ``file:row: ... in column X`` (an InputError).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from drillsim.analysis.stats import quantile
from drillsim.errors import InputError
from drillsim.msel.times import SheetTime, clock_seconds, first_day, hhmm, read_time
from drillsim.report.data import ReportData
from drillsim.results_io import BASE

EVENTS = ("alerted", "activated", "on_scene", "task_started", "task_done")
_FIELDS = {"alerted": "alerted", "activated": "activated", "on_scene": "on_scene",
           "task_started": "task_start", "task_done": "task_done"}


def observed_rows(d: ReportData, path: Path, start: float | None = None) -> list[dict[str, Any]]:
    """Read the observations and place each in the simulated distribution of the base run."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the observations ({exc}); save it as UTF-8 CSV") from None
    reader = csv.DictReader(text.splitlines())
    missing = {"agency", "event", "time"} - set(reader.fieldnames or ())
    if missing:
        raise InputError(f"{path}:1: missing column(s) {', '.join(sorted(missing))}; "
                         "the header must be agency,event,time")
    records = list(enumerate(reader, start=2))
    times: dict[int, SheetTime] = {}
    errors: list[tuple[int, str]] = []
    for n, rec in records:
        try:
            times[n] = _time(rec.get("time"), start)
        except ValueError as exc:
            errors.append((n, str(exc)))
    first = first_day(times.values())
    rows = []
    for n, rec in records:
        try:
            who, event = _who(d, rec)
            if n in times:
                at = _since_start(times[n], (rec.get("time") or "").strip(), start, first)
                rows.append(_row(d, who, event, at))
        except ValueError as exc:
            errors.append((n, str(exc)))
    if errors:
        errors.sort(key=lambda e: e[0])
        raise InputError("\n".join(f"{path}:{n}: {msg}" for n, msg in errors))
    return rows


def _time(cell: str | None, start: float | None) -> SheetTime:
    text = (cell or "").strip()
    if not text:
        raise ValueError("no time in column time; write it as 35m, H+0:35 or a clock time such as 09:35")
    try:
        t = read_time(text)
    except ValueError as exc:
        raise ValueError(f"{exc} in column time; write a duration (35m), a relative time (H+0:35) "
                         "or a clock time (09:35) with --start") from None
    if t.clock and start is None:
        raise ValueError(f"{text!r} in column time is a clock time; pass --start HH:MM (the clock time "
                         "the exercise started) to count it from the start, or write H+0:35 or 35m")
    return t


def _since_start(t: SheetTime, text: str, start: float | None, first: int) -> float:
    """Seconds since the exercise start; clock times count from ``start``."""
    if not t.clock or start is None:
        return t.seconds
    at = clock_seconds(t, first) - start
    if at < 0:
        raise ValueError(f"{text!r} in column time is before the exercise start {hhmm(start)} "
                         "(--start); pass an earlier --start, or correct the time")
    return at


def _who(d: ReportData, rec: dict[str, str]) -> tuple[str, str]:
    who, event = (rec.get("agency") or "").strip(), (rec.get("event") or "").strip()
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r} in column event; use one of {', '.join(EVENTS)}")
    kind, pool = _pool(d, event)
    ids = [x.id for x in pool]
    if who not in ids:
        raise ValueError(f"unknown {kind} {who!r} in column agency; use one of {', '.join(ids)}")
    return who, event


def _pool(d: ReportData, event: str) -> tuple[str, Sequence[Any]]:
    """What the agency column names for this event: a task for task events, else an agency."""
    return ("task", d.scenario.tasks) if event.startswith("task") else ("agency", d.scenario.agencies)


def _row(d: ReportData, who: str, event: str, observed: float) -> dict[str, Any]:
    pool = _pool(d, event)[1]
    idx = [x.id for x in pool].index(who)
    base = d.run.summaries.get(BASE, [])
    times = (getattr(s, _FIELDS[event])[idx] for s in base)
    sims = sorted(v if v is not None else float("inf") for v in times)
    below = sum(1 for v in sims if v < observed) + 0.5 * sum(1 for v in sims if v == observed)
    pct = 100.0 * below / len(sims) if sims else None
    verdict = "as_planned" if pct is None or 25 <= pct <= 75 else ("faster" if pct < 25 else "slower")
    fin = [v for v in sims if v != float("inf")]
    return {"agency": who, "name": pool[idx].label, "event": event, "observed": observed,
            "median": _finite(quantile(sims, 0.5)) if sims else None,
            "p10": _finite(quantile(sims, 0.1)) if sims else None,
            "p90": _finite(quantile(sims, 0.9)) if sims else None,
            "percentile": pct, "percentile_text": "—" if pct is None else f"p{pct:.0f}",
            "verdict": verdict, "reached": len(fin)}


def _finite(x: float) -> float | None:
    return None if x == float("inf") else x
