"""The run folder's files as typed models, shared by the writer and every reader.

``manifest.json`` and each line of ``summaries/*.jsonl`` are validated here (``analysis.json``
with the model the analysis owns, ``analysis.model``, by the same :func:`parse`) before anything
uses them: strict types (a string is never read as a number, nor a number as a
flag), no unknown or missing keys, no NaN or infinity, numbers within bounds, and each file no
larger than its limit (checked before it is read). A damaged file is a :class:`RunFolderError`
naming the file, the line of a ``.jsonl`` file, the field path and what to do about it.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, get_type_hints

from pydantic import BaseModel, Field, ValidationError, create_model, model_validator

from drillsim.analysis.model import Strict
from drillsim.analysis.summary import ObjectiveResult, QueueStats, ReplicationSummary
from drillsim.errors import Problem, ResultsFormatError
from drillsim.i18n import N_, Msg, Number

RERUN = Msg("runs.rerun_hint")
"""Hint for a run-folder file that is damaged: nothing in it can be trusted to be repaired by hand
("re-run the study (drillsim run SCENARIO --out NEW_FOLDER) or restore the folder from a copy")."""

LIMITS: dict[str, tuple[str, int]] = {
    "manifest": ("DRILLSIM_MAX_MANIFEST_BYTES", 10_000_000),
    "scenario": ("DRILLSIM_MAX_SCENARIO_JSON_BYTES", 100_000_000),
    "summaries": ("DRILLSIM_MAX_SUMMARIES_BYTES", 4_000_000_000),
    "analysis": ("DRILLSIM_MAX_ANALYSIS_BYTES", 100_000_000),
    "log": ("DRILLSIM_MAX_LOG_BYTES", 2_000_000_000),
}
"""Largest file of each kind a reader loads: (environment variable that raises it, default bytes)."""

KINDS: dict[str, str] = {
    "manifest": N_("runs.kind.manifest"),
    "scenario": N_("runs.kind.scenario"),
    "summaries": N_("runs.kind.summaries"),
    "analysis": N_("runs.kind.analysis"),
    "log": N_("runs.kind.log"),
}
"""The words for each file kind of :data:`LIMITS`, in a message ("a summaries file")."""

MAX_INT = 10**15
"""Largest count, replication number or seed a run folder may hold (a seed is drawn below 2**32)."""


class RunFolderError(ResultsFormatError):
    """A file of a run folder is damaged, of another run, or too large: one located problem."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.message)

    def render(self, lang: str = "en") -> str:
        """``file:line: error: field: message`` and the hint, in ``lang``."""
        return self.problem.format(lang)


def damaged(
    path: Path, message: str, *, line: int | None = None, field: str = "", hint: str = RERUN
) -> RunFolderError:
    """The error for a damaged run-folder file (``message`` and ``hint`` are catalogue messages)."""
    return RunFolderError(Problem(message, file=str(path), line=line, path=field, hint=hint))


def limit_of(kind: str) -> tuple[str, int]:
    """(environment variable, bytes) of a file kind's size limit; a bad variable value is refused."""
    var, default = LIMITS[kind]
    text = os.environ.get(var)
    if text is None:
        return var, default
    if not text.strip().isdigit() or len(text.strip()) > 18:
        raise ResultsFormatError(Msg("runs.limit_not_bytes", setting=f"{var}={text[:40]!r}"))
    return var, int(text)


def read_text(path: Path, kind: str) -> str:
    """A run-folder file's text, refused before reading when it is over its kind's limit."""
    var, limit = limit_of(kind)
    size = path.stat().st_size
    if size > limit:
        raise damaged(
            path,
            Msg(
                "runs.file_too_large",
                size=Number(size, grouped=True),
                limit=Number(limit, grouped=True),
                kind=Msg(KINDS[kind]),
            ),
            hint=Msg("runs.file_too_large_hint", setting=f"{var}={size}"),
        )
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise damaged(path, Msg("runs.not_utf8", byte=str(exc.start))) from None


