"""Read scenario files: bytes -> safe YAML with line marks -> :class:`~drillsim.scenario.model.Scenario`.

This is the only module that imports the YAML library. It never lets YAML build Python objects:
it composes the node tree with a safe loader, refuses tags, duplicate keys, alias bombs and deep
nesting, and builds plain values itself while keeping the line and column of every value. The
pydantic errors (phase 1) and the semantic problems (phase 2, :mod:`drillsim.scenario.semantics`) are then
located in the file by :mod:`drillsim.scenario.locate`.

Bad input only ever raises :class:`~drillsim.errors.ScenarioError`, with every problem found.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from yaml.composer import Composer
from yaml.resolver import Resolver

from drillsim.errors import Problem, ScenarioError
from drillsim.i18n import LANGUAGES, Msg, Number
from drillsim.scenario import limits, semantics
from drillsim.scenario.gcpause import gc_paused
from drillsim.scenario.locate import Located, Mark, PathKey, locate_problems, validation_problems
from drillsim.scenario.model import Scenario

MAX_BYTES = 10 * 1024 * 1024
"""Largest scenario file read (10 MB); raise it with DRILLSIM_MAX_SCENARIO_BYTES."""

MAX_DEPTH = 100
"""Deepest nesting of mappings and lists accepted (real scenarios nest about 6 deep)."""

MAX_ALIAS_NODES = 100_000
"""Values that aliases (``*name``) may expand to in total: stops 'billion laughs' files."""

_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map")
}
_MERGE = "tag:yaml.org,2002:merge"
_NEEDS = Msg("scenario.needs_sections")


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Load and fully check a scenario file; warnings are dropped (see the ``_with_warnings`` form)."""
    return load_scenario_with_warnings(path)[0]


def load_scenario_with_warnings(path: str | os.PathLike[str]) -> tuple[Scenario, list[Problem]]:
    """Load and check a scenario file: the scenario and its warnings, or ScenarioError."""
    name = str(path)
    return load_scenario_text_with_warnings(read_limited(Path(path), name), name)


def load_scenario_text(text: str | bytes, filename: str = "<scenario>") -> Scenario:
    """Load and check scenario text (``filename`` is only used in messages)."""
    return load_scenario_text_with_warnings(text, filename)[0]


def load_scenario_text_with_warnings(
    text: str | bytes,
    filename: str = "<scenario>",
) -> tuple[Scenario, list[Problem]]:
    """Parse, validate (phase 1) and check (phase 2) scenario text; raise ScenarioError on any error."""
    if isinstance(text, bytes):
        _check_size(len(text), filename)
        text = decode(text, filename)
    located = parse_yaml(text, filename)
    language = scenario_language(located.data)
    scenario = validate_located(located, filename, language)
    problems = locate_problems(semantics.check(scenario), located, filename)
    if any(p.severity == "error" for p in problems):
        raise ScenarioError(problems, language=language)
    return scenario, problems


def scenario_language(data: Any) -> str | None:
    """The language the file's own ``scenario.language`` names (en, vi or zh), else None.

    Read from the plain data, so a file with errors elsewhere still has its problems said in
    its trainers' language.
    """
    info = data.get("scenario") if isinstance(data, dict) else None
    lang = info.get("language") if isinstance(info, dict) else None
    return lang if isinstance(lang, str) and lang in LANGUAGES else None


def validate_located(located: Located, filename: str, language: str | None = None) -> Scenario:
    """Phase 1: the size limits, then the pydantic models; ScenarioError with every problem,
    said by default in ``language`` (the file's own)."""
    cost = limits.cost_problems(located, filename)
    if cost:
        raise ScenarioError(cost, language=language)
    try:
        with gc_paused():
            return Scenario.model_validate(located.data)
    except ValidationError as exc:
        raise ScenarioError(
            validation_problems(exc, located, filename), language=language
        ) from None


# -- bytes ----------------------------------------------------------------------------------------


def max_bytes() -> int:
    """The size limit in force (DRILLSIM_MAX_SCENARIO_BYTES, else 10 MB)."""
    value = os.environ.get("DRILLSIM_MAX_SCENARIO_BYTES", "")
    return int(value) if value.strip().isdigit() else MAX_BYTES


