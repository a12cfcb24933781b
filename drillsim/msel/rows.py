"""Read every MSEL row into an Incident, reporting each cell it cannot read, located by row and column."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from drillsim.errors import InputError, Problem, ScenarioError
from drillsim.i18n import N_, Msg, Number
from drillsim.msel.columns import COLUMNS, column_letter, header_key
from drillsim.msel.header import (
    HEADER_SCAN,
    Header,
    Table,
    best_table,
    cell_text,
    shown,
    value_at,
)
from drillsim.msel.times import (
    TIME_HINT,
    SheetTime,
    clock_seconds,
    first_day,
    hhmm,
    read_time,
    reason,
    whole_seconds,
)
from drillsim.names import without_asides
from drillsim.scenario.durations import format_duration
from drillsim.scenario.loader import parse_fragment
from drillsim.scenario.locate import ID_HINT, describe
from drillsim.scenario.model import (
    ID_PATTERN,
    TRIAGE,
    Incident,
    Scenario,
)

AgencyMatcher = Callable[[str], "str | None"]


def agency_matcher(scenario: Scenario) -> AgencyMatcher:
    """Recipient text -> agency id: by id or display name, then by a unique partial name match.

    Parenthesised parts are tried without their brackets' content too: "Công an tỉnh (trực ban)"
    finds "Công an tỉnh (cơ quan thường trực Ban Chỉ đạo)" when no other agency is "Công an tỉnh".
    Names are normalised once and each distinct text is matched once, so an import costs one
    pass over the agencies per distinct recipient (20,000 agencies: milliseconds a row, not 0.3 s).
    """

    def bare(text: str) -> str:
        return header_key(without_asides(text))

    exact = {header_key(n): a.id for a in scenario.agencies for n in (a.id, a.name) if n}
    named = [a for a in scenario.agencies if a.name]
    normalised = {norm: [(a.id, norm(a.name)) for a in named] for norm in (header_key, bare)}
    seen: dict[str, str | None] = {}

    def match(text: str) -> str | None:
        if text not in seen:
            seen[text] = _match(text)
        return seen[text]

    def _match(text: str) -> str | None:
        key = header_key(text)
        if key in exact:
            return exact[key]
        for norm, names in normalised.items():
            k = norm(text)
            if len(k) < 3:
                continue
            found = {ident for ident, name in names if k in name or name in k}
            if len(found) == 1:
                return found.pop()
        return None

    return match


def listed(ids: Sequence[str], most: int = 20) -> str:
    """Ids for a hint: the first ``most``, then how many more (a hint never lists 20,000 agencies)."""
    shown_ids = ", ".join(ids[:most])
    if len(ids) <= most:
        return shown_ids
    return Msg("msel.listed_more", ids=shown_ids, more=Number(len(ids) - most, grouped=True))


# -- import: rows -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Imported:
    """What an MSEL import gives: the incidents, where they came from, and notes for the trainer."""

    incidents: tuple[Incident, ...]
    header: Header
    notes: tuple[str, ...]


class _Row:
    """One spreadsheet row being read: its cells by column key, and where to report a problem."""

    def __init__(
        self,
        table: Table,
        header: Header,
        number: int,
        values: tuple[Any, ...],
        problems: list[Problem],
        match: AgencyMatcher | None,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        self.table, self.header, self.number, self.values, self.problems = (
            table,
            header,
            number,
            values,
            problems,
        )
        self.match = match  # recipient text -> agency id, when a scenario was given
        self.labels = labels or {}  # agency id -> display name, when a scenario was given
        self.source: dict[str, str] = {}  # incident field -> the column key its value came from
        self.failed: set[str] = set()  # incident fields already reported

    def cell(self, key: str) -> Any:
        col = self.header.columns.get(key)
        value = None if col is None else value_at(self.values, col)
        return None if isinstance(value, str) and not value.strip() else value

    def text(self, key: str) -> str:
        return cell_text(self.cell(key))

    def label(self, agency_id: str) -> str:
        """The agency's display name in the scenario, or the id itself."""
        return self.labels.get(agency_id, agency_id)

    def problem(self, key: str | None, message: str, hint: str = "") -> None:
        col = self.header.columns.get(key) if key else None
        where = (
            Msg("msel.at_row", row=str(self.number))
            if col is None
            else Msg(
                "msel.at_cell",
                cell=f"{column_letter(col)}{self.number}",
                header=self.header.names.get(col, key),
            )
        )
        if self.table.sheet:
            where = Msg("msel.at_sheet", sheet=self.table.sheet, where=where)
        self.problems.append(
            Problem(
                message,
                file=self.table.file,
                line=self.number,
                column=None if col is None else col + 1,
                path=where,
                hint=hint,
            )
        )


