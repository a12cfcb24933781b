"""Structural tests of the report charts, font coverage for vi/zh, and safe saving.

Figures are inspected as objects (patches, lines, texts, gids), not compared as images. Font
checks render outside ``chart_style`` so a figure must carry its own fonts.
"""

from __future__ import annotations

import io
import logging
import math
import os
import subprocess
import sys
import uuid
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import same_color, to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation, Text

from drillsim import charts
from drillsim.charts import (
    CATEGORIES,
    CRITICAL_PATH_CATEGORIES,
    LANGUAGES,
    PALETTE,
    GanttBar,
    GanttMarker,
    GraphEdge,
    GraphNode,
    IntervalStats,
    ObservedRow,
    PathSplit,
    Sensitivity,
    VariantComparison,
    wrap_label,
)
from drillsim.charts.fonts import FONT_FAMILY, chart_rc, chart_style
from drillsim.charts.style import HIGHLIGHT
from drillsim.charts.texts import texts_for

NAMES = {
    "en": ["District police duty desk", "Provincial general hospital", "Fire and rescue", "Dam"],
    "vi": [
        "Công an tỉnh Lai Châu (thường trực BCĐ)",
        "Bệnh viện Đa khoa tỉnh",
        "Cảnh sát PCCC & CNCH",
        "Nhà máy thủy điện Lai Châu",
    ],
    "zh": ["区公安分局", "区人民医院", "消防救援大队", "护校安园"],
}
OBJECTIVES = {
    "en": ["Cordon in place", "Staff evacuated"],
    "vi": ["Phong tỏa hiện trường", "Sơ tán công nhân"],
    "zh": ["现场封控", "人员疏散"],
}


# ---------------------------------------------------------------------------------------------
# helpers


def all_texts(fig: Figure) -> list[str]:
    """Every string drawn in the figure (titles, ticks, legends, annotations)."""
    return [t.get_text() for t in fig.findobj(Text)]


def by_gid(fig: Figure, gid: str) -> list[object]:
    return [a for a in fig.findobj() if a.get_gid() == gid]


