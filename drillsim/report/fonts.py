"""Embed the Chinese glyphs a report uses, so it reads right on a machine with no CJK font.

An HTML report goes out on USB sticks to offices whose computers may have no Chinese font; the
browser would then draw boxes. The page therefore carries a subset of drillsim's own Noto Sans
CJK SC (the font its charts use) holding exactly the CJK characters on the page: a few dozen
kilobytes, named first in the font list: it holds CJK glyphs only, so the browser still takes
Latin and Vietnamese letters from the installed fonts that follow it. PDF output prints the same
page, so it gets the same glyphs.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache

from drillsim.fontfiles import CJK_FONT_INDEX, cjk_font_path

FAMILY = "drillsim CJK"
"""CSS family name of the embedded subset (the report's font list names it)."""


def needs_cjk_font(ch: str) -> bool:
    """CJK ideographs, kana, hangul, CJK punctuation and full-width forms: what Latin fonts lack."""
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF
        or 0xAC00 <= o <= 0xD7AF
        or 0xF900 <= o <= 0xFAFF
        or 0xFE30 <= o <= 0xFE4F
        or 0xFF00 <= o <= 0xFFEF
        or 0x20000 <= o <= 0x3FFFF
    )


def font_face_css(text: str) -> str:
    """An ``@font-face`` rule embedding the glyphs ``text`` needs, or "" when it has no CJK text."""
    chars = "".join(sorted({ch for ch in text if needs_cjk_font(ch)}))
    if not chars:
        return ""
    data = base64.b64encode(_subset(chars)).decode("ascii")
    return (
        f'@font-face {{ font-family: "{FAMILY}"; font-style: normal; font-weight: 400; '
        f'src: url(data:font/otf;base64,{data}) format("opentype"); }}'
    )


@lru_cache(maxsize=8)
def _subset(chars: str) -> bytes:
    """The bundled CJK font cut down to ``chars`` (about 0.5 s for a whole report)."""
    # NOTE: imported here: fontTools.subset takes about 0.1 s to import and only a report with
    # Chinese text needs it.
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]  # vertical forms, punctuation width: keep what the text may use
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # keep the licence notice fields (SIL OFL)
    options.name_languages = [0x409]
    font = TTFont(str(cjk_font_path()), fontNumber=CJK_FONT_INDEX, lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
