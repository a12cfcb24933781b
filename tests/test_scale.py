"""Scale: the lookups made linear give what the scans they replaced gave, betweenness is exact up
to its threshold and a recorded sample above it, and the scaling benchmark's generator and stage
list run at tiny sizes (no timing is asserted: see benchmarks/README.md for the figures)."""

from __future__ import annotations

import json
import math
import random

import networkx as nx
import pytest
from hypothesis import given

from benchmarks import bench_scale
from benchmarks.scale_scenario import OUT_DEGREE, TASK_EVERY, links_of, scenario_text
from drillsim.analysis.api import _plain
from drillsim.analysis.centrality import sampled_betweenness, sampled_sources
from drillsim.analysis.graph import (
    BETWEENNESS_PIVOTS,
    BETWEENNESS_SEED,
    _latency_graph,
    betweenness,
    needed_agencies,
    structure,
)
from drillsim.scenario.loader import load_scenario_text_with_warnings
from drillsim.scenario.model import Agency, Scenario, Task
from drillsim.scenario.resolve import capability_index, capable_agencies, prerequisite_closure
from drillsim.sim.compile import build_graph
from tests.strategies import scenarios


# -- the linear lookups against the scans they replaced ---------------------------------------------
def _capable_by_scan(task: Task, agencies: list[Agency]) -> list[str]:
    """The former capable_agencies: every agency rescanned for every name of the task."""
    ids = {a.id for a in agencies}
    out: list[str] = []
    for name in task.by:
        matches = [name] if name in ids else [a.id for a in agencies if name in a.capabilities]
        out += [m for m in matches if m not in out]
    return out


def _needed_by_scan(scenario: Scenario) -> tuple[str, ...]:
    """The former needed_agencies."""
    out: list[str] = []
    for t in scenario.tasks:
        for name in t.by:
            for a in scenario.agencies:
                if (a.id == name or name in a.capabilities) and a.id not in out:
                    out.append(a.id)
    return tuple(out)


@given(scenarios())
def test_indexed_lookups_name_the_same_agencies_in_the_same_order(sc: Scenario) -> None:
    index = capability_index(sc.agencies)
    for task in sc.tasks:
        assert capable_agencies(task, index) == _capable_by_scan(task, list(sc.agencies))
        assert capable_agencies(task, sc.agencies) == _capable_by_scan(task, list(sc.agencies))
    assert needed_agencies(sc) == _needed_by_scan(sc)


def test_an_agency_named_by_id_and_by_capability_counts_once_at_its_first_mention() -> None:
    sc = Scenario.model_validate(
        {
            "scenario": {"id": "s", "title": "s", "horizon": "1h"},
            "target": {"name": "t", "kind": "other"},
            "agencies": [
                {"id": "b", "capabilities": ["x", "x"]},
                {"id": "x"},  # an id that is also another agency's capability: the id wins
                {"id": "c", "capabilities": ["x", "y"]},
            ],
            "incidents": [{"id": "i", "at": "0s", "detected_by": "b"}],
            "tasks": [
                {"id": "t1", "by": ["y", "x", "c"], "duration": "1m"},
                {"id": "t2", "by": ["b"], "duration": "1m"},
            ],
        }
    )
    index = capability_index(sc.agencies)
    assert index.by_capability == {"x": ("b", "c"), "y": ("c",)}
    # t1: y is a capability (c); x is an agency's id, so that agency alone; c again
    assert capable_agencies(sc.tasks[0], index) == ["c", "x"]
    # needed_agencies counts an agency by its id or a capability alike: x -> b, x, c in file order
    assert needed_agencies(sc) == ("c", "b", "x")


def test_prerequisites_are_found_depth_first_each_once() -> None:
    sc = Scenario.model_validate(
        {
            "scenario": {"id": "s", "title": "s", "horizon": "1h"},
            "target": {"name": "t", "kind": "other"},
            "agencies": [{"id": "a", "capabilities": ["k"]}],
            "incidents": [{"id": "i", "at": "0s", "detected_by": "a"}],
            "tasks": [
                {"id": "p", "by": ["k"], "duration": "1m"},
                {"id": "q", "by": ["k"], "duration": "1m", "after": ["p"]},
                {"id": "r", "by": ["k"], "duration": "1m", "after": ["q", "p"]},
            ],
        }
    )
    tasks = {t.id: t for t in sc.tasks}
    # stack: r; pop r -> push q, p; pop p; pop q -> push p (seen): r, p, q
    assert prerequisite_closure(["r", "missing", "r"], tasks) == ["r", "p", "q"]


# -- betweenness ---------------------------------------------------------------------------------
def _random_graph(n: int, seed: int) -> nx.DiGraph:
    rng = random.Random(seed)
    g = nx.DiGraph()
    g.add_nodes_from(f"a{i}" for i in range(n))
    for i in range(n):
        for j in rng.sample([j for j in range(n) if j != i], 3):
            g.add_edge(f"a{i}", f"a{j}", weight=rng.uniform(1, 100))
    return g


def test_betweenness_is_exact_up_to_the_threshold_and_a_seeded_sample_above() -> None:
    g = _random_graph(30, 1)
    lat = g.copy()
    hops, by_latency, sample = betweenness(g, lat, pivots=30)
    assert sample == {}
    assert hops == nx.betweenness_centrality(g)
    assert by_latency == nx.betweenness_centrality(lat, weight="weight")
    hops, by_latency, sample = betweenness(g, lat, pivots=8)
    assert sample == {"pivots": 8, "seed": BETWEENNESS_SEED}
    assert hops == pytest.approx(nx.betweenness_centrality(g, k=8, seed=BETWEENNESS_SEED))
    assert by_latency == pytest.approx(
        nx.betweenness_centrality(lat, k=8, weight="weight", seed=BETWEENNESS_SEED)
    )
    assert hops != nx.betweenness_centrality(g)  # an estimate: it differs from the exact figure
    assert betweenness(g, lat, pivots=8) == (hops, by_latency, sample)  # and is reproducible


