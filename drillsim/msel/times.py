"""Scenario times in a MSEL cell: durations, D+1 H+2 M+30 relative times, clock times, spreadsheet time cells."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from drillsim.i18n import Msg
from drillsim.msel.header import shown
from drillsim.scenario.durations import MAX_SECONDS, format_duration, parse_duration

# -- times ----------------------------------------------------------------------------------------

TIME_HINT = Msg("msel.time_hint")
"""How to write a scenario time: a duration (35m), a relative time (D+1 H+2 M+30, H+0:35...) or a
clock time (09:30) measured from --start."""


def reason(exc: ValueError) -> str:
    """What a ValueError of this module says: its :class:`~drillsim.i18n.Msg`, kept whole so the
    reader's language can say it (``str(exc)`` would be its English)."""
    first = exc.args[0] if exc.args else ""
    return first if isinstance(first, Msg) else str(exc)


@dataclass(frozen=True, slots=True)
class SheetTime:
    """A time read from a cell: seconds since the exercise start, or a clock time (seconds since midnight)."""

    seconds: float
    clock: bool = False
    day: int | None = None  # the date's ordinal, for a clock time written with a date


_REL_TOKEN = re.compile(r"([DHMST]?)\+(\d+(?::\d{1,2}){1,2}|\d+(?:\.\d+)?)", re.IGNORECASE)
_MAX_DIGITS = 9
"""Digits of a relative time's number read (H+999999999 is already far over 30 days)."""
_REL_UNITS = {"D": 86400.0, "H": 3600.0, "M": 60.0, "S": 1.0}
_CLOCK = re.compile(r"(\d{1,2})(?::(\d{2})(?::(\d{2}))?|h(\d{2}))\s*([ap]m)?", re.IGNORECASE)
_DATETIME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[ T](.+)")


def format_time(seconds: float) -> str:
    """Scenario time as planners write it (``H+0:35``, ``H+26:00:30``); a duration text for fractions."""
    if seconds != int(seconds):
        return format_duration(seconds)
    h, rem = divmod(int(seconds), 3600)
    m, s = divmod(rem, 60)
    return f"H+{h}:{m:02d}" + (f":{s:02d}" if s else "")


def first_day(times: Iterable[SheetTime | None]) -> int:
    """The earliest date among clock times that carry one (0 when none does)."""
    return min((t.day for t in times if t is not None and t.clock and t.day is not None), default=0)


def clock_seconds(t: SheetTime, first: int) -> float:
    """A clock time as seconds since midnight of day ``first``; a time without a date is on that day."""
    return ((first if t.day is None else t.day) - first) * 86400 + t.seconds


def hhmm(seconds: float) -> str:
    """Seconds since midnight as ``09:30``, the way a clock time is written back in a message."""
    return f"{int(seconds) // 3600:02d}:{int(seconds) % 3600 // 60:02d}"


def start_seconds(text: str) -> float:
    """An exercise start written as a clock time (``08:00``, ``8h00``) in seconds since midnight.

    ValueError when it is not a clock time of day (``--start`` of ``msel import`` and ``report``).
    """
    try:
        t = read_time(text)
    except ValueError:
        t = None
    if t is None or not t.clock or t.day is not None:
        raise ValueError(Msg("msel.start_not_clock", value=shown(text)))
    return t.seconds


def read_time(value: Any) -> SheetTime:
    """A scenario-time cell (see ``TIME_HINT``); ValueError says what is wrong."""
    if isinstance(value, dt.timedelta):
        return SheetTime(whole_seconds(value.total_seconds()))
    if isinstance(value, dt.datetime):
        return SheetTime(whole_seconds(_of_day(value.time())), True, value.toordinal())
    if isinstance(value, dt.time):
        return SheetTime(whole_seconds(_of_day(value)), True)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value == 0:
            return SheetTime(0.0)
        raise ValueError(Msg("msel.time_no_unit", number=f"{value:g}"))
    text = unicodedata.normalize("NFKC", str(value)).strip()  # full-width ０９：３０ too
    if m := _DATETIME.fullmatch(text):
        clock = _clock(m[4].strip())
        if clock is None:
            raise ValueError(Msg("msel.time_unreadable_clock", value=shown(text)))
        try:
            day = dt.date(int(m[1]), int(m[2]), int(m[3])).toordinal()
        except ValueError:
            raise ValueError(Msg("msel.time_no_such_date", value=shown(text))) from None
        return SheetTime(clock, True, day)
    if (clock := _clock(text)) is not None:
        return SheetTime(clock, True)
    if "+" in text:
        return SheetTime(_relative(text))
    try:
        return SheetTime(parse_duration(text))
    except ValueError as exc:
        if text.startswith("-"):
            raise ValueError(Msg("msel.time_negative", value=shown(text))) from None
        if "30 days" in str(exc):
            raise ValueError(Msg("msel.time_too_long", value=shown(text))) from None
        raise ValueError(Msg("msel.time_unreadable", value=shown(text))) from None


def whole_seconds(seconds: float) -> float:
    """Spreadsheet times are day fractions: snap what is within a millisecond of a whole second."""
    return float(round(seconds)) if abs(seconds - round(seconds)) < 1e-3 else seconds


def _of_day(t: dt.time) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


def _clock(text: str) -> float | None:
    """``09:30``, ``9:30:15``, ``9h30``, ``9:30 PM`` as seconds since midnight; None if not a clock time."""
    m = _CLOCK.fullmatch(text)
    if not m:
        return None
    h, minutes, s = int(m[1]), int(m[2] or m[4]), int(m[3] or 0)
    if m[5]:
        if not 1 <= h <= 12:
            raise ValueError(Msg("msel.time_am_pm", value=shown(text)))
        h = h % 12 + (12 if m[5].lower() == "pm" else 0)
    if h > 23 or minutes > 59 or s > 59:
        raise ValueError(Msg("msel.time_not_clock", value=shown(text)))
    return h * 3600.0 + minutes * 60 + s


def _relative(text: str) -> float:
    """``D+1 H+2 M+30``, ``H+2``, ``M+30``, ``T+0:35``, ``H+0:35``, ``+00:35`` as seconds."""
    total, seen, pos = 0.0, set(), 0
    bad = ValueError(Msg("msel.time_unreadable_relative", value=shown(text)))
    for m in _REL_TOKEN.finditer(text):
        if text[pos : m.start()].strip(" ,;"):
            raise bad
        pos = m.end()
        unit, number = (m[1] or "T").upper(), m[2]
        if len(number.split(":")[0].split(".")[0]) > _MAX_DIGITS:
            raise ValueError(Msg("msel.time_too_long", value=shown(text)))
        if ":" in number:
            if unit not in "HT":
                raise bad
            parts = [int(p) for p in number.split(":")] + [0]
            if parts[1] > 59 or parts[2] > 59:
                raise ValueError(Msg("msel.time_over_59", value=shown(text)))
            unit, seconds = "H", parts[0] * 3600.0 + parts[1] * 60 + parts[2]
        elif unit == "T":
            raise ValueError(
                Msg(
                    "msel.time_t_no_unit", value=shown(text), minutes=number.zfill(2), number=number
                )
            )
        else:
            seconds = float(number) * _REL_UNITS[unit]
        if unit in seen:
            raise ValueError(Msg("msel.time_twice", value=shown(text), unit=unit))
        seen.add(unit)
        total += seconds
    if not seen or text[pos:].strip(" ,;"):
        raise bad
    if total > MAX_SECONDS:
        raise ValueError(Msg("msel.time_too_long", value=shown(text)))
    return total
