"""Protective limits on what drillsim will process, each with the variable that raises it.

A limit bounds the real cost of an input (memory and time), not only its bytes: a 10 MB scenario
of one long list costs gigabytes once parsed, so lists, values and texts are counted as the file
is read, before the expensive step. Every refusal names the limit and how to raise it (the
README's Limits table lists them all).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from drillsim.errors import LimitError, Problem
from drillsim.i18n import Msg, Number
from drillsim.scenario.locate import Located


@dataclass(frozen=True, slots=True)
class Limit:
    """One protective limit: what it counts, its default, and the environment variable that raises it."""

    what: Msg
    """What is counted, as a message says it: ``agencies``, ``items in one list``."""
    default: int
    env: str

    def value(self) -> int:
        """The limit in force: the variable's whole number if set, else the default."""
        text = os.environ.get(self.env)
        if text is None or not text.strip():
            return self.default
        try:
            return max(1, int(text.strip().replace("_", "").replace(",", "")))
        except ValueError:
            raise LimitError(
                Msg(
                    "limits.not_whole_number",
                    setting=f"{self.env}={text[:40]!r}",
                    what=self.what,
                    default=Number(self.default, grouped=True),
                )
            ) from None

    def hint(self) -> Msg:
        """How to raise the limit, for a Problem's hint."""
        return Msg(
            "limits.hint", env=self.env, limit=Number(self.value(), grouped=True), what=self.what
        )

    def refusal(self, count: int | str, where: Msg | None = None) -> Msg:
        """The sentence of a refusal: ``the scenario has 20,001 agencies, over the limit of 20,000``."""
        return Msg(
            "limits.refusal",
            where=where or WHERE_SCENARIO,
            count=Number(count, grouped=True) if isinstance(count, int) else count,
            what=self.what,
            limit=Number(self.value(), grouped=True),
        )

    def over(self, count: int, where: Msg | None = None) -> Msg:
        """A refusal that says how to raise the limit: ``... over the limit of 20,000; set X to raise it``."""
        return Msg(
            "limits.over",
            where=where or WHERE_SCENARIO,
            count=Number(count, grouped=True),
            what=self.what,
            limit=Number(self.value(), grouped=True),
            env=self.env,
        )


WHERE_SCENARIO = Msg("limits.where_scenario")
"""``the scenario``, the subject of a refusal."""


# -- scenarios ------------------------------------------------------------------------------------

AGENCIES = Limit(Msg("limits.agencies"), 20_000, "DRILLSIM_MAX_AGENCIES")
LINKS = Limit(Msg("limits.links"), 200_000, "DRILLSIM_MAX_LINKS")
VARIANTS = Limit(Msg("limits.variants"), 1_000, "DRILLSIM_MAX_VARIANTS")
LIST_ITEMS = Limit(Msg("limits.list_items"), 10_000, "DRILLSIM_MAX_LIST_ITEMS")
"""Any other list: sources, assumptions, incidents, tasks, objectives, empirical samples, ``to``, ..."""
VALUES = Limit(Msg("limits.values"), 500_000, "DRILLSIM_MAX_SCENARIO_VALUES")
"""Every mapping, list and scalar of a scenario file (about 1 KB of memory each while it is read)."""
TEXT_CHARS = Limit(Msg("limits.text_chars"), 20_000, "DRILLSIM_MAX_TEXT_CHARS")
CASUALTIES = Limit(Msg("limits.casualties"), 1_000_000, "DRILLSIM_MAX_CASUALTIES")

MAX_KEY_CHARS = 200
"""Longest mapping key (field names are short; ids at most 64 characters)."""

MAX_INT_DIGITS = 4_000
"""Longest whole number read (Python refuses to convert one of more than 4,300 digits)."""

LIST_LIMITS: dict[str, Limit] = {
    "agencies": AGENCIES,
    "add_agencies": AGENCIES,
    "variants": VARIANTS,
}
"""Lists with their own limit, by field name; every other list has LIST_ITEMS."""


def list_limit(field: str | None) -> Limit:
    """The limit on the length of the list held by ``field``."""
    return LIST_LIMITS.get(field or "", LIST_ITEMS)


# -- other inputs ---------------------------------------------------------------------------------

OBSERVED_BYTES = Limit(Msg("limits.bytes"), 20 * 1024 * 1024, "DRILLSIM_MAX_OBSERVED_BYTES")
OBSERVED_ROWS = Limit(Msg("limits.rows"), 10_000, "DRILLSIM_MAX_OBSERVED_ROWS")
MERGED_CELLS = Limit(Msg("limits.merged_cells"), 2_000_000, "DRILLSIM_MAX_MERGED_CELLS")
"""Cells that the merged ranges of one sheet cover, within the rows and columns read."""


# -- a scenario's size, on its plain data -------------------------------------------------------


def _count(items: Any) -> int:
    return len(items) if isinstance(items, list) else 0


def _pairs(links: Any) -> int:
    """Sender-recipient pairs of a plain ``links`` list (``to`` is one id or a list)."""
    if not isinstance(links, list):
        return 0
    return sum(
        len(l["to"]) if isinstance(l, dict) and isinstance(l.get("to"), list) else 1 for l in links
    )


def _casualties(incidents: Any) -> int:
    total = 0
    for inc in incidents if isinstance(incidents, list) else ():
        cas = inc.get("casualties") if isinstance(inc, dict) else None
        if isinstance(cas, dict):
            total += sum(
                v for v in cas.values() if isinstance(v, int) and not isinstance(v, bool) and v > 0
            )
    return total


def cost_problems(located: Located, name: str) -> list[Problem]:
    """The scenario's size against the limits the run applies, on the plain data (before validation).

    ``validate`` and ``run`` both load through here, so a file ``validate`` passes is never refused
    by ``run`` for its size. A variant counts with the base scenario it is applied to.
    """
    data = located.data
    if not isinstance(data, dict):
        return []
    raw = data.get("variants")
    variants = [v for v in raw if isinstance(v, dict)] if isinstance(raw, list) else []
    checks = [
        (
            AGENCIES,
            "agencies",
            _count(data.get("agencies")),
            [_count(v.get("add_agencies")) for v in variants],
        ),
        (LINKS, "links", _pairs(data.get("links")), [_pairs(v.get("add_links")) for v in variants]),
        (
            CASUALTIES,
            "incidents",
            _casualties(data.get("incidents")),
            [_casualties(v.get("add_incidents")) for v in variants],
        ),
    ]
    problems = []
    for limit, key, base, added in checks:
        worst = max(range(len(added)), key=added.__getitem__, default=None)
        total = base + (added[worst] if worst is not None else 0)
        if total <= limit.value():
            continue
        where = (
            WHERE_SCENARIO
            if worst is None or not added[worst]
            else Msg("limits.where_variant", variant=f"{variants[worst].get('id', worst)!s:.64}")
        )
        line, column = located.key_marks.get((key,), (None, None))
        problems.append(
            Problem(
                limit.over(total, where),
                file=name,
                line=line,
                column=column,
                path=key,
            )
        )
    return problems
