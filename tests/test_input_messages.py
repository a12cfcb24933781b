"""The input stage's messages in the reader's language: pydantic's errors, the loader's refusals,
durations and limits, said in Vietnamese and Chinese with the same file, line, column and field.

Each case breaks the small Vietnamese drill (tests/fixtures/drill.yaml) in one way and reads the
located problem in the three languages: the place is the same, the words are the language's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import FIXTURES
from pydantic import BaseModel, Field, ValidationError

from drillsim.cli import cli
from drillsim.errors import LimitError, Problem, ScenarioError
from drillsim.i18n import Msg, Number, has
from drillsim.scenario import limits
from drillsim.scenario.durations import parse_duration
from drillsim.scenario.loader import load_scenario, load_scenario_text
from drillsim.scenario.locate import _BOUNDS, _SIMPLE, describe

DRILL = (FIXTURES / "drill.yaml").read_text("utf-8")


def problem_of(text: str, name: str = "d.yaml") -> tuple[Problem, ScenarioError]:
    """The first error of loading ``text``, and the error itself."""
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, name)
    return info.value.errors[0], info.value


def said(p: Problem) -> dict[str, str]:
    return {lang: p.format(lang) for lang in ("en", "vi", "zh")}


# (how the drill is broken, the field path, English, Vietnamese and Chinese words)
PYDANTIC_CASES = [
    (
        "missing",
        ("    detected_by: plant_security\n", ""),
        "incidents[0] (hostage).detected_by",
        "missing required field 'detected_by'",
        "thiếu trường bắt buộc 'detected_by'",
        "缺少必填字段 'detected_by'",
    ),
    (
        "extra_forbidden",
        ("    units: 3\n", "    untis: 3\n"),
        "agencies[2] (swat).untis",
        "unknown field 'untis'",
        "trường không xác định 'untis'",
        "未知字段 'untis'",
    ),
    (
        "string_pattern_mismatch",
        ("id: plant-hostage", "id: ../../etc"),
        "scenario.id",
        "'../../etc' is not a valid id",
        "không phải id hợp lệ",
        "不是有效的 id",
    ),
    (
        "string_type",
        ('name: "Bảo vệ nhà máy"', "name: yes"),
        "agencies[0] (plant_security).name",
        "expected text, got True",
        "cần văn bản, nhưng nhận được True",
        "应为文本，实际为 True",
    ),
    (
        "int_parsing",
        ("seed: 11", "seed: eleven"),
        "scenario.seed",
        "expected a whole number, got 'eleven'",
        "cần một số nguyên",
        "应为整数",
    ),
    (
        "float_parsing",
        ("reliability: 0.9", "reliability: high"),
        "links[0].reliability",
        "expected a number, got 'high'",
        "cần một số",
        "应为数字",
    ),
    (
        "bool_parsing",
        ("    within: 1h\n", "    within: 1h\n    critical: maybe\n"),
        "objectives[0] (cordon-60).critical",
        "expected true or false, got 'maybe'",
        "cần true hoặc false",
        "应为 true 或 false",
    ),
    (
        "tuple_type",
        ("zones: [dam, control_room]", "zones: dam"),
        "target.zones",
        "expected a list, got 'dam'",
        "cần một danh sách",
        "应为列表",
    ),
    (
        "model_type",
        (DRILL[DRILL.index("target:") : DRILL.index("agencies:")], "target: nowhere\n"),
        "target",
        "expected a mapping (key: value lines), got 'nowhere'",
        "cần một ánh xạ",
        "应为映射",
    ),
    (
        "value_error (a duration's Msg)",
        ("delay: 1m", "delay: 5"),
        "links[0].delay",
        "the number 5 has no unit; write 5s or 5m",
        "số 5 không có đơn vị; hãy viết 5s hoặc 5m",
        "数字 5 没有单位；请写成 5s 或 5m",
    ),
    (
        "value_error (a capability's Msg, with its guess)",
        (
            'core_capability: "Operational Communications"',
            'core_capability: "Operational Comunications"',
        ),
        "objectives[1] (ems-alerted).core_capability",
        (
            "'Operational Comunications' is not an HSEEP core capability; did you mean "
            "'Operational Communications'?"
        ),
        "không phải năng lực cốt lõi của HSEEP; có phải ý bạn là 'Operational Communications'?",
        "不是 HSEEP 核心能力；是否想写 'Operational Communications'？",
    ),
    (
        "value_error (a date's Msg)",
        ("  seed: 11\n", "  seed: 11\n  date: 04/05/2026\n"),
        "scenario.date",
        "'04/05/2026' is not a date written YYYY-MM-DD (ISO 8601), e.g. 2026-05-04",
        "'04/05/2026' không phải ngày viết theo dạng YYYY-MM-DD (ISO 8601)",
        "'04/05/2026' 不是按 YYYY-MM-DD（ISO 8601）写的日期",
    ),
    (
        "greater_than_equal",
        ("seed: 11", "seed: -1"),
        "scenario.seed",
        "must be at least 0, got -1",
        "phải từ 0 trở lên, nhưng nhận được -1",
        "不能小于 0，实际为 -1",
    ),
    (
        "less_than_equal",
        ("reliability: 0.9", "reliability: 1.5"),
        "links[0].reliability",
        "must be at most 1.0, got 1.5",
        "không được vượt quá 1,0, nhưng nhận được 1.5",
        "不能大于 1.0，实际为 1.5",
    ),
    (
        "too_short",
        ("travel: {by_zone: {dam: 40m, control_room: 45m}}", "travel: {by_zone: {}}"),
        "agencies[2] (swat).travel.by_zone",
        "needs at least 1 entry, got none",
        "cần ít nhất 1 mục, hiện có 0",
        "至少需要 1 项，实际为 0",
    ),
    (
        "too_long",
        ("travel: {uniform: [30m, 50m]}", "travel: {uniform: [30m, 40m, 50m]}"),
        "agencies[3] (ems).travel.uniform",
        "has 3 entries; at most 2 are allowed",
        "có 3 mục; chỉ được phép tối đa 2",
        "有 3 项；最多允许 2 项",
    ),
    (
        "string_too_long",
        ("kind: hydropower_plant\n", "kind: hydropower_plant\n  address: " + "x" * 301 + "\n"),
        "target.address",
        "is 301 characters long; at most 300 are allowed",
        "dài 301 ký tự; chỉ được phép tối đa 300",
        "长 301 个字符；最多允许 300 个",
    ),
    (
        "string_too_short",
        ('name: "Nhà máy thủy điện Lai Châu"', 'name: ""'),
        "target.name",
        "must not be empty",
        "không được để trống",
        "不能为空",
    ),
    (
        "literal_error",
        ("categories: [red, yellow]", "categories: [red, purple]"),
        "tasks[3] (triage).categories[1]",
        "'purple' is not allowed here; input should be 'red', 'yellow', 'green' or 'black'",
        "giá trị phải là 'red', 'yellow', 'green' hoặc 'black'",
        "应为 'red', 'yellow', 'green' 或 'black'",
    ),
    (
        "union_tag_not_found (a distribution)",
        ("activation: 2m", "activation: [2m]"),
        "agencies[3] (ems).activation",
        "expected a duration such as 5m or a distribution such as {uniform: [1m, 4m]}, got a list",
        "cần một thời lượng như 5m hoặc một phân phối như {uniform: [1m, 4m]}, nhưng nhận được một danh sách",
        "应为 5m 这样的时长或 {uniform: [1m, 4m]} 这样的分布，实际为 一个列表",
    ),
    (
        "scenario.horizon_positive (a model's own error type)",
        ("horizon: 4h", "horizon: 0s"),
        "scenario.horizon",
        "the horizon must be longer than 0s",
        "horizon phải dài hơn 0s",
        "horizon 必须长于 0s",
    ),
    (
        "scenario.measure_kind (a discriminator's error type)",
        ("measure: {task_done: cordon}", "measure: {task_finished: cordon}"),
        "objectives[0] (cordon-60).measure",
        (
            "a measure has exactly one of task_done, task_started, on_scene, alerted, "
            "casualties_through (got a mapping)"
        ),
        "một phép đo có đúng một trong các khóa task_done",
        "一个度量必须恰好有 task_done",
    ),
]


@pytest.mark.parametrize(
    ("change", "path", "en", "vi", "zh"),
    [case[1:] for case in PYDANTIC_CASES],
    ids=[case[0] for case in PYDANTIC_CASES],
)
def test_each_pydantic_error_is_said_in_each_language_at_the_same_place(
    change: tuple[str, str], path: str, en: str, vi: str, zh: str
) -> None:
    old, new = change
    assert old in DRILL
    p, _ = problem_of(DRILL.replace(old, new, 1))
    text = said(p)
    assert p.path == path and p.line is not None
    assert text["en"].startswith(f"d.yaml:{p.line}:{p.column}: error: {path}: ")
    assert en in text["en"]
    assert text["vi"].startswith(f"d.yaml:{p.line}:{p.column}: lỗi: {path}: ") and vi in text["vi"]
    assert text["zh"].startswith(f"d.yaml:{p.line}:{p.column}: 错误: {path}: ") and zh in text["zh"]
    assert text["vi"] != text["en"] != text["zh"]


def test_a_rule_hint_and_a_bound_hint_are_said_too() -> None:
    p, _ = problem_of(DRILL.replace("horizon: 4h", "horizon: 0s", 1))
    assert p.hint == "give the time a replication may run, e.g. horizon: 4h"
    assert "gợi ý: hãy cho thời gian tối đa một lần mô phỏng" in p.format("vi")
    p, _ = problem_of(DRILL.replace("    units: 3\n", "    units: 0\n", 1))
    assert p.message == "must be at least 1, got 0"
    assert "units: 0 in a variant's change_agencies" in p.hint
    assert "units: 0 trong change_agencies" in p.format("vi")
    assert "请在变体的 change_agencies 中使用 units: 0" in p.format("zh")


def test_did_you_mean_and_allowed_here_are_said() -> None:
    p, _ = problem_of(DRILL.replace("    units: 3\n", "    untis: 3\n", 1))
    assert p.hint == "did you mean 'units'?"
    assert p.format("vi").endswith("gợi ý: có phải ý bạn là 'units'?")
    assert p.format("zh").endswith("提示: 是否想写 'units'？")
    p, _ = problem_of(DRILL.replace("    units: 3\n", "    zzzzzz: 3\n", 1))
    assert p.hint.startswith("allowed here: id, name, kind")
    assert "được phép ở đây: id, name, kind" in p.format("vi")


def test_a_duration_hint_is_added_to_a_duration_value_error() -> None:
    p, _ = problem_of(DRILL.replace("delay: 1m", "delay: five minutes", 1))
    assert p.message == "cannot read 'five minutes' as a duration; " + str(
        Msg("scenario.duration_hint")
    )
    assert "không đọc được 'five minutes' thành thời lượng; hãy viết thời lượng như" in p.format(
        "vi"
    )
    assert "无法把 'five minutes' 读作时长；请写成" in p.format("zh")


class _Bounded(BaseModel):
    above: float = Field(gt=0.5)
    below: int = Field(lt=10)


@pytest.mark.parametrize(
    ("data", "en", "vi", "hint_vi"),
    [
        (
            {"above": 0.5, "below": 1},
            "must be above 0.5, got 0.5",
            "phải lớn hơn 0,5",
            "lớn hơn 0,5",
        ),
        ({"above": 1, "below": 10}, "must be below 10, got 10", "phải nhỏ hơn 10", "nhỏ hơn 10"),
    ],
)
def test_strict_bounds_read_with_the_language_decimal_mark(
    data: dict[str, Any], en: str, vi: str, hint_vi: str
) -> None:
    with pytest.raises(ValidationError) as info:
        _Bounded.model_validate(data)
    (err,) = info.value.errors(include_url=False)
    message, hint = describe(err)
    assert message == en and vi in message.say("vi") and hint_vi in said_hint(hint, "vi")


def said_hint(hint: Any, lang: str) -> str:
    return hint.say(lang) if isinstance(hint, Msg) else str(hint)


def test_an_error_type_drillsim_does_not_know_keeps_pydantic_words() -> None:
    err = {"type": "url_parsing", "loc": ("x",), "msg": "Input should be a valid URL", "input": 3}
    message, hint = describe(err)
    assert message == "Input should be a valid URL (got 3)" and hint == ""
    assert message.say("vi") == "Input should be a valid URL (nhận được 3)"


def test_every_error_type_table_names_catalogue_messages() -> None:
    keys = [key for key, _ in _SIMPLE.values()]
    keys += [key for _bound, message, hint in _BOUNDS.values() for key in (message, hint)]
    for key in keys:
        assert has(key), key
        assert Msg(key, got="1", limit="1").say("vi") != Msg(key, got="1", limit="1"), key


# -- the loader's refusals ------------------------------------------------------------------------

LOADER_CASES = [
    (
        "a: [1, 2\nb: 3\n",
        "YAML syntax error",
        "lỗi cú pháp YAML",
        "YAML 语法错误",
    ),
    (
        "a: !!python/object:os.system x\n",
        "the tag !!python",
        "không được dùng thẻ",
        "不允许使用标签",
    ),
    ("a: 1\na: 2\n", "duplicate key 'a'; it is already set on line 1", "bị lặp", "重复的键 'a'"),
    ("a:\n\t- 1\n", "a tab character is used for indentation", "ký tự tab", "制表符"),
    ("a: &a [*a]\n", "(a loop)", "(một vòng lặp)", "（循环）"),
    ("# nothing\n", "the file holds no data", "tệp không có dữ liệu", "文件中没有数据"),
    ("a: .inf\n", ".inf is not a finite number", ".inf không phải số hữu hạn", ".inf 不是有限数"),
]


@pytest.mark.parametrize(("text", "en", "vi", "zh"), LOADER_CASES)
def test_loader_refusals_are_said_in_each_language(text: str, en: str, vi: str, zh: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "x.yaml")
    (p,) = info.value.errors
    text_en, text_vi, text_zh = (p.format(lang) for lang in ("en", "vi", "zh"))
    assert en in text_en and vi in text_vi and zh in text_zh
    head = f"x.yaml:{p.line}" + (f":{p.column}" if p.column is not None else "")
    assert p.line is not None
    assert text_en.startswith(f"{head}: error: ")
    assert text_vi.startswith(f"{head}: lỗi: ") and text_zh.startswith(f"{head}: 错误: ")


def test_a_file_too_large_is_said_with_the_language_number_form(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DRILLSIM_MAX_SCENARIO_BYTES", "1000")
    with pytest.raises(ScenarioError) as info:
        load_scenario(FIXTURES / "drill.yaml")
    size = (FIXTURES / "drill.yaml").stat().st_size
    assert f"the file is {size:,} bytes, over the limit of 1,000 bytes" in info.value.render()
    vi = info.value.render("vi")
    assert f"tệp có {size:,} byte".replace(",", ".") + ", vượt giới hạn 1.000 byte" in vi
    assert "DRILLSIM_MAX_SCENARIO_BYTES" in vi and "gợi ý:" in vi
    assert "超过想定文件 1,000 字节的上限" in info.value.render("zh")


def test_an_unreadable_file_is_said_in_vietnamese(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "missing.yaml")
    assert "không đọc được tệp: " in info.value.render("vi")
    assert info.value.language is None  # nothing was read: the reader's language decides


def test_a_limit_says_what_it_counts_in_each_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRILLSIM_MAX_AGENCIES", "3")
    p, _ = problem_of(DRILL)  # the list is refused as it is read
    assert p.message == (
        "the scenario has more than 3 agencies, over the limit of 3; "
        "set DRILLSIM_MAX_AGENCIES to raise it"
    )
    assert "kịch bản có hơn 3 đơn vị, vượt giới hạn 3; đặt DRILLSIM_MAX_AGENCIES" in p.format("vi")
    monkeypatch.setenv("DRILLSIM_MAX_AGENCIES", "4")
    more = DRILL.replace(
        "variants:\n", "variants:\n  - {id: more, add_agencies: [{id: extra}]}\n", 1
    )
    p, _ = problem_of(more)  # with the variant's agency, counted before validation
    assert p.message == (
        "the scenario with variant more has 5 agencies, over the limit of 4; "
        "set DRILLSIM_MAX_AGENCIES to raise it"
    )
    assert "kịch bản với phương án more có 5 đơn vị, vượt giới hạn 4" in p.format("vi")
    assert "加上变体 more 的想定中有 5 个单位，超过上限 4" in p.format("zh")
    monkeypatch.setenv("DRILLSIM_MAX_AGENCIES", "lots")
    with pytest.raises(LimitError) as info:
        limits.AGENCIES.value()
    assert "DRILLSIM_MAX_AGENCIES='lots' is not a whole number" in str(info.value)
    assert "(mặc định 20.000)" in info.value.render("vi")
    assert "（默认 20,000 个单位）" in info.value.render("zh")


@pytest.mark.parametrize(
    ("value", "vi", "zh"),
    [
        ("-5m", "thời lượng âm '-5m'", "时长 '-5m' 为负"),
        ("1000000h", "'1000000h' dài hơn 30 ngày", "'1000000h' 超过 30 天"),
        (
            True,
            "cần một thời lượng, nhưng nhận được True; hãy viết",
            "应为时长，实际为 True；请写成",
        ),
    ],
)
def test_duration_errors_are_messages(value: object, vi: str, zh: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_duration(value)
    (message,) = info.value.args
    assert isinstance(message, Msg) and vi in message.say("vi") and zh in message.say("zh")


def test_a_number_field_keeps_its_english_form_and_takes_the_language_marks() -> None:
    assert (Number(1.0), Number(1.0).say("vi"), Number(10000), Number(10000).say("vi")) == (
        "1.0",
        "1,0",
        "10000",
        "10000",
    )
    assert Number(4000, grouped=True) == "4,000" and Number(4000, grouped=True).say("vi") == "4.000"


# -- the scenario's own language ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"), [("vi", "vi"), ("zh", "zh"), ("en", "en"), ("fr", None)]
)
def test_a_scenario_error_carries_the_file_language(language: str, expected: str | None) -> None:
    text = DRILL.replace("language: vi", f"language: {language}", 1)
    _, err = problem_of(text.replace("    units: 3\n", "    untis: 3\n", 1))
    assert err.language == expected


def test_the_language_is_known_for_semantic_cost_and_yaml_builder_errors() -> None:
    semantic = DRILL.replace("to: [swat, ems]", "to: [swat, emz]", 1)
    assert problem_of(semantic)[1].language == "vi"
    duplicate = DRILL.replace("  seed: 11\n", "  seed: 11\n  seed: 12\n", 1)
    p, err = problem_of(duplicate)
    assert "duplicate key 'seed'" in p.message and err.language == "vi"
    assert problem_of("scenario: [\n")[1].language is None  # the YAML could not be read


def _vietnamese_file(tmp_path: Path) -> Path:
    path = tmp_path / "sai.yaml"
    path.write_text(DRILL.replace("    units: 3\n", "    untis: 3\n", 1), "utf-8")
    return path


def test_a_vietnamese_file_error_is_rendered_in_vietnamese_by_default(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(_vietnamese_file(tmp_path))
    err = info.value
    assert err.language == "vi"
    vi = err.render(err.language)
    assert "sai.yaml:28:5: lỗi: agencies[2] (swat).untis: trường không xác định 'untis'" in vi
    assert vi.endswith("1 lỗi, 0 cảnh báo")
    assert "sai.yaml:28:5: error: agencies[2] (swat).untis: unknown field 'untis'" in err.render()


COMMANDS = [
    name for name in ("validate", "run") if any(p.name == "lang" for p in cli.commands[name].params)
]
"""The commands that read a scenario and have --lang (validate gains it with the CLI's messages)."""


@pytest.mark.parametrize("command", COMMANDS)
def test_the_cli_speaks_the_scenario_language_unless_told(command: str, tmp_path: Path) -> None:
    path = _vietnamese_file(tmp_path)
    extra = ["-n", "1", "--out", str(tmp_path / "run")] if command == "run" else []
    said_vi = CliRunner().invoke(cli, [command, str(path), *extra])
    said_en = CliRunner().invoke(cli, [command, "--lang", "en", str(path), *extra])
    assert said_vi.exit_code == said_en.exit_code == 1
    assert "28:5: lỗi: agencies[2] (swat).untis: trường không xác định 'untis'" in said_vi.stderr
    assert "28:5: error: agencies[2] (swat).untis: unknown field 'untis'" in said_en.stderr
    assert "lỗi" not in said_en.stderr


def test_a_long_value_cut_says_so_in_the_reader_language() -> None:
    p = Problem(Msg("scenario.alias_loop"), file="f" * 300 + ".yaml", line=3)
    assert "f… (105 more characters):3: error: an alias refers to" in p.format()
    assert "f… (còn 105 ký tự nữa):3: lỗi: một alias trỏ tới" in p.format("vi")
    assert "f…（还有 105 个字符）:3: 错误: 别名引用了" in p.format("zh")
