"""MSEL spreadsheet files: CSV and XLSX cells in and out, with the csv module and openpyxl only.

Reading gives :class:`~drillsim.msel.Table` values (merged ranges filled with their top-left value,
rows numbered as the spreadsheet shows them); writing takes a :class:`~drillsim.msel.Sheet` and
returns the file's bytes, for the CLI to write atomically. What the cells mean is :mod:`drillsim.msel`.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from pathlib import Path
from typing import Any

from drillsim.errors import InputError
from drillsim.i18n import Msg, Number
from drillsim.msel.columns import column_letter
from drillsim.msel.export import Sheet
from drillsim.msel.header import Table
from drillsim.scenario import limits
from drillsim.textsafe import cell_text, is_formula, office_text, uncell_text

MAX_BYTES = 20 * 1024 * 1024
"""Largest spreadsheet read (20 MB); an MSEL is a few hundred rows."""

MAX_UNPACKED = 200 * 1024 * 1024
"""Largest total size of an XLSX's unpacked parts: stops a 'zip bomb' before openpyxl sees it."""

MAX_ROWS, MAX_COLUMNS = 10_000, 200
"""Rows and columns of a sheet that are read (a note says when a sheet is larger)."""

DELIMITERS = (",", ";", "\t")
"""CSV delimiters tried (Excel writes ';' in locales whose decimal mark is a comma)."""

_XLSX_HINT = Msg("msel.xlsx_hint")
"""What to do with a spreadsheet that cannot be read: save it as .xlsx or CSV UTF-8."""


