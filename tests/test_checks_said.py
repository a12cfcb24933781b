"""The semantic checks, variants, run folders, sweeps and workers speak the reader's language.

Each problem is rendered in English, Vietnamese and Chinese: the words change, the file, line,
column and field path do not, and ids, file names and commands stay as written. The last test
kills a real worker process and shows the failure in Vietnamese with its exact replay command.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
from pathlib import Path

import pytest
from conftest import FIXTURES

from drillsim.errors import InputError, Problem, ResultsFormatError, ScenarioError, SimulationError
from drillsim.runs import experiment
from drillsim.runs.batch import Failure, Job, run_batch
from drillsim.runs.check import load_scenario as load_run_scenario
from drillsim.runs.inputs import open_scenario
from drillsim.runs.models import SummaryModel, parse
from drillsim.runs.store import read_manifest
from drillsim.runs.sweep import grid, parse_set
from drillsim.scenario.loader import load_scenario, load_scenario_text
from drillsim.scenario.variants import BASE

DRILL = (FIXTURES / "drill.yaml").read_text(encoding="utf-8")


def broken(*edits: tuple[str, str]) -> list[Problem]:
    """The located problems of the drill fixture with ``edits`` (old, new) made to its text."""
    text = DRILL
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "drill.yaml")
    return info.value.problems


def line_of(needle: str) -> int:
    """The 1-based line of the drill's text where ``needle`` first appears."""
    return DRILL[: DRILL.index(needle)].count("\n") + 1


def by_path(problems: list[Problem]) -> dict[str, Problem]:
    return {p.path: p for p in problems}


def test_semantic_problems_are_said_in_vietnamese_and_chinese() -> None:
    found = by_path(
        broken(
            ("{from: police_hq, to: [swat, ems]", "{from: police_hqq, to: [swat, ems]"),
            (
                "{id: isolate, by: [plant_security], duration: 5m}",
                "{id: isolate, by: [plant_security], duration: 5m, after: negotiate}",
            ),
        )
    )
    link = found["links[1].from"]
    where = f"drill.yaml:{line_of('from: police_hq, to:')}:12"
    assert link.format() == (
        f"{where}: error: links[1].from: unknown agency 'police_hqq'\n"
        "    hint: did you mean 'police_hq'?"
    )
    assert link.format("vi") == (
        f"{where}: lỗi: links[1].from: không có đơn vị 'police_hqq'\n"
        "    gợi ý: có phải ý bạn là 'police_hq'?"
    )
    assert link.format("zh") == (
        f"{where}: 错误: links[1].from: 未知单位 'police_hqq'\n    提示: 您是否想写 'police_hq'？"
    )
    loop = found["tasks[0] (isolate).after"]
    loop_at = f"drill.yaml:{line_of('{id: isolate')}:"
    assert loop.format("vi").startswith(loop_at)
    assert (
        "các nhiệm vụ tiên quyết tạo thành vòng lặp: isolate -> cordon -> negotiate -> isolate"
        in (loop.format("vi"))
    )
    assert "前置任务形成了循环：isolate -> cordon -> negotiate -> isolate" in loop.format("zh")
    # the alert no longer reaches the swat team: a warning with its plural clause, in each language
    unreachable = found["tasks[1] (cordon).by"]
    assert unreachable.severity == "warning"
    assert unreachable.format("vi").endswith(
        "cảnh báo: tasks[1] (cordon).by: nhiệm vụ cordon cần swat, nhưng không có đường liên lạc từ "
        "plant_security (phát hiện hostage) tới swat; swat không có liên lạc nào đến\n"
        "    gợi ý: thêm một liên lạc (hoặc kênh dự phòng) để tin báo tới được các đơn vị đó"
    )
    assert "；没有任何联络通向 swat" in unreachable.format("zh")
    for p in found.values():  # the place of every problem is the same in every language
        head = f"{p.file}:{p.line}:{p.column}: "
        assert all(p.format(lang).startswith(head) for lang in ("en", "vi", "zh"))
        assert all(f": {p.path}: " in p.format(lang) for lang in ("en", "vi", "zh"))


