"""Problems found in a catalog, each pointing at a file, a line and a path."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Issue:
    file: str
    line: int
    path: str
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}: {self.path}: {prefix}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class CatalogError(Exception):
    """The catalog could not be built; ``issues`` says everything that is wrong."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        errors = [i for i in issues if i.is_error]
        super().__init__(
            f"{len(errors)} problem(s) in the catalog; first: {errors[0] if errors else '-'}"
        )
