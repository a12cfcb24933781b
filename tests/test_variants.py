"""apply_variant: pure, and each kind of change does exactly what it says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from strategies import scenario_dicts, scenarios

from drillsim.errors import ScenarioError
from drillsim.scenario.loader import load_scenario, load_scenario_text
from drillsim.scenario.model import (
    Agency,
    AgencyChange,
    Link,
    LinkChange,
    Scenario,
    Task,
    TaskChange,
    Variant,
)
from drillsim.scenario.semantics import check_variant
from drillsim.scenario.variants import apply_variant, try_variant
from drillsim.sim.compile import compile_scenario
from drillsim.sim.engine import run_replication
from tests.helpers import run_cli


def drill() -> Scenario:
    return load_scenario(FIXTURES / "drill.yaml")


def apply(**changes: Any) -> Scenario:
    return apply_variant(drill(), Variant.model_validate({"id": "v", **changes}))


def test_base_is_never_changed() -> None:
    s = drill()
    before = s.model_dump()
    apply_variant(
        s, Variant.model_validate({"id": "v", "remove_agencies": ["swat"], "horizon": "1h"})
    )
    assert s.model_dump() == before


def test_by_id_uses_the_scenarios_variant() -> None:
    s = apply_variant(drill(), "direct-line")
    assert ("plant_security", "swat", 2) in s.edges() and s.scenario.horizon == 5 * 3600


def test_remove_one_destination_of_a_multi_link() -> None:
    s = apply(remove_links=[["police_hq", "swat"]])
    assert [(f, t) for f, t, _ in s.edges()] == [
        ("plant_security", "police_hq"),
        ("police_hq", "ems"),
    ]


def test_change_one_edge_splits_its_link() -> None:
    s = apply(change_links=[{"from": "police_hq", "to": "ems", "reliability": 0.5}])
    assert [(link.to, link.reliability) for link in s.links[1:]] == [
        (("swat",), 1.0),
        (("ems",), 0.5),
    ]
    assert s.links[2].delay == s.links[1].delay


def test_change_link_can_drop_the_backup() -> None:
    s = apply(change_links=[{"from": "plant_security", "to": "police_hq", "backup": None}])
    assert s.links[0].backup is None and s.links[0].reliability == 0.9


def test_remove_agency_removes_its_links_and_its_place_in_tasks() -> None:
    s = apply(remove_agencies=["swat"])
    assert "swat" not in [a.id for a in s.agencies]
    assert all("swat" not in (f, t) for f, t, _ in s.edges())
    assert s.task("cordon").by == ()


def test_change_agency_keeps_zero_units_and_unset_fields() -> None:
    s = apply(change_agencies={"swat": {"units": 0}, "ems": {"travel": None}})
    assert s.agency("swat").units == 0 and s.agency("swat").capabilities == ("negotiate",)
    assert s.agency("ems").travel is None and s.agency("ems").units == 2


def test_add_agency_link_incident_and_change_task() -> None:
    s = apply(
        add_agencies=[{"id": "army", "units": 5, "capabilities": ["negotiate"]}],
        add_links=[{"from": "police_hq", "to": "army"}],
        add_incidents=[
            {"id": "second", "at": "30m", "detected_by": "army", "triggers": ["cordon"]}
        ],
        change_tasks={"cordon": {"units": 3, "by": ["army"]}},
    )
    assert s.agency("army").units == 5 and ("police_hq", "army", 2) in s.edges()
    assert [i.id for i in s.incidents] == ["hostage", "second"]
    assert s.task("cordon").units == 3 and s.task("cordon").by == ("army",)


@given(scenarios())
def test_applying_every_variant_keeps_the_base(s: Scenario) -> None:
    dump = s.model_dump()
    for v in s.variants:
        out = apply_variant(s, v.id)
        assert out is not s
    assert s.model_dump() == dump


@pytest.mark.parametrize(
    ("base", "change", "keys"),
    [(Link, LinkChange, {"from_", "to"}), (Agency, AgencyChange, set()), (Task, TaskChange, set())],
)
def test_a_change_model_has_every_field_of_its_base(
    base: type[BaseModel], change: type[BaseModel], keys: set[str]
) -> None:
    """Derived, not re-declared: each field of the base (but its id) can be changed, optional,
    described as in the base, and the base's bounds show in the change's JSON Schema."""
    fields = change.model_fields
    assert set(fields) == set(base.model_fields) - {"id"}
    for name, info in base.model_fields.items():
        if name == "id" or name in keys:
            continue
        assert not fields[name].is_required() and fields[name].default is None, name
        assert fields[name].description == info.description, name
    shown = change.model_json_schema()["properties"]
    assert shown["attempts" if base is Link else "units"]["maximum"] == (
        1_000_000 if base is Link else 10_000
    )


def test_a_field_the_hand_written_models_lacked_can_be_changed() -> None:
    s = apply(
        change_links=[{"from": "police_hq", "to": "ems", "note": "radio only"}],
        change_agencies={"swat": {"sector": "security"}},
        change_tasks={"negotiate": {"after": []}},
    )
    assert s.links[2].note == "radio only" and s.links[2].to == ("ems",)
    assert s.agency("swat").sector == "security" and s.task("negotiate").after == ()
    assert drill().task("negotiate").after == ("cordon",)


def test_expect_names_objectives_that_exist() -> None:
    text = (FIXTURES / "drill.yaml").read_text(encoding="utf-8")
    bad = text.replace(
        "variants:\n", "variants:\n  - id: v\n    expect: {better: [no-such-objective]}\n", 1
    )
    assert bad != text
    with pytest.raises(ScenarioError) as exc:
        load_scenario_text(bad, "drill.yaml")
    message = exc.value.render()
    assert "unknown objective 'no-such-objective'" in message
    assert "drill.yaml:" in message and "expect" in message


# -- a variant is validated like a scenario file ------------------------------------------------

DRILL_TEXT = (FIXTURES / "drill.yaml").read_text(encoding="utf-8")
LONG = "x" * 301

# (kind, the variant's change line, text where the offending value starts, path, message, hint part)
BAD_VALUES = [
    (
        "remove_links",
        "remove_links: [[police_hq, plant_security]]",
        "[police_hq",
        "remove_links[0]",
        "there is no link police_hq -> plant_security to remove",
        "police_hq links to: ems, swat",
    ),
    (
        "change_links",
        "change_links: [{from: police_hq, to: ems, delay: 0s, reliability: 0, retry: 0s}]",
        "0s}",
        "change_links[0].retry",
        "retry must be at least 1s (a shorter retry floods the log)",
        (
            "e.g. retry: 30s (see 'Why retry is at least 1s' in docs/scenario-format.md); or leave `retry` out to keep "
            "the value of links[1] (police_hq -> ems)"
        ),
    ),
    (
        "change_links",
        "change_links: [{from: police_hq, to: ems, attempts: 2000000}]",
        "2000000",
        "change_links[0].attempts",
        "must be at most 1000000, got 2000000",
        "use 1000000 or less",
    ),
    (
        "change_links",
        "change_links: [{from: police_hq, to: ems, delay: 1m}, {from: police_hq, to: ems, retry: 1m}]",
        "{from: police_hq, to: ems, retry",
        "change_links[1]",
        "change_links[0] already changes police_hq -> ems",
        "put all the changes to one link in one entry",
    ),
    (
        "add_links",
        "add_links: [{from: swat, to: swat}]",
        "swat}",
        "add_links[0].to[0]",
        "with this variant, swat links to itself",
        "a link goes from one agency to another",
    ),
    (
        "add_links",
        "add_links: [{from: swat, to: ems, retry: 0s}]",
        "0s}",
        "add_links[0].retry",
        "retry must be at least 1s (a shorter retry floods the log)",
        "wait at least 1s before the next try",
    ),
    (
        "remove_agencies",
        "remove_agencies: [plant_security, police_hq, swat, ems]",
        "[plant_security",
        "remove_agencies",
        "this variant removes every agency; a scenario needs at least one",
        "keep at least one agency, or add one with add_agencies",
    ),
    (
        "change_agencies",
        f"change_agencies: {{swat: {{name: {LONG}}}}}",
        LONG,
        "change_agencies.swat.name",
        "is 301 characters long; at most 300 are allowed",
        "shorten it; or leave `name` out to keep the value of agencies[2] (swat)",
    ),
    (
        "change_agencies",
        "change_agencies: {swat: {travel: {by_zone: {moon: 5m}}}}",
        "5m}",
        "change_agencies.swat.travel.by_zone.moon",
        "with this variant, unknown zone 'moon' in travel times",
        "known: control_room, dam",
    ),
    (
        "add_agencies",
        "add_agencies: [{id: army, units: 0}]",
        "0}",
        "add_agencies[0] (army).units",
        "must be at least 1, got 0",
        "use 1 or more",
    ),
    (
        "change_tasks",
        "change_tasks: {cordon: {by: []}}",
        "[]",
        "change_tasks.cordon.by",
        "needs at least 1 entry, got none",
        "to take the task out of play, remove its agencies",
    ),
    (
        "change_tasks",
        "change_tasks: {cordon: {units: 10001}}",
        "10001",
        "change_tasks.cordon.units",
        "must be at most 10000, got 10001",
        "use 10000 or less",
    ),
    (
        "add_incidents",
        "add_incidents: [{id: second, at: 30m, detected_by: swat, zone: moon}]",
        "moon",
        "add_incidents[0] (second).zone",
        "with this variant, unknown zone (not in target.zones) 'moon'",
        "known: control_room, dam",
    ),
    (
        "horizon",
        "horizon: 0s",
        "0s",
        "horizon",
        "the horizon must be longer than 0s",
        "e.g. horizon: 4h; or leave `horizon` out to keep the value of scenario.horizon",
    ),
    (
        "expect",
        "expect: {better: [nope]}",
        "nope",
        "expect.better[0]",
        "unknown objective 'nope'",
        "known: cordon-60, ems-alerted, triage-red",
    ),
]


def with_variant(change: str, vid: str = "v") -> str:
    text = DRILL_TEXT.replace("variants:\n", f"variants:\n  - id: {vid}\n    {change}\n", 1)
    assert text != DRILL_TEXT
    return text


def test_every_kind_of_change_has_a_bad_value_case() -> None:
    kinds = set(Variant.model_fields) - {"id", "description"}
    assert {case[0] for case in BAD_VALUES} == kinds


@pytest.mark.parametrize(
    ("kind", "change", "anchor", "path", "message", "hint"),
    BAD_VALUES,
    ids=[f"{c[0]}-{c[3]}" for c in BAD_VALUES],
)
def test_validate_locates_a_bad_variant_value(
    tmp_path: Path, kind: str, change: str, anchor: str, path: str, message: str, hint: str
) -> None:
    """The problem names the variant's own line, column and field, with a hint, and validate exits 1."""
    text = with_variant(change)
    file = tmp_path / "drill.yaml"
    file.write_text(text, encoding="utf-8")
    line = text.splitlines().index(f"    {change}") + 1
    column = f"    {change}".index(anchor) + 1
    r = run_cli("validate", str(file))
    assert r.exit_code == 1 and "Traceback" not in r.output
    err = r.stderr.splitlines()
    head = f"{file}:{line}:{column}: error: variants[0] (v).{path}: {message}"
    assert head in err, r.stderr
    after = err[err.index(head) + 1]
    assert after.startswith("    hint: ") and hint in after


