"""``drillsim compare``: paired differences on the terminal and as JSON."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from tests.helpers import run_cli

FIXTURE = Path(__file__).parent / "fixtures" / "report" / "hub.yaml"

ONE_TASK = """\
scenario: {id: one-task, title: "One repair", exercise_type: tabletop, horizon: 3h, seed: 1}
target: {name: "Depot", kind: industrial_site}
agencies:
  - {id: crew, name: "Crew", kind: site_security, sector: security, units: 1, travel: 0s, activation: 0s}
incidents:
  - {id: leak, at: 0m, description: "A leak", detected_by: crew, triggers: [repair]}
tasks:
  - {id: repair, by: [crew], units: 1, duration: {exponential: 10m}}
objectives:
  - {id: repair-11, description: "Repaired within 11 min", measure: {task_done: repair}, within: 11m,
     core_capability: "Operational Coordination"}
variants:
  - {id: slower, description: "Mean repair 12 min", change_tasks: {repair: {duration: {exponential: 12m}}}}
"""


def test_compare_simulates_and_marks_significant_differences(tmp_path: Path) -> None:
    out = tmp_path / "cmp.json"
    r = run_cli(
        "compare",
        str(FIXTURE),
        "--variant",
        "base",
        "--variant",
        "second-officer",
        "-n",
        "80",
        "--workers",
        "1",
        "--json",
        str(out),
    )
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    ems = lines[lines.index("objective:ems-30") + 2]
    assert ems.startswith("  second-officer") and "*" in ems
    cordon = lines[lines.index("objective:cordon-45") + 2]
    # Identical under common random numbers, so no evidence of a change, but not a certainty of
    # none either: Tango's interval with every pair concordant is +-z^2 / (n + z^2) = +-4.6 pp at 80.
    assert "Δmet +0.0pp [-4.6pp, +4.6pp]  " in cordon and "*" not in cordon
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["reference"] == "base" and data["variants"] == ["base", "second-officer"]


def test_compare_over_saved_results_and_errors(tmp_path: Path) -> None:
    run = tmp_path / "run"
    r = run_cli(
        "run",
        str(FIXTURE),
        "-n",
        "30",
        "--workers",
        "1",
        "--all-variants",
        "--out",
        str(run),
        "--no-report",
        "-q",
    )
    assert r.exit_code == 0, r.output
    r = run_cli("compare", "--results", str(run))
    assert r.exit_code == 0 and "hotline-down" in r.output
    # A variant named alone is compared with the unchanged scenario; --reference picks another.
    out = tmp_path / "cmp.json"
    r = run_cli("compare", "--results", str(run), "--variant", "hotline-down", "--json", str(out))
    assert r.exit_code == 0 and r.output.startswith("reference: base")
    assert json.loads(out.read_text(encoding="utf-8"))["variants"] == ["base", "hotline-down"]
    r = run_cli(
        "compare",
        "--results",
        str(run),
        "--reference",
        "hotline-down",
        "--variant",
        "second-officer",
        "--json",
        str(out),
        "--force",
    )
    assert r.exit_code == 0 and r.output.startswith("reference: hotline-down")
    assert json.loads(out.read_text(encoding="utf-8"))["variants"] == [
        "hotline-down",
        "second-officer",
    ]
    r = run_cli("compare", "--results", str(run), "--variant", "nope")
    assert r.exit_code == 1 and "has no finished replications of nope" in r.output
    r = run_cli("compare")
    assert r.exit_code == 2


def test_a_reference_alone_is_compared_with_everything_else_base_included(tmp_path: Path) -> None:
    """File mode and results mode agree: --reference X without --variant lists base and every variant."""
    from drillsim.scenario.loader import load_scenario

    out = tmp_path / "cmp.json"
    r = run_cli(
        "compare",
        str(FIXTURE),
        "--reference",
        "hotline-down",
        "-n",
        "10",
        "--workers",
        "1",
        "--json",
        str(out),
    )
    assert r.exit_code == 0, r.output
    others = [v.id for v in load_scenario(FIXTURE).variants if v.id != "hotline-down"]
    assert json.loads(out.read_text(encoding="utf-8"))["variants"] == [
        "hotline-down",
        "base",
        *others,
    ]


def test_a_negative_seed_or_no_workers_is_a_usage_error() -> None:
    for args in (["--seed", "-1"], ["--workers", "0"]):
        r = run_cli("compare", str(FIXTURE), "-n", "5", *args)
        assert r.exit_code == 2 and args[0] in r.output, r.output


def test_an_agency_cut_off_in_a_variant_is_shown_never_reached() -> None:
    """Without the hotline nobody behind the guard is alerted: their rows say so, not vanish."""
    r = run_cli("compare", str(FIXTURE), "--variant", "hotline-down", "-n", "10", "--workers", "1")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    for agency in ("district_police", "swat", "fire", "ems"):
        row = lines[lines.index(f"on_scene:{agency}") + 2]
        assert row.split() == [
            "hotline-down",
            "median",
            "never",
            "Δtime",
            "—",
            "Δnever",
            "+100.0pp",
        ], row


def test_a_small_drop_in_hit_rate_gets_an_honest_interval(tmp_path: Path) -> None:
    """Exp(10 min) against Exp(12 min) with an 11-minute target: the true change in the hit rate
    is (1 - exp(-11/12)) - (1 - exp(-11/10)) = -6.7 pp. Under common random numbers the slower repair is the
    same draw times 1.2, so a replication can lose the objective but never gain it: each interval
    leans below zero or, when no replication changed (the t interval's [+0.0pp, +0.0pp]), is
    exactly +-z^2 / (30 + z^2) = +-11.4 pp; and it covers the truth."""
    path = tmp_path / "one-task.yaml"
    path.write_text(ONE_TASK, encoding="utf-8")
    truth = 100 * ((1 - math.exp(-11 / 12)) - (1 - math.exp(-11 / 10)))
    assert round(truth, 1) == -6.7
    covered = 0
    for seed in range(1, 7):
        r = run_cli("compare", str(path), "-n", "30", "--workers", "1", "--seed", str(seed))
        assert r.exit_code == 0, r.output
        row = next(line for line in r.output.splitlines() if line.startswith("  slower"))
        mean, low, high = map(
            float,
            re.search(r"Δmet ([-+][\d.]+)pp \[([-+][\d.]+)pp, ([-+][\d.]+)pp\]", row).groups(),
        )  # type: ignore[union-attr]
        assert mean <= 0 and low <= mean <= high and high - low > 0, row
        if mean == 0:
            assert (low, high) == (-11.4, 11.4), row
        else:
            assert low + high < 0, row  # negative-leaning
        covered += low <= truth <= high
    assert covered >= 5


def test_compare_refuses_to_compare_when_replications_failed(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A replication that raised is reported with its replay command (exit 3), not dropped.

    compare used to keep only rows that looked like summaries, so a comparison over fewer
    replications than asked (or none) was printed as if the run had been clean.
    """
    from drillsim.runs import batch

    real = batch.run_replication

    def flaky(compiled, seed, replication):  # type: ignore[no-untyped-def]
        if replication == 3:
            raise RuntimeError("engine broke")
        return real(compiled, seed, replication)

    monkeypatch.setattr(batch, "run_replication", flaky)
    path = tmp_path / "one.yaml"
    path.write_text(ONE_TASK, encoding="utf-8")
    r = run_cli("compare", str(path), "-n", "6", "--workers", "1")
    assert r.exit_code == 3, r.output
    assert "2 replication(s) failed" in r.output  # replication 3 of both variants
    assert "RuntimeError: engine broke" in r.output
    assert "--replication 3" in r.output
    assert "Δmet" not in r.output
