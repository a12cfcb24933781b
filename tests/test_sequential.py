"""Suggested changes are tested only as long as needed (drillsim.analysis.suggest.try_changes).

A fake ``Simulate`` makes the outcomes, so each stopping decision can be traced by hand; the slow
test checks the point of the design: over all looks a change without effect is called
significant at most about 5% of the time, where four looks at plain 95% intervals would do so
far more often.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from drillsim.analysis.suggest import (
    Simulate,
    look_points,
    nominal_level,
    resolved,
    try_changes,
)
from drillsim.analysis.summary import ObjectiveResult, ReplicationSummary
from drillsim.runs.experiment import simulate_summaries, simulator
from drillsim.scenario.loader import load_scenario
from drillsim.scenario.model import Scenario, Variant

HUB = load_scenario(Path(__file__).parent / "fixtures" / "analysis" / "hub.yaml")
TEMPLATE = simulate_summaries(HUB, [], 1, 5)["base"][0]

Outcome = Callable[[str, int], tuple[bool, bool]]
"""(variant id, replication) -> whether each of the hub scenario's two objectives is met."""


def fake(outcome: Outcome, calls: list[tuple[tuple[str, ...], range]]) -> Simulate:
    """A ``Simulate`` whose outcomes ``outcome`` decides, recording what it was asked to run."""

    def simulate(
        _sc: Scenario, variants: Sequence[Variant], reps: range
    ) -> dict[str, list[ReplicationSummary]]:
        calls.append((tuple(v.id for v in variants), reps))
        return {
            name: [summary(outcome(name, i), i) for i in reps]
            for name in ("base", *(v.id for v in variants))
        }

    return simulate


def summary(met: tuple[bool, bool], replication: int) -> ReplicationSummary:
    objectives = tuple(ObjectiveResult(60.0 if m else None, m) for m in met)
    return replace(TEMPLATE, replication=replication, objectives=objectives)


def change(name: str) -> Variant:
    return Variant(id=name)


def test_the_looks_are_equal_steps_up_to_the_cap() -> None:
    assert look_points(300) == [75, 150, 225, 300]
    assert look_points(12) == [3, 6, 9, 12]
    assert look_points(2) == [1, 2]  # fewer looks than 4 when the cap is tiny
    assert look_points(1) == [1]


def test_each_look_uses_pococks_nominal_level() -> None:
    assert nominal_level(1) == pytest.approx(0.95, abs=1e-4)
    assert nominal_level(4) == pytest.approx(1 - 0.0182, abs=2e-4)  # Pocock 1977, K = 4


def test_a_clear_gain_stops_at_the_first_look_and_a_null_change_runs_on() -> None:
    # base never meets either objective; "fix" always meets both; "same" is the base again
    def outcome(name: str, _i: int) -> tuple[bool, bool]:
        return (True, True) if name == "fix" else (False, False)

    calls: list[tuple[tuple[str, ...], range]] = []
    t = try_changes(HUB, [change("fix"), change("same")], fake(outcome, calls), 300)
    assert len(t.rows["fix"]) == 75 and all(e.better for e in t.effects["fix"])
    # a change with no discordant pair is resolved once its interval is inside +-5 points
    first = calls[0]
    assert first == (("fix", "same"), range(75))
    assert all(ids == ("same",) for ids, _ in calls[1:])
    assert [r for _, r in calls] == [
        range(75),
        range(75, 150),
        range(150, 225),
        range(225, 300),
    ][: len(calls)]
    same = t.effects["same"]
    assert resolved(same) and not any(e.significant for e in same)
    assert all(-0.05 <= e.met_ci.low and e.met_ci.high <= 0.05 for e in same)  # type: ignore[operator]
    assert len(t.rows["same"]) == 75 * len(calls)
    assert len(t.base) == len(t.rows["same"])  # the base runs as long as any change does


def test_an_unclear_change_runs_to_the_cap() -> None:
    # the change gains and loses equally often: never significant, never precise enough
    def outcome(name: str, i: int) -> tuple[bool, bool]:
        flip = i % 4 in (0, 1) if name == "coin" else i % 4 in (0, 2)
        return (flip, flip)

    calls: list[tuple[tuple[str, ...], range]] = []
    t = try_changes(HUB, [change("coin")], fake(outcome, calls), 200)
    assert len(calls) == 4 and len(t.rows["coin"]) == 200
    assert not resolved(t.effects["coin"])


def test_a_study_with_suggestions_records_how_long_each_was_tested() -> None:
    from drillsim.analysis.api import analyze

    base = simulate_summaries(HUB, [], 40, 5)["base"]
    a = analyze(HUB, base, simulate=simulator(5), replications=40)
    assert a.suggestions
    assert all(s.replications in (10, 20, 30, 40) for s in a.suggestions)


@pytest.mark.slow  # 800 sequential tests of a change without effect
def test_a_change_without_effect_is_rarely_called_significant_over_all_looks() -> None:
    rng = random.Random(20261201)
    false, naive = 0, 0
    trials = 800
    for k in range(trials):
        draws = {(name, i): rng.random() < 0.5 for name in ("base", "null") for i in range(200)}

        def outcome(name: str, i: int, d: dict[tuple[str, int], bool] = draws) -> tuple[bool, bool]:
            met = d[(name, i)]
            return (met, True)  # the second objective is always met: no effect there

        t = try_changes(HUB, [change("null")], fake(outcome, []), 200)
        false += any(e.significant for e in t.effects["null"])
        naive += _naive_significant(draws)
        del k
    assert false / trials <= 0.07  # 5% design, with room for sampling error (sd ~0.8%)
    assert naive / trials > false / trials + 0.03  # plain 95% looks err clearly more often


def _naive_significant(draws: dict[tuple[str, int], bool]) -> bool:
    from drillsim.analysis.stats import paired_share_difference

    for stop in (50, 100, 150, 200):
        a = [float(draws[("base", i)]) for i in range(stop)]
        b = [float(draws[("null", i)]) for i in range(stop)]
        if paired_share_difference(a, b).significant:
            return True
    return False
