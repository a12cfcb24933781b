"""Layout tests of the charts: rows and lanes of the Gantt, edge routing of the graph, labels.

These check geometry on the laid-out figure (display coordinates after a draw), so they fail
when text overlaps a neighbouring row, a bar hides another, an arrow crosses an agency's box
or a label is written over a box, whatever the fonts.
"""

from __future__ import annotations

import io
import itertools
import logging
import warnings

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

from drillsim import charts
from drillsim.charts import GanttBar, GanttMarker, GraphEdge, GraphNode, Sensitivity, wrap_label
from drillsim.charts.lanes import assign_lanes, merge_waits
from drillsim.charts.routing import arc_point, control_point, label_box, label_spot, overlaps
from drillsim.charts.style import figure_size
from drillsim.charts.texts import texts_for

LONG_VI = "Bệnh viện Đa khoa tỉnh Lai Châu (Trung tâm cấp cứu 115)"
HUB_VI = "Công an tỉnh (cơ quan thường trực Ban Chỉ đạo)"


def drawn(fig: Figure) -> Figure:
    """Render the figure once (PNG) so every extent is final."""
    FigureCanvasAgg(fig)
    fig.savefig(io.BytesIO(), format="png")
    return fig


def gid(fig: Figure, name: str) -> list[object]:
    return [a for a in fig.findobj() if a.get_gid() == name]


def bar_rects(fig: Figure) -> list[Rectangle]:
    return [
        p
        for p in fig.axes[0].patches
        if isinstance(p, Rectangle) and str(p.get_gid()).startswith("gantt-")
    ]


def _y_span(r: Rectangle) -> tuple[float, float]:
    return r.get_y(), r.get_y() + r.get_height()


def _x_span(r: Rectangle) -> tuple[float, float]:
    return r.get_x(), r.get_x() + r.get_width()


def _strictly_overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] - 1e-9 and b[0] < a[1] - 1e-9


# ---------------------------------------------------------------------------------------------
# Gantt: lanes, row labels, inside labels, sub-rows


def transports(row: str) -> list[GanttBar]:
    """Three ambulances transporting at once, then one more: four bars, overlap depth 3."""
    return [
        GanttBar(row, 0, 600, "activation"),
        GanttBar(row, 600, 4200, "work", "Vận chuyển cấp cứu"),
        GanttBar(row, 900, 3900, "work", "Vận chuyển cấp cứu"),
        GanttBar(row, 1200, 4500, "work", "Vận chuyển cấp cứu"),
        GanttBar(row, 4200, 7800, "work", "Vận chuyển cấp cứu"),
    ]


def test_assign_lanes_is_minimal_and_never_overlaps() -> None:
    bars = transports("H") + [GanttBar("P", 0, 100, "work"), GanttBar("P", 50, 80, "link")]
    lanes = assign_lanes(bars)
    assert lanes[:5] == [0, 0, 1, 2, 0]  # the fourth transport reuses the first free lane
    assert lanes[5:] == [0, 1]
    for (i, a), (j, b) in itertools.combinations(enumerate(bars), 2):
        if a.row == b.row and lanes[i] == lanes[j]:
            assert not _strictly_overlap((a.start, a.end), (b.start, b.end)), (a, b)
    assert assign_lanes(bars) == lanes  # deterministic


def test_merge_waits_joins_overlapping_waits_of_one_row_and_kind() -> None:
    bars = [
        GanttBar("H", 100, 500, "unit_wait"),
        GanttBar("H", 0, 200, "work"),
        GanttBar("H", 200, 900, "unit_wait"),
        GanttBar("H", 1000, 1100, "unit_wait"),
        GanttBar("P", 150, 300, "unit_wait"),
        GanttBar("H", 0, 300, "work"),
    ]
    merged = merge_waits(bars)
    assert merged == [
        GanttBar("H", 100, 900, "unit_wait"),
        GanttBar("H", 0, 200, "work"),
        GanttBar("H", 1000, 1100, "unit_wait"),
        GanttBar("P", 150, 300, "unit_wait"),
        GanttBar("H", 0, 300, "work"),  # doing bars are never merged
    ]


