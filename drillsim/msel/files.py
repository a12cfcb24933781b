"""MSEL spreadsheet files: CSV and XLSX cells in and out, with the csv module and openpyxl only.

Reading gives :class:`~drillsim.msel.Table` values (merged ranges filled with their top-left value,
rows numbered as the spreadsheet shows them); writing takes a :class:`~drillsim.msel.Sheet` and
returns the file's bytes, for the CLI to write atomically. What the cells mean is :mod:`drillsim.msel`.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

from drillsim.errors import InputError
from drillsim.msel.columns import column_letter
from drillsim.msel.export import Sheet
from drillsim.msel.header import Table
from drillsim.textsafe import cell_text, is_formula, office_text, uncell_text

MAX_BYTES = 20 * 1024 * 1024
"""Largest spreadsheet read (20 MB); an MSEL is a few hundred rows."""

MAX_UNPACKED = 200 * 1024 * 1024
"""Largest total size of an XLSX's unpacked parts: stops a 'zip bomb' before openpyxl sees it."""

MAX_ROWS, MAX_COLUMNS = 10_000, 200
"""Rows and columns of a sheet that are read (a note says when a sheet is larger)."""

DELIMITERS = (",", ";", "\t")
"""CSV delimiters tried (Excel writes ';' in locales whose decimal mark is a comma)."""

_XLSX_HINT = "save the file as Excel Workbook (.xlsx) or as CSV UTF-8"


def read_tables(path: Path, sheet: str | None) -> tuple[list[Table], list[str]]:
    """The file's cells (CSV: one table per plausible delimiter) and notes; InputError if unreadable."""
    data = _read_bytes(path)
    kind = path.suffix.lower()
    if kind in (".xlsx", ".xlsm") or (kind not in (".csv", ".txt", ".tsv") and data[:4] == b"PK\x03\x04"):
        return _read_xlsx(data, str(path), sheet)
    if kind in (".xls", ".ods", ".numbers") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputError(f"{path}: this spreadsheet format cannot be read; {_XLSX_HINT}")
    if sheet is not None:
        raise InputError(f"{path}: --sheet applies to .xlsx files; a CSV file has one table")
    return _read_csv(data, str(path))


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(f"{path}: the file is over {MAX_BYTES // 2**20} MB; an MSEL is far smaller "
                             "(check you passed the right file)")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None


# -- CSV ------------------------------------------------------------------------------------------

def _decode(data: bytes, name: str) -> str:
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            data = data[len(bom):]
            break
    else:
        codec = "utf-8"
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: byte {exc.start} is not {codec.upper()}: the file uses an older encoding "
                         "(such as Windows-1258 or GB2312); in Excel: Save As, CSV UTF-8") from None


def _read_csv(data: bytes, name: str) -> tuple[list[Table], list[str]]:
    """One table per plausible delimiter, cut to MAX_ROWS x MAX_COLUMNS (with a note if cut)."""
    text = _decode(data, name)
    tables, cut = [], False
    for delimiter in [d for d in DELIMITERS if d in text] or [","]:
        try:
            records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as exc:
            raise InputError(f"{name}: not a readable CSV file ({exc})") from None
        cut = cut or len(records) > MAX_ROWS or any(len(rec) > MAX_COLUMNS for rec in records[:MAX_ROWS])
        rows = tuple((n, tuple(uncell_text(v) if v.strip() else None for v in rec[:MAX_COLUMNS]))
                     for n, rec in enumerate(records[:MAX_ROWS], 1))
        tables.append(Table(name, None, rows))
    return tables, [_cut_note(name)] if cut else []


def _cut_note(where: str) -> str:
    return f"only the first {MAX_ROWS:,} rows and {MAX_COLUMNS} columns of {where} are read"


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
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile:
        raise InputError(f"{name}: not a valid .xlsx file (it is not a zip archive); {_XLSX_HINT}") from None
    if unpacked > MAX_UNPACKED:
        raise InputError(f"{name}: the workbook unpacks to {unpacked:,} bytes, over the limit of {MAX_UNPACKED:,}")
    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # noqa: BLE001 - any parse failure of an untrusted file is bad input, not a bug
        raise InputError(f"{name}: cannot read the workbook ({type(exc).__name__}: {exc}); {_XLSX_HINT}") from None
    names = [ws.title for ws in book.worksheets]
    if sheet is not None and sheet not in names:
        raise InputError(f"{name}: no sheet named {sheet!r}; the workbook has: {', '.join(names)}")
    ws = book[sheet] if sheet else book["MSEL"] if "MSEL" in names else book.worksheets[0]
    notes = []
    if ws.max_row > MAX_ROWS or ws.max_column > MAX_COLUMNS:
        notes.append(_cut_note(f"sheet {ws.title}"))
    grid = _grid(ws)
    notes.extend(_uncalculated(data, ws.title, grid))
    return [Table(name, ws.title, grid)], notes


def _uncalculated(data: bytes, title: str, grid: tuple[tuple[int, tuple[Any, ...]], ...]) -> list[str]:
    """A note on formula cells whose value was never saved: they would otherwise read as empty.

    Excel and LibreOffice save each formula's value with it; files written by some programs
    and scripts do not, and only the formula is there.
    """
    if not any(v is None for _, row in grid for v in row):
        return []
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(data))[title]
    n_cols = max((len(row) for _, row in grid), default=0)
    cells = [f"{column_letter(c)}{n}"
             for (n, values), formulas in zip(grid, ws.iter_rows(max_row=len(grid), max_col=n_cols,
                                                                  values_only=True), strict=False)
             for c, (value, formula) in enumerate(zip(values, formulas, strict=False))
             if value is None and isinstance(formula, str) and formula.startswith("=")]
    if not cells:
        return []
    shown = ", ".join(cells[:8]) + (f" and {len(cells) - 8} more" if len(cells) > 8 else "")
    return [f"sheet {title}: {len(cells)} formula cell(s) have no saved value and read as empty ({shown}); "
            "open the file in Excel or LibreOffice and save it, so each formula's value is stored"]


def _grid(ws: Any) -> tuple[tuple[int, tuple[Any, ...]], ...]:
    """Cell values by row, every cell of a merged range holding the range's (top-left) value."""
    n_rows, n_cols = min(ws.max_row, MAX_ROWS), min(ws.max_column, MAX_COLUMNS)
    grid = [list(r) for r in ws.iter_rows(max_row=n_rows, max_col=n_cols, values_only=True)]
    for rng in ws.merged_cells.ranges:
        if rng.min_row > n_rows or rng.min_col > n_cols:
            continue
        value = grid[rng.min_row - 1][rng.min_col - 1]
        for r in range(rng.min_row - 1, min(rng.max_row, n_rows)):
            for c in range(rng.min_col - 1, min(rng.max_col, n_cols)):
                grid[r][c] = value
    return tuple((n, tuple(values)) for n, values in enumerate(grid, 1))


def xlsx_bytes(sheet: Sheet) -> bytes:
    """A workbook with the sheet ``MSEL`` (bold frozen header, wrapped text, widths, filter) and ``Notes``.

    Every text cell, note and comment passes through :func:`_text_cell`: control characters are
    shown as ``\\x01`` (a spreadsheet cannot store them), and text that looks like a formula is
    stored as text with Excel's quote prefix, so it stays text even when the cell is edited.
    """
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
                    cell.comment = Comment(office_text(sheet.comments[str(value)]), "drillsim", width=320, height=160)
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
