"""Edge routing for the coordination graph, in display coordinates, without matplotlib.

An edge is drawn as matplotlib's ``arc3`` connection: a quadratic Bézier curve whose control
point sits ``rad`` times the chord length off the middle of the chord. In the layered layout an
edge leaves its source from a port on the side of the box facing the target and arrives on the
target's facing side; an edge inside one column runs between ports on the same side and is
always an arc. A straight edge could run through a node lying between its ends (two agencies of
one column, a link that skips a column), so each edge tries a short list of curvatures (and, in
a column, both sides) and keeps the first whose curve stays clear of every other node's box. Its
time label goes on a point of that curve clear of the boxes and of the labels placed before.

The boxes are looked up in a uniform grid (:class:`BoxGrid`): a sample point is tested only
against the boxes of its cell, so routing all edges costs time linear in edges plus nodes
rather than edges times nodes.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

Point = tuple[float, float]
Box = tuple[float, float, float, float]
"""(x0, y0, x1, y1) with x0 <= x1 and y0 <= y1, display units (pixels)."""


@dataclass(frozen=True, slots=True)
class Route:
    """How one edge is drawn: an ``arc3`` curve from ``start`` to ``end`` (display units).

    Attributes:
        start: Where the curve leaves the source (a port on its box, or its centre).
        end: Where it reaches the target.
        rad: The ``arc3`` curvature (0 is a straight line).
        clip: The ends are box centres: clip the curve at the boxes when drawing.
    """

    start: Point
    end: Point
    rad: float
    clip: bool = False


_SAMPLES = 64
#: Curvatures tried for an edge between columns, after its preferred one: gentle bends first.
_CROSS_RADS = tuple(round(0.08 * k, 2) for k in range(1, 11))
#: Curvatures tried for an edge inside one column (always an arc, never a straight line).
COLUMN_RADS = tuple(round(0.3 + 0.1 * k, 2) for k in range(10))
#: Points of the curve tried for a label, as fractions of the way from source to target.
_LABEL_SPOTS = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.2, 0.8)


def control_point(a: Point, b: Point, rad: float) -> Point:
    """The Bézier control point of matplotlib's ``arc3,rad=...`` between ``a`` and ``b``."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    return ((a[0] + b[0]) / 2 + rad * dy, (a[1] + b[1]) / 2 - rad * dx)


def arc_point(a: Point, b: Point, rad: float, t: float) -> Point:
    """The point at parameter ``t`` (0 at ``a``, 1 at ``b``) of the ``arc3`` curve."""
    c = control_point(a, b, rad)
    u = 1.0 - t
    return (
        u * u * a[0] + 2 * u * t * c[0] + t * t * b[0],
        u * u * a[1] + 2 * u * t * c[1] + t * t * b[1],
    )


def inside(p: Point, box: Box) -> bool:
    """Whether ``p`` lies in ``box`` (edges included)."""
    return box[0] <= p[0] <= box[2] and box[1] <= p[1] <= box[3]


def overlaps(one: Box, other: Box) -> bool:
    """Whether two boxes share any area."""
    return one[0] < other[2] and other[0] < one[2] and one[1] < other[3] and other[1] < one[3]


def grow(box: Box, by: float) -> Box:
    """``box`` with ``by`` added on every side."""
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


