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
from drillsim.i18n import N_, Msg, Number, said
from drillsim.msel.header import shown
from drillsim.msel.rows import listed
from drillsim.msel.times import SheetTime, clock_seconds, first_day, hhmm, read_time, reason
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


class ObservedError(InputError):
    """Every unreadable row of an observations file, one ``file:row: problem`` line each.

    Each problem is a :class:`~drillsim.i18n.Msg`, so the lines are said in the reader's language;
    ``str()`` of the error is the English text.
    """

    def __init__(self, path: Path, errors: Sequence[tuple[int, str]]) -> None:
        self.path, self.problems = str(path), list(errors)
        super().__init__(self._text("en"))

    def said(self, lang: str) -> str:
        """The lines in ``lang``."""
        return self._text(lang)

    def _text(self, lang: str) -> str:
        lines = [f"{self.path}:{n}: {said(msg, lang)}" for n, msg in self.problems[:MAX_ERRORS]]
        if len(self.problems) > MAX_ERRORS:
            more = Msg(
                "report.observed_more",
                file=self.path,
                n=Number(len(self.problems) - MAX_ERRORS, grouped=True),
            )
            lines.append(more.say(lang))
        return "\n".join(lines)


def observed_rows(d: ReportData, path: Path, start: float | None = None) -> list[dict[str, Any]]:
    """Read the observations and place each in the simulated distribution of the base run."""
    records = _records(path)
    times: dict[int, SheetTime] = {}
    errors: list[tuple[int, str]] = []
    for n, rec in records:
        try:
            times[n] = _time(rec.get("time"), start)
        except ValueError as exc:
            errors.append((n, reason(exc)))
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
            errors.append((n, reason(exc)))
    if errors:
        raise ObservedError(path, sorted(errors, key=lambda e: e[0]))
    return rows


def _records(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The CSV's rows as (line, cells by column), within the size and row limits."""
    size_limit, row_limit = limits.OBSERVED_BYTES.value(), limits.OBSERVED_ROWS.value()
    try:
        size = path.stat().st_size
        if size > size_limit:
            raise InputError(
                Msg(
                    "report.observed_too_large",
                    file=str(path),
                    size=Number(size, grouped=True),
                    limit=Number(size_limit, grouped=True),
                    env=limits.OBSERVED_BYTES.env,
                )
            )
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            Msg("report.observed_unreadable", file=str(path), error=str(exc))
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        missing = {"agency", "event", "time"} - set(reader.fieldnames or ())
        if missing:
            raise InputError(
                Msg("report.observed_columns", file=str(path), columns=", ".join(sorted(missing)))
            )
        records: list[tuple[int, dict[str, str]]] = []
        line = reader.line_num + 1
        for rec in reader:
            if len(records) == row_limit:
                raise InputError(
                    Msg(
                        "report.observed_too_many",
                        file=str(path),
                        limit=Number(row_limit, grouped=True),
                        env=limits.OBSERVED_ROWS.env,
                    )
                )
            records.append((line, rec))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(
            Msg("report.observed_csv", file=str(path), line=str(line), error=str(exc))
        ) from None
    return records


def _time(cell: str | None, start: float | None) -> SheetTime:
    text = (cell or "").strip()
    if not text:
        raise ValueError(Msg("report.observed_no_time"))
    try:
        t = read_time(text)
    except ValueError as exc:
        raise ValueError(Msg("report.observed_bad_time", reason=reason(exc))) from None
    if t.clock and start is None:
        raise ValueError(Msg("report.observed_clock_needs_start", time=shown(text)))
    return t


def _since_start(t: SheetTime, text: str, start: float | None, first: int) -> float:
    """Seconds since the exercise start; clock times count from ``start``."""
    if not t.clock or start is None:
        return t.seconds
    at = clock_seconds(t, first) - start
    if at < 0:
        raise ValueError(Msg("report.observed_before_start", time=shown(text), start=hhmm(start)))
    return at


UNKNOWN = {"task": N_("report.observed_task"), "agency": N_("report.observed_agency")}
"""What the agency column names that the scenario lacks: a task (task events) or an agency."""


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
                Msg("report.observed_event", event=shown(event), events=", ".join(EVENTS))
            )
        kind, pool = _pool(self.d, event)
        if who not in self.index[kind]:
            raise ValueError(Msg(UNKNOWN[kind], who=shown(who), known=listed([x.id for x in pool])))
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
