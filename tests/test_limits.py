"""Limits that bound the real cost: each hostile file as a trainer's tool could write it, run as the
CLI runs, in a subprocess under a memory cap; each refusal is exit 1, names its limit, no traceback.
"""

from __future__ import annotations

import io
import math
import os
import resource
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURES
from hypothesis import assume, given
from hypothesis import strategies as st
from openpyxl import Workbook

from drillsim.errors import ScenarioError
from drillsim.scenario.loader import load_scenario_text
from tests.helpers import english

TREE = Path(__file__).resolve().parent.parent
DRILL = (FIXTURES / "drill.yaml").read_text("utf-8")
MEMORY = 1536 * 2**20
"""The address-space cap of a hostile run (1.5 GB): the 10 MB sources file once reached 8.3 GB."""


def capped(
    *args: str | Path,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """``drillsim ARGS`` in a subprocess limited to MEMORY bytes and ``timeout`` seconds."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    return subprocess.run(
        [sys.executable, "-m", "drillsim", *english(args)],
        preexec_fn=limit,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(TREE), **(env or {})},
        check=False,
    )


def refused(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    """Exit 1, every needle in stderr, no traceback."""
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr + result.stdout
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr[-2000:])


def with_tail(extra: str, text: str = DRILL) -> str:
    return text + extra


# -- scenario files -------------------------------------------------------------------------------


def test_long_sources_list_is_refused_at_its_limit_before_validation(tmp_path: Path) -> None:
    """200,000 short sources (1.2 MB, far inside the 10 MB limit) stop at entry 10,001."""
    path = tmp_path / "sources.yaml"
    path.write_text(with_tail("sources:\n" + "  - a\n" * 200_000), "utf-8")
    result = capped("validate", path)
    line = DRILL.count("\n") + 2 + 10_000
    refused(
        result,
        f"sources.yaml:{line}:5: error: the list sources has more than 10,000 items",
        "set DRILLSIM_MAX_LIST_ITEMS to raise it",
    )
    assert len(result.stderr) < 1000  # one problem, not one per entry
    ok = capped("validate", path, env={"DRILLSIM_MAX_LIST_ITEMS": "300000"})
    assert ok.returncode == 0 and "valid" in ok.stdout, ok.stderr[-500:]


def test_values_in_all_are_bounded_however_the_lists_are_split(tmp_path: Path) -> None:
    """Many lists each under the list limit still stop at 500,000 values in all."""
    ids = "[" + ",".join(["ems"] * 9_000) + "]"
    variants = "".join(f"  - {{id: v{i}, remove_agencies: {ids}}}\n" for i in range(60))
    path = tmp_path / "values.yaml"
    path.write_text(DRILL.replace("variants:\n", "variants:\n" + variants, 1), "utf-8")
    refused(
        capped("validate", path),
        "the file has more than 500,000 values in all",
        "DRILLSIM_MAX_SCENARIO_VALUES",
    )


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (
            "sources:\n  - " + "x" * 30_000 + "\n",
            "this text is 30,000 characters long, over the limit of 20,000",
        ),
        (
            "? " + "k" * 5_000_000 + "\n: 1\n",
            "this key is 5,000,000 characters long, over the limit of 200",
        ),
    ],
)
def test_long_texts_and_keys_are_refused_without_echoing_them(
    tmp_path: Path, text: str, needle: str
) -> None:
    path = tmp_path / "long.yaml"
    path.write_text(with_tail(text), "utf-8")
    result = capped("validate", path)
    refused(result, needle)
    assert len(result.stderr) < 2000


def test_validate_applies_the_limits_run_applies_and_run_leaves_no_folder(tmp_path: Path) -> None:
    """A variant's added agency takes the drill over DRILLSIM_MAX_AGENCIES=4: validate says so, and
    run refuses before any run folder exists."""
    text = DRILL.replace(
        "variants:\n", "variants:\n  - {id: more, add_agencies: [{id: extra}]}\n", 1
    )
    path = tmp_path / "agencies.yaml"
    path.write_text(text, "utf-8")
    env = {"DRILLSIM_MAX_AGENCIES": "4"}
    message = "the scenario with variant more has 5 agencies, over the limit of 4; set DRILLSIM_MAX_AGENCIES"
    refused(capped("validate", path, env=env), message)
    out = tmp_path / "run"
    refused(capped("run", path, "-n", "3", "--out", out, "--no-report", env=env), message)
    assert not out.exists()
    assert capped("validate", path, env={"DRILLSIM_MAX_AGENCIES": "5"}).returncode == 0


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("9" * 5_000, "this whole number is 5,000 characters long"),
        (
            "0x" + "f" * 3_500,
            "this whole number is 3,502 characters long",
        ),  # few characters, 14,000 bits
        (".inf", ".inf is not a finite number"),
        (".nan", ".nan is not a finite number"),
    ],
)
def test_numbers_no_field_can_hold_are_located(tmp_path: Path, value: str, needle: str) -> None:
    path = tmp_path / "number.yaml"
    path.write_text(DRILL.replace("seed: 11", f"seed: {value}", 1), "utf-8")
    line = DRILL[: DRILL.index("seed: 11")].count("\n") + 1
    refused(capped("validate", path), f"number.yaml:{line}:9: error: {needle}")


def test_lognormal_that_overflows_exp_is_refused_naming_the_field() -> None:
    text = DRILL.replace(
        "{lognormal: {median: 3m, p90: 8m}}",
        "{lognormal: {median: 0.00000000000000000001s, p90: 29d}}",
        1,
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "drill.yaml")
    rendered = info.value.render()
    assert (
        "agencies[1] (police_hq).handling.lognormal: lognormal p90 (29d) is 2.5e+26 times the median (1e-20s)"
        in rendered
    )
    assert "at most 1,000 times is accepted" in rendered and "check the units" in rendered


def test_manifest_with_a_huge_whole_number_is_a_damaged_folder(tmp_path: Path) -> None:
    out = tmp_path / "run"
    done = capped("run", FIXTURES / "drill.yaml", "-n", "2", "--out", out, "--no-report", "--quiet")
    assert done.returncode == 0, done.stderr[-1000:]
    manifest = out / "manifest.json"
    manifest.write_text(
        manifest.read_text("utf-8").replace('"seed": 11', '"seed": ' + "1" * 5000), "utf-8"
    )
    refused(capped("report", out, "--format", "md"), "manifest.json:6: error: not valid JSON")


# -- MSEL spreadsheets ----------------------------------------------------------------------------


def _msel_book() -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = "MSEL"
    ws.append(["Event No.", "Time", "Event", "Detected by"])
    ws.append([1, "H+0:05", "Alarm rings at the guard post", "plant_security"])
    ws.append([2, "H+0:09", "Second alarm", "plant_security"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _patched(data: bytes, sheet_xml: Callable[[bytes], bytes]) -> bytes:
    """The workbook with its first sheet's XML rewritten (what another tool could have saved)."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            dst.writestr(
                info.filename,
                sheet_xml(part) if info.filename == "xl/worksheets/sheet1.xml" else part,
            )
    return out.getvalue()