def read_limited(path: Path, name: str) -> bytes:
    """Read a file, refusing one over the size limit before reading it whole."""
    try:
        size = path.stat().st_size
        _check_size(size, name)
        with path.open("rb") as f:
            data = f.read(max_bytes() + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ScenarioError(
            [Problem(Msg("scenario.cannot_read", reason=reason), file=name)]
        ) from None
    _check_size(len(data), name)
    return data


def _check_size(size: int, name: str) -> None:
    limit = max_bytes()
    if size > limit:
        raise ScenarioError(
            [
                Problem(
                    Msg(
                        "scenario.file_too_large",
                        size=Number(size, grouped=True),
                        limit=Number(limit, grouped=True),
                    ),
                    file=name,
                    hint=Msg("scenario.file_too_large_hint"),
                )
            ]
        )


def decode(data: bytes, name: str) -> str:
    """Bytes to text: UTF-8 (with or without BOM) or UTF-16/32 with a BOM; anything else is refused."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec)
            except UnicodeDecodeError:
                if (
                    codec == "utf-32-le"
                ):  # FF FE 00 00 is also UTF-16-LE's mark before a NUL character
                    continue
                raise ScenarioError(
                    [
                        Problem(
                            Msg("scenario.bad_byte_order_mark", codec=codec.upper()),
                            file=name,
                            line=1,
                            column=1,
                            hint=Msg("scenario.save_as_utf8"),
                        )
                    ]
                ) from None
    if b"\x00" in data:
        offset = data.index(b"\x00")
        raise ScenarioError(
            [
                Problem(
                    Msg("scenario.binary_file", offset=str(offset)),
                    file=name,
                    line=data.count(b"\n", 0, offset) + 1,
                    hint=Msg("scenario.binary_file_hint"),
                )
            ]
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError([_not_utf8(data, exc, name)]) from None


def _not_utf8(data: bytes, exc: UnicodeDecodeError, name: str) -> Problem:
    start = exc.start
    line_start = data.rfind(b"\n", 0, start) + 1
    return Problem(
        Msg("scenario.not_utf8", byte=f"0x{data[start]:02X}", offset=str(start)),
        file=name,
        line=data.count(b"\n", 0, start) + 1,
        column=len(data[line_start:start].decode("utf-8", "replace")) + 1,
        hint=Msg("scenario.not_utf8_hint"),
    )


# -- YAML -----------------------------------------------------------------------------------------


class _Refused(yaml.YAMLError):
    """A construct the loader refuses, with where it is."""

    def __init__(self, message: Msg, mark: Any, hint: Msg | str = "") -> None:
        super().__init__(message)
        self.message, self.mark, self.hint = message, mark, hint


class _Checks:
    """Checks made on each node as it is composed, before the next one is read: tags, nesting and cost.

    Cost is bounded here, not after parsing: a 10 MB file of one long list is millions of nodes
    (about 1 KB each), so lists, values and texts are counted as they come (see
    :mod:`drillsim.scenario.limits`).
    """

    def _start_checks(self) -> None:
        self._depth = 0
        self._values = 0
        self._max_values = limits.VALUES.value()
        self._max_text = limits.TEXT_CHARS.value()
        self._list_limits = {name: limit.value() for name, limit in limits.LIST_LIMITS.items()}
        self._max_items = limits.LIST_ITEMS.value()
        self._field: str | None = None  # the key of the innermost mapping value being composed
        self._lists: list[tuple[str | None, int]] = []  # (field, its item limit) of each open list

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[attr-defined]
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!" and tag not in _STANDARD_TAGS:
            raise _Refused(
                Msg("scenario.tag_refused", tag=tag.replace("tag:yaml.org,2002:", "!!")),
                event.start_mark,
                Msg("scenario.tag_refused_hint"),
            )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(TOO_DEEP, event.start_mark, Msg("scenario.too_deep_hint"))
        self._check_cost(parent, index, event)
        outer = self._field
        if isinstance(index, yaml.ScalarNode):
            self._field = str(index.value)
        is_list = isinstance(event, yaml.SequenceStartEvent)
        if is_list:
            self._lists.append(
                (self._field, self._list_limits.get(self._field or "", self._max_items))
            )
        try:
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1
            self._field = outer
            if is_list:
                self._lists.pop()

    def _check_cost(self, parent: Any, index: Any, event: Any) -> None:
        """Refuse the node that goes over a limit: values in all, items of its list, characters of its text."""
        self._values += 1
        if self._values > self._max_values:
            raise _Refused(
                _over(limits.VALUES, Msg("limits.where_file")),
                event.start_mark,
                Msg("scenario.values_hint"),
            )
        if isinstance(index, int) and self._lists and index >= self._lists[-1][1]:
            field = self._lists[-1][0]
            limit = limits.list_limit(field)
            where = (
                limits.WHERE_SCENARIO
                if limit is not limits.LIST_ITEMS
                else Msg("limits.where_list", field=field or Msg("limits.top_level"))
            )
            raise _Refused(_over(limit, where), event.start_mark, Msg("scenario.list_over_hint"))
        if isinstance(event, yaml.ScalarEvent):
            is_key = index is None and isinstance(parent, yaml.MappingNode)
            most = limits.MAX_KEY_CHARS if is_key else self._max_text
            if len(event.value) > most:
                length, top = Number(len(event.value), grouped=True), Number(most, grouped=True)
                message = (
                    Msg("scenario.key_too_long", length=length, limit=top)
                    if is_key
                    else Msg("scenario.text_too_long", length=length, limit=top)
                )
                hint = Msg("scenario.key_too_long_hint") if is_key else limits.TEXT_CHARS.hint()
                raise _Refused(message, event.start_mark, hint)


def _over(limit: limits.Limit, where: Msg) -> Msg:
    """``the file has more than 500,000 values in all, over the limit of 500,000; set ... to raise it``."""
    most = Number(limit.value(), grouped=True)
    return Msg("limits.over_more", where=where, limit=most, what=limit.what, env=limit.env)


TOO_DEEP = Msg("scenario.too_deep", depth=str(MAX_DEPTH))


class _Loader(_Checks, yaml.SafeLoader):
    """A safe loader that only composes nodes, refusing explicit tags, deep nesting and runaway cost."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._start_checks()


_FastLoader: Any = None
if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser

    class _CLoader(_Checks, Composer, CParser, Resolver):
        """The same checks over libyaml's parser: events come from C (about 12x faster), nodes from Python."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            Resolver.__init__(self)
            self._start_checks()

    _FastLoader = _CLoader


MAX_EXPLAINED_PREFIX = 256 * 1024
"""Text up to a syntax error that is read again by the Python parser for its clearer message."""


def _compose(text: str) -> Any:
    """The node tree of ``text``, composed with the checks (libyaml's parser when installed)."""
    if _FastLoader is None:
        return _run(_Loader, text)
    try:
        return _run(_FastLoader, text)
    except _Refused:
        raise
    except yaml.YAMLError as exc:
        raise _python_error(text, exc) from None


def _run(loader_class: Any, text: str) -> Any:
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _python_error(text: str, exc: yaml.YAMLError) -> yaml.YAMLError:
    """libyaml's error as the Python parser words it ("expected ',' or ']', but got ':'"), when cheap.

    The Python parser reads the text up to the line after the error again; its error is used
    when it is found there (not at the cut), else libyaml's own.
    """
    try:
        yaml.reader.Reader(text)  # control characters: found by one scan of the text
    except yaml.reader.ReaderError as found:
        return found
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return exc
    end = -1
    for _ in range(mark.line + 2):
        end = text.find("\n", end + 1)
        if end < 0:
            end = len(text)
            break
    if end > MAX_EXPLAINED_PREFIX:
        return exc
    try:
        for _ in yaml.parse(text[: end + 1], Loader=yaml.SafeLoader):
            pass
    except yaml.MarkedYAMLError as found:
        at = found.problem_mark or found.context_mark
        if at is not None and at.line <= mark.line:
            return found
    except yaml.YAMLError:
        pass
    return exc


def parse_yaml(text: str, name: str) -> Located:
    """Text to plain values plus the mark of every value and key; ScenarioError on any problem."""
    if not text.strip():
        raise ScenarioError(
            [
                Problem(
                    Msg("scenario.empty_file", needs=_NEEDS),
                    file=name,
                    line=1,
                    column=1,
                    hint=Msg("scenario.empty_file_hint"),
                )
            ]
        )
    try:
        with gc_paused():
            node = _compose(text)
    except _Refused as exc:
        raise ScenarioError([_at(exc.message, exc.mark, name, exc.hint)]) from None
    except yaml.MarkedYAMLError as exc:
        raise ScenarioError([_syntax_problem(exc, text, name)]) from None
    except yaml.reader.ReaderError as exc:
        raise ScenarioError([_control_character(exc, text, name)]) from None
    except yaml.YAMLError as exc:
        detail = _clean(str(exc))
        raise ScenarioError(
            [Problem(Msg("scenario.yaml_unreadable", detail=detail), file=name, line=1)]
        ) from None
    except RecursionError:
        raise ScenarioError([Problem(TOO_DEEP, file=name)]) from None
    if node is None:
        raise ScenarioError(
            [
                Problem(
                    Msg("scenario.no_data", needs=_NEEDS),
                    file=name,
                    line=1,
                    column=1,
                )
            ]
        )
    builder = _Builder(name)
    with gc_paused():
        data = builder.value(node, ())
    if builder.problems:
        raise ScenarioError(builder.problems, language=scenario_language(data))
    return Located(data, builder.marks, builder.key_marks)


MAX_FRAGMENT_CHARS = 2000
"""Longest YAML fragment read from one spreadsheet cell (a distribution is a few dozen characters)."""


def parse_fragment(text: str, name: str = "<cell>") -> Any:
    """Plain value of a short YAML flow fragment such as ``{uniform: [1m, 4m]}`` (an MSEL cell).

    It goes through the same safe composition as scenario files (no tags, nesting and alias
    limits), so a cell can hold no more than a scenario could; ScenarioError on any problem.
    """
    if len(text) > MAX_FRAGMENT_CHARS:
        raise ScenarioError(
            [
                Problem(
                    Msg(
                        "scenario.fragment_too_long",
                        length=Number(len(text), grouped=True),
                        limit=Number(MAX_FRAGMENT_CHARS, grouped=True),
                    ),
                    file=name,
                )
            ]
        )
    return parse_yaml(text, name).data


def _mark(mark: Any) -> Mark:
    return (mark.line + 1, mark.column + 1)


def _at(message: Msg, mark: Any, name: str, hint: Msg | str = "") -> Problem:
    line, column = _mark(mark)
    return Problem(message, file=name, line=line, column=column, hint=hint)


def _control_character(exc: yaml.reader.ReaderError, text: str, name: str) -> Problem:
    """YAML refuses most control characters; say which one and where."""
    pos = exc.position if isinstance(exc.position, int) else 0
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    return Problem(
        Msg("scenario.control_character", code=f"U+{code:04X}"),
        file=name,
        line=line,
        column=column,
        hint=Msg("scenario.control_character_hint"),
    )


def _clean(text: str) -> str:
    text = re.sub(r"\s*in \"<unicode string>\", line \d+, column \d+", "", text)
    return " ".join(text.split())


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, name: str) -> Problem:
    """A YAML library error as a located problem, with tabs explained."""
    mark = exc.problem_mark or exc.context_mark
    line_no = mark.line if mark else 0
    lines = text.splitlines() or [""]
    here = lines[min(line_no, len(lines) - 1)]
    if "\t" in (exc.problem or "") or "\t" in here[: len(here) - len(here.lstrip())]:
        column = here.index("\t") + 1 if "\t" in here else (mark.column + 1 if mark else None)
        return Problem(
            Msg("scenario.tab_indentation"),
            file=name,
            line=line_no + 1,
            column=column,
            hint=Msg("scenario.tab_indentation_hint"),
        )
    message = _clean("; ".join(filter(None, [exc.context, exc.problem])))
    message = message.replace("'<stream end>'", "the end of the file").replace(
        "<stream end>", "the end of the file"
    )
    hint: Msg | str = ""
    if (
        exc.context_mark is not None
        and exc.problem_mark is not None
        and exc.context_mark.line != line_no
    ):
        hint = Msg("scenario.construct_started", line=str(exc.context_mark.line + 1))
    if "mapping values are not allowed" in message:
        hint = Msg("scenario.quote_colon_hint")
    line, column = _mark(mark) if mark else (None, None)
    return Problem(
        Msg("scenario.yaml_syntax", detail=message), file=name, line=line, column=column, hint=hint
    )


class _Builder:
    """Builds plain values from a node tree, recording marks and refusing what scenarios never need."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.marks: dict[PathKey, Mark] = {}
        self.key_marks: dict[PathKey, Mark] = {}
        self.problems: list[Problem] = []
        self._constructor = yaml.SafeLoader("")
        self._seen: set[int] = set()
        self._ancestors: set[int] = set()
        self._expanded = 0
        self._in_alias = 0

    def value(self, node: yaml.Node, path: PathKey) -> Any:
        """The plain value of ``node`` (dict, list, str, int, float, bool or None)."""
        key = id(node)
        if key in self._ancestors:
            raise ScenarioError([_at(Msg("scenario.alias_loop"), node.start_mark, self.name)])
        again = key in self._seen
        self._seen.add(key)
        self._in_alias += again
        if self._in_alias:
            self._expanded += 1
            if self._expanded > MAX_ALIAS_NODES:
                raise ScenarioError(
                    [
                        _at(
                            Msg("scenario.alias_bomb", limit=Number(MAX_ALIAS_NODES, grouped=True)),
                            node.start_mark,
                            self.name,
                            Msg("scenario.alias_bomb_hint"),
                        )
                    ]
                )
        self.marks.setdefault(path, _mark(node.start_mark))
        self._ancestors.add(key)
        try:
            return self._build(node, path)
        finally:
            self._ancestors.discard(key)
            self._in_alias -= again

    def _build(self, node: yaml.Node, path: PathKey) -> Any:
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"):
            return str(node.value)
        if node.tag in _STANDARD_TAGS:
            if node.tag == _INT and len(str(node.value)) > limits.MAX_INT_DIGITS:
                self.problems.append(_long_number(node, self.name))
                return None
            value = self._constructor.construct_object(node)
            problem = number_problem(value, node, self.name)
            if problem is not None:
                self.problems.append(problem)
                return None
            return value
        return str(node.value)

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first: dict[str, Mark] = {}
        merged: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged.append(value_node)
                continue
            key = self._key(key_node)
            if key is None:
                continue
            if key in first:
                self.problems.append(
                    _at(
                        Msg("scenario.duplicate_key", key=repr(key), line=str(first[key][0])),
                        key_node.start_mark,
                        self.name,
                        Msg("scenario.duplicate_key_hint"),
                    )
                )
                continue
            first[key] = _mark(key_node.start_mark)
            self.key_marks.setdefault((*path, key), first[key])
            out[key] = self.value(value_node, (*path, key))
        for source in merged:
            self._merge(out, source, path)
        return out

    def _merge(self, out: dict[str, Any], source: yaml.Node, path: PathKey) -> None:
        """``<<: *base``: copy the keys the mapping does not set itself."""
        sources = source.value if isinstance(source, yaml.SequenceNode) else [source]
        for item in sources:
            if not isinstance(item, yaml.MappingNode):
                self.problems.append(
                    _at(Msg("scenario.merge_needs_mapping"), item.start_mark, self.name)
                )
                continue
            for key, value in self.value(item, path).items():
                out.setdefault(key, value)

    def _key(self, node: yaml.Node) -> str | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
            return str(node.value)
        if isinstance(node, yaml.ScalarNode):
            shown = node.value or Msg("scenario.empty_key")
            self.problems.append(
                _at(
                    Msg("scenario.key_not_text", key=shown, type=node.tag.rsplit(":", 1)[-1]),
                    node.start_mark,
                    self.name,
                    Msg("scenario.key_not_text_hint", key=node.value),
                )
            )
        else:
            self.problems.append(_at(Msg("scenario.key_not_scalar"), node.start_mark, self.name))
        return None


# -- bounds on numbers and on cost ----------------------------------------------------------------

_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


_MAX_INT_BITS = int(limits.MAX_INT_DIGITS * math.log2(10))


def _long_number(node: yaml.Node, name: str) -> Problem:
    return _at(
        Msg(
            "scenario.number_too_long",
            length=Number(len(str(node.value)), grouped=True),
            limit=Number(limits.MAX_INT_DIGITS, grouped=True),
        ),
        node.start_mark,
        name,
        Msg("scenario.number_too_long_hint"),
    )


def number_problem(value: Any, node: yaml.Node, name: str) -> Problem | None:
    """A number YAML read that no field can hold: a whole number too long to print, or not finite.

    Python refuses to turn an integer of more than 4,300 digits into text (YAML 1.1's base-60
    ``1:2:3`` and hexadecimal forms build one from fewer characters); ``.inf`` and ``.nan`` are
    no time, count or chance.
    """
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and value.bit_length() > _MAX_INT_BITS
    ):
        return _long_number(node, name)
    if isinstance(value, float) and not math.isfinite(value):
        return _at(
            Msg("scenario.not_finite", value=str(node.value)[:40]),
            node.start_mark,
            name,
            Msg("scenario.not_finite_hint"),
        )
    return None
