"""Font set-up for Vietnamese and Chinese chart text, without touching global rc settings.

Matplotlib (>= 3.6) falls back glyph by glyph through ``font.family`` when it is a list.
DejaVu Sans ships with matplotlib and covers Vietnamese; Noto Sans CJK SC is a face of the
collection file of the ``noto-cjk-sans-otc`` package. We register that file with matplotlib's font
manager (additive, done on first use, never at import; matplotlib >= 3.11 registers every face of
a collection under its own name) and apply the family list through ``rc_context`` only while a
chart is built or saved.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib
from matplotlib import font_manager

from drillsim.fontfiles import CJK_FONT_NAME, cjk_font_path

#: Per-glyph fallback order: Latin + Vietnamese first, then CJK.
FONT_FAMILY: tuple[str, ...] = ("DejaVu Sans", "Noto Sans CJK SC")

#: Fixed salt so SVG ids (and so files) are byte-identical between runs.
SVG_HASH_SALT = "drillsim"


def ensure_fonts() -> None:
    """Register the CJK font with matplotlib's font manager, once; a no-op if it is known.

    A system-installed Noto Sans CJK SC is used as is. Registration only adds an entry to the
    font list; no rc setting changes.
    """
    manager = font_manager.fontManager
    if any(entry.name == CJK_FONT_NAME for entry in manager.ttflist):
        return
    manager.addfont(str(cjk_font_path()))


def chart_rc() -> dict[str, Any]:
    """The rc settings every drillsim chart is built and saved with."""
    return {
        "font.family": list(FONT_FAMILY),
        "font.size": 9.0,
        "axes.titlesize": 10.5,
        # NOTE: normal weight: the CJK fallback has no bold face, and asking for one logs a warning.
        "axes.titleweight": "normal",
        "axes.titlelocation": "left",
        "axes.labelsize": 9.0,
        "xtick.labelsize": 8.5,
        "ytick.labelsize": 8.5,
        "legend.fontsize": 8.0,
        "legend.frameon": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.axisbelow": True,
        "axes.grid": False,
        "grid.color": "#dddddd",
        "grid.linewidth": 0.6,
        "hatch.linewidth": 0.8,
        # NOTE: agency names may contain "$"; never parse them as mathtext.
        "text.parse_math": False,
        "text.usetex": False,
        # Glyphs become paths: the SVG renders without the fonts installed.
        "svg.fonttype": "path",
        "svg.hashsalt": SVG_HASH_SALT,
        "savefig.dpi": 200,
        "figure.dpi": 100,
    }


@contextmanager
def chart_style() -> Iterator[None]:
    """Apply drillsim's fonts and style for the duration of the block (no lasting change)."""
    ensure_fonts()
    # NOTE: matplotlib's stubs want literal rc keys; chart_rc() keys are all valid rc names.
    with matplotlib.rc_context(chart_rc()):  # type: ignore[arg-type]
        yield
