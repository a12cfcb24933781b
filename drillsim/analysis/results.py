"""Statistics of a run folder's summaries: objectives, response times, queues, time split.

Plain functions from replication summaries to plain dataclasses, used by the CLI, the analysis
findings and the report alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from drillsim.analysis.paths import CATEGORIES, PathPart
from drillsim.analysis.queues import QueueSummary, queue_summaries  # noqa: F401 (re-exported)
from drillsim.analysis.stats import ShareStats, TimeStats, share_stats, time_stats
from drillsim.analysis.summary import ReplicationSummary, task_instances
from drillsim.i18n import DECIMAL_MARKS, Msg, number
from drillsim.scenario.durations import clock
from drillsim.scenario.model import Objective, Scenario
from drillsim.sim.compile import compile_scenario


@dataclass(frozen=True, slots=True)
class ObjectiveStats:
    """An objective over the replications of one variant.

    Attributes:
        objective: The objective as written in the scenario.
        variant: Which variant.
        time: Distribution of its measured time.
        met: Share of replications meeting the target.
        split: Mean seconds per critical-path category, over replications that reached it.
        agencies: Mean seconds per agency on the critical path.
        links: Mean seconds per link on the critical path.
        parts: Mean seconds per critical-path part (a category at an agency or on a link).
    """

    objective: Objective
    variant: str
    time: TimeStats
    met: ShareStats
    split: dict[str, float]
    agencies: dict[str, float]
    links: dict[str, float]
    parts: dict[PathPart, float]


@dataclass(frozen=True, slots=True)
class AgencyStats:
    """Response milestones of one agency (time from exercise start)."""

    agency: str
    alerted: TimeStats
    activated: TimeStats
    on_scene: TimeStats


@dataclass(frozen=True, slots=True)
class TaskStats:
    """One task for one inject: when it started and finished, in seconds after that inject."""

    incident: str
    task: str
    start: TimeStats
    done: TimeStats


K = TypeVar("K", str, PathPart)


def _mean_pairs(rows: Sequence[tuple[tuple[K, float], ...]]) -> dict[K, float]:
    total: dict[K, float] = {}
    for pairs in rows:
        for k, v in pairs:
            total[k] = total.get(k, 0.0) + v
    n = max(1, len(rows))
    return {k: v / n for k, v in total.items()}


def objective_stats(
    scenario: Scenario, variant: str, summaries: Sequence[ReplicationSummary]
) -> list[ObjectiveStats]:
    """Statistics of every objective of a variant."""
    out = []
    for k, obj in enumerate(scenario.objectives):
        results = [s.objectives[k] for s in summaries]
        reached = [r for r in results if r.time is not None]
        split = _mean_pairs(
            [r.split for r in reached]
        )  # derived from parts (summary.ObjectiveResult)
        out.append(
            ObjectiveStats(
                objective=obj,
                variant=variant,
                time=time_stats([r.time for r in results]),
                met=share_stats(sum(r.met for r in results), len(results)),
                split={c: split[c] for c in CATEGORIES if c in split},
                agencies=_mean_pairs([r.agencies for r in reached]),
                links=_mean_pairs([r.links for r in reached]),
                parts=_mean_pairs([r.parts for r in reached]),
            )
        )
    return out


def agency_stats(scenario: Scenario, summaries: Sequence[ReplicationSummary]) -> list[AgencyStats]:
    """Alerted, activated and on-scene times of every agency."""
    return [
        AgencyStats(
            a.id,
            time_stats([s.alerted[i] for s in summaries]),
            time_stats([s.activated[i] for s in summaries]),
            time_stats([s.on_scene[i] for s in summaries]),
        )
        for i, a in enumerate(scenario.agencies)
    ]


def task_stats(scenario: Scenario, summaries: Sequence[ReplicationSummary]) -> list[TaskStats]:
    """Start and finish of every task an inject brings in, counted from that inject."""
    at = {i.id: i.at for i in scenario.incidents}
    out = []
    for k, (incident, task) in enumerate(task_instances(compile_scenario(scenario))):
        t0 = at[incident]
        out.append(
            TaskStats(
                incident,
                task,
                time_stats([_since(s.instance_start[k], t0) for s in summaries]),
                time_stats([_since(s.instance_done[k], t0) for s in summaries]),
            )
        )
    return out


def _since(v: float | None, t0: float) -> float | None:
    """Seconds from the inject at ``t0``; None (never happened) stays None."""
    return None if v is None else v - t0


def percent(share: float, lang: str, digits: int = 1, width: int = 0) -> str:
    """``share`` (0..1) as a percentage in the language's number form (``62.5%``, vi ``62,5%``),
    right-aligned to ``width`` characters for a terminal table."""
    return f"{number(share * 100, lang, digits)}%".rjust(width)


def signed(x: float, lang: str, digits: int = 1, width: int = 0) -> str:
    """``x`` with its sign in the language's number form (``+14.5``, vi ``+14,5``), right-aligned."""
    point, group = DECIMAL_MARKS.get(lang, DECIMAL_MARKS["en"])
    text = f"{x:+,.{digits}f}".replace(",", "\0").replace(".", point).replace("\0", group)
    return text.rjust(width)


def clock_or_never(seconds: float | None, lang: str) -> str:
    """``H:MM:SS``, or the word for a time never reached, in ``lang``."""
    return Msg("results.never").say(lang) if seconds is None else clock(seconds)


def objective_rows(
    scenario: Scenario, summaries: Mapping[str, Sequence[ReplicationSummary]], lang: str = "en"
) -> list[str]:
    """Terminal lines in ``lang``: per variant and objective, share met with its interval,
    median and p90."""
    lines = []
    for variant, rows in summaries.items():
        lines.append(Msg("results.variant", variant=variant, n=len(rows)).say(lang))
        for st in objective_stats(scenario, variant, rows):
            ci = st.met.ci
            row = Msg(
                "results.objective",
                objective=f"{st.objective.id:<24}",
                met=percent(st.met.share, lang, width=6),
                low=percent(0.0 if ci.low is None else ci.low, lang),
                high=percent(0.0 if ci.high is None else ci.high, lang),
                median=clock_or_never(st.time.median, lang),
                p90=clock_or_never(st.time.p90, lang),
                target=clock(st.objective.within),
            )
            lines.append(row.say(lang))
    return lines