@dataclass(slots=True)
class BoxGrid:
    """Named boxes in a uniform grid of square cells, for asking which boxes hold a point.

    A box is filed under every cell it overlaps; a point is tested only against the boxes of
    its own cell. The cell side is about the size of a typical box, so a cell holds a few.
    """

    cell: float
    cells: dict[tuple[int, int], list[tuple[str, Box]]] = field(default_factory=dict)

    @classmethod
    def of(cls, boxes: Mapping[str, Box]) -> BoxGrid:
        """A grid over ``boxes`` (name -> box), with cells the median box's larger side."""
        sides = sorted(max(b[2] - b[0], b[3] - b[1]) for b in boxes.values())
        grid = cls(max(sides[len(sides) // 2] if sides else 1.0, 1.0))
        for name, box in boxes.items():
            grid.add(name, box)
        return grid

    def add(self, name: str, box: Box) -> None:
        """File ``box`` under every cell it overlaps."""
        for key in self._span(box):
            self.cells.setdefault(key, []).append((name, box))

    def _span(self, box: Box) -> list[tuple[int, int]]:
        c = self.cell
        xs = range(math.floor(box[0] / c), math.floor(box[2] / c) + 1)
        ys = range(math.floor(box[1] / c), math.floor(box[3] / c) + 1)
        return [(i, j) for i in xs for j in ys]

    def holding(self, p: Point) -> list[str]:
        """The names of the boxes that hold ``p`` (edges included), in filing order."""
        key = (math.floor(p[0] / self.cell), math.floor(p[1] / self.cell))
        return [name for name, box in self.cells.get(key, ()) if inside(p, box)]

    def covers(self, box: Box) -> bool:
        """Whether any filed box shares area with ``box``."""
        return any(
            overlaps(box, other) for key in self._span(box) for _, other in self.cells.get(key, ())
        )


def _covered(box: Box, boxes: Sequence[Box] | BoxGrid) -> bool:
    if isinstance(boxes, BoxGrid):
        return boxes.covers(box)
    return any(overlaps(box, other) for other in boxes)


def hits(
    a: Point, b: Point, rad: float, obstacles: BoxGrid, ends: Sequence[Box], skip: Collection[str]
) -> int:
    """How many sample points of the curve, outside its own end boxes, fall in an obstacle.

    A point inside two obstacles counts twice; the obstacles named in ``skip`` (the edge's own
    ends) do not count.
    """
    count = 0
    for k in range(1, _SAMPLES):
        p = arc_point(a, b, rad, k / _SAMPLES)
        if any(inside(p, e) for e in ends):
            continue
        count += sum(1 for name in obstacles.holding(p) if name not in skip)
    return count


def side_port(box: Box, side: float, share: float = 0.5) -> Point:
    """A point on the right (``side`` > 0) or left side of ``box``, ``share`` of the way down."""
    return (box[2] if side > 0 else box[0], box[3] - share * (box[3] - box[1]))


def port_share(rank: int, count: int) -> float:
    """Where the ``rank``-th of ``count`` edges on one side of a box attaches (0 top, 1 bottom).

    Ports are spread over the middle 60% of the side, so a fan of links does not start from
    one point.
    """
    return 0.2 + 0.6 * (rank + 0.5) / count if count > 1 else 0.5


def choose(
    options: Sequence[Route], obstacles: BoxGrid, ends: Sequence[Box], skip: Collection[str]
) -> Route:
    """The first route whose curve misses every obstacle, else the one that hits least.

    Stops at the first route that misses everything (the routes are listed best first).
    """
    best: tuple[int, int] | None = None
    for k, o in enumerate(options):
        score = hits(o.start, o.end, o.rad, obstacles, ends, skip)
        if score == 0:
            return o
        if best is None or score < best[0]:
            best = (score, k)
    return options[best[1] if best else 0]


def cross_rads(base: float) -> list[float]:
    """Curvatures for an edge between columns: the preferred ``base``, then growing bends."""
    return [base] + [sign * r for r in _CROSS_RADS for sign in (1.0, -1.0)]


def column_sign(a: Point, b: Point, side: float) -> float:
    """The sign of ``rad`` whose arc bulges towards ``side`` (+1: +x, -1: -x) for a vertical chord."""
    dy = b[1] - a[1]
    return side * (1.0 if dy >= 0 else -1.0)


def label_box(center: Point, size: tuple[float, float]) -> Box:
    """The box of a label of ``size`` (width, height) centred on ``center``."""
    w, h = size[0] / 2, size[1] / 2
    return (center[0] - w, center[1] - h, center[0] + w, center[1] + h)


def label_spot(
    a: Point,
    b: Point,
    rad: float,
    size: tuple[float, float],
    nodes: Sequence[Box] | BoxGrid,
    labels: Sequence[Box] | BoxGrid,
) -> Point | None:
    """A spot for a label of ``size`` that covers no node box, and if possible no other label.

    Spots on the curve come first (middle outwards), then spots just beside it (for a short arc
    squeezed between two boxes). ``nodes`` and ``labels`` are lists of boxes or grids of them
    (the chart passes grids, so each label costs the same whatever the graph's size). Returns None when every spot would cover a node: the label is
    then left out rather than written over an agency's name.
    """
    on_curve = [arc_point(a, b, rad, t) for t in _LABEL_SPOTS]
    w, h = size[0] * 0.6, size[1] * 0.8
    beside = [
        (p[0] + dx, p[1] + dy) for p in on_curve for dx, dy in ((w, 0), (-w, 0), (0, h), (0, -h))
    ]
    clear = [p for p in on_curve + beside if not _covered(label_box(p, size), nodes)]
    for p in clear:
        if not _covered(label_box(p, size), labels):
            return p
    return clear[0] if clear else None


def curve_bounds(a: Point, b: Point, rad: float) -> Box:
    """The bounding box of the whole curve (for making room for arcs at the edge of the chart)."""
    pts = [arc_point(a, b, rad, k / _SAMPLES) for k in range(_SAMPLES + 1)]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))