def _merge(ref: str) -> Callable[[bytes], bytes]:
    return lambda xml: xml.replace(
        b"</sheetData>",
        f'</sheetData><mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode(),
    )


def test_merged_range_to_the_last_cell_of_the_sheet_costs_nothing(tmp_path: Path) -> None:
    """A 5 KB file merging C3:XFD1048576 (17 billion cells) is read under the cap: the range fills
    the cells read right of C3 with its value, so row 3's Detected by reads 'Second alarm'."""
    path = tmp_path / "merged.xlsx"
    path.write_bytes(_patched(_msel_book(), _merge("C3:XFD1048576")))
    assert path.stat().st_size < 10_000
    refused(
        capped("msel", "import", path),
        "merged.xlsx:3:4: error: sheet MSEL, cell D3 (Detected by): "
        "'Second alarm' is not a valid id",
    )


def test_merged_cells_over_their_limit_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "merged.xlsx"
    path.write_bytes(_patched(_msel_book(), _merge("A2:XFD1048576")))
    refused(
        capped("msel", "import", path, env={"DRILLSIM_MAX_MERGED_CELLS": "50"}),
        "the merged ranges of sheet MSEL cover 400 cells of the rows and columns read, over the limit of 50",
        "DRILLSIM_MAX_MERGED_CELLS",
    )


