"""Where drillsim's own CJK font file is, for the charts and the HTML report alike (no matplotlib here).

Noto Sans CJK SC comes with the ``noto-cjk-sans-otc`` package (the Noto Sans CJK Regular
OpenType collection, SIL OFL 1.1, about 19 MB; ``mplfonts`` installed about 100 MB for the same
face), so Chinese renders on a machine with no CJK font installed: matplotlib draws chart text
with it, and the HTML report embeds the glyphs it uses. The collection holds one face per
region; the Simplified Chinese one is face :data:`CJK_FONT_INDEX`.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

CJK_FONT_NAME = "Noto Sans CJK SC"
CJK_FONT_PACKAGE = "noto_cjk_sans_otc"
CJK_FONT_FILE = ("NotoSansCJK-Regular.ttc",)
CJK_FONT_INDEX = 2
"""Face of the collection named Noto Sans CJK SC (0 JP, 1 KR, 2 SC, 3 TC, 4 HK, then Mono)."""


def cjk_font_path() -> Path:
    """Path of the bundled Noto Sans CJK collection inside the ``noto_cjk_sans_otc`` package.

    Raises:
        FileNotFoundError: If the package or the file is missing (e.g. a zipped install).
    """
    resource = importlib.resources.files(CJK_FONT_PACKAGE).joinpath(*CJK_FONT_FILE)
    path = Path(str(resource))
    if not path.is_file():
        raise FileNotFoundError(
            f"CJK font not found at {path}; reinstall the 'noto-cjk-sans-otc' package"
        )
    return path
