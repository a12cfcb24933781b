"""After the live drill: where each observed time falls in the simulated distribution.

The CSV has the columns ``agency,event,time``: ``event`` is one of alerted, activated,
on_scene, task_started, task_done (for tasks, ``agency`` holds the task id), and ``time`` is the
clock time since the exercise start (``0:12:30``, ``12:30`` or a duration such as ``12m30s``).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from drillsim.analysis.stats import quantile
from drillsim.durations import parse_duration
from drillsim.errors import InputError
from drillsim.report.data import ReportData
from drillsim.results_io import BASE

EVENTS = ("alerted", "activated", "on_scene", "task_started", "task_done")


def parse_clock(text: str) -> float:
    """``H:MM:SS``, ``MM:SS`` or a duration (``12m30s``) to seconds."""
    text = text.strip()
    if ":" in text:
        parts = text.split(":")
        if len(parts) not in (2, 3) or not all(p.strip().isdigit() for p in parts):
            raise ValueError(f"cannot read {text!r} as a clock time (H:MM:SS)")
        nums = [int(p) for p in parts]
        if len(nums) == 2:
            nums.insert(0, 0)
        return float(nums[0] * 3600 + nums[1] * 60 + nums[2])
    return parse_duration(text)


def observed_rows(d: ReportData, path: Path) -> list[dict[str, Any]]:
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
    agencies = [a.id for a in d.scenario.agencies]
    tasks = [t.id for t in d.scenario.tasks]
    rows, errors = [], []
    for n, rec in enumerate(reader, start=2):
        try:
            rows.append(_row(d, rec, agencies, tasks))
        except ValueError as exc:
            errors.append(f"{path}:{n}: {exc}")
    if errors:
        raise InputError("\n".join(errors))
    return rows


def _row(d: ReportData, rec: dict[str, str], agencies: list[str], tasks: list[str]) -> dict[str, Any]:
    who, event = (rec.get("agency") or "").strip(), (rec.get("event") or "").strip()
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}; use one of {', '.join(EVENTS)}")
    pool = tasks if event.startswith("task") else agencies
    if who not in pool:
        raise ValueError(f"unknown {'task' if event.startswith('task') else 'agency'} {who!r}")
    observed = parse_clock(rec.get("time") or "")
    base = d.run.summaries.get(BASE, [])
    idx = pool.index(who)
    field = {"alerted": "alerted", "activated": "activated", "on_scene": "on_scene",
             "task_started": "task_start", "task_done": "task_done"}[event]
    sims = sorted(v if v is not None else float("inf") for v in (getattr(s, field)[idx] for s in base))
    below = sum(1 for v in sims if v < observed) + 0.5 * sum(1 for v in sims if v == observed)
    pct = 100.0 * below / len(sims) if sims else None
    verdict = "as_planned" if pct is None or 25 <= pct <= 75 else ("faster" if pct < 25 else "slower")
    fin = [v for v in sims if v != float("inf")]
    return {"agency": who, "event": event, "observed": observed,
            "median": _finite(quantile(sims, 0.5)) if sims else None,
            "p10": _finite(quantile(sims, 0.1)) if sims else None,
            "p90": _finite(quantile(sims, 0.9)) if sims else None,
            "percentile": pct, "percentile_text": "—" if pct is None else f"p{pct:.0f}",
            "verdict": verdict, "reached": len(fin)}


def _finite(x: float) -> float | None:
    return None if x == float("inf") else x
