"""Turn report data into chart inputs and chart files (PNG for the documents, SVG alongside)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import drillsim.charts as ch
from drillsim import i18n
from drillsim.analysis.stats import quantile, time_stats
from drillsim.charts import GanttBar, VariantComparison
from drillsim.charts.graph_summary import DETAIL_LIMIT, GroupRow, summarise
from drillsim.i18n import N_
from drillsim.report.data import ReportData
from drillsim.report.vocab import SECTORS, short_description, variant_label, word
from drillsim.scenario.model import Scenario
from drillsim.scenario.variants import BASE
from drillsim.sim.records import EventKind, EventRecord
from drillsim.textsafe import office_text

K = EventKind

PATH_TO_CHART = {
    "detection": "detection",
    "handling": "desk_handling",
    "link": "link",
    "retries": "retry",
    "activation": "activation",
    "travel": "travel",
    "units": "unit_wait",
    "prerequisite": "prerequisite_wait",
    "work": "work",
}
"""Critical-path categories (analysis.paths) to chart categories (charts.data)."""


TIMELINE_TITLES = {"median": N_("timeline_median"), "worst": N_("timeline_worst")}
"""Which replication a Gantt chart shows -> message id of its title."""


def gantt_bars(
    records: Sequence[EventRecord],
    names: dict[str, str],
    origin: float,
    desk: str = "duty desk",
    tasks: dict[str, str] | None = None,
) -> list[GanttBar]:
    """One replication's log as Gantt bars (times relative to ``origin``).

    Each agency has a row for its units (activation, travel, waits, work) and, when it relays
    alerts, a row for its duty desk (queue, handling, transmission), since both run at once.
    Work bars are labelled with the task's display name (``tasks``: id -> name), so a vi or zh
    report shows the names the trainer wrote rather than ids.
    """
    bars: list[GanttBar] = []
    task_names = tasks or {}

    def add(agency: str | None, start: float, end: float, kind: str, label: str = "") -> None:
        if agency and end > start:
            row = names.get(agency, agency)
            if kind in DESK_KINDS:
                row = desk_row(row, desk)
            bars.append(GanttBar(row, start - origin, end - origin, kind, label))

    for r in records:
        cause = records[r.cause] if r.cause is not None else None
        if cause is None:
            continue
        sender = r.link.split("->")[0] if r.link else None
        if r.kind is K.HANDLING_STARTED:
            add(r.agency, cause.time, r.time, "desk_wait")
        elif r.kind is K.MESSAGE_SENT:
            add(r.agency, cause.time, r.time, "desk_handling")
        elif r.kind in (K.ALERTED, K.DUPLICATE_ALERT):
            add(sender, cause.time, r.time, "link")
        elif r.kind in (K.TRY_FAILED, K.RETRY_SENT):
            add(sender, cause.time, r.time, "retry")
        elif r.kind is K.ACTIVATED:
            add(r.agency, cause.time, r.time, "activation")
        elif r.kind is K.ON_SCENE and cause.kind is K.ACTIVATED:
            add(r.agency, cause.time, r.time, "travel")
        elif r.kind is K.TASK_STARTED:
            add(r.agency, cause.time, r.time, "unit_wait")
        elif r.kind is K.TASK_FINISHED:
            add(r.agency, cause.time, r.time, "work", task_names.get(r.task or "", r.task or ""))
    return bars


DESK_KINDS = frozenset({"desk_wait", "desk_handling", "link", "retry"})
"""Chart categories drawn on an agency's duty-desk row rather than its units' row."""


def desk_row(agency_label: str, desk: str) -> str:
    """The row key of an agency's duty desk."""
    return f"{agency_label} · {desk}"


def gantt_rows(d: ReportData, present: set[str]) -> tuple[list[str], dict[str, str]]:
    """Rows in scenario order (each agency, then its desk) and the desks drawn as sub-rows.

    A desk row right under its agency's row is labelled just "duty desk" (in the report's
    language), so a long agency name is not repeated; a desk whose agency has no row of its
    own keeps the full name.
    """
    desk = i18n.say(d.lang, "desk")
    order: list[str] = []
    subs: dict[str, str] = {}
    for a in d.scenario.agencies:
        own = office_text(a.label)
        desk_key = desk_row(own, desk)
        if own in present:
            order.append(own)
        if desk_key in present:
            order.append(desk_key)
            if own in present:
                subs[desk_key] = f"\N{DOWNWARDS ARROW WITH TIP RIGHTWARDS} {desk}"
    return order, subs


