"""The JSON Schema of the scenario format, for editors and ``drillsim schema``.

Generated from the models (their field descriptions are the single source), then widened where
the loader accepts a shorthand that the models' own schema does not show: a single id where a
list of ids is expected (``to: police_hq``). Durations and distributions already carry their
shorthand schemas (see :mod:`drillsim.scenario.durations`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from drillsim.scenario.model import FORMAT, Scenario

SCHEMA_ID = "https://json-schema.org/draft/2020-12/schema"


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file, with field names as files spell them."""
    schema = Scenario.model_json_schema(by_alias=True)
    for name, model in _models(Scenario).items():
        for field_name, info in model.model_fields.items():
            if "_as_tuple" in repr(info.annotation) or any(
                "_as_tuple" in repr(m) for m in info.metadata
            ):
                prop = (
                    schema.get("$defs", {})
                    .get(name, {})
                    .get("properties", {})
                    .get(info.alias or field_name)
                )
                if prop is not None:
                    _accept_single_id(prop)
    schema.pop("title", None)
    return {"$schema": SCHEMA_ID, "title": f"drillsim scenario (format {FORMAT})", **schema}


def _accept_single_id(prop: dict[str, Any]) -> None:
    """Turn ``array of ids`` (or ``array | null``) into ``id | array of ids`` in place."""
    options = prop.pop("anyOf", None) or [
        {k: prop.pop(k) for k in ("type", "items", "minItems") if k in prop}
    ]
    out = []
    for option in options:
        if option.get("type") == "array" and "items" in option:
            out.append(dict(option["items"]))
        out.append(option)
    prop["anyOf"] = out


def _models(root: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Every model reachable from ``root``, by class name (the ``$defs`` keys)."""
    found: dict[str, type[BaseModel]] = {}
    stack: list[Any] = [root]
    while stack:
        tp = stack.pop()
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp.__name__ in found:
                continue
            found[tp.__name__] = tp
            stack += [f.annotation for f in tp.model_fields.values()]
        else:
            stack += list(getattr(tp, "__args__", ()) or ())
    return found
