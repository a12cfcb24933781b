"""Issue 7: every figure of a scenario is cited or listed as an assumption.

A figure is a value under one of ``FIGURE_KEYS`` in the agencies, links, incidents, tasks or
objectives (what-ifs are left out: their values are labelled as what-ifs). It is traced when

- the comment on its line cites the domain reference ("domain-reference §N.N", or "DR §N.N" where
  the file's header defines DR) and does not call the value an assumption or a placeholder; on a
  line holding several figures the comment must name the one it cites; or
- the comment says the agency is on site (a zero travel time is a fact of the drill); or
- an ``assumptions:`` entry names it: its ``about`` or ``value`` names the owner (the id of the
  agency, incident, task or objective; for a link, its ``from`` and every ``to``) and the field
  (``activation``, ``delay``, ... in any case; an objective has one figure, its ``within``, so
  its id is enough).

Used by tests/test_library.py (the scenario library) and tests/test_new.py (the templates).
"""

from __future__ import annotations

import re

import yaml

from drillsim.scenario.new import FIGURES, common

FIGURE_KEYS = {k for keys in FIGURES.values() for k in keys} | {"within"}
SECTIONS = {
    "agencies": FIGURES["agency"],
    "links": FIGURES["link"],
    "incidents": FIGURES["incident"],
    "tasks": FIGURES["task"],
    "objectives": ("within",),
}
CITATION = re.compile(r"domain-reference\s*§|\bDR\s*§")
_WORDS = common()["words"]
NOT_A_SOURCE = re.compile(
    "|".join(["assum", "placeholder", *map(re.escape, _WORDS["assumption"].values())]),
    re.IGNORECASE,
)
ON_SITE = re.compile(
    "|".join([r"\bon site\b", *map(re.escape, _WORDS["on_site"].values())]), re.IGNORECASE
)

Figure = tuple[str, tuple[str, ...], str, int]
"""(section, owner ids, key, line index)."""


def _comment(line: str) -> str:
    return line.split("  # ", 1)[1].strip() if "  # " in line else ""


def _names(text: str, word: str, flags: int = 0) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, flags) is not None


def figures(text: str) -> list[Figure]:
    """Every figure outside the what-ifs, with the line its key is on."""
    root = yaml.compose(text)
    out: list[Figure] = []
    for section_node, items in root.value if isinstance(root, yaml.MappingNode) else ():
        section = section_node.value
        if section not in SECTIONS or not isinstance(items, yaml.SequenceNode):
            continue
        for item in items.value:
            if not isinstance(item, yaml.MappingNode):
                continue
            fields = {k.value: (k, v) for k, v in item.value}
            if section == "links":
                to = fields["to"][1]
                targets = (
                    [n.value for n in to.value] if isinstance(to, yaml.SequenceNode) else [to.value]
                )
                owner = (fields["from"][1].value, *targets)
            else:
                owner = (fields["id"][1].value,)
            out += [
                (section, owner, key, fields[key][0].start_mark.line)
                for key in SECTIONS[section]
                if key in fields
            ]
    return out


def _cited(note: str, key: str, alone: bool) -> bool:
    return (
        bool(CITATION.search(note))
        and not NOT_A_SOURCE.search(note)
        and (alone or _names(note, key))
    )


def _listed(entries: list[str], section: str, owner: tuple[str, ...], key: str) -> bool:
    return any(
        all(_names(e, o) for o in owner)
        and (section == "objectives" or _names(e, key, re.IGNORECASE))
        for e in entries
    )


def untraced_figures(text: str) -> list[str]:
    """The figures of a scenario text neither cited on their line nor listed as an assumption."""
    assumptions = yaml.safe_load(text).get("assumptions") or []
    entries = [f"{a.get('about', '')} {a.get('value', '')}" for a in assumptions]
    lines, found = text.splitlines(), figures(text)
    per_line = [number for *_, number in found]
    missing = []
    for section, owner, key, number in found:
        note = _comment(lines[number])
        if (
            _cited(note, key, per_line.count(number) == 1)
            or (key == "travel" and note and ON_SITE.search(note))
            or _listed(entries, section, owner, key)
        ):
            continue
        missing.append(f"{' -> '.join(owner)}.{key}: {lines[number].strip()}")
    return missing
