"""Edges of the coordination graph: routed around the agencies' boxes, then drawn and labelled.

The boxes are measured on the laid-out figure, each edge gets a route (ports on the boxes and a
curvature, see :mod:`drillsim.charts.routing`) that crosses no other box, and its time label is
put where it covers no box. Edge width is the time on the link; links whose time is only the
configured delay (on no critical path) are drawn lighter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

from drillsim.charts.data import GraphEdge
from drillsim.charts.routing import (
    COLUMN_RADS,
    Box,
    BoxGrid,
    Point,
    Route,
    choose,
    column_sign,
    cross_rads,
    curve_bounds,
    grow,
    label_box,
    label_spot,
    port_share,
    side_port,
)
from drillsim.charts.style import HIGHLIGHT, fmt_minutes
from drillsim.i18n import number

Position = tuple[float, float]
EDGE_COLOR = "#8a8a8a"
CONFIGURED_COLOR = "#c8c8c8"
#: Pixels kept free around a box by a routed edge.
_CLEARANCE = 4.0


@dataclass(frozen=True, slots=True)
class _Nodes:
    """Node label boxes in display units, measured once on the laid-out figure.

    Boxes are kept as offsets from their node's anchor, so they follow the node when the axis
    limits change (a text box has a fixed size in points, whatever the limits).
    """

    pos: Mapping[str, Position]
    offsets: Mapping[str, Box]

    @classmethod
    def measure(cls, ax: Axes, pos: Mapping[str, Position], boxes: Mapping[str, Text]) -> _Nodes:
        """Read each label box off the drawn figure (call after a layout pass)."""
        offsets = {}
        for node, text in boxes.items():
            patch = text.get_bbox_patch()
            assert patch is not None
            e = patch.get_window_extent()
            cx, cy = ax.transData.transform(pos[node])
            offsets[node] = (e.x0 - cx, e.y0 - cy, e.x1 - cx, e.y1 - cy)
        return cls(pos, offsets)

    def center(self, ax: Axes, node: str) -> Point:
        """A node's anchor in display units, for the current limits."""
        x, y = ax.transData.transform(self.pos[node])
        return float(x), float(y)

    def box(self, ax: Axes, node: str) -> Box:
        """A node's label box in display units, for the current limits."""
        cx, cy = self.center(ax, node)
        o = self.offsets[node]
        return (cx + o[0], cy + o[1], cx + o[2], cy + o[3])


def _sides(edges: Sequence[GraphEdge], pos: Mapping[str, Position]) -> list[tuple[float, float]]:
    """Which side of its box each edge leaves and enters (+1 right, -1 left), layered layout.

    Forward edges go right side -> left side, backward ones the other way; an edge inside one
    column uses the side away from the middle of the chart on both ends, so its arc stays
    outside the column and off the arrows coming into it.
    """
    xs = [p[0] for p in pos.values()]
    middle = (min(xs) + max(xs)) / 2
    out = []
    for e in edges:
        xs_, xt = pos[e.source][0], pos[e.target][0]
        if xt != xs_:
            out.append((1.0, -1.0) if xt > xs_ else (-1.0, 1.0))
        else:
            side = 1.0 if xs_ >= middle else -1.0
            out.append((side, side))
    return out


def _shares(
    edges: Sequence[GraphEdge], sides: Sequence[tuple[float, float]], centers: Mapping[str, Point]
) -> list[tuple[float, float]]:
    """Port position (0 top .. 1 bottom) of each edge end, spread by the other end's height."""
    groups: dict[tuple[str, float], list[tuple[float, int, int]]] = {}
    for k, (e, (out, into)) in enumerate(zip(edges, sides, strict=True)):
        groups.setdefault((e.source, out), []).append((-centers[e.target][1], k, 0))
        groups.setdefault((e.target, into), []).append((-centers[e.source][1], k, 1))
    shares = [[0.5, 0.5] for _ in edges]
    for members in groups.values():
        for rank, (_, k, end) in enumerate(sorted(members)):
            shares[k][end] = port_share(rank, len(members))
    return [(a, b) for a, b in shares]


