"""The improvement plan follows its own evidence: one simulated change per row, with that change's own
effect; no capacity for idle desks; one row per element; every row names its element; external
agencies are reached through their liaison; deadlines from the exercise date or a flagged default."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from drillsim.analysis.findings import IDLE_UTILISATION
from drillsim.analysis.stats import Interval
from drillsim.analysis.suggest import ObjectiveEffect, Suggestion, from_json, split
from drillsim.report.bridge import add_findings
from drillsim.report.data import build
from drillsim.report.plan import (
    deadline,
    no_effect_rows,
    plan_items,
    plan_rows,
    touched,
)
from drillsim.runs.store import prepare_dir
from drillsim.runs.study import run_study
from drillsim.scenario.loader import load_scenario
from drillsim.scenario.model import Scenario, Variant

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
N = 30


# ---------------------------------------------------------------- hand-made analysis data


def _scenario(**info: Any) -> Scenario:
    return Scenario.model_validate(
        {
            "scenario": {"id": "s", "title": "T", "sponsor": "Ban Chỉ đạo tỉnh", **info},
            "target": {"name": "x", "kind": "other"},
            "agencies": [
                {"id": "guard", "name": "Bảo vệ"},
                {"id": "hub", "name": "Công an tỉnh", "superior": "board"},
                {"id": "ems", "name": "Cấp cứu 115", "units": 2},
                {"id": "board", "name": "Ban Chỉ đạo"},
                {"id": "far", "name": "河口站", "authority": "external", "liaison": "hub"},
            ],
            "links": [
                {"from": "guard", "to": "hub", "channel": "hotline"},
                {
                    "from": "hub",
                    "to": ["ems", "board", "far"],
                    "channel": "radio",
                    "reliability": 0.8,
                },
            ],
            "incidents": [{"id": "i", "at": 0, "detected_by": "guard"}],
            "objectives": [
                {
                    "id": "a",
                    "measure": {"alerted": "ems"},
                    "within": "10m",
                    "core_capability": "Planning",
                },
                {
                    "id": "b",
                    "measure": {"alerted": "board"},
                    "within": "10m",
                    "core_capability": "Planning",
                },
            ],
        }
    )


def _eff(obj: str, diff: float, sig: bool, before: float = 0.5) -> ObjectiveEffect:
    return ObjectiveEffect(
        obj, diff, Interval(diff - 0.1, diff + 0.1), -60.0 if diff > 0 else None, sig, before
    )


def _sg(
    vid: str, element: str, owner: str, effects: tuple[ObjectiveEffect, ...], **change: Any
) -> Suggestion:
    return Suggestion(Variant(id=vid, **change), "f", effects, element=element, owner=owner)


OFFICER = {"change_agencies": {"hub": {"duty_officers": 2}}}
BYPASS = {"add_links": [{"from": "guard", "to": ["ems", "board"]}]}
UNITS = {"change_agencies": {"ems": {"units": 3}}}
FAR = {"change_links": [{"from": "hub", "to": "far", "reliability": 0.99}]}


def _tested() -> list[Suggestion]:
    return [
        _sg("units", "units:ems", "ems", (_eff("a", 0.10, True), _eff("b", 0.0, False)), **UNITS),
        _sg(
            "officer", "desk:hub", "hub", (_eff("a", 0.30, True), _eff("b", 0.20, True)), **OFFICER
        ),
        _sg(
            "bypass", "desk:hub", "guard", (_eff("a", 0.15, True), _eff("b", 0.0, False)), **BYPASS
        ),
        _sg("noise", "units:ems", "ems", (_eff("a", 0.02, False), _eff("b", 0.05, False)), **UNITS),
        _sg("harm", "link:hub->far", "hub", (_eff("a", 0.0, False), _eff("b", -0.25, True)), **FAR),
    ]


def _data(sc: Scenario, lang: str) -> Any:
    return SimpleNamespace(scenario=sc, lang=lang, hub="hub", agency_label=sc.agency_label)


def test_rows_are_ranked_by_significant_gain_and_merge_same_element() -> None:
    items, rest = plan_items(_scenario(), _tested())
    assert [i.change.variant.id for i in items] == [
        "officer",
        "units",
    ]  # 0.50 > 0.10; bypass merged into desk:hub
    assert [a.variant.id for a in items[0].alternatives] == ["bypass"]
    assert len({i.element for i in items}) == len(items)
    assert [s.variant.id for s in rest] == ["noise", "harm"]  # never recommended
    good, others = split(_tested())
    assert all(s.recommended for s in good) and not any(s.recommended for s in others)


def test_a_significant_worsening_is_stated_and_noise_is_not_a_gain() -> None:
    sc = _scenario()
    _, rest = plan_items(sc, _tested())
    rows = {r["id"]: r for r in no_effect_rows(_data(sc, "en"), rest)}  # type: ignore[arg-type]
    assert (
        rows["harm"]["effect"].startswith("b: 50% → 25% [-35, -15 pp]")
        and "(worse)" in rows["harm"]["effect"]
    )
    assert rows["noise"]["effect"] == "no significant change on any objective"


def test_row_quotes_its_own_change_and_names_the_element_in_three_languages() -> None:
    sc = _scenario()
    items, _ = plan_items(sc, _tested())
    expected = {
        "en": (
            "a: 50% → 80% [+20, +40 pp], median −0:01:00",
            "Add a duty officer",
            "(superior: Ban Chỉ đạo)",
        ),
        "vi": (
            "a: 50% → 80% [+20; +40 điểm %], trung vị −0:01:00",
            "Bổ sung cán bộ trực ban",
            "(cấp trên: Ban Chỉ đạo)",
        ),
        "zh": (
            "a：50% → 80%［+20，+40个百分点］，中位数−0:01:00",
            "增加值班人员",
            "（上级：Ban Chỉ đạo）",
        ),
    }
    for lang, (effect, work, people) in expected.items():
        row = plan_rows(_data(sc, lang), items)[0]  # type: ignore[arg-type]
        assert row["id"] == "officer"
        assert row["expected"].startswith(effect), row["expected"]
        assert work in row["task"] and "Công an tỉnh" in row["task"]
        assert (
            row["owner"] == "Công an tỉnh " + people
            if lang != "zh"
            else row["owner"] == "Công an tỉnh" + people
        )
        assert row["authority"] == "Ban Chỉ đạo tỉnh"
        for vague in (
            "this channel",
            "this unit",
            "this link",
            "kênh này",
            "đơn vị này",
            "该渠道",
            "该单位",
        ):
            assert vague not in " ".join(row.values())


def test_external_agency_gets_a_coordination_row_through_its_liaison() -> None:
    sc = _scenario()
    good = _sg("far", "link:hub->far", "hub", (_eff("b", 0.3, True),), **FAR)
    away = _sg(
        "far-desk",
        "desk:far",
        "far",
        (_eff("b", 0.2, True),),
        change_agencies={"far": {"duty_officers": 2}},
    )
    items, _ = plan_items(sc, [good, away])
    assert {i.owner for i in items} == {"hub"} and all(i.external == ("far",) for i in items)
    rows = plan_rows(_data(sc, "en"), items)  # type: ignore[arg-type]
    assert all(r["task"].startswith("Coordinate with 河口站 through Công an tỉnh: ") for r in rows)
    assert not any(r["owner"].startswith("河口站") for r in rows)
    assert touched(away.variant) == ["far"]


def test_deadline_from_the_date_or_a_flagged_default() -> None:
    dated = _scenario(date="2026-03-01", plan_due="30d")
    assert deadline(dated, "en") == "2026-03-31" and deadline(dated, "vi") == "31/03/2026"
    assert deadline(dated, "zh") == "2026年3月31日"
    assert _scenario(date="2026-03-01").scenario.date == datetime.date(2026, 3, 1)
    default = deadline(_scenario(date="2026-03-01"), "en")
    assert default.startswith("2026-05-30") and "default 90 days" in default
    undated = deadline(_scenario(), "vi")
    assert (
        undated.startswith("90 ngày sau cuộc diễn tập")
        and "mặc định" in undated
        and "scenario.date" in undated
    )
    assert _scenario(plan_due="12w").scenario.plan_due == 84


def test_old_analysis_json_suggestions_still_read() -> None:
    entry = {
        "variant": {"id": "v", "change_agencies": {"hub": {"duty_officers": 2}}},
        "finding": "x",
        "effects": [
            {
                "objective": "a",
                "met_diff": 0.2,
                "met_ci": {"low": 0.1, "high": 0.3},
                "median_diff": None,
                "significant": True,
            }
        ],
    }
    s = from_json(entry)
    assert s.owner == "hub" and s.recommended and s.effects[0].before is None
    items, _ = plan_items(_scenario(), [s])
    assert plan_rows(_data(_scenario(), "en"), items)[0]["expected"] == "a: +20 pp [+10, +30 pp]"  # type: ignore[arg-type]


# ---------------------------------------------------------------- the six example scenarios


@pytest.fixture(scope="module")
def studies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, dict[str, Any]]]:
    out = {}
    for path in SCENARIOS:
        sc = load_scenario(path)
        run = prepare_dir(tmp_path_factory.mktemp("plan") / path.stem, force=False)
        run_study(sc, path, run, n=N, seed=sc.scenario.seed, suggest=N, workers=2)
        d = build(run)
        d.lang = "en"  # the checks below read the English words
        add_findings(d)
        out[path.stem] = (d, json.loads((run / "analysis.json").read_text(encoding="utf-8")))
    return out


def _names(d: Any, element: str) -> list[str]:
    """Display names (and channel) a row about ``element`` must show."""
    kind, where = element.split(":", 1)
    if kind == "link":
        src, dst = where.split("->")
        channel = next(lk.channel for lk in d.scenario.links if lk.from_ == src and dst in lk.to)
        return [d.agency_label(src), d.agency_label(dst), channel]
    return [d.agency_label(where)]


@pytest.mark.parametrize("name", [p.stem for p in SCENARIOS])
def test_example_plans_follow_their_own_simulation(
    studies: dict[str, tuple[Any, dict[str, Any]]], name: str
) -> None:
    d, analysis = studies[name]
    tested = {s["variant"]["id"]: from_json(s) for s in analysis["suggestions"]}
    queues = {(q["agency"], q["resource"]): q for q in analysis["queues"]}
    for (
        s
    ) in tested.values():  # idle desks and unit pools get no capacity change, not even simulated
        for agency, change in s.variant.change_agencies.items():
            q = queues[(agency, "desk" if change.duty_officers is not None else "units")]
            assert q["busy_while_needed"] >= IDLE_UTILISATION and q["waited_share"] > 0, (
                s.variant.id,
                q,
            )
    ids = [r["id"] for r in d.plan]
    assert len(ids) == len(set(ids)) and len({r["element"] for r in d.plan}) == len(d.plan)
    for row in d.plan:
        s = tested[row["id"]]
        assert s.recommended
        quoted = row["expected"].split("; ")
        moved = [e for e in s.effects if e.significant]  # the row's own change, not another's
        assert len(quoted) == len(moved)
        for e, q in zip(moved, quoted):
            assert q.startswith(f"{e.objective}: {e.before:.0%} → {e.after:.0%} [")
            assert (q.endswith("(worse)") or "(worse)" not in q) and ("(worse)" in q) == e.worse
        text = " ".join(row.values())
        assert all(n in text for n in _names(d, row["element"])), (row["element"], text)
        owner = row["owner"]
        assert not any(owner.startswith(a.label) for a in d.scenario.agencies if a.external)
    for row in d.plan_no_effect:
        assert not tested[row["id"]].recommended
    alternatives = {a for r in d.plan for a in r["alternatives"].split()}
    for a in alternatives:
        assert tested[a].recommended
    assert {r["id"] for r in d.plan} | {r["id"] for r in d.plan_no_effect} | alternatives == set(
        tested
    )


def test_lao_cai_counterpart_is_reached_through_its_liaison(
    studies: dict[str, tuple[Any, dict[str, Any]]],
) -> None:
    d, _ = studies["lao-cai-border-outbreak"]
    counterpart, liaison = d.agency_label("counterpart"), d.agency_label("border_liaison")
    rows = [r for r in d.plan if counterpart in r["task"]]
    assert rows, d.plan
    for r in rows:
        assert r["owner"].startswith(liaison)
        assert (
            f"through {liaison}" in r["task"]
            or f"thông qua {liaison}" in r["task"]
            or f"通过{liaison}" in r["task"]
        )


# ---------------------------------------------------------------- the scenario format's new fields

BASE_YAML = """scenario:
  id: s
  title: T
{info}target: {{name: x, kind: other}}
agencies:
  - id: hub
  - id: far
{far}links:
  - {{from: hub, to: far}}
