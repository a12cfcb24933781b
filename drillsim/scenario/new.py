"""Starting scenarios for ``drillsim new``: a commented drill for each kind of target, ready to run.

The drills are data, not copies. ``templates/kinds/<kind>.toml`` holds one kind's
agencies, links, injects, tasks, objectives and what-ifs; ``common.toml`` holds what kinds share
(the police hub, EMS, fire, bomb disposal, the usual tasks), the published sources and every
sentence of the file in English, Vietnamese and Chinese. This module resolves one kind in one
language into rows of (key, YAML value, comment) and lays them out with ``scenario.yaml.j2``.

The data files are TOML (stdlib ``tomllib``): they keep comments as YAML would, while the YAML
library stays the loader's alone. Every figure carries a source key (``cite``) or it is an
assumption: its comment says so and it is listed under ``assumptions:`` for the trainer to replace.
"""

from __future__ import annotations

import copy
import re
import shlex
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any, get_args

from drillsim.i18n import Msg
from drillsim.scenario.model import ID_PATTERN, MEASURES, TargetKind
from drillsim.scenario.yamltext import flow, quote

KINDS: tuple[str, ...] = get_args(TargetKind)
"""Every target kind; each has a template."""

LANGUAGES: tuple[str, ...] = ("en", "vi", "zh")

FIGURES: dict[str, tuple[str, ...]] = {
    "agency": ("units", "duty_officers", "handling", "activation", "travel"),
    "link": ("delay", "reliability", "retry", "attempts", "backup"),
    "incident": ("at", "detection", "casualties"),
    "task": ("units", "duration", "per_casualty"),
}
"""The fields that hold figures: each gets a source or is labelled an assumption."""

ONSITE = "onsite"
"""Source key of a zero travel time: the agency is on site (a fact of the drill, not an estimate)."""

_COLUMN = 52
_WIDTH = 100

Data = dict[str, Any]


@dataclass(frozen=True)
class Row:
    """One YAML line: ``key: value  # comment`` (``key`` "-" makes a list item); children below it."""

    key: str
    value: str = ""
    comment: str = ""
    children: tuple[Row, ...] = ()


@dataclass
class Item:
    """One entry of a section (an agency, a link, ...): its rows and an explanatory comment."""

    rows: list[Row]
    note: str = ""


# -- data ------------------------------------------------------------------------------------------


@cache
def _toml(name: str) -> Data:
    text = (files("drillsim.scenario") / "templates" / name).read_text(encoding="utf-8")
    return tomllib.loads(text)


def common() -> Data:
    """The shared building blocks, sources and sentences (``common.toml``)."""
    return _toml("common.toml")


def kind_data(kind: str) -> Data:
    """One kind's drill with its shared blocks merged in (``use = "police_command"``)."""
    if kind not in KINDS:
        raise ValueError(Msg("scenario.new.unknown_kind", kind=repr(kind)))
    data = copy.deepcopy(_toml(f"kinds/{kind}.toml"))
    for section in ("agencies", "tasks"):
        data[section] = [_merge(common()[section], item) for item in data.get(section, [])]
    return data


def _merge(blocks: Data, item: Data) -> Data:
    """A shared block with the kind's overrides; ``""`` drops a field, an override its source."""
    if "use" not in item:
        return item
    base = copy.deepcopy(blocks[item["use"]])
    cite = {k: v for k, v in base.get("cite", {}).items() if k not in item}
    merged = {"id": item["use"], **base, **{k: v for k, v in item.items() if k != "use"}}
    merged["cite"] = {**cite, **item.get("cite", {})}
    return {k: v for k, v in merged.items() if v != ""}


def summaries(lang: str = "en") -> dict[str, str]:
    """Kind -> one-line description of its template, in ``lang``."""
    return {k: _tr(_toml(f"kinds/{k}.toml")["summary"], lang) for k in KINDS}


