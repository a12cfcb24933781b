"""Rules the scenario models share: the retry floor and what a what-if may do that a file may not.

Kept apart from :mod:`drillsim.scenario.model` so that the models stay readable; the engine's
compiler checks :data:`MIN_RETRY` again, so no retry below it ever reaches a replication.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationInfo
from pydantic_core import PydanticCustomError

from drillsim.scenario.durations import format_duration

WHAT_IF: dict[str, bool] = {"what_if": True}
"""Validation context of a scenario with a variant applied (see :func:`drillsim.scenario.variants.apply_variant`).

A what-if may do two things a scenario file may not: take an agency's units out of play
(``units: 0``) and leave a task with no agency (``remove_agencies`` removed all it named).
Every other rule is the same.
"""


def what_if(info: ValidationInfo) -> bool:
    """True when a validator runs in the :data:`WHAT_IF` context."""
    return bool(info.context and info.context.get("what_if"))


def empty_list(hint: str = "") -> PydanticCustomError:
    """The error pydantic gives an empty list where one item is needed (so messages stay the same)."""
    ctx: dict[str, Any] = {"field_type": "Tuple", "min_length": 1, "actual_length": 0}
    return PydanticCustomError(
        "too_short",
        "Tuple should have at least {min_length} item after validation, not {actual_length}",
        {**ctx, "hint": hint} if hint else ctx,
    )


MIN_RETRY = 1.0
"""Shortest wait (seconds) before a failed try is tried again, on every channel.

It is what keeps a replication from looping at one instant: a try may take no time and always
fail (``delay: 0s``, ``reliability: 0``), but the next try on that channel is then at least this
much later. Switching to the backup channel is immediate, but it happens once per alert.
"""


def retry_floor(v: float) -> float:
    """The retry field's rule (on links and backup channels): at least :data:`MIN_RETRY`."""
    if v < MIN_RETRY:
        raise PydanticCustomError(
            "value_error",
            f"retry must be at least {format_duration(MIN_RETRY)} (a shorter retry floods the log)",
            {
                "hint": "wait at least 1s before the next try, e.g. retry: 30s (see 'Why retry is at least 1s' in "
                "docs/scenario-format.md)"
            },
        )
    return v


__all__ = ["MIN_RETRY", "WHAT_IF", "empty_list", "retry_floor", "what_if"]
