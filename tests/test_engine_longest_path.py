"""With nothing ever queueing, every task finishes at the longest path through alerts, travel and
prerequisites ("Done when" of the engine issue).

The expected times are computed here from the scenario alone, without the engine:

* alert arrival at each agency: the FIRST arrival, so a shortest path (``nx.single_source_dijkstra``
  over links weighted sender handling + link delay) from the detecting agency, starting at
  inject + detection;
* activation: once per agency, after its first alert of any incident;
* travel: once per agency and place, starting when the first incident bound for that place has
  both the alert and the activation; an agency that does not travel is ready at once;
* the rest is max-plus: a weighted DAG (inject, ready, task start and finish, each casualty's
  step) whose longest path to a task's finish node (``nx.dag_longest_path_length`` over the
  node's ancestors) is the finish time.

Generated scenarios have fixed durations, reliability 1, one capable agency per task and enough
duty officers and units that nothing waits for a desk or a unit.
"""

from __future__ import annotations

import math
import os

import networkx as nx
import pytest
from engine_strategies import deterministic_scenarios, triggered
from hypothesis import HealthCheck, given, settings

from drillsim.scenario.model import Scenario, ZoneTravel
from drillsim.sim.compile import compile_scenario
from drillsim.sim.engine import run_replication
from drillsim.sim.records import EventKind as K

INF = math.inf


def fixed(d) -> float:  # type: ignore[no-untyped-def]
    assert d.is_fixed
    return d.fixed


def expected_times(s: Scenario) -> tuple[dict[tuple[str, str], float], dict[tuple, float]]:
    """(alert time by (agency, incident); finish time by task node), infinity when never."""
    agencies = {a.id: a for a in s.agencies}
    g = nx.MultiDiGraph()
    g.add_nodes_from(agencies)
    for link in s.links:
        for to in link.to:
            g.add_edge(link.from_, to, w=fixed(agencies[link.from_].handling) + fixed(link.delay))
    alert: dict[tuple[str, str], float] = {}
    for inc in s.incidents:
        t0 = inc.at + fixed(inc.detection)
        dist, _ = nx.single_source_dijkstra(g, inc.detected_by, weight="w")
        for a in agencies:
            alert[(a, inc.id)] = t0 + dist.get(a, INF)
    act = {
        a: min(alert[(a, i.id)] for i in s.incidents) + fixed(agencies[a].activation)
        for a in agencies
    }

    def place(a: str, inc) -> str:  # type: ignore[no-untyped-def]
        return inc.zone if isinstance(agencies[a].travel, ZoneTravel) else ""

    def travel(a: str, where: str) -> float:
        tr = agencies[a].travel
        return fixed(tr.by_zone[where]) if isinstance(tr, ZoneTravel) else fixed(tr)

    ready: dict[tuple[str, str], float] = {}
    for a, agency in agencies.items():
        for inc in s.incidents:
            base = max(act[a], alert[(a, inc.id)])
            if agency.travel is None or base == INF:
                ready[(a, inc.id)] = base
                continue
            trip = min(
                max(act[a], alert[(a, other.id)])
                for other in s.incidents
                if place(a, other) == place(a, inc)
            )
            ready[(a, inc.id)] = max(trip + travel(a, place(a, inc)), base)

    # The max-plus part as a weighted DAG; a node some predecessor of which never happens is left out.
    dag = nx.DiGraph()
    tasks = {t.id: t for t in s.tasks}
    wanted = triggered(s)

    def node(key: tuple, preds: list[tuple[object, float]]) -> None:
        """Add ``key`` after every (predecessor, weight); predecessors are nodes or absolute times."""
        if any(p not in dag and not isinstance(p, float) for p, _ in preds) or any(
            isinstance(p, float) and p == INF for p, _ in preds
        ):
            return
        dag.add_node(key)
        for p, w in preds:
            if isinstance(p, float):
                dag.add_edge("S", key, w=p + w)
            else:
                dag.add_edge(p, key, w=w)

    dag.add_node("S")
    for inc in s.incidents:
        node(("inject", inc.id), [(float(inc.at), 0.0)])
        for t in s.tasks:  # file order: prerequisites come first
            if (t.id, inc.id) not in wanted:
                continue
            agency = t.by[0]
            whole = [(("done", inc.id, p), 0.0) for p in t.after if not tasks[p].is_per_casualty]
            if not t.is_per_casualty:
                pre = [(("done", inc.id, p), 0.0) for p in t.after]
                node(
                    ("start", inc.id, t.id),
                    [(("inject", inc.id), 0.0), (ready[(agency, inc.id)], 0.0), *pre],
                )
                node(("done", inc.id, t.id), [(("start", inc.id, t.id), fixed(t.duration))])
                continue
            node(("coord", inc.id, t.id), [(("inject", inc.id), 0.0), *whole])
            casualties = [
                f"{c}-{k}"
                for c, n in inc.casualties.by_category()
                if c in t.categories
                for k in range(1, n + 1)
            ]
            for c in casualties:
                steps = [
                    (("step", inc.id, p, c), 0.0)
                    for p in t.after
                    if tasks[p].is_per_casualty and c.split("-")[0] in tasks[p].categories
                ]
                node(
                    ("start", inc.id, t.id, c),
                    [(("coord", inc.id, t.id), 0.0), (ready[(agency, inc.id)], 0.0), *steps],
                )
                node(
                    ("step", inc.id, t.id, c), [(("start", inc.id, t.id, c), fixed(t.per_casualty))]
                )
            # with no casualty to treat, the task is done once every prerequisite is done
            node(
                ("done", inc.id, t.id),
                [(("step", inc.id, t.id, c), 0.0) for c in casualties]
                or [
                    (("coord", inc.id, t.id), 0.0),
                    *[(("done", inc.id, p), 0.0) for p in t.after if tasks[p].is_per_casualty],
                ],
            )
    times = {}
    for key in dag:
        if key == "S":
            continue
        sub = dag.subgraph(nx.ancestors(dag, key) | {key})
        times[key] = nx.dag_longest_path_length(sub, weight="w", default_weight=0)
    return alert, times


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=0, abs_tol=1e-6)