def make_charts(d: ReportData, out: Path) -> dict[str, Path]:
    """Draw every chart the report uses into ``out``; returns name -> PNG path."""
    out.mkdir(parents=True, exist_ok=True)
    lang = d.lang
    charts: dict[str, Path] = {}

    def save(name: str, fig: Any) -> None:
        paths = ch.save_figure(fig, out / name, ("png", "svg"))
        charts[name] = next(p for p in paths if p.suffix == ".png")

    base = d.run.summaries.get(BASE, [])
    for k, row in enumerate(d.objectives):
        times = [s.objectives[k].time for s in base]
        save(
            f"ecdf-{row.objective.id}",
            ch.ecdf(
                times,
                row.objective.within,
                lang=lang,
                title=i18n.say(lang, "distribution", objective=row.objective.id),
            ),
        )
    splits = [
        ch.PathSplit(
            r.objective.id,
            {PATH_TO_CHART[c]: v for c, v in r.stats.split.items() if c in PATH_TO_CHART},
        )
        for r in d.objectives
        if r.stats.split
    ]
    if splits:
        save(
            "split", ch.critical_path_split(splits, lang=lang, title=i18n.say(lang, "split_chart"))
        )
    names = {a.id: office_text(a.label) for a in d.scenario.agencies}
    tasks = {task.id: office_text(task.label) for task in d.scenario.tasks}
    labels = inject_labels(d.scenario)
    for which in ("median", "worst"):
        log = d.log(which)
        if log:
            origin = min((r.time for r in log if r.kind is K.INJECT), default=0.0)
            markers = [
                ch.GanttMarker(r.time - origin, labels.get(r.incident or "", r.incident or ""))
                for r in log
                if r.kind is K.INJECT
            ]
            bars = gantt_bars(log, names, origin, i18n.say(lang, "desk"), tasks)
            if bars:
                order, subs = gantt_rows(d, {b.row for b in bars})
                save(
                    f"gantt-{which}",
                    ch.gantt(
                        bars,
                        markers,
                        rows=order,
                        sub_rows=subs,
                        lang=lang,
                        title=i18n.say(lang, TIMELINE_TITLES[which]),
                        keep=critical_rows(d, names),
                    ),
                )
    save("graph", _graph(d, ch))
    if len(d.run.summaries) > 1:
        save("variants", ch.variant_comparisons(_comparisons(d, ch), lang=lang))
    if d.observed:
        rows = [
            ch.ObservedRow(
                ch.IntervalStats(
                    office_text(f"{o['name']}: {i18n.say(lang, o['event'])}"),
                    o["median"],
                    o["p10"],
                    o["p90"],
                ),
                o["observed"],
                o["percentile"],
            )
            for o in d.observed
        ]
        save(
            "observed", ch.observed_vs_simulated(rows, lang=lang, title=i18n.say(lang, "observed"))
        )
    if d.sensitivity:
        save(
            "tornado",
            ch.tornado(
                d.sensitivity,
                lang=lang,
                title=i18n.say(lang, "tornado"),
                labels={"delta_success": i18n.say(lang, "tornado_axis")},
            ),
        )
    return charts


INJECT_LABEL_CHARS = 40
"""Longest inject label on a timeline (the number and the start of its synopsis)."""


