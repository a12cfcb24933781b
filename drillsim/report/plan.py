"""Strengths, areas for improvement and the improvement plan ("six clarities") of the report.

The findings come from the bottleneck analysis (drillsim.analysis); this module only turns
them into report rows: every plan item names its owner agency, the corrective task, a
deadline, the authority that approves it, who is responsible, and the expected result measured
by an objective of the scenario.
"""

from __future__ import annotations

from dataclasses import dataclass

from drillsim.report.data import RATING_THRESHOLDS, ReportData
from drillsim.report.i18n import t


@dataclass(frozen=True, slots=True)
class ReportFinding:
    """An area for improvement as the report shows it."""

    title: str
    text: str
    evidence: str
    agency: str | None
    link: str | None
    objectives: tuple[str, ...]
    suggestion: str


def strengths(d: ReportData) -> list[str]:
    """Objectives met in at least the P threshold of replications, with their figures."""
    out = []
    for r in d.objectives:
        if r.rating == "P":
            out.append(f"{r.objective.id}: {r.objective.description} — {r.stats.met.share:.0%} "
                       f"({t('median', d.lang)} {_clock(r.stats.time.median, d.lang)})")
    return out


def _clock(s: float | None, lang: str) -> str:
    from drillsim.report.data import fmt_time

    return fmt_time(s, lang)


def authority(d: ReportData) -> str:
    """Who approves corrective actions: the sponsor, else the agency most alerts pass through."""
    if d.scenario.scenario.sponsor:
        return d.scenario.scenario.sponsor
    return d.agency_label(d.hub) if d.hub else d.agency_label(d.scenario.agencies[0].id)


def plan_rows(d: ReportData, findings: list[ReportFinding]) -> list[dict[str, str]]:
    """One improvement-plan row per finding with an owner (the six clarities)."""
    lang = d.lang
    rows = []
    stats = {r.objective.id: r for r in d.objectives}
    for f in findings:
        owner = d.agency_label(f.agency) if f.agency else authority(d)
        objs = [stats[o] for o in f.objectives if o in stats] or list(d.objectives[:1])
        expected = "; ".join(t("expected_default", lang, objective=o.objective.id,
                               p=f"{RATING_THRESHOLDS['P']:.0%}", now=f"{o.stats.met.share:.0%}") for o in objs)
        rows.append({
            "owner": owner, "task": f.suggestion or f.title,
            "deadline": t("deadline_default", lang), "authority": authority(d),
            "responsibility": t("responsibility_default", lang, agency=owner),
            "expected": expected or f.title,
        })
    return rows


def add_findings(d: ReportData) -> None:
    """Fill the report's findings, strengths, plan and sensitivity from the analysis."""
    from drillsim.report.bridge import report_findings

    findings, sensitivity, hub = report_findings(d)
    d.findings = findings
    d.sensitivity = sensitivity
    d.hub = hub
    d.strengths = strengths(d)
    d.plan = plan_rows(d, findings)
