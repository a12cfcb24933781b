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
_NEEDS = "a scenario needs at least the sections scenario, target, agencies and incidents"


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
    scenario = validate_located(located, filename)
    problems = locate_problems(semantics.check(scenario), located, filename)
    if any(p.severity == "error" for p in problems):
        raise ScenarioError(problems)
    return scenario, problems


def validate_located(located: Located, filename: str) -> Scenario:
    """Phase 1: the size limits, then the pydantic models; ScenarioError with every problem."""
    cost = limits.cost_problems(located, filename)
    if cost:
        raise ScenarioError(cost)
    try:
        with gc_paused():
            return Scenario.model_validate(located.data)
    except ValidationError as exc:
        raise ScenarioError(validation_problems(exc, located, filename)) from None


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
        raise ScenarioError(
            [Problem(f"cannot read the file: {exc.strerror or exc}", file=name)]
        ) from None
    _check_size(len(data), name)
    return data


def _check_size(size: int, name: str) -> None:
    limit = max_bytes()
    if size > limit:
        raise ScenarioError(
            [
                Problem(
                    f"the file is {size:,} bytes, over the limit of {limit:,} bytes for a scenario",
                    file=name,
                    hint="a scenario is normally a few kilobytes; if this one really is that large, set "
                    "DRILLSIM_MAX_SCENARIO_BYTES to raise the limit",
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
                            f"the file starts with a {codec.upper()} byte-order mark but is "
                            f"not valid {codec.upper()}",
                            file=name,
                            line=1,
                            column=1,
                            hint="save the file as UTF-8",
                        )
                    ]
                ) from None
    if b"\x00" in data:
        offset = data.index(b"\x00")
        raise ScenarioError(
            [
                Problem(
                    f"this is a binary file, not a text scenario (a NUL byte at offset {offset})",
                    file=name,
                    line=data.count(b"\n", 0, offset) + 1,
                    hint="a scenario is a YAML text file; check that you passed the right file",
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
        f"byte 0x{data[start]:02X} at offset {start} is not UTF-8 (the file seems to use an older encoding "
        "such as Latin-1 or Windows-1258)",
        file=name,
        line=data.count(b"\n", 0, start) + 1,
        column=len(data[line_start:start].decode("utf-8", "replace")) + 1,
        hint="save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8)",
    )


# -- YAML -----------------------------------------------------------------------------------------


class _Refused(yaml.YAMLError):
    """A construct the loader refuses, with where it is."""

    def __init__(self, message: str, mark: Any, hint: str = "") -> None:
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
                f"the tag {tag.replace('tag:yaml.org,2002:', '!!')} is not allowed; scenario files "
                "hold plain data only",
                event.start_mark,
                "remove the tag (the part starting with !)",
            )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(
                f"the data is nested more than {MAX_DEPTH} levels deep",
                event.start_mark,
                "a scenario nests about 6 levels deep; check for runaway brackets",
            )
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
                _over(limits.VALUES, "the file"),
                event.start_mark,
                "a scenario holds a few thousand values; check for a runaway list",
            )
        if isinstance(index, int) and self._lists and index >= self._lists[-1][1]:
            field = self._lists[-1][0]
            limit = limits.list_limit(field)
            where = (
                "the scenario"
                if limit is not limits.LIST_ITEMS
                else f"the list {field or '(top level)'}"
            )
            raise _Refused(
                _over(limit, where), event.start_mark, "this is where the list goes over the limit"
            )
        if isinstance(event, yaml.ScalarEvent):
            is_key = index is None and isinstance(parent, yaml.MappingNode)
            most = limits.MAX_KEY_CHARS if is_key else self._max_text
            if len(event.value) > most:
                what = "key" if is_key else "text"
                hint = (
                    "keys are field names or ids of at most 64 characters"
                    if is_key
                    else limits.TEXT_CHARS.hint()
                )
                raise _Refused(
                    f"this {what} is {len(event.value):,} characters long, over the limit of {most:,}",
                    event.start_mark,
                    hint,
                )


