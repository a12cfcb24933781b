"""Gantt timeline of one replication: what each agency was doing, and waiting for, when."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Literal

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text

from drillsim.charts.data import CATEGORIES, GanttBar, GanttMarker
from drillsim.charts.lanes import (
    BAR_IN,
    HEADER_IN,
    RowBlock,
    assign_lanes,
    lanes_per_row,
    merge_waits,
    row_blocks,
    select_rows,
)
from drillsim.charts.style import (
    HIGHLIGHT,
    NEUTRAL,
    PALETTE,
    SizeName,
    figure_and_axes,
    figure_size,
    line_count,
    minutes,
    place_legend,
    styled,
    text_width,
    wrap_label,
)
from drillsim.charts.texts import texts_for
from drillsim.i18n import number

#: Row labels wrap at this many columns and take at most ``ROW_LABEL_LINES`` lines.
ROW_LABEL_WIDTH = 26
ROW_LABEL_LINES = 2
#: A Gantt may grow taller than the other charts (one row per agency and desk), up to this
#: height, which still fits an A4 page at the 16 cm width of the DOCX report.
MAX_HEIGHT_IN = 10.0
#: A Gantt shows at most this many agencies (each with its desk row, a few lanes each, within
#: ``MAX_HEIGHT_IN``): those on a critical path, then the slowest; the legend says how many are
#: left out. The examples have 9-13.
MAX_AGENCIES = 20
#: The note on the agencies left out wraps at this many columns (it sits in the legend).
NOTE_WIDTH = 40
_LABEL_FONT = 7.0
_LABEL_MARGIN_PT = 4.0
_SUB_ROW_FONT = 7.5
_SEPARATOR = "#d0d0d0"
_MARKER_FONT = 7.0
_MARKER_COLOR = {"inject": NEUTRAL, "target": HIGHLIGHT}
_MARKER_STYLE: dict[str, Literal["--", ":"]] = {"inject": "--", "target": ":"}


def _row_order(bars: Sequence[GanttBar], rows: Sequence[str] | None) -> list[str]:
    """Rows in the caller's order, else in order of first appearance (never a set order)."""
    if rows is not None:
        missing = sorted({b.row for b in bars} - set(rows))
        if missing:
            raise ValueError(f"bars refer to rows not listed in rows=: {', '.join(missing)}")
        return list(rows)
    return list(dict.fromkeys(b.row for b in bars))


def row_label(row: str, sub_rows: Mapping[str, str]) -> str:
    """The y tick text of a row: a sub-row's short label, else the name in at most two lines."""
    if row in sub_rows:
        return sub_rows[row]
    return wrap_label(row, ROW_LABEL_WIDTH, max_lines=ROW_LABEL_LINES)


def _draw_bars(
    ax: Axes, bars: Sequence[GanttBar], lane_of: Sequence[int], blocks: Mapping[str, RowBlock]
) -> dict[int, Rectangle]:
    """One ``barh`` container per category (one legend handle each); returns bar index -> patch."""
    patches: dict[int, Rectangle] = {}
    for kind in CATEGORIES:
        group = [i for i, b in enumerate(bars) if b.kind == kind]
        if not group:
            continue
        style = PALETTE[kind]
        container = ax.barh(
            [blocks[bars[i].row].lane_center(lane_of[i]) for i in group],
            [minutes(bars[i].end - bars[i].start) for i in group],
            left=[minutes(bars[i].start) for i in group],
            height=BAR_IN,
            color=style.color,
            hatch=style.hatch,
            # NOTE: white edges keep back-to-back bars of one kind (two transports) apart.
            edgecolor="white",
            linewidth=0.4,
            gid=f"gantt-{kind}",
        )
        patches.update(zip(group, container.patches, strict=True))
    return patches