def test_a_unit_shortage_keeps_its_numbers_in_every_language() -> None:
    (p,) = broken(("{id: cordon, by: swat, units: 2,", "{id: cordon, by: swat, units: 9,"))
    assert p.message == (
        "task cordon needs 9 units at once but the most any capable agency has is 3 (swat)"
    )
    assert p.format("vi").endswith(
        "lỗi: tasks[1] (cordon).units: nhiệm vụ cordon cần cùng lúc 9 tổ/xe nhưng đơn vị có thể "
        "thực hiện có nhiều nhất chỉ 3 tổ/xe (swat)\n    gợi ý: giảm units của nhiệm vụ hoặc "
        "tăng số tổ/xe cho một đơn vị"
    )
    assert "任务 cordon 需要同时 9 个单元，但能执行的单位最多只有 3 个（swat）" in p.format("zh")


def test_variant_problems_are_said_in_vietnamese_and_chinese() -> None:
    added = "  - id: no-ambulance\n    remove_links: [[swat, ems]]\n    remove_agencies: [ems]\n"
    variant = ("    horizon: 5h\n", "    horizon: 5h\n" + added)
    found = by_path(broken(variant))
    gone = found["variants[2] (no-ambulance).remove_links[0]"]
    line = line_of("    horizon: 5h") + 2
    assert gone.format() == (
        f"drill.yaml:{line}:20: error: variants[2] (no-ambulance).remove_links[0]: there is no "
        "link swat -> ems to remove\n    hint: swat has no outgoing link"
    )
    assert gone.format("vi") == (
        f"drill.yaml:{line}:20: lỗi: variants[2] (no-ambulance).remove_links[0]: không có liên "
        "lạc swat -> ems để bỏ\n    gợi ý: swat không có liên lạc nào đi"
    )
    assert gone.format("zh") == (
        f"drill.yaml:{line}:20: 错误: variants[2] (no-ambulance).remove_links[0]: 没有可删除的联络 "
        "swat -> ems\n    提示: swat 没有向外的联络"
    )


def test_what_a_variant_newly_breaks_is_said_at_its_entry() -> None:
    variant = (
        "    horizon: 5h\n",
        "    horizon: 5h\n  - id: no-ambulance\n    remove_agencies: [ems]\n",
    )
    text = DRILL.replace(*variant)
    _, warnings = _load_with_warnings(text)
    (p,) = [w for w in warnings if "triage" in w.message and "no agency" in w.message]
    assert (p.path, p.severity) == ("variants[2] (no-ambulance)", "warning")
    assert p.message == "with this variant, no agency can do task triage"
    assert p.format("vi").endswith(
        "cảnh báo: variants[2] (no-ambulance): với phương án này, không đơn vị nào làm được nhiệm "
        "vụ triage\n    gợi ý: hãy nêu id của một đơn vị, hoặc một năng lực mà có đơn vị khai báo; "
        "vấn đề này phát sinh khi kết hợp phương án này với tasks[3] (triage) của kịch bản gốc"
    )
    assert "采用此变体时，没有单位能执行任务 triage" in p.format("zh")
    assert "；这是此变体与基准想定的 tasks[3] (triage) 组合后产生的" in p.format("zh")


def _load_with_warnings(text: str) -> tuple[object, list[Problem]]:
    from drillsim.scenario.loader import load_scenario_text_with_warnings

    return load_scenario_text_with_warnings(text, "drill.yaml")


def test_variant_warnings_are_told_apart_by_their_keys(tmp_path: Path) -> None:
    """open_scenario counts a variant's warnings apart from the scenario's, by their keys."""
    text = DRILL.replace("    within: 90m\n", "    within: 5h\n").replace(
        "    horizon: 5h\n",
        "    horizon: 5h\n  - id: no-guard\n    remove_agencies: [plant_security]\n",
    )
    path = tmp_path / "drill.yaml"
    path.write_text(text, encoding="utf-8")
    opened = open_scenario(path)
    assert [w.path for w in opened.warnings] == ["objectives[2] (triage-red).within"]
    assert opened.variant_warnings and all(
        w.keys[:1] == ("variants",) for w in opened.variant_warnings
    )
    assert "bỏ plant_security, là đơn vị phát hiện tình huống hostage" in "\n".join(
        w.format("vi") for w in opened.variant_warnings
    )


