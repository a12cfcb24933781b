"""The scenario format: pydantic models for a drill, frozen, strict about unknown fields.

These models check shapes, types, units and ranges (phase 1). Cross-references such as "does this
agency exist" are checked by :mod:`drillsim.scenario.semantics` (phase 2). Nothing here reads files.
Field descriptions are the single source for ``drillsim schema`` and the format reference.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, TypeAlias, Union

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from drillsim.dates import IsoDate, PlanDue
from drillsim.i18n import N_, Msg
from drillsim.scenario.durations import Dist, Fixed, Probability, Seconds
from drillsim.scenario.rules import change_model, empty_list, retry_floor, what_if

FORMAT: Literal[1] = 1
"""Version of the scenario format this drillsim reads."""

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
Id = Annotated[str, Field(pattern=ID_PATTERN, description="Letters, digits, - and _ (at most 64).")]
"""An identifier: ASCII so that it is safe in file names and commands; display names may be any script."""

Triage = Literal["red", "yellow", "green", "black"]
TRIAGE: tuple[Triage, ...] = ("red", "yellow", "green", "black")
"""START triage categories in priority order (immediate, delayed, minor, expectant)."""

CORE_CAPABILITIES: tuple[str, ...] = (
    "Planning",
    "Public Information and Warning",
    "Operational Coordination",
    "Forensics and Attribution",
    "Intelligence and Information Sharing",
    "Interdiction and Disruption",
    "Screening, Search, and Detection",
    "Access Control and Identity Verification",
    "Cybersecurity",
    "Physical Protective Measures",
    "Risk Management for Protection Programs and Activities",
    "Supply Chain Integrity and Security",
    "Community Resilience",
    "Long-term Vulnerability Reduction",
    "Risk and Disaster Resilience Assessment",
    "Threats and Hazards Identification",
    "Critical Transportation",
    "Environmental Response/Health and Safety",
    "Fatality Management Services",
    "Fire Management and Suppression",
    "Infrastructure Systems",
    "Logistics and Supply Chain Management",
    "Mass Care Services",
    "Mass Search and Rescue Operations",
    "On-scene Security, Protection, and Law Enforcement",
    "Operational Communications",
    "Public Health, Healthcare, and Emergency Medical Services",
    "Situational Assessment",
    "Economic Recovery",
    "Health and Social Services",
    "Housing",
    "Natural and Cultural Resources",
)
"""The 32 core capabilities of the US National Preparedness Goal, which HSEEP objectives evidence."""

TargetKind = Literal[
    "hydropower_plant",
    "power_plant",
    "hospital",
    "bank",
    "school",
    "telecom_site",
    "government_office",
    "border_area",
    "transport_hub",
    "airport",
    "commercial_center",
    "industrial_site",
    "multi_site",
    "other",
]
Sector = Literal[
    "security",
    "fire_rescue",
    "health",
    "government",
    "military",
    "infrastructure",
    "education",
    "other",
]


def _as_tuple(value: Any) -> Any:
    """Accept a single id where a list is expected (``to: police_hq``)."""
    return (value,) if isinstance(value, str) else value


IdList = Annotated[tuple[Id, ...], BeforeValidator(_as_tuple)]


class Model(BaseModel):
    """Base of every scenario model: frozen, unknown fields refused, fields by name or alias."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def _zero() -> Fixed:
    return Fixed(fixed=0.0)


class ScenarioInfo(Model):
    """What the drill is: its identity and the simulation settings."""

    id: Id = Field(description="Short identifier, used for output folders.")
    title: str = Field(
        min_length=1, max_length=300, description="Title in the language of the drill."
    )
    exercise_type: Literal["tabletop", "functional", "full_scale"] = "tabletop"
    language: Literal["en", "vi", "zh"] = Field("en", description="Default report language.")
    horizon: Seconds = Field(
        4 * 3600.0, description="How long a replication may run (scenario time)."
    )
    seed: int = Field(0, ge=0, le=2**63 - 1, description="Default seed of a run.")
    description: str = Field("", max_length=5000)
    mission_areas: tuple[
        Literal["Prevention", "Protection", "Mitigation", "Response", "Recovery"], ...
    ] = ("Response",)
    threat: str = Field("", max_length=500, description="Threat or hazard (HSEEP overview).")
    sponsor: str = Field("", max_length=300)
    point_of_contact: str = Field("", max_length=300)
    location: str = Field("", max_length=300)
    date: IsoDate | None = Field(
        None,
        description="Date of the exercise (ISO YYYY-MM-DD); the plan's deadlines count from it.",
    )
    plan_due: PlanDue | None = None

    @field_validator("horizon")
    @classmethod
    def _positive_horizon(cls, v: float) -> float:
        if v <= 0:
            # the error's type is its catalogue key (locate.describe says it in the reader's language)
            raise PydanticCustomError(
                N_("scenario.horizon_positive"),
                "the horizon must be longer than 0s",
                {"hint": Msg("scenario.horizon_positive_hint")},
            )
        return v