def _draw_bar_labels(
    ax: Axes, bars: Sequence[GanttBar], patches: Mapping[int, Rectangle]
) -> list[tuple[Text, Rectangle]]:
    """A label inside each labelled bar; ``_drop_unfit_labels`` removes those that do not fit."""
    placed = []
    for i, bar in enumerate(bars):
        if not bar.label:
            continue
        rect = patches[i]
        text = ax.text(
            rect.get_x() + rect.get_width() / 2,
            rect.get_y() + rect.get_height() / 2,
            bar.label,
            ha="center",
            va="center",
            fontsize=_LABEL_FONT,
            color="white",
            clip_on=True,
            gid="gantt-label",
        )
        text.set_in_layout(False)
        placed.append((text, rect))
    return placed


def _drop_unfit_labels(fig: Figure, placed: Sequence[tuple[Text, Rectangle]]) -> None:
    """Keep an inside label only when its rendered text is narrower than its bar.

    The check is made on the laid-out figure (real glyph widths, CJK included), not on a share
    of the x range, so labels never run over the next bar.
    """
    if not placed:
        return
    fig.draw_without_rendering()
    margin = _LABEL_MARGIN_PT * fig.dpi / 72
    for text, rect in placed:
        if text.get_window_extent().width + margin > rect.get_window_extent().width:
            text.remove()


def _draw_separators(
    ax: Axes, order: Sequence[str], blocks: Mapping[str, RowBlock], sub_rows: Mapping[str, str]
) -> None:
    """Light lines between agencies; none between an agency and its own sub-rows (its desk)."""
    for row in order[1:]:
        if row not in sub_rows:
            ax.axhline(
                blocks[row].top, color=_SEPARATOR, linewidth=0.6, zorder=0.5, gid="gantt-separator"
            )


def _style_row_ticks(ax: Axes, order: Sequence[str], sub_rows: Mapping[str, str]) -> None:
    for row, tick in zip(order, ax.get_yticklabels(), strict=True):
        if row in sub_rows:
            tick.set_color(NEUTRAL)
            tick.set_fontsize(_SUB_ROW_FONT)


def _marker_lanes(
    markers: Sequence[GanttMarker], xmax: float, axes_width_pt: float
) -> list[tuple[int, bool]]:
    """Greedy header lane per full-height marker, and whether its label goes left of the line.

    Labels that would run past the right edge are right-aligned; overlapping ones move down a lane.
    """
    lane_ends: list[float] = []
    placed: list[tuple[int, bool]] = []
    minutes_per_pt = xmax / max(axes_width_pt, 1.0)
    for marker in markers:
        x = minutes(marker.time)
        width = (text_width(marker.label) * _MARKER_FONT * 0.62 + 6) * minutes_per_pt
        left = x + width > xmax
        begin, end = (x - width, x) if left else (x, x + width)
        lane = next((i for i, stop in enumerate(lane_ends) if stop <= begin), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(0.0)
        lane_ends[lane] = end
        placed.append((lane, left))
    return placed


def _draw_markers(
    ax: Axes,
    markers: Sequence[GanttMarker],
    blocks: Mapping[str, RowBlock],
    placed: Sequence[tuple[int, bool]],
) -> None:
    """Injects as grey dashed lines and targets as red dotted lines, labelled in header lanes.

    ``placed`` holds the header lane and side of each full-height marker, in time order.
    """
    for marker in markers:
        if marker.row is None:
            continue
        ax.plot(
            [minutes(marker.time)],
            [blocks[marker.row].center],
            marker="D",
            markersize=6,
            zorder=4,
            color=_MARKER_COLOR[marker.kind],
            markeredgecolor="white",
            linestyle="none",
            gid=f"marker-{marker.kind}",
        )
    for marker, (lane, left) in zip(_full_height(markers), placed, strict=True):
        x = minutes(marker.time)
        color = _MARKER_COLOR[marker.kind]
        ax.axvline(
            x,
            color=color,
            linestyle=_MARKER_STYLE[marker.kind],
            linewidth=1.0,
            gid=f"marker-{marker.kind}",
            zorder=3,
        )
        ax.text(
            x,
            -HEADER_IN * (lane + 0.5),
            f"{marker.label} " if left else f" {marker.label}",
            ha="right" if left else "left",
            va="center",
            fontsize=_MARKER_FONT,
            color=color,
            gid=f"marker-label-{marker.kind}",
            zorder=5,  # over the later markers' lines, on a white ground so they do not cut it
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.9},
        )