def test_a_star_hub_is_found_by_the_sampled_betweenness_too() -> None:
    """Every path between two leaves crosses the hub: any sample of sources sees it on top."""
    g = nx.DiGraph()
    for i in range(40):
        g.add_edge("hub", f"l{i}")
        g.add_edge(f"l{i}", "hub")
    hops, _, sample = betweenness(g, g, pivots=10)
    assert sample["pivots"] == 10
    assert max(hops, key=hops.__getitem__) == "hub"


def test_the_analysis_records_the_sample_only_when_betweenness_is_sampled() -> None:
    small = load_scenario_text_with_warnings(scenario_text(BETWEENNESS_PIVOTS), "s.yaml")[0]
    big = load_scenario_text_with_warnings(scenario_text(BETWEENNESS_PIVOTS + 1), "b.yaml")[0]
    exact = structure(build_graph(small), small)
    sampled = structure(build_graph(big), big)
    assert "betweenness_sample" not in _plain(exact)
    assert exact.betweenness == nx.betweenness_centrality(build_graph(small))
    assert _plain(sampled)["betweenness_sample"] == {
        "pivots": BETWEENNESS_PIVOTS,
        "seed": BETWEENNESS_SEED,
    }
    lat = _latency_graph(build_graph(big))
    assert sampled.betweenness_by_latency == pytest.approx(
        nx.betweenness_centrality(lat, k=BETWEENNESS_PIVOTS, weight="weight", seed=BETWEENNESS_SEED)
    )


@pytest.mark.parametrize("seed", range(6))
def test_the_sampled_betweenness_gives_networkx_figures_for_the_same_sources(seed: int) -> None:
    """Ties matter: integer weights make many equal-length paths, each counted."""
    rng = random.Random(seed)
    g = _random_graph(25 + seed, seed)
    for u, v in g.edges:
        g.edges[u, v]["weight"] = float(rng.randint(1, 3))
    g.add_node("isolated")
    k = 3 + seed
    sources = sampled_sources(g, k, seed)
    for weight in (None, "weight"):
        assert sampled_betweenness(g, sources, weight) == pytest.approx(
            nx.betweenness_centrality(g, k=k, weight=weight, seed=seed), abs=1e-12
        )


# -- the benchmark's generator and stages ---------------------------------------------------------
@pytest.mark.parametrize("n", [2, 13, 40])
def test_the_generated_scenario_is_valid_and_shaped_as_asked(n: int) -> None:
    sc, warnings = load_scenario_text_with_warnings(scenario_text(n), f"scale-{n}.yaml")
    assert len(sc.agencies) == n
    pairs = sum(len(link.to) for link in sc.links)
    assert min(OUT_DEGREE, n - 1) * n <= pairs <= (min(OUT_DEGREE, n - 1) + 1) * n
    assert len(sc.tasks) == math.ceil(n / TASK_EVERY)
    assert len(sc.objectives) == 4
    graph = build_graph(sc)
    assert nx.descendants(graph, "a0") | {"a0"} == set(graph.nodes)  # every agency alertable
    assert not [w for w in warnings if "no path" in w.message]


def test_the_generator_is_seeded() -> None:
    assert scenario_text(50, seed=3) == scenario_text(50, seed=3)
    assert scenario_text(50, seed=3) != scenario_text(50, seed=4)
    assert links_of(50, 3) != links_of(50, 4)


def test_every_analysis_stage_runs_at_a_tiny_size() -> None:
    rows: list[dict[str, object]] = []
    out = bench_scale.run_stages(15, report=False, emit=rows.append)
    names = [s[0] for s in bench_scale.stages(report=False)]
    assert list(out) == names == [r["stage"] for r in rows]
    assert {r["status"] for r in rows} == {"ok"}, [r for r in rows if r["status"] != "ok"]
    assert all(json.loads(json.dumps(r)) == r for r in rows)  # what the child prints


@pytest.mark.slow
def test_every_stage_with_the_report_and_each_chart_runs_at_a_tiny_size() -> None:
    out = bench_scale.run_stages(12, docx=True)
    assert {r["status"] for r in out.values()} == {"ok"}, out
    charts = {k.split(": ")[1] for k in out if "chart:" in k}
    assert {"coordination_graph", "ecdf", "save_figure"} <= charts
    assert {"HTML", "Markdown", "DOCX"} <= set(out)


def test_a_failed_stage_skips_the_stages_that_need_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_st: dict[str, object]) -> None:
        raise ValueError("boom")

    stages = [(n, broken if n == "compile" else f, needs) for n, f, needs in bench_scale.STAGES]
    monkeypatch.setattr(bench_scale, "STAGES", tuple(stages))
    out = bench_scale.run_stages(10, report=False)
    assert out["compile"]["status"] == "failed: ValueError: boom"
    assert out["one replication"]["status"] == out["summary"]["status"] == "skipped"
    assert out["graph structure"]["status"] == "ok"


def test_the_fitted_exponent_is_the_log_log_slope() -> None:
    assert bench_scale.exponent([10, 100, 1000], [1.0, 10.0, 100.0]) == pytest.approx(1.0)
    assert bench_scale.exponent([10, 100, 1000], [1.0, 100.0, 10_000.0]) == pytest.approx(2.0)
    # least squares: log10 points (1, 0), (2, 1), (3, 3) -> slope 1.5
    assert bench_scale.exponent([10, 100, 1000], [1.0, 10.0, 1000.0]) == pytest.approx(1.5)
    assert math.isnan(bench_scale.exponent([10], [1.0]))
