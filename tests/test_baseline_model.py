"""The engine benchmark's hand-written SimPy model and drillsim give the same times.

``benchmarks/baseline.py`` models every mechanism of the example scenarios (desks, retries and
backups, mobilisation, tasks with units and prerequisites, casualties) the plain SimPy way; the
benchmark's ratio means something only while the two agree. Checked here on every example
scenario and variant, with every distribution at its mean and with the real distributions drawn
from the same streams, so that a change to the engine's mechanisms that the baseline does not
follow (or the reverse) fails the test run, not a benchmark nobody runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # benchmarks/ sits beside tests/, not on the test path

from benchmarks.baseline import (
    FullModel,
    drillsim_times,
    full_replication,
    same_streams_replication,
    with_means,
)
from benchmarks.bench_engine import same_times
from drillsim.scenario.loader import load_scenario
from drillsim.scenario.model import Scenario
from drillsim.scenario.variants import apply_variant
from drillsim.sim.compile import compile_scenario
from drillsim.sim.engine import run_replication
from drillsim.sim.rng import RandomStreams


def cases() -> list[tuple[str, Scenario]]:
    out = []
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        s = load_scenario(path)
        out.append((path.stem, s))
        out += [(f"{path.stem}/{v.id}", apply_variant(s, v.id)) for v in s.variants]
    return out


CASES = cases()


@pytest.mark.parametrize(("name", "scenario"), CASES, ids=[n for n, _ in CASES])
def test_the_baseline_gives_drillsims_times(name: str, scenario: Scenario) -> None:
    for s, replications in ((with_means(scenario), 1), (scenario, 4)):
        c = compile_scenario(s)
        for k in range(replications):
            ours = drillsim_times(run_replication(c, 3, k), c)
            theirs = same_streams_replication(c, 3, k)
            assert {key[0] for key in ours} >= {"alerted", "on_scene", "started", "done"}, name
            assert same_times(ours, theirs), name
        assert full_replication(c, 1) == {}  # timing mode notes nothing


def test_a_changed_mechanism_is_seen() -> None:
    """The comparison is not vacuous: triage ranks reversed in the baseline change its times."""
    scenario = load_scenario(ROOT / "scenarios" / "lai-chau-hydropower.yaml")
    c = compile_scenario(with_means(scenario))
    ours = drillsim_times(run_replication(c, 3, 0), c)
    model = FullModel(c, RandomStreams(3, 0).uniform)
    assert same_times(ours, model.run())
    reversed_ranks = FullModel(c, RandomStreams(3, 0).uniform)
    reversed_ranks.rank = {"red": 4, "yellow": 3, "green": 2, "black": 1}
    assert not same_times(ours, reversed_ranks.run())


def test_with_means_leaves_no_distribution() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "dien-bien-hospital.yaml")
    c = compile_scenario(with_means(scenario))
    samplers = [a.handling for a in c.agencies] + [t.duration for t in c.tasks]
    assert all(isinstance(s, float) for s in samplers)