def test_zero_units_in_change_agencies_stays_valid() -> None:
    s = load_scenario_text(with_variant("change_agencies: {swat: {units: 0}}"), "drill.yaml")
    assert apply_variant(s, "v").agency("swat").units == 0


def test_a_problem_from_combining_names_the_base_element(tmp_path: Path) -> None:
    """Taking away a capability leaves a base task naming it: a warning at the variant, naming the task."""
    file = tmp_path / "drill.yaml"
    file.write_text(with_variant("change_agencies: {swat: {capabilities: []}}"), encoding="utf-8")
    r = run_cli("validate", str(file))
    assert r.exit_code == 0
    assert r.stderr.splitlines()[:2] == [
        f"{file}:70:5: warning: variants[0] (v): with this variant, unknown agency or capability 'negotiate'",
        (
            "    hint: known: ems, isolate, plant_security, police_hq, swat; it comes from combining this variant "
            "with tasks[2] (negotiate) of the base scenario"
        ),
    ]


def test_an_error_in_a_field_the_variant_leaves_alone_is_a_combination() -> None:
    """A path into the changed scenario maps to the entry and field that wrote it, else to the base element."""
    s = drill()
    v = Variant.model_validate(
        {
            "id": "v",
            "change_links": [{"from": "police_hq", "to": "ems", "retry": "1m"}],
            "add_links": [{"from": "swat", "to": "ems"}],
            "horizon": "5h",
        }
    )
    applied = try_variant(s, v, ("variants", 9))
    assert applied.scenario is not None and applied.problems == ()
    changed = next(
        i for i, lk in enumerate(applied.scenario.links) if lk.to == ("ems",) and lk.retry == 60
    )
    own = applied.place(("links", changed, "retry"))
    assert (own.path, own.combined, own.own) == ("variants[9].change_links[0].retry", "", True)
    mixed = applied.place(("links", changed, "delay"))
    assert (mixed.path, mixed.combined) == (
        "variants[9].change_links[0]",
        "links[1] (police_hq -> ems)",
    )
    added = applied.place(("links", len(applied.scenario.links) - 1, "to", 0))
    assert added.path == "variants[9].add_links[0].to[0]" and added.own
    assert applied.place(("scenario", "horizon")).path == "variants[9].horizon"
    untouched = applied.place(("links", 0, "delay"))
    assert (untouched.path, untouched.combined) == ("variants[9]", "links[0]")