def _over(limit: limits.Limit, where: str) -> str:
    return (
        f"{where} has more than {limit.value():,} {limit.what}, over the limit of {limit.value():,}; "
        f"set {limit.env} to raise it"
    )


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
                    f"the file is empty; {_NEEDS}",
                    file=name,
                    line=1,
                    column=1,
                    hint="start from an example in scenarios/ or see docs/scenario-format.md",
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
        raise ScenarioError(
            [Problem(f"cannot read the YAML: {_clean(str(exc))}", file=name, line=1)]
        ) from None
    except RecursionError:
        raise ScenarioError(
            [Problem(f"the data is nested more than {MAX_DEPTH} levels deep", file=name)]
        ) from None
    if node is None:
        raise ScenarioError(
            [
                Problem(
                    f"the file holds no data (only comments?); {_NEEDS}",
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
        raise ScenarioError(builder.problems)
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
                    f"the text is {len(text):,} characters long, over the limit of "
                    f"{MAX_FRAGMENT_CHARS:,} for one value",
                    file=name,
                )
            ]
        )
    return parse_yaml(text, name).data


def _mark(mark: Any) -> Mark:
    return (mark.line + 1, mark.column + 1)


def _at(message: str, mark: Any, name: str, hint: str = "") -> Problem:
    line, column = _mark(mark)
    return Problem(message, file=name, line=line, column=column, hint=hint)


def _control_character(exc: yaml.reader.ReaderError, text: str, name: str) -> Problem:
    """YAML refuses most control characters; say which one and where."""
    pos = exc.position if isinstance(exc.position, int) else 0
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    return Problem(
        f"the control character U+{code:04X} is not allowed in a YAML file",
        file=name,
        line=line,
        column=column,
        hint="delete it (it is invisible in most editors), or save the file as plain text",
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
            "a tab character is used for indentation; YAML indentation must use spaces",
            file=name,
            line=line_no + 1,
            column=column,
            hint="use spaces (set your editor to insert spaces for the Tab key)",
        )
    message = _clean("; ".join(filter(None, [exc.context, exc.problem])))
    message = message.replace("'<stream end>'", "the end of the file").replace(
        "<stream end>", "the end of the file"
    )
    hint = ""
    if (
        exc.context_mark is not None
        and exc.problem_mark is not None
        and exc.context_mark.line != line_no
    ):
        hint = f"the construct started on line {exc.context_mark.line + 1}"
    if "mapping values are not allowed" in message:
        hint = "a value containing ': ' must be quoted, or the indentation is off"
    line, column = _mark(mark) if mark else (None, None)
    return Problem(f"YAML syntax error: {message}", file=name, line=line, column=column, hint=hint)


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
            raise ScenarioError(
                [
                    _at(
                        "an alias refers to the mapping or list that contains it (a loop)",
                        node.start_mark,
                        self.name,
                    )
                ]
            )
        again = key in self._seen
        self._seen.add(key)
        self._in_alias += again
        if self._in_alias:
            self._expanded += 1
            if self._expanded > MAX_ALIAS_NODES:
                raise ScenarioError(
                    [
                        _at(
                            f"aliases expand to more than {MAX_ALIAS_NODES:,} values "
                            "(a 'billion laughs' file?); this anchor is expanded too often",
                            node.start_mark,
                            self.name,
                            "write the data out instead of nesting aliases of aliases",
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
                        f"duplicate key {key!r}; it is already set on line {first[key][0]}",
                        key_node.start_mark,
                        self.name,
                        "keep one of the two",
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
                    _at(
                        "a merge key (<<) needs a mapping or a list of mappings",
                        item.start_mark,
                        self.name,
                    )
                )
                continue
            for key, value in self.value(item, path).items():
                out.setdefault(key, value)

    def _key(self, node: yaml.Node) -> str | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
            return str(node.value)
        if isinstance(node, yaml.ScalarNode):
            shown = node.value or "(empty)"
            self.problems.append(
                _at(
                    f"the key {shown} is read as a {node.tag.rsplit(':', 1)[-1]}, not text",
                    node.start_mark,
                    self.name,
                    f"quote it: '{node.value}'",
                )
            )
        else:
            self.problems.append(
                _at("a key must be plain text, not a list or a mapping", node.start_mark, self.name)
            )
        return None


# -- bounds on numbers and on cost ----------------------------------------------------------------

_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


_MAX_INT_BITS = int(limits.MAX_INT_DIGITS * math.log2(10))


def _long_number(node: yaml.Node, name: str) -> Problem:
    return _at(
        f"this whole number is {len(str(node.value)):,} characters long; a number here has at most "
        f"{limits.MAX_INT_DIGITS:,} digits",
        node.start_mark,
        name,
        "numbers in a scenario are counts, seeds and limits of a few digits; check for a pasted value",
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
            f"{str(node.value)[:40]} is not a finite number",
            node.start_mark,
            name,
            "write a finite number (a duration such as 5m, a count, or a chance between 0 and 1)",
        )
    return None
