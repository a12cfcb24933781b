"""Live-drill observations in the report: time formats, --start, and the section in every format."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from drillsim import i18n
from drillsim.cli import cli
from drillsim.errors import InputError
from drillsim.report import write_report
from drillsim.report.data import build
from drillsim.report.observed import observed_rows
from drillsim.runs.store import prepare_dir
from drillsim.runs.study import run_study
from drillsim.scenario.loader import load_scenario
from drillsim.scenario.variants import BASE

FIXTURE = Path(__file__).parent / "fixtures" / "report" / "hub.yaml"
LIVE = "agency,event,time\nguard,alerted,3m\ndistrict_police,alerted,H+0:06\nems,on_scene,09:50\n"
"""A duration, a relative time and a clock time (09:50 is 50 min after a 09:00 start)."""


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scenario = load_scenario(FIXTURE)
    out = prepare_dir(tmp_path_factory.mktemp("observed") / "run", force=False)
    run_study(scenario, FIXTURE, out, n=40, seed=7, variants=[BASE])
    return out


@pytest.fixture()
def live(tmp_path: Path) -> Path:
    path = tmp_path / "live.csv"
    path.write_text(LIVE, encoding="utf-8")
    return path


def copy_of(run_dir: Path, tmp_path: Path, name: str = "copy") -> Path:
    return Path(shutil.copytree(run_dir, tmp_path / name))


def with_ems_on_scene(run_dir: Path, tmp_path: Path, seconds: list[float | None]) -> Path:
    """A copy of the run whose replications put EMS on scene at the given times (by hand)."""
    import json

    copy = copy_of(run_dir, tmp_path, "hand")
    index = [a.id for a in load_scenario(FIXTURE).agencies].index("ems")
    path = copy / "summaries" / f"{BASE}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(seconds)
    for row, when in zip(rows, seconds):
        row["on_scene"][index] = when
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return copy


def test_clock_time_counts_from_start_and_places_it(
    run_dir: Path, live: Path, tmp_path: Path
) -> None:
    # EMS on scene at 100 s, 200 s, ..., 3,900 s in 39 replications, and never in the 40th.
    hand = with_ems_on_scene(run_dir, tmp_path, [100.0 * k for k in range(1, 40)] + [None])
    rows = observed_rows(build(hand, "en"), live, 9 * 3600)
    assert [(r["agency"], r["event"], r["observed"]) for r in rows] == [
        ("guard", "alerted", 180.0),
        ("district_police", "alerted", 360.0),
        ("ems", "on_scene", 3000.0),
    ]
    ems = rows[2]
    # 09:50 after a 09:00 start is 3,000 s: 29 runs were earlier, one equal (half counts): 29.5 of 40.
    assert ems["percentile"] == pytest.approx(73.75) and ems["percentile_text"] == "p74"
    assert ems["verdict"] == "as_planned" and ems["name"] == "Trung tâm cấp cứu 115"
    assert (ems["median"], ems["p10"]) == (pytest.approx(2050.0), pytest.approx(490.0))
    later = observed_rows(build(hand, "en"), live, 8 * 3600 + 20 * 60)[
        2
    ]  # 90 min: later than 39 of 40
    assert later["observed"] == 5400.0 and later["percentile"] == pytest.approx(97.5)
    assert later["verdict"] == "slower"
    early = observed_rows(build(hand, "en"), live, 9 * 3600 + 45 * 60)[
        2
    ]  # 5 min: 2 earlier, 1 equal
    assert early["observed"] == 300.0 and early["percentile"] == pytest.approx(6.25)
    assert early["verdict"] == "faster"


def test_clock_time_without_start_is_refused_naming_the_row(run_dir: Path, live: Path) -> None:
    with pytest.raises(
        InputError, match=r"live\.csv:4: '09:50' in column time is a clock time; pass --start"
    ):
        observed_rows(build(run_dir, "en"), live)


def test_bad_cells_are_located_by_row_and_column(run_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "agency,event,time\nems,on_scene,soon\nnobody,alerted,5m\nems,on_scene,08:30\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        observed_rows(build(run_dir, "en"), bad, 9 * 3600)
    lines = str(err.value).splitlines()
    assert lines[0].startswith(f"{bad}:2: cannot read 'soon' as a time in column time")
    assert lines[1].startswith(f"{bad}:3: unknown agency 'nobody' in column agency")
    assert lines[2].startswith(
        f"{bad}:4: '08:30' in column time is before the exercise start 09:00"
    )


def test_cli_start_option(run_dir: Path, live: Path, tmp_path: Path) -> None:
    run = copy_of(run_dir, tmp_path)
    args = ["report", str(run), "--format", "md", "--lang", "en", "--observed", str(live)]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 1 and "live.csv:4:" in r.output and "--start" in r.output
    r = CliRunner().invoke(cli, [*args, "--start", "9:00"])
    assert r.exit_code == 0, r.output
    md = (run / "after-action-report-en.md").read_text(encoding="utf-8")
    assert "| Trung tâm cấp cứu 115 | On scene | 0:50:00 |" in md
    r = CliRunner().invoke(
        cli, ["report", str(run), "--observed", str(live), "--start", "soon", "--force"]
    )
    assert r.exit_code == 2 and "--start" in r.output


@pytest.mark.slow  # builds a DOCX report with its charts
def test_docx_has_the_observed_table_and_chart(run_dir: Path, live: Path, tmp_path: Path) -> None:
    from docx import Document

    plain = copy_of(run_dir, tmp_path, "plain")
    (without,) = write_report(plain, formats=("docx",), lang="zh")
    obs = copy_of(run_dir, tmp_path, "obs")
    (with_obs,) = write_report(
        obs, formats=("docx",), lang="zh", observed=live, observed_start=9 * 3600
    )
    header = [
        i18n.say("zh", k) for k in ("agency", "event", "observed_time", "median", "percentile")
    ] + [""]
    doc = Document(str(with_obs))
    tables = [tb for tb in doc.tables if [c.text for c in tb.rows[0].cells] == header]
    assert len(tables) == 1
    rows = [[c.text for c in row.cells] for row in tables[0].rows[1:]]
    assert [r[:3] for r in rows] == [
        ["Bảo vệ trạm", i18n.say("zh", "alerted"), "0:03:00"],
        ["Công an huyện (trực ban)", i18n.say("zh", "alerted"), "0:06:00"],
        ["Trung tâm cấp cứu 115", i18n.say("zh", "on_scene"), "0:50:00"],
    ]
    assert i18n.say("zh", "observed") in [
        p.text for p in doc.paragraphs if p.style.name.startswith("Heading")
    ]
    assert len(doc.inline_shapes) == len(Document(str(without)).inline_shapes) + 1


@pytest.mark.slow  # builds a report with its charts
def test_markdown_links_the_observed_chart(run_dir: Path, live: Path, tmp_path: Path) -> None:
    run = copy_of(run_dir, tmp_path)
    for lang, folder in (("vi", "charts"), ("en", "charts-en")):  # the scenario is in Vietnamese
        (md,) = write_report(
            run, formats=("md",), lang=lang, observed=live, observed_start=9 * 3600
        )
        text = md.read_text(encoding="utf-8")
        assert f"]({folder}/observed.png)" in text
        assert (run / folder / "observed.png").is_file()


def test_vietnamese_report_translates_event_names(run_dir: Path, tmp_path: Path) -> None:
    run = copy_of(run_dir, tmp_path)
    live = tmp_path / "live.csv"
    live.write_text(
        "agency,event,time\nems,on_scene,50m\ncordon,task_done,H+0:40\n", encoding="utf-8"
    )
    html, md = write_report(run, formats=("html", "md"), lang="vi", observed=live)
    for text in (html.read_text(encoding="utf-8"), md.read_text(encoding="utf-8")):
        assert "Có mặt" in text and "Hoàn thành nhiệm vụ" in text
        assert "on_scene" not in text and "task_done" not in text


# -- the reader's language ------------------------------------------------------------------------


def test_report_speaks_the_run_folders_language(run_dir: Path, tmp_path: Path) -> None:
    """The run's scenario is Vietnamese: the report command says what it wrote, and why it
    refuses, in Vietnamese; --lang en in English."""
    run = copy_of(run_dir, tmp_path)
    md = run / "after-action-report-vi.md"
    r = CliRunner().invoke(cli, ["report", str(run), "--format", "md"])
    assert (r.exit_code, r.stdout) == (0, f"báo cáo: {md}\n"), r.output
    r = CliRunner().invoke(cli, ["report", str(run), "--format", "md"])
    assert r.exit_code == 1
    assert r.stderr == (
        f"lỗi: {md} đã có; dùng --force để thay thế (hãy sao lưu các chỉnh sửa trước), "
        "hoặc chọn --lang khác\n"
    )
    r = CliRunner().invoke(cli, ["report", str(run), "--format", "md", "--lang", "vi"])
    assert r.exit_code == 1 and r.stderr.startswith(f"lỗi: {md} đã có;")
    en = run / "after-action-report-en.md"
    en.write_text("edited\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["report", str(run), "--format", "md", "--lang", "en"])
    assert r.exit_code == 1
    assert r.stderr == (
        f"error: {en} exists; pass --force to replace (copy out any edits first), or choose "
        "another --lang\n"
    )
    r = CliRunner().invoke(cli, ["chart", str(run), "--out", "-"])
    assert (r.exit_code, r.stderr) == (
        1,
        "lỗi: biểu đồ là các tệp: hãy chỉ định một thư mục bằng --out, không dùng -\n",
    )
    r = CliRunner().invoke(cli, ["chart", str(run), "--out", "-", "--lang", "zh"])
    assert r.stderr == "错误: 图表是文件：请用 --out 指定文件夹，而不是 -\n"


def test_bad_observations_are_said_in_the_scenario_language(run_dir: Path, tmp_path: Path) -> None:
    """Each row's problem in Vietnamese (the run's scenario language), at the same row."""
    run = copy_of(run_dir, tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "agency,event,time\nems,on_scene,soon\nnobody,alerted,5m\nems,on_scene,08:30\n"
        "ems,arrived,5m\n",
        encoding="utf-8",
    )
    args = ["report", str(run), "--format", "md", "--observed", str(bad), "--start", "9:00"]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert lines[0] == (
        f"lỗi: {bad}:2: không đọc được thời gian 'soon' ở cột time; hãy ghi thời lượng (35m), "
        "thời gian tương đối (H+0:35) hoặc giờ đồng hồ (09:35) kèm --start"
    )
    assert lines[1].startswith(
        f"{bad}:3: cột agency có đơn vị không có trong kịch bản 'nobody'; hãy dùng một trong: "
    )
    assert lines[2] == (
        f"{bad}:4: '08:30' ở cột time sớm hơn thời điểm bắt đầu diễn tập 09:00 (--start); "
        "hãy đặt --start sớm hơn, hoặc sửa lại thời gian"
    )
    assert lines[3].startswith(f"{bad}:5: cột event có sự kiện không hợp lệ 'arrived'")
    assert len(lines) == 4 and not list(run.glob("after-action-report-*"))
    english = CliRunner().invoke(cli, [*args, "--lang", "en"]).stderr.splitlines()
    assert len(english) == 4 and english[0].startswith(f"error: {bad}:2: cannot read 'soon'")
    for line, start in zip(
        english[1:],
        (
            f"{bad}:3: unknown agency 'nobody' in column agency; use one of guard, ",
            f"{bad}:4: '08:30' in column time is before the exercise start 09:00 (--start)",
            f"{bad}:5: unknown event 'arrived' in column event",
        ),
    ):
        assert line.startswith(start)


def test_many_bad_observations_end_with_a_count_in_each_language(
    run_dir: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("agency,event,time\n" + "ems,on_scene,soon\n" * 60, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        observed_rows(build(run_dir, "en"), bad)
    for lang, first, last in (
        ("en", "cannot read 'soon' as a time in column time", "and 10 more problem(s)"),
        ("vi", "không đọc được thời gian 'soon' ở cột time", "và 10 lỗi khác"),
        ("zh", "time 列：无法将 'soon' 读作时间", "另有 10 处问题"),
    ):
        lines = caught.value.said(lang).splitlines()
        assert len(lines) == 51 and lines[0].startswith(f"{bad}:2: {first}")
        assert lines[49].startswith(f"{bad}:51: ") and lines[50].endswith(last)
    assert str(caught.value) == caught.value.said("en")