def _full_height(markers: Sequence[GanttMarker]) -> list[GanttMarker]:
    """The markers drawn as full-height lines, in time order."""
    return sorted((m for m in markers if m.row is None), key=lambda m: m.time)


def _legend(
    ax: Axes,
    kinds: Sequence[str],
    markers: Sequence[GanttMarker],
    text: Mapping[str, str],
    own_figure: bool,
    note: str = "",
) -> None:
    handles: list[Patch] = [
        Patch(
            facecolor=PALETTE[k].color,
            hatch=PALETTE[k].hatch,
            edgecolor="white" if PALETTE[k].hatch else PALETTE[k].color,
            label=text[k],
        )
        for k in kinds
    ]
    proxies: list[Patch | Line2D] = list(handles)
    for kind in ("inject", "target"):
        if any(m.kind == kind for m in markers):
            proxies.append(
                Line2D(
                    [],
                    [],
                    color=_MARKER_COLOR[kind],
                    linestyle=_MARKER_STYLE[kind],
                    label=text[kind],
                )
            )
    if note:  # a text-only entry: how many agencies the chart leaves out
        proxies.append(Line2D([], [], linestyle="none", label=note))
    place_legend(ax, proxies, own_figure=own_figure)


def gantt_height(row_total_in: float, header_lanes: int, legend_items: int, title: bool) -> float:
    """Figure height (inches) that gives every row the height it was laid out with.

    The fixed parts are the title, the marker header, the x axis with its label and the legend
    (three entries a line). Capped at ``MAX_HEIGHT_IN`` so the chart still fits an A4 page.
    """
    legend = (0.22 * -(-legend_items // 3) + 0.15) if legend_items else 0.0
    fixed = 0.6 + (0.3 if title else 0.0) + legend + HEADER_IN * header_lanes
    return min(max(row_total_in + fixed, 2.4), MAX_HEIGHT_IN)


def _new_or_given(
    ax: Axes | None,
    size: SizeName | tuple[float, float],
    height: Callable[[float], float],
) -> tuple[Figure, Axes]:
    """The caller's axes, or a new figure whose height comes from ``height(width)``."""
    if ax is not None or isinstance(size, tuple):
        return figure_and_axes(ax, size)
    width = figure_size(size)[0]
    return figure_and_axes(None, (width, height(width)))


def _left_out_note(text: Mapping[str, str], left_out: int, lang: str) -> str:
    """The note "12 more agencies not shown" in the chart's language ("" when none is left out)."""
    if not left_out:
        return ""
    return wrap_label(text["rows_left_out"].format(count=number(left_out, lang, 0)), NOTE_WIDTH)


@styled
def gantt(
    bars: Sequence[GanttBar],
    markers: Sequence[GanttMarker] = (),
    *,
    title: str = "",
    rows: Sequence[str] | None = None,
    sub_rows: Mapping[str, str] | None = None,
    lang: str = "en",
    labels: Mapping[str, str] | None = None,
    horizon: float | None = None,
    legend: bool = True,
    ax: Axes | None = None,
    size: SizeName | tuple[float, float] = "full",
    keep: Sequence[str] = (),
    max_agencies: int = MAX_AGENCIES,
) -> Figure:
    """Draw one replication's timeline: a row per agency, bars coloured by time category.

    Waiting segments (desk queue, units, prerequisites) are hatched in reds so delays stand out.
    Overlapping waits of one row and kind are merged into one bar (the time anything waited);
    other bars of one row that overlap in time go on separate sub-lanes; a row is as tall as its label
    (at most two lines) or its lanes need, and a new figure is sized to match. A bar's label is
    drawn inside it only when it fits. Pass ``ax`` twice (see ``new_figure``) to put the median
    and worst replications together.

    Args:
        bars: Segments in seconds; ``row`` is the agency display name.
        markers: Injects (full-height lines labelled with the incident) and objective targets.
        title: Chart title, already translated by the caller.
        rows: Row order, top to bottom; defaults to the order of first appearance.
        sub_rows: Rows that belong to the row above (an agency's duty desk): row -> short label,
            drawn in a muted font with no separator between it and its agency.
        lang: Language of the built-in texts ("en", "vi", "zh").
        labels: Overrides for single built-in texts.
        horizon: Right end of the x axis, seconds; defaults to the last bar or marker.
        legend: Draw the category legend below the axes.
        ax: Draw into this axes instead of a new figure.
        size: Figure size preset (the height then follows the rows) or (width, height) inches.
        keep: Rows that matter most (on a critical path), most important first: with more than
            ``max_agencies`` agencies these are shown first, then the slowest, and the legend
            says how many agencies are left out.
        max_agencies: Most agencies (a row and its sub-rows) shown.
    """
    if not bars:
        raise ValueError("a Gantt needs at least one bar")
    text = texts_for(lang, labels)
    subs = dict(sub_rows or {})
    order = _row_order(bars, rows)
    order, left_out = select_rows(order, subs, bars, keep, max_agencies)
    if left_out:
        shown = set(order)
        bars = [b for b in bars if b.row in shown]
        markers = [m for m in markers if m.row is None or m.row in shown]
    note = _left_out_note(text, left_out, lang)
    bars = merge_waits(bars)
    tick_labels = [row_label(r, subs) for r in order]
    lane_of = assign_lanes(bars)
    blocks = row_blocks(
        order,
        {r: line_count(t) for r, t in zip(order, tick_labels, strict=True)},
        lanes_per_row(bars, lane_of),
    )
    total = blocks[order[-1]].top + blocks[order[-1]].height
    end = max([b.end for b in bars] + [m.time for m in markers] + [horizon or 0.0])
    span = minutes(end) or 1.0
    present = [k for k in CATEGORIES if any(b.kind == k for b in bars)]
    marker_kinds = {m.kind for m in markers}

    def placement(width_in: float) -> list[tuple[int, bool]]:
        return _marker_lanes(_full_height(markers), span * 1.02, width_in * 72 * 0.7)

    def height(width_in: float) -> float:
        lanes = max((lane for lane, _ in placement(width_in)), default=-1) + 1
        entries = len(present) + len(marker_kinds) + (2 if note else 0) if legend else 0
        return gantt_height(total, lanes, entries, bool(title))

    own_figure = ax is None
    fig, ax = _new_or_given(ax, size, height)
    placed = placement(fig.get_figwidth())
    patches = _draw_bars(ax, bars, lane_of, blocks)
    inside = _draw_bar_labels(ax, bars, patches)
    _draw_markers(ax, markers, blocks, placed)
    _draw_separators(ax, order, blocks, subs)
    header = max((lane for lane, _ in placed), default=-1) + 1
    ax.set_yticks([blocks[r].center for r in order], labels=tick_labels)
    _style_row_ticks(ax, order, subs)
    ax.set_ylim(total, -HEADER_IN * header)  # first row on top
    ax.set_xlim(0.0, span * 1.02)
    ax.set_xlabel(text["time_min"])
    ax.grid(axis="x")
    ax.tick_params(axis="y", length=0)
    if title:
        ax.set_title(title)
    if legend:
        _legend(ax, present, markers, text, own_figure, note)
    elif note:
        ax.set_xlabel(f"{text['time_min']}. {note}")
    _drop_unfit_labels(fig, inside)
    return fig
