"""Reading catalog YAML files while remembering where every value came from.

Admins need to be told ``wbs.yaml:112: pages[income].fields[rent].max: ...``,
not a Python traceback, so each file is composed into a node tree from
libyaml's events (through PyYAML, which keeps every event's position) and
turned into plain Python data plus a map from value paths to lines.

A catalog file comes from outside, so reading it is bounded whatever it holds:
its size before parsing, its characters (controls, bidi overrides and invisible
characters are refused), the nesting of its values and their number, every use
of an alias (``*name``) counted again, since nine levels of nine aliases expand
to 9^9 values from ten short lines. Composing needs no recursion. Each refusal
names its line, the line of a byte that is not UTF-8 included.

Plain scalars are typed by the YAML 1.2 core schema, not PyYAML's YAML 1.1
rules, so an option ``no`` stays the text "no" and ``2024-01-31`` stays text,
as the model expects. Duplicate keys, which YAML parsers silently collapse,
are errors.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from kiosk.catalog.issues import Issue
from kiosk.definition.clips import Clips
from kiosk.definition.finder import Finder
from kiosk.definition.glossary import Glossary
from kiosk.definition.law import LawBook
from kiosk.definition.model import CatalogHeader, CodeList, Form, InfoSheet, Offices, Topics
from kiosk.engine.textchars import describe

Loc = tuple[str | int, ...]

#: What each place in the catalog folder holds.
KIND_MODELS: dict[str, type[BaseModel]] = {
    "catalog": CatalogHeader,
    "offices": Offices,
    "topics": Topics,
    "codelist": CodeList,
    "info": InfoSheet,
    "form": Form,
    "law": LawBook,
    "finder": Finder,
    "glossary": Glossary,
    "audio": Clips,
}


@dataclass
class SourceFile:
    """One YAML file: its data, where each value stands, and what kind of document it is."""

    path: Path
    display: str  # path as shown in messages
    kind: str
    data: Any = None
    lines: dict[Loc, int] = field(default_factory=dict)
    model: BaseModel | None = None

    def line_of(self, loc: Loc) -> int:
        """The line of the deepest part of *loc* that exists in the file."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(loc[:end])
            if line is not None:
                return line
        return 1

    def path_of(self, loc: Loc) -> str:
        """*loc* written with ids where list items have one: ``pages[person].fields[name]``."""
        out = ""
        node = self.data
        for part in loc:
            if isinstance(part, int):
                label: str | int = part
                if isinstance(node, list) and 0 <= part < len(node):
                    item = node[part]
                    if isinstance(item, dict) and isinstance(item.get("id"), str):
                        label = item["id"]
                    node = item
                else:
                    node = None
                out += f"[{_short(str(label))}]"
            else:
                out += ("." if out else "") + _short(part)
                node = node.get(part) if isinstance(node, dict) else None
        return out or "(top)"

    def issue(self, loc: Loc, message: str, severity: str = "error") -> Issue:
        return Issue(self.display, self.line_of(loc), self.path_of(loc), message, severity)


def classify(relative: Path) -> str | None:
    """The document kind for a file at *relative* inside the catalog folder."""
    parts = relative.parts
    if len(parts) == 1:
        return {
            "catalog.yaml": "catalog",
            "offices.yaml": "offices",
            "topics.yaml": "topics",
            "law.yaml": "law",
            "finder.yaml": "finder",
            "glossary.yaml": "glossary",
            "audio.yaml": "audio",
        }.get(parts[0])
    if len(parts) == 2:
        return {"codelists": "codelist", "info": "info"}.get(parts[0], "form")
    return None


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULL = re.compile(r"^(~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")

#: Largest catalog file read. The largest real form is about 25 kB.
MAX_FILE_BYTES = 1_000_000
#: Most values one file may hold, counting every expansion of an alias (*name) again:
#: nine levels of nine aliases would otherwise expand to 9^9 values and gigabytes.
MAX_NODES = 50_000
#: Deepest nesting of mappings and lists; a real form nests 10 levels.
MAX_DEPTH = 32
#: Most issues listed for one file; the rest are counted.
MAX_ISSUES = 100
#: Characters that have no place in a catalog file: controls (except TAB, LF, CR),
#: line separators that YAML counts as line breaks but editors do not, bidi controls
#: and invisible characters that would make a text read other than it is stored (see
#: CVE-2021-42574), a byte order mark other than the file's first character, and
#: non-characters. Soft hyphen, ZWNJ and ZWJ are writing, and stay allowed.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u2028-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\ufffe\uffff\ud800-\udfff\U000e0000-\U000e007f]"
)