@pytest.mark.slow  # 300 generated scenarios against a max-plus longest path
@settings(
    max_examples=int(os.environ.get("ENGINE_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(deterministic_scenarios())
def test_finish_is_the_longest_path(s: Scenario) -> None:
    r = run_replication(compile_scenario(s), 3)
    alert, times = expected_times(s)
    assert r.ended_by == "complete"
    got_alert = {
        (x.agency, x.incident): x.time for x in r.records if x.kind in (K.DETECTED, K.ALERTED)
    }
    assert set(got_alert) == {k for k, v in alert.items() if v < INF}
    for k, v in got_alert.items():
        assert close(v, alert[k]), (k, v, alert[k])
    # Nothing waited for a desk or for units.
    assert all(r.records[x.cause].time == x.time for x in r.records if x.kind is K.HANDLING_STARTED)
    got = {}
    for x in r.records:
        if x.kind is K.TASK_DONE:
            got[("done", x.incident, x.task)] = x.time
        elif x.kind is K.TASK_STARTED:
            got[("start", x.incident, x.task) + ((x.casualty,) if x.casualty else ())] = x.time
        elif x.kind is K.TASK_FINISHED and x.casualty:
            got[("step", x.incident, x.task, x.casualty)] = x.time
    want = {k: v for k, v in times.items() if k[0] in ("done", "start", "step")}
    assert set(got) == set(want), set(got) ^ set(want)
    for k, v in want.items():
        assert close(got[k], v), (k, got[k], v)
    never = {(k[2], k[1]) for k in want if k[0] == "done"} ^ triggered(s)
    assert never == {(u.task, u.incident) for u in r.unfinished}
    assert all(u.reason for u in r.unfinished)


def test_an_independent_example_by_hand() -> None:
    """The expected-time builder itself, on a case small enough to check by hand.

    d -> m (handling 10s + delay 20s) -> f (5s + 5s). f: activation 60s, travel 100s.
    Alert of f at 0 + 30 + 10 = 40; activated 100; on scene 200; task x (30s) done at 230.
    """
    from engine_strategies import scenario

    s = scenario(
        [
            {"id": "d", "handling": "10s"},
            {"id": "m", "handling": "5s"},
            {"id": "f", "activation": "60s", "travel": "100s"},
        ],
        [{"id": "i", "at": "0s", "zone": "z1", "detected_by": "d", "triggers": "x"}],
        links=[{"from": "d", "to": "m", "delay": "20s"}, {"from": "m", "to": "f", "delay": "5s"}],
        tasks=[{"id": "x", "by": "f", "duration": "30s"}],
    )
    alert, times = expected_times(s)
    assert alert[("f", "i")] == 40
    assert times[("start", "i", "x")] == 200 and times[("done", "i", "x")] == 230
