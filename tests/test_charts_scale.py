"""Charts of large scenarios: the grid the edge router looks boxes up in, the summarised
coordination diagram and its table, and the Gantt that shows the agencies that matter."""

from __future__ import annotations

import zipfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from matplotlib.figure import Figure

from drillsim import charts, i18n
from drillsim.charts import GanttBar, GraphEdge, GraphNode
from drillsim.charts.graph_summary import FOCUS_LIMIT, GROUP_PREFIX, centre, focus, summarise
from drillsim.charts.lanes import select_rows
from drillsim.charts.routing import BoxGrid, inside, overlaps
from drillsim.charts.texts import texts_for
from drillsim.charts.timeline import MAX_AGENCIES
from drillsim.report import write_report
from drillsim.report.data import build
from drillsim.report.figures import graph_groups
from drillsim.report.groups import group_rows
from drillsim.runs.store import prepare_dir
from drillsim.runs.study import run_study
from drillsim.scenario.model import Scenario

coords = st.floats(-500.0, 500.0, allow_nan=False)
sizes = st.floats(0.0, 120.0, allow_nan=False)


@st.composite
def boxes(draw: st.DrawFn) -> tuple[float, float, float, float]:
    x, y, w, h = draw(coords), draw(coords), draw(sizes), draw(sizes)
    return (x, y, x + w, y + h)


@given(st.lists(boxes(), max_size=25), st.lists(st.tuples(coords, coords), max_size=20))
def test_grid_finds_exactly_the_boxes_a_search_of_all_finds(
    filed: list[tuple[float, float, float, float]], points: list[tuple[float, float]]
) -> None:
    named = {f"b{k}": b for k, b in enumerate(filed)}
    grid = BoxGrid.of(named)
    for p in points:
        assert grid.holding(p) == [n for n, b in named.items() if inside(p, b)]
    for probe in filed[:5] + [(p[0], p[1], p[0] + 30.0, p[1] + 8.0) for p in points]:
        assert grid.covers(probe) == any(overlaps(probe, b) for b in filed)


# ---------------------------------------------------------------------------------------------
# the summarised coordination diagram


def graph(n: int, links: list[tuple[int, int]], hot: int | None = None) -> tuple[list, list]:
    sectors = ("police", "health", "fire")
    nodes = [
        GraphNode(f"a{i}", f"Agency {i}", 30.0 * i, i == hot, i == 0, sectors[i % 3])
        for i in range(n)
    ]
    edges = [GraphEdge(f"a{s}", f"a{t}", 60.0 + s) for s, t in dict.fromkeys(links) if s != t]
    return nodes, edges


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list, list]:
    n = draw(st.integers(2, 40))
    links = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=90))
    hot = draw(st.none() | st.integers(0, n - 1))
    return graph(n, links, hot)


@given(graphs(), st.integers(1, 12))
def test_a_summary_accounts_for_every_agency_and_draws_only_real_links(
    g: tuple[list, list], limit: int
) -> None:
    nodes, edges = g
    s = summarise(nodes, edges, limit=limit)
    drawn = {n.id for n in s.nodes}
    assert len(drawn) == len(s.nodes)  # no id twice
    assert s.shown == sum(1 for n in s.nodes if not n.members) <= limit
    assert s.shown + sum(r.agencies for r in s.groups) == s.total == len(nodes)
    assert [r.agencies for r in s.groups] == [n.members for n in s.nodes if n.members]
    for e in s.edges:
        assert e.source in drawn and e.target in drawn and e.source != e.target
    assert sum(e.count for e in s.edges) <= len(edges)
    members = {n.id: n.group for n in nodes if n.id not in drawn}
    for r in s.groups:  # the table's link counts, counted again by brute force
        into = sum(1 for e in edges if members.get(e.target) == r.group != members.get(e.source))
        out = sum(1 for e in edges if members.get(e.source) == r.group != members.get(e.target))
        within = sum(1 for e in edges if members.get(e.source) == r.group == members.get(e.target))
        assert (r.links_in, r.links_out, r.links_within) == (into, out, within)
    middle = set(centre(nodes, edges)) & {n.id for n in s.nodes}
    touching = [e for e in edges if {e.source, e.target} & middle and e.source != e.target]
    drawn_count = sum(e.count for e in s.edges if {e.source, e.target} & middle)
    assert drawn_count == len(touching)  # every link of the bottleneck and detecting agencies