def import_incidents(
    tables: Sequence[Table], scenario: Scenario | None, start: float | None
) -> Imported:
    """Read the injects of an MSEL; ScenarioError with every located problem, InputError if no table."""
    table, found = best_table(tables)
    header = _checked(table, found)
    problems: list[Problem] = []
    notes = _column_notes(header)
    match = agency_matcher(scenario) if scenario is not None else None
    labels = {a.id: a.label for a in scenario.agencies} if scenario is not None else {}
    rows: list[tuple[_Row, dict[str, Any], SheetTime | None]] = []
    for number, values in table.rows[header.index + 1 :]:
        row = _Row(table, header, number, values, problems, match, labels)
        if _is_heading(row, notes):
            continue
        rows.append((row, *_draft(row, len(rows) + 1, scenario)))
    if not rows:
        raise InputError(Msg("msel.no_inject_rows", file=table.file, row=str(header.row)))
    ats = _resolve_times([(r, t) for r, _, t in rows], start, notes)
    incidents = [_validate(row, draft, at) for (row, draft, _), at in zip(rows, ats)]
    read = [r for r, _, _ in rows]
    if scenario is not None:
        _check_references(read, incidents, scenario, table.file)
    _check_unique(read, incidents)
    if problems:
        raise ScenarioError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    return Imported(tuple(i for i in incidents if i is not None), header, tuple(notes))


HEADER_LACKS = {
    (False, False): N_("msel.header_lacks_time_and_recipient"),
    (False, True): N_("msel.header_lacks_time"),
    (True, False): N_("msel.header_lacks_recipient"),
}
"""(has a Scenario time column, has a To or Detected by column) -> what a header lacks."""


def _checked(table: Table, header: Header | None) -> Header:
    """The header, if it has what an import needs; else InputError saying what is expected."""
    expected = ", ".join(c.header for c in COLUMNS[:9])
    if header is None:
        raise InputError(
            Msg(
                "msel.no_header",
                file=table.file,
                sheet=in_sheet(table.sheet),
                rows=HEADER_SCAN,
                expected=expected,
            )
        )
    has = ("time" in header.columns, any(k in header.columns for k in ("to", "detected_by")))
    if has in HEADER_LACKS:
        raise InputError(
            Msg(
                HEADER_LACKS[has],
                file=table.file,
                sheet=in_sheet(table.sheet),
                row=str(header.row),
                names=", ".join(header.names.values()),
            )
        )
    return header


def in_sheet(sheet: str | None) -> str:
    """`` (sheet Injects)`` after a file name, for a workbook's sheet (nothing for a CSV file)."""
    return Msg("msel.in_sheet", sheet=sheet) if sheet else ""


def _column_notes(header: Header) -> list[str]:
    if not header.ignored:
        return []
    shown = ", ".join(f"{column_letter(c)} ({header.names[c]})" for c in header.ignored)
    return [Msg("msel.ignored_columns", columns=shown)]


def _is_heading(row: _Row, notes: list[str]) -> bool:
    """Blank rows, and rows without a time whose cells all say the same (a merged section heading)."""
    filled = [t for t in (row.text(k).strip() for k in row.header.columns) if t]
    if not filled:
        return True
    if len(set(filled)) == 1 and (len(filled) > 1 or row.cell("time") is None):
        notes.append(Msg("msel.heading_row", row=str(row.number), text=shown(filled[0])))
        return True
    return False


DIST_HINT = Msg("msel.dist_hint")
"""How to write a detection time: a duration (2m) or a distribution ({uniform: [1m, 4m]})."""
_MSEL_KEYS = ("synopsis", "inject", "from", "to", "method", "controller", "expected_action")


def _draft(
    row: _Row, ordinal: int, scenario: Scenario | None
) -> tuple[dict[str, Any], SheetTime | None]:
    """The incident fields of one row as validation takes them; unreadable cells become row problems."""
    number = _number(row)
    own_id = row.text("id").strip()
    row.source["id"] = "id" if own_id else "number"
    draft: dict[str, Any] = {"id": own_id or f"inject-{ordinal if number is None else number}"}
    if zone := row.text("zone").strip():
        draft["zone"] = zone
    draft["description"] = _description(row)
    draft["detected_by"] = _recipient(row, scenario)
    if (detection := _detection(row)) is not None:
        draft["detection"] = detection
    casualties = {c: cell_text(row.cell(c)).strip() for c in TRIAGE if row.cell(c) is not None}
    if casualties:
        draft["casualties"] = casualties
    if triggers := row.text("triggers"):
        draft["triggers"] = [t for t in re.split(r"[\s,;，；、\[\]]+", triggers) if t]
    msel = _msel(row, draft, number, ordinal, scenario)
    if msel is not None:
        draft["msel"] = msel
    return draft, _time(row)


