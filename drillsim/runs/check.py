"""A run folder opened whole and checked against itself, for every command that reads one.

``report``, ``chart``, ``analyze --results`` and ``compare --results`` all call :func:`open_run`,
so a damaged folder gets the same located error from each: the manifest, ``scenario.json``
(its hash recomputed and compared with the manifest's: a ``scenario.json`` copied in from
another run is refused), every summary line (its shape compared with the scenario: one entry
per objective, agency, task and task instance) and ``analysis.json`` when present.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from drillsim.analysis.messages import MESSAGES
from drillsim.analysis.model import ANALYSIS_FILE, ANALYSIS_RERUN, AnalysisModel
from drillsim.analysis.summary import ReplicationSummary, task_instances
from drillsim.errors import ResultsFormatError
from drillsim.i18n import Msg
from drillsim.runs.models import damaged, parse, problem_of, read_text
from drillsim.runs.store import RunData, read_run, safe_name
from drillsim.scenario.model import Scenario
from drillsim.sim.compile import compile_scenario, content_hash

SCENARIO_JSON = "scenario.json"
ANALYSIS_JSON = ANALYSIS_FILE
OTHER_RUN = Msg("runs.other_run_scenario")
"""The hint of a scenario.json whose hash is not the manifest's: "this scenario.json belongs to
another run: copy back this run's own scenario.json, or re-run the study"."""
OTHER_RUN_SUMMARY = Msg("runs.other_run_summary")
"""The same for a summary file whose shape is not the scenario's."""


def open_run(root: Path) -> tuple[RunData, Scenario]:
    """The run folder's results and scenario, each file checked; a damaged one is a located error."""
    run = read_run(root)
    scenario = load_scenario(root, run.manifest.scenario_hash)
    check_shapes(root, run, scenario)
    path = root / ANALYSIS_JSON
    if path.exists():
        read_analysis(path)
    return run, scenario


def load_scenario(root: Path, expected_hash: str | None = None) -> Scenario:
    """``scenario.json`` validated, and (given the manifest's hash) proved to be this run's scenario."""
    path = root / SCENARIO_JSON
    if not path.is_file():
        raise ResultsFormatError(Msg("runs.no_scenario_json", folder=str(root), file=path.name))
    text = read_text(path, "scenario")
    try:
        scenario = Scenario.model_validate_json(text)
    except ValidationError as exc:
        err = problem_of(exc, path, None)
        raise damaged(
            path,
            Msg("runs.scenario_json_invalid", problem=err.problem.message),
            line=err.problem.line,
            field=err.problem.path,
        ) from None
    # NOTE: hashed as written, not as re-read: the models may have gained fields since the run.
    if expected_hash is not None and (found := content_hash(json.loads(text))) != expected_hash:
        raise damaged(
            path,
            Msg("runs.hash_differs", found=found[:12], expected=expected_hash[:12]),
            hint=OTHER_RUN,
        )
    return scenario


def check_shapes(root: Path, run: RunData, scenario: Scenario) -> None:
    """Every summary has one entry per objective, agency, task and task instance of the scenario,
    replication numbers within the run and each once."""
    n_agencies, n_tasks = len(scenario.agencies), len(scenario.tasks)
    sizes = {
        "objectives": len(scenario.objectives),
        "alerted": n_agencies,
        "activated": n_agencies,
        "on_scene": n_agencies,
        "duplicates": n_agencies,
        "desks": n_agencies,
        "units": n_agencies,
        "task_start": n_tasks,
        "task_done": n_tasks,
    }
    n_instances = len(task_instances(compile_scenario(scenario)))
    sizes |= {"instance_start": n_instances, "instance_done": n_instances}
    for variant, rows in run.summaries.items():
        path = root / "summaries" / f"{safe_name(variant)}.jsonl"
        seen: set[int] = set()
        for s in rows:
            _check_summary(path, s, sizes, run.manifest.replications, seen)


def _check_summary(
    path: Path, s: ReplicationSummary, sizes: dict[str, int], planned: int, seen: set[int]
) -> None:
    # NOTE: rows are sorted by replication by now, so a problem is named by replication, not line.
    for name, size in sizes.items():
        if len(getattr(s, name)) != size:
            raise damaged(
                path,
                Msg(
                    "runs.wrong_entries",
                    replication=str(s.replication),
                    entries=len(getattr(s, name)),
                    size=size,
                ),
                field=name,
                hint=OTHER_RUN_SUMMARY,
            )
    if s.replication >= max(planned, 1) or s.replication in seen:
        why = (
            Msg("runs.replication_twice", replication=str(s.replication))
            if s.replication in seen
            else Msg("runs.replication_beyond", replication=str(s.replication), planned=planned)
        )
        raise damaged(path, why, field="replication")
    seen.add(s.replication)


def read_analysis(path: Path) -> AnalysisModel:
    """``analysis.json`` read through the model its writer uses (any version up to the current
    one), its message keys checked against the catalogue."""
    text = read_text(path, "analysis")
    model = parse(AnalysisModel, text, path, hint=ANALYSIS_RERUN)
    known = MESSAGES.get("evidence", {})
    for i, f in enumerate(model.findings):
        _check_message(path, f"findings[{i}]", f.message, ("title", "text", "suggestion"))
        for j, (key, _) in enumerate(f.evidence_parts):
            if key not in known:
                raise damaged(
                    path,
                    Msg("runs.unknown_evidence", key=repr(key[:40])),
                    field=f"findings[{i}].evidence_parts[{j}]",
                    hint=ANALYSIS_RERUN,
                )
    for i, sg in enumerate(model.suggestions):
        _check_message(path, f"suggestions[{i}]", sg.message, ("label",))
    return model


def _check_message(path: Path, field: str, key: str | None, parts: tuple[str, ...]) -> None:
    """A message key the report will look up has every part it reads (an unknown key keeps the
    English words stored beside it)."""
    if key and key in MESSAGES and any(part not in MESSAGES[key] for part in parts):
        raise damaged(
            path,
            Msg("runs.wrong_message_kind", key=repr(key)),
            field=f"{field}.message",
            hint=ANALYSIS_RERUN,
        )