def scenario_id_for(filename: str | None, kind: str) -> str:
    """The scenario id: the output file's stem when it is a valid id, else derived from the kind."""
    if filename and filename != "-":
        name = filename.replace("\\", "/").rsplit("/", 1)[-1]
        stem = re.sub(r"\.ya?ml$", "", name, flags=re.IGNORECASE)
        if re.fullmatch(ID_PATTERN, stem):
            return stem
    return f"{kind.replace('_', '-')}-drill"


# -- text ------------------------------------------------------------------------------------------


def _tr(value: Any, lang: str) -> str:
    """The ``lang`` text of an {en, vi, zh} table; a plain string is the same in every language."""
    return str(value[lang]) if isinstance(value, dict) else str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


_TOKENS = re.compile(
    r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff"
    r"\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+|\s+"
)
_NO_LINE_START = set("，。、；：！？）」』》”’,.;:!?)")
_NO_LINE_END = set("（「『《“‘(")


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns; Chinese breaks between characters, never before 。，）."""
    lines, line = [], ""
    for tok in _TOKENS.findall(" ".join(text.split())):
        if tok.isspace():
            line += " " if line else ""
        elif line and _width(line + tok) > width and tok not in _NO_LINE_START:
            carry = line[-1] if line[-1] in _NO_LINE_END else ""
            lines.append(line[: len(line) - len(carry)].rstrip())
            line = carry + tok
        else:
            line += tok
    return [*lines, line.rstrip()] if line.strip() else lines


def comment(text: str, indent: int = 0, bullet: str = "") -> str:
    """``text`` as ``#`` comment lines, wrapped, with a hanging indent after ``bullet``."""
    pad = " " * indent
    body = wrap(text, _WIDTH - indent - 2 - _width(bullet))
    hang = " " * _width(bullet)
    return "\n".join(
        f"{pad}# {bullet if i == 0 else hang}{ln}".rstrip() for i, ln in enumerate(body)
    )


def line(prefix: str, row: Row) -> str:
    """One YAML line: ``prefix`` then the row, its comment aligned when it fits."""
    if row.key == "-":
        text = f"{prefix}- {row.value}"
    else:
        text = f"{prefix}{row.key}:{' ' if row.value else ''}{row.value}"
    if not row.comment:
        return text
    gap = max(2, _COLUMN - _width(text))
    return f"{text}{' ' * gap}# {row.comment}"


def duration_words(seconds: float, lang: str) -> str:
    """A target such as 90 min as words: "1 h 30 min", "1 giờ 30 phút", "1小时30分钟"."""
    h, m = divmod(round(seconds / 60), 60)
    words = common()["words"]
    parts = [f"{n}{_tr(words[unit], lang)}" for n, unit in ((h, "hours"), (m, "minutes")) if n]
    return (" " if lang != "zh" else "").join(parts)


def seconds(text: str) -> float:
    """Seconds of a duration written in the data ("1h30m", "45s")."""
    scale = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    return sum(float(n) * scale[u] for n, u in re.findall(r"(\d+(?:\.\d+)?)([dhms])", text))


# -- resolving one kind in one language --------------------------------------------------------------


def _ids(value: str | list[str]) -> list[str]:
    """A link's ``to``: one id or a list."""
    return [value] if isinstance(value, str) else list(value)


_CHANGES = (
    "remove_links",
    "change_links",
    "add_links",
    "remove_agencies",
    "change_agencies",
    "add_agencies",
    "change_tasks",
    "horizon",
)


