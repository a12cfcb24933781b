"""Short labels from the names trainers write: bracketed asides removed.

Agency names and variant descriptions carry glosses in brackets, "Công an tỉnh (cơ quan thường
trực Ban Chỉ đạo)" or "学校保卫处（校园安保）"; charts, findings and the MSEL matcher want the
name without them. Half-width and full-width (Chinese) brackets are both asides.
"""

from __future__ import annotations

OPENING, CLOSING = "(（", ")）"


def without_asides(text: str) -> str:
    """``text`` with every bracketed part (nested too) removed and spaces collapsed.

    "Đội (A) cứu hộ" -> "Đội cứu hộ"; an unclosed bracket drops the rest of the text.
    """
    kept, depth = [], 0
    for char in text:
        if char in OPENING:
            depth += 1
        elif char in CLOSING and depth:
            depth -= 1
        elif depth == 0:
            kept.append(char)
    return " ".join("".join(kept).split())
