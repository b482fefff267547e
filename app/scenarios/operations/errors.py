"""The refusals of scenario operations."""

from __future__ import annotations

import dataclasses

from app.alignment.text import plural
from app.errors import Refused


class ScenarioError(Refused):
    """A scenario change that the rules refuse; the message is for the user and
    ``field`` names the form field it concerns, if any. Nothing was written."""


class ScenarioStale(ScenarioError):
    """The scenario was changed by someone else after it was loaded."""


class ScenarioBusy(ScenarioError):
    """The scenario has an auto-scheduling run queued or running."""


@dataclasses.dataclass(frozen=True, slots=True)
class Clash:
    """A change that cannot be applied as it is: ``what`` it is of (an item key, a
    dependency, a capacity cell), the field, the live value now and the
    scenario's, in words. ``target`` names the change (see ``resolve_clashes``).
    ``keepable``: whether the scenario's value can still be kept (not when what it
    changes, or a team or period its value names, is gone from the live plan)."""

    what: str
    field: str
    live: str
    scenario: str
    target: str
    keepable: bool = True

    @property
    def item(self) -> str:
        return self.what

    def text(self) -> str:
        return f"{self.what} {self.field}: live {self.live}, scenario {self.scenario}"

    def as_dict(self) -> dict[str, str]:
        return {
            "what": self.what,
            "field": self.field,
            "live": self.live,
            "scenario": self.scenario,
            "target": self.target,
            "keepable": self.keepable,
        }


def clash_count(count: int) -> str:
    """``1 change clashes``, ``3 changes clash``."""
    return plural(count, "change clashes", "changes clash")


class ScenarioClash(ScenarioError):
    """Changes that were made live after the scenario's base: nothing was applied."""

    def __init__(self, scenario_name: str, clashes: list[Clash]) -> None:
        self.clashes = clashes
        listed = "; ".join(clash.text() for clash in clashes)
        super().__init__(
            f"Scenario {scenario_name!r} was not applied: {clash_count(len(clashes))} with "
            f"the live plan ({listed}). Nothing was written."
        )

    def errors(self) -> list[dict[str, str | None]]:
        return [{"field": clash.target, "message": clash.text()} for clash in self.clashes]