MAX_SECONDS = 1e10
"""Longest time a run folder may hold (317 years): sums of many stay finite, and clocks printable."""


Count = Annotated[int, Field(ge=0, le=MAX_INT)]
Seconds = Annotated[float, Field(ge=0, le=MAX_SECONDS)]
Hex64 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Id = Annotated[str, Field(min_length=1, max_length=200)]
Part = Annotated[str, Field(pattern=r"^[^@]+@")]
"""A critical-path part, ``category@place`` (the place may be empty)."""


class FailureModel(Strict):
    """A replication that failed inside the engine (``Failure`` in experiment.py)."""

    variant: Id
    replication: Count
    seed: Count
    error: str


class ManifestModel(Strict):
    """``manifest.json`` (``results_io.Manifest``)."""

    scenario_id: str
    scenario_hash: Hex64
    scenario_file: str
    scenario_sha256: Hex64
    seed: Count
    replications: Count
    variants: Annotated[list[Id], Field(min_length=1)]
    workers: Count
    engine: Literal["local", "dask"] = "local"
    status: Literal["running", "complete", "interrupted", "failed"] = "running"
    started_at: str = ""
    finished_at: str = ""
    completed: dict[Id, Count] = Field(default_factory=dict)
    failures: list[FailureModel] = Field(default_factory=list)
    logs: dict[Id, dict[Id, Count]] = Field(default_factory=dict)
    until_ci: Annotated[float, Field(gt=0)] | None = None
    drillsim_version: str
    format: Literal["drillsim-results"]
    format_version: int


Times = tuple[Seconds | None, ...]

_JSON_TYPES: dict[Any, Any] = {
    int: Count,
    float: Seconds,
    str: str,
    bool: bool,
    tuple[float | None, ...]: Times,
    tuple[int, ...]: tuple[Count, ...],
    tuple[tuple[str, str, str], ...]: tuple[tuple[str, str, str], ...],
}
"""The JSON type (with its bounds) of each field type the summary dataclasses use."""


def _json_model(cls: type, base: type[Strict], **own: Any) -> type[Strict]:
    """A strict model of ``cls.to_json()``, its fields taken from the dataclass ``cls`` (``own``
    gives a field whose JSON form differs), so a field added to a summary reaches the check."""
    hints = get_type_hints(cls)
    fields: dict[str, Any] = {
        f.name: (own.get(f.name, _JSON_TYPES.get(hints[f.name])), ...)
        for f in dataclasses.fields(cls)
    }
    unknown = [k for k, (t, _) in fields.items() if t is None]
    if unknown:  # a new field of a type without a JSON form here: say so at import
        raise TypeError(
            f"no JSON type for {cls.__name__}.{', '.join(unknown)}: add it to _JSON_TYPES"
        )
    doc = f"``{cls.__name__}.to_json``, checked (its fields come from the dataclass)."
    return create_model(f"{cls.__name__}Model", __base__=base, __doc__=doc, **fields)


class _QueueChecks(Strict):
    """A desk or unit pool in one replication (``summary.QueueStats.to_json``); its fields come
    from ``QueueStats`` (see ``QueueModel``)."""

    @model_validator(mode="after")
    def _waits_served(self) -> _QueueChecks:
        """Only what was served has a wait (``served - len(waited)`` of them waited none)."""
        waits, served = len(self.__dict__["waited"]), self.__dict__["served"]
        if waits > served:
            raise ValueError(Msg("runs.more_waits_than_served", waits=waits, served=served))
        return self


QueueModel = _json_model(QueueStats, _QueueChecks, waited=list[Seconds])
ObjectiveModel = _json_model(
    ObjectiveResult, Strict, time=Seconds | None, parts=tuple[tuple[Part, Seconds], ...]
)
SummaryModel = _json_model(
    ReplicationSummary,
    Strict,
    objectives=tuple[ObjectiveModel, ...],  # type: ignore[valid-type]
    desks=tuple[QueueModel, ...],  # type: ignore[valid-type]
    units=tuple[QueueModel, ...],  # type: ignore[valid-type]
)
"""One line of ``summaries/VARIANT.jsonl`` (``summary.ReplicationSummary.to_json``)."""


