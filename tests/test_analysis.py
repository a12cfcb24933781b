"""The bottleneck analysis names the right bottleneck, the right single points of failure, and
its numbers agree with NetworkX and with the event log."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given

from drillsim.analysis.api import analyze
from drillsim.analysis.graph import degree_centralization, structure
from drillsim.analysis.paths import PathPart
from drillsim.analysis.summary import desk_stats, summarize
from drillsim.runs.experiment import simulate_summaries, simulator
from drillsim.scenario.loader import load_scenario
from drillsim.scenario.model import Scenario
from drillsim.sim.compile import compile_scenario
from drillsim.sim.engine import run_replication
from tests.helpers import with_prerequisites
from tests.strategies import scenarios

FIX = Path(__file__).parent / "fixtures" / "analysis"


@pytest.mark.slow  # statistical: 200 replications per suggested change
def test_the_hub_is_the_top_bottleneck_and_its_fix_helps() -> None:
    sc = load_scenario(FIX / "hub.yaml")
    base = simulate_summaries(sc, [], 200, 5)["base"]
    a = analyze(sc, base, simulate=simulator(5), replications=200)
    top = a.findings[0]
    assert top.kind == "desk" and top.agency == "hub"
    share = a.objectives[0].parts.get(PathPart.parse("handling@hub"), 0) / sum(
        a.objectives[0].split.values()
    )
    assert share > 0.5 and "last-team-working" in top.evidence
    best = a.suggestions[0]
    assert best.variant.id in {"second-officer-hub", "bypass-hub"}
    effect = next(e for e in best.effects if e.objective == "last-team-working")
    assert effect.met_diff > 0 and effect.significant


def test_the_only_link_to_the_hospital_is_a_bridge() -> None:
    sc = load_scenario(FIX / "bridge.yaml")
    s = structure(compile_scenario(sc).graph, sc)
    cuts = {c.element: c.cut_off for c in s.bridges}
    assert cuts["health_dept->hospital"] == ("hospital",)
    assert cuts["police->health_dept"] == ("health_dept", "hospital")
    assert "police->fire" not in cuts  # fire is also alerted by the guard
    a = analyze(sc, simulate_summaries(sc, [], 20, 1)["base"])
    bridge = [f for f in a.findings if f.kind == "bridge" and f.link == "health_dept->hospital"]
    assert bridge and "hospital" in bridge[0].text


def test_a_reply_link_does_not_hide_a_single_point_of_failure() -> None:
    """hospital -> police closes an undirected cycle, so undirected bridges and articulation
    points see nothing; alerts still reach the hospital only through health_dept."""
    sc = load_scenario(FIX / "bridge.yaml")
    links = (
        *sc.links,
        sc.links[0].model_validate({"from": "hospital", "to": "police", "delay": "1m"}),
    )
    sc = sc.model_copy(update={"links": links})
    g = compile_scenario(sc).graph
    assert not [e for e in nx.bridges(g.to_undirected()) if "hospital" in e]
    s = structure(g, sc)
    assert {c.element: c.cut_off for c in s.bridges}["health_dept->hospital"] == ("hospital",)
    assert {c.element: c.cut_off for c in s.articulation_points}["health_dept"] == ("hospital",)


def _cut_off_by_removing(
    graph: nx.DiGraph,
    starts: tuple[str, ...],
    node: str | None = None,
    edge: tuple[str, str] | None = None,
) -> tuple[str, ...]:
    """The definition, by brute force: who loses every alert path when the element is removed."""

    def reach(g: nx.DiGraph) -> set[str]:
        return set().union(*({s} | nx.descendants(g, s) for s in starts if s in g))

    g = graph.copy()
    if node is not None:
        g.remove_node(node)
    if edge is not None:
        g.remove_edge(*edge)
    return tuple(sorted(reach(graph) - reach(g) - {node}))


@given(scenarios())
def test_single_points_of_failure_are_exactly_what_removal_cuts_off(sc: Scenario) -> None:
    from drillsim.analysis.graph import sources

    g = compile_scenario(sc).graph
    starts = sources(sc)
    s = structure(g, sc)
    expected_nodes = {n: c for n in g.nodes if (c := _cut_off_by_removing(g, starts, node=n))}
    expected_links = {
        f"{u}->{v}": c for u, v in g.edges if (c := _cut_off_by_removing(g, starts, edge=(u, v)))
    }
    assert {c.element: c.cut_off for c in s.articulation_points} == expected_nodes
    assert {c.element: c.cut_off for c in s.bridges} == expected_links


def _scenario(edges: list[tuple[str, str]], source: str) -> Scenario:
    nodes = sorted({n for e in edges for n in e})
    return Scenario.model_validate(
        {
            "scenario": {"id": "g", "title": "g"},
            "target": {"name": "t", "kind": "other"},
            "agencies": [{"id": n} for n in nodes],
            "links": [{"from": u, "to": v} for u, v in edges],
            "incidents": [{"id": "i", "at": "0s", "detected_by": source}],
        }
    )


def test_graph_metrics_match_networkx_and_the_reference_values() -> None:
    """Reference values from shared/domain-reference.md §4.2 (11-agency illustrative graph)."""
    pairs = [("PSC", x) for x in ("Police", "Fire", "Health", "Army", "Telecom", "Education")] + [
        ("Police", "SWAT"),
        ("Police", "Fire"),
        ("Fire", "EMS"),
        ("EMS", "Hospital"),
        ("Health", "Hospital"),
        ("Education", "School"),
    ]
    sc = _scenario(pairs + [(v, u) for u, v in pairs], "PSC")
    g = compile_scenario(sc).graph
    s = structure(g, sc)
    und = g.to_undirected()
    # With every link two-way the directed single points of failure are the undirected ones,
    # each bridge in the direction away from the detecting agency.
    assert {c.element for c in s.articulation_points} == {"Education", "PSC", "Police"}
    assert set(nx.articulation_points(und)) == {"Education", "PSC", "Police"}
    undirected_bridges = [set(e) for e in nx.bridges(und)]
    assert {c.element for c in s.bridges} == {
        f"{u}->{v}" for u, v in g.edges if {u, v} in undirected_bridges and s.hops[u] < s.hops[v]
    }
    assert round(nx.density(und), 4) == 0.2182
    assert round(degree_centralization(und), 4) == 0.4667
    assert s.betweenness == nx.betweenness_centrality(g)
    bc = nx.betweenness_centrality(und)
    assert round(bc["PSC"], 4) == 0.7333 and round(bc["Police"], 4) == 0.2
    assert s.hops == nx.single_source_shortest_path_length(g, "PSC")


@given(scenarios())
def test_critical_path_split_adds_up_to_the_measured_time(sc: Scenario) -> None:
    compiled = compile_scenario(sc)
    result = run_replication(compiled, 3, 0)
    summary = summarize(result, compiled)
    for obj in summary.objectives:
        if obj.time is not None:
            assert obj.time >= 0
            assert sum(v for _, v in obj.split) == pytest.approx(obj.time, abs=1e-6)
            assert sum(v for _, v in obj.parts) <= obj.time + 1e-6


def test_desk_figures_agree_with_the_event_log() -> None:
    sc = load_scenario(FIX / "hub.yaml")
    result = run_replication(compile_scenario(sc), 9, 0)
    recs = result.records
    starts = [r for r in recs if r.kind.value == "handling_started" and r.agency == "hub"]
    waits = [r.time - recs[r.cause].time for r in starts]
    desk = desk_stats(recs, [a.id for a in sc.agencies])[1]
    assert desk.served == len(starts) == 6
    assert desk.total_wait == pytest.approx(sum(waits)) and desk.max_wait == pytest.approx(
        max(waits)
    )
    assert desk.max_queue == 5  # six messages at once, one officer: five wait


def test_analyze_command_prints_ranked_findings_and_writes_json(tmp_path: Path) -> None:
    import json

    from tests.helpers import run_cli

    out = tmp_path / "a.json"
    r = run_cli(
        "analyze",
        str(FIX / "hub.yaml"),
        "-n",
        "100",
        "--workers",
        "1",
        "--suggest",
        "100",
        "--json",
        str(out),
    )
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    first = lines[lines.index("Bottlenecks (most severe first)") + 1]
    assert first == "  1. [desk] Duty desk of hub delays the alerts"
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["findings"][0]["agency"] == "hub"
    assert {s["variant"]["id"] for s in data["suggestions"]} >= {"second-officer-hub", "bypass-hub"}
    sc = load_scenario(FIX / "hub.yaml")
    assert [a["agency"] for a in data["agencies"]] == [a.id for a in sc.agencies]
    assert all(set(a) == {"agency", "alerted", "activated", "on_scene"} for a in data["agencies"])
    assert {(t["incident"], t["task"]) for t in data["tasks"]} == {
        (i.id, t) for i in sc.incidents for t in with_prerequisites(sc, i.triggers)
    }
    assert all(t["done"]["n"] == 100 for t in data["tasks"])
    assert run_cli("analyze").exit_code == 2


def test_task_times_are_counted_from_their_own_inject() -> None:
    """The fire at 30m starts its tasks minutes after its own inject, not after the exercise start;
    each figure is the event log's first start and the task's finish for that inject."""
    from drillsim.analysis.results import task_stats

    sc = load_scenario(Path(__file__).parent / "fixtures" / "report" / "hub.yaml")
    compiled = compile_scenario(sc)
    result = run_replication(compiled, 4, 0)
    at = {i.id: i.at for i in sc.incidents}
    stats = task_stats(sc, [summarize(result, compiled)])
    assert {(s.incident, s.task) for s in stats} == {
        ("intrusion", "isolate"),
        ("intrusion", "cordon"),
        ("fire_out", "firefight"),
        ("fire_out", "triage"),
    }
    for s in stats:
        started = [
            r.time
            for r in result.records
            if r.kind.value == "task_started" and (r.incident, r.task) == (s.incident, s.task)
        ]
        done = [
            r.time
            for r in result.records
            if r.kind.value == "task_done" and (r.incident, r.task) == (s.incident, s.task)
        ]
        assert s.start.median == pytest.approx(min(started) - at[s.incident])
        assert s.done.median == pytest.approx(done[0] - at[s.incident]) and len(done) == 1
    fire = next(s for s in stats if s.task == "firefight")
    assert at["fire_out"] == 1800 and fire.start.median < 1800  # from its inject, not from 0


def test_a_slow_reliable_link_is_offered_a_faster_channel_not_more_reliability() -> None:
    """hub.yaml's district_police -> ems is 100% reliable: more reliability cannot help it."""
    sc = load_scenario(Path(__file__).parent / "fixtures" / "report" / "hub.yaml")
    a = analyze(sc, simulate_summaries(sc, [], 60, 2)["base"])
    links = {f.link: f for f in a.findings if f.kind == "link"}
    fast = links["district_police->ems"]
    assert fast.message == "transmission_fast" and "faster channel" in fast.suggestion
    assert "takes 0:01:00 on average" in fast.text
    [variant] = fast.variants
    assert variant.id == "faster-district_police-ems"
    [change] = variant.change_links
    assert change.delay is not None and change.delay.mean() == 30.0 and change.reliability is None
    flaky = links["guard->district_police"]  # 90% reliable: reliability is the remedy offered
    assert flaky.message != "transmission_fast"
    assert [v.change_links[0].reliability for v in flaky.variants] == [0.99]


