"""Where a task instance stands: written by the engine as it goes, read by ``reasons`` when the
run ends, to say in plain words why something did not finish."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class AwaitingAgency:
    """No agency able to do the task is ready yet (not alerted, activating or travelling)."""


@dataclass(frozen=True, slots=True)
class AwaitingPrerequisite:
    """Waiting for the task it comes after."""

    task: str


@dataclass(frozen=True, slots=True)
class AwaitingUnits:
    """A capable agency is ready; its units are not free yet (``agency``: its index)."""

    agency: int


@dataclass(frozen=True, slots=True)
class CannotStart:
    """No capable agency will ever have the units it needs at once."""


@dataclass(frozen=True, slots=True)
class Working:
    """Started by the agency of index ``agency``, holding its units."""

    agency: int


@dataclass(frozen=True, slots=True)
class CasualtiesUnderway:
    """A per-casualty task whose ``count`` casualties go through one by one."""

    count: int


@dataclass(frozen=True, slots=True)
class Done:
    """Finished."""


TaskState = (
    AwaitingAgency
    | AwaitingPrerequisite
    | AwaitingUnits
    | CannotStart
    | Working
    | CasualtiesUnderway
    | Done
)

AWAITING_AGENCY = AwaitingAgency()
CANNOT_START = CannotStart()
DONE = Done()


# NOTE: a frozen dataclass costs about a microsecond to build, and the engine changes a task's
# state several times per piece of work; the states are immutable, so each is built once.
@lru_cache(maxsize=4096)
def working(agency: int) -> Working:
    """The shared ``Working(agency)``."""
    return Working(agency)


@lru_cache(maxsize=4096)
def awaiting_units(agency: int) -> AwaitingUnits:
    """The shared ``AwaitingUnits(agency)``."""
    return AwaitingUnits(agency)


@lru_cache(maxsize=4096)
def awaiting_prerequisite(task: str) -> AwaitingPrerequisite:
    """The shared ``AwaitingPrerequisite(task)``."""
    return AwaitingPrerequisite(task)