def _options(
    edge: GraphEdge,
    sides: tuple[float, float],
    shares: tuple[float, float],
    boxes: Mapping[str, Box],
    reciprocal: bool,
) -> list[Route]:
    """Routes to try for one edge of the layered layout, best first."""
    src, dst = boxes[edge.source], boxes[edge.target]
    out, into = sides
    if out != into:
        a, b = side_port(src, out, shares[0]), side_port(dst, into, shares[1])
        return [Route(a, b, r) for r in cross_rads(0.18 if reciprocal else 0.0)]
    options = []
    for side, (sa, sb) in ((out, shares), (-out, (0.5, 0.5))):
        a, b = side_port(src, side, sa), side_port(dst, side, sb)
        options += [Route(a, b, column_sign(a, b, side) * r) for r in COLUMN_RADS]
    return options


def _plan(ax: Axes, edges: Sequence[GraphEdge], nodes: _Nodes, layered: bool) -> list[Route]:
    """How to draw each edge: a curve that goes around every box it would otherwise cross."""
    pairs = {(e.source, e.target) for e in edges}
    boxes = {n: nodes.box(ax, n) for n in nodes.pos}
    centers = {n: nodes.center(ax, n) for n in nodes.pos}
    sides = _sides(edges, nodes.pos) if layered else []
    shares = _shares(edges, sides, centers) if layered else []
    obstacles = BoxGrid.of({n: grow(box, _CLEARANCE) for n, box in boxes.items()})
    routes = []
    for k, edge in enumerate(edges):
        reciprocal = (edge.target, edge.source) in pairs
        if layered:
            options = _options(edge, sides[k], shares[k], boxes, reciprocal)
        else:  # spring layout: centre to centre, clipped at the boxes when drawn
            a, b = centers[edge.source], centers[edge.target]
            options = [Route(a, b, r, clip=True) for r in cross_rads(0.18 if reciprocal else 0.06)]
        ends = [grow(boxes[edge.source], 1.0), grow(boxes[edge.target], 1.0)]
        routes.append(choose(options, obstacles, ends, (edge.source, edge.target)))
    return routes


def _make_room(ax: Axes, routes: Sequence[Route]) -> bool:
    """Widen the limits when an arc bulges past the plot area; True when they changed."""
    area = ax.bbox
    bounds = [curve_bounds(r.start, r.end, r.rad) for r in routes]
    x0 = min([area.x0] + [b[0] - _CLEARANCE for b in bounds])
    x1 = max([area.x1] + [b[2] + _CLEARANCE for b in bounds])
    y0 = min([area.y0] + [b[1] - _CLEARANCE for b in bounds])
    y1 = max([area.y1] + [b[3] + _CLEARANCE for b in bounds])
    if (x0, y0, x1, y1) == (area.x0, area.y0, area.x1, area.y1):
        return False
    inverse = ax.transData.inverted()
    (dx0, dy0), (dx1, dy1) = inverse.transform([(x0, y0), (x1, y1)])
    ax.set_xlim(dx0, dx1)
    ax.set_ylim(dy0, dy1)
    return True