class Target(Model):
    """The key target where the drill takes place."""

    name: str = Field(min_length=1, max_length=300)
    kind: TargetKind
    zones: tuple[Id, ...] = Field((), description="Zones (or sites) that incidents can happen in.")
    address: str = Field("", max_length=300)


class ZoneTravel(Model):
    """Travel time that depends on the zone (or site) of the incident."""

    by_zone: dict[Id, Dist] = Field(min_length=1)


def _travel_kind(value: Any) -> str:
    """Which form of travel a value is: zone travel when it names ``by_zone``, else a duration.

    The travel union is tagged by this, so that a wrong value gets the errors of the form it was
    written in, never those of the other form.
    """
    if isinstance(value, ZoneTravel) or isinstance(value, dict) and "by_zone" in value:
        return "ZoneTravel"
    return "distribution"


Travel = Annotated[
    Annotated[ZoneTravel, Tag("ZoneTravel")] | Annotated[Dist, Tag("distribution")],
    Discriminator(_travel_kind),
]
"""Travel to the target: one duration, or one per zone (``by_zone``)."""


class Agency(Model):
    """An organisation taking part: its duty desk, its units and how fast it mobilises."""

    id: Id
    name: str = Field("", max_length=300, description="Display name, in any language.")
    kind: Id = Field("agency", description="Free type label: police, swat, ems, hospital, ...")
    sector: Sector = Field("other", description="Sector, for the brokerage analysis of the graph.")
    units: int = Field(
        1,
        ge=0,
        le=10_000,
        json_schema_extra={"minimum": 1},
        description="Teams or vehicles that can work on tasks at once.",
    )
    duty_officers: int = Field(
        1, ge=1, le=1_000, description="Staff at the duty desk handling alerts at once."
    )
    handling: Dist = Field(
        default_factory=_zero, description="Duty-desk time to process one outgoing alert."
    )
    activation: Dist = Field(
        default_factory=_zero, description="From first alert to units leaving."
    )
    travel: Travel | None = Field(
        None, description="Travel to the target; omit for an agency that works from its base."
    )
    capabilities: tuple[Id, ...] = Field(
        (), description="Task kinds it can do (matched by tasks' `by`)."
    )
    note: str = Field("", max_length=2000)
    authority: Literal["own", "external"] = Field(
        "own",
        description="external: outside the sponsor's authority (a foreign counterpart, a private "
        "operator); the improvement plan then asks its liaison to coordinate with it.",
    )
    liaison: Id | None = Field(
        None,
        description="Agency that coordinates with this one (default for an external agency: the first "
        "own agency with a link to it, else the first it links to).",
    )
    superior: str = Field(
        "", max_length=300, description="The agency's superior: an agency id or free text."
    )

    @field_validator("units")
    @classmethod
    def _units_in_play(cls, v: int, info: ValidationInfo) -> int:
        if v < 1 and not what_if(info):  # 0 only in a what-if: the agency's units are out of play
            raise PydanticCustomError(
                "greater_than_equal",
                "Input should be greater than or equal to {ge}",
                {"ge": 1, "hint": Msg("scenario.units_in_play_hint")},
            )
        return v

    @property
    def label(self) -> str:
        """The display name, or the id when there is none."""
        return self.name or self.id

    @property
    def external(self) -> bool:
        """True when the agency is outside the sponsor's authority."""
        return self.authority == "external"

    @property
    def deploys(self) -> bool:
        """True if the agency travels to the scene (it has a travel time)."""
        return self.travel is not None


class Channel(Model):
    """A backup channel used after the main channel's tries are spent."""

    channel: Id
    delay: Dist = Field(default_factory=_zero)
    reliability: Probability = 1.0
    retry: Seconds = 60.0
    attempts: int | None = Field(
        None, ge=1, le=1_000_000, description="Tries before giving up; none: until the horizon."
    )

    _retry = field_validator("retry")(retry_floor)


