"""``drillsim sweep``: grids of variants, checked paths and values, effects in the expected direction."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from drillsim.errors import InputError
from drillsim.runs.sweep import grid, parse_set
from drillsim.scenario.loader import load_scenario
from tests.helpers import run_cli

HUB = Path(__file__).parent / "fixtures" / "analysis" / "hub.yaml"


def test_paths_and_ranges() -> None:
    sc = load_scenario(HUB)
    assert parse_set("agencies.hub.duty_officers=1..3", sc).values == (1, 2, 3)
    assert parse_set("agencies.hub.duty_officers=2..8:3", sc).values == (2, 5, 8)
    assert parse_set("links.guard->hub.reliability=0.5..0.9:0.2", sc).values == (0.5, 0.7, 0.9)
    assert parse_set("agencies.hub.handling=1m,2m", sc).values == ("1m", "2m")
    points = grid(
        sc, [parse_set("agencies.hub.duty_officers=1..2", sc), parse_set("tasks.t1.units=1..2", sc)]
    )
    assert len(points) == 4 and points[3][1].change_tasks["t1"].units == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("agencies.hubb.units=1..3", "unknown agency 'hubb'; did you mean 'hub'?"),
        ("agencies.hub.unitz=1..3", "cannot sweep 'unitz'; did you mean 'units'?"),
        ("agencys.hub.units=1..3", "unknown section 'agencys'; did you mean 'agencies'?"),
        ("agencies.hub.units=3..1", "is empty"),
        ("agencies.hub.units", "write PATH=VALUES"),
        (
            "links.guard->hub.reliability=1.5",
            "--set links.guard->hub.reliability: the value 1.5 is refused: must be at most 1.0",
        ),
    ],
)
def test_bad_sweeps_say_what_to_fix(text: str, message: str) -> None:
    sc = load_scenario(HUB)
    with pytest.raises(InputError, match=message.replace("?", r"\?").replace(".", r"\.")):
        grid(sc, [parse_set(text, sc)])


def test_more_duty_officers_help_the_hub_objective(tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    r = run_cli(
        "sweep",
        str(HUB),
        "--set",
        "agencies.hub.duty_officers=1..3",
        "-n",
        "150",
        "--workers",
        "1",
        "--csv",
        str(out),
    )
    assert r.exit_code == 0, r.output
    rows = [
        row
        for row in csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines())
        if row["objective"] == "last-team-working"
    ]
    shares = [float(row["met"]) for row in rows]
    assert [row["agencies.hub.duty_officers"] for row in rows] == ["1", "2", "3"]
    assert shares[0] < shares[1] < shares[2]