@pytest.mark.slow
def test_million_row_sheet_is_read_only_up_to_the_row_limit(tmp_path: Path) -> None:
    """1,048,576 rows written straight into the sheet XML: the import reads 10,000 and says so."""

    def rows(xml: bytes) -> bytes:
        extra = b"".join(
            b'<row r="%d"><c r="Z%d" t="inlineStr"><is><t>x</t></is></c></row>' % (r, r)
            for r in range(4, 1_048_577)
        )
        return xml.replace(b"</sheetData>", extra + b"</sheetData>")

    path = tmp_path / "rows.xlsx"
    path.write_bytes(_patched(_msel_book(), rows))
    result = capped("msel", "import", path, timeout=60)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-1000:]
    assert (
        "note: only the first 10,000 rows and 200 columns of sheet MSEL are read" in result.stderr
    )
    assert "read 2 injects" in result.stderr


def test_import_matches_recipients_in_one_pass_per_distinct_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """2,000 agencies and 100 rows: the names are normalised once, not once per row (the old
    matcher normalised every name for every row: 400,000 calls here)."""
    from drillsim.msel import rows as rows_module
    from drillsim.scenario.model import Scenario

    agencies = [{"id": f"a{i}", "name": f"Đơn vị số {i} của tỉnh"} for i in range(2_000)]
    scenario = Scenario.model_validate(
        {
            "scenario": {"id": "big", "title": "Big"},
            "target": {"name": "T", "kind": "other"},
            "agencies": agencies,
            "incidents": [{"id": "i", "at": "0s", "detected_by": "a0"}],
        }
    )
    calls = {"n": 0}
    real = rows_module.header_key

    def counted(text: str) -> str:
        calls["n"] += 1
        return real(text)

    monkeypatch.setattr(rows_module, "header_key", counted)
    match = rows_module.agency_matcher(scenario)
    texts = [f"Đơn vị số {i * 7} của tỉnh (trực ban)" for i in range(100)] * 3
    assert [match(t) for t in texts] == [f"a{i * 7}" for i in range(100)] * 3
    assert calls["n"] < 5 * len(agencies) + 10 * 100


# -- observed times -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("limits") / "run"
    done = capped("run", FIXTURES / "drill.yaml", "-n", "4", "--out", out, "--no-report", "--quiet")
    assert done.returncode == 0, done.stderr[-1000:]
    return out