def test_gantt_overlapping_bars_go_on_separate_lanes() -> None:
    bars = [GanttBar(HUB_VI, 0, 900, "desk_handling"), *transports(LONG_VI)]
    fig = drawn(charts.gantt(bars, lang="vi"))
    rects = bar_rects(fig)
    assert len(rects) == len(bars)
    for a, b in itertools.combinations(rects, 2):
        if _strictly_overlap(_y_span(a), _y_span(b)):
            assert not _strictly_overlap(_x_span(a), _x_span(b)), (
                "two bars drawn on top of each other"
            )
    hospital = [r for r in rects if r.get_y() > fig.axes[0].get_yticks()[0]]  # below the hub row
    assert len(hospital) == 5
    assert len({round(r.get_y(), 6) for r in hospital}) == 3  # three lanes: the deepest overlap


def test_gantt_row_labels_take_at_most_two_lines_and_never_overlap() -> None:
    rows = [HUB_VI, f"{HUB_VI} · bàn trực", LONG_VI, f"{LONG_VI} · bàn trực", "Viettel Lai Châu"]
    rows += [f"{LONG_VI} {k}" for k in range(8)]  # enough rows that the height is not a minimum
    bars = [GanttBar(r, 60 * k, 60 * k + 300, "work") for k, r in enumerate(rows)]
    fig = drawn(charts.gantt(bars, lang="vi"))
    ticks = fig.axes[0].get_yticklabels()
    assert all(t.get_text().count("\n") <= 1 for t in ticks)
    assert ticks[3].get_text().endswith("\N{HORIZONTAL ELLIPSIS}")  # cut, not a third line
    extents = [t.get_window_extent() for t in ticks]
    for upper, lower in itertools.pairwise(extents):
        assert lower.y1 <= upper.y0 + 0.5, "a row label runs into the next row's label"


def test_gantt_grows_with_its_rows() -> None:
    few = charts.gantt([GanttBar("A", 0, 60, "work")])
    many = charts.gantt([GanttBar(f"{LONG_VI} {k}", 0, 60, "work") for k in range(12)])
    assert many.get_figheight() > few.get_figheight()
    # two-line rows need more than the generic one-row-per-0.32-inch rule of the other charts
    assert many.get_figheight() > figure_size("full", rows=12)[1]


def test_inside_label_only_where_it_fits() -> None:
    bars = [
        GanttBar("A", 0, 3600, "work", "Thương lượng, đàm phán"),
        GanttBar("B", 0, 120, "work", "Vận chuyển cấp cứu"),
        GanttBar("C", 0, 7200, "work", "处置"),
    ]
    fig = drawn(charts.gantt(bars, lang="vi"))
    labels = [t for t in gid(fig, "gantt-label") if isinstance(t, Text)]
    assert sorted(t.get_text() for t in labels) == ["Thương lượng, đàm phán", "处置"]
    rects = bar_rects(fig)
    for text in labels:
        box = text.get_window_extent()
        (bar,) = [r for r in rects if r.get_window_extent().contains(*box.get_points().mean(0))]
        assert box.width < bar.get_window_extent().width


def test_sub_rows_are_tied_to_their_agency() -> None:
    desk = f"{HUB_VI} · bàn trực"
    rows = ["Lực lượng bảo vệ Nhà máy", HUB_VI, desk, "Viettel Lai Châu"]
    bars = [GanttBar(r, 0, 600, "desk_handling" if r == desk else "work") for r in rows]
    fig = drawn(charts.gantt(bars, rows=rows, sub_rows={desk: "↳ bàn trực"}, lang="vi"))
    ax = fig.axes[0]
    ticks = ax.get_yticklabels()
    assert ticks[2].get_text() == "↳ bàn trực"
    separators = sorted(line.get_ydata()[0] for line in gid(fig, "gantt-separator"))  # type: ignore[attr-defined]
    centers = list(ax.get_yticks())
    # one line between each pair of agencies, none between the police and its own desk
    assert len(separators) == 2
    assert centers[0] < separators[0] < centers[1] and centers[2] < separators[1] < centers[3]


