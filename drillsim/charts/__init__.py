"""Charts for the after-action report: plain data in, matplotlib ``Figure`` out.

This package is the only place drillsim imports matplotlib. Figures are built with
``matplotlib.figure.Figure`` (never pyplot), fonts fall back glyph by glyph from DejaVu Sans
(Latin, Vietnamese) to Noto Sans CJK SC (Chinese), and nothing global is changed at import.
The input records live in ``drillsim.charts.data``, which does not import matplotlib.
"""

from __future__ import annotations

from drillsim.charts.bars import critical_path_split, tornado
from drillsim.charts.data import (
    CATEGORIES,
    CRITICAL_PATH_CATEGORIES,
    WAIT_CATEGORIES,
    GanttBar,
    GanttMarker,
    GraphEdge,
    GraphNode,
    IntervalStats,
    ObservedRow,
    PathSplit,
    Sensitivity,
    VariantComparison,
)
from drillsim.charts.distributions import (
    ecdf,
    observed_vs_simulated,
    variant_comparison,
    variant_comparisons,
)
from drillsim.charts.fonts import chart_style, ensure_fonts
from drillsim.charts.graph import coordination_graph, node_positions
from drillsim.charts.i18n import LANGUAGES, TEXTS
from drillsim.charts.save import save_figure
from drillsim.charts.style import PALETTE, new_figure, wrap_label
from drillsim.charts.timeline import gantt

__all__ = [
    "CATEGORIES",
    "CRITICAL_PATH_CATEGORIES",
    "LANGUAGES",
    "PALETTE",
    "TEXTS",
    "WAIT_CATEGORIES",
    "GanttBar",
    "GanttMarker",
    "GraphEdge",
    "GraphNode",
    "IntervalStats",
    "ObservedRow",
    "PathSplit",
    "Sensitivity",
    "VariantComparison",
    "chart_style",
    "coordination_graph",
    "critical_path_split",
    "ecdf",
    "ensure_fonts",
    "gantt",
    "new_figure",
    "node_positions",
    "observed_vs_simulated",
    "save_figure",
    "tornado",
    "variant_comparison",
    "variant_comparisons",
    "wrap_label",
]