def read_tables(path: Path, sheet: str | None) -> tuple[list[Table], list[str]]:
    """The file's cells (CSV: one table per plausible delimiter) and notes; InputError if unreadable."""
    data = _read_bytes(path)
    kind = path.suffix.lower()
    if kind in (".xlsx", ".xlsm") or (
        kind not in (".csv", ".txt", ".tsv") and data[:4] == b"PK\x03\x04"
    ):
        return _read_xlsx(data, str(path), sheet)
    if kind in (".xls", ".ods", ".numbers") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputError(Msg("msel.format_unreadable", file=str(path), hint=_XLSX_HINT))
    if sheet is not None:
        raise InputError(Msg("msel.sheet_of_csv", file=str(path)))
    return _read_csv(data, str(path))


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(Msg("msel.file_too_large", file=str(path), mb=MAX_BYTES // 2**20))
        return path.read_bytes()
    except OSError as exc:
        raise InputError(
            Msg("msel.cannot_read", file=str(path), reason=str(exc.strerror or exc))
        ) from None


# -- CSV ------------------------------------------------------------------------------------------


def _decode(data: bytes, name: str) -> str:
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            data = data[len(bom) :]
            break
    else:
        codec = "utf-8"
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(
            Msg("msel.not_utf", file=name, byte=str(exc.start), codec=codec.upper())
        ) from None


def _read_csv(data: bytes, name: str) -> tuple[list[Table], list[str]]:
    """One table per plausible delimiter, cut to MAX_ROWS x MAX_COLUMNS (with a note if cut)."""
    text = _decode(data, name)
    tables, cut = [], False
    for delimiter in [d for d in DELIMITERS if d in text] or [","]:
        try:  # reading stops at the row after the limit
            records = list(
                itertools.islice(
                    csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), MAX_ROWS + 1
                )
            )
        except csv.Error as exc:
            raise InputError(Msg("msel.csv_unreadable", file=name, reason=str(exc))) from None
        cut = (
            cut
            or len(records) > MAX_ROWS
            or any(len(rec) > MAX_COLUMNS for rec in records[:MAX_ROWS])
        )
        rows = tuple(
            (n, tuple(uncell_text(v) if v.strip() else None for v in rec[:MAX_COLUMNS]))
            for n, rec in enumerate(records[:MAX_ROWS], 1)
        )
        tables.append(Table(name, None, rows))
    return tables, [
        Msg("msel.cut_file", rows=Number(MAX_ROWS, grouped=True), columns=MAX_COLUMNS, file=name)
    ] if cut else []


def csv_bytes(sheet: Sheet) -> bytes:
    """UTF-8 with a byte-order mark (so Excel shows Vietnamese and Chinese), CRLF, quoted as needed.

    Text that a spreadsheet would take for a formula (``=HYPERLINK(...)``, ``＝1+1``, `` =1+1`` in an
    inject) is written with a leading apostrophe, and read back without it (drillsim.textsafe.cell_text).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(sheet.headers)
    writer.writerows([cell_text(v) for v in row] for row in sheet.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# -- XLSX -----------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, name: str, sheet: str | None) -> tuple[list[Table], list[str]]:
    """The chosen sheet's first MAX_ROWS x MAX_COLUMNS cells, merged ranges filled, with notes.

    The workbook is opened read-only: rows are parsed as they are read and reading stops after
    the row limit (a 1,048,576-row sheet costs what 10,000 rows cost), and merged ranges are read
    from the sheet's XML, never expanded by openpyxl into one object per covered cell
    (``C3:XFD1048576`` is 17 billion cells).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InputError(Msg("msel.not_zip", file=name, hint=_XLSX_HINT)) from None
    with archive:
        unpacked = sum(i.file_size for i in archive.infolist())
        if unpacked > MAX_UNPACKED:
            raise InputError(
                Msg(
                    "msel.unpacks_too_large",
                    file=name,
                    size=Number(unpacked, grouped=True),
                    limit=Number(MAX_UNPACKED, grouped=True),
                )
            )
        book = _open_book(data, name, data_only=True)
        try:
            ws = _sheet(book, name, sheet)
            grid, cut = _rows(ws, name)
            merged = _merged_ranges(archive, getattr(ws, "_worksheet_path", ""), name)
        finally:
            book.close()
    _fill_merged(grid, merged, name, ws.title)
    width = max((len(r) for r in grid), default=0)
    cut = cut or (ws.max_column or 0) > MAX_COLUMNS
    table = tuple(
        (n, tuple(values) + (None,) * (width - len(values))) for n, values in enumerate(grid, 1)
    )
    notes: list[str] = (
        [
            Msg(
                "msel.cut_sheet",
                rows=Number(MAX_ROWS, grouped=True),
                columns=MAX_COLUMNS,
                sheet=ws.title,
            )
        ]
        if cut
        else []
    )
    notes.extend(_uncalculated(data, name, ws.title, table))
    return [Table(name, ws.title, table)], notes


def _open_book(data: bytes, name: str, *, data_only: bool) -> Any:
    # NOTE: imported here: openpyxl takes about 0.15 s to import, and only spreadsheet files need it.
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as exc:  # noqa: BLE001 - any parse failure of an untrusted file is bad input, not a bug
        raise InputError(_unreadable_book(name, exc)) from None


def _unreadable_book(name: str, exc: Exception) -> Msg:
    return Msg(
        "msel.workbook_unreadable",
        file=name,
        error=f"{type(exc).__name__}: {_short(exc)}",
        hint=_XLSX_HINT,
    )


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 200 else text[:199] + "…"


def _sheet(book: Any, name: str, sheet: str | None) -> Any:
    names = [ws.title for ws in book.worksheets]
    if sheet is not None and sheet not in names:
        raise InputError(
            Msg("msel.no_such_sheet", file=name, sheet=repr(sheet), sheets=", ".join(names))
        )
    if sheet is None and not names:
        raise InputError(Msg("msel.no_worksheet", file=name, hint=_XLSX_HINT))
    return book[sheet] if sheet else book["MSEL"] if "MSEL" in names else book.worksheets[0]


def _rows(ws: Any, name: str) -> tuple[list[list[Any]], bool]:
    """Values of the first MAX_ROWS rows (at most MAX_COLUMNS each, trailing blanks dropped), and
    whether the sheet has more rows; reading stops at the row after the limit."""
    grid: list[list[Any]] = []
    cut = False
    try:
        for values in ws.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS, values_only=True):
            if len(grid) == MAX_ROWS:
                cut = any(v is not None for v in values)
                break
            row = list(values)
            while row and row[-1] is None:
                row.pop()
            grid.append(row)
    except Exception as exc:  # noqa: BLE001 - a damaged sheet of an untrusted file is bad input, not a bug
        raise InputError(
            Msg(
                "msel.sheet_unreadable",
                file=name,
                sheet=ws.title,
                error=f"{type(exc).__name__}: {_short(exc)}",
                hint=_XLSX_HINT,
            )
        ) from None
    while grid and not grid[-1]:
        grid.pop()
    return grid, cut


_MERGE_REF = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref\s*=\s*[\"']([A-Za-z]{1,3}\d{1,7})"
    rb"(?::([A-Za-z]{1,3}\d{1,7}))?[\"']"
)