def test_summary_of_a_hand_made_graph() -> None:
    """a3 is the bottleneck, a0 detects: both drawn, with a3's neighbours up to the limit of 4
    (a1 and a4; a5, also a neighbour, comes too late). a2 and a5 (fire) become one group. The
    links a0->a2 and a0->a5 are drawn as one link to the group, a5->a3 as the group's link to the
    bottleneck; a1->a2 (a neighbour's link to a group) and a2->a5 (inside the group) are only
    counted in the table."""
    nodes, edges = graph(6, [(0, 1), (1, 3), (3, 4), (0, 2), (1, 2), (2, 5), (5, 3), (0, 5)], 3)
    assert centre(nodes, edges) == ["a3", "a0"]
    assert focus(nodes, edges, 4) == ["a3", "a0", "a1", "a4"]
    s = summarise(nodes, edges, limit=4, label=lambda g, n: f"{g}:{n}")
    fire = GROUP_PREFIX + "fire"
    assert [(n.id, n.label, n.members) for n in s.nodes] == [
        ("a0", "Agency 0", 0),
        ("a1", "Agency 1", 0),
        ("a3", "Agency 3", 0),
        ("a4", "Agency 4", 0),
        (fire, "fire:2", 2),
    ]
    assert [(e.source, e.target, e.count, e.time) for e in s.edges] == [
        ("a0", "a1", 1, 60.0),
        ("a1", "a3", 1, 61.0),
        ("a3", "a4", 1, 63.0),
        ("a0", fire, 2, 60.0),
        (fire, "a3", 1, 65.0),
    ]
    (row,) = s.groups
    assert (row.agencies, row.links_in, row.links_out, row.links_within) == (2, 3, 1, 1)
    assert (row.mean_delay, row.slowest, row.slowest_delay) == (105.0, "Agency 5", 150.0)
    assert s.nodes[-1].delay == 105.0  # the group's colour: its agencies' mean desk delay


def test_links_to_one_group_are_drawn_as_one_with_their_count_and_mean_time() -> None:
    nodes, edges = graph(9, [(0, 3), (0, 6), (0, 4)])  # a3, a6: police; a4 health
    s = summarise(nodes, edges, limit=1)
    merged = {(e.source, e.target): e for e in s.edges}
    police = merged[("a0", GROUP_PREFIX + "police")]
    assert (police.count, police.time) == (2, 60.0)
    assert merged[("a0", GROUP_PREFIX + "health")].count == 1


def node_gids(fig: Figure) -> list[str]:
    return [str(a.get_gid()) for a in fig.findobj() if str(a.get_gid() or "").startswith("node-")]