def test_apply_variant_refuses_a_bad_variant_built_in_memory() -> None:
    v = Variant.model_validate(
        {"id": "v", "change_links": [{"from": "police_hq", "to": "ems", "retry": "0s"}]}
    )
    with pytest.raises(ScenarioError) as info:
        apply_variant(drill(), v)
    [p] = info.value.problems
    assert (p.path, p.message) == (
        "change_links[0].retry",
        "retry must be at least 1s (a shorter retry floods the log)",
    )


def test_change_agencies_applies_to_an_added_agency() -> None:
    s = apply(add_agencies=[{"id": "army", "units": 5}], change_agencies={"army": {"units": 2}})
    assert s.agency("army").units == 2


def test_two_sweeps_of_one_link_change_it_once_with_both_fields() -> None:
    from drillsim.runs.sweep import grid, parse_set

    s = drill()
    [(_, v)] = grid(
        s,
        [
            parse_set("links.police_hq->ems.retry=1m", s),
            parse_set("links.police_hq->ems.delay=2m", s),
        ],
    )
    [link] = [lk for lk in apply_variant(s, v).links if lk.to == ("ems",)]
    assert (link.retry, link.delay.mean()) == (60.0, 120.0)


def test_compile_refuses_a_retry_below_the_floor() -> None:
    """The rules refuse it first; a scenario built around them must still not reach the engine."""
    s = drill()
    sneaky = s.model_copy(
        update={"links": (s.links[0].model_copy(update={"retry": 0.0}), *s.links[1:])}
    )
    with pytest.raises(ValueError, match="below 1.0s"):
        compile_scenario(sneaky)