def _number(row: _Row) -> int | None:
    value = row.cell("number")
    text = cell_text(value).strip().rstrip(".")
    if value is None or isinstance(value, bool):
        return None
    if text.isdigit():
        return int(text)
    row.problem("number", Msg("msel.number_not_whole", value=shown(text)), Msg("msel.number_hint"))
    return None


def _description(row: _Row) -> str:
    """The Description column; without one, the synopsis or else the inject text."""
    keys = ("description",) if "description" in row.header.columns else ("synopsis", "inject")
    for key in keys:
        row.source["description"] = key
        if text := row.text(key):
            return text
    return ""


def _parts(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;,/\n、；，]+", text) if p.strip()]


def _recipient(row: _Row, scenario: Scenario | None) -> str:
    """The detecting agency: the Detected by cell, else the first recipient in To that is an agency."""
    key = "detected_by" if row.cell("detected_by") is not None else "to"
    row.source["detected_by"] = key
    text = row.text(key).strip()
    found: str | None = None
    if not text:
        row.problem(key, Msg("msel.no_recipient"), Msg("msel.no_recipient_hint"))
    elif scenario is not None and row.match is not None:
        found = next((a for a in map(row.match, [text, *_parts(text)]) if a), None)
        if found is None:
            row.problem(
                key,
                Msg("msel.no_agency_matches", value=shown(text)),
                Msg("msel.agency_hint", agencies=listed([a.id for a in scenario.agencies])),
            )
    elif key == "detected_by":
        found = text
    else:
        found = next((p for p in _parts(text) if re.fullmatch(ID_PATTERN, p)), None)
        if found is None:
            row.problem(
                key,
                Msg("msel.agency_needs_scenario", value=shown(text)),
                Msg("msel.agency_needs_scenario_hint"),
            )
    if found is None:
        row.failed.add("detected_by")
    return found or ""


def _detection(row: _Row) -> Any:
    value = row.cell("detection")
    if isinstance(value, dt.timedelta):
        return format_duration(whole_seconds(value.total_seconds()))
    if value is None or isinstance(value, (int, float)):
        return value  # a number is 0, or refused with "has no unit" by validation
    text = cell_text(value).strip()
    if not text.startswith("{"):
        return text
    try:
        return parse_fragment(text, row.table.file)
    except ScenarioError as exc:
        row.problem(
            "detection",
            Msg("msel.detection_unreadable", value=shown(text), reason=exc.problems[0].message),
            DIST_HINT,
        )
        row.failed.add("detection")
        return None


def _msel(
    row: _Row, draft: dict[str, Any], number: int | None, ordinal: int, scenario: Scenario | None
) -> dict[str, Any] | None:
    """The planner columns of a row, without the fallbacks export writes.

    A synopsis equal to the description is dropped, and a row whose only planner value is To = the
    detecting agency (numbered by its position) gets no entry, as export writes both for it.
    """
    entry: dict[str, Any] = {k: row.text(k) for k in _MSEL_KEYS if row.text(k)}
    if entry.get("synopsis") == draft["description"]:
        del entry["synopsis"]
    detector = draft["detected_by"]
    fallback_to = entry.get("to", detector) in (detector, row.label(detector))
    if set(entry) <= {"to"} and fallback_to and number in (None, ordinal):
        return None
    return {"number": number, **entry} if number is not None else entry


def _time(row: _Row) -> SheetTime | None:
    value = row.cell("time")
    try:
        if value is None:
            raise ValueError(Msg("msel.no_time"))
        return read_time(value)
    except ValueError as exc:
        row.problem("time", reason(exc), TIME_HINT)
        row.failed.add("at")
        return None