def test_an_unknown_variant_is_said_in_vietnamese() -> None:
    with pytest.raises(InputError) as info:
        open_scenario(FIXTURES / "drill.yaml", ["two-duty-officer"])
    assert info.value.render("vi") == (
        "lỗi: không có phương án 'two-duty-officer'; kịch bản khai báo: two-duty-officers, "
        "direct-line"
    )


# -- run folders ----------------------------------------------------------------------------------


def test_another_runs_scenario_json_is_said_in_vietnamese_and_chinese(tmp_path: Path) -> None:
    scenario = load_scenario(FIXTURES / "drill.yaml")
    (tmp_path / "scenario.json").write_text(scenario.model_dump_json(by_alias=True), "utf-8")
    with pytest.raises(ResultsFormatError) as info:
        load_run_scenario(tmp_path, "0" * 64)
    err = info.value
    file = str(tmp_path / "scenario.json")
    assert err.render("vi").startswith(f"{file}: lỗi: mã băm nội dung ")
    assert err.render("vi").endswith(
        "khác với mã trong manifest 000000000000...\n    gợi ý: tệp scenario.json này thuộc về "
        "một lần chạy khác: hãy chép lại đúng scenario.json của lần chạy này, hoặc chạy lại đợt "
        "mô phỏng"
    )
    assert "与清单中的 000000000000... 不同" in err.render("zh")
    assert "belongs to another run" in err.render()


def _summary_line() -> str:
    compiled = experiment.compile_variants(load_scenario(FIXTURES / "drill.yaml"), [BASE])[BASE]
    (summary,) = run_batch(compiled, BASE, 11, [0])
    return json.dumps(summary.to_json())  # type: ignore[union-attr]


def test_a_damaged_summary_line_is_said_in_each_language_at_its_line_and_field() -> None:
    data = json.loads(_summary_line())
    data["end_time"] = "3600"
    path = Path("run/summaries/base.jsonl")
    with pytest.raises(ResultsFormatError) as info:
        parse(SummaryModel, json.dumps(data), path, line=7)
    assert info.value.render() == (
        f"{path}:7: error: end_time: Input should be a valid number\n"
        "    hint: re-run the study (drillsim run SCENARIO --out NEW_FOLDER) or restore the folder "
        "from a copy"
    )
    assert info.value.render("vi") == (
        f"{path}:7: lỗi: end_time: giá trị phải là một số\n"
        "    gợi ý: chạy lại đợt mô phỏng (drillsim run SCENARIO --out NEW_FOLDER) hoặc khôi phục "
        "thư mục từ một bản sao"
    )
    assert info.value.render("zh").startswith(f"{path}:7: 错误: end_time: 值应为数字\n    提示: ")


def test_a_rule_of_a_summary_keeps_its_own_message() -> None:
    data = json.loads(_summary_line())
    desk = data["desks"][0]
    desk["waited"], desk["served"] = [1.0, 2.0, 3.0], 2
    with pytest.raises(ResultsFormatError) as info:
        parse(SummaryModel, json.dumps(data), Path("base.jsonl"), line=3)
    assert info.value.render().startswith("base.jsonl:3: error: desks[0]: 3 waits but 2 served")
    assert "có 3 lượt chờ nhưng chỉ 2 lượt được xử lý" in info.value.render("vi")


def test_a_file_over_its_limit_is_said_with_the_language_number_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "manifest.json").write_text("{" + " " * 1_498 + "}", encoding="utf-8")
    monkeypatch.setenv("DRILLSIM_MAX_MANIFEST_BYTES", "1000")
    with pytest.raises(ResultsFormatError) as info:
        read_manifest(tmp_path)
    file = tmp_path / "manifest.json"
    assert info.value.render() == (
        f"{file}: error: 1,500 bytes, over the 1,000-byte limit for a manifest file\n"
        "    hint: if the file is genuine, raise the limit: DRILLSIM_MAX_MANIFEST_BYTES=1500"
    )
    assert info.value.render("vi") == (
        f"{file}: lỗi: 1.500 byte, vượt giới hạn 1.000 byte của tệp manifest\n"
        "    gợi ý: nếu tệp là thật, hãy nâng giới hạn: DRILLSIM_MAX_MANIFEST_BYTES=1500"
    )
    assert "1,500 字节，超过清单文件的 1,000 字节上限" in info.value.render("zh")