def inject_labels(scenario: Scenario) -> dict[str, str]:
    """Incident id -> "3. Nổ ở trạm biến áp": the MSEL event number (else its place in time
    order) and the first sentence of its synopsis or description, as trainers name injects."""
    ordered = sorted(scenario.incidents, key=lambda i: i.at)
    out = {}
    for k, inc in enumerate(ordered, 1):
        number = inc.msel.number if inc.msel and inc.msel.number is not None else k
        text = (
            short_description((inc.msel.synopsis if inc.msel else "") or inc.description) or inc.id
        )
        label = f"{number}. {text}"
        if len(label) > INJECT_LABEL_CHARS:  # cut at a word where there is one (Chinese has none)
            cut = label[: INJECT_LABEL_CHARS - 1]
            head = cut.rsplit(" ", 1)[0]
            label = (head if len(head) > INJECT_LABEL_CHARS // 2 else cut) + "…"
        out[inc.id] = office_text(label)
    return out


def link_seconds(d: ReportData) -> dict[str, float]:
    """Simulated seconds each link (``from->to``) costs on the critical paths.

    Per objective, the analysis gives the mean seconds a link (transmission and retries) adds to
    the critical path; a link's figure here is its largest over the objectives, i.e. the time it
    costs the objective it delays most. Links on no critical path are absent.
    """
    out: dict[str, float] = {}
    for row in d.objectives:
        for link, secs in row.stats.links.items():
            out[link] = max(out.get(link, 0.0), secs)
    return out


def critical_rows(d: ReportData, names: dict[str, str]) -> list[str]:
    """Gantt rows of the agencies on a critical path (the ends of its links), costliest first,
    with their desk rows: a timeline of a large scenario shows these before the slowest."""
    seconds = link_seconds(d)
    desk = i18n.say(d.lang, "desk")
    rows: dict[str, None] = {}
    for link in sorted(seconds, key=lambda k: -seconds[k]):
        for agency in link.split("->"):
            name = names.get(agency, agency)
            rows.update(dict.fromkeys((name, desk_row(name, desk))))
    return list(rows)


def agency_groups(d: ReportData) -> dict[str, str]:
    """What each agency is grouped under in a summarised diagram: its sector (in the report's
    language); when every agency has one sector, its kind; when one kind too, its superior."""
    agencies = d.scenario.agencies
    sectors = {a.id: word(SECTORS, a.sector, d.lang) for a in agencies}
    if len(set(sectors.values())) > 1:
        return sectors
    kinds = {a.id: a.kind for a in agencies}
    if len(set(kinds.values())) > 1:
        return kinds
    label = {a.id: a.label for a in agencies}
    return {a.id: label.get(a.superior, a.superior) or sectors[a.id] for a in agencies}


def graph_groups(d: ReportData) -> list[GroupRow]:
    """The rows of the table under a summarised diagram (none when every agency is drawn)."""
    if len(d.scenario.agencies) <= DETAIL_LIMIT:
        return []
    nodes, edges = graph_inputs(d, ch)
    return list(summarise(nodes, edges).groups)


def graph_inputs(d: ReportData, ch: Any) -> tuple[list[Any], list[Any]]:
    """Nodes and edges of the coordination graph, bottlenecks outlined.

    Edge time is the simulated time a link costs on the critical paths (``link_seconds``); a
    link on no critical path falls back to its configured mean delay, flagged ``simulated=False``
    so the chart draws it lighter and the legend says which is which.
    """
    desk_wait = {q.agency: q.mean_wait for q in d.queues if q.resource == "desk"}
    flagged = {getattr(f, "agency", None) for f in d.findings[:3]}
    flagged_links = {getattr(f, "link", None) for f in d.findings[:3]}
    detecting = {i.detected_by for i in d.scenario.incidents}
    groups = agency_groups(d) if len(d.scenario.agencies) > DETAIL_LIMIT else {}
    nodes = [
        ch.GraphNode(
            a.id,
            office_text(a.label),
            desk_wait.get(a.id),
            a.id in flagged,
            a.id in detecting,
            office_text(groups.get(a.id, "")),
        )
        for a in d.scenario.agencies
    ]
    simulated = link_seconds(d)
    edges = []
    for link in d.scenario.links:
        for to in link.to:
            key = f"{link.from_}->{to}"
            edges.append(
                ch.GraphEdge(
                    link.from_,
                    to,
                    simulated.get(key, link.delay.mean()),
                    key in flagged_links,
                    link.backup is not None,
                    key in simulated,
                )
            )
    return nodes, edges


def _graph(d: ReportData, ch: Any) -> Any:
    """The coordination graph coloured by mean desk queueing delay."""
    nodes, edges = graph_inputs(d, ch)
    return ch.coordination_graph(
        nodes, edges, seed=d.run.manifest.seed, lang=d.lang, title=i18n.say(d.lang, "graph")
    )


def _comparisons(d: ReportData, ch: Any) -> list[VariantComparison]:
    out = []
    for k, obj in enumerate(d.scenario.objectives):
        stats = []
        for variant, rows in d.run.summaries.items():
            times = [s.objectives[k].time for s in rows]
            ts = time_stats(times)
            allv = sorted(v if v is not None else float("inf") for v in times)
            p10 = quantile(allv, 0.1) if allv else None
            name = office_text(variant_label(d.scenario, variant, d.lang))
            stats.append(
                ch.IntervalStats(
                    name,
                    ts.median,
                    None if p10 in (None, float("inf")) else p10,
                    ts.p90,
                    ts.median_ci.low,
                    ts.median_ci.high,
                    1 - ts.reached / ts.n if ts.n else 0.0,
                )
            )
        out.append(ch.VariantComparison(obj.id, tuple(stats), obj.within))
    return out