# -- no command reaches the engine with a bad variant ---------------------------------------------

FLOOD = Path(__file__).parent / "bad_scenarios" / "56-variant-retry-zero.yaml"
FLOOD_LINE = (
    "56-variant-retry-zero.yaml:73:70: error: variants[0] (flood).change_links[0].retry: retry must be at "
    "least 1s (a shorter retry floods the log)"
)


@pytest.mark.parametrize(
    "args",
    [
        ["timeline", "FILE", "--variant", "flood"],
        ["timeline", "FILE", "--variant", "two-duty-officers"],
        ["run", "FILE", "-n", "3", "--variant", "flood", "--workers", "1", "--out", "OUT"],
        ["compare", "FILE", "--variant", "flood", "-n", "3", "--workers", "1"],
        ["analyze", "FILE", "--variant", "flood", "-n", "3", "--workers", "1"],
        ["sweep", "FILE", "--set", "agencies.ems.units=1..2", "-n", "3", "--workers", "1"],
    ],
    ids=["timeline-variant", "timeline-other-variant", "run-study", "compare", "analyze", "sweep"],
)
def test_a_bad_variant_is_refused_at_load(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: `run --variant flood` ended in "internal error: RecursionError" (retry 0s, delay 0s, p = 0)."""
    monkeypatch.chdir(FLOOD.parent)
    out = tmp_path / "run"
    r = run_cli(*[{"FILE": FLOOD.name, "OUT": str(out)}.get(a, a) for a in args])
    assert r.exit_code == 1, r.output
    assert FLOOD_LINE in r.stderr.splitlines()
    assert "internal error" not in r.output and "Traceback" not in r.output
    assert r.stdout == "" and not out.exists()


def test_a_bad_swept_value_names_its_option(tmp_path: Path) -> None:
    table = tmp_path / "sweep.csv"
    r = run_cli(
        "sweep",
        str(FIXTURES / "drill.yaml"),
        "--set",
        "links.police_hq->ems.retry=2m,0s",
        "-n",
        "3",
        "--workers",
        "1",
        "--csv",
        str(table),
    )
    assert r.exit_code == 1 and "Traceback" not in r.output and not table.exists()
    assert r.stderr.splitlines() == [
        (
            "error: --set links.police_hq->ems.retry: the value 0s is refused: retry must be at least 1s (a shorter "
            "retry floods the log)"
        ),
        (
            "    hint: wait at least 1s before the next try, e.g. retry: 30s (see 'Why retry is at least 1s' in "
            "docs/scenario-format.md)"
        ),
    ]


def test_a_suggestion_the_format_refuses_is_not_tested() -> None:
    from types import SimpleNamespace

    from drillsim.analysis.suggest import candidates

    good = Variant.model_validate({"id": "good", "change_agencies": {"swat": {"units": 4}}})
    bad = Variant.model_validate(
        {"id": "bad", "change_links": [{"from": "police_hq", "to": "ems", "retry": "0s"}]}
    )
    findings = [SimpleNamespace(title="t", variants=[bad, good])]
    assert [v.id for v, _ in candidates(findings, scenario=drill())] == ["good"]  # type: ignore[arg-type]
    assert [v.id for v, _ in candidates(findings)] == ["bad", "good"]  # type: ignore[arg-type]


# -- any variant that validates runs -----------------------------------------------------------------


@st.composite
def variant_dicts(draw: st.DrawFn, s: Scenario) -> dict[str, Any]:
    """A variant of ``s`` of every kind, with values on both sides of the format's limits."""
    ids = [a.id for a in s.agencies]
    edges = [(f, t) for f, t, _ in s.edges()]
    detectors = {inc.detected_by for inc in s.incidents}
    first = [e for e in edges if e[0] in detectors] or edges  # links that surely carry an alert
    v: dict[str, Any] = {"id": "v"}
    if edges and draw(st.booleans()):
        f, t = draw(st.sampled_from(first))
        v["change_links"] = [
            {
                "from": f,
                "to": t,
                "delay": draw(st.sampled_from(["0s", "1m"])),
                "reliability": draw(st.sampled_from([0, 0.5, 1])),
                "retry": draw(st.sampled_from(["0s", "0.5s", "1s", "2m"])),
            }
        ]
    if edges and draw(st.booleans()):
        v["remove_links"] = [list(draw(st.sampled_from(edges)))]
    if len(ids) > 1 and draw(st.booleans()):
        f, t = draw(st.permutations(ids))[:2]
        v["add_links"] = [
            {
                "from": f,
                "to": t,
                "reliability": draw(st.sampled_from([0, 0.9])),
                "retry": draw(st.sampled_from(["0s", "30s"])),
            }
        ]
    if draw(st.booleans()):
        v["remove_agencies"] = draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)))
    if draw(st.booleans()):
        v["change_agencies"] = {
            draw(st.sampled_from(ids)): {
                "units": draw(st.integers(0, 3)),
                "travel": draw(st.sampled_from([None, "0s", "5m"])),
            }
        }
    if draw(st.booleans()):
        v["add_agencies"] = [
            {"id": "extra", "units": draw(st.integers(0, 2)), "capabilities": ["cap_x"]}
        ]
    if s.tasks and draw(st.booleans()):
        v["change_tasks"] = {
            draw(st.sampled_from([t.id for t in s.tasks])): {"units": draw(st.integers(1, 6))}
        }
    if draw(st.booleans()):
        v["add_incidents"] = [
            {
                "id": "later",
                "at": "10m",
                "detected_by": draw(st.sampled_from(ids)),
                "triggers": [t.id for t in s.tasks[:1]],
            }
        ]
    if draw(st.booleans()):
        v["horizon"] = draw(st.sampled_from(["0s", "30m", "2h"]))
    return v