def test_gantt_header_marker_labels_stay_above_the_rows() -> None:
    bars = [GanttBar("A", 0, 3600, "work"), GanttBar("B", 0, 1800, "travel")]
    markers = [GanttMarker(0, "hostage"), GanttMarker(60, "blast"), GanttMarker(120, "third")]
    fig = drawn(charts.gantt(bars, markers))
    ax = fig.axes[0]
    first_row_top = ax.transData.transform((0, bar_rects(fig)[0].get_y()))[1]
    for text in gid(fig, "marker-label-inject"):
        assert isinstance(text, Text)
        assert text.get_window_extent().y0 >= first_row_top - 1


# ---------------------------------------------------------------------------------------------
# coordination graph: edges routed around boxes, labels off the boxes


def column_graph() -> tuple[list[GraphNode], list[GraphEdge]]:
    """Lai Châu's shape: a hub fanning out to one column, and a link inside that column
    (military -> mobile police) that a straight line would draw through the hospital."""
    nodes = [
        GraphNode("plant", "Lực lượng bảo vệ Nhà máy", 30, detecting=True),
        GraphNode("hub", HUB_VI, 600, highlighted=True),
        GraphNode("evn", "Trung tâm Điều độ Hệ thống điện (EVN)", None),
        GraphNode("mobile", "Trung đoàn Cảnh sát cơ động", 0),
        GraphNode("fire", "Phòng Cảnh sát PCCC và CNCH", 0),
        GraphNode("hospital", LONG_VI, 60, highlighted=True),
        GraphNode("military", "Bộ Chỉ huy Quân sự tỉnh", 0),
        GraphNode("district", "UBND huyện Nậm Nhùn", 0),
        GraphNode("viettel", "Viettel Lai Châu", 0),
    ]
    edges = [
        GraphEdge("plant", "hub", 96, backup=True),
        GraphEdge("plant", "evn", 30),
        *[GraphEdge("hub", t, 60) for t in ("mobile", "fire", "hospital", "military")],
        GraphEdge("hub", "district", 60, simulated=False),
        GraphEdge("hub", "viettel", 60, simulated=False),
        GraphEdge("military", "mobile", 300, simulated=False),
    ]
    return nodes, edges


def node_boxes(fig: Figure, nodes: list[GraphNode]) -> dict[str, Bbox]:
    out = {}
    for node in nodes:
        (text,) = gid(fig, f"node-{node.id}")
        assert isinstance(text, Text)
        patch = text.get_bbox_patch()
        assert patch is not None
        out[node.id] = patch.get_window_extent()
    return out


def arrow_points(fig: Figure, edge: GraphEdge) -> list[tuple[float, float]]:
    """Points along the drawn arrow (curves flattened), display coordinates."""
    (ann,) = gid(fig, f"edge-{edge.source}-{edge.target}")
    assert isinstance(ann, Annotation) and ann.arrow_patch is not None
    arrow = ann.arrow_patch
    path = arrow.get_transform().transform_path(arrow.get_path())
    polygons = path.to_polygons(closed_only=False)
    return [tuple(p) for poly in polygons for p in poly]


def test_same_column_edge_is_an_arc_around_the_middle_nodes() -> None:
    nodes, edges = column_graph()
    fig = drawn(charts.coordination_graph(nodes, edges, seed=1, lang="vi"))
    boxes = node_boxes(fig, nodes)
    edge = edges[-1]
    (ann,) = gid(fig, "edge-military-mobile")
    style = ann.arrow_patch.get_connectionstyle()  # type: ignore[attr-defined]
    assert abs(style.rad) >= 0.3  # an arc, not a straight line
    points = arrow_points(fig, edge)
    for middle in ("fire", "hospital"):
        box = boxes[middle]
        assert not any(box.contains(x, y) for x, y in points), f"the arc crosses {middle}"
    # it bulges outside the column, to the right of the boxes it passes
    assert max(x for x, _ in points) > max(boxes[n].x1 for n in ("fire", "hospital"))