def test_a_large_diagram_draws_the_bottleneck_in_full_and_says_how_many_it_shows() -> None:
    links = [(i // 3, i) for i in range(1, 1200)] + [(7, i) for i in range(8, 30)]
    nodes, edges = graph(1200, links, hot=7)
    fig = charts.coordination_graph(nodes, edges, seed=1, lang="vi")
    drawn = node_gids(fig)
    assert "node-a7" in drawn and "node-a0" in drawn
    assert len(drawn) == 24 + 3  # FOCUS_LIMIT agencies and the three sectors
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts_for("vi")["graph_shown"].format(shown="24", total="1.200") in legend
    assert texts_for("vi")["group_node"] in legend
    labels = [t.get_text() for t in fig.findobj() if str(t.get_gid()).startswith("node-group:")]
    assert any(label.endswith("\n(392)") for label in labels), labels


def test_a_small_diagram_is_drawn_whole() -> None:
    nodes, edges = graph(40, [(i // 2, i) for i in range(1, 40)], hot=3)
    fig = charts.coordination_graph(nodes, edges, seed=1)
    assert len(node_gids(fig)) == 40
    assert texts_for("en")["group_node"] not in [t.get_text() for t in fig.legends[0].get_texts()]


# ---------------------------------------------------------------------------------------------
# Gantt rows of a large scenario


def test_rows_on_a_critical_path_come_first_then_the_slowest_in_their_order() -> None:
    order = ["A", "A desk", "B", "C", "C desk", "D"]
    subs = {"A desk": "desk", "C desk": "desk"}
    bars = [
        GanttBar("A", 0, 10, "work"),
        GanttBar("B", 0, 50, "work"),
        GanttBar("C desk", 0, 40, "desk_handling"),
        GanttBar("D", 0, 30, "work"),
    ]
    assert select_rows(order, subs, bars, ["D"], 2) == (["B", "D"], 2)
    assert select_rows(order, subs, bars, [], 2) == (["B", "C", "C desk"], 2)
    assert select_rows(order, subs, bars, ["A desk", "D"], 3) == (["A", "A desk", "B", "D"], 1)
    assert select_rows(order, subs, bars, [], 4) == (order, 0)


def test_a_gantt_of_many_agencies_shows_twenty_and_says_how_many_are_left_out() -> None:
    """Agency i ends at i+1 minutes: Agency 2 (on a critical path) and the 19 slowest are
    shown, in their order; the legend says 25 are left out (its note wraps: compare unspaced)."""
    assert MAX_AGENCIES == 20
    bars = [GanttBar(f"Agency {i}", 0, 60.0 * (i + 1), "work") for i in range(45)]
    fig = charts.gantt(bars, lang="zh", keep=["Agency 2"])
    shown = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert shown == ["Agency 2"] + [f"Agency {i}" for i in range(26, 45)]
    legend = "".join(t.get_text() for t in fig.legends[0].get_texts()).split()
    note = texts_for("zh")["rows_left_out"].format(count="25").split()
    assert "".join(note) in "".join(legend)


# ---------------------------------------------------------------------------------------------
# the report of a large scenario


def province(n: int) -> Scenario:
    """n agencies in three sectors, a tree of alerts from a0 (each hub alerts three)."""
    sectors = ("security", "health", "government")
    agencies = [
        {"id": f"a{i}", "sector": sectors[i % 3], "handling": "30s", "name": f"Xã {i}"}
        for i in range(n)
    ]
    links = [{"from": f"a{(i - 1) // 3}", "to": f"a{i}", "delay": "1m"} for i in range(1, n)]
    return Scenario.model_validate(
        {
            "scenario": {"id": "province", "title": "Province", "horizon": "1d", "language": "vi"},
            "target": {"name": "t", "kind": "multi_site"},
            "agencies": agencies,
            "links": links,
            "incidents": [{"id": "i", "at": "0s", "detected_by": "a0"}],
            "objectives": [
                {
                    "id": "last",
                    "measure": {"alerted": f"a{n - 1}"},
                    "within": "1h",
                    "core_capability": "Operational Coordination",
                }
            ],
        }
    )


def test_the_report_of_a_large_scenario_has_the_table_of_groups(tmp_path: Path) -> None:
    scenario = province(60)
    source = tmp_path / "province.yaml"
    source.write_text("# generated\n", "utf-8")
    out = prepare_dir(tmp_path / "run", force=False)
    run_study(scenario, source, out, n=3, seed=1, variants=["base"])
    html, md, docx = write_report(out, formats=("html", "md", "docx"))
    page = html.read_text("utf-8")
    assert 'id="graph-groups"' in page
    assert i18n.say("vi", "graph_groups") in page and i18n.say("vi", "sector.health") in page
    text = md.read_text("utf-8")
    groups = graph_groups(build(out))
    assert {g.group for g in groups} == {"An ninh", "Y tế", "Chính quyền"}
    assert 60 - FOCUS_LIMIT <= sum(g.agencies for g in groups) < 60
    for row in group_rows(groups, "vi"):
        assert f"| {' | '.join(row)} |" in text
    with zipfile.ZipFile(docx) as z:
        body = z.read("word/document.xml").decode("utf-8")
    assert i18n.say("vi", "graph_groups") in body and i18n.say("vi", "group_links_within") in body
