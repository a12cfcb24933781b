"""The model of ``analysis.json``, shared by its writer (``analysis.api.to_json``) and every
reader (the run-folder check in ``runs.check``, the report).

The file holds typed results (findings, suggestions, statistics) as plain JSON. The model pins
the parts a reader relies on, strictly (exact types, finite numbers), and keeps every other key
as written, so that a reader of an older drillsim still reads a newer file's known parts.
``Strict`` and ``Open`` are the two kinds of JSON model every run-folder file is read with.
"""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from drillsim.i18n import Msg
from drillsim.scenario.model import Variant

ANALYSIS_FILE = "analysis.json"
"""Its name in a run folder."""

ANALYSIS_FORMAT: Final = "drillsim-analysis"
"""The ``format`` key of ``analysis.json``."""

ANALYSIS_VERSION: Final = 1
"""Version of ``analysis.json`` written now: 1 added ``format`` and ``version`` (the content is
that of the unversioned files, version 0). Raise it when a key a reader needs changes meaning."""

ANALYSIS_RERUN = Msg("analysis.rerun_hint")
"""Hint for an ``analysis.json`` that cannot be read: it is derived data, so it can be rebuilt."""


class Strict(BaseModel):
    """Strict JSON: exact types, no extra keys, finite numbers."""

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False, frozen=True)


class Open(Strict):
    """Strict in the fields a reader uses; other keys are kept (written by newer code, or for people)."""

    model_config = ConfigDict(strict=True, extra="allow", allow_inf_nan=False, frozen=True)

    def plain(self) -> dict[str, Any]:
        """As plain JSON data with the keys it was read with (for code that reads mappings)."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


Param = str | int | float | bool | None


class FindingModel(Open):
    """A finding in ``analysis.json``: what the report reads of it."""

    kind: str
    title: str
    text: str
    evidence: str
    suggestion: str
    agency: str | None = None
    link: str | None = None
    objectives: tuple[str, ...] = ()
    variants: tuple[Variant, ...] = ()
    message: str | None = None
    params: dict[str, Param] = {}
    evidence_parts: tuple[tuple[str, Param], ...] = ()


class Interval(Strict):
    """A confidence interval (either end may be unknown)."""

    low: float | None = None
    high: float | None = None


class EffectModel(Open):
    """A tested change's effect on one objective."""

    objective: str
    met_diff: float
    met_ci: Interval | None = None
    median_diff: float | None = None
    significant: bool = False
    before: float | None = None


class SuggestionModel(Open):
    """A suggested change tested by simulation."""

    variant: Variant
    finding: str = ""
    effects: tuple[EffectModel, ...] = ()
    message: str | None = None
    params: dict[str, Param] = {}
    element: str = ""
    owner: str = ""
    replications: int = 0
    gain: float
    benefit: float
    recommended: bool


class StructureModel(Open):
    """The coordination graph's structure: the report reads its betweenness."""

    betweenness: dict[str, float] = {}


class AnalysisModel(Open):
    """``analysis.json`` (``analysis.api.to_json``): the parts the report reads.

    ``version`` is :data:`ANALYSIS_VERSION` in the files written now; a file written before the
    field existed (version 0) holds the same content and is read as it is. A file of a newer
    version is refused: this drillsim cannot know what changed in it.
    """

    format: Literal["drillsim-analysis"] = ANALYSIS_FORMAT
    version: int = 0
    findings: tuple[FindingModel, ...]
    strengths: tuple[str, ...] = ()
    structure: StructureModel
    suggestions: tuple[SuggestionModel, ...] = ()

    @field_validator("version")
    @classmethod
    def _known_version(cls, version: int) -> int:
        if version > ANALYSIS_VERSION or version < 0:
            # A ValueError carrying a Msg: the run-folder check says it in the reader's language.
            raise ValueError(
                Msg("analysis.version_unknown", version=str(version), known=str(ANALYSIS_VERSION))
            )
        return version
