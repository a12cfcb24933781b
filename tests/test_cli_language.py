"""The command line speaks the reader's language: ``--lang``, else the scenario's, else English.

The fixture drill and most examples are Vietnamese, jiangcheng-school-campus is Chinese; each
command is read once per language and pinned on whole lines where the line is short.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path

import pytest
from conftest import FIXTURES, SCENARIOS

import drillsim.cli.timeline as timeline_module
from drillsim.analysis.results import percent, signed
from drillsim.cli.main import _os_error_message
from tests.helpers import run_cli, run_study

DRILL = FIXTURES / "drill.yaml"  # language: vi
CAMPUS = SCENARIOS / "jiangcheng-school-campus.yaml"  # language: zh

SUMMARY = {
    "vi": "4 đơn vị, 3 liên lạc, 1 tình huống, 4 nhiệm vụ, 3 mục tiêu, 2 phương án, "
    "thời gian mô phỏng 4h",
    "zh": "4 个单位，3 条联络，1 个情况注入，4 项任务，3 个目标，2 个情景变体，仿真时限 4h",
    "en": "4 agencies, 3 links, 1 injects, 4 tasks, 3 objectives, 2 variants, horizon 4h",
}
VALID = {"vi": "hợp lệ", "zh": "有效", "en": "valid"}


def test_validate_speaks_the_scenario_language_unless_lang_says_otherwise() -> None:
    r = run_cli("validate", DRILL, lang=None)
    assert r.exit_code == 0 and r.stdout == f"{DRILL}: hợp lệ: {SUMMARY['vi']}\n"
    for lang in ("en", "zh", "vi"):  # --lang wins over the scenario's vi
        r = run_cli("validate", DRILL, lang=lang)
        assert r.stdout == f"{DRILL}: {VALID[lang]}: {SUMMARY[lang]}\n", lang


def test_validate_of_a_vi_and_a_zh_file_speaks_each_in_turn() -> None:
    r = run_cli("validate", DRILL, CAMPUS, lang=None)
    first, second = r.stdout.splitlines()
    assert first == f"{DRILL}: hợp lệ: {SUMMARY['vi']}"
    assert second.startswith(f"{CAMPUS}: 有效: 10 个单位，") and "仿真时限 4h" in second
    r = run_cli("validate", CAMPUS, DRILL, lang="en")
    assert [line.split(": ")[1] for line in r.stdout.splitlines()] == ["valid", "valid"]


def test_validate_counts_invalid_files_in_english_when_their_languages_differ(
    tmp_path: Path,
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("", encoding="utf-8")  # no language can be read from an empty file
    r = run_cli("validate", DRILL, bad, lang=None)
    assert r.exit_code == 1
    assert r.stdout.startswith(f"{DRILL}: hợp lệ: ")
    assert r.stderr.splitlines()[-1] == "1 of 2 file(s) invalid"
    r = run_cli("validate", DRILL, bad, lang="vi")
    assert r.stderr.splitlines()[-1] == "1 trên 2 tệp không hợp lệ"


def test_a_warning_count_follows_the_language(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(DRILL.read_text("utf-8").replace("within: 90m", "within: 5h"), "utf-8")
    assert run_cli("validate", path, lang=None).stdout.endswith("4h (1 cảnh báo)\n")
    assert run_cli("validate", path, lang="zh").stdout.endswith("4h（1 个警告）\n")
    assert run_cli("validate", path, lang="en").stdout.endswith("4h (1 warning(s))\n")


def test_timeline_words_follow_the_language_and_the_engine_details_stay() -> None:
    args = ("timeline", DRILL, "--seed", "3", "--verbose")
    vi = run_cli(*args, lang=None).stdout.splitlines()
    zh = run_cli(*args, lang="zh").stdout.splitlines()
    en = run_cli(*args, lang="en").stdout.splitlines()
    assert len(vi) == len(zh) == len(en)
    assert vi[0].endswith(": seed 3, lần mô phỏng 0") and en[0].endswith(": seed 3, replication 0")
    assert zh[0].endswith("：seed 3，第 0 次重复")
    assert vi[1].endswith("tình huống hostage") and zh[1].endswith("情况注入 hostage")
    assert en[1].endswith("inject hostage")
    # a channel is the engine's detail, the same in every language
    sent = [i for i, line in enumerate(en) if "sends the alert to" in line]
    assert sent
    channel = en[sent[0]].rsplit(" by ", 1)[1]
    assert f" qua {channel}" in vi[sent[0]] and f"经 {channel} " in zh[sent[0]]
    assert vi[-1].startswith("mục tiêu ") and vi[-1].endswith(("ĐẠT", "KHÔNG ĐẠT"))
    assert zh[-1].startswith("目标 ") and zh[-1].endswith(("达标", "未达标"))
    ended = next(line for line in zh if line.startswith("结束："))
    assert re.fullmatch(r"结束：(全部完成|到达仿真时限)，于 \d:\d\d:\d\d，共 \d+ 个事件", ended)


@pytest.fixture(scope="module")
def saved_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("language") / "run"
    r = run_study(DRILL, out, "--no-report", lang=None)
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[:2] == [f"kết quả: {out}", "base (5 lần mô phỏng)"]
    # numbers in the Vietnamese form: decimal comma, as "đạt 100,0% [56,6%-100,0%]"
    rows = r.stdout.splitlines()[2:]
    assert rows and all(re.search(r"đạt +\d+,\d% \[\d+,\d%-\d+,\d%\]  trung vị ", x) for x in rows)
    return out


def test_run_prints_its_results_in_english_with_lang_en(tmp_path: Path) -> None:
    r = run_study(DRILL, tmp_path / "run", "--no-report")
    assert r.exit_code == 0 and r.stdout.splitlines()[1] == "base (5 replications)"
    rows = r.stdout.splitlines()[2:]
    assert rows and all(re.search(r"met +\d+\.\d% \[\d+\.\d%-\d+\.\d%\]  median ", x) for x in rows)


def test_analyze_and_compare_adopt_the_run_folder_language(saved_run: Path) -> None:
    vi = run_cli("analyze", "--results", saved_run, "--suggest", "0", lang=None).stdout
    assert vi.startswith("Mục tiêu\n") and "\nĐiểm nghẽn (nghiêm trọng nhất trước)\n" in vi
    zh = run_cli("analyze", "--results", saved_run, "--suggest", "0", lang="zh").stdout
    assert zh.startswith("目标\n") and re.search(r"达标 +\d+\.\d%  中位数 ", zh)
    r = run_cli("compare", "--results", saved_run, "--variant", "nope", lang=None)
    assert r.exit_code == 1
    assert "không có lần mô phỏng nào đã xong của nope" in r.stderr


def test_an_error_before_any_scenario_is_read_speaks_lang_or_english() -> None:
    r = run_cli("run", DRILL, "--format", "odt", lang=None)
    assert r.exit_code == 2 and "unknown format odt; use html" in r.stderr
    r = run_cli("run", DRILL, "--format", "odt", lang="vi")
    assert r.exit_code == 2 and "định dạng không xác định odt; hãy dùng html" in r.stderr
    r = run_cli("analyze", lang="zh")
    assert r.exit_code == 2 and "请给出想定文件 FILE 或 --results RUN_DIR" in r.stderr
    r = run_cli("run", DRILL, "--log", "x.jsonl", "--lang", "vi", lang=None)
    assert r.exit_code == 2 and "Không có tùy chọn: --log (run là" in r.stderr


def test_a_usage_error_after_the_scenario_is_read_speaks_its_language() -> None:
    r = run_cli("run", DRILL, "-n", "2", "--until-ci", "2", lang=None)
    assert r.exit_code == 2 and "hãy cho độ rộng trong khoảng từ 0 đến 1, ví dụ 0.02" in r.stderr
    r = run_cli("timeline", DRILL, "--variant", "a", "--variant", "b", lang="zh")
    assert r.exit_code == 2 and "时间线只针对一次响应：最多给出一个 --variant" in r.stderr


def test_an_internal_error_is_said_in_the_reader_language(monkeypatch: pytest.MonkeyPatch) -> None:
    def bug(*_: object) -> None:
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(timeline_module, "run_replication", bug)
    r = run_cli("timeline", DRILL, lang=None)
    assert r.exit_code == 3
    assert r.stderr.splitlines() == [
        "lỗi: lỗi nội bộ: ZeroDivisionError: oops",
        "    đây là lỗi của drillsim; hãy chạy lại với DRILLSIM_DEBUG=1 để xem chi tiết và báo lỗi",
    ]


def test_an_os_error_is_said_in_each_language() -> None:
    denied = _os_error_message(PermissionError(errno.EACCES, "Permission denied", "out.md"))
    assert denied == (
        "error: cannot use out.md: Permission denied\n"
        "    hint: check the path, and that you may read and write there"
    )
    assert denied.say("vi") == (
        "lỗi: không dùng được out.md: Permission denied\n"
        "    gợi ý: hãy kiểm tra đường dẫn và quyền đọc, ghi tại đó"
    )
    full = _os_error_message(OSError(errno.ENOSPC, "No space left on device"))
    assert (
        full.say("zh")
        == "错误: No space left on device\n    提示: 如果磁盘已满，请释放空间后重新运行"
    )


def test_numbers_in_the_language_form() -> None:
    assert percent(0.625, "en", width=6) == " 62.5%" == f"{0.625:6.1%}"
    assert percent(0.625, "vi", width=6) == " 62,5%"
    assert percent(12.345, "vi") == "1.234,5%" and percent(12.345, "zh") == "1,234.5%"
    assert signed(-1234.5, "vi") == "-1.234,5" and signed(0.14, "en", 0) == "+0"
    assert signed(14.2, "en", 0, width=6) == f"{14.2:+6.0f}"
