"""The incidents as scenario YAML text, and a scenario with its incidents section replaced."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from drillsim.errors import DrillsimError, InputError, Problem, ScenarioError
from drillsim.i18n import Msg
from drillsim.msel.export import dist_text
from drillsim.scenario.durations import format_duration
from drillsim.scenario.loader import load_scenario_text_with_warnings, parse_yaml
from drillsim.scenario.model import (
    Incident,
    Scenario,
)
from drillsim.scenario.yamltext import plain, quote

# -- YAML text ------------------------------------------------------------------------------------


def incidents_yaml(incidents: Sequence[Incident]) -> str:
    """The ``incidents:`` section in the style of the scenario files (short values in flow style)."""
    lines = ["incidents:"]
    for inc in incidents:
        lines += [f"  - id: {plain(inc.id)}", f"    at: {format_duration(inc.at)}"]
        lines += [f"    zone: {plain(inc.zone)}"] if inc.zone is not None else []
        lines += [f"    description: {quote(inc.description)}"] if inc.description else []
        lines.append(f"    detected_by: {plain(inc.detected_by)}")
        if not (inc.detection.is_fixed and inc.detection.mean() == 0):
            lines.append(f"    detection: {dist_text(inc.detection)}")
        counts = [f"{c}: {n}" for c, n in inc.casualties.by_category() if n]
        lines += ["    casualties: {" + ", ".join(counts) + "}"] if counts else []
        lines += (
            ["    triggers: [" + ", ".join(map(plain, inc.triggers)) + "]"] if inc.triggers else []
        )
        if inc.msel is not None:
            data = inc.msel.model_dump(by_alias=True, exclude_defaults=True)
            lines.append("    msel:" if data else "    msel: {}")
            lines += [
                f"      {k}: {v if isinstance(v, int) else plain(v)}" for k, v in data.items()
            ]
    return "\n".join(lines) + "\n"


def incidents_text(incidents: Sequence[Incident]) -> str:
    """``incidents_yaml``, checked to read back as the same incidents."""
    text = incidents_yaml(incidents)
    back = tuple(
        Incident.model_validate(d) for d in parse_yaml(text, "<incidents>").data["incidents"]
    )
    if back != tuple(incidents):
        raise DrillsimError(Msg("msel.bug_yaml_differs"))
    return text


def replace_incidents(
    text: str, name: str, original: Scenario, incidents: Sequence[Incident], out_name: str
) -> tuple[str, list[Problem]]:
    """The scenario text with its ``incidents:`` lines replaced, every other line (and comment) kept.

    The result is loaded and checked as a whole scenario before it is returned (with its warnings);
    errors are located in the original file where they come from.
    """
    marks = {k[0]: m for k, m in parse_yaml(text, name).key_marks.items() if len(k) == 1}
    if marks.get("incidents", (0, 0))[1] != 1:
        raise InputError(Msg("msel.incidents_not_replaceable", file=name))
    lines = text.splitlines(keepends=True)
    start = marks["incidents"][0] - 1
    end = min((line - 1 for line, _ in marks.values() if line - 1 > start), default=len(lines))
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1  # blank lines and comments just above the next section belong to it
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    section = incidents_yaml(incidents).replace("\n", newline).splitlines(keepends=True)
    merged = "".join([*lines[:start], *section, *lines[end:]])
    try:
        scenario, warnings = load_scenario_text_with_warnings(merged, out_name)
    except ScenarioError as exc:
        raise ScenarioError(_relocate(exc.problems, name, start, end, len(section))) from None
    if scenario != original.model_copy(update={"incidents": tuple(incidents)}):
        raise DrillsimError(Msg("msel.bug_other_section"))
    return merged, warnings


def _relocate(
    problems: Sequence[Problem], file: str, start: int, end: int, new: int
) -> list[Problem]:
    """Problems of the merged text, placed on the original file's lines (None inside the imported lines)."""
    out = []
    for p in problems:
        line = p.line
        if line is not None and line > start + new:
            line = line - new + (end - start)
        elif line is not None and line > start:
            line = None
        out.append(
            dataclasses.replace(
                p,
                file=file,
                line=line,
                column=p.column if line else None,
                hint=p.hint or Msg("msel.incidents_from_msel"),
            )
        )
    return out
