"""The exercise date and the improvement plan's deadline as the scenario format writes them.

``date: 2026-05-04`` (ISO 8601 only: 04/05/2026 reads differently in Hanoi and in the US) and
``plan_due: 90d`` or ``12w`` (days or weeks after the exercise; longer than the 30-day cap of
durations, so a type of its own).
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

from drillsim.i18n import Msg

DEFAULT_PLAN_DUE_DAYS = 90
"""Days after the exercise by which the improvement plan's corrective actions are due when the
scenario sets no ``plan_due`` (the report says the deadline is this default)."""

_DAYS = {"d": 1, "w": 7}


def _plan_days(value: Any) -> Any:
    """``90d``, ``12w`` or a bare number of days -> days (an int); anything else is left to the type check."""
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+)\s*([dw])\s*", value)
        if not m:
            raise ValueError(Msg("scenario.plan_due_unreadable", value=repr(value)))
        return int(m.group(1)) * _DAYS[m.group(2)]
    return value


def _iso_date(value: Any) -> Any:
    """A date written as text must be ISO (YYYY-MM-DD): 04/05/2026 is ambiguous between locales."""
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(Msg("scenario.date_not_iso", value=repr(value))) from None
    return value


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]

_PLAN_DUE_TEXT = (
    f"Days after the exercise by which the plan's actions are due: 90d, 12w or a number of days "
    f"(default {DEFAULT_PLAN_DUE_DAYS}d)."
)
PlanDue = Annotated[
    int,
    BeforeValidator(_plan_days),
    Field(ge=1, le=3650, description=_PLAN_DUE_TEXT),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": 3650},
                {"type": "string", "pattern": r"^\s*\d+\s*[dw]\s*$"},
            ],
            "description": _PLAN_DUE_TEXT,
        }
    ),
]


__all__ = ["DEFAULT_PLAN_DUE_DAYS", "IsoDate", "PlanDue"]