UNITS = """
scenario: {{id: units, title: "Units", horizon: 4h, seed: 1}}
target: {{name: "Site", kind: other}}
agencies:
  - {{id: ems, units: {units}, handling: 0s, activation: 0s, travel: 5m}}
incidents:
  - {{id: crash, at: 0s, detected_by: ems, casualties: {{red: 1, yellow: 2}}, triggers: [treat]}}
tasks:
  - {{id: treat, by: [ems], per_casualty: 10m}}
"""


@pytest.mark.parametrize(
    ("units", "expected"),
    [
        # One crew: three casualties ready at 5m are treated 10 minutes each, red first; two wait
        # 10m and 20m; the crew is busy 30 of the 35 minutes the replication lasts.
        (
            1,
            {
                "served": 3,
                "mean_wait": 600.0,
                "worst_wait": 1200.0,
                "utilisation": 1800 / 2100,
                "longest_queue": 2,
                "longest_queue_at": 300.0,
            },
        ),
        # Two crews: one casualty waits 10m; 30 crew-minutes over 2 crews x 25 minutes.
        (
            2,
            {
                "served": 3,
                "mean_wait": 200.0,
                "worst_wait": 600.0,
                "utilisation": 1800 / (2 * 1500),
                "longest_queue": 1,
                "longest_queue_at": 300.0,
            },
        ),
    ],
)
def test_unit_pool_figures_match_a_hand_calculation(units: int, expected: dict[str, float]) -> None:
    from drillsim.analysis.results import queue_summaries
    from drillsim.scenario.loader import load_scenario_text

    sc = load_scenario_text(UNITS.format(units=units))
    compiled = compile_scenario(sc)
    summary = summarize(run_replication(compiled, 1, 0), compiled)
    pool = next(q for q in queue_summaries(sc, [summary]) if q.resource == "units")
    got = {
        "served": pool.served_per_replication,
        "mean_wait": pool.mean_wait,
        "worst_wait": pool.worst_wait,
        "utilisation": pool.utilisation,
        "longest_queue": pool.longest_queue,
        "longest_queue_at": pool.longest_queue_at,
    }
    assert got == pytest.approx(expected)