M = TypeVar("M", bound=BaseModel)

_AT = re.compile(r" at line (\d+) column (\d+)")
_RULE_PREFIX = re.compile(r"^(Value error|Assertion failed), ")


def parse(
    model: type[M], text: str, path: Path, *, line: int | None = None, hint: str = RERUN
) -> M:
    """``text`` validated as ``model``; the first problem located (line, field path) as a RunFolderError."""
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        raise problem_of(exc, path, line, hint) from None


def problem_of(
    exc: ValidationError, path: Path, line: int | None, hint: str = RERUN
) -> RunFolderError:
    """The first error of a validation, named by field path (and line: the .jsonl line, or JSON's own)."""
    err = exc.errors(include_url=False, include_input=False)[0]
    msg = str(err["msg"])
    if err["type"] == "json_invalid":
        at = _AT.search(msg)
        where = line if line is not None else (int(at.group(1)) if at else None)
        what = msg.replace("Invalid JSON: ", "")
        what = _AT.sub("", what) if line is None else what
        return damaged(path, Msg("runs.not_json", detail=what), line=where, hint=hint)
    return damaged(path, field_error(err), line=line, field=dotted(err["loc"]), hint=hint)


FIELD_ERRORS: dict[str, str] = {
    "extra_forbidden": N_("runs.field.unknown"),
    "missing": N_("runs.field.missing"),
    "int_type": N_("runs.field.int"),
    "int_parsing": N_("runs.field.int"),
    "int_parsing_size": N_("runs.field.int"),
    "int_from_float": N_("runs.field.int_not_fraction"),
    "float_type": N_("runs.field.number"),
    "float_parsing": N_("runs.field.number"),
    "finite_number": N_("runs.field.finite"),
    "string_type": N_("runs.field.text"),
    "bool_type": N_("runs.field.bool"),
    "bool_parsing": N_("runs.field.bool"),
    "list_type": N_("runs.field.list"),
    "tuple_type": N_("runs.field.list"),
    "dict_type": N_("runs.field.mapping"),
    "model_type": N_("runs.field.mapping"),
    "model_attributes_type": N_("runs.field.mapping"),
    "greater_than_equal": N_("runs.field.at_least"),
    "less_than_equal": N_("runs.field.at_most"),
    "greater_than": N_("runs.field.above"),
    "less_than": N_("runs.field.below"),
    "string_pattern_mismatch": N_("runs.field.pattern"),
    "string_too_short": N_("runs.field.text_too_short"),
    "string_too_long": N_("runs.field.text_too_long"),
    "too_short": N_("runs.field.too_few_items"),
    "too_long": N_("runs.field.too_many_items"),
    "literal_error": N_("runs.field.one_of"),
}
"""The message of each pydantic error type a run-folder model gives, its fields from the error's
``ctx`` (the English words are pydantic's own)."""


def field_error(err: Any) -> Msg:
    """One pydantic error of a run-folder file in the reader's words (a rule's own message kept)."""
    ctx = err.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, ValueError) and cause.args and isinstance(cause.args[0], Msg):
        return cause.args[0]  # a rule's own message (a validator's ValueError)
    key = FIELD_ERRORS.get(err["type"])
    if key is None:  # a rule's plain text (pydantic's "Value error, " cut), or a rare type
        return Msg("runs.field.other", detail=_RULE_PREFIX.sub("", str(err["msg"])))
    return Msg(key, **{k: _bound(v) for k, v in ctx.items() if k != "error"})


def _bound(value: Any) -> object:
    """A limit from an error's context as a message shows it (a whole float as a whole number)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int | float) else str(value)


def dotted(loc: tuple[Any, ...]) -> str:
    """``('objectives', 2, 'time')`` as ``objectives[2].time``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