def _draw_edges(
    ax: Axes,
    edges: Sequence[GraphEdge],
    routes: Sequence[Route],
    boxes: Mapping[str, Text],
) -> None:
    """Arrows along their routes; width grows with the time on the link."""
    longest = max((e.time for e in edges), default=0.0) or 1.0
    inverse = ax.transData.inverted()
    for edge, route in zip(edges, routes, strict=True):
        # NOTE: the routes are in pixels of the laid-out figure; the arrows are anchored in data
        # coordinates so they stay on their ports when the figure is saved at another dpi.
        patches = {
            "patchA": boxes[edge.source].get_bbox_patch() if route.clip else None,
            "patchB": boxes[edge.target].get_bbox_patch() if route.clip else None,
        }
        arrow = ax.annotate(
            "",
            xy=tuple(inverse.transform(route.end)),
            xytext=tuple(inverse.transform(route.start)),
            zorder=3,
            gid=f"edge-{edge.source}-{edge.target}",
            arrowprops={
                "arrowstyle": "-|>",
                "mutation_scale": 11,
                "shrinkA": 2 if route.clip else 0,
                "shrinkB": 2 if route.clip else 1,
                "color": _edge_color(edge),
                "linewidth": 0.8 + 4.0 * edge.time / longest,
                "linestyle": "--" if edge.backup else "-",
                "connectionstyle": f"arc3,rad={route.rad:.3f}",
                **patches,
            },
        )
        arrow.set_in_layout(False)  # drawn after the layout: must not move the axes again


def _edge_color(edge: GraphEdge) -> str:
    if edge.highlighted:
        return HIGHLIGHT
    return EDGE_COLOR if edge.simulated else CONFIGURED_COLOR


def _edge_text(edge: GraphEdge, text: Mapping[str, str], lang: str) -> str:
    """A link's time; for several links drawn as one, their number (the width is their mean)."""
    if edge.count > 1:
        return text["n_links"].format(count=number(edge.count, lang, 0))
    return text["n_minutes"].format(value=fmt_minutes(edge.time))


def _draw_edge_labels(
    ax: Axes,
    edges: Sequence[GraphEdge],
    routes: Sequence[Route],
    nodes: _Nodes,
    text: Mapping[str, str],
    lang: str,
) -> None:
    """Each link's time on a point of its curve that covers no node box (and no other label)."""
    node_boxes = BoxGrid.of({n: grow(nodes.box(ax, n), 2.0) for n in nodes.pos})
    placed = BoxGrid(node_boxes.cell)
    inverse = ax.transData.inverted()
    for edge, route in zip(edges, routes, strict=True):
        if edge.time <= 0:
            continue
        label = ax.text(
            0.0,
            0.0,
            _edge_text(edge, text, lang),
            fontsize=6.5,
            ha="center",
            va="center",
            color="#333333" if edge.simulated else "#777777",
            fontstyle="normal" if edge.simulated else "italic",
            zorder=4,
            gid=f"edge-label-{edge.source}-{edge.target}",
            bbox={
                "boxstyle": "round,pad=0.15",
                "facecolor": "white",
                "edgecolor": "none",
                "alpha": 0.85,
            },
        )
        label.set_in_layout(False)
        extent = label.get_window_extent()
        size = (extent.width + 6.0, extent.height + 6.0)
        spot = label_spot(route.start, route.end, route.rad, size, node_boxes, placed)
        if spot is None:
            label.remove()
            continue
        label.set_position(tuple(inverse.transform(spot)))
        placed.add("", label_box(spot, size))


def route_and_draw(
    fig: Figure,
    ax: Axes,
    edges: Sequence[GraphEdge],
    pos: Mapping[str, Position],
    boxes: Mapping[str, Text],
    layered: bool,
    text: Mapping[str, str] | None,
    lang: str = "en",
) -> None:
    """Route the edges around the boxes on the laid-out figure, then draw them and their labels.

    Routing needs box sizes in pixels, so the figure is laid out first. Limits may then grow to
    make room for an arc at the edge of the chart, which moves the nodes on screen: route again.
    """
    fig.draw_without_rendering()
    measured = _Nodes.measure(ax, pos, boxes)
    routes = _plan(ax, edges, measured, layered)
    for _ in range(3):
        if not _make_room(ax, routes):
            break
        routes = _plan(ax, edges, measured, layered)
    _draw_edges(ax, edges, routes, boxes)
    if text is not None:
        _draw_edge_labels(ax, edges, routes, measured, text, lang)
