"""Coordination graph: agencies coloured by duty-desk queueing delay, links sized by time."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from typing import Literal

import networkx as nx
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Colormap, Normalize, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

from drillsim.charts.data import GraphEdge, GraphNode
from drillsim.charts.graph_edges import CONFIGURED_COLOR, EDGE_COLOR, route_and_draw
from drillsim.charts.graph_summary import DETAIL_LIMIT, GraphSummary, summarise
from drillsim.charts.style import (
    A4_TEXT_WIDTH,
    DELAY_CMAP,
    HIGHLIGHT,
    SizeName,
    figure_and_axes,
    line_count,
    minutes,
    place_legend,
    styled,
    wrap_label,
)
from drillsim.charts.texts import texts_for
from drillsim.i18n import number

Layout = Literal["layered", "spring"]
Position = tuple[float, float]
NO_DATA_COLOR = "#eeeeee"
NODE_EDGE = "#666666"
HIGHLIGHT_WIDTH = 2.8
#: Node labels wrap at this many columns.
NODE_LABEL_WIDTH = 16


def _digraph(nodes: Sequence[GraphNode], edges: Sequence[GraphEdge]) -> nx.DiGraph:
    """Nodes and edges in input order (NetworkX keeps insertion order; no set iteration)."""
    ids = [n.id for n in nodes]
    if len(set(ids)) != len(ids):
        raise ValueError("node ids must be unique")
    graph = nx.DiGraph()
    graph.add_nodes_from(ids)
    for edge in edges:
        if edge.source not in graph or edge.target not in graph:
            raise ValueError(f"edge {edge.source!r} -> {edge.target!r} refers to an unknown node")
        graph.add_edge(edge.source, edge.target)
    return graph


def hop_layers(graph: nx.DiGraph, sources: Sequence[str]) -> dict[str, int]:
    """Hop distance from the detecting agencies along alert direction (BFS).

    Unreachable agencies go one layer past the farthest, so they stand out at the end.
    """
    starts = list(sources) or [n for n in graph if graph.in_degree(n) == 0] or list(graph)[:1]
    layer = dict.fromkeys(starts, 0)
    queue = deque(starts)
    while queue:
        node = queue.popleft()
        for nxt in graph.successors(node):
            if nxt not in layer:
                layer[nxt] = layer[node] + 1
                queue.append(nxt)
    last = max(layer.values(), default=-1) + 1
    return {n: layer.get(n, last) for n in graph}


def _layered_positions(
    graph: nx.DiGraph, layers: Mapping[str, int], heights: Mapping[str, float]
) -> dict[str, Position]:
    """Columns by hop layer; within a column, order by the mean row of predecessors (fewer crossings).

    Nodes of a column are stacked with room for their label boxes: ``heights`` (1 = a two-line
    label) sets the spacing, so a six-line box does not cover its neighbour.
    """
    rows: dict[str, float] = {}
    positions: dict[str, Position] = {}
    columns: dict[int, list[str]] = {}
    for n in graph:
        columns.setdefault(layers[n], []).append(n)
    for depth in sorted(columns):
        column = columns[depth]
        parents = {n: [rows[p] for p in graph.predecessors(n) if p in rows] for n in column}
        column.sort(key=lambda n: sum(parents[n]) / len(parents[n]) if parents[n] else 0.0)
        total = sum(heights[n] for n in column)
        top = 0.0
        for node in column:
            rows[node] = top + heights[node] / 2 - total / 2
            top += heights[node]
            positions[node] = (float(depth), -rows[node])
    return positions


def node_text(node: GraphNode) -> str:
    """A node's label as drawn: wrapped, except a group's, which ``group_label`` wrapped."""
    return node.label if node.members else wrap_label(node.label, NODE_LABEL_WIDTH)


def _heights(nodes: Sequence[GraphNode]) -> dict[str, float]:
    """Room each node needs in its column, from the lines of its label (at least 1)."""
    return {n.id: max(1.0, (line_count(node_text(n)) + 1.5) / 3.5) for n in nodes}


def _default_size(nodes: Sequence[GraphNode], pos: Mapping[str, Position]) -> tuple[float, float]:
    """A4 text width; taller than 4.8 in when a column holds more than about six two-line boxes."""
    heights = _heights(nodes)
    columns: dict[float, float] = {}
    for n in nodes:
        columns[pos[n.id][0]] = columns.get(pos[n.id][0], 0.0) + heights[n.id]
    tallest = max(columns.values(), default=1.0)
    return A4_TEXT_WIDTH, min(8.5, 4.8 * max(1.0, tallest / 6.5))


def node_positions(
    nodes: Sequence[GraphNode], edges: Sequence[GraphEdge], *, seed: int, layout: Layout = "layered"
) -> dict[str, Position]:
    """Deterministic node positions: hop layers from the detecting agencies, or a seeded spring."""
    graph = _digraph(nodes, edges)
    if layout == "layered":
        layers = hop_layers(graph, [n.id for n in nodes if n.detecting])
        return _layered_positions(graph, layers, _heights(nodes))
    if layout == "spring":
        raw = nx.spring_layout(graph.to_undirected(as_view=True), seed=seed)
        return {n: (float(raw[n][0]), float(raw[n][1])) for n in graph}
    raise ValueError(f"layout must be 'layered' or 'spring', got {layout!r}")


def _text_color(face: tuple[float, float, float]) -> str:
    """Black on light fills, white on dark ones (relative luminance)."""
    r, g, b = face
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5 else "white"


def _draw_nodes(
    ax: Axes,
    nodes: Sequence[GraphNode],
    pos: Mapping[str, Position],
    cmap: Colormap,
    norm: Normalize,
) -> dict[str, Text]:
    boxes: dict[str, Text] = {}
    for node in nodes:
        face = to_rgb(NO_DATA_COLOR if node.delay is None else cmap(norm(minutes(node.delay))))
        boxes[node.id] = ax.text(
            *pos[node.id],
            node_text(node),
            ha="center",
            va="center",
            fontsize=7.5,
            color=_text_color(face),
            zorder=2,
            gid=f"node-{node.id}",
            bbox={
                "boxstyle": "round,pad=0.45",
                "facecolor": face,
                "edgecolor": HIGHLIGHT if node.highlighted else NODE_EDGE,
                "linewidth": HIGHLIGHT_WIDTH if node.highlighted else 0.8,
                "linestyle": "--" if node.members else "-",
            },
        )
    return boxes


def _legend(
    ax: Axes,
    nodes: Sequence[GraphNode],
    edges: Sequence[GraphEdge],
    text: Mapping[str, str],
    own_figure: bool,
    summary: GraphSummary | None = None,
    lang: str = "en",
) -> None:
    """Bottleneck, backup, what an edge's width means (simulated or configured time) and, for a
    summarised graph, what a group node is and how many agencies are drawn one by one."""
    handles: list[Patch | Line2D] = []
    if summary is not None:
        handles.append(
            Patch(facecolor="white", edgecolor=NODE_EDGE, linestyle="--", label=text["group_node"])
        )
    if any(n.highlighted for n in nodes) or any(e.highlighted for e in edges):
        handles.append(
            Patch(
                facecolor="white",
                edgecolor=HIGHLIGHT,
                linewidth=HIGHLIGHT_WIDTH,
                label=text["bottleneck"],
            )
        )
    if any(e.backup for e in edges):
        handles.append(Line2D([], [], color=EDGE_COLOR, linestyle="--", label=text["backup_link"]))
    if any(e.simulated and e.time > 0 for e in edges):
        handles.append(Line2D([], [], color=EDGE_COLOR, linewidth=3.0, label=text["edge_width"]))
    if any(not e.simulated for e in edges):
        handles.append(
            Line2D([], [], color=CONFIGURED_COLOR, linewidth=1.2, label=text["edge_configured"])
        )
    if summary is not None:  # a text-only entry: the note goes wherever the legend goes
        note = text["graph_shown"].format(
            shown=number(summary.shown, lang, 0),
            total=number(summary.total, lang, 0),
        )
        handles.append(Line2D([], [], linestyle="none", label=note))
    if handles:  # a summary's entries are long: one column, or the legend is wider than the page
        place_legend(ax, handles, own_figure=own_figure, ncols=1 if summary else 2)


def _frame(ax: Axes, pos: Mapping[str, Position]) -> None:
    """Limits with room for the label boxes around the outermost nodes."""
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    xpad = 0.3 * max(max(xs) - min(xs), 1.0) / max(len(set(xs)), 1) ** 0.5 + 0.3
    ypad = 0.12 * max(max(ys) - min(ys), 1.0) + 0.35
    ax.set_xlim(min(xs) - xpad, max(xs) + xpad)
    ax.set_ylim(min(ys) - ypad, max(ys) + ypad)
    ax.set_axis_off()


def group_label(group: str, members: int, lang: str) -> str:
    """The text of a group node: its name, then how many agencies it stands for in brackets
    (the legend says what a dashed box is)."""
    return f"{wrap_label(group, NODE_LABEL_WIDTH)}\n({number(members, lang, 0)})"


@styled
def coordination_graph(
    nodes: Sequence[GraphNode],
    edges: Sequence[GraphEdge],
    *,
    seed: int,
    layout: Layout = "layered",
    title: str = "",
    lang: str = "en",
    labels: Mapping[str, str] | None = None,
    edge_labels: bool = True,
    ax: Axes | None = None,
    size: SizeName | tuple[float, float] | None = None,
    detail_limit: int = DETAIL_LIMIT,
) -> Figure:
    """Draw the coordination graph with queueing delays and link times.

    Node fill = mean duty-desk queueing delay (colour bar, minutes); edge width = time on the
    link (simulated on critical paths, or the configured delay drawn lighter); bottlenecks get a
    thick red outline (nodes) or red colour (links); backup links are dashed. Edges that would
    cross another agency's box (two agencies of one column, a link skipping a column) are drawn
    as arcs around it, and no time label is written over a box. The layout is deterministic: hop layers from the detecting agencies (left to right),
    or a spring layout seeded with ``seed``. A graph of more than ``detail_limit`` agencies is
    summarised (``charts.graph_summary``): the bottleneck and its neighbourhood in full, the other
    agencies as dashed group nodes (by ``GraphNode.group``) with their number, links between two
    drawn nodes merged with their count, and the legend says how many agencies are drawn.

    Args:
        nodes: Agencies, in a stable order (it fixes the layout's tie-breaks).
        edges: Links between node ids.
        seed: Seed for the spring layout (take it from the run's random streams).
        layout: ``layered`` (alert flow) or ``spring``.
        title: Chart title, already translated.
        lang: Language of the built-in texts ("en", "vi", "zh").
        labels: Overrides for single built-in texts.
        edge_labels: Write the link time next to each link.
        ax: Draw into this axes instead of a new figure.
        size: Figure size preset or (width, height) inches, for a new figure; by default the A4
            text width, and taller when a column holds many or tall boxes.
        detail_limit: Most agencies drawn one by one without summarising.
    """
    if not nodes:
        raise ValueError("a coordination graph needs at least one node")
    text = texts_for(lang, labels)
    summary = None
    if len(nodes) > detail_limit:
        summary = summarise(nodes, edges, label=lambda g, n: group_label(g, n, lang))
        nodes, edges = summary.nodes, summary.edges
    pos = node_positions(nodes, edges, seed=seed, layout=layout)
    own_figure = ax is None
    fig, ax = figure_and_axes(ax, size or _default_size(nodes, pos))
    cmap = colormaps[DELAY_CMAP]
    norm = Normalize(0.0, max([minutes(n.delay) for n in nodes if n.delay is not None] + [1.0]))
    boxes = _draw_nodes(ax, nodes, pos, cmap, norm)
    _frame(ax, pos)
    _legend(ax, nodes, edges, text, own_figure, summary, lang)
    fig.colorbar(
        ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.7, pad=0.02, label=text["queue_delay"]
    )
    if title:
        ax.set_title(title)
    layered = layout == "layered"
    route_and_draw(fig, ax, edges, pos, boxes, layered, text if edge_labels else None, lang)
    return fig
