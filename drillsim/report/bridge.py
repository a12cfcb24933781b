"""Areas for improvement for the report, from the bottleneck analysis of the run.

The run folder's ``analysis.json`` (written by ``drillsim run``, with the suggested changes
already tested by simulation) is used when present; otherwise the findings are computed here
from the summaries, which needs no simulation.
"""

from __future__ import annotations

from typing import Any

from drillsim import i18n
from drillsim.analysis.api import analyze, to_json
from drillsim.analysis.findings import localized
from drillsim.analysis.model import ANALYSIS_FILE, AnalysisModel
from drillsim.analysis.suggest import Suggestion, from_json, suggestion_label
from drillsim.charts.data import Sensitivity
from drillsim.report.data import ReportData
from drillsim.report.plan import (
    ReportFinding,
    effect_words,
    no_effect_rows,
    plan_items,
    plan_rows,
    strengths,
)
from drillsim.runs.check import read_analysis
from drillsim.scenario.variants import BASE


def _analysis(d: ReportData) -> AnalysisModel:
    path = d.root / ANALYSIS_FILE
    if path.exists():
        return read_analysis(path)
    return AnalysisModel.model_validate_json(
        to_json(analyze(d.scenario, d.run.summaries.get(BASE, [])))
    )


def _named(finding: dict[str, Any], d: ReportData) -> dict[str, Any]:
    """The finding with the agency ids of its "cut off" evidence replaced by display names."""
    known = {a.id: a.label for a in d.scenario.agencies}
    parts = []
    for key, value in finding.get("evidence_parts") or []:
        ids = [v.strip() for v in str(value).split(",")]
        if key == "cut_off" and all(i in known for i in ids):
            value = ", ".join(known[i] for i in ids)
        parts.append([key, value])
    return {**finding, "evidence_parts": parts}


def report_findings(d: ReportData) -> tuple[list[ReportFinding], list[Any], str | None]:
    """Findings as report rows, the tornado rows of tested suggestions, and the hub agency."""
    data = _analysis(d)
    tested = {s.variant.id: s.plain() for s in data.suggestions}
    findings = []
    for f in data.findings:
        title, text, evidence, suggestion = localized(_named(f.plain(), d), d.lang)
        for v in f.variants:  # each tested change of the finding with its own effect
            if v.id in tested:
                evidence += ". " + i18n.say(
                    d.lang,
                    "simulated_fix",
                    change=suggestion_label(tested[v.id], d.lang),
                    effect=effect_words(from_json(tested[v.id]), d.lang),
                )
        findings.append(
            ReportFinding(title, text, evidence, f.agency, f.link, f.objectives, suggestion)
        )
    sensitivity = [
        Sensitivity(suggestion_label(s.plain(), d.lang), s.gain * 100) for s in data.suggestions
    ]
    betweenness = data.structure.betweenness
    hub = max(betweenness, key=lambda a: betweenness[a]) if betweenness else None
    return findings, sensitivity, hub


def tested_changes(d: ReportData) -> list[Suggestion]:
    """The suggested changes the run tested by simulation (none when it tested none)."""
    return [from_json(s.plain()) for s in _analysis(d).suggestions]


def add_findings(d: ReportData) -> None:
    """Fill the report's findings, strengths, plan and sensitivity from the analysis."""
    findings, sensitivity, hub = report_findings(d)
    d.findings = findings
    d.sensitivity = sensitivity
    d.hub = hub
    d.strengths = strengths(d)
    items, rest = plan_items(d.scenario, tested_changes(d))
    d.plan = plan_rows(d, items)
    d.plan_no_effect = no_effect_rows(d, rest)
