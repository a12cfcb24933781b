"""Exit codes of the commands this issue changed, through CliRunner: 0 done, 1 bad input,
2 usage, 3 simulation or internal error, 130 interrupted; each with its message, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result
from conftest import FIXTURES

import drillsim.cli.timeline as timeline_module
from drillsim.errors import InputError, SimulationError
from drillsim.runs.experiment import simulate_summaries
from drillsim.runs.inputs import open_scenario
from drillsim.scenario.durations import clock
from drillsim.scenario.loader import load_scenario
from drillsim.sim.compile import compile_scenario
from drillsim.sim.engine import run_replication
from tests.helpers import run_cli

DRILL = FIXTURES / "drill.yaml"


def invoke(*args: object) -> Result:
    return run_cli(*[str(a) for a in args])


def clean(r: Result) -> None:
    assert "Traceback" not in r.output and "internal error: Key" not in r.output, r.output


# -- timeline ------------------------------------------------------------------------------------


def test_timeline_prints_the_replication_the_library_simulates() -> None:
    scenario = load_scenario(DRILL)
    result = run_replication(compile_scenario(scenario), 3, 2)
    r = invoke("timeline", DRILL, "--seed", 3, "--replication", 2)
    assert r.exit_code == 0 and r.stderr == "", r.output
    lines = r.stdout.splitlines()
    assert lines[0] == f"{scenario.scenario.title}: seed 3, replication 2"
    ended = f"ended: {result.ended_by} at {clock(result.end_time)}, {len(result.records)} events"
    assert lines[-1 - len(scenario.objectives)] == ended
    assert [line.split(":")[0] for line in lines[-len(scenario.objectives) :]] == [
        f"objective {o.id}" for o in scenario.objectives
    ]


def test_timeline_of_another_replication_differs() -> None:
    one = invoke("timeline", DRILL, "--seed", 3, "--replication", 0)
    two = invoke("timeline", DRILL, "--seed", 3, "--replication", 1)
    assert one.exit_code == two.exit_code == 0
    assert one.stdout.splitlines()[1:] != two.stdout.splitlines()[1:]


def test_timeline_of_an_unknown_variant_exits_1() -> None:
    r = invoke("timeline", DRILL, "--variant", "nope")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.startswith("error: unknown variant 'nope'; the scenario defines: ")
    clean(r)


def test_timeline_takes_one_variant() -> None:
    r = invoke("timeline", DRILL, "--variant", "two-duty-officers", "--variant", "direct-line")
    assert r.exit_code == 2 and "at most one --variant" in r.stderr


def test_timeline_refuses_a_negative_replication() -> None:
    r = invoke("timeline", DRILL, "--replication", -1)
    assert r.exit_code == 2 and "--replication" in r.stderr


def test_a_failed_replication_exits_3_with_the_timeline_replay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail(*_: object) -> None:
        raise SimulationError("boom", seed=4, replication=2, variant="base", file=str(DRILL))

    monkeypatch.setattr(timeline_module, "run_replication", fail)
    r = invoke("timeline", DRILL, "--seed", 4, "--replication", 2)
    assert r.exit_code == 3
    assert f"replay: drillsim timeline {DRILL} --seed 4 --replication 2" in r.stderr
    clean(r)


def test_an_internal_error_exits_3_as_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    def bug(*_: object) -> None:
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(timeline_module, "run_replication", bug)
    r = invoke("timeline", DRILL)
    assert r.exit_code == 3
    assert r.stderr.startswith("error: internal error: ZeroDivisionError: oops\n")
    clean(r)


def test_ctrl_c_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(timeline_module, "run_replication", stop)
    r = invoke("timeline", DRILL)
    assert r.exit_code == 130 and "interrupted" in r.stderr


def test_the_old_single_run_options_are_gone_from_run() -> None:
    """`run` is always the study: its single-run options moved to `timeline`."""
    for option in ("--log", "--replication", "--verbose"):
        r = invoke("run", DRILL, option, "x")
        assert r.exit_code == 2, r.output
        assert f"No such option: {option} (run is the study; " in r.stderr
        assert f"'drillsim timeline FILE {option} ...'" in r.stderr
    r = invoke("run", DRILL, "--lgo", "x")
    assert r.exit_code == 2 and "No such option '--lgo'" in r.stderr and "timeline" not in r.stderr


# -- run, report, chart, msel, schema: the shared options' checks ---------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", DRILL, "--format", "html,xlsx"], "xlsx is not a format of a report"),
        (["run", DRILL, "--format", "odt"], "unknown format odt"),
        (["run", DRILL, "--format", ","], "unknown format (none)"),
        (["run", DRILL, "--suggest", "-1"], "--suggest"),
        (["run", DRILL, "--max-events", "0"], "--max-events"),
        (["msel", "export", DRILL, "--format", "pdf"], "pdf is not a format of an MSEL sheet"),
        (["msel", "export", DRILL, "--format", "csv,xlsx"], "an MSEL sheet has one format"),
        (["analyze", DRILL, "--variant", "a", "--variant", "b"], "one --variant at a time"),
        (["compare"], "give a scenario FILE or --results RUN_DIR"),
    ],
    ids=lambda a: a if isinstance(a, str) else " ".join(str(x) for x in a[:3]),
)
def test_usage_errors_exit_2_before_any_work(
    args: list[object], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    r = invoke(*args)
    assert r.exit_code == 2 and message in r.stderr, r.output
    assert list(tmp_path.iterdir()) == []  # no run folder, no file


def test_a_run_folder_is_not_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = invoke("run", DRILL, "-n", 2, "--out", "-", "--workers", 1)
    assert r.exit_code == 1 and "a run folder cannot be stdout" in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_charts_are_not_stdout(tmp_path: Path) -> None:
    r = invoke("chart", tmp_path, "--out", "-")
    assert r.exit_code == 1 and "give a folder with --out, not -" in r.stderr


def test_schema_out_dash_is_stdout() -> None:
    r = invoke("schema", "--out", "-")
    assert r.exit_code == 0 and json.loads(r.stdout)["title"]


def test_a_report_format_list_keeps_its_order_once() -> None:
    from drillsim.cli.options import FormatList

    assert FormatList().convert(" MD, html,md ", None, None) == ("md", "html")


# -- the library the commands share ---------------------------------------------------------------


@pytest.fixture
def warned(tmp_path: Path) -> Path:
    """The drill with one warning about the scenario and one about what a variant changes."""
    text = DRILL.read_text("utf-8").replace("within: 90m", "within: 5h")
    text = text.replace(
        "variants:\n", "variants:\n  - id: no-guards\n    remove_agencies: [plant_security]\n"
    )
    path = tmp_path / "warned.yaml"
    path.write_text(text, "utf-8")
    return path


def test_open_scenario_sorts_the_warnings_and_checks_the_variants(warned: Path) -> None:
    opened = open_scenario(warned, ["base", "no-guards"])
    assert [w.path for w in opened.warnings] == ["objectives[2] (triage-red).within"]
    about = [w.path for w in opened.variant_warnings]
    assert "variants[0] (no-guards).remove_agencies[0]" in about
    assert all(p.startswith("variants[0] (no-guards)") for p in about), about
    with pytest.raises(InputError, match="unknown variant 'nope'"):
        open_scenario(warned, ["nope"])


def test_a_command_shows_the_scenario_warning_and_counts_the_variants(warned: Path) -> None:
    r = invoke("timeline", warned)
    assert r.exit_code == 0
    count = len(open_scenario(warned).variant_warnings)
    assert r.stderr.splitlines() == [
        (
            f"{warned}:67:13: warning: objectives[2] (triage-red).within: the target 5h is "
            "longer than the horizon 4h, so a miss is never seen"
        ),
        "    hint: raise scenario.horizon or shorten the target",
        (
            f"note: {count} warning(s) about what the variants change; "
            f"'drillsim validate {warned}' shows them"
        ),
    ]


def test_simulate_summaries_takes_variant_ids_and_can_leave_the_base_out() -> None:
    scenario = load_scenario(DRILL)
    both = simulate_summaries(scenario, ["direct-line"], 4, 11)
    only = simulate_summaries(scenario, ["direct-line"], 4, 11, base=False)
    assert list(both) == ["base", "direct-line"] and list(only) == ["direct-line"]
    assert only["direct-line"] == both["direct-line"]  # common random numbers: same replications
    assert [s.replication for s in only["direct-line"]] == [0, 1, 2, 3]
    named_base = simulate_summaries(scenario, ["base"], 4, 11, base=False)
    assert named_base["base"] == both["base"]


@pytest.mark.parametrize(
    "command",
    [["run"], ["analyze"], ["compare"], ["sweep"], ["msel", "export"]],
    ids=lambda c: " ".join(c),
)
def test_every_command_that_takes_n_takes_its_limit(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """-n over --max-replications is refused (exit 1) with the option that raises the limit."""
    monkeypatch.chdir(tmp_path)
    extra = ["--set", "agencies.ems.units=1..2"] if command == ["sweep"] else []
    r = invoke(*command, DRILL, *extra, "-n", 5, "--max-replications", 4, "--workers", 1)
    assert r.exit_code == 1, r.output
    assert "5 replications per variant is over the limit of 4; pass --max-replications" in r.stderr
    assert list(tmp_path.iterdir()) == []