class _SourceError(ValueError):
    """A problem that stops reading a file, with the line it is on."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _line_at(text: str, pos: int) -> int:
    """The line of character *pos*, counting line breaks as YAML does (CRLF, LF, CR)."""
    head = text[:pos]
    return head.count("\n") + head.count("\r") - head.count("\r\n") + 1


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _SourceError(
            line,
            f"not valid UTF-8: byte 0x{data[exc.start]:02X} at column {column}; "
            "save the file as UTF-8",
        ) from None


def _check_characters(text: str) -> None:
    bad = _FORBIDDEN.search(text)
    if bad is not None:
        ch = bad.group()
        where = "" if ch != "\ufeff" else " (a byte order mark may only start the file)"
        raise _SourceError(
            _line_at(text, bad.start()),
            f"the character {describe(ch)} is not allowed in a catalog file{where}",
        )


@dataclass(eq=False, slots=True)
class _Node:
    """One composed YAML value; an alias keeps its own line and points at its anchor."""

    kind: str  # "scalar", "seq", "map" or "alias"
    line: int
    value: str = ""
    style: str | None = None
    items: list[_Node] = field(default_factory=list)  # seq items; map keys and values in turn
    target: _Node | None = None
    open: bool = False


_STARTS: dict[type[yaml.Event], str] = {
    yaml.SequenceStartEvent: "seq",
    yaml.MappingStartEvent: "map",
}


def _compose(text: str) -> _Node | None:
    """Compose the file's single document from libyaml's events, without recursion.

    Nesting, the number of values and aliases are checked while composing: an alias
    may only name an anchor defined above it and outside itself.
    """
    stack: list[_Node] = []
    anchors: dict[str, _Node] = {}
    root: _Node | None = None
    documents = 0
    count = 0
    for event in yaml.parse(text, Loader=_Loader):
        line = event.start_mark.line + 1 if event.start_mark is not None else 1
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _SourceError(line, "the file holds more than one YAML document ('---')")
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            stack.pop().open = False
            continue
        if isinstance(event, yaml.AliasEvent):
            target = anchors.get(str(event.anchor))
            if target is None:
                raise _SourceError(line, f"the alias *{event.anchor} names no anchor above it")
            if target.open:
                raise _SourceError(line, f"the alias *{event.anchor} is inside its own anchor")
            node = _Node("alias", line, target=target)
        elif isinstance(event, yaml.ScalarEvent):
            node = _Node("scalar", line, value=event.value, style=event.style)
        elif type(event) in _STARTS:
            node = _Node(_STARTS[type(event)], line, open=True)
        else:
            continue  # stream and document boundaries
        count += 1
        if count > MAX_NODES:
            raise _SourceError(line, f"the file holds more than {MAX_NODES:,} values")
        anchor = getattr(event, "anchor", None)
        if anchor is not None and node.kind != "alias":
            anchors[str(anchor)] = node
        if stack:
            stack[-1].items.append(node)
        else:
            root = node
        if node.open:
            if len(stack) >= MAX_DEPTH:
                raise _SourceError(line, f"the file nests more than {MAX_DEPTH} levels deep")
            stack.append(node)
    return root


def _scalar(node: _Node) -> Any:
    value = node.value
    if node.style:  # quoted or block scalars are always text (libyaml says "" for plain)
        return value
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        if len(value.lstrip("+-")) > 18:
            raise _SourceError(node.line, f"the number {_short(value)} is too large")
        return int(value)
    if _FLOAT.match(value):
        number = float(value)
        if math.isinf(number):
            raise _SourceError(node.line, f"the number {_short(value)} is too large")
        return number
    return value


class _Converter:
    """Turns composed nodes into plain data, recording each value's line.

    An alias is converted again wherever it is used, so every use is counted
    against :data:`MAX_NODES` and :data:`MAX_DEPTH`; a refusal points at the first
    alias being expanded, which is where the admin can act.
    """

    def __init__(self, lines: dict[Loc, int]) -> None:
        self.lines = lines
        self.visited = 0
        self.alias_line: int | None = None

    def plain(self, node: _Node, loc: Loc, depth: int = 0) -> Any:
        if node.kind == "alias":
            assert node.target is not None
            outer = self.alias_line
            self.alias_line = outer or node.line
            try:
                return self.plain(node.target, loc, depth)
            finally:
                self.alias_line = outer
        self.visited += 1
        if self.visited > MAX_NODES:
            raise _SourceError(
                self.alias_line or node.line,
                f"the aliases (*name) expand to more than {MAX_NODES:,} values",
            )
        if depth > MAX_DEPTH:
            raise _SourceError(
                self.alias_line or node.line,
                f"the aliases (*name) nest more than {MAX_DEPTH} levels deep",
            )
        if node.kind == "map":
            out: dict[str, Any] = {}
            for key_node, value_node in zip(node.items[::2], node.items[1::2], strict=True):
                key = self._key(key_node)
                if key in out:
                    raise _SourceError(
                        key_node.line, f"the key '{_short(key)}' appears twice in the same mapping"
                    )
                child_loc = loc + (key,)
                self.lines[child_loc] = key_node.line
                out[key] = self.plain(value_node, child_loc, depth + 1)
            return out
        if node.kind == "seq":
            items = []
            for index, item in enumerate(node.items):
                self.lines[loc + (index,)] = item.line
                items.append(self.plain(item, loc + (index,), depth + 1))
            return items
        return _scalar(node)

    @staticmethod
    def _key(node: _Node) -> str:
        while node.kind == "alias" and node.target is not None:
            node = node.target
        return str(_scalar(node)) if node.kind == "scalar" else "?"


def _read_text(source: SourceFile) -> str:
    with source.path.open("rb") as fh:
        data = fh.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _SourceError(
            1, f"the file is larger than {MAX_FILE_BYTES:,} bytes; split it into smaller files"
        )
    return _decode(data)


def _load(source: SourceFile, text: str | None) -> Any:
    """Plain data of *source* (its lines recorded), or :class:`_SourceError`."""
    try:
        content = text if text is not None else _read_text(source)
    except OSError as exc:
        raise _SourceError(1, f"cannot read the file: {exc.strerror}") from None
    if len(content) > MAX_FILE_BYTES:
        raise _SourceError(1, f"the file is larger than {MAX_FILE_BYTES:,} bytes")
    content = content.removeprefix("\ufeff")  # a byte order mark may start a UTF-8 file
    _check_characters(content)
    try:
        node = _compose(content)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        raise _SourceError(mark.line + 1 if mark else 1, f"not valid YAML: {what}") from None
    except yaml.YAMLError as exc:  # the reader's errors carry a position, not a mark
        position = getattr(exc, "position", None)
        line = _line_at(content, position) if isinstance(position, int) else 1
        raise _SourceError(line, f"not valid YAML: {exc}") from None
    source.lines = {(): 1}
    return _Converter(source.lines).plain(node, ()) if node is not None else None


def read_source(source: SourceFile, text: str | None = None) -> list[Issue]:
    """Parse and validate *source* in place; return the problems found.

    Bounded in time and memory whatever the file holds: its size, nesting,
    number of values (aliases included) and characters are checked before or
    while it is read, and each refusal names the line.
    """
    try:
        source.data = _load(source, text)
    except _SourceError as exc:
        source.data = None
        return [Issue(source.display, exc.line, "(yaml)", str(exc))]
    if not isinstance(source.data, dict):
        return [
            Issue(source.display, 1, "(top)", "the file must hold a mapping (key: value lines)")
        ]
    model = KIND_MODELS[source.kind]
    try:
        source.model = model.model_validate(source.data)
    except ValidationError as exc:
        errors = exc.errors()
        issues = [source.issue(tuple(err["loc"]), _pydantic_message(err)) for err in errors]
        if len(issues) > MAX_ISSUES:
            more = len(issues) - MAX_ISSUES
            issues = issues[:MAX_ISSUES] + [
                Issue(source.display, 1, "(file)", f"... and {more} more problems in this file")
            ]
        return issues
    return []


def _pydantic_message(err: Any) -> str:
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if err["type"] == "extra_forbidden":
        return "unknown key (check the spelling; see `kiosk catalog schema`)"
    if err["type"] == "missing":
        return "this key is required"
    if err["type"] == "string_pattern_mismatch" and "pattern" in err.get("ctx", {}):
        return f"{msg} (got {_short(repr(err.get('input')))})"
    return msg