@contextmanager
def font_problems(caplog: pytest.LogCaptureFixture) -> Iterator[list[str]]:
    """Collect every warning and every matplotlib font-manager log record raised in the block.

    The block must build *and render* the figure: missing glyphs are only detected when text is
    laid out. ``simplefilter("always")`` defeats the warn-once registry between tests.
    """
    found: list[str] = []
    caplog.clear()
    with (
        caplog.at_level(logging.WARNING, logger="matplotlib"),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        yield found
    found.extend(str(w.message) for w in caught)
    found.extend(r.getMessage() for r in caplog.records if r.name.startswith("matplotlib"))


def render(fig: Figure) -> bytes:
    """Draw to PNG and SVG outside chart_style; return the SVG bytes."""
    FigureCanvasAgg(fig)
    fig.savefig(io.BytesIO(), format="png")
    svg = io.BytesIO()
    fig.savefig(svg, format="svg")
    return svg.getvalue()


def assert_no_font_problems(found: list[str]) -> None:
    glyphs = [m for m in found if "missing from font" in m]
    findfont = [m for m in found if m.startswith("findfont")]
    assert not glyphs, glyphs
    assert not findfont, findfont
    assert not found, found


# ---------------------------------------------------------------------------------------------
# sample data, one builder per chart type


def gantt_bars(lang: str) -> list[GanttBar]:
    n = NAMES[lang]
    return [
        GanttBar(n[0], 0, 120, "desk_wait"),
        GanttBar(n[0], 120, 300, "desk_handling"),
        GanttBar(n[0], 300, 420, "link"),
        GanttBar(n[0], 420, 600, "retry"),
        GanttBar(n[1], 600, 900, "desk_handling"),
        GanttBar(n[1], 900, 1500, "unit_wait"),
        GanttBar(n[1], 1500, 2400, "travel"),
        GanttBar(n[2], 700, 1000, "activation"),
        GanttBar(n[2], 1000, 3000, "work", OBJECTIVES[lang][0]),
        GanttBar(n[3], 300, 900, "prerequisite_wait"),
    ]


def gantt_markers(lang: str) -> list[GanttMarker]:
    return [
        GanttMarker(0, NAMES[lang][3]),
        GanttMarker(1800, OBJECTIVES[lang][1]),
        GanttMarker(2700, OBJECTIVES[lang][0], kind="target"),
    ]


ECDF_TIMES: list[float | None] = [600.0 * (i % 10 + 1) for i in range(44)] + [None] * 5 + [math.inf]


def graph_data(lang: str) -> tuple[list[GraphNode], list[GraphEdge]]:
    n = NAMES[lang]
    nodes = [
        GraphNode("dam", n[3], 30, detecting=True),
        GraphNode("police", n[0], 420, highlighted=True),
        GraphNode("hospital", n[1], 60),
        GraphNode("fire", n[2], None),
    ]
    edges = [
        GraphEdge("dam", "police", 300, highlighted=True),
        GraphEdge("police", "hospital", 60),
        GraphEdge("police", "fire", 90),
        GraphEdge("dam", "fire", 600, backup=True),
    ]
    return nodes, edges


def splits(lang: str) -> list[PathSplit]:
    o = OBJECTIVES[lang]
    return [
        PathSplit(o[0], {"detection": 60, "desk_handling": 300, "travel": 900, "work": 540}),
        PathSplit(o[1], {"link": 120, "prerequisite_wait": 600, "work": 480}),
    ]


def sensitivities(lang: str) -> list[Sensitivity]:
    n = NAMES[lang]
    return [
        Sensitivity(n[0], 4.0),
        Sensitivity(n[1], -12.5, -20.0, -5.0),
        Sensitivity(n[2], 20.0, 14.0, 26.0),
    ]


def comparison(lang: str) -> VariantComparison:
    n = NAMES[lang]
    return VariantComparison(
        OBJECTIVES[lang][0],
        (
            IntervalStats(n[0], 2400, 1500, 3900, 2200, 2600, never_share=0.12),
            IntervalStats(n[1], 1800, 1200, 2700),
            IntervalStats(n[2], None, None, None, never_share=1.0),
        ),
        target=2700,
    )


def observed_rows(lang: str) -> list[ObservedRow]:
    n = NAMES[lang]
    return [
        ObservedRow(IntervalStats(n[0], 300, 120, 700), observed=650, percentile=86),
        ObservedRow(IntervalStats(n[1], 1500, 1000, 2400), observed=None),
        ObservedRow(IntervalStats(n[2], 900, 500, 1600), observed=2100, percentile=98),
    ]


BUILDERS: dict[str, Callable[[str], Figure]] = {
    "gantt": lambda lang: charts.gantt(
        gantt_bars(lang), gantt_markers(lang), title=OBJECTIVES[lang][0], lang=lang
    ),
    "ecdf": lambda lang: charts.ecdf(ECDF_TIMES, 2700, title=OBJECTIVES[lang][0], lang=lang),
    "graph": lambda lang: charts.coordination_graph(
        *graph_data(lang), seed=1, title=OBJECTIVES[lang][1], lang=lang
    ),
    "split": lambda lang: charts.critical_path_split(splits(lang), title=NAMES[lang][0], lang=lang),
    "tornado": lambda lang: charts.tornado(sensitivities(lang), title=NAMES[lang][1], lang=lang),
    "variants": lambda lang: charts.variant_comparisons([comparison(lang)], lang=lang),
    "observed": lambda lang: charts.observed_vs_simulated(
        observed_rows(lang), title=NAMES[lang][2], lang=lang
    ),
}


# ---------------------------------------------------------------------------------------------
# fonts: every chart renders vi and zh with no missing glyph and no findfont fallback


@pytest.mark.parametrize("lang", ["vi", "zh"])
@pytest.mark.parametrize("chart", sorted(BUILDERS))
def test_chart_renders_language_without_font_problems(
    chart: str, lang: str, caplog: pytest.LogCaptureFixture
) -> None:
    with font_problems(caplog) as found:
        fig = BUILDERS[chart](lang)
        render(fig)
    assert_no_font_problems(found)
    texts = "\n".join(all_texts(fig))
    # Each chart shows at least one caller-supplied name in full (maybe wrapped over lines).
    shown = [n for n in NAMES[lang] + OBJECTIVES[lang] if n in texts or wrap_label(n, 26) in texts]
    assert shown, texts


def test_glyph_check_is_not_vacuous(caplog: pytest.LogCaptureFixture) -> None:
    """A code point no bundled font has (Linear B) must be reported by the same check."""
    with font_problems(caplog) as found:
        fig = charts.gantt(gantt_bars("zh"), title="区公安分局 \U00010000")
        render(fig)
    assert any("Glyph 65536" in m and "missing from font" in m for m in found), found


def test_findfont_check_is_not_vacuous(caplog: pytest.LogCaptureFixture) -> None:
    """An unknown family must show up as a matplotlib.font_manager log record."""
    family = f"No Such Family {uuid.uuid4().hex}"
    with (
        font_problems(caplog) as found,
        matplotlib.rc_context({"font.family": [family, "DejaVu Sans"]}),
    ):
        fig = Figure()
        fig.add_subplot().set_title("Bệnh viện")
        render(fig)
    assert any(m.startswith("findfont: Font family") and family in m for m in found), found


def test_font_fallback_order_and_cjk_registration() -> None:
    from matplotlib import font_manager

    assert chart_rc()["font.family"] == list(FONT_FAMILY) == ["DejaVu Sans", "Noto Sans CJK SC"]
    with chart_style():
        path = font_manager.findfont(
            font_manager.FontProperties(family="Noto Sans CJK SC"), fallback_to_default=False
        )
    assert Path(path).suffix.lower() in {".otf", ".ttf", ".ttc"}
    assert chart_rc()["svg.fonttype"] == "path"


def test_building_a_chart_leaves_global_rc_untouched() -> None:
    before = {k: matplotlib.rcParams[k] for k in ("font.family", "font.size", "svg.fonttype")}
    BUILDERS["gantt"]("vi")
    after = {k: matplotlib.rcParams[k] for k in before}
    assert after == before


def test_importing_records_does_not_import_matplotlib() -> None:
    code = (
        "import sys, drillsim, drillsim.charts, drillsim.charts.data, drillsim.charts.texts;"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported';"
        "drillsim.charts.gantt;"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------------------------------------
# Gantt


def test_gantt_structure() -> None:
    bars, markers = gantt_bars("vi"), gantt_markers("vi")
    fig = charts.gantt(bars, markers, lang="vi")
    ax = fig.axes[0]
    rects = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(rects) == len(bars)
    rows = list(dict.fromkeys(b.row for b in bars))
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        wrap_label(r, 26, max_lines=2) for r in rows
    ]
    assert ax.get_xlabel() == texts_for("vi")["time_min"]
    # Bars sit at start/end in minutes, on their row.
    first = by_gid(fig, "gantt-desk_wait")[0]
    assert isinstance(first, Rectangle)
    assert first.get_x() == pytest.approx(0.0) and first.get_width() == pytest.approx(2.0)
    assert first.get_hatch() == PALETTE["desk_wait"].hatch
    # Injects are full-height lines at their time, labelled with the incident name.
    inject_x = sorted(line.get_xdata()[0] for line in by_gid(fig, "marker-inject"))  # type: ignore[attr-defined]
    assert inject_x == [0.0, 30.0]
    target = by_gid(fig, "marker-target")
    assert [line.get_xdata()[0] for line in target] == [45.0]  # type: ignore[attr-defined]
    texts = all_texts(fig)
    assert " Phong tỏa hiện trường" in texts or "Phong tỏa hiện trường " in texts
    # The legend lists the categories present, in palette order, plus the markers.
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    present = [k for k in CATEGORIES if any(b.kind == k for b in bars)]
    assert legend == [texts_for("vi")[k] for k in present] + [
        texts_for("vi")["inject"],
        texts_for("vi")["target"],
    ]


def test_gantt_row_marker_and_explicit_row_order() -> None:
    bars = gantt_bars("zh")
    rows = list(reversed(NAMES["zh"]))
    fig = charts.gantt(bars, [GanttMarker(1200, "目标", "target", row=rows[0])], rows=rows)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == rows
    (diamond,) = by_gid(fig, "marker-target")
    assert isinstance(diamond, Line2D) and diamond.get_marker() == "D"
    assert list(diamond.get_ydata()) == [ax.get_yticks()[0]]  # on the first row
    with pytest.raises(ValueError, match="not listed"):
        charts.gantt(bars, rows=rows[:2])


def test_two_gantts_share_one_figure() -> None:
    fig, (median_ax, worst_ax) = charts.new_figure(2, 1, size="tall", sharex=True)
    bars = gantt_bars("en")
    worst = [GanttBar(b.row, b.start * 1.5, b.end * 1.5, b.kind) for b in bars]
    assert charts.gantt(bars, title="Median", ax=median_ax, legend=False) is fig
    assert charts.gantt(worst, title="Worst", ax=worst_ax) is fig
    assert len(median_ax.patches) == len(worst_ax.patches) == len(bars)
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["Median", "Worst"]
    assert median_ax.get_legend() is None and worst_ax.get_legend() is not None


def test_gantt_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="unknown time category"):
        GanttBar("x", 0, 1, "coffee")
    with pytest.raises(ValueError, match="before its start"):
        GanttBar("x", 10, 5, "work")
    with pytest.raises(ValueError, match="at least one bar"):
        charts.gantt([])