class Link(Model):
    """Who alerts whom, over which channel, how fast and how reliably."""

    from_: Id = Field(alias="from", validation_alias=AliasChoices("from", "from_"))
    to: IdList = Field(min_length=1, description="One agency id or a list.")
    channel: Id = Field("phone", description="hotline, radio, liaison_officer, phone, ...")
    delay: Dist = Field(default_factory=_zero, description="Time for one try to get through.")
    reliability: Probability = Field(1.0, description="Chance that one try gets through.")
    retry: Seconds = Field(300.0, description="Wait before trying again after a failed try.")
    attempts: int | None = Field(
        None,
        ge=1,
        le=1_000_000,
        description="Tries on this channel before switching to the backup (default 3 with a backup, "
        "otherwise until the horizon).",
    )
    backup: Channel | None = None
    note: str = Field("", max_length=2000)

    _retry = field_validator("retry")(retry_floor)

    def main_attempts(self) -> int | None:
        """Tries on the main channel: the explicit value, else 3 with a backup, else unlimited."""
        if self.attempts is not None:
            return self.attempts
        return 3 if self.backup is not None else None


class Casualties(Model):
    """Casualties an incident produces, by START triage category."""

    red: int = Field(0, ge=0, le=100_000)
    yellow: int = Field(0, ge=0, le=100_000)
    green: int = Field(0, ge=0, le=100_000)
    black: int = Field(0, ge=0, le=100_000)

    @property
    def total(self) -> int:
        """All casualties."""
        return self.red + self.yellow + self.green + self.black

    def by_category(self) -> tuple[tuple[str, int], ...]:
        """(category, count) in triage priority order."""
        return tuple((c, getattr(self, c)) for c in TRIAGE)


class MselEntry(Model):
    """The Master Scenario Events List columns of an inject that the engine does not use."""

    number: int | None = Field(None, ge=0)
    synopsis: str = Field("", max_length=2000)
    inject: str = Field("", max_length=2000)
    from_: str = Field(
        "", alias="from", validation_alias=AliasChoices("from", "from_"), max_length=300
    )
    to: str = Field("", max_length=300)
    method: str = Field("", max_length=300)
    controller: str = Field("", max_length=300)
    expected_action: str = Field("", max_length=2000)


class Incident(Model):
    """An inject of the exercise: something happens, someone detects it, tasks follow."""

    id: Id
    at: Seconds = Field(description="Scenario time of the inject.")
    zone: Id | None = None
    description: str = Field("", max_length=2000)
    detected_by: Id
    detection: Dist = Field(
        default_factory=_zero, description="From the inject to the detecting agency knowing."
    )
    casualties: Casualties = Field(default_factory=Casualties)
    triggers: IdList = Field(
        (), description="Tasks this inject triggers (their prerequisites come along)."
    )
    msel: MselEntry | None = None


