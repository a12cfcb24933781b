"""The analysis in one call: response times, queues, graph structure, ranked findings, suggestions.

Plain functions returning plain data; the report, ``drillsim analyze`` and ``drillsim run`` all use
it. Simulation, when suggestions are tested, is passed in as a function: analysis never runs the
engine itself.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from drillsim.analysis.findings import Finding, find, strengths
from drillsim.analysis.graph import GraphStructure, structure
from drillsim.analysis.model import ANALYSIS_FILE, ANALYSIS_FORMAT, ANALYSIS_VERSION, AnalysisModel
from drillsim.analysis.results import (
    AgencyStats,
    ObjectiveStats,
    QueueSummary,
    TaskStats,
    agency_stats,
    objective_stats,
    queue_summaries,
    task_stats,
)
from drillsim.analysis.suggest import Simulate, Suggestion, rank
from drillsim.analysis.summary import ReplicationSummary
from drillsim.scenario.model import Scenario
from drillsim.sim.compile import build_graph


@dataclass
class Analysis:
    """Everything the after-action review needs from one variant's replications."""

    objectives: list[ObjectiveStats]
    agencies: list[AgencyStats]
    queues: list[QueueSummary]
    structure: GraphStructure
    findings: list[Finding]
    strengths: list[str]
    suggestions: list[Suggestion] = field(default_factory=list)
    tasks: list[TaskStats] = field(default_factory=list)


def analyze(
    scenario: Scenario,
    summaries: list[ReplicationSummary],
    *,
    simulate: Simulate | None = None,
    limit: int = 6,
    replications: int = 300,
) -> Analysis:
    """Analyse the base replications; with ``simulate``, also test and rank the suggested changes
    (each over at most ``replications``, fewer once its effect is resolved)."""
    stats = objective_stats(scenario, "base", summaries)
    queues = queue_summaries(scenario, summaries)
    shape = structure(build_graph(scenario), scenario)
    findings = find(scenario, stats, queues, shape)
    suggestions = rank(scenario, findings, simulate, limit, replications) if simulate else []
    if suggestions:  # a finding whose fix was shown to help ranks by that help too
        gain = {sg.variant.id: sg.benefit for sg in suggestions}
        findings.sort(
            key=lambda f: (
                -(f.severity + max((gain.get(v.id, 0.0) for v in f.variants), default=0.0))
            )
        )
    return Analysis(
        stats,
        agency_stats(scenario, summaries),
        queues,
        shape,
        findings,
        strengths(stats),
        suggestions,
        task_stats(scenario, summaries),
    )


def _plain(obj: Any) -> Any:
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if hasattr(obj, "__dataclass_fields__"):
        return {
            k: _plain(getattr(obj, k))
            for k, f in obj.__dataclass_fields__.items()
            if not f.metadata.get("omit_if_empty") or getattr(obj, k)
        }
    return obj


def to_json(a: Analysis) -> str:
    """The findings, structure and suggestions as JSON, with the statistics of every objective,
    agency milestone (seconds from the exercise start) and task (seconds from its inject), and the
    waits at every duty desk and unit pool that had any traffic (seconds per alert or request)."""
    data = {
        "format": ANALYSIS_FORMAT,
        "version": ANALYSIS_VERSION,
        "findings": _plain(a.findings),
        "strengths": a.strengths,
        "structure": _plain(a.structure),
        "suggestions": [
            {**_plain(s), "gain": s.gain, "benefit": s.benefit, "recommended": s.recommended}
            for s in a.suggestions
        ],
        "objectives": [
            {
                "id": o.objective.id,
                "met": _plain(o.met),
                "time": _plain(o.time),
                "split": o.split,
                "agencies": o.agencies,
                "links": o.links,
            }
            for o in a.objectives
        ],
        "agencies": _plain(a.agencies),
        "tasks": _plain(a.tasks),
        "queues": _plain([q for q in a.queues if q.had_traffic]),  # analysis.queues.QueueSummary
    }
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    AnalysisModel.model_validate_json(text)  # what every reader checks it against
    return text


__all__ = ["ANALYSIS_FILE", "Analysis", "analyze", "asdict", "to_json"]