def with_detector_link(data: dict[str, Any]) -> dict[str, Any]:
    """The scenario with a link out of the first detecting agency (so alerts surely travel a link)."""
    detector = data["incidents"][0]["detected_by"]
    others = [a["id"] for a in data["agencies"] if a["id"] != detector]
    if others and not any(lk["from"] == detector for lk in data["links"]):
        data = {**data, "links": [*data["links"], {"from": detector, "to": others[0]}]}
    return data


@settings(max_examples=40)
@given(st.data())
def test_any_variant_that_validates_runs_a_replication(data: st.DataObject) -> None:
    """Validation is the one gate: what it accepts runs (no RecursionError), what it refuses apply refuses."""
    s = data.draw(
        scenario_dicts(max_agencies=4, max_tasks=3)
        .map(with_detector_link)
        .map(Scenario.model_validate)
    )
    raw = data.draw(variant_dicts(s))
    try:
        v = Variant.model_validate(raw)
    except ValidationError:
        return  # refused when the file is read (phase 1), like any scenario value
    errors = [p for p in check_variant(s, v) if p.severity == "error"]
    if errors:
        with pytest.raises(ScenarioError):
            apply_variant(s, v)
        return
    result = run_replication(compile_scenario(apply_variant(s, v)), 1, 0)
    assert result.ended_by in ("complete", "horizon")


