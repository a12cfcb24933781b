"""Bar charts: where critical-path time goes, and which improvement moves an objective most."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Annotation
from matplotlib.ticker import PercentFormatter

from drillsim.charts.data import (
    CATEGORIES,
    PathSplit,
    Sensitivity,
    SplitMode,
    TornadoMetric,
)
from drillsim.charts.style import (
    BAD,
    GOOD,
    NEUTRAL,
    PALETTE,
    SizeName,
    figure_and_axes,
    fmt_minutes,
    line_count,
    minutes,
    place_legend,
    styled,
    wrap_label,
)
from drillsim.charts.texts import texts_for

BAR_HEIGHT = 0.62
#: Tornado labels (suggested changes) wrap at this many columns, in at most this many lines.
TORNADO_LABEL_WIDTH = 32
TORNADO_LABEL_LINES = 3


def _split_values(split: PathSplit, kind: str, mode: SplitMode) -> float:
    value = split.seconds.get(kind, 0.0)
    if mode == "share":
        return value / split.total if split.total > 0 else 0.0
    return minutes(value)


def _row_axis(ax: Axes, labels: Sequence[str]) -> None:
    """Rows top to bottom in the given order, with their (already wrapped) labels."""
    ax.set_yticks(range(len(labels)), labels=list(labels))
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x")


@styled
def critical_path_split(
    splits: Sequence[PathSplit],
    *,
    mode: SplitMode = "share",
    title: str = "",
    lang: str = "en",
    labels: Mapping[str, str] | None = None,
    ax: Axes | None = None,
    size: SizeName | tuple[float, float] = "full",
) -> Figure:
    """Draw one stacked horizontal bar per objective, split by time category.

    In ``share`` mode each bar sums to 100% and is annotated with its total minutes; in
    ``minutes`` mode bar lengths are minutes. Colours match the Gantt (one palette).

    Args:
        splits: One ``PathSplit`` per objective, in display order (top first).
        mode: ``share`` or ``minutes``.
        title: Chart title, already translated.
        lang: Language of the built-in texts ("en", "vi", "zh").
        labels: Overrides for single built-in texts.
        ax: Draw into this axes instead of a new figure.
        size: Figure size preset or (width, height) inches, for a new figure.
    """
    if not splits:
        raise ValueError("no objectives to split")
    if mode not in ("share", "minutes"):
        raise ValueError(f"mode must be 'share' or 'minutes', got {mode!r}")
    text = texts_for(lang, labels)
    own_figure = ax is None
    fig, ax = figure_and_axes(ax, size, rows=len(splits) + 3)
    present = [k for k in CATEGORIES if any(s.seconds.get(k, 0.0) > 0 for s in splits)]
    lefts = [0.0] * len(splits)
    for kind in present:
        widths = [_split_values(s, kind, mode) for s in splits]
        style = PALETTE[kind]
        ax.barh(
            range(len(splits)),
            widths,
            left=lefts,
            height=BAR_HEIGHT,
            color=style.color,
            hatch=style.hatch,
            edgecolor="white",
            linewidth=0.5,
            label=text[kind],
            gid=f"split-{kind}",
        )
        lefts = [a + b for a, b in zip(lefts, widths, strict=True)]
    for y, (split, end) in enumerate(zip(splits, lefts, strict=True)):
        ax.annotate(
            text["n_minutes"].format(value=fmt_minutes(split.total)),
            xy=(end, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=7.5,
            color=NEUTRAL,
        )
    _row_axis(ax, [wrap_label(s.label, 26) for s in splits])
    if mode == "share":
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlim(0.0, 1.12)
    else:
        ax.set_xlim(0.0, max(lefts) * 1.12 or 1.0)
    ax.set_xlabel(text["share_of_path"] if mode == "share" else text["path_minutes"])
    handles, _ = ax.get_legend_handles_labels()
    place_legend(ax, handles, own_figure=own_figure)
    if title:
        ax.set_title(title)
    return fig


def _good(delta: float, metric: TornadoMetric) -> bool:
    """A higher success share is good; a lower median time is good."""
    return delta > 0 if metric == "success_pp" else delta < 0


def _tornado_value(value: float, metric: TornadoMetric) -> float:
    return value if metric == "success_pp" else minutes(value)


@styled
def tornado(
    items: Sequence[Sensitivity],
    *,
    metric: TornadoMetric = "success_pp",
    title: str = "",
    lang: str = "en",
    labels: Mapping[str, str] | None = None,
    ax: Axes | None = None,
    size: SizeName | tuple[float, float] = "full",
) -> Figure:
    """Rank suggested improvements by their effect on one objective (a tornado chart).

    Rows are sorted by magnitude, largest on top; green bars help, red bars hurt; whiskers show
    the confidence interval when given.

    Args:
        items: One ``Sensitivity`` per improvement. ``delta`` is percentage points for
            ``success_pp`` and seconds for ``median_time`` (shown in minutes).
        metric: Which effect ``delta`` measures.
        title: Chart title, already translated.
        lang: Language of the built-in texts ("en", "vi", "zh").
        labels: Overrides for single built-in texts.
        ax: Draw into this axes instead of a new figure.
        size: Figure size preset or (width, height) inches, for a new figure.
    """
    if not items:
        raise ValueError("no improvements to rank")
    if metric not in ("success_pp", "median_time"):
        raise ValueError(f"metric must be 'success_pp' or 'median_time', got {metric!r}")
    text = texts_for(lang, labels)
    # NOTE: stable sort on |delta| then input order: equal effects keep the caller's order.
    ranked = sorted(items, key=lambda s: -abs(s.delta))
    names = [tornado_label(s.label) for s in ranked]
    rows = round(sum(max(1.0, 0.75 * line_count(n)) for n in names)) + 2
    fig, ax = figure_and_axes(ax, size, rows=rows)
    values = [_tornado_value(s.delta, metric) for s in ranked]
    colors = [GOOD if _good(s.delta, metric) else BAD for s in ranked]
    ax.barh(range(len(ranked)), values, height=BAR_HEIGHT, color=colors, gid="tornado")
    _draw_whiskers(ax, ranked, metric)
    ax.axvline(0.0, color=NEUTRAL, linewidth=0.8)
    notes: list[Annotation] = []
    for y, (item, value) in enumerate(zip(ranked, values, strict=True)):
        shown = f"{value:+.1f}".replace("-", "\N{MINUS SIGN}")
        label = text["pp"].format(value=shown) if metric == "success_pp" else shown
        # NOTE: beyond the whisker's far end, so the label never sits on the CI line.
        ends = [value] + [
            _tornado_value(v, metric) for v in (item.ci_low, item.ci_high) if v is not None
        ]
        tip = max(ends) if value >= 0 else min(ends)
        note = ax.annotate(
            label,
            xy=(tip, y),
            xytext=(4 if value >= 0 else -4, 0),
            textcoords="offset points",
            ha="left" if value >= 0 else "right",
            va="center",
            fontsize=7.5,
            color=NEUTRAL,
            gid="tornado-value",
        )
        note.set_in_layout(False)
        notes.append(note)
    _row_axis(ax, names)
    _pad_symmetric(ax, ranked, metric)
    ax.set_xlabel(text["delta_success"] if metric == "success_pp" else text["delta_median"])
    if title:
        ax.set_title(title)
    _fit_notes(fig, ax, notes)
    return fig


def _fit_notes(fig: Figure, ax: Axes, notes: Sequence[Annotation]) -> None:
    """Widen the x range until every value label lies inside the axes (long zh/vi units)."""
    for _ in range(4):
        fig.draw_without_rendering()
        area = ax.get_window_extent()
        boxes = [n.get_window_extent() for n in notes]
        over_left = max([area.x0 - b.x0 + 6 for b in boxes] + [0.0])
        over_right = max([b.x1 - area.x1 + 6 for b in boxes] + [0.0])
        if over_left <= 0 and over_right <= 0:
            return
        low, high = ax.get_xlim()
        per_pixel = (high - low) / max(area.width - over_left - over_right, 1.0)
        ax.set_xlim(low - over_left * per_pixel, high + over_right * per_pixel)


def tornado_label(label: str) -> str:
    """A suggested change's row label: wrapped, at most three lines (cut with an ellipsis)."""
    return wrap_label(label, TORNADO_LABEL_WIDTH, max_lines=TORNADO_LABEL_LINES)


