"""What goes wrong with a plan document: problems located by JSON path."""

from __future__ import annotations

from typing import NamedTuple

from app.errors import Refused


class Problem(NamedTuple):
    """One thing wrong with a plan, at a JSON path such as ``items[3].team``."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class PlanError(Refused):
    """A plan was refused; ``problems`` lists every reason, none of it was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(f"the plan has {count} problem{'s' if count != 1 else ''}")

    def errors(self) -> list[dict[str, str | None]]:
        return [{"field": p.path, "message": p.message} for p in self.problems]
