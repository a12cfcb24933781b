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

import bisect
import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from drillsim.analysis.stats import quantile
from drillsim.errors import InputError
from drillsim.i18n import N_
from drillsim.msel.header import shown
from drillsim.msel.times import SheetTime, clock_seconds, first_day, hhmm, read_time
from drillsim.report.data import ReportData
from drillsim.scenario import limits
from drillsim.scenario.variants import BASE

EVENTS = (N_("alerted"), N_("activated"), N_("on_scene"), N_("task_started"), N_("task_done"))
_FIELDS = {
    "alerted": "alerted",
    "activated": "activated",
    "on_scene": "on_scene",
    "task_started": "task_start",
    "task_done": "task_done",
}


MAX_ERRORS = 50
"""Problems listed at most (then a count): a wrong file gives one line per row otherwise."""


def observed_rows(d: ReportData, path: Path, start: float | None = None) -> list[dict[str, Any]]:
    """Read the observations and place each in the simulated distribution of the base run."""
    records = _records(path)
    times: dict[int, SheetTime] = {}
    errors: list[tuple[int, str]] = []
    for n, rec in records:
        try:
            times[n] = _time(rec.get("time"), start)
        except ValueError as exc:
            errors.append((n, str(exc)))
    first = first_day(times.values())
    place = _Placer(d)
    rows = []
    for n, rec in records:
        try:
            who, event = place.who(rec)
            if n in times:
                at = _since_start(times[n], (rec.get("time") or "").strip(), start, first)
                rows.append(place.row(who, event, at))
        except ValueError as exc:
            errors.append((n, str(exc)))
    if errors:
        errors.sort(key=lambda e: e[0])
        more = (
            [f"{path}: and {len(errors) - MAX_ERRORS:,} more problem(s)"]
            if len(errors) > MAX_ERRORS
            else []
        )
        raise InputError("\n".join([f"{path}:{n}: {msg}" for n, msg in errors[:MAX_ERRORS]] + more))
    return rows


def _records(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The CSV's rows as (line, cells by column), within the size and row limits."""
    size_limit, row_limit = limits.OBSERVED_BYTES.value(), limits.OBSERVED_ROWS.value()
    try:
        size = path.stat().st_size
        if size > size_limit:
            raise InputError(
                f"{path}: the observations file is {size:,} bytes, over the limit of {size_limit:,}; "
                f"a live drill's observations are a few hundred rows (set {limits.OBSERVED_BYTES.env} "
                "to raise the limit)"
            )
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{path}: cannot read the observations ({exc}); save it as UTF-8 CSV"
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        missing = {"agency", "event", "time"} - set(reader.fieldnames or ())
        if missing:
            raise InputError(
                f"{path}:1: missing column(s) {', '.join(sorted(missing))}; "
                "the header must be agency,event,time"
            )
        records: list[tuple[int, dict[str, str]]] = []
        line = reader.line_num + 1
        for rec in reader:
            if len(records) == row_limit:
                raise InputError(
                    f"{path}: more than {row_limit:,} observations, over the limit of {row_limit:,}; "
                    f"set {limits.OBSERVED_ROWS.env} to raise it"
                )
            records.append((line, rec))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(
            f"{path}:{line}: not a readable CSV file ({exc}); a cell holds an agency or "
            "task id, an event or a time of a few characters"
        ) from None
    return records


def _time(cell: str | None, start: float | None) -> SheetTime:
    text = (cell or "").strip()
    if not text:
        raise ValueError(
            "no time in column time; write it as 35m, H+0:35 or a clock time such as 09:35"
        )
    try:
        t = read_time(text)
    except ValueError as exc:
        raise ValueError(
            f"{exc} in column time; write a duration (35m), a relative time (H+0:35) "
            "or a clock time (09:35) with --start"
        ) from None
    if t.clock and start is None:
        raise ValueError(
            f"{shown(text)} in column time is a clock time; pass --start HH:MM (the clock time "
            "the exercise started) to count it from the start, or write H+0:35 or 35m"
        )
    return t


def _since_start(t: SheetTime, text: str, start: float | None, first: int) -> float:
    """Seconds since the exercise start; clock times count from ``start``."""
    if not t.clock or start is None:
        return t.seconds
    at = clock_seconds(t, first) - start
    if at < 0:
        raise ValueError(
            f"{shown(text)} in column time is before the exercise start {hhmm(start)} "
            "(--start); pass an earlier --start, or correct the time"
        )
    return at


def _pool(d: ReportData, event: str) -> tuple[str, Sequence[Any]]:
    """What the agency column names for this event: a task for task events, else an agency."""
    return (
        ("task", d.scenario.tasks) if event.startswith("task") else ("agency", d.scenario.agencies)
    )


class _Placer:
    """Places observations in the base run's distributions: each id's position and each sorted
    distribution computed once, so a file costs linear time in its rows."""

    def __init__(self, d: ReportData) -> None:
        self.d = d
        self.index = {
            kind: {x.id: i for i, x in enumerate(pool)}
            for kind, pool in (_pool(d, "task_done"), _pool(d, "alerted"))
        }
        self.sorted: dict[tuple[str, int], list[float]] = {}

    def who(self, rec: dict[str, str]) -> tuple[str, str]:
        who, event = (rec.get("agency") or "").strip(), (rec.get("event") or "").strip()
        if event not in EVENTS:
            raise ValueError(
                f"unknown event {shown(event)} in column event; use one of {', '.join(EVENTS)}"
            )
        kind, pool = _pool(self.d, event)
        if who not in self.index[kind]:
            ids = [x.id for x in pool]
            listed = ", ".join(ids[:20]) + (
                f" (and {len(ids) - 20:,} more)" if len(ids) > 20 else ""
            )
            raise ValueError(f"unknown {kind} {shown(who)} in column agency; use one of {listed}")
        return who, event

    def row(self, who: str, event: str, observed: float) -> dict[str, Any]:
        kind, pool = _pool(self.d, event)
        idx = self.index[kind][who]
        sims = self._sims(event, idx)
        below = bisect.bisect_left(sims, observed)
        equal = bisect.bisect_right(sims, observed) - below
        pct = 100.0 * (below + 0.5 * equal) / len(sims) if sims else None
        verdict = (
            N_("as_planned")
            if pct is None or 25 <= pct <= 75
            else (N_("faster") if pct < 25 else N_("slower"))
        )
        reached = bisect.bisect_left(sims, float("inf"))
        return {
            "agency": who,
            "name": pool[idx].label,
            "event": event,
            "observed": observed,
            "median": _finite(quantile(sims, 0.5)) if sims else None,
            "p10": _finite(quantile(sims, 0.1)) if sims else None,
            "p90": _finite(quantile(sims, 0.9)) if sims else None,
            "percentile": pct,
            "percentile_text": "—" if pct is None else f"p{pct:.0f}",
            "verdict": verdict,
            "reached": reached,
        }

    def _sims(self, event: str, idx: int) -> list[float]:
        key = (_FIELDS[event], idx)
        if key not in self.sorted:
            base = self.d.run.summaries.get(BASE, [])
            self.sorted[key] = sorted(
                v if v is not None else float("inf")
                for v in (getattr(s, key[0])[idx] for s in base)
            )
        return self.sorted[key]


def _finite(x: float) -> float | None:
    return None if x == float("inf") else x
