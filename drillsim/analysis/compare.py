"""Compare variants replication by replication (common random numbers) and say what differs.

Replication ``i`` of every variant shares its random streams, so the difference of a variant
from the reference is taken pair by pair: its interval is far narrower than comparing two
independent samples, and a scenario compared with itself differs by exactly zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from drillsim.analysis.results import clock_or_never, percent, signed
from drillsim.analysis.stats import (
    Difference,
    ShareStats,
    TimeStats,
    paired_difference,
    paired_share_difference,
    share_stats,
    time_stats,
)
from drillsim.analysis.summary import ReplicationSummary
from drillsim.i18n import Msg
from drillsim.scenario.durations import clock
from drillsim.scenario.model import Scenario


@dataclass(frozen=True, slots=True)
class MetricRow:
    """One objective (or agency milestone) in one variant, against the reference variant.

    Attributes:
        metric: ``objective:<id>`` or ``on_scene:<agency>``.
        variant: The variant.
        met: Share of replications meeting the objective (objectives only).
        time: Distribution of the measured time.
        met_diff: Paired difference of the success share vs the reference, with Tango's score
            interval (objectives only).
        time_diff: Paired difference of the time over replications where both reached it (t interval).
        never_diff: Difference in the share of replications that never reached it.
    """

    metric: str
    variant: str
    met: ShareStats | None
    time: TimeStats
    met_diff: Difference | None
    time_diff: Difference | None
    never_diff: float


@dataclass(frozen=True, slots=True)
class Comparison:
    """Every metric of every variant against the first (reference) variant."""

    reference: str
    variants: tuple[str, ...]
    rows: tuple[MetricRow, ...]

    def significant(self) -> list[MetricRow]:
        """Rows whose success share or time differs significantly from the reference."""
        return [
            r
            for r in self.rows
            if (r.met_diff and r.met_diff.significant) or (r.time_diff and r.time_diff.significant)
        ]


def _paired(
    ref: Sequence[ReplicationSummary], other: Sequence[ReplicationSummary]
) -> list[tuple[ReplicationSummary, ReplicationSummary]]:
    by_rep = {s.replication: s for s in ref}
    return [(by_rep[s.replication], s) for s in other if s.replication in by_rep]


def _time_pairs(pairs: list[tuple[float | None, float | None]]) -> tuple[Difference | None, float]:
    both = [(a, b) for a, b in pairs if a is not None and b is not None]
    diff = paired_difference([a for a, _ in both], [b for _, b in both]) if both else None
    n = len(pairs) or 1
    never = (sum(b is None for _, b in pairs) - sum(a is None for a, _ in pairs)) / n
    return diff, never


def compare_variants(
    scenario: Scenario,
    summaries: dict[str, list[ReplicationSummary]],
    variants: Sequence[str] | None = None,
) -> Comparison:
    """Objectives and on-scene times of each variant against the first one."""
    names = list(variants or summaries)
    ref = summaries[names[0]]
    rows: list[MetricRow] = []
    for v in names:
        pairs = _paired(ref, summaries[v])
        mine = [b for _, b in pairs]
        for k, obj in enumerate(scenario.objectives):
            met = [float(b.objectives[k].met) for _, b in pairs]
            met_diff = (
                paired_share_difference([float(a.objectives[k].met) for a, _ in pairs], met)
                if v != names[0]
                else None
            )
            tdiff, never = _time_pairs(
                [(a.objectives[k].time, b.objectives[k].time) for a, b in pairs]
            )
            rows.append(
                MetricRow(
                    f"objective:{obj.id}",
                    v,
                    share_stats(int(sum(met)), len(met)),
                    time_stats([b.objectives[k].time for b in mine]),
                    met_diff,
                    tdiff if v != names[0] else None,
                    never,
                )
            )
        for i, a in enumerate(scenario.agencies):
            tdiff, never = _time_pairs([(x.on_scene[i], y.on_scene[i]) for x, y in pairs])
            rows.append(
                MetricRow(
                    f"on_scene:{a.id}",
                    v,
                    None,
                    time_stats([b.on_scene[i] for b in mine]),
                    None,
                    tdiff if v != names[0] else None,
                    never,
                )
            )
    return Comparison(names[0], tuple(names), tuple(rows))


def _fmt_diff(d: Difference | None, unit: str, lang: str) -> str:
    if d is None or d.ci.low is None or d.ci.high is None:
        return "—" if d is None else f"{_num(d.mean, unit, lang)}"
    mark = " *" if d.significant else ""
    low, high = _num(d.ci.low, unit, lang), _num(d.ci.high, unit, lang)
    return f"{_num(d.mean, unit, lang)} [{low}, {high}]{mark}"


def _num(x: float, unit: str, lang: str) -> str:
    if unit == "pp":
        return f"{signed(x * 100, lang)}pp"
    sign = "-" if x < 0 else "+"
    return f"{sign}{clock(abs(x))}"


def table(comparison: Comparison, lang: str = "en") -> list[str]:
    """Aligned terminal lines in ``lang``: per metric, each variant's figures and its difference."""
    lines = [Msg("compare.reference", reference=comparison.reference).say(lang)]
    metrics = list(dict.fromkeys(r.metric for r in comparison.rows))
    width = max((len(v) for v in comparison.variants), default=4)
    for metric in metrics:
        rows = [x for x in comparison.rows if x.metric == metric]
        if all(r.time.reached == 0 and r.met is None for r in rows):
            continue  # an agency on scene in no variant (a dispatch centre): nothing to compare
        lines.append(metric)
        for r in rows:
            lines.append(_row(r, comparison.reference, width, lang))
    return lines


def _row(r: MetricRow, reference: str, width: int, lang: str) -> str:
    """One variant's figures on a metric and, for the others than the reference, its differences."""
    median = clock_or_never(r.time.median, lang)
    met = Msg("compare.met", met=percent(r.met.share, lang, width=6)).say(lang) if r.met else ""
    diff = ""
    if r.variant != reference:
        parts = [Msg("compare.delta_met", diff=_fmt_diff(r.met_diff, "pp", lang))] if r.met else []
        parts.append(Msg("compare.delta_time", diff=_fmt_diff(r.time_diff, "s", lang)))
        if r.never_diff:
            parts.append(Msg("compare.delta_never", diff=f"{signed(r.never_diff * 100, lang)}pp"))
        diff = "  " + "  ".join(p.say(lang) for p in parts)
    row = Msg("compare.row", variant=f"{r.variant:<{width}}", met=met, median=median, diff=diff)
    return row.say(lang)