# ---------------------------------------------------------------------------------------------
# ECDF


def test_ecdf_caps_below_one_and_marks_target() -> None:
    fig = charts.ecdf(ECDF_TIMES, 2700, title="Cordon", lang="en")
    ax = fig.axes[0]
    (target,) = by_gid(fig, "target")
    assert list(target.get_xdata()) == [45.0, 45.0]  # type: ignore[attr-defined]
    (curve,) = by_gid(fig, "ecdf")
    assert max(curve.get_ydata()) == pytest.approx(44 / 50)  # type: ignore[attr-defined]
    assert ax.get_ylabel() == "Share of replications"
    assert ax.get_xlabel() == "Time (min)"
    texts = all_texts(fig)
    assert "12% never reached within the horizon" in texts  # 5 None + 1 inf of 50
    # Reached times cycle 10, 20, ..., 100 min; 600..2400 s meet 45 min: 4 per cycle of 10,
    # 4 full cycles plus i = 40..43 -> 20 of 50 replications.
    assert "Target: 45 min\n40% meet the target" in texts


def test_ecdf_all_reached_has_no_note_and_vietnamese_note_otherwise() -> None:
    fig = charts.ecdf([60.0, 120.0], 90)
    assert not by_gid(fig, "never-note") and not by_gid(fig, "ecdf-cap")
    fig = charts.ecdf([60.0, None], lang="vi")
    assert "50% không đạt được trong thời gian mô phỏng" in all_texts(fig)
    assert not by_gid(fig, "target")
    with pytest.raises(ValueError):
        charts.ecdf([])


