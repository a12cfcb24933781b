"""Write figures to disk atomically, in several formats, with reproducible bytes."""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from drillsim.charts.fonts import chart_style
from drillsim.files import write_atomic_with
from drillsim.textsafe import office_text

SUPPORTED_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")

# NOTE: dates are dropped so the same chart gives the same bytes (diffable report folders).
_METADATA: dict[str, dict[str, Any]] = {
    "png": {},
    "svg": {"Date": None},
    "pdf": {"CreationDate": None, "ModDate": None},
}


def _visible_text(fig: Figure) -> None:
    """Every label drawn as text any format can hold: a control character in a name would make the
    SVG ill-formed XML (browsers then show nothing) and draws as a missing glyph in PNG."""
    for text in fig.findobj(Text):
        raw = text.get_text()
        if isinstance(raw, str) and raw != (clean := office_text(raw)):
            text.set_text(clean)


def _print(fig: Figure, fmt: str, handle: IO[bytes]) -> None:
    fig.savefig(handle, format=fmt, metadata=_METADATA[fmt])


def save_figure(
    fig: Figure,
    path_without_suffix: str | os.PathLike[str],
    formats: Sequence[str] = ("png", "svg"),
) -> list[Path]:
    """Save ``fig`` as ``<path>.<format>`` for each format and return the written paths.

    Text in SVG (and PDF) is stored as glyph outlines, so the files render on machines without
    the CJK font. Existing files are replaced atomically.

    Raises:
        ValueError: For an unsupported format (before anything is written).
    """
    unknown = [f for f in formats if f not in SUPPORTED_FORMATS]
    if unknown or not formats:
        raise ValueError(
            f"unsupported chart format(s) {unknown or list(formats)}; "
            f"choose from {', '.join(SUPPORTED_FORMATS)}"
        )
    base = Path(path_without_suffix)
    base.parent.mkdir(parents=True, exist_ok=True)
    _visible_text(fig)
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    written: list[Path] = []
    with chart_style():
        for fmt in dict.fromkeys(formats):
            target = base.with_name(f"{base.name}.{fmt}")
            # Whole or not at all, never through a link, the temporary file removed on any stop.
            write_atomic_with(target, functools.partial(_print, fig, fmt))
            written.append(target)
    return written
