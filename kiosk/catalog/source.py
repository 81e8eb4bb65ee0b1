"""Reading catalog YAML files while remembering where every value came from.

Admins need to be told ``wbs.yaml:112: pages[income].fields[rent].max: ...``,
not a Python traceback, so each file is composed into a node tree by libyaml
(through PyYAML, which keeps every node's position) and turned into plain
Python data plus a map from value paths to lines.

Plain scalars are typed by the YAML 1.2 core schema, not PyYAML's YAML 1.1
rules, so an option ``no`` stays the text "no" and ``2024-01-31`` stays text,
as the model expects. Duplicate keys, which YAML parsers silently collapse,
are errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from kiosk.catalog.issues import Issue
from kiosk.catalog.model import CatalogHeader, CodeList, Form, InfoSheet, Offices, Topics

Loc = tuple[str | int, ...]

#: What each place in the catalog folder holds.
KIND_MODELS: dict[str, type[BaseModel]] = {
    "catalog": CatalogHeader,
    "offices": Offices,
    "topics": Topics,
    "codelist": CodeList,
    "info": InfoSheet,
    "form": Form,
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
                out += f"[{label}]"
            else:
                out += ("." if out else "") + part
                node = node.get(part) if isinstance(node, dict) else None
        return out or "(top)"

    def issue(self, loc: Loc, message: str, severity: str = "error") -> Issue:
        return Issue(self.display, self.line_of(loc), self.path_of(loc), message, severity)


def classify(relative: Path) -> str | None:
    """The document kind for a file at *relative* inside the catalog folder."""
    parts = relative.parts
    if len(parts) == 1:
        return {"catalog.yaml": "catalog", "offices.yaml": "offices", "topics.yaml": "topics"}.get(
            parts[0]
        )
    if len(parts) == 2:
        return {"codelists": "codelist", "info": "info"}.get(parts[0], "form")
    return None


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULL = re.compile(r"^(~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str, line: int) -> None:
        super().__init__(f"the key '{key}' appears twice in the same mapping")
        self.line = line


def _scalar(node: yaml.ScalarNode) -> Any:
    value: str = node.value
    if node.style is not None:  # quoted or block scalars are always text
        return value
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    return value


def _plain(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> Any:
    """Convert a composed node to plain data, recording each value's line."""
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(_scalar(key_node)) if isinstance(key_node, yaml.ScalarNode) else "?"
            if key in out:
                raise _DuplicateKeyError(key, key_node.start_mark.line + 1)
            child_loc = loc + (key,)
            lines[child_loc] = key_node.start_mark.line + 1
            out[key] = _plain(value_node, child_loc, lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[loc + (index,)] = item.start_mark.line + 1
            items.append(_plain(item, loc + (index,), lines))
        return items
    assert isinstance(node, yaml.ScalarNode)
    return _scalar(node)


def read_source(source: SourceFile, text: str | None = None) -> list[Issue]:
    """Parse and validate *source* in place; return the problems found."""
    try:
        content = text if text is not None else source.path.read_text(encoding="utf-8")
        node = yaml.compose(content, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        return [Issue(source.display, line, "(yaml)", f"not valid YAML: {what}")]
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return [Issue(source.display, 1, "(yaml)", f"not valid YAML: {exc}")]
    except OSError as exc:
        return [Issue(source.display, 1, "(file)", f"cannot read the file: {exc.strerror}")]
    source.lines = {(): 1}
    try:
        source.data = _plain(node, (), source.lines) if node is not None else None
    except _DuplicateKeyError as exc:
        return [Issue(source.display, exc.line, "(yaml)", str(exc))]
    except RecursionError:
        return [
            Issue(
                source.display, 1, "(yaml)", "the file nests too deeply (or uses a recursive alias)"
            )
        ]
    if not isinstance(source.data, dict):
        return [
            Issue(source.display, 1, "(top)", "the file must hold a mapping (key: value lines)")
        ]
    model = KIND_MODELS[source.kind]
    try:
        source.model = model.model_validate(source.data)
    except ValidationError as exc:
        return [source.issue(tuple(err["loc"]), _pydantic_message(err)) for err in exc.errors()]
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
        return f"{msg} (got {err.get('input')!r})"
    return msg
