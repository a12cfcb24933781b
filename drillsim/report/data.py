"""Everything the report shows, as plain data built from a run folder (never by simulating).

Every number in the report comes from here, and everything here comes from the run's
summaries, logs and scenario: nothing is typed in by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drillsim import __version__, i18n
from drillsim.analysis.expectations import check_expectations
from drillsim.analysis.results import (
    AgencyStats,
    ObjectiveStats,
    QueueSummary,
    agency_stats,
    objective_stats,
    queue_summaries,
)
from drillsim.analysis.stats import paired_share_difference
from drillsim.analysis.summary import ReplicationSummary
from drillsim.errors import DrillsimError, InputError, replay_command
from drillsim.i18n import N_, Msg
from drillsim.runs.check import SCENARIO_JSON, load_scenario, open_run
from drillsim.runs.models import read_text
from drillsim.runs.store import RunData, read_log, read_manifest
from drillsim.scenario.durations import clock, describe
from drillsim.scenario.model import Objective, Scenario
from drillsim.scenario.variants import BASE

RATING_THRESHOLDS = {"P": 0.90, "S": 0.70, "M": 0.30}
RATING_WORDS = {
    "P": N_("rating_P"),
    "S": N_("rating_S"),
    "M": N_("rating_M"),
    "U": N_("rating_U"),
}
"""HSEEP rating -> message id of its words."""
DIRECTIONS = (N_("better"), N_("worse"), N_("unclear"))
"""Message ids of the expected and simulated directions of a what-if (the values themselves)."""
RUN_ENDINGS = {
    "interrupted": N_("run_interrupted"),
    "failed": N_("run_failed"),
    "running": N_("run_running"),
}
"""Manifest status of an unfinished run -> message id of how it ended (else ``RUN_INCOMPLETE``)."""
RUN_INCOMPLETE = N_("run_incomplete")
"""Share of replications meeting a target needed for each rating (below M's: U). P mirrors the
90th-percentile (fractile) basis of NFPA 1710/1221 performance objectives."""

RATING_ORDER = "PSMU"


def rating(share: float, reached_any: bool) -> str:
    """P/S/M/U from the share of replications that met the target."""
    if not reached_any:
        return "U"
    for r in "PSM":
        if share >= RATING_THRESHOLDS[r]:
            return r
    return "U"


@dataclass(frozen=True, slots=True)
class ObjectiveRow:
    """One objective in the capability analysis."""

    stats: ObjectiveStats
    rating: str

    @property
    def objective(self) -> Objective:
        """The objective as written."""
        return self.stats.objective


@dataclass(frozen=True, slots=True)
class CapabilityRow:
    """A core capability with the objectives that evidence it and its rating (worst of the critical ones)."""

    capability: str
    objectives: tuple[str, ...]
    rating: str


@dataclass(frozen=True, slots=True)
class VariantRow:
    """An objective in one variant against the base, paired by replication."""

    variant: str
    description: str
    objective: str
    share: float
    share_diff: float
    share_ci: tuple[float | None, float | None]
    significant: bool
    median: float | None


@dataclass
class ReportData:
    """The whole content of an after-action report."""

    root: Path
    scenario: Scenario
    run: RunData
    lang: str
    objectives: list[ObjectiveRow]
    capabilities: list[CapabilityRow]
    agencies: list[AgencyStats]
    queues: list[QueueSummary]
    variants: list[VariantRow]
    expectations: list[Any] = field(default_factory=list)
    findings: list[Any] = field(default_factory=list)
    strengths: list[str] = field(default_factory=list)
    plan: list[dict[str, str]] = field(default_factory=list)
    plan_no_effect: list[dict[str, str]] = field(default_factory=list)
    observed: list[dict[str, Any]] = field(default_factory=list)
    charts: dict[str, Path] = field(default_factory=dict)
    graph_groups: list[Any] = field(default_factory=list)
    """Group nodes of a summarised coordination diagram (charts.graph_summary.GroupRow)."""
    sensitivity: list[Any] = field(default_factory=list)
    hub: str | None = None
    version: str = __version__

    @property
    def n(self) -> int:
        """Replications of the base scenario."""
        return len(self.run.summaries.get(BASE, []))

    @property
    def failed(self) -> str:
        """How many replications failed and the command that replays the first ('' when none).

        The results and the report cover the others; a reader must know that they are fewer.
        """
        failures = self.run.manifest.failures
        if not failures:
            return ""
        f = failures[0]
        # scenario.yaml: the run folder's own copy, beside the report, exactly as it ran
        return f"{len(failures)}: " + replay_command(
            "scenario.yaml", f["seed"], f["replication"], f["variant"]
        )

    @property
    def partial_notice(self) -> str:
        """The warning every report format opens with when the run did not complete ('' when it did).

        An interrupted, failed or killed run keeps the replications it finished; without this line
        a reader would take their figures for the whole study.
        """

        status = self.run.manifest.status
        if status == "complete":
            return ""
        how = i18n.say(
            self.lang,
            RUN_ENDINGS.get(status, RUN_INCOMPLETE),
        )
        return i18n.say(
            self.lang, "partial_run", how=how, done=self.n, planned=self.run.manifest.replications
        )

    def agency_label(self, agency_id: str) -> str:
        """Display name of an agency id (the id when unknown)."""
        return self.scenario.agency_label(agency_id)

    def log(self, which: str, variant: str = BASE) -> list[Any]:
        """The whole event log of the median or worst replication, if it was kept."""
        path = self.root / "logs" / f"{variant}-{which}.jsonl"
        return read_log(path) if path.exists() else []


def load_scenario_json(root: Path) -> Scenario:
    """The scenario exactly as the run used it (validated JSON copy in the run folder, whose hash
    the manifest records)."""
    return load_scenario(root, read_manifest(root).scenario_hash)


def run_language(root: Path) -> str | None:
    """The language of a run folder's scenario, read from ``scenario.json`` without checking the
    rest (None when it cannot be read): the command line speaks it before the folder is opened,
    so even the errors about a damaged folder are said in the scenario's language."""
    try:
        data = json.loads(read_text(root / SCENARIO_JSON, "scenario"))
        lang = data["scenario"]["language"]
    except (OSError, ValueError, KeyError, TypeError, DrillsimError):
        return None
    return lang if isinstance(lang, str) else None


def build(root: Path, lang: str | None = None) -> ReportData:
    """Read a run folder and compute everything the report shows."""
    run, scenario = open_run(root)
    base = finished_replications(run)
    lang = lang or scenario.scenario.language
    stats = objective_stats(scenario, BASE, base)
    rows = [
        ObjectiveRow(s, rating(s.met.share if s.met.n else 0.0, s.time.reached > 0)) for s in stats
    ]
    return ReportData(
        root=root,
        scenario=scenario,
        run=run,
        lang=lang,
        objectives=rows,
        capabilities=capabilities(rows),
        agencies=agency_stats(scenario, base),
        queues=queue_summaries(scenario, base),
        variants=variant_rows(scenario, run),
        expectations=check_expectations(scenario, run.summaries, BASE),
    )


def finished_replications(run: RunData) -> list[ReplicationSummary]:
    """The base scenario's summaries; a run without any is refused with what to do about it.

    Raises:
        InputError: No replication of the base scenario finished (the run failed or was stopped
            before the first batch, or every replication failed).
    """
    base = run.summaries.get(BASE, [])
    if base:
        return base
    m = run.manifest
    if m.failures:
        why = Msg("report.none_finished.failed", n=len(m.failures))
    elif m.status in NONE_FINISHED:
        why = Msg(NONE_FINISHED[m.status])
    else:
        why = Msg("report.none_finished.status", status=m.status)
    raise InputError(
        Msg(
            "report.none_finished",
            folder=str(run.root),
            why=why,
            scenario=str(m.scenario_file),
            n=str(m.replications),
        )
    )


NONE_FINISHED = {
    "complete": N_("report.none_finished.complete"),
    "running": N_("report.none_finished.running"),
    "interrupted": N_("report.none_finished.interrupted"),
    "failed": N_("report.none_finished.failed_early"),
}
"""Manifest status -> why a run has no finished replication (when none of them failed)."""


def capabilities(rows: list[ObjectiveRow]) -> list[CapabilityRow]:
    """Roll objectives up to core capabilities: the worst rating among the critical ones."""
    caps: dict[str, list[ObjectiveRow]] = {}
    for r in rows:
        caps.setdefault(r.objective.core_capability, []).append(r)
    out = []
    for cap, items in caps.items():
        counted = [r for r in items if r.objective.critical] or items
        worst = max((r.rating for r in counted), key=RATING_ORDER.index)
        out.append(CapabilityRow(cap, tuple(r.objective.id for r in items), worst))
    return out


def variant_rows(scenario: Scenario, run: RunData) -> list[VariantRow]:
    """Each variant's objectives against the base, paired by replication (common random numbers)."""
    base = {s.replication: s for s in run.summaries.get(BASE, [])}
    out = []
    for v in scenario.variants:
        rows = run.summaries.get(v.id)
        if not rows:
            continue
        pairs = [(base[s.replication], s) for s in rows if s.replication in base]
        for k, obj in enumerate(scenario.objectives):
            d = paired_share_difference(
                [float(a.objectives[k].met) for a, _ in pairs],
                [float(b.objectives[k].met) for _, b in pairs],
            )
            st = objective_stats(scenario, v.id, [b for _, b in pairs])[k]
            out.append(
                VariantRow(
                    v.id,
                    v.description,
                    obj.id,
                    st.met.share,
                    d.mean,
                    (d.ci.low, d.ci.high),
                    d.significant,
                    st.time.median,
                )
            )
    return out


def fmt_time(seconds: float | None, lang: str) -> str:
    """``H:MM:SS`` or the localised "not reached"."""

    return i18n.say(lang, "never") if seconds is None else clock(seconds)


def fmt_share(x: float) -> str:
    """``87%`` style."""
    return f"{x:.0%}"


__all__ = [
    "RATING_THRESHOLDS",
    "ReportData",
    "build",
    "describe",
    "finished_replications",
    "fmt_share",
    "fmt_time",
    "rating",
]