def test_no_edge_crosses_another_agency_and_no_label_sits_on_a_box() -> None:
    nodes, edges = column_graph()
    fig = drawn(charts.coordination_graph(nodes, edges, seed=1, lang="vi"))
    boxes = node_boxes(fig, nodes)
    for edge in edges:
        points = arrow_points(fig, edge)
        for node, box in boxes.items():
            if node not in (edge.source, edge.target):
                assert not any(box.contains(x, y) for x, y in points), (edge, node)
    labels = [t for t in fig.findobj(Text) if str(t.get_gid()).startswith("edge-label-")]
    assert len(labels) >= len(edges) - 1  # at most one left out for lack of room
    for label in labels:
        patch = label.get_bbox_patch()
        assert patch is not None
        extent = patch.get_window_extent()
        for node, box in boxes.items():
            assert not extent.overlaps(box), (label.get_text(), node)


def test_label_of_a_short_arc_between_neighbours_is_beside_it_not_on_a_box() -> None:
    """Nghệ An's shape: the link between two neighbouring boxes of a column is a short arc;
    its time label must not be written over either box."""
    column = {
        "committee": "Ban Chỉ đạo phòng, chống khủng bố tỉnh (Trưởng ban: Phó Chủ tịch UBND tỉnh)",
        "city": "Công an thành phố Vinh",
        "mobile": "Tiểu đoàn Cảnh sát cơ động Công an tỉnh",
        "military": "Bộ Chỉ huy Quân sự tỉnh (công binh)",
        "fire": "Phòng Cảnh sát PCCC và CNCH Công an tỉnh",
        "ems": "Trung tâm Cấp cứu 115 Nghệ An",
    }
    nodes = [GraphNode("hub", HUB_VI, 600, detecting=True)]
    nodes += [GraphNode(k, v, 0) for k, v in column.items()]
    edges = [GraphEdge("hub", k, 60) for k in column] + [GraphEdge("military", "mobile", 300)]
    fig = drawn(charts.coordination_graph(nodes, edges, seed=0, lang="vi"))
    boxes = node_boxes(fig, nodes)
    (label,) = gid(fig, "edge-label-military-mobile")
    assert isinstance(label, Text)
    patch = label.get_bbox_patch()
    assert patch is not None
    extent = patch.get_window_extent()
    assert not any(extent.overlaps(box) for box in boxes.values())


def test_configured_links_are_lighter_and_the_legend_says_so() -> None:
    nodes, edges = column_graph()
    fig = charts.coordination_graph(nodes, edges, seed=1, lang="vi")
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts_for("vi")["edge_width"] in legend and texts_for("vi")["edge_configured"] in legend
    (sim,) = gid(fig, "edge-hub-fire")
    (conf,) = gid(fig, "edge-hub-viettel")
    light = sum(conf.arrow_patch.get_edgecolor()[:3])  # type: ignore[attr-defined]
    dark = sum(sim.arrow_patch.get_edgecolor()[:3])  # type: ignore[attr-defined]
    assert light > dark


def test_arc_geometry_matches_matplotlib_arc3() -> None:
    a, b = (0.0, 0.0), (0.0, -100.0)
    # arc3: control = midpoint + rad * (dy, -dx)
    assert control_point(a, b, 0.5) == (-50.0, -50.0)
    assert arc_point(a, b, 0.5, 0.5) == (-25.0, -50.0)
    box = (-60.0, -60.0, -40.0, -40.0)
    assert overlaps((-50.0, -50.0, -45.0, -45.0), box)
    assert label_spot(a, b, 0.5, (10.0, 10.0), [(-100.0, -200.0, 100.0, 100.0)], []) is None


