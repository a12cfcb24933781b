"""Turn report data into chart inputs and chart files (PNG for the documents, SVG alongside)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drillsim.analysis.stats import quantile, time_stats
from drillsim.records import EventKind, EventRecord
from drillsim.report.data import ReportData
from drillsim.report.i18n import t
from drillsim.results_io import BASE

if TYPE_CHECKING:
    from drillsim.charts import GanttBar, VariantComparison

K = EventKind

PATH_TO_CHART = {
    "detection": "detection", "handling": "desk_handling", "link": "link", "retries": "retry",
    "activation": "activation", "travel": "travel", "units": "unit_wait",
    "prerequisite": "prerequisite_wait", "work": "work",
}
"""Critical-path categories (analysis.paths) to chart categories (charts.data)."""


def gantt_bars(records: Sequence[EventRecord], names: dict[str, str], origin: float,
               desk: str = "duty desk") -> list["GanttBar"]:
    """One replication's log as Gantt bars (times relative to ``origin``).

    Each agency has a row for its units (activation, travel, waits, work) and, when it relays
    alerts, a row for its duty desk (queue, handling, transmission), since both run at once.
    """
    from drillsim.charts import GanttBar

    bars: list[GanttBar] = []
    desk_kinds = {"desk_wait", "desk_handling", "link", "retry"}

    def add(agency: str | None, start: float, end: float, kind: str, label: str = "") -> None:
        if agency and end > start:
            row = names.get(agency, agency)
            if kind in desk_kinds:
                row = f"{row} · {desk}"
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
            add(r.agency, cause.time, r.time, "work", r.task or "")
    return bars


def make_charts(d: ReportData, out: Path) -> dict[str, Path]:
    """Draw every chart the report uses into ``out``; returns name -> PNG path."""
    import drillsim.charts as ch

    out.mkdir(parents=True, exist_ok=True)
    lang = d.lang
    charts: dict[str, Path] = {}

    def save(name: str, fig: Any) -> None:
        paths = ch.save_figure(fig, out / name, ("png", "svg"))
        charts[name] = next(p for p in paths if p.suffix == ".png")

    base = d.run.summaries.get(BASE, [])
    for k, row in enumerate(d.objectives):
        times = [s.objectives[k].time for s in base]
        save(f"ecdf-{row.objective.id}", ch.ecdf(times, row.objective.within, lang=lang,
                                                 title=t("distribution", lang, objective=row.objective.id)))
    splits = [ch.PathSplit(r.objective.id, {PATH_TO_CHART[c]: v for c, v in r.stats.split.items()
                                            if c in PATH_TO_CHART})
              for r in d.objectives if r.stats.split]
    if splits:
        save("split", ch.critical_path_split(splits, lang=lang, title=t("split_chart", lang)))
    names = {a.id: a.label for a in d.scenario.agencies}
    for which in ("median", "worst"):
        log = d.log(which)
        if log:
            origin = min((r.time for r in log if r.kind is K.INJECT), default=0.0)
            markers = [ch.GanttMarker(r.time - origin, r.incident or "") for r in log if r.kind is K.INJECT]
            bars = gantt_bars(log, names, origin, t("desk", lang))
            if bars:
                present = {b.row for b in bars}
                order = [r for a in d.scenario.agencies
                         for r in (a.label, f"{a.label} · {t('desk', lang)}") if r in present]
                save(f"gantt-{which}", ch.gantt(bars, markers, rows=order, lang=lang,
                                                title=t(f"timeline_{which}", lang)))
    save("graph", _graph(d, ch))
    if len(d.run.summaries) > 1:
        save("variants", ch.variant_comparisons(_comparisons(d, ch), lang=lang))
    if d.observed:
        rows = [ch.ObservedRow(ch.IntervalStats(f"{names.get(o['agency'], o['agency'])}: {o['event']}",
                                                o["median"], o["p10"], o["p90"]),
                               o["observed"], o["percentile"]) for o in d.observed]
        save("observed", ch.observed_vs_simulated(rows, lang=lang, title=t("observed", lang)))
    if d.sensitivity:
        save("tornado", ch.tornado(d.sensitivity, lang=lang, title=t("tornado", lang)))
    return charts


def _graph(d: ReportData, ch: Any) -> Any:
    """The coordination graph coloured by mean desk queueing delay, bottlenecks outlined."""
    desk_wait = {q.agency: q.mean_wait for q in d.queues if q.resource == "desk"}
    flagged = {getattr(f, "agency", None) for f in d.findings[:3]}
    flagged_links = {getattr(f, "link", None) for f in d.findings[:3]}
    detecting = {i.detected_by for i in d.scenario.incidents}
    nodes = [ch.GraphNode(a.id, a.label, desk_wait.get(a.id), a.id in flagged, a.id in detecting)
             for a in d.scenario.agencies]
    edges = []
    for link in d.scenario.links:
        for to in link.to:
            edges.append(ch.GraphEdge(link.from_, to, link.delay.mean(),
                                      f"{link.from_}->{to}" in flagged_links, link.backup is not None))
    return ch.coordination_graph(nodes, edges, seed=d.run.manifest.seed, lang=d.lang,
                                 title=t("graph", d.lang))


def _comparisons(d: ReportData, ch: Any) -> list["VariantComparison"]:
    out = []
    for k, obj in enumerate(d.scenario.objectives):
        stats = []
        for variant, rows in d.run.summaries.items():
            times = [s.objectives[k].time for s in rows]
            ts = time_stats(times)
            allv = sorted(v if v is not None else float("inf") for v in times)
            p10 = quantile(allv, 0.1) if allv else None
            stats.append(ch.IntervalStats(variant, ts.median, None if p10 in (None, float("inf")) else p10,
                                          ts.p90, ts.median_ci.low, ts.median_ci.high,
                                          1 - ts.reached / ts.n if ts.n else 0.0))
        out.append(ch.VariantComparison(obj.id, tuple(stats), obj.within))
    return out