# ---------------------------------------------------------------------------------------------
# coordination graph


def test_graph_nodes_edges_and_highlights() -> None:
    nodes, edges = graph_data("vi")
    fig = charts.coordination_graph(nodes, edges, seed=3, lang="vi")
    for node in nodes:
        (text,) = by_gid(fig, f"node-{node.id}")
        assert isinstance(text, Text)
        assert text.get_text() == wrap_label(node.label, 16)
        box = text.get_bbox_patch()
        assert box is not None
        if node.highlighted:
            assert same_color(box.get_edgecolor(), HIGHLIGHT) and box.get_linewidth() >= 2.5
        else:
            assert not same_color(box.get_edgecolor(), HIGHLIGHT) and box.get_linewidth() < 1.5
    arrows = {}
    for edge in edges:
        (ann,) = by_gid(fig, f"edge-{edge.source}-{edge.target}")
        assert isinstance(ann, Annotation) and ann.arrow_patch is not None
        arrows[(edge.source, edge.target)] = ann.arrow_patch
    assert same_color(arrows[("dam", "police")].get_edgecolor(), HIGHLIGHT)
    assert arrows[("dam", "fire")].get_linestyle() == "--"
    assert arrows[("dam", "fire")].get_linewidth() > arrows[("police", "hospital")].get_linewidth()
    # A colour bar with the translated label sits next to the graph.
    assert len(fig.axes) == 2
    assert fig.axes[1].get_ylabel() == texts_for("vi")["queue_delay"]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == [texts_for("vi")[k] for k in ("bottleneck", "backup_link", "edge_width")]