def _draw_whiskers(ax: Axes, ranked: Sequence[Sensitivity], metric: TornadoMetric) -> None:
    for y, item in enumerate(ranked):
        if item.ci_low is None or item.ci_high is None:
            continue
        low, high = (_tornado_value(v, metric) for v in (item.ci_low, item.ci_high))
        ax.errorbar(
            [_tornado_value(item.delta, metric)],
            [y],
            xerr=[
                [max(_tornado_value(item.delta, metric) - low, 0.0)],
                [max(high - _tornado_value(item.delta, metric), 0.0)],
            ],
            fmt="none",
            ecolor="#333333",
            elinewidth=1.0,
            capsize=3,
            gid="ci",
        )


def _pad_symmetric(ax: Axes, ranked: Sequence[Sensitivity], metric: TornadoMetric) -> None:
    """Room for the value labels on both sides of zero."""
    ends = [
        _tornado_value(v, metric)
        for s in ranked
        for v in (s.delta, s.ci_low, s.ci_high)
        if v is not None
    ]
    low, high = min(ends + [0.0]), max(ends + [0.0])
    pad = 0.22 * ((high - low) or 1.0)
    ax.set_xlim(low - (pad if low < 0 else 0.02 * pad), high + (pad if high > 0 else 0.02 * pad))