def test_changing_one_recipients_link_keeps_the_relay_order() -> None:
    """hub -> [a, b, c] through one duty officer (60s a message): changing hub -> a's delay must
    not move a's message behind b and c (the split link keeps its recipients in order)."""
    s = Scenario.model_validate(
        {
            "scenario": {"id": "order", "title": "order"},
            "target": {"name": "t", "kind": "other"},
            "agencies": [{"id": "hub", "handling": "60s"}, {"id": "a"}, {"id": "b"}, {"id": "c"}],
            "links": [{"from": "hub", "to": ["a", "b", "c"], "delay": "10s"}],
            "incidents": [{"id": "i", "at": "0s", "detected_by": "hub", "triggers": []}],
            "tasks": [],
            "objectives": [],
            "variants": [
                {"id": "fast-b", "change_links": [{"from": "hub", "to": "b", "delay": "1s"}]}
            ],
        }
    )
    changed = apply_variant(s, "fast-b")
    assert [link.to for link in changed.links] == [("a",), ("b",), ("c",)]
    from drillsim.sim.records import EventKind

    r = run_replication(compile_scenario(changed), 0)
    handled = [x.link for x in r.records if x.kind is EventKind.HANDLING_STARTED]
    assert handled == ["hub->a", "hub->b", "hub->c"]
    alerted = {x.agency: x.time for x in r.records if x.kind is EventKind.ALERTED}
    assert alerted == {"a": 70.0, "b": 121.0, "c": 190.0}