def test_graph_node_colour_follows_delay() -> None:
    nodes, edges = graph_data("en")
    fig = charts.coordination_graph(nodes, edges, seed=3)
    faces = {n.id: by_gid(fig, f"node-{n.id}")[0].get_bbox_patch().get_facecolor() for n in nodes}  # type: ignore[attr-defined]
    # YlOrRd: more delay = darker (lower sum of RGB); no data = light grey.
    assert sum(faces["police"][:3]) < sum(faces["hospital"][:3]) < sum(faces["dam"][:3]) + 1e-9
    assert same_color(faces["fire"], "#eeeeee")


def test_layouts_are_deterministic_and_layered_by_hops() -> None:
    nodes, edges = graph_data("en")
    layered = charts.node_positions(nodes, edges, seed=0)
    assert layered == charts.node_positions(nodes, edges, seed=99)  # the seed does not matter
    assert {k: v[0] for k, v in layered.items()} == {
        "dam": 0.0,
        "police": 1.0,
        "fire": 1.0,
        "hospital": 2.0,
    }
    spring = charts.node_positions(nodes, edges, seed=7, layout="spring")
    assert spring == charts.node_positions(nodes, edges, seed=7, layout="spring")
    with pytest.raises(ValueError, match="unknown node"):
        charts.node_positions(nodes, [GraphEdge("dam", "mars")], seed=0)


# ---------------------------------------------------------------------------------------------
# critical-path split and tornado


@pytest.mark.parametrize("mode", ["share", "minutes"])
def test_critical_path_split_structure(mode: str) -> None:
    data = splits("zh")
    fig = charts.critical_path_split(data, mode=mode, lang="zh")  # type: ignore[arg-type]
    ax = fig.axes[0]
    present = [k for k in CATEGORIES if any(s.seconds.get(k, 0) > 0 for s in data)]
    assert len(ax.patches) == len(data) * len(present)
    for kind in present:
        rects = by_gid(fig, f"split-{kind}")
        assert len(rects) == len(data)
        assert all(same_color(r.get_facecolor(), PALETTE[kind].color) for r in rects)  # type: ignore[attr-defined]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == [texts_for("zh")[k] for k in present]
    assert [t.get_text() for t in ax.get_yticklabels()] == [s.label for s in data]
    row0 = [r for r in ax.patches if r.get_y() < 0.5]  # type: ignore[attr-defined]
    total = sum(r.get_width() for r in row0)  # type: ignore[attr-defined]
    assert total == pytest.approx(1.0 if mode == "share" else data[0].total / 60)
    assert "30 分钟" in all_texts(fig)  # 1800 s on the first objective's path


def test_critical_path_categories_are_the_nine() -> None:
    assert len(CRITICAL_PATH_CATEGORIES) == 9
    assert set(PALETTE) == set(CATEGORIES)
    for lang in LANGUAGES:
        assert set(texts_for(lang)) == set(texts_for("en"))


def test_tornado_sorted_coloured_with_whiskers() -> None:
    fig = charts.tornado(sensitivities("vi"), lang="vi")
    ax = fig.axes[0]
    n = NAMES["vi"]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        wrap_label(x, 32, max_lines=3) for x in (n[2], n[1], n[0])
    ]
    widths = [r.get_width() for r in ax.patches]  # type: ignore[attr-defined]
    assert widths == [20.0, -12.5, 4.0]
    good, bad = to_rgba("#2a9d8f"), to_rgba("#d62728")
    assert [r.get_facecolor() for r in ax.patches] == [good, bad, good]
    whiskers = [a for a in by_gid(fig, "ci") if isinstance(a, LineCollection)]
    assert len(whiskers) == 2
    assert ax.get_xlabel() == texts_for("vi")["delta_success"]
    assert "+20.0 điểm %" in all_texts(fig)


