"""Time distributions over replications: ECDF against a target, variants, observed vs simulated."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from drillsim.charts.data import IntervalStats, ObservedRow, VariantComparison, reached_times
from drillsim.charts.style import (
    A4_TEXT_WIDTH,
    HIGHLIGHT,
    LIGHT,
    NEUTRAL,
    OBSERVED,
    SizeName,
    figure_and_axes,
    fmt_minutes,
    fmt_share,
    line_count,
    minutes,
    place_legend,
    styled,
    wrap_label,
)
from drillsim.charts.texts import texts_for

ECDF_COLOR = "#2f4b7c"
#: Row labels (variants, observed events) wrap at this many columns, in at most two lines.
ROW_LABEL_WIDTH = 26
ROW_LABEL_LINES = 2
#: A panel narrower than this (inches) uses the short "never reached" note.
NARROW_PANEL_IN = 3.5
#: The multi-panel variant figure grows with its rows up to this height (inches).
MAX_HEIGHT_IN = 10.0


def _ecdf_steps(reached: Sequence[float], total: int) -> tuple[list[float], list[float]]:
    """Step coordinates (minutes, share of all replications) starting at (0, 0)."""
    xs = [0.0] + [minutes(t) for t in reached]
    ys = [0.0] + [(i + 1) / total for i in range(len(reached))]
    return xs, ys


@styled
def ecdf(
    times: Sequence[float | None],
    target: float | None = None,
    *,
    title: str = "",
    lang: str = "en",
    labels: Mapping[str, str] | None = None,
    ax: Axes | None = None,
    size: SizeName | tuple[float, float] = "full",
) -> Figure:
    """Draw the ECDF of one objective's time over replications, with its target.

    Replications that never reached the objective (None or inf) keep the curve below 1 and are
    stated in a note, so a fast median cannot hide a long tail of failures.

    Args:
        times: One time per replication, seconds; None or inf = never reached.
        target: The objective's target, seconds; drawn as a vertical line with the share meeting it.
        title: Chart title, already translated.
        lang: Language of the built-in texts ("en", "vi", "zh").
        labels: Overrides for single built-in texts.
        ax: Draw into this axes instead of a new figure.
        size: Figure size preset or (width, height) inches, for a new figure.
    """
    if not times:
        raise ValueError("an ECDF needs at least one replication")
    text = texts_for(lang, labels)
    fig, ax = figure_and_axes(ax, size)
    total = len(times)
    reached = reached_times(times)
    reached_share = len(reached) / total
    right = max([*reached, target or 0.0, 60.0]) * 1.1
    xs, ys = _ecdf_steps(reached, total)
    xs.append(minutes(right) * 1.05)
    ys.append(reached_share)
    ax.step(xs, ys, where="post", color=ECDF_COLOR, linewidth=1.6, gid="ecdf")
    if reached_share < 1.0:
        ax.axhline(reached_share, color=HIGHLIGHT, linestyle=":", linewidth=0.9, gid="ecdf-cap")
        note = text["never_reached"].format(share=fmt_share(1.0 - reached_share))
        ax.text(
            0.99,
            0.03,
            note,
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            color=HIGHLIGHT,
            gid="never-note",
        )
    if target is not None:
        _draw_target(ax, target, times, text)
    ax.set_xlim(0.0, minutes(right) * 1.05)
    ax.set_ylim(0.0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(text["minutes"])
    ax.set_ylabel(text["share_replications"])
    ax.grid(axis="both")
    if title:
        ax.set_title(title)
    return fig


def _draw_target(
    ax: Axes, target: float, times: Sequence[float | None], text: Mapping[str, str]
) -> None:
    """Target line, the share meeting it (None never meets it) and a dot where the curve crosses."""
    share = sum(1 for t in reached_times(times) if t <= target) / len(times)
    x = minutes(target)
    ax.axvline(x, color=HIGHLIGHT, linestyle="--", linewidth=1.2, gid="target")
    ax.plot([x], [share], marker="o", color=HIGHLIGHT, markersize=4, gid="target-hit")
    label = "\n".join(
        (
            f"{text['target']}: {text['n_minutes'].format(value=fmt_minutes(target))}",
            text["met_target"].format(share=fmt_share(share)),
        )
    )
    ax.annotate(
        label,
        xy=(x, share),
        xytext=(6, -4 if share > 0.5 else 4),
        textcoords="offset points",
        ha="left",
        va="top" if share > 0.5 else "bottom",
        color=HIGHLIGHT,
        gid="target-note",
    )


def _draw_intervals(ax: Axes, stats: Sequence[IntervalStats], text: Mapping[str, str]) -> None:
    """Rows of p10–p90 bars, CI boxes and median dots; a 'no data' note where nothing is known.

    In a narrow panel (two columns of objectives) the "never reached" note is the short one.
    """
    fig = ax.get_figure(root=True)
    assert fig is not None
    narrow = ax.get_position().width * fig.get_figwidth() < NARROW_PANEL_IN
    note_key = "never_short" if narrow else "never_reached"
    for y, row in enumerate(stats):
        if row.p10 is not None:
            end = row.p90 if row.p90 is not None else None
            right = minutes(end) if end is not None else ax.get_xlim()[1]
            ax.hlines(
                y,
                minutes(row.p10),
                right,
                color=LIGHT,
                linewidth=7,
                gid="interval",
                linestyles="solid" if end is not None else "dotted",
            )
        if row.ci_low is not None and row.ci_high is not None:
            ax.hlines(
                y, minutes(row.ci_low), minutes(row.ci_high), color=NEUTRAL, linewidth=3, gid="ci"
            )
        if row.median is not None:
            ax.plot(
                [minutes(row.median)],
                [y],
                marker="o",
                color=ECDF_COLOR,
                markersize=6,
                linestyle="none",
                gid="median",
            )
        elif row.p10 is None:
            ax.text(0.0, y, f" {text['no_data']}", va="center", color=NEUTRAL, fontsize=7.5)
        if row.never_share > 0:
            note = text[note_key].format(share=fmt_share(row.never_share))
            ax.annotate(
                note,
                xy=(1.0, y),
                xycoords=("axes fraction", "data"),
                xytext=(-2, 7),
                textcoords="offset points",
                ha="right",
                va="bottom",
                fontsize=7,
                color=HIGHLIGHT,
                gid="never-note",
                bbox={
                    "boxstyle": "square,pad=0.1",
                    "facecolor": "white",
                    "edgecolor": "none",
                    "alpha": 0.85,
                },
            )


def _interval_handles(text: Mapping[str, str], with_ci: bool) -> list[Line2D]:
    handles = [
        Line2D([], [], color=LIGHT, linewidth=7, label=text["p10_p90"]),
        Line2D([], [], color=ECDF_COLOR, marker="o", linestyle="none", label=text["median"]),
    ]
    if with_ci:
        handles.append(Line2D([], [], color=NEUTRAL, linewidth=3, label=text["ci"]))
    return handles


def _time_limit(stats: Sequence[IntervalStats], extra: Sequence[float | None]) -> float:
    values = [v for s in stats for v in (s.p10, s.median, s.p90, s.ci_high) if v is not None]
    values += [v for v in extra if v is not None]
    return minutes(max(values, default=60.0)) * 1.08


def row_label(name: str) -> str:
    """A variant's or observed event's row label: wrapped, at most two lines."""
    return wrap_label(name, ROW_LABEL_WIDTH, max_lines=ROW_LABEL_LINES)


def _setup_rows(ax: Axes, names: Sequence[str], xmax: float, xlabel: str) -> None:
    ax.set_yticks(range(len(names)), labels=[row_label(n) for n in names])
    ax.set_ylim(len(names) - 0.5, -0.6)
    ax.set_xlim(0.0, xmax)
    ax.set_xlabel(xlabel)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x")


@styled
def variant_comparison(
    comparison: VariantComparison,
    *,
    title: str | None = None,
    lang: str = "en",
    labels: Mapping[str, str] | None = None,
    legend: bool = True,
    ax: Axes | None = None,
    size: SizeName | tuple[float, float] = "full",
) -> Figure:
    """Compare one objective's time across variants: p10–p90 bar, median dot, CI, target line.

    Args:
        comparison: The objective, its target and one ``IntervalStats`` per variant.
        title: Title; defaults to the objective name.
        lang: Language of the built-in texts ("en", "vi", "zh").
        labels: Overrides for single built-in texts.
        legend: Draw the legend (turn off for all but one panel of a multi-panel figure).
        ax: Draw into this axes instead of a new figure.
        size: Figure size preset or (width, height) inches, for a new figure.
    """
    if not comparison.variants:
        raise ValueError("a variant comparison needs at least one variant")
    text = texts_for(lang, labels)
    stats = comparison.variants
    own_figure = ax is None
    fig, ax = figure_and_axes(ax, size, rows=len(stats) + 2)
    _setup_rows(
        ax, [s.label for s in stats], _time_limit(stats, [comparison.target]), text["minutes"]
    )
    _draw_intervals(ax, stats, text)
    handles = _interval_handles(text, any(s.ci_low is not None for s in stats))
    if comparison.target is not None:
        ax.axvline(
            minutes(comparison.target), color=HIGHLIGHT, linestyle="--", linewidth=1.2, gid="target"
        )
        handles.append(Line2D([], [], color=HIGHLIGHT, linestyle="--", label=text["target"]))
    ax.set_title(comparison.objective if title is None else title)
    if legend:
        place_legend(ax, handles, own_figure=own_figure, ncols=len(handles))
    return fig


def _panel_height(comparison: VariantComparison) -> float:
    """Inches one objective's panel needs: its rows (two-line labels are taller), title and axis."""
    rows = sum(max(1.0, 0.8 * line_count(row_label(v.label))) for v in comparison.variants)
    return 0.26 * rows + 0.8


@styled
def variant_comparisons(
    comparisons: Sequence[VariantComparison],
    *,
    lang: str = "en",
    labels: Mapping[str, str] | None = None,
    ncols: int | None = None,
) -> Figure:
    """One ``variant_comparison`` panel per objective, with a single legend.

    From three objectives on, panels go in two columns, so each row of variant labels can take
    two lines and the figure still fits a page; when every objective lists the same variants,
    only the left panel of a row repeats the labels.

    Args:
        comparisons: One per objective, in display order.
        lang: Language of the built-in texts ("en", "vi", "zh").
        labels: Overrides for single built-in texts.
        ncols: Panels side by side; by default 1 for up to two objectives, else 2.
    """
    if not comparisons:
        raise ValueError("no objectives to compare")
    ncols = ncols or (2 if len(comparisons) >= 3 else 1)
    nrows = -(-len(comparisons) // ncols)
    height = nrows * max(_panel_height(c) for c in comparisons) + 0.5
    fig = Figure(figsize=(A4_TEXT_WIDTH, min(height, MAX_HEIGHT_IN)), layout="constrained")
    axes = [ax for row in fig.subplots(nrows, ncols, squeeze=False) for ax in row]
    shared = len({tuple(v.label for v in c.variants) for c in comparisons}) == 1
    for k, (comparison, ax) in enumerate(zip(comparisons, axes, strict=False)):
        variant_comparison(comparison, lang=lang, labels=labels, legend=False, ax=ax)
        if shared and k % ncols:
            ax.tick_params(labelleft=False)
    for ax in axes[len(comparisons) :]:
        fig.delaxes(ax)
    text = texts_for(lang, labels)
    handles = _interval_handles(
        text, any(v.ci_low is not None for c in comparisons for v in c.variants)
    )
    if any(c.target is not None for c in comparisons):
        handles.append(Line2D([], [], color=HIGHLIGHT, linestyle="--", label=text["target"]))
    place_legend(axes[len(comparisons) - 1], handles, own_figure=True, ncols=len(handles))
    return fig


@styled
def observed_vs_simulated(
    rows: Sequence[ObservedRow],
    *,
    title: str = "",
    lang: str = "en",
    labels: Mapping[str, str] | None = None,
    ax: Axes | None = None,
    size: SizeName | tuple[float, float] = "full",
) -> Figure:
    """Compare live-drill times with the simulated distribution, one row per agency or event.

    Each row shows the simulated p10–p90 interval and median, and the observed time as a diamond
    annotated with its percentile within the simulation (p95 = slower than 95% of runs).
    """
    if not rows:
        raise ValueError("no rows to compare")
    text = texts_for(lang, labels)
    stats = [r.simulated for r in rows]
    own_figure = ax is None
    fig, ax = figure_and_axes(ax, size, rows=len(rows) + 2)
    _setup_rows(
        ax, [r.label for r in rows], _time_limit(stats, [r.observed for r in rows]), text["minutes"]
    )
    _draw_intervals(ax, stats, text)
    for y, row in enumerate(rows):
        _draw_observed(ax, y, row, text)
    handles = [
        Line2D([], [], color=LIGHT, linewidth=7, label=text["simulated"]),
        Line2D([], [], color=ECDF_COLOR, marker="o", linestyle="none", label=text["median"]),
        Line2D([], [], color=OBSERVED, marker="D", linestyle="none", label=text["observed"]),
    ]
    place_legend(ax, handles, own_figure=own_figure)
    if title:
        ax.set_title(title)
    return fig


def _draw_observed(ax: Axes, y: int, row: ObservedRow, text: Mapping[str, str]) -> None:
    if row.observed is None:
        ax.annotate(
            text["not_observed"],
            xy=(1.0, y),
            xycoords=("axes fraction", "data"),
            xytext=(-2, -7),
            textcoords="offset points",
            ha="right",
            va="top",
            fontsize=7,
            color=NEUTRAL,
        )
        return
    x = minutes(row.observed)
    ax.plot(
        [x],
        [y],
        marker="D",
        color=OBSERVED,
        markersize=7,
        markeredgecolor="white",
        linestyle="none",
        gid="observed",
        zorder=4,
    )
    if row.percentile is not None:
        ax.annotate(
            text["percentile"].format(value=f"{row.percentile:.0f}"),
            xy=(x, y),
            xytext=(0, -7),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=7,
            color=OBSERVED,
            gid="percentile",
        )