# -- sweeps ---------------------------------------------------------------------------------------


def test_sweep_errors_are_said_in_vietnamese_and_chinese() -> None:
    scenario = load_scenario(FIXTURES / "drill.yaml")
    with pytest.raises(InputError) as info:
        parse_set("agencies.emz.units=2..8", scenario)
    assert str(info.value) == (
        "--set 'agencies.emz.units=2..8': unknown agency 'emz'; did you mean 'ems'?"
    )
    assert info.value.said("vi") == (
        "--set 'agencies.emz.units=2..8': không có đơn vị 'emz'; có phải ý bạn là 'ems'?"
    )
    assert info.value.said("zh") == (
        "--set 'agencies.emz.units=2..8'：未知单位 'emz'；您是否想写 'ems'？"
    )
    axes = [parse_set(f"agencies.{a}.units=1..100", scenario) for a in ("ems", "swat", "police_hq")]
    with pytest.raises(InputError) as info:
        grid(scenario, axes)
    assert info.value.said("vi") == (
        "lưới có 1.000.000 điểm (100 x 100 x 100), vượt giới hạn 1.000; hãy quét ít giá trị hơn, "
        "hoặc ít tham số hơn mỗi lần"
    )


def test_a_refused_swept_value_is_said_with_its_hint_in_each_language() -> None:
    scenario = load_scenario(FIXTURES / "drill.yaml")
    axes = [parse_set("tasks.cordon.units=2,0", scenario)]
    with pytest.raises(InputError) as info:
        grid(scenario, axes)
    text = str(info.value)
    assert text.startswith("--set tasks.cordon.units: the value 0 is refused: ")
    assert "\n    hint: " in text and "or leave" not in text  # a swept value cannot be left out
    assert info.value.said("vi").startswith("--set tasks.cordon.units: giá trị 0 bị từ chối: ")
    assert "\n    gợi ý: " in info.value.said("vi")
    assert "\n    提示: " in info.value.said("zh")


# -- workers --------------------------------------------------------------------------------------


def _killed_at_3(variant: str, seed: int, lo: int, hi: int) -> list[object]:
    """A replication that kills the process running it, every time (replication 3)."""
    if lo <= 3 < hi:
        os.kill(os.getpid(), signal.SIGKILL)
    return _REAL(variant, seed, lo, hi)  # type: ignore[return-value]


_REAL = experiment._worker_batch


def test_a_replication_that_kills_its_worker_is_said_in_vietnamese_with_its_replay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Failure a dead worker leaves says why in the reader's language, and the error built
    from it (as ``drillsim run`` and ``compare`` do) replays exactly that replication."""
    compiled = experiment.compile_variants(load_scenario(FIXTURES / "drill.yaml"), [BASE])[BASE]
    monkeypatch.setattr(experiment, "_worker_batch", _killed_at_3)  # forked workers inherit it
    rows = experiment.isolated(compiled, Job(BASE, 2, 5), 123456)
    failures = [r for r in rows if isinstance(r, Failure)]
    assert [f.replication for f in failures] == [3] and len(rows) == 3
    f = failures[0]
    err = SimulationError(
        f.headline, seed=f.seed, replication=f.replication, variant=f.variant, file="drill.yaml"
    )
    err = pickle.loads(pickle.dumps(err))  # as it crosses from the study to the command line
    assert err.render("vi") == (
        "lỗi: mô phỏng thất bại: tiến trình xử lý đã chết (bị dừng, hoặc hết bộ nhớ) khi đang "
        "chạy lần mô phỏng này; hãy chạy lại riêng lần đó để xem nguyên nhân\n"
        "    chạy lại: drillsim timeline drill.yaml --seed 123456 --replication 3"
    )
    assert err.render().endswith(
        "\n    replay: drillsim timeline drill.yaml --seed 123456 --replication 3"
    )
    assert str(f.error).startswith("worker process died (killed, or out of memory)")


def test_an_engine_exception_is_headed_by_its_first_line() -> None:
    """A replication that raised keeps its traceback for a bug report; a message shows one line."""
    f = Failure(BASE, 4, 11, "RuntimeError: boom\nTraceback (most recent call last):\n  ...")
    assert f.headline == "RuntimeError: boom"
    assert Failure(BASE, 4, 11, "").headline == ""