def test_million_observations_are_refused_at_the_row_limit(run_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "live.csv"
    path.write_text("agency,event,time\n" + "ems,alerted,3m\n" * 1_000_000, "utf-8")
    refused(
        capped("report", run_dir, "--format", "md", "--observed", path, "--force"),
        "more than 10,000 observations, over the limit of 10,000; set DRILLSIM_MAX_OBSERVED_ROWS",
    )


def test_observations_file_over_its_size_limit_is_refused_unread(
    run_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "live.csv"
    path.write_text("agency,event,time\n" + "ems,alerted,3m\n" * 1000, "utf-8")
    refused(
        capped(
            "report",
            run_dir,
            "--format",
            "md",
            "--observed",
            path,
            "--force",
            env={"DRILLSIM_MAX_OBSERVED_BYTES": "1000"},
        ),
        "over the limit of 1,000",
        "DRILLSIM_MAX_OBSERVED_BYTES",
    )


def test_observation_cell_over_the_csv_limit_is_located(run_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "live.csv"
    path.write_text(
        'agency,event,time\nems,alerted,3m\nems,alerted,"' + "9" * 200_000 + '"\n', "utf-8"
    )
    result = capped("report", run_dir, "--format", "md", "--observed", path, "--force")
    refused(result, f"{path}:3: not a readable CSV file (field larger than field limit")
    assert len(result.stderr) < 2000


# -- the DOCX writer ------------------------------------------------------------------------------


@pytest.mark.slow
def test_docx_holds_every_source_and_link_in_order(tmp_path: Path) -> None:
    """5,000 sources and 500 links reach the DOCX, in order (written by appending, not by python-docx's
    add_paragraph and add_row, which rescan the document: 100,000 sources took 158 s)."""
    from docx import Document

    sources = "".join(f'  - "Source {i}: after-action report of drill {i}"\n' for i in range(5_000))
    links = "".join(f"  - {{from: police_hq, to: ems, channel: c{i}}}\n" for i in range(500))
    text = DRILL.replace("links:\n", "links:\n" + links, 1) + "sources:\n" + sources
    path = tmp_path / "many.yaml"
    path.write_text(text, "utf-8")
    out = tmp_path / "run"
    done = capped(
        "run",
        path,
        "-n",
        "2",
        "--suggest",
        "0",
        "--out",
        out,
        "--format",
        "docx",
        "--quiet",
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-1000:]
    doc = Document(str(next(out.glob("after-action-report-*.docx"))))
    numbered = [
        p.text for p in doc.paragraphs if p.style is not None and p.style.name == "List Number"
    ]
    assert numbered[-5_000:] == [
        f"Source {i}: after-action report of drill {i}" for i in range(5_000)
    ]
    link_table = max(doc.tables, key=lambda t: len(t.rows))
    channels = [row.cells[1].text for row in link_table.rows]
    assert channels[1:501] == [f"c{i}" for i in range(500)] and len(channels) == 1 + 500 + 2


# -- sweep ranges ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "needle"),
    [
        ("0..1e999999999", "is not made of finite numbers of at most 1,000,000,000"),
        ("NaN..2", "is not made of finite numbers"),
        ("1..Infinity", "is not made of finite numbers"),
        ("1..2:0.0000000001", "has more than 1,000 values"),
    ],
)
def test_sweep_ranges_are_bounded_before_counting(values: str, needle: str) -> None:
    from drillsim.errors import InputError
    from drillsim.runs.sweep import parse_set
    from drillsim.scenario.loader import load_scenario

    with pytest.raises(InputError, match=needle):
        parse_set(f"agencies.ems.units={values}", load_scenario(FIXTURES / "drill.yaml"))


def test_sweep_grid_is_bounded_in_all() -> None:
    """Three axes of 100 values are a million variants: refused before one is built."""
    from drillsim.errors import InputError
    from drillsim.runs.sweep import grid, parse_set
    from drillsim.scenario.loader import load_scenario

    scenario = load_scenario(FIXTURES / "drill.yaml")
    axes = [
        parse_set(f"agencies.{a}.units=1..100", scenario) for a in ("ems", "swat", "plant_security")
    ]
    with pytest.raises(
        InputError,
        match=r"the grid has 1,000,000 points \(100 x 100 x 100\), over the limit of 1,000",
    ):
        grid(scenario, axes)


# -- distributions: what the samplers compute stays finite ----------------------------------------


@given(st.floats(-690.0, 14.77), st.floats(1e-6, 70.0), st.floats(0.0, 1.0, exclude_max=True))
def test_every_accepted_lognormal_has_finite_quantiles_and_mean(
    log_median: float, log_ratio: float, u: float
) -> None:
    """Accepted, a lognormal's mean and every quantile are finite; refused, the ratio was over the bound."""
    from decimal import Decimal

    from pydantic import ValidationError

    from drillsim.scenario.durations import MAX_LOGNORMAL_RATIO, MAX_SECONDS, LogNormal

    median = math.exp(log_median)
    p90 = min(median * math.exp(log_ratio), MAX_SECONDS)
    assume(p90 > median)
    text = {"median": f"{Decimal(median):f}s", "p90": f"{Decimal(p90):f}s"}
    try:
        dist = LogNormal(lognormal=text)
    except ValidationError as exc:
        assert dist_ratio(text) > MAX_LOGNORMAL_RATIO and "at most 1,000 times" in str(exc), str(
            exc
        )
        return
    assert (
        math.isfinite(dist.mean())
        and math.isfinite(dist.quantile(u))
        and 0 <= dist.sample(u) <= MAX_SECONDS
    )


def dist_ratio(text: dict[str, str]) -> float:
    from drillsim.scenario.durations import parse_duration

    return parse_duration(text["p90"]) / parse_duration(text["median"])
