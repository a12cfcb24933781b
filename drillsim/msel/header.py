"""Find the header row of a sheet written by any tool, and which column holds what."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from drillsim.msel.columns import SYNONYMS, header_key

# -- import: the header -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Table:
    """The cells of one sheet as the spreadsheet shows them (merged ranges filled with their value)."""

    file: str
    sheet: str | None
    rows: tuple[tuple[int, tuple[Any, ...]], ...]  # (row number, values from column A on)


@dataclass(frozen=True, slots=True)
class Header:
    """The header found in a table: which column holds what."""

    row: int
    index: int  # position of the header row in Table.rows
    columns: Mapping[str, int]  # column key -> 0-based column
    names: Mapping[int, str]  # column -> header text as written
    ignored: tuple[int, ...]  # columns with a header drillsim does not know


HEADER_SCAN = 20
"""Rows searched for the header (titles and logos sit above the table)."""


def find_header(table: Table) -> Header | None:
    """The row with the most recognised headers (at least 2) in the first rows, or None.

    A two-row header counts too: a cell under a merged group header is read as the sub-header,
    as "group sub-header" (``Casualties`` over ``red``) or, when blank, as the group header.
    """
    best: Header | None = None
    for i, (number, values) in enumerate(table.rows[:HEADER_SCAN]):
        prev = table.rows[i - 1] if i and table.rows[i - 1][0] == number - 1 else (0, ())
        width = max(len(values), len(prev[1]))
        named = {c: _name(value_at(values, c), value_at(prev[1], c)) for c in range(width)}
        columns, ignored = _assign(named)
        if len(columns) >= 2 and (best is None or len(columns) > len(best.columns)):
            names = {c: text for c, (text, _) in named.items() if text}
            best = Header(number, i, columns, names, ignored)
    return best


def best_table(tables: Sequence[Table]) -> tuple[Table, Header | None]:
    """Of the same file read several ways (CSV delimiters), the one whose header is recognised
    best, with that header (None when no table has one)."""
    found = [(t, find_header(t)) for t in tables]
    return max(
        found, key=lambda th: len(th[1].columns) if th[1] else 0
    )  # max keeps the first of equals


def value_at(values: Sequence[Any], col: int) -> Any:
    return values[col] if col < len(values) else None


def cell_text(value: Any) -> str:
    """A cell as text: blank for None, ``3`` for a whole float, line breaks as ``\\n``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n")


SHOWN = 60
"""Characters of a cell quoted in a message: enough to find it, short enough to read."""


def shown(value: Any) -> str:
    """A cell quoted in a message, on one line and cut to SHOWN characters."""
    text = " ".join(cell_text(value).split())
    return repr(text if len(text) <= SHOWN else text[: SHOWN - 1] + "…")


def _name(sub: Any, group: Any) -> tuple[str, tuple[str, ...]]:
    """The header text of a column and the keys it may mean (none: unknown)."""
    s, g = cell_text(sub).strip(), cell_text(group).strip()
    for text in (s, f"{g} {s}" if g and s else "", "" if s else g):
        if text and (keys := SYNONYMS.get(header_key(text))):
            return text, keys
    return s, ()


def _assign(
    named: Mapping[int, tuple[str, tuple[str, ...]]],
) -> tuple[dict[str, int], tuple[int, ...]]:
    """Columns to keys: unambiguous headers first, then the rest take the first key still free."""
    taken: dict[str, int] = {}
    for single in (True, False):
        for col, (_, keys) in named.items():
            if keys and (len(keys) == 1) == single and col not in taken.values():
                key = next((k for k in keys if k not in taken), None)
                if key:
                    taken[key] = col
    ignored = tuple(c for c, (text, _) in named.items() if text and c not in taken.values())
    return taken, ignored