def test_tornado_median_time_is_minutes_and_lower_is_better() -> None:
    fig = charts.tornado([Sensitivity("a", -600.0), Sensitivity("b", 120.0)], metric="median_time")
    ax = fig.axes[0]
    assert [r.get_width() for r in ax.patches] == [-10.0, 2.0]  # type: ignore[attr-defined]
    assert same_color(ax.patches[0].get_facecolor(), "#2a9d8f")
    assert ax.get_xlabel() == "Change in median time (min)"
    assert "\N{MINUS SIGN}10.0" in all_texts(fig)


# ---------------------------------------------------------------------------------------------
# variants and observed vs simulated


def test_variant_comparison_structure() -> None:
    comp = comparison("vi")
    fig = charts.variant_comparison(comp, lang="vi")
    ax = fig.axes[0]
    (target,) = by_gid(fig, "target")
    assert list(target.get_xdata()) == [45.0, 45.0]  # type: ignore[attr-defined]
    assert len(by_gid(fig, "median")) == 2  # the third variant never reached it
    assert ax.get_title(loc="left") == comp.objective
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        wrap_label(v.label, 26, max_lines=2) for v in comp.variants
    ]
    notes = [t.get_text() for t in by_gid(fig, "never-note")]  # type: ignore[attr-defined]
    assert notes == [
        "12% không đạt được trong thời gian mô phỏng",
        "100% không đạt được trong thời gian mô phỏng",
    ]
    multi = charts.variant_comparisons([comp, comp], lang="vi")
    assert len(multi.axes) == 2 and len(multi.legends) == 1


def test_observed_vs_simulated_structure() -> None:
    rows = observed_rows("zh")
    fig = charts.observed_vs_simulated(rows, lang="zh")
    observed = by_gid(fig, "observed")
    assert sorted(m.get_xdata()[0] for m in observed) == [650 / 60, 35.0]  # type: ignore[attr-defined]
    assert [t.get_text() for t in by_gid(fig, "percentile")] == ["P86", "P98"]  # type: ignore[attr-defined]
    assert texts_for("zh")["not_observed"] in all_texts(fig)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == [texts_for("zh")[k] for k in ("simulated", "median", "observed")]


# ---------------------------------------------------------------------------------------------
# i18n and wrapping


def test_texts_for_overrides_and_rejects_unknown() -> None:
    assert texts_for("vi", {"target": "Chỉ tiêu"})["target"] == "Chỉ tiêu"
    with pytest.raises(ValueError, match="unknown chart language"):
        texts_for("fr")
    with pytest.raises(ValueError, match="unknown chart text"):
        texts_for("en", {"colour": "x"})
    fig = charts.ecdf([60.0], labels={"minutes": "Minutes"})
    assert fig.axes[0].get_xlabel() == "Minutes"


def test_wrap_label_keeps_words_and_cuts_cjk_runs() -> None:
    vi = "Công an tỉnh Lai Châu (thường trực BCĐ)"
    wrapped = wrap_label(vi, 20)
    assert wrapped.replace("\n", " ") == vi and "\n" in wrapped
    zh = "护校安园工作专班护校安园工作专班"
    lines = wrap_label(zh, 10).split("\n")
    assert "".join(lines) == zh and all(len(line) <= 5 for line in lines)
    assert wrap_label("区公安分局") == "区公安分局"


# ---------------------------------------------------------------------------------------------
# saving and escaping