incidents:
  - {{id: i, at: 0s, detected_by: hub}}
"""


def _load(info: str = "", far: str = "") -> Any:
    from drillsim.scenario.loader import load_scenario_text

    return load_scenario_text(BASE_YAML.format(info=info, far=far), "s.yaml")


def _error(info: str = "", far: str = "") -> str:
    from drillsim.errors import ScenarioError

    with pytest.raises(ScenarioError) as exc:
        _load(info, far)
    return exc.value.render()


def test_new_fields_load_with_their_defaults() -> None:
    s = _load(
        "  date: 2026-05-04\n  plan_due: 60d\n",
        '    authority: external\n    superior: "Hà Khẩu"\n',
    )
    assert s.scenario.date == datetime.date(2026, 5, 4) and s.scenario.plan_due == 60
    far = s.agency("far")
    assert (
        far.external and far.liaison is None and s.liaison_of("far") == "hub"
    )  # default: the own sender
    assert s.superior_label("far") == "Hà Khẩu" and s.agency("hub").authority == "own"
    plain = _load()
    assert plain.scenario.date is None and plain.scenario.plan_due is None


@pytest.mark.parametrize(
    ("info", "far", "where"),
    [
        ("  date: 04/05/2026\n", "", "s.yaml:4:"),
        ("  plan_due: soon\n", "", "s.yaml:4:"),
        ("", "    authority: foreign\n", "s.yaml:8:"),
        ("", "    liaison: hubb\n", "s.yaml:8:"),
        ("", "    liaison: far\n", "s.yaml:8:"),
    ],
)
def test_bad_new_fields_are_located(info: str, far: str, where: str) -> None:
    message = _error(info, far)
    assert where in message, message


def test_liaison_names_an_own_agency() -> None:
    assert "did you mean 'hub'" in _error(far="    liaison: hubb\n")
    assert "its own liaison" in _error(far="    liaison: far\n")
    from drillsim.errors import ScenarioError
    from drillsim.scenario.loader import load_scenario_text

    text = BASE_YAML.format(info="", far="    authority: external\n").replace(
        "  - {from: hub, to: far}\n", "  - {from: hub, to: far}\n  - {from: far, to: hub}\n"
    )
    both = text.replace("  - id: hub\n", "  - id: hub\n    authority: external\n    liaison: far\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario_text(both, "s.yaml")
    assert "is itself external" in exc.value.render()
    lonely = BASE_YAML.format(info="", far="    authority: external\n").replace(
        "links:\n  - {from: hub, to: far}\n", ""
    )
    with pytest.raises(ScenarioError) as exc:
        load_scenario_text(
            lonely.replace("incidents:", "incidents:").replace(
                "detected_by: hub", "detected_by: hub"
            ),
            "s.yaml",
        )
    assert (
        "external agency far has no liaison" in exc.value.render()
        and "s.yaml:" in exc.value.render()
    )


def test_schema_accepts_the_new_fields_as_files_write_them() -> None:
    import jsonschema
    import yaml

    from drillsim.scenario.schema import scenario_schema

    validator = jsonschema.Draft202012Validator(scenario_schema())
    text = BASE_YAML.format(
        info='  date: "2026-05-04"\n  plan_due: 90d\n',
        far="    authority: external\n    liaison: hub\n    superior: Hà Khẩu\n",
    )
    assert list(validator.iter_errors(yaml.safe_load(text))) == []
    for bad in ("  plan_due: soon\n", "  plan_due: 0\n"):
        assert list(validator.iter_errors(yaml.safe_load(BASE_YAML.format(info=bad, far=""))))
    assert list(
        validator.iter_errors(
            yaml.safe_load(BASE_YAML.format(info="", far="    authority: foreign\n"))
        )
    )


def test_analyze_suggest_prints_the_plan_ranking_and_the_no_effect_split() -> None:

    from tests.helpers import run_cli

    path = ROOT / "scenarios" / "lai-chau-hydropower.yaml"
    result = run_cli("analyze", str(path), "-n", str(N), "--suggest", str(N), "--workers", "1")
    assert result.exit_code == 0, result.output
    out = result.output.split("Suggested changes, simulated", 1)[1]
    helped, _, rest = out.partition("Tested, no measurable effect (not recommended)")
    gains = [int(line.split("pp", 1)[0]) for line in helped.splitlines()[1:] if line.strip()]
    assert gains and gains == sorted(gains, reverse=True) and all(g > 0 for g in gains)
    assert all("%" in line and "->" in line for line in helped.splitlines()[1:] if line.strip())
    assert all(
        "no significant change" in line or "WORSE" in line
        for line in rest.splitlines()
        if line.strip()
    )