def test_a_hubs_only_links_are_one_finding_naming_each_recipient() -> None:
    """The standing office of Lai Chau has the only line to five forces: one finding, not five."""
    sc = load_scenario(
        Path(__file__).resolve().parents[1] / "scenarios" / "lai-chau-hydropower.yaml"
    )
    a = analyze(sc, simulate_summaries(sc, [], 20, 1)["base"])
    bridges = [f for f in a.findings if f.kind == "bridge"]
    from_hub = [f for f in bridges if f.agency == "police_hq"]
    assert len(from_hub) == 1 and from_hub[0].message == "bridges"
    shape = structure(compile_scenario(sc).graph, sc)
    hub_links = [
        c
        for c in shape.bridges
        if c.element.startswith("police_hq->")
        and not next(
            lk for lk in sc.links if lk.from_ == "police_hq" and c.element.split("->")[1] in lk.to
        ).backup
    ]
    assert from_hub[0].params["count"] == str(len(hub_links)) and len(hub_links) >= 4
    for cut in hub_links:
        assert sc.agency_label(cut.element.split("->")[1]) in from_hub[0].text
    assert len({f.agency for f in bridges}) == len(bridges)  # one finding per sender


def test_a_task_brought_in_twice_is_timed_from_each_inject_by_hand() -> None:
    """EMS (one crew, 5 min away) treats 2 casualties of a crash at 0 and 1 of a second at 1 h,
    10 min each: the crash's treatment runs 5 to 25 min after it; the second's 0 to 10 min after
    its own inject (the crew is already there and free)."""
    from drillsim.analysis.results import task_stats
    from drillsim.scenario.loader import load_scenario_text

    sc = load_scenario_text("""
scenario: {id: twice, title: "Twice", horizon: 4h, seed: 1}
target: {name: "Site", kind: other}
agencies:
  - {id: ems, units: 1, handling: 0s, activation: 0s, travel: 5m}
incidents:
  - {id: crash, at: 0s, detected_by: ems, casualties: {red: 1, yellow: 1}, triggers: [treat]}
  - {id: second, at: 1h, detected_by: ems, casualties: {red: 1}, triggers: [treat]}
tasks:
  - {id: treat, by: [ems], per_casualty: 10m}
""")
    compiled = compile_scenario(sc)
    stats = task_stats(sc, [summarize(run_replication(compiled, 1, 0), compiled)])
    assert [(s.incident, s.task, s.start.median, s.done.median) for s in stats] == [
        ("crash", "treat", 300.0, 1500.0),
        ("second", "treat", 0.0, 600.0),
    ]


