"""Reading catalog YAML files while remembering where every value came from.

Admins need to be told ``wbs.yaml:112: pages[income].fields[rent].max: ...``,
not a Python traceback, so each file is parsed with ruamel.yaml (which keeps
line numbers) into plain Python data plus a map from value paths to lines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

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


def _plain(node: Any, loc: Loc, lines: dict[Loc, int]) -> Any:
    """Convert ruamel's round-trip nodes to plain data, recording each value's line."""
    if isinstance(node, CommentedMap):
        out: dict[Any, Any] = {}
        for key in node:
            child_loc = loc + (str(key),)
            key_line, _ = node.lc.key(key)
            lines[child_loc] = key_line + 1
            out[str(key)] = _plain(node[key], child_loc, lines)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            line, _ = node.lc.item(index)
            lines[loc + (index,)] = line + 1
            items.append(_plain(value, loc + (index,), lines))
        return items
    if isinstance(node, dt.datetime | dt.date):
        return node.isoformat()  # dates are written as text in the model
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def read_source(source: SourceFile, text: str | None = None) -> list[Issue]:
    """Parse and validate *source* in place; return the problems found."""
    yaml = YAML(typ="rt")
    try:
        raw = yaml.load(text if text is not None else source.path.read_text(encoding="utf-8"))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        return [Issue(source.display, line, "(yaml)", f"not valid YAML: {what}")]
    except (YAMLError, UnicodeDecodeError) as exc:
        return [Issue(source.display, 1, "(yaml)", f"not valid YAML: {exc}")]
    except OSError as exc:
        return [Issue(source.display, 1, "(file)", f"cannot read the file: {exc.strerror}")]
    source.lines = {(): 1}
    source.data = _plain(raw, (), source.lines)
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
