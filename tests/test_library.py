"""The scenario library: every scenario in scenarios/ is complete, cites or lists as an assumption
every figure, runs, finds a bottleneck, and its what-ifs move the objectives the way the file says
they should.

The direction check here is deliberately simpler than the report's (mean success share and mean
time over paired replications), so the two are independent: the test also asserts they agree.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from drillsim import i18n
from drillsim.analysis.expectations import check_expectations
from drillsim.runs.store import read_run
from drillsim.scenario.loader import load_scenario_with_warnings
from tests.figures_check import untraced_figures
from tests.helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
IDS = [p.stem for p in SCENARIOS]


def test_library_covers_the_drills_trainers_run() -> None:
    kinds, langs = set(), set()
    for path in SCENARIOS:
        s, _ = load_scenario_with_warnings(path)
        kinds.add(s.target.kind)
        langs.add(s.scenario.language)
    assert len(SCENARIOS) >= 6
    assert {"hydropower_plant", "hospital", "bank", "school", "multi_site", "border_area"} <= kinds
    assert {"vi", "zh"} <= langs


@pytest.mark.parametrize("path", SCENARIOS, ids=IDS)
def test_scenario_is_complete(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    scenario, warnings = load_scenario_with_warnings(path)
    assert warnings == [], [w.format() for w in warnings]
    assert scenario.scenario.id == path.stem
    header = text.split("\nscenario:", 1)[0]
    assert "What it models" in header and "domain-reference" in header
    assert f"drillsim run scenarios/{path.name}" in header
    assert len(scenario.variants) >= 2
    assert all(v.expect and (v.expect.better or v.expect.worse) for v in scenario.variants)
    assert scenario.assumptions and scenario.sources
    assert all(i.msel is not None for i in scenario.incidents)
    # names in the language of the place
    if scenario.scenario.language == "vi":
        assert re.search(
            r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", scenario.scenario.title
        )
    if scenario.scenario.language == "zh":
        assert re.search(r"[\u4e00-\u9fff]", scenario.scenario.title)


@pytest.mark.parametrize("path", SCENARIOS, ids=IDS)
def test_every_figure_is_sourced_or_listed_as_an_assumption(path: Path) -> None:
    """Issue 7, the same check as the templates': a figure is cited on its line (domain-reference)
    or named by an entry under assumptions:, which the after-action report lists."""
    missing = untraced_figures(path.read_text(encoding="utf-8"))
    assert missing == [], (
        f"{len(missing)} figures neither cited nor listed as assumptions:\n" + "\n".join(missing)
    )


def test_the_figure_check_flags_what_is_missing() -> None:
    """An entry taken out, or a citation relabelled an assumption, leaves exactly that figure untraced."""
    text = (ROOT / "scenarios" / "son-la-bank-hostage.yaml").read_text(encoding="utf-8")
    entry = next(
        line for line in text.splitlines() if '{about: "criminal_police.activation"' in line
    )
    flagged = untraced_figures(text.replace(entry + "\n", ""))
    assert [m.split(":")[0] for m in flagged] == ["criminal_police.activation"]
    relabelled = text.replace(
        "# FBI LEB 2014 median 3 min (DR §2.4)", "# assumption, after DR §2.4"
    )
    assert [m.split(":")[0] for m in untraced_figures(relabelled)] == ["ward_police.travel"]


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs)


@pytest.mark.slow  # statistical: 200 replications of every variant of each example scenario
@pytest.mark.parametrize("path", SCENARIOS, ids=IDS)
def test_scenario_runs_finds_a_bottleneck_and_variants_move_as_expected(
    path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    result = run_cli(
        "run",
        str(path),
        "-n",
        "200",
        "--all-variants",
        "--out",
        str(out),
        "--format",
        "md",
        "--suggest",
        "0",
        "--workers",
        "1",
        "-q",
        lang=None,  # the report in the scenario's language, as read below
    )
    assert result.exit_code == 0, result.output
    analysis = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    bottlenecks = [
        f for f in analysis["findings"] if f["kind"] in {"desk", "units", "link", "mobilisation"}
    ]
    assert bottlenecks, "no bottleneck finding"
    scenario, _ = load_scenario_with_warnings(path)
    report = next(out.glob("after-action-report-*.md")).read_text(encoding="utf-8")
    heading = f"## 4. {i18n.say(scenario.scenario.language, 'improvements')}"
    improvements = report.split(heading, 1)[1].split("\n## ", 1)[0].replace("\\", "")  # md escapes
    assert scenario.agency(bottlenecks[0]["agency"]).label in improvements.split("\n2. ", 1)[0]
    if scenario.scenario.language != "en":  # findings are written in the report's language
        assert not re.search(
            r"critical-path share|Duty desk of|Not enough units|takes long to", improvements
        )

    runs = read_run(out).summaries
    index = {o.id: k for k, o in enumerate(scenario.objectives)}
    horizon = scenario.scenario.horizon
    for v in scenario.variants:
        assert v.expect is not None
        for sign, ids in ((+1, v.expect.better), (-1, v.expect.worse)):
            for obj in ids:
                k = index[obj]
                met_b = _mean([float(s.objectives[k].met) for s in runs["base"]])
                met_v = _mean([float(s.objectives[k].met) for s in runs[v.id]])
                t_b = _mean(
                    [
                        s.objectives[k].time if s.objectives[k].time is not None else horizon
                        for s in runs["base"]
                    ]
                )
                t_v = _mean(
                    [
                        s.objectives[k].time if s.objectives[k].time is not None else horizon
                        for s in runs[v.id]
                    ]
                )
                assert sign * (met_v - met_b) >= 0, f"{v.id}: {obj} share moved the wrong way"
                assert sign * (t_b - t_v) > 0, f"{v.id}: {obj} time moved the wrong way"
    checks = check_expectations(scenario, runs)
    assert checks and all(c.as_expected for c in checks), [c for c in checks if not c.as_expected]