def test_a_suggested_link_change_is_named_by_its_delay_or_reliability() -> None:
    """One changed link: its new mean delay as a clock time, or its reliability as a percentage."""
    from drillsim.analysis.messages import short_name
    from drillsim.analysis.suggest import describe_change, owner_of
    from drillsim.scenario.model import Variant

    sc = load_scenario(Path(__file__).parent / "fixtures" / "report" / "hub.yaml")
    names = {a: short_name(sc.agency_label(a)) for a in ("guard", "district_police")}
    link = {"from": "guard", "to": "district_police"}
    faster = Variant.model_validate(
        {"id": "faster", "change_links": [{**link, "delay": {"exponential": "90s"}}]}
    )
    assert describe_change(sc, faster) == (
        "change_delay",
        {"sender": names["guard"], "recipient": names["district_police"], "delay": "0:01:30"},
    )
    surer = Variant.model_validate({"id": "surer", "change_links": [{**link, "reliability": 0.99}]})
    assert describe_change(sc, surer)[1]["reliability"] == "99%"
    retry = Variant.model_validate({"id": "retry", "change_links": [{**link, "retry": "1m"}]})
    assert describe_change(sc, retry) == ("change_other", {"description": "retry"})
    direct = Variant.model_validate({"id": "direct", "add_links": [{"from": "guard", "to": "ems"}]})
    assert owner_of(direct) == owner_of(faster) == "guard"
