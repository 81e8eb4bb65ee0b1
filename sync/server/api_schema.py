"""A model's JSON schema with its definitions written in place, for an OpenAPI request
body that a route reads itself (FastAPI publishes the models of the bodies it reads,
not of these)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

_PREFIX = "#/$defs/"


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """*model*'s schema without ``$defs``: every reference replaced by what it names.
    The protocol's models are not recursive, so this ends."""
    schema = model.model_json_schema()
    definitions: dict[str, Any] = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            reference = node.get("$ref")
            if isinstance(reference, str) and reference.startswith(_PREFIX):
                return resolve(definitions[reference.removeprefix(_PREFIX)])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(value) for value in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved
