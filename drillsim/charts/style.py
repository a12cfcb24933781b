"""Shared look: one category palette, A4 figure sizes, label wrapping, figure creation."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, ParamSpec

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from drillsim.charts.data import CATEGORIES, WAIT_CATEGORIES
from drillsim.charts.fonts import chart_style

#: Text width of an A4 page with 2 cm margins, inches.
A4_TEXT_WIDTH = 6.7
HIGHLIGHT = "#d62728"
NEUTRAL = "#555555"
LIGHT = "#bbbbbb"
GOOD = "#2a9d8f"
BAD = "#d62728"
OBSERVED = "#e76f51"
DELAY_CMAP = "YlOrRd"


@dataclass(frozen=True, slots=True)
class CategoryStyle:
    """Fill colour and hatch of one time category."""

    color: str
    hatch: str | None = None


#: The palette: doing is cool/neutral, waiting is warm red and hatched, in every chart.
PALETTE: dict[str, CategoryStyle] = {
    "detection": CategoryStyle("#9e9e9e"),
    "desk_wait": CategoryStyle("#e15759", "///"),
    "desk_handling": CategoryStyle("#4e79a7"),
    "link": CategoryStyle("#76b7b2"),
    "retry": CategoryStyle("#f28e2b", "xx"),
    "activation": CategoryStyle("#b07aa1"),
    "travel": CategoryStyle("#59a14f"),
    "unit_wait": CategoryStyle("#c0392b", "\\\\\\"),
    "prerequisite_wait": CategoryStyle("#ff9da7", ".."),
    "work": CategoryStyle("#2f4b7c"),
}
assert set(PALETTE) == set(CATEGORIES)
assert all(PALETTE[c].hatch for c in WAIT_CATEGORIES)

SizeName = Literal["full", "half", "tall"]
_SIZES: dict[str, tuple[float, float]] = {
    "full": (A4_TEXT_WIDTH, 3.6),
    "half": (A4_TEXT_WIDTH / 2, 2.8),
    "tall": (A4_TEXT_WIDTH, 8.0),
}


def figure_size(size: SizeName | tuple[float, float], rows: int = 0) -> tuple[float, float]:
    """Width and height in inches; ``rows`` grows the height for row-per-item charts."""
    if isinstance(size, tuple):
        return size
    width, height = _SIZES[size]
    if rows:
        height = max(height, 0.9 + 0.32 * rows)
    return width, min(height, 9.5)


def new_figure(
    nrows: int = 1,
    ncols: int = 1,
    *,
    size: SizeName | tuple[float, float] = "full",
    sharex: bool = False,
) -> tuple[Figure, list[Axes]]:
    """A constrained-layout Figure (no pyplot) and its axes in reading order.

    Use it to put two charts side by side or stacked, then pass each ``ax`` to a chart function.
    """
    with chart_style():
        fig = Figure(figsize=figure_size(size), layout="constrained")
        grid = fig.subplots(nrows, ncols, sharex=sharex, squeeze=False)
    return fig, [ax for row in grid for ax in row]


def figure_and_axes(
    ax: Axes | None, size: SizeName | tuple[float, float], rows: int = 0
) -> tuple[Figure, Axes]:
    """The caller's axes and its figure, or a new single-axes figure."""
    if ax is not None:
        parent = ax.figure
        # NOTE: an Axes in a SubFigure belongs to the root Figure; return that one.
        fig = parent if isinstance(parent, Figure) else parent.figure
        assert isinstance(fig, Figure)
        return fig, ax
    fig = Figure(figsize=figure_size(size, rows), layout="constrained")
    return fig, fig.add_subplot()


def place_legend(ax: Axes, handles: Sequence[Artist], *, own_figure: bool, ncols: int = 3) -> None:
    """Put the legend under the chart, never over the data.

    A figure of its own gets a figure legend that the constrained layout makes room for; a
    caller's axes gets its legend anchored below its x label instead.
    """
    if own_figure:
        fig = ax.get_figure()
        assert fig is not None
        fig.legend(handles=handles, loc="outside lower center", ncols=ncols, handlelength=1.6)
    else:
        # NOTE: borderaxespad is in font sizes; 4 clears the tick labels and the x label.
        ax.legend(
            handles=handles,
            loc="upper right",
            bbox_to_anchor=(1.0, 0.0),
            borderaxespad=4.0,
            ncols=ncols,
            handlelength=1.6,
        )


P = ParamSpec("P")


def styled(build: Callable[P, Figure]) -> Callable[P, Figure]:
    """Run a chart builder inside ``chart_style`` so every text it creates gets the fonts."""

    @functools.wraps(build)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Figure:
        with chart_style():
            return build(*args, **kwargs)

    return wrapper


def _char_width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def text_width(text: str) -> int:
    """Display width in columns; wide (CJK) characters count double."""
    return sum(_char_width(c) for c in text)


#: Characters a line must not start with (closing brackets and punctuation, CJK and Latin).
_NO_LINE_START = frozenset("）)」』】》〉，。、；：！？,.;:!?")


def _split_long(word: str, width: int) -> list[str]:
    """Cut a word wider than ``width`` (typically a CJK run, which has no spaces).

    A closing bracket or punctuation mark stays at the end of the line before (a line may then
    run one character over), as CJK typesetting does.
    """
    pieces, current = [], ""
    for char in word:
        if current and text_width(current + char) > width and char not in _NO_LINE_START:
            pieces.append(current)
            current = ""
        current += char
    return pieces + [current] if current else pieces


def wrap_label(text: str, width: int = 24, max_lines: int | None = None) -> str:
    """Wrap a display name to lines of about ``width`` columns (CJK characters count double).

    Words are kept whole where possible; space-less CJK runs are cut between characters. With
    ``max_lines``, the text is cut after that many lines and ends with an ellipsis, so a long name
    never takes more height than its row has.
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        for piece in _split_long(word, width) if text_width(word) > width else [word]:
            candidate = f"{current} {piece}" if current else piece
            if current and text_width(candidate) > width:
                lines.append(current)
                candidate = piece
            current = candidate
    if current:
        lines.append(current)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _with_ellipsis(lines[-1], width)
    return "\n".join(lines)


def _with_ellipsis(line: str, width: int) -> str:
    """``line`` shortened so that it and an ellipsis fit ``width``, at a word end if that keeps most."""
    cut = line
    while cut and text_width(cut) + 1 > width:
        cut = cut[:-1]
    word = cut.rsplit(" ", 1)[0] if " " in cut and cut != line else cut
    if text_width(word) >= 0.6 * width:
        cut = word
    return f"{cut.rstrip(' ,;:·-')}\N{HORIZONTAL ELLIPSIS}"


def line_count(label: str) -> int:
    """Number of lines of an already wrapped label."""
    return label.count("\n") + 1


def minutes(seconds: float) -> float:
    """Seconds to minutes, the display unit of every time axis."""
    return seconds / 60.0


def fmt_minutes(seconds: float) -> str:
    """A compact minutes figure: one decimal below 10 min, whole minutes above."""
    value = minutes(seconds)
    return f"{value:.1f}" if abs(value) < 10 else f"{value:.0f}"


def fmt_share(share: float) -> str:
    """A share 0..1 as a whole percentage."""
    return f"{share:.0%}"
