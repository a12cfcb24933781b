"""Charts for the after-action report: plain data in, matplotlib ``Figure`` out.

This package is the only place drillsim imports matplotlib. Figures are built with
``matplotlib.figure.Figure`` (never pyplot), fonts fall back glyph by glyph from DejaVu Sans
(Latin, Vietnamese) to Noto Sans CJK SC (Chinese), and nothing global is changed at import.
The input records (``drillsim.charts.data``) and texts (``drillsim.charts.texts``) do not import
matplotlib, and neither does importing this package: builders load on first attribute access.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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
from drillsim.charts.texts import LANGUAGES, texts_for

if TYPE_CHECKING:
    from drillsim.charts.bars import critical_path_split, tornado
    from drillsim.charts.distributions import (
        ecdf,
        observed_vs_simulated,
        variant_comparison,
        variant_comparisons,
    )
    from drillsim.charts.fonts import chart_style, ensure_fonts
    from drillsim.charts.graph import coordination_graph, node_positions
    from drillsim.charts.save import save_figure
    from drillsim.charts.style import PALETTE, new_figure, wrap_label
    from drillsim.charts.timeline import gantt

# NOTE: the chart builders are imported on first use (PEP 562), so that
# ``from drillsim.charts.data import GanttBar`` in the analysis layer never imports matplotlib.
_LAZY: dict[str, str] = {
    "critical_path_split": "bars",
    "tornado": "bars",
    "ecdf": "distributions",
    "observed_vs_simulated": "distributions",
    "variant_comparison": "distributions",
    "variant_comparisons": "distributions",
    "chart_style": "fonts",
    "ensure_fonts": "fonts",
    "coordination_graph": "graph",
    "node_positions": "graph",
    "save_figure": "save",
    "PALETTE": "style",
    "new_figure": "style",
    "wrap_label": "style",
    "gantt": "timeline",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"drillsim.charts.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'drillsim.charts' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "CATEGORIES",
    "CRITICAL_PATH_CATEGORIES",
    "LANGUAGES",
    "PALETTE",
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
    "texts_for",
    "tornado",
    "variant_comparison",
    "variant_comparisons",
    "wrap_label",
]
