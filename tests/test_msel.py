"""``drillsim msel export`` / ``import``: round trips, sheets written by other tools, located errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, SCENARIOS

from drillsim.analysis.results import objective_stats
from drillsim.cli import cli
from drillsim.msel import COLUMNS, SYNONYMS, Table, find_header, header_key, read_time
from drillsim.runs.experiment import simulate_summaries
from drillsim.scenario.durations import format_duration
from drillsim.scenario.loader import load_scenario, load_scenario_text

EXAMPLES = sorted(SCENARIOS.glob("*.yaml")) + [
    FIXTURES / "drill.yaml"
]  # drill.yaml has no msel: entries
HEADERS = [c.header for c in COLUMNS]


def invoke(*args: object, lang: str | None = "en") -> tuple[int, str, str]:
    """``drillsim msel ...``; its messages in ``lang`` (None: the default, the scenario's)."""
    extra = ["--lang", lang] if lang and "--help" not in args else []
    result = CliRunner().invoke(cli, [str(a) for a in args] + extra)
    return result.exit_code, result.stdout, result.stderr


def sheet_rows(path: Path) -> list[dict[str, object]]:
    """The MSEL sheet of an exported workbook as header -> value dicts."""
    ws = openpyxl.load_workbook(path)["MSEL"]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


# -- round trip -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_round_trip_gives_the_same_incidents(path: Path, fmt: str, tmp_path: Path) -> None:
    sheet, out = tmp_path / f"msel.{fmt}", tmp_path / "back.yaml"
    code, _, err = invoke("msel", "export", path, "--no-simulate", "-o", sheet)
    assert code == 0, err
    code, stdout, err = invoke("msel", "import", sheet, "--scenario", path, "-o", out)
    assert code == 0, err
    assert stdout == ""
    original, back = load_scenario(path), load_scenario(out)
    assert back.incidents == original.incidents
    assert back == original  # every other section is untouched
    original_text = path.read_text("utf-8")
    kept = [line for line in original_text.splitlines() if line.startswith("#")]
    assert kept and all(line in out.read_text("utf-8").splitlines() for line in kept)


def test_round_trip_of_export_fallbacks(tmp_path: Path) -> None:
    """Synopsis, number and To filled in by export come back as they were: absent."""
    text = (
        (FIXTURES / "drill.yaml")
        .read_text("utf-8")
        .replace(
            "    at: 0s\n", ('    at: 0s\n    description: "Hostages in the control room"\n'), 1
        )
    )
    text = text.replace(
        "tasks:\n",
        (
            '  - {id: second, at: 1m30.5s, detected_by: police_hq, description: "A call", msel: {number: 2, '
            'inject: "=== 113 call", to: "Bảo vệ nhà máy"}}\n'
            '  - {id: third, at: 2h0m7s, detected_by: police_hq, msel: {number: 3, method: "no"}}\ntasks:\n'
        ),
        1,
    )
    path = tmp_path / "fallbacks.yaml"
    path.write_text(text, "utf-8")
    original = load_scenario(path)
    for fmt in ("csv", "xlsx"):
        assert invoke("msel", "export", path, "--no-simulate", "-o", tmp_path / f"m.{fmt}")[0] == 0
        code, out, err = invoke("msel", "import", tmp_path / f"m.{fmt}", "--scenario", path)
        assert code == 0, err
        assert load_scenario_text(out).incidents == original.incidents
    rows = sheet_rows(tmp_path / "m.xlsx")
    assert [r["Scenario time"] for r in rows] == ["H+0:00", "1m30.5s", "H+2:00:07"]
    assert [r["Synopsis"] for r in rows] == ["Hostages in the control room", "A call", None]
    assert [r["To"] for r in rows] == ["Bảo vệ nhà máy", "Bảo vệ nhà máy", None]
    assert rows[1]["Inject"] == "=== 113 call"


def test_description_left_of_inject_is_the_description() -> None:
    table = Table(
        "m.csv", None, ((1, ("Description", "Time", "Inject", "To")), (2, ("a", "5m", "b", "x")))
    )
    header = find_header(table)
    assert header is not None
    assert dict(header.columns) == {"description": 0, "time": 1, "inject": 2, "to": 3}


def test_round_trip_without_scenario_prints_the_incidents_section(tmp_path: Path) -> None:
    path = SCENARIOS / "jiangcheng-school-campus.yaml"
    invoke("msel", "export", path, "--no-simulate", "-o", tmp_path / "m.xlsx")
    code, out, err = invoke("msel", "import", tmp_path / "m.xlsx")
    assert code == 0, err
    assert out.startswith("incidents:\n  - id: knife_attack\n    at: 0s\n")
    original = path.read_text("utf-8")
    replaced = (
        original[: original.index("incidents:")] + out + original[original.index("\ntasks:") :]
    )
    assert load_scenario_text(replaced).incidents == load_scenario(path).incidents


# -- export ---------------------------------------------------------------------------------------


def test_xlsx_layout_and_text(tmp_path: Path) -> None:
    path = SCENARIOS / "lai-chau-hydropower.yaml"
    out = tmp_path / "m.xlsx"
    assert invoke("msel", "export", path, "--no-simulate", "-o", out)[0] == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["MSEL", "Notes"]
    ws = book["MSEL"]
    assert [c.value for c in ws[1]] == HEADERS
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "C2"
    assert ws["C2"].alignment.wrap_text
    assert ws.column_dimensions["D"].width == 40
    rows = sheet_rows(out)
    assert [r["Incident id"] for r in rows] == ["hostage", "blast"]
    assert rows[1]["Scenario time"] == "H+0:40"
    assert rows[1]["Synopsis"] == "Nổ tại trạm phân phối điện"
    assert rows[1]["Detection"] == "{uniform: [0s, 1m]}"
    assert (
        rows[1]["Casualties red"],
        rows[1]["Casualties yellow"],
        rows[1]["Casualties green"],
    ) == (3, 5, 6)
    assert rows[1]["Triggers"] == "firefight, triage, transport"
    objectives = str(rows[0]["Objective"]).split("\n")
    assert [o.split(":")[0] for o in objectives] == ["alert-hub-10", "cordon-135", "grid-30"]
    assert str(rows[0]["Core capability"]).split("\n")[0] == "Operational Communications"
    assert rows[0]["Expected by (median)"] is None and rows[0]["Expected by (p90)"] is None


def test_chinese_text_survives_csv_with_bom(tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    assert (
        invoke(
            "msel",
            "export",
            SCENARIOS / "jiangcheng-school-campus.yaml",
            "--no-simulate",
            "-o",
            out,
        )[0]
        == 0
    )
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == HEADERS
    assert rows[0]["Synopsis"] == "校门口持刀伤人"
    assert rows[0]["To"] == "市公安局110指挥中心；学校保卫处"
    assert len(rows[0]["Objective"].split("\n")) == len(rows[0]["Core capability"].split("\n")) > 1


def test_expected_times_come_from_the_simulation(tmp_path: Path) -> None:
    path = SCENARIOS / "lai-chau-hydropower.yaml"
    out = tmp_path / "m.xlsx"
    code, _, err = invoke("msel", "export", path, "-n", 30, "--seed", 7, "--workers", 1, "-o", out)
    assert code == 0, err
    assert "median and 90th percentile over 30 simulated replications (seed 7)" in err
    scenario = load_scenario(path)
    stats = {
        s.objective.id: s.time
        for s in objective_stats(scenario, "base", simulate_summaries(scenario, [], 30, 7)["base"])
    }
    seen = {}
    for row in sheet_rows(out):
        ids = [line.split(":")[0] for line in str(row["Objective"]).split("\n")]
        for oid, med, p90 in zip(
            ids,
            str(row["Expected by (median)"]).split("\n"),
            str(row["Expected by (p90)"]).split("\n"),
            strict=True,
        ):
            seen[oid] = (med, p90)
    assert seen == {
        oid: (format_duration(round(t.median)), format_duration(round(t.p90)))
        for oid, t in stats.items()
    }


def test_export_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "m.xlsx"
    out.write_bytes(b"earlier work")
    code, _, err = invoke("msel", "export", FIXTURES / "drill.yaml", "--no-simulate", "-o", out)
    assert (code, err) == (
        1,
        f"error: {out} exists; choose another name or pass --force to replace it\n",
    )
    assert out.read_bytes() == b"earlier work"
    assert (
        invoke("msel", "export", FIXTURES / "drill.yaml", "--no-simulate", "-o", out, "--force")[0]
        == 0
    )
    assert openpyxl.load_workbook(out).sheetnames[0] == "MSEL"


def test_export_checks_format_against_suffix(tmp_path: Path) -> None:
    code, _, err = invoke(
        "msel", "export", FIXTURES / "drill.yaml", "--format", "csv", "-o", tmp_path / "m.xlsx"
    )
    assert code == 2 and "does not match the output's .xlsx" in err


# -- sheets written by other tools ------------------------------------------------------------------

DRILL = """\
# A test drill for MSEL import (this comment must survive)
scenario: {id: msel-drill, title: "Diễn tập thử", language: vi, horizon: 30h}
target: {name: "Nhà máy thủy điện", kind: hydropower_plant}
agencies:
  - {id: police_hq, name: "Công an tỉnh (cơ quan thường trực Ban Chỉ đạo)", capabilities: [cordon]}
  - {id: ems, name: "Trung tâm cấp cứu 115", travel: 30m}
  - {id: fire, name: "Phòng Cảnh sát PCCC và CNCH", travel: 20m}
links:
  - {from: police_hq, to: [ems, fire]}
incidents:
  - {id: placeholder, at: 0s, detected_by: police_hq}

# Tasks (this comment too)
tasks:
  - {id: cordon, by: [cordon], duration: 10m}
"""


@pytest.fixture
def drill(tmp_path: Path) -> Path:
    path = tmp_path / "drill.yaml"
    path.write_text(DRILL, "utf-8")
    return path


def other_tool_workbook(path: Path) -> None:
    """An MSEL as a planning tool writes it: title, two-row header, extra columns, blank rows."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Injects"
    ws["A1"] = "MSEL - Hydropower drill 2024 (draft 3)"
    ws.merge_cells("A1:H1")
    for col, text in (("A", "MSEL No"), ("B", "Time"), ("F", "Expected player action")):
        ws[f"{col}2"] = text
        ws.merge_cells(f"{col}2:{col}3")
    ws["C2"], ws["G2"] = "Inject details", "Evaluation"
    ws.merge_cells("C2:E2")
    ws.merge_cells("G2:H2")
    for col, text in zip(
        "CDEGH", ("Description", "Delivery method", "Recipient", "Evaluator notes", "Actual time")
    ):
        ws[f"{col}3"] = text
    ws.append(
        [1, "D+0 H+0 M+5", "Armed group at the gate", "phone", "Công an tỉnh", "Cordon the plant"]
    )
    ws.append([])
    ws["A6"] = "Module 2: response to the explosion"
    ws.merge_cells("A6:H6")
    ws.append(
        [
            2,
            "D+0 H+1 M+30",
            "Explosion in the switchyard",
            "radio",
            "Trung tâm cấp cứu 115; PCCC",
            "Triage",
            "late",
            "10:42",
        ]
    )
    ws.append([3, "D+1 H+2 M+30", "Second device found", None, "PCCC", "Evacuate"])
    ws.merge_cells("D7:D8")  # one delivery method for both injects
    ws.append([None] * 8)
    ws["A14"].number_format = "0"  # formatted but empty trailing cells
    book.save(path)


def test_sheet_from_another_tool_imports(tmp_path: Path, drill: Path) -> None:
    other_tool_workbook(tmp_path / "planners.xlsx")
    code, out, err = invoke("msel", "import", tmp_path / "planners.xlsx", "--scenario", drill)
    assert code == 0, err
    assert err.splitlines() == [
        "note: ignored column(s) drillsim does not use: G (Evaluator notes), H (Actual time)",
        "note: row 6 is read as a heading ('Module 2: response to the explosion') and skipped",
        f"read 3 injects from {tmp_path / 'planners.xlsx'} (sheet Injects), header on row 3",
    ]
    scenario = load_scenario_text(out)
    assert [(i.id, format_duration(i.at), i.detected_by) for i in scenario.incidents] == [
        ("inject-1", "5m", "police_hq"),
        ("inject-2", "1h30m", "ems"),
        ("inject-3", "1d2h30m", "fire"),
    ]
    second = scenario.incidents[1]
    assert second.description == "Explosion in the switchyard"
    assert second.msel is not None
    assert (
        second.msel.number,
        second.msel.method,
        second.msel.to,
        second.msel.expected_action,
    ) == (2, "radio", "Trung tâm cấp cứu 115; PCCC", "Triage")
    assert scenario.incidents[2].msel is not None and scenario.incidents[2].msel.method == "radio"
    assert "# Tasks (this comment too)" in out and out.startswith("# A test drill")


def vietnamese_workbook(path: Path) -> None:
    """Vietnamese headers, clock times as text (08:30, 9h15) and as a time cell."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["STT", "Thời gian", "Nội dung", "Đơn vị nhận", "Hình thức", "Ghi chú"])
    ws.append([1, "08:30", "Phát hiện đối tượng", "Công an tỉnh", "điện thoại"])
    ws.append([2, "9h15", "Nổ tại trạm", "PCCC", "vô tuyến"])
    ws.append([3, dt.time(10, 0), "Cháy lan", "115", "vô tuyến"])
    book.save(path)


@pytest.mark.parametrize(
    ("start", "times", "note"),
    [
        ("08:00", ["30m", "1h15m", "2h"], []),
        (
            None,
            ["0s", "45m", "1h30m"],
            [
                (
                    "note: clock times are counted from 08:30, the earliest in the sheet; "
                    "pass --start HH:MM to choose the exercise start"
                )
            ],
        ),
    ],
)
def test_vietnamese_headers_and_clock_times(
    tmp_path: Path, drill: Path, start: str | None, times: list[str], note: list[str]
) -> None:
    vietnamese_workbook(tmp_path / "vi.xlsx")
    args = ["msel", "import", tmp_path / "vi.xlsx", "--scenario", drill] + (
        ["--start", start] if start else []
    )
    code, out, err = invoke(*args)
    assert code == 0, err
    assert err.splitlines()[:-1] == [
        "note: ignored column(s) drillsim does not use: F (Ghi chú)",
        *note,
    ]
    incidents = load_scenario_text(out).incidents
    assert [format_duration(i.at) for i in incidents] == times
    assert [i.detected_by for i in incidents] == ["police_hq", "fire", "ems"]
    assert incidents[2].msel is not None and incidents[2].msel.inject == "Cháy lan"


def test_chinese_csv_with_semicolons_without_scenario(tmp_path: Path) -> None:
    path = tmp_path / "zh.csv"
    path.write_text(
        "演练脚本;;;\n序号;时间;内容;接收方\n1;T+0:05;校门口持刀伤人;school_security\n\n"
        "2;+00:30;家长聚集;education_bureau\n",
        encoding="utf-8-sig",
    )
    code, out, err = invoke("msel", "import", path)
    assert code == 0, err
    assert out.splitlines()[:4] == [
        "incidents:",
        "  - id: inject-1",
        "    at: 5m",
        '    description: "校门口持刀伤人"',
    ]
    assert "  - id: inject-2\n    at: 30m\n" in out and "    detected_by: education_bureau\n" in out


# -- errors ---------------------------------------------------------------------------------------


def test_bad_rows_are_all_located(tmp_path: Path, drill: Path) -> None:
    bad_rows_workbook(tmp_path / "bad.xlsx")
    out = tmp_path / "out.yaml"
    code, stdout, err = invoke(
        "msel", "import", tmp_path / "bad.xlsx", "--scenario", drill, "-o", out
    )
    assert code == 1 and stdout == "" and not out.exists()
    assert "Traceback" not in err
    f = tmp_path / "bad.xlsx"
    assert err.splitlines() == [
        f"{f}:2:2: error: sheet MSEL, cell B2 (Time): cannot read '2 giờ' as a time",
        (
            "    hint: write a duration from the exercise start (35m, 1h30m), a relative time (D+1 H+2 M+30, H+2, "
            "M+30, H+0:35, T+0:35, +00:35) or a clock time (09:30, 9h30) measured from --start"
        ),
        f"{f}:3:4: error: sheet MSEL, cell D3 (To): no agency of the scenario matches 'Sở Y tế'",
        "    hint: write the id or the name of one of its agencies: police_hq, ems, fire",
        f"{f}:3:5: error: sheet MSEL, cell E3 (Casualties red): expected a whole number, got 'ba'",
        "    hint: write a number such as 3 (0 or more)",
        "3 error(s), 0 warning(s)",
    ]


def test_unmatched_recipient_without_scenario_says_how_to_fix(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("No,Time,Inject,To\n1,H+0:10,Alarm,Công an tỉnh\n", encoding="utf-8")
    code, _, err = invoke("msel", "import", path)
    assert code == 1
    assert err.splitlines() == [
        f"{path}:2:4: error: cell D2 (To): cannot tell which agency 'Công an tỉnh' is without the scenario",
        (
            "    hint: pass --scenario SCENARIO to match recipients with its agencies' ids and names, or add a "
            "'Detected by' column with agency ids"
        ),
        "1 error(s), 0 warning(s)",
    ]


def test_objective_losing_its_incident_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text(
        "No,Time,Inject,To\n1,H+0:10,Alarm,Lực lượng bảo vệ Nhà máy\n", encoding="utf-8"
    )
    code, _, err = invoke(
        "msel", "import", path, "--scenario", SCENARIOS / "lai-chau-hydropower.yaml"
    )
    assert code == 1
    assert err.splitlines()[:2] == [
        (
            f"{path}: error: the scenario's objective alert-hub-10 is measured on incident 'hostage', which no row "
            "of the MSEL has"
        ),
        (
            "    hint: write hostage in an 'Incident id' column on the row of that inject, or change the objective "
            "in the scenario"
        ),
    ]


def test_no_header_and_unreadable_files(tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("just,some\nwords,here\n", encoding="utf-8")
    code, _, err = invoke("msel", "import", tmp_path / "notes.csv")
    assert code == 1 and "cannot find the header row in the first 20 rows" in err
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really")
    code, _, err = invoke("msel", "import", tmp_path / "broken.xlsx")
    assert code == 1 and err.startswith(
        f"error: {tmp_path / 'broken.xlsx'}: not a valid .xlsx file"
    )
    (tmp_path / "old.csv").write_bytes("No,Time,To\n1,5m,Công an\n".encode("cp1258"))
    code, _, err = invoke("msel", "import", tmp_path / "old.csv")
    assert code == 1 and "Save As, CSV UTF-8" in err and "Traceback" not in err


def test_duplicate_ids_are_located(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("No,Time,To\n1,5m,police_hq\n\n1,10m,police_hq\n", encoding="utf-8")
    code, _, err = invoke("msel", "import", path)
    assert (code, err.splitlines()) == (
        1,
        [
            f"{path}:4:1: error: cell A4 (No): incident id 'inject-1' is already used on row 2",
            "    hint: give each inject its own Event No. or Incident id",
            "1 error(s), 0 warning(s)",
        ],
    )


def test_crlf_scenario_keeps_its_line_endings(tmp_path: Path, drill: Path) -> None:
    drill.write_bytes(DRILL.replace("\n", "\r\n").encode("utf-8"))
    vietnamese_workbook(tmp_path / "vi.xlsx")
    out = tmp_path / "out.yaml"
    code, _, err = invoke("msel", "import", tmp_path / "vi.xlsx", "--scenario", drill, "-o", out)
    assert code == 0, err
    data = out.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") > 20
    assert [i.id for i in load_scenario(out).incidents] == ["inject-1", "inject-2", "inject-3"]


def test_import_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    invoke("msel", "export", FIXTURES / "drill.yaml", "--no-simulate", "-o", tmp_path / "m.csv")
    (tmp_path / "out.yaml").write_text("mine\n", "utf-8")
    code, _, err = invoke("msel", "import", tmp_path / "m.csv", "-o", tmp_path / "out.yaml")
    assert code == 1 and "exists; choose another name or pass --force" in err
    assert (tmp_path / "out.yaml").read_text("utf-8") == "mine\n"


# -- the parts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "seconds", "clock"),
    [
        ("35m", 2100, False),
        ("1h30m", 5400, False),
        ("D+1 H+2 M+30", 95400, False),
        ("H+2", 7200, False),
        ("M+30", 1800, False),
        ("T+0:35", 2100, False),
        ("H+0:35", 2100, False),
        ("+00:35", 2100, False),
        ("H+26:00:30", 93630, False),
        ("D+0 H+1 M+30", 5400, False),
        ("０９：３０", 34200, True),
        (dt.timedelta(hours=1, minutes=30), 5400, False),
        (dt.time(9, 30), 34200, True),
        ("09:30", 34200, True),
        ("9h30", 34200, True),
        ("9:30 PM", 77400, True),
        (dt.datetime(2024, 5, 1, 9, 30), 34200, True),
        (0, 0, False),
        ("2024-05-01 09:30", 34200, True),
    ],
)
def test_times_a_trainer_writes(cell: object, seconds: float, clock: bool) -> None:
    t = read_time(cell)
    assert (t.seconds, t.clock) == (seconds, clock)


@pytest.mark.parametrize("cell", ["2 giờ", "-5m", 35, "H+1 H+2", "T+15", "25:00", "H+0:75", "soon"])
def test_times_that_are_refused(cell: object) -> None:
    with pytest.raises(ValueError):
        read_time(cell)


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("#", "number"),
        ("Seq", "number"),
        ("MSEL No", "number"),
        ("STT", "number"),
        ("序号", "number"),
        ("Date/Time", "time"),
        ("  scenario   TIME ", "time"),
        ("Thời gian", "time"),
        ("时间", "time"),
        ("Message", "inject"),
        ("Nội dung", "inject"),
        ("内容", "inject"),
        ("Recipient", "to"),
        ("Player", "to"),
        ("Delivery method", "method"),
        ("Expected player action", "expected_action"),
        ("Đơn vị nhận", "to"),
    ],
)
def test_header_synonyms(header: str, key: str) -> None:
    assert SYNONYMS[header_key(header)][0] == key


@pytest.mark.parametrize("command", [["msel"], ["msel", "export"], ["msel", "import"]])
def test_help_has_an_example(command: list[str]) -> None:
    code, out, _ = invoke(*command, "--help")
    assert code == 0 and "Example:" in out and "drillsim msel" in out


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_scenario_text_that_looks_like_a_formula_is_never_a_formula(
    fmt: str, tmp_path: Path
) -> None:
    """CSV injection: an inject ``=HYPERLINK(...)`` is shown as text by a spreadsheet, and reads back the same."""
    evil = '=HYPERLINK("http://x.invalid","click")'
    text = (
        (FIXTURES / "drill.yaml")
        .read_text("utf-8")
        .replace("    at: 0s\n", f"    at: 0s\n    description: {json.dumps(evil)}\n", 1)
    )
    src = tmp_path / "evil.yaml"
    src.write_text(text, "utf-8")
    sheet, back = tmp_path / f"m.{fmt}", tmp_path / "back.yaml"
    assert invoke("msel", "export", src, "--no-simulate", "-o", sheet)[0] == 0
    if fmt == "csv":
        cells = [
            c
            for row in csv.reader(io.StringIO(sheet.read_bytes().decode("utf-8-sig")))
            for c in row
        ]
        assert evil not in cells and f"'{evil}" in cells
    else:
        ws = openpyxl.load_workbook(sheet)["MSEL"]
        cells = [c for row in ws.iter_rows() for c in row if c.value == evil]
        assert cells and all(c.data_type == "s" for c in cells)  # a string cell, not a formula
    assert invoke("msel", "import", sheet, "--scenario", src, "-o", back)[0] == 0
    assert load_scenario(back).incidents == load_scenario(src).incidents


def test_a_long_cell_is_quoted_short_in_the_error(tmp_path: Path, drill: Path) -> None:
    """A paragraph pasted into the To cell is cut to 60 characters on one line in the message."""
    long = "Gửi toàn bộ các đơn vị liên quan\ntrong khu vực " + "và các lực lượng phối hợp " * 20
    path = tmp_path / "m.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(
            [
                ["No", "Time", "Inject", "To"],
                [1, "H+0:10", "Alarm", long],
                [2, "x" * 500, "Alarm", "ems"],
            ]
        )
    code, _, err = invoke("msel", "import", path, "--scenario", drill)
    assert code == 1
    first = next(line for line in err.splitlines() if "no agency of the scenario matches" in line)
    quoted = first.split("matches ", 1)[1]
    assert quoted.startswith("'Gửi toàn bộ các đơn vị liên quan trong khu vực") and quoted.endswith(
        "…'"
    )
    assert len(quoted) == 62  # 60 characters and the quotes
    time_line = next(line for line in err.splitlines() if "as a time" in line)
    assert "x" * 59 + "…" in time_line and "x" * 61 not in time_line


def test_a_csv_larger_than_the_limits_says_what_was_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from drillsim.msel import files

    monkeypatch.setattr(files, "MAX_ROWS", 3)
    monkeypatch.setattr(files, "MAX_COLUMNS", 4)
    path = tmp_path / "big.csv"
    path.write_text(
        "No,Time,Inject,To,Extra\n1,H+0:05,a,ems,z\n2,H+0:10,b,fire,z\n3,H+0:15,c,ems,z\n",
        encoding="utf-8",
    )
    tables, notes = files.read_tables(path, None)
    assert notes == [f"only the first 3 rows and 4 columns of {path} are read"]
    assert all(len(values) <= 4 for _, values in tables[0].rows) and len(tables[0].rows) == 3
    code, out, err = invoke("msel", "import", path)
    assert code == 0 and f"note: only the first 3 rows and 4 columns of {path} are read" in err
    assert "inject-2" in out and "inject-3" not in out
    path.write_text("No,Time,Inject,To\n1,H+0:05,a,ems\n", encoding="utf-8")
    assert files.read_tables(path, None)[1] == []


def test_formulas_without_saved_values_are_pointed_out(tmp_path: Path, drill: Path) -> None:
    """openpyxl saves formulas without their values, as some tools do: those cells read as empty."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "MSEL"
    ws.append(["No", "Time", "Inject", "To"])
    ws.append([1, "H+0:05", "Alarm", "ems"])
    ws.append(["=A2+1", "H+0:10", '=CONCATENATE("Fire ", "alarm")', "fire"])
    book.save(tmp_path / "formulas.xlsx")
    code, _, err = invoke("msel", "import", tmp_path / "formulas.xlsx", "--scenario", drill)
    assert (
        "note: sheet MSEL: 2 formula cell(s) have no saved value and read as empty (A3, C3)" in err
    )
    assert "open the file in Excel or LibreOffice and save it" in err
    plain = tmp_path / "plain.xlsx"
    ws["A3"], ws["C3"] = 2, "Fire alarm"
    book.save(plain)
    code, _, err = invoke("msel", "import", plain, "--scenario", drill)
    assert code == 0 and "formula cell" not in err


# -- the reader's language ------------------------------------------------------------------------


def bad_rows_workbook(path: Path) -> None:
    """Three unreadable cells: a time, a recipient, a casualty count."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "MSEL"
    ws.append(["No", "Time", "Inject", "To", "Casualties red"])
    ws.append([1, "2 giờ", "x", "Công an tỉnh", 1])
    ws.append([2, "H+1", "y", "Sở Y tế", "ba"])
    book.save(path)


def test_bad_rows_are_said_in_the_scenario_language(tmp_path: Path, drill: Path) -> None:
    """The drill is Vietnamese: its MSEL's problems are too, at the same rows, cells and columns."""
    f = tmp_path / "bad.xlsx"
    bad_rows_workbook(f)
    code, _, err = invoke("msel", "import", f, "--scenario", drill, lang=None)
    assert code == 1
    assert err.splitlines() == [
        f"{f}:2:2: lỗi: trang tính MSEL, ô B2 (Time): không đọc được thời gian '2 giờ'",
        (
            "    gợi ý: hãy ghi thời lượng tính từ lúc bắt đầu diễn tập (35m, 1h30m), thời gian "
            "tương đối (D+1 H+2 M+30, H+2, M+30, H+0:35, T+0:35, +00:35) hoặc giờ đồng hồ "
            "(09:30, 9h30) tính từ --start"
        ),
        f"{f}:3:4: lỗi: trang tính MSEL, ô D3 (To): không có đơn vị nào của kịch bản khớp với 'Sở Y tế'",
        "    gợi ý: hãy ghi mã hoặc tên của một đơn vị trong kịch bản: police_hq, ems, fire",
        f"{f}:3:5: lỗi: trang tính MSEL, ô E3 (Casualties red): cần một số nguyên, nhận được 'ba'",
        "    gợi ý: hãy ghi một số như 3 (từ 0 trở lên)",
        "3 lỗi, 0 cảnh báo",
    ]
    code, _, zh = invoke("msel", "import", f, "--scenario", drill, lang="zh")  # --lang wins
    assert code == 1
    assert zh.splitlines()[0] == (
        f"{f}:2:2: 错误: 工作表 MSEL，单元格 B2（Time）: 无法将 '2 giờ' 读作时间"
    )
    assert zh.splitlines()[4] == (
        f"{f}:3:5: 错误: 工作表 MSEL，单元格 E3（Casualties red）: 应为整数，实际为 'ba'"
    )
    assert zh.splitlines()[-1] == "3 个错误，0 个警告"


def test_every_located_problem_keeps_its_place_in_every_language(
    tmp_path: Path, drill: Path
) -> None:
    """Said in vi or zh, a problem names the same file, row and column; only the words change."""
    from drillsim.errors import ScenarioError
    from drillsim.msel import import_incidents
    from drillsim.msel.files import read_tables

    path = tmp_path / "m.csv"
    path.write_text(
        "No,Time,Inject,To,Triggers\n"
        "x,H+0:10,Alarm,police_hq,\n"  # not a whole number
        "2,,Alarm,police_hq,\n"  # no time
        "3,H+0:20,Alarm,,\n"  # no recipient
        "4,H+0:30,Alarm,ems,nothing\n"  # an unknown task
        "4,H+0:40,Alarm,fire,\n",  # the id of row 5 again
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as caught:
        import_incidents(read_tables(path, None)[0], load_scenario(drill), None)
    problems = caught.value.problems
    assert [(p.line, p.column) for p in problems] == [
        (2, 1),
        (3, 2),
        (4, 4),
        (5, 5),
        (6, 1),
    ]
    for p in problems:
        english, vi, zh = p.format(), p.format("vi"), p.format("zh")
        place = f"{path}:{p.line}:{p.column}: "
        assert english.startswith(place + "error: ")
        assert vi.startswith(place + "lỗi: ") and zh.startswith(place + "错误: ")
        assert vi != english != zh and "\n    gợi ý: " in vi and "\n    提示: " in zh
    vi = [p.format("vi").split("\n")[0].split(": ", 2)[2] for p in problems]
    assert vi == [
        "ô A2 (No): số thứ tự 'x' không phải là số nguyên",
        "ô B3 (Time): không có thời gian kịch bản",
        (
            "ô D4 (To): không có đơn vị nhận: mỗi tình huống cần có đơn vị tiếp nhận (đơn vị đó "
            "phát hiện sự việc)"
        ),
        "ô E5 (Triggers): kịch bản không có nhiệm vụ 'nothing'",
        "ô A6 (No): mã tình huống 'inject-4' đã được dùng ở dòng 5",
    ]
    assert problems[3].format("zh").endswith("提示: 想定中的任务：cordon")


def test_msel_commands_speak_the_scenario_language(tmp_path: Path, drill: Path) -> None:
    """Vietnamese for a Vietnamese scenario, Chinese for a Chinese one, English with --lang en."""
    sheet = tmp_path / "m.csv"
    code, _, vi = invoke("msel", "export", drill, "--no-simulate", "-o", sheet, lang=None)
    assert code == 0
    assert vi == (
        f"đã ghi {sheet}: 1 tình huống; thời gian dự kiến: không mô phỏng (--no-simulate)\n"
    )
    code, _, en = invoke("msel", "export", drill, "--no-simulate", "-o", sheet, "--force")
    assert en == f"wrote {sheet}: 1 injects; expected times: not simulated (--no-simulate)\n"
    out = tmp_path / "zh.csv"
    jiangcheng = SCENARIOS / "jiangcheng-school-campus.yaml"
    code, _, zh = invoke("msel", "export", jiangcheng, "--no-simulate", "-o", out, lang=None)
    assert code == 0 and zh.startswith(f"已写入 {out}：") and "未模拟（--no-simulate）" in zh
    vietnamese_workbook(tmp_path / "vi.xlsx")
    code, _, vi = invoke("msel", "import", tmp_path / "vi.xlsx", "--scenario", drill, lang=None)
    assert code == 0
    assert vi.splitlines() == [
        "lưu ý: đã bỏ qua các cột drillsim không dùng: F (Ghi chú)",
        (
            "lưu ý: giờ đồng hồ được tính từ 08:30, giờ sớm nhất trong bảng; dùng --start HH:MM "
            "để chọn thời điểm bắt đầu diễn tập"
        ),
        f"đã đọc 3 tình huống từ {tmp_path / 'vi.xlsx'} (trang tính Sheet), dòng tiêu đề là dòng 1",
    ]


def test_a_sheet_error_before_any_scenario_speaks_lang_or_english(tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("just,some\nwords,here\n", encoding="utf-8")
    code, _, en = invoke("msel", "import", tmp_path / "notes.csv", lang=None)
    assert code == 1 and en.startswith(f"error: {tmp_path / 'notes.csv'}: cannot find the header")
    code, _, vi = invoke("msel", "import", tmp_path / "notes.csv", lang="vi")
    assert code == 1 and vi.startswith(
        f"lỗi: {tmp_path / 'notes.csv'}: không tìm thấy dòng tiêu đề trong 20 dòng đầu"
    )