def _merged_ranges(
    archive: zipfile.ZipFile, part: str, name: str
) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of each ``<mergeCell ref=...>`` of the sheet's XML part,
    read in chunks (the ranges sit after the rows, and the part may be large)."""
    # NOTE: imported here: openpyxl takes about 0.15 s to import, and only spreadsheet files need it.
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    part = part.lstrip("/")
    if part not in archive.namelist():
        return []
    found: list[tuple[int, int, int, int]] = []
    tail = b""
    try:
        with archive.open(part) as f:
            while chunk := f.read(1 << 20):
                text = tail + chunk
                last = 0
                for m in _MERGE_REF.finditer(text):
                    last = m.end()
                    cells = [
                        coordinate_from_string(c.decode("ascii").upper()) for c in m.groups() if c
                    ]
                    (c1, r1), (c2, r2) = cells[0], cells[-1]
                    a, b = column_index_from_string(c1), column_index_from_string(c2)
                    found.append((min(r1, r2), min(a, b), max(r1, r2), max(a, b)))
                tail = text[max(last, len(text) - 512) :]
    except Exception as exc:  # noqa: BLE001 - a damaged part (zlib.error, a bad cell reference) is bad input
        raise InputError(_unreadable_book(name, exc)) from None
    return found


def _fill_merged(
    grid: list[list[Any]], merged: list[tuple[int, int, int, int]], name: str, title: str
) -> None:
    """Every cell of a merged range (within the rows and columns read) takes the top-left value.

    The cells covered are counted first: beyond the MERGED_CELLS limit the sheet is refused.
    """
    n_rows = len(grid)
    spans = [
        (r1, c1, min(r2, n_rows), min(c2, MAX_COLUMNS))
        for r1, c1, r2, c2 in merged
        if r1 <= n_rows and c1 <= MAX_COLUMNS
    ]
    covered = sum((r2 - r1 + 1) * (c2 - c1 + 1) for r1, c1, r2, c2 in spans)
    if covered > limits.MERGED_CELLS.value():
        raise InputError(
            Msg(
                "msel.merged_too_many",
                file=name,
                sheet=title,
                cells=Number(covered, grouped=True),
                limit=Number(limits.MERGED_CELLS.value(), grouped=True),
                env=limits.MERGED_CELLS.env,
            )
        )
    for r1, c1, r2, c2 in spans:
        top = grid[r1 - 1]
        value = top[c1 - 1] if c1 - 1 < len(top) else None
        if value is None:
            continue
        for r in range(r1 - 1, r2):
            row = grid[r]
            if len(row) < c2:
                row.extend([None] * (c2 - len(row)))
            row[c1 - 1 : c2] = [value] * (c2 - c1 + 1)


def _uncalculated(
    data: bytes, name: str, title: str, grid: tuple[tuple[int, tuple[Any, ...]], ...]
) -> list[str]:
    """A note on formula cells whose value was never saved: they would otherwise read as empty.

    Excel and LibreOffice save each formula's value with it; files written by some programs
    and scripts do not, and only the formula is there.
    """
    if not any(v is None for _, row in grid for v in row):
        return []
    n_cols = max((len(row) for _, row in grid), default=0)
    if not n_cols:
        return []
    book = _open_book(data, name, data_only=False)
    try:
        formulas_by_row = book[title].iter_rows(max_row=len(grid), max_col=n_cols, values_only=True)
        cells = [
            f"{column_letter(c)}{n}"
            for (n, values), formulas in zip(grid, formulas_by_row, strict=False)
            for c, (value, formula) in enumerate(zip(values, formulas, strict=False))
            if value is None and isinstance(formula, str) and formula.startswith("=")
        ]
    except Exception:  # noqa: BLE001 - the values were readable; a note is not worth failing for
        cells = []
    finally:
        book.close()
    if not cells:
        return []
    shown = ", ".join(cells[:8])
    if len(cells) > 8:
        shown = Msg("msel.cells_and_more", cells=shown, more=len(cells) - 8)
    return [Msg("msel.formulas_unsaved", sheet=title, n=len(cells), cells=shown)]


def xlsx_bytes(sheet: Sheet) -> bytes:
    """A workbook with the sheet ``MSEL`` (bold frozen header, wrapped text, widths, filter) and ``Notes``.

    Every text cell, note and comment passes through :func:`_text_cell`: control characters are
    shown as ``\\x01`` (a spreadsheet cannot store them), and text that looks like a formula is
    stored as text with Excel's quote prefix, so it stays text even when the cell is edited.
    """
    # NOTE: imported here: openpyxl takes about 0.15 s to import, and only spreadsheet files need it.
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    ws = book.active
    ws.title = "MSEL"
    wrap = Alignment(wrap_text=True, vertical="top")
    fills = (PatternFill("solid", fgColor="DDEBF7"), PatternFill("solid", fgColor="EDEDED"))
    for r, row in enumerate([sheet.headers, *sheet.rows], 1):
        for c, value in enumerate(row, 1):
            cell = _text_cell(ws, r, c, value)
            cell.alignment = wrap
            if r == 1:
                cell.font = Font(bold=True)
                cell.fill = fills[c > sheet.planner_columns]
                if value in sheet.comments:
                    cell.comment = Comment(
                        office_text(sheet.comments[str(value)]), "drillsim", width=320, height=160
                    )
    for c, width in enumerate(sheet.widths, 1):
        ws.column_dimensions[column_letter(c - 1)].width = width
    ws.freeze_panes = "C2"  # the header row, the event number and the time stay in view
    ws.auto_filter.ref = ws.dimensions
    notes = book.create_sheet("Notes")
    notes.column_dimensions["A"].width = 120
    for r, text in enumerate(sheet.notes, 1):
        _text_cell(notes, r, 1, text).alignment = wrap
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text_cell(ws: Any, row: int, column: int, value: object) -> Any:
    """Write one cell: text made storable (``office_text``) and never run as a formula (``is_formula``)."""
    if not isinstance(value, str):
        return ws.cell(row, column, value)
    text = office_text(value)
    cell = ws.cell(row, column, text)
    cell.data_type = "s"  # text starting with '=' stays text, never a formula
    if is_formula(text):
        cell.quotePrefix = True  # Excel's own mark for "this is text": kept when the cell is edited
    return cell