class Task(Model):
    """A response task: who may do it, with how many units, for how long, after what."""

    id: Id
    name: str = Field("", max_length=300)
    by: IdList = Field(
        json_schema_extra={"minItems": 1},
        description="Agency ids or capability names, in order of preference.",
    )
    units: int = Field(
        1, ge=1, le=10_000, description="Units held (per casualty for a per-casualty task)."
    )
    duration: Dist = Field(default_factory=_zero, description="Work time of a whole task.")
    after: IdList = Field(
        (), description="Prerequisite tasks (same incident) that must finish first."
    )
    per_casualty: Dist | None = Field(
        None,
        description="Work time per casualty: casualties queue through this task by triage priority.",
    )
    categories: tuple[Triage, ...] = Field(
        TRIAGE, min_length=1, description="Triage categories that go through a per-casualty task."
    )
    description: str = Field("", max_length=2000)

    @field_validator("by")
    @classmethod
    def _someone(cls, v: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        if not v and not what_if(
            info
        ):  # empty only in a what-if that removed every agency it named
            raise empty_list()
        return v

    @property
    def label(self) -> str:
        """The display name, or the id."""
        return self.name or self.id

    @property
    def is_per_casualty(self) -> bool:
        """True when casualties flow through the task one by one."""
        return self.per_casualty is not None


MeasureKind = Literal["task_done", "task_started", "on_scene", "alerted", "casualties_through"]


class BaseMeasure(Model):
    """What an objective times, written with the kind as its key: ``{task_done: cordon}``.

    One model per kind is built by :func:`_measure` from :data:`MEASURES` (pydantic tells the
    kinds apart by that key); code reads any of them through ``kind``, ``target``, ``incident``
    and ``category``.
    """

    kind: ClassVar[MeasureKind]

    @property
    def target(self) -> str:
        """The task or agency measured (the value of the kind's key)."""
        return str(getattr(self, self.kind))

    if TYPE_CHECKING:  # the fields every kind has, as the type checker sees them
        incident: Id | None
        category: Triage | None


MEASURES: dict[MeasureKind, str] = {
    "task_done": "Time at which a task is finished (for every incident that triggered it, "
    "unless one is named).",
    "task_started": "Time at which a task starts.",
    "on_scene": "Time at which an agency is on scene (or activated, for one that does not deploy).",
    "alerted": "Time at which an agency first learns of an incident.",
    "casualties_through": "Time at which all casualties (of one category) are through a "
    "per-casualty task.",
}
"""The measure kinds, in the order messages name them, with what each times."""

PER_CATEGORY: tuple[MeasureKind, ...] = ("casualties_through",)
"""Kinds that may name a triage ``category``."""

TASK_MEASURES: tuple[MeasureKind, ...] = ("task_done", "task_started", "casualties_through")
"""Kinds that measure a task (the others measure an agency)."""


def _measure(kind: MeasureKind) -> type[BaseMeasure]:
    """The model of one measure kind: its key (the id measured), a category where the kind
    counts casualties, and an incident."""
    fields: dict[str, Any] = {kind: (Id, ...)}
    if kind in PER_CATEGORY:
        fields["category"] = (Triage | None, None)
    fields["incident"] = (Id | None, None)
    name = kind.title().replace("_", "")
    model = create_model(name, __base__=BaseMeasure, __doc__=MEASURES[kind], **fields)
    model.kind = kind
    if kind not in PER_CATEGORY:
        model.category = None  # read as "no category", not a field
    return model


MEASURE_MODELS: dict[MeasureKind, type[BaseMeasure]] = {k: _measure(k) for k in MEASURES}


def _measure_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        found = [k for k in MEASURES if k in value]
        return found[0] if len(found) == 1 else None
    if isinstance(value, BaseMeasure):  # a list or text is no measure (not a crash)
        return value.kind
    return None


if TYPE_CHECKING:
    Measure = BaseMeasure
else:
    Measure = Annotated[
        Union[tuple(Annotated[m, Tag(k)] for k, m in MEASURE_MODELS.items())],  # noqa: UP007
        Discriminator(
            _measure_kind,
            custom_error_type=N_("scenario.measure_kind"),  # a catalogue key: locate.describe
            custom_error_message="a measure has exactly one of " + ", ".join(MEASURES),
        ),
    ]


def _core_capability(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    for cap in CORE_CAPABILITIES:
        if cap.casefold() == value.strip().casefold():
            return cap
    close = difflib.get_close_matches(value, CORE_CAPABILITIES, n=1, cutoff=0.5)
    raise ValueError(
        Msg("scenario.not_core_capability_guess", value=repr(value), guess=repr(close[0]))
        if close
        else Msg("scenario.not_core_capability", value=repr(value))
    )


CoreCapability = Annotated[
    str,
    BeforeValidator(_core_capability),
    Field(json_schema_extra={"enum": list(CORE_CAPABILITIES)}),
]


class Objective(Model):
    """An exercise objective: a measured time and its target (SMART: specific, time-bound)."""

    id: Id
    description: str = Field("", max_length=2000)
    measure: Measure
    within: Seconds = Field(
        description="Target: the objective is met when the measure is at most this."
    )
    from_: str = Field(
        "trigger",
        alias="from",
        validation_alias=AliasChoices("from", "from_"),
        description="Clock start: trigger (the inject behind it), first_inject, exercise_start, or an incident id.",
    )
    core_capability: CoreCapability
    critical: bool = Field(
        True, description="A critical task target (rolls up into the capability rating)."
    )


def _someone_changed(v: tuple[str, ...]) -> tuple[str, ...]:
    if not v:
        raise empty_list(Msg("scenario.change_task_by_hint"))
    return v


# NOTE: the change models are built at import from the base models' fields (scenario.rules
# .change_model), so no field is declared twice; a type checker cannot see a model made by
# pydantic's create_model, so to it they are Any.
if TYPE_CHECKING:
    LinkChange: TypeAlias = Any
    AgencyChange: TypeAlias = Any
    TaskChange: TypeAlias = Any
else:
    LinkChange = change_model(
        Link,
        "Change to one existing link (from -> to) in a variant.",
        keys={
            "from_": (Id, Field(alias="from", validation_alias=AliasChoices("from", "from_"))),
            "to": (Id, ...),
        },
    )
    AgencyChange = change_model(
        Agency,
        "Change to one agency in a variant (units may be 0: no unit available).",
    )
    TaskChange = change_model(
        Task, "Change to one task in a variant.", checks={"by": _someone_changed}
    )


class Expectation(Model):
    """What the trainer expects a what-if to do, checked against the simulation in the report."""

    better: IdList = Field((), description="Objectives expected to be met more often or sooner.")
    worse: IdList = Field((), description="Objectives expected to be met less often or later.")


class Variant(Model):
    """A what-if: named changes to the base scenario."""

    id: Id
    description: str = Field("", max_length=2000)
    remove_links: tuple[tuple[Id, Id], ...] = Field((), description="[from, to] pairs to remove.")
    change_links: tuple[LinkChange, ...] = ()
    add_links: tuple[Link, ...] = ()
    remove_agencies: tuple[Id, ...] = Field((), description="Agencies taken out of play.")
    change_agencies: dict[Id, AgencyChange] = Field(default_factory=dict)
    add_agencies: tuple[Agency, ...] = ()
    change_tasks: dict[Id, TaskChange] = Field(default_factory=dict)
    add_incidents: tuple[Incident, ...] = ()
    horizon: Seconds | None = None
    expect: Expectation | None = Field(
        None, description="Objectives expected to improve or worsen."
    )


class Assumption(Model):
    """A value with no published source, labelled so the trainer can review it."""

    about: str = Field(min_length=1, max_length=300, description="What the assumption is about.")
    note: str = Field(
        min_length=1, max_length=2000, description="Why this value, and what would change it."
    )
    value: str = Field("", max_length=300)


class Scenario(Model):
    """A whole drill: the root of a scenario file."""

    format: Literal[1] = Field(FORMAT, description="Scenario format version.")
    scenario: ScenarioInfo
    target: Target
    agencies: tuple[Agency, ...] = Field(min_length=1)
    links: tuple[Link, ...] = ()
    incidents: tuple[Incident, ...] = Field(min_length=1)
    tasks: tuple[Task, ...] = ()
    objectives: tuple[Objective, ...] = ()
    variants: tuple[Variant, ...] = ()
    assumptions: tuple[Assumption, ...] = ()
    sources: tuple[str, ...] = Field((), description="Citations for the figures used.")

    @model_validator(mode="before")
    @classmethod
    def _mapping(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            # ValueError, not TypeError: pydantic reports only ValueError as a located problem.
            raise ValueError(Msg("scenario.not_mapping"))  # noqa: TRY004
        return data

    def agency(self, agency_id: str) -> Agency:
        """The agency with this id (KeyError if none)."""
        for a in self.agencies:
            if a.id == agency_id:
                return a
        raise KeyError(agency_id)

    def agency_label(self, agency_id: str) -> str:
        """The agency's display name, or the id itself when no agency has it (text never fails)."""
        try:
            return self.agency(agency_id).label
        except KeyError:
            return agency_id

    def liaison_of(self, agency_id: str) -> str | None:
        """Who coordinates with the agency: its ``liaison``, else (default) the first own agency with a
        link to it, else the first own agency it links to; None when there is none."""
        agency = self.agency(agency_id)
        if agency.liaison:
            return agency.liaison
        own = {a.id for a in self.agencies if not a.external}
        senders = [lk.from_ for lk in self.links if agency_id in lk.to and lk.from_ in own]
        recipients = [t for lk in self.links if lk.from_ == agency_id for t in lk.to if t in own]
        return next(iter(senders + recipients), None)

    def superior_label(self, agency_id: str) -> str:
        """The agency's superior as a reader sees it: the display name when it names an agency."""
        sup = self.agency(agency_id).superior
        return self.agency_label(sup) if sup else ""

    def task(self, task_id: str) -> Task:
        """The task with this id (KeyError if none)."""
        for t in self.tasks:
            if t.id == task_id:
                return t
        raise KeyError(task_id)

    def variant(self, variant_id: str) -> Variant:
        """The variant with this id (KeyError if none)."""
        for v in self.variants:
            if v.id == variant_id:
                return v
        raise KeyError(variant_id)

    def edges(self) -> tuple[tuple[str, str, int], ...]:
        """Every (from, to, link index) pair, in file order."""
        return tuple((link.from_, to, i) for i, link in enumerate(self.links) for to in link.to)