def _resolve_times(
    rows: Sequence[tuple[_Row, SheetTime | None]], start: float | None, notes: list[str]
) -> list[float | None]:
    """Seconds since the exercise start; clock times count from ``start`` (default: the earliest)."""
    clocks = [t for _, t in rows if t is not None and t.clock]
    if not clocks:
        if start is not None:
            notes.append(Msg("msel.start_unused"))
        return [None if t is None else t.seconds for _, t in rows]
    first = first_day(clocks)
    origin = min(clock_seconds(t, first) for t in clocks) if start is None else start
    if start is None:
        notes.append(Msg("msel.clock_origin", start=hhmm(origin)))
    out: list[float | None] = []
    for row, t in rows:
        at = None if t is None else clock_seconds(t, first) - origin if t.clock else t.seconds
        if at is not None and at < 0:
            row.problem(
                "time",
                Msg("msel.before_start", time=row.text("time").strip(), start=hhmm(origin)),
                Msg("msel.before_start_hint"),
            )
            row.failed.add("at")
            at = None
        out.append(at)
    return out


def _validate(row: _Row, draft: dict[str, Any], at: float | None) -> Incident | None:
    """Phase-1 validation of one row; each error is reported at the cell it came from."""
    draft["at"] = format_duration(at) if at is not None else "0s"
    try:
        return Incident.model_validate(draft)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            if loc and str(loc[0]) not in row.failed:
                row.problem(_column_of(loc, row.source), *_describe(err))
        return None


def _column_of(loc: tuple[Any, ...], source: Mapping[str, str]) -> str:
    head = str(loc[0])
    if head in ("casualties", "msel") and len(loc) > 1:
        return "from" if loc[1] in ("from", "from_") else str(loc[1])
    return source.get(head, "time" if head == "at" else head)


def _describe(err: Any) -> tuple[str, str]:
    """Message and hint for one validation error, in a trainer's words (pydantic's other error
    types as a scenario file's, :func:`drillsim.scenario.locate.describe`)."""
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    if kind == "string_pattern_mismatch":
        return Msg("msel.not_an_id", value=shown(value)), ID_HINT
    if kind.startswith("int_"):
        return Msg("msel.not_whole", value=shown(value)), Msg("msel.whole_hint")
    if kind == "string_too_long":
        return (
            Msg("msel.too_long", length=len(value), most=ctx["max_length"]),
            Msg("msel.too_long_hint"),
        )
    if kind in _BOUNDS:
        return Msg(_BOUNDS[kind][1], limit=str(ctx[_BOUNDS[kind][0]]), value=shown(value)), ""
    if kind != "value_error":
        return describe(err)
    error = ctx.get("error")
    text = (
        error.args[0]
        if isinstance(error, ValueError) and error.args and isinstance(error.args[0], Msg)
        else re.sub(r"^Value error, ", "", err["msg"])
    )
    return text, DIST_HINT if "duration" in text or "distribution" in text else ""


_BOUNDS = {
    "greater_than_equal": ("ge", N_("msel.at_least")),
    "less_than_equal": ("le", N_("msel.at_most")),
}
"""Bounds of a number in a cell: the context field of the limit, and the message."""


def _check_references(
    rows: Sequence[_Row], incidents: Sequence[Incident | None], scenario: Scenario, file: str
) -> None:
    """Zones and tasks a row names exist; objectives still find the incidents they are measured on."""
    zones, tasks = scenario.target.zones, [t.id for t in scenario.tasks]
    zone_set, task_set = set(zones), set(tasks)
    for row, inc in zip(rows, incidents):
        if inc is None:
            continue
        if inc.zone is not None and zones and inc.zone not in zone_set:
            row.problem(
                "zone",
                Msg("msel.unknown_zone", zone=shown(inc.zone)),
                Msg("msel.zones_hint", zones=listed(zones)),
            )
        for t in inc.triggers:
            if t not in task_set:
                row.problem(
                    "triggers",
                    Msg("msel.unknown_task", task=shown(t)),
                    Msg("msel.tasks_hint", tasks=listed(tasks)),
                )
    known = {i.id for i in incidents if i is not None} | {
        "trigger",
        "first_inject",
        "exercise_start",
    }
    for o in scenario.objectives:
        named = [n for n in (getattr(o.measure, "incident", None), o.from_) if isinstance(n, str)]
        for name in sorted(set(named) - known):
            rows[0].problems.append(
                Problem(
                    Msg("msel.objective_lost", objective=o.id, incident=shown(name)),
                    file=file,
                    hint=Msg("msel.objective_lost_hint", incident=name),
                )
            )


def _check_unique(rows: Sequence[_Row], incidents: Sequence[Incident | None]) -> None:
    first: dict[str, _Row] = {}
    for row, inc in zip(rows, incidents):
        if inc is not None and inc.id in first:
            row.problem(
                row.source["id"],
                Msg("msel.duplicate_id", id=shown(inc.id), row=str(first[inc.id].number)),
                Msg("msel.duplicate_id_hint"),
            )
        elif inc is not None:
            first[inc.id] = row
