"""Gantt geometry without matplotlib: sub-lanes for overlapping bars and row heights in inches.

A row whose bars overlap in time (several ambulances transporting at once) is split into
sub-lanes by greedy interval partitioning, so no bar hides another. Each row is then given the
height its label lines or its lanes need, whichever is more, and the figure is sized from that.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from drillsim.charts.data import WAIT_CATEGORIES, GanttBar

#: Height of one line of an 8.5 pt row label, inches.
LINE_IN = 0.155
#: Pitch of one sub-lane, inches; bars are ``BAR_IN`` high inside it.
LANE_IN = 0.21
BAR_IN = 0.16
#: Space between rows, inches.
ROW_PAD_IN = 0.1
#: Height of one header lane of marker labels, inches.
HEADER_IN = 0.19


@dataclass(frozen=True, slots=True)
class RowBlock:
    """Where one Gantt row sits, in inches from the top of the first row.

    Attributes:
        top: Upper edge of the row.
        height: Height of the row.
        lanes: Number of sub-lanes its bars need.
    """

    top: float
    height: float
    lanes: int

    @property
    def center(self) -> float:
        """Middle of the row (where its label sits)."""
        return self.top + self.height / 2

    def lane_center(self, lane: int) -> float:
        """Middle of sub-lane ``lane`` (0 is the top one); the lanes are centred in the row."""
        first = self.center - (self.lanes - 1) * LANE_IN / 2
        return first + lane * LANE_IN


def merge_waits(bars: Sequence[GanttBar]) -> list[GanttBar]:
    """Overlapping waiting bars of one row and kind merged into one bar (the time anything waited).

    Eight casualties queueing for two ambulances are one "waiting for units" stretch, not eight
    lanes; doing bars are kept as they are. A merged bar takes the input position of its first
    member, so the output order follows the input.
    """
    kept: dict[int, GanttBar] = {}
    runs: dict[tuple[str, str], int] = {}
    order = sorted(range(len(bars)), key=lambda i: (bars[i].start, bars[i].end, i))
    for i in order:
        bar = bars[i]
        at = runs.get((bar.row, bar.kind)) if bar.kind in WAIT_CATEGORIES else None
        if at is not None and kept[at].end >= bar.start:
            last = kept[at]
            kept[at] = GanttBar(last.row, last.start, max(last.end, bar.end), last.kind, last.label)
            continue
        if bar.kind in WAIT_CATEGORIES:
            runs[(bar.row, bar.kind)] = i
        kept[i] = bar
    return [kept[i] for i in sorted(kept)]


def assign_lanes(bars: Sequence[GanttBar]) -> list[int]:
    """A sub-lane per bar such that bars of one row on one lane never overlap in time.

    Greedy interval partitioning: bars of a row in order of (start, end, input position), each
    put on a lane that is free by its start. Among free lanes it prefers one whose last bar is of
    the same kind, then one that held that kind before, then the lowest, so a desk's queue,
    handling and transmissions each keep to a lane of their own as far as possible. Taking bars
    by start time uses the fewest lanes possible (the deepest overlap), and the result depends
    only on the input, never on set or dict ordering.
    """
    lanes = [0] * len(bars)
    rows: dict[str, list[tuple[float, str, set[str]]]] = {}
    for i in sorted(range(len(bars)), key=lambda i: (bars[i].start, bars[i].end, i)):
        bar = bars[i]
        row = rows.setdefault(bar.row, [])
        free = [k for k, (end, _, _) in enumerate(row) if end <= bar.start]
        lane = min(
            free,
            key=lambda k: (row[k][1] != bar.kind, bar.kind not in row[k][2], k),
            default=len(row),
        )
        if lane == len(row):
            row.append((0.0, "", set()))
        kinds = row[lane][2] | {bar.kind}
        row[lane] = (bar.end, bar.kind, kinds)
        lanes[i] = lane
    return lanes


def row_blocks(
    order: Sequence[str], label_lines: Mapping[str, int], lanes: Mapping[str, int]
) -> dict[str, RowBlock]:
    """Stack the rows top to bottom, each as tall as its label or its lanes need."""
    blocks: dict[str, RowBlock] = {}
    top = 0.0
    for row in order:
        need = max(label_lines.get(row, 1) * LINE_IN, lanes.get(row, 1) * LANE_IN)
        height = need + ROW_PAD_IN
        blocks[row] = RowBlock(top, height, lanes.get(row, 1))
        top += height
    return blocks


def lanes_per_row(bars: Sequence[GanttBar], lane_of: Sequence[int]) -> dict[str, int]:
    """Number of sub-lanes of each row (at least 1)."""
    out: dict[str, int] = {}
    for bar, lane in zip(bars, lane_of, strict=True):
        out[bar.row] = max(out.get(bar.row, 1), lane + 1)
    return out


def select_rows(
    order: Sequence[str],
    sub_rows: Mapping[str, str],
    bars: Sequence[GanttBar],
    keep: Sequence[str],
    limit: int,
) -> tuple[list[str], int]:
    """The rows of at most ``limit`` agencies, and how many agencies are left out.

    An agency is its row with the sub-rows under it (its desk). Agencies with a row in ``keep``
    (on a critical path) come first, in ``keep``'s order, then the slowest: those whose last bar
    ends latest (the first in ``order`` of equals). The chosen rows keep their order.
    """
    agencies: list[list[str]] = []
    for row in order:
        if row in sub_rows and agencies:
            agencies[-1].append(row)
        else:
            agencies.append([row])
    if len(agencies) <= limit:
        return list(order), 0
    ends: dict[str, float] = {}
    for bar in bars:
        ends[bar.row] = max(ends.get(bar.row, 0.0), bar.end)
    rank = {row: k for k, row in enumerate(reversed(keep))}  # later in keep: lower rank

    def priority(k: int) -> tuple[int, float, int]:
        rows = agencies[k]
        kept = max((rank[r] for r in rows if r in rank), default=-1)
        return (kept, max(ends.get(r, 0.0) for r in rows), -k)

    chosen = sorted(sorted(range(len(agencies)), key=priority, reverse=True)[:limit])
    return [row for k in chosen for row in agencies[k]], len(agencies) - limit
