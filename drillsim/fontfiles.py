"""Where drillsim's own CJK font file is, for the charts and the HTML report alike (no matplotlib here).

Noto Sans CJK SC comes with the ``mplfonts`` package, so Chinese renders on a machine with no
CJK font installed: matplotlib draws chart text with it, and the HTML report embeds the glyphs
it uses.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

CJK_FONT_NAME = "Noto Sans CJK SC"
CJK_FONT_PACKAGE = "mplfonts"
CJK_FONT_FILE = ("fonts", "NotoSansCJKsc-Regular.otf")


def cjk_font_path() -> Path:
    """Path of the bundled Noto Sans CJK SC file inside the ``mplfonts`` package.

    Raises:
        FileNotFoundError: If the package or the file is missing (e.g. a zipped install).
    """
    resource = importlib.resources.files(CJK_FONT_PACKAGE).joinpath(*CJK_FONT_FILE)
    path = Path(str(resource))
    if not path.is_file():
        raise FileNotFoundError(f"CJK font not found at {path}; reinstall the 'mplfonts' package")
    return path