def test_save_figure_writes_png_and_svg_atomically(tmp_path: Path) -> None:
    fig = BUILDERS["gantt"]("zh")
    paths = charts.save_figure(fig, tmp_path / "out" / "gantt.median")
    assert [p.name for p in paths] == ["gantt.median.png", "gantt.median.svg"]
    assert sorted(os.listdir(tmp_path / "out")) == ["gantt.median.png", "gantt.median.svg"]
    png, svg = (p.read_bytes() for p in paths)
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert b"<text" not in svg  # glyphs are paths: no font needed to view it
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in paths)  # not mkstemp's private 0600
    # Reproducible: the same chart gives the same SVG bytes.
    again = charts.save_figure(fig, tmp_path / "again", formats=("svg",))
    assert again[0].read_bytes() == svg


def test_save_figure_pdf_embeds_cjk(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with font_problems(caplog) as found:
        (pdf,) = charts.save_figure(BUILDERS["split"]("zh"), tmp_path / "split", formats=("pdf",))
    assert_no_font_problems(found)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_save_figure_failure_leaves_old_file_and_no_temp(tmp_path: Path) -> None:
    fig = BUILDERS["ecdf"]("en")
    (target,) = charts.save_figure(fig, tmp_path / "ecdf", formats=("png",))
    old = target.read_bytes()

    def broken(handle: object, **_: object) -> None:
        handle.write(b"partial")  # type: ignore[attr-defined]
        raise RuntimeError("disk full")

    fig.savefig = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="disk full"):
        charts.save_figure(fig, tmp_path / "ecdf", formats=("png",))
    assert target.read_bytes() == old
    assert os.listdir(tmp_path) == ["ecdf.png"]


def test_save_figure_rejects_unknown_format_before_writing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unsupported chart format"):
        charts.save_figure(BUILDERS["ecdf"]("en"), tmp_path / "x", formats=("png", "bmp"))
    assert os.listdir(tmp_path) == []


def test_svg_escapes_markup_in_labels(tmp_path: Path) -> None:
    evil = "<script>alert(1)</script>"
    nodes = [GraphNode("a", evil, 10, detecting=True), GraphNode("b", "B & <b>", 20)]
    figs = [
        charts.gantt([GanttBar(evil, 0, 60, "work", evil)], [GanttMarker(0, evil)], title=evil),
        charts.coordination_graph(nodes, [GraphEdge("a", "b", 30)], seed=0, title=evil),
        charts.tornado([Sensitivity(evil, 3.0)], title=evil),
    ]
    for i, fig in enumerate(figs):
        (svg_path,) = charts.save_figure(fig, tmp_path / f"evil{i}", formats=("svg",))
        raw = svg_path.read_bytes()
        root = ET.fromstring(raw)
        tags = {el.tag.rsplit("}", 1)[-1].lower() for el in root.iter()}
        assert "script" not in tags and "b" not in tags
        assert b"<script" not in raw.lower()
        assert b"&lt;script&gt;" in raw  # the label survives, escaped, in a comment


def test_dollar_signs_are_literal_not_mathtext(caplog: pytest.LogCaptureFixture) -> None:
    label = "Chi phí $5 và $10"
    with font_problems(caplog) as found:
        fig = charts.tornado([Sensitivity(label, 1.0)], title=label)
        render(fig)
    assert_no_font_problems(found)
    assert label in all_texts(fig)


def test_the_bundled_cjk_face_is_noto_sans_cjk_sc_and_matplotlib_finds_it() -> None:
    """The collection's face CJK_FONT_INDEX is the Simplified Chinese one, for charts and reports."""
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager

    from drillsim.charts.fonts import ensure_fonts
    from drillsim.fontfiles import CJK_FONT_INDEX, CJK_FONT_NAME, cjk_font_path

    face = TTFont(str(cjk_font_path()), fontNumber=CJK_FONT_INDEX, lazy=True)
    assert face["name"].getDebugName(1) == CJK_FONT_NAME
    assert {0x6F14, 0x7EC3, 0x62A5, 0x544A} <= set(face.getBestCmap())  # 演练报告
    ensure_fonts()  # matplotlib >= 3.11 registers each face of the collection under its name
    font_manager.findfont(  # raises when no font of that name is known
        font_manager.FontProperties(family=CJK_FONT_NAME), fallback_to_default=False
    )
