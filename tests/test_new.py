"""``drillsim new``: a commented starting scenario for every kind of target, in en, vi and zh,
that loads without errors or warnings, runs, reaches its objectives, cites or labels every figure,
and whose what-ifs move the objectives the way their ``expect`` says."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest
import yaml

from drillsim.analysis.expectations import check_expectations
from drillsim.analysis.measure import measure
from drillsim.analysis.summary import summarize
from drillsim.scenario.loader import load_scenario_text_with_warnings
from drillsim.scenario.model import Scenario, TargetKind
from drillsim.scenario.new import (
    KINDS,
    LANGUAGES,
    common,
    flow,
    quote,
    render,
    scenario_id_for,
)
from drillsim.scenario.variants import apply_variant
from drillsim.sim.compile import compile_scenario
from drillsim.sim.engine import run_replication
from drillsim.sim.records import EventKind
from tests.figures_check import FIGURE_KEYS, untraced_figures
from tests.helpers import run_cli, with_prerequisites

ROOT = Path(__file__).resolve().parents[1]
CASES = [(k, lang) for k in KINDS for lang in LANGUAGES]
VI_LETTERS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
CJK = re.compile(r"[\u4e00-\u9fff]")


def load(kind: str, lang: str, filename: str = "my-drill.yaml") -> tuple[str, Scenario]:
    text = render(kind, lang, filename)
    scenario, warnings = load_scenario_text_with_warnings(text, f"{kind}-{lang}.yaml")
    assert warnings == [], [w.format() for w in warnings]
    return text, scenario


def comments(text: str) -> list[str]:
    """Every comment: whole comment lines and the part after `  # ` on value lines."""
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            out.append(stripped[1:].strip())
        elif "  # " in line and not stripped.startswith(('- "', '"')):
            out.append(line.split("  # ", 1)[1])
    return out


def triggered_tasks(scenario: Scenario) -> set[str]:
    """Tasks some incident brings in, with their prerequisites."""
    return with_prerequisites(scenario, (t for i in scenario.incidents for t in i.triggers))


def test_there_is_a_template_for_every_target_kind() -> None:
    """One data file per kind the scenario model accepts: no kind without a template, no stray file."""
    on_disk = {
        p.stem for p in (ROOT / "drillsim" / "scenario" / "templates" / "kinds").glob("*.toml")
    }
    assert on_disk == set(get_args(TargetKind))
    for kind in get_args(TargetKind):
        _, scenario = load(kind, "en")
        assert scenario.target.kind == kind


@pytest.mark.parametrize(("kind", "lang"), CASES, ids=[f"{k}-{lang}" for k, lang in CASES])
def test_template_loads_runs_and_reaches_every_objective(kind: str, lang: str) -> None:
    _, scenario = load(kind, lang)
    assert scenario.scenario.id == "my-drill" and scenario.scenario.language == lang
    assert len(scenario.objectives) >= 3 and len(scenario.variants) >= 2
    assert all(v.expect and (v.expect.better or v.expect.worse) for v in scenario.variants)
    assert scenario.assumptions and scenario.sources
    assert all(i.msel is not None for i in scenario.incidents)
    compiled = compile_scenario(scenario)
    runs = [run_replication(compiled, scenario.scenario.seed, r).records for r in range(5)]
    for objective in scenario.objectives:
        assert any(measure(recs, objective, scenario).time is not None for recs in runs), (
            objective.id
        )
    done = {r.task for recs in runs for r in recs if r.kind is EventKind.TASK_DONE}
    assert triggered_tasks(scenario) <= done, triggered_tasks(scenario) - done
    for variant in scenario.variants:  # every what-if compiles and runs
        run_replication(compile_scenario(apply_variant(scenario, variant.id)), 1)


@pytest.mark.parametrize(("kind", "lang"), CASES, ids=[f"{k}-{lang}" for k, lang in CASES])
def test_every_figure_is_sourced_or_listed_as_an_assumption(kind: str, lang: str) -> None:
    text, scenario = load(kind, lang)
    words = common()["words"]
    assumption, on_site = words["assumption"][lang], words["on_site"][lang]
    labelled = 0
    body = text.split("\nvariants:", 1)[
        0
    ]  # what-if values are labelled as such, not as assumptions
    for line in body.splitlines():
        key = re.match(r"\s*(?:- )?([a-z_]+):", line)
        if not key or key.group(1) not in FIGURE_KEYS:
            continue
        assert "  # " in line, f"figure without a comment: {line}"
        note = line.split("  # ", 1)[1]
        assert note.startswith(assumption) or "domain-reference" in note or note == on_site, line
        labelled += note.startswith(assumption)
    parts = sum(len(a.value.split("; ")) for a in scenario.assumptions)
    assert labelled == parts, "each figure labelled an assumption is listed once under assumptions:"
    assert untraced_figures(text) == []  # the check the scenario library passes too (test_library)
    assert all("domain-reference" in s for s in scenario.sources)
    header = text.split("\nformat: 1", 1)[0]
    flat = re.sub(r"[\s#]", "", header)  # the header lists the same sources, wrapped
    assert all(re.sub(r"\s", "", s) in flat for s in scenario.sources)
    assert (
        "drillsim validate my-drill.yaml" in header
        and "drillsim timeline my-drill.yaml\n" in header
        and "drillsim run my-drill.yaml -n 1000" in header
    )


@pytest.mark.parametrize("kind", KINDS)
def test_languages_are_written_in_their_script(kind: str) -> None:
    en, _ = load(kind, "en")
    vi, vi_sc = load(kind, "vi")
    zh, zh_sc = load(kind, "zh")
    assert not CJK.search(en) and not VI_LETTERS.search(en)
    assert VI_LETTERS.search(vi_sc.scenario.title) and VI_LETTERS.search(vi_sc.target.name)
    assert CJK.search(zh_sc.scenario.title) and CJK.search(zh_sc.target.name)
    vi_notes, zh_notes = comments(vi), comments(zh)
    assert sum(bool(VI_LETTERS.search(c)) for c in vi_notes) > len(vi_notes) // 2
    assert sum(bool(CJK.search(c)) for c in zh_notes) > len(zh_notes) // 2
    # ids stay ASCII in every language
    for sc in (vi_sc, zh_sc):
        ids = [a.id for a in sc.agencies] + [t.id for t in sc.tasks] + [o.id for o in sc.objectives]
        assert all(i.isascii() for i in ids)


@pytest.mark.parametrize("kind", KINDS)
def test_what_ifs_move_objectives_as_expected(kind: str) -> None:
    _, scenario = load(kind, "en")
    runs = {}
    for name in ["base", *(v.id for v in scenario.variants)]:
        compiled = compile_scenario(scenario if name == "base" else apply_variant(scenario, name))
        runs[name] = [summarize(run_replication(compiled, 0, r), compiled) for r in range(100)]
    checks = check_expectations(scenario, runs)
    assert checks and [c for c in checks if not c.as_expected] == []


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "a: b",
        'say "hi"',
        "# not a comment",
        "yes",
        "- dash",
        "1h",
        "中文：标点“引号”，（括号）",
        "Bệnh viện: khoa Cấp cứu",
        "tab\there",
        "line\nbreak",
        "sep\u2028arator",
        "bell\x07",
        "del\x7f",
        "{not: a map}",
    ],
)
def test_quote_and_flow_round_trip_through_yaml(text: str) -> None:
    assert yaml.safe_load(f"k: {quote(text)}") == {"k": text}
    assert yaml.safe_load(f"k: {flow([text, {'x': text}])}") == {"k": [text, {"x": text}]}


def test_flow_leaves_ids_and_durations_bare() -> None:
    assert flow({"triangular": ["1m", "2m", "1h30m"]}) == "{triangular: [1m, 2m, 1h30m]}"
    assert flow(["police_command", 0.95, 2, "on"]) == '[police_command, 0.95, 2, "on"]'


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("my-drill.yaml", "my-drill"),
        ("drills/Hue_2025.YML", "Hue_2025"),
        ("bệnh-viện.yaml", "hospital-drill"),
        ("a.b.yaml", "hospital-drill"),
        ("-", "hospital-drill"),
        (None, "hospital-drill"),
    ],
)
def test_scenario_id_comes_from_the_file_name_when_valid(name: str | None, expected: str) -> None:
    assert scenario_id_for(name, "hospital") == expected


def test_unknown_kind_or_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown target kind"):
        render("castle")
    with pytest.raises(ValueError, match="unknown language"):
        render("school", "fr")


# -- the command --------------------------------------------------------------------------------------


def invoke(*args: str) -> tuple[int, str, str]:
    result = run_cli(*list(args))
    return result.exit_code, result.stdout, result.stderr


def test_new_writes_a_file_that_validates_and_says_what_next(tmp_path: Path) -> None:
    out = tmp_path / "lai-chau-2025.yaml"
    code, stdout, stderr = invoke("new", "--template", "hydropower_plant", "--lang", "vi", str(out))
    assert code == 0 and stderr == ""
    assert stdout.splitlines()[0] == (  # --lang vi: the template and what is printed
        f"đã ghi {out}: mẫu hydropower_plant bằng ngôn ngữ vi (mã kịch bản lai-chau-2025)"
    )
    assert stdout.splitlines()[1] == "tiếp theo:"
    assert (
        f"drillsim validate {out}" in stdout
        and f"drillsim timeline {out} " in stdout
        and f"drillsim run {out} -n 1000 --all-variants" in stdout
    )
    assert "id: lai-chau-2025\n" in out.read_text(encoding="utf-8")
    code, stdout, stderr = invoke("validate", str(out))
    assert code == 0 and stderr == "" and stdout.startswith(f"{out}: valid: ")


def test_new_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "drill.yaml"
    out.write_text("my own work\n", encoding="utf-8")
    code, stdout, stderr = invoke("new", "-t", "bank", str(out))
    assert code == 1 and stdout == ""
    assert stderr == f"error: {out} exists; choose another name or pass --force to replace it\n"
    assert out.read_text(encoding="utf-8") == "my own work\n"
    code, _, _ = invoke("new", "-t", "bank", "--force", str(out))
    assert code == 0 and "kind: bank" in out.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["drill.yaml"]  # no temporary file left behind


def test_new_dash_writes_to_stdout_only(tmp_path: Path) -> None:
    code, stdout, stderr = invoke("new", "-t", "airport", "--lang", "zh", "-")
    assert code == 0 and stderr == ""
    assert stdout == render("airport", "zh", "-")
    assert "id: airport-drill\n" in stdout


def test_new_needs_a_template_and_a_file() -> None:
    code, _, stderr = invoke("new", "my-drill.yaml")
    assert code == 2 and "give a template and an output file" in stderr
    code, _, stderr = invoke("new", "-t", "castle", "x.yaml")
    assert code == 2 and "'castle' is not one of" in stderr


def test_new_refuses_a_folder(tmp_path: Path) -> None:
    code, _, stderr = invoke("new", "-t", "school", str(tmp_path))
    assert code == 1 and stderr.startswith(f"error: {tmp_path} is a folder")


def test_a_file_name_with_a_line_break_is_refused_and_spaces_are_quoted(tmp_path: Path) -> None:
    bad = tmp_path / "drill\nid: injected.yaml"
    code, _, stderr = invoke("new", "-t", "school", str(bad))
    assert code == 2 and "control character" in stderr and not list(tmp_path.iterdir())
    with pytest.raises(ValueError, match="control character"):
        render("school", "en", "a\tb.yaml")
    spaced = tmp_path / "my drill.yaml"
    code, _, _ = invoke("new", "-t", "school", str(spaced))
    text = spaced.read_text(encoding="utf-8")
    assert code == 0 and f"#        drillsim validate '{spaced}'\n" in text
    scenario, _ = load_scenario_text_with_warnings(text)
    assert scenario.scenario.id == "school-drill"  # "my drill" is not a valid id


def test_help_and_list_name_every_template() -> None:
    code, stdout, _ = invoke("new", "--help")
    assert code == 0 and "Example" in stdout
    for kind in KINDS:
        assert re.search(rf"^\s+{kind}\s+\S", stdout, re.MULTILINE), kind
    code, stdout, _ = invoke("new", "--list", "--lang", "zh")
    assert code == 0 and [line.split()[0] for line in stdout.splitlines()] == list(KINDS)
    assert all(CJK.search(line) for line in stdout.splitlines())


def test_readme_example_works_and_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "scenarios" / "README.md").read_text(encoding="utf-8")
    command = re.search(r"`(drillsim new [^`]+)`", readme)
    assert command, "scenarios/README.md shows a drillsim new example"
    monkeypatch.chdir(tmp_path)
    args = command.group(1).split()[1:]
    code, _, stderr = invoke(*args)
    assert code == 0, stderr
    code, stdout, stderr = invoke(
        "run", args[-1], "-n", "5", "--no-report", "--out", "run", "-q", "--workers", "1"
    )
    assert code == 0, stderr
    assert (tmp_path / "run").is_dir() and "results: run" in stdout
