"""Gantt timeline of one replication: what each agency was doing, and waiting for, when."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from drillsim.charts.data import CATEGORIES, GanttBar, GanttMarker
from drillsim.charts.i18n import texts_for
from drillsim.charts.style import (
    HIGHLIGHT,
    NEUTRAL,
    PALETTE,
    SizeName,
    figure_and_axes,
    minutes,
    place_legend,
    styled,
    text_width,
    wrap_label,
)

BAR_HEIGHT = 0.62
# Bars narrower than this share of the x range get no inside label.
_LABEL_MIN_SHARE = 0.09
_MARKER_FONT = 7.0
_LANE_HEIGHT = 0.5
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


def _draw_bars(ax: Axes, bars: Sequence[GanttBar], ypos: Mapping[str, int]) -> None:
    """One ``barh`` container per category, so each category has one legend handle."""
    for kind in CATEGORIES:
        group = [b for b in bars if b.kind == kind]
        if not group:
            continue
        style = PALETTE[kind]
        ax.barh(
            [ypos[b.row] for b in group],
            [minutes(b.end - b.start) for b in group],
            left=[minutes(b.start) for b in group],
            height=BAR_HEIGHT,
            color=style.color,
            hatch=style.hatch,
            edgecolor="white" if style.hatch else style.color,
            linewidth=0.4,
            gid=f"gantt-{kind}",
        )


def _draw_bar_labels(
    ax: Axes, bars: Sequence[GanttBar], ypos: Mapping[str, int], span: float
) -> None:
    for bar in bars:
        width = minutes(bar.end - bar.start)
        if bar.label and width >= _LABEL_MIN_SHARE * span:
            ax.text(
                minutes(bar.start) + width / 2,
                ypos[bar.row],
                bar.label,
                ha="center",
                va="center",
                fontsize=7,
                color="white",
                clip_on=True,
            )


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
    ax: Axes, markers: Sequence[GanttMarker], ypos: Mapping[str, int], span: float
) -> int:
    """Injects as grey dashed lines and targets as red dotted lines, labelled in header lanes.

    Returns:
        The number of header lanes used above the first row.
    """
    full = sorted((m for m in markers if m.row is None), key=lambda m: m.time)
    width_pt = ax.get_figure().get_figwidth() * 72 * 0.7  # type: ignore[union-attr]
    placed = _marker_lanes(full, span * 1.02, width_pt)
    for marker in markers:
        if marker.row is None:
            continue
        ax.plot(
            [minutes(marker.time)],
            [ypos[marker.row]],
            marker="D",
            markersize=6,
            zorder=4,
            color=_MARKER_COLOR[marker.kind],
            markeredgecolor="white",
            linestyle="none",
            gid=f"marker-{marker.kind}",
        )
    for marker, (lane, left) in zip(full, placed, strict=True):
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
        label = f"{marker.label} " if left else f" {marker.label}"
        ax.text(
            x,
            -0.5 - _LANE_HEIGHT * (lane + 0.5),
            label,
            ha="right" if left else "left",
            va="center",
            fontsize=_MARKER_FONT,
            color=color,
            gid=f"marker-label-{marker.kind}",
        )
    return max((lane for lane, _ in placed), default=-1) + 1


def _legend(
    ax: Axes,
    kinds: Sequence[str],
    markers: Sequence[GanttMarker],
    text: Mapping[str, str],
    own_figure: bool,
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
    place_legend(ax, proxies, own_figure=own_figure)


@styled
def gantt(
    bars: Sequence[GanttBar],
    markers: Sequence[GanttMarker] = (),
    *,
    title: str = "",
    rows: Sequence[str] | None = None,
    lang: str = "en",
    labels: Mapping[str, str] | None = None,
    horizon: float | None = None,
    legend: bool = True,
    ax: Axes | None = None,
    size: SizeName | tuple[float, float] = "full",
) -> Figure:
    """Draw one replication's timeline: a row per agency, bars coloured by time category.

    Waiting segments (desk queue, units, prerequisites) are hatched in reds so delays stand out.
    Pass ``ax`` twice (see ``new_figure``) to put the median and worst replications together.

    Args:
        bars: Segments in seconds; ``row`` is the agency display name.
        markers: Injects (full-height lines labelled with the incident) and objective targets.
        title: Chart title, already translated by the caller.
        rows: Row order, top to bottom; defaults to the order of first appearance.
        lang: Language of the built-in texts ("en", "vi", "zh").
        labels: Overrides for single built-in texts.
        horizon: Right end of the x axis, seconds; defaults to the last bar or marker.
        legend: Draw the category legend below the axes.
        ax: Draw into this axes instead of a new figure.
        size: Figure size preset or (width, height) inches, for a new figure.
    """
    if not bars:
        raise ValueError("a Gantt needs at least one bar")
    text = texts_for(lang, labels)
    order = _row_order(bars, rows)
    ypos = {row: i for i, row in enumerate(order)}
    own_figure = ax is None
    fig, ax = figure_and_axes(ax, size, rows=len(order))
    end = max([b.end for b in bars] + [m.time for m in markers] + [horizon or 0.0])
    span = minutes(end) or 1.0
    _draw_bars(ax, bars, ypos)
    _draw_bar_labels(ax, bars, ypos, span)
    lanes = _draw_markers(ax, markers, ypos, span)
    ax.set_yticks(range(len(order)), labels=[wrap_label(r, 26) for r in order])
    ax.set_ylim(len(order) - 0.5, -0.5 - _LANE_HEIGHT * lanes)  # first row on top
    ax.set_xlim(0.0, span * 1.02)
    ax.set_xlabel(text["time_min"])
    ax.grid(axis="x")
    ax.tick_params(axis="y", length=0)
    if title:
        ax.set_title(title)
    if legend:
        present = [k for k in CATEGORIES if any(b.kind == k for b in bars)]
        _legend(ax, present, markers, text, own_figure)
    return fig
