"""Areas for improvement from the run's statistics: what delayed each objective that fell short.

For each objective rated below P, the critical-path shares name the agency, link or category
where its time went; the queue figures say whether that was a duty desk or a unit shortage.
"""

from __future__ import annotations

from typing import Any

from drillsim.analysis.paths import CATEGORY_LABELS
from drillsim.durations import clock
from drillsim.report.data import ObjectiveRow, ReportData
from drillsim.report.plan import ReportFinding


def _top(d: dict[str, float]) -> tuple[str, float] | None:
    return max(d.items(), key=lambda kv: kv[1]) if d else None


def objective_finding(d: ReportData, row: ObjectiveRow) -> ReportFinding | None:
    """The main cause of delay behind one objective that was not performed without challenges."""
    st = row.stats
    total = sum(st.split.values())
    if row.rating == "P" or total <= 0:
        return None
    queues = {(q.agency, q.resource): q for q in d.queues}
    agency = _top(st.agencies)
    link = _top(st.links)
    category = _top(st.split)
    label = d.agency_label
    share = f"{st.met.share:.0%}"
    parts = [f"{row.objective.id}: {CATEGORY_LABELS.get(c, c)} {v / total:.0%}" for c, v in st.split.items()]
    if agency and (not link or agency[1] >= link[1]):
        a, secs = agency
        desk = queues.get((a, "desk"))
        units = queues.get((a, "units"))
        if st.split.get("handling", 0) >= st.split.get("units", 0) and desk and desk.mean_wait > 0:
            what = (f"{secs / total:.0%} of the time to {row.objective.id} is spent at {label(a)}: its duty "
                    f"desk ({desk.capacity} officer(s)) is busy {desk.utilisation:.0%} of the time and messages "
                    f"wait {clock(desk.mean_wait)} on average (worst {clock(desk.worst_wait)})")
            fix = f"Add a duty officer at {label(a)} or a direct link that bypasses its desk"
        elif units and units.mean_wait > 0 and st.split.get("units", 0) > 0:
            what = (f"{secs / total:.0%} of the time to {row.objective.id} is spent at {label(a)}: work waits "
                    f"{clock(units.mean_wait)} on average for one of its {units.capacity} unit(s)")
            fix = f"Give {label(a)} one more unit, or let another agency take the task"
        else:
            what = f"{secs / total:.0%} of the time to {row.objective.id} is spent by {label(a)}"
            fix = f"Shorten the activation and travel of {label(a)} (pre-positioning, standby teams)"
        return ReportFinding(f"{row.objective.id} met in {share} of replications", what, "; ".join(parts),
                             a, None, (row.objective.id,), fix)
    if link:
        lk, secs = link
        what = f"{secs / total:.0%} of the time to {row.objective.id} is spent on the link {lk}"
        fix = f"Make the link {lk} faster or more reliable, or add a backup channel"
        return ReportFinding(f"{row.objective.id} met in {share} of replications", what, "; ".join(parts),
                             lk.split("->")[0], lk, (row.objective.id,), fix)
    if category:
        what = f"most of the time to {row.objective.id} is {CATEGORY_LABELS.get(category[0], category[0])}"
        return ReportFinding(f"{row.objective.id} met in {share} of replications", what, "; ".join(parts),
                             None, None, (row.objective.id,), "")
    return None


def report_findings(d: ReportData) -> tuple[list[ReportFinding], list[Any], str | None]:
    """Findings for the report, the sensitivity rows for the tornado chart, and the hub agency."""
    findings = [f for r in d.objectives if (f := objective_finding(d, r)) is not None]
    desks = [q for q in d.queues if q.resource == "desk" and q.served_per_replication > 0]
    hub = max(desks, key=lambda q: q.served_per_replication).agency if desks else None
    return findings, [], hub
