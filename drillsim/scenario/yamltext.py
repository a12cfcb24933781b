"""Write YAML text by hand, so generated scenario files read back exactly (no YAML library here).

Used where drillsim writes scenario text for a trainer to keep and edit (``drillsim new``, MSEL
import): ids and durations stay bare as a trainer writes them, everything else is double-quoted
with the escapes YAML needs, and the loader reads the same value back.
"""

from __future__ import annotations

import re
from typing import Any

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*|\d+(\.\d+)?[dhms](\d+(\.\d+)?[dhms])*")
"""Ids and durations (``police_hq``, ``5m``, ``1h30m``): text YAML reads back as the same string."""

_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "none"}
"""Words YAML 1.1 would read as booleans or null if left bare (compared case-folded)."""

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _printable(ch: str) -> bool:
    """A character YAML keeps as it is inside a double-quoted scalar (YAML 1.1 printable set)."""
    o = ord(ch)
    return (
        0x20 <= o <= 0x7E
        or 0xA0 <= o <= 0xD7FF
        and o not in (0x2028, 0x2029)
        or 0xE000 <= o <= 0xFFFD
        and o != 0xFEFF
        or o >= 0x10000
    )


def _escape(ch: str) -> str:
    o = ord(ch)
    return f"\\x{o:02X}" if o < 0x100 else f"\\u{o:04X}" if o < 0x10000 else f"\\U{o:08X}"


def quote(text: str) -> str:
    """A double-quoted YAML scalar; anything YAML would not keep as it is becomes an escape."""
    return (
        '"'
        + "".join(_ESCAPES.get(ch) or (ch if _printable(ch) else _escape(ch)) for ch in text)
        + '"'
    )


def plain(text: str) -> str:
    """An id or a duration as it is when YAML reads it back as the same text, else quoted (``"no"``)."""
    return text if _PLAIN.fullmatch(text) and text.casefold() not in _YAML_WORDS else quote(text)


def flow(value: Any) -> str:
    """Plain data in YAML flow style: ``{uniform: [1m, 4m]}``, ``[cordon, triage]``, ``0.95``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{flow(k)}: {flow(v)}" for k, v in value.items()) + "}"
    return "[" + ", ".join(flow(v) for v in value) + "]"
