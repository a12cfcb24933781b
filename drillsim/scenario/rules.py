"""Rules the scenario models share: the retry floor and what a what-if may do that a file may not.

Kept apart from :mod:`drillsim.scenario.model` so that the models stay readable; the engine's
compiler checks :data:`MIN_RETRY` again, so no retry below it ever reaches a replication.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, TypeAdapter, ValidationInfo, create_model
from pydantic_core import PydanticCustomError

from drillsim.i18n import Msg
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
    """The retry field's rule (on links and backup channels): at least :data:`MIN_RETRY`.

    The error is the one pydantic makes of a validator's ``ValueError`` (its ``ctx["error"]``
    the exception, its message a catalogue message), with the rule's own hint in ``ctx["hint"]``.
    """
    if v < MIN_RETRY:
        raise PydanticCustomError(
            "value_error",
            "{error}",
            {
                "error": ValueError(Msg("rules.retry_floor", least=format_duration(MIN_RETRY))),
                "hint": Msg("rules.retry_floor_hint"),
            },
        )
    return v


_BOUNDS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "pattern",
)
"""JSON Schema keywords of a field's own constraints (what ``annotated_types`` metadata gives)."""


def change_model(
    base: type[BaseModel],
    doc: str,
    *,
    keys: dict[str, Any] | None = None,
    checks: dict[str, Callable[[Any], Any]] | None = None,
) -> type[BaseModel]:
    """The model of a variant's change to one ``base`` element (a link, an agency, a task).

    Every field of ``base`` but its ``id`` and the ``keys`` (which say what is changed: given in
    full) is optional, ``None`` meaning "unchanged", with the type, parsing and description of
    ``base``'s field, so a field added to ``base`` can be changed at once. The field's own
    constraints (bounds, lengths, patterns) and ``base``'s validators are shown in the JSON Schema
    but checked on the changed scenario, which is validated again as a file is (with
    :data:`WHAT_IF`) by ``validate`` and before any run: its message can say which base value a
    left-out field keeps, and a rule added to ``base`` reaches every change. ``checks`` adds a
    rule of the change itself to a field.
    """
    checks = checks or {}
    fields: dict[str, Any] = dict(keys or {})
    for name, info in base.model_fields.items():
        if name in fields or name == "id":
            continue
        bounds = [m for m in info.metadata if _is_bound(m)]
        meta = [m for m in info.metadata if not _is_bound(m)]
        if name in checks:
            meta.append(AfterValidator(checks[name]))
        kind: Any = Annotated[(info.annotation, *meta)] if meta else info.annotation
        field = Field(
            None,
            alias=info.alias,
            validation_alias=info.validation_alias,
            description=info.description,
            json_schema_extra=_schema_bounds(info.annotation, bounds) or None,
        )
        fields[name] = (kind | None, field)
    name = f"{base.__name__}Change"
    return create_model(name, __config__=base.model_config, __doc__=doc, **fields)


def _is_bound(meta: Any) -> bool:
    """True for a constraint of the field's value (``ge``, ``max_length``, ``pattern``...)."""
    kind = type(meta)
    return kind.__module__ == "annotated_types" or kind.__name__ == "_PydanticGeneralMetadata"


def _schema_bounds(annotation: Any, bounds: list[Any]) -> dict[str, Any]:
    """The JSON Schema keywords of ``bounds`` on ``annotation`` (as the base model shows them)."""
    if not bounds:
        return {}
    schema = TypeAdapter(Annotated[(annotation, *bounds)]).json_schema()
    parts = [schema, *schema.get("anyOf", ())]  # an optional field has its bounds in a branch
    return {k: v for part in parts for k, v in part.items() if k in _BOUNDS}


__all__ = ["MIN_RETRY", "WHAT_IF", "change_model", "empty_list", "retry_floor", "what_if"]
