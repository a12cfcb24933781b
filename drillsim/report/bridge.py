"""Areas for improvement for the report, from the bottleneck analysis of the run.

The run folder's ``analysis.json`` (written by ``drillsim run``, with the suggested changes
already tested by simulation) is used when present; otherwise the findings are computed here
from the summaries, which needs no simulation.
"""

from __future__ import annotations

import json
from typing import Any

from drillsim.analysis.api import ANALYSIS_FILE, analyze, to_json
from drillsim.analysis.findings import localized
from drillsim.analysis.suggest import suggestion_label
from drillsim.report.data import ReportData
from drillsim.report.i18n import t
from drillsim.report.plan import ReportFinding
from drillsim.results_io import BASE


def _analysis(d: ReportData) -> dict[str, Any]:
    path = d.root / ANALYSIS_FILE
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    return json.loads(to_json(analyze(d.scenario, d.run.summaries.get(BASE, []))))


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
    from drillsim.charts.data import Sensitivity

    data = _analysis(d)
    tested = {s["variant"]["id"]: s for s in data.get("suggestions", [])}
    findings = []
    for f in data["findings"]:
        best = max((tested[v["id"]] for v in f.get("variants", []) if v["id"] in tested),
                   key=lambda s: s["gain"], default=None)
        title, text, evidence, suggestion = localized(_named(f, d), d.lang)
        if best is not None:
            gains = "; ".join(f"{e['objective']} {e['met_diff'] * 100:+.0f} pp" for e in best["effects"]
                              if abs(e["met_diff"]) >= 0.005)
            evidence += ". " + t("simulated_fix", d.lang, change=suggestion_label(best, d.lang),
                                 effect=gains or t("no_change", d.lang))
        findings.append(ReportFinding(title, text, evidence, f.get("agency"), f.get("link"),
                                      tuple(f.get("objectives", ())), suggestion))
    sensitivity = [Sensitivity(suggestion_label(s, d.lang), s["gain"] * 100)
                   for s in data.get("suggestions", [])]
    betweenness = data["structure"].get("betweenness", {})
    hub = max(betweenness, key=lambda a: betweenness[a]) if betweenness else None
    return findings, sensitivity, hub