def test_label_spot_moves_beside_a_short_arc_squeezed_between_boxes() -> None:
    upper, lower = (-60.0, 10.0, 10.0, 30.0), (-60.0, -30.0, 10.0, -10.0)
    a, b = (10.0, -20.0), (10.0, 20.0)  # right-side ports of two stacked boxes
    size = (40.0, 30.0)
    mid = arc_point(a, b, -0.3, 0.5)
    assert overlaps(label_box(mid, size), upper)  # the middle of the arc is too tight
    spot = label_spot(a, b, -0.3, size, [upper, lower], [])
    assert spot is not None
    assert not overlaps(label_box(spot, size), upper) and not overlaps(label_box(spot, size), lower)


# ---------------------------------------------------------------------------------------------
# tornado labels and font coverage of the new layouts


def test_tornado_labels_wrap_to_three_lines_at_most() -> None:
    long = "Lực lượng bảo vệ Nhà máy báo thẳng " + ", ".join(["Trung đoàn Cảnh sát cơ động"] * 4)
    fig = drawn(
        charts.tornado(
            [Sensitivity(long, 40.0), Sensitivity("Công an tỉnh: 2 cán bộ trực ban", 20.0)],
            lang="vi",
        )
    )
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert all(t.count("\n") <= 2 for t in ticks)
    assert ticks[0].endswith("\N{HORIZONTAL ELLIPSIS}")
    area = ax.get_window_extent()
    for note in gid(fig, "tornado-value"):
        assert isinstance(note, Text)
        box = note.get_window_extent()
        assert area.x0 <= box.x0 and box.x1 <= area.x1  # value labels stay inside the axes


@pytest.mark.parametrize("lang", ["vi", "zh"])
def test_new_layouts_have_no_missing_glyphs(lang: str, caplog: pytest.LogCaptureFixture) -> None:
    nodes, edges = column_graph()
    desk = f"{HUB_VI} · desk"
    bars = transports(LONG_VI) + [GanttBar(desk, 0, 300, "desk_wait")]
    with (
        caplog.at_level(logging.WARNING, logger="matplotlib"),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        drawn(
            charts.gantt(
                bars, sub_rows={desk: "↳ " + ("值班台" if lang == "zh" else "bàn trực")}, lang=lang
            )
        )
        drawn(charts.coordination_graph(nodes, edges, seed=0, lang=lang))
        drawn(charts.variant_comparisons([_comparison()] * 3, lang=lang))
    problems = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]
    assert not problems, problems


def _comparison() -> charts.VariantComparison:
    stats = (
        charts.IntervalStats("Kịch bản gốc", 2400, 1500, 3900, never_share=0.1),
        charts.IntervalStats(
            "Bảo vệ nhà máy báo thẳng 115 và PCCC, không qua trực ban", 1800, 1200, 2700
        ),
    )
    return charts.VariantComparison("ems-60", stats, target=3600)


def test_variant_panels_go_in_two_columns_with_shared_labels() -> None:
    fig = drawn(charts.variant_comparisons([_comparison()] * 3, lang="vi"))
    assert len(fig.axes) == 3
    left, right, lower = fig.axes
    assert [t.get_text() for t in left.get_yticklabels()] == [
        wrap_label(v.label, 26, max_lines=2) for v in _comparison().variants
    ]
    assert not any(
        t.get_visible() and t.get_text()
        for t in right.get_yticklabels(minor=False)
        if right.yaxis.get_tick_params()["labelleft"]
    )
    assert abs(left.get_position().y0 - right.get_position().y0) < 1e-6  # side by side
    assert lower.get_position().y1 < left.get_position().y0
    notes = [t.get_text() for t in gid(fig, "never-note")]  # type: ignore[attr-defined]
    assert notes and all(n == "10% không đạt" for n in notes)  # short note in narrow panels