class _Builder:
    """Turns one kind's data into template rows in one language, noting sources and assumptions."""

    def __init__(self, kind: str, lang: str) -> None:
        self.kind, self.lang = kind, lang
        self.data = kind_data(kind)
        self.c = common()
        self.sources: list[str] = []
        self.assumptions: list[Data] = []
        self.names = {a["id"]: self.t(a["name"]) for a in self.data["agencies"]}
        self.task_names = {t["id"]: self.t(t["name"]) for t in self.data["tasks"]}
        self.incidents = {i["id"]: i for i in self.data["incidents"]}
        # Chinese runs sentences together and uses full-width punctuation.
        self.space, self.colon, self.stop = ("", "：", "。") if lang == "zh" else (" ", ": ", ".")

    def t(self, value: Any) -> str:
        """Text in the output language."""
        return _tr(value, self.lang)

    def word(self, key: str) -> str:
        """A shared word or sentence (``[words]`` in common.toml)."""
        return self.t(self.c["words"][key])

    def join(self, items: list[str]) -> str:
        """A list of names, joined as the language does."""
        return ("、" if self.lang == "zh" else ", ").join(items)

    def channel(self, name: str) -> str:
        """A channel's display name (its id when common.toml does not name it)."""
        return self.t(self.c["channels"].get(name, name))

    # figures, sources, assumptions

    def figure(self, obj: Data, key: str, parts: list[str], notes: list[str]) -> Row:
        """A figure's row, commented with its source or labelled an assumption (and noted as one)."""
        value = flow(obj[key])
        src = obj.get("cite", {}).get(key)
        if src == ONSITE:
            return Row(key, value, self.word("on_site"))
        if src is None:
            parts.append(f"{key} {value}")
            return Row(key, value, self.word("assumption"))
        source = self.c["sources"][src]
        if src not in self.sources:
            self.sources.append(src)
        if not source.get("assumed"):
            return Row(key, value, self.t(source["short"]))
        parts.append(f"{key} {value}")
        notes.append(f"{key}{self.colon}{self.t(source['text'])}{self.stop}")
        return Row(key, value, f"{self.word('assumption')}{self.colon}{self.t(source['short'])}")

    def figures(self, obj: Data, kind: str, about: str, note: str = "") -> list[Row]:
        """Rows of every figure ``obj`` has; the unsourced ones become one assumption entry."""
        parts: list[str] = []
        notes: list[str] = []
        rows = [self.figure(obj, k, parts, notes) for k in FIGURES[kind] if k in obj]
        if parts:
            text = self.space.join(x for x in (note, self.t(self.c["notes"][kind]), *notes) if x)
            self.assumptions.append({"about": about, "value": "; ".join(parts), "note": text})
        return rows

    # sections

    def agency(self, a: Data) -> Item:
        """An agency: who it is, its figures, what it can do."""
        note = self.t(a.get("note", ""))
        rows = [
            Row("id", a["id"]),
            Row("name", quote(self.names[a["id"]])),
            Row("kind", a["kind"]),
            Row("sector", a["sector"]),
        ]
        rows += self.figures(a, "agency", f"{a['id']}: {self.names[a['id']]}", note)
        rows.append(Row("capabilities", flow(a.get("capabilities", []))))
        rows += [
            Row(key, str(a[key])) for key in ("authority", "liaison", "superior") if a.get(key)
        ]
        return Item(rows, note)

    def link(self, link: Data) -> Item:
        """A link: who alerts whom, over what, how fast and how reliably."""
        about = f"{link['from']} -> {', '.join(_ids(link['to']))} ({self.channel(link['channel'])})"
        note = self.t(link.get("note", ""))
        rows = [
            Row("from", link["from"]),
            Row("to", flow(link["to"])),
            Row("channel", link["channel"]),
        ]
        return Item(rows + self.figures(link, "link", about, note), note)

    def incident(self, i: Data, number: int) -> Item:
        """An inject with its MSEL columns (sender and recipient taken from the first link)."""
        label = self.t(i["label"])
        fig = {r.key: r for r in self.figures(i, "incident", f"{i['id']}: {label}")}
        rows = [
            Row("id", i["id"]),
            fig["at"],
            Row("zone", i["zone"]),
            Row("description", quote(self.t(i["description"]))),
            Row("detected_by", i["detected_by"]),
            *(fig[k] for k in ("detection", "casualties") if k in fig),
            Row("triggers", flow(i["triggers"])),
            Row("msel", children=self.msel(i, number, label)),
        ]
        return Item(rows, self.t(i.get("note", "")))

    def msel(self, i: Data, number: int, label: str) -> tuple[Row, ...]:
        """The MSEL columns of an inject; sender, recipient and method follow the first alert."""
        to = i.get("report_to") or next(
            (_ids(x["to"])[0] for x in self.data["links"] if x["from"] == i["detected_by"]),
            i["detected_by"],
        )
        channel = next(
            (
                x["channel"]
                for x in self.data["links"]
                if x["from"] == i["detected_by"] and to in _ids(x["to"])
            ),
            "in_person",
        )
        return (
            Row("number", str(number)),
            Row("synopsis", quote(label[0].upper() + label[1:])),
            Row("inject", quote(self.t(i["inject"]))),
            Row("from", quote(self.names[i["detected_by"]])),
            Row("to", quote(self.names[to])),
            Row("method", quote(self.channel(channel))),
            Row("expected_action", quote(self.t(i["expected_action"]))),
        )

    def task(self, task: Data) -> Item:
        """A task: who may do it, with how many units, for how long, after what."""
        note = self.t(task.get("note", ""))
        rows = [
            Row("id", task["id"]),
            Row("name", quote(self.task_names[task["id"]])),
            Row("by", flow(task["by"])),
        ]
        rows += self.figures(task, "task", f"{task['id']}: {self.task_names[task['id']]}", note)
        rows += [Row(k, flow(task[k])) for k in ("categories", "after") if k in task]
        return Item(rows, note)

    def objective(self, o: Data, targets: list[str]) -> Item:
        """An objective with a description written from its measure unless the data gives one."""
        src = o.get("cite", {}).get("within")
        if src:
            if src not in self.sources:
                self.sources.append(src)
            why = self.t(self.c["sources"][src]["short"])
        else:
            targets.append(f"{o['id']} {o['within']}")
            why = self.word("target")
        rows = [
            Row("id", o["id"]),
            Row("description", quote(self.objective_text(o))),
            Row("measure", flow(o["measure"])),
            Row("within", o["within"], why),
        ]
        if "from" in o:
            rows.append(Row("from", o["from"]))
        rows.append(Row("core_capability", quote(o["core_capability"])))
        return Item(rows, self.t(o.get("note", "")))

    def objective_text(self, o: Data) -> str:
        """ "Local police station on scene within 15 min (market attack)", in the output language."""
        if "description" in o:
            return self.t(o["description"])
        m = o["measure"]
        what = next(k for k in MEASURES if k in m)
        text = self.t(self.c["objectives"][what]).format(
            agency=self.names.get(m[what], ""),
            task=self.task_names.get(m[what], ""),
            within=duration_words(seconds(o["within"]), self.lang),
            cats=self.t(self.c["categories"][m.get("category", "all")]),
        )
        if "incident" in m and len(self.incidents) > 1:
            label = self.t(self.incidents[m["incident"]]["label"])
            text += f"（{label}）" if self.lang == "zh" else f" ({label})"
        return text[0].upper() + text[1:]

    def variant(self, v: Data) -> Item:
        """A what-if: its changes (labelled as such) and what the trainer expects of it."""
        what = self.word("what_if")
        rows = [Row("id", v["id"]), Row("description", quote(self.variant_text(v)))]
        for key in (k for k in _CHANGES if k in v):
            val = v[key]
            if isinstance(val, list):
                rows.append(Row(key, children=tuple(Row("-", flow(x), what) for x in val)))
            elif isinstance(val, dict):
                rows.append(Row(key, children=tuple(Row(k, flow(x), what) for k, x in val.items())))
            else:
                rows.append(Row(key, flow(val), what))
        rows.append(Row("expect", flow(v["expect"])))
        return Item(rows, self.t(v.get("note", "")))

    def variant_text(self, v: Data) -> str:
        """The what-if in words (from the data, or written from its change), then the expectation."""
        text = self.t(v["description"]) if "description" in v else self._auto(v)
        text = text[0].upper() + text[1:]
        bits = [
            self.t(self.c["expect"][d]).format(ids=", ".join(v["expect"][d]))
            for d in ("better", "worse")
            if v["expect"].get(d)
        ]
        return self.space.join([text, *bits])

    def _auto(self, v: Data) -> str:
        """Describe the usual what-ifs: a link down, more duty officers, a direct link, more units."""
        tmpl = self.t(self.c["variants"][v["auto"]])
        if v["auto"] == "link_down":
            ch = v["change_links"][0]
            link = next(
                x
                for x in self.data["links"]
                if x["from"] == ch["from"] and ch["to"] in _ids(x["to"])
            )
            return tmpl.format(
                src=self.names[ch["from"]],
                dst=self.names[ch["to"]],
                channel=self.channel(link["channel"]),
                backup=self.channel(link["backup"]["channel"]),
            )
        if v["auto"] == "direct_link":
            add = v["add_links"][0]
            dst = self.join([self.names[x] for x in _ids(add["to"])])
            return tmpl.format(
                src=self.names[add["from"]], dst=dst, channel=self.channel(add["channel"])
            )
        agency, change = next(iter(v["change_agencies"].items()))
        field_ = "duty_officers" if v["auto"] == "duty_officers" else "units"
        base = next(a for a in self.data["agencies"] if a["id"] == agency).get(field_, 1)
        return tmpl.format(agency=self.names[agency], n=change[field_], base=base)

    # the whole file

    def context(self, scenario_id: str, filename: str) -> Data:
        """Everything the template needs."""
        d, t = self.data, self.t
        items = {
            "agencies": [self.agency(a) for a in d["agencies"]],
            "links": [self.link(x) for x in d["links"]],
            "incidents": [self.incident(i, n) for n, i in enumerate(d["incidents"], 1)],
            "tasks": [self.task(x) for x in d["tasks"]],
        }
        targets: list[str] = []
        items["objectives"] = [self.objective(o, targets) for o in d["objectives"]]
        items["variants"] = [self.variant(v) for v in d["variants"]]
        if targets:
            self.assumptions.append(
                {
                    "about": self.word("objective_targets"),
                    "value": "; ".join(targets),
                    "note": self.t(self.c["notes"]["objectives"]),
                }
            )
        words = {k: self.t(v) for k, v in self.c["words"].items()}
        arg = shlex.quote(filename)
        return {
            **items,
            "kind": self.kind,
            "lang": self.lang,
            "id": scenario_id,
            "file": arg,
            "title": t(d["title"]),
            "target": t(d["target"]),
            "models": t(d["models"]),
            "what_it_models": self.space.join([self.word("models_heading"), t(d["models"])]),
            "threat": t(d["threat"]),
            "horizon": d["horizon"],
            "zones": d["zones"],
            "exercise_type": d["exercise_type"],
            "mission_areas": d["mission_areas"],
            "words": {
                k: v.format(
                    kind=self.kind, lang=self.lang, file=arg, assumption=words["assumption"]
                )
                for k, v in words.items()
            },
            "sections": {k: self.t(v) for k, v in self.c["sections"].items()},
            "sources": [self.t(self.c["sources"][s]["text"]) for s in self.sources],
            "assumptions": [{k: quote(v) for k, v in a.items()} for a in self.assumptions],
        }


@lru_cache(maxsize=1)
def _environment() -> Any:
    # NOTE: imported here: jinja2 takes about 0.04 s to import, on every command's start-up
    # (the CLI imports this module for `drillsim new`), and only `drillsim new` uses it.
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("drillsim.scenario", "templates"),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    env.filters.update(q=quote, flow=flow, comment=comment)
    env.globals.update(line=line, row=Row)
    return env


def render(kind: str, lang: str = "en", filename: str | None = None) -> str:
    """The commented scenario file of ``kind`` in ``lang``.

    ``filename`` (the output file) names the scenario (when its stem is a valid id) and appears in
    the commands the header suggests; without one the id comes from the kind.
    """
    if lang not in LANGUAGES:
        raise ValueError(
            Msg("scenario.new.unknown_language", lang=repr(lang), languages=", ".join(LANGUAGES))
        )
    if filename is not None and not filename.isprintable():
        raise ValueError(Msg("scenario.new.control_character", name=repr(filename)))
    builder = _Builder(kind, lang)
    shown = filename if filename and filename != "-" else "my-drill.yaml"
    context = builder.context(scenario_id_for(filename, kind), shown)
    return _environment().get_template("scenario.yaml.j2").render(**context)
